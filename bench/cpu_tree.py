#!/usr/bin/env python3
"""cpu_tree.py PID WARMUP WINDOW — CPU of process PID and all its descendants, as % of one
core over WINDOW seconds after WARMUP seconds (utime+stime from /proc/PID/stat), printed as
JSON with a per-executable breakdown. bench/desktop.sh measures the terminal UI with it the way
ui/tests/measure.mjs measures the desktop apps."""
import json
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def procs():
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            rest = s[s.rindex(")") + 2:].split()
            try:
                exe = os.path.basename(os.readlink(f"/proc/{d}/exe"))
            except OSError:
                exe = "?"
            out[int(d)] = (int(rest[1]), int(rest[11]) + int(rest[12]), exe)
        except (OSError, ValueError):
            pass
    return out


def tree(root):
    all_ = procs()
    pids = {root}
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _, _) in all_.items():
            if pid not in pids and ppid in pids:
                pids.add(pid)
                grew = True
    return {p: (all_[p][1], all_[p][2]) for p in pids if p in all_}


def main():
    root, warmup, window = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    time.sleep(warmup)
    a = tree(root)
    t0 = time.monotonic()
    time.sleep(window)
    b = tree(root)
    secs = time.monotonic() - t0
    per = {}
    for pid, (ticks, exe) in b.items():
        per[exe] = per.get(exe, 0.0) + (ticks - a.get(pid, (0, exe))[0]) / TICK
    pct = lambda v: round(100 * v / secs, 2)
    print(json.dumps({"seconds": round(secs, 1), "total_pct": pct(sum(per.values())),
                      "per_exe_pct": {k: pct(v) for k, v in per.items()}}))


main()
