#!/usr/bin/env bash
# run.sh — Wharf's end-to-end performance benchmark, one command on a fresh machine (as root).
#
#   bench/run.sh [N…] [--duration S] [--peer 'NAME=COMMAND LINE'] [--keys 'NAME=OPEN|TOGGLE'] …
#
# It installs what it needs (scripts/engine.sh install: docker.io, busybox-static, tmux, curl;
# python3), builds `wharf` (cargo build --release -p wharf-tui), starts a PRIVATE engine
# (scripts/engine.sh start; never the machine's or a shared one), imports the busybox test
# image, creates N labelled containers (`wharf.bench=<run id>`) and measures, for Wharf and for
# every --peer, in a 200x50 tmux terminal:
#   - first frame: launch until a container name is on screen (median of --launches), next to
#     the raw `GET /containers/json?all=1` time (curl on the socket), the terminal setup time
#     and the frame floor (the console's own first screen written at once by `cat`);
#   - own CPU-seconds and max RSS (the console's process tree, /proc) over --duration s idle;
#   - extra engine CPU: dockerd + containerd + shims over a baseline with no console, same run;
#   - event to screen: `docker stop`/`start` of a visible container from outside, time from the
#     engine's event to the screen showing the new state (p50/p95 of 2 × --events);
#   - log follow: a container printing as fast as it can (`seq`), its logs open in the console;
#     time from a key press that changes the layout to the change (p50/p95), visible log
#     updates per second, RSS after 30 s.
# Several N (e.g. `100 300`) reuse one engine, adding containers. It prints markdown tables
# (also written to bench/results/<run>.md, raw numbers to .json) and removes everything it
# made (engine, containers, tmux server, temp dirs) on exit, failure or Ctrl-C.
#
# Options:
#   N…                 container counts (default 100)
#   --duration S       idle window per console (default 60)
#   --settle S         wait after the first frame before the idle window (default 10)
#   --events K         stop/start cycles for event-to-screen (default 20)
#   --launches L       launches for the first-frame median (default 5)
#   --peer 'NAME=CMD'  another console, run with DOCKER_HOST set (repeatable), e.g.
#                      --peer 'oxker=bench/.tools/bin/oxker --host {host}'  --peer 'ctop=ctop'
#                      ({host} and {sock} become the private engine's DOCKER_HOST and socket path;
#                      oxker: `cargo install oxker --locked --root bench/.tools`)
#   --keys 'NAME=OPEN KEYS|TOGGLE'  tmux keys that open the log container's logs (it is named
#                      wb-0000-log, first by name) and a key that visibly changes the layout.
#                      Wharf: 'g Enter|z' (top, open logs; z toggles full screen).
#                      Peers default to '|h' (no keys to open; h toggles a help screen).
#   --no-logs          skip the log-follow test
#   --ssh              also start a loopback sshd (127.0.0.1, a free port, keys made here,
#                      `SetEnv DOCKER_HOST=<the private engine>`, MaxSessions 10, as
#                      tests/src/sshd.rs) in front of the engine: {ssh} becomes
#                      ssh://root@127.0.0.1:PORT, consoles find an `ssh` first in PATH that uses
#                      its client config (key, known_hosts with its host key), and the table
#                      gets the CPU of sshd's side (its sessions and their `docker system
#                      dial-stdio`) over each idle window. E.g. Wharf over SSH next to Wharf on
#                      the socket and dtop over SSH:
#                      --ssh --peer 'wharf-ssh={wharf} --host {ssh}'
#                            --peer 'dtop-ssh=bench/.tools/bin/dtop --host {ssh}'
#                      ({wharf} is the binary measured; dtop: `cargo install dtop --locked
#                      --no-default-features --root bench/.tools`)
#   --no-build         use the existing target/release/wharf
#   --no-wharf         measure only the peers
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
engine_sh=$root/scripts/engine.sh
counts=()
peers=()
keys=()
py_opts=()
build=1
with_wharf=1
with_ssh=0
while (($#)); do
	case $1 in
	--duration | --settle | --events | --launches)
		py_opts+=("$1" "${2:?$1 needs a value}")
		shift 2
		;;
	--peer)
		[[ ${2:-} == *=* ]] || { echo "run.sh: --peer wants 'NAME=COMMAND LINE'" >&2; exit 2; }
		peers+=("$2")
		shift 2
		;;
	--keys)
		keys+=("${2:?--keys needs NAME=OPEN|TOGGLE}")
		shift 2
		;;
	--no-logs) py_opts+=(--no-logs); shift ;;
	--ssh) with_ssh=1; shift ;;
	--no-build) build=0; shift ;;
	--no-wharf) with_wharf=0; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
	[0-9]*) counts+=("$1"); shift ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
((${#counts[@]})) || counts=(100)
[[ $(id -u) -eq 0 ]] || { echo "run.sh: run as root (it starts a private dockerd)" >&2; exit 1; }

run_id=$(date +%s)-$$
tmux_sock=wharf-bench-$run_id
engine_dir=''
work=''
sshd_pid=''
started=$SECONDS

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	echo "run.sh: cleaning up" >&2
	# Only this run's tmux server (its own socket), so other tmux users are untouched.
	tmux -L "$tmux_sock" kill-server 2>/dev/null
	if [[ -n $sshd_pid ]]; then
		# The listener and the per-connection sshd processes it forked (by parent pid).
		kill $(awk -v p="$sshd_pid" '$4 == p { print $1 }' /proc/[0-9]*/stat 2>/dev/null) "$sshd_pid" 2>/dev/null
		wait "$sshd_pid" 2>/dev/null
	fi
	if [[ -n $engine_dir ]]; then
		bash "$engine_sh" stop "$engine_dir"
	fi
	[[ -n $work ]] && rm -rf "$work"
	echo "run.sh: done in $((SECONDS - started)) s (exit $rc)" >&2
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> packages" >&2
bash "$engine_sh" install
if ! command -v python3 >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3
fi

wharf_bin=${CARGO_TARGET_DIR:-$root/target}/release/wharf
if ((with_wharf)); then
	if ((build)); then
		echo "==> cargo build --release -p wharf-tui" >&2
		(cd "$root" && cargo build --release -p wharf-tui)
	fi
	[[ -x $wharf_bin ]] || { echo "run.sh: $wharf_bin missing (drop --no-build)" >&2; exit 1; }
fi

echo "==> private engine" >&2
work=$(mktemp -d /tmp/wharf-bench.XXXXXX)
engine_dir=$(mktemp -d /tmp/wb.XXXXXX)
host=$(bash "$engine_sh" start "$engine_dir")
sock=${host#unix://}
echo "engine: $host (run $run_id)" >&2
image=wharf-bench/busybox:1
bash "$engine_sh" image "$host" "$image"

ssh_url=''
if ((with_ssh)); then
	echo "==> loopback sshd" >&2
	[[ -x /usr/sbin/sshd ]] || bash "$engine_sh" install openssh-server
	sd=$work/sshd
	mkdir -p "$sd/bin" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$sd/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$sd/client_key"
	cp "$sd/client_key.pub" "$sd/authorized_keys"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$sd/sshd_config" <<-EOF
		Port $port
		ListenAddress 127.0.0.1
		HostKey $sd/host_key
		PidFile $sd/sshd.pid
		AuthorizedKeysFile $sd/authorized_keys
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		PermitRootLogin prohibit-password
		SetEnv DOCKER_HOST=$host
		MaxSessions 10
	EOF
	echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$sd/host_key.pub")" >"$sd/known_hosts"
	cat >"$sd/ssh_config" <<-EOF
		Host *
		  IdentityFile $sd/client_key
		  IdentitiesOnly yes
		  UserKnownHostsFile $sd/known_hosts
		  GlobalKnownHostsFile /dev/null
		  StrictHostKeyChecking yes
		  LogLevel ERROR
	EOF
	printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$sd/ssh_config" >"$sd/bin/ssh"
	chmod +x "$sd/bin/ssh"
	/usr/sbin/sshd -D -E "$sd/sshd.log" -f "$sd/sshd_config" </dev/null &
	sshd_pid=$!
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
	export PATH=$sd/bin:$PATH
	ssh_url=ssh://root@127.0.0.1:$port
	ssh -o BatchMode=yes -p "$port" root@127.0.0.1 docker version --format '{{.Server.Version}}' >/dev/null ||
		{ echo "run.sh: the loopback sshd does not reach the engine; $sd/sshd.log:" >&2; tail "$sd/sshd.log" >&2; exit 1; }
	py_opts+=(--remote-pid "$sshd_pid")
	echo "sshd: $ssh_url (pid $sshd_pid)" >&2
fi

consoles=()
if ((with_wharf)); then
	consoles+=(--console "wharf=env DOCKER_HOST=$host $wharf_bin --log-file $work/wharf.log")
	consoles+=(--keys "wharf=g Enter|z")
fi
for p in "${peers[@]}"; do
	name=${p%%=*}
	cmd=${p#*=}
	cmd=${cmd//\{host\}/$host}
	cmd=${cmd//\{sock\}/$sock}
	cmd=${cmd//\{ssh\}/$ssh_url}
	cmd=${cmd//\{wharf\}/$wharf_bin}
	consoles+=(--console "$name=env DOCKER_HOST=$host $cmd")
	# Known peers' keys: oxker shows the selected container's logs; `1` sorts by name, Home
	# selects the first row (the log container), `h` toggles its help screen.
	[[ $name == oxker ]] && consoles+=(--keys 'oxker=1 Home|h')
done
for k in "${keys[@]}"; do
	consoles+=(--keys "$k")
done
((${#consoles[@]})) || { echo "run.sh: nothing to measure" >&2; exit 2; }

mkdir -p "$root/bench/results"
out=$root/bench/results/$run_id
{
	echo "Run $run_id, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg) at start, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
		"$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)," \
		"dockerd $(dockerd --version | awk '{ print $3 }' | tr -d ,), tmux $(tmux -V | awk '{ print $2 }')," \
		"cgroup $(stat -fc %T /sys/fs/cgroup | sed 's/tmpfs/v1/;s/cgroup2fs/v2/')."
	if ((with_wharf)); then echo "Wharf: $(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && [[ -z $(git status --porcelain -- src-core src-tui) ]] || echo '+local changes')."; fi
	echo
} >"$out.md"
cat "$out.md"

echo "==> measuring (${counts[*]} containers)" >&2
python3 "$root/bench/measure.py" --host "$host" --sock "$sock" --engine-dir "$engine_dir" \
	--run "$run_id" --image "$image" --tmux "$tmux_sock" --outdir "$work" \
	--counts "${counts[@]}" --json "$out.json" "${py_opts[@]}" "${consoles[@]}" | tee -a "$out.md"
# Keep the screens the consoles showed, for the record.
mkdir -p "$out.screens" && cp "$work"/*.txt "$out.screens/" 2>/dev/null || true
echo "run.sh: results in $out.md" >&2
