# lib.sh — helpers shared by Wharf's scripts (sourced, never run).
#
#   is_ci                      true under CI (CI=true or CI=1): then nothing may skip silently
#   package_list [FILE]        the Debian packages named in FILE (default scripts/apt-packages.txt),
#                              one per output line; `#` starts a comment, several per line allowed
#   missing_packages PKG…      those of PKG… that dpkg does not have installed, one per line

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
