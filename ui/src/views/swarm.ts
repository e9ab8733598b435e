// Swarm (when the engine is a swarm manager): nodes, services with their replicas (the
// core's rule), every service's tasks, secrets and configs (swarm_configs.ts). Each change is a core SwarmOp: the page
// asks `swarmPreview` whether it must be confirmed (a drain is, an activate is not) and
// sends it with `execute`. A secret's value is typed into a password field and sent once;
// the snapshot never carries one.
import { backend } from "../lib/backend";
import { h } from "../lib/dom";
import { shortId } from "../lib/format";
import { Table } from "../lib/table";
import type { Secret, ServiceView, Snapshot, SwarmNode, SwarmOp, Task } from "../lib/types";
import { confirmAction, errorText, formDialog, toast } from "../lib/ui";
import { configsTable } from "./swarm_configs";
import { mergedRoute } from "./merged";
import { serviceGraphsRoute } from "./project_graphs";
import type { View } from "./view";

const NOT_A_MANAGER = "This engine is not a swarm manager.";

/** Preview, confirm when the core says so, run; false when cancelled or failed. */
export async function runSwarm(op: SwarmOp): Promise<boolean> {
  try {
    const p = await backend().swarmPreview(op);
    if (p.destructive && !(await confirmAction(`${p.text}?`, "Apply", [p.text]))) return false;
    await backend().execute({ action: "swarm", op }, p.destructive);
    toast(p.text);
    return true;
  } catch (e) {
    toast(errorText(e), "error");
    return false;
  }
}

async function all<T>(rows: T[], op: (r: T) => SwarmOp) {
  for (const r of rows) await runSwarm(op(r));
}

function nodesTable() {
  const avail = (availability: "active" | "pause" | "drain") => (rows: SwarmNode[]) =>
    all(rows, (n) => ({ op: "node_availability", id: n.id, name: n.hostname, availability }));
  const role = (role: "manager" | "worker") => (rows: SwarmNode[]) =>
    all(rows, (n) => ({ op: "node_role", id: n.id, name: n.hostname, role }));
  return new Table<SwarmNode>({
    name: "nodes", id: (n) => n.id, empty: NOT_A_MANAGER,
    columns: [
      { title: "Hostname", text: (n) => n.hostname },
      { title: "Role", text: (n) => (n.leader ? `${n.role} (leader)` : n.role) },
      { title: "Availability", text: (n) => n.availability },
      { title: "Status", text: (n) => n.state },
      { title: "Engine", text: (n) => n.engine_version },
      { title: "Labels", text: (n) => Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(", ") },
      { title: "ID", text: (n) => shortId(n.id), class: "mono" },
    ],
    actions: [
      { label: "Drain", mutating: true, run: avail("drain") },
      { label: "Activate", mutating: true, run: avail("active") },
      { label: "Pause", mutating: true, run: avail("pause") },
      { label: "Promote", mutating: true, run: role("manager") },
      { label: "Demote", mutating: true, run: role("worker") },
    ],
  });
}

function servicesTable() {
  const change = (c: "force" | "rollback") => (rows: ServiceView[]) =>
    all(rows, (v) => ({ op: "update_service", id: v.service.id, name: v.service.name, change: { change: c } }));
  return new Table<ServiceView>({
    name: "services", id: (v) => v.service.id, empty: "No services.",
    columns: [
      { title: "Name", text: (v) => v.service.name },
      { title: "Mode", text: (v) => v.service.mode },
      { title: "Replicas", text: (v) => `${v.replicas.running}/${v.replicas.desired}`, sort: (v) => v.replicas.running },
      { title: "Image", text: (v) => v.service.image },
      { title: "Ports", text: (v) => v.service.ports.join(", ") },
      { title: "Update", text: (v) => v.service.update_state ?? "" },
      { title: "Stack", text: (v) => v.service.stack ?? "" },
    ],
    actions: [
      { label: "Scale…", needs: "one", mutating: true, applies: (v) => v.service.mode === "replicated", run: async ([v]) => {
        await formDialog(`Scale ${v.service.name}`, "Scale", [
          { kind: "text", name: "replicas", label: "Replicas", value: String(v.service.replicas ?? 0), pattern: "[0-9]+", required: true },
        ], async (f) => {
          const replicas = Number(f.replicas);
          await runSwarm({ op: "update_service", id: v.service.id, name: v.service.name, change: { change: "scale", replicas } });
          return null;
        });
      } },
      { label: "Update image…", needs: "one", mutating: true, run: async ([v]) => {
        await formDialog(`Image of ${v.service.name}`, "Update", [
          { kind: "text", name: "image", label: "Image", value: v.service.image, pattern: null, required: true },
        ], async (f) => {
          await runSwarm({ op: "update_service", id: v.service.id, name: v.service.name, change: { change: "image", image: String(f.image) } });
          return null;
        });
      } },
      { label: "Logs", needs: "one", mutating: false, run: ([v]) => { location.hash = mergedRoute({ kind: "service", name: v.service.name }); } },
      { label: "Graphs", needs: "one", mutating: false, run: ([v]) => { location.hash = serviceGraphsRoute(v.service.name); } },
      { label: "Force update", mutating: true, run: change("force") },
      { label: "Rollback", mutating: true, run: change("rollback") },
      { label: "Remove", mutating: true, run: (rows) => all(rows, (v) => ({ op: "remove_service", id: v.service.id, name: v.service.name })) },
    ],
  });
}

function tasksTable(s: () => Snapshot | null) {
  const service = (t: Task) => s()?.services.find((v) => v.service.id === t.service)?.service.name ?? shortId(t.service);
  const node = (t: Task) => s()?.nodes.find((n) => n.id === t.node)?.hostname ?? (t.node ? shortId(t.node) : "");
  return new Table<Task>({
    name: "tasks", id: (t) => t.id, empty: "No tasks.",
    columns: [
      { title: "Task", text: (t) => (t.slot ? `${service(t)}.${t.slot}` : `${service(t)}.${node(t)}`) },
      { title: "Node", text: node },
      { title: "Desired", text: (t) => t.desired_state },
      { title: "State", text: (t) => t.state },
      { title: "Error", text: (t) => t.error ?? "" },
      { title: "Image", text: (t) => t.image },
    ],
    actions: [],
  });
}

function secretsTable() {
  return new Table<Secret>({
    name: "secrets", id: (x) => x.id, empty: "No secrets.",
    columns: [
      { title: "Name", text: (x) => x.name },
      { title: "Created", text: (x) => x.created ?? "" },
      { title: "ID", text: (x) => shortId(x.id), class: "mono" },
    ],
    actions: [
      { label: "Create…", needs: "none", mutating: true, run: async () => {
        await formDialog("Create a secret", "Create", [
          { kind: "text", name: "name", label: "Name", required: true },
          { kind: "text", name: "value", label: "Value (or leave empty and give a file)", pattern: null, hidden: true },
          { kind: "text", name: "file", label: "File on this machine", pattern: null },
        ], async (f) => {
          const name = String(f.name);
          const file = String(f.file ?? "").trim();
          const source = file ? { from: "file" as const, path: file } : { from: "text" as const, value: String(f.value ?? "") };
          await runSwarm({ op: "create_secret", name, source });
          return null;
        });
      } },
      { label: "Remove", mutating: true, run: (rows) => all(rows, (x) => ({ op: "remove_secret", id: x.id, name: x.name })) },
    ],
  });
}

export function swarmView(): View {
  let snap: Snapshot | null = null;
  const nodes = nodesTable();
  const services = servicesTable();
  const tasks = tasksTable(() => snap);
  const secrets = secretsTable();
  const configs = configsTable(runSwarm);
  const note = h("p", { class: "muted", "data-testid": "swarm-note" });
  const el = h("section", { class: "swarm" },
    note,
    h("h2", {}, "Nodes"), nodes.el,
    h("h2", {}, "Services"), services.el,
    h("h2", {}, "Tasks"), tasks.el,
    h("h2", {}, "Secrets"), secrets.el,
    h("h2", {}, "Configs"), configs.el);
  return {
    el,
    update(s) {
      snap = s;
      note.textContent = s.swarm_manager ? "" : NOT_A_MANAGER;
      nodes.setRows(s.nodes, s.read_only);
      services.setRows(s.services, s.read_only);
      tasks.setRows(s.tasks, s.read_only);
      secrets.setRows(s.secrets, s.read_only);
      configs.setRows(s.configs, s.read_only);
    },
    focusFilter: () => services.focusFilter(),
    destroy: () => undefined,
  };
}
