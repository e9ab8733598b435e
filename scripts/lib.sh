# lib.sh — helpers the scripts share; sourced by test.sh, desktop.sh and engine.sh, never run.

# True under CI (CI=true or CI=1): there a missing tool fails instead of skipping.
wharf_ci() {
	[[ ${CI:-} == true || ${CI:-} == 1 ]]
}

# The package names listed in FILE (several a line allowed, `#` starts a comment).
wharf_apt_list() {
	sed 's/#.*//' "$1" | tr -s ' \t' '\n' | grep -v '^$' || true
}

# Print those of the Debian packages PKG… that are not installed.
wharf_missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}
