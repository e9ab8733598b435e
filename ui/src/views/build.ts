// The "Build image" dialog: wharf-core's `BuildForm` (directory, Dockerfile, tags, build
// arguments, target, labels, no-cache, pull), one entry per line in the list fields. Nothing is
// parsed here: every edit asks the core (`build_check`, debounced) and each error goes under
// its field. "Build" streams the output live (steps bold, errors red) with Cancel, which stops
// the stream and so the build; at the end the dialog resolves with the new image's id.
// Loaded on first use (the images view imports it dynamically).
import { backend, type StreamHandle } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { bytes } from "../lib/format";
import type { BuildEvent, BuildFieldError, BuildForm } from "../lib/types";
import { confirmAction, errorText, toast } from "../lib/ui";

/** How long typing may pause before the core is asked. */
export const CHECK_DEBOUNCE_MS = 150;
/** Output lines kept in the dialog (the oldest go). */
export const OUTPUT_LINES = 5000;

type Key = keyof BuildForm;
type TextKey = { [K in Key]: BuildForm[K] extends string ? K : never }[Key];
type ListKey = { [K in Key]: BuildForm[K] extends string[] ? K : never }[Key];
type BoolKey = { [K in Key]: BuildForm[K] extends boolean ? K : never }[Key];

type Input =
  | { kind: "text"; key: TextKey; label: string; placeholder: string }
  | { kind: "list"; key: ListKey; label: string; placeholder: string }
  | { kind: "check"; key: BoolKey; label: string };

const INPUTS: Input[] = [
  { kind: "text", key: "context", label: "Directory", placeholder: "/path/to/project (the build context)" },
  { kind: "text", key: "dockerfile", label: "Dockerfile", placeholder: "empty: Dockerfile in the directory; relative to it" },
  { kind: "list", key: "tags", label: "Tags", placeholder: "app:1.0 (one per line)" },
  { kind: "list", key: "args", label: "Build arguments", placeholder: "KEY=value (one per line)" },
  { kind: "text", key: "target", label: "Target stage", placeholder: "empty: the last stage" },
  { kind: "list", key: "labels", label: "Labels", placeholder: "key=value (one per line)" },
  { kind: "check", key: "no_cache", label: "Do not use the cache" },
  { kind: "check", key: "pull", label: "Pull newer base images" },
];

const EMPTY: BuildForm = { context: "", dockerfile: "", tags: [], args: [], target: "", labels: [], no_cache: false, pull: false };

/** A list field's lines; blank ones are not entries. Also the line each entry came from. */
function entries(text: string): { values: string[]; lines: number[] } {
  const values: string[] = [];
  const lines: number[] = [];
  text.split("\n").forEach((l, i) => { if (l.trim()) { values.push(l.trim()); lines.push(i + 1); } });
  return { values, lines };
}

/** The text of one build event, and how it is drawn. */
function line(e: BuildEvent): { text: string; cls: string } {
  switch (e.kind) {
    case "context": return { text: `Sent the build context: ${bytes(e.bytes)} in ${e.entries} entries`, cls: "muted" };
    case "step": return { text: e.text, cls: "step" };
    case "done": return { text: `Built ${e.id}${e.tags.length ? ` as ${e.tags.join(", ")}` : ""}`, cls: "step" };
    default: return { text: e.text, cls: "" };
  }
}

/** Open the build dialog; resolves with the new image's id, or null when closed without one. */
export function openBuildForm(initial: Partial<BuildForm> = {}): Promise<string | null> {
  return new Promise((resolve) => {
    const form: BuildForm = { ...EMPTY, ...initial };
    const opened = JSON.stringify(form);
    const changed = () => JSON.stringify(form) !== opened;
    const inputs = new Map<Key, HTMLInputElement | HTMLTextAreaElement>();
    const errorSlots = new Map<Key, HTMLElement>();
    const lineOf = new Map<Key, number[]>();
    let generation = 0;
    let valid = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // The build whose messages are shown (messages can come before its handle does), and
    // its handle once it came.
    let current: object | null = null;
    let handle: StreamHandle | null = null;

    const buildBtn = h("button", { type: "submit", class: "primary", "data-testid": "build", disabled: true }, "Build");
    const cancelBtn = h("button", { type: "button", class: "cancel", "data-testid": "build-cancel", onclick: () => void cancel() }, "Close");
    const status = h("span", { class: "muted", "data-testid": "build-status", "aria-live": "polite" }, "Checking…");
    const output = h("pre", { class: "build-output mono", "data-testid": "build-output", hidden: true });
    const failure = h("p", { class: "form-error", role: "alert", "data-testid": "build-error", hidden: true });

    function read() {
      for (const i of INPUTS) {
        const el = inputs.get(i.key)!;
        if (i.kind === "text") form[i.key] = el.value;
        else if (i.kind === "list") { const e = entries(el.value); form[i.key] = e.values; lineOf.set(i.key, e.lines); }
        else form[i.key] = (el as HTMLInputElement).checked;
      }
    }

    const fields = INPUTS.map((i) => {
      const err = h("div", { class: "field-error", role: "alert", hidden: true, "data-error-for": i.key });
      errorSlots.set(i.key, err);
      const oninput = () => schedule();
      if (i.kind === "check") {
        const el = h("input", { type: "checkbox", name: i.key, "data-field": i.key, onchange: oninput });
        el.checked = form[i.key];
        inputs.set(i.key, el);
        return h("div", { class: "field" }, h("label", { class: "check" }, el, " ", i.label), err);
      }
      const el = i.kind === "text"
        ? h("input", { type: "text", name: i.key, placeholder: i.placeholder, autocomplete: "off", spellcheck: "false", "aria-label": i.label, "data-field": i.key, oninput })
        : h("textarea", { name: i.key, placeholder: i.placeholder, rows: 2, spellcheck: "false", "aria-label": i.label, "data-field": i.key, oninput });
      el.value = i.kind === "text" ? form[i.key] : form[i.key].join("\n");
      inputs.set(i.key, el);
      return h("div", { class: "field", "data-key": i.key }, h("span", { class: "label" }, i.label), el, err);
    });

    const formEl = h("form", { class: "build-form", novalidate: true },
      h("h2", {}, "Build an image"),
      h("div", { class: "fields" }, fields),
      output, failure,
      h("div", { class: "buttons" }, status, cancelBtn, buildBtn));
    const dlg = h("dialog", { class: "confirm form build", "aria-label": "Build an image" }, formEl);

    function showErrors(errors: BuildFieldError[]) {
      for (const el of errorSlots.values()) { el.hidden = true; el.textContent = ""; }
      dlg.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
      for (const e of errors) {
        const slot = errorSlots.get(e.field)!;
        const at = e.entry !== null ? lineOf.get(e.field)?.[e.entry] : undefined;
        const msg = at !== undefined ? `line ${at}: ${e.message}` : e.message;
        slot.textContent = slot.textContent ? `${slot.textContent}\n${msg}` : msg;
        slot.hidden = false;
        inputs.get(e.field)?.setAttribute("aria-invalid", "true");
      }
      valid = errors.length === 0;
      status.textContent = valid ? "Ready" : `${errors.length} problem${errors.length === 1 ? "" : "s"} to fix`;
      buildBtn.disabled = !valid || current !== null;
    }

    async function check(): Promise<boolean> {
      if (timer) { clearTimeout(timer); timer = null; }
      read();
      const g = ++generation;
      try {
        const errors = await backend().buildCheck(form);
        if (g !== generation) return false;
        showErrors(errors);
        return valid;
      } catch (e) {
        if (g === generation) { status.textContent = errorText(e); buildBtn.disabled = true; valid = false; }
        return false;
      }
    }

    function schedule() {
      generation++;
      buildBtn.disabled = true;
      status.textContent = "Checking…";
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void check(), CHECK_DEBOUNCE_MS);
    }

    function append(text: string, cls: string) {
      const el = h("div", { class: cls || null }, text);
      output.appendChild(el);
      while (output.childElementCount > OUTPUT_LINES) output.firstElementChild?.remove();
      // Follow the end unless the user scrolled up.
      if (output.scrollHeight - output.scrollTop - output.clientHeight < 80) output.scrollTop = output.scrollHeight;
    }

    const close = (id: string | null) => {
      if (timer) clearTimeout(timer);
      generation++;
      stopBuild();
      dlg.close();
      dlg.remove();
      resolve(id);
    };

    function stopBuild() {
      current = null;
      handle?.stop();
      handle = null;
    }

    /** The build ended (or was refused): its stream is released on the backend too. */
    function finished(ok: boolean) {
      stopBuild();
      cancelBtn.textContent = "Close";
      for (const el of inputs.values()) el.disabled = false;
      buildBtn.disabled = !valid;
      if (!ok) status.textContent = "Not built";
    }

    async function cancel() {
      if (current) {
        stopBuild();
        append("Build cancelled", "error");
        finished(false);
        return;
      }
      // What was typed is not thrown away unasked.
      if (changed() && !(await confirmAction("Discard this build form?", "Discard", ["The values typed in the form are lost."]))) return;
      close(null);
    }

    formEl.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (current) return;
      if (!(await check())) return;
      replace(output);
      output.hidden = false;
      failure.hidden = true;
      buildBtn.disabled = true;
      for (const el of inputs.values()) el.disabled = true;
      cancelBtn.textContent = "Cancel";
      status.textContent = "Building…";
      const token = {};
      current = token;
      try {
        const h = await backend().build({ ...form }, (b) => {
          if (current !== token) return; // a cancelled build's late messages
          for (const ev of b.events) { const l = line(ev); append(l.text, l.cls); }
          if (!b.ended) return;
          const done = b.events.find((ev) => ev.kind === "done");
          if (b.error || !done || done.kind !== "done") {
            const msg = b.error ? errorText(b.error) : "the build ended without an image";
            append(msg, "error");
            failure.textContent = msg;
            failure.hidden = false;
            finished(false);
            return;
          }
          toast(`Built ${done.tags[0] ?? done.id.slice(7, 19)}`);
          close(done.id);
        });
        // Cancelled (or ended) before the handle came: stop it now (a no-op once ended).
        if (current === token) handle = h;
        else h.stop();
      } catch (err) {
        if (current !== token) return;
        failure.textContent = errorText(err);
        failure.hidden = false;
        finished(false);
      }
    });
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); void cancel(); });
    document.body.appendChild(dlg);
    dlg.showModal();
    inputs.get(form.context ? "tags" : "context")?.focus();
    void check();
  });
}
