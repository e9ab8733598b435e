// Markers on the page's uPlot charts: the history's recorded events and fired alerts (the
// core's `HistoryMarker`), each a vertical line in its kind's colour (`CHART_STYLE.markers`,
// the colours the plotters exports use) with its short label at the top. Hovering near a line
// shows the event (time, what, container) as the plot's tooltip. Text arrives as data and is
// only ever set as text.
import type uPlot from "uplot";
import { CHART_STYLE } from "./generated/chart_style";
import type { HistoryMarker, MarkerKind } from "./types";

/** The colour of a marker kind (`#rrggbb`). */
export function markerColour(kind: MarkerKind): string {
  return CHART_STYLE.markers.find((m) => m.kind === kind)?.color ?? CHART_STYLE.light.limit;
}

/** `12:03:04 die exit 137 web-1` (UTC, as the terminal shows it). */
export function markerText(m: HistoryMarker): string {
  const t = new Date(m.at_ms).toISOString().slice(11, 19);
  return [t, m.action, m.detail, m.name].filter((x) => x).join(" ");
}

/** Pixels either side of a line within which hovering shows it. */
const HOVER_PX = 4;

/** Markers drawn on one uPlot chart whose x scale is Unix seconds. */
export class ChartMarks {
  private marks: HistoryMarker[] = [];
  /** The markers drawn, as JSON: what `set` compares. */
  private key = "[]";
  private plot: uPlot | null = null;

  /** The draw hook to give uPlot (`hooks: { draw: [marks.hook] }`). */
  readonly hook = (u: uPlot): void => this.draw(u);

  /** Follow a (re)built plot: hovering its plot area shows the nearest marker. */
  attach(u: uPlot): void {
    this.plot = u;
    u.over.addEventListener("mousemove", (e) => {
      const m = this.at(u, e.offsetX);
      u.over.title = m ? markerText(m) : "";
      u.over.dataset.marker = m ? m.kind : "";
    });
    u.over.addEventListener("mouseleave", () => { u.over.title = ""; u.over.dataset.marker = ""; });
  }

  /** The markers to draw; the chart is drawn again only when they changed (the dashboard asks
   * for them every few seconds, and a redraw repaints the whole chart). */
  set(markers: HistoryMarker[]): void {
    const key = JSON.stringify(markers);
    if (key === this.key) return;
    this.key = key;
    this.marks = markers.slice();
    this.plot?.redraw(false);
  }

  get count(): number { return this.marks.length; }

  /** The kinds of the markers drawn on the last frame (for the page tests). */
  drawn: MarkerKind[] = [];

  /** The marker nearest `x` CSS pixels into the plot area, within [`HOVER_PX`]. */
  at(u: uPlot, x: number): HistoryMarker | null {
    let best: HistoryMarker | null = null;
    let dist = HOVER_PX + 1;
    for (const m of this.marks) {
      const d = Math.abs(u.valToPos(m.at_ms / 1000, "x") - x);
      if (d < dist) { dist = d; best = m; }
    }
    return best;
  }

  private draw(u: uPlot): void {
    this.drawn = [];
    if (!this.marks.length) return;
    const { ctx, bbox } = u;
    const px = window.devicePixelRatio || 1;
    ctx.save();
    ctx.lineWidth = px;
    ctx.font = `${Math.round((CHART_STYLE.font_px - 2) * px)}px sans-serif`;
    ctx.textBaseline = "top";
    for (const m of this.marks) {
      const x = Math.round(u.valToPos(m.at_ms / 1000, "x", true));
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      const colour = markerColour(m.kind);
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.setLineDash([4 * px, 3 * px]);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.fillText(m.kind, x + 2 * px, bbox.top + 2 * px);
      this.drawn.push(m.kind);
    }
    ctx.restore();
  }
}
