// The dashboard: state counts (donut), containers and images created per day (bars), disk
// usage by type, top CPU and memory consumers (live), security findings, engine facts. Small charts are drawn
// here as SVG elements built with DOM calls; time-series graphs use ../lib/chart.ts. A card is
// rebuilt only when what it shows changed (a snapshot or a stats tick usually changes little),
// and the stats stream runs only while the page is visible.
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { bytes, pct } from "../lib/format";
import type { Container, DiskUsage, Sample, Snapshot } from "../lib/types";
import { liveMessage, setText } from "../lib/meter";
import { errorText } from "../lib/ui";
import { whileVisible, type Visible } from "../lib/visible";
import { summaryCard } from "./findings";
import { liveGraphs } from "./dashboard_live";
import type { View } from "./view";

const NS = "http://www.w3.org/2000/svg";
function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...kids: Node[]) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const k of kids) el.appendChild(k);
  return el;
}

/** Entries of the top CPU and memory lists; the backend sends only their samples. */
const TOP = 5;

const STATE_COLOURS: [string, string][] = [["running", "#22c55e"], ["paused", "#f59e0b"], ["stopped", "#94a3b8"]];

function donut(counts: Record<string, number>): Node {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const r = 50, c = 2 * Math.PI * r;
  const svg = s("svg", { viewBox: "0 0 140 140", width: 140, height: 140, role: "img", "aria-label": "container states" });
  svg.appendChild(s("circle", { cx: 70, cy: 70, r, fill: "none", stroke: "var(--line)", "stroke-width": 18 }));
  let off = 0;
  for (const [k, col] of STATE_COLOURS) {
    const n = counts[k] ?? 0;
    if (!n || !total) continue;
    const len = (n / total) * c;
    svg.appendChild(s("circle", {
      cx: 70, cy: 70, r, fill: "none", stroke: col, "stroke-width": 18,
      "stroke-dasharray": `${len} ${c - len}`, "stroke-dashoffset": -off, transform: "rotate(-90 70 70)",
    }));
    off += len;
  }
  const label = s("text", { x: 70, y: 76, "text-anchor": "middle", "font-size": 22, fill: "currentColor" });
  label.textContent = String(total);
  svg.appendChild(label);
  return h("div", { class: "donut" }, svg, h("ul", { class: "legend" },
    STATE_COLOURS.map(([k, col]) => h("li", {}, h("span", { class: "swatch", style: `background:${col}` }), `${k}: `, h("b", { "data-count": k }, counts[k] ?? 0)))));
}

/** Bars of how many objects were created on each of the last `days` days. */
function createdBars(title: string, times: number[], days = 14): Node {
  const dayNow = Math.floor(Date.now() / 86_400_000);
  const counts = new Array(days).fill(0);
  for (const t of times) {
    const d = dayNow - Math.floor(t / 86400);
    if (d >= 0 && d < days) counts[days - 1 - d]++;
  }
  const max = Math.max(1, ...counts);
  const w = 280, hgt = 90, bw = w / days;
  const svg = s("svg", { viewBox: `0 0 ${w} ${hgt + 14}`, width: "100%", role: "img", "aria-label": title });
  counts.forEach((n, i) => {
    const bh = (n / max) * hgt;
    const rect = s("rect", { x: i * bw + 2, y: hgt - bh, width: bw - 4, height: bh, fill: "var(--accent)", rx: 2 });
    const tip = s("title", {});
    tip.textContent = `${days - 1 - i} days ago: ${n}`;
    rect.appendChild(tip);
    svg.appendChild(rect);
  });
  const axis = s("text", { x: 0, y: hgt + 12, "font-size": 9, fill: "currentColor" });
  axis.textContent = `${days} days ago`;
  const axis2 = s("text", { x: w, y: hgt + 12, "font-size": 9, "text-anchor": "end", fill: "currentColor" });
  axis2.textContent = "today";
  svg.append(axis, axis2);
  return h("div", { class: "card" }, h("h3", {}, title), svg);
}

function diskBars(rows: DiskUsage[]): Node {
  const names: Record<string, string> = { images: "Images", containers: "Containers", volumes: "Volumes", build_cache: "Build cache" };
  const max = Math.max(1, ...rows.map((r) => r.size));
  return h("table", { class: "bars" }, rows.map((r) => h("tr", {},
    h("th", {}, names[r.kind] ?? r.kind),
    h("td", { class: "bar" }, h("div", { style: `width:${(r.size / max) * 100}%` })),
    h("td", { class: "num" }, bytes(r.size)),
    h("td", { class: "num muted" }, `${bytes(r.reclaimable)} reclaimable`),
  )));
}

function factRows(snap: Snapshot): [string, string][] | null {
  const e = snap.engine;
  if (!e) return null;
  return [
    ["Engine", `${e.platform} ${e.version}`.trim()], ["API", `${e.negotiated_api_version} (max ${e.api_version})`],
    ["Host", e.hostname], ["OS", `${e.os} · ${e.kernel} · ${e.arch}`], ["CPUs / memory", `${e.cpus} / ${bytes(e.memory)}`],
    ["Storage", e.storage_driver], ["Cgroups", `${e.cgroup_driver} v${e.cgroup_version}`], ["Swarm", e.swarm],
  ];
}

function facts(rows: [string, string][] | null): Node {
  if (!rows) return h("p", { class: "muted" }, "Waiting for the engine…");
  return h("dl", { class: "facts" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

export function dashboardView(open: (id: string) => void): View {
  const stateCard = h("div", { class: "card" });
  const createdC = h("div");
  const createdI = h("div");
  const disk = h("div", { class: "card" }, h("h3", {}, "Disk usage"), h("p", { class: "muted" }, "Loading…"));
  const topCpu = h("div", { class: "card" });
  const topMem = h("div", { class: "card" });
  const engine = h("div", { class: "card" });
  const findings = h("div", { class: "card", "data-testid": "findings-summary" });
  const graphs = liveGraphs({ kind: "engine" });
  const objects = h("div", { class: "card", "data-testid": "object-counts" });
  // The live graphs stand above the cards' grid, not in it: a card rebuilt (the top lists every
  // few seconds) lays the grid out again, and WebKit then repainted every item of it, the
  // graphs' whole card included, each second (docs/design.md, "Live charts that draw only
  // what is new").
  const el = h("section", { class: "dashboard-page" }, graphs.el,
    h("div", { class: "dashboard" }, stateCard, createdC, createdI, disk, topCpu, topMem, findings, engine, objects));
  let diskRows: DiskUsage[] | null = null;
  let objectCounts = [0, 0, 0];
  // Counts of images, volumes and networks, with the engine's disk usage of each kind.
  const renderObjects = () => {
    const size = (kind: string) => { const r = diskRows?.find((x) => x.kind === kind); return r ? ` (${bytes(r.size)})` : ""; };
    const [i, v, n] = objectCounts;
    render(objects, `${i} ${v} ${n} ${size("images")} ${size("volumes")}`, () => replace(objects, h("h3", {}, "Objects"), h("dl", { class: "facts" },
      h("dt", {}, "Images"), h("dd", { "data-count": "images" }, `${i}${size("images")}`),
      h("dt", {}, "Volumes"), h("dd", { "data-count": "volumes" }, `${v}${size("volumes")}`),
      h("dt", {}, "Networks"), h("dd", { "data-count": "networks" }, String(n)))));
  };
  let live: Visible | null = null;
  let watched = "";
  let watchedIds: string[] = [];
  // What each card shows now, so an unchanged card is left alone (no DOM work, no layout).
  const shown = new Map<HTMLElement, string>();
  const render = (card: HTMLElement, key: string, draw: () => void) => {
    if (shown.get(card) === key) return;
    shown.set(card, key);
    draw();
  };
  let latest: Record<string, Sample> = {};
  let containers: Container[] = [];
  let destroyed = false;

  const renderTop = () => {
    const running = containers.filter((c) => latest[c.id]);
    const list = (title: string, key: (x: Sample) => number, fmt: (x: Sample) => string, card: HTMLElement) => {
      const top = [...running].sort((a, b) => key(latest[b.id]) - key(latest[a.id])).slice(0, TOP);
      // The same containers in the same order: only their figures are written (most seconds).
      render(card, top.map((c) => `${c.id}\u0000${c.name}`).join("\u0001"), () => replace(card, h("h3", {}, title), top.length === 0 ? h("p", { class: "muted" }, "No running containers sampled yet.") :
        h("ol", { class: "top" }, top.map((c) => h("li", {}, h("a", { href: `#/container/${c.id}`, onclick: (e: Event) => { e.preventDefault(); open(c.id); } }, c.name), h("span", { class: "num" }))))));
      card.querySelectorAll<HTMLElement>("ol.top .num").forEach((el, i) => setText(el, fmt(latest[top[i].id])));
    };
    list("Top CPU", (x) => x.cpu_pct, (x) => pct(x.cpu_pct), topCpu);
    list("Top memory", (x) => x.mem_used, (x) => bytes(x.mem_used), topMem);
  };

  const refreshDisk = () => backend().diskUsage().then(
    (rows) => { if (!destroyed) { diskRows = rows; renderObjects(); replace(disk, h("h3", {}, "Disk usage"), diskBars(rows)); } },
    (e) => { if (!destroyed) replace(disk, h("h3", {}, "Disk usage"), h("p", { class: "error" }, errorText(e))); },
  );
  void refreshDisk();
  const diskTimer = setInterval(refreshDisk, 30_000);

  return {
    el,
    update(snap) {
      containers = snap.containers;
      const counts = { running: 0, paused: 0, stopped: 0 };
      for (const c of snap.containers) {
        if (c.state === "running" || c.state === "restarting") counts.running++;
        else if (c.state === "paused") counts.paused++;
        else counts.stopped++;
      }
      const day = Math.floor(Date.now() / 86_400_000);
      const cTimes = snap.containers.map((c) => c.created);
      const iTimes = snap.images.map((i) => i.created);
      render(stateCard, JSON.stringify(counts), () => replace(stateCard, h("h3", {}, "Containers"), donut(counts)));
      render(createdC, `${day} ${cTimes.join(",")}`, () => replace(createdC, createdBars("Containers created", cTimes)));
      render(createdI, `${day} ${iTimes.join(",")}`, () => replace(createdI, createdBars("Images created", iTimes)));
      const rows = factRows(snap);
      render(engine, JSON.stringify(rows), () => replace(engine, h("h3", {}, "Engine"), facts(rows)));
      render(findings, JSON.stringify(snap.findings_summary), () => summaryCard(findings, snap.findings_summary));
      objectCounts = [snap.images.length, snap.volumes.length, snap.networks.length];
      renderObjects();
      // Sample only running containers, and restart the stream only when that set changes.
      const ids = snap.containers.filter((c) => c.state === "running").map((c) => c.id).slice(0, 200);
      const key = ids.join(",");
      if (key !== watched) {
        watched = key;
        watchedIds = ids;
        if (live) live.restart();
        // Only while the top lists are in view (below the live graphs, at first out of it).
        else live = whileVisible(() => backend().stats(watchedIds, null, null, TOP, (u) => { liveMessage(); latest = u.latest; renderTop(); }),
          () => undefined, [topCpu, topMem]);
      }
      renderTop();
    },
    destroy() {
      destroyed = true;
      clearInterval(diskTimer);
      live?.stop();
      graphs.destroy();
    },
  };
}
