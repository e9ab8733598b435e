// The Fleet page: several engines at once (wharf-core's `fleet`). One chip per engine (state,
// containers, its colour, a read-only badge; a red frame for a red "production" engine), and
// one table of every engine's containers with an ENGINE column: the filter matches the engine
// too, sort, marks across engines and bulk actions, each confirmed with the objects named with
// their engine (the core's plan) and routed by engine name. Read-only per engine is the core's:
// a refused item comes back as its error. The listing is pushed by the backend on each fleet
// revision (at most every 150 ms) while the page is visible: hidden, the stream stops and
// nothing is sent; shown again, a new stream's first message is the listing now. An SSH
// engine's chip says what its shared connections cost (the core's counters).
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { shortId } from "../lib/format";
import { Table } from "../lib/table";
import type { Command, EngineSsh, EngineStatus, FleetContainer, FleetItem, FleetSnapshot, FleetUpdate, Snapshot, SshCost } from "../lib/types";
import { confirmAction, errorText, toast } from "../lib/ui";
import { whileVisible, type Visible } from "../lib/visible";
import { fleetKinds } from "./fleet_objects";
import type { View } from "./view";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** As the terminal's header says it (`SshCost::describe` in the core). */
function sshText(c: SshCost): string {
  return `${plural(c.connections, "SSH connection")} · ${plural(c.sessions, "session")} (at most ${c.sessions_per_connection} each) · ${plural(c.processes, "ssh process", "ssh processes")}`;
}

const key = (r: FleetContainer) => `${r.container.id}@${r.engine}`;

/** `count`: the engine's count of the object kind shown (another tab than Containers). */
function chip(e: EngineStatus, ssh: EngineSsh | undefined, count: { n: number; kind: string } | null = null): HTMLElement {
  const el = h("span", {
    class: `engine-chip state-${e.state}${e.red ? " red" : ""}`, "data-engine": e.name,
    title: e.error ? `${e.endpoint}: ${e.error}` : e.endpoint,
  },
  h("span", { class: "dot" }),
  h("strong", {}, e.name), ` ${e.state.replace("_", " ")} · ${count ? `${count.n} ${count.kind}` : `${e.containers} containers, ${e.running} running`}`,
  e.read_only ? h("span", { class: "badge ro", title: "read-only: changes are refused" }, "RO") : "",
  e.stale ? h("span", { class: "badge" }, "stale") : "",
  ssh ? h("span", { class: "ssh-cost", "data-testid": "ssh-cost" }, ` · ${sshText(ssh.cost)}`) : "");
  // A configured colour is only a CSS colour value when it parses as one.
  if (e.colour && CSS.supports("color", e.colour)) el.style.setProperty("--engine", e.colour);
  return el;
}

async function act(rows: FleetContainer[], make: (r: FleetContainer) => Command | null) {
  const items: FleetItem[] = [];
  for (const r of rows) {
    const cmd = make(r);
    if (cmd) items.push({ engine: r.engine, cmd });
  }
  if (!items.length) return;
  try {
    const plan = await backend().fleetPlan(items);
    const engines = new Set(items.map((i) => i.engine)).size;
    if (plan.destructive && !(await confirmAction(
      `${items[0].cmd.action} ${items.length} container${items.length === 1 ? "" : "s"} on ${engines} engine${engines === 1 ? "" : "s"}?`,
      "Apply", plan.lines))) return;
    const results = await backend().fleetExecute(items, plan.destructive);
    const failed = results.map((e, i) => (e ? `${plan.lines[i]}: ${errorText(e)}` : null)).filter((x): x is string => x !== null);
    if (failed.length) toast(failed.join("; "), "error");
    else toast(`${items[0].cmd.action}: ${items.length} done`);
  } catch (e) {
    toast(errorText(e), "error");
  }
}

export function fleetView(): View {
  let snap: FleetSnapshot = { engines: [], containers: [] };
  let readOnly = false;
  const hosts: string[] = [];
  const chips = h("div", { class: "engine-chips", "data-testid": "fleet-engines" });
  const frame = h("div", { class: "fleet-frame" });
  const table = new Table<FleetContainer>({
    name: "fleet", id: key, empty: "No containers on any engine.",
    columns: [
      {
        title: "Engine", text: (r) => r.engine,
        cell: (r) => {
          const e = snap.engines.find((x) => x.name === r.engine);
          const el = h("span", { class: `engine-tag${e?.red ? " red" : ""}` }, r.engine);
          if (e?.colour && CSS.supports("color", e.colour)) el.style.setProperty("--engine", e.colour);
          return el;
        },
      },
      { title: "Name", text: (r) => r.container.name },
      { title: "Image", text: (r) => r.container.image },
      { title: "State", text: (r) => r.container.state },
      { title: "Status", text: (r) => r.container.status },
      { title: "ID", text: (r) => shortId(r.container.id), class: "mono" },
    ],
    actions: [
      { label: "Start", mutating: true, run: (rs) => act(rs, (r) => ({ action: "start", id: r.container.id })) },
      { label: "Stop", mutating: true, run: (rs) => act(rs, (r) => ({ action: "stop", id: r.container.id, timeout: null })) },
      { label: "Restart", mutating: true, run: (rs) => act(rs, (r) => ({ action: "restart", id: r.container.id, timeout: null })) },
      { label: "Pause", mutating: true, run: (rs) => act(rs, (r) => (r.container.state === "running" ? { action: "pause", id: r.container.id } : null)) },
      { label: "Unpause", mutating: true, run: (rs) => act(rs, (r) => (r.container.state === "paused" ? { action: "unpause", id: r.container.id } : null)) },
      {
        label: "Remove", mutating: true,
        run: (rs) => act(rs, (r) => ({ action: "remove", id: r.container.id, force: ["running", "paused", "restarting"].includes(r.container.state), volumes: false })),
      },
    ],
  });
  const add = h("input", { type: "text", class: "add-engine", placeholder: "Add an engine address (tcp://…, ssh://…)", "aria-label": "Add an engine address" });
  const form = h("form", {
    class: "fleet-add", onsubmit: (ev: Event) => {
      ev.preventDefault();
      const v = add.value.trim();
      if (!v) return;
      hosts.push(v);
      add.value = "";
      void open();
    },
  }, add, h("button", { type: "submit" }, "Add"));
  // The Images / Volumes / Networks tabs (fleet_objects.ts); the containers' table is the first.
  const kinds = fleetKinds(() => snap.engines, (t) => {
    table.el.hidden = t !== "containers";
    show(snap);
  });
  frame.append(table.el, kinds.el);
  // Names that were the same engine as a member, listed once (wharf-core's `fleet::same`).
  const same = h("p", { class: "fleet-same muted", "data-testid": "fleet-same", hidden: true });
  const el = h("section", { class: "fleet", "data-testid": "fleet" }, h("h2", {}, "Fleet"), chips, same, form, kinds.tabs, frame);

  let ssh: EngineSsh[] = [];
  const show = (s: FleetSnapshot) => {
    snap = s;
    replace(chips, s.engines.map((e) => {
      const n = kinds.count(e.name);
      return chip(e, ssh.find((c) => c.engine === e.name), n === null ? null : { n, kind: kinds.tab() });
    }));
    // Production in view: the frame turns red while any red engine has rows listed.
    frame.classList.toggle("red", s.engines.some((e) => e.red && e.containers > 0));
    table.setRows(s.containers, readOnly);
  };
  const pushed = (u: FleetUpdate) => {
    ssh = u.ssh;
    const lines = u.same.join("; ");
    if (same.textContent !== lines) same.textContent = lines;
    same.hidden = lines === "";
    show(u.snapshot);
    // The objects of an object tab follow the same revisions (nothing while Containers shows).
    void kinds.poll();
  };
  let live: Visible | null = null;
  let closed = false;
  const open = async () => {
    try {
      show(await backend().fleetOpen(hosts));
      if (closed) return;
      // A fleet opened again (an address added) is a new one: a new stream follows it.
      if (live) live.restart();
      else live = whileVisible(() => backend().fleetWatch(pushed), (e) => toast(errorText(e), "error"));
    } catch (e) {
      toast(errorText(e), "error");
    }
  };
  void open();
  return {
    el,
    update: (s: Snapshot) => {
      if (s.read_only !== readOnly) {
        readOnly = s.read_only;
        table.setRows(snap.containers, readOnly);
        kinds.setReadOnly(readOnly);
      }
    },
    destroy: () => {
      closed = true;
      live?.stop();
      live = null;
      void backend().fleetClose().catch(() => undefined);
    },
    focusFilter: () => {
      if (!kinds.focusFilter()) table.focusFilter();
    },
  };
}
