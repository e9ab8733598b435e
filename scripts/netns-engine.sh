#!/usr/bin/env bash
# netns-engine.sh — a private Docker engine in a network namespace of its own, joined to the
# host by a veth pair, for multi-node Swarm tests (a second node must have an address of its
# own; two engines in one namespace would both claim the same node address).
#
#   netns-engine.sh start NS DIR HOST_VETH HOST_ADDR/PREFIX PEER_ADDR/PREFIX HOSTNAME
#       make namespace NS, a veth pair HOST_VETH (host side, HOST_ADDR) ↔ eth0 in NS (PEER_ADDR),
#       then start a dockerd in DIR inside NS (through engine.sh start) under hostname HOSTNAME;
#       prints its DOCKER_HOST
#   netns-engine.sh stop NS DIR HOST_VETH     stop the engine, delete NS and the veth (idempotent)
#   netns-engine.sh watch PID NS DIR HOST_VETH   wait until process PID exits, then `stop`
#
# Only the network namespace is entered (nsenter --net), not `ip netns exec`: that one also
# remounts /sys, which hides the cgroup v1 mounts and dockerd then fails ("Devices cgroup isn't
# mounted"). The hostname is set in a UTS namespace of its own so the two nodes differ by name.
# The engine socket is a file under DIR, reachable from the host like any private engine's.
set -euo pipefail

ENGINE_SH="$(dirname "${BASH_SOURCE[0]}")/engine.sh"

die() {
	echo "netns-engine.sh: $*" >&2
	exit 1
}

cmd_start() {
	(($# == 6)) || die "usage: start NS DIR HOST_VETH HOST_ADDR/PREFIX PEER_ADDR/PREFIX HOSTNAME"
	local ns=$1 dir=$2 veth=$3 host_addr=$4 peer_addr=$5 name=$6
	[[ $(id -u) -eq 0 ]] || die "needs root"
	ip netns add "$ns"
	ip link add "$veth" type veth peer name "${veth}p"
	ip link set "${veth}p" netns "$ns"
	ip addr add "$host_addr" dev "$veth"
	ip link set "$veth" up
	ip -n "$ns" link set "${veth}p" name eth0
	ip -n "$ns" addr add "$peer_addr" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" link set lo up
	unshare --uts -- bash -c 'hostname "$1" && exec nsenter --net="/run/netns/$2" bash "$3" start "$4"' \
		_ "$name" "$ns" "$ENGINE_SH" "$dir"
}

cmd_stop() {
	(($# == 3)) || die "usage: stop NS DIR HOST_VETH"
	local ns=$1 dir=$2 veth=$3
	if [[ -e /run/netns/$ns ]]; then
		# engine.sh stop deletes the engine's bridge, which lives in the namespace.
		nsenter --net="/run/netns/$ns" bash "$ENGINE_SH" stop "$dir" || true
		ip netns del "$ns" || true
	else
		bash "$ENGINE_SH" stop "$dir" || true
	fi
	# Deleting the namespace deletes the pair; this is for a start that failed half-way.
	ip link del "$veth" 2>/dev/null || true
}

cmd_watch() {
	(($# == 4)) || die "usage: watch PID NS DIR HOST_VETH"
	local pid=$1
	shift
	while kill -0 "$pid" 2>/dev/null; do sleep 1; done
	cmd_stop "$@"
}

cmd=${1:-}
shift || true
case $cmd in
start) cmd_start "$@" ;;
stop) cmd_stop "$@" ;;
watch) cmd_watch "$@" ;;
*) die "usage: netns-engine.sh start|stop|watch …" ;;
esac
