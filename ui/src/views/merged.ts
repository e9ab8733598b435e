// Merged logs of a compose project, a label selection or chosen containers: the log panel
// (follow, search, only matching, save) over wharf-core's merge. Routed as
// `#/logs/project/NAME`, `#/logs/service/NAME` (every task of a Swarm service, on every
// node), `#/logs/label/KEY[=VALUE]` or `#/logs/containers/ID,ID`.
import { h } from "../lib/dom";
import type { MergedSelection } from "../lib/types";
import { logsPanel } from "./logs";
import type { View } from "./view";

/** The route of a selection's merged logs. */
export function mergedRoute(sel: MergedSelection): string {
  switch (sel.kind) {
    case "project": return `#/logs/project/${encodeURIComponent(sel.name)}`;
    case "label": return `#/logs/label/${encodeURIComponent(sel.value == null ? sel.key : `${sel.key}=${sel.value}`)}`;
    case "containers": return `#/logs/containers/${sel.ids.map(encodeURIComponent).join(",")}`;
    case "service": return `#/logs/service/${encodeURIComponent(sel.name)}`;
  }
}

/** The selection a route names (`parts` after `logs`), or null. */
export function parseMerged(kind: string | undefined, arg: string | undefined): MergedSelection | null {
  if (!arg) return null;
  const a = decodeURIComponent(arg);
  if (kind === "project") return { kind: "project", name: a };
  if (kind === "service") return { kind: "service", name: a };
  if (kind === "label") {
    const i = a.indexOf("=");
    return i < 0 ? { kind: "label", key: a, value: null } : { kind: "label", key: a.slice(0, i), value: a.slice(i + 1) };
  }
  if (kind === "containers") return { kind: "containers", ids: arg.split(",").map(decodeURIComponent).filter(Boolean) };
  return null;
}

function describe(sel: MergedSelection): string {
  switch (sel.kind) {
    case "project": return `project ${sel.name}`;
    case "label": return `label ${sel.value == null ? sel.key : `${sel.key}=${sel.value}`}`;
    case "containers": return sel.ids.length === 1 ? "1 container" : `${sel.ids.length} containers`;
    case "service": return `service ${sel.name}`;
  }
}

export function mergedLogsView(sel: MergedSelection): View {
  const title = describe(sel);
  const panel = logsPanel("", title.replace(/[^A-Za-z0-9._-]/g, "-"), sel);
  const el = h("section", { class: "merged-logs", "data-testid": "merged-logs" },
    h("h2", {}, `Logs of ${title}`), panel.el);
  return { el, update: () => undefined, destroy: panel.destroy };
}
