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
export function confirmAction(title: string, verb: string, names: string[], warnings: string[] = []): Promise<boolean> {
  return new Promise((resolve) => {
    // Every object is listed (the list scrolls): a destructive action never hides what it takes.
    const dlg = h("dialog", { class: "confirm", "aria-label": title },
      h("h2", {}, title),
      h("ul", { class: "names" }, names.map((n) => h("li", {}, n))),
      warnings.map((w) => h("p", { class: "warning", role: "alert" }, w)),
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

/** One field of a [`formDialog`]. */
export type Field =
  | { kind: "text"; name: string; label: string; value?: string; placeholder?: string; required?: boolean; suggestions?: string[];
      /** Typed as dots (a secret's value). */
      hidden?: boolean;
      /** The browser's own check; a name by default, `null` for free text the core parses. */
      pattern?: string | null }
  | { kind: "checkbox"; name: string; label: string; value?: boolean };

export type FormValues = Record<string, string | boolean>;

/** What a name the engine accepts looks like (wharf-core `spec::validate_name`). */
export const NAME_PATTERN = "[a-zA-Z0-9][a-zA-Z0-9_.\\-]*";

/**
 * A small form in a modal dialog (rename, create network, create volume). `submit` runs the
 * action and returns an error message to show in the dialog (which stays open to correct the
 * input) or null when done; resolves true when submitted successfully, false when cancelled.
 */
export function formDialog(
  title: string, verb: string, fields: Field[], submit: (v: FormValues) => Promise<string | null>,
): Promise<boolean> {
  return new Promise((resolve) => {
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const inputs = fields.map((f) => {
      if (f.kind === "checkbox") {
        const input = h("input", { type: "checkbox", name: f.name });
        input.checked = f.value ?? false;
        return { f, input, row: h("label", { class: "check" }, input, " ", f.label) };
      }
      const list = f.suggestions ? `${f.name}-suggestions` : null;
      const input = h("input", {
        type: f.hidden ? "password" : "text", name: f.name, placeholder: f.placeholder ?? null, required: f.required ?? false,
        pattern: f.pattern === undefined ? NAME_PATTERN : f.pattern, autocomplete: "off", spellcheck: "false", list,
        "aria-label": f.label,
      });
      input.value = f.value ?? "";
      return {
        f, input,
        row: h("label", {}, h("span", {}, f.label), input,
          f.suggestions ? h("datalist", { id: list! }, f.suggestions.map((s) => h("option", { value: s }))) : null),
      };
    });
    const ok = h("button", { type: "submit", class: "primary", "data-testid": "submit" }, verb);
    const form = h("form", { method: "dialog" },
      h("h2", {}, title),
      inputs.map((i) => i.row),
      error,
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "cancel", onclick: () => close(false) }, "Cancel"),
        ok,
      ),
    );
    const dlg = h("dialog", { class: "confirm form", "aria-label": title }, form);
    const close = (done: boolean) => {
      dlg.close();
      dlg.remove();
      resolve(done);
    };
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const values: FormValues = {};
      for (const { f, input } of inputs) values[f.name] = f.kind === "checkbox" ? input.checked : input.value.trim();
      ok.disabled = true;
      try {
        const err = await submit(values);
        if (err === null) close(true);
        else {
          error.textContent = err;
          error.hidden = false;
        }
      } finally {
        ok.disabled = false;
      }
    });
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); close(false); });
    document.body.appendChild(dlg);
    dlg.showModal();
    const first = inputs[0]?.input;
    first?.focus();
    if (first && first.type === "text") first.select();
  });
}
