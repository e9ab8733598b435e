// The live resource graphs of the whole engine (the dashboard) or of one compose project: six
// stacked graphs (CPU in cores, memory against the host, network rx/tx, block read/write) from
// wharf-core's `EngineSeries`, received as numbers once a second over one channel and appended
// to uPlot canvases (../lib/stack_chart.ts, loaded with the first graphs). Only what is seen
// streams: hiding the page stops the stream and showing it again asks for the gap only; the
// core keeps sampling while the graphs are open (`dashSampling`), so nothing is missed. Stacked
// by group (project, or service in a project) or by the top 5 containers; exports are drawn by
// the core (PNG, SVG) or written as CSV. The scope's recorded events and fired alerts (the
// history's markers) are asked for every few seconds while the page is shown, drawn on every
// graph in their kind's colour (hover a line to see the event) and the newest listed.
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { CHART_STYLE } from "../lib/generated/chart_style";
import { liveMessage, setText } from "../lib/meter";
import { markerColour, markerText } from "../lib/marks";
import type { DashFormat, DashScope, DashUpdate, HistoryMarker, Stacking } from "../lib/types";
import { errorText, isDark, toast } from "../lib/ui";
import { whileVisible } from "../lib/visible";

/** Containers named in the "top N" stacking (the terminal's `:dash` shows the same). */
const TOP = 5;
/** The graphs: one under the other, as wide as the card less their caption and legend at the
 * right (`SIDE` px), so what changes in a second (each graph's newest stretch and the values
 * beside it) is one narrow strip of the window (docs/design.md, "Live charts that draw only
 * what is new"). */
const HEIGHT = 112;
const SIDE = 200;
/** How often the markers are read again (ms), while the page is shown. */
const MARKERS_EVERY_MS = 5000;
/** Markers listed under the toolbar (the newest). */
const MARKERS_LISTED = 4;

export interface LiveGraphs {
  el: HTMLElement;
  destroy(): void;
}

export function liveGraphs(scope: DashScope): LiveGraphs {
  let stacking: Stacking = { by: "group" };
  let charts: import("../lib/stack_chart").StackChart[] = [];
  let pending: DashUpdate[] = [];
  let closed = false;
  const status = h("span", { class: "muted", "data-testid": "dash-status" }, "Waiting for samples…");
  const byGroup = h("button", { type: "button", "data-stack": "group", class: "active" }, scope.kind === "engine" ? "By project" : "By service");
  const byTop = h("button", { type: "button", "data-stack": "top" }, `Top ${TOP}`);
  const exportAs = async (format: DashFormat) => {
    try {
      const saved = await backend().dashExport(scope, stacking, format);
      toast(`Saved ${saved.path}`);
    } catch (e) {
      toast(errorText(e), "error");
    }
  };
  const exports = (["png", "svg", "csv"] as const).map((f) =>
    h("button", { type: "button", "data-export": f, onclick: () => void exportAs(f) }, f.toUpperCase()));
  const grid = h("div", { class: "charts dash-charts" });
  const events = h("ul", { class: "markers", "aria-label": "Recorded events", "data-testid": "dash-markers" });
  const el = h("div", { class: "card dash-live", "data-testid": "dash-live" },
    h("div", { class: "toolbar" }, h("h3", {}, "Live resources"), byGroup, byTop, h("span", { class: "muted" }, "Export"), ...exports, status),
    events, grid);
  let markers: HistoryMarker[] = [];
  let shownMarkers = "";
  const showMarkers = () => {
    for (const c of charts) c.setMarks(markers);
    const key = JSON.stringify(markers);
    if (key === shownMarkers) return;
    shownMarkers = key;
    replace(events, ...markers.slice(-MARKERS_LISTED).map((m) =>
      h("li", { class: `marker marker-${m.kind}`, style: `color:${markerColour(m.kind)}`, title: m.container }, markerText(m))));
  };
  const loadMarkers = async () => {
    if (closed || document.hidden) return;
    try {
      markers = await backend().dashMarkers(scope);
    } catch (e) {
      markers = [];
      shownMarkers = "";
      replace(events, h("li", { class: "marker-error" }, `History: ${errorText(e)}`));
      return;
    }
    if (!closed) showMarkers();
  };
  void loadMarkers();
  const markerTimer = setInterval(() => void loadMarkers(), MARKERS_EVERY_MS);

  const apply = (u: DashUpdate) => {
    if (closed) return;
    if (!charts.length) { pending.push(u); return; }
    liveMessage(u.series.at_ms.length);
    u.series.charts.forEach((c, i) => {
      const chart = charts[i];
      if (!chart) return;
      if (u.reset) chart.reset(u.series.at_ms, c);
      else chart.append(u.series.at_ms, c);
    });
    setText(status, `${u.series.running} running, ${u.series.sampled} sampled`);
  };
  // Where the page stopped, so a resumed stream sends only the gap.
  const resume = () => {
    const newest = charts[0]?.newestMs ?? null;
    return newest === null ? null : { after_ms: newest, groups: charts.map((c) => c.bands) };
  };
  void backend().dashSampling(true).catch(() => undefined);
  const live = whileVisible(() => backend().dash(scope, stacking, resume(), apply), (e) => setText(status, errorText(e)));
  const setStacking = (s: Stacking) => {
    if (s.by === stacking.by) return;
    stacking = s;
    byGroup.classList.toggle("active", s.by === "group");
    byTop.classList.toggle("active", s.by === "top");
    // The bands change: the new stream's first message replaces them.
    live.restart();
  };
  byGroup.addEventListener("click", () => setStacking({ by: "group" }));
  byTop.addEventListener("click", () => setStacking({ by: "top", n: TOP }));

  /** The graphs' width: the card's, less their caption and legend. */
  const widthNow = () => Math.max(300, (grid.clientWidth || 1000) - SIDE);
  // The window was resized: the graphs take the new width (each drawn whole once), so the
  // values at their right stay in view.
  const resized = new ResizeObserver(() => {
    const width = widthNow();
    for (const c of charts) if (c.width !== width) c.resize({ width, height: HEIGHT });
  });
  resized.observe(grid);

  void import("../lib/stack_chart").then((mod) => {
    if (closed) return;
    const dark = isDark();
    charts = CHART_STYLE.dash.map((d) => new mod.StackChart(d.metric, { width: widthNow(), height: HEIGHT }, dark));
    replace(grid, ...charts.map((c) => c.el));
    const queued = pending;
    pending = [];
    for (const u of queued) apply(u);
    for (const c of charts) c.setMarks(markers);
  });

  return {
    el,
    destroy() {
      closed = true;
      clearInterval(markerTimer);
      resized.disconnect();
      live.stop();
      void backend().dashSampling(false).catch(() => undefined);
      for (const c of charts) c.destroy();
    },
  };
}
