#!/usr/bin/env python3
"""Measurement half of bench/run.sh (stdlib only). run.sh installs, builds, starts the private
engine and cleans up; this script creates the containers, drives each console in tmux and
prints the markdown table.

Every loop here is bounded in count and in time; the only traffic target is the engine's unix
socket given with --sock.
"""

import argparse
import http.client
import json
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
NAME_RE = re.compile(r"\bwb-\d{4}\b")
LOG_NAME = "wb-0000-log"
COLS, ROWS = 200, 50


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- engine access


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


class Docker:
    def __init__(self, host, sock):
        self.host = host
        self.sock = sock
        self.env = dict(os.environ, DOCKER_HOST=host)

    def cli(self, *args, timeout=60, check=True):
        r = subprocess.run(["docker", *args], env=self.env, capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def raw_list_ms(self, repeat=7):
        """Median wall time of GET /containers/json?all=1 (curl, as the issue measured it)."""
        times = []
        for _ in range(repeat):
            out = subprocess.run(
                ["curl", "-s", "--max-time", "10", "--unix-socket", self.sock, "-o", "/dev/null",
                 "-w", "%{time_total}", "http://x/containers/json?all=1"],
                capture_output=True, text=True, timeout=15).stdout
            times.append(float(out) * 1000)
        return statistics.median(times)


class EventWatcher:
    """Follows the engine's container die/start events; remembers each one's engine time."""

    def __init__(self, sock):
        self.sock = sock
        self.times = {}  # (id, action) -> list of unix ns
        self.lock = threading.Lock()
        self.conn = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        time.sleep(0.2)

    def run(self):
        filters = json.dumps({"type": ["container"], "event": ["die", "start"]})
        try:
            self.conn = UnixHTTPConnection(self.sock, timeout=None)
            self.conn.request("GET", "/events?filters=" + urllib.parse.quote(filters))
            resp = self.conn.getresponse()
            buf = b""
            while True:
                chunk = resp.read1(65536)
                if not chunk:
                    return
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if not line.strip():
                        continue
                    e = json.loads(line)
                    key = (e.get("id") or e.get("Actor", {}).get("ID"), e.get("status") or e.get("Action"))
                    with self.lock:
                        self.times.setdefault(key, []).append(int(e["timeNano"]))
        except (OSError, ValueError, http.client.HTTPException):
            return

    def wait(self, cid, action, after_ns, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for t in self.times.get((cid, action), []):
                    if t >= after_ns:
                        return t
            time.sleep(0.002)
        return None

    def close(self):
        try:
            if self.conn and self.conn.sock:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


# ---------------------------------------------------------------- /proc


def proc_children():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(pid):
    kids = proc_children()
    out, todo = [], [pid]
    while todo and len(out) < 10_000:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_ticks(pid, children=False):
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
    except OSError:
        return None
    fields = st[st.rindex(")") + 2:].split()
    t = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        t += int(fields[13]) + int(fields[14])  # cutime, cstime (reaped children)
    return t


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE // 1024
    except OSError:
        return 0


def hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def engine_pids(engine_dir):
    """dockerd, containerd and the shims of the private engine (their command lines name DIR)."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{d}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if engine_dir in cmd and (comm.startswith("dockerd") or comm.startswith("containerd")):
            pids.append(int(d))
    return pids


class CpuWindow:
    """CPU ticks of a set of processes between start() and stop(); processes that appear in
    between count from zero, processes that vanish count up to their last reading."""

    def __init__(self, pids_fn, children=False):
        self.pids_fn = pids_fn
        self.children = children
        self.first = {}
        self.last = {}

    def sample(self):
        for p in self.pids_fn():
            t = cpu_ticks(p, self.children)
            if t is None:
                continue
            self.first.setdefault(p, t if not self.last else 0)
            self.last[p] = t

    def start(self):
        self.first, self.last = {}, {}
        for p in self.pids_fn():
            t = cpu_ticks(p, self.children)
            if t is not None:
                self.first[p] = t
                self.last[p] = t

    def seconds(self):
        return sum(self.last[p] - self.first.get(p, 0) for p in self.last) / CLK_TCK


# ---------------------------------------------------------------- tmux


class Tmux:
    def __init__(self, sock_name):
        self.base = ["tmux", "-L", sock_name]
        # A keeper session keeps the server up, so launches below do not pay the server start.
        self.run("new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "sleep 86400")

    def run(self, *args, check=True):
        r = subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=10)
        if check and r.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def launch(self, session, command):
        self.run("new-session", "-d", "-s", session, "-x", str(COLS), "-y", str(ROWS), command)
        self.run("set-option", "-t", session, "remain-on-exit", "on", check=False)

    def capture(self, session):
        r = subprocess.run([*self.base, "capture-pane", "-p", "-t", session],
                           capture_output=True, text=True, timeout=10)
        return r.stdout

    def pane_pid(self, session):
        return int(self.run("display-message", "-p", "-t", session, "#{pane_pid}").strip())

    def keys(self, session, *keys):
        self.run("send-keys", "-t", session, *keys)

    def kill(self, session):
        self.run("kill-session", "-t", session, check=False)

    def wait_for(self, session, pred, timeout):
        """Poll the screen until pred(screen) holds; returns (unix time of the first capture
        that satisfied it, screen) or (None, last screen). Polls as fast as capture-pane goes."""
        deadline = time.time() + timeout
        screen = ""
        while time.time() < deadline:
            screen = self.capture(session)
            if pred(screen):
                return time.time(), screen
        return None, screen


# ---------------------------------------------------------------- measurements


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def row_of(screen, name):
    for line in screen.splitlines():
        if re.search(rf"\b{re.escape(name)}\b", line):
            return line
    return None


def shows(state):
    """Predicate: the row of `name` shows `state` (a stopped row may also vanish)."""
    up = re.compile(r"\b(running|up)\b", re.I)
    down = re.compile(r"\b(exited|stopped|dead)\b", re.I)

    def pred_for(name):
        def pred(screen):
            row = row_of(screen, name)
            if state == "running":
                return row is not None and up.search(row) is not None and not down.search(row)
            return row is None or down.search(row) is not None
        return pred
    return pred_for


def structure(screen):
    """The screen without digits and blanks: log lines scrolling and numbers changing vanish,
    a layout change (full screen, a popup) stays."""
    return re.sub(r"[\d\s]", "", screen)


# A minimal full-screen program: each key press redraws the whole screen in the other layout.
# Timing its key presses gives the floor of tmux + send-keys + capture-pane polling.
TOGGLER = r"""
import os, sys, tty
tty.setraw(0)
a = True
def draw():
    body = ("TOGGLE-A " * 20 + "\r\n") * 40 if a else ("b\r\n" * 5)
    os.write(1, b"\x1b[H\x1b[2J" + body.encode())
draw()
while True:
    c = os.read(0, 1)
    if not c or c == b"q":
        break
    a = not a
    draw()
"""


def key_floor_ms(tm, presses=10):
    """Key press to screen change for TOGGLER, under whatever load is running now."""
    s = "floor"
    tm.launch(s, "exec python3 -c " + shlex.quote(TOGGLER))
    lat = []
    try:
        if tm.wait_for(s, lambda sc: "TOGGLE-A" in sc, 10)[0] is None:
            return None
        for _ in range(presses):
            before = structure(tm.capture(s))
            t0 = time.time()
            tm.keys(s, "x")
            t, _ = tm.wait_for(s, lambda sc, b=before: structure(sc) != b, 2)
            if t is not None:
                lat.append((t - t0) * 1000)
            time.sleep(0.1)
    finally:
        tm.kill(s)
    return pct(lat, 95)


def terminal_setup_ms(tm, repeat=5):
    times = []
    for i in range(repeat):
        s = f"setup{i}"
        t0 = time.time()
        tm.launch(s, "echo TERMINAL-READY; exec sleep 30")
        t, _ = tm.wait_for(s, lambda sc: "TERMINAL-READY" in sc, 10)
        tm.kill(s)
        if t:
            times.append((t - t0) * 1000)
    return statistics.median(times) if times else None


def frame_floor_ms(tm, args, session):
    """What showing this console's first screen costs tmux and the poller alone: the screen just
    captured (with its colours) is written at once by `cat` in a fresh session, timed like a
    launch (median of --launches)."""
    frame = os.path.join(args.outdir, f"{session}-frame.ans")
    with open(frame, "w") as f:
        f.write(tm.run("capture-pane", "-e", "-p", "-t", session))
    times = []
    for i in range(args.launches):
        s = f"{session}-floor{i}"
        t0 = time.time()
        tm.launch(s, f"cat {frame}; exec sleep 30")
        t, _ = tm.wait_for(s, lambda sc: NAME_RE.search(sc) is not None, 10)
        tm.kill(s)
        if t is not None:
            times.append((t - t0) * 1000)
    return statistics.median(times) if times else None


def measure_console(args, docker, events, tm, name, command, keys, n, sample_names):
    res = {"name": name}
    session = f"c-{name}-{n}"
    log(f"{name}: launch at {n} containers ({args.launches} launches)")
    firsts = []
    for i in range(args.launches - 1):
        s = f"{session}-l{i}"
        t0 = time.time()
        tm.launch(s, f"exec {command}")
        t, _ = tm.wait_for(s, lambda sc: NAME_RE.search(sc) is not None, 30)
        if t is not None:
            firsts.append((t - t0) * 1000)
        tm.keys(s, "q")
        time.sleep(0.3)
        tm.kill(s)
        time.sleep(0.5)
    t0 = time.time()
    tm.launch(session, f"exec {command}")
    t, screen = tm.wait_for(session, lambda sc: NAME_RE.search(sc) is not None, 30)
    if t is None:
        log(f"{name}: no container name on screen within 30 s; screen:\n{screen}")
        tm.kill(session)
        res["error"] = "no first frame"
        return res
    firsts.append((t - t0) * 1000)
    res["first_frame_ms"] = statistics.median(firsts)
    res["first_frame_all"] = firsts
    pid = tm.pane_pid(session)
    res["frame_floor_ms"] = frame_floor_ms(tm, args, session)
    # Settle: initial background work (inspections, first samples) is start-up, not idle.
    time.sleep(args.settle)
    visible = [m for m in NAME_RE.findall(tm.capture(session)) if m in sample_names]
    with open(os.path.join(args.outdir, f"{session}-screen.txt"), "w") as f:
        f.write(tm.capture(session))

    # Idle window: console CPU and RSS, engine CPU.
    log(f"{name}: idle {args.duration} s")
    own = CpuWindow(lambda: tree(pid), children=True)
    eng = CpuWindow(lambda: engine_pids(args.engine_dir), children=True)
    # sshd's side with --ssh (its sessions and their `docker system dial-stdio`): the SSH
    # host's cost of this console, beside the engine's.
    remote = CpuWindow(lambda: tree(args.remote_pid) if args.remote_pid else [], children=True)
    own.start()
    eng.start()
    remote.start()
    rss_max = 0
    t0 = time.time()
    end = t0 + args.duration
    while time.time() < end:
        rss_max = max(rss_max, sum(rss_kb(p) for p in tree(pid)))
        own.sample()
        eng.sample()
        remote.sample()
        time.sleep(min(1.0, max(0.0, end - time.time())))
    own.sample()
    eng.sample()
    remote.sample()
    # Reading /proc can take seconds on a loaded machine, so the window can overrun: CPU is
    # scaled to the nominal window (the baseline is scaled the same way).
    scale = args.duration / (time.time() - t0)
    if args.remote_pid:
        res["remote_cpu_s"] = remote.seconds() * scale
    res["cpu_s"] = own.seconds() * scale
    res["cpu_pct"] = res["cpu_s"] / args.duration * 100
    res["rss_mb"] = rss_max / 1024
    res["engine_cpu_s"] = eng.seconds() * scale

    # Event to screen.
    target = visible[len(visible) // 2] if visible else None
    if target:
        cid = docker.cli("inspect", "-f", "{{.Id}}", target).strip()
        lat = {"die": [], "start": []}
        cmd_lat = {"die": [], "start": []}
        log(f"{name}: {args.events} stop/start of {target}")
        for _ in range(args.events):
            for verb, action, state in (("stop", "die", "exited"), ("start", "start", "running")):
                t_cmd = time.time()
                after = time.time_ns() - 1_000_000
                proc = subprocess.Popen(["docker", verb, target], env=docker.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                ts, _ = tm.wait_for(session, shows(state)(target), 10)
                proc.wait(timeout=30)
                ev = events.wait(cid, action, after, timeout=5)
                if ts is not None and ev is not None:
                    lat[action].append((ts - ev / 1e9) * 1000)
                    cmd_lat[action].append((ts - t_cmd) * 1000)
                time.sleep(0.2)
        both = lat["die"] + lat["start"]
        res["event_p50"] = pct(both, 50)
        res["event_p95"] = pct(both, 95)
        res["event_n"] = len(both)
        res["stop_p95"] = pct(lat["die"], 95)
        res["start_p95"] = pct(lat["start"], 95)
        res["cmd_p50"] = pct(cmd_lat["die"] + cmd_lat["start"], 50)

    # Log follow: a container printing as fast as it can, its logs open in the console.
    if args.logs:
        measure_logs(args, docker, tm, session, pid, keys, res)

    tm.keys(session, "q")
    time.sleep(0.5)
    tm.kill(session)
    return res


def measure_logs(args, docker, tm, session, pid, keys, res):
    open_keys, toggle = keys
    log(f"{res['name']}: log follow ({LOG_NAME}: seq as fast as it can)")
    docker.cli("run", "-d", "--name", LOG_NAME, "--label", f"wharf.bench={args.run}",
               "--log-opt", "max-size=20m", "--log-opt", "max-file=2", args.image,
               "seq", "1", "999999999999")
    try:
        tm.wait_for(session, lambda sc: LOG_NAME in sc, 3)
        res["key_floor_p95"] = key_floor_ms(tm)
        for k in open_keys:
            tm.keys(session, k)
            time.sleep(0.3)
        t_open = time.time()
        time.sleep(2)
        with open(os.path.join(args.outdir, f"{session}-logs-screen.txt"), "w") as f:
            f.write(tm.capture(session))
        # Frames: how often the visible log content changes (sampled every 50 ms for 3 s).
        seen, last, changes = 0, None, 0
        t_end = time.time() + 3
        while time.time() < t_end:
            sc = tm.capture(session)
            seen += 1
            if last is not None and sc != last:
                changes += 1
            last = sc
            time.sleep(0.05)
        res["log_changes_per_s"] = changes / 3
        # Keys: press the toggle, time until the layout changes; twice per round (there and back).
        lat = []
        misses = 0
        rss_max = 0
        for _ in range(args.key_presses):
            before = structure(tm.capture(session))
            t0 = time.time()
            tm.keys(session, toggle)
            t, _ = tm.wait_for(session, lambda sc, b=before: structure(sc) != b, 2)
            if t is None:
                misses += 1
            else:
                lat.append((t - t0) * 1000)
            rss_max = max(rss_max, sum(rss_kb(p) for p in tree(pid)))
            time.sleep(0.3)
        res["key_p50"] = pct(lat, 50)
        res["key_p95"] = pct(lat, 95)
        res["key_misses"] = misses
        if len(lat) % 2 == 1:
            tm.keys(session, toggle)  # leave the layout as it was
        # RSS after 30 s of following.
        deadline = t_open + 30
        while time.time() < deadline:
            rss_max = max(rss_max, sum(rss_kb(p) for p in tree(pid)))
            time.sleep(min(1.0, max(0.0, deadline - time.time())))
        res["log_rss_mb"] = sum(rss_kb(p) for p in tree(pid)) / 1024
        res["log_rss_max_mb"] = rss_max / 1024
        res["log_hwm_mb"] = hwm_kb(pid) / 1024
    finally:
        tm.keys(session, "Escape")
        docker.cli("rm", "-f", LOG_NAME, check=False)


def baseline(args, n):
    log(f"baseline: engine CPU with no console, {args.duration} s at {n} containers")
    eng = CpuWindow(lambda: engine_pids(args.engine_dir), children=True)
    eng.start()
    t0 = time.time()
    end = t0 + args.duration
    while time.time() < end:
        eng.sample()
        time.sleep(min(1.0, max(0.0, end - time.time())))
    eng.sample()
    return eng.seconds() * args.duration / (time.time() - t0)


def create_containers(docker, args, start, end):
    def one(i):
        docker.cli("run", "-d", "--name", f"wb-{i:04d}", "--label", f"wharf.bench={args.run}",
                   args.image, "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done")

    if end <= start:
        return
    log(f"creating containers wb-{start:04d}..wb-{end - 1:04d}")
    with ThreadPoolExecutor(max_workers=4) as ex:
        list(ex.map(one, range(start, end)))


# ---------------------------------------------------------------- report


def fmt(v, spec="{:.0f}", none="–"):
    return none if v is None else spec.format(v)


def table(n, raw_ms, setup_ms, base_s, duration, results):
    out = []
    out.append(f"### {n} running containers\n")
    out.append(f"Raw `GET /containers/json?all=1`: **{raw_ms:.1f} ms** (median of 7); terminal "
               f"setup (tmux session until a first line shows): **{fmt(setup_ms, '{:.0f}')} ms**; "
               f"engine idle baseline: **{base_s:.2f} CPU-s** per {duration:.0f} s.\n")
    out.append("| console | first frame (ms) | ÷ raw list | own CPU (s / %) | max RSS (MB) "
               "| extra engine CPU (s) | event→screen p50 / p95 (ms) | logs: key p50 / p95 (ms) "
               "| logs: RSS after 30 s (MB) | logs: screen changes/s |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        if "error" in r:
            out.append(f"| {r['name']} | {r['error']} | | | | | | | | |")
            continue
        extra = r["engine_cpu_s"] - base_s
        ev = f"{fmt(r.get('event_p50'))} / {fmt(r.get('event_p95'))}"
        if r.get("event_n") is not None and r["event_n"] < 2 * args_events:
            ev += f" ({r['event_n']} seen)"
        key = f"{fmt(r.get('key_p50'))} / {fmt(r.get('key_p95'))}"
        if r.get("key_floor_p95") is not None:
            key += f" (floor {r['key_floor_p95']:.0f})"
        if r.get("key_misses"):
            key += f" ({r['key_misses']} missed)"
        first = f"{r['first_frame_ms']:.0f}"
        if r.get("frame_floor_ms") is not None:
            first += f" (floor {r['frame_floor_ms']:.0f})"
        if r.get("remote_cpu_s") is not None:
            extra_s = f"{extra:+.2f} (sshd side {r['remote_cpu_s']:.2f})"
        else:
            extra_s = f"{extra:+.2f}"
        out.append(
            f"| {r['name']} | {first} | {r['first_frame_ms'] / raw_ms:.1f}× "
            f"| {r['cpu_s']:.2f} / {r['cpu_pct']:.2f} % | {r['rss_mb']:.1f} | {extra_s} "
            f"| {ev} | {key} | {fmt(r.get('log_rss_mb'), '{:.1f}')} "
            f"| {fmt(r.get('log_changes_per_s'), '{:.1f}')} |")
    return "\n".join(out) + "\n"


args_events = 20


def main():
    global args_events
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--sock", required=True)
    ap.add_argument("--engine-dir", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--tmux", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--counts", type=int, nargs="+", default=[100])
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--settle", type=float, default=10)
    ap.add_argument("--events", type=int, default=20)
    ap.add_argument("--launches", type=int, default=5)
    ap.add_argument("--key-presses", type=int, default=20)
    ap.add_argument("--no-logs", dest="logs", action="store_false")
    ap.add_argument("--remote-pid", type=int,
                    help="sshd in front of the engine (run.sh --ssh): its tree's CPU is reported")
    ap.add_argument("--console", action="append", default=[],
                    help="NAME=COMMAND (repeatable; the first is the main one)")
    ap.add_argument("--keys", action="append", default=[],
                    help="NAME=OPEN KEYS|TOGGLE KEY (tmux key names)")
    ap.add_argument("--json", help="also write the raw results here")
    args = ap.parse_args()
    args_events = args.events

    consoles = []
    for c in args.console:
        name, _, cmd = c.partition("=")
        consoles.append((name, cmd))
    keys = {}
    for k in args.keys:
        name, _, spec = k.partition("=")
        open_keys, _, toggle = spec.partition("|")
        keys[name] = (open_keys.split(), toggle or "h")

    docker = Docker(args.host, args.sock)
    tm = Tmux(args.tmux)
    events = EventWatcher(args.sock)
    report = []
    raw = {}
    have = 0
    try:
        for n in sorted(args.counts):
            create_containers(docker, args, have + 1, n + 1)
            have = n
            names = {f"wb-{i:04d}" for i in range(1, n + 1)}
            time.sleep(3)
            raw_ms = docker.raw_list_ms()
            setup_ms = terminal_setup_ms(tm)
            base_s = baseline(args, n)
            results = []
            for name, cmd in consoles:
                try:
                    results.append(measure_console(args, docker, events, tm, name, cmd,
                                                   keys.get(name, ([], "h")), n, names))
                except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
                    log(f"{name}: failed: {e}")
                    results.append({"name": name, "error": f"failed: {e}"[:80]})
                    tm.kill(f"c-{name}-{n}")
                log(f"{name}: {json.dumps(results[-1])}")
            raw[n] = {"raw_list_ms": raw_ms, "terminal_setup_ms": setup_ms,
                      "baseline_engine_cpu_s": base_s, "results": results}
            t = table(n, raw_ms, setup_ms, base_s, args.duration, results)
            report.append(t)
            print(t, flush=True)
    finally:
        events.close()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=2)


if __name__ == "__main__":
    main()
