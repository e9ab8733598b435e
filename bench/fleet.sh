#!/usr/bin/env bash
# fleet.sh — the fleet view's benchmark: 3 private engines × N running containers, one
# `wharf --host A --host B --host C` in a 200x50 tmux terminal. Side by side in one run:
#   - each engine's raw `GET /containers/json?all=1` (curl on its socket), and the slowest;
#   - Wharf's first frame: launch until a container of every engine is on screen (median of
#     --launches), and its ratio to the slowest raw list;
#   - Wharf's own CPU-seconds (its process, /proc) over --duration s idle, as % of one core;
#   - Wharf's max RSS over that window.
# It starts PRIVATE engines only (scripts/engine.sh start; never the machine's or a shared
# one), labels everything `wharf.bench=<run>`, and removes engines, containers, tmux server and
# temp dirs on exit, failure or Ctrl-C. As root (dockerd). Do not run a big N on a shared box.
#
#   bench/fleet.sh [N] [--duration S] [--launches L]     (defaults: 20, 30, 3)
#   WHARF_BIN=target/debug/wharf bench/fleet.sh 5         (an existing binary; else a release build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=20 duration=30 launches=3
while [ $# -gt 0 ]; do
	case $1 in
	--duration) duration=$2; shift 2 ;;
	--launches) launches=$2; shift 2 ;;
	[0-9]*) n=$1; shift ;;
	*) echo "fleet.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
run=fleet-$$
work=$(mktemp -d /tmp/wharf-fleet-bench.XXXXXX)
sock=wharf-fleet-bench-$$
dirs=()
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	for d in "${dirs[@]}"; do bash "$root/scripts/engine.sh" stop "$d" >/dev/null 2>&1 || true; done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

bin=${WHARF_BIN:-}
if [ -z "$bin" ]; then
	cargo build --release -p wharf-tui --manifest-path "$root/Cargo.toml" >&2
	bin=$root/target/release/wharf
fi
[ -x "$bin" ] || { echo "fleet.sh: no wharf binary at $bin" >&2; exit 2; }

hosts=()
for i in 1 2 3; do
	d=$work/engine$i
	dirs+=("$d")
	host=$(bash "$root/scripts/engine.sh" start "$d" | tail -1)
	hosts+=("$host")
	bash "$root/scripts/engine.sh" image "$host" wharf-test/busybox:bench >/dev/null
	for j in $(seq 1 "$n"); do
		DOCKER_HOST=$host docker run -d --label "wharf.bench=$run" --name "e$i-c$(printf %04d "$j")" \
			wharf-test/busybox:bench sleep 36000 >/dev/null
	done
done

ms() { echo $(($(date +%s%N) / 1000000)); }
# Raw list per engine (median of 5), and the slowest.
slowest=0
declare -A raw
for i in 0 1 2; do
	path=${hosts[$i]#unix://}
	times=()
	for _ in 1 2 3 4 5; do
		t=$(curl -s -o /dev/null -w '%{time_total}' --unix-socket "$path" 'http://x/containers/json?all=1')
		times+=("$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')")
	done
	med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
	raw[$i]=$med
	slowest=$(awk -v a="$slowest" -v b="$med" 'BEGIN { print (b > a) ? b : a }')
done

args=()
for h in "${hosts[@]}"; do args+=(--host "$h"); done
launch() {
	# A fresh tmux server per launch: a server just killed can still be exiting.
	tmux -L "$sock" kill-server 2>/dev/null || true
	sock=wharf-fleet-bench-$$-$1
	tmux -L "$sock" -f /dev/null new-session -d -s main -x 200 -y 50 \
		env XDG_CONFIG_HOME="$work/cfg" XDG_STATE_HOME="$work/state" "$bin" --no-mouse "${args[@]}"
}
seen_all() {
	local s
	s=$(tmux -L "$sock" capture-pane -p -t main 2>/dev/null) || return 1
	grep -q 'e1-c0001' <<<"$s" && grep -q 'e2-c0001' <<<"$s" && grep -q 'e3-c0001' <<<"$s"
}
firsts=()
for k in $(seq 1 "$launches"); do
	t0=$(ms)
	launch "$k"
	until seen_all; do
		[ $(($(ms) - t0)) -lt 30000 ] || { echo "fleet.sh: no frame with all three engines in 30 s" >&2; exit 1; }
		sleep 0.005
	done
	firsts+=($(($(ms) - t0)))
done
first=$(printf '%s\n' "${firsts[@]}" | sort -n | sed -n "$(((launches + 1) / 2))p")

# Idle: the last launch stays open; settle, then CPU ticks and peak RSS of its process.
sleep 5
pid=$(tmux -L "$sock" list-panes -t main -F '#{pane_pid}')
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
c0=$(ticks)
rss=0
for _ in $(seq 1 "$duration"); do
	r=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
	[ "$r" -gt "$rss" ] && rss=$r
	sleep 1
done
c1=$(ticks)
cpu=$(awk -v d=$((c1 - c0)) -v hz="$hz" -v s="$duration" 'BEGIN { printf "%.2f", d / hz / s * 100 }')

echo "## Fleet: 3 engines × $n running containers ($(basename "$bin"), $(date -u +%FT%TZ))"
echo
echo "| measure | value |"
echo "|---|---|"
for i in 0 1 2; do echo "| raw list, engine $((i + 1)) (median of 5) | ${raw[$i]} ms |"; done
echo "| first frame with all three engines (median of $launches) | $first ms |"
echo "| first frame / slowest raw list | $(awk -v a="$first" -v b="$slowest" 'BEGIN { printf "%.1f", a / b }') |"
echo "| own CPU idle over ${duration} s | $cpu % of a core |"
echo "| max RSS | $((rss / 1024)) MiB |"
