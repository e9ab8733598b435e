#!/usr/bin/env python3
"""smaps.py A.smaps [B.smaps] [--top N] — where a process's memory is: PSS (and RSS) summed per
mapping (a library's code, read-only data or writable pages; [heap]; anonymous maps; SysV
shared memory), largest first. With B, the difference A − B per mapping, largest first: how
Wharf's process differs from the minimal app's. The files come from tests/measure.mjs --smaps
(bench/desktop-pair.sh --smaps DIR)."""
import collections
import re
import sys


def load(path):
    pss, rss = collections.Counter(), collections.Counter()
    key = None
    for line in open(path):
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split()
            name = parts[5].rsplit("/", 1)[-1] if len(parts) > 5 else "[anon]"
            key = f"{parts[1]} {name}"
        elif line.startswith("Pss:"):
            pss[key] += int(line.split()[1])
        elif line.startswith("Rss:"):
            rss[key] += int(line.split()[1])
    return pss, rss


args = [a for a in sys.argv[1:] if not a.startswith("--")]
top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25
if "--top" in sys.argv:
    args.remove(str(top))
a_pss, a_rss = load(args[0])
if len(args) == 1:
    print(f"PSS {sum(a_pss.values()) / 1024:.1f} MiB, RSS {sum(a_rss.values()) / 1024:.1f} MiB")
    print("| PSS KiB | RSS KiB | mapping |\n|---:|---:|---|")
    for k, v in a_pss.most_common(top):
        print(f"| {v} | {a_rss[k]} | {k} |")
else:
    b_pss, _ = load(args[1])
    print(f"PSS {sum(a_pss.values()) / 1024:.1f} − {sum(b_pss.values()) / 1024:.1f} MiB")
    diff = {k: a_pss[k] - b_pss[k] for k in set(a_pss) | set(b_pss)}
    print("| Δ PSS KiB | A | B | mapping |\n|---:|---:|---:|---|")
    for k in sorted(diff, key=lambda k: -abs(diff[k]))[:top]:
        print(f"| {diff[k]:+d} | {a_pss[k]} | {b_pss[k]} | {k} |")
