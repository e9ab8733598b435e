// One container: header with state and lifecycle actions, and tabs for live graphs (samples
// streamed as numbers and appended to canvas charts, ../lib/chart.ts), logs, inspect, top and
// an exec terminal, and the security findings of its configuration. Only the open tab holds a
// stream, and only while the page is visible.
import { removeContainers, runCommands } from "../lib/actions";
import { backend } from "../lib/backend";
import { archiveRoute, archiveToggle, containerSelector } from "./archive";
import { h, replace } from "../lib/dom";
import { ago, shortId } from "../lib/format";
import type { ChartOptions, Command, Container, HistoryMarker, HistoryRange, Metric, Sample, Snapshot } from "../lib/types";
import { whileVisible } from "../lib/visible";
import { markerColour } from "../lib/marks";
import { bootMark, liveMessage, setText } from "../lib/meter";
import { errorText, isDark, toast } from "../lib/ui";
import { logsPanel } from "./logs";
import { findingsList } from "./findings";
import { changesPanel, filesPanel } from "./files";
import { connectNetwork, disconnectNetwork, editContainer, isAlive, renameContainer, stateBadge, updateLimits } from "./common";
import type { View } from "./view";

export type Tab = "stats" | "logs" | "inspect" | "top" | "exec" | "findings" | "files" | "changes";
export const TABS: Tab[] = ["stats", "logs", "inspect", "top", "exec", "findings", "files", "changes"];
const METRICS: Metric[] = ["cpu", "memory", "network", "block_io"];
/** The size of an exported chart (PNG, SVG). */
const CHART = { width: 520, height: 220 };
/** The live charts: one under the other, as wide as the page, their x axes aligned, each with
 * its caption (name and newest values) at its right. What changes in a second (the new
 * segments at the lines' right ends, the values beside them) is then one narrow strip of the
 * window, which is what WebKit repaints (docs/design.md, "Live charts that draw only what is
 * new"). */
const LIVE_CHART = { height: 124, caption: 150 };
const WINDOW_SECS = 300;
/** The Stats tab's ranges (wharf-core's `HistoryRange`), with their spans in seconds. */
const RANGES: [HistoryRange, string, number][] = [["m15", "15m", 900], ["h1", "1h", 3600], ["h24", "24h", 86_400], ["d7", "7d", 604_800]];

/** `12:03:04 die exit 137` (UTC, as the terminal shows it). */
function markerText(m: HistoryMarker): string {
  const t = new Date(m.at_ms).toISOString().slice(11, 19);
  return `${t} ${m.action}${m.detail ? ` ${m.detail}` : ""}`;
}

/** The engine's status line is as old as the last event; recompute "Up …" from started_at. */
export function statusLine(c: Container): string {
  if (c.state === "running" && c.started_at) return `Up ${ago(c.started_at).replace(" ago", "")}`;
  return c.status;
}

/** Exports are drawn by the core at `CHART` size (a picture to share; the live charts are wide
 * strips), in the live chart's theme and window. */
function chartOptions(): ChartOptions {
  return { ...CHART, dark: isDark(), window_secs: WINDOW_SECS };
}

function statsPanel(c: Container) {
  const figures = new Map<Metric, HTMLElement>();
  // Until the first sample, and for a failing stream, what is happening; the figures are beside
  // the charts (in their captions, the PIDs with the CPU's).
  const numbers = h("div", { class: "numbers" }, "Waiting for the first sample…");
  const grid = h("div", { class: "charts" }, METRICS.map((m) => {
    // Room for the caption and the legend before the chart loads, so nothing moves.
    const slot = h("div", { class: "chart-slot", style: `min-height:${LIVE_CHART.height}px` });
    figures.set(m, slot);
    const exp = (format: "svg" | "png") => async () => {
      try {
        const s = await backend().chartExport(c.id, c.name, m, format, chartOptions());
        toast(`Saved ${s.path}`);
      } catch (e) { toast(errorText(e), "error"); }
    };
    return h("figure", { class: "chart" }, slot, h("figcaption", {},
      h("button", { type: "button", onclick: exp("png") }, "PNG"), h("button", { type: "button", onclick: exp("svg") }, "SVG")));
  }));
  // The range: recorded history (the database `wharf watch` fills) with the live tail after it.
  let range: HistoryRange = "m15";
  let recorded: Sample[] = [];
  let marks: HistoryMarker[] = [];
  const liveTail: Sample[] = [];
  const markers = h("ul", { class: "markers", "aria-label": "Recorded events" });
  const buttons = RANGES.map(([r, label]) => h("button", {
    type: "button", class: "range", "data-range": r, "aria-pressed": String(r === range), onclick: () => void pick(r),
  }, label));
  const bar = h("div", { class: "range-bar", role: "group", "aria-label": "Range" }, ...buttons, markers);
  const el = h("div", { class: "stats-panel" }, bar, numbers, grid);
  let closed = false;
  let charts: import("../lib/chart").LiveChart[] = [];
  let chartMod: typeof import("../lib/chart") | null = null;
  /** The range the charts on screen were built for (null: none yet). */
  let builtFor: HistoryRange | null = null;
  const spanOf = (r: HistoryRange) => RANGES.find((x) => x[0] === r)![2];
  /** A chart's width: its row's, less the caption at its right. */
  const widthOf = (m: Metric) => Math.max(200, (figures.get(m)!.clientWidth || CHART.width) - LIVE_CHART.caption);
  /** New charts over the range: the recorded samples older than the live tail, then the tail. */
  const rebuild = () => {
    if (!chartMod || closed) return;
    for (const ch of charts) ch.destroy();
    const dark = isDark();
    charts = METRICS.map((m) => new chartMod!.LiveChart(m, { width: widthOf(m), height: LIVE_CHART.height }, dark, spanOf(range)));
    charts.forEach((ch) => replace(figures.get(ch.metric)!, ch.el));
    const first = liveTail[0]?.at_ms ?? Infinity;
    const all = [...recorded.filter((s) => s.at_ms < first), ...liveTail];
    if (all.length) for (const ch of charts) ch.append(all);
    for (const ch of charts) ch.setMarks(marks);
    builtFor = range;
  };
  const pick = async (r: HistoryRange) => {
    range = r;
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.range === r)));
    try {
      const hist = await backend().statsHistory(c.id, r);
      if (closed || r !== range) return;
      recorded = hist.samples;
      marks = hist.markers;
      replace(markers, ...hist.markers.map((m) => h("li", { class: `marker marker-${m.kind}`, style: `color:${markerColour(m.kind)}`, title: `${m.name} ${m.container}` }, markerText(m))));
    } catch (e) {
      if (closed || r !== range) return;
      recorded = [];
      marks = [];
      replace(markers, h("li", { class: "marker-error" }, `History: ${errorText(e)}`));
    }
    // Charts already built for this range with no history to add stay as they are (on open,
    // the chart module and an empty history both answering would otherwise build them twice).
    if (recorded.length || marks.length || builtFor !== range) rebuild();
  };
  void pick(range);
  // The window was resized: the charts take their rows' new width (each drawn whole once), so
  // the figures at their right stay in view.
  const resized = new ResizeObserver(() => {
    for (const ch of charts) {
      const width = widthOf(ch.metric);
      if (width !== ch.width) ch.resize({ width, height: LIVE_CHART.height });
    }
  });
  resized.observe(grid);
  let newest: number | null = null;
  void import("../lib/chart").then((mod) => {
    if (closed) return;
    chartMod = mod;
    bootMark("chart_module");
    // As wide as the grid made its cell (the window's width decides), at the export's height.
    rebuild();
  }).catch((e) => { grid.textContent = `Graphs unavailable: ${errorText(e)}`; });
  const live = whileVisible(() => backend().stats([c.id], c.id, { after_ms: newest }, null, (u) => {
    liveMessage(u.series?.samples.length ?? 0);
    const s = u.latest[c.id];
    if (s) {
      bootMark("first_sample");
      setText(numbers, "");
    }
    const samples = u.series?.samples ?? [];
    if (!samples.length) return;
    newest = samples[samples.length - 1].at_ms;
    liveTail.push(...samples);
    // The core keeps 15 minutes live; so does the tail the charts are rebuilt from.
    const from = newest - 900_000;
    while (liveTail.length && liveTail[0].at_ms < from) liveTail.shift();
    // Before uPlot has loaded, the tail waits for the first charts.
    if (charts.length) for (const ch of charts) ch.append(samples);
  }), (e) => { numbers.textContent = errorText(e); });
  return { el, destroy: () => { closed = true; resized.disconnect(); live.stop(); for (const ch of charts) ch.destroy(); } };
}

/** The exec terminal, with xterm.js loaded only when the tab is first opened. */
function lazyTerminal(id: string, readOnly: boolean) {
  const el = h("div", {}, "Loading terminal…");
  let inner: { el: HTMLElement; destroy(): void } | null = null;
  let closed = false;
  void import("./terminal").then(({ terminalPanel }) => {
    if (closed) return;
    inner = terminalPanel(id, readOnly);
    replace(el, inner.el);
  });
  return { el, destroy: () => { closed = true; inner?.destroy(); } };
}

function jsonTree(value: unknown, needle: string): Node {
  // Pretty JSON as text, with matches marked; never parsed as HTML.
  const text = JSON.stringify(value, null, 2);
  const pre = h("pre", { class: "inspect", "data-testid": "inspect" });
  if (!needle) { pre.textContent = text; return pre; }
  const low = text.toLowerCase(), n = needle.toLowerCase();
  let i = 0;
  for (let j = low.indexOf(n); j >= 0; j = low.indexOf(n, i)) {
    pre.append(text.slice(i, j), h("mark", {}, text.slice(j, j + n.length)));
    i = j + n.length;
  }
  pre.append(text.slice(i));
  return pre;
}

function inspectPanel(id: string) {
  let data: unknown = null;
  // Secret env values come masked by the core; a click asks it for them, another hides them.
  let reveal = false;
  const body = h("div", {}, "Loading…");
  const search = h("input", { type: "search", placeholder: "Search inspect…", "aria-label": "Search inspect", oninput: () => render() });
  const toggle = h("button", { type: "button", "data-action": "reveal-secrets", onclick: () => { reveal = !reveal; load(); } }, "Reveal secrets");
  const render = () => { if (data !== null) { replace(body, jsonTree(data, search.value)); body.querySelector("mark")?.scrollIntoView({ block: "center" }); } };
  const load = () => backend().inspect(id, reveal).then((d) => {
    data = d;
    toggle.textContent = reveal ? "Hide secrets" : "Reveal secrets";
    render();
  }, (e) => replace(body, h("p", { class: "error" }, errorText(e))));
  void load();
  return { el: h("div", {}, h("div", { class: "toolbar" }, search, toggle), body), destroy: () => undefined };
}

function topPanel(id: string) {
  const body = h("div", {}, "Loading…");
  const load = () => backend().top(id).then((p) => replace(body, h("table", { class: "grid" },
    h("thead", {}, h("tr", {}, p.titles.map((t) => h("th", {}, t)))),
    h("tbody", {}, p.rows.map((r) => h("tr", {}, r.map((v) => h("td", {}, v))))))),
  (e) => replace(body, h("p", { class: "error" }, errorText(e))));
  void load();
  const t = setInterval(load, 3000);
  return { el: body, destroy: () => clearInterval(t) };
}

/** What wharf-core's rules find in the container's configuration, with why each matters. */
function findingsPanel(id: string) {
  const body = h("div", { class: "findings-panel", "data-testid": "findings" }, "Loading…");
  let closed = false;
  backend().containerFindings(id).then((list) => {
    if (closed) return;
    replace(body, h("p", { class: "muted" }, "Checked against the CIS Docker Benchmark (section 5) and the usual container hardening rules."),
      findingsList(list, "No findings: nothing risky in this configuration."));
  }, (e) => { if (!closed) replace(body, h("p", { class: "error" }, errorText(e))); });
  return { el: body, destroy: () => { closed = true; } };
}

export function containerView(id: string, tab: Tab, onTab: (t: Tab) => void): View {
  const header = h("header", { class: "page-head" });
  const tabs = h("nav", { class: "tabs", role: "tablist" });
  const body = h("div", { class: "tab-body" });
  const el = h("section", { class: "container-page" }, header, tabs, body);
  let panel: { el: HTMLElement; destroy(): void } | null = null;
  let current: Container | null = null;
  let shownTab: Tab | null = null;
  let readOnly = false;
  let findingsKey = "";
  /** What the header shows now: it is rebuilt (and the archive state asked) only when this
   * changes, not on every store revision. */
  let headerKey = "";
  let networks: string[] = [];

  const act = (cmd: (c: Container) => Command) => () => { if (current) void runCommands([cmd(current)], [current.name]); };

  function open(t: Tab) {
    if (!current) return;
    panel?.destroy();
    shownTab = t;
    panel = t === "stats" ? statsPanel(current) : t === "logs" ? logsPanel(current.id, current.name)
      : t === "inspect" ? inspectPanel(current.id) : t === "top" ? topPanel(current.id)
      : t === "findings" ? findingsPanel(current.id) : t === "files" ? filesPanel(current.id, readOnly)
      : t === "changes" ? changesPanel(current.id) : lazyTerminal(current.id, readOnly);
    replace(body, panel.el);
    replace(tabs, TABS.map((x) => h("button", { type: "button", role: "tab", "aria-selected": x === t ? "true" : "false", "data-tab": x, onclick: () => onTab(x) }, x)));
  }

  return {
    el,
    update(s: Snapshot) {
      readOnly = s.read_only;
      const c = s.containers.find((x) => x.id === id || x.name === id) ?? null;
      if (!c) {
        replace(header, h("h2", {}, "Container not found"), h("p", { class: "muted" }, `${shortId(id)} is gone (removed?).`));
        headerKey = "";
        panel?.destroy(); panel = null; shownTab = null; replace(body);
        return;
      }
      const first = current === null;
      current = c;
      networks = s.networks.map((n) => n.name);
      const running = c.state === "running";
      const alive = isAlive(c);
      const key = JSON.stringify([c.id, c.name, c.state, c.image, statusLine(c), readOnly, c.networks.length, containerSelector(c)]);
      if (key !== headerKey) {
        headerKey = key;
        replace(header,
          h("h2", {}, c.name, " ", stateBadge(c.state)),
          h("p", { class: "muted" }, `${c.image} · ${statusLine(c)} · ${shortId(c.id)}`),
          readOnly ? h("p", { class: "muted" }, "read-only") : h("div", { class: "actions" },
            !alive ? h("button", { type: "button", "data-action": "start", onclick: act((x) => ({ action: "start", id: x.id })) }, "Start") : null,
            running ? h("button", { type: "button", "data-action": "stop", onclick: act((x) => ({ action: "stop", id: x.id, timeout: null })) }, "Stop") : null,
            h("button", { type: "button", "data-action": "restart", onclick: act((x) => ({ action: "restart", id: x.id, timeout: null })) }, "Restart"),
            running ? h("button", { type: "button", "data-action": "pause", onclick: act((x) => ({ action: "pause", id: x.id })) }, "Pause") : null,
            c.state === "paused" ? h("button", { type: "button", "data-action": "unpause", onclick: act((x) => ({ action: "unpause", id: x.id })) }, "Unpause") : null,
            h("button", { type: "button", "data-action": "rename", onclick: () => { if (current) void renameContainer(current); } }, "Rename…"),
            h("button", { type: "button", "data-action": "edit", onclick: () => { if (current) void editContainer(current); } }, "Edit…"),
            h("button", { type: "button", "data-action": "update-limits", onclick: () => { if (current) void updateLimits(current); } }, "Limits…"),
            h("button", { type: "button", "data-action": "connect", onclick: () => { if (current) void connectNetwork(current, networks); } }, "Connect…"),
            c.networks.length ? h("button", { type: "button", "data-action": "disconnect", onclick: () => { if (current) void disconnectNetwork(current); } }, "Disconnect…") : null,
            h("button", { type: "button", class: "danger", "data-action": "remove", onclick: () => { if (current) void removeContainers([current.id]); } }, "Remove"),
          ),
          h("div", { class: "actions" }, archiveToggle(containerSelector(c)),
            h("a", { href: archiveRoute(containerSelector(c)), "data-action": "archive-search" }, "Search the archive")));
      }
      // The Findings tab follows the store: reloaded when the container's counts change (it
      // was not inspected yet, or its configuration changed).
      const findingsNow = JSON.stringify(s.findings[c.id] ?? null);
      const findingsChanged = findingsNow !== findingsKey;
      findingsKey = findingsNow;
      if (first || shownTab !== tab || (tab === "findings" && findingsChanged)) open(tab);
    },
    destroy() { panel?.destroy(); },
  };
}
