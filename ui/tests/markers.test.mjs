// Markers on the dashboard's graphs and a Swarm service's graphs, in a real browser engine
// against the stub backend (as page.test.mjs; needs `npm run build` first): the scope's
// recorded events and fired alerts are asked of the backend, drawn on every stacked graph in
// their kind's colour, listed as text, and shown when the pointer is over a line.
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

describe("graph markers against the stub backend", { skip: missing ? `SKIPPED: ${missing}` : false }, () => {
  let browser, server, errors;
  before(async () => {
    server = await serve(dist);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function open(hash) {
    const ctx = await browser.newContext({ viewport: { width: 1300, height: 850 } });
    const page = await ctx.newPage();
    errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url + hash);
    await page.waitForSelector("html[data-ready='1']");
    return page;
  }

  /** A die and the alert it fired, 20 and 10 seconds ago (a test sets them on the stub). */
  const setMarkers = (page) => page.evaluate(() => {
    const now = Date.now();
    const m = (ago, kind, action, detail) => ({ at_ms: now - ago * 1000, kind, action, name: "web<b>1</b>", container: "abcdef012345", detail });
    window.__wharfStub.dashMarkers = [m(20, "die", "die", "exit 3"), m(10, "alert", "alert", "crashed: exited with code 3")];
  });

  test("dashboard: recorded events and alerts are drawn on every graph in their colours, listed, and shown on hover", async () => {
    const page = await open("#/dashboard");
    await setMarkers(page);
    // The page asks again every few seconds; every graph then holds and draws both.
    await page.waitForFunction(() => {
      const charts = [...document.querySelectorAll(".stack-chart")].map((e) => e.stackChart);
      return charts.length === 6 && charts.every((c) => c.length > 0 && c.marks.drawn.join() === "die,alert");
    }, null, { timeout: 15_000 });
    assert.deepEqual((await page.evaluate(() => window.__wharfStub.dashMarkerCalls[0])), { kind: "engine" });
    const items = await page.$$eval("[data-testid=dash-markers] li", (xs) => xs.map((x) => [x.className, x.textContent, getComputedStyle(x).color]));
    assert.equal(items.length, 2);
    assert.match(items[0][1], /^\d\d:\d\d:\d\d die exit 3 web<b>1<\/b>$/, "names are text, never markup");
    assert.match(items[1][1], /alert crashed: exited with code 3/);
    const colours = await page.evaluate(() => Object.fromEntries(
      ["die", "alert"].map((k) => [k, document.querySelector(`[data-testid=dash-markers] .marker-${k}`).style.color])));
    assert.notEqual(colours.die, colours.alert, "a colour per kind");
    assert.equal(items[0][2], colours.die);
    assert.equal(await page.locator("[data-testid=dash-markers] b").count(), 0);
    // Hovering the die's line shows it.
    const at = await page.evaluate(() => {
      const chart = document.querySelector(".stack-chart[data-metric=cpu]").stackChart;
      const u = chart.plot;
      const die = window.__wharfStub.dashMarkers[0];
      const r = u.over.getBoundingClientRect();
      return { x: r.left + u.valToPos(die.at_ms / 1000, "x"), y: r.top + r.height / 2 };
    });
    await page.mouse.move(at.x, at.y);
    const over = page.locator(".stack-chart[data-metric=cpu] .u-over");
    await page.waitForFunction(() => document.querySelector(".stack-chart[data-metric=cpu] .u-over").dataset.marker === "die");
    assert.match(await over.getAttribute("title"), /die exit 3 web<b>1<\/b>/);
    assert.deepEqual(errors, []);
  });

  test("a Swarm service's graphs open from the services page, with its markers", async () => {
    const page = await open("#/swarm");
    await page.evaluate(() => { window.__wharfStub.swarm = true; window.__wharfStub.publish(); });
    await setMarkers(page);
    await page.waitForSelector("[data-table=services] tbody tr[data-id=svc1]");
    await page.check("[data-table=services] tr[data-id=svc1] input[type=checkbox]");
    await page.click("[data-table=services] button[data-action=graphs]");
    await page.waitForFunction(() => location.hash === "#/graphs/service/web");
    await page.waitForFunction(() => document.querySelector(".stack-chart[data-metric=cpu]")?.stackChart.length > 0);
    assert.deepEqual((await page.evaluate(() => window.__wharfStub.dashCalls.at(-1))).scope, { kind: "service", name: "web" });
    await page.waitForFunction(() => window.__wharfStub.dashMarkerCalls.some((s) => s.kind === "service" && s.name === "web"));
    await page.waitForSelector("[data-testid=dash-markers] li.marker-die");
    assert.match(await page.textContent("[data-testid=service-summary]"), /replicas running/);
    assert.match(await page.textContent("h2"), /Service web/);
    assert.equal(await page.getAttribute("nav a[data-section=swarm]", "class"), "active");
    assert.deepEqual(errors, []);
  });
});
