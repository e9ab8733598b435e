#!/usr/bin/env bash
# desktop.sh — the desktop app's part of the test run (called by scripts/test.sh).
#
#   desktop.sh ui      npm ci + npm run build in ui/ (the page is embedded into wharf-desktop at
#                      compile time, so this runs before cargo builds the workspace)
#   desktop.sh test    the page in headless Chromium against the stub backend, then the real
#                      app under Xvfb through tauri-driver against DOCKER_HOST (installs
#                      tauri-driver with cargo when missing); screenshots go to a temp folder
#   desktop.sh screenshots   the real-app tests again, saving their screenshots to docs/ (the
#                      committed desktop-*.png); needs DOCKER_HOST like `test`
#
# Under CI (CI=true) a missing tool fails; elsewhere it prints SKIPPED and goes on.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
ci=false
is_ci && ci=true

die() {
	echo "desktop.sh: $*" >&2
	exit 1
}
skip() {
	$ci && die "CI=true and $*"
	echo "desktop.sh: SKIPPED: $*" >&2
}

# Vite 7 needs Node 20.19 or newer.
node_ok() {
	command -v node >/dev/null && command -v npm >/dev/null &&
		node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}

# Install the Debian packages listed in scripts/apt-packages.txt that are missing (root only;
# scripts/test.sh may have done it already, then this is a quick no-op).
packages() {
	local want=() missing=()
	mapfile -t want < <(package_list)
	mapfile -t missing < <(missing_packages "${want[@]}")
	((${#missing[@]} == 0)) && return 0
	if [[ $(id -u) -ne 0 ]]; then
		skip "missing packages: ${missing[*]} (apt-get install them as root)"
		return 0
	fi
	echo "desktop.sh: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 ||
		{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }
}

cmd_ui() {
	packages
	node_ok || {
		skip "node >= 20.19 and npm are needed to build ui/ (the app embeds a placeholder page)"
		return 0
	}
	cd "$root/ui"
	npm ci --no-audit --no-fund --loglevel=error
	npm run build
}

tauri_driver() {
	local d
	for d in "${TAURI_DRIVER:-}" "$HOME/.cargo/bin/tauri-driver" "$(command -v tauri-driver || true)"; do
		[[ -n $d && -x $d ]] && {
			echo "$d"
			return
		}
	done
	echo "desktop.sh: installing tauri-driver (cargo install tauri-driver --locked)" >&2
	cargo install tauri-driver --locked --quiet >&2 && echo "$HOME/.cargo/bin/tauri-driver"
}

cmd_test() {
	node_ok || {
		skip "node >= 20.19 and npm are needed for the desktop tests"
		return 0
	}
	cd "$root/ui"
	[[ -f dist/index.html && -d node_modules ]] || cmd_ui
	echo "==> desktop: the page in Chromium (stub backend)" >&2
	# --test-force-exit: the runner ends when the tests have, whatever a browser or driver left
	# open. `timeout`: a hang fails in minutes, naming the step, instead of using up CI's time.
	within 10m "the page tests" node --test --test-force-exit tests/
	echo "==> desktop: the real app under Xvfb (tauri-driver, WebKitWebDriver)" >&2
	command -v xvfb-run >/dev/null || {
		skip "xvfb-run missing (apt-get install xvfb xauth)"
		return 0
	}
	local driver
	driver=$(tauri_driver) || {
		skip "tauri-driver could not be installed"
		return 0
	}
	(cd "$root" && cargo build ${CARGO_LOCKED:+--locked} -p wharf-desktop --quiet)
	TAURI_DRIVER=$driver within 10m "the real-app tests" \
		xvfb-run -a -s "-screen 0 1400x900x24" node --test --test-force-exit tests/app.e2e.mjs
}

case ${1:-} in
ui) cmd_ui ;;
test) cmd_test ;;
screenshots) WHARF_SCREENSHOT_DIR=$root/docs cmd_test ;;
*) die "usage: desktop.sh ui|test|screenshots" ;;
esac
