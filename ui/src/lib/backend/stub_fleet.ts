// The stub's fleet: three fake engines (one red, one read-only, one down) for the Fleet
// page's layout and interaction tests ONLY. The routing, read-only refusal and merge rules
// are wharf-core's, proved by the core's tests and src-tauri/tests/fleet.rs; the stub only
// answers like them. `window.__wharfFleet` lets tests inspect what the page sent, make a
// revision (`revise`, as a member's new snapshot does: pushed to open streams only) and count
// the listings the page asked for (`asked`) and the messages pushed (`pushed`).
import type { Backend, StreamHandle } from "./index";
import type { Container, ContainerState, EngineSsh, EngineStatus, ErrorReport, FleetItem, FleetSnapshot, FleetUpdate } from "../types";

type FleetApi = Pick<Backend, "fleetOpen" | "fleetSnapshot" | "fleetClose" | "fleetPlan" | "fleetExecute" | "fleetWatch">;

interface StubFleet {
  open: boolean;
  hosts: string[];
  engines: EngineStatus[];
  rows: { engine: string; container: Container }[];
  executed: { items: FleetItem[]; confirmed: boolean }[];
  /** The SSH engines' costs (`prod` is reached over SSH). */
  ssh: EngineSsh[];
  /** Names listed once because they are a member's engine (`default` is `local`). */
  same: string[];
  watchers: Set<(u: FleetUpdate) => void>;
  asked: number;
  pushed: number;
  /** A revision: `change` edits the rows, then open streams get the listing. */
  revise(change: (f: StubFleet) => void): void;
}

function status(name: string, extra: Partial<EngineStatus>): EngineStatus {
  return { name, endpoint: `unix:///stub/${name}.sock`, colour: null, red: false, read_only: false, state: "connected",
    error: null, containers: 0, running: 0, stale: false, revision: 1, ...extra };
}

const DESTRUCTIVE = ["stop", "restart", "kill", "remove"];

export function stubFleet(make: (i: number, state: ContainerState) => Container, stream: (stop: () => void) => StreamHandle): FleetApi {
  const f: StubFleet = {
    open: false, hosts: [], engines: [], rows: [], executed: [], ssh: [], same: [], watchers: new Set(), asked: 0, pushed: 0,
    revise(change) {
      change(f);
      const u = update();
      for (const w of f.watchers) { f.pushed += 1; w(u); }
    },
  };
  (window as unknown as { __wharfFleet: StubFleet }).__wharfFleet = f;
  const snapshot = (): FleetSnapshot => {
    const engines = f.engines.map((e) => {
      const rows = f.rows.filter((r) => r.engine === e.name);
      return { ...e, containers: rows.length, running: rows.filter((r) => r.container.state === "running").length };
    });
    return { engines, containers: f.rows.map((r) => ({ engine: r.engine, container: r.container })) };
  };
  const update = (): FleetUpdate => ({ snapshot: snapshot(), ssh: f.ssh.map((s) => ({ ...s, cost: { ...s.cost } })), same: [...f.same] });
  const row = (engine: string, i: number, name: string, state: ContainerState) =>
    ({ engine, container: { ...make(i, state), name } });
  const name = (it: FleetItem) => f.rows.find((r) => r.engine === it.engine && "id" in it.cmd && r.container.id === it.cmd.id)?.container.name ?? "";
  return {
    async fleetOpen(hosts) {
      f.open = true;
      f.hosts = hosts;
      f.engines = [
        status("local", { colour: "green" }),
        status("prod", { colour: "red", red: true }),
        status("audit", { read_only: true }),
        status("gone", { state: "down", error: "connection refused <b>not bold</b>" }),
        ...hosts.map((h) => status(h, { state: "connecting" })),
      ];
      f.rows = [row("local", 1, "web", "running"), row("local", 2, "db", "exited"),
        row("prod", 3, "web", "running"), row("audit", 4, "ledger", "running")];
      f.same = ["default and local are the same engine: shown once"];
      f.ssh = [{ engine: "prod", cost: { connections: 1, sessions: 5, processes: 6, sessions_per_connection: 8 } }];
      return snapshot();
    },
    async fleetSnapshot() {
      if (!f.open) throw { kind: "invalid_input", message: "no fleet is open", hint: null };
      f.asked += 1;
      return snapshot();
    },
    async fleetWatch(cb) {
      if (!f.open) throw { kind: "invalid_input", message: "no fleet is open", hint: null };
      f.watchers.add(cb);
      // The listing now, first: it fills whatever the page missed while it was hidden.
      f.pushed += 1;
      cb(update());
      return stream(() => f.watchers.delete(cb));
    },
    async fleetClose() { f.open = false; },
    async fleetPlan(items) {
      return { lines: items.map((i) => `${i.cmd.action} ${name(i)} on ${i.engine}`), destructive: items.some((i) => DESTRUCTIVE.includes(i.cmd.action)) };
    },
    async fleetExecute(items, confirmed) {
      if (items.some((i) => DESTRUCTIVE.includes(i.cmd.action)) && !confirmed) {
        throw { kind: "invalid_input", message: "needs confirmation", hint: null };
      }
      f.executed.push({ items, confirmed });
      const results = items.map((i): ErrorReport | null => {
        const e = f.engines.find((x) => x.name === i.engine);
        if (e?.read_only) return { kind: "denied", message: `${i.cmd.action}: Wharf is in read-only mode`, hint: null };
        const r = f.rows.find((x) => x.engine === i.engine && "id" in i.cmd && x.container.id === i.cmd.id);
        if (r && i.cmd.action === "stop") r.container = { ...r.container, state: "exited" };
        if (r && i.cmd.action === "start") r.container = { ...r.container, state: "running" };
        return null;
      });
      // The engines' events make a revision.
      setTimeout(() => f.revise(() => undefined), 0);
      return results;
    },
  };
}
