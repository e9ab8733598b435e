// The bulk image update on the desktop: "Update images…" on the containers list asks
// wharf-core for the plan (the selected containers, or every one the update check marked
// outdated), shows it in a dialog that is the confirmation (each container → image with a
// checkbox, on by default; each one left out with why), then runs it with the pull's progress
// and "Recreating NAME (i/n)", and ends with one line per container: updated (old → new image),
// skipped (why), or failed and put back (step and error). Every rule is the core's; engine and
// registry text arrives inert and is placed as text only.
import { backend, type StreamHandle } from "../lib/backend";
import { h, replace } from "../lib/dom";
import { shortId } from "../lib/format";
import type { ContainerUpdate, ImageUpdatePlan, ImageUpdateProgress } from "../lib/types";
import { errorText, toast } from "../lib/ui";
import { progressNodes } from "./images";

function resultLine(c: ContainerUpdate): HTMLElement {
  const text = c.result === "updated"
    ? `${c.name}: updated ${shortId(c.old_image)} → ${shortId(c.new_image)}`
    : c.result === "skipped"
      ? `${c.name}: skipped: ${c.why}`
      : `${c.name}: failed at ${c.step}: ${c.error}`;
  return h("li", { "data-result": c.result, "data-id": c.id, class: c.result === "failed" ? "form-error" : "" }, text);
}

/** Plan, confirm and run a bulk image update of `ids`. Resolves when the dialog closes. */
export async function updateImages(ids: string[]): Promise<void> {
  if (ids.length === 0) {
    toast("No outdated container: check for updates on the Images page first", "error");
    return;
  }
  toast(`Asking the registries about ${ids.length} container(s)…`);
  let plan: ImageUpdatePlan;
  try {
    plan = await backend().imageUpdatePlan(ids);
  } catch (e) {
    toast(`Update images: ${errorText(e)}`, "error");
    return;
  }
  if (plan.items.length === 0) {
    const why = plan.excluded.map((x) => `${x.name}: ${x.why}`).join("; ");
    toast(`Update images: nothing to update${why ? ` (${why})` : ""}`, "error");
    return;
  }
  await new Promise<void>((resolve) => {
    const boxes = plan.items.map((i) => {
      const box = h("input", { type: "checkbox", name: "update", value: i.id, checked: true }) as HTMLInputElement;
      box.checked = true;
      return box;
    });
    const items = h("ul", { class: "names", "data-testid": "update-plan" }, plan.items.map((i, n) =>
      h("li", { "data-id": i.id },
        h("label", {}, boxes[n], ` ${i.name} → ${i.reference} `,
          h("span", { class: "mono muted" }, `(${shortId(i.image)} → ${shortId(i.digest)})`)))));
    const left = plan.excluded.length
      ? h("div", { "data-testid": "update-excluded" }, h("p", {}, "Left alone:"),
        h("ul", { class: "names" }, plan.excluded.map((x) => h("li", { "data-id": x.id }, `${x.name}: ${x.why}`))))
      : h("span");
    const note = h("p", { class: "warning" },
      "Each is recreated from its own settings on the new image; one that fails is put back as it was and the others go on. The old images are kept.");
    const body = h("div", { class: "progress", "aria-live": "polite" });
    const results = h("ul", { class: "names results", "data-testid": "update-results" });
    const summary = h("p", { class: "result", role: "status" });
    const cancel = h("button", { type: "button", class: "cancel" }, "Cancel");
    const go = h("button", { type: "button", class: "danger", "data-testid": "confirm" }, `Update ${plan.items.length}`) as HTMLButtonElement;
    const title = "Update images";
    const dlg = h("dialog", { class: "confirm transfer update-images", "aria-label": title },
      h("h2", {}, title), items, left, note, body, results, summary, h("div", { class: "buttons" }, cancel, go));
    document.body.appendChild(dlg);
    dlg.showModal();
    let handle: StreamHandle | null = null;
    let running = false;
    let ended = false;
    const close = () => { handle?.stop(); dlg.close(); dlg.remove(); resolve(); };
    const count = () => boxes.filter((b) => b.checked).length;
    for (const b of boxes) b.addEventListener("change", () => { go.textContent = `Update ${count()}`; go.disabled = count() === 0; });
    cancel.onclick = () => { if (running && !ended) toast(`${title}: cancelled`); close(); };
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); cancel.click(); });
    const end = (text: string, ok: boolean) => {
      ended = true;
      summary.textContent = text;
      summary.className = ok ? "result done" : "result form-error";
      cancel.textContent = "Close";
      dlg.dataset.done = "true";
    };
    const onUpdate = (u: ImageUpdateProgress) => {
      if (ended) return;
      switch (u.kind) {
        case "pull":
          replace(body, h("p", {}, `Pulling ${u.reference} (${u.index + 1}/${u.count})`), ...progressNodes(u.transfer));
          break;
        case "recreating":
          replace(body, h("p", { "data-testid": "recreating" }, `Recreating ${u.name} (${u.index + 1}/${u.count})`));
          break;
        case "finished": {
          replace(body);
          replace(results, u.report.containers.map(resultLine));
          const n = (r: string) => u.report.containers.filter((c) => c.result === r).length;
          const text = `${n("updated")} updated, ${n("skipped")} skipped, ${n("failed")} failed`;
          end(text, n("failed") === 0);
          toast(`${title}: ${text}`, n("failed") === 0 ? "info" : "error");
          break;
        }
        case "failed":
          end(errorText(u.error), false);
          break;
      }
    };
    go.onclick = () => {
      const keep = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
      const chosen: ImageUpdatePlan = { items: plan.items.filter((i) => keep.has(i.id)), excluded: plan.excluded };
      running = true;
      go.remove();
      for (const b of boxes) b.disabled = true;
      replace(body, h("p", {}, "Starting…"));
      // The dialog listed every container and its image: this click is the confirmation.
      backend().imageUpdate(chosen, true, onUpdate).then((s) => {
        handle = s;
        if (!dlg.isConnected) s.stop();
      }).catch((e) => end(errorText(e), false));
    };
    cancel.focus();
  });
}
