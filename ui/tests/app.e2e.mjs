// The real desktop app (wharf-desktop, WebKitGTK) under an X server, driven through
// tauri-driver + WebKitWebDriver, against the engine in DOCKER_HOST. Asserts that a labelled
// container appears on the dashboard and that stopping it from the UI stops it in the engine,
// and saves screenshots of the dashboard, of a container page with live graphs and of the run
// form to a temporary folder (WHARF_SCREENSHOT_DIR; `scripts/desktop.sh screenshots` points it at docs/).
//
// Run by scripts/test.sh as `xvfb-run -a node --test tests/app.e2e.mjs` after building the
// app. Needs: DOCKER_HOST, DISPLAY, tauri-driver, WebKitWebDriver, the built binary
// (WHARF_DESKTOP_BIN or $CARGO_TARGET_DIR/debug/wharf-desktop). Under CI=true a missing piece
// fails the test instead of skipping it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { killTree } from "./proc.mjs";
import { Session } from "./webdriver.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ci = ["true", "1"].includes(process.env.CI ?? "");
const run = process.env.WHARF_TEST_RUN || `desk-${Date.now()}`;
const image = `wharf-test/busybox:${process.env.WHARF_TEST_RUN ? run : "local-v1"}`;
const bin = process.env.WHARF_DESKTOP_BIN ?? `${process.env.CARGO_TARGET_DIR ?? `${root}/target`}/debug/wharf-desktop`;
const driverBin = [process.env.TAURI_DRIVER, `${homedir()}/.cargo/bin/tauri-driver`, "/usr/local/bin/tauri-driver"].find((p) => p && existsSync(p));
// A test run never rewrites the committed docs/*.png; `scripts/desktop.sh screenshots` does.
const docsDir = process.env.WHARF_SCREENSHOT_DIR ?? `${tmpdir()}/wharf-screenshots-${process.pid}`;
const PORT = 4444 + (process.pid % 500) * 2;
const driverLog = `${tmpdir()}/wharf-tauri-driver-${process.pid}.log`;
// The app's own alert rules and history database (the archive toggle writes it too): temporary
// ones, never the user's (the app inherits the environment through tauri-driver).
const alertsDir = mkdtempSync(`${tmpdir()}/wharf-e2e-state-`);
const historyDb = `${alertsDir}/history.sqlite3`;
process.env.WHARF_ALERTS = `${alertsDir}/alerts.toml`;
process.env.WHARF_HISTORY = historyDb;
// A webhook header's value from the environment (the app inherits it): never on the page.
const HOOK_ENV_SECRET = "e2e-env-s3cret-6b19";
process.env.WHARF_E2E_HOOK_TOKEN = HOOK_ENV_SECRET;

function docker(...args) {
  return execFileSync("docker", args, { encoding: "utf8", timeout: 60_000 }).trim();
}

function missing() {
  if (!process.env.DOCKER_HOST) return "DOCKER_HOST is not set";
  if (!process.env.DISPLAY) return "no DISPLAY (run under xvfb-run)";
  if (!existsSync(bin)) return `no app binary at ${bin}`;
  if (!driverBin) return "tauri-driver not installed (cargo install tauri-driver --locked)";
  if (!existsSync("/usr/bin/WebKitWebDriver")) return "WebKitWebDriver missing (apt-get install webkit2gtk-driver)";
  try { docker("version"); } catch (e) { return `the engine does not answer: ${e.message}`; }
  return null;
}

const why = missing();
if (why && ci) throw new Error(`CI=true and ${why}`);

let driver, session;
const made = [];

before(async () => {
  if (why) return;
  execFileSync("bash", [`${root}/scripts/engine.sh`, "image", process.env.DOCKER_HOST, image], { stdio: "inherit" });
  const start = (suffix, ...cmd) => {
    const name = `wharf-desk-${run}-${suffix}`;
    made.push(name);
    docker("run", "-d", "--name", name, "--label", `wharf.test=${run}`, "--memory", "64m", image, ...cmd);
    return name;
  };
  start("web", "sleep", "3600");
  // A busy one, so the graphs on the screenshot have something to show.
  start("busy", "sh", "-c", "while true; do i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; echo tick; sleep 0.2; done");
  // The driver's output goes to a file, never to this process's stdout: the test runner reads
  // that pipe to its end, and a process left holding it (WebKitWebDriver, the app) would keep
  // the runner, xvfb-run and the whole test run waiting after the last test passed.
  driver = spawn(driverBin, ["--port", String(PORT), "--native-port", String(PORT + 1)], {
    stdio: ["ignore", openSync(driverLog, "w"), openSync(driverLog, "a")],
    env: { ...process.env, WEBKIT_DISABLE_COMPOSITING_MODE: "1" },
  });
  for (let i = 0; ; i++) {
    try { await fetch(`http://127.0.0.1:${PORT}/status`); break; } catch {
      if (i > 100) throw new Error(`tauri-driver did not start; its log:\n${readFileSync(driverLog, "utf8")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  session = await Session.create(`http://127.0.0.1:${PORT}`, bin, ["--host", process.env.DOCKER_HOST]);
});

after(async () => {
  await session?.delete().catch(() => undefined);
  // The driver and everything it started (WebKitWebDriver, the app, WebKit's processes).
  await killTree(driver);
  rmSync(alertsDir, { recursive: true, force: true });
  for (const m of made) {
    try {
      if (typeof m === "string") docker("rm", "-f", "-v", m);
      else if (m.image) docker("rmi", "-f", m.image);
      else if (m.section === "volumes") docker("volume", "rm", "-f", m.name);
      else docker("network", "rm", m.name);
    } catch { /* already gone */ }
  }
});

test("the real app shows the engine's containers and stops one from the UI", { skip: why ? `SKIPPED: ${why}` : false, timeout: 180_000 }, async () => {
  const [web, busy] = made;
  const s = session;
  // Dashboard: connected, with our containers among the top consumers.
  await s.waitFor("the page to start", "return document.documentElement.dataset.ready === '1'");
  await s.waitFor("connected", "return document.querySelector('[data-state]')?.dataset.state === 'connected'");
  // The app reopens the last view of a previous run; start from the dashboard.
  await s.script("location.hash = '#/dashboard'");
  // The top lists stream only while in view, and they start below the live graphs.
  await s.waitFor(`${busy} among the top consumers`, "[...document.querySelectorAll('.dashboard .card h3')].find((h) => h.textContent === 'Top CPU')?.scrollIntoView(); return document.querySelector('.dashboard')?.textContent.includes(arguments[0])", 30_000, busy);
  await s.script("document.querySelector('main').scrollTo(0, 0)");
  mkdirSync(docsDir, { recursive: true });
  await new Promise((r) => setTimeout(r, 1500));
  writeFileSync(`${docsDir}/desktop-dashboard.png`, await s.screenshot());

  // Containers table: select ours, Stop, confirm in the dialog that names it.
  await s.clickOn("[data-section=containers]");
  await s.waitFor(`${web} in the table`, "return [...document.querySelectorAll('a.name')].some(a => a.textContent === arguments[0])", 30_000, web);
  await s.script("const row = [...document.querySelectorAll('tr[data-id]')].find(r => r.querySelector('a.name')?.textContent === arguments[0]); row.querySelector('input[type=checkbox]').click();", web);
  await s.clickOn("button[data-action=stop]");
  const dialog = await s.waitFor("the confirmation", "return document.querySelector('dialog.confirm')?.textContent");
  assert.match(dialog, new RegExp(`Stop ${web}\\?`));
  await s.clickOn("[data-testid=confirm]");
  const deadline = Date.now() + 30_000;
  while (docker("inspect", "-f", "{{.State.Status}}", web) !== "exited") {
    assert.ok(Date.now() < deadline, `${web} was not stopped in the engine`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // The store follows the engine's events and the table shows it.
  await s.waitFor("the row to show exited", "const row = [...document.querySelectorAll('tr[data-id]')].find(r => r.querySelector('a.name')?.textContent === arguments[0]); return row?.querySelector('.state-exited') !== null && row !== undefined", 30_000, web);

  // Container page with live graphs: samples streamed as numbers into canvas charts.
  const id = docker("inspect", "-f", "{{.Id}}", busy);
  await s.script("location.hash = arguments[0]", `#/container/${id}/stats`);
  await s.waitFor("four graphs", "return document.querySelectorAll('.charts .live-chart canvas').length === 4", 30_000);
  // Let a few samples accumulate so the lines are visible.
  await s.waitFor("a CPU line", "return document.querySelector('.live-chart[data-metric=cpu]').liveChart.length > 2", 30_000);
  await new Promise((r) => setTimeout(r, 6000));
  writeFileSync(`${docsDir}/desktop-container.png`, await s.screenshot());
});

test("the real app renames a container and creates a volume and a network in the engine", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const [web] = made;
  const s = session;
  const until = async (what, check) => {
    const deadline = Date.now() + 30_000;
    while (!check()) {
      assert.ok(Date.now() < deadline, what);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const fill = (selector, value) => s.script(
    "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input'));", selector, value);

  // Rename: select the row, Rename…, type, submit; the engine has the new name.
  const renamed = `${web}-renamed`;
  await s.script("location.hash = '#/containers'");
  await s.waitFor(`${web} in the table`, "return [...document.querySelectorAll('a.name')].some(a => a.textContent === arguments[0])", 30_000, web);
  await s.script("const row = [...document.querySelectorAll('tr[data-id]')].find(r => r.querySelector('a.name')?.textContent === arguments[0]); row.querySelector('input[type=checkbox]').click();", web);
  await s.clickOn("button[data-action=rename]");
  await s.waitFor("the rename dialog", "return document.querySelector('dialog.form input[name=name]')?.value === arguments[0]", 10_000, web);
  await fill("dialog.form input[name=name]", renamed);
  await s.clickOn("dialog.form [data-testid=submit]");
  made[0] = renamed;
  await until(`${web} was not renamed in the engine`, () => {
    try { return docker("inspect", "-f", "{{.Name}}", renamed) === `/${renamed}`; } catch { return false; }
  });
  await s.waitFor("the new name in the table", "return [...document.querySelectorAll('a.name')].some(a => a.textContent === arguments[0])", 30_000, renamed);

  // Create a volume and a network from their views.
  for (const [section, name, check] of [
    ["volumes", `wharf-desk-${run}-vol`, (n) => docker("volume", "inspect", "-f", "{{.Name}}", n)],
    ["networks", `wharf-desk-${run}-net`, (n) => docker("network", "inspect", "-f", "{{.Name}}", n)],
  ]) {
    made.push({ section, name });
    await s.clickOn(`[data-section=${section}]`);
    await s.clickOn(`[data-table=${section}] button[data-action=create]`);
    await s.waitFor("the create dialog", "return document.querySelector('dialog.form input[name=name]') !== null");
    await fill("dialog.form input[name=name]", name);
    await s.clickOn("dialog.form [data-testid=submit]");
    await until(`${name} was not created in the engine`, () => {
      try { return check(name) === name; } catch { return false; }
    });
    await s.waitFor(`${name} in the table`, "return [...document.querySelectorAll(`[data-table=${arguments[1]}] td`)].some(td => td.textContent === arguments[0])", 30_000, name, section);
  }
});

test("the real app shows a hostile container's text inertly and its secrets masked", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const s = session;
  // CSI, OSC 0/2/8/52, bells, bidi override, zero-width, and markup that must stay text.
  const payload = "\x1b[2J\x1b]0;pwned\x07\x1b]2;pwned2\x1b\\\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://127.0.0.1:1/\x07link\x1b]8;;\x07\x07\x07"
    + "<img src=x id=injected onerror=document.title='pwned'> v=\u202Egnp.exe z\u200Bw";
  const name = `wharf-desk-${run}-hostile`;
  made.push(name);
  docker("run", "-d", "--name", name, "--label", `wharf.test=${run}`, "--label", `wharf.hostile=${payload}`,
    "--env", `HOSTILE=${payload}`, "--env", "DB_PASSWORD=hunter2-webdriver", image,
    "sh", "-c", "printf 'log \\033]0;pwned\\007v=\\342\\200\\256gnp.exe\\n'; sleep 3600", payload);
  const id = docker("inspect", "-f", "{{.Id}}", name);
  const title = await s.script("return document.title");
  await s.script("location.hash = arguments[0]", `#/container/${id}/inspect`);
  const text = await s.waitFor("the inspect document", "const t = document.querySelector('[data-testid=inspect]')?.textContent; return t && t.includes('HOSTILE') ? t : null", 30_000);
  assert.ok(text.includes("v=⟨U+202E⟩gnp.exe"), "the bidi override is shown as a marker");
  assert.ok(text.includes("DB_PASSWORD=••••••••") && !text.includes("hunter2-webdriver"), "the secret is masked");
  await s.script("location.hash = arguments[0]", `#/container/${id}/logs`);
  await s.waitFor("the log line", "return document.querySelector('.container-page')?.textContent.includes('log v=⟨U+202E⟩gnp.exe')", 30_000);
  const page = await s.script("return document.body.innerText");
  for (const bad of ["\u202E", "\u200B", "\x1b", "\x07"]) assert.ok(!page.includes(bad), `${JSON.stringify(bad)} on the page`);
  assert.equal(await s.script("return document.querySelectorAll('#injected, main script').length"), 0, "no element injected");
  assert.equal(await s.script("return document.title"), title, "the title is unchanged");
});

// Issue #11: the run form in the real app, with wharf-core's parser and rules behind it.
test("the real app runs a container from its form: a bad port is explained, the fixed form creates it in the engine", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const s = session;
  const name = `wharf-desk-${run}-form`;
  made.push(name);
  // A free loopback port for the engine to bind (nothing is sent to it).
  const port = await new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => { const p = srv.address().port; srv.close(() => resolve(p)); });
  });
  const fill = (selector, value) => s.script(
    "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input'));", selector, value);
  await s.script("location.hash = '#/containers'");
  await s.clickOn("[data-table=containers] button[data-action=run]");
  await s.waitFor("the run form", "return document.querySelector('dialog.run input[name=image]') !== null");
  await s.script("document.querySelectorAll('dialog.run details').forEach((d) => { d.open = true; })");
  await fill("dialog.run input[name=image]", image);
  await fill("dialog.run input[name=name]", name);
  await fill("dialog.run input[name=command]", "sh -c 'echo from-the-form; sleep 3600'");
  await fill("dialog.run input[name=memory]", "48m");
  for (const [list, value] of [["ports", "127.0.0.1:70000:80"], ["labels", `wharf.test=${run}`], ["env", "MODE=e2e"]]) {
    await s.clickOn(`dialog.run [data-add=${list}]`);
    await fill(`dialog.run input[name='${list}.0']`, value);
  }
  // The core's message, under the port row; Run stays disabled.
  const message = await s.waitFor("the port error", "const e = document.querySelector('dialog.run [data-list=ports] .field-error:not([hidden])'); return e ? e.textContent : null");
  assert.match(message, /70000/);
  assert.equal(await s.script("return document.querySelector('[data-testid=run]').disabled"), true);
  await fill("dialog.run input[name='ports.0']", `127.0.0.1:${port}:80`);
  await s.waitFor("Run enabled", "return document.querySelector('[data-testid=run]')?.disabled === false");
  assert.equal(await s.script("return document.querySelectorAll('dialog.run .field-error:not([hidden])').length"), 0);
  // The core's warnings and command line for this configuration.
  const line = await s.script("return document.querySelector('[data-testid=docker-run]').textContent");
  assert.ok(line.startsWith("docker run") && line.includes(name) && line.includes(`127.0.0.1:${port}:80`), line);
  const warnings = await s.script("return [...document.querySelectorAll('[data-testid=run-findings] li.finding')].map((l) => l.dataset.check)");
  assert.ok(warnings.includes("runs_as_root"), `${warnings}`);
  assert.ok(!warnings.includes("no_memory_limit") && !warnings.includes("ports_on_all_interfaces"), `${warnings}`);
  mkdirSync(docsDir, { recursive: true });
  writeFileSync(`${docsDir}/desktop-run-form.png`, await s.screenshot());
  await s.clickOn("[data-testid=run]");
  // Created and started in the engine, as the form said.
  const deadline = Date.now() + 30_000;
  let state = "";
  while (state !== "true") {
    try { state = docker("inspect", "-f", "{{.State.Running}}", name); } catch { state = ""; }
    assert.ok(Date.now() < deadline, `${name} is not running in the engine`);
    if (state !== "true") await new Promise((r) => setTimeout(r, 200));
  }
  const id = docker("inspect", "-f", "{{.Id}}", name);
  assert.equal(docker("inspect", "-f", "{{.HostConfig.Memory}}", name), String(48 * 1024 * 1024));
  assert.equal(docker("inspect", "-f", `{{index .Config.Labels "wharf.test"}}`, name), run);
  assert.equal(docker("inspect", "-f", `{{(index (index .HostConfig.PortBindings "80/tcp") 0).HostPort}}`, name), String(port));
  assert.ok(docker("inspect", "-f", "{{json .Config.Env}}", name).includes("MODE=e2e"));
  // And the page opened its container page.
  await s.waitFor("the new container's page", "return location.hash.startsWith(`#/container/${arguments[0]}`) && document.querySelector('.container-page h2')?.textContent.includes(arguments[1])", 30_000, id, name);
  // Its Findings tab lists what the form warned about.
  await s.script("location.hash = arguments[0]", `#/container/${id}/findings`);
  const listed = await s.waitFor("the findings tab", "const l = [...document.querySelectorAll('[data-testid=findings] li.finding')].map((x) => x.dataset.check); return l.length ? l : null");
  assert.deepEqual([...listed].sort(), [...warnings].sort());
});

// Issue #11: edit and recreate in the real app: the prefill from the engine, the core's diff in
// the confirmation, and the engine holding a new container under the same name.
test("the real app edits a container's env and recreates it", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const s = session;
  const name = `wharf-desk-${run}-edit`;
  made.push(name);
  docker("run", "-d", "--name", name, "--label", `wharf.test=${run}`, "-e", "MODE=before", image, "sleep", "3600");
  const old = docker("inspect", "-f", "{{.Id}}", name);
  const fill = (selector, value) => s.script(
    "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input'));", selector, value);
  await s.script("location.hash = arguments[0]", `#/container/${old}/stats`);
  await s.clickOn("button[data-action=edit]");
  await s.waitFor("the edit form", "return document.querySelector('dialog.run h2')?.textContent === `Edit ${arguments[0]}` && document.querySelector(\"dialog.run input[name='env.0']\")?.value === 'MODE=before'", 30_000, name);
  await fill("dialog.run input[name='env.0']", "MODE=after");
  await s.waitFor("Recreate enabled", "return document.querySelector('[data-testid=run]')?.disabled === false");
  await s.clickOn("[data-testid=run]");
  const listed = await s.waitFor("the diff in the confirmation", "const d = document.querySelector('dialog.confirm ul.names'); return d ? d.textContent : null");
  assert.equal(listed, "environment MODE: before → after");
  assert.equal(docker("inspect", "-f", "{{.Id}}", name), old, "nothing happens before the confirmation");
  await s.clickOn("dialog.confirm [data-testid=confirm]");
  const deadline = Date.now() + 30_000;
  let now = old;
  while (now === old || docker("inspect", "-f", "{{.State.Running}}", name) !== "true") {
    assert.ok(Date.now() < deadline, `${name} was not recreated in the engine`);
    await new Promise((r) => setTimeout(r, 200));
    try { now = docker("inspect", "-f", "{{.Id}}", name); } catch { now = old; }
  }
  const env = docker("inspect", "-f", "{{json .Config.Env}}", name);
  assert.ok(env.includes("MODE=after") && !env.includes("MODE=before"), env);
  await s.waitFor("the new container's page", "return location.hash.startsWith(`#/container/${arguments[0]}`)", 30_000, now);
});

test("the real app builds a small context from the Build dialog: live output, the image in the engine, selected in the table", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const s = session;
  const dir = mkdtempSync(`${tmpdir()}/wharf-desk-build-`);
  writeFileSync(`${dir}/Dockerfile`, `FROM ${image}\nCOPY hello.txt /hello.txt\nRUN echo from-the-desktop-build && cat /hello.txt\n`);
  writeFileSync(`${dir}/hello.txt`, "hello from the context\n");
  writeFileSync(`${dir}/secret.txt`, "not sent\n");
  writeFileSync(`${dir}/.dockerignore`, "secret.txt\n");
  const tag = `wharf-desk-${run}-built:1`;
  made.push({ image: tag });
  const fill = (selector, value) => s.script(
    "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input'));", selector, value);
  try {
    await s.script("location.hash = '#/images'");
    // The Images view drawn with its rows first, as a user sees it before clicking.
    await s.waitFor("the images table", "return document.querySelector('[data-table=images] tbody tr[data-id]') !== null");
    await s.clickOn("[data-table=images] button[data-action=build]");
    await s.waitFor("the build dialog", "return document.querySelector('dialog.build input[name=context]') !== null");
    await fill("dialog.build input[name=context]", dir);
    await fill("dialog.build textarea[name=tags]", tag);
    await s.waitFor("Build enabled", "return document.querySelector('[data-testid=build]')?.disabled === false");
    await s.clickOn("[data-testid=build]");
    // The dialog closes on success; until then the output shows the RUN's own lines.
    await s.waitFor("the build's output", "return document.querySelector('[data-testid=build-output]')?.textContent.includes('from-the-desktop-build') || !document.querySelector('dialog.build')", 60_000);
    await s.waitFor("the dialog to close", "return !document.querySelector('dialog.build') || document.querySelector('[data-testid=build-error]:not([hidden])')?.textContent", 60_000);
    assert.equal(await s.script("return document.querySelector('dialog.build') === null"), true, "the build failed");
    const id = docker("image", "inspect", "-f", "{{.Id}}", tag);
    assert.equal(docker("run", "--rm", "--label", `wharf.test=${run}`, tag, "cat", "/hello.txt"), "hello from the context");
    assert.throws(() => docker("run", "--rm", "--label", `wharf.test=${run}`, tag, "cat", "/secret.txt"));
    // Selected in the images table once the store lists it.
    await s.waitFor("the new image selected", "return document.querySelector(`[data-table=images] tr.selected[data-id='${arguments[0]}']`) !== null", 30_000, id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Last: if the access control ever let `plugin:window|close` through, it would end the session.
test("the real app's page cannot invoke anything outside Wharf's command list", { skip: why ? `SKIPPED: ${why}` : false, timeout: 60_000 }, async () => {
  const s = session;
  await s.waitFor("the page to start", "return document.documentElement.dataset.ready === '1'");
  const results = await s.script(`
    const call = (cmd, args) => window.__TAURI_INTERNALS__.invoke(cmd, args ?? {})
      .then(() => "allowed", (e) => "refused: " + String(e?.message ?? e));
    return Promise.all([
      call("app_info"),
      call("plugin:shell|execute", { program: "sh", args: ["-c", "touch /tmp/wharf-pwned"] }),
      call("plugin:fs|read_file", { path: "/etc/passwd" }),
      call("plugin:http|fetch", { url: "http://127.0.0.1:9/" }),
      call("plugin:event|emit", { event: "store://changed", payload: { revision: 1e9 } }),
      call("not_a_wharf_command"),
      call("plugin:window|close", { label: "main" }),
    ]);`);
  assert.equal(results[0], "allowed", results[0]);
  for (const r of results.slice(1)) assert.match(r, /^refused: .*not allowed/i);
});

test("the real app pulls an image from a loopback registry with a progress dialog (issue #11)", { skip: why ? `SKIPPED: ${why}` : (!existsSync("/usr/bin/docker-registry") ? "SKIPPED: no /usr/bin/docker-registry" : false), timeout: 180_000 }, async () => {
  const s = session;
  const port = await new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => { const p = srv.address().port; srv.close(() => resolve(p)); });
  });
  const dir = `${tmpdir()}/wharf-desk-registry-${process.pid}`;
  mkdirSync(`${dir}/data`, { recursive: true });
  writeFileSync(`${dir}/config.yml`, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: wharf-test\n`);
  const registry = spawn("/usr/bin/docker-registry", ["serve", `${dir}/config.yml`], { stdio: ["ignore", openSync(`${dir}/log`, "w"), openSync(`${dir}/log`, "a")] });
  const ref = `127.0.0.1:${port}/wharf-test/deskpull:${run}`;
  let src = null;
  try {
    for (let i = 0; ; i++) {
      try { await fetch(`http://127.0.0.1:${port}/v2/`); break; } catch {
        assert.ok(i < 150, "the registry did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // An image of its own (a 3 MB layer on the test image), pushed, then gone from the engine.
    src = `wharf-desk-${run}-pullsrc`;
    docker("run", "--name", src, "--label", `wharf.test=${run}`, image, "sh", "-c", "head -c 3000000 /dev/urandom > /blob");
    const id = docker("commit", src);
    docker("tag", id, ref);
    docker("push", ref);
    docker("rmi", "-f", id);

    await s.script("location.hash = '#/images'");
    await s.clickOn("[data-table=images] button[data-action=pull]");
    await s.waitFor("the pull dialog", "return document.querySelector('dialog input[name=value]') !== null");
    await s.script("const i = document.querySelector('dialog input[name=value]'); i.value = arguments[0]; i.dispatchEvent(new Event('input'));", ref);
    await s.clickOn("dialog [data-testid=submit]");
    await s.waitFor("progress bars", "return document.querySelectorAll('dialog.transfer progress').length >= 2", 60_000);
    await s.waitFor("the pull to finish", "return document.querySelector('dialog.transfer')?.dataset.done === 'true'", 120_000);
    const result = await s.script("return document.querySelector('dialog.transfer .result').textContent");
    assert.match(result, /Done: image/);
    const bars = await s.script("return [...document.querySelectorAll('dialog.transfer progress')].map((p) => p.value === p.max)");
    assert.ok(bars.every(Boolean), `every bar full: ${bars}`);
    assert.equal(docker("image", "inspect", "-f", "{{.Id}}", ref), id, "the engine has the pulled image");
    await s.clickOn("[data-testid=transfer-cancel]");
    await s.waitFor("the image listed", "return [...document.querySelectorAll('[data-table=images] td')].some((td) => td.textContent === arguments[0])", 30_000, ref);
  } finally {
    try { docker("rmi", "-f", ref); } catch { /* not pulled */ }
    if (src) try { docker("rm", "-f", src); } catch { /* gone */ }
    registry.kill();
  }
});

// Issue #11, files: the container page's Files tab lists `/` through the archive API and opens
// a folder made with the docker CLI, with the file's size as the engine has it.
test("the real app lists a container's folder in the Files tab", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const busy = made[1];
  const s = session;
  docker("exec", busy, "sh", "-c", "mkdir -p /wharf-files/inner && printf 12345 > /wharf-files/five.txt");
  const id = docker("inspect", "-f", "{{.Id}}", busy);
  await s.script("location.hash = arguments[0]", `#/container/${id}/files`);
  await s.waitFor("the listing of /", "return !!document.querySelector('[data-testid=files] tr[data-name=\"wharf-files\"]')", 30_000);
  await s.script("document.querySelector('[data-testid=files] tr[data-name=\"wharf-files\"] a').click()");
  const row = await s.waitFor("five.txt in /wharf-files", "return document.querySelector('[data-testid=files] tr[data-name=\"five.txt\"]')?.textContent", 30_000);
  assert.match(row, /-rw-r--r--/);
  assert.match(row, /5 ?B/);
  assert.match(await s.script("return document.querySelector('[data-testid=crumbs]').textContent"), /wharf-files/);
});

test("the real app updates an outdated container onto its tag's newer image (issue #11)", { skip: why ? `SKIPPED: ${why}` : (!existsSync("/usr/bin/docker-registry") ? "SKIPPED: no /usr/bin/docker-registry" : false), timeout: 180_000 }, async () => {
  const s = session;
  const port = await new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => { const p = srv.address().port; srv.close(() => resolve(p)); });
  });
  const dir = `${tmpdir()}/wharf-desk-bulk-registry-${process.pid}`;
  mkdirSync(`${dir}/data`, { recursive: true });
  writeFileSync(`${dir}/config.yml`, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: wharf-test\n`);
  const registry = spawn("/usr/bin/docker-registry", ["serve", `${dir}/config.yml`], { stdio: ["ignore", openSync(`${dir}/log`, "w"), openSync(`${dir}/log`, "a")] });
  const ref = `127.0.0.1:${port}/wharf-test/deskbulk:${run}`;
  const name = `wharf-desk-${run}-bulk`;
  const ids = [];
  try {
    for (let i = 0; ; i++) {
      try { await fetch(`http://127.0.0.1:${port}/v2/`); break; } catch {
        assert.ok(i < 150, "the registry did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // Two images of its own (a layer on the test image each): the container runs the first,
    // the registry then holds the second under the same tag.
    const layered = (suffix, bytes) => {
      const b = `wharf-desk-${run}-bulk-${suffix}`;
      docker("run", "--name", b, "--label", `wharf.test=${run}`, image, "sh", "-c", `head -c ${bytes} /dev/urandom > /blob`);
      const id = docker("commit", b);
      docker("rm", "-f", b);
      ids.push(id);
      return id;
    };
    const oldId = layered("v1", 1000);
    const newId = layered("v2", 2000);
    docker("tag", oldId, ref);
    docker("push", ref);
    docker("run", "-d", "--name", name, "--label", `wharf.test=${run}`, "-e", "KEEP=yes", ref, "sleep", "3600");
    docker("tag", newId, ref);
    docker("push", ref);
    docker("tag", oldId, ref);
    docker("rmi", newId);

    await s.script("location.hash = '#/images'");
    await s.clickOn("[data-table=images] button[data-action=check-updates]");
    await s.waitFor("the image marked outdated", "return document.querySelector('[data-table=images] [data-freshness=outdated]') !== null", 60_000);
    await s.script("location.hash = '#/containers'");
    await s.waitFor("Update images… enabled", "const b = document.querySelector('button[data-action=update-images]'); return b && !b.disabled", 30_000);
    await s.clickOn("button[data-action=update-images]");
    const planned = await s.waitFor("the plan", "const l = document.querySelectorAll('[data-testid=update-plan] li'); return l.length ? [...l].map((x) => x.textContent) : null", 60_000);
    assert.equal(planned.length, 1, `${planned}`);
    assert.ok(planned[0].includes(name) && planned[0].includes(ref), planned[0]);
    await s.clickOn("dialog.update-images [data-testid=confirm]");
    await s.waitFor("the update to finish", "return document.querySelector('dialog.update-images')?.dataset.done === 'true'", 120_000);
    const result = await s.script("return document.querySelector('dialog.update-images .result').textContent");
    assert.match(result, /1 updated, 0 skipped, 0 failed/);
    assert.equal(docker("inspect", "-f", "{{.Image}} {{.State.Running}}", name), `${newId} true`);
    assert.ok(docker("inspect", "-f", "{{json .Config.Env}}", name).includes("KEEP=yes"));
    assert.equal(docker("image", "inspect", "-f", "{{.Id}}", oldId), oldId, "the old image is kept");
    await s.clickOn("dialog.update-images button.cancel");
  } finally {
    try { docker("rm", "-f", "-v", name); } catch { /* gone */ }
    for (const r of [ref, ...ids]) try { docker("rmi", "-f", r); } catch { /* gone */ }
    registry.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the real app's archive toggle stores the choice in the history database, and the archive page searches it", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const web = made[0];
  const s = session;
  const id = docker("inspect", "-f", "{{.Id}}", web);
  await s.script("location.hash = arguments[0]", `#/container/${id}/logs`);
  await s.waitFor("the archive toggle", "return document.querySelector('button[data-action=archive]')?.getAttribute('aria-pressed') === 'false'", 30_000);
  await s.clickOn("button[data-action=archive]");
  await s.waitFor("the toggle on", "return document.querySelector('button[data-action=archive]')?.getAttribute('aria-pressed') === 'true'", 30_000);
  const stored = execFileSync("sqlite3", ["-readonly", historyDb, "SELECT selector FROM archive_selection"], { encoding: "utf8" }).trim();
  assert.equal(stored, `name:${web}`);
  await s.clickOn("a[data-action=archive-search]");
  const status = await s.waitFor("the search's answer", "return /lines found/.test(document.querySelector('[data-testid=archive-status]')?.textContent ?? '') && document.querySelector('[data-testid=archive-status]').textContent", 30_000);
  assert.match(status, /^0 lines found/);
  assert.match(await s.script("return document.querySelector('[data-testid=archive-selection]').textContent"), new RegExp(`name:${web}`));
});

test("the real app saves an alert rule from its editor and lists the alert a dying container fires", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const s = session;
  const name = `wharf-desk-${run}-crash`;
  const fill = (selector, value) => s.script(
    "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input'));", selector, value);
  await s.script("location.hash = '#/alerts'");
  await s.waitFor("the alerts page", "return document.querySelector('[data-testid=add-rule]') !== null");
  await s.clickOn("[data-testid=add-rule]");
  await s.waitFor("the rule dialog", "return document.querySelector('dialog.form input[name=sel_name]') !== null");
  await fill("dialog.form input[name=name]", "crashed");
  await fill("dialog.form input[name=sel_name]", `^${name}$`);
  await fill("dialog.form input[name=event]", "die");
  await fill("dialog.form input[name=cooldown_secs]", "600");
  await s.clickOn("dialog.form [data-testid=submit]");
  await s.waitFor("the rule listed", "return document.querySelector('[data-table=alert-rules] tr[data-rule=crashed]') !== null");
  assert.match(readFileSync(process.env.WHARF_ALERTS, "utf8"), /name = "crashed"/);
  // It keeps dying (the restart policy), so a die comes after the app started evaluating the
  // saved rule; the cooldown keeps it one alert.
  made.push(name);
  docker("run", "-d", "--name", name, "--label", `wharf.test=${run}`, "--restart", "on-failure:5", image, "sh", "-c", "sleep 2; exit 7");
  await s.waitFor("the alert in the list", "return [...document.querySelectorAll('[data-table=alerts] tbody tr')].some(r => r.textContent.includes(arguments[0]) && r.textContent.includes('exited with code 7'))", 60_000, name);
});

test("the real app saves a webhook with a header from env, a hidden literal and a CA file, and the page never holds the values", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const s = session;
  const LITERAL = "e2e-lit-s3cret-03ad";
  const ca = `${alertsDir}/hook-ca.pem`;
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", "/CN=wharf-e2e-hook-ca", "-keyout", `${alertsDir}/hook-ca-key.pem`, "-out", ca], { stdio: "ignore" });
  const fill = (selector, value) => s.script(
    "const i = document.querySelector(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input'));", selector, value);
  await s.script("location.hash = '#/alerts'");
  await s.waitFor("the alerts page", "return document.querySelector('[data-testid=add-rule]') !== null");
  await s.clickOn("[data-testid=add-rule]");
  await s.waitFor("the rule dialog", "return document.querySelector('dialog.form input[name=h1_name]') !== null");
  await fill("dialog.form input[name=name]", "hooked");
  await fill("dialog.form input[name=sel_name]", "^nothing-matches-e2e-hook$");
  await fill("dialog.form input[name=event]", "die");
  await fill("dialog.form input[name=cooldown_secs]", "600");
  await fill("dialog.form input[name=webhook]", "https://hooks.e2e.example/t/abc");
  await fill("dialog.form input[name=h1_name]", "Authorization");
  await fill("dialog.form input[name=h1_env]", "WHARF_E2E_HOOK_TOKEN");
  await fill("dialog.form input[name=h2_name]", "X-Secret");
  await fill("dialog.form input[name=h2_value]", LITERAL);
  await fill("dialog.form input[name=ca_file]", ca);
  await s.clickOn("dialog.form [data-testid=submit]");
  const row = await s.waitFor("the rule listed", "return document.querySelector('[data-table=alert-rules] tr[data-rule=hooked]')?.textContent");
  assert.match(row, /webhook hooks\.e2e\.example \(Authorization, X-Secret\) \+ CA/);
  const file = readFileSync(process.env.WHARF_ALERTS, "utf8");
  assert.ok(file.includes(LITERAL) && file.includes("env:WHARF_E2E_HOOK_TOKEN") && !file.includes(HOOK_ENV_SECRET), file);
  // Editing shows the variable's name and the literal as the mask; saved untouched, it stays.
  await s.clickOn("[data-table=alert-rules] tr[data-rule=hooked] [data-testid=edit-rule]");
  await s.waitFor("the edit dialog", "return document.querySelector('dialog.form input[name=h2_value]') !== null");
  assert.equal(await s.script("return document.querySelector('dialog.form input[name=h1_env]').value"), "WHARF_E2E_HOOK_TOKEN");
  assert.equal(await s.script("return document.querySelector('dialog.form input[name=h2_value]').value"), "••••");
  await fill("dialog.form input[name=cooldown_secs]", "900");
  await s.clickOn("dialog.form [data-testid=submit]");
  const deadline = Date.now() + 30_000;
  while (!readFileSync(process.env.WHARF_ALERTS, "utf8").includes("cooldown_secs = 900")) {
    assert.ok(Date.now() < deadline, "the edit was not saved");
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(readFileSync(process.env.WHARF_ALERTS, "utf8").includes(LITERAL), "the literal is kept");
  const html = await s.script("return document.documentElement.outerHTML + [...document.querySelectorAll('input')].map(i => i.value).join(' ')");
  assert.ok(!html.includes(LITERAL) && !html.includes(HOOK_ENV_SECRET), "a value reached the page");
});

test("the real app's Fleet page lists an added engine's containers with their engine and stops one there", { skip: why ? `SKIPPED: ${why}` : false, timeout: 120_000 }, async () => {
  const busy = made[1];
  const host = process.env.DOCKER_HOST;
  const s = session;
  await s.script("location.hash = '#/fleet'");
  await s.waitFor("the fleet page", "return document.querySelector('[data-testid=fleet]') !== null");
  // Add the test engine by address: a member named by it.
  await s.script("const i = document.querySelector('.fleet-add input'); i.value = arguments[0]; document.querySelector('.fleet-add button').click();", host);
  await s.waitFor("the engine's chip, connected", "return document.querySelector(`.engine-chip[data-engine='${CSS.escape(arguments[0])}']`)?.classList.contains('state-connected')", 30_000, host);
  const rowOf = "return [...document.querySelectorAll('[data-table=fleet] tbody tr')].find(r => r.textContent.includes(arguments[0]) && r.querySelector('.engine-tag')?.textContent === arguments[1])";
  await s.waitFor(`${busy} on ${host}`, `${rowOf} !== undefined`, 30_000, busy, host);
  await s.script(`(() => { ${rowOf.replace("return ", "const r = ")}; r.querySelector('input[type=checkbox]').click(); })()`, busy, host);
  await s.clickOn("[data-table=fleet] button[data-action=stop]");
  const dialog = await s.waitFor("the confirmation naming the engine", "return document.querySelector('dialog.confirm')?.textContent");
  assert.ok(dialog.includes(`stop ${busy}`) && dialog.includes(`on ${host}`), dialog);
  await s.clickOn("[data-testid=confirm]");
  const deadline = Date.now() + 30_000;
  while (docker("inspect", "-f", "{{.State.Status}}", busy) !== "exited") {
    assert.ok(Date.now() < deadline, `${busy} was not stopped in the engine`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await s.waitFor("the fleet row to show exited", `const r = (() => { ${rowOf.replace("return ", "return ")} })(); return r?.textContent.includes('exited')`, 30_000, busy, host);
});

/** The Fleet page opened afresh with the test engine added by address (`default`, the same
 *  engine through DOCKER_HOST, is folded into it: one member, named by the address). */
async function openFleet(s, host) {
  await s.script("location.hash = '#/'");
  await s.waitFor("the fleet page closed", "return document.querySelector('[data-testid=fleet]') === null");
  await s.script("location.hash = '#/fleet'");
  await s.waitFor("the fleet page", "return document.querySelector('[data-testid=fleet]') !== null");
  await s.script("const i = document.querySelector('.fleet-add input'); i.value = arguments[0]; document.querySelector('.fleet-add button').click();", host);
  await s.waitFor("the engine's chip, connected", "return document.querySelector(`.engine-chip[data-engine='${CSS.escape(arguments[0])}']`)?.classList.contains('state-connected')", 30_000, host);
}

const ipc = (name) => `return window.__wharfIpc[${JSON.stringify(name)}] ?? 0`;
const fleetRow = "return [...document.querySelectorAll('[data-table=fleet] tbody tr')].some(r => r.textContent.includes(arguments[0]))";

test("the real app's Fleet page is pushed: a new container's row comes without fleet_snapshot, a hidden page is sent nothing, showing it fills the gap", { skip: why ? `SKIPPED: ${why}` : false, timeout: 60_000 }, async () => {
  const host = process.env.DOCKER_HOST;
  const s = session;
  await openFleet(s, host);
  // One member for the engine, and the page says which names were the same engine.
  await s.waitFor("the same-engine note", "return document.querySelector('[data-testid=fleet-same]')?.textContent.includes('are the same engine: shown once')", 30_000);
  assert.equal(await s.script("return document.querySelectorAll('.engine-chip').length"), 1);
  const name = `wharf-desk-${run}-pushed`;
  made.push(name);
  docker("run", "-d", "--name", name, "--label", `wharf.test=${run}`, image, "sleep", "3600");
  await s.waitFor("the new container's row", fleetRow, 30_000, name);
  assert.equal(await s.script(ipc("fleet_snapshot")), 0, "the page never polls fleet_snapshot");

  // Hidden: the stream is stopped, and nothing is sent while a container starts.
  const stops = await s.script(ipc("stream_stop"));
  await s.script("Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }); document.dispatchEvent(new Event('visibilitychange'));");
  await s.waitFor("the fleet stream stopped", `return (window.__wharfIpc.stream_stop ?? 0) > ${stops}`, 10_000);
  const sent = await s.script(ipc("fleet_watch:message"));
  const snapshots = await s.script("return window.__wharfLive.snapshots");
  const gap = `wharf-desk-${run}-gap`;
  made.push(gap);
  docker("run", "-d", "--name", gap, "--label", `wharf.test=${run}`, image, "sleep", "3600");
  // The app's own store (the same engine's events) has seen it; the fleet's members see the
  // same events, so a message would have come by now (plus a second for its 150 ms batch).
  await s.waitFor("the app's store to see the new container", `return window.__wharfLive.snapshots > ${snapshots}`, 30_000);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await s.script(ipc("fleet_watch:message")), sent, "a hidden page is sent nothing");
  assert.equal(await s.script(fleetRow, gap), false);

  // Shown again: a new stream whose first message has the container started meanwhile.
  await s.script("delete document.hidden; document.dispatchEvent(new Event('visibilitychange'));");
  await s.waitFor("the gap filled", fleetRow, 30_000, gap);
  assert.ok((await s.script(ipc("fleet_watch:message"))) > sent);
  assert.equal(await s.script(ipc("fleet_snapshot")), 0);
});

test("the real app's Fleet object tabs list images, volumes and networks with their engine, and a removal names the exact objects", { skip: why ? `SKIPPED: ${why}` : false, timeout: 60_000 }, async () => {
  const host = process.env.DOCKER_HOST;
  const s = session;
  const vol = `wharf-desk-${run}-fleetvol`;
  docker("volume", "create", "--label", `wharf.test=${run}`, vol);
  made.push({ section: "volumes", name: vol });
  await openFleet(s, host);
  const rowIn = (table) => `return [...document.querySelectorAll('[data-table=${table}] tbody tr')].find(r => r.textContent.includes(arguments[0]) && r.querySelector('.engine-tag')?.textContent === arguments[1])`;
  const tab = async (kind, table, text) => {
    await s.clickOn(`[data-testid=fleet-tabs] [data-tab=${kind}]`);
    await s.waitFor(`the ${kind} tab's Engine column`, `return [...document.querySelectorAll('[data-table=${table}] th')].some(th => th.textContent.startsWith('Engine'))`, 30_000);
    await s.waitFor(`${text} on ${host}`, `${rowIn(table)} !== undefined`, 30_000, text, host);
  };
  await tab("images", "fleet-images", image);
  await tab("networks", "fleet-networks", "bridge");
  await tab("volumes", "fleet-volumes", vol);
  await s.script(`(() => { ${rowIn("fleet-volumes").replace("return ", "const r = ")}; r.querySelector('input[type=checkbox]').click(); })()`, vol, host);
  await s.clickOn("[data-table=fleet-volumes] button[data-action=remove]");
  const dialog = await s.waitFor("the confirmation naming the volume and its engine", "return document.querySelector('dialog.fleet-remove')?.textContent");
  assert.ok(dialog.includes(`remove volume ${vol} on ${host}`), dialog);
  assert.equal(await s.script("return document.querySelectorAll('dialog.fleet-remove li').length"), 1, dialog);
  await s.clickOn("dialog.fleet-remove [data-testid=confirm]");
  const deadline = Date.now() + 30_000;
  for (;;) {
    try { execFileSync("docker", ["volume", "inspect", vol], { stdio: "ignore", timeout: 60_000 }); } catch { break; }
    assert.ok(Date.now() < deadline, `${vol} was not removed in the engine`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await s.waitFor("the volume's row gone", `return ${rowIn("fleet-volumes").replace("return ", "")} === undefined`, 30_000, vol, host);
});
