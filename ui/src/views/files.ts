// A container's Files tab (a breadcrumb and a table from wharf-core's bounded listing; Copy
// out… and Copy in… with a host path field, a progress bar and Cancel) and its Changes tab
// (`docker diff`). Names are shown as the core made them inert (`shown`); what is sent back
// to open or copy an entry is the container's own name (`entry.name`). Never parsed as HTML.
import { backend, type StreamHandle } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { bytes } from "../lib/format";
import type { CopyEvent, FileChange, FileRow, Listing } from "../lib/types";
import { confirmAction, errorText, toast } from "../lib/ui";

const join = (dir: string, name: string) => (dir.endsWith("/") ? dir + name : `${dir}/${name}`);
const parent = (dir: string) => {
  const t = dir.replace(/\/+$/, "");
  const i = t.lastIndexOf("/");
  return i <= 0 ? "/" : t.slice(0, i);
};

function date(secs: number): string {
  return new Date(secs * 1000).toISOString().slice(0, 16).replace("T", " ");
}

export function filesPanel(id: string, readOnly: boolean) {
  let dir = "/";
  let closed = false;
  let generation = 0;
  let selected: FileRow | null = null;
  let copying: StreamHandle | null = null;
  const crumbs = h("nav", { class: "crumbs", "aria-label": "Folder", "data-testid": "crumbs" });
  const body = h("div", { class: "files-body" }, "Loading…");
  const note = h("p", { class: "muted", "data-testid": "truncated" });
  const path = h("input", { type: "text", placeholder: "Host path (folder to copy into, or file/folder to copy in)", "aria-label": "Host path", "data-testid": "host-path" });
  const bar = h("progress", { max: 1, value: 0, "data-testid": "copy-progress" });
  const barText = h("span", { class: "muted" });
  const cancel = h("button", { type: "button", "data-action": "copy-cancel", onclick: () => stopCopy("cancelled") }, "Cancel");
  const progress = h("div", { class: "copy-progress", hidden: true }, bar, barText, cancel);
  const outBtn = h("button", { type: "button", "data-action": "copy-out", onclick: () => void copyOut(false) }, "Copy out…");
  const inBtn = h("button", {
    type: "button", "data-action": "copy-in", disabled: readOnly,
    title: readOnly ? "Read-only mode: copying into a container is disabled" : "Copy the host path into this folder",
    onclick: () => void copyIn(),
  }, "Copy in…");

  const load = (to: string) => {
    dir = to;
    selected = null;
    const gen = ++generation;
    replace(body, "Loading…");
    note.textContent = "";
    backend().listDir(id, dir).then((l) => { if (!closed && gen === generation) render(l); },
      (e) => { if (!closed && gen === generation) replace(body, h("p", { class: "error" }, errorText(e))); });
  };

  function render(l: Listing) {
    // Raw parts to navigate, inert ones to show (the core's `shown_dir` has the same parts).
    const parts = l.dir.split("/").filter(Boolean);
    const shown = l.shown_dir.split("/").filter(Boolean);
    replace(crumbs, h("button", { type: "button", class: "crumb", onclick: () => load("/") }, "/"),
      parts.flatMap((_, i) => [h("button", { type: "button", class: "crumb", onclick: () => load("/" + parts.slice(0, i + 1).join("/")) }, shown[i] ?? "?"), " / "]));
    note.textContent = l.truncated ?? "";
    if (!l.rows.length) { replace(body, h("p", { class: "muted" }, "(empty folder)")); return; }
    const rows = l.rows.map((r) => {
      const opens = r.entry.kind === "dir" || r.entry.kind === "symlink";
      const tr = h("tr", {
        "data-name": r.shown, tabindex: 0,
        onclick: () => { selected = r; body.querySelectorAll("tr.selected").forEach((x) => x.classList.remove("selected")); tr.classList.add("selected"); },
        ondblclick: () => { if (opens) load(join(dir, r.entry.name)); },
        onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === "Enter" && opens) load(join(dir, r.entry.name)); },
      },
      h("td", { class: "mono" }, r.mode),
      h("td", { class: "num" }, r.entry.kind === "file" ? bytes(r.entry.size) : ""),
      h("td", {}, date(r.entry.mtime)),
      h("td", {}, opens && r.entry.kind === "dir"
        ? h("a", { href: "#", onclick: (e: Event) => { e.preventDefault(); load(join(dir, r.entry.name)); } }, r.shown + "/")
        : r.shown, r.shown_target ? ` → ${r.shown_target}` : ""));
      return tr;
    });
    replace(body, h("table", { class: "grid files", "data-testid": "files" },
      h("thead", {}, h("tr", {}, h("th", {}, "Mode"), h("th", {}, "Size"), h("th", {}, "Modified"), h("th", {}, "Name"))),
      h("tbody", {}, rows)));
  }

  function onCopy(what: string) {
    progress.hidden = false;
    bar.value = 0;
    barText.textContent = "";
    outBtn.disabled = true; inBtn.disabled = true;
    return (ev: CopyEvent) => {
      if (ev.type === "progress") {
        const { bytes: moved, total } = ev.progress;
        if (total) { bar.max = total; bar.value = Math.min(moved, total); } else bar.removeAttribute("value");
        barText.textContent = total ? ` ${bytes(moved)} / ${bytes(total)}` : ` ${bytes(moved)}`;
      } else if (ev.type === "done") {
        const skipped = ev.report.skipped;
        finish();
        toast(`${what}: done → ${ev.report.target}` + (skipped.length ? ` (${skipped.length} skipped: ${skipped.map((s) => `${s.path}: ${s.reason}`).join("; ")})` : ""), skipped.length ? "error" : "info");
        if (what.startsWith("Copy in")) load(dir);
      } else {
        finish();
        if (ev.error.kind === "conflict" && retryOut) { const r = retryOut; retryOut = null; void r(ev.error.message); return; }
        toast(`${what} failed: ${errorText(ev.error)}`, "error");
      }
    };
  }
  let retryOut: ((msg: string) => Promise<void>) | null = null;
  function finish() {
    copying = null;
    progress.hidden = true;
    outBtn.disabled = false; inBtn.disabled = readOnly;
  }
  function stopCopy(why: string) {
    if (!copying) return;
    copying.stop();
    finish();
    toast(`Copy ${why}`);
  }

  async function copyOut(overwrite: boolean) {
    const r = selected;
    const dest = path.value.trim();
    if (!r) { toast("Select a file or folder first", "error"); return; }
    if (!dest) { toast("Type the host folder to copy into", "error"); path.focus(); return; }
    const src = join(dir, r.entry.name);
    retryOut = overwrite ? null : async (msg: string) => {
      // The host path exists: replaced only after the user confirms that exact path.
      if (await confirmAction("Overwrite on the host?", "Overwrite", [msg])) await copyOut(true);
    };
    try {
      copying = await backend().copyOut(id, src, dest, overwrite, onCopy(`Copy out of ${r.shown}`));
    } catch (e) { finish(); toast(errorText(e), "error"); }
  }

  async function copyIn() {
    const src = path.value.trim();
    if (!src) { toast("Type the host file or folder to copy in", "error"); path.focus(); return; }
    try {
      copying = await backend().copyIn(id, src, dir, onCopy(`Copy in of ${src}`));
    } catch (e) { finish(); toast(errorText(e), "error"); }
  }

  load("/");
  const up = h("button", { type: "button", "data-action": "up", onclick: () => load(parent(dir)) }, "Up");
  const el = h("div", { class: "files-panel" },
    h("div", { class: "toolbar" }, up, crumbs),
    h("div", { class: "toolbar" }, path, outBtn, inBtn), progress, note, body);
  return { el, destroy: () => { closed = true; copying?.stop(); } };
}

export function changesPanel(id: string) {
  const body = h("div", { "data-testid": "changes" }, "Loading…");
  let closed = false;
  const letter = (c: FileChange) => (c.kind === "added" ? "A" : c.kind === "changed" ? "C" : "D");
  backend().containerChanges(id).then((list) => {
    if (closed) return;
    if (!list.length) { replace(body, h("p", { class: "muted" }, "No changes since the container was created.")); return; }
    replace(body, h("table", { class: "grid" }, h("tbody", {}, list.map((c) =>
      h("tr", { class: `change-${c.kind}` }, h("td", { class: "mono" }, letter(c)), h("td", {}, c.path))))));
  }, (e) => { if (!closed) replace(body, h("p", { class: "error" }, errorText(e))); });
  return { el: body, destroy: () => { closed = true; } };
}
