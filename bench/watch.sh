#!/usr/bin/env bash
# watch.sh — what `wharf watch` costs when it records everything (issue 13): its CPU and how
# fast the history database grows, at N running containers, in one run. As root:
#
#   bench/watch.sh [--containers N] [--warmup S] [--window S] [--bin PATH] [--no-archive] [--perf]
#
# Starts a PRIVATE engine (scripts/engine.sh) with N tiny running containers (default 300;
# busybox `sleep`, each printing one line at start), builds `wharf` in release (unless --bin
# names another binary), starts `wharf watch` on a new database recording every container's
# stats and events and (unless --no-archive) archiving every container's logs (`--archive '*'`,
# one log follower per container), waits S seconds (default 20), then measures over the window
# (default 60 s): the recorder's CPU from /proc/PID/stat (utime + stime, its threads included),
# and the database's bytes in use (SQLite pages minus free pages, read through the WAL) and
# sample rows at both ends. Prints a table: CPU in % of one core against the 1 % budget, bytes
# per sample row, and the growth per container-day: measured per minute × 1440 (which
# overstates a day: the 1 s tier stops growing after its hour) and the steady projection from
# the measured row size (an hour of 1 s rows standing, then 1440 + 96 rows a day) against the
# stated figures (docs/design.md "History that lasts": 91 KiB per container-day + 214 KiB
# standing). Removes what it made. Run it on a quiet machine: other work skews the CPU figure.
# --perf: samples the recorder with `perf record` over the window (bench/results/<run>-perf.txt,
# and the call chains of the symbols over 2 % in <run>-perf-callers.txt).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
n=300 warmup=20 window=60 bin="" archive=1 perf=0
while (($#)); do
	case $1 in
	--containers) n=$2; shift 2 ;;
	--warmup) warmup=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	--bin) bin=$(realpath "$2"); shift 2 ;;
	--no-archive) archive=0; shift ;;
	--perf) perf=1; shift ;;
	-h | --help) sed -n '2,21p' "$0"; exit 0 ;;
	*) echo "watch.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[[ $(id -u) -eq 0 ]] || { echo "watch.sh: run as root (it starts a private dockerd)" >&2; exit 1; }
command -v sqlite3 >/dev/null || apt-get install -y -q sqlite3 >/dev/null

if [[ -z $bin ]]; then
	echo "==> cargo build --release -p wharf-tui" >&2
	cargo build --release -q -p wharf-tui
	bin=$root/target/release/wharf
fi

run_id="watch-$(date +%s)-$$"
engine_dir=$(mktemp -d /tmp/wwb.XXXXXX)
work=$(mktemp -d)
started=false watch_pid=""
cleanup() {
	set +e
	[[ -n $watch_pid ]] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
	if $started; then
		bash scripts/engine.sh clean "$DOCKER_HOST" "$run_id" >/dev/null 2>&1
		bash scripts/engine.sh stop "$engine_dir"
	else
		rm -rf "$engine_dir"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "==> private engine with $n containers" >&2
DOCKER_HOST=$(bash scripts/engine.sh start "$engine_dir")
export DOCKER_HOST
started=true
image="wharf-test/busybox:$run_id"
bash scripts/engine.sh image "$DOCKER_HOST" "$image" >/dev/null
# Four at a time: a few hundred one by one take minutes.
seq 1 "$n" | xargs -P 4 -I{} docker run -d -q --label "wharf.test=$run_id" --name "ww-$run_id-{}" "$image" \
	sh -c 'echo "started $HOSTNAME"; trap "exit 0" TERM; while :; do sleep 3600 & wait; done' >/dev/null

db=$work/history.sqlite3
args=(watch --history "$db" -H "$DOCKER_HOST" --log-file "$work/watch.log")
((archive)) && args+=(--archive '*')
echo "==> wharf ${args[*]}" >&2
"$bin" "${args[@]}" 2>"$work/watch.err" &
watch_pid=$!
sleep "$warmup"
kill -0 "$watch_pid" || { cat "$work/watch.err" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$watch_pid/stat"; }
used() { sqlite3 -readonly "$db" "SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count);" | awk -v ps="$(sqlite3 -readonly "$db" 'PRAGMA page_size;')" '{print $1 * ps}'; }
rows() { sqlite3 -readonly "$db" "SELECT count(*) FROM samples WHERE tier = 0;"; }
archived() { sqlite3 -readonly "$db" "SELECT coalesce(sum(lines), 0) || ' ' || coalesce(sum(stored_bytes), 0) FROM log_blocks;"; }

t0=$(ticks) b0=$(used) r0=$(rows) s0=$(date +%s.%N)
if ((perf)); then
	# Where the recorder's CPU goes (--perf): sampled over the same window (perf's own cost is
	# not in the recorder's ticks); the report goes to bench/results/<run>-perf.txt.
	mkdir -p bench/results
	perf record -q -F 499 -g -o "$work/perf.data" -p "$watch_pid" -- sleep "$window" 2>/dev/null
	perf report -i "$work/perf.data" --stdio --no-children --sort dso,sym -g none --percent-limit 0.5 \
		>"bench/results/$run_id-perf.txt" 2>/dev/null
	# Who calls the symbols over 2 % (e.g. the page-cache lookups): their call chains.
	perf report -i "$work/perf.data" --stdio --no-children --sort sym -g caller,0.5,callee \
		--percent-limit 2 >"bench/results/$run_id-perf-callers.txt" 2>/dev/null
	echo "watch.sh: profile in bench/results/$run_id-perf.txt (call chains: -perf-callers.txt)" >&2
else
	sleep "$window"
fi
t1=$(ticks) b1=$(used) r1=$(rows) s1=$(date +%s.%N)
read -r lines abytes < <(archived)
hz=$(getconf CLK_TCK)
kill -TERM "$watch_pid"; wait "$watch_pid" || true; watch_pid=""

python3 - "$n" "$hz" "$t0" "$t1" "$s0" "$s1" "$b0" "$b1" "$r0" "$r1" "$lines" "$abytes" "$archive" <<'PY'
import sys
n, hz = int(sys.argv[1]), int(sys.argv[2])
t0, t1, s0, s1, b0, b1, r0, r1 = map(float, sys.argv[3:11])
lines, abytes, archive = int(sys.argv[11]), int(sys.argv[12]), sys.argv[13] == "1"
secs = s1 - s0
cpu = (t1 - t0) / hz / secs * 100
rows = max(r1 - r0, 1)
per_row = (b1 - b0) / rows
per_min = (b1 - b0) / n / (secs / 60)
raw_day = per_min * 1440
steady_day = per_row * (1440 + 96)
standing = per_row * 3600
KiB = 1024
print(f"`wharf watch`, {n} running containers, {secs:.0f} s window, archive {'on (every container)' if archive else 'off'}")
print()
print("| measure | measured | budget / stated | ratio |")
print("|---|---:|---:|---:|")
print(f"| CPU, % of one core | {cpu:.3f} % | 1 % | {cpu / 1:.2f} |")
print(f"| sample rows written per container per s | {rows / n / secs:.2f} | 1 | |")
print(f"| bytes per sample row | {per_row:.0f} B | 61 B | {per_row / 61:.2f} |")
print(f"| growth per container-minute × 1440 (1 s tier, first hour) | {raw_day / KiB:.0f} KiB | | |")
print(f"| steady growth per container-day (1440 + 96 rows) | {steady_day / KiB:.0f} KiB | 91 KiB | {steady_day / KiB / 91:.2f} |")
print(f"| standing hour at 1 s per container | {standing / KiB:.0f} KiB | 214 KiB | {standing / KiB / 214:.2f} |")
if archive:
    print(f"| log archive: lines, compressed bytes | {lines}, {abytes} B | | |")
PY
