#!/bin/sh
# Installs the Debian packages hotline needs to build, test and run, and only those
# that are missing. Called by `make run` and `make check`; safe to run by hand.
# Exit 0 when everything is present; 1 when something is missing and we cannot install it.
#
# Usage: contrib/deps.sh [fuzz] [bench] [browser]
#   no argument: what `make run` and `make check` need;
#   fuzz:  also clang, whose runtime has libFuzzer (`make fuzz`);
#   browser: also chromium, which the console's browser tests drive through playwright-core,
#          fonts-noto-cjk (so that their screenshots show Chinese), node and npm
#          (`make check-browser`, which `make check` runs; npm installs playwright-core and
#          axe-core from tests/browser's lockfile);
#   bench: also valgrind, whose callgrind counts instructions, and node and npm, which run
#          the BullMQ peer (`make bench`; npm installs BullMQ itself from the lockfile).
set -eu

# build: compiler, make, pkg-config and the libraries' -dev packages (libsodium: people's
#        password hashes, core/people/)
# test:  criterion, redis-server and redis-tools (redis-cli, redis-check-aof), prometheus
#        (only its promtool, which checks the /metrics output), man-db (the man pages)
# run:   redis-server, tzdata (Asia/Shanghai), libjs-chart.js (Chart.js, which draws the
#        console's dashboard charts: hotlined serves it from /usr/share/javascript under
#        /javascript/, so `make run` needs it as much as the browser tests do)
PACKAGES="gcc make pkg-config libc6-dev
libevent-dev libhiredis-dev libyaml-dev libjson-c-dev libssl-dev libsodium-dev
libcriterion-dev
redis-server redis-tools tzdata prometheus man-db libjs-chart.js"
# Debian's nodejs and npm, unless a node and an npm are there already (another packaging
# of node brings its own npm and conflicts with Debian's)
add_node() {
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		case " $PACKAGES " in *" nodejs "*) ;; *) PACKAGES="$PACKAGES nodejs npm" ;; esac
	fi
}
for extra in "$@"; do
	case "$extra" in
	fuzz) PACKAGES="$PACKAGES clang" ;;
	bench) PACKAGES="$PACKAGES valgrind"; add_node ;;
	browser) PACKAGES="$PACKAGES chromium fonts-noto-cjk"; add_node ;;
	*) echo "deps: unknown group '$extra' (known: fuzz bench browser)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "deps: missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: not root, so not installing them. Run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
	echo "then run make again." >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Packaged services must not start on install: hotline runs its own private Redis.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
fi
cleanup() { [ "$made_policy" -eq 0 ] || rm -f "$policy"; }
trap cleanup EXIT

apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: installed:$missing" >&2
