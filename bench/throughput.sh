#!/usr/bin/env bash
# throughput.sh — how fast Wharf moves bytes next to the docker CLI doing the same work, in one
# run (issue #11: pull, push, build, copy). One command on a fresh machine (as root):
#
#   bench/throughput.sh [--no-build] [--debug]
#
# Builds the wharf-bench binaries `throughput_*` (release; --debug for debug), starts a PRIVATE
# engine (scripts/engine.sh) and a loopback registry (Debian's docker-registry on 127.0.0.1, a
# free port, storage in a temp dir), imports the busybox test image, and runs every
# `throughput_*` binary with
#   DOCKER_HOST            the private engine
#   WHARF_BENCH_IMAGE      the busybox image on it
#   WHARF_BENCH_REGISTRY   127.0.0.1:PORT of the registry
#   WHARF_BENCH_RUN        a run id to label and name what the binaries make
# Each binary does its work once with Wharf's core and once with the docker CLI and prints
# markdown rows `| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |`.
# The table is printed and written to bench/results/throughput-<run>.md. Everything made is
# removed on exit, failure or Ctrl-C (engine, registry, temp dirs).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
profile=release build=1
while (($#)); do
	case $1 in
	--no-build) build=0; shift ;;
	--debug) profile=debug; shift ;;
	-h | --help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "throughput.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

run_id="tp-$(date +%s)-$$"
engine_dir=$(mktemp -d /tmp/wtp.XXXXXX)
reg_dir=$(mktemp -d /tmp/wtpr.XXXXXX)
started=false reg_pid=
cleanup() {
	set +e
	[[ -n $reg_pid ]] && kill "$reg_pid" 2>/dev/null && wait "$reg_pid" 2>/dev/null
	rm -rf "$reg_dir"
	if $started; then
		bash scripts/engine.sh clean "$DOCKER_HOST" "$run_id" >/dev/null 2>&1
		bash scripts/engine.sh stop "$engine_dir"
	else
		rm -rf "$engine_dir"
	fi
}
trap cleanup EXIT

echo "==> packages" >&2
bash scripts/engine.sh install
command -v docker-registry >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null

flags=(-p wharf-bench --bins)
[[ $profile == release ]] && flags+=(--release)
if ((build)); then
	echo "==> building the throughput binaries ($profile)" >&2
	cargo build "${flags[@]}"
fi
bin_dir=${CARGO_TARGET_DIR:-$root/target}/$profile
mapfile -t bins < <(find bench/src/bin -name 'throughput_*.rs' -printf '%f\n' 2>/dev/null | sed 's/\.rs$//' | sort)
((${#bins[@]})) || { echo "throughput.sh: no bench/src/bin/throughput_*.rs" >&2; exit 1; }

echo "==> private engine and registry" >&2
DOCKER_HOST=$(bash scripts/engine.sh start "$engine_dir")
export DOCKER_HOST
started=true
export WHARF_BENCH_IMAGE="wharf-test/busybox:$run_id" WHARF_BENCH_RUN=$run_id
bash scripts/engine.sh image "$DOCKER_HOST" "$WHARF_BENCH_IMAGE" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$reg_dir/config.yml" <<YML
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $reg_dir/data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$port, secret: wharf-bench }
YML
docker-registry serve "$reg_dir/config.yml" >"$reg_dir/log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
export WHARF_BENCH_REGISTRY=127.0.0.1:$port

mkdir -p bench/results
out=bench/results/throughput-$run_id.md
{
	echo "# Throughput, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $profile build"
	echo
	echo "| operation | bytes | Wharf s | Wharf MB/s | docker CLI s | docker CLI MB/s |"
	echo "|---|---:|---:|---:|---:|---:|"
} >"$out"
for b in "${bins[@]}"; do
	echo "==> $b" >&2
	# Each binary may print the header too; the table keeps one.
	"$bin_dir/$b" | grep -v -e '^| operation ' -e '^|---' | tee -a "$out"
done
echo >&2
cat "$out"
