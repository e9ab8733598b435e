// Live time-series charts: samples (numbers) appended to a uPlot canvas chart, drawn with the
// core's chart style (colours, lines, units, axis rules: wharf-core's chart.rs, exported as
// ./generated/chart_style.ts) so a live chart looks like the PNG/SVG export of the same data.
// One chart per metric; the canvas element stays for the chart's life. A new sample extends
// the lines by a segment drawn onto it (`drawSegment`), and the chart is drawn whole only when
// its x range steps (a sixth of its span) or its y scale changes (`DrawGate`), so what WebKit
// repaints in a second is a strip at the lines' right end. The dashboard's stacked graphs
// (stack_chart.ts) follow the same rules with these functions.
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

/** The caption of a chart, line by line: the metric, then its newest values, one line per
 * line of the chart. Joined by spaces it is the caption the core writes on an export of the
 * same data. */
export function captionLines(metric: Metric, s: Sample | undefined): string[] {
  const x = s ?? { cpu_pct: 0, mem_used: 0, mem_limit: 0, net_rx_rate: 0, net_tx_rate: 0, blk_read_rate: 0, blk_write_rate: 0 };
  switch (metric) {
    case "cpu": return ["CPU", `${x.cpu_pct.toFixed(1)} %`];
    case "memory": return ["Memory", `${bytes(x.mem_used)} / ${bytes(x.mem_limit)}`];
    case "network": return ["Network I/O", `rx ${bytes(x.net_rx_rate)}/s`, `tx ${bytes(x.net_tx_rate)}/s`];
    case "block_io": return ["Block I/O", `read ${bytes(x.blk_read_rate)}/s`, `write ${bytes(x.blk_write_rate)}/s`];
  }
}

function rgba(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

const BINARY_STEPS = [0, 1, 2, 3, 4, 5].flatMap((p) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** p));

export interface ChartSize { width: number; height: number }

/** How many steps a live chart's x range moves by across its span: one tick of its axis (the
 * axis has six), so after a step the grid and its labels stand where they stood. */
const STEPS_PER_SPAN = 6;

/** A live chart's x range's right edge (Unix s) for a span over a plot `widthPx` wide: the end
 * of the step the newest sample falls in. A step is a sixth of the span (10 s at one minute,
 * 150 s at a quarter hour, 4 h at a day), or a pixel column when one is wider. Between steps
 * the range stands still, so a new sample only extends the lines at their right end
 * (`drawSegment`) and the whole chart is drawn again once a step; "now" labels that edge, at
 * most a step after the newest sample. */
function rightEdge(newest: number, span: number, widthPx: number): number {
  const step = Math.max(span / STEPS_PER_SPAN, widthPx > 1 ? span / widthPx : 0);
  return Math.ceil(newest / step) * step;
}

/** The plot area in CSS px (uPlot's bbox is in canvas px, and empty while it is built). */
function plotWidth(u: uPlot | null): number {
  return Math.max(1, (u?.bbox?.width ?? 0) / (window.devicePixelRatio || 1));
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
  const right = rightEdge(xs.at(-1) ?? 0, span, plotWidth(u));
  return [right - span, right];
}

/** How a chart shows what was appended: drawn again whole, or its lines extended. */
export type Draw = "whole" | "segment";

/** What a whole drawing fixed, beyond the samples: the x range, the y scale, the limit line. */
interface Frame { right: number; span: number; yMax: number; limit: number | null }

/** Decides how new samples are drawn. One new sample within the x range, y scale and limit of
 * the last whole drawing is a segment: each line is extended from the sample before it, onto
 * the same canvas, and only those few pixel columns change on screen. Anything else (the range
 * stepped or grew, the y scale or the limit changed, several samples came at once, nothing
 * drawn yet) draws the chart whole. Why: WebKit repaints what a canvas call touched, and a
 * whole chart's repaint each second was most of what a live view cost (docs/design.md, "Live
 * charts that draw only what is new"). */
export class DrawGate {
  private last: Frame | null = null;

  /** For a chart `u` over `xs` (Unix s) to be drawn up to `yMax` with `limit`, `several` when
   * more than one sample is new. A whole drawing is remembered. */
  draw(u: uPlot, xs: number[], windowSecs: number, yMax: number, limit: number | null, several: boolean): Draw {
    const span = spanSecs(xs, windowSecs);
    const right = rightEdge(xs.at(-1) ?? 0, span, plotWidth(u));
    const d = this.last;
    if (d && !several && xs.length > 1 && d.right === right && d.span === span && d.yMax === yMax && d.limit === limit) return "segment";
    this.last = { right, span, yMax, limit };
    return "whole";
  }

  /** Draw the next samples whole (the chart was rebuilt or resized). */
  reset(): void { this.last = null; }
}

type Style = string | CanvasGradient | CanvasPattern;

/** A series' stroke or fill as uPlot resolved it (a value, or a function of the chart). */
function styleOf(u: uPlot, i: number, v: unknown): Style | null {
  const r = typeof v === "function" ? (v as (u: uPlot, i: number) => Style | null)(u, i) : (v as Style | null | undefined);
  return r ?? null;
}

/** A sample as a segment needs it: its time (Unix s) and each series' value (`ys[i - 1]` for
 * series `i`). */
export interface Point { x: number; ys: (number | null)[] }

/** Extends each series of `u` to the newest of `points` (the last; the one before it is where
 * the line stood, and an earlier one, when given, makes the join at that point uPlot's): the
 * area below the new stretch in the series' fill, then the line, as uPlot draws them
 * (positions rounded to pixels, odd widths offset half a pixel, round joins, flat ends), in
 * uPlot's series order, clipped to the plot from the column of the point before. Only the
 * columns between the two newest points change, so WebKit repaints a strip a few pixels wide
 * rather than the chart. */
export function drawSegment(u: uPlot, points: Point[]): void {
  if (points.length < 2) return;
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const px = (v: number, scale: string) => Math.round(u.valToPos(v, scale, true));
  const xs = points.map((p) => px(p.x, "x"));
  const [a, b] = xs.slice(-2);
  const floor = px(u.scales.y.min ?? 0, "y");
  const ratio = window.devicePixelRatio || 1;
  for (let i = 1; i < u.series.length; i++) {
    const s = u.series[i];
    const ys = points.map((p) => p.ys[i - 1]);
    const [v0, v1] = ys.slice(-2);
    if (s.show === false || v0 == null || v1 == null) continue;
    const lineWidth = (s.width ?? 1) * ratio;
    const off = (lineWidth % 2) / 2;
    // Each part clipped to the plot from pixel column `x` (uPlot lets a line's half width
    // over the plot's edges).
    const from = (x: number) => {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, top - lineWidth, left + width + lineWidth - x, height + 2 * lineWidth);
      ctx.clip();
    };
    const fill = styleOf(u, i, s.fill);
    if (fill) {
      // The area under the new stretch. With an odd width uPlot offsets it by half a pixel,
      // like its line, so the column where the last drawing stopped is half covered: the area
      // is then drawn from the point before (the same edge uPlot draws) and clipped to whole
      // columns, which covers that column once more (an opaque fill, as the stacked graphs',
      // comes out as uPlot's; a see-through one would show a darker column).
      const k0 = off > 0 && ys.length > 2 && ys[ys.length - 3] != null ? ys.length - 3 : ys.length - 2;
      from(a);
      ctx.translate(off, off);
      ctx.fillStyle = fill;
      ctx.beginPath();
      ctx.moveTo(xs[k0], px(ys[k0]!, "y"));
      for (let j = k0 + 1; j < ys.length; j++) ctx.lineTo(xs[j], px(ys[j]!, "y"));
      ctx.lineTo(b, floor);
      ctx.lineTo(xs[k0], floor);
      ctx.closePath();
      ctx.fill();
      ctx.restore();
    }
    const stroke = styleOf(u, i, s.stroke);
    if (stroke && lineWidth > 0) {
      from(a);
      ctx.translate(off, off);
      ctx.lineJoin = "round";
      ctx.lineCap = "butt";
      ctx.strokeStyle = stroke;
      ctx.lineWidth = lineWidth;
      ctx.beginPath();
      // From the earliest point with a value: the join at the point before is drawn whole.
      let k = ys.length - 2;
      while (k > 0 && ys[k - 1] != null) k--;
      ctx.moveTo(xs[k], px(ys[k]!, "y"));
      for (let j = k + 1; j < ys.length; j++) ctx.lineTo(xs[j], px(ys[j]!, "y"));
      ctx.stroke();
      ctx.restore();
    }
  }
}

/** Runs a chart drawing of kind `kind` now, counted and timed for the measurements (LIVE). */
export function countDraw(kind: "wholes" | "segments", draw: () => void): void {
  const t0 = performance.now();
  draw();
  LIVE[kind]++;
  LIVE.draws++;
  LIVE.draw_ms += performance.now() - t0;
}

/** Draws chart `u` as `gate` decides: whole (uPlot's `setData` with `data()`; now rather than
 * in uPlot's microtask, so the page can time it), or the newest sample as a segment from the
 * one before it (`column(k)`, series values at sample `k` of `xs`; the sample before that gives
 * the join). */
export function drawLive(u: uPlot, gate: DrawGate, xs: number[], windowSecs: number, yMax: number, limit: number | null,
  several: boolean, data: () => uPlot.AlignedData, column: (k: number) => (number | null)[]): void {
  if (gate.draw(u, xs, windowSecs, yMax, limit, several) === "segment") {
    const n = xs.length;
    countDraw("segments", () => drawSegment(u, xs.slice(Math.max(0, n - 3)).map((x, j, w) => ({ x, ys: column(n - w.length + j) }))));
  } else {
    countDraw("wholes", () => u.batch(() => u.setData(data())));
  }
}

/** A live chart of one metric. `append` adds samples; older than `windowSecs` fall off. */
export class LiveChart {
  readonly el: HTMLElement;
  private readonly style: MetricStyle;
  /** The y axis's top: the peak of what is held (the lines, and the limit when drawn) with
   * headroom, at least the metric's floor. Set once a sample by `append`, read by the scale. */
  private yTop: number;
  private readonly plot: uPlot;
  /** Beside the plot: the metric's name, then one line per chart line with its newest value,
   * in the line's colour (the chart's legend). Static but for those values, so a second's
   * repaint stays at the chart's right end with its newest segment. */
  private readonly caption: HTMLElement;
  private readonly values: HTMLElement[];
  /** The CPU chart's caption also counts the container's processes (no chart of its own). */
  private readonly pids: HTMLElement | null;
  /** Columns: x (Unix seconds), one per line, then the memory limit when the metric has one. */
  private readonly data: (number | null)[][];
  private latest: Sample | undefined;
  /** Recorded events and fired alerts, drawn as lines in their kind's colour over the plot. */
  private readonly marks = new ChartMarks();
  /** Whether new samples are drawn whole or as a segment (`DrawGate`). */
  private readonly gate = new DrawGate();

  constructor(readonly metric: Metric, size: ChartSize, dark: boolean, private readonly windowSecs = 300) {
    const style = CHART_STYLE.metrics.find((m) => m.metric === metric);
    if (!style) throw new Error(`no chart style for ${metric}`);
    this.style = style;
    this.yTop = style.y_floor;
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
      // The caption beside the plot names the lines in their colours.
      legend: { show: false },
      hooks: { draw: [this.marks.hook] },
      cursor: { show: false },
      scales: {
        x: { time: false, range: (u) => liveRange(u, this.data[0] as number[], this.windowSecs) },
        y: { range: () => [0, this.yTop] },
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
    const [title, ...lines] = captionLines(metric, undefined);
    const name = document.createElement("b");
    name.textContent = title;
    this.values = lines.map((text, i) => {
      const line = document.createElement("span");
      // Memory's one line is the used memory's; the limit is written after it.
      line.style.color = pal.series[style.lines[i]?.color ?? style.lines[0].color];
      line.textContent = text;
      return line;
    });
    this.caption = document.createElement("div");
    this.caption.className = "chart-caption";
    this.caption.style.color = pal.foreground;
    this.pids = metric === "cpu" ? document.createElement("span") : null;
    this.caption.append(name, ...this.values, ...(this.pids ? [this.pids] : []));
    this.el = document.createElement("div");
    this.el.className = "live-chart side-caption";
    this.el.style.background = pal.background;
    this.el.append(this.plot.root, this.caption);
    this.el.dataset.metric = metric;
    // For the page tests: the chart behind the element.
    (this.el as unknown as { liveChart: LiveChart }).liveChart = this;
  }

  /** Samples held now. */
  get length(): number { return this.data[0].length; }

  /** The plot's width (CSS px), as built or last resized. */
  get width(): number { return this.plot.width; }

  /** The newest sample's time (Unix ms), to resume from. */
  get newestMs(): number | null { return this.latest?.at_ms ?? null; }

  private newest(): number { return this.latest ? this.latest.at_ms / 1000 : 0; }

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
    // Each line's peak, in one pass: the limit's reach and the y axis's top both follow them.
    const peaks = this.data.slice(1, this.style.lines.length + 1)
      .map((col) => col.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0));
    let shown: number | null = null;
    if (this.style.limit) {
      // The limit is drawn only when it is within reach of the data (as the core decides):
      // an unlimited container reports the host's memory, which would flatten the line.
      const col = this.data[this.data.length - 1];
      const limit = this.latest.mem_limit;
      shown = limit > 0 && limit <= Math.max(peaks[0], 1) * 4 ? limit : null;
      col.length = 0;
      for (let i = 0; i < this.data[0].length; i++) col.push(shown);
    }
    captionLines(this.metric, this.latest).slice(1).forEach((text, i) => setText(this.values[i], text));
    if (this.pids) setText(this.pids, `PIDs ${this.latest.pids}`);
    this.yTop = Math.max(Math.max(0, ...peaks, shown ?? 0) * CHART_STYLE.headroom, this.style.y_floor);
    const xs = this.data[0] as number[];
    drawLive(this.plot, this.gate, xs, this.windowSecs, this.yTop, shown, fresh.length > 1,
      () => this.data as uPlot.AlignedData, (k) => this.data.slice(1).map((col) => col[k]));
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
