# lib.sh — helpers shared by Wharf's scripts (sourced, never run).
#
#   is_ci                      true under CI (CI=true or CI=1): then nothing may skip silently
#   package_list [FILE]        the Debian packages named in FILE (default scripts/apt-packages.txt),
#                              one per output line; `#` starts a comment, several per line allowed
#   missing_packages PKG…      those of PKG… that dpkg does not have installed, one per line
#   within DURATION WHAT CMD…  run CMD; past DURATION (timeout(1) syntax) end it and everything
#                              it started (SIGTERM, SIGKILL 20 s later), say that WHAT did not
#                              finish in time, and return 124

lib_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

is_ci() {
	[[ ${CI:-} == true || ${CI:-} == 1 ]]
}

package_list() {
	local file=${1:-$lib_root/scripts/apt-packages.txt}
	[[ -f $file ]] || return 0
	sed 's/#.*//' "$file" | tr -s ' \t' '\n' | grep -v '^$' || true
}

missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}

within() {
	local limit=$1 what=$2 rc=0
	shift 2
	timeout --kill-after=20s "$limit" "$@" || rc=$?
	if ((rc == 124 || rc == 137)); then
		echo "$what did not finish within $limit" >&2
		return 124
	fi
	return "$rc"
}
