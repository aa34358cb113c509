#!/bin/sh
# `make run`: starts a private redis-server (etc/redis.conf, unix socket under run/, AOF
# on) and hotlined with etc/hotlined.yaml in the foreground; on the first run it makes
# one API token per role (run/tokens.env, hashes in run/tokens.yaml). Ctrl-C stops hotlined
# cleanly, then Redis (which flushes its AOF), and a second run starts fresh from the
# same data. Usage: contrib/run.sh BUILD_DIR
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
run="$top/run"
sock="$run/redis.sock"
mkdir -p "$run"
chmod 700 "$run"

redis_up() { redis-cli -s "$sock" ping >/dev/null 2>&1; }

if redis_up; then
	echo "run: a Redis from an earlier run still answers on $sock; using it"
else
	# setsid: Ctrl-C goes to hotlined only; Redis is stopped below, after hotlined.
	setsid redis-server "$top/etc/redis.conf" --dir "$run" --unixsocket "$sock" \
		--pidfile "$run/redis.pid" </dev/null &
	i=0
	until redis_up; do
		i=$((i + 1))
		if [ "$i" -gt 100 ]; then
			echo "run: redis-server did not start; see $run/redis.log" >&2
			exit 1
		fi
		sleep 0.05
	done
fi

# API tokens: made once, kept across runs; hotlined.yaml names only their hashes.
"$top/contrib/make-tokens.sh" "$run" "$top/routes"

stop_redis() { redis-cli -s "$sock" shutdown >/dev/null 2>&1 || true; }
trap stop_redis EXIT
trap 'true' INT TERM

"$top/$build/hotlined" -t -c "$top/etc/hotlined.yaml"
echo "run: Redis on $sock (data and log in $run/)"
echo "run: hotlined on http://127.0.0.1:12345 -- try: curl -s http://127.0.0.1:12345/healthz"
echo "run: API tokens, one per role: $run/tokens.env -- e.g."
echo "run:   . run/tokens.env; curl -s -H \"Authorization: Bearer \$HOTLINE_TOKEN_AGENT\" http://127.0.0.1:12345/v1/tickets"
echo "run: Ctrl-C stops both"
status=0
"$top/$build/hotlined" -c "$top/etc/hotlined.yaml" || status=$?
exit "$status"
