// An exec terminal: xterm.js over the core's exec stream. Keystrokes go to exec_write, the
// terminal's size to exec_resize whenever the panel changes size.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { backend, type ExecHandle } from "../lib/backend";
import { h } from "../lib/dom";
import { errorText, isDark } from "../lib/ui";

export function terminalPanel(id: string, readOnly: boolean) {
  if (readOnly) {
    const el = h("p", { class: "muted" }, "Exec is disabled in read-only mode.");
    return { el, destroy: () => undefined };
  }
  const host = h("div", { class: "term", "data-testid": "terminal" });
  const status = h("span", { class: "muted" }, "connecting…");
  const el = h("div", { class: "term-panel" }, h("div", { class: "toolbar" }, status), host);
  const term = new Terminal({
    convertEol: false, cursorBlink: true, fontSize: 13, scrollback: 2000,
    theme: isDark() ? { background: "#111318" } : { background: "#fbfbfc", foreground: "#1f2937", cursor: "#1f2937" },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  let exec: ExecHandle | null = null;
  let closed = false;
  const observer = new ResizeObserver(() => {
    if (!host.isConnected) return;
    try { fit.fit(); } catch { /* not laid out yet */ }
  });

  requestAnimationFrame(() => {
    if (closed) return;
    term.open(host);
    try { fit.fit(); } catch { /* not laid out yet */ }
    observer.observe(host);
    void backend().exec(id, term.cols, term.rows, (e) => {
      if (e.type === "output") term.write(e.data);
      else if (e.type === "exit") { status.textContent = `exited${e.code === null ? "" : ` with ${e.code}`}`; }
      else status.textContent = errorText(e.error);
    }).then((x) => {
      if (closed) { x.stop(); return; }
      exec = x;
      status.textContent = "/bin/sh";
      term.onData((d) => { void x.write(d).catch((err) => { status.textContent = errorText(err); }); });
      term.onResize(({ cols, rows }) => { void x.resize(cols, rows).catch(() => undefined); });
      term.focus();
    }, (err) => { status.textContent = errorText(err); });
  });

  return {
    el,
    destroy() {
      closed = true;
      observer.disconnect();
      exec?.stop();
      term.dispose();
    },
  };
}
