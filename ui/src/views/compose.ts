// Compose projects on the page: the projects table (services with their containers' counts,
// working dir, config files, from wharf-core's grouping in every snapshot), project start /
// stop / restart / remove on the ids the core lists, and up / down / pull / build through the
// compose tool with the output live in a dialog (Cancel stops the tool). Down is confirmed
// first with the core's lines: every container and the project's networks.
import { archiveRoute, toggleProjectArchive } from "./archive";
import { graphsRoute } from "./project_graphs";
import { h } from "../lib/dom";
import { Table } from "../lib/table";
import { backend } from "../lib/backend";
import type { StreamHandle } from "../lib/backend";
import type { ComposeAction, ComposeProgress, ComposeProject, ProjectAction } from "../lib/types";
import { confirmAction, errorText, formDialog, toast } from "../lib/ui";
import type { View } from "./view";
import { mergedRoute } from "./merged";

function servicesText(p: ComposeProject): string {
  return p.services.map((s) => `${s.name || "?"} ${s.containers.filter((c) => c.state === "running").length}/${s.containers.length}`).join(", ");
}

function stateText(p: ComposeProject): string {
  return p.total > 0 && p.running === p.total ? "running" : p.running === 0 ? "stopped" : "partly running";
}

/** Start, stop, restart or remove (confirmed, naming every container) one project. */
async function projectAction(p: ComposeProject, action: ProjectAction): Promise<void> {
  let confirmed = false;
  if (action === "remove" || action === "stop" || action === "restart") {
    const verb = action[0].toUpperCase() + action.slice(1);
    const names = p.services.flatMap((s) => s.containers.map((c) => `${c.name} (${c.state})`));
    confirmed = await confirmAction(`${verb} project ${p.name}?`, verb, names);
    if (!confirmed) return;
  }
  try {
    const results = await backend().projectAction(p.name, action, confirmed);
    const failed = results.filter((r) => r !== null);
    if (failed.length) toast(`${action} ${p.name}: ${failed.map((e) => errorText(e)).join("; ")}`, "error");
    else toast(`${action} ${p.name}: ${results.length} container(s)`);
  } catch (e) {
    toast(errorText(e), "error");
  }
}

/** Run `action` on a project (or `up` on a file) and show the tool's output as it comes. */
export async function composeRun(target: { project: string } | { file: string }, action: ComposeAction): Promise<void> {
  const label = "project" in target ? target.project : target.file;
  let confirmed = false;
  if (action === "down" && "project" in target) {
    let lines: string[];
    try {
      lines = (await backend().composeDownPlan(target.project)).lines;
    } catch (e) {
      toast(errorText(e), "error");
      return;
    }
    confirmed = await confirmAction(`compose down ${target.project}?`, "Down", lines);
    if (!confirmed) return;
  }
  const title = `compose ${action} ${label}`;
  const command = h("p", { class: "mono muted", "data-testid": "compose-command" });
  const output = h("pre", { class: "mono output", "data-testid": "compose-output", "aria-live": "polite" });
  const status = h("p", { class: "result", role: "status", "data-testid": "compose-status" }, "Running…");
  const cancel = h("button", { type: "button", class: "cancel" }, "Cancel");
  const dlg = h("dialog", { class: "confirm transfer compose", "aria-label": title },
    h("h2", {}, title), command, output, status, h("div", { class: "buttons" }, cancel));
  document.body.appendChild(dlg);
  dlg.showModal();
  let handle: StreamHandle | null = null;
  let ended = false;
  const close = () => { handle?.stop(); dlg.close(); dlg.remove(); };
  cancel.onclick = () => { if (!ended) toast(`${title}: cancelled`); close(); };
  dlg.addEventListener("cancel", (e) => { e.preventDefault(); cancel.click(); });
  const end = (text: string, ok: boolean) => {
    ended = true;
    status.textContent = text;
    status.className = ok ? "result ok" : "result error";
    cancel.textContent = "Close";
    toast(`${title}: ${text}`, ok ? "info" : "error");
  };
  const onProgress = (u: ComposeProgress) => {
    switch (u.kind) {
      case "started": command.textContent = `$ ${u.command}`; break;
      // Lines are inert (the core); textContent keeps them text.
      case "line": output.textContent += `${u.text}\n`; output.scrollTop = output.scrollHeight; break;
      case "finished": end(u.error ? errorText(u.error) : "done", !u.error); break;
    }
  };
  try {
    const s = await backend().composeRun("project" in target ? target.project : null, "file" in target ? target.file : null, action, confirmed, onProgress);
    handle = s;
    if (!dlg.isConnected) s.stop();
  } catch (e) {
    end(errorText(e), false);
  }
}

/** Up of a compose file that has no containers yet. */
async function upFile(): Promise<void> {
  let file = "";
  const ok = await formDialog("Compose up a file", "Up",
    [{ kind: "text", name: "file", label: "Compose file (a path on this machine)", placeholder: "/srv/app/docker-compose.yml", required: true, pattern: null }],
    async (v) => { file = String(v.file ?? "").trim(); return file ? null : "name a compose file"; });
  if (ok && file) await composeRun({ file }, "up");
}

export function composeView(): View {
  const one = (rows: ComposeProject[]) => rows[0];
  const t = new Table<ComposeProject>({
    name: "projects", id: (p) => p.name, empty: "No compose projects (containers labelled com.docker.compose.project).",
    columns: [
      { title: "Project", text: (p) => p.name },
      { title: "Services", text: servicesText },
      { title: "Running", text: (p) => `${p.running} / ${p.total}`, sort: (p) => p.running },
      { title: "State", text: stateText },
      { title: "Working dir", text: (p) => p.working_dir ?? "", class: "mono" },
      { title: "Config files", text: (p) => p.config_files.join(", "), class: "mono" },
    ],
    actions: [
      { label: "Start", mutating: true, run: async (rows) => { for (const p of rows) await projectAction(p, "start"); } },
      { label: "Stop", mutating: true, run: async (rows) => { for (const p of rows) await projectAction(p, "stop"); } },
      { label: "Restart", mutating: true, run: async (rows) => { for (const p of rows) await projectAction(p, "restart"); } },
      { label: "Remove", mutating: true, run: async (rows) => { for (const p of rows) await projectAction(p, "remove"); } },
      { label: "Up", mutating: true, needs: "one", run: (rows) => composeRun({ project: one(rows).name }, "up") },
      { label: "Down", mutating: true, needs: "one", run: (rows) => composeRun({ project: one(rows).name }, "down") },
      { label: "Pull", mutating: true, needs: "one", run: (rows) => composeRun({ project: one(rows).name }, "pull") },
      { label: "Build", mutating: true, needs: "one", run: (rows) => composeRun({ project: one(rows).name }, "build") },
      { label: "Up a file…", needs: "none", mutating: true, run: upFile },
      { label: "Logs", needs: "one", mutating: false, run: ([p]) => { location.hash = mergedRoute({ kind: "project", name: p.name }); } },
      { label: "Archive logs", needs: "one", mutating: false, run: ([p]) => toggleProjectArchive(p.name) },
      { label: "Search archive", needs: "one", mutating: false, run: ([p]) => { location.hash = archiveRoute(`compose:${p.name}`); } },
      { label: "Graphs", needs: "one", mutating: false, run: ([p]) => { location.hash = graphsRoute(p.name); } },
    ],
  });
  return {
    el: t.el,
    update: (s) => t.setRows(s.projects, s.read_only),
    focusFilter: () => t.focusFilter(),
    destroy: () => undefined,
  };
}
