// What the live views cost, counted by the page itself for measurements (bench/desktop.sh and
// ui/tests/measure.mjs read `window.__wharfLive` around a CPU window): stats messages received,
// samples in them, chart draws (`wholes`, a chart drawn whole, plus `segments`, its lines
// extended by one sample; chart.ts `DrawGate`) and the milliseconds of script they took
// (uPlot's scales, axes and canvas calls), text nodes written, store snapshots received (each one updates the
// open view). Counting is a few additions per message.
//
// `frames`, the rendering updates those messages caused, is counted only when a measurement
// asks for it (`window.__wharfCountFrames = true`, measure.mjs --frames): it takes one
// requestAnimationFrame per message, and asking for a frame wakes WebKit's display link (its
// VBlankMonitor thread, at 60 Hz for a while). Under the bench's WebDriver session, with the
// Stats tab's stream running and nothing else changing, that cost 0.16–0.40 % of a core
// (0.73–0.83 % with it, 0.43–0.57 % without; docs/design.md, "Desktop live views: what each
// part of the second costs"), so the bench charged the page for its own meter.
export const LIVE = { messages: 0, samples: 0, draws: 0, wholes: 0, segments: 0, draw_ms: 0, texts: 0, snapshots: 0, frames: 0 };
(window as unknown as { __wharfLive: typeof LIVE }).__wharfLive = LIVE;

let framePending = false;
/** Something arrived that changes the page: count the rendering update it causes, when asked. */
export function countFrame(): void {
  if (framePending || !(window as unknown as { __wharfCountFrames?: boolean }).__wharfCountFrames) return;
  framePending = true;
  requestAnimationFrame(() => { framePending = false; LIVE.frames++; });
}

/** A live stats or graphs message arrived with `samples` new samples. */
export function liveMessage(samples = 0): void {
  LIVE.messages++;
  LIVE.samples += samples;
  countFrame();
}

// Start-up, step by step (`window.__wharfBoot`, Unix ms, read by measure.mjs next to the time
// the WebDriver session started): where the time to the first data goes.
export const BOOT: Record<string, number> = {};
(window as unknown as { __wharfBoot: typeof BOOT }).__wharfBoot = BOOT;
export function bootMark(step: string): void {
  BOOT[step] ??= Date.now();
}

/** Set `el`'s text only when it changed: writing the same text still replaces the text node,
 * which makes WebKit restyle, lay out and repaint it. */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent === text) return;
  el.textContent = text;
  LIVE.texts++;
}

/** Commands the page invoked and pushed messages it received, by name (`window.__wharfIpc`;
 *  a pushed message is `STREAM:message`): what a page asks and is sent, for the real-app tests
 *  (the Fleet page never polls `fleet_snapshot`; a hidden page is sent nothing). */
export const IPC: Record<string, number> = {};
(window as unknown as { __wharfIpc: typeof IPC }).__wharfIpc = IPC;
export function countIpc(name: string): void {
  IPC[name] = (IPC[name] ?? 0) + 1;
}
