// Pieces several views share (the containers table and the container page), kept apart so the
// views import them without importing each other.
import { runFromForm } from "../lib/actions";
import { backend } from "../lib/backend";
import { h } from "../lib/dom";
import { ALIVE_STATES } from "../lib/generated/rules";
import type { Container } from "../lib/types";
import { errorText, formDialog, toast } from "../lib/ui";

/** Whether the container has processes: wharf-core's `rules::containers`, generated. */
export function isAlive(c: Container): boolean {
  return ALIVE_STATES.includes(c.state);
}

export function stateBadge(state: string): Node {
  return h("span", { class: `badge state-${state}` }, state);
}

/** Ask for a new name and rename `c`; resolves true when renamed. */
export function renameContainer(c: Container): Promise<boolean> {
  return formDialog(`Rename ${c.name}`, "Rename",
    [{ kind: "text", name: "name", label: "New name", value: c.name, required: true }],
    (v) => runFromForm({ action: "rename", id: c.id, name: String(v.name) }, `Renamed ${c.name} to ${v.name}`));
}

/** In read-only mode, why creating is refused (the core refuses too). */
export const READ_ONLY_TITLE = "Wharf is in read-only mode: restart it without --read-only to run containers";

/** Open the run form in edit mode for `c`, prefilled with its configuration; on success the
 * new container's page opens (it has a new id, under the same name). */
export async function editContainer(c: Container): Promise<void> {
  try {
    const [{ openRunForm }, form] = await Promise.all([import("./run"), backend().containerRunForm(c.id)]);
    await openRunForm({
      form, edit: { id: c.id, name: c.name },
      opened: (id) => { location.hash = `#/container/${id}/stats`; },
    });
  } catch (e) { toast(errorText(e), "error"); }
}

/** Open the run form (its module loads on first use), prefilled with `image`; on success the
 * new container's page opens, on its logs when the user asked to follow them. */
export function openRun(image?: string): void {
  void import("./run").then(({ openRunForm }) => openRunForm({
    form: image ? { image } : {},
    opened: (id, logs) => { location.hash = `#/container/${id}/${logs ? "logs" : "stats"}`; },
  })).catch((e) => toast(errorText(e), "error"));
}
