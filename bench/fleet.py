#!/usr/bin/env python3
"""Measurement half of bench/fleet.sh (stdlib only; reuses bench/measure.py's helpers).
fleet.sh builds, starts the private engines and cleans up; this script creates the containers,
drives `wharf --host A --host B --host C` (and `wharf --host A` alone, same run) in tmux and
prints the markdown table.

Every loop here is bounded in count and in time; the only traffic targets are the engines'
unix sockets given with --engine.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as m  # noqa: E402

COLS, ROWS = m.COLS, m.ROWS


def name(i, j):
    return f"e{i}-c{j:04d}"


def create(docker, i, n, run, image):
    def one(j):
        docker.cli("run", "-d", "--name", name(i, j), "--label", f"wharf.bench={run}", image,
                   "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done")

    m.log(f"engine {i}: creating {n} containers")
    with ThreadPoolExecutor(max_workers=4) as ex:
        list(ex.map(one, range(1, n + 1)))


def engine_cpu_window(engine_dirs, seconds, sample=None):
    """CPU-seconds of each engine (dockerd + containerd + shims) over `seconds`; `sample()` is
    called about once a second (e.g. to read a console's RSS)."""
    wins = [m.CpuWindow(lambda d=d: m.engine_pids(d), children=True) for d in engine_dirs]
    for w in wins:
        w.start()
    end = time.time() + seconds
    while time.time() < end:
        if sample:
            sample()
        for w in wins:
            w.sample()
        time.sleep(min(1.0, max(0.0, end - time.time())))
    for w in wins:
        w.sample()
    # Scanning /proc for the engines' processes can take seconds on a loaded machine, so the
    # window can overrun: scale to the nominal window (CPU-seconds per `seconds`).
    scale = seconds / (time.time() - end + seconds)
    return [w.seconds() * scale for w in wins]


def launch_times(tm, session, command, pred, launches):
    """Median launch → pred(screen) over `launches`; the last launch stays open."""
    firsts = []
    for k in range(launches):
        s = session if k == launches - 1 else f"{session}-l{k}"
        t0 = time.time()
        tm.launch(s, f"exec {command}")
        t, screen = tm.wait_for(s, pred, 60)
        if t is None:
            raise RuntimeError(f"{session}: no first frame within 60 s; screen:\n{screen}")
        firsts.append((t - t0) * 1000)
        if s != session:
            tm.keys(s, "q")
            time.sleep(0.3)
            tm.kill(s)
            time.sleep(0.5)
    return statistics.median(firsts), firsts


def floor_ms(tm, outdir, session, pred, launches):
    """The console's first screen written at once by `cat`, timed like a launch (run.sh's
    "floor": what tmux and the poller need to show that screen)."""
    frame = os.path.join(outdir, f"{session}-frame.ans")
    with open(frame, "w") as f:
        f.write(tm.run("capture-pane", "-e", "-p", "-t", session))
    times = []
    for k in range(launches):
        s = f"{session}-floor{k}"
        t0 = time.time()
        tm.launch(s, f"cat {frame}; exec sleep 30")
        t, _ = tm.wait_for(s, pred, 10)
        tm.kill(s)
        if t is not None:
            times.append((t - t0) * 1000)
    return statistics.median(times) if times else None


def idle(tm, session, engine_dirs, seconds):
    """Own CPU and max RSS of the console's process tree and each engine's CPU, same window."""
    pid = tm.pane_pid(session)
    own = m.CpuWindow(lambda: m.tree(pid), children=True)
    own.start()
    rss = [0]

    def sample():
        rss[0] = max(rss[0], sum(m.rss_kb(p) for p in m.tree(pid)))
        own.sample()

    t0 = time.time()
    eng = engine_cpu_window(engine_dirs, seconds, sample)
    own.sample()
    real = time.time() - t0
    return {"cpu_s": own.seconds(), "cpu_pct": own.seconds() / real * 100, "window_s": real,
            "rss_mb": rss[0] / 1024, "engine_cpu_s": eng}


def events_to_screen(tm, session, dockers, watchers, targets, cycles):
    """`docker stop`/`start` of each target (engine index, name) from outside, `cycles` times
    each, alternating engines; latency from the engine's event to the first capture showing
    the new state. Returns the list of latencies (ms) and how many were missed."""
    lat, missed = [], 0
    ids = {t: dockers[t[0]].cli("inspect", "-f", "{{.Id}}", t[1]).strip() for t in targets}
    for _ in range(cycles):
        for t in targets:
            i, cname = t
            for verb, action, state in (("stop", "die", "exited"), ("start", "start", "running")):
                after = time.time_ns() - 1_000_000
                proc = subprocess.Popen(["docker", verb, cname], env=dockers[i].env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                ts, _ = tm.wait_for(session, m.shows(state)(cname), 10)
                proc.wait(timeout=30)
                ev = watchers[i].wait(ids[t], action, after, timeout=5)
                if ts is not None and ev is not None:
                    lat.append((ts - ev / 1e9) * 1000)
                else:
                    missed += 1
                time.sleep(0.2)
    return lat, missed


def lists_together_ms(dockers, repeat=7):
    """Median wall time until every engine has answered `GET /containers/json?all=1`, all asked
    at once: what the fleet waits for when its engines share this machine's cores (the
    per-engine figures are each taken alone)."""
    times = []
    with ThreadPoolExecutor(len(dockers)) as pool:
        for _ in range(repeat):
            t0 = time.time()
            list(pool.map(lambda d: d.raw_list_ms(repeat=1), dockers))
            times.append((time.time() - t0) * 1000)
    return statistics.median(times)


def paired_first_frames(args, tm, dockers, hosts, k, n):
    """`--pair LABEL=BIN …`: only the fleet's first frame, launches alternating between the
    binaries (the order turns each launch), so a change smaller than the noise between two
    runs shows. Prints each binary's launches and median."""
    pairs = [p.split("=", 1) for p in args.pair]
    env = f"env XDG_CONFIG_HOME={args.outdir}/cfg XDG_STATE_HOME={args.outdir}/state"
    hargs = " ".join(f"--host {h}" for h in hosts)
    total = f"· {k * n} containers"
    row_re = re.compile(r"\be\d+-c\d{4}\b")
    pred = lambda sc: total in sc and row_re.search(sc) is not None  # noqa: E731
    times = {label: [] for label, _ in pairs}
    together = lists_together_ms(dockers)
    for launch in range(args.launches):
        order = pairs if launch % 2 == 0 else list(reversed(pairs))
        for label, binary in order:
            cmd = f"{env} {binary} --no-mouse {hargs}"
            t, _ = launch_times(tm, f"pair-{launch}-{label}", cmd, pred, 1)
            tm.keys(f"pair-{launch}-{label}", "q")
            time.sleep(0.3)
            tm.kill(f"pair-{launch}-{label}")
            time.sleep(0.5)
            times[label].append(t)
    print(f"### Fleet first frame, paired: {k} engines × {n}, {args.launches} launches each "
          f"(all {k} raw lists asked at once: {together:.1f} ms)\n")
    print("| binary | median (ms) | launches (ms) |\n|---|---:|---|")
    for label, _ in pairs:
        ts = times[label]
        print(f"| {label} | {statistics.median(ts):.0f} | "
              + " / ".join(f"{x:.0f}" for x in ts) + " |")


def one_round(args, tm, dockers, watchers, hosts, dirs, n, k, rnd):
    res = {"n": n, "engines": k, "round": rnd}
    res["raw_list_ms"] = [d.raw_list_ms() for d in dockers]
    res["raw_lists_together_ms"] = lists_together_ms(dockers)
    env = f"env XDG_CONFIG_HOME={args.outdir}/cfg XDG_STATE_HOME={args.outdir}/state"
    res["setup_ms"] = m.terminal_setup_ms(tm)
    m.log(f"baseline: engines' CPU with no console, {args.duration:.0f} s")
    res["baseline_s"] = engine_cpu_window(dirs, args.duration)

    # The fleet: every engine's containers in (the header counts them all) and a row drawn.
    total = f"· {k * n} containers"
    # Not a given row: the selection keeps its row while other engines' rows arrive, so which
    # rows are on screen depends on which engine answered first.
    row_re = re.compile(r"\be\d+-c\d{4}\b")
    pred = lambda sc: total in sc and row_re.search(sc) is not None  # noqa: E731
    hargs = " ".join(f"--host {h}" for h in hosts)
    fleet_cmd = f"{env} {args.bin} --no-mouse --log-file {args.outdir}/fleet.log {hargs}"
    m.log(f"fleet: {args.launches} launches")
    res["fleet_first_ms"], res["fleet_first_all"] = launch_times(
        tm, "fleet", fleet_cmd, pred, args.launches)
    res["fleet_floor_ms"] = floor_ms(tm, args.outdir, "fleet",
                                     lambda sc: row_re.search(sc) is not None, args.launches)
    time.sleep(args.settle)
    m.log(f"fleet: idle {args.duration:.0f} s")
    res["fleet_idle"] = idle(tm, "fleet", dirs, args.duration)

    # Event → screen on the healthy engines, all healthy first, then with the last frozen.
    tm.keys("fleet", "/")
    time.sleep(0.2)
    tm.run("send-keys", "-t", "fleet", "-l", "--", "-c000")
    tm.keys("fleet", "Enter")
    targets = [(i, name(i + 1, min(5, n))) for i in range(k - 1)]
    t, screen = tm.wait_for("fleet", lambda sc: all(t[1] in sc for t in targets), 10)
    if t is None:
        raise RuntimeError(f"fleet: the filter did not show the targets; screen:\n{screen}")
    m.log(f"fleet: event→screen, all healthy ({args.events} cycles × {len(targets)})")
    res["ev_healthy"], res["ev_healthy_missed"] = events_to_screen(
        tm, "fleet", dockers, watchers, targets, args.events)
    pid = int(open(os.path.join(dirs[-1], "docker.pid")).read().strip())
    m.log(f"fleet: SIGSTOP engine {k} (dockerd {pid})")
    os.kill(pid, signal.SIGSTOP)
    try:
        t0 = time.time()
        t, _ = tm.wait_for("fleet", lambda sc: "not responding" in sc, 30)
        res["frozen_marked_s"] = None if t is None else t - t0
        m.log(f"fleet: event→screen, engine {k} frozen")
        res["ev_frozen"], res["ev_frozen_missed"] = events_to_screen(
            tm, "fleet", dockers, watchers, targets, args.events)
        with open(os.path.join(args.outdir, "fleet-frozen-screen.txt"), "w") as f:
            f.write(tm.capture("fleet"))
    finally:
        os.kill(pid, signal.SIGCONT)
    t0 = time.time()
    t, _ = tm.wait_for("fleet", lambda sc: "not responding" not in sc, 30)
    res["thawed_s"] = None if t is None else t - t0
    tm.keys("fleet", "q")
    time.sleep(0.5)
    tm.kill("fleet")

    # One engine alone, same binary, same run: its engine's extra CPU per engine.
    single_cmd = (f"{env} {args.bin} --no-mouse --log-file {args.outdir}/single.log "
                  f"--host {hosts[0]}")
    m.log(f"single: {args.launches} launches")
    res["single_first_ms"], res["single_first_all"] = launch_times(
        tm, "single", single_cmd, lambda sc: re.search(r"\be1-c\d{4}\b", sc) is not None,
        args.launches)
    time.sleep(args.settle)
    m.log(f"single: idle {args.duration:.0f} s")
    res["single_idle"] = idle(tm, "single", dirs, args.duration)
    tm.keys("single", "q")
    time.sleep(0.5)
    tm.kill("single")
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", action="append", required=True,
                    help="HOST=DIR of a private engine (repeat: 3)")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--run", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--tmux", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--settle", type=float, default=10)
    ap.add_argument("--launches", type=int, default=3)
    ap.add_argument("--events", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure everything this many times on the same engines")
    ap.add_argument("--json")
    ap.add_argument("--pair", action="append",
                    help="LABEL=BIN (repeat): only first frames, launches alternating")
    args = ap.parse_args()

    hosts = [e.split("=", 1)[0] for e in args.engine]
    dirs = [e.split("=", 1)[1] for e in args.engine]
    socks = [h[len("unix://"):] for h in hosts]
    dockers = [m.Docker(h, s) for h, s in zip(hosts, socks)]
    n, k = args.n, len(hosts)
    for i, d in enumerate(dockers, 1):
        create(d, i, n, args.run, args.image)
    time.sleep(3)
    tm = m.Tmux(args.tmux)
    watchers = [m.EventWatcher(s) for s in socks]
    rounds = []
    if args.pair:
        paired_first_frames(args, tm, dockers, hosts, k, n)
        for w in watchers:
            w.close()
        return
    try:
        for r in range(1, args.rounds + 1):
            m.log(f"round {r} of {args.rounds}")
            res = one_round(args, tm, dockers, watchers, hosts, dirs, n, k, r)
            rounds.append(res)
            print(table(res, args), flush=True)
    finally:
        for w in watchers:
            w.close()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rounds, f, indent=2)


def table(r, args):
    f = m.fmt
    k, dur = r["engines"], args.duration
    slow = max(r["raw_list_ms"])
    target = 2 * slow + r["setup_ms"]
    # The engines share this machine's cores: the slowest list the fleet meets is the one
    # asked together with the others (each engine on its own host is the list alone).
    together = r.get("raw_lists_together_ms")
    shared = None if together is None else 2 * together + r["setup_ms"]
    base, fl, si = r["baseline_s"], r["fleet_idle"], r["single_idle"]
    fleet_extra = [a - b for a, b in zip(fl["engine_cpu_s"], base)]
    single_extra = si["engine_cpu_s"][0] - base[0]
    out = [f"### Fleet: {k} engines × {r['n']} running containers, round {r['round']}\n",
           "Raw `GET /containers/json?all=1` per engine (median of 7): "
           + " / ".join(f"{x:.1f}" for x in r["raw_list_ms"])
           + f" ms; all {k} asked at once: {f(r.get('raw_lists_together_ms'), '{:.1f}')} ms"
           + f"; terminal setup: {f(r['setup_ms'])} ms; engines' idle baseline: "
           + " / ".join(f"{x:.2f}" for x in base) + f" CPU-s per {dur:.0f} s.\n",
           "| measure | fleet (3 engines) | one engine (`--host A`) | target |",
           "|---|---:|---:|---|",
           f"| first frame, median of {args.launches} (ms) | {r['fleet_first_ms']:.0f} "
           f"(floor {f(r['fleet_floor_ms'])}) | {r['single_first_ms']:.0f} "
           f"| ≤ 2 × {slow:.1f} + {f(r['setup_ms'])} = {target:.0f} ms (lists alone); "
           f"≤ 2 × {f(together, '{:.1f}')} + {f(r['setup_ms'])} = {f(shared, '{:.0f}')} ms "
           "(lists together, as on these shared cores) |",
           f"| own CPU idle, % of a core ({dur:.0f} s) | {fl['cpu_pct']:.2f} % "
           f"| {si['cpu_pct']:.2f} % | ≤ 1 % |",
           f"| max RSS (MB) | {fl['rss_mb']:.1f} | {si['rss_mb']:.1f} | ≤ 40 MB |",
           f"| extra engine CPU per engine (s per {dur:.0f} s) | "
           + " / ".join(f"{x:+.2f}" for x in fleet_extra)
           + f" | {single_extra:+.2f} (engine A) | as with one engine |",
           f"| event→screen p50 / p95, all healthy (ms) | {f(m.pct(r['ev_healthy'], 50))} / "
           f"{f(m.pct(r['ev_healthy'], 95))} ({len(r['ev_healthy'])} seen, "
           f"{r['ev_healthy_missed']} missed) | | |",
           f"| event→screen p50 / p95, engine {k} SIGSTOPped (ms) | "
           f"{f(m.pct(r['ev_frozen'], 50))} / {f(m.pct(r['ev_frozen'], 95))} "
           f"({len(r['ev_frozen'])} seen, {r['ev_frozen_missed']} missed) | | p95 ≤ 150 ms |",
           f"| frozen engine marked not responding after / back after SIGCONT (s) | "
           f"{f(r.get('frozen_marked_s'), '{:.1f}')} / {f(r.get('thawed_s'), '{:.1f}')} | | |",
           "",
           "First-frame launches (ms): fleet "
           + "/".join(f"{x:.0f}" for x in r["fleet_first_all"]) + ", one engine "
           + "/".join(f"{x:.0f}" for x in r["single_first_all"]) + "."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
