// Running commands from the page: destructive ones go through a confirmation dialog that
// names the objects, then to the backend with `confirmed: true`. Errors become toasts.
import { backend } from "./backend";
import { DESTRUCTIVE_ACTIONS } from "./generated/rules";
import type { Command, ObjectReport, Outcome, PruneItem, PruneTarget } from "./types";
import { bytes } from "./format";
import { confirmAction, errorText, toast } from "./ui";

/** `Command::is_destructive` in wharf-core, through the generated rules (the backend enforces it too). */
export function isDestructive(cmd: Command): boolean {
  return DESTRUCTIVE_ACTIONS.includes(cmd.action);
}

const VERBS: Record<Command["action"], string> = {
  start: "Start", stop: "Stop", restart: "Restart", pause: "Pause", unpause: "Unpause", kill: "Kill",
  remove: "Remove", rename: "Rename", remove_image: "Remove", create_network: "Create",
  remove_network: "Remove", create_volume: "Create", remove_volume: "Remove", prune: "Prune", run: "Run",
  recreate: "Recreate", update: "Update", connect: "Connect", disconnect: "Disconnect", tag: "Tag",
  update_images: "Update images", compose: "Compose", compose_down: "Compose down", swarm: "Apply",
};

/**
 * Run `cmds` (one per object, `names[i]` naming `cmds[i]`). Returns how many succeeded, or
 * null when the user cancelled.
 */
export async function runCommands(cmds: Command[], names: string[], what = "containers"): Promise<number | null> {
  if (cmds.length === 0) return 0;
  const verb = VERBS[cmds[0].action];
  let confirmed = false;
  if (cmds.some(isDestructive)) {
    const title = `${verb} ${cmds.length === 1 ? names[0] : `${cmds.length} ${what}`}?`;
    confirmed = await confirmAction(title, verb, names);
    if (!confirmed) return null;
  }
  return execute(cmds, names, verb, confirmed);
}

/** Run confirmed commands; one report line per object: a toast for each that failed. */
async function execute(cmds: Command[], names: string[], verb: string, confirmed: boolean): Promise<number> {
  let ok = 0;
  const results = await Promise.allSettled(cmds.map((c) => backend().execute(c, confirmed)));
  results.forEach((r, i) => {
    if (r.status === "rejected") toast(`${verb} ${names[i]}: ${errorText(r.reason)}`, "error");
    else if (reportProblems(r.value, `${verb} ${names[i]}`) === 0) ok++;
  });
  if (ok > 0) toast(`${verb}: ${ok} of ${cmds.length} done`);
  return ok;
}

/** What an object report says, in one line. */
export function reportLine(r: ObjectReport): string {
  switch (r.outcome.result) {
    case "removed": return `removed ${r.name}`;
    case "skipped": return `skipped ${r.name}: ${r.outcome.reason}`;
    default: return `failed ${r.name}: ${errorText(r.outcome.error)}`;
  }
}

/** Toast every object an outcome did not remove; returns how many. */
function reportProblems(o: Outcome, what: string): number {
  const items = o.outcome === "removed" ? o.items : o.outcome === "pruned" ? o.report.items : [];
  const bad = items.filter((i) => i.outcome.result !== "removed");
  for (const b of bad) toast(`${what}: ${reportLine(b)}`, "error");
  return bad.length;
}

/**
 * Remove containers by wharf-core's rule: a live container is removed with force, and the
 * dialog says it will be killed. Returns how many were removed, or null when cancelled.
 */
export async function removeContainers(ids: string[]): Promise<number | null> {
  if (ids.length === 0) return 0;
  let removals;
  try {
    removals = await backend().containerRemovals(ids);
  } catch (e) {
    toast(`Remove: ${errorText(e)}`, "error");
    return null;
  }
  const names = removals.map((r) => r.name);
  const warnings = removals.flatMap((r) => (r.warning ? [r.warning] : []));
  const title = `Remove ${names.length === 1 ? names[0] : `${names.length} containers`}?`;
  if (!(await confirmAction(title, "Remove", names, warnings))) return null;
  return execute(removals.map((r) => r.command), names, "Remove", true);
}

function itemText(i: PruneItem): string {
  const id = ["container", "image", "network"].includes(i.kind) ? i.id.replace(/^sha256:/, "").slice(0, 12) : "";
  const extra = [id && id !== i.name ? id : "", i.size !== null ? bytes(i.size) : ""].filter(Boolean).join(", ");
  return extra ? `${i.name} (${extra})` : i.name;
}

/**
 * Prune in two steps: ask wharf-core for the plan (the exact objects), list them in the
 * dialog, then send that plan, which removes those objects and nothing else. Returns how many
 * were removed, or null when cancelled or there was nothing to prune.
 */
export async function runPrune(target: PruneTarget, label: string): Promise<number | null> {
  let plan;
  try {
    plan = await backend().prunePlan(target);
  } catch (e) {
    toast(`Prune ${label}: ${errorText(e)}`, "error");
    return null;
  }
  if (plan.items.length === 0) {
    toast(`No ${label} to prune`);
    return null;
  }
  const warnings = target.target === "volumes" ? ["The data in these volumes is lost."] : [];
  if (!(await confirmAction(`Prune ${plan.items.length} ${label}?`, "Prune", plan.items.map(itemText), warnings))) return null;
  try {
    const out = await backend().execute({ action: "prune", plan }, true);
    if (out.outcome !== "pruned") return 0;
    const r = out.report;
    const removed = r.items.filter((i) => i.outcome.result === "removed").length;
    reportProblems(out, `Prune ${label}`);
    toast(`Prune ${label}: removed ${removed} of ${r.items.length}${r.reclaimed ? `, ${bytes(r.reclaimed)} reclaimed` : ""}`);
    return removed;
  } catch (e) {
    toast(`Prune ${label}: ${errorText(e)}`, "error");
    return 0;
  }
}

/**
 * Run one non-destructive command from a form: a toast on success; on failure the error text
 * for the form to show (the dialog stays open so the input can be corrected).
 */
export async function runFromForm(cmd: Command, done: string): Promise<string | null> {
  try {
    await backend().execute(cmd, false);
    toast(done);
    return null;
  } catch (e) {
    return errorText(e);
  }
}
