// The Fleet page's Containers / Images / Volumes / Networks tabs. The three object tabs list
// every engine's objects (wharf-core's `fleet::FleetObjects`: each with its engine, "used by"
// counted on that engine) in a Table with the Engine column first: filter (it matches the
// engine too), sort, checkboxes across engines and Remove, confirmed with the core's plan
// (each object named with its engine, built-in networks left alone, read-only engines named;
// images with the force / keep-untagged-parents choices, an image in use only with force)
// and run through `fleet_execute` by engine; an engine's refusal comes back as its error.
// The chips above show each engine's count of the kind shown.
import { backend } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { bytes, shortId } from "../lib/format";
import { Table } from "../lib/table";
import type { EngineStatus, FleetImage, FleetNetwork, FleetObjectKey, FleetObjects, FleetVolume, RemovalPlan } from "../lib/types";
import { errorText, toast } from "../lib/ui";

export type FleetTab = "containers" | "images" | "volumes" | "networks";
const TABS: FleetTab[] = ["containers", "images", "volumes", "networks"];

/** The removal dialog: the core's plan (title, one line per object with its engine, notes),
 *  and, when an image is among the objects, the single-engine removal's choices (force,
 *  keep untagged parents): changing one asks the core for the plan again, so an image in use
 *  is listed only with force. Resolves with the plan confirmed, or null. */
function removalDialog(keys: FleetObjectKey[], first: RemovalPlan): Promise<RemovalPlan | null> {
  return new Promise((resolve) => {
    let plan = first;
    const title = h("h2", {});
    const lines = h("ul", { class: "names" });
    const notes = h("div", { class: "notes" });
    const force = h("input", { type: "checkbox", name: "force" });
    const noPrune = h("input", { type: "checkbox", name: "no_prune" });
    const go = h("button", { type: "button", class: "danger", "data-testid": "confirm" }, "Remove");
    const choices = h("div", { class: "choices", hidden: !plan.has_images },
      h("label", { class: "check" }, force, " Force (remove images that stopped containers use)"),
      h("label", { class: "check" }, noPrune, " Keep untagged parent images (no-prune)"));
    const draw = () => {
      title.textContent = plan.title;
      replace(lines, plan.lines.map((l) => h("li", {}, l)));
      replace(notes, plan.notes.map((n) => h("p", { class: "warning", role: "alert" }, n)));
      go.disabled = plan.items.length === 0;
    };
    const dlg = h("dialog", { class: "confirm fleet-remove", "aria-label": "Remove" }, title, lines, notes, choices,
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "cancel", onclick: () => close(null) }, "Cancel"), go));
    const close = (ok: RemovalPlan | null) => {
      dlg.close();
      dlg.remove();
      resolve(ok);
    };
    let asked = 0;
    const again = async () => {
      // Nothing is confirmed while the plan for the new choices is on its way; only the plan
      // for the latest choices is shown (answers may come back out of order).
      go.disabled = true;
      const n = ++asked;
      try {
        const next = await backend().fleetRemovePlan(keys, { force: force.checked, no_prune: noPrune.checked });
        if (n !== asked) return;
        plan = next;
        draw();
      } catch (e) {
        toast(errorText(e), "error");
      }
    };
    force.onchange = again;
    noPrune.onchange = again;
    go.onclick = () => close(plan);
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); close(null); });
    draw();
    document.body.appendChild(dlg);
    dlg.showModal();
    (dlg.querySelector(".cancel") as HTMLButtonElement).focus();
  });
}

async function remove(keys: FleetObjectKey[]) {
  if (!keys.length) return;
  try {
    const first = await backend().fleetRemovePlan(keys, { force: false, no_prune: false });
    // Nothing to remove and nothing force would change: say why, no dialog.
    if (!first.items.length && !first.needs_force) {
      toast(first.notes.join("; ") || "nothing to remove", "error");
      return;
    }
    const plan = await removalDialog(keys, first);
    if (!plan || !plan.items.length) return;
    const results = await backend().fleetExecute(plan.items, true);
    const failed = results.map((e, i) => (e ? `${plan.lines[i]}: ${errorText(e)}` : null)).filter((x): x is string => x !== null);
    if (failed.length) toast(failed.join("; "), "error");
    else toast(`remove: ${plan.items.length} done`);
  } catch (e) {
    toast(errorText(e), "error");
  }
}

function engineCell(engines: () => EngineStatus[], name: string): HTMLElement {
  const e = engines().find((x) => x.name === name);
  const el = h("span", { class: `engine-tag${e?.red ? " red" : ""}` }, name);
  if (e?.colour && CSS.supports("color", e.colour)) el.style.setProperty("--engine", e.colour);
  return el;
}

export interface FleetKinds {
  /** The tab bar. */
  tabs: HTMLElement;
  /** The object tables (one shown at a time; none on the Containers tab). */
  el: HTMLElement;
  tab(): FleetTab;
  /** A chip's count of the kind shown, or null on the Containers tab. */
  count(engine: string): number | null;
  /** Ask for the objects again (the page's poll). */
  poll(): Promise<void>;
  setReadOnly(ro: boolean): void;
  focusFilter(): boolean;
}

/** `onTab` is called after a switch so the page redraws its chips and shows its frame. */
export function fleetKinds(engines: () => EngineStatus[], onTab: (t: FleetTab) => void): FleetKinds {
  let current: FleetTab = "containers";
  let objects: FleetObjects = { counts: [], images: [], volumes: [], networks: [] };
  let readOnly = false;
  const engine = (title = "Engine") => ({ title, text: (r: { engine: string }) => r.engine, cell: (r: { engine: string }) => engineCell(engines, r.engine) });
  const images = new Table<FleetImage>({
    name: "fleet-images", id: (r) => `${r.image.id}@${r.engine}`, empty: "No images on any engine.",
    columns: [
      engine(),
      { title: "Repository:Tag", text: (r) => (r.image.tags.length ? r.image.tags.join(", ") : "<none>") },
      { title: "ID", text: (r) => shortId(r.image.id), class: "mono" },
      { title: "Size", text: (r) => bytes(Number(r.image.size)), sort: (r) => Number(r.image.size) },
      { title: "Used by", text: (r) => String(r.users), sort: (r) => r.users },
    ],
    actions: [{ label: "Remove", mutating: true, run: (rs) => remove(rs.map((r) => ({ engine: r.engine, kind: "image", id: r.image.id }))) }],
  });
  const volumes = new Table<FleetVolume>({
    name: "fleet-volumes", id: (r) => `${r.volume.name}@${r.engine}`, empty: "No volumes on any engine.",
    columns: [
      engine(),
      { title: "Name", text: (r) => r.volume.name },
      { title: "Driver", text: (r) => r.volume.driver },
      { title: "Used by", text: (r) => String(r.users), sort: (r) => r.users },
    ],
    actions: [{ label: "Remove", mutating: true, run: (rs) => remove(rs.map((r) => ({ engine: r.engine, kind: "volume", id: r.volume.name }))) }],
  });
  const networks = new Table<FleetNetwork>({
    name: "fleet-networks", id: (r) => `${r.network.id}@${r.engine}`, empty: "No networks on any engine.",
    columns: [
      engine(),
      { title: "Name", text: (r) => r.network.name },
      { title: "ID", text: (r) => shortId(r.network.id), class: "mono" },
      { title: "Driver", text: (r) => r.network.driver },
      { title: "Containers", text: (r) => String(r.users), sort: (r) => r.users },
    ],
    // The built-in networks are never removed (the core's rule; the plan says so too).
    actions: [{ label: "Remove", mutating: true, applies: (r) => !r.builtin, run: (rs) => remove(rs.map((r) => ({ engine: r.engine, kind: "network", id: r.network.id }))) }],
  });
  const tables = { images, volumes, networks };
  const el = h("div", { class: "fleet-kinds" }, images.el, volumes.el, networks.el);
  const tabs = h("nav", { class: "tabs", role: "tablist", "data-testid": "fleet-tabs" });
  const drawTabs = () => replace(tabs, TABS.map((t) => h("button", {
    type: "button", role: "tab", "aria-selected": t === current ? "true" : "false", "data-tab": t,
    onclick: () => {
      current = t;
      drawTabs();
      render();
      onTab(t);
      if (t !== "containers") void poll();
    },
  }, t)));
  const render = () => {
    for (const [name, t] of Object.entries(tables)) t.el.hidden = name !== current;
    el.hidden = current === "containers";
    images.setRows(objects.images, readOnly);
    volumes.setRows(objects.volumes, readOnly);
    networks.setRows(objects.networks, readOnly);
  };
  let busy = false;
  const poll = async () => {
    // Only while an object tab is shown: the containers' tab needs none of this.
    if (current === "containers" || busy) return;
    busy = true;
    try {
      objects = await backend().fleetObjects();
      render();
      // The page's chips count the kind shown: they are drawn again with the new counts.
      onTab(current);
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      busy = false;
    }
  };
  drawTabs();
  render();
  return {
    tabs, el, poll,
    tab: () => current,
    count: (name) => {
      if (current === "containers") return null;
      const c = objects.counts.find((x) => x.engine === name);
      return c ? c[current] : 0;
    },
    setReadOnly: (ro) => {
      readOnly = ro;
      render();
    },
    focusFilter: () => {
      if (current === "containers") return false;
      tables[current].focusFilter();
      return true;
    },
  };
}
