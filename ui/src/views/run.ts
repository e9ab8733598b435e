// The "Run container" form: every field of wharf-core's `RunForm`, grouped in sections, list
// fields as add/remove rows. Nothing is parsed here: every edit asks the core for a preview
// (`run_preview`, debounced) which places each error under its field, lists the security
// warnings the configuration would have (the same rules as the Findings tab) and gives the
// equivalent `docker run` line. "Run" is enabled only while the core's last answer, for the
// form as it is now, has no error; the core parses the form again before it creates anything.
// Loaded on first use (the containers and images views import it dynamically).
//
// Edit mode (`opts.edit`, the container page's "Edit…"): the form holds the container's
// configuration (`container_run_form`); "Recreate…" asks the core what changed
// (`recreate_preview`), shows that list in the confirmation (nothing is sent when it is
// empty), then sends `Command::Recreate`, which keeps what the form cannot edit and puts the
// old container back on any failure.
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { EMPTY_RUN_FORM } from "../lib/generated/rules";
import type { FieldError, RunForm, RunPreview } from "../lib/types";
import { confirmAction, errorText, toast } from "../lib/ui";
import { findingsList } from "./findings";

/** How long typing may pause before the core is asked (it is cheap, the IPC hop is not free). */
export const PREVIEW_DEBOUNCE_MS = 150;

type Key = keyof RunForm;
type TextKey = { [K in Key]: RunForm[K] extends string ? K : never }[Key];
type ListKey = { [K in Key]: RunForm[K] extends string[] ? K : never }[Key];
type BoolKey = { [K in Key]: RunForm[K] extends boolean ? K : never }[Key];

type Input =
  | { kind: "text"; key: TextKey; label: string; placeholder?: string; suggestions?: string[]; hint?: string }
  | { kind: "list"; key: ListKey; label: string; placeholder: string; add: string; suggestions?: string[] }
  | { kind: "check"; key: BoolKey; label: string };

const RESTART = ["no", "always", "unless-stopped", "on-failure", "on-failure:5"];
const CAPS = ["NET_ADMIN", "NET_BIND_SERVICE", "SYS_ADMIN", "SYS_PTRACE", "CHOWN", "SETUID", "SETGID", "ALL"];

/** The sections, in the order the form shows them; every `RunForm` field appears once. */
const SECTIONS: [string, Input[]][] = [
  ["Basics", [
    { kind: "text", key: "image", label: "Image", placeholder: "busybox, reg:5000/app:1.2 or name@sha256:…" },
    { kind: "text", key: "name", label: "Name", placeholder: "optional" },
    { kind: "text", key: "command", label: "Command", placeholder: "sh -c 'echo hi' (optional)" },
    { kind: "text", key: "entrypoint", label: "Entrypoint", placeholder: "optional" },
    { kind: "text", key: "workdir", label: "Working directory", placeholder: "/app" },
    { kind: "list", key: "labels", label: "Labels", placeholder: "key=value", add: "Add label" },
  ]],
  ["Network", [
    { kind: "list", key: "ports", label: "Ports", placeholder: "8080:80, 127.0.0.1:8080:80/udp, 8000-8010:8000-8010", add: "Add port" },
    { kind: "check", key: "publish_all", label: "Publish all exposed ports (-P)" },
    { kind: "list", key: "networks", label: "Networks", placeholder: "net or net:alias1,alias2 (the first is the network mode; host for host networking)", add: "Add network" },
    { kind: "text", key: "hostname", label: "Hostname", placeholder: "optional" },
  ]],
  ["Storage", [
    { kind: "list", key: "mounts", label: "Mounts", placeholder: "volume:/data, /host/dir:/data:ro, tmpfs:/run or type=bind,source=…,target=…", add: "Add mount" },
  ]],
  ["Environment", [
    { kind: "list", key: "env", label: "Environment", placeholder: "KEY=value", add: "Add variable" },
    { kind: "text", key: "env_file", label: "Env file", placeholder: "a path on this machine (optional)" },
  ]],
  ["Limits", [
    { kind: "text", key: "memory", label: "Memory", placeholder: "512m, 1g" },
    { kind: "text", key: "memory_swap", label: "Memory + swap", placeholder: "1g, -1 for unlimited" },
    { kind: "text", key: "memory_reservation", label: "Memory reservation", placeholder: "256m" },
    { kind: "text", key: "cpus", label: "CPUs", placeholder: "1.5" },
    { kind: "text", key: "cpu_shares", label: "CPU shares", placeholder: "512" },
    { kind: "text", key: "cpuset", label: "CPU set", placeholder: "0-2,4" },
    { kind: "text", key: "pids_limit", label: "PIDs limit", placeholder: "100" },
  ]],
  ["Security", [
    { kind: "text", key: "user", label: "User", placeholder: "1000:1000 or name" },
    { kind: "list", key: "cap_add", label: "Add capabilities", placeholder: "NET_ADMIN", add: "Add capability", suggestions: CAPS },
    { kind: "list", key: "cap_drop", label: "Drop capabilities", placeholder: "ALL", add: "Drop capability", suggestions: CAPS },
    { kind: "check", key: "privileged", label: "Privileged" },
    { kind: "check", key: "read_only", label: "Read-only root filesystem" },
    { kind: "text", key: "pid", label: "PID namespace", placeholder: "empty, or host", suggestions: ["host"] },
  ]],
  ["Health", [
    { kind: "text", key: "health_cmd", label: "Health command", placeholder: "empty: the image's own" },
    { kind: "text", key: "health_interval", label: "Interval", placeholder: "30s" },
    { kind: "text", key: "health_timeout", label: "Timeout", placeholder: "5s" },
    { kind: "text", key: "health_retries", label: "Retries", placeholder: "3" },
  ]],
  ["Lifecycle", [
    { kind: "text", key: "restart", label: "Restart policy", placeholder: "no, always, unless-stopped, on-failure[:N]", suggestions: RESTART },
    { kind: "check", key: "auto_remove", label: "Remove when it exits (--rm)" },
  ]],
];

/** A deep copy of the form (list fields are arrays). */
function copy(f: RunForm): RunForm {
  return JSON.parse(JSON.stringify(f)) as RunForm;
}

/** What is sent: list rows left blank are not entries. Returns the form and, per list key, the
 * row each sent entry came from (the core numbers entries of what it was sent). */
function cleaned(f: RunForm): { form: RunForm; rows: Partial<Record<ListKey, number[]>> } {
  const out = copy(f);
  const rows: Partial<Record<ListKey, number[]>> = {};
  for (const [, inputs] of SECTIONS) for (const i of inputs) {
    if (i.kind !== "list") continue;
    const kept: number[] = [];
    const values = f[i.key].filter((v, n) => (v.trim() !== "" ? (kept.push(n), true) : false));
    out[i.key] = values;
    rows[i.key] = kept;
  }
  return { form: out, rows };
}

/** Put `text` on the clipboard; the async API where the webview allows it, else a selection copy. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch { /* not allowed here: fall back to a selection copy */ }
  const area = h("textarea", { readonly: true, style: "position:fixed;opacity:0" });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("the clipboard is not available");
}

export interface RunOptions {
  /** Prefill (an image row's "Run" gives its image). */
  form?: Partial<RunForm>;
  /** Called with the new container's id and whether its logs were asked for. */
  opened?(id: string, logs: boolean): void;
  /** Edit this container: submitting recreates it (the form is its prefill). */
  edit?: { id: string; name: string };
  /** Env keys whose values the core finds secret: their rows are masked until "Show secrets". */
  secretKeys?: string[];
}

/**
 * Open the run form in a modal dialog. Resolves with the new container's id, or null when
 * closed without running.
 */
export function openRunForm(opts: RunOptions = {}): Promise<string | null> {
  return new Promise((resolve) => {
    const initial: RunForm = copy({ ...EMPTY_RUN_FORM, ...opts.form });
    const form: RunForm = copy(initial);
    let start = true;
    let followLogs = false;
    // Per field key, the element its errors go in; per list key, the rows' error elements.
    const errorSlots = new Map<string, HTMLElement>();
    const rowSlots = new Map<string, HTMLElement[]>();
    const sections = new Map<string, HTMLDetailsElement>();
    const sectionOf = new Map<string, string>();

    const edit = opts.edit ?? null;
    const heading = edit ? `Edit ${edit.name}` : "Run a container";
    const runBtn = h("button", { type: "submit", class: "primary", "data-testid": "run", disabled: true }, edit ? "Recreate…" : "Run");
    const status = h("span", { class: "muted", "data-testid": "run-status", "aria-live": "polite" }, "Checking…");
    const warnings = h("div", { class: "run-findings", "data-testid": "run-findings" });
    const line = h("pre", { class: "docker-run mono", "data-testid": "docker-run" });
    const copyBtn = h("button", { type: "button", "data-action": "copy-docker-run", disabled: true, onclick: async () => {
      try { await copyText(lastLine ?? ""); toast("Copied the docker run command"); } catch (e) { toast(errorText(e), "error"); }
    } }, "Copy");
    const failure = h("p", { class: "form-error", role: "alert", hidden: true });
    // Secret-looking env values are masked in the line (and so in what Copy copies) unless asked.
    let reveal = false;
    const revealBox = h("input", { type: "checkbox", name: "reveal", onchange: () => { reveal = revealBox.checked; maskEnv(); schedule(); } });
    const secretKeys = new Set(opts.secretKeys ?? []);
    /** Env rows holding a secret the engine gave (the prefill) show dots until revealed. */
    const maskEnv = () => dlg.querySelectorAll<HTMLInputElement>("input[data-field=env]").forEach((i) => {
      i.type = !reveal && secretKeys.has(i.value.split("=")[0]) ? "password" : "text";
    });

    let lastLine: string | null = null;
    // Identity of the answers (STYLE rule 7): only the answer to the newest request is shown.
    let generation = 0;
    let answered = -1;
    let valid = false;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const changed = () => JSON.stringify(cleaned(form).form) !== JSON.stringify(cleaned(initial).form);

    function textInput(i: Extract<Input, { kind: "text" }>): HTMLElement {
      const list = i.suggestions ? `run-${i.key}-suggestions` : null;
      const input = h("input", {
        type: "text", name: i.key, placeholder: i.placeholder ?? null, autocomplete: "off", spellcheck: "false",
        list, "aria-label": i.label, "data-field": i.key,
        oninput: () => { form[i.key] = input.value; schedule(); },
      });
      input.value = form[i.key];
      return h("div", {}, input, i.suggestions ? h("datalist", { id: list! }, i.suggestions.map((s) => h("option", { value: s }))) : null);
    }

    function listInput(i: Extract<Input, { kind: "list" }>): HTMLElement {
      const box = h("div", { class: "rows", "data-list": i.key });
      const list = i.suggestions ? `run-${i.key}-suggestions` : null;
      const draw = (focus: number | null = null) => {
        const slots: HTMLElement[] = [];
        replace(box, form[i.key].map((v, n) => {
          const err = h("div", { class: "field-error", role: "alert", hidden: true });
          slots.push(err);
          const input = h("input", {
            type: "text", name: `${i.key}.${n}`, placeholder: i.placeholder, autocomplete: "off", spellcheck: "false", list,
            "aria-label": `${i.label} ${n + 1}`, "data-field": i.key, "data-entry": n,
            oninput: () => { form[i.key][n] = input.value; schedule(); },
          });
          input.value = v;
          if (i.key === "env" && !reveal && secretKeys.has(v.split("=")[0])) input.type = "password";
          if (focus === n) queueMicrotask(() => input.focus());
          return h("div", { class: "row" }, h("div", { class: "row-input" }, input,
            h("button", { type: "button", class: "remove", title: "Remove this row", "aria-label": `Remove ${i.label} ${n + 1}`,
              onclick: () => { form[i.key].splice(n, 1); draw(); schedule(); } }, "×")), err);
        }), h("button", { type: "button", class: "add", "data-add": i.key, onclick: () => {
          form[i.key].push("");
          draw(form[i.key].length - 1);
        } }, `+ ${i.add}`), i.suggestions ? h("datalist", { id: list! }, i.suggestions.map((s) => h("option", { value: s }))) : null);
        rowSlots.set(i.key, slots);
      };
      draw();
      return box;
    }

    function checkInput(i: Extract<Input, { kind: "check" }>): HTMLElement {
      const input = h("input", { type: "checkbox", name: i.key, "data-field": i.key, onchange: () => { form[i.key] = input.checked; schedule(); } });
      input.checked = form[i.key];
      return h("label", { class: "check" }, input, " ", i.label);
    }

    const body = SECTIONS.map(([title, inputs]) => {
      const fields = inputs.map((i) => {
        sectionOf.set(i.key, title);
        const err = h("div", { class: "field-error", role: "alert", hidden: true, "data-error-for": i.key });
        errorSlots.set(i.key, err);
        if (i.kind === "check") return h("div", { class: "field", "data-key": i.key }, checkInput(i), err);
        return h("div", { class: "field", "data-key": i.key },
          h("span", { class: "label" }, i.label), i.kind === "text" ? textInput(i) : listInput(i), err);
      });
      // Basics open; a section with something filled in (a prefill) opens too.
      const open = title === "Basics" || inputs.some((i) => {
        const v = form[i.key];
        return Array.isArray(v) ? v.length > 0 : Boolean(v);
      });
      const det = h("details", { class: "run-section", "data-section": title.toLowerCase(), open },
        h("summary", {}, title), h("div", { class: "fields" }, fields));
      sections.set(title, det);
      return det;
    });

    const lifecycle = sections.get("Lifecycle")!.querySelector(".fields")!;
    const startBox = h("input", { type: "checkbox", name: "start", onchange: () => { start = startBox.checked; followBox.disabled = !start; } });
    startBox.checked = true;
    const followBox = h("input", { type: "checkbox", name: "follow_logs", onchange: () => { followLogs = followBox.checked; } });
    // A recreate starts the new container when the old one was running: no choice to offer.
    if (!edit) lifecycle.append(
      h("div", { class: "field" }, h("label", { class: "check" }, startBox, " Start it after creating")),
      h("div", { class: "field" }, h("label", { class: "check" }, followBox, " Then follow its logs")));

    const formEl = h("form", { class: "run-form", novalidate: true },
      h("h2", {}, heading),
      h("div", { class: "run-body" }, body),
      h("section", { class: "run-preview" },
        h("div", { class: "run-line" }, h("h3", {}, "Command line"),
          h("label", { class: "check" }, revealBox, " Show secrets"), copyBtn), line,
        h("h3", {}, "Warnings"), warnings),
      failure,
      h("div", { class: "buttons" }, status,
        h("button", { type: "button", class: "cancel", onclick: () => void cancel() }, "Cancel"),
        runBtn),
    );
    const dlg = h("dialog", { class: "confirm form run", "aria-label": heading }, formEl);

    function showErrors(errors: FieldError[], rows: Partial<Record<ListKey, number[]>>) {
      for (const el of errorSlots.values()) { el.hidden = true; el.textContent = ""; }
      for (const list of rowSlots.values()) for (const el of list) { el.hidden = true; el.textContent = ""; }
      dlg.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
      for (const e of errors) {
        const key = e.field as string;
        const sent = rows[key as ListKey];
        const row = e.entry !== null && sent ? sent[e.entry] : undefined;
        const slot = row !== undefined ? rowSlots.get(key)?.[row] : errorSlots.get(key);
        const target = slot ?? errorSlots.get(key) ?? failure;
        target.textContent = target.textContent ? `${target.textContent}\n${e.message}` : e.message;
        target.hidden = false;
        const input = row !== undefined
          ? dlg.querySelector(`[data-field="${key}"][data-entry="${row}"]`)
          : dlg.querySelector(`[data-field="${key}"]`);
        input?.setAttribute("aria-invalid", "true");
        // An error in a closed section opens it, so it is seen.
        const section = sections.get(sectionOf.get(key) ?? "");
        if (section && !section.open) section.open = true;
      }
    }

    function show(p: RunPreview, rows: Partial<Record<ListKey, number[]>>) {
      showErrors(p.errors, rows);
      valid = p.errors.length === 0;
      lastLine = p.docker_run;
      replace(warnings, valid ? findingsList(p.findings, "No warnings.") : h("p", { class: "muted" }, "Shown once the form is valid."));
      line.textContent = p.docker_run ?? "";
      copyBtn.disabled = p.docker_run === null;
      const n = p.errors.length;
      status.textContent = n === 0 ? (p.findings.length ? `${p.findings.length} warning${p.findings.length === 1 ? "" : "s"}` : "Ready") : `${n} problem${n === 1 ? "" : "s"} to fix`;
      runBtn.disabled = !valid;
    }

    /** Ask the core about the form as it is now; resolves with the answer's validity. */
    async function check(): Promise<boolean> {
      if (timer) { clearTimeout(timer); timer = null; }
      const g = ++generation;
      const { form: sent, rows } = cleaned(form);
      try {
        const p = await backend().runPreview(sent, reveal);
        if (g !== generation) return false;
        answered = g;
        show(p, rows);
        return valid;
      } catch (e) {
        if (g === generation) { status.textContent = errorText(e); runBtn.disabled = true; valid = false; }
        return false;
      }
    }

    function schedule() {
      failure.hidden = true;
      // Until the answer for this edit comes, the previous verdict does not apply.
      generation++;
      runBtn.disabled = true;
      status.textContent = "Checking…";
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void check(), PREVIEW_DEBOUNCE_MS);
    }

    const close = (id: string | null) => {
      if (timer) clearTimeout(timer);
      generation++;
      dlg.close();
      dlg.remove();
      resolve(id);
    };

    async function cancel() {
      if (changed() && !(await confirmAction("Discard this run form?", "Discard", ["The values typed in the form are lost."]))) return;
      close(null);
    }

    formEl.addEventListener("submit", async (e) => {
      e.preventDefault();
      // Enter right after typing: the pending check runs now, and the form runs only if valid.
      if (answered !== generation || timer) {
        if (!(await check())) return;
      }
      if (!valid) return;
      runBtn.disabled = true;
      if (edit) { await recreate(edit); return; }
      status.textContent = "Creating…";
      try {
        const out = await backend().execute({ action: "run", form: cleaned(form).form, start }, false);
        if (out.outcome !== "container_created") throw new Error(`unexpected answer: ${out.outcome}`);
        toast(`Created ${out.name || out.id.slice(0, 12)}${out.started ? " and started it" : ""}`);
        close(out.id);
        opts.opened?.(out.id, start && followLogs);
      } catch (err) {
        failure.textContent = errorText(err);
        failure.hidden = false;
        status.textContent = "Not created";
        runBtn.disabled = false;
      }
    });
    /** Edit mode's submit: the core's list of changes, the confirmation, then the recreate. */
    async function recreate(target: { id: string; name: string }) {
      const sent = cleaned(form).form;
      const fail = (e: unknown, state: string) => {
        failure.textContent = errorText(e);
        failure.hidden = false;
        status.textContent = state;
        runBtn.disabled = false;
      };
      status.textContent = "Comparing…";
      let lines: string[];
      let title: string;
      try {
        const p = await backend().recreatePreview(target.id, sent);
        lines = p.lines;
        title = `Recreate ${p.name} (${p.short_id})?`;
      } catch (e) { fail(e, "Not recreated"); return; }
      if (lines.length === 0) {
        status.textContent = "Nothing changed";
        runBtn.disabled = false;
        toast("Nothing changed: the container is left as it is");
        return;
      }
      const ok = await confirmAction(title, "Recreate", lines, [
        "A new container is made first; the old one is stopped, replaced and removed. Volumes are kept; on any failure the old container is put back as it was.",
      ]);
      if (!ok) { status.textContent = "Not recreated"; runBtn.disabled = false; return; }
      status.textContent = "Recreating…";
      try {
        const out = await backend().execute({ action: "recreate", id: target.id, form: sent }, true);
        if (out.outcome !== "recreated") throw new Error(`unexpected answer: ${out.outcome}`);
        toast(`Recreated ${out.name}`);
        close(out.new);
        opts.opened?.(out.new, false);
      } catch (e) { fail(e, "Not recreated"); }
    }

    dlg.addEventListener("cancel", (e) => { e.preventDefault(); void cancel(); });
    maskEnv();
    document.body.appendChild(dlg);
    dlg.showModal();
    const first = dlg.querySelector<HTMLInputElement>(form.image ? "input[name=name]" : "input[name=image]");
    first?.focus();
    void check();
  });
}
