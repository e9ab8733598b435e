// Work the user cannot see is not done: a stream opened with `whileVisible` runs only while
// the page is visible. Hiding the page (another window on top is not hiding; minimizing or
// hiding the window is: WebKitGTK and Chromium both report it as `visibilitychange`) stops the
// stream on the backend; showing it again opens a new one, which asks the backend for what
// arrived meanwhile (the caller's `open` knows where it stopped).
import type { StreamHandle } from "./backend";

export interface Visible {
  /** Stop for good (the view closes). */
  stop(): void;
  /** Close the running stream and open a new one (what to watch changed). */
  restart(): void;
}

export function whileVisible(open: () => Promise<StreamHandle>, onError: (e: unknown) => void = () => undefined): Visible {
  let stream: StreamHandle | null = null;
  // Bumped on every stop/start, so an `open` that resolves late stops its stream at once.
  let generation = 0;
  let closed = false;
  const start = () => {
    const g = ++generation;
    open().then((s) => { if (g === generation && !closed) stream = s; else s.stop(); }, onError);
  };
  const pause = () => { generation++; stream?.stop(); stream = null; };
  const onChange = () => { if (document.hidden) pause(); else if (!stream) start(); };
  document.addEventListener("visibilitychange", onChange);
  if (!document.hidden) start();
  return {
    stop() { closed = true; pause(); document.removeEventListener("visibilitychange", onChange); },
    restart() { pause(); if (!document.hidden) start(); },
  };
}
