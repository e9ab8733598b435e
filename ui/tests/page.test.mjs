// The page in a real browser engine (headless Chromium) against the stub backend: what a
// user sees and does, without Tauri or an engine. Needs `npm run build` first.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launch, CHROMIUM } from "./browser.mjs";
import { serve } from "./serve.mjs";

const dist = fileURLToPath(new URL("../dist", import.meta.url));
const ci = ["true", "1"].includes(process.env.CI ?? "");
const missing = !existsSync(CHROMIUM) ? `no ${CHROMIUM}` : !existsSync(`${dist}/index.html`) ? "ui/dist not built" : null;
if (missing && ci) throw new Error(`CI=true and ${missing}`);

describe("page against the stub backend", { skip: missing ? `SKIPPED: ${missing}` : false }, () => {
  let browser, server, errors;
  before(async () => {
    server = await serve(dist);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  // `manual`: the stub backend takes no real-time samples; the test ticks it (`__wharfStub.tick()`).
  async function open(hash = "#/dashboard", { manual = false, ...opts } = {}) {
    const ctx = await browser.newContext({ viewport: { width: 1300, height: 850 }, ...opts });
    const page = await ctx.newPage();
    if (manual) await page.addInitScript(() => { window.__wharfStubManual = true; });
    errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url + hash);
    await page.waitForSelector("html[data-ready='1']");
    return page;
  }

  /** The stub's recorded history of "web": a day at one sample a minute (CPU 5 %, plus
   * `i % wobble` when given), ending before the live tail; `markers` as [minutes ago, action, detail]. */
  async function recordDay(page, { markers = [], wobble = 0 } = {}) {
    await page.evaluate(([markers, wobble]) => {
      const stub = window.__wharfStub;
      const web = stub.containers.find((c) => c.name === "web");
      const now = Date.now();
      const samples = Array.from({ length: 1400 }, (_, i) => ({
        at_ms: now - (1440 - i) * 60_000, cpu_pct: 5 + (wobble ? i % wobble : 0), cpu_pct_of_limit: null, mem_used: 1 << 20,
        mem_limit: 1 << 30, net_rx_rate: 0, net_tx_rate: 0, blk_read_rate: 0, blk_write_rate: 0, net_rx_total: 0, net_tx_total: 0,
        blk_read_total: 0, blk_write_total: 0, pids: 1,
      }));
      const marker = ([mins, action, detail]) => ({ at_ms: now - mins * 60_000, action, name: "web", container: web.id.slice(0, 12), detail });
      stub.history.set(web.id, { from_ms: 0, to_ms: now, step_ms: 60_000, samples, markers: markers.map(marker) });
    }, [markers, wobble]);
  }

  /** Scrolls the dashboard's top lists into view (below the live graphs, out of it at first):
   * their stats stream runs only while they are seen. */
  const showTopLists = (page) => page.evaluate(() =>
    [...document.querySelectorAll(".dashboard .card h3")].find((h) => h.textContent === "Top CPU").scrollIntoView());

  /** Keeps a copy of the canvas of chart `sel` as `key` (in the page). */
  const snapCanvas = (page, sel, key) => page.evaluate(([sel, key]) => {
    const c = document.querySelector(`${sel} canvas`);
    (window.__snaps ??= {})[key] = { data: new Uint8ClampedArray(c.getContext("2d").getImageData(0, 0, c.width, c.height).data), width: c.width };
  }, [sel, key]);
  /** The pixels of two copies that differ (a colour channel, weighted by its alpha, or the alpha
   * itself by more than 48 of 255): how many, and the columns they lie in. */
  const canvasDiff = (page, a, b) => page.evaluate(([a, b]) => {
    const [x, y] = [window.__snaps[a], window.__snaps[b]];
    let changed = 0, minX = Infinity, maxX = -Infinity;
    for (let i = 0; i < x.data.length; i += 4) {
      let d = 0;
      const [ax, ay] = [x.data[i + 3], y.data[i + 3]];
      for (let k = 0; k < 3; k++) d = Math.max(d, Math.abs(x.data[i + k] * ax - y.data[i + k] * ay) / 255);
      d = Math.max(d, Math.abs(ax - ay));
      if (d <= 48) continue;
      changed++;
      const col = (i / 4) % x.width;
      minX = Math.min(minX, col);
      maxX = Math.max(maxX, col);
    }
    return { changed, minX, maxX, pixels: x.data.length / 4 };
  }, [a, b]);

  /** Asserts that the segment drawn since the copy "before" (taken of chart `sel`, whose chart
   * object is `prop`) shows, and changed only the columns between times `t0` and `t1` (ms). */
  async function assertSegmentOnly(page, sel, prop, t0, t1) {
    await snapCanvas(page, sel, "segment");
    const cols = await page.evaluate(([s, prop, a, b]) => {
      const u = document.querySelector(s)[prop].plot;
      return [u.valToPos(a / 1000, "x", true), u.valToPos(b / 1000, "x", true)];
    }, [sel, prop, t0, t1]);
    const changed = await canvasDiff(page, "before", "segment");
    assert.ok(changed.changed > 0, "the new sample shows");
    assert.ok(changed.minX >= Math.floor(cols[0]) - 2 && changed.maxX <= Math.ceil(cols[1]) + 2,
      `only the columns ${cols.map(Math.round)} changed, not ${changed.minX}–${changed.maxX}`);
  }

  /** Asserts that chart `sel` (its chart object `prop`), drawn segment by segment, is what
   * drawing it whole shows, but for a few anti-aliased pixels at the joins (4 of 103k and 12
   * of 87k px here). */
  async function assertSegmentsAsWhole(page, sel, prop) {
    await snapCanvas(page, sel, "segments");
    await page.evaluate(([s, prop]) => { const ch = document.querySelector(s)[prop]; ch.resize({ width: ch.plot.width, height: ch.plot.height }); }, [sel, prop]);
    await snapCanvas(page, sel, "whole");
    const same = await canvasDiff(page, "segments", "whole");
    assert.ok(same.changed <= 16, `segments and the whole drawing differ in ${same.changed} of ${same.pixels} px, columns ${same.minX}–${same.maxX}`);
  }

  test("dashboard shows counts, engine facts and escaped names", async () => {
    const page = await open();
    await page.waitForSelector(".dashboard [data-count=running]");
    assert.equal(await page.textContent("[data-count=running]"), "3");
    assert.equal(await page.textContent("[data-count=paused]"), "1");
    assert.match(await page.textContent("[data-testid=endpoint]"), /connected.*stub\/docker\.sock/s);
    await page.waitForSelector("ol.top li");
    // A container named like markup is shown as text and never becomes an element.
    assert.ok((await page.textContent(".dashboard")).includes("evil<script>alert(1)</script>"));
    assert.equal(await page.locator("main script").count(), 0);
    assert.match(await page.textContent(".facts"), /20\.10\.24/);
    assert.deepEqual(errors, []);
  });

  test("a frozen engine is named in the header, the rows stay, and a failing object is counted", async () => {
    const page = await open("#/containers");
    await page.waitForSelector("[data-table=containers] tbody tr[data-id]");
    const rows = await page.locator("[data-table=containers] tbody tr[data-id]").count();
    await page.evaluate(() => {
      const stub = window.__wharfStub;
      stub.connection = { state: "not_responding", since_ms: Date.now() - 8000, reason: "the engine has not answered for 4 s" };
      stub.refreshFailures = [{ object: { kind: "container", id: stub.containers[0].id }, reason: "json: cannot unmarshal", since_ms: Date.now(), attempts: 2, retry_at_ms: Date.now() + 2000 }];
      stub.publish();
    });
    await page.waitForSelector("[data-testid=endpoint] [data-state=not_responding]");
    assert.match(await page.textContent("[data-testid=endpoint]"), /not responding since/);
    assert.match(await page.textContent(".banner"), /not responding since .* showing the last known state/);
    assert.match(await page.textContent("[data-testid=refresh-failures]"), /1 not refreshed/);
    assert.equal(await page.locator("[data-table=containers] tbody tr[data-id]").count(), rows);
    // And back: connected again, the banner goes.
    await page.evaluate(() => {
      const stub = window.__wharfStub;
      stub.connection = { state: "connected", since_ms: Date.now() };
      stub.refreshFailures = [];
      stub.publish();
    });
    await page.waitForSelector("[data-testid=endpoint] [data-state=connected]");
    assert.equal(await page.isHidden(".banner"), true);
    assert.equal(await page.locator("[data-testid=refresh-failures]").count(), 0);
    assert.deepEqual(errors, []);
  });

  test("tables sort, filter and multi-select; bulk stop asks first, naming the objects", async () => {
    const page = await open("#/containers");
    const names = () => page.$$eval("[data-table=containers] tbody tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
    await page.waitForSelector("[data-table=containers] tbody tr[data-id]");
    // Sorted by name at first; a click on the header reverses, another restores.
    const sorted = await names();
    assert.deepEqual(sorted, [...sorted].sort());
    await page.click("th:has-text('Name')");
    assert.deepEqual(await names(), [...sorted].reverse());
    await page.click("th:has-text('Name')");
    assert.deepEqual(await names(), sorted);
    await page.fill("input.filter", "we");
    assert.deepEqual(await names(), ["web"]);
    await page.fill("input.filter", "");
    // Select web and db, stop them.
    for (const n of ["web", "db"]) await page.check(`tr:has(a.name:text-is("${n}")) input[type=checkbox]`);
    assert.match(await page.textContent(".count"), /2 selected/);
    await page.click("button[data-action=stop]");
    const dialog = page.locator("dialog.confirm");
    assert.match(await dialog.textContent(), /Stop 2 containers\?.*web.*db|Stop 2 containers\?.*db.*web/s);
    await page.click("dialog .cancel");
    const stub = () => page.evaluate(() => window.__wharfStub.commands.map((c) => `${c.cmd.action}:${c.confirmed}`));
    assert.deepEqual(await stub(), []);
    await page.click("button[data-action=stop]");
    await page.click("[data-testid=confirm]");
    await page.waitForFunction(() => window.__wharfStub.commands.length === 2);
    assert.deepEqual(await stub(), ["stop:true", "stop:true"]);
    // The snapshot that follows shows them exited.
    await page.waitForSelector("tr:has(a.name:text-is('web')) .state-exited");
    // Start needs no confirmation.
    await page.click("button[data-action=start]");
    await page.waitForFunction(() => window.__wharfStub.commands.length === 4);
    assert.equal(await page.locator("dialog.confirm").count(), 0);
  });

  test("compose projects: services, counts and working dir; down asks naming the containers and networks, output streams live (issue #12)", async () => {
    const page = await open("#/compose");
    const row = page.locator("[data-table=projects] tbody tr[data-id=shop]");
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /db 1\/1, web 1\/1/);
    assert.match(text, /2 \/ 2/);
    assert.match(text, /\/srv\/shop/);
    assert.match(text, /docker-compose\.yml/);
    await page.check("tr[data-id=shop] input[type=checkbox]");
    // Down: the core's lines first; Cancel sends nothing.
    await page.click("button[data-action=down]");
    const dialog = page.locator("dialog.confirm");
    const asked = await dialog.textContent();
    assert.match(asked, /compose down shop\?/);
    assert.match(asked, /remove container web/);
    assert.match(asked, /remove container db/);
    assert.match(asked, /networks of project shop/);
    await page.click("dialog .cancel");
    const runs = () => page.evaluate(() => window.__wharfStub.composeRuns.map((r) => `${r.project}:${r.action}:${r.confirmed}`));
    assert.deepEqual(await runs(), []);
    // Up needs no confirmation; its output comes in as it is sent, inert text, then done.
    await page.click("button[data-action=up]");
    await page.waitForSelector("[data-testid=compose-status]:has-text('done')");
    assert.deepEqual(await runs(), ["shop:up:false"]);
    assert.match(await page.textContent("[data-testid=compose-command]"), /docker-compose -p shop/);
    const out = await page.textContent("[data-testid=compose-output]");
    assert.match(out, /Creating shop_web_1 \.\.\. done/);
    assert.equal(await page.locator("dialog.compose b, dialog.compose span[style]").count(), 0);
    await page.click("dialog.compose .cancel");
    await page.click("button[data-action=down]");
    await page.click("[data-testid=confirm]");
    await page.waitForSelector("[data-testid=compose-status]:has-text('done')");
    assert.deepEqual(await runs(), ["shop:up:false", "shop:down:true"]);
    assert.deepEqual(errors, []);
  });

  test("the contexts card fits its card at the default window size, long endpoints cut with a tooltip (#13)", async () => {
    // 1280×820 is the app's default window (tauri.conf.json).
    const page = await open("#/dashboard", { viewport: { width: 1280, height: 820 } });
    const host = "ssh://deploy-automation@build-runner-0042.eu-central-1.compute.internal.example.com:2222";
    await page.evaluate((host) => {
      window.__wharfStub.contexts = [
        { name: "default", description: "Current DOCKER_HOST based configuration", host: "unix:///var/run/docker.sock", current: true, error: null },
        { name: "production-eu-central-frankfurt-primary", description: "the production swarm manager in Frankfurt, reached over SSH through the bastion", host, current: false, error: null },
        { name: "5e1f00" + "0".repeat(58), description: null, host: "", current: false, error: "malformed context file /root/.docker/contexts/meta/5e1f/meta.json: EOF while parsing an object at line 1 column 24" },
      ];
    }, host);
    await page.evaluate(() => { location.hash = "#/engine"; });
    const card = page.locator("[data-testid=contexts]");
    await card.locator("td.host").nth(1).waitFor();
    const over = await card.evaluate((el) => {
      const right = el.getBoundingClientRect().right;
      const wide = [...el.querySelectorAll("*")]
        .filter((e) => e.getBoundingClientRect().right > right + 0.5)
        .map((e) => `${e.tagName}.${e.className}: ${e.getBoundingClientRect().right} > ${right}`);
      if (el.scrollWidth > el.clientWidth + 1) wide.push(`the card scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
      return wide;
    });
    assert.deepEqual(over, [], "elements wider than the contexts card");
    assert.equal(await card.locator("td.host").nth(1).getAttribute("title"), host);
    assert.match(await card.locator("td.about.error").textContent(), /malformed context file/);
    assert.deepEqual(errors, []);
  });

  test("over SSH the Engine page shows the shared connections' cost, and follows it (issue #12)", async () => {
    const page = await open("#/engine");
    await page.locator(".engine .facts").first().waitFor();
    const card = page.locator("[data-testid=ssh-cost]");
    assert.equal(await card.isVisible(), false, "no SSH card for a unix socket");
    await page.evaluate(() => {
      window.__wharfStub.sshCost = { connections: 2, sessions: 9, processes: 11, sessions_per_connection: 8 };
    });
    await card.locator("dd").first().waitFor();
    const text = await card.textContent();
    assert.match(text, /SSH connections\s*2/);
    assert.match(text, /Sessions in use\s*9 \(at most 8 per connection\)/);
    assert.match(text, /ssh processes\s*11/);
    // The counters are read again while the page is open.
    await page.evaluate(() => {
      window.__wharfStub.sshCost = { connections: 1, sessions: 3, processes: 4, sessions_per_connection: 8 };
    });
    await page.waitForFunction(() => /ssh processes\s*4/.test(document.querySelector("[data-testid=ssh-cost]").textContent));
    assert.deepEqual(errors, []);
  });

  test("prune lists the plan's exact objects first and sends that plan (issue #9 item 1)", async () => {
    const page = await open("#/engine");
    await page.click("button[data-prune='unused anonymous volumes']");
    const dialog = page.locator("dialog.confirm");
    await dialog.waitFor();
    const text = await dialog.textContent();
    assert.match(text, /Prune 1 unused anonymous volumes\?/);
    assert.match(text, /0{61}a11/, "the anonymous volume is listed");
    assert.ok(!text.includes("keep_me") && !text.includes("shop_data"), text);
    assert.match(text, /data in these volumes is lost/);
    await page.click("[data-testid=confirm]");
    await page.waitForFunction(() => window.__wharfStub.commands.length === 1);
    const sent = await page.evaluate(() => window.__wharfStub.commands[0]);
    assert.equal(sent.cmd.action, "prune");
    assert.equal(sent.confirmed, true);
    assert.deepEqual(sent.cmd.plan.items.map((i) => i.name), ["0".repeat(61) + "a11"]);
    const volumes = await page.evaluate(() => window.__wharfStub.volumes.map((v) => v.name));
    assert.deepEqual(volumes, ["shop_data", "keep_me"]);
    await page.waitForSelector(".toast:has-text('removed 1 of 1')");
    assert.deepEqual(errors, []);
  });

  test("removing a running container says it will be killed (issue #9 item 5)", async () => {
    const page = await open("#/containers");
    await page.waitForSelector("[data-table=containers] tbody tr[data-id]");
    for (const n of ["web", "old-job"]) await page.check(`tr:has(a.name:text-is("${n}")) input[type=checkbox]`);
    await page.click("button[data-action=remove]");
    const dialog = page.locator("dialog.confirm");
    await dialog.waitFor();
    assert.match(await dialog.locator("p.warning").textContent(), /^web is running and will be killed$/);
    assert.equal(await dialog.locator("p.warning").count(), 1, "old-job is not running");
    await page.click("[data-testid=confirm]");
    await page.waitForFunction(() => window.__wharfStub.commands.length === 2);
    const sent = await page.evaluate(() => window.__wharfStub.commands.map((c) => [c.cmd.force, c.confirmed]));
    assert.deepEqual(sent.sort(), [[false, true], [true, true]]);
    // The container page's Remove button follows the same rule.
    const page2 = await open("#/containers");
    await page2.dblclick("tr:has(a.name:text-is('db'))");
    await page2.click("button[data-action=remove]");
    await page2.locator("dialog.confirm").waitFor();
    assert.equal(await page2.locator("dialog.confirm p.warning").textContent(), "db is running and will be killed");
    assert.deepEqual(errors, []);
  });

  test("image removal sends the tags the page showed (issue #9 item 4)", async () => {
    const page = await open("#/images");
    await page.waitForSelector("[data-table=images] tbody tr[data-id]");
    await page.check(`tr:has(td:text-is("busybox:test")) input[type=checkbox]`);
    await page.click("button[data-action=remove]");
    await page.click("[data-testid=confirm]");
    await page.waitForFunction(() => window.__wharfStub.commands.length === 1);
    const sent = await page.evaluate(() => window.__wharfStub.commands[0].cmd);
    assert.equal(sent.action, "remove_image");
    assert.deepEqual(sent.tags, ["busybox:test"]);
    assert.deepEqual(errors, []);
  });

  test("pull shows a bar per layer and overall, rising to done; Cancel stops another (issue #11)", async () => {
    const page = await open("#/images");
    await page.waitForSelector("[data-table=images] tbody tr[data-id]");
    await page.evaluate(() => { window.__wharfStub.transferSteps = 6; window.__wharfStub.transferTick = 60; });
    await page.click("button[data-action=pull]");
    await page.fill("dialog input[name=value]", "127.0.0.1:5000/app:1");
    await page.click("dialog [data-testid=submit]");
    await page.waitForSelector("dialog.transfer [data-layer] progress");
    const first = await page.evaluate(() => [...document.querySelectorAll("dialog.transfer progress")].map((p) => p.value));
    await page.waitForSelector("dialog.transfer[data-done=true]");
    const last = await page.evaluate(() => [...document.querySelectorAll("dialog.transfer progress")].map((p) => [p.value, p.max]));
    assert.equal(last.length, 3, "overall and two layers");
    assert.ok(last.every(([v, m]) => v === m && m > 0), JSON.stringify(last));
    assert.ok(first[0] < last[0][0], `overall rose: ${first[0]} → ${last[0][0]}`);
    assert.match(await page.textContent("dialog.transfer .result"), /Done: image/);
    assert.deepEqual(await page.evaluate(() => window.__wharfStub.transfers[0]), { kind: "pull", reference: "127.0.0.1:5000/app:1" });
    await page.click("[data-testid=transfer-cancel]");
    assert.equal(await page.locator("dialog.transfer").count(), 0);

    // A slow one, cancelled midway: the stream stops, the dialog goes.
    await page.evaluate(() => { window.__wharfStub.transferSteps = 1000; window.__wharfStub.transferTick = 50; });
    const open0 = await page.evaluate(() => window.__wharfStub.openStreams);
    await page.click("button[data-action=pull]");
    await page.fill("dialog input[name=value]", "busybox");
    await page.click("dialog [data-testid=submit]");
    await page.waitForSelector("dialog.transfer [data-layer]");
    await page.click("[data-testid=transfer-cancel]");
    await page.waitForFunction(() => window.__wharfStub.cancelled >= 1);
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), open0);
    assert.equal(await page.locator("dialog.transfer").count(), 0);

    // A bad reference: the core's message, in the dialog.
    await page.click("button[data-action=pull]");
    await page.fill("dialog input[name=value]", "Foo:bar");
    await page.click("dialog [data-testid=submit]");
    await page.waitForSelector("dialog.transfer .result.form-error");
    assert.match(await page.textContent("dialog.transfer .result"), /repository names must be lowercase/);
    await page.click("[data-testid=transfer-cancel]");
    assert.deepEqual(errors, []);
  });

  test("login: the password is hidden, saving says where and how, a refusal keeps the dialog (issue #11)", async () => {
    const page = await open("#/images");
    await page.waitForSelector("[data-table=images] tbody tr[data-id]");
    await page.click("button[data-action=log-in]");
    await page.fill("dialog input[name=server]", "127.0.0.1:5000");
    await page.dispatchEvent("dialog input[name=server]", "change");
    await page.waitForFunction(() => document.querySelector("dialog .save-target")?.textContent.includes("unencrypted"));
    assert.match(await page.textContent("dialog .save-target"), /stored unencrypted \(base64\) in \/root\/\.docker\/config\.json/);
    assert.equal(await page.getAttribute("dialog input[name=password]", "type"), "password");
    await page.fill("dialog input[name=username]", "joe");
    await page.fill("dialog input[name=password]", "wrong");
    await page.click("dialog [data-testid=submit]");
    await page.waitForSelector("dialog .form-error:not([hidden])");
    assert.match(await page.textContent("dialog .form-error"), /unauthorized/);
    await page.fill("dialog input[name=password]", "right");
    await page.click("dialog [data-testid=submit]");
    await page.waitForFunction(() => !document.querySelector("dialog.login"));
    const logins = await page.evaluate(() => window.__wharfStub.logins);
    assert.deepEqual(logins.map((l) => l.save), ["session", "session"], "nothing saved unless ticked");
    assert.ok(!(await page.content()).includes("right"), "the password is not left in the page");
    assert.deepEqual(errors, []);
  });

  test("update check marks images and containers; chips filter dangling and unused (issue #11)", async () => {
    const page = await open("#/images");
    await page.waitForSelector("[data-table=images] tbody tr[data-id]");
    await page.click("button[data-action=check-updates]");
    await page.waitForSelector("[data-table=images] [data-freshness=outdated]");
    await page.click("button.chip[data-filter=dangling]");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=images] tbody tr[data-id]").length === 1);
    assert.ok(!(await page.textContent("[data-table=images] tbody")).includes("busybox:test"));
    await page.click("button.chip[data-filter=unused]");
    await page.waitForFunction(() => !document.querySelector("[data-table=images] tbody")?.textContent.includes("busybox:test"));
    await page.click("button.chip[data-filter=all]");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=images] tbody tr[data-id]").length === 2);
    await page.evaluate(() => { location.hash = "#/containers"; });
    await page.waitForSelector("[data-table=containers] tbody tr[data-id]");
    // The containers running the checked image carry its mark next to the image name.
    await page.waitForSelector("[data-table=containers] [data-freshness=outdated]");
    assert.deepEqual(errors, []);
  });

  test("container page: live graphs, logs with search, inspect, top, exec", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('web'))");
    await page.waitForSelector(".live-chart[data-metric=cpu] canvas");
    assert.equal(await page.locator(".charts .live-chart canvas").count(), 4);
    assert.equal(await page.locator(".charts img").count(), 0, "no pictures");
    await page.waitForFunction(() => document.querySelector(".live-chart[data-metric=cpu]").liveChart.length > 0);
    // Each chart's newest values beside it, under its name; the PIDs with the CPU's.
    const captionOf = async (m) => (await page.innerText(`.live-chart[data-metric=${m}] .chart-caption`)).split("\n").join(" ");
    assert.match(await captionOf("cpu"), /^CPU \d+\.\d % PIDs \d+$/);
    assert.match(await captionOf("memory"), /^Memory \d+\.\d MiB \/ 256\.0 MiB$/);
    assert.equal(await page.textContent(".numbers"), "", "the waiting message is gone");

    await page.click("[data-tab=logs]");
    await page.waitForSelector("[data-testid=logs] .line");
    const err = page.locator(".line.stderr");
    assert.equal(await err.textContent(), "ERROR <b>not bold</b> & escaped");
    assert.equal(await page.locator("[data-testid=logs] b").count(), 0);
    await page.fill("input[aria-label='Search logs']", "GET");
    assert.equal(await page.textContent("[data-testid=logs] mark"), "GET");
    await page.check("label:has-text('only matching') input");
    assert.equal(await page.locator("[data-testid=logs] .line").count(), 1);

    await page.click("[data-tab=inspect]");
    await page.waitForSelector("[data-testid=inspect]");
    await page.fill("input[aria-label='Search inspect']", "busybox");
    assert.equal(await page.textContent("[data-testid=inspect] mark"), "busybox");
    // Secret env values: masked by the core, shown on an explicit click, hidden on the next.
    const inspected = () => page.textContent("[data-testid=inspect]");
    assert.ok((await inspected()).includes("DB_PASSWORD=••••••••"));
    assert.ok(!(await inspected()).includes("hunter2"));
    await page.click("[data-action=reveal-secrets]");
    await page.waitForSelector("[data-testid=inspect]:has-text('hunter2-stub')");
    assert.equal(await page.textContent("[data-action=reveal-secrets]"), "Hide secrets");
    await page.click("[data-action=reveal-secrets]");
    await page.waitForSelector("[data-action=reveal-secrets]:has-text('Reveal secrets')");
    assert.ok(!(await inspected()).includes("hunter2"));

    await page.click("[data-tab=top]");
    await page.waitForSelector("td:text-is('sleep 3600')");

    await page.click("[data-tab=exec]");
    await page.waitForSelector("[data-testid=terminal] .xterm");
    await page.waitForFunction(() => document.querySelector("[data-testid=terminal]").textContent.includes("/ #"));
    await page.keyboard.type("ls");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => window.__wharfStub.execInput === "ls\r");
    assert.deepEqual(errors, []);
  });

  test("merged logs from selected containers and from a project: prefixes coloured, search, only matching, save", async () => {
    const page = await open("#/containers");
    await page.waitForSelector("[data-table=containers] tbody tr[data-id]");
    for (const n of ["web", "db"]) await page.check(`tr:has(a.name:text-is("${n}")) input[type=checkbox]`);
    await page.click("button[data-action=merged-logs]");
    await page.waitForSelector("[data-testid=merged-logs] [data-testid=logs] .line");
    assert.match(await page.textContent("[data-testid=merged-logs] h2"), /Logs of 2 containers/);
    const calls = () => page.evaluate(() => window.__wharfStub.mergedCalls);
    const first = (await calls())[0];
    assert.equal(first.kind, "containers");
    assert.equal(first.ids.length, 2);
    const lines = () => page.$$eval("[data-testid=logs] .line", (ls) => ls.map((l) => l.textContent));
    assert.deepEqual(await lines(), ["web │ GET / 200", "db  │ checkpoint complete", "web │ GET /cart 500"]);
    // The prefix is in its source's colour.
    const colours = await page.$$eval("[data-testid=logs] .line > span:first-child", (ss) => ss.map((s) => s.style.color));
    assert.equal(colours[0], colours[2]);
    assert.notEqual(colours[0], colours[1]);
    await page.fill("input[aria-label='Search logs']", "web");
    await page.check("label:has-text('only matching') input");
    assert.equal(await page.locator("[data-testid=logs] .line").count(), 2);
    await page.click("button:has-text('Save log…')");
    await page.waitForSelector(".toast:has-text('Saved')");

    // From the compose projects view: the selected project's logs.
    await page.goto(server.url + "#/compose");
    await page.waitForSelector("[data-table=projects] tbody tr[data-id=shop]");
    await page.check("tr[data-id=shop] input[type=checkbox]");
    await page.click("button[data-action=logs]");
    await page.waitForSelector("[data-testid=merged-logs] [data-testid=logs] .line");
    assert.match(await page.textContent("[data-testid=merged-logs] h2"), /Logs of project shop/);
    assert.deepEqual((await calls()).at(-1), { kind: "project", name: "shop" });
    assert.deepEqual(errors, []);
  });

  test("streams stop when their view closes", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('db'))");
    await page.waitForSelector(".live-chart[data-metric=cpu] canvas");
    await page.click("[data-tab=logs]");
    await page.waitForSelector("[data-testid=logs] .line");
    await page.click("[data-section=images]");
    await page.waitForSelector("[data-table=images]");
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 0);
  });

  // Issue #14: numbers, not pictures; the chart is appended to, never replaced.
  test("a sample appended over the channel shows in the chart without replacing it", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('web'))");
    const chart = (m) => `.live-chart[data-metric=${m}]`;
    await page.waitForFunction((sel) => document.querySelector(sel)?.liveChart.length > 0, chart("network"));
    const canvas = await page.$(`${chart("network")} canvas`);
    const before = await page.evaluate((sel) => document.querySelector(sel).liveChart.length, chart("network"));
    // The page asked for numbers: the focused container's series, from the start.
    const call = await page.evaluate(() => window.__wharfStub.statsCalls.at(-1));
    assert.deepEqual(call.series, { after_ms: null });
    await page.evaluate(() => window.__wharfStub.tick());
    await page.waitForFunction(([sel, n]) => document.querySelector(sel).liveChart.length > n, [chart("network"), before]);
    const state = await page.evaluate(([sel, c]) => {
      const ch = document.querySelector(sel).liveChart;
      const xs = window.__wharfStub.series.values().next().value;
      return { same: document.querySelector(`${sel} canvas`) === c, newest: ch.newestMs, stubNewest: xs.at(-1).at_ms, canvases: document.querySelectorAll(".charts canvas").length };
    }, [chart("network"), canvas]);
    assert.ok(state.same, "the canvas element is the same node");
    assert.equal(state.newest, state.stubNewest, "the chart holds the newest sample");
    assert.equal(state.canvases, 4);
    // The caption follows the export's wording and units.
    assert.match((await page.innerText(`${chart("network")} .chart-caption`)).split("\n").join(" "), /^Network I\/O rx \d+\.\d KiB\/s tx 800 B\/s$/);
    assert.deepEqual(errors, []);
  });

  // Issue #14: a second's work on the Stats tab is one message, one redraw per chart, and text
  // written only where a figure changed (each write makes WebKit lay out and repaint).
  test("one stats message per sample, one redraw per chart, and only changed figures are written", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('web'))");
    await page.waitForFunction(() => document.querySelector(".live-chart[data-metric=cpu]")?.liveChart.length > 0);
    await page.waitForFunction(() => /^PIDs \d+$/.test(document.querySelector(".live-chart[data-metric=cpu] .chart-caption span:last-child")?.textContent ?? ""));
    await page.evaluate(() => window.__wharfStub.stopSampler());
    const watch = () => page.evaluate(() => {
      window.__mutations = 0;
      window.__observer?.disconnect();
      window.__observer = new MutationObserver((ms) => { window.__mutations += ms.length; });
      for (const el of document.querySelectorAll(".numbers, .chart-caption")) window.__observer.observe(el, { childList: true, subtree: true, characterData: true });
      return { ...window.__wharfLive };
    });
    // The same latest sample again, nothing new in the series: nothing is written or drawn.
    const before = await watch();
    await page.evaluate(() => { for (const l of window.__wharfStub.sampleListeners) l(); });
    await page.waitForFunction((n) => window.__wharfLive.messages > n, before.messages);
    const same = await page.evaluate(() => ({ mutations: window.__mutations, live: { ...window.__wharfLive } }));
    assert.equal(same.mutations, 0, "no text node replaced");
    assert.equal(same.live.texts, before.texts);
    assert.equal(same.live.draws, before.draws, "no redraw without a new sample");
    // One new sample: one message carrying it, each of the four charts redrawn once, and the
    // changed figures written (the PIDs did not change).
    const pidsOf = ".live-chart[data-metric=cpu] .chart-caption span:last-child";
    const pids = await page.textContent(pidsOf);
    // Animation frames asked for are counted: a live message must ask for none (asking wakes
    // WebKit's display link, which cost more than the stream itself; meter.ts).
    await page.evaluate(() => {
      window.__raf = 0;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => { window.__raf++; return raf(cb); };
    });
    const mid = await watch();
    await page.evaluate(() => window.__wharfStub.tick());
    await page.waitForFunction((n) => window.__wharfLive.draws >= n + 4, mid.draws);
    const after = await page.evaluate(() => ({ mutations: window.__mutations, live: { ...window.__wharfLive }, raf: window.__raf }));
    assert.equal(after.raf, 0, "a live message asks for no animation frame");
    assert.equal(after.live.frames, mid.frames, "frames are counted only when a measurement asks");
    assert.equal(after.live.messages, mid.messages + 1);
    assert.equal(after.live.samples, mid.samples + 1);
    assert.equal(after.live.draws, mid.draws + 4);
    assert.ok(after.mutations > 0 && after.live.texts > mid.texts, "the figures that moved were written");
    assert.equal(await page.textContent(pidsOf), pids);
    // Seven figures in all (CPU, memory, rx, tx, read, write, PIDs): the PIDs were not rewritten.
    assert.ok(after.live.texts - mid.texts < 7, "unchanged figures were not rewritten");
    // A measurement that asks (measure.mjs --frames) gets the rendering updates counted.
    await page.evaluate(() => { window.__wharfCountFrames = true; });
    const counted = await page.evaluate(() => ({ ...window.__wharfLive }));
    await page.evaluate(() => window.__wharfStub.tick());
    await page.waitForFunction((n) => window.__wharfLive.frames > n, counted.frames);
    assert.deepEqual(errors, []);
  });

  test("the Stats tab's range buttons draw recorded history before the live tail, with markers", async () => {
    const page = await open("#/containers");
    // A day at one sample a minute, ending before the live tail begins; a die and a recreate.
    await recordDay(page, { markers: [[600, "die", "exit 137"], [599, "recreate", ""], [10, "health_status: unhealthy", ""]] });
    await page.dblclick("tr:has(a.name:text-is('web'))");
    await page.waitForFunction(() => document.querySelector(".live-chart[data-metric=cpu]")?.liveChart.length > 0);
    const pressed = () => page.evaluate(() => [...document.querySelectorAll(".range-bar .range")].map((b) => `${b.textContent}:${b.getAttribute("aria-pressed")}`));
    assert.deepEqual(await pressed(), ["15m:true", "1h:false", "24h:false", "7d:false"]);
    // 15 minutes: one marker in range, the history's last quarter hour under the live samples.
    await page.waitForSelector(".markers li");
    assert.deepEqual(await page.$$eval(".markers li", (xs) => xs.map((x) => x.textContent.replace(/^\d\d:\d\d:\d\d /, ""))), ["health_status: unhealthy"]);
    await page.click(".range-bar .range[data-range=h24]");
    await page.waitForFunction(() => document.querySelectorAll(".markers li").length === 3);
    assert.deepEqual(await pressed(), ["15m:false", "1h:false", "24h:true", "7d:false"]);
    const texts = await page.$$eval(".markers li", (xs) => xs.map((x) => x.textContent));
    assert.match(texts[0], /^\d\d:\d\d:\d\d die exit 137$/);
    assert.match(texts[1], /recreate$/);
    // The day's samples and the live ones, in one chart that spans the day.
    await page.waitForFunction(() => document.querySelector(".live-chart[data-metric=cpu]")?.liveChart.length > 1400);
    const calls = await page.evaluate(() => window.__wharfStub.historyCalls.map((c) => c.range));
    assert.deepEqual(calls, ["m15", "h24"]);
    assert.equal(await page.evaluate(() => document.querySelector(".live-chart[data-metric=cpu]").liveChart.markCount), 3, "markers drawn on the chart");
    assert.equal(await page.locator(".charts .live-chart canvas").count(), 4, "the charts were replaced, not added");
    assert.deepEqual(errors, []);
  });

  test("a live chart extends its lines by a segment for each new sample, as a whole drawing would show them, and draws itself whole when its range steps or its scale changes", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('web'))");
    const sel = ".live-chart[data-metric=network]";
    await page.waitForFunction((s) => document.querySelector(s)?.liveChart.length > 2, sel);
    await page.evaluate(() => window.__wharfStub.stopSampler());
    // Samples appended straight to the network chart (two lines, both filled); how each was
    // drawn counted by the page (LIVE.wholes, LIVE.segments).
    const step = (dt, rx) => page.evaluate(([s, dt, rx]) => {
      const ch = document.querySelector(s).liveChart;
      const before = { ...window.__wharfLive };
      const at = ch.newestMs + dt;
      ch.append([{ at_ms: at, cpu_pct: 1, cpu_pct_of_limit: null, mem_used: 1 << 20, mem_limit: 1 << 30, net_rx_rate: rx, net_tx_rate: 300,
        blk_read_rate: 0, blk_write_rate: 0, net_rx_total: 0, net_tx_total: 0, blk_read_total: 0, blk_write_total: 0, pids: 1 }]);
      const [min, max] = [ch.plot.scales.x.min * 1000, ch.plot.scales.x.max * 1000];
      return { wholes: window.__wharfLive.wholes - before.wholes, segments: window.__wharfLive.segments - before.segments, right: max, span: max - min, at };
    }, [sel, dt, rx]);
    // A sample past the range's right edge moves the range by one step (a sixth of the span:
    // one tick, so the grid stands still) and draws the chart whole.
    const edge = await page.evaluate((s) => document.querySelector(s).liveChart.plot.scales.x.max * 1000, sel);
    const newest = await page.evaluate((s) => document.querySelector(s).liveChart.newestMs, sel);
    const jump = await step(Math.ceil(edge - newest) + 1, 1500);
    assert.equal(jump.wholes, 1, "a new step is drawn whole");
    assert.equal(jump.segments, 0);
    assert.equal(Math.round(jump.right - edge), Math.round(jump.span / 6), "the range moved by one step");
    // Samples within the step extend the lines: a segment each, onto the same canvas, changing
    // only the pixel columns between the sample before and the new one.
    await snapCanvas(page, sel, "before");
    const seg = await step(1000, 1200);
    assert.deepEqual([seg.wholes, seg.segments], [0, 1], "one segment, no whole drawing");
    assert.equal(seg.right, jump.right, "the range stood still");
    await assertSegmentOnly(page, sel, "liveChart", jump.at, seg.at);
    for (const rx of [900, 1400, 1100]) assert.deepEqual(Object.values(await step(1000, rx)).slice(0, 2), [0, 1]);
    // The lines drawn segment by segment are what drawing the chart whole shows.
    await assertSegmentsAsWhole(page, sel, "liveChart");
    // A new top changes the y scale: drawn whole.
    assert.deepEqual(Object.values(await step(1000, 50_000)).slice(0, 2), [1, 0], "a new top is drawn whole");
    assert.deepEqual(errors, []);
  });

  test("live graphs build no Intl number or date format (WebKit would load ICU data for them) and work in the POSIX locale", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1300, height: 850 } });
    // As WebKitGTK with LANG=C: navigator.language is "C", a tag Intl refuses.
    await ctx.addInitScript(() => {
      Object.defineProperty(navigator, "language", { configurable: true, get: () => "C" });
      window.__intlFormats = 0;
      for (const name of ["NumberFormat", "DateTimeFormat"]) {
        const Format = Intl[name];
        Intl[name] = function (...args) { window.__intlFormats++; return new Format(...args); };
      }
    });
    const page = await ctx.newPage();
    errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url + "#/containers");
    await page.dblclick("tr:has(a.name:text-is('web'))");
    await page.waitForFunction(() => document.querySelector(".live-chart[data-metric=cpu]")?.liveChart.length > 0);
    assert.equal(await page.locator(".charts .live-chart canvas").count(), 4);
    assert.equal(await page.evaluate(() => window.__intlFormats), 0, "no Intl format while loading and drawing the charts");
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test("hiding the page stops the stats stream; showing it resumes with the gap filled", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('db'))");
    const sel = ".live-chart[data-metric=cpu]";
    await page.waitForFunction((s) => document.querySelector(s)?.liveChart.length > 0, sel);
    // What the browser does when the window is minimized or hidden.
    const setHidden = (hidden) => page.evaluate((h) => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 1);
    await setHidden(true);
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 0, "the stream is stopped");
    const paused = await page.evaluate((s) => {
      const ch = document.querySelector(s).liveChart;
      return { len: ch.length, newest: ch.newestMs, calls: window.__wharfStub.statsCalls.length };
    }, sel);
    // The core keeps sampling meanwhile; the hidden page draws nothing.
    await page.evaluate(() => { for (let i = 0; i < 3; i++) window.__wharfStub.tick(); });
    assert.equal(await page.evaluate((s) => document.querySelector(s).liveChart.length, sel), paused.len);
    await setHidden(false);
    const calls = await page.evaluate(() => window.__wharfStub.statsCalls);
    assert.equal(calls.length, paused.calls + 1, "one new stream");
    assert.deepEqual(calls.at(-1).series, { after_ms: paused.newest }, "it asks for the tail since the last sample");
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 1);
    // The gap arrives: every sample taken while hidden is in the chart, in order, once.
    await page.waitForFunction(([s, n]) => document.querySelector(s).liveChart.length >= n + 3, [sel, paused.len]);
    const check = await page.evaluate(([s, newest]) => {
      const ch = document.querySelector(s).liveChart;
      const xs = ch.data[0].map((x) => Math.round(x * 1000));
      const stub = [...window.__wharfStub.series.values()].find((v) => v.some((x) => x.at_ms === newest));
      const gap = stub.filter((x) => x.at_ms > newest).map((x) => x.at_ms);
      return { gap, held: xs.slice(xs.indexOf(newest) + 1), sorted: xs.every((x, i) => i === 0 || xs[i - 1] < x) };
    }, [sel, paused.newest]);
    assert.ok(check.gap.length >= 3, `${check.gap}`);
    assert.deepEqual(check.held.slice(0, check.gap.length), check.gap);
    assert.ok(check.sorted);
    assert.deepEqual(errors, []);
  });

  test("the dashboard rebuilds a card only when what it shows changed", async () => {
    const page = await open("#/dashboard");
    await page.waitForSelector(".dashboard .donut svg");
    const donut = await page.$(".dashboard .donut svg");
    const facts = await page.$(".dashboard .facts");
    // A store revision that changes nothing the cards show leaves their elements alone.
    await page.evaluate(() => window.__wharfStub.publish());
    await page.waitForFunction(() => document.querySelector("[data-count=running]").textContent === "3");
    assert.ok(await page.evaluate(([d, f]) => d.isConnected && f.isConnected, [donut, facts]), "cards kept");
    // A change they show rebuilds them.
    await page.evaluate(() => { window.__wharfStub.containers[0].state = "exited"; window.__wharfStub.publish(); });
    await page.waitForFunction(() => document.querySelector("[data-count=running]").textContent === "2");
    assert.ok(!(await page.evaluate((d) => d.isConnected, donut)), "the donut was redrawn");
    assert.ok(await page.evaluate((f) => f.isConnected, facts), "the engine facts were not");
    assert.deepEqual(errors, []);
  });

  test("the dashboard's top lists stream only while they are in view and the page is visible", async () => {
    const page = await open("#/dashboard");
    await page.waitForFunction(() => document.querySelector(".stack-chart[data-metric=cpu]")?.stackChart.length > 0);
    // The live graphs fill the window: the top lists below them are out of view, sent nothing.
    await page.waitForFunction(() => window.__wharfStub.openStreams === 1);
    await showTopLists(page);
    await page.waitForSelector("ol.top li");
    // In view: the top lists' stats stream and the live graphs' stream.
    await page.waitForFunction(() => window.__wharfStub.openStreams === 2);
    // Only the samples the top lists show are asked for.
    assert.equal(await page.evaluate(() => window.__wharfStub.statsCalls.at(-1).top), 5);
    await page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 0);
    await page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await page.waitForFunction(() => window.__wharfStub.openStreams === 2);
    // Scrolled back to the top: the lists' stream stops again.
    await page.evaluate(() => document.querySelector("main").scrollTo(0, 0));
    await page.waitForFunction(() => window.__wharfStub.openStreams === 1);
    assert.deepEqual(errors, []);
  });

  test("keyboard shortcuts and the remembered last view", async () => {
    const page = await open("#/dashboard");
    await page.keyboard.press("Alt+2");
    await page.waitForSelector("[data-table=containers]");
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.className), "filter");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Alt+3");
    await page.waitForSelector("[data-table=images]");
    // A fresh start without a hash reopens the last view.
    await page.goto(server.url);
    await page.waitForSelector("[data-table=images]");
  });

  test("used-by counts come from the snapshot's usage (wharf-core's rule), for images, networks and volumes", async () => {
    const page = await open("#/volumes");
    const usedBy = async (table, name) => {
      await page.waitForSelector(`[data-table=${table}] tbody tr[data-id]`);
      const headers = await page.$$eval(`[data-table=${table}] thead th`, (ths) => ths.map((t) => t.textContent.trim()));
      const col = headers.findIndex((h) => h.startsWith("Containers"));
      assert.ok(col >= 0, `${table}: ${headers}`);
      const row = page.locator(`[data-table=${table}] tbody tr:has(td:text-is("${name}"))`);
      return (await row.locator("td").nth(col).textContent()).trim();
    };
    const usage = await page.evaluate(() => window.__wharfStub.snapshot().usage);
    assert.equal(await usedBy("volumes", "shop_data"), String(usage.volumes.shop_data.length));
    assert.equal(await usedBy("volumes", "keep_me"), "0");
    await page.click("[data-section=networks]");
    assert.equal(await usedBy("networks", "bridge"), String(Object.values(usage.networks)[0].length));
    assert.equal(await usedBy("networks", "shop_default"), "0");
    assert.deepEqual(errors, []);
  });

  test("rename a container, create a network and a volume; a taken name is explained in the dialog", async () => {
    const page = await open("#/containers");
    const sent = () => page.evaluate(() => window.__wharfStub.commands.map((c) => c.cmd));
    await page.waitForSelector("[data-table=containers] tbody tr[data-id]");
    // Rename needs exactly one selected row.
    assert.ok(await page.isDisabled("button[data-action=rename]"));
    await page.check(`tr:has(a.name:text-is("worker")) input[type=checkbox]`);
    await page.click("button[data-action=rename]");
    const dlg = page.locator("dialog.form");
    assert.equal(await dlg.locator("input[name=name]").inputValue(), "worker");
    // A name in use: the engine's refusal shows in the dialog, which stays open.
    await dlg.locator("input[name=name]").fill("db");
    await dlg.locator("[data-testid=submit]").click();
    await page.waitForSelector("dialog.form .form-error:not([hidden])");
    assert.match(await page.textContent(".form-error"), /container name "db" is already in use/);
    await dlg.locator("input[name=name]").fill("worker-2");
    await dlg.locator("[data-testid=submit]").click();
    await page.waitForSelector("a.name:text-is('worker-2')");
    assert.equal(await page.locator("dialog.form").count(), 0);
    const renames = (await sent()).filter((c) => c.action === "rename");
    assert.deepEqual(renames.map((c) => c.name), ["db", "worker-2"]);

    // Create is always available in the networks view; the form sends what was typed.
    await page.click("[data-section=networks]");
    await page.click("[data-table=networks] button[data-action=create]");
    await page.fill("dialog.form input[name=name]", "backend");
    await page.check("dialog.form input[name=internal]");
    // The options are free text (no name pattern): the core parses them.
    await page.fill("dialog.form input[name=subnet]", "10.5.0.0/16");
    await page.fill("dialog.form input[name=options]", "com.docker.network.driver.mtu=1400, a=b");
    await page.locator("dialog.form input[name=name]").press("Enter");
    await page.waitForSelector("[data-table=networks] td:text-is('backend')");
    assert.deepEqual((await sent()).at(-1), { action: "create_network", name: "backend", driver: "bridge", internal: true,
      options: { subnet: "10.5.0.0/16", gateway: "", ip_range: "", options: ["com.docker.network.driver.mtu=1400", "a=b"], labels: [], attachable: false } });

    await page.click("[data-section=volumes]");
    await page.click("[data-table=volumes] button[data-action=create]");
    await page.fill("dialog.form input[name=name]", "pgdata");
    await page.click("dialog.form [data-testid=submit]");
    await page.waitForSelector("[data-table=volumes] td:text-is('pgdata')");
    assert.deepEqual((await sent()).at(-1), { action: "create_volume", name: "pgdata", driver: "local" });
    // Escape cancels without sending anything.
    const before = (await sent()).length;
    await page.click("[data-table=volumes] button[data-action=create]");
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("dialog.form").count(), 0);
    assert.equal((await sent()).length, before);
    assert.deepEqual(errors, []);
  });

  test("theme follows the system", async () => {
    const bg = async (scheme) => {
      const page = await open("#/dashboard", { colorScheme: scheme });
      return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    };
    const light = await bg("light");
    const dark = await bg("dark");
    assert.notEqual(light, dark);
    assert.equal(dark, "rgb(21, 23, 28)");
  });

  test("an unverified TLS engine is marked in the header, in red, while it is used", async () => {
    const page = await open("#/containers");
    await page.waitForSelector("[data-testid=endpoint] .state");
    assert.equal(await page.locator("[data-testid=tls-unverified]").count(), 0);
    await page.evaluate(() => { window.__wharfStub.tlsUnverified = true; window.__wharfStub.publish(); });
    const badge = page.locator("[data-testid=endpoint] [data-testid=tls-unverified]");
    await badge.waitFor();
    assert.equal(await badge.textContent(), "TLS NOT VERIFIED");
    assert.equal(await badge.evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(220, 38, 38)");
    // It stays on every page (the header is shared), and goes once the engine is verified.
    await page.click("[data-section=images]");
    assert.equal(await badge.count(), 1);
    await page.evaluate(() => { window.__wharfStub.tlsUnverified = false; window.__wharfStub.publish(); });
    await badge.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
  });

  // Issue #11. The stub answers run previews from a few canned cases (layout and interaction
  // only); the core's rules behind them are proved through the real app (app.e2e.mjs) and
  // src-tauri/tests/run.rs.
  test("run form: errors under their field as you type, Run only when valid, warnings and the command line, then the new container's logs", async () => {
    const page = await open("#/containers");
    await page.click("[data-table=containers] button[data-action=run]");
    const dlg = page.locator("dialog.run");
    await dlg.waitFor();
    // Empty at first: the image is required, and the focus is in it.
    await page.waitForSelector("[data-error-for=image]:not([hidden])");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("name")), "image");
    assert.ok(await page.isDisabled("[data-testid=run]"));
    // Typing fast asks the core once the typing pauses, not on every key.
    const asked = await page.evaluate(() => window.__wharfStub.previews.length);
    await page.keyboard.type("busybox:test");
    await page.waitForSelector("[data-error-for=image][hidden]", { state: "attached" });
    const typed = (await page.evaluate(() => window.__wharfStub.previews.length)) - asked;
    assert.ok(typed >= 1 && typed <= 3, `${typed} previews for 12 keys`);
    // A bad port: its message under that row, the field marked, Run disabled.
    await dlg.locator("details[data-section=network] summary").click();
    await page.click("[data-add=ports]");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("name")), "ports.0", "the new row has the focus");
    await page.keyboard.type("70000:80");
    const rowError = dlg.locator("[data-list=ports] .row .field-error");
    await page.waitForSelector("[data-list=ports] .row .field-error:not([hidden])");
    assert.equal(await rowError.textContent(), "port 70000 is out of range");
    assert.equal(await dlg.locator("input[name='ports.0']").getAttribute("aria-invalid"), "true");
    assert.ok(await page.isDisabled("[data-testid=run]"));
    assert.match(await page.textContent("[data-testid=run-status]"), /1 problem to fix/);
    assert.equal(await page.textContent("[data-testid=docker-run]"), "");
    // Fixed: the error goes, the warnings (why + reference) and the command line come.
    await dlg.locator("input[name='ports.0']").fill("8080:80");
    await page.waitForSelector("[data-testid=run]:not([disabled])");
    assert.equal(await rowError.isHidden(), true);
    assert.match(await page.textContent("[data-testid=docker-run]"), /^docker run -d -p 8080:80 busybox:test$/);
    assert.match(await page.textContent("[data-testid=run-findings]"), /No memory limit.*One container can use all.*\(CIS Docker Benchmark 5\.10\)/s);
    await dlg.locator("details[data-section=security] summary").click();
    await dlg.locator("input[name=privileged]").check();
    await page.waitForSelector("[data-testid=run-findings] [data-check=privileged]");
    assert.match(await page.textContent("[data-testid=run-findings] [data-check=privileged] .badge"), /high/);
    // Enter submits; with "follow logs" the new container's logs open.
    await dlg.locator("details[data-section=lifecycle] summary").click();
    await dlg.locator("input[name=follow_logs]").check();
    await dlg.locator("input[name=image]").press("Enter");
    await dlg.waitFor({ state: "detached" });
    const sent = await page.evaluate(() => window.__wharfStub.commands.at(-1));
    assert.equal(sent.cmd.action, "run");
    assert.equal(sent.confirmed, false, "running destroys nothing: no confirmation");
    assert.equal(sent.cmd.start, true);
    assert.deepEqual(sent.cmd.form.ports, ["8080:80"]);
    assert.equal(sent.cmd.form.privileged, true);
    const id = await page.evaluate(() => window.__wharfStub.containers.at(-1).id);
    await page.waitForFunction((x) => location.hash === `#/container/${x}/logs`, id);
    await page.waitForSelector("[data-testid=logs]");
    assert.deepEqual(errors, []);
  });

  test("run form: an answer that arrives late never overwrites a newer one; blank rows are not sent", async () => {
    const page = await open("#/containers");
    await page.click("[data-table=containers] button[data-action=run]");
    await page.fill("dialog.run input[name=image]", "busybox:test");
    await page.waitForSelector("[data-testid=run]:not([disabled])");
    // The answer for the bad port comes after the answer for the fixed one.
    await page.evaluate(() => { window.__wharfStub.previewDelay = (f) => (f.ports.includes("70000:80") ? 500 : 0); });
    await page.click("dialog.run details[data-section=network] summary");
    await page.click("[data-add=ports]");
    await page.click("[data-add=ports]");
    await page.fill("dialog.run input[name='ports.1']", "70000:80");
    await page.waitForFunction(() => window.__wharfStub.previews.some((f) => f.ports.includes("70000:80")));
    await page.fill("dialog.run input[name='ports.1']", "9090:90");
    await page.waitForSelector("[data-testid=run]:not([disabled])");
    await page.waitForTimeout(700);
    assert.equal(await page.locator("dialog.run .field-error:not([hidden])").count(), 0, "the stale error is not shown");
    assert.ok(!(await page.isDisabled("[data-testid=run]")));
    // Row 0 was left blank: the core is sent one port, and an error on it lands on row 1.
    assert.deepEqual(await page.evaluate(() => window.__wharfStub.previews.at(-1).ports), ["9090:90"]);
    await page.evaluate(() => { window.__wharfStub.previewDelay = () => 0; });
    await page.fill("dialog.run input[name='ports.1']", "80000");
    await page.waitForSelector("[data-list=ports] .row:nth-child(2) .field-error:not([hidden])");
    assert.equal(await page.locator("[data-list=ports] .row:nth-child(1) .field-error").isHidden(), true);
    assert.deepEqual(errors, []);
  });

  test("an image's Run prefills it; Esc closes an unchanged form, asks before discarding a changed one", async () => {
    const page = await open("#/images");
    await page.click("tr:has(td:text-is('busybox:test')) button[data-action=run-image]");
    const dlg = page.locator("dialog.run");
    await dlg.waitFor();
    assert.equal(await dlg.locator("input[name=image]").inputValue(), "busybox:test");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("name")), "name", "the image is given: the name is next");
    await page.keyboard.press("Escape");
    await dlg.waitFor({ state: "detached" });
    await page.click("tr:has(td:text-is('busybox:test')) button[data-action=run-image]");
    await dlg.waitFor();
    await page.keyboard.type("web-2");
    await page.keyboard.press("Escape");
    const ask = page.locator("dialog.confirm:not(.run)");
    await ask.waitFor();
    assert.match(await ask.textContent(), /Discard this run form\?/);
    await ask.locator(".cancel").click();
    assert.equal(await dlg.locator("input[name=name]").inputValue(), "web-2", "kept");
    await page.keyboard.press("Escape");
    await ask.locator("[data-testid=confirm]").click();
    await dlg.waitFor({ state: "detached" });
    assert.deepEqual(await page.evaluate(() => window.__wharfStub.commands), [], "nothing was run");
    assert.deepEqual(errors, []);
  });

  test("read-only: Run is disabled with a tooltip saying why", async () => {
    const page = await open("#/containers");
    await page.evaluate(() => { window.__wharfStub.readOnly = true; window.__wharfStub.publish(); });
    const run = page.locator("[data-table=containers] button[data-action=run]");
    await page.waitForSelector("[data-table=containers] button[data-action=run][disabled]");
    assert.match(await run.getAttribute("title"), /read-only/);
    assert.equal(await page.locator("[data-table=containers] button[data-action=stop]").count(), 0, "other changes stay hidden");
    await page.click("[data-section=images]");
    const row = page.locator("tr:has(td:text-is('busybox:test')) button[data-action=run-image]");
    await row.waitFor();
    assert.ok(await row.isDisabled());
    assert.match(await row.getAttribute("title"), /read-only/);
  });

  test("findings: a badge per container, a Findings tab, and the dashboard's summary", async () => {
    const page = await open("#/containers");
    const badge = page.locator("tr:has(a.name:text-is('web')) [data-findings]");
    await badge.waitFor();
    assert.equal(await badge.textContent(), "1 high1 med");
    assert.equal(await page.locator("tr:has(a.name:text-is('db')) [data-findings]").textContent(), "1 med");
    await badge.click();
    await page.waitForSelector("[data-testid=findings] li.finding");
    assert.match(await page.textContent("[data-tab=findings][aria-selected=true]"), /findings/);
    const items = await page.$$eval("[data-testid=findings] li.finding", (ls) => ls.map((l) => l.dataset.check));
    assert.deepEqual(items, ["privileged", "no_memory_limit"]);
    assert.match(await page.textContent("[data-testid=findings] [data-check=privileged]"), /Runs privileged.*almost anything.*\(CIS Docker Benchmark 5\.4\)/s);
    await page.click("[data-section=dashboard]");
    await page.waitForSelector("[data-testid=findings-summary] [data-worst=high]");
    assert.equal(await page.textContent("[data-worst=high]"), "1");
    assert.equal(await page.textContent("[data-worst=medium]"), "4");
    assert.match(await page.textContent("[data-testid=findings-summary] [data-check=privileged]"), /Runs privileged\s*1/);
    assert.deepEqual(errors, []);
  });

  test("the Findings tab of a container not inspected yet says so, then follows the store", async () => {
    const page = await open("#/dashboard");
    const id = await page.evaluate(() => { const s = window.__wharfStub; s.uninspected.add(s.containers[0].id); s.publish(); return s.containers[0].id; });
    await page.evaluate((x) => { location.hash = `#/container/${x}/findings`; }, id);
    await page.waitForSelector("[data-testid=findings] .error");
    assert.match(await page.textContent("[data-testid=findings]"), /web is not inspected yet/);
    await page.evaluate(() => { const s = window.__wharfStub; s.uninspected.clear(); s.publish(); });
    await page.waitForSelector("[data-testid=findings] [data-check=privileged]");
    assert.deepEqual(errors, []);
  });

  test("the run form's command line is copied with its button", async () => {
    const page = await open("#/containers", { permissions: ["clipboard-read", "clipboard-write"] });
    await page.click("[data-table=containers] button[data-action=run]");
    await page.fill("dialog.run input[name=image]", "busybox:test");
    await page.waitForSelector("[data-action=copy-docker-run]:not([disabled])");
    await page.click("[data-action=copy-docker-run]");
    await page.waitForSelector(".toast:has-text('Copied')");
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "docker run -d busybox:test");
    // A secret in the environment is masked in the line unless asked for.
    await page.click("dialog.run details[data-section=environment] summary");
    await page.click("[data-add=env]");
    await page.keyboard.type("DB_PASSWORD=hunter2");
    await page.waitForSelector("[data-testid=docker-run]:has-text('DB_PASSWORD=••••••••')");
    assert.ok(!(await page.textContent("[data-testid=docker-run]")).includes("hunter2"));
    await page.check("dialog.run input[name=reveal]");
    await page.waitForSelector("[data-testid=docker-run]:has-text('DB_PASSWORD=hunter2')");
    assert.deepEqual(errors, []);
  });
  test("edit: the container's form prefilled, nothing sent when unchanged, the diff in the confirmation, then Recreate", async () => {
    const id = (0xc0ffee00).toString(16).padStart(64, "0");
    const page = await open(`#/container/${id}/stats`);
    await page.click("[data-action=edit]");
    const dlg = page.locator("dialog.run");
    await dlg.waitFor();
    assert.equal(await dlg.locator("h2").textContent(), "Edit web");
    assert.equal(await dlg.locator("input[name=name]").inputValue(), "web");
    assert.equal(await dlg.locator("input[name='env.0']").inputValue(), "MODE=before");
    assert.equal(await dlg.locator("input[name=start]").count(), 0, "no start choice: the old state decides");
    // The engine's secret is masked in its row until "Show secrets".
    assert.equal(await dlg.locator("input[name='env.1']").getAttribute("type"), "password");
    await dlg.locator("input[name=reveal]").check();
    assert.equal(await dlg.locator("input[name='env.1']").getAttribute("type"), "text");
    await dlg.locator("input[name=reveal]").uncheck();
    assert.equal(await dlg.locator("input[name='env.1']").getAttribute("type"), "password");
    // Unchanged: the core finds nothing to apply and nothing is sent.
    await page.waitForSelector("[data-testid=run]:not([disabled])");
    assert.equal(await page.textContent("[data-testid=run]"), "Recreate…");
    await page.click("[data-testid=run]");
    await page.waitForSelector("[data-testid=run-status]:has-text('Nothing changed')");
    assert.equal(await page.evaluate(() => window.__wharfStub.commands.length), 0);
    // Changed: the confirmation lists the change (a secret's value never), then Recreate.
    await dlg.locator("input[name='env.0']").fill("MODE=after");
    await dlg.locator("input[name='env.1']").fill("DB_PASSWORD=s3cr3t");
    await page.waitForSelector("[data-testid=run]:not([disabled])");
    await page.click("[data-testid=run]");
    const confirm = page.locator("dialog.confirm[aria-label^='Recreate web']");
    await confirm.waitFor();
    const names = await confirm.locator("ul.names li").allTextContents();
    assert.deepEqual(names, ["environment MODE: before → after", "environment DB_PASSWORD: •••••••• → ••••••••"]);
    assert.ok(!(await confirm.textContent()).includes("s3cr3t"));
    await confirm.locator("[data-testid=confirm]").click();
    await dlg.waitFor({ state: "detached" });
    const sent = await page.evaluate(() => window.__wharfStub.commands.at(-1));
    assert.equal(sent.cmd.action, "recreate");
    assert.equal(sent.confirmed, true);
    assert.equal(sent.cmd.id, id);
    assert.deepEqual(sent.cmd.form.env, ["MODE=after", "DB_PASSWORD=s3cr3t"]);
    const now = await page.evaluate(() => window.__wharfStub.containers[0].id);
    assert.notEqual(now, id);
    await page.waitForFunction((x) => location.hash === `#/container/${x}/stats`, now);
    assert.deepEqual(errors, []);
  });
  test("container page: Limits… updates in place, Connect… with aliases, Disconnect… names the network", async () => {
    const id = (0xc0ffee01).toString(16).padStart(64, "0");
    const page = await open(`#/container/${id}/stats`);
    const last = () => page.evaluate(() => window.__wharfStub.commands.at(-1));
    await page.click("[data-action=update-limits]");
    await page.waitForSelector("dialog.form input[name=memory]");
    await page.fill("dialog.form input[name=memory]", "128m");
    await page.fill("dialog.form input[name=restart]", "on-failure:2");
    await page.click("dialog.form [data-testid=submit]");
    await page.waitForSelector("dialog.form", { state: "detached" });
    const upd = await last();
    assert.equal(upd.cmd.action, "update");
    assert.equal(upd.cmd.id, id);
    assert.equal(upd.cmd.limits.memory, "128m");
    assert.equal(upd.cmd.limits.restart, "on-failure:2");
    await page.click("[data-action=connect]");
    await page.fill("dialog.form input[name=network]", "shop_default");
    await page.fill("dialog.form input[name=aliases]", "db, database");
    await page.click("dialog.form [data-testid=submit]");
    await page.waitForSelector("dialog.form", { state: "detached" });
    assert.deepEqual((await last()).cmd, { action: "connect", network: "shop_default", container: id, aliases: ["db", "database"] });
    await page.click("[data-action=disconnect]");
    await page.waitForSelector("dialog.form[aria-label^='Disconnect db']");
    assert.equal(await page.inputValue("dialog.form input[name=network]"), "bridge");
    await page.fill("dialog.form input[name=network]", "shop_default");
    await page.click("dialog.form [data-testid=submit]");
    await page.waitForSelector("dialog.form", { state: "detached" });
    const d = await last();
    assert.deepEqual(d, { cmd: { action: "disconnect", network: "shop_default", container: id, force: false }, confirmed: true });
    assert.deepEqual(errors, []);
  });

  test("build dialog: errors under their field, live output as inert text, then the new image selected", async () => {
    const page = await open("#/images");
    await page.click("[data-table=images] button[data-action=build]");
    const dlg = page.locator("dialog.build");
    await dlg.waitFor();
    // Empty: the directory is required (the core's verdict, placed under its field).
    await page.waitForSelector("[data-error-for=context]:not([hidden])");
    assert.ok(await page.isDisabled("[data-testid=build]"));
    await page.fill("dialog.build input[name=context]", "/home/me/app");
    await page.fill("dialog.build textarea[name=tags]", "app:1\nBad Tag");
    await page.waitForSelector("[data-error-for=tags]:not([hidden])");
    assert.match(await page.textContent("[data-error-for=tags]"), /^line 2: tag: /);
    assert.equal(await dlg.locator("textarea[name=tags]").getAttribute("aria-invalid"), "true");
    await page.fill("dialog.build textarea[name=tags]", "app:1\n\n");
    await page.fill("dialog.build textarea[name=args]", "VERSION=2");
    await page.fill("dialog.build input[name=target]", "final");
    await page.waitForSelector("[data-testid=build]:not([disabled])");
    await page.click("[data-testid=build]");
    // The output streams in: steps bold, markup shown as text.
    await page.waitForSelector("[data-testid=build-output] .step");
    const sent = await page.evaluate(() => window.__wharfStub.builds.at(-1));
    assert.deepEqual(sent.tags, ["app:1"], "blank lines are not entries");
    assert.deepEqual(sent.args, ["VERSION=2"]);
    assert.equal(sent.target, "final");
    await dlg.waitFor({ state: "detached" });
    await page.waitForSelector(".toast:has-text('Built app:1')");
    const id = await page.evaluate(() => window.__wharfStub.built.at(-1).id);
    await page.waitForSelector(`[data-table=images] tr.selected[data-id="${id}"]`);
    assert.equal(await page.locator("[data-table=images] tr.selected").count(), 1);
    assert.deepEqual(errors, []);
  });

  test("build dialog: a failed build shows the engine's error; Cancel stops a running build", async () => {
    const page = await open("#/images");
    await page.click("[data-table=images] button[data-action=build]");
    await page.fill("dialog.build input[name=context]", "/home/me/fail");
    await page.waitForSelector("[data-testid=build]:not([disabled])");
    await page.click("[data-testid=build]");
    await page.waitForSelector("[data-testid=build-error]:not([hidden])");
    assert.match(await page.textContent("[data-testid=build-error]"), /returned a non-zero code: 3/);
    // The output kept what came, markup as text, never as elements.
    const out = page.locator("[data-testid=build-output]");
    assert.match(await out.textContent(), /hello <b>not bold<\/b> & escaped/);
    assert.equal(await out.locator("b").count(), 0);
    assert.equal(await page.evaluate(() => window.__wharfStub.built.length), 0);
    // Again with a build that runs until stopped: Cancel stops its stream.
    await page.fill("dialog.build input[name=context]", "/home/me/slow");
    await page.waitForSelector("[data-testid=build]:not([disabled])");
    await page.click("[data-testid=build]");
    await page.waitForSelector("[data-testid=build-output] .step");
    assert.equal(await page.textContent("[data-testid=build-cancel]"), "Cancel");
    const stopped = await page.evaluate(() => window.__wharfStub.buildsStopped);
    await page.click("[data-testid=build-cancel]");
    await page.waitForSelector("[data-testid=build-output] .error:has-text('Build cancelled')");
    assert.equal(await page.evaluate(() => window.__wharfStub.buildsStopped), stopped + 1);
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 0);
    // Close on the changed form asks first; keeping it keeps what was typed.
    await page.click("[data-testid=build-cancel]");
    const ask = page.locator("dialog.confirm:not(.build)");
    await ask.waitFor();
    assert.match(await ask.textContent(), /Discard this build form\?/);
    await ask.locator(".cancel").click();
    assert.equal(await page.inputValue("dialog.build input[name=context]"), "/home/me/slow", "kept");
    await page.click("[data-testid=build-cancel]");
    await ask.locator("[data-testid=confirm]").click();
    await page.locator("dialog.build").waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
  });

  test("image search lists results as text, and says when a registry offers none", async () => {
    const page = await open("#/images");
    await page.fill("input[name=image-search]", "nginx");
    await page.press("input[name=image-search]", "Enter");
    await page.waitForSelector("[data-testid=search-results] li[data-name=nginx]");
    assert.match(await page.textContent("[data-testid=search-results]"), /★ 1200.*nginx.*official.*<i>not italic<\/i>/s);
    assert.equal(await page.locator("[data-testid=search-results] i").count(), 0);
    assert.equal(await page.locator("[data-testid=search-results] li").count(), 2);
    // "Official only" is sent to the engine as its is-official filter.
    await page.check("input[name=official-only]");
    await page.press("input[name=image-search]", "Enter");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=search-results] li").length === 1);
    await page.fill("input[name=image-search]", "127.0.0.1:5000/web");
    await page.press("input[name=image-search]", "Enter");
    await page.waitForSelector("[data-testid=search-results] [role=alert]");
    assert.match(await page.textContent("[data-testid=search-results]"), /127\.0\.0\.1:5000 does not offer search/);
    assert.deepEqual(errors, []);
  });

  test("read-only: Build is disabled with a tooltip saying why", async () => {
    const page = await open("#/images");
    await page.evaluate(() => { const s = window.__wharfStub; s.readOnly = true; s.publish(); });
    await page.waitForSelector("[data-table=images] button[data-action=build][disabled]");
    assert.match(await page.getAttribute("[data-table=images] button[data-action=build]", "title"), /read-only/);
    assert.deepEqual(errors, []);
  });

  // Issue #11, files: a breadcrumb and a table from the core's listing, into a folder and
  // back, a progress bar that moves and a Cancel that stops the copy, an overwrite asked first.
  test("the Files tab browses folders and copies with a progress bar and Cancel", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('db'))");
    await page.click("[data-tab=files]");
    await page.waitForSelector("[data-testid=files] tr[data-name=srv]");
    // Names the core made inert are shown as such; nothing becomes markup.
    assert.ok((await page.textContent("[data-testid=files]")).includes("evil⟨U+202E⟩txt.sh"));
    assert.match(await page.textContent("[data-testid=files] tr[data-name=pw]"), /→ \/etc\/passwd/);
    await page.click("[data-testid=files] a:text-is('srv/')");
    await page.waitForSelector("[data-testid=files] tr[data-name=www]");
    assert.match(await page.textContent("[data-testid=crumbs]"), /srv/);
    await page.dblclick("[data-testid=files] tr[data-name=www]");
    await page.waitForSelector("[data-testid=files] tr[data-name='index.html']");
    await page.click("[data-testid=crumbs] button:text-is('/')");
    await page.waitForSelector("[data-testid=files] tr[data-name=etc]");
    await page.click("[data-testid=files] a:text-is('etc/')");
    await page.waitForSelector("[data-testid=truncated]:has-text('listing truncated')");
    await page.click("[data-action=up]");
    await page.waitForSelector("[data-testid=files] tr[data-name=srv]");
    assert.deepEqual(await page.evaluate(() => window.__wharfStub.listed), ["/", "/srv", "/srv/www", "/", "/etc", "/"]);

    // Copy out: the bar moves, then the toast names the target.
    await page.click("[data-testid=files] tr[data-name='hosts.txt']");
    await page.fill("[data-testid=host-path]", "/tmp/out");
    await page.click("[data-action=copy-out]");
    await page.waitForFunction(() => { const b = document.querySelector("[data-testid=copy-progress]"); return b && b.value > 0 && b.value < b.max; });
    await page.waitForSelector(".toast:has-text('done → /tmp/out/hosts.txt')");
    assert.equal(await page.locator(".copy-progress").isHidden(), true);
    // Copy in, cancelled halfway.
    await page.fill("[data-testid=host-path]", "/home/me/site");
    await page.click("[data-action=copy-in]");
    await page.waitForFunction(() => document.querySelector("[data-testid=copy-progress]").value > 0);
    await page.click("[data-action=copy-cancel]");
    await page.waitForSelector(".toast:has-text('Copy cancelled')");
    assert.equal(await page.evaluate(() => window.__wharfStub.copyCancelled), 1);
    // An existing host path: asked first, then sent again with overwrite.
    await page.click("[data-testid=files] tr[data-name='hosts.txt']");
    await page.fill("[data-testid=host-path]", "/exists");
    await page.click("[data-action=copy-out]");
    await page.waitForSelector("dialog.confirm:has-text('already exists on the host')");
    await page.click("dialog.confirm [data-testid=confirm]");
    await page.waitForSelector(".toast:has-text('done → /exists/hosts.txt')");
    const copies = await page.evaluate(() => window.__wharfStub.copies.map((c) => [c.dir, c.src, c.dest, c.overwrite]));
    assert.deepEqual(copies, [["out", "/hosts.txt", "/tmp/out", false], ["in", "/home/me/site", "/", false],
      ["out", "/hosts.txt", "/exists", false], ["out", "/hosts.txt", "/exists", true]]);

    await page.click("[data-tab=changes]");
    await page.waitForSelector("[data-testid=changes] tr.change-added:has-text('/made-here')");
    assert.match(await page.textContent("[data-testid=changes] tr.change-deleted"), /D\s*\/bin\/cat/);
    assert.deepEqual(errors, []);
  });

  test("update images: disabled before a check, the plan as the confirmation, progress, a line per container (issue #11)", async () => {
    const page = await open("#/containers");
    await page.waitForSelector("[data-table=containers] tbody tr[data-id]");
    assert.ok(await page.isDisabled("button[data-action=update-images]"), "nothing outdated before a check");
    await page.evaluate(() => { location.hash = "#/images"; });
    await page.click("button[data-action=check-updates]");
    await page.waitForSelector("[data-table=images] [data-freshness=outdated]");
    await page.evaluate(() => { location.hash = "#/containers"; window.__wharfStub.transferTick = 150; });
    await page.waitForSelector("[data-table=containers] [data-freshness=outdated]");
    await page.click("button[data-action=update-images]:not([disabled])");
    const dlg = page.locator("dialog.update-images");
    await dlg.waitFor();
    // Every outdated container is planned, the paused one left out with why.
    const planned = await page.$$eval("[data-testid=update-plan] li", (ls) => ls.map((l) => l.textContent));
    assert.equal(planned.length, 4, `${planned}`);
    assert.ok(planned.every((t) => t.includes("→ busybox:test")), `${planned}`);
    assert.match(await page.textContent("[data-testid=update-excluded]"), /worker: it is paused/);
    assert.equal(await page.locator("[data-testid=update-plan] input:checked").count(), 4, "checked by default");
    await page.uncheck("[data-testid=update-plan] li:has-text('old-job') input");
    assert.equal(await page.textContent("dialog.update-images [data-testid=confirm]"), "Update 3");
    await page.click("dialog.update-images [data-testid=confirm]");
    // The pull's bars, then each container as its recreate starts.
    await page.waitForSelector("dialog.update-images [data-testid=overall]");
    await page.waitForSelector("dialog.update-images [data-testid=recreating]");
    await page.waitForSelector("dialog.update-images[data-done=true]");
    const sent = await page.evaluate(() => window.__wharfStub.imageUpdates);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].confirmed, true);
    assert.deepEqual(sent[0].plan.items.map((i) => i.name).sort(), ["db", "evil<script>alert(1)</script>", "web"]);
    const results = await page.$$eval("[data-testid=update-results] li", (ls) => ls.map((l) => [l.dataset.result, l.textContent]));
    assert.equal(results.length, 3);
    assert.ok(results.some(([r, t]) => r === "updated" && /^web: updated [0-9a-f]{12} → [0-9a-f]{12}$/.test(t)), `${results}`);
    assert.ok(results.some(([r, t]) => r === "failed" && t.includes("db: failed at recreate") && t.includes("is back")), `${results}`);
    assert.match(await page.textContent("dialog.update-images .result"), /2 updated, 0 skipped, 1 failed/);
    await page.click("dialog.update-images button.cancel");
    await dlg.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
  });
  test("swarm: not a manager says so; scale sends one op unconfirmed, a drain asks first", async () => {
    const page = await open("#/swarm");
    await page.waitForSelector("[data-testid=swarm-note]:text('not a swarm manager')");
    await page.evaluate(() => { window.__wharfStub.swarm = true; window.__wharfStub.publish(); });
    await page.waitForSelector("[data-table=services] tbody tr[data-id=svc1]");
    assert.equal((await page.textContent("[data-testid=swarm-note]")).trim(), "");
    const sent = () => page.evaluate(() => window.__wharfStub.commands.filter((c) => c.cmd.action === "swarm"));
    await page.check("[data-table=services] tr[data-id=svc1] input[type=checkbox]");
    await page.click("[data-table=services] button[data-action=scale]");
    await page.fill("dialog.form input[name=replicas]", "3");
    await page.locator("dialog.form [data-testid=submit]").click();
    await page.waitForSelector("[data-table=services] tr[data-id=svc1] td:text-is('3/3')");
    await page.waitForSelector("[data-table=tasks] tbody tr[data-id=task3]");
    let cmds = await sent();
    assert.equal(cmds.length, 1);
    assert.deepEqual(cmds[0].cmd.op.change, { change: "scale", replicas: 3 });
    assert.equal(cmds[0].confirmed, false);
    // A drain is destructive by the core's rule: confirmed first, then sent confirmed.
    await page.check("[data-table=nodes] tr[data-id=node1] input[type=checkbox]");
    await page.click("[data-table=nodes] button[data-action=drain]");
    const dialog = page.locator("dialog.confirm");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /stub-node/);
    await dialog.locator("button.danger, button[data-testid=confirm], button:text-is('Apply')").first().click();
    await page.waitForFunction(() => window.__wharfStub.commands.filter((c) => c.cmd.action === "swarm").length === 2);
    cmds = await sent();
    assert.equal(cmds[1].cmd.op.availability, "drain");
    assert.equal(cmds[1].confirmed, true);
    assert.deepEqual(errors, []);
  });
  test("swarm configs: data only on Show data, as inert text; create sends the op unconfirmed, remove asks first; a service's Logs merges its tasks", async () => {
    const page = await open("#/swarm");
    await page.evaluate(() => { window.__wharfStub.swarm = true; window.__wharfStub.publish(); });
    const row = "[data-table=configs] tbody tr[data-id=cfg1]";
    await page.waitForSelector(row);
    // The table has metadata, never the data.
    assert.match(await page.textContent(row), /nginx\.conf/);
    assert.doesNotMatch(await page.textContent("[data-table=configs]"), /listen 80/);
    await page.check(`${row} input[type=checkbox]`);
    await page.click("[data-table=configs] button[data-action=show-data]");
    const data = page.locator("[data-testid=config-data]");
    await data.waitFor();
    // Text, not markup: the tags show as typed, line breaks and tabs kept.
    assert.equal(await data.textContent(), "listen 80;\n<b>not bold</b>\ttab\n");
    assert.equal(await page.locator("dialog.config-dialog b").count(), 0);
    await page.click("dialog.config-dialog button:text-is('Close')");
    await data.waitFor({ state: "detached" });
    const sent = () => page.evaluate(() => window.__wharfStub.commands.filter((c) => c.cmd.action === "swarm"));
    await page.click("[data-table=configs] button[data-action=create]");
    await page.fill("dialog.form input[name=name]", "app.ini");
    await page.fill("dialog.form input[name=value]", "mode=prod");
    await page.locator("dialog.form [data-testid=submit]").click();
    await page.waitForFunction(() => window.__wharfStub.commands.some((c) => c.cmd.op?.op === "create_config"));
    let cmds = await sent();
    assert.deepEqual(cmds[0].cmd.op, { op: "create_config", name: "app.ini", source: { from: "text", value: "mode=prod" } });
    assert.equal(cmds[0].confirmed, false);
    await page.check(`${row} input[type=checkbox]`);
    await page.click("[data-table=configs] button[data-action=remove]");
    const dialog = page.locator("dialog.confirm");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /nginx\.conf/);
    await dialog.locator("button:text-is('Apply')").click();
    await page.waitForSelector(row, { state: "detached" });
    cmds = await sent();
    assert.deepEqual([cmds[1].cmd.op.op, cmds[1].cmd.op.id, cmds[1].confirmed], ["remove_config", "cfg1", true]);
    // A service's logs: the merged view of every task, asked of the core by service name.
    await page.check("[data-table=services] tr[data-id=svc1] input[type=checkbox]");
    await page.click("[data-table=services] button[data-action=logs]");
    await page.waitForFunction(() => location.hash === "#/logs/service/web");
    await page.waitForFunction(() => window.__wharfStub.mergedCalls.some((c) => c.kind === "service" && c.name === "web"));
    assert.deepEqual(errors, []);
  });
  test("log archive: the container page's toggle stores the choice; the search shows both instances with the recreate marker, as text", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('web'))");
    const toggle = page.locator("button[data-action=archive]");
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    await toggle.click();
    await page.waitForFunction(() => document.querySelector("button[data-action=archive]").getAttribute("aria-pressed") === "true");
    assert.deepEqual(await page.evaluate(() => window.__wharfStub.archiveSelectors), ["compose:shop/web"]);
    await page.evaluate(() => {
      const now = Date.now();
      const e = (mins, kind, container, text, stream = "stdout") => ({ kind, at_ms: now - mins * 60_000,
        time: new Date(now - mins * 60_000).toISOString(), key: "compose:shop/web", name: "shop-web-1", container, stream, text });
      window.__wharfStub.archiveEntries = [
        e(120, "line", "aaaa1111aaaa", "hello from the old one"),
        e(119, "line", "aaaa1111aaaa", "unrelated"),
        e(60, "recreate", "bbbb2222bbbb", "── shop-web-1 was recreated: now bbbb2222bbbb (was aaaa1111aaaa) ──", "stderr"),
        e(59, "line", "bbbb2222bbbb", "hello <b>not bold</b> from the new one", "stderr"),
      ];
    });
    await page.click("a[data-action=archive-search]");
    await page.waitForSelector("[data-testid=archive-results]");
    assert.equal(await page.inputValue("input[name=scope]"), "compose:shop/web");
    await page.fill("input[name=pattern]", "hello");
    await page.click(".archive-form button[type=submit]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=archive-results] .archive-line").length === 3);
    const rows = await page.$$eval("[data-testid=archive-results] .archive-line", (xs) => xs.map((x) => [x.dataset.kind, x.textContent]));
    assert.deepEqual(rows.map((r) => r[0]), ["line", "recreate", "line"]);
    assert.match(rows[0][1], /shop-web-1 │ hello from the old one$/);
    assert.match(rows[1][1], /was recreated: now bbbb2222bbbb/);
    assert.match(rows[2][1], /hello <b>not bold<\/b> from the new one$/);
    assert.equal(await page.locator("[data-testid=archive-results] b").count(), 0, "text, never HTML");
    assert.match(await page.textContent("[data-testid=archive-status]"), /^2 lines found/);
    const last = await page.evaluate(() => window.__wharfStub.archiveCalls.at(-1));
    assert.equal(last.scope, "compose:shop/web");
    assert.equal(last.regex, false);
    assert.ok(last.from_ms > Date.now() - 86_400_000 - 60_000, "the default range is the last 24 h");
    // A bad regex is an error message, and the results are cleared.
    await page.check("input[name=regex]");
    await page.fill("input[name=pattern]", "(");
    await page.click(".archive-form button[type=submit]");
    await page.waitForSelector(".toast.error, .toast:has-text('invalid regular expression')");
    assert.equal(await page.locator("[data-testid=archive-results] .archive-line").count(), 0);
  });
  test("alerts page lists fired alerts live and edits rules with the core's messages", async () => {
    const page = await open("#/alerts");
    await page.waitForSelector("[data-testid=no-alerts]");
    await page.waitForSelector("[data-testid=no-rules]");
    // An alert fires while the page is open: it is listed at once, its name as text.
    await page.evaluate(() => window.__wharfStub.fireAlert({
      id: 7, at_ms: Date.now(), rule: "crashed", engine: "unix:///stub", container_id: "abc123def456",
      container: "api<b>1</b>", key: "name:api", cause: "exited with code 3", notify: true,
      actions: [{ action: "webhook", ok: true, detail: "HTTP 200" }],
    }));
    await page.waitForSelector("[data-table=alerts] tr[data-alert='7']");
    const row = await page.textContent("[data-table=alerts] tr[data-alert='7']");
    assert.match(row, /crashed/);
    assert.match(row, /api<b>1<\/b>/);
    assert.match(row, /exited with code 3/);
    assert.match(row, /webhook ok/);
    // A rule with a zero cooldown is refused with the rule and field named; the dialog stays.
    await page.click("[data-testid=add-rule]");
    await page.fill("dialog input[name=name]", "api died");
    await page.fill("dialog input[name=sel_name]", "^api");
    await page.fill("dialog input[name=event]", "die");
    await page.fill("dialog input[name=cooldown_secs]", "0");
    await page.click("dialog [data-testid=submit]");
    await page.waitForSelector("dialog .form-error:not([hidden])");
    assert.match(await page.textContent("dialog .form-error"), /alert rule "api died": cooldown_secs: must be at least 1/);
    assert.deepEqual(await page.evaluate(() => window.__wharfStub.alertRules), []);
    await page.fill("dialog input[name=cooldown_secs]", "300");
    await page.click("dialog [data-testid=submit]");
    await page.waitForSelector("[data-table=alert-rules] tr[data-rule='api died']");
    const saved = await page.evaluate(() => window.__wharfStub.alertRules);
    assert.equal(saved.length, 1);
    assert.equal(saved[0].trigger.event, "die");
    assert.equal(saved[0].select.name, "^api");
    assert.equal(saved[0].cooldown_secs, 300);
    assert.equal(saved[0].notify, true);
    // Removing asks first, naming the rule.
    await page.click("[data-testid=remove-rule]");
    await page.waitForSelector("dialog.confirm li");
    assert.equal(await page.textContent("dialog.confirm li"), "api died");
    await page.click("dialog [data-testid=confirm]");
    await page.waitForSelector("[data-testid=no-rules]");
    assert.deepEqual(errors, []);
  });

  test("alerts page: a webhook with a header from env, a literal header and a CA file; the literal never reaches the page", async () => {
    const SECRET = "lit-s3cret-77";
    const page = await open("#/alerts");
    await page.waitForSelector("[data-testid=no-rules]");
    await page.click("[data-testid=add-rule]");
    await page.fill("dialog input[name=name]", "hooked");
    await page.fill("dialog input[name=event]", "die");
    await page.fill("dialog input[name=cooldown_secs]", "60");
    await page.fill("dialog input[name=webhook]", "https://hooks.corp.example/t/abc");
    await page.fill("dialog input[name=h1_name]", "Authorization");
    await page.fill("dialog input[name=h1_env]", "NTFY_TOKEN");
    await page.fill("dialog input[name=h2_name]", "X-Secret");
    await page.fill("dialog input[name=h2_value]", SECRET);
    assert.equal(await page.getAttribute("dialog input[name=h2_value]", "type"), "password", "typed hidden");
    await page.fill("dialog input[name=ca_file]", "/etc/ssl/corp-ca.pem");
    await page.click("dialog [data-testid=submit]");
    await page.waitForSelector("[data-table=alert-rules] tr[data-rule='hooked']");
    const file = await page.evaluate(() => window.__wharfStub.alertRules);
    assert.deepEqual(file[0].webhook, {
      url: "https://hooks.corp.example/t/abc",
      headers: { Authorization: "env:NTFY_TOKEN", "X-Secret": SECRET },
      ca_file: "/etc/ssl/corp-ca.pem",
    });
    // The list shows the host and the header names, never a value (nor the URL's path).
    const row = await page.textContent("[data-table=alert-rules] tr[data-rule='hooked']");
    assert.match(row, /webhook hooks\.corp\.example \(Authorization, X-Secret\) \+ CA/);
    assert.ok(!row.includes("/t/abc") && !row.includes("NTFY_TOKEN"), row);
    // Editing: the reference is shown, the literal is the mask; saved untouched, the file's
    // value stays, and the page sent only the mask.
    await page.click("[data-testid=edit-rule]");
    assert.equal(await page.inputValue("dialog input[name=h1_env]"), "NTFY_TOKEN");
    assert.equal(await page.inputValue("dialog input[name=h2_value]"), "••••");
    assert.equal(await page.inputValue("dialog input[name=ca_file]"), "/etc/ssl/corp-ca.pem");
    // Both a variable and a literal for one header: refused in the form, nothing sent.
    await page.fill("dialog input[name=h1_value]", "x");
    await page.click("dialog [data-testid=submit]");
    await page.waitForSelector("dialog .form-error:not([hidden])");
    assert.match(await page.textContent("dialog .form-error"), /Header 1 \(Authorization\): give an environment variable or a literal value, not both/);
    await page.fill("dialog input[name=h1_value]", "");
    await page.fill("dialog input[name=cooldown_secs]", "90");
    await page.click("dialog [data-testid=submit]");
    await page.waitForFunction(() => window.__wharfStub.alertRules[0]?.cooldown_secs === 90);
    const kept = await page.evaluate(() => window.__wharfStub.alertRules[0].webhook.headers);
    assert.deepEqual(kept, { Authorization: "env:NTFY_TOKEN", "X-Secret": SECRET });
    const sent = await page.evaluate(() => window.__wharfStub.alertRulesSent);
    assert.equal(sent.length, 2);
    assert.equal(sent[1][0].webhook.headers["X-Secret"], "••••");
    assert.ok(!JSON.stringify(sent[1]).includes(SECRET), "the page held no secret to send");
    assert.ok(!(await page.content()).includes(SECRET));
    assert.deepEqual(errors, []);
  });

  // Issue #13: engine-wide live graphs, numbers appended to the same canvases.
  test("dashboard: an engine-wide sample appended over the channel shows without replacing the graph", async () => {
    // The stub's real-time sampler would add points between the reads below: the test ticks.
    const page = await open("#/dashboard", { manual: true });
    const sel = ".stack-chart[data-metric=cpu]";
    await page.waitForFunction((s) => document.querySelector(s)?.stackChart.length > 0, sel);
    assert.equal(await page.locator(".stack-chart").count(), 6, "six graphs");
    const call = await page.evaluate(() => window.__wharfStub.dashCalls.at(-1));
    assert.deepEqual(call, { scope: { kind: "engine" }, stacking: { by: "group" }, resume: null });
    const before = await page.evaluate((s) => {
      const ch = document.querySelector(s).stackChart;
      window.__dashCanvas = ch.canvas;
      return { len: ch.length, bands: ch.bands };
    }, sel);
    assert.deepEqual(before.bands, ["(no project)", "shop"]);
    await page.evaluate(() => window.__wharfStub.tick());
    await page.waitForFunction(([s, n]) => document.querySelector(s).stackChart.length > n, [sel, before.len]);
    const after = await page.evaluate((s) => {
      const ch = document.querySelector(s).stackChart;
      return { same: ch.canvas === window.__dashCanvas, newest: ch.newestMs, stub: window.__wharfStub.dashTimes.at(-1), len: ch.length };
    }, sel);
    assert.ok(after.same, "the canvas element is the same node");
    assert.equal(after.newest, after.stub, "the graph holds the newest point");
    assert.equal(after.len, before.len + 1, "appended, not replaced");
    assert.match(await page.textContent(`${sel} .chart-title`), /^CPU \d+\.\d\d cores · \d+\.\d % of 4 CPUs$/);
    // Beside it, the bands top first (the stacking's order), each with its newest value.
    const legend = await page.$$eval(`${sel} .chart-legend li`, (xs) => xs.map((x) => x.textContent));
    assert.equal(legend.length, 2);
    assert.match(legend[0], /^shop \d+\.\d$/);
    assert.match(legend[1], /^\(no project\) \d+\.\d$/);
    assert.match(await page.textContent("[data-testid=dash-status]"), /3 running, 3 sampled/);
    // Top 5: a new stream, new bands.
    await page.click("[data-stack=top]");
    await page.waitForFunction((s) => document.querySelector(s).stackChart.bands.includes("other"), sel);
    assert.deepEqual((await page.evaluate(() => window.__wharfStub.dashCalls.at(-1))).stacking, { by: "top", n: 5 });
    // Exports are the core's.
    await page.click("[data-export=svg]");
    await page.waitForSelector(".toasts :text('wharf-dash.svg')");
    assert.deepEqual(await page.evaluate(() => window.__wharfStub.dashExports), ["svg"]);
    assert.deepEqual(errors, []);
  });

  test("dashboard: a stacked graph extends its bands by a segment for each new point, as a whole drawing would show them, and draws itself whole when its range steps or its scale changes", async () => {
    const page = await open("#/dashboard", { manual: true });
    const sel = ".stack-chart[data-metric=memory]";
    await page.waitForFunction((s) => document.querySelector(s)?.stackChart.length > 0, sel);
    // A quarter hour of points a second, two bands and the host's memory line.
    const GiB = 1024 ** 3;
    await page.evaluate(([s, GiB]) => {
      const ch = document.querySelector(s).stackChart;
      const now = Date.now();
      const at = Array.from({ length: 900 }, (_, i) => now - (900 - i) * 1000);
      ch.reset(at, { caption: "Memory", groups: ["a", "b"], values: [at.map((_, i) => GiB * (0.5 + (i % 5) / 10)), at.map(() => GiB / 4)], limit: 2 * GiB });
    }, [sel, GiB]);
    const step = (dt, a) => page.evaluate(([s, dt, a, GiB]) => {
      const ch = document.querySelector(s).stackChart;
      const before = { ...window.__wharfLive };
      const at = ch.newestMs + dt;
      ch.append([at], { caption: "Memory", groups: ["a", "b"], values: [[a * GiB], [GiB / 4]], limit: 2 * GiB });
      const [min, max] = [ch.plot.scales.x.min * 1000, ch.plot.scales.x.max * 1000];
      return { wholes: window.__wharfLive.wholes - before.wholes, segments: window.__wharfLive.segments - before.segments, right: max, span: max - min, at };
    }, [sel, dt, a, GiB]);
    // Past the right edge: the range moves by one step (150 s of the quarter hour), drawn whole.
    const edge = await page.evaluate((s) => { const ch = document.querySelector(s).stackChart; return { right: ch.plot.scales.x.max * 1000, newest: ch.newestMs }; }, sel);
    const jump = await step(Math.ceil(edge.right - edge.newest) + 1, 0.6);
    assert.deepEqual([jump.wholes, jump.segments], [1, 0], "a new step is drawn whole");
    assert.equal(Math.round(jump.right - edge.right), 150_000, "the range moved by one step");
    // Points within the step: a segment each, changing only the columns of the new stretch.
    await snapCanvas(page, sel, "before");
    const seg = await step(2000, 0.9);
    assert.deepEqual([seg.wholes, seg.segments], [0, 1], "one segment, no whole drawing");
    await assertSegmentOnly(page, sel, "stackChart", jump.at, seg.at);
    for (const a of [0.7, 1.0, 0.5, 0.8, 0.6]) assert.deepEqual(Object.values(await step(3000, a)).slice(0, 2), [0, 1]);
    // The bands drawn segment by segment are what drawing the graph whole shows.
    await assertSegmentsAsWhole(page, sel, "stackChart");
    // A new top changes the y scale: drawn whole.
    assert.deepEqual(Object.values(await step(1000, 3)).slice(0, 2), [1, 0], "a new top is drawn whole");
    assert.deepEqual(errors, []);
  });

  test("the live charts follow the window's width, their figures staying in view", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('web'))");
    await page.waitForFunction(() => document.querySelector(".live-chart[data-metric=cpu]")?.liveChart.length > 0);
    const fits = (sel, prop) => page.evaluate(([sel, prop]) => {
      const el = document.querySelector(sel);
      return { width: el[prop].width, captionRight: el.querySelector(".chart-caption").getBoundingClientRect().right, viewport: window.innerWidth };
    }, [sel, prop]);
    const wide = await fits(".live-chart[data-metric=cpu]", "liveChart");
    await page.setViewportSize({ width: 900, height: 850 });
    await page.waitForFunction((w) => document.querySelector(".live-chart[data-metric=cpu]").liveChart.width < w - 300, wide.width);
    const narrow = await fits(".live-chart[data-metric=cpu]", "liveChart");
    assert.ok(narrow.captionRight <= narrow.viewport, `the Stats tab's figures in view: ${narrow.captionRight} of ${narrow.viewport} px`);
    await page.setViewportSize({ width: 1300, height: 850 });
    await page.waitForFunction((w) => document.querySelector(".live-chart[data-metric=cpu]").liveChart.width === w, wide.width);
    // The dashboard's graphs likewise.
    await page.click("[data-section=dashboard]");
    await page.waitForFunction(() => document.querySelector(".stack-chart[data-metric=cpu]")?.stackChart.length > 0);
    const dash = await fits(".stack-chart[data-metric=cpu]", "stackChart");
    await page.setViewportSize({ width: 900, height: 850 });
    await page.waitForFunction((w) => document.querySelector(".stack-chart[data-metric=cpu]").stackChart.width < w - 300, dash.width);
    const small = await fits(".stack-chart[data-metric=cpu]", "stackChart");
    assert.ok(small.captionRight <= small.viewport, `the dashboard's legend in view: ${small.captionRight} of ${small.viewport} px`);
    assert.deepEqual(errors, []);
  });

  test("dashboard: markers asked for again redraw a graph only when they changed", async () => {
    const page = await open("#/dashboard", { manual: true });
    const sel = ".stack-chart[data-metric=cpu]";
    await page.waitForFunction((s) => document.querySelector(s)?.stackChart.length > 0, sel);
    // The page asks for the markers every few seconds and gives them to every graph: the same
    // markers again must not redraw it (a redraw repaints the whole graph).
    const redraws = (markers) => page.evaluate(([s, markers]) => {
      const ch = document.querySelector(s).stackChart;
      let n = 0;
      const redraw = ch.plot.redraw.bind(ch.plot);
      ch.plot.redraw = (...a) => { n++; return redraw(...a); };
      ch.setMarks(markers);
      ch.plot.redraw = redraw;
      return n;
    }, [sel, markers]);
    const die = { at_ms: Date.now() - 30_000, kind: "die", action: "die", name: "web", container: "abc", detail: "exit 1" };
    assert.equal(await redraws([die]), 1, "new markers are drawn");
    assert.equal(await redraws([{ ...die }]), 0, "the same markers again: no redraw");
    assert.equal(await redraws([die, { ...die, at_ms: die.at_ms + 1000, kind: "start", action: "start", detail: "" }]), 1, "one more: drawn");
    assert.equal(await redraws([]), 1, "none left: drawn");
    assert.deepEqual(errors, []);
  });

  test("dashboard: hiding the page stops the graphs' stream; showing it asks for the gap only", async () => {
    // The stub's real-time sampler would add points to the gap: the test ticks.
    const page = await open("#/dashboard", { manual: true });
    const sel = ".stack-chart[data-metric=memory]";
    await page.waitForFunction((s) => document.querySelector(s)?.stackChart.length > 0, sel);
    const setHidden = (hidden) => page.evaluate((h) => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
    await showTopLists(page);
    await page.waitForFunction(() => window.__wharfStub.openStreams === 2);
    assert.deepEqual(await page.evaluate(() => window.__wharfStub.dashSamplingCalls), [true]);
    await setHidden(true);
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 0, "both streams stopped");
    const paused = await page.evaluate((s) => {
      const ch = document.querySelector(s).stackChart;
      return { len: ch.length, newest: ch.newestMs, calls: window.__wharfStub.dashCalls.length, bands: ch.bands };
    }, sel);
    await page.evaluate(() => { for (let i = 0; i < 3; i++) window.__wharfStub.tick(); });
    assert.equal(await page.evaluate((s) => document.querySelector(s).stackChart.length, sel), paused.len, "nothing drawn while hidden");
    await setHidden(false);
    const calls = await page.evaluate(() => window.__wharfStub.dashCalls);
    assert.equal(calls.length, paused.calls + 1, "one new stream");
    assert.equal(calls.at(-1).resume.after_ms, paused.newest, "it asks for what came after the newest point");
    assert.deepEqual(calls.at(-1).resume.groups[1], paused.bands);
    await page.waitForFunction(([s, n]) => document.querySelector(s).stackChart.length >= n + 3, [sel, paused.len]);
    const held = await page.evaluate((s) => {
      const ch = document.querySelector(s).stackChart;
      return { newest: ch.newestMs, stub: window.__wharfStub.dashTimes.at(-1), len: ch.length };
    }, sel);
    assert.equal(held.newest, held.stub);
    assert.equal(held.len, paused.len + 3, "the gap, each point once");
    // Leaving the dashboard ends the core's sampling of every container.
    await page.click("[data-section=containers]");
    await page.waitForFunction(() => window.__wharfStub.dashSamplingCalls.at(-1) === false);
    assert.deepEqual(errors, []);
  });

  test("a compose project's graphs open from the projects page", async () => {
    const page = await open("#/compose");
    await page.waitForSelector("[data-table=projects] tbody tr[data-id=shop]");
    await page.check("tr[data-id=shop] input[type=checkbox]");
    await page.click("button[data-action=graphs]");
    await page.waitForFunction(() => location.hash === "#/graphs/project/shop");
    await page.waitForFunction(() => document.querySelector(".stack-chart[data-metric=cpu]")?.stackChart.length > 0);
    assert.deepEqual((await page.evaluate(() => window.__wharfStub.dashCalls.at(-1))).scope, { kind: "project", name: "shop" });
    assert.match(await page.textContent("[data-testid=project-summary]"), /containers running/);
    assert.deepEqual(errors, []);
  });
  test("fleet: engine chips, ENGINE column, filter by engine, a stop across two engines names each", async () => {
    const page = await open("#/fleet");
    await page.waitForSelector("[data-testid=fleet-engines] [data-engine=gone]");
    const chip = (n) => page.locator(`[data-testid=fleet-engines] [data-engine=${n}]`);
    assert.match(await chip("prod").getAttribute("class"), /\bred\b/);
    assert.match(await chip("audit").textContent(), /RO/);
    assert.match(await chip("gone").getAttribute("class"), /state-down/);
    // The engine's error is text in a tooltip, never markup.
    assert.match(await chip("gone").getAttribute("title"), /<b>not bold<\/b>/);
    assert.equal(await page.locator("[data-testid=fleet-engines] b").count(), 0);
    await page.waitForSelector("[data-table=fleet] th:text('Engine')");
    assert.equal(await page.locator("[data-table=fleet] tbody tr").count(), 4);
    // A red engine has rows: the table is framed in red.
    assert.match(await page.getAttribute(".fleet-frame", "class"), /\bred\b/);
    // The filter matches the engine's name.
    await page.fill("[data-table=fleet] input.filter", "prod");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=fleet] tbody tr").length === 1);
    assert.match(await page.textContent("[data-table=fleet] tbody tr"), /prod.*web/);
    await page.fill("[data-table=fleet] input.filter", "web");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=fleet] tbody tr").length === 2);
    // Marks across engines, one stop: the dialog names each object with its engine.
    for (const tr of await page.locator("[data-table=fleet] tbody tr").all()) await tr.locator("input[type=checkbox]").check();
    await page.click("[data-table=fleet] button[data-action=stop]");
    const dialog = page.locator("dialog.confirm");
    await dialog.waitFor();
    const text = await dialog.textContent();
    assert.match(text, /stop web on local/);
    assert.match(text, /stop web on prod/);
    assert.match(text, /on 2 engines/);
    await dialog.locator("[data-testid=confirm]").click();
    await page.waitForFunction(() => window.__wharfFleet.executed.length === 1);
    const sent = await page.evaluate(() => window.__wharfFleet.executed[0]);
    assert.equal(sent.confirmed, true);
    assert.deepEqual(sent.items.map((i) => [i.engine, i.cmd.action]).sort(), [["local", "stop"], ["prod", "stop"]]);
    await page.waitForFunction(() => [...document.querySelectorAll("[data-table=fleet] tbody tr")].every((tr) => tr.textContent.includes("exited")));
    // The read-only engine's refusal comes back as an error naming it.
    await page.fill("[data-table=fleet] input.filter", "ledger");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=fleet] tbody tr").length === 1);
    await page.locator("[data-table=fleet] tbody tr input[type=checkbox]").check();
    await page.click("[data-table=fleet] button[data-action=stop]");
    await dialog.waitFor();
    await dialog.locator("[data-testid=confirm]").click();
    await page.waitForSelector(".toasts :text('read-only mode')");
    assert.deepEqual(errors, []);
  });
  test("fleet: revisions are pushed, not polled; a hidden page gets none and catches up when shown; SSH cost on its engine's chip", async () => {
    const page = await open("#/fleet");
    await page.waitForSelector("[data-table=fleet] tbody tr");
    await page.waitForFunction(() => window.__wharfStub.openStreams === 1 && window.__wharfFleet.watchers.size === 1);
    // The SSH engine's chip says what its connections cost; the others say nothing of SSH.
    assert.match(await page.textContent("[data-engine=prod] [data-testid=ssh-cost]"),
      /1 SSH connection · 5 sessions \(at most 8 each\) · 6 ssh processes/);
    assert.equal(await page.locator("[data-engine=local] [data-testid=ssh-cost]").count(), 0);
    // A revision (a container started on `local`) shows without the page asking for anything.
    await page.evaluate(() => window.__wharfFleet.revise((f) => {
      f.rows.find((r) => r.container.name === "db").container.state = "running";
      f.ssh[0].cost.sessions = 7;
    }));
    await page.waitForFunction(() => [...document.querySelectorAll("[data-table=fleet] tbody tr")]
      .some((tr) => tr.textContent.includes("db") && tr.textContent.includes("running")));
    assert.match(await page.textContent("[data-engine=prod] [data-testid=ssh-cost]"), /7 sessions/);
    assert.equal(await page.evaluate(() => window.__wharfFleet.asked), 0, "no fleet_snapshot poll");
    // Hidden: the stream stops, a revision reaches nobody.
    const setHidden = (hidden) => page.evaluate((h) => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
    await setHidden(true);
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 0);
    const pushed = await page.evaluate(() => window.__wharfFleet.pushed);
    await page.evaluate(() => window.__wharfFleet.revise((f) => {
      f.rows.find((r) => r.container.name === "ledger").container.state = "exited";
    }));
    assert.equal(await page.evaluate(() => window.__wharfFleet.pushed), pushed, "nothing pushed while hidden");
    assert.ok(!(await page.evaluate(() => [...document.querySelectorAll("[data-table=fleet] tbody tr")]
      .some((tr) => tr.textContent.includes("ledger") && tr.textContent.includes("exited")))));
    // Shown again: a new stream, whose first message fills the gap.
    await setHidden(false);
    await page.waitForFunction(() => [...document.querySelectorAll("[data-table=fleet] tbody tr")]
      .some((tr) => tr.textContent.includes("ledger") && tr.textContent.includes("exited")));
    assert.equal(await page.evaluate(() => window.__wharfStub.openStreams), 1);
    assert.equal(await page.evaluate(() => window.__wharfFleet.asked), 0);
    assert.deepEqual(errors, []);
  });

  test("fleet: Volumes / Networks tabs with the Engine column, counts per engine, a removal across engines names each", async () => {
    const page = await open("#/fleet");
    await page.waitForSelector("[data-testid=fleet-engines] [data-engine=gone]");
    await page.click("[data-testid=fleet-tabs] [data-tab=volumes]");
    await page.waitForSelector("[data-table=fleet-volumes] th:text('Engine')");
    assert.equal(await page.locator("[data-table=fleet-volumes] tbody tr").count(), 4);
    assert.equal(await page.isVisible("[data-table=fleet]"), false);
    // The chips count the kind shown.
    await page.waitForFunction(() => document.querySelector("[data-engine=local]")?.textContent.includes("2 volumes"));
    // The filter matches the engine's name.
    await page.fill("[data-table=fleet-volumes] input.filter", "prod");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=fleet-volumes] tbody tr").length === 1);
    await page.fill("[data-table=fleet-volumes] input.filter", "data");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=fleet-volumes] tbody tr").length === 2);
    // Checkboxes across engines, one Remove: the dialog names each with its engine.
    for (const tr of await page.locator("[data-table=fleet-volumes] tbody tr").all()) await tr.locator("input[type=checkbox]").check();
    await page.click("[data-table=fleet-volumes] button[data-action=remove]");
    const dialog = page.locator("dialog.confirm");
    await dialog.waitFor();
    const text = await dialog.textContent();
    assert.match(text, /remove volume data on local, used by 1 container there/);
    assert.match(text, /remove volume data on prod/);
    await dialog.locator("[data-testid=confirm]").click();
    await page.waitForFunction(() => window.__wharfFleet.executed.length === 1);
    const sent = await page.evaluate(() => window.__wharfFleet.executed[0]);
    assert.equal(sent.confirmed, true);
    assert.deepEqual(sent.items.map((i) => [i.engine, i.cmd.action, i.cmd.name]).sort(), [["local", "remove_volume", "data"], ["prod", "remove_volume", "data"]]);
    await page.waitForFunction(() => ![...document.querySelectorAll("[data-table=fleet-volumes] tbody tr")].some((tr) => tr.textContent.includes("data")));
    // The read-only engine: named in the dialog, its refusal comes back as an error.
    await page.fill("[data-table=fleet-volumes] input.filter", "ledger");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=fleet-volumes] tbody tr").length === 1);
    await page.locator("[data-table=fleet-volumes] tbody tr input[type=checkbox]").check();
    await page.click("[data-table=fleet-volumes] button[data-action=remove]");
    // This dialog (the previous one may still be closing) names the read-only engine.
    const readOnly = page.locator("dialog.confirm", { hasText: "ledger-db on audit" });
    await readOnly.waitFor();
    assert.match(await readOnly.textContent(), /audit is read-only: its part will be refused/);
    await readOnly.locator("[data-testid=confirm]").click();
    await page.waitForSelector(".toasts :text('read-only mode')");
    // Networks: Remove is disabled on the built-in one.
    await page.click("[data-testid=fleet-tabs] [data-tab=networks]");
    await page.waitForSelector("[data-table=fleet-networks] th:text('Engine')");
    assert.equal(await page.locator("[data-table=fleet-networks] tbody tr").count(), 3);
    await page.fill("[data-table=fleet-networks] input.filter", "n1111");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=fleet-networks] tbody tr").length === 1);
    await page.locator("[data-table=fleet-networks] tbody tr input[type=checkbox]").check();
    assert.equal(await page.isDisabled("[data-table=fleet-networks] button[data-action=remove]"), true);
    // Back to the containers.
    await page.click("[data-testid=fleet-tabs] [data-tab=containers]");
    await page.waitForSelector("[data-table=fleet]", { state: "visible" });
    assert.deepEqual(errors, []);
  });

  test("fleet: an image in use is removed only with force (and no-prune on request); an engine listed twice is said once", async () => {
    const page = await open("#/fleet");
    await page.waitForSelector("[data-testid=fleet-same]:text('default and local are the same engine: shown once')");
    await page.click("[data-testid=fleet-tabs] [data-tab=images]");
    await page.waitForSelector("[data-table=fleet-images] th:text('Engine')");
    await page.fill("[data-table=fleet-images] input.filter", "local");
    await page.waitForFunction(() => document.querySelectorAll("[data-table=fleet-images] tbody tr").length === 1);
    await page.locator("[data-table=fleet-images] tbody tr input[type=checkbox]").check();
    await page.click("[data-table=fleet-images] button[data-action=remove]");
    const dialog = page.locator("dialog.fleet-remove");
    await dialog.waitFor();
    // Without force: named with its engine and container, nothing to confirm.
    assert.match(await dialog.textContent(), /image busybox:latest on local is used by container web there: left alone/);
    assert.equal(await dialog.locator("[data-testid=confirm]").isDisabled(), true);
    await dialog.locator("input[name=force]").check();
    await page.waitForFunction(() => document.querySelector("dialog.fleet-remove")?.textContent.includes("remove image busybox:latest"));
    await dialog.locator("input[name=no_prune]").check();
    await dialog.locator("[data-testid=confirm]").click();
    await page.waitForFunction(() => window.__wharfFleet.executed.length === 1);
    const sent = await page.evaluate(() => window.__wharfFleet.executed[0]);
    assert.equal(sent.confirmed, true);
    assert.deepEqual(sent.items.map((i) => [i.engine, i.cmd.action, i.cmd.force, i.cmd.no_prune]), [["local", "remove_image", true, true]]);
    assert.deepEqual(errors, []);
  });

  // Issue #14: a store revision repaints only what it changed. The sidebar, the engine box, the
  // container page's header (which asks the archive state when built) and the dashboard's top
  // lists stay the same elements when what they show is unchanged.
  test("a store revision that changes nothing shown leaves the sidebar, the engine box and the header alone", async () => {
    const page = await open("#/containers");
    await page.dblclick("tr:has(a.name:text-is('web'))");
    await page.waitForSelector(".page-head h2");
    const els = await Promise.all([".sections a", ".engine-box .state", ".page-head h2", ".page-head [data-action=archive]"].map((css) => page.$(css)));
    const n = await page.evaluate(() => window.__wharfLive.snapshots);
    await page.evaluate(() => window.__wharfStub.publish());
    await page.waitForFunction((k) => window.__wharfLive.snapshots > k, n);
    assert.deepEqual(await page.evaluate((xs) => xs.map((x) => x.isConnected), els), [true, true, true, true], "nothing rebuilt");
    // A change the header shows (a rename) rebuilds the header, and only it.
    await page.evaluate(() => { window.__wharfStub.containers.find((c) => c.name === "web").name = "web-renamed"; window.__wharfStub.publish(); });
    await page.waitForFunction(() => document.querySelector(".page-head h2")?.textContent.includes("web-renamed"));
    assert.deepEqual(await page.evaluate((xs) => xs.map((x) => x.isConnected), els), [true, true, false, false]);
    assert.deepEqual(errors, []);
    // On the dashboard, a new sample with the same leaders rewrites their figures, not the lists.
    const dash = await open("#/dashboard");
    await dash.waitForFunction(() => document.querySelector(".stack-chart[data-metric=cpu]")?.stackChart.length > 0);
    await showTopLists(dash);
    await dash.waitForSelector("ol.top li");
    await dash.evaluate(() => window.__wharfStub.stopSampler());
    const items = await dash.$$("ol.top li");
    const figures = await dash.$$eval("ol.top .num", (xs) => xs.map((x) => x.textContent));
    const m = await dash.evaluate(() => window.__wharfLive.messages);
    await dash.evaluate(() => window.__wharfStub.tick());
    await dash.waitForFunction((k) => window.__wharfLive.messages > k, m);
    await dash.waitForFunction((f) => [...document.querySelectorAll("ol.top .num")].some((x, i) => x.textContent !== f[i]), figures);
    assert.ok(await dash.evaluate((xs) => xs.every((x) => x.isConnected), items), "the top lists' items were kept");
    assert.deepEqual(errors, []);
  });
  test("fleet: a click on any column title of the four tabs sorts by it, a second click reverses", async () => {
    const page = await open("#/fleet");
    await page.waitForSelector("[data-table=fleet] tbody tr[data-id]");
    // Numeric columns sort by number (sizes by bytes: their text is not checked for order).
    const numeric = new Set(["Used by", "Containers"]);
    for (const tab of ["containers", "images", "volumes", "networks"]) {
      const table = tab === "containers" ? "fleet" : `fleet-${tab}`;
      if (tab !== "containers") await page.click(`[data-testid=fleet-tabs] [data-tab=${tab}]`);
      await page.waitForSelector(`[data-table=${table}] tbody tr[data-id]`);
      const titles = await page.$$eval(`[data-table=${table}] thead th:not(.sel)`, (ths) => ths.map((t) => t.textContent.replace(/ [▲▼]$/, "")));
      assert.ok(titles.length >= 4, `${table}: ${titles}`);
      for (const [i, title] of titles.entries()) {
        const th = page.locator(`[data-table=${table}] thead th:not(.sel)`).nth(i);
        const cells = () => page.$$eval(`[data-table=${table}] tbody tr[data-id] td:nth-child(${i + 2})`, (tds) => tds.map((t) => t.textContent));
        // The first column is the sort at first: one click reverses it, the next sorts up.
        if (i === 0) await th.click();
        await th.click();
        assert.equal(await th.getAttribute("aria-sort"), "ascending", `${table} ${title}`);
        const up = await cells();
        const key = (t) => (numeric.has(title) ? Number(t) : t.toLowerCase());
        if (title !== "Size") {
          for (let j = 1; j < up.length; j++) assert.ok(key(up[j - 1]) <= key(up[j]), `${table} ${title}: ${up}`);
        }
        await th.click();
        assert.equal(await th.getAttribute("aria-sort"), "descending", `${table} ${title}`);
        assert.deepEqual(await cells(), [...up].reverse(), `${table} ${title}`);
      }
    }
    assert.deepEqual(errors, []);
  });
});
