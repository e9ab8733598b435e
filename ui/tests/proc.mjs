// Processes of a test run, read from /proc: who descends from whom, and ending a whole tree.
// Used by the real-app tests (tauri-driver → WebKitWebDriver → wharf-desktop → WebKit's
// processes) and by bench's CPU measurement (tests/measure.mjs).
import { readFileSync, readdirSync, realpathSync } from "node:fs";

/** Every process now: pid, parent pid and executable path ("" for kernel threads). */
export function procs() {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      let exe = "";
      try { exe = realpathSync(`/proc/${d}/exe`); } catch { /* kernel thread or gone */ }
      out.push({ pid: Number(d), ppid, exe });
    } catch { /* gone */ }
  }
  return out;
}

/** The processes of `all` whose pid is in `roots` or that descend from one of them. */
export function descendants(roots, all = procs()) {
  const t = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!t.has(p.pid) && t.has(p.ppid)) { t.add(p.pid); grew = true; }
  }
  return all.filter((p) => t.has(p.pid));
}

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/**
 * End `child` and everything it started: SIGTERM to each (so tauri-driver can close
 * WebKitWebDriver's session), up to `graceMs` to go, then SIGKILL to what is left. The tree
 * is read before signalling, since orphans are reparented and would no longer be found.
 */
export async function killTree(child, graceMs = 5000) {
  if (!child?.pid) return;
  const tree = descendants([child.pid]).map((p) => p.pid);
  for (const pid of tree) { try { process.kill(pid, "SIGTERM"); } catch { /* gone */ } }
  for (const end = Date.now() + graceMs; Date.now() < end && tree.some(alive);) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const pid of tree) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }
}
