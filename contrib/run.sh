#!/bin/sh
# `make run`: starts a private redis-server (etc/redis.conf, unix socket under run/, AOF
# on) and hotlined with etc/hotlined.yaml in the foreground; on the first run it makes
# one API token per role (run/tokens.env, hashes in run/tokens.yaml), and once hotlined
# answers, when the store has no person's account yet, one demo account per role (an agent,
# a supervisor, the water unit and an admin) with random passwords that need no change,
# written to run/accounts.env (mode 0600) for the console's login. It says "ready" only
# once hotlined's GET /readyz answers 200 (hotlinectl ready). Ctrl-C stops hotlined
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

# The demo accounts, made through hotlinectl with the admin token once hotlined answers;
# run in the background while hotlined runs in the foreground (so that Ctrl-C reaches it).
make_accounts() {
	ctl="$top/$build/hotlinectl"
	accounts="$run/accounts.env"
	HOTLINE_TOKEN=$(sed -n 's/^HOTLINE_TOKEN_ADMIN=//p' "$run/tokens.env")
	HOTLINE_URL=http://127.0.0.1:12345
	export HOTLINE_TOKEN HOTLINE_URL
	# "ready" only once GET /readyz says so (Redis loaded, scripts, plugins, calendar)
	if ! "$ctl" ready --wait 300 >/dev/null; then
		echo "run: hotlined is not ready after 300 s (see above); no demo accounts" >&2
		return
	fi
	i=0
	until list=$("$ctl" --json user list 2>/dev/null); do
		i=$((i + 1))
		[ "$i" -gt 100 ] && { echo "run: hotlined did not answer; no demo accounts" >&2; return; }
		sleep 0.1
	done
	case "$list" in
	*'"users":[]'*) ;;
	*)
		[ -f "$accounts" ] && echo "run: people's demo accounts: $accounts"
		echo "run: ready -- open http://127.0.0.1:12345/ and log in with an account from it"
		return
		;;
	esac
	umask 077
	: >"$accounts.tmp"
	for spec in "AGENT agent agent 话务员" "SUPERVISOR supervisor supervisor 督办员" \
		"DEPT_WATER water dept:water 水务局" "ADMIN admin admin 管理员"; do
		set -- $spec
		password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
		if ! printf '%s\n' "$password" | "$ctl" user add "demo-$2" --name "$4" \
			--role "$3" --permanent >/dev/null; then
			echo "run: could not make the demo account demo-$2" >&2
			rm -f "$accounts.tmp"
			return
		fi
		printf 'HOTLINE_LOGIN_%s=%s\nHOTLINE_PASSWORD_%s=%s\n' "$1" "demo-$2" "$1" \
			"$password" >>"$accounts.tmp"
	done
	mv "$accounts.tmp" "$accounts"
	echo "run: people's demo accounts (agent, supervisor, water unit, admin): $accounts"
	echo "run: ready -- open http://127.0.0.1:12345/ and log in with an account from it"
}

# The shipped knowledge base (routes/kb/, issue 17), imported into an empty store once:
# when the store holds no entry (an export of nothing), with the supervisor's token. An
# edited or emptied-by-hand store is never overwritten: import again by hand with
# hotlinectl kb import routes/kb.
import_kb() {
	ctl="$top/$build/hotlinectl"
	[ -d "$top/routes/kb" ] || return 0
	HOTLINE_TOKEN=$(sed -n 's/^HOTLINE_TOKEN_SUPERVISOR=//p' "$run/tokens.env")
	HOTLINE_URL=http://127.0.0.1:12345
	export HOTLINE_TOKEN HOTLINE_URL
	i=0
	until held=$("$ctl" kb export - 2>/dev/null); do
		i=$((i + 1))
		[ "$i" -gt 100 ] && { echo "run: hotlined did not answer; knowledge base not imported" >&2; return; }
		sleep 0.1
	done
	[ "$held" = "entries:" ] || return 0
	if summary=$("$ctl" kb import "$top/routes/kb"); then
		echo "run: knowledge base (政策通) imported from routes/kb/: $summary"
	else
		echo "run: the knowledge base import failed (see above)" >&2
	fi
}

stop_redis() {
	redis-cli -s "$sock" shutdown >/dev/null 2>&1 || true
	echo "run: Redis stopped (its AOF is in $run/)"
}
trap stop_redis EXIT
trap 'true' INT TERM

"$top/$build/hotlined" -t -c "$top/etc/hotlined.yaml"
echo "run: Redis on $sock (data and log in $run/)"
echo "run: hotlined on http://127.0.0.1:12345 -- try: curl -s http://127.0.0.1:12345/healthz"
echo "run: API tokens, one per role: $run/tokens.env -- e.g."
echo "run:   . run/tokens.env; curl -s -H \"Authorization: Bearer \$HOTLINE_TOKEN_AGENT\" http://127.0.0.1:12345/v1/tickets"
echo "run: Ctrl-C stops both"
make_accounts &
import_kb &
status=0
"$top/$build/hotlined" -c "$top/etc/hotlined.yaml" || status=$?
exit "$status"
