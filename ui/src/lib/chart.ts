// Live time-series charts: samples (numbers) appended to a uPlot canvas chart, drawn with the
// core's chart style (colours, lines, units, axis rules: wharf-core's chart.rs, exported as
// ./generated/chart_style.ts) so a live chart looks like the PNG/SVG export of the same data.
// One chart per metric; the canvas element stays for the chart's life and is only redrawn
// when samples arrive. Nothing here knows containers: the dashboard's engine-wide graphs can
// feed the same class with their own series.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { CHART_STYLE } from "./generated/chart_style";
import { bytes } from "./format";
import { LIVE, setText } from "./meter";
import { ChartMarks } from "./marks";
import type { HistoryMarker, Metric, Sample } from "./types";
import type { MetricStyle } from "./generated/MetricStyle";
import type { Unit } from "./generated/Unit";
import type { Palette } from "./generated/Palette";

/** Axis labels as the core's exports write them. */
export function formatValue(unit: Unit, v: number): string {
  switch (unit) {
    case "percent": return `${v.toFixed(0)} %`;
    case "bytes": return bytes(v);
    case "bytes_per_sec": return `${bytes(v)}/s`;
    case "cores": return v.toFixed(1);
  }
}

/** `now`, `-30s`, `-2m`: seconds before the newest sample (the core's `format_age`). */
export function formatAge(secs: number): string {
  const s = Math.round(secs);
  if (s === 0) return "now";
  return s % 60 === 0 ? `-${s / 60}m` : `-${s}s`;
}

/** The caption the core writes on an export of the same data. */
export function caption(metric: Metric, s: Sample | undefined): string {
  const x = s ?? { cpu_pct: 0, mem_used: 0, mem_limit: 0, net_rx_rate: 0, net_tx_rate: 0, blk_read_rate: 0, blk_write_rate: 0 };
  switch (metric) {
    case "cpu": return `CPU ${x.cpu_pct.toFixed(1)} %`;
    case "memory": return `Memory ${bytes(x.mem_used)} / ${bytes(x.mem_limit)}`;
    case "network": return `Network I/O rx ${bytes(x.net_rx_rate)}/s tx ${bytes(x.net_tx_rate)}/s`;
    case "block_io": return `Block I/O read ${bytes(x.blk_read_rate)}/s write ${bytes(x.blk_write_rate)}/s`;
  }
}

function rgba(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

const BINARY_STEPS = [0, 1, 2, 3, 4, 5].flatMap((p) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** p));

export interface ChartSize { width: number; height: number }

/** A live chart's x range's right edge (Unix s) for a span over a plot `widthPx` wide: the
 * newest sample, or, when a pixel column holds a second or more, the end of the newest
 * sample's column. Then the picture moves by whole columns, when a column fills, and a sample
 * that lands in the same column changes at most that column (see `DrawGate`). At the
 * 15-minute range on a 424 px plot a column is 2.1 s, at 1 h 8.5 s, at 24 h 204 s, so a chart
 * redraws once a column instead of every second. "now" labels that edge, less than a column
 * after the newest sample. */
function rightEdge(newest: number, span: number, widthPx: number): number {
  const perColumn = span / Math.max(1, widthPx);
  return perColumn >= 1 ? Math.ceil(newest / perColumn) * perColumn : newest;
}

/** The plot area in CSS px (uPlot's bbox is in canvas px, and empty while it is built). */
function plotArea(u: uPlot | null): { width: number; height: number } {
  const r = window.devicePixelRatio || 1;
  return { width: Math.max(1, (u?.bbox?.width ?? 0) / r), height: (u?.bbox?.height ?? 0) / r };
}

/** The age of `xs` (Unix s, ascending) rounded up to a minute, at most the window (the core's
 * `span_secs`). */
function spanSecs(xs: number[], windowSecs: number): number {
  const age = xs.length ? xs[xs.length - 1] - xs[0] : 0;
  return Math.min(Math.max(1, Math.ceil(age / 60)) * 60, Math.max(1, windowSecs));
}

/** A live chart's x range over `xs`: its span, ending at `rightEdge`. */
export function liveRange(u: uPlot, xs: number[], windowSecs: number): uPlot.Range.MinMax {
  const span = spanSecs(xs, windowSecs);
  const right = rightEdge(xs.at(-1) ?? 0, span, plotArea(u).width);
  return [right - span, right];
}

/** What a redraw would show, beyond the samples: the x range and the y scale. */
interface Frame { right: number; span: number; yMax: number; limit: number | null }

/** Decides whether new samples change a chart's picture: the range moved (a new column, a
 * longer span), the y scale or the limit line changed, several samples came at once, or a new
 * value lies a pixel or more outside what the newest column already shows. */
export class DrawGate {
  private last: (Frame & { lo: number; hi: number }) | null = null;

  /** For a chart `u` over `xs` (Unix s) drawn up to `yMax`: `newest`, the newest sample's
   * values; `column(k)`, the values the newest column shows once drawn, from index `k` (the
   * sample before the column, whose line runs into it), asked only when it is drawn. True (and
   * remembered) when it must be drawn. */
  changes(u: uPlot, xs: number[], windowSecs: number, yMax: number, limit: number | null,
    newest: number[], several: boolean, column: (k: number) => number[]): boolean {
    const span = spanSecs(xs, windowSecs);
    const { width, height } = plotArea(u);
    const right = rightEdge(xs.at(-1) ?? 0, span, width);
    const px = (v: number) => (v / yMax) * height;
    const d = this.last;
    if (d && !several && d.right === right && d.span === span && d.yMax === yMax && d.limit === limit
      && newest.every((v) => px(v) >= d.lo - 1 && px(v) <= d.hi + 1)) return false;
    const c = column(lastAtOrBefore(xs, right - span / width)).map(px);
    this.last = { right, span, yMax, limit, lo: Math.min(...c), hi: Math.max(...c) };
    return true;
  }

  /** Draw the next samples whatever they are (the chart was rebuilt or resized). */
  reset(): void { this.last = null; }
}

/** Index of the last of `xs` (ascending) at or before `t`, or 0: where a column's line starts. */
function lastAtOrBefore(xs: number[], t: number): number {
  let i = xs.length - 1;
  while (i > 0 && xs[i] > t) i--;
  return i;
}

/** A live chart of one metric. `append` adds samples; older than `windowSecs` fall off. */
export class LiveChart {
  readonly el: HTMLElement;
  private readonly style: MetricStyle;
  private readonly plot: uPlot;
  private readonly caption: HTMLElement;
  /** Columns: x (Unix seconds), one per line, then the memory limit when the metric has one. */
  private readonly data: (number | null)[][];
  private latest: Sample | undefined;
  /** Recorded events and fired alerts, drawn as lines in their kind's colour over the plot. */
  private readonly marks = new ChartMarks();
  /** Whether new samples change the picture (see `rightEdge`). */
  private readonly gate = new DrawGate();

  constructor(readonly metric: Metric, size: ChartSize, dark: boolean, private readonly windowSecs = 300) {
    const style = CHART_STYLE.metrics.find((m) => m.metric === metric);
    if (!style) throw new Error(`no chart style for ${metric}`);
    this.style = style;
    const pal: Palette = dark ? CHART_STYLE.dark : CHART_STYLE.light;
    const font = `${CHART_STYLE.font_px}px sans-serif`;
    this.data = [[], ...style.lines.map(() => []), ...(style.limit ? [[]] : [])];
    const series: uPlot.Series[] = [{}, ...style.lines.map((l) => ({
      label: l.label, stroke: pal.series[l.color], width: CHART_STYLE.line_width,
      fill: rgba(pal.series[l.color], CHART_STYLE.fill_alpha), points: { show: false },
    }))];
    if (style.limit) series.push({ label: "limit", stroke: pal.limit, width: 1, points: { show: false } });
    const axis = { stroke: pal.foreground, font, grid: { stroke: pal.grid, width: 1 }, ticks: { stroke: pal.grid, width: 1 } };
    const unit = style.unit;
    this.plot = new uPlot({
      width: size.width, height: size.height, series,
      // Room at the right for the last time label ("now").
      padding: [8, 16, 0, 0],
      // Labels only (no cursor values), as the export's legend.
      legend: { show: style.lines.length > 1 || style.limit, live: false },
      hooks: { draw: [this.marks.hook] },
      cursor: { show: false },
      scales: {
        x: { time: false, range: (u) => liveRange(u, this.data[0] as number[], this.windowSecs) },
        y: { range: () => [0, this.yMax()] },
      },
      axes: [
        // Six ticks back from the newest sample, as the export's x axis.
        { ...axis, size: 28, splits: (_u, _i, min, max) => Array.from({ length: 7 }, (_, k) => max - ((max - min) * k) / 6).reverse(),
          values: (u, splits) => { const right = u.scales.x.max ?? this.newest(); return splits.map((v) => formatAge(right - v)); } },
        { ...axis, size: 80, values: (_u, splits) => splits.map((v) => formatValue(unit, v)),
          // Byte scales step in binary units (256 KiB, 1 MiB…), so tick labels are round.
          ...(unit === "percent" ? {} : { incrs: BINARY_STEPS }) },
      ],
    }, this.data as uPlot.AlignedData);
    this.marks.attach(this.plot);
    this.caption = document.createElement("div");
    this.caption.className = "chart-caption";
    this.caption.style.color = pal.foreground;
    this.caption.textContent = caption(metric, undefined);
    this.el = document.createElement("div");
    this.el.className = "live-chart";
    this.el.style.background = pal.background;
    this.el.dataset.metric = metric;
    this.el.append(this.caption, this.plot.root);
    // For the page tests: the chart behind the element.
    (this.el as unknown as { liveChart: LiveChart }).liveChart = this;
  }

  /** Samples held now. */
  get length(): number { return this.data[0].length; }

  /** The newest sample's time (Unix ms), to resume from. */
  get newestMs(): number | null { return this.latest?.at_ms ?? null; }

  private newest(): number { return this.latest ? this.latest.at_ms / 1000 : 0; }

  private yMax(): number {
    let peak = 0;
    for (let i = 1; i < this.data.length; i++) for (const v of this.data[i]) if (v !== null && v > peak) peak = v;
    return Math.max(peak * CHART_STYLE.headroom, this.style.y_floor);
  }

  /** Add samples (oldest first, newer than any held) and redraw once. */
  append(samples: Sample[]): void {
    const fresh = samples.filter((s) => !this.latest || s.at_ms > this.latest.at_ms);
    if (!fresh.length) return;
    for (const s of fresh) {
      this.data[0].push(s.at_ms / 1000);
      this.style.lines.forEach((l, i) => this.data[i + 1].push(s[l.field]));
    }
    this.latest = fresh[fresh.length - 1];
    const from = this.newest() - this.windowSecs;
    let drop = 0;
    while (drop < this.data[0].length && (this.data[0][drop] as number) < from) drop++;
    if (drop) for (const col of this.data) col.splice(0, drop);
    let shown: number | null = null;
    if (this.style.limit) {
      // The limit is drawn only when it is within reach of the data (as the core decides):
      // an unlimited container reports the host's memory, which would flatten the line.
      const col = this.data[this.data.length - 1];
      let peak = 0;
      for (const v of this.data[1]) if (v !== null && v > peak) peak = v;
      const limit = this.latest.mem_limit;
      shown = limit > 0 && limit <= Math.max(peak, 1) * 4 ? limit : null;
      col.length = 0;
      for (let i = 0; i < this.data[0].length; i++) col.push(shown);
    }
    setText(this.caption, caption(this.metric, this.latest));
    // Redrawn only when the picture changes (`DrawGate`).
    const xs = this.data[0] as number[];
    const lines = this.style.lines.length;
    const column = (k0: number) => {
      const out: number[] = [];
      for (let k = k0; k < xs.length; k++) for (let j = 1; j <= lines; j++) out.push(this.data[j][k] ?? 0);
      return out;
    };
    const newest = this.style.lines.map((l) => this.latest![l.field]);
    if (!this.gate.changes(this.plot, xs, this.windowSecs, this.yMax(), shown, newest, fresh.length > 1, column)) return;
    // Drawn now rather than in uPlot's microtask, so the page can time it (LIVE).
    const t0 = performance.now();
    this.plot.batch(() => this.plot.setData(this.data as uPlot.AlignedData));
    LIVE.draws++;
    LIVE.draw_ms += performance.now() - t0;
  }

  /** Recorded events (die, oom, restart, health, recreate) and fired alerts as lines. */
  setMarks(markers: HistoryMarker[]): void {
    this.marks.set(markers);
  }

  /** Markers held (for the page tests). */
  get markCount(): number { return this.marks.count; }

  resize(size: ChartSize): void {
    this.plot.setSize(size);
    // The columns changed width: draw all held samples again at the new size.
    this.gate.reset();
    this.plot.setData(this.data as uPlot.AlignedData);
  }

  destroy(): void { this.plot.destroy(); }
}
