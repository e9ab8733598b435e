// The page shell: sidebar with the engine and its state, hash routes, keyboard shortcuts,
// the live snapshot, and the last view remembered across starts.
import { archiveView } from "./views/archive";
import { swarmView } from "./views/swarm";
import { alertsView } from "./views/alerts";
import { fleetView } from "./views/fleet";
import "./style.css";
import { backend, initBackend } from "./lib/backend";
import { h, replace } from "./lib/dom";
import type { ContextSummary, Snapshot } from "./lib/types";
import { shortId, time } from "./lib/format";
import { errorText, toast } from "./lib/ui";
import { containerView, TABS, type Tab } from "./views/container";
import { dashboardView } from "./views/dashboard";
import { engineView } from "./views/engine";
import { composeView } from "./views/compose";
import { containersView, eventsView, imagesView, networksView, volumesView } from "./views/resources";
import type { View } from "./views/view";
import { mergedLogsView, parseMerged } from "./views/merged";
import type { MergedSelection } from "./lib/types";
import { projectGraphsView, serviceGraphsView } from "./views/project_graphs";
import { BOOT, bootMark, countFrame, LIVE } from "./lib/meter";

bootMark("script");

// The one list of sections: sidebar order, Alt+N shortcuts and the view each route opens.
const SECTIONS = [
  ["dashboard", "Dashboard", () => dashboardView(openContainer)],
  ["containers", "Containers", () => containersView(openContainer)],
  ["images", "Images", imagesView],
  ["networks", "Networks", networksView],
  ["volumes", "Volumes", volumesView],
  ["compose", "Compose projects", composeView],
  ["swarm", "Swarm", swarmView],
  ["events", "Events", eventsView],
  ["engine", "Engine", engineView],
  ["archive", "Log archive", archiveView],
  ["alerts", "Alerts", alertsView],
  ["fleet", "Fleet", fleetView],
] as const satisfies readonly (readonly [string, string, () => View])[];
type Section = (typeof SECTIONS)[number][0];
const LAST_VIEW = "wharf.lastView";

let snap: Snapshot | null = null;
let view: View | null = null;
let routeKey = "";

const nav = h("nav", { class: "sections" });
const engineBox = h("div", { class: "engine-box", "data-testid": "endpoint" });
const main = h("main", { id: "main" });
const banner = h("div", { class: "banner", hidden: true });

function go(hash: string) {
  if (location.hash !== hash) location.hash = hash;
  else route();
}

function openContainer(id: string) {
  go(`#/container/${id}/stats`);
}

function parse(): { section: Section | "container" | "logs" | "graphs"; id?: string; tab?: Tab; merged?: MergedSelection; service?: boolean } {
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  if (parts[0] === "graphs" && parts[1] === "project" && parts[2]) return { section: "graphs", id: decodeURIComponent(parts[2]) };
  if (parts[0] === "graphs" && parts[1] === "service" && parts[2]) return { section: "graphs", id: decodeURIComponent(parts[2]), service: true };
  const merged = parts[0] === "logs" ? parseMerged(parts[1], parts[2]) : null;
  if (merged) return { section: "logs", id: parts.slice(1).join("/"), merged };
  if (parts[0] === "container" && parts[1]) {
    const tab = TABS.includes(parts[2] as Tab) ? (parts[2] as Tab) : "stats";
    return { section: "container", id: decodeURIComponent(parts[1]), tab };
  }
  const s = SECTIONS.find(([k]) => k === parts[0]);
  return { section: s ? s[0] : "dashboard" };
}

function route() {
  const r = parse();
  const key = `${r.section}/${r.service ? "service:" : ""}${r.id ?? ""}/${r.tab ?? ""}`;
  if (key === routeKey) return;
  localStorage.setItem(LAST_VIEW, location.hash);
  // Switching tabs on the same container keeps the page and only swaps the panel.
  const sameContainer = view && routeKey.startsWith(`container/${r.id}/`) && r.section === "container";
  routeKey = key;
  if (!sameContainer) {
    view?.destroy();
    const section = SECTIONS.find(([k]) => k === r.section);
    view = r.section === "container" ? containerView(r.id!, r.tab!, (t) => go(`#/container/${r.id}/${t}`))
      : r.merged ? mergedLogsView(r.merged)
      : r.section === "graphs" && r.service ? serviceGraphsView(r.id!)
      : r.section === "graphs" ? projectGraphsView(r.id!)
      : (section ?? SECTIONS[0])[2]();
    replace(main, view.el);
  } else if (view) {
    view.destroy();
    view = containerView(r.id!, r.tab!, (t) => go(`#/container/${r.id}/${t}`));
    replace(main, view.el);
  }
  if (snap) view!.update(snap);
  renderNav();
}

/** The sidebar entry a route belongs to. */
function activeSection(r: ReturnType<typeof parse>): string {
  return r.section === "graphs" ? (r.service ? "swarm" : "compose") : r.section === "container" ? "containers" : r.section === "logs" ? (r.merged?.kind === "project" ? "compose" : "containers") : r.section;
}

// What the sidebar shows now: a store revision that changes neither the active section, the
// containers' count nor the engine box leaves them alone (no DOM work, nothing to repaint).
let navKey = "";
let engineKey = "";

function renderNav() {
  const active = activeSection(parse());
  const key = `${active} ${snap?.containers.length ?? ""}`;
  if (key === navKey) return;
  navKey = key;
  replace(nav, SECTIONS.map(([k, label], i) => h("a", {
    href: `#/${k}`, class: k === active ? "active" : "", "data-section": k, title: `${label} (Alt+${i + 1})`,
  }, label, k === "containers" && snap ? h("span", { class: "pill" }, snap.containers.length) : null)));
}

function connectionText(s: Snapshot): [string, string] {
  const c = s.connection;
  switch (c.state) {
    case "connected": return ["connected", "ok"];
    case "connecting": return ["connecting…", "warn"];
    case "reconnecting": return [`reconnecting (attempt ${c.attempt})…`, "warn"];
    case "not_responding": return [`not responding since ${time(c.since_ms)}`, "bad"];
    case "failed": return [`failed: ${c.reason}`, "bad"];
  }
}

let contexts: ContextSummary[] = [];

function renderEngine(s: Snapshot) {
  const [text, cls] = connectionText(s);
  const key = JSON.stringify([text, cls, s.endpoint, s.context, s.read_only, s.tls_unverified, s.refresh_failures, contexts]);
  if (key === engineKey) return;
  engineKey = key;
  const select = h("select", { "aria-label": "Docker context", onchange: async () => {
    // The switch waits until the new engine answers (the core's rule); the current one
    // stays until then, and after a failure.
    const name = select.value;
    select.disabled = true;
    toast(`Connecting to ${name}…`);
    try {
      await backend().switchContext(name);
      toast(`Switched to ${name}`);
      setSnapshot(await backend().snapshot());
    } catch (e) {
      toast(`Cannot switch to ${name}: ${errorText(e)} (still on ${s.context ?? s.endpoint})`, "error");
      select.value = s.context ?? "default";
    } finally { select.disabled = false; }
  } }, contexts.filter((c) => c.error === null).map((c) => h("option", { value: c.name, selected: (s.context ?? "default") === c.name }, c.name)));
  replace(engineBox,
    h("div", { class: `state ${cls}`, "data-state": s.connection.state }, h("span", { class: "dot" }), text),
    h("div", { class: "endpoint mono", title: s.endpoint }, s.endpoint),
    contexts.length > 1 ? select : null,
    s.read_only ? h("div", { class: "badge ro" }, "read-only") : null,
    // The words of wharf-core's TLS_NOT_VERIFIED, as the terminal UI shows them.
    s.tls_unverified ? h("div", { class: "badge insecure", "data-testid": "tls-unverified",
      title: "--insecure-skip-tls-verify: the engine's certificate is not verified" }, "TLS NOT VERIFIED") : null,
    s.refresh_failures.length ? h("div", {
      class: "badge stale", "data-testid": "refresh-failures",
      title: s.refresh_failures.map((f) => `${f.object.kind} ${"id" in f.object ? shortId(f.object.id) : ""}: ${f.reason}`).join("\n"),
    }, `⚠ ${s.refresh_failures.length} not refreshed`) : null);
  banner.hidden = s.connection.state === "connected";
  banner.textContent = s.connection.state === "connected" ? "" : `Engine ${text} — showing the last known state.`;
}

function setSnapshot(s: Snapshot) {
  // Events from an older link can arrive after a switch; revisions only grow within a link.
  if (snap && s.endpoint === snap.endpoint && s.revision < snap.revision) return;
  LIVE.snapshots++;
  countFrame();
  bootMark("snapshot");
  if (s.synced) bootMark("synced_snapshot");
  snap = s;
  renderEngine(s);
  renderNav();
  view?.update(s);
  if (s.synced && !document.documentElement.dataset.synced) {
    // For start-up measurements (docs/desktop.md): when the first complete listing is shown.
    document.documentElement.dataset.synced = "1";
    bootMark("first_data");
    (window as unknown as { __wharfFirstDataAt: number }).__wharfFirstDataAt = BOOT.first_data;
  }
}

function shortcuts(e: KeyboardEvent) {
  const target = e.target as HTMLElement;
  const typing = target.closest("input, textarea, select, .term");
  if (e.altKey && /^[1-8]$/.test(e.key)) {
    e.preventDefault();
    go(`#/${SECTIONS[Number(e.key) - 1][0]}`);
  } else if (!typing && e.key === "/" && view?.focusFilter) {
    e.preventDefault();
    view.focusFilter();
  } else if (!typing && e.key === "?") {
    toast("Alt+1…8 sections · / filter · Enter or double-click opens · Esc closes dialogs · Backspace goes back");
  } else if (!typing && e.key === "Backspace") {
    history.back();
  }
}

async function boot() {
  const root = document.getElementById("app")!;
  replace(root, h("aside", { class: "sidebar" }, h("div", { class: "brand" }, "⚓ Wharf"), engineBox, nav), h("div", { class: "content" }, banner, main));
  const b = await initBackend();
  bootMark("backend");
  document.documentElement.dataset.backend = b.kind;
  // Independent round trips at once: start-up waits for the slowest, not their sum.
  const first = b.snapshot();
  const [, , info] = await Promise.all([
    b.streamsReset().catch(() => undefined),
    b.onSnapshot(setSnapshot),
    b.appInfo().catch(() => null),
    first.catch(() => null),
  ]);
  bootMark("round_trips");
  b.contexts().then((c) => { contexts = c; if (snap) renderEngine(snap); }, () => undefined);
  window.addEventListener("hashchange", route);
  window.addEventListener("keydown", shortcuts);
  window.addEventListener("beforeunload", () => { view?.destroy(); });
  if (info?.initial_view) location.replace(`#/${info.initial_view.replace(/^#?\/?/, "")}`);
  else if (!location.hash) location.replace(localStorage.getItem(LAST_VIEW) ?? "#/dashboard");
  route();
  bootMark("routed");
  // An event may have brought a newer revision meanwhile; setSnapshot keeps the newest.
  setSnapshot(await first);
  document.documentElement.dataset.ready = "1";
}

boot().catch((e) => {
  document.body.textContent = `Wharf could not start: ${errorText(e)}`;
});
