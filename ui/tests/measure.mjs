// Start-up and memory of a Tauri app, measured the same way for Wharf and for a minimal app
// (see docs/desktop.md). Not a test: run by hand under an X server, e.g.
//   xvfb-run -a node tests/measure.mjs --app ../target/debug/wharf-desktop \
//     --args "--host unix:///tmp/wd/docker.sock --view container/ID/stats" --wait-graphs
// Start-up: from just before the WebDriver session (which spawns the app) to the moment the
// page has shown the first complete listing (window.__wharfFirstDataAt). Memory: RSS and PSS
// summed over the app process and all its descendants (WebKit's web and network processes)
// from /proc/PID/smaps_rollup, after --idle seconds.
// CPU (--cpu VIEW,…, first run only): for each view, the page is sent there (location.hash),
// left --warmup s (default 8), then the CPU time (utime+stime from /proc/PID/stat) of the app's
// whole process tree over --window s (default 30), as % of one core, also per executable.
// Views: containers, dashboard, stats (the hash given by --stats-hash), idle (stay where the
// app is), hidden (the window unmapped as a window manager minimizes it, bench/xwin.py), and for
// any page the probes tick and canvas (PROBES below: a 1 Hz update of the least and of one chart).
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { descendants, killTree, procs } from "./proc.mjs";
import { Session } from "./webdriver.mjs";

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.lastIndexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const app = realpathSync(opt("--app"));
const appArgs = (opt("--args", "") || "").split(" ").filter(Boolean);
const idle = Number(opt("--idle", "20"));
const runs = Number(opt("--runs", "3"));
const waitGraphs = argv.includes("--wait-graphs");
const cpuViews = (opt("--cpu", "") || "").split(",").filter(Boolean);
const warmup = Number(opt("--warmup", "8"));
const cpuWindow = Number(opt("--window", "30"));
const statsHash = opt("--stats-hash", "");
// --inject CODE: a script run in the page after it is sent to each view and before the warm-up,
// to measure a variant of a view without a build (e.g. the Stats tab with its charts not drawn:
// each chart element exposes its LiveChart as .liveChart). What the script leaves in
// `window.__wharfProbe` (e.g. what a MutationObserver saw) is reported with the view's window.
const inject = opt("--inject", "");
// --frames: also count the page's rendering updates (window.__wharfLive.frames). Off by
// default: counting takes a requestAnimationFrame per message, which itself costs CPU
// (WebKit's display link wakes; 0.16-0.40 % under this WebDriver session), so a window that
// counts frames measures the counter too.
const countFrames = argv.includes("--frames");
// --perf PREFIX: also sample each CPU window with `perf record` (the tree's processes) and write
// PREFIX-VIEW.txt, the hottest shared objects and symbols, then per thread and shared object
// (PERF_FREQ samples a second, default 499). Perf's sampling costs CPU, so a profiled run is separate from the measured one.
const perfPrefix = opt("--perf", "");
// --smaps PREFIX: also copy each process's /proc/PID/smaps at the last run's memory reading to
// PREFIX-EXE.smaps, to see where the memory is (which library's code, heap, anonymous maps).
const smapsPrefix = opt("--smaps", "");
const driverBin = process.env.TAURI_DRIVER ?? `${homedir()}/.cargo/bin/tauri-driver`;
const PORT = 5444;

function tree() {
  const all = procs();
  const roots = all.filter((p) => p.exe === app).sort((a, b) => b.pid - a.pid).slice(0, 1);
  return descendants(roots.map((p) => p.pid), all);
}

const TICK = 100; // USER_HZ on Linux
/** /proc/PID/stat's fields after the command name (state first), or null once it is gone. */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch { return null; }
}
function cpuTicks() {
  const out = new Map();
  for (const p of tree()) {
    const f = statFields(p.pid);
    if (f) out.set(p.pid, { exe: p.exe.split("/").pop(), ticks: Number(f[11]) + Number(f[12]) });
  }
  return out;
}

// Probes for the minimal app: the least a page can change once a second, to tell WebKit's cost
// of any 1 Hz update from the cost of what Wharf draws. tick: one short text; canvas: a chart-
// sized canvas (424×150) redrawn with a 900-point line, as one live graph is.
const PROBES = {
  tick: `const e = document.body.appendChild(document.createElement("span"));
    setInterval(() => { e.textContent = String(Date.now() % 1000); }, 1000);`,
  canvas: `const c = document.body.appendChild(document.createElement("canvas"));
    c.width = 424; c.height = 150; const g = c.getContext("2d"); let k = 0;
    setInterval(() => { k++; g.clearRect(0, 0, 424, 150); g.beginPath();
      for (let i = 0; i < 900; i++) g.lineTo(i * 424 / 900, 75 + 60 * Math.sin((i + k) / 40));
      g.stroke(); }, 1000);`,
  // Four such canvases (the Stats tab's four graphs), and the same four lines on one canvas.
  canvas4: `const gs = [0, 1, 2, 3].map(() => { const c = document.body.appendChild(document.createElement("canvas"));
    c.width = 424; c.height = 150; return c.getContext("2d"); }); let k = 0;
    setInterval(() => { k++; for (const g of gs) { g.clearRect(0, 0, 424, 150); g.beginPath();
      for (let i = 0; i < 900; i++) g.lineTo(i * 424 / 900, 75 + 60 * Math.sin((i + k) / 40));
      g.stroke(); } }, 1000);`,
  // canvas4 with what a chart's axes add each redraw: 14 labels and a grid.
  canvas4text: `const gs = [0, 1, 2, 3].map(() => { const c = document.body.appendChild(document.createElement("canvas"));
    c.width = 424; c.height = 150; const g = c.getContext("2d"); g.font = "11px sans-serif"; return g; }); let k = 0;
    setInterval(() => { k++; for (const g of gs) { g.clearRect(0, 0, 424, 150); g.beginPath();
      for (let j = 0; j < 7; j++) { g.moveTo(40 + j * 60, 0); g.lineTo(40 + j * 60, 130); g.fillText("12:0" + ((j + k) % 10), 30 + j * 60, 145); }
      for (let j = 0; j < 7; j++) { g.moveTo(40, j * 20); g.lineTo(424, j * 20); g.fillText((j * 12.5).toFixed(1) + " %", 0, j * 20 + 4); }
      g.stroke(); g.beginPath();
      for (let i = 0; i < 900; i++) g.lineTo(40 + i * 384 / 900, 75 + 50 * Math.sin((i + k) / 40));
      g.stroke(); } }, 1000);`,
  canvas1x4: `const c = document.body.appendChild(document.createElement("canvas"));
    c.width = 848; c.height = 300; const g = c.getContext("2d"); let k = 0;
    setInterval(() => { k++; g.clearRect(0, 0, 848, 300);
      for (const [x, y] of [[0, 0], [424, 0], [0, 150], [424, 150]]) { g.beginPath();
        for (let i = 0; i < 900; i++) g.lineTo(x + i * 424 / 900, y + 75 + 60 * Math.sin((i + k) / 40));
        g.stroke(); } }, 1000);`,
};

async function cpu(s, view) {
  if (view === "hidden") {
    const root = tree()[0];
    execFileSync("python3", [new URL("../../bench/xwin.py", import.meta.url).pathname, "unmap", String(root.pid)]);
  } else if (PROBES[view]) {
    await s.script(PROBES[view]);
  } else if (view !== "idle") {
    const hash = view === "stats" ? statsHash : `#/${view}`;
    await s.script("location.hash = arguments[0]", hash);
  }
  if (countFrames) await s.script("window.__wharfCountFrames = true");
  if (inject) {
    await sleep(3000); // the view's charts are built once its module and history have answered
    await s.script(inject);
  }
  await sleep(warmup * 1000);
  // The page's own counters (window.__wharfLive: stats messages, samples, chart draws and the
  // ms spent in them), read around the window, as rates per second.
  const counters = () => s.script("return window.__wharfLive ? Object.assign({}, window.__wharfLive) : null").catch(() => null);
  const live0 = await counters();
  const a = cpuTicks();
  const t0 = Date.now();
  let perf = null;
  if (perfPrefix) {
    perf = spawn("perf", ["record", "-q", "-F", process.env.PERF_FREQ ?? "499", "-g", "-o", `${perfPrefix}-${view}.data`, "-p", [...a.keys()].join(","), "--", "sleep", String(cpuWindow)], { stdio: "ignore" });
  }
  await sleep(cpuWindow * 1000);
  const b = cpuTicks();
  const live1 = await counters();
  const probe = inject ? await s.script("return window.__wharfProbe ?? null").catch(() => null) : null;
  if (perf) {
    await new Promise((res) => perf.once("exit", res));
    const report = execFileSync("perf", ["report", "-i", `${perfPrefix}-${view}.data`, "--stdio", "--no-children", "--sort", "comm,dso,sym", "-g", "none", "--percent-limit", "0.7"], { maxBuffer: 64 << 20 }).toString();
    // Then the same samples summed per thread and shared object: with a few hundred samples a
    // window, symbols scatter below the limit, and this says which side (kernel, WebKit, pixman,
    // JavaScript, the core's threads) the CPU went to.
    const byDso = execFileSync("perf", ["report", "-i", `${perfPrefix}-${view}.data`, "--stdio", "--no-children", "--sort", "comm,dso", "-g", "none"], { maxBuffer: 64 << 20 }).toString();
    writeFileSync(`${perfPrefix}-${view}.txt`, report + "\n" + byDso);
  }
  const secs = (Date.now() - t0) / 1000;
  const per = {};
  let total = 0;
  for (const [pid, x] of b) {
    const d = (x.ticks - (a.get(pid)?.ticks ?? 0)) / TICK;
    per[x.exe] = (per[x.exe] ?? 0) + d;
    total += d;
  }
  const pctOf = (v) => +((100 * v) / secs).toFixed(2);
  const page = live0 && live1 ? Object.fromEntries(Object.keys(live1).map((k) => [`${k}_per_s`, +((live1[k] - (live0[k] ?? 0)) / secs).toFixed(3)])) : null;
  return { view, seconds: +secs.toFixed(1), total_pct: pctOf(total), per_exe_pct: Object.fromEntries(Object.entries(per).map(([k, v]) => [k, pctOf(v)])), page, ...(probe ? { probe } : {}) };
}

function memory() {
  const all = procs();
  // The newest app process: an earlier run's app may still be exiting.
  const roots = all.filter((p) => p.exe === app).sort((a, b) => b.pid - a.pid).slice(0, 1);
  const tree = new Set(roots.map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!tree.has(p.pid) && tree.has(p.ppid)) { tree.add(p.pid); grew = true; }
  }
  let rss = 0, pss = 0;
  const per = [];
  for (const pid of tree) {
    try {
      const s = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? 0);
      rss += kb("Rss"); pss += kb("Pss");
      const exe = all.find((p) => p.pid === pid)?.exe.split("/").pop();
      per.push({ pid, exe, rss_mib: +(kb("Rss") / 1024).toFixed(1), pss_mib: +(kb("Pss") / 1024).toFixed(1) });
      if (smapsPrefix) writeFileSync(`${smapsPrefix}-${exe}.smaps`, readFileSync(`/proc/${pid}/smaps`, "utf8"));
    } catch { /* gone */ }
  }
  return { rss_mib: +(rss / 1024).toFixed(1), pss_mib: +(pss / 1024).toFixed(1), processes: per };
}

// When the app's processes started (Unix ms, from /proc: 10 ms steps), for the start-up steps.
function processStarts() {
  const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const bootAt = Date.now() - uptime * 1000;
  const out = {};
  for (const p of tree()) {
    const f = statFields(p.pid);
    if (!f) continue;
    const name = `process_${p.exe.split("/").pop()}`;
    out[name] = Math.min(out[name] ?? Infinity, Math.round(bootAt + (Number(f[19]) * 1000) / TICK));
  }
  return out;
}

// The page's own load, from the Navigation and Resource Timing APIs (Unix ms): when WebKit
// began the navigation, had the document, and had each script and style sheet.
async function loadSteps(s) {
  return s.script(`const o = performance.timeOrigin, n = performance.getEntriesByType("navigation")[0], out = { navigation: o };
    if (n) { out.document = o + n.responseEnd; out.dom_interactive = o + n.domInteractive; out.dom_content_loaded = o + n.domContentLoadedEventEnd; }
    for (const r of performance.getEntriesByType("resource")) out["loaded_" + r.name.split("/").pop().replace(/-[\\w-]{8}\\./, ".")] = o + r.responseEnd;
    for (const k in out) out[k] = Math.round(out[k]);
    return out;`).catch(() => ({}));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const results = [];
const cpuResults = [];
for (let r = 0; r < runs; r++) {
  const driver = spawn(driverBin, ["--port", String(PORT), "--native-port", String(PORT + 1)], { stdio: "ignore" });
  for (let i = 0; ; i++) { try { await fetch(`http://127.0.0.1:${PORT}/status`); break; } catch { if (i > 100) throw new Error("no driver"); await sleep(100); } }
  const t0 = Date.now();
  const s = await Session.create(`http://127.0.0.1:${PORT}`, app, appArgs);
  await s.waitFor("first data", "return window.__wharfFirstDataAt", 60_000);
  const firstData = await s.script("return window.__wharfFirstDataAt");
  if (waitGraphs) await s.waitFor("graphs", "return document.querySelectorAll('.charts .live-chart canvas').length === 4", 30_000);
  // The page's start-up steps (window.__wharfBoot), in ms after the session was asked for.
  const marks = await s.script("return window.__wharfBoot ? Object.assign({}, window.__wharfBoot) : null").catch(() => null);
  const steps = { ...(marks ?? {}), ...(await loadSteps(s)), ...processStarts() };
  const boot = Object.keys(steps).length ? Object.fromEntries(Object.entries(steps).sort((a, b) => a[1] - b[1]).map(([k, v]) => [k, v - t0])) : null;
  await sleep(idle * 1000);
  const mem = memory();
  results.push({ startup_ms: firstData - t0, boot, ...mem });
  if (r === 0) for (const v of cpuViews) cpuResults.push(await cpu(s, v));
  await s.delete().catch(() => undefined);
  await killTree(driver);
  // Leave no app of this run behind to share pages with the next one.
  for (const p of procs()) if (p.exe === app) { try { process.kill(p.pid, "SIGTERM"); } catch { /* gone */ } }
  await sleep(2000);
}
const med = (k) => results.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({ app, args: appArgs, idle_s: idle, runs: results.map(({ processes, ...x }) => x),
  median: { startup_ms: med("startup_ms"), rss_mib: med("rss_mib"), pss_mib: med("pss_mib") }, processes_last_run: results.at(-1).processes, cpu: cpuResults }, null, 2));
