// The stub's fleet objects: a few images, volumes and networks on the stub fleet's engines
// (stub_fleet.ts), for the Fleet page's object tabs' layout and interaction tests ONLY. The
// merge, usage, removal plan and read-only refusal are wharf-core's, proved by the core's
// tests and src-tauri/tests/fleet_objects.rs; the stub answers like them for these few cases.
// A removal the page sent (seen in `window.__wharfFleet.executed`) takes the object off the
// list unless its engine is read-only.
import type { Backend } from "./index";
import type { FleetImage, FleetItem, FleetNetwork, FleetObjectKey, FleetObjects, FleetVolume, RemovalOptions, RemovalPlan } from "../types";

type Api = Pick<Backend, "fleetObjects" | "fleetRemovePlan">;
type Seen = { engines: { name: string; read_only: boolean }[]; executed: { items: FleetItem[] }[] };

const READ_ONLY = ["audit"];

function vol(engine: string, name: string, users: number): FleetVolume {
  return { engine, users, volume: { name, driver: "local", mountpoint: `/v/${name}`, created: null, scope: "local", labels: {}, size: null, ref_count: null } };
}

function net(engine: string, id: string, name: string): FleetNetwork {
  return { engine, users: 0, builtin: ["bridge", "host", "none"].includes(name), network: { id, name, driver: "bridge", scope: "local", internal: false, attachable: false, subnets: [], created: null, labels: {}, containers: null } };
}

function img(engine: string, id: string, tag: string, users: number): FleetImage {
  return { engine, users, image: { id, tags: [tag], digests: [], created: 0, size: 4_400_000, containers: null, labels: {} } };
}

export function stubFleetObjects(): Api {
  let volumes = [vol("local", "data", 1), vol("local", "cache", 0), vol("prod", "data", 0), vol("audit", "ledger-db", 0)];
  const networks = [net("local", "n1".padEnd(64, "1"), "bridge"), net("local", "n2".padEnd(64, "2"), "appnet"), net("prod", "n3".padEnd(64, "3"), "appnet")];
  const images = [img("local", "sha256:".padEnd(71, "a"), "busybox:latest", 1), img("prod", "sha256:".padEnd(71, "b"), "busybox:latest", 0)];
  let applied = 0;
  const apply = () => {
    const seen = (window as unknown as { __wharfFleet?: Seen }).__wharfFleet;
    for (const run of seen?.executed.slice(applied) ?? []) {
      for (const i of run.items) {
        if (READ_ONLY.includes(i.engine) || i.cmd.action !== "remove_volume") continue;
        const name = i.cmd.name;
        volumes = volumes.filter((v) => !(v.engine === i.engine && v.volume.name === name));
      }
    }
    applied = seen?.executed.length ?? 0;
  };
  const objects = (): FleetObjects => {
    apply();
    const engines = ["local", "prod", "audit", "gone"];
    return {
      counts: engines.map((engine) => ({
        engine,
        images: images.filter((x) => x.engine === engine).length,
        volumes: volumes.filter((x) => x.engine === engine).length,
        networks: networks.filter((x) => x.engine === engine).length,
      })),
      images, volumes, networks,
    };
  };
  return {
    async fleetObjects() { return objects(); },
    async fleetRemovePlan(keys: FleetObjectKey[], options?: RemovalOptions): Promise<RemovalPlan> {
      const o = objects();
      const opts = options ?? { force: false, no_prune: false };
      const plan: RemovalPlan = { title: "", lines: [], notes: [], items: [], needs_force: 0, has_images: false };
      for (const k of keys) {
        const i = o.images.find((x) => k.kind === "image" && x.engine === k.engine && x.image.id === k.id);
        if (i) {
          plan.has_images = true;
          // The core's rule: an image in use goes only with force.
          if (i.users && !opts.force) {
            plan.needs_force += 1;
            plan.notes.push(`image ${i.image.tags[0]} on ${i.engine} is used by container web there: left alone (force removes it)`);
          } else {
            plan.lines.push(`remove image ${i.image.tags[0]} (${i.image.id.slice(7, 19)}) on ${i.engine}${i.users ? `, used by ${i.users} container there` : ""}`);
            plan.items.push({ engine: i.engine, cmd: { action: "remove_image", id: i.image.id, tags: i.image.tags, force: opts.force, no_prune: opts.no_prune } });
          }
          continue;
        }
        const v = o.volumes.find((x) => k.kind === "volume" && x.engine === k.engine && x.volume.name === k.id);
        const n = o.networks.find((x) => k.kind === "network" && x.engine === k.engine && x.network.id === k.id);
        const used = (u: number) => (u ? `, used by ${u} container${u === 1 ? "" : "s"} there` : "");
        if (v) {
          plan.lines.push(`remove volume ${v.volume.name} on ${v.engine}${used(v.users)}`);
          plan.items.push({ engine: v.engine, cmd: { action: "remove_volume", name: v.volume.name, force: false } });
        } else if (n?.builtin) {
          plan.notes.push(`${n.network.name} on ${n.engine} is built in: left alone`);
        } else if (n) {
          plan.lines.push(`remove network ${n.network.name} (${n.network.id.slice(0, 12)}) on ${n.engine}`);
          plan.items.push({ engine: n.engine, cmd: { action: "remove_network", id: n.network.id } });
        }
      }
      for (const e of READ_ONLY) if (plan.items.some((i) => i.engine === e)) plan.notes.push(`${e} is read-only: its part will be refused`);
      const engines = new Set(plan.items.map((i) => i.engine)).size;
      plan.title = plan.items.length ? `Remove ${plan.items.length} objects on ${engines} engine${engines === 1 ? "" : "s"}?` : "Nothing to remove";
      return plan;
    },
  };
}
