#!/usr/bin/env bash
# check-snapshots.sh — fail on orphan or pending insta snapshots (what `cargo insta test
# --unreferenced=reject` checks, without installing cargo-insta).
#
#   check-snapshots.sh REFS_FILE
#
# REFS_FILE lists the snapshot files the test run asserted, one path per line: insta appends
# to the file named by INSTA_SNAPSHOT_REFERENCES_FILE during `cargo test`. Run it after a full
# `cargo test` (a filtered run references fewer snapshots and would report false orphans).
#
# Fails when a committed `.snap` under a `snapshots/` directory of the workspace was not
# asserted by any test (an orphan: its test was renamed or removed), or when `.snap.new` /
# `.pending-snap` files are lying around (an unreviewed snapshot change).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
refs=${1:?usage: check-snapshots.sh REFS_FILE}
[[ -f $refs ]] || {
	echo "check-snapshots.sh: $refs does not exist (did cargo test run with INSTA_SNAPSHOT_REFERENCES_FILE?)" >&2
	exit 1
}

cd "$root"
snaps=$(find . -path ./target -prune -o -path ./node_modules -prune -o -path '*/node_modules' -prune \
	-o -type d -name snapshots -print | sort)
[[ -n $snaps ]] || exit 0

# Canonical absolute paths on both sides.
referenced=$(while IFS= read -r p; do [[ -n $p ]] && realpath -m -- "$p"; done <"$refs" | sort -u)
status=0
while IFS= read -r dir; do
	while IFS= read -r f; do
		abs=$(realpath -m -- "$f")
		if ! grep -qxF -- "$abs" <<<"$referenced"; then
			echo "orphan snapshot (no test asserts it; delete it or restore its test): ${f#./}" >&2
			status=1
		fi
	done < <(find "$dir" -maxdepth 1 -type f -name '*.snap' | sort)
	while IFS= read -r f; do
		echo "unreviewed snapshot change: ${f#./} (review it; CI never writes snapshots)" >&2
		status=1
	done < <(find "$dir" -maxdepth 1 -type f \( -name '*.snap.new' -o -name '*.pending-snap' \) | sort)
done <<<"$snaps"
if ((status == 0)); then
	echo "check-snapshots.sh: $(wc -l <<<"$referenced") snapshots referenced, none orphaned" >&2
fi
exit "$status"
