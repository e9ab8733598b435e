// Swarm configs: metadata in the table; the data only when asked ("Show data…"), as text
// (textContent, never HTML) already made inert by the core, line breaks kept. Create from
// one line of text or a file on this machine (read by the core); remove asks first.
import { h } from "../lib/dom";
import { bytes as formatBytes, shortId } from "../lib/format";
import { Table } from "../lib/table";
import type { SwarmConfig, SwarmOp } from "../lib/types";
import { formDialog } from "../lib/ui";

/** A modal showing `c`'s data; closed by its button or Escape. */
function showData(c: SwarmConfig) {
  const body = c.data == null
    ? `(binary data, ${c.size} bytes: not shown)`
    : c.data + (c.truncated ? `\n… (only the start of ${c.size} bytes)` : "");
  const pre = h("pre", { class: "config-data", "data-testid": "config-data" });
  pre.textContent = body;
  const dlg = h("dialog", { class: "config-dialog" },
    h("h2", {}, `Config ${c.name} (${formatBytes(c.size)})`),
    pre,
    h("div", { class: "buttons" },
      h("button", { type: "button", class: "primary", onclick: () => dlg.remove() }, "Close")));
  dlg.addEventListener("close", () => dlg.remove());
  document.body.appendChild(dlg);
  dlg.showModal();
}

/** `runSwarm` is swarm.ts's (preview, confirm when the core says so, execute). */
export function configsTable(runSwarm: (op: SwarmOp) => Promise<boolean>) {
  return new Table<SwarmConfig>({
    name: "configs", id: (c) => c.id, empty: "No configs.",
    columns: [
      { title: "Name", text: (c) => c.name },
      { title: "Size", text: (c) => formatBytes(c.size), sort: (c) => c.size },
      { title: "Created", text: (c) => c.created ?? "" },
      { title: "Updated", text: (c) => c.updated ?? "" },
      { title: "Labels", text: (c) => Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(", ") },
      { title: "ID", text: (c) => shortId(c.id), class: "mono" },
    ],
    actions: [
      { label: "Show data…", needs: "one", mutating: false, run: ([c]) => showData(c) },
      { label: "Create…", needs: "none", mutating: true, run: async () => {
        await formDialog("Create a config", "Create", [
          { kind: "text", name: "name", label: "Name", required: true },
          { kind: "text", name: "value", label: "Data (or leave empty and give a file)", pattern: null },
          { kind: "text", name: "file", label: "File on this machine", pattern: null },
        ], async (f) => {
          const file = String(f.file ?? "").trim();
          const source = file ? { from: "file" as const, path: file } : { from: "text" as const, value: String(f.value ?? "") };
          await runSwarm({ op: "create_config", name: String(f.name), source });
          return null;
        });
      } },
      { label: "Remove", mutating: true, run: async (rows) => {
        for (const c of rows) await runSwarm({ op: "remove_config", id: c.id, name: c.name });
      } },
    ],
  });
}
