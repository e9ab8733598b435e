// Shared page furniture: confirmation dialog, toasts, error text.
import { h } from "./dom";
import type { ErrorReport } from "./types";

export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) {
    const r = e as ErrorReport;
    return r.hint ? `${r.message} — ${r.hint}` : String(r.message);
  }
  return String(e);
}

let toasts: HTMLElement | null = null;

/** A short message at the bottom right; errors stay until clicked. */
export function toast(text: string, kind: "info" | "error" = "info") {
  if (!toasts) {
    toasts = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
    document.body.appendChild(toasts);
  }
  const t = h("div", { class: `toast ${kind}`, onclick: () => t.remove() }, text);
  toasts.appendChild(t);
  if (kind === "info") setTimeout(() => t.remove(), 4000);
}

/**
 * Ask before a destructive action. The dialog names every object it will act on; resolves
 * true only when the user presses the action button.
 */
export function confirmAction(title: string, verb: string, names: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const shown = names.slice(0, 12);
    const more = names.length - shown.length;
    const dlg = h("dialog", { class: "confirm", "aria-label": title },
      h("h2", {}, title),
      h("ul", { class: "names" }, shown.map((n) => h("li", {}, n)), more > 0 ? h("li", {}, `…and ${more} more`) : null),
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "cancel", onclick: () => close(false) }, "Cancel"),
        h("button", { type: "button", class: "danger", "data-testid": "confirm", onclick: () => close(true) }, verb),
      ),
    );
    const close = (ok: boolean) => {
      dlg.close();
      dlg.remove();
      resolve(ok);
    };
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); close(false); });
    document.body.appendChild(dlg);
    dlg.showModal();
    (dlg.querySelector(".cancel") as HTMLButtonElement).focus();
  });
}

export function isDark(): boolean {
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}
