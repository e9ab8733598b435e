// What every page view offers the shell: its element, a snapshot update, cleanup.
import type { Snapshot } from "../lib/types";

export interface View {
  el: HTMLElement;
  update(s: Snapshot): void;
  /** Stop streams and timers. */
  destroy(): void;
  focusFilter?(): void;
}
