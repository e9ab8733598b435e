#!/usr/bin/env bash
# fleet.sh — the fleet view's benchmark (issue 12): 3 private engines × N running containers,
# `wharf --host A --host B --host C` in a 200x50 tmux terminal, and `wharf --host A` alone, side
# by side in one run (bench/fleet.py measures, with bench/measure.py's helpers):
#   - each engine's raw `GET /containers/json?all=1` (curl on its socket, median of 7), the
#     terminal setup (a tmux session until `echo`'s line shows) and the target
#     2 × slowest raw list + setup;
#   - the fleet's first frame: launch until the header counts every engine's containers and a
#     row is drawn (median of --launches), and its floor (that screen written at once by `cat`);
#   - own CPU (process tree, /proc) and max RSS over --duration s idle, for the fleet and for
#     one engine;
#   - each engine's extra CPU (dockerd + containerd + shims) over an idle baseline with no
#     console: per engine with the fleet open, and engine A's with `wharf --host A` alone;
#   - event → screen: `docker stop`/`start` from outside of a container on each healthy engine
#     (the fleet filtered to show them), time from the engine's own event to the first tmux
#     capture showing the new state, p50/p95: all healthy, then with engine 3's dockerd
#     SIGSTOPped (SIGCONT after, and in the clean-up);
# It starts PRIVATE engines only (scripts/engine.sh start; never the machine's or a shared
# one), labels everything `wharf.bench=<run>`, and removes engines, containers, tmux server and
# temp dirs on exit, failure or Ctrl-C. As root (dockerd). Results: stdout and
# bench/results/<run>.md (+ .json; ignored by git).
#
#   bench/fleet.sh [N] [--duration S] [--launches L] [--events K] [--settle S] [--rounds R]
#                                       (defaults: 20, 30, 3, 10, 10, 1; R rounds on the same engines)
#   WHARF_BIN=target/debug/wharf bench/fleet.sh 5     (an existing binary; else a release build)
#   bench/fleet.sh 200 --launches 6 --pair a=BIN_A --pair b=BIN_B
#       only the fleet's first frame, launches alternating between the binaries (paired: for
#       a change smaller than the noise between two runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=20
py_opts=()
realpath_pair() { echo "${1%%=*}=$(realpath "${1#*=}")"; }
while [ $# -gt 0 ]; do
	case $1 in
	--duration | --launches | --events | --settle | --rounds) py_opts+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
	--pair) py_opts+=("$1" "$(realpath_pair "${2:?$1 needs LABEL=BIN}")"); shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
	[0-9]*) n=$1; shift ;;
	*) echo "fleet.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ $(id -u) -eq 0 ]] || { echo "fleet.sh: run as root (it starts private dockerds)" >&2; exit 1; }
run=fleet-$(date +%s)-$$
work=$(mktemp -d /tmp/wfb.XXXXXX)
sock=wharf-fleet-bench-$$
dirs=()
cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	tmux -L "$sock" kill-server 2>/dev/null
	for d in "${dirs[@]}"; do
		# A dockerd left SIGSTOPped by an interrupted run would never stop.
		[[ -f $d/docker.pid ]] && kill -CONT "$(cat "$d/docker.pid")" 2>/dev/null
		bash "$root/scripts/engine.sh" stop "$d" >/dev/null 2>&1
	done
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bin=${WHARF_BIN:-}
if [ -z "$bin" ]; then
	cargo build --release -p wharf-tui --manifest-path "$root/Cargo.toml" >&2
	bin=${CARGO_TARGET_DIR:-$root/target}/release/wharf
fi
bin=$(realpath "$bin")
[ -x "$bin" ] || { echo "fleet.sh: no wharf binary at $bin" >&2; exit 2; }

image=wharf-test/busybox:bench
engines=()
for i in 1 2 3; do
	d=$work/e$i
	dirs+=("$d")
	host=$(bash "$root/scripts/engine.sh" start "$d" | tail -1)
	bash "$root/scripts/engine.sh" image "$host" "$image" >/dev/null
	engines+=(--engine "$host=$d")
done

mkdir -p "$root/bench/results"
out=$root/bench/results/$run
{
	echo "Run $run, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg) at start, $(nproc) cores," \
		"dockerd $(dockerd --version | awk '{ print $3 }' | tr -d ,), $(basename "$(dirname "$bin")") binary," \
		"Wharf $(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && [[ -z $(git status --porcelain -- src-core src-tui) ]] || echo '+local changes')."
	echo
} >"$out.md"
cat "$out.md"
python3 "$root/bench/fleet.py" "${engines[@]}" --bin "$bin" --n "$n" --run "$run" \
	--image "$image" --tmux "$sock" --outdir "$work" --json "$out.json" "${py_opts[@]}" | tee -a "$out.md"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out.md"
echo "fleet.sh: results in $out.md" >&2
