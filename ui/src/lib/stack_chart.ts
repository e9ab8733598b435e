// A live stacked chart of the dashboard's engine-wide graphs: the core's `DashChart` bands
// (numbers) drawn with uPlot in the core's style (`CHART_STYLE.dash`, the palette's `stack`
// colours, the same opaque band fill and axis rules as the plotters export). A new point
// extends the bands by a segment, or the chart is drawn whole, as chart.ts decides for the
// live charts (`drawLive`); the canvas is rebuilt only when the bands themselves change (a
// project appeared, the top N changed).
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { CHART_STYLE } from "./generated/chart_style";
import { countDraw, DrawGate, drawLive, formatAge, formatValue, liveRange, type ChartSize } from "./chart";
import { setText } from "./meter";
import { ChartMarks } from "./marks";
import type { DashChart, DashMetric, HistoryMarker } from "./types";
import type { Palette } from "./generated/Palette";

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `c` mixed `a` over `bg`, opaque (the core's `dash::over`). */
function over(c: string, bg: string, a: number): string {
  const [x, y] = [rgb(c), rgb(bg)];
  const m = (i: number) => Math.round(x[i] * a + y[i] * (1 - a));
  return `rgb(${m(0)}, ${m(1)}, ${m(2)})`;
}

/** The colour of band `i` called `label` (the core's `dash::group_color`). */
export function groupColour(pal: Palette, label: string, i: number): string {
  return label === "other" ? pal.other : pal.stack[i % pal.stack.length];
}

const BINARY_STEPS = [0, 1, 2, 3, 4, 5].flatMap((p) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** p));

export class StackChart {
  readonly el: HTMLElement;
  /** Beside the plot: the core's caption (the totals), then each band in its colour with its
   * newest value, top band first, as the stacking reads (the chart's legend). What changes in a
   * second stays in this strip at the plot's right end (chart.ts, `drawSegment`). */
  private readonly caption: HTMLElement;
  private readonly legend: HTMLElement;
  /** The legend's value of each series (uPlot's order: top band first, then the host line). */
  private legendValues: HTMLElement[] = [];
  private readonly box: HTMLElement;
  private plot: uPlot | null = null;
  private groups: string[] = [];
  /** Unix seconds, oldest first. */
  private times: number[] = [];
  /** Per band, one value per time. */
  private values: number[][] = [];
  private limit: number | null = null;
  private readonly pal: Palette;
  /** The scope's recorded events and fired alerts, drawn over the bands. */
  readonly marks = new ChartMarks();
  /** Whether new points are drawn whole or as a segment (the live charts' rule, `DrawGate`). */
  private readonly gate = new DrawGate();

  constructor(readonly metric: DashMetric, private size: ChartSize, dark: boolean, private readonly windowSecs = 900) {
    this.pal = dark ? CHART_STYLE.dark : CHART_STYLE.light;
    this.caption = document.createElement("div");
    this.caption.className = "chart-title";
    this.legend = document.createElement("ul");
    this.legend.className = "chart-legend";
    const side = document.createElement("div");
    side.className = "chart-caption";
    side.style.color = this.pal.foreground;
    side.append(this.caption, this.legend);
    this.box = document.createElement("div");
    this.el = document.createElement("div");
    this.el.className = "live-chart stack-chart side-caption";
    this.el.style.background = this.pal.background;
    this.el.dataset.metric = metric;
    this.el.append(this.box, side);
    (this.el as unknown as { stackChart: StackChart }).stackChart = this;
  }

  /** Points held now. */
  get length(): number { return this.times.length; }
  /** The newest point's time (Unix ms). */
  get newestMs(): number | null { return this.times.length ? Math.round(this.times[this.times.length - 1] * 1000) : null; }
  get bands(): string[] { return this.groups; }
  /** The plot's width (CSS px), as built or last resized. */
  get width(): number { return this.size.width; }
  /** The canvas element (for tests: the same node across appends). */
  get canvas(): HTMLCanvasElement | null { return this.box.querySelector("canvas"); }

  private style() {
    const s = CHART_STYLE.dash.find((d) => d.metric === this.metric);
    if (!s) throw new Error(`no dash style for ${this.metric}`);
    return s;
  }

  private build(): void {
    this.plot?.destroy();
    const st = this.style();
    const font = `${CHART_STYLE.font_px}px sans-serif`;
    const axis = { stroke: this.pal.foreground, font, grid: { stroke: this.pal.grid, width: 1 }, ticks: { stroke: this.pal.grid, width: 1 } };
    // Top band first: each lower band is drawn over the part of it that is not its own.
    const series: uPlot.Series[] = [{}];
    for (let g = this.groups.length - 1; g >= 0; g--) {
      const c = groupColour(this.pal, this.groups[g], g);
      series.push({ label: this.groups[g], stroke: c, width: 1, fill: over(c, this.pal.background, CHART_STYLE.stack_fill), points: { show: false } });
    }
    if (this.metric === "memory") series.push({ label: "host", stroke: this.pal.limit, width: 1, points: { show: false } });
    this.plot = new uPlot({
      width: this.size.width, height: this.size.height, series,
      padding: [8, 16, 0, 0],
      // The legend is the list beside the plot.
      legend: { show: false },
      cursor: { show: false },
      hooks: { draw: [this.marks.hook] },
      scales: {
        x: { time: false, range: (u) => liveRange(u, this.times, this.windowSecs) },
        y: { range: () => [0, this.yTop] },
      },
      axes: [
        { ...axis, size: 28, splits: (_u, _i, min, max) => Array.from({ length: 7 }, (_, k) => max - ((max - min) * k) / 6).reverse(),
          values: (u, splits) => { const right = u.scales.x.max ?? this.times.at(-1) ?? 0; return splits.map((v) => formatAge(right - v)); } },
        { ...axis, size: 80, values: (_u, splits) => splits.map((v) => formatValue(st.unit, v)),
          ...(st.unit === "bytes" || st.unit === "bytes_per_sec" ? { incrs: BINARY_STEPS } : {}) },
      ],
    }, this.data(), this.box);
    this.marks.attach(this.plot);
    this.legendValues = series.slice(1).map((sr) => {
      const value = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.style.background = String(sr.fill ?? sr.stroke);
      swatch.style.borderColor = String(sr.stroke);
      const item = document.createElement("li");
      item.append(swatch, `${sr.label} `, value);
      return value;
    });
    this.legend.replaceChildren(...this.legendValues.map((v) => v.parentElement!));
    this.writeLegend();
  }

  /** Each band's newest value (and the host's memory) in the legend, where it changed. */
  private writeLegend(): void {
    const unit = this.style().unit;
    const last = this.times.length - 1;
    const values = [...this.values.map((v) => v[last]).reverse(), ...(this.metric === "memory" ? [this.limit] : [])];
    this.legendValues.forEach((el, i) => setText(el, last >= 0 && values[i] != null ? formatValue(unit, values[i]!) : ""));
  }

  /** Markers (events, alerts) to draw; redrawn at once. */
  setMarks(markers: HistoryMarker[]): void { this.marks.set(markers); }

  private totals(): number[] {
    return this.times.map((_, t) => this.values.reduce((a, v) => a + (v[t] ?? 0), 0));
  }

  /** The y axis's top (`yMax`), worked out once an update and read by the scale. */
  private yTop = 0;

  private yMax(): number {
    const peak = Math.max(0, ...this.totals(), this.limit ?? 0);
    return Math.max(peak * CHART_STYLE.headroom, this.style().y_floor);
  }

  /** uPlot's columns: x, then each band's top (cumulative), top band first, then the host line. */
  private data(): uPlot.AlignedData {
    const tops: number[][] = [];
    const acc = this.times.map(() => 0);
    for (const v of this.values) {
      for (let t = 0; t < acc.length; t++) acc[t] += v[t] ?? 0;
      tops.push(acc.slice());
    }
    const cols: (number | null)[][] = [this.times, ...tops.reverse()];
    if (this.metric === "memory") cols.push(this.times.map(() => this.limit));
    return cols as uPlot.AlignedData;
  }

  /** Replace what is held (a reset message). The canvas is rebuilt only if the bands changed. */
  reset(at_ms: number[], chart: DashChart): void {
    const same = chart.groups.length === this.groups.length && chart.groups.every((g, i) => g === this.groups[i]);
    this.groups = chart.groups.slice();
    this.times = at_ms.map((t) => t / 1000);
    this.values = chart.values.map((v) => v.slice());
    this.update(chart, !same || !this.plot);
  }

  /** Append newer points (oldest first) and redraw once, if they change the picture. */
  append(at_ms: number[], chart: DashChart): void {
    const newest = this.newestMs ?? -Infinity;
    let added = 0;
    for (let i = 0; i < at_ms.length; i++) {
      if (at_ms[i] <= newest) continue;
      this.times.push(at_ms[i] / 1000);
      chart.values.forEach((v, g) => this.values[g]?.push(v[i]));
      added++;
    }
    const from = (this.times.at(-1) ?? 0) - this.windowSecs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop] < from) drop++;
    if (drop) { this.times.splice(0, drop); for (const v of this.values) v.splice(0, drop); }
    this.update(chart, !this.plot, added);
  }

  /** Each band's top (cumulative) at point `t`. */
  private tops(t: number): number[] {
    let acc = 0;
    return this.values.map((v) => (acc += v[t] ?? 0));
  }

  private update(chart: DashChart, rebuild: boolean, added = 2): void {
    this.limit = chart.limit;
    this.yTop = this.yMax();
    setText(this.caption, chart.caption);
    if (!rebuild && this.plot) this.writeLegend();
    if (rebuild || !this.plot) {
      this.gate.reset();
      countDraw("wholes", () => this.build());
      return;
    }
    if (!added) return;
    // Drawn whole, or the newest point's bands extended (chart.ts, `DrawGate`).
    const host = this.metric === "memory";
    drawLive(this.plot, this.gate, this.times, this.windowSecs, this.yTop, this.limit, added > 1,
      () => this.data(), (t) => [...this.tops(t).reverse(), ...(host ? [this.limit] : [])]);
  }

  resize(size: ChartSize): void {
    this.size = size;
    this.plot?.setSize(size);
    this.gate.reset();
    this.plot?.setData(this.data());
  }

  destroy(): void { this.plot?.destroy(); this.plot = null; }
}
