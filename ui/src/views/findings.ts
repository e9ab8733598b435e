// Security findings as the page shows them: a list with why each matters and its reference (the
// run form's warnings and a container's Findings tab), and the engine-wide summary card. The
// findings themselves come from wharf-core's `rules::findings`; nothing is judged here.
import { h } from "../lib/dom";
import type { Finding, FindingsSummary } from "../lib/types";

function findingNode(f: Finding): Node {
  return h("li", { class: `finding sev-${f.severity}`, "data-check": f.check },
    h("span", { class: `badge sev-${f.severity}` }, f.severity),
    " ", h("b", {}, f.title), f.detail ? h("span", { class: "muted" }, ` — ${f.detail}`) : null,
    h("div", { class: "why" }, f.why, " ", h("span", { class: "ref" }, `(${f.reference})`)));
}

/** The findings, most severe first (the core's order), or `empty` when there are none. */
export function findingsList(list: Finding[], empty: string): Node {
  if (list.length === 0) return h("p", { class: "muted", "data-testid": "no-findings" }, empty);
  return h("ul", { class: "findings" }, list.map(findingNode));
}

/** The engine-wide card: how many containers have findings at each worst severity, and per
 * check how many containers have it (wharf-core's `rules::findings::summary`). */
export function summaryCard(card: HTMLElement, s: FindingsSummary): void {
  const clean = s.containers - s.worst_high - s.worst_medium - s.worst_low;
  card.replaceChildren(h("h3", {}, "Security findings"),
    s.containers === 0 ? h("p", { class: "muted" }, "No inspected containers yet.") : h("div", { class: "findings-summary" },
      h("p", { class: "worst" },
        h("span", { class: "badge sev-high" }, h("b", { "data-worst": "high" }, s.worst_high), " high"), " ",
        h("span", { class: "badge sev-medium" }, h("b", { "data-worst": "medium" }, s.worst_medium), " medium"), " ",
        h("span", { class: "badge sev-low" }, h("b", { "data-worst": "low" }, s.worst_low), " low"), " ",
        h("span", { class: "muted" }, `${clean} clean, of ${s.containers} containers (each counted at its worst)`)),
      s.by_check.length === 0 ? null : h("table", { class: "bars" }, s.by_check.map((c) => h("tr", { "data-check": c.check },
        h("th", {}, h("span", { class: `dot sev-${c.severity}`, title: c.severity }), c.title),
        h("td", { class: "num" }, `${c.containers}`))))));
}
