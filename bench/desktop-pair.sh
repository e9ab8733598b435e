#!/usr/bin/env bash
# desktop-pair.sh — paired memory runs of desktop builds, for changes smaller than the noise
# between two bench/desktop.sh runs (±2 MiB). One command (as root, after building the apps):
#
#   bench/desktop-pair.sh [--rounds R] [--containers N] [--idle S] [--smaps DIR] [--stats-cpu | --cpu VIEWS]
#                         LABEL=APP[:ENV=V,…] …
#
# Starts a PRIVATE engine (scripts/engine.sh) with N labelled running containers (default 100)
# plus one CPU-busy container, as bench/desktop.sh does, then R rounds (default 4): each round
# measures every APP once (tests/measure.mjs, --runs 1, memory only; the order alternates
# between rounds so neither side always goes first). A wharf-desktop opens on the busy
# container's Stats tab with its four live graphs, like bench/desktop.sh; any other app shows
# its own page. ENV=V pairs are set for that app only (e.g. `jit=target/x/wharf-desktop:
# JSC_useJIT=true`). Prints PSS per round and the median per LABEL, in MiB; removes what it made.
# --stats-cpu also measures each wharf-desktop's CPU on the Stats tab (measure.mjs --cpu stats:
# 8 s warm-up, 30 s window); --cpu VIEWS on those views instead (e.g. stats,dashboard; the
# names of bench/desktop.sh). Start to first data is printed per round too; with --perf DIR, that window is also sampled with perf (both
# processes: DIR/LABEL.ROUND-stats.txt, hottest shared objects and symbols; perf's sampling costs
# CPU, so compare profiled rounds with profiled rounds only). --smaps DIR keeps each process's smaps of the last round as DIR/LABEL-EXE.smaps (bench/smaps.py).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
n=100 rounds=4 idle=20 smaps="" stats_cpu=0 perf="" cpu_views=stats
while (($#)); do
	case $1 in
	--rounds) rounds=$2; shift 2 ;;
	--containers) n=$2; shift 2 ;;
	--idle) idle=$2; shift 2 ;;
	--stats-cpu) stats_cpu=1; shift ;;
	--smaps) smaps=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
	--perf) perf=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
	--cpu) cpu_views=$2; stats_cpu=1; shift 2 ;;
	-h | --help) sed -n '2,19p' "$0"; exit 0 ;;
	--*) echo "desktop-pair.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
(($# >= 1)) || { echo "desktop-pair.sh: name at least one LABEL=APP" >&2; exit 2; }

run_id="pair-$(date +%s)-$$"
engine_dir=$(mktemp -d /tmp/wdp.XXXXXX)
out=$(mktemp -d)
started=false
cleanup() {
	set +e
	if $started; then
		bash scripts/engine.sh clean "$DOCKER_HOST" "$run_id" >/dev/null 2>&1
		bash scripts/engine.sh stop "$engine_dir"
	else
		rm -rf "$engine_dir"
	fi
	rm -rf "$out"
}
trap cleanup EXIT
export TAURI_DRIVER=${TAURI_DRIVER:-$HOME/.cargo/bin/tauri-driver}

DOCKER_HOST=$(bash scripts/engine.sh start "$engine_dir")
export DOCKER_HOST
started=true
image="wharf-test/busybox:$run_id"
bash scripts/engine.sh image "$DOCKER_HOST" "$image" >/dev/null
for i in $(seq 1 "$n"); do
	docker run -d -q --label "wharf.test=$run_id" --name "wd-$run_id-$i" "$image" \
		sh -c 'trap "exit 0" TERM; while :; do sleep 3600 & wait; done' >/dev/null
done
busy=$(docker run -d -q --label "wharf.test=$run_id" --name "wd-$run_id-busy" --memory 64m "$image" \
	sh -c 'while true; do i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; sleep 0.2; done')

specs=("$@")
for ((r = 0; r < rounds; r++)); do
	order=("${specs[@]}")
	if ((r % 2)); then # reverse every other round
		order=()
		for ((i = ${#specs[@]} - 1; i >= 0; i--)); do order+=("${specs[i]}"); done
	fi
	for spec in "${order[@]}"; do
		label=${spec%%=*} rest=${spec#*=}
		app=${rest%%:*} envs=()
		[[ $rest == *:* ]] && IFS=, read -ra envs <<<"${rest#*:}"
		app=$(realpath "$app")
		args=(--app "$app" --runs 1 --idle "$idle")
		[[ -n $smaps ]] && args+=(--smaps "$smaps/$label")
		if [[ $(basename "$app") == wharf-desktop ]]; then
			args+=(--args "--host $DOCKER_HOST --view container/$busy/stats" --wait-graphs)
			((stats_cpu)) && args+=(--cpu "$cpu_views" --stats-hash "#/container/$busy/stats")
			((stats_cpu)) && [[ -n $perf ]] && args+=(--perf "$perf/$label.$r")
		fi
		echo "==> round $((r + 1)): $label" >&2
		(cd ui && env "${envs[@]}" xvfb-run -a -s "-screen 0 1400x900x24" node tests/measure.mjs "${args[@]}") \
			>"$out/$label.$r.json"
	done
done

python3 - "$out" "$rounds" "${specs[@]}" <<'PY'
import json, statistics, sys
out, rounds, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print("| build | PSS per round (MiB) | median PSS | median RSS | per process, last round (PSS) | start to first data per round | CPU per round and view | page counters per s, last round |")
print("|---|---|---:|---:|---|---|---|---|")
for spec in specs:
    label = spec.split("=", 1)[0]
    rs = [json.load(open(f"{out}/{label}.{r}.json")) for r in range(rounds)]
    pss = [x["median"]["pss_mib"] for x in rs]
    rss = [x["median"]["rss_mib"] for x in rs]
    per = ", ".join(f"{p['exe']} {p['pss_mib']:.1f}" for p in rs[-1]["processes_last_run"])
    cpu = " / ".join(f"{c['view']} {c['total_pct']:.2f} % ({', '.join(f'{k} {v:.2f}' for k, v in c['per_exe_pct'].items())})" for x in rs for c in x.get("cpu", []))
    start = " / ".join(f"{x['median']['startup_ms'] / 1000:.2f} s" for x in rs)
    counters = "; ".join(f"{c['view']}: " + ", ".join(f"{k.removesuffix('_per_s')} {v}" for k, v in c["page"].items()) for c in rs[-1].get("cpu", []) if c.get("page"))
    print(f"| {label} | {' / '.join(f'{v:.1f}' for v in pss)} | **{statistics.median(pss):.1f}** | {statistics.median(rss):.1f} | {per} | {start} | {cpu} | {counters} |")
PY
