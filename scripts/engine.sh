#!/usr/bin/env bash
# engine.sh — everything the end-to-end tests need from the machine: Debian packages, a private
# Docker engine (start/stop), the busybox test image, and a sweep of labelled test leftovers.
#
#   engine.sh install [PKG…]              install missing packages, the tests' own plus PKG…
#                                         (root; no-op when all are present)
#   engine.sh check [PKG…]                list missing packages; exit 1 if any
#   engine.sh start DIR [dockerd args…]   start a private dockerd in DIR, print its DOCKER_HOST
#   engine.sh stop DIR                    stop it, unmount leftovers, remove DIR
#   engine.sh watch PID DIR               wait until process PID exits, then `stop DIR`
#   engine.sh image DOCKER_HOST TAG       import the busybox test image as TAG (skip if present)
#   engine.sh clean DOCKER_HOST [RUN]     remove containers/networks/volumes labelled wharf.test
#                                         (only those of RUN when given) and wharf-test/* images
#
# Keep DIR short (e.g. `mktemp -d /tmp/wt.XXXXXX`): containerd puts unix sockets under it and
# a socket path is limited to 108 bytes.
#
# A private engine never touches the host's docker0 or iptables, so it can run beside another
# engine: `start` creates a bridge of its own (named in DIR/bridge, deleted by `stop`) and adds
# `--bridge=THAT --iptables=false`. Published ports still work (docker-proxy). `--bridge=none`
# is refused: dockerd then DELETES the host's docker0 link (removeDefaultBridgeInterface),
# which breaks every other engine on the machine.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(docker.io busybox-static openssl curl iproute2 tmux)
# Commands linked to busybox in the test image (`sh -c` has more as builtins).
APPLETS=(sh ls echo sleep cat top ps yes httpd nc wc head tail printf env id hostname
	true false kill grep sed mkdir rm touch date seq sort tr cut timeout)
START_TIMEOUT=${WHARF_ENGINE_START_TIMEOUT:-30}
STOP_TIMEOUT=${WHARF_ENGINE_STOP_TIMEOUT:-30}

die() {
	echo "engine.sh: $*" >&2
	exit 1
}


cmd_check() {
	local missing
	missing=$(missing_packages "${PACKAGES[@]}" | tr '\n' ' ')
	if [[ -n $missing ]]; then
		echo "missing packages: $missing(install with: apt-get install -y $missing)" >&2
		return 1
	fi
}

cmd_install() {
	local missing=()
	mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
	((${#missing[@]} == 0)) && return 0
	[[ $(id -u) -eq 0 ]] || die "need root to install: ${missing[*]}"
	echo "engine.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q "${missing[@]}"
}

# ping SOCKET: true when the engine behind SOCKET answers /_ping with OK.
ping_sock() {
	[[ -S $1 ]] && [[ $(curl -s --max-time 2 --unix-socket "$1" http://x/_ping 2>/dev/null) == OK ]]
}

# alive PID: the process exists and is not a zombie. Orphans are reparented to PID 1, which
# reaps lazily here, so a dead dockerd can linger as a zombie that `kill -0` still sees.
alive() {
	if [[ -z ${1:-} ]] || ! kill -0 "$1" 2>/dev/null; then
		return 1
	fi
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $state != Z ]]
}

# bridge_name DIR: a stable interface name (<= 15 bytes) for DIR's private bridge.
bridge_name() {
	echo "wt$(printf %s "$1" | md5sum | cut -c1-10)"
}

cmd_start() {
	local dir=${1:?usage: engine.sh start DIR [dockerd args…]}
	shift
	# dockerd reads DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as defaults for its own TLS flags.
	unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CONTEXT
	command -v dockerd >/dev/null || die "dockerd not found (run: engine.sh install)"
	[[ $(id -u) -eq 0 ]] || die "a private dockerd needs root"
	local a prev='' own_bridge=1
	for a in "$@"; do
		case $prev/$a in
		*/--bridge=none | */-b=none | --bridge/none | -b/none)
			die "--bridge=none deletes the host's docker0; let start make a private bridge" ;;
		*/--bridge* | */-b*) own_bridge=0 ;;
		esac
		prev=$a
	done
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	# containerd's longest socket is exec/containerd/containerd.sock.ttrpc (37 bytes) under DIR.
	((${#dir} <= 64)) || die "DIR too long for unix sockets (${#dir} > 64 bytes): $dir"
	local sock=$dir/docker.sock
	if alive "$(cat "$dir/docker.pid" 2>/dev/null)"; then
		die "an engine is already running in $dir"
	fi
	# After a crash (SIGKILL) the pid files of dockerd and of its containerd stay behind, and
	# dockerd trusts a pid that is still in /proc, which a not-yet-reaped zombie is: it then
	# refuses to start, or waits in vain for the dead containerd. Drop the dead pids' files.
	rm -f "$dir/docker.pid"
	if ! alive "$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null)"; then
		rm -f "$dir/exec/containerd/containerd.pid"
	fi
	if ((own_bridge)); then
		local br
		br=$(bridge_name "$dir")
		ip link show "$br" >/dev/null 2>&1 || ip link add name "$br" type bridge
		echo "$br" >"$dir/bridge"
		set -- "--bridge=$br" --iptables=false "$@"
	fi
	# One start at a time on the machine: dockerd gives its bridge the first address pool that
	# no route uses yet, so two engines starting together could pick the same one.
	exec 9>/tmp/wharf-engine-start.lock
	flock -w 120 9 || die "timed out waiting for another engine to start"
	# setsid: own session, so a Ctrl-C on the caller's terminal reaches the caller (whose
	# trap stops the engine cleanly) rather than killing dockerd half-way.
	# All output goes to the log: an inherited stdout would keep `$(engine.sh start …)` waiting;
	# fd 9 is closed so dockerd does not hold the start lock.
	setsid dockerd --host "unix://$sock" --data-root "$dir/data" --exec-root "$dir/exec" \
		--pidfile "$dir/docker.pid" "$@" </dev/null >>"$dir/dockerd.log" 2>&1 9>&- &
	local pid=$! deadline=$((SECONDS + START_TIMEOUT))
	until ping_sock "$sock"; do
		if ! alive "$pid" || ((SECONDS >= deadline)); then
			echo "engine.sh: dockerd in $dir did not answer within ${START_TIMEOUT}s; log tail:" >&2
			tail -n 40 "$dir/dockerd.log" >&2 || true
			kill -KILL "$pid" 2>/dev/null || true
			exit 1
		fi
		sleep 0.2
	done
	echo "unix://$sock"
}

# wait_gone PID SECONDS: true once PID has exited, false on timeout.
wait_gone() {
	local deadline=$((SECONDS + $2))
	while alive "$1"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

# Ask runc to kill and delete every container it still knows about under DIR: after a dockerd
# crash (SIGKILL) the shims and container processes outlive it.
kill_orphans() {
	local dir=$1 root id pid
	for root in "$dir"/exec/runtime-runc/*; do
		[[ -d $root ]] || continue
		while read -r id; do
			runc --root "$root" delete --force "$id" >/dev/null 2>&1 || true
		done < <(runc --root "$root" list -q 2>/dev/null || true)
	done
	# What is left is the engine's containerd and its shims: every process whose command line
	# names DIR/exec/ (this run's unique temporary directory), killed by pid.
	local f
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		# Processes come and go while we look: a vanished one is not an error.
		if { tr '\0' ' ' <"$f"; } 2>/dev/null | grep -qF " $dir/exec/"; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
}

cmd_stop() {
	local dir=${1:?usage: engine.sh stop DIR}
	[[ -d $dir ]] || return 0
	unset DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CONTEXT
	dir=$(cd "$dir" && pwd)
	[[ $dir != / ]] || die "refusing to stop /"
	local pid
	pid=$(cat "$dir/docker.pid" 2>/dev/null || true)
	if alive "$pid"; then
		# Remove containers first: on SIGTERM dockerd would otherwise wait out each one's stop
		# timeout (a `sleep` as PID 1 ignores SIGTERM).
		if ping_sock "$dir/docker.sock"; then
			local ids
			ids=$(DOCKER_HOST="unix://$dir/docker.sock" timeout 20 docker ps -aq 2>/dev/null || true)
			if [[ -n $ids ]]; then
				# shellcheck disable=SC2086 # one id per word
				DOCKER_HOST="unix://$dir/docker.sock" timeout 30 docker rm -f -v $ids >/dev/null 2>&1 || true
			fi
		fi
		kill -TERM "$pid" 2>/dev/null || true
		if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
			echo "engine.sh: dockerd $pid ignored SIGTERM for ${STOP_TIMEOUT}s; killing" >&2
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone "$pid" 10 || echo "engine.sh: dockerd $pid still alive" >&2
		fi
	fi
	kill_orphans "$dir"
	# Unmount deepest first; lazy unmount as a last resort.
	local m
	while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "engine.sh: cannot unmount $m" >&2
	done < <(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r)
	if [[ -f $dir/bridge ]]; then
		ip link del "$(cat "$dir/bridge")" 2>/dev/null || true
	fi
	# --one-file-system: never descend into a mount that refused to go away.
	rm -rf --one-file-system "$dir"
}

cmd_watch() {
	local pid=${1:?usage: engine.sh watch PID DIR} dir=${2:?usage: engine.sh watch PID DIR}
	while alive "$pid"; do sleep 1; done
	cmd_stop "$dir"
}

cmd_image() {
	local host=${1:?usage: engine.sh image DOCKER_HOST TAG} tag=${2:?usage: engine.sh image DOCKER_HOST TAG}
	export DOCKER_HOST=$host
	if docker image inspect "$tag" >/dev/null 2>&1; then
		return 0
	fi
	local busybox=/bin/busybox
	[[ -x $busybox ]] || die "$busybox missing (run: engine.sh install)"
	# A dynamically linked busybox (Debian's `busybox` package) would not run in an empty rootfs.
	if ldd "$busybox" >/dev/null 2>&1; then
		die "$busybox is dynamically linked; install busybox-static"
	fi
	local root
	root=$(mktemp -d /tmp/wharf-rootfs.XXXXXX)
	# shellcheck disable=SC2064 # expand $root now
	trap "rm -rf '$root'" RETURN
	mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp"
	chmod 1777 "$root/tmp"
	cp "$busybox" "$root/bin/busybox"
	local a
	for a in "${APPLETS[@]}"; do
		ln -s busybox "$root/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	tar -C "$root" --owner=0 --group=0 --numeric-owner -c . |
		docker import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - "$tag" >/dev/null
}

# dk ARGS…: the docker CLI, within a minute: a wedged engine must not hang a cleanup.
dk() {
	timeout 60 docker "$@"
}

# remove KIND IDS…: remove test resources and say so, since leftovers mean a test leaked one.
remove() {
	local kind=$1
	shift
	(($# > 0)) || return 0
	echo "engine.sh clean: removing $# leftover ${kind}(s)" >&2
	case $kind in
	container) dk rm -f -v "$@" >/dev/null ;;
	network) dk network rm "$@" >/dev/null ;;
	volume) dk volume rm -f "$@" >/dev/null ;;
	esac
}

cmd_clean() {
	local host=${1:?usage: engine.sh clean DOCKER_HOST [RUN]} run=${2:-}
	export DOCKER_HOST=$host
	local label=wharf.test ref='wharf-test/*'
	if [[ -n $run ]]; then
		label=wharf.test=$run
		ref="wharf-test/*:$run"
	fi
	local ids=()
	mapfile -t ids < <(dk ps -aq --filter "label=$label")
	remove container "${ids[@]}"
	mapfile -t ids < <(dk network ls -q --filter "label=$label")
	remove network "${ids[@]}"
	mapfile -t ids < <(dk volume ls -q --filter "label=$label")
	remove volume "${ids[@]}"
	# The test image is expected to be there; remove it quietly.
	mapfile -t ids < <(dk image ls -q --filter "reference=$ref" | sort -u)
	if ((${#ids[@]} > 0)); then
		dk image rm -f "${ids[@]}" >/dev/null
	fi
}

main() {
	local cmd=${1:-}
	shift || true
	case $cmd in
	install)
		PACKAGES+=("$@")
		cmd_install
		;;
	check)
		PACKAGES+=("$@")
		cmd_check
		;;
	start) cmd_start "$@" ;;
	stop) cmd_stop "$@" ;;
	watch) cmd_watch "$@" ;;
	image) cmd_image "$@" ;;
	clean) cmd_clean "$@" ;;
	*) die "usage: engine.sh install|check|start|stop|watch|image|clean …" ;;
	esac
}

main "$@"
