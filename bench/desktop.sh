#!/usr/bin/env bash
# desktop.sh — the desktop app's start-up and memory beside a minimal Tauri app (issue 5's
# yardstick), measured the same way in one run. One command on a fresh machine (as root):
#
#   bench/desktop.sh [--containers N] [--runs R] [--idle S] [--warmup S] [--window S] [--no-build]
#                    [--profile] [--profile-only] [--debug]
#
# Builds wharf-desktop and bench/desktop-minimal (profile release-desktop, UI embedded; --debug
# for debug builds), starts a PRIVATE engine (scripts/engine.sh) with N labelled running containers
# (default 100) plus one CPU-busy container, and under Xvfb through tauri-driver measures, with
# ui/tests/measure.mjs (medians of R runs, default 3):
#   - Wharf as shipped, idle S s (default 20) on the busy container's page with its four live
#     graphs refreshing;
#   - the minimal app as Tauri ships it, and with WEBKIT_DISABLE_COMPOSITING_MODE=1 (what Wharf
#     sets by default), for a like-for-like comparison; and, memory only, with all of Wharf's
#     WebKit defaults (also JSC_useJIT=false, src-tauri/src/footprint.rs).
# Start-up = WebDriver session created until the page has its first data; memory = RSS and PSS
# summed over the app and all its descendants (WebKit's processes). CPU (issue 14), in the first
# run of each app: % of one core used by the app's whole process tree over --window s (default
# 30) after --warmup s (default 8) on each view: Wharf's containers table, dashboard, container
# page Stats tab (4 live graphs, 1 Hz) and that page with the window hidden (unmapped as a
# window manager minimizes, bench/xwin.py); the minimal app idle and hidden; the terminal UI's
# Stats tab and its `:dash` (release build, or WHARF_TUI_BIN=PATH, then not built). Prints markdown
# tables (also bench/results/<run>.md, with each measurement's JSON next to it) and removes
# everything else it made. The page's own counters per view (messages, redraws, store snapshots,
# rendering updates) and its start-up steps are printed under the tables.
# --profile: also samples Wharf's dashboard and Stats tab with `perf record` (reports in
# bench/results/<run>-perf-<view>.txt); --profile-only: only that, no tables.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
n=100 runs=3 idle=20 profile=release warmup=8 window=30 build=1 profile_dash=0
while (($#)); do
	case $1 in
	--containers) n=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--idle) idle=$2; shift 2 ;;
	--warmup) warmup=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	--profile | --profile-dashboard) profile_dash=1; shift ;;
	--profile-only) profile_dash=2; shift ;;
	--debug) profile=debug; shift ;;
	-h | --help) sed -n '2,28p' "$0"; exit 0 ;;
	*) echo "desktop.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

run_id="desk-$(date +%s)-$$"
engine_dir=$(mktemp -d /tmp/wdb.XXXXXX)
started=false
cleanup() {
	set +e
	tmux -L "wdb-$run_id" kill-server >/dev/null 2>&1
	if $started; then
		bash scripts/engine.sh clean "$DOCKER_HOST" "$run_id" >/dev/null 2>&1
		bash scripts/engine.sh stop "$engine_dir"
	else
		rm -rf "$engine_dir"
	fi
}
trap cleanup EXIT

echo "==> packages, page and tauri-driver" >&2
bash scripts/engine.sh install # the engine's packages; desktop.sh installs the app's
bash scripts/desktop.sh ui
driver=$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")
[[ -x $driver ]] || cargo install tauri-driver --locked --quiet
export TAURI_DRIVER=${TAURI_DRIVER:-$HOME/.cargo/bin/tauri-driver}

# Release: both desktop apps with the desktop's own profile (release-desktop in Cargo.toml: fat
# LTO, one codegen unit, optimized for size), the terminal UI with plain --release as shipped.
flags=(-p wharf-desktop -p tauri-minimal --features wharf-desktop/custom-protocol,tauri-minimal/custom-protocol)
tui_flags=(-p wharf-tui)
desk_profile=$profile
if [[ $profile == release ]]; then
	desk_profile=release-desktop
	flags+=(--profile release-desktop)
	tui_flags+=(--release)
fi
if ((build)); then
	echo "==> building both apps ($desk_profile) and the terminal UI ($profile)" >&2
	cargo build "${flags[@]}"
	[[ -n ${WHARF_TUI_BIN:-} ]] || cargo build "${tui_flags[@]}"
fi
bin_dir=${CARGO_TARGET_DIR:-$root/target}/$desk_profile
tui_bin=${CARGO_TARGET_DIR:-$root/target}/$profile/wharf
# WHARF_TUI_BIN=PATH: the terminal UI to measure instead (e.g. a debug build when a release one
# cannot be built in time; the report names it).
tui_bin=${WHARF_TUI_BIN:-$tui_bin}

echo "==> private engine with $n containers" >&2
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

measure() { # NAME ENV… -- measure.mjs args…
	local name=$1
	shift
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	echo "==> $name" >&2
	(cd ui && env "${envs[@]}" xvfb-run -a -s "-screen 0 1400x900x24" node tests/measure.mjs \
		--runs "$runs" --idle "$idle" --warmup "$warmup" --window "$window" "$@") >"$out/$name.json"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

out=$(mktemp -d)
if ((profile_dash < 2)); then
measure wharf -- --app "$bin_dir/wharf-desktop" \
	--args "--host $DOCKER_HOST --view container/$busy/stats" --wait-graphs \
	--cpu containers,dashboard,stats,hidden --stats-hash "#/container/$busy/stats"
measure minimal -- --app "$bin_dir/tauri-minimal" --cpu idle,hidden
measure minimal-nocomp WEBKIT_DISABLE_COMPOSITING_MODE=1 -- --app "$bin_dir/tauri-minimal" --cpu idle,hidden
# The minimal app with every WebKit default Wharf sets for itself (src-tauri/src/footprint.rs),
# memory only: shows those settings are not what makes Wharf's ratio.
measure minimal-wharfenv WEBKIT_DISABLE_COMPOSITING_MODE=1 JSC_useJIT=false -- --app "$bin_dir/tauri-minimal"

# The terminal UI on the same busy container's Stats tab, in a 200x50 tmux terminal (the way
# bench/run.sh drives it): filter to the container, open its stats (`t`), measure its tree.
echo "==> wharf (terminal UI), Stats tab" >&2
tsock="wdb-$run_id"
tmux -L "$tsock" new-session -d -s tui -x 200 -y 50 \
	"$tui_bin -H $DOCKER_HOST --log-file $out/tui.log"
for _ in $(seq 300); do
	tmux -L "$tsock" capture-pane -p -t tui | grep -q "wd-$run_id" && break
	sleep 0.1
done
tmux -L "$tsock" send-keys -t tui /
tmux -L "$tsock" send-keys -t tui -l busy
tmux -L "$tsock" send-keys -t tui Enter
sleep 1
tmux -L "$tsock" send-keys -t tui t
tui_pid=$(tmux -L "$tsock" list-panes -t tui -F '#{pane_pid}')
python3 bench/cpu_tree.py "$tui_pid" "$warmup" "$window" >"$out/tui.json"
tmux -L "$tsock" capture-pane -p -t tui >"$out/tui-screen.txt"
# Then the engine-wide `:dash` (issue 13: within the terminal UI's 1 % budget), same terminal.
tmux -L "$tsock" send-keys -t tui Escape
sleep 0.5
tmux -L "$tsock" send-keys -t tui :
tmux -L "$tsock" send-keys -t tui -l dash
tmux -L "$tsock" send-keys -t tui Enter
python3 bench/cpu_tree.py "$tui_pid" "$warmup" "$window" >"$out/tui-dash.json"
tmux -L "$tsock" capture-pane -p -t tui >"$out/tui-dash-screen.txt"
tmux -L "$tsock" kill-server
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

if ((profile_dash)) && command -v perf >/dev/null; then
	# Where the dashboard's and the Stats tab's CPU goes: a separate run sampled with perf (not in
	# the table); reports in bench/results/<run>-perf-<view>.txt.
	echo "==> profiling Wharf's dashboard and Stats tab (perf)" >&2
	mkdir -p bench/results
	measure wharf-perf -- --app "$bin_dir/wharf-desktop" --runs 1 --idle 1 \
		--args "--host $DOCKER_HOST --view container/$busy/stats" --wait-graphs \
		--cpu dashboard,stats --stats-hash "#/container/$busy/stats" --perf "$root/bench/results/$run_id-perf"
	rm -f "bench/results/$run_id-perf-"*.data
fi
if ((profile_dash == 2)); then
	rm -rf "$out"
	echo "desktop.sh: profiles in bench/results/$run_id-perf-*.txt" >&2
	exit 0
fi

mkdir -p bench/results
report=bench/results/$run_id.md
python3 - "$out" "$n" "$profile" "$runs" "$idle" "$warmup" "$window" "$load_before" "$load_after" "$(nproc)" "$tui_bin" <<'PY' | tee "$report"
import json, sys
out, n, profile, runs, idle, warmup, window, load_before, load_after, cores, tui_bin = sys.argv[1:]
r = {k: json.load(open(f"{out}/{k}.json")) for k in ("wharf", "minimal", "minimal-nocomp", "minimal-wharfenv")}
med = lambda k, f: r[k]["median"][f]
print(f"Desktop, {profile} builds (desktop apps: profile {'release-desktop' if profile == 'release' else profile}), {n} running containers + 1 busy, idle {idle} s, medians of {runs} runs.\n")
print("| app | start to first data | RSS total (MiB) | PSS total (MiB) | Wharf's PSS ÷ this |")
print("|---|---:|---:|---:|---:|")
rows = [("Wharf, as shipped (compositing off), live graphs open", "wharf"),
        ("minimal Tauri app, defaults", "minimal"),
        ("minimal Tauri app, compositing off", "minimal-nocomp"),
        ("minimal Tauri app, Wharf's WebKit defaults (compositing off, JIT off)", "minimal-wharfenv")]
for label, k in rows:
    ratio = med("wharf", "pss_mib") / med(k, "pss_mib")
    print(f"| {label} | {med(k, 'startup_ms') / 1000:.2f} s | {med(k, 'rss_mib'):.0f} | {med(k, 'pss_mib'):.0f} | {ratio:.2f}× |")
print("\nPer process (last run), Wharf: " + ", ".join(
    f"{p['exe']} {p['rss_mib']:.0f}/{p['pss_mib']:.0f}" for p in r["wharf"]["processes_last_run"]) + " (RSS/PSS MiB)")
print("Per process (last run), minimal, compositing off: " + ", ".join(
    f"{p['exe']} {p['rss_mib']:.0f}/{p['pss_mib']:.0f}" for p in r["minimal-nocomp"]["processes_last_run"]))

print(f"\nCPU, % of one core, whole process tree, {window} s after {warmup} s of warm-up "
      f"(load average {load_before} before, {load_after} after; {cores} cores):\n")
print("| app | view | main process | WebKitWebProcess | other | total | target |")
print("|---|---|---:|---:|---:|---:|---:|")
views = {"containers": ("containers table", "≤ 0.5 %"), "dashboard": ("dashboard with its live graphs", "≤ 2 %"),
         "stats": ("container page, Stats tab (4 live graphs, 1 Hz)", "≤ 1.5 %"),
         "hidden": ("window hidden", "≤ 0.2 %"), "idle": ("its page, idle", "")}
apps = [("Wharf", "wharf", "wharf-desktop"), ("minimal", "minimal", "tauri-minimal"),
        ("minimal, compositing off", "minimal-nocomp", "tauri-minimal")]
for label, k, main in apps:
    for c in r[k].get("cpu", []):
        per = dict(c["per_exe_pct"])
        m = per.pop(main, 0.0)
        web = per.pop("WebKitWebProcess", 0.0)
        other = sum(per.values())
        view, target = views.get(c["view"], (c["view"], ""))
        if k == "wharf" and c["view"] == "hidden":
            view += " (Stats tab open)"
        print(f"| {label} | {view} | {m:.2f} % | {web:.2f} % | {other:.2f} % | **{c['total_pct']:.2f} %** | {target if k == 'wharf' else ''} |")
tui = json.load(open(f"{out}/tui.json"))
screen = open(f"{out}/tui-screen.txt").read()
ok = "of a core" in screen  # the Stats pane's CPU graph title
shown = "Stats tab shown" if ok else "the Stats tab did not show (see the screen below)"
tui_name = "" if tui_bin.endswith(f"/{profile}/wharf") else f", {tui_bin}"
print(f"| Wharf terminal UI (200x50 tmux{tui_name}) | Stats tab, 1 Hz ({shown}) | {tui['total_pct']:.2f} % | – | – | **{tui['total_pct']:.2f} %** | ≤ 1 % |")
if not ok:
    print("\n```\n" + screen + "\n```")
dash = json.load(open(f"{out}/tui-dash.json"))
dash_screen = open(f"{out}/tui-dash-screen.txt").read()
dash_ok = "Network rx" in dash_screen and "Block write" in dash_screen  # the :dash graphs' titles
dash_shown = "`:dash` shown" if dash_ok else "`:dash` did not show (see the screen below)"
print(f"| Wharf terminal UI (200x50 tmux{tui_name}) | engine dashboard `:dash`, 1 Hz ({dash_shown}) | {dash['total_pct']:.2f} % | – | – | **{dash['total_pct']:.2f} %** | ≤ 1 % |")
if not dash_ok:
    print("\n```\n" + dash_screen + "\n```")

# What the page itself counted in each CPU window (window.__wharfLive, per second): live messages,
# their samples, chart draws (of which whole drawings and segments) and their script ms, text
# writes, store snapshots; and where the
# first run's start-up went (window.__wharfBoot). Rendering updates (`frames`) are not counted
# here: counting them costs CPU (ui/src/lib/meter.ts); measure.mjs --frames counts them.
page = [(c["view"], c.get("page")) for c in r["wharf"].get("cpu", []) if c.get("page")]
if page:
    keys = ["messages_per_s", "samples_per_s", "draws_per_s", "wholes_per_s", "segments_per_s", "draw_ms_per_s", "texts_per_s", "snapshots_per_s"]
    print("\nWharf's page, per second in each CPU window:\n")
    print("| view | " + " | ".join(k.removesuffix("_per_s") for k in keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for view, p in page:
        print(f"| {view} | " + " | ".join(f"{p.get(k, 0):.2f}" for k in keys) + " |")
boot = r["wharf"]["runs"][0].get("boot")
if boot:
    print("\nWharf's start-up, first run (ms after the WebDriver session was asked for): " + ", ".join(f"{k} {v}" for k, v in boot.items()))
PY
for f in "$out"/*.json; do cp "$f" "bench/results/$run_id-$(basename "$f")"; done
rm -rf "$out"
echo "desktop.sh: results in $report" >&2
