// A container's logs, or merged logs of several (`merged`: wharf-core's merge, each line
// already prefixed `source │ ` in its colour): follow, search with highlight, filter to
// matching lines, timestamps, stdout/stderr toggles, save to a file. Lines arrive already sanitized by the core (escape
// sequences made inert, colours as style runs) and are added as text nodes only.
import { backend, type StreamHandle } from "../lib/backend";
import { h, replace } from "../lib/dom";
import type { LogBatch, LogLine, LogRequest, MergedSelection, Style } from "../lib/types";
import { errorText, toast } from "../lib/ui";

const MAX_LINES = 5000;
const PALETTE = ["#000", "#c0392b", "#27ae60", "#d4a017", "#2f6fdb", "#a33ea1", "#1aa3a3", "#ccc",
  "#666", "#ff5c57", "#5af78e", "#f3f99d", "#57c7ff", "#ff6ac1", "#9aedfe", "#fff"];

function colour(c: Style["fg"]): string | null {
  if (!c) return null;
  if ("rgb" in c) return `rgb(${c.rgb.join(",")})`;
  return c.indexed < 16 ? PALETTE[c.indexed] : null;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Style runs carry UTF-8 byte offsets; slice by bytes and decode each piece. */
function pieces(line: LogLine): [string, Style | null][] {
  const { text, runs } = line.text;
  if (runs.length === 0) return [[text, null]];
  const b = enc.encode(text);
  const out: [string, Style | null][] = [];
  if (runs[0][0] > 0) out.push([dec.decode(b.slice(0, runs[0][0])), null]);
  runs.forEach(([start, style], i) => {
    const end = i + 1 < runs.length ? runs[i + 1][0] : b.length;
    if (end > start) out.push([dec.decode(b.slice(start, end)), style]);
  });
  return out;
}

/** Text with `needle` matches wrapped in <mark>, as nodes. */
function highlight(text: string, needle: RegExp | null): Node[] {
  if (!needle) return [document.createTextNode(text)];
  const out: Node[] = [];
  let last = 0;
  needle.lastIndex = 0;
  for (let m = needle.exec(text); m; m = needle.exec(text)) {
    if (m[0].length === 0) { needle.lastIndex++; continue; }
    out.push(document.createTextNode(text.slice(last, m.index)), h("mark", {}, m[0]));
    last = m.index + m[0].length;
  }
  out.push(document.createTextNode(text.slice(last)));
  return out;
}

export function logsPanel(id: string, name: string, merged?: MergedSelection) {
  let lines: LogLine[] = [];
  let stream: StreamHandle | null = null;
  let status = "";
  const opts: LogRequest = { tail: 500, timestamps: false, stdout: true, stderr: true, follow: true };
  let search = "";
  let filterOnly = false;
  let gen = 0;

  const out = h("pre", { class: "logs", "data-testid": "logs", tabindex: 0 });
  const statusEl = h("span", { class: "muted" });
  const searchInput = h("input", {
    type: "search", placeholder: "Search (regex if /…/)", "aria-label": "Search logs",
    oninput: () => { search = searchInput.value; render(); },
  });
  const check = (label: string, get: () => boolean, set: (v: boolean) => void, restart = true) => {
    const cb = h("input", { type: "checkbox", onchange: () => { set(cb.checked); restart ? start() : render(); } });
    cb.checked = get();
    return h("label", {}, cb, label);
  };
  const save = h("button", { type: "button", onclick: async () => {
    try {
      const s = merged ? await backend().logsMergedSave(merged, name, opts.timestamps)
        : await backend().logsSave(id, name, opts.timestamps);
      toast(`Saved ${s.path}`);
    } catch (e) { toast(errorText(e), "error"); }
  } }, "Save log…");
  const el = h("div", { class: "logs-panel" },
    h("div", { class: "toolbar" }, searchInput,
      check("only matching", () => filterOnly, (v) => { filterOnly = v; }, false),
      check("follow", () => opts.follow, (v) => { opts.follow = v; }),
      check("timestamps", () => opts.timestamps, (v) => { opts.timestamps = v; }),
      check("stdout", () => opts.stdout, (v) => { opts.stdout = v; }),
      check("stderr", () => opts.stderr, (v) => { opts.stderr = v; }),
      save, statusEl),
    out);

  function needle(): RegExp | null {
    if (!search) return null;
    try {
      const m = /^\/(.+)\/$/.exec(search);
      return m ? new RegExp(m[1], "g") : new RegExp(search.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), search === search.toLowerCase() ? "gi" : "g");
    } catch { return null; }
  }

  function lineNode(l: LogLine, re: RegExp | null): Node {
    const row = h("div", { class: `line ${l.stream}` });
    if (l.timestamp) row.appendChild(h("span", { class: "ts" }, l.timestamp + " "));
    for (const [text, st] of pieces(l)) {
      const nodes = highlight(text, re);
      if (!st) { row.append(...nodes); continue; }
      const span = h("span");
      const fg = colour(st.fg), bg = colour(st.bg);
      if (fg) span.style.color = fg;
      if (bg) span.style.background = bg;
      if (st.bold) span.style.fontWeight = "bold";
      if (st.italic) span.style.fontStyle = "italic";
      if (st.underline) span.style.textDecoration = "underline";
      if (st.dim) span.style.opacity = "0.7";
      span.append(...nodes);
      row.appendChild(span);
    }
    if (l.truncated) row.appendChild(h("span", { class: "muted" }, " …(cut)"));
    return row;
  }

  function render() {
    const re = needle();
    const shown = filterOnly && re ? lines.filter((l) => { re.lastIndex = 0; return re.test(l.text.text); }) : lines;
    const atBottom = out.scrollHeight - out.scrollTop - out.clientHeight < 40;
    replace(out, shown.map((l) => lineNode(l, re)));
    statusEl.textContent = `${shown.length} lines ${status}`;
    if (atBottom || opts.follow) out.scrollTop = out.scrollHeight;
  }

  function start() {
    stream?.stop();
    lines = [];
    status = "";
    const my = ++gen;
    const onBatch = (b: LogBatch) => {
      if (my !== gen) return;
      lines.push(...b.lines);
      const cut = Math.max(0, lines.length - MAX_LINES);
      if (cut) lines = lines.slice(cut);
      if (b.dropped) status = `(${b.dropped} dropped)`;
      if (b.ended) status = b.error ? `— ${errorText(b.error)}` : "— ended";
      if (search) return render();
      // Without a search, append only the new lines: a chatty container must not make the
      // page rebuild thousands of rows per batch.
      for (let i = 0; i < cut && out.firstChild; i++) out.firstChild.remove();
      out.append(...b.lines.map((l) => lineNode(l, null)));
      statusEl.textContent = `${lines.length} lines ${status}`;
      if (opts.follow) out.scrollTop = out.scrollHeight;
    };
    const started = merged ? backend().logsMerged(merged, { ...opts }, onBatch) : backend().logs(id, { ...opts }, onBatch);
    void started.then((s) => { if (my === gen) stream = s; else s.stop(); }, (e) => { status = errorText(e); render(); });
  }

  start();
  return { el, destroy: () => { gen++; stream?.stop(); } };
}
