// One table for every resource, driven by a descriptor: columns with sort keys, a filter,
// multi-select and bulk actions. Rows are rebuilt on every snapshot; the selection, sort and
// filter survive because they are keyed by row id.
import { h, replace } from "./dom";

export interface Column<T> {
  title: string;
  /** Text shown (and searched by the filter). */
  text(row: T): string;
  /** Sort key; defaults to the text. */
  sort?(row: T): string | number;
  /** Custom cell content (must build nodes with text, never HTML). */
  cell?(row: T): Node;
  class?: string;
}

export interface BulkAction<T> {
  label: string;
  /** What it acts on: the selected rows (default), exactly one selected row, or none (create). */
  needs?: "selection" | "one" | "none";
  /** Shown only when it applies to every selected row. */
  applies?(row: T): boolean;
  run(rows: T[]): Promise<void> | void;
  mutating: boolean;
  /** In read-only mode a mutating action is hidden, or with this, shown disabled with it as
   * the tooltip (an action users look for, such as "Run…"). */
  readOnlyTitle?: string;
  /** Enabled only while this holds (besides `needs`), e.g. "an update check found outdated". */
  enabled?(): boolean;
}

export interface TableSpec<T> {
  name: string;
  id(row: T): string;
  columns: Column<T>[];
  actions: BulkAction<T>[];
  onOpen?(row: T): void;
  empty: string;
}

export class Table<T> {
  readonly el: HTMLElement;
  private rows: T[] = [];
  private selected = new Set<string>();
  private pendingSelect: string | null = null;
  private sortCol = 0;
  private sortDir = 1;
  private filter = "";
  private readOnly = false;
  private readonly body: HTMLTableSectionElement;
  private readonly head: HTMLTableRowElement;
  private readonly bar: HTMLElement;
  private readonly count: HTMLElement;
  private readonly filterInput: HTMLInputElement;

  constructor(private spec: TableSpec<T>) {
    this.filterInput = h("input", {
      type: "search", class: "filter", placeholder: `Filter ${spec.name}… (/)`, "aria-label": `Filter ${spec.name}`,
      oninput: () => { this.filter = this.filterInput.value.toLowerCase(); this.render(); },
    });
    this.count = h("span", { class: "count" });
    this.bar = h("div", { class: "bulk" });
    this.head = h("tr");
    this.body = h("tbody");
    this.el = h("section", { class: "table-view", "data-table": spec.name },
      h("div", { class: "toolbar" }, this.filterInput, this.count, this.bar),
      h("div", { class: "scroll" }, h("table", { class: "grid" }, h("thead", {}, this.head), this.body)),
    );
  }

  focusFilter() {
    this.filterInput.focus();
  }

  /** Make `id` the one selected row, now or as soon as a later `setRows` has it (an object
   * just made reaches the page with the next snapshot); a filter that hides it is cleared. */
  select(id: string) {
    this.pendingSelect = id;
    this.applyPendingSelect();
    this.render();
  }

  private applyPendingSelect() {
    const id = this.pendingSelect;
    if (id === null || !this.rows.some((r) => this.spec.id(r) === id)) return;
    this.pendingSelect = null;
    this.selected = new Set([id]);
    if (this.filter) { this.filter = ""; this.filterInput.value = ""; }
    queueMicrotask(() => this.body.querySelector(`tr[data-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: "nearest" }));
  }

  setRows(rows: T[], readOnly: boolean) {
    this.rows = rows;
    this.readOnly = readOnly;
    const ids = new Set(rows.map((r) => this.spec.id(r)));
    for (const id of [...this.selected]) if (!ids.has(id)) this.selected.delete(id);
    this.applyPendingSelect();
    this.render();
  }

  private visible(): T[] {
    const cols = this.spec.columns;
    const f = this.filter;
    const rows = f ? this.rows.filter((r) => cols.some((c) => c.text(r).toLowerCase().includes(f))) : [...this.rows];
    const col = cols[this.sortCol];
    const key = (r: T) => (col.sort ? col.sort(r) : col.text(r).toLowerCase());
    rows.sort((a, b) => {
      const ka = key(a), kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : 0) * this.sortDir;
    });
    return rows;
  }

  private render() {
    const rows = this.visible();
    const allSel = rows.length > 0 && rows.every((r) => this.selected.has(this.spec.id(r)));
    const selAll = h("input", {
      type: "checkbox", "aria-label": "Select all", onchange: () => {
        for (const r of rows) allSel ? this.selected.delete(this.spec.id(r)) : this.selected.add(this.spec.id(r));
        this.render();
      },
    });
    selAll.checked = allSel;
    replace(this.head, h("th", { class: "sel" }, selAll), this.spec.columns.map((c, i) =>
      h("th", {
        class: c.class, "aria-sort": i === this.sortCol ? (this.sortDir > 0 ? "ascending" : "descending") : null,
        onclick: () => { if (this.sortCol === i) this.sortDir = -this.sortDir; else { this.sortCol = i; this.sortDir = 1; } this.render(); },
      }, c.title, i === this.sortCol ? (this.sortDir > 0 ? " ▲" : " ▼") : ""),
    ));
    replace(this.body, rows.length === 0
      ? h("tr", {}, h("td", { class: "empty", colspan: this.spec.columns.length + 1 }, this.rows.length ? "Nothing matches the filter." : this.spec.empty))
      : rows.map((r) => this.row(r)));
    this.count.textContent = `${rows.length} of ${this.rows.length}` + (this.selected.size ? ` · ${this.selected.size} selected` : "");
    this.renderBar();
  }

  private row(r: T): HTMLTableRowElement {
    const id = this.spec.id(r);
    const cb = h("input", {
      type: "checkbox", "aria-label": "Select", onchange: () => {
        cb.checked ? this.selected.add(id) : this.selected.delete(id);
        this.render();
      },
    });
    cb.checked = this.selected.has(id);
    const tr = h("tr", { "data-id": id, class: this.selected.has(id) ? "selected" : "" },
      h("td", { class: "sel", onclick: (e: Event) => e.stopPropagation() }, cb),
      this.spec.columns.map((c) => h("td", { class: c.class }, c.cell ? c.cell(r) : c.text(r))),
    );
    if (this.spec.onOpen) {
      tr.classList.add("openable");
      tr.addEventListener("dblclick", () => this.spec.onOpen?.(r));
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") this.spec.onOpen?.(r); });
      tr.tabIndex = 0;
    }
    return tr;
  }

  private renderBar() {
    const sel = this.rows.filter((r) => this.selected.has(this.spec.id(r)));
    const actions = this.spec.actions.filter((a) => !(a.mutating && this.readOnly && !a.readOnlyTitle));
    replace(this.bar, actions.map((a) => {
      const needs = a.needs ?? "selection";
      const refused = a.mutating && this.readOnly;
      const ok = !refused && (needs === "none" ||
        ((needs === "one" ? sel.length === 1 : sel.length > 0) && (!a.applies || sel.every((r) => a.applies!(r)))))
        && (!a.enabled || a.enabled());
      return h("button", {
        type: "button", disabled: !ok, title: refused ? a.readOnlyTitle : null,
        "data-action": a.label.toLowerCase().replace(/[^a-z]+/g, "-").replace(/-$/, ""),
        onclick: async () => { await a.run(sel); },
      }, a.label);
    }));
  }
}
