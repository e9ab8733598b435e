// The Alerts page: the alerts that fired (newest first, live: wharf-desktop re-sends the list
// when one fires or its actions report), and the rules editor. Rules are checked and saved by
// wharf-core (same messages as `wharf watch` and the terminal), so a bad regex, an unknown
// event or a zero cooldown is refused with the rule and field named, and nothing is written.
// Webhook header values are secrets: the page gets a literal value as the core's mask (and
// sends the mask back to keep it), and an `env:NAME` reference as the variable's name.
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import type { AlertRules, FiredAlert, RuleSpec, WebhookSpec } from "../lib/types";
import { time } from "../lib/format";
import { confirmAction, errorText, formDialog, type FormValues } from "../lib/ui";
import type { View } from "./view";

function actionsText(a: FiredAlert): string {
  if (a.actions.length === 0) return a.notify ? "notify" : "…";
  return a.actions.map((r) => `${r.action} ${r.ok ? "ok" : `failed: ${r.detail}`}`).join(", ");
}

function firedTable(list: FiredAlert[]): Node {
  if (list.length === 0) return h("p", { class: "muted", "data-testid": "no-alerts" }, "No alert has fired.");
  return h("table", { class: "table", "data-table": "alerts" },
    h("thead", {}, h("tr", {}, ["Time", "Rule", "Container", "Cause", "Actions"].map((t) => h("th", {}, t)))),
    h("tbody", {}, list.map((a) => h("tr", { "data-alert": a.id },
      h("td", {}, time(a.at_ms)), h("td", { class: "rule" }, a.rule), h("td", {}, a.container),
      h("td", { class: "cause" }, a.cause),
      h("td", { class: a.actions.some((r) => !r.ok) ? "error" : "muted" }, actionsText(a))))));
}

/** "die", "cpu_percent > 80 for 30 s", "log /ERROR/". */
function triggerText(r: RuleSpec): string {
  const t = r.trigger;
  if (t.event) return t.event === "restart_loop" ? `restart loop (${t.restarts ?? 3} in ${t.minutes ?? 5} min)` : t.event;
  if (t.threshold) return `${t.threshold} > ${t.above ?? "?"}${t.for_secs ? ` for ${t.for_secs} s` : ""}`;
  if (t.log) return `log /${t.log}/`;
  return "?";
}

function selectText(r: RuleSpec): string {
  const s = r.select;
  const parts = [s.name && `name ~ ${s.name}`, s.project && `project ~ ${s.project}`,
    ...Object.entries(s.labels ?? {}).map(([k, v]) => `${k} ~ ${v}`), s.engine && `engine ~ ${s.engine}`].filter(Boolean);
  return parts.length ? parts.join(", ") : "every container";
}

const opt = (v: FormValues, k: string): string | null => (typeof v[k] === "string" && v[k] !== "" ? (v[k] as string) : null);
const num = (v: FormValues, k: string): number | null => {
  const s = opt(v, k);
  return s === null ? null : Number(s);
};

/** What the core sends instead of a literal header value (and keeps the file's value for). */
export const MASK = "••••";
const ENV = "env:";

/** Header slots in the form: the rule's headers and one or two empty ones. */
function headerSlots(r: RuleSpec | null): number {
  return Math.max(2, Object.keys(r?.webhook?.headers ?? {}).length + 1);
}

/** The webhook from the form: null without a URL, headers and CA file; an error text when a
 * header has both an environment variable and a literal value. */
function webhookOf(v: FormValues): WebhookSpec | null | string {
  const headers: Record<string, string> = {};
  for (let i = 1; typeof v[`h${i}_name`] === "string"; i++) {
    const name = opt(v, `h${i}_name`);
    const env = opt(v, `h${i}_env`);
    const value = opt(v, `h${i}_value`);
    if (name === null && env === null && value === null) continue;
    if (env !== null && value !== null) return `Header ${i} (${name ?? ""}): give an environment variable or a literal value, not both`;
    headers[name ?? ""] = env !== null ? `${ENV}${env}` : (value ?? "");
  }
  const url = opt(v, "webhook");
  const ca_file = opt(v, "ca_file");
  if (url === null && ca_file === null && Object.keys(headers).length === 0) return null;
  return { url: url ?? "", headers, ca_file };
}

/** A rule from the form's fields (the core checks it on save); an error text for the form. */
function ruleOf(v: FormValues): RuleSpec | string {
  const webhook = webhookOf(v);
  if (typeof webhook === "string") return webhook;
  const labels: Record<string, string> = {};
  for (const pair of (opt(v, "labels") ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const i = pair.indexOf("=");
    if (i < 0) labels[pair] = "";
    else labels[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return {
    name: opt(v, "name") ?? "",
    select: { name: opt(v, "sel_name"), project: opt(v, "project"), labels, engine: opt(v, "engine") },
    trigger: {
      event: opt(v, "event"), restarts: num(v, "restarts"), minutes: num(v, "minutes"),
      threshold: opt(v, "threshold"), above: num(v, "above"), for_secs: num(v, "for_secs"), log: opt(v, "log"),
    },
    cooldown_secs: num(v, "cooldown_secs") ?? 0,
    webhook,
    command: (opt(v, "command") ?? "").split(/\s+/).filter(Boolean),
    notify: v.notify === true,
  };
}

function fields(r: RuleSpec | null) {
  const s = (x: string | number | null | undefined) => (x === null || x === undefined ? "" : String(x));
  const text = (name: string, label: string, value: string, placeholder = "") =>
    ({ kind: "text" as const, name, label, value, placeholder, pattern: null });
  return [
    text("name", "Name", s(r?.name)),
    text("sel_name", "Container name (regex)", s(r?.select.name), "^api"),
    text("project", "Compose project (regex)", s(r?.select.project)),
    text("labels", "Labels (key=regex, comma separated)", Object.entries(r?.select.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(", ")),
    text("engine", "Engine endpoint (regex)", s(r?.select.engine)),
    text("event", "Event: die, oom, unhealthy or restart_loop", s(r?.trigger.event)),
    text("restarts", "Restart loop: restarts", s(r?.trigger.restarts)),
    text("minutes", "Restart loop: within minutes", s(r?.trigger.minutes)),
    text("threshold", "Threshold: cpu_percent, memory_percent or memory_bytes", s(r?.trigger.threshold)),
    text("above", "Threshold: above", s(r?.trigger.above)),
    text("for_secs", "Threshold: for seconds", s(r?.trigger.for_secs)),
    text("log", "Log line (regex)", s(r?.trigger.log)),
    text("cooldown_secs", "Cooldown (seconds)", s(r?.cooldown_secs ?? 600)),
    text("webhook", "Webhook URL (POST JSON)", s(r?.webhook?.url)),
    ...headerFields(r),
    text("ca_file", "Webhook CA file (PEM, trusted besides the system's CAs)", s(r?.webhook?.ca_file), "/etc/ssl/corp-ca.pem"),
    text("command", "Command (program and arguments, no shell)", (r?.command ?? []).join(" ")),
    { kind: "checkbox" as const, name: "notify", label: "Desktop notification", value: r?.notify ?? true },
  ];
}

/** Name, environment variable, literal value (a password field: a saved one shows the mask). */
function headerFields(r: RuleSpec | null) {
  const given = Object.entries(r?.webhook?.headers ?? {});
  const out = [];
  for (let i = 1; i <= headerSlots(r); i++) {
    const [name, value] = given[i - 1] ?? ["", ""];
    const env = value.startsWith(ENV) ? value.slice(ENV.length) : "";
    const literal = value.startsWith(ENV) ? "" : value;
    out.push(
      { kind: "text" as const, name: `h${i}_name`, label: `Webhook header ${i}: name`, value: name, placeholder: "Authorization", pattern: null },
      { kind: "text" as const, name: `h${i}_env`, label: `Header ${i}: value from environment variable`, value: env, placeholder: "NTFY_TOKEN", pattern: null },
      { kind: "text" as const, name: `h${i}_value`, label: `Header ${i}: or literal value (hidden, kept unless replaced)`, value: literal, hidden: true, pattern: null },
    );
  }
  return out;
}

/** "webhook hooks.example (Authorization, X-Tag)": the host and header names, never values. */
function webhookText(r: RuleSpec): string | null {
  const w = r.webhook;
  if (!w) return null;
  let host = w.url;
  try {
    host = new URL(w.url).host;
  } catch {
    // Shown as written: the core refuses it on save.
  }
  const names = Object.keys(w.headers ?? {});
  return `webhook ${host}${names.length ? ` (${names.join(", ")})` : ""}${w.ca_file ? " + CA" : ""}`;
}

export function alertsView(): View {
  let rules: RuleSpec[] = [];
  let path = "";
  const fired = h("div", { class: "alerts-fired" }, h("p", { class: "muted" }, "Loading…"));
  const rulesBox = h("div", { class: "alert-rules" });
  const ruleError = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": "rules-error" });

  async function save(next: RuleSpec[]): Promise<string | null> {
    try {
      const r: AlertRules = await backend().alertRulesSave(next);
      rules = r.rules;
      path = r.path;
      drawRules();
      return null;
    } catch (e) {
      return errorText(e);
    }
  }

  function edit(i: number | null) {
    const title = i === null ? "Add an alert rule" : `Edit alert rule ${rules[i].name}`;
    void formDialog(title, "Save", fields(i === null ? null : rules[i]), (v) => {
      const rule = ruleOf(v);
      if (typeof rule === "string") return Promise.resolve(rule);
      const next = i === null ? [...rules, rule] : rules.map((r, j) => (j === i ? rule : r));
      return save(next);
    });
  }

  async function remove(i: number) {
    if (!(await confirmAction("Remove alert rule", "Remove", [rules[i].name]))) return;
    const err = await save(rules.filter((_, j) => j !== i));
    ruleError.textContent = err ?? "";
    ruleError.hidden = err === null;
  }

  function drawRules() {
    replace(rulesBox,
      h("p", { class: "muted" }, `Saved in ${path}; \`wharf watch\` evaluates them with no window open, else this app does.`),
      rules.length === 0 ? h("p", { class: "muted", "data-testid": "no-rules" }, "No rules yet.")
        : h("table", { class: "table", "data-table": "alert-rules" },
          h("thead", {}, h("tr", {}, ["Name", "Trigger", "Containers", "Cooldown", "Actions", ""].map((t) => h("th", {}, t)))),
          h("tbody", {}, rules.map((r, i) => h("tr", { "data-rule": r.name },
            h("td", {}, r.name), h("td", {}, triggerText(r)), h("td", {}, selectText(r)), h("td", {}, `${r.cooldown_secs} s`),
            h("td", {}, [webhookText(r), (r.command ?? []).length > 0 && "command", r.notify && "notify"].filter(Boolean).join(", ")),
            h("td", {},
              h("button", { type: "button", "data-testid": "edit-rule", onclick: () => edit(i) }, "Edit"), " ",
              h("button", { type: "button", class: "danger", "data-testid": "remove-rule", onclick: () => void remove(i) }, "Remove")))))),
      h("button", { type: "button", class: "primary", "data-testid": "add-rule", onclick: () => edit(null) }, "Add rule"),
      ruleError);
  }

  let stop: (() => void) | null = null;
  let gone = false;
  void (async () => {
    try {
      replace(fired, firedTable(await backend().alertsList()));
    } catch (e) {
      replace(fired, h("p", { class: "error" }, errorText(e)));
    }
    const off = await backend().onAlerts((list) => replace(fired, firedTable(list)));
    if (gone) off();
    else stop = off;
    try {
      const r = await backend().alertRules();
      rules = r.rules;
      path = r.path;
      drawRules();
    } catch (e) {
      replace(rulesBox, h("p", { class: "error", "data-testid": "rules-error" }, errorText(e)));
    }
  })();

  const el = h("section", { class: "alerts", "data-testid": "alerts" },
    h("h2", {}, "Alerts"), fired, h("h3", {}, "Rules"), rulesBox);
  return {
    el,
    update: () => undefined,
    destroy: () => {
      gone = true;
      stop?.();
    },
  };
}
