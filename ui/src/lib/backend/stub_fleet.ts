// The stub's fleet: three fake engines (one red, one read-only, one down) for the Fleet
// page's layout and interaction tests ONLY. The routing, read-only refusal and merge rules
// are wharf-core's, proved by the core's tests and src-tauri/tests/fleet.rs; the stub only
// answers like them. `window.__wharfFleet` lets tests inspect what the page sent.
import type { Backend } from "./index";
import type { Container, ContainerState, EngineStatus, ErrorReport, FleetItem, FleetSnapshot } from "../types";

type FleetApi = Pick<Backend, "fleetOpen" | "fleetSnapshot" | "fleetClose" | "fleetPlan" | "fleetExecute">;

interface StubFleet {
  open: boolean;
  hosts: string[];
  engines: EngineStatus[];
  rows: { engine: string; container: Container }[];
  executed: { items: FleetItem[]; confirmed: boolean }[];
}

function status(name: string, extra: Partial<EngineStatus>): EngineStatus {
  return { name, endpoint: `unix:///stub/${name}.sock`, colour: null, red: false, read_only: false, state: "connected",
    error: null, containers: 0, running: 0, stale: false, revision: 1, ...extra };
}

const DESTRUCTIVE = ["stop", "restart", "kill", "remove"];

export function stubFleet(make: (i: number, state: ContainerState) => Container): FleetApi {
  const f: StubFleet = { open: false, hosts: [], engines: [], rows: [], executed: [] };
  (window as unknown as { __wharfFleet: StubFleet }).__wharfFleet = f;
  const snapshot = (): FleetSnapshot => {
    const engines = f.engines.map((e) => {
      const rows = f.rows.filter((r) => r.engine === e.name);
      return { ...e, containers: rows.length, running: rows.filter((r) => r.container.state === "running").length };
    });
    return { engines, containers: f.rows.map((r) => ({ engine: r.engine, container: r.container })) };
  };
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
      return snapshot();
    },
    async fleetSnapshot() {
      if (!f.open) throw { kind: "invalid_input", message: "no fleet is open", hint: null };
      return snapshot();
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
      return items.map((i): ErrorReport | null => {
        const e = f.engines.find((x) => x.name === i.engine);
        if (e?.read_only) return { kind: "denied", message: `${i.cmd.action}: Wharf is in read-only mode`, hint: null };
        const r = f.rows.find((x) => x.engine === i.engine && "id" in i.cmd && x.container.id === i.cmd.id);
        if (r && i.cmd.action === "stop") r.container = { ...r.container, state: "exited" };
        if (r && i.cmd.action === "start") r.container = { ...r.container, state: "running" };
        return null;
      });
    },
  };
}
