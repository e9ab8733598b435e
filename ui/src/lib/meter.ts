// What the live views cost, counted by the page itself for measurements (bench/desktop.sh and
// ui/tests/measure.mjs read `window.__wharfLive` around a CPU window): stats messages received,
// samples in them, chart redraws and the milliseconds of script they took (uPlot's scales,
// axes and canvas calls), and text nodes written. Counting is a few additions per message.
export const LIVE = { messages: 0, samples: 0, draws: 0, draw_ms: 0, texts: 0 };
(window as unknown as { __wharfLive: typeof LIVE }).__wharfLive = LIVE;

/** Set `el`'s text only when it changed: writing the same text still replaces the text node,
 * which makes WebKit restyle, lay out and repaint it. */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent === text) return;
  el.textContent = text;
  LIVE.texts++;
}
