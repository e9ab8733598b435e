// Images and registries on the desktop: the transfer dialog (pull, push, export, load) with a
// progress bar per layer and one overall, and Cancel; the history panel; tag; remove with the
// force / keep-untagged-parents choices; the login dialog. Every rule is wharf-core's (the
// backend answers); this module only places what it gets. Registry text arrives inert.
import { backend, type StreamHandle } from "../lib/backend";
import { reportLine, runFromForm } from "../lib/actions";
import { h, replace } from "../lib/dom";
import { ago, bytes, shortId } from "../lib/format";
import type { Image, SaveTarget, Transfer, TransferRequest, TransferUpdate } from "../lib/types";
import { errorText, toast } from "../lib/ui";

/** A modal dialog appended to the body; `close()` removes it. */
function dialog(label: string, cls: string, ...children: Node[]): { dlg: HTMLDialogElement; close: () => void } {
  const dlg = h("dialog", { class: `confirm ${cls}`, "aria-label": label }, ...children);
  document.body.appendChild(dlg);
  dlg.showModal();
  return { dlg, close: () => { dlg.close(); dlg.remove(); } };
}

function bar(current: number, total: number, label: string): HTMLProgressElement {
  const p = h("progress", { "aria-label": label }) as HTMLProgressElement;
  if (total > 0) {
    p.max = total;
    p.value = Math.min(current, total);
  } else {
    p.removeAttribute("value");
  }
  return p;
}

function figures(current: number, total: number): string {
  return total > 0 ? `${bytes(current)} / ${bytes(total)}` : bytes(current);
}

/** The progress of one transfer as nodes: overall first, then a row per layer. */
export function progressNodes(t: Transfer): Node[] {
  return [
    h("div", { class: "overall", "data-testid": "overall" },
      h("span", { class: "label" }, `Overall — ${t.layers_done}/${t.layers.length} layers`),
      bar(t.current, t.total, "overall progress"),
      h("span", { class: "figures" }, figures(t.current, t.total))),
    h("ul", { class: "layers" }, t.layers.map((l) => h("li", { "data-layer": l.id },
      h("span", { class: "mono" }, l.id),
      // A layer the engine already had ("Already exists") has no size: done is a full bar.
      l.done && l.total === 0 ? bar(1, 1, `layer ${l.id}`) : bar(l.current, l.total, `layer ${l.id}`),
      h("span", { class: "status" }, l.status),
      h("span", { class: "figures" }, figures(l.current, l.total))))),
    t.status ? h("p", { class: "muted" }, t.status) : h("span"),
  ];
}

/**
 * Run a transfer in a dialog: bars as progress arrives, Cancel stops it (the engine stops the
 * pull or push), Close once it ended. Resolves true when it finished successfully.
 */
export function transferDialog(request: TransferRequest, title: string): Promise<boolean> {
  return new Promise((resolve) => {
    const body = h("div", { class: "progress", "aria-live": "polite" }, h("p", {}, "Starting…"));
    const result = h("p", { class: "result", role: "status" });
    const button = h("button", { type: "button", class: "cancel", "data-testid": "transfer-cancel" }, "Cancel");
    const { dlg, close } = dialog(title, "transfer", h("h2", {}, title), body, result, h("div", { class: "buttons" }, button));
    let handle: StreamHandle | null = null;
    let ended = false;
    let ok = false;
    const finish = () => {
      handle?.stop();
      close();
      resolve(ok);
    };
    button.onclick = () => {
      if (!ended) toast(`${title}: cancelled`);
      finish();
    };
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); button.click(); });
    const onUpdate = (u: TransferUpdate) => {
      if (ended) return;
      if (u.kind === "failed") {
        ended = true;
        result.textContent = errorText(u.error);
        result.className = "result form-error";
        button.textContent = "Close";
        return;
      }
      replace(body, ...progressNodes(u.transfer));
      if (u.kind === "done") {
        ended = true;
        ok = true;
        result.textContent = u.image ? `Done: image ${shortId(u.image)}` : u.digest ? `Done: ${u.digest}` : "Done";
        result.className = "result done";
        button.textContent = "Close";
        dlg.dataset.done = "true";
      }
    };
    backend().imageTransfer(request, onUpdate).then((s) => {
      handle = s;
      if (!dlg.isConnected) s.stop();
    }).catch((e) => {
      ended = true;
      result.textContent = errorText(e);
      result.className = "result form-error";
      button.textContent = "Close";
    });
  });
}

/** A one-field dialog for an image reference or a path (no name pattern: `/` and `:` are fine). */
function askText(title: string, label: string, value: string, verb: string, type = "text"): Promise<string | null> {
  return new Promise((resolve) => {
    const input = h("input", { type, name: "value", "aria-label": label, autocomplete: "off", spellcheck: "false", required: true });
    input.value = value;
    const form = h("form", { method: "dialog" }, h("h2", {}, title), h("label", {}, h("span", {}, label), input),
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "cancel", onclick: () => done(null) }, "Cancel"),
        h("button", { type: "submit", class: "primary", "data-testid": "submit" }, verb)));
    const { dlg, close } = dialog(title, "form", form);
    const done = (v: string | null) => { close(); resolve(v); };
    form.addEventListener("submit", (e) => { e.preventDefault(); if (input.value.trim()) done(input.value.trim()); });
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); done(null); });
    input.focus();
    input.select();
  });
}

export async function pullImage(initial = ""): Promise<void> {
  const reference = await askText("Pull image", "Image (name, name:tag or name@digest)", initial, "Pull");
  if (reference) await transferDialog({ kind: "pull", reference }, `Pull ${reference}`);
}

export async function pushImage(i: Image): Promise<void> {
  const tag = i.tags.find((t) => t !== "<none>:<none>") ?? "";
  const reference = await askText("Push image", "Push as (registry/name:tag)", tag, "Push");
  if (reference) await transferDialog({ kind: "push", reference }, `Push ${reference}`);
}

export async function tagImage(i: Image): Promise<void> {
  const target = await askText(`Tag ${name(i)}`, "New name (registry/name:tag)", "", "Tag");
  if (!target) return;
  const err = await runFromForm({ action: "tag", id: i.id, target }, `Tagged ${shortId(i.id)} as ${target}`);
  if (err) toast(err, "error");
}

export async function exportImages(rows: Image[]): Promise<void> {
  // The backend names the file in the download directory and never writes over one.
  await transferDialog({ kind: "save", images: rows.map((i) => i.id), name: rows.map(name).join("_") }, `Export ${rows.length} image(s)`);
}

export async function loadImages(): Promise<void> {
  const path = await askText("Load images", "Tarball made by docker save (path)", "", "Load");
  if (path) await transferDialog({ kind: "load", path }, `Load ${path}`);
}

const name = (i: Image) => i.tags.find((t) => t !== "<none>:<none>") ?? shortId(i.id);

export async function showHistory(i: Image): Promise<void> {
  const list = h("tbody", {}, h("tr", {}, h("td", { colspan: 4 }, "Loading…")));
  const closeButton = h("button", { type: "button", class: "cancel" }, "Close");
  const { dlg, close } = dialog(`History of ${name(i)}`, "history",
    h("h2", {}, `History of ${name(i)}`),
    h("div", { class: "scroll" }, h("table", { class: "history" },
      h("thead", {}, h("tr", {}, h("th", {}, "Created"), h("th", {}, "Size"), h("th", {}, "Created by"), h("th", {}, "Comment"))),
      list)),
    h("div", { class: "buttons" }, closeButton));
  closeButton.onclick = close;
  dlg.addEventListener("cancel", (e) => { e.preventDefault(); close(); });
  try {
    const entries = await backend().imageHistory(i.id);
    replace(list, entries.map((e) => h("tr", {},
      h("td", {}, ago(e.created)), h("td", {}, bytes(e.size)),
      h("td", { class: "mono" }, e.created_by), h("td", {}, e.comment))));
  } catch (e) {
    replace(list, h("tr", {}, h("td", { colspan: 4, class: "form-error" }, errorText(e))));
  }
}

/** Remove images with the engine's choices; the dialog names every image and tag it takes. */
export function removeImages(rows: Image[]): Promise<void> {
  return new Promise((resolve) => {
    const force = h("input", { type: "checkbox", name: "force" });
    const noPrune = h("input", { type: "checkbox", name: "no_prune" });
    const go = h("button", { type: "button", class: "danger", "data-testid": "confirm" }, "Remove");
    const { dlg, close } = dialog("Remove images", "remove-images",
      h("h2", {}, rows.length === 1 ? `Remove ${name(rows[0])}?` : `Remove ${rows.length} images?`),
      h("ul", { class: "names" }, rows.map((i) => h("li", {}, `${name(i)} (${shortId(i.id)})`))),
      h("label", { class: "check" }, force, " Force (also untag images other tags or containers use)"),
      h("label", { class: "check" }, noPrune, " Keep untagged parent images (no-prune)"),
      h("div", { class: "buttons" }, h("button", { type: "button", class: "cancel", onclick: () => { close(); resolve(); } }, "Cancel"), go));
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); close(); resolve(); });
    go.onclick = async () => {
      close();
      const results = await Promise.allSettled(rows.map((i) => backend().execute({
        action: "remove_image", id: i.id, tags: i.tags.filter((t) => t !== "<none>:<none>"),
        force: force.checked, no_prune: noPrune.checked,
      }, true)));
      let ok = 0;
      results.forEach((r, n) => {
        if (r.status === "rejected") toast(`Remove ${name(rows[n])}: ${errorText(r.reason)}`, "error");
        else if (r.value.outcome === "removed") {
          const bad = r.value.items.filter((x) => x.outcome.result !== "removed");
          for (const b of bad) toast(`Remove ${name(rows[n])}: ${reportLine(b)}`, "error");
          if (bad.length === 0) ok++;
        } else ok++;
      });
      if (ok > 0) toast(`Remove: ${ok} of ${rows.length} done`);
      resolve();
    };
    (dlg.querySelector(".cancel") as HTMLButtonElement).focus();
  });
}

function describe(t: SaveTarget): string {
  return t.kind === "helper" ? `saved by the credential helper docker-credential-${t.helper}` : `stored unencrypted (base64) in ${t.path}`;
}

/** Log in to a registry: checked by the engine, kept for this session unless "Save" is ticked,
 * whose label says where it goes (unencrypted in config.json when no helper is configured). */
export function loginDialog(initialServer = ""): Promise<boolean> {
  return new Promise((resolve) => {
    const server = h("input", { type: "text", name: "server", "aria-label": "Registry", required: true, autocomplete: "off", spellcheck: "false", placeholder: "registry.example.com:5000" });
    server.value = initialServer;
    const user = h("input", { type: "text", name: "username", "aria-label": "User", required: true, autocomplete: "off" });
    const password = h("input", { type: "password", name: "password", "aria-label": "Password", required: true, autocomplete: "off" });
    const save = h("input", { type: "checkbox", name: "save" });
    const where = h("span", { class: "save-target" }, "Save the login (choose a registry first)");
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    let target: SaveTarget | null = null;
    const lookUp = async () => {
      if (!server.value.trim()) return;
      try {
        target = await backend().loginTarget(server.value.trim());
        where.textContent = `Save the login: ${describe(target)}`;
      } catch (e) {
        target = null;
        where.textContent = `Cannot save: ${errorText(e)}`;
      }
    };
    server.addEventListener("change", () => void lookUp());
    const ok = h("button", { type: "submit", class: "primary", "data-testid": "submit" }, "Log in");
    const form = h("form", { method: "dialog" }, h("h2", {}, "Log in to a registry"),
      h("label", {}, h("span", {}, "Registry"), server),
      h("label", {}, h("span", {}, "User"), user),
      h("label", {}, h("span", {}, "Password"), password),
      h("label", { class: "check" }, save, " ", where),
      h("p", { class: "muted" }, "Without saving, the login is kept in memory until Wharf exits."),
      error,
      h("div", { class: "buttons" }, h("button", { type: "button", class: "cancel", onclick: () => done(false) }, "Cancel"), ok));
    const { dlg, close } = dialog("Log in to a registry", "form login", form);
    const done = (v: boolean) => { password.value = ""; close(); resolve(v); };
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (save.checked && !target) await lookUp();
      if (save.checked && !target) return;
      ok.disabled = true;
      try {
        const mode = !save.checked ? "session" : target!.kind === "helper" ? "helper" : "plain_file";
        const r = await backend().login(server.value.trim(), user.value.trim(), password.value, mode);
        toast(r.kept === "session" ? `Logged in to ${server.value.trim()} for this session` : `Logged in: ${describe(r)}`);
        done(true);
      } catch (err) {
        error.textContent = errorText(err);
        error.hidden = false;
      } finally {
        ok.disabled = false;
      }
    });
    void lookUp();
    (initialServer ? user : server).focus();
  });
}
