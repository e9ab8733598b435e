// Running commands from the page: destructive ones go through a confirmation dialog that
// names the objects, then to the backend with `confirmed: true`. Errors become toasts.
import { backend } from "./backend";
import type { Command } from "./types";
import { confirmAction, errorText, toast } from "./ui";

/** Mirrors `Command::is_destructive` in wharf-core (the backend enforces it too). */
export function isDestructive(cmd: Command): boolean {
  return ["stop", "restart", "kill", "remove", "remove_image", "remove_network", "remove_volume", "prune"]
    .includes(cmd.action);
}

const VERBS: Record<Command["action"], string> = {
  start: "Start", stop: "Stop", restart: "Restart", pause: "Pause", unpause: "Unpause", kill: "Kill",
  remove: "Remove", rename: "Rename", remove_image: "Remove", create_network: "Create",
  remove_network: "Remove", create_volume: "Create", remove_volume: "Remove", prune: "Prune",
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
  let ok = 0;
  const results = await Promise.allSettled(cmds.map((c) => backend().execute(c, confirmed)));
  results.forEach((r, i) => {
    if (r.status === "fulfilled") ok++;
    else toast(`${verb} ${names[i]}: ${errorText(r.reason)}`, "error");
  });
  if (ok > 0) toast(`${verb}: ${ok} of ${cmds.length} done`);
  return ok;
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
