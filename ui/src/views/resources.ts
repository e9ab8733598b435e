// Table views of each resource kind: a descriptor per kind for the one Table.
import { removeContainers, runCommands, runFromForm } from "../lib/actions";
import { h, replace } from "../lib/dom";
import { ago, bytes, shortId } from "../lib/format";
import { Table } from "../lib/table";
import { BUILTIN_NETWORKS } from "../lib/generated/rules";
import { backend } from "../lib/backend";
import type { Command, Container, EngineEvent, FindingCounts, Image, Network, SearchResult, Snapshot, Volume } from "../lib/types";
import { errorText, formDialog, toast } from "../lib/ui";
import type { View } from "./view";
import { mergedRoute } from "./merged";
import { statusLine } from "./container";
import { isAlive, openRun, READ_ONLY_TITLE, renameContainer, stateBadge } from "./common";
import type { Freshness, ImageFilter, UpdateMarks } from "../lib/types";
import { updateImages } from "./bulk_update";
import { exportImages, loadImages, loginDialog, pullImage, pushImage, removeImages, showHistory, tagImage } from "./images";

/** The last update check (wharf-core's marks for images and the containers running them);
 * views showing marks re-render when it changes. */
const updateMarks: { marks: UpdateMarks | null; listeners: Set<() => void> } = { marks: null, listeners: new Set() };

async function checkUpdates(ids: string[]): Promise<void> {
  toast(`Checking ${ids.length} image(s) against their registries…`);
  try {
    updateMarks.marks = await backend().checkUpdates(ids);
    const outdated = Object.values(updateMarks.marks.images).filter((f) => f === "outdated").length;
    toast(`Update check: ${outdated} outdated`, outdated > 0 ? "error" : "info");
    for (const l of updateMarks.listeners) l();
  } catch (e) {
    toast(errorText(e), "error");
  }
}

/** The containers of `s` the last update check marked outdated (a container recreated since
 * has a new id, unmarked until the next check). */
function outdatedContainers(s: Snapshot | null): string[] {
  const here = new Set(s?.containers.map((c) => c.id) ?? []);
  return Object.entries(updateMarks.marks?.containers ?? {}).filter(([id, f]) => f === "outdated" && here.has(id)).map(([id]) => id);
}

/** "outdated" / "current" / "unknown" as a badge; nothing before a check. */
function freshnessBadge(f: Freshness | undefined, why: string[] | undefined): Node {
  if (!f) return h("span");
  const text = f === "outdated" ? "outdated" : f === "up_to_date" ? "current" : "unknown";
  return h("span", { class: `badge fresh-${f}`, "data-freshness": f, title: why?.join("\n") ?? "" }, text);
}

function ports(c: Container): string {
  return c.ports.map((p) => (p.host_port ? `${p.host_ip ?? "0.0.0.0"}:${p.host_port}->` : "") + `${p.container_port}/${p.protocol}`).join(", ");
}

type Act = (c: Container) => Command;

export function containerActions(rows: Container[], act: Act, verbWhat = "containers") {
  return runCommands(rows.map(act), rows.map((r) => r.name), verbWhat);
}

/** A container row with its findings counts (wharf-core's rules, in the snapshot). */
type Row = Container & { findings: FindingCounts | null };

/** High and medium findings as badges; sorted by severity (high first). */
const findingsColumn = {
  title: "Findings",
  text: (c: Row) => (c.findings ? `${c.findings.high} high ${c.findings.medium} medium` : ""),
  sort: (c: Row) => -((c.findings?.high ?? 0) * 1000 + (c.findings?.medium ?? 0)),
  cell: (c: Row) => {
    const f = c.findings;
    if (!f) return h("span", { class: "muted", title: "not inspected yet" }, "–");
    if (f.high + f.medium === 0) return h("span", { class: "muted", "data-findings": "0" }, f.low ? `${f.low} low` : "none");
    return h("a", { href: `#/container/${c.id}/findings`, class: "findings-badges", "data-findings": f.high + f.medium,
      title: `${f.high} high, ${f.medium} medium, ${f.low} low` },
      f.high ? h("span", { class: "badge sev-high" }, `${f.high} high`) : null,
      f.medium ? h("span", { class: "badge sev-medium" }, `${f.medium} med`) : null);
  },
};

export function containersView(open: (id: string) => void): View {
  let lastSnap: Snapshot | null = null;
  const t = new Table<Row>({
    name: "containers", id: (c) => c.id, empty: "No containers.", onOpen: (c) => open(c.id),
    columns: [
      { title: "Name", text: (c) => c.name, cell: (c) => h("a", { href: `#/container/${c.id}`, class: "name" }, c.name) },
      { title: "State", text: (c) => c.state, cell: (c) => stateBadge(c.state) },
      { title: "Status", text: (c) => statusLine(c) },
      { title: "Image", text: (c) => c.image, cell: (c) => h("span", {}, c.image, " ", freshnessBadge(updateMarks.marks?.containers[c.id], undefined)) },
      { title: "Project", text: (c) => c.compose?.project ?? "" },
      { title: "Ports", text: ports },
      findingsColumn,
      { title: "Created", text: (c) => ago(c.created), sort: (c) => -c.created },
      { title: "ID", text: (c) => shortId(c.id), class: "mono" },
    ],
    actions: [
      { label: "Start", mutating: true, applies: (c) => !isAlive(c), run: (r) => containerActions(r, (c) => ({ action: "start", id: c.id })).then(() => undefined) },
      { label: "Stop", mutating: true, applies: (c) => c.state === "running" || c.state === "restarting", run: (r) => containerActions(r, (c) => ({ action: "stop", id: c.id, timeout: null })).then(() => undefined) },
      { label: "Restart", mutating: true, run: (r) => containerActions(r, (c) => ({ action: "restart", id: c.id, timeout: null })).then(() => undefined) },
      { label: "Pause", mutating: true, applies: (c) => c.state === "running", run: (r) => containerActions(r, (c) => ({ action: "pause", id: c.id })).then(() => undefined) },
      { label: "Unpause", mutating: true, applies: (c) => c.state === "paused", run: (r) => containerActions(r, (c) => ({ action: "unpause", id: c.id })).then(() => undefined) },
      { label: "Kill", mutating: true, applies: isAlive, run: (r) => containerActions(r, (c) => ({ action: "kill", id: c.id, signal: "SIGKILL" })).then(() => undefined) },
      { label: "Rename…", needs: "one", mutating: true, run: ([c]) => renameContainer(c).then(() => undefined) },
      { label: "Remove", mutating: true, run: (r) => removeContainers(r.map((c) => c.id)).then(() => undefined) },
      { label: "Merged logs", mutating: false, run: (r) => { location.hash = mergedRoute({ kind: "containers", ids: r.map((c) => c.id) }); } },
      { label: "Run…", needs: "none", mutating: true, readOnlyTitle: READ_ONLY_TITLE, run: () => openRun() },
      // The selected containers, or every one the last update check marked outdated.
      { label: "Update images…", needs: "none", mutating: true, enabled: () => outdatedContainers(lastSnap).length > 0,
        run: (r) => updateImages(r.length ? r.map((c) => c.id) : outdatedContainers(lastSnap)) },
    ],
  });
  const view = tableView(t, (s) => s.containers.map((c) => ({ ...c, findings: s.findings[c.id] ?? null })));
  // An update check marks containers too: show it without waiting for the next snapshot.
  const rerender = () => { if (lastSnap) view.update(lastSnap); };
  updateMarks.listeners.add(rerender);
  return { ...view, update: (s) => { lastSnap = s; view.update(s); }, destroy: () => { updateMarks.listeners.delete(rerender); } };
}

function createNetwork() {
  return formDialog("Create network", "Create", [
    { kind: "text", name: "name", label: "Name", required: true, placeholder: "e.g. backend" },
    { kind: "text", name: "driver", label: "Driver", value: "bridge", suggestions: ["bridge", "macvlan", "ipvlan", "overlay"] },
    { kind: "checkbox", name: "internal", label: "Internal (no outside access)" },
    { kind: "text", name: "subnet", label: "Subnet", placeholder: "optional, e.g. 10.1.0.0/16", pattern: null },
    { kind: "text", name: "gateway", label: "Gateway", placeholder: "optional, inside the subnet", pattern: null },
    { kind: "text", name: "ip_range", label: "IP range", placeholder: "optional, e.g. 10.1.5.0/24", pattern: null },
    { kind: "text", name: "options", label: "Driver options", placeholder: "k=v, k=v (optional)", pattern: null },
    { kind: "text", name: "labels", label: "Labels", placeholder: "k=v, k=v (optional)", pattern: null },
    { kind: "checkbox", name: "attachable", label: "Attachable" },
  ], (v) => runFromForm({
    action: "create_network", name: String(v.name), driver: String(v.driver) || null, internal: v.internal === true,
    // The core parses every value and names what is wrong ("gateway … is outside subnet …").
    options: {
      subnet: String(v.subnet), gateway: String(v.gateway), ip_range: String(v.ip_range),
      options: splitList(String(v.options)), labels: splitList(String(v.labels)), attachable: v.attachable === true,
    },
  }, `Created network ${v.name}`));
}

/** `a=1, b=2` → entries (blank ones dropped); the core parses each. */
function splitList(s: string): string[] {
  return s.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

function createVolume() {
  return formDialog("Create volume", "Create", [
    { kind: "text", name: "name", label: "Name", required: true, placeholder: "e.g. pgdata" },
    { kind: "text", name: "driver", label: "Driver", value: "local", suggestions: ["local"] },
  ], (v) => runFromForm({ action: "create_volume", name: String(v.name), driver: String(v.driver) || null }, `Created volume ${v.name}`));
}

/** A row with its "used by" count, from wharf-core's usage rule (the terminal UI's numbers). */
type Used<T> = T & { users: number };
const usersColumn = { title: "Containers", text: (r: { users: number }) => String(r.users), sort: (r: { users: number }) => r.users };

export function imagesView(): View {
  const name = (i: Image) => i.tags.find((t) => t !== "<none>:<none>") ?? shortId(i.id);
  let readOnly = false;
  // An untagged image runs by its id.
  const runButton = (i: Image) => h("button", {
    type: "button", "data-action": "run-image", disabled: readOnly, title: readOnly ? READ_ONLY_TITLE : `Run a container of ${name(i)}`,
    onclick: () => openRun(i.tags.find((t) => t !== "<none>:<none>") ?? i.id),
  }, "Run…");
  const t = new Table<Used<Image>>({
    name: "images", id: (i) => i.id, empty: "No images.",
    columns: [
      { title: "Name", text: name },
      { title: "ID", text: (i) => shortId(i.id), class: "mono" },
      { title: "Size", text: (i) => bytes(i.size), sort: (i) => i.size },
      usersColumn,
      { title: "Created", text: (i) => ago(i.created), sort: (i) => -i.created },
      { title: "Update", text: (i) => updateMarks.marks?.images[i.id] ?? "", cell: (i) => freshnessBadge(updateMarks.marks?.images[i.id], updateMarks.marks?.why[i.id]) },
      { title: "", text: () => "", sort: () => 0, cell: runButton },
    ],
    actions: [
      { label: "Pull…", needs: "none", mutating: true, run: () => pullImage() },
      { label: "Load…", needs: "none", mutating: true, run: () => loadImages() },
      { label: "Log in…", needs: "none", mutating: false, run: () => loginDialog().then(() => undefined) },
      { label: "Check updates", needs: "none", mutating: false, run: () => checkUpdates(shown.map((i) => i.id)) },
      { label: "Pull again", needs: "one", mutating: true, applies: (i) => !i.tags.every((x) => x === "<none>:<none>"), run: ([i]) => pullImage(name(i)) },
      { label: "Push…", needs: "one", mutating: true, run: ([i]) => pushImage(i) },
      { label: "Tag…", needs: "one", mutating: true, run: ([i]) => tagImage(i) },
      { label: "History", needs: "one", mutating: false, run: ([i]) => showHistory(i) },
      { label: "Export", mutating: false, run: (rows) => exportImages(rows).then(() => undefined) },
      { label: "Remove…", mutating: true, run: (rows) => removeImages(rows) },
      { label: "Build…", needs: "none", mutating: true, readOnlyTitle: READ_ONLY_BUILD_TITLE, run: () => openBuild((id) => t.select(id)) },
    ],
  });
  // The dangling/unused chips: wharf-core's rule answers which ids each keeps.
  let filter: ImageFilter = "all";
  let kept: Set<string> | null = null;
  let last: Snapshot | null = null;
  let shown: Image[] = [];
  const chips = h("div", { class: "chips", role: "group", "aria-label": "Show images" },
    (["all", "dangling", "unused"] as ImageFilter[]).map((f) => h("button", {
      type: "button", class: "chip", "data-filter": f, "aria-pressed": String(f === "all"),
      onclick: () => { filter = f; kept = null; for (const c of chips.querySelectorAll("button")) c.setAttribute("aria-pressed", String(c.dataset.filter === f)); refresh(); render(); },
    }, f === "all" ? "All" : f === "dangling" ? "Dangling" : "Unused")));
  // Asked again on every snapshot while a chip is on; the previous answer shows meanwhile.
  const refresh = () => {
    if (filter === "all") return;
    const asked = filter;
    void backend().imageFilter(asked).then((ids) => { if (asked === filter) { kept = new Set(ids); render(); } })
      .catch((e) => toast(errorText(e), "error"));
  };
  const render = () => {
    if (!last) return;
    const s = last;
    readOnly = s.read_only;
    shown = s.images.filter((i) => filter === "all" || (kept?.has(i.id) ?? false));
    t.setRows(shown.map((i) => ({ ...i, users: s.usage.images[i.id]?.length ?? 0 })), s.read_only);
  };
  updateMarks.listeners.add(render);
  return {
    el: h("div", { class: "images-view" }, chips, searchBox(), t.el),
    update: (s) => { last = s; refresh(); render(); },
    focusFilter: () => t.focusFilter(),
    destroy: () => { updateMarks.listeners.delete(render); },
  };
}

const READ_ONLY_BUILD_TITLE = "Wharf is in read-only mode: restart it without --read-only to build images";

/** Open the build dialog (its module loads on first use); the new image is selected after. */
function openBuild(select: (id: string) => void): Promise<void> {
  return import("./build").then(({ openBuildForm }) => openBuildForm())
    .then((id) => { if (id) select(id); })
    .catch((e) => toast(errorText(e), "error"));
}

/** Search the registry a term names through the engine; results (or why there are none)
 * listed under the box, each name copyable (pulling is its own action). */
function searchBox(): HTMLElement {
  const input = h("input", { type: "search", name: "image-search", placeholder: "Search images (name, or registry:port/name)…",
    "aria-label": "Search images", autocomplete: "off", spellcheck: "false" });
  const official = h("input", { type: "checkbox", name: "official-only" });
  const results = h("div", { class: "search-results", "data-testid": "search-results", "aria-live": "polite" });
  let generation = 0;
  const row = (r: SearchResult) => h("li", { "data-name": r.name },
    h("span", { class: "stars", title: "stars" }, `★ ${r.stars}`), " ",
    h("strong", {}, r.name), r.official ? h("span", { class: "badge" }, "official") : null,
    r.automated ? h("span", { class: "badge" }, "automated") : null, " ",
    h("span", { class: "muted" }, r.description), " ",
    h("button", { type: "button", "data-action": "copy-name", onclick: async () => {
      try { await navigator.clipboard.writeText(r.name); toast(`Copied ${r.name}`); } catch (e) { toast(errorText(e), "error"); }
    } }, "Copy name"));
  const search = async () => {
    const term = input.value.trim();
    if (!term) { replace(results); return; }
    const g = ++generation;
    replace(results, h("p", { class: "muted" }, "Searching…"));
    try {
      const found = await backend().imageSearch({ term, limit: 25, official_only: official.checked, min_stars: null });
      if (g !== generation) return;
      replace(results, found.length ? h("ul", {}, found.map(row)) : h("p", { class: "muted" }, "No image matches."));
    } catch (e) {
      if (g === generation) replace(results, h("p", { class: "form-error", role: "alert" }, errorText(e)));
    }
  };
  return h("form", { class: "image-search", onsubmit: (e: Event) => { e.preventDefault(); void search(); } },
    input, h("label", { class: "check" }, official, " Official only"), h("button", { type: "submit" }, "Search"), results);
}

export function networksView(): View {
  const t = new Table<Used<Network>>({
    name: "networks", id: (n) => n.id, empty: "No networks.",
    columns: [
      { title: "Name", text: (n) => n.name },
      { title: "Driver", text: (n) => n.driver },
      { title: "Scope", text: (n) => n.scope },
      { title: "Subnets", text: (n) => n.subnets.join(", ") },
      { title: "Internal", text: (n) => (n.internal ? "yes" : "") },
      { title: "ID", text: (n) => shortId(n.id), class: "mono" },
      usersColumn,
    ],
    actions: [
      { label: "Create…", needs: "none", mutating: true, run: () => createNetwork().then(() => undefined) },
      { label: "Remove", mutating: true, applies: (n) => !BUILTIN_NETWORKS.includes(n.name), run: async (rows) => {
        await runCommands(rows.map((n) => ({ action: "remove_network", id: n.id })), rows.map((n) => n.name), "networks");
      } },
    ],
  });
  return tableView(t, (s) => s.networks.map((n) => ({ ...n, users: s.usage.networks[n.id]?.length ?? 0 })));
}

export function volumesView(): View {
  const t = new Table<Used<Volume>>({
    name: "volumes", id: (v) => v.name, empty: "No volumes.",
    columns: [
      { title: "Name", text: (v) => v.name },
      { title: "Driver", text: (v) => v.driver },
      { title: "Mountpoint", text: (v) => v.mountpoint, class: "mono" },
      { title: "Created", text: (v) => v.created ?? "" },
      usersColumn,
    ],
    actions: [
      { label: "Create…", needs: "none", mutating: true, run: () => createVolume().then(() => undefined) },
      { label: "Remove", mutating: true, run: async (rows) => {
        await runCommands(rows.map((v) => ({ action: "remove_volume", name: v.name, force: false })), rows.map((v) => v.name), "volumes");
      } },
    ],
  });
  return tableView(t, (s) => s.volumes.map((v) => ({ ...v, users: s.usage.volumes[v.name]?.length ?? 0 })));
}

export function eventsView(): View {
  const t = new Table<EngineEvent & { key: string }>({
    name: "events", id: (e) => e.key, empty: "No events yet: they appear as the engine reports them.",
    columns: [
      { title: "Time", text: (e) => new Date(e.time_nano / 1e6).toLocaleTimeString(), sort: (e) => -e.time_nano },
      { title: "Type", text: (e) => e.kind },
      { title: "Action", text: (e) => e.action },
      { title: "Object", text: (e) => e.attributes.name ?? shortId(e.actor_id) },
      { title: "Image", text: (e) => e.attributes.image ?? "" },
    ],
    actions: [],
  });
  return tableView(t, (s) => s.events.map((e, i) => ({ ...e, key: `${e.time_nano}-${i}` })));
}

function tableView<T>(t: Table<T>, rows: (s: Snapshot) => T[]): View {
  return {
    el: t.el,
    update: (s) => t.setRows(rows(s), s.read_only),
    focusFilter: () => t.focusFilter(),
    destroy: () => undefined,
  };
}
