// Work the user cannot see is not done: a stream opened with `whileVisible` runs only while
// the page is visible. Hiding the page (another window on top is not hiding; minimizing or
// hiding the window is: WebKitGTK and Chromium both report it as `visibilitychange`) stops the
// stream on the backend; showing it again opens a new one, which asks the backend for what
// arrived meanwhile (the caller's `open` knows where it stopped). Given elements (`shownIn`), a
// stream also runs only while one of them is in the viewport: a card scrolled out of sight
// (the dashboard's top lists, below its live graphs) is sent nothing.
import type { StreamHandle } from "./backend";

export interface Visible {
  /** Stop for good (the view closes). */
  stop(): void;
  /** Close the running stream and open a new one (what to watch changed). */
  restart(): void;
}

export function whileVisible(open: () => Promise<StreamHandle>, onError: (e: unknown) => void = () => undefined,
  shownIn: Element[] = []): Visible {
  let stream: StreamHandle | null = null;
  // Bumped on every stop/start, so an `open` that resolves late stops its stream at once.
  let generation = 0;
  let closed = false;
  /** The elements of `shownIn` in the viewport now (reported by an IntersectionObserver). */
  const inView = new Set<Element>();
  const wanted = () => !document.hidden && (shownIn.length === 0 || inView.size > 0);
  const start = () => {
    const g = ++generation;
    open().then((s) => { if (g === generation && !closed) stream = s; else s.stop(); }, onError);
  };
  const pause = () => { generation++; stream?.stop(); stream = null; };
  const onChange = () => { if (closed) return; if (!wanted()) pause(); else if (!stream) start(); };
  document.addEventListener("visibilitychange", onChange);
  const seen = shownIn.length ? new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) inView.add(e.target); else inView.delete(e.target);
    onChange();
  }) : null;
  for (const el of shownIn) seen!.observe(el);
  if (wanted()) start();
  return {
    stop() { closed = true; pause(); seen?.disconnect(); document.removeEventListener("visibilitychange", onChange); },
    restart() { pause(); if (wanted()) start(); },
  };
}
