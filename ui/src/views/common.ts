// Pieces several views share (the containers table and the container page), kept apart so the
// views import them without importing each other.
import { runFromForm } from "../lib/actions";
import { h } from "../lib/dom";
import { ALIVE_STATES } from "../lib/generated/rules";
import type { Container } from "../lib/types";
import { formDialog } from "../lib/ui";

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
