#!/usr/bin/env bash
# test.sh — the one command that runs Wharf's whole test suite, on a fresh machine too.
#
# 1. installs the Debian packages the tests need (scripts/engine.sh install);
# 2. uses the engine in DOCKER_HOST if it answers, otherwise starts a private one in a short
#    temp dir and stops it on exit, whatever happens;
# 3. exports DOCKER_HOST and WHARF_TEST_RUN (the run id the harness labels everything with);
# 4. cargo fmt --check, the dependency rule for wharf-core, clippy -D warnings, cargo test;
# 5. sweeps whatever this run left labelled on the engine, and prints the wall time.
#
# Under CI (CI=true) a missing package or engine is a failure: tests never skip silently there.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
engine_sh=$root/scripts/engine.sh
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
started=$SECONDS
ci=false
is_ci && ci=true

# Each step's wall time, printed again at the very end (CI shows the tail of the output).
timings=()
current=''
current_at=$SECONDS
close_step() {
	[[ -n $current ]] && timings+=("$(printf '%5ds  %s' $((SECONDS - current_at)) "$current")")
	current=''
}
step() {
	close_step
	current=$*
	current_at=$SECONDS
	printf '\n==> %s\n' "$*" >&2
}
fail() {
	echo "test.sh: $*" >&2
	exit 1
}

engine_dir=''
# Set by the last line of the script: an EXIT trap that runs before it (a signal such as CI's
# SIGTERM at its time limit runs it with $? = 0) must not report "passed".
completed=false
finish() {
	local rc=$?
	set +e
	if [[ $rc -eq 0 && $completed != true ]]; then
		rc=1
		echo "test.sh: interrupted during: ${current:-?}" >&2
		# What that step started (timeout(1) passes the signal on to its command's group).
		pkill -TERM -P $$ 2>/dev/null
	fi
	close_step
	if [[ -n ${DOCKER_HOST:-} && -n ${WHARF_TEST_RUN:-} ]]; then
		bash "$engine_sh" clean "$DOCKER_HOST" "$WHARF_TEST_RUN"
	fi
	if [[ -n $engine_dir ]]; then
		step "stopping the private engine"
		bash "$engine_sh" stop "$engine_dir"
	fi
	if ((${#timings[@]} > 0)); then
		printf '\ntest.sh: time per step\n' >&2
		printf '  %s\n' "${timings[@]}" >&2
	fi
	local t=$((SECONDS - started))
	printf '\ntest.sh: %s in %dm%02ds\n' "$([[ $rc -eq 0 ]] && echo passed || echo "FAILED (exit $rc)")" \
		$((t / 60)) $((t % 60)) >&2
	exit "$rc"
}
trap finish EXIT

step "packages"
# Other parts of the workspace list the Debian packages they need (to build or test) in
# scripts/apt-packages.txt: one per line, `#` starts a comment.
mapfile -t extra < <(package_list)
if [[ $(id -u) -eq 0 ]]; then
	bash "$engine_sh" install "${extra[@]}"
elif ! bash "$engine_sh" check "${extra[@]}"; then
	$ci && fail "CI=true and packages are missing (run as root: scripts/engine.sh install)"
	echo "test.sh: continuing; tests that need them will print SKIPPED" >&2
fi

export WHARF_TEST_RUN=${WHARF_TEST_RUN:-$(date +%s)-$$}
[[ $WHARF_TEST_RUN =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || fail "WHARF_TEST_RUN must match [A-Za-z0-9][A-Za-z0-9_.-]*"

step "engine"
if [[ -n ${DOCKER_HOST:-} ]] && timeout 20 docker version >/dev/null 2>&1; then
	echo "using DOCKER_HOST=$DOCKER_HOST" >&2
else
	[[ -n ${DOCKER_HOST:-} ]] && echo "DOCKER_HOST=$DOCKER_HOST does not answer; starting a private engine" >&2
	unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CONTEXT
	if [[ $(id -u) -eq 0 ]] && command -v dockerd >/dev/null; then
		engine_dir=$(mktemp -d /tmp/wt.XXXXXX)
		if host=$(bash "$engine_sh" start "$engine_dir"); then
			export DOCKER_HOST=$host
			echo "private engine: $DOCKER_HOST" >&2
		else
			$ci && fail "CI=true and the private engine did not start"
			echo "test.sh: no engine; engine tests will print SKIPPED" >&2
		fi
	else
		$ci && fail "CI=true and no engine can be started (needs root and dockerd)"
		echo "test.sh: no engine (not root or no dockerd); engine tests will print SKIPPED" >&2
	fi
fi

locked=()
[[ -f Cargo.lock ]] && locked=(--locked)

step "cargo fmt --check"
cargo fmt --all --check

# The desktop page is embedded into wharf-desktop at compile time: build it before cargo does.
step "desktop page (ui/: npm ci, vite build)"
bash scripts/desktop.sh ui

step "wharf-core must not depend on a UI toolkit"
tree=$(cargo tree "${locked[@]}" -p wharf-core -e normal --prefix none)
ui_deps=$(grep -E '^(ratatui|crossterm|tauri)[A-Za-z0-9_-]* v' <<<"$tree" | sort -u | tr '\n' ' ' || true)
[[ -z $ui_deps ]] || fail "wharf-core depends on: $ui_deps"

# Generous limits (a cold run takes minutes here): a hang fails naming its step, long before
# CI's own limit would end the run without saying where it stood.
step "cargo clippy"
within 40m "cargo clippy" cargo clippy "${locked[@]}" --workspace --all-targets -- -D warnings

step "cargo test"
# --no-fail-fast: one failing test binary must not hide the others' results.
# Snapshots are reviewed and committed, never written here: INSTA_UPDATE=no fails on a missing
# or changed snapshot, and insta lists every snapshot the run asserted in $snap_refs, so that
# orphans (snapshots no test asserts any more) fail the check after the tests.
snap_refs=${CARGO_TARGET_DIR:-$root/target}/insta-references.txt
mkdir -p "$(dirname "$snap_refs")"
: >"$snap_refs"
INSTA_UPDATE=no INSTA_SNAPSHOT_REFERENCES_FILE=$snap_refs \
	within 40m "cargo test" cargo test "${locked[@]}" --workspace --no-fail-fast

step "insta snapshots: none orphaned, none pending"
bash scripts/check-snapshots.sh "$snap_refs"

step "desktop app: the page in Chromium, the real app under Xvfb"
CARGO_LOCKED=${locked[*]:+1} bash scripts/desktop.sh test
completed=true
