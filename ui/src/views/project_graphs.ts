// One compose project's live resource graphs (`#/graphs/project/NAME`, from the Compose
// projects page): the dashboard's graphs for the project's containers, stacked by service or
// by the top containers, with the project's containers counted by state. A Swarm service's
// (`#/graphs/service/NAME`, from the Swarm page's services) are the same graphs of its task
// containers on this engine, stacked by container, with its replicas.
import { h, replace } from "../lib/dom";
import type { Snapshot } from "../lib/types";
import { liveGraphs } from "./dashboard_live";
import type { View } from "./view";

export function graphsRoute(project: string): string {
  return `#/graphs/project/${encodeURIComponent(project)}`;
}

export function serviceGraphsRoute(service: string): string {
  return `#/graphs/service/${encodeURIComponent(service)}`;
}

export function projectGraphsView(project: string): View {
  const graphs = liveGraphs({ kind: "project", name: project });
  const summary = h("p", { class: "muted", "data-testid": "project-summary" });
  const el = h("section", { class: "dashboard project-graphs" },
    h("h2", {}, `Project ${project}`), summary, graphs.el);
  let shown = "";
  return {
    el,
    update(s: Snapshot) {
      const p = s.projects.find((x) => x.name === project);
      const text = p ? `${p.running} of ${p.total} containers running` : "No containers of this project now.";
      if (text !== shown) { shown = text; replace(summary, text); }
    },
    destroy: () => graphs.destroy(),
  };
}

export function serviceGraphsView(service: string): View {
  const graphs = liveGraphs({ kind: "service", name: service });
  const summary = h("p", { class: "muted", "data-testid": "service-summary" });
  const el = h("section", { class: "dashboard project-graphs" },
    h("h2", {}, `Service ${service}`), summary, graphs.el);
  let shown = "";
  return {
    el,
    update(s: Snapshot) {
      const v = s.services.find((x) => x.service.name === service);
      const text = v ? `${v.replicas.running} of ${v.replicas.desired} replicas running` : "No such service now.";
      if (text !== shown) { shown = text; replace(summary, text); }
    },
    destroy: () => graphs.destroy(),
  };
}
