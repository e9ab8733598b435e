// The log archive: a search over what `wharf watch` archived (substring or regex, a time
// range, a container key, a project or everything), across restarts and recreates, with the
// recreate markers; and the toggles the container page and the projects use. Text arrives
// inert from the core; it is set as text, never as HTML.
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import type { ArchiveEntry, Container } from "../lib/types";
import { errorText, toast } from "../lib/ui";
import type { View } from "./view";

/** The selector of a container's archive (its compose service, else its name: the stats keys). */
export function containerSelector(c: Container): string {
  return c.compose?.service ? `compose:${c.compose.project}/${c.compose.service}` : `name:${c.name.replace(/^\//, "")}`;
}

/** The route of an archive search scoped to `selector`. */
export function archiveRoute(selector: string): string {
  return `#/archive/${encodeURIComponent(selector)}`;
}

/** A button that shows and toggles whether `selector` is archived. */
export function archiveToggle(selector: string): HTMLButtonElement {
  const b = h("button", { type: "button", "data-action": "archive", "aria-pressed": "false" }, "Archive logs");
  const show = (on: boolean) => {
    b.setAttribute("aria-pressed", String(on));
    b.textContent = on ? "Archiving logs ✓" : "Archive logs";
    b.title = on ? `wharf watch archives ${selector}; click to stop` : `have wharf watch archive ${selector}`;
  };
  void backend().archiveState().then((s) => show(s.selectors.includes(selector)), () => undefined);
  b.onclick = async () => {
    const on = b.getAttribute("aria-pressed") !== "true";
    try {
      const s = await backend().archiveSet(selector, on);
      show(s.selectors.includes(selector));
      toast(on ? `archiving the logs of ${selector} (wharf watch records them)` : `no longer archiving ${selector}`);
    } catch (e) {
      toast(errorText(e), "error");
    }
  };
  return b;
}

/** Toggle a project's archive (the projects table's action). */
export async function toggleProjectArchive(project: string): Promise<void> {
  const sel = `compose:${project}`;
  try {
    const s = await backend().archiveState();
    const on = !s.selectors.includes(sel);
    await backend().archiveSet(sel, on);
    toast(on ? `archiving the logs of project ${project}` : `no longer archiving project ${project}`);
  } catch (e) {
    toast(errorText(e), "error");
  }
}

const SINCE: [string, string, number | null][] = [
  ["15m", "last 15 min", 900_000], ["1h", "last hour", 3_600_000], ["24h", "last 24 h", 86_400_000],
  ["7d", "last 7 days", 604_800_000], ["all", "all", null],
];

function entryRow(e: ArchiveEntry): HTMLElement {
  const time = e.time.slice(0, 23).replace("T", " ");
  if (e.kind === "recreate") {
    return h("div", { class: "archive-line marker", "data-kind": "recreate" }, `${time} ${e.text}`);
  }
  return h("div", { class: `archive-line ${e.stream}`, "data-kind": "line" },
    h("span", { class: "muted" }, `${time} ${e.name} │ `), e.text);
}

export function archiveView(): View {
  const initial = decodeURIComponent(location.hash.replace(/^#\/?archive\/?/, ""));
  const scope = h("input", { type: "text", name: "scope", placeholder: "* or compose:PROJECT, name:NAME", value: initial || "*" });
  const pattern = h("input", { type: "search", name: "pattern", placeholder: "text, or a regex" });
  const regex = h("input", { type: "checkbox", name: "regex" });
  const since = h("select", { name: "since" }, ...SINCE.map(([v, label]) => h("option", { value: v, selected: v === "24h" }, label)));
  const status = h("p", { class: "muted", "data-testid": "archive-status" }, "");
  const results = h("div", { class: "archive-results", "data-testid": "archive-results" });
  const selection = h("p", { class: "muted", "data-testid": "archive-selection" });
  let seq = 0;
  const search = async () => {
    const mine = ++seq;
    const span = SINCE.find(([v]) => v === since.value)?.[2] ?? null;
    status.textContent = "searching…";
    try {
      const r = await backend().archiveSearch({
        engine: "", scope: scope.value.trim(), pattern: pattern.value, regex: regex.checked,
        from_ms: span === null ? null : Date.now() - span, to_ms: null, limit: 0,
      });
      if (mine !== seq) return;
      const lines = r.entries.filter((e) => e.kind === "line").length;
      status.textContent = `${lines} lines found in ${r.scanned} read${r.truncated ? " (only the newest are shown)" : ""}`;
      replace(results, r.entries.map(entryRow));
    } catch (e) {
      if (mine !== seq) return;
      status.textContent = "";
      replace(results);
      toast(errorText(e), "error");
    }
  };
  const form = h("form", { class: "archive-form", onsubmit: (ev: Event) => { ev.preventDefault(); void search(); } },
    h("label", {}, "In ", scope), h("label", {}, "Find ", pattern), h("label", {}, regex, " regex"),
    h("label", {}, "Time ", since), h("button", { type: "submit" }, "Search"));
  void backend().archiveState().then((s) => {
    selection.textContent = s.selectors.length
      ? `Archived on this engine: ${s.selectors.join(", ")} (written by wharf watch)`
      : "Nothing is archived on this engine yet: use “Archive logs” on a container or a project, then run wharf watch.";
  }, () => undefined);
  const el = h("section", { class: "archive-page" }, h("header", { class: "page-head" }, h("h2", {}, "Log archive")), selection, form, status, results);
  void search();
  return { el, update: () => undefined, destroy: () => { seq++; } };
}
