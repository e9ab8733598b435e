// The Fleet page: several engines at once (wharf-core's `fleet`). One chip per engine (state,
// containers, its colour, a read-only badge; a red frame for a red "production" engine), and
// one table of every engine's containers with an ENGINE column: the filter matches the engine
// too, sort, marks across engines and bulk actions, each confirmed with the objects named with
// their engine (the core's plan) and routed by engine name. Read-only per engine is the core's:
// a refused item comes back as its error. The listing is asked for every POLL_MS while the
// page is shown; the core answers from each engine's live model without waiting for any.
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { shortId } from "../lib/format";
import { Table } from "../lib/table";
import type { Command, EngineStatus, FleetContainer, FleetItem, FleetSnapshot, Snapshot } from "../lib/types";
import { confirmAction, errorText, toast } from "../lib/ui";
import { fleetKinds } from "./fleet_objects";
import type { View } from "./view";

const POLL_MS = 500;

const key = (r: FleetContainer) => `${r.container.id}@${r.engine}`;

/** `count`: the engine's count of the object kind shown (another tab than Containers). */
function chip(e: EngineStatus, count: { n: number; kind: string } | null = null): HTMLElement {
  const el = h("span", {
    class: `engine-chip state-${e.state}${e.red ? " red" : ""}`, "data-engine": e.name,
    title: e.error ? `${e.endpoint}: ${e.error}` : e.endpoint,
  },
  h("span", { class: "dot" }),
  h("strong", {}, e.name), ` ${e.state.replace("_", " ")} · ${count ? `${count.n} ${count.kind}` : `${e.containers} containers, ${e.running} running`}`,
  e.read_only ? h("span", { class: "badge ro", title: "read-only: changes are refused" }, "RO") : "",
  e.stale ? h("span", { class: "badge" }, "stale") : "");
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
  const el = h("section", { class: "fleet", "data-testid": "fleet" }, h("h2", {}, "Fleet"), chips, form, kinds.tabs, frame);

  const show = (s: FleetSnapshot) => {
    snap = s;
    replace(chips, s.engines.map((e) => {
      const n = kinds.count(e.name);
      return chip(e, n === null ? null : { n, kind: kinds.tab() });
    }));
    // Production in view: the frame turns red while any red engine has rows listed.
    frame.classList.toggle("red", s.engines.some((e) => e.red && e.containers > 0));
    table.setRows(s.containers, readOnly);
  };
  let timer: ReturnType<typeof setInterval> | null = null;
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      show(await backend().fleetSnapshot());
      await kinds.poll();
    } catch (e) {
      toast(errorText(e), "error");
      if (timer) clearInterval(timer);
      timer = null;
    } finally {
      busy = false;
    }
  };
  const open = async () => {
    try {
      show(await backend().fleetOpen(hosts));
      if (!timer) timer = setInterval(() => void poll(), POLL_MS);
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
      if (timer) clearInterval(timer);
      timer = null;
      void backend().fleetClose().catch(() => undefined);
    },
    focusFilter: () => {
      if (!kinds.focusFilter()) table.focusFilter();
    },
  };
}
