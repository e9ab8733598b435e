// Pieces several views share (the containers table and the container page), kept apart so the
// views import them without importing each other.
import { runFromForm } from "../lib/actions";
import { backend } from "../lib/backend";
import { h } from "../lib/dom";
import { ALIVE_STATES } from "../lib/generated/rules";
import type { Container, RunForm } from "../lib/types";
import { errorText, formDialog, toast, type Field } from "../lib/ui";

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
    const [{ openRunForm }, prefill] = await Promise.all([import("./run"), backend().containerRunForm(c.id)]);
    await openRunForm({
      form: prefill.form, edit: { id: c.id, name: c.name }, secretKeys: prefill.secret_keys,
      opened: (id) => { location.hash = `#/container/${id}/stats`; },
    });
  } catch (e) { toast(errorText(e), "error"); }
}

/** "Limits…": update memory, CPUs, pids and the restart policy in place, prefilled with the
 * container's values; blank fields are left as they are, the core parses the others. */
export async function updateLimits(c: Container): Promise<boolean> {
  let f: RunForm;
  try { f = (await backend().containerRunForm(c.id)).form; } catch (e) { toast(errorText(e), "error"); return false; }
  const text = (name: string, label: string, value: string, placeholder: string, suggestions?: string[]): Field =>
    ({ kind: "text", name, label, value, placeholder, pattern: null, suggestions });
  return formDialog(`Update limits of ${c.name}`, "Update", [
    text("memory", "Memory", f.memory, "512m, 1g"),
    text("memory_swap", "Memory + swap", f.memory_swap, "1g, -1 for unlimited"),
    text("memory_reservation", "Memory reservation", f.memory_reservation, "256m"),
    text("cpus", "CPUs", f.cpus, "1.5"),
    text("cpu_shares", "CPU shares", f.cpu_shares, "512"),
    text("pids_limit", "PIDs limit", f.pids_limit, "100"),
    text("restart", "Restart policy", f.restart, "no, always, unless-stopped, on-failure[:N]", ["no", "always", "unless-stopped", "on-failure"]),
  ], (v) => runFromForm({ action: "update", id: c.id, limits: {
    memory: String(v.memory), memory_swap: String(v.memory_swap), memory_reservation: String(v.memory_reservation),
    cpus: String(v.cpus), cpu_shares: String(v.cpu_shares), pids_limit: String(v.pids_limit), restart: String(v.restart),
  } }, `Updated ${c.name}`));
}

/** "Connect…": attach `c` to a network with aliases there. */
export function connectNetwork(c: Container, networks: string[]): Promise<boolean> {
  return formDialog(`Connect ${c.name} to a network`, "Connect", [
    { kind: "text", name: "network", label: "Network", required: true, suggestions: networks.filter((n) => !c.networks.includes(n)) },
    { kind: "text", name: "aliases", label: "Aliases", placeholder: "a1, a2 (optional)", pattern: null },
  ], (v) => runFromForm({ action: "connect", network: String(v.network), container: c.id,
    aliases: String(v.aliases).split(",").map((a) => a.trim()).filter((a) => a !== "") }, `Connected ${c.name} to ${v.network}`));
}

/** "Disconnect…": the dialog names the container and the network; submitting it is the
 * confirmation the destructive command needs. */
export function disconnectNetwork(c: Container): Promise<boolean> {
  return formDialog(`Disconnect ${c.name} from a network`, "Disconnect", [
    { kind: "text", name: "network", label: "Network", required: true, value: c.networks[0] ?? "", suggestions: c.networks },
    { kind: "checkbox", name: "force", label: "Force" },
  ], async (v) => {
    try {
      await backend().execute({ action: "disconnect", network: String(v.network), container: c.id, force: v.force === true }, true);
      toast(`Disconnected ${c.name} from ${v.network}`);
      return null;
    } catch (e) { return errorText(e); }
  });
}

/** Open the run form (its module loads on first use), prefilled with `image`; on success the
 * new container's page opens, on its logs when the user asked to follow them. */
export function openRun(image?: string): void {
  void import("./run").then(({ openRunForm }) => openRunForm({
    form: image ? { image } : {},
    opened: (id, logs) => { location.hash = `#/container/${id}/${logs ? "logs" : "stats"}`; },
  })).catch((e) => toast(errorText(e), "error"));
}
