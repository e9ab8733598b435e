// The Engine view: everything `docker info` says, the contexts, and prune actions.
import { runPrune } from "../lib/actions";
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { bytes } from "../lib/format";
import type { EngineInfo, PruneTarget, Snapshot, SshCost } from "../lib/types";
import { errorText } from "../lib/ui";
import type { View } from "./view";

const PRUNES: [string, PruneTarget][] = [
  ["stopped containers", { target: "containers" }], ["dangling images", { target: "images", all: false }],
  ["unused networks", { target: "networks" }], ["unused anonymous volumes", { target: "volumes", all: false }],
  ["build cache", { target: "build_cache" }],
];

function info(e: EngineInfo): Node {
  const rows: [string, string][] = [
    ["Platform", e.platform], ["Version", e.version], ["API", `${e.negotiated_api_version} (engine ${e.api_version}, min ${e.min_api_version ?? "?"})`],
    ["OS", `${e.os} (${e.os_type})`], ["Kernel", e.kernel], ["Architecture", e.arch], ["Hostname", e.hostname],
    ["CPUs", String(e.cpus)], ["Memory", bytes(e.memory)], ["Root dir", e.root_dir], ["Storage driver", e.storage_driver],
    ["Cgroup", `${e.cgroup_driver} v${e.cgroup_version}`], ["Logging driver", e.logging_driver], ["Swarm", e.swarm],
    ["Containers", `${e.containers} (${e.running} running, ${e.paused} paused, ${e.stopped} stopped)`], ["Images", String(e.images)],
    ["Engine time", e.system_time],
  ];
  return h("div", {}, h("dl", { class: "facts" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    e.warnings.length ? h("ul", { class: "warnings" }, e.warnings.map((w) => h("li", {}, w))) : null);
}

// Over SSH: the shared connections (issue #12), as the core counts them.
function sshCost(c: SshCost): Node {
  const rows: [string, string][] = [
    ["SSH connections", String(c.connections)],
    ["Sessions in use", `${c.sessions} (at most ${c.sessions_per_connection} per connection)`],
    ["ssh processes", String(c.processes)],
  ];
  return h("dl", { class: "facts" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/** How often the SSH card reads the counters (no engine request: the core counts locally). */
const SSH_COST_MS = 2000;

export function engineView(): View {
  const facts = h("div", { class: "card" }, "Loading…");
  const ssh = h("div", { class: "card ssh", "data-testid": "ssh-cost", hidden: true });
  const ctx = h("div", { class: "card contexts", "data-testid": "contexts" });
  const prune = h("div", { class: "card" });
  const el = h("section", { class: "engine" }, facts, ssh, ctx, prune);
  let last = "";
  const loadSsh = () => backend().sshCost().then((c) => {
    const key = JSON.stringify(c);
    if (key === last) return;
    last = key;
    ssh.hidden = c === null;
    if (c) replace(ssh, h("h3", {}, "SSH"), sshCost(c));
  }, (e) => { last = ""; ssh.hidden = false; replace(ssh, h("h3", {}, "SSH"), h("p", { class: "error" }, errorText(e))); });
  void loadSsh();
  const timer = setInterval(() => void loadSsh(), SSH_COST_MS);
  const load = () => backend().engineInfo().then((e) => replace(facts, h("h3", {}, "Engine"), info(e)),
    (e) => replace(facts, h("h3", {}, "Engine"), h("p", { class: "error" }, errorText(e))));
  void load();
  void backend().contexts().then((list) => replace(ctx, h("h3", {}, "Docker contexts"), list.length === 0 ? h("p", { class: "muted" }, "No contexts.") :
    h("table", { class: "grid" }, h("tbody", {}, list.map((c) => {
      // Long names, endpoints and errors are cut to the card (#13), whole in the tooltip.
      const name = c.name + (c.current ? " (current)" : "");
      const about = c.error ?? c.description ?? "";
      return h("tr", {}, h("td", { class: "name", title: name }, name), h("td", { class: "mono host", title: c.host }, c.host),
        h("td", { class: c.error ? "about error" : "about", title: about }, about));
    })))),
  (e) => replace(ctx, h("h3", {}, "Docker contexts"), h("p", { class: "error" }, errorText(e))));
  let ro: boolean | null = null;
  return {
    el,
    update(s: Snapshot) {
      if (ro === s.read_only) return;
      ro = s.read_only;
      replace(prune, h("h3", {}, "Prune"), s.read_only ? h("p", { class: "muted" }, "read-only") :
        h("div", { class: "actions" }, PRUNES.map(([label, target]) => h("button", { type: "button", class: "danger",
          "data-prune": label, onclick: () => void runPrune(target, label).then(() => load()) }, `Prune ${label}`))));
    },
    destroy: () => clearInterval(timer),
  };
}
