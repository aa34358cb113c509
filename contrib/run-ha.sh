#!/bin/sh
# `make run-ha`: high availability on one machine (issue 18), everything under run-ha/:
#   Redis primary   127.0.0.1:6391 (etc/redis.conf: AOF on)   run-ha/redis-6391/
#   Redis replicas  127.0.0.1:6392 and 6393, of the primary   run-ha/redis-PORT/
#                   (two: with min_replicas_ack 1, the one left after a failover confirms
#                   the new primary's writes; with one replica, intake would stop until
#                   the old primary came back)
#   3 sentinels     127.0.0.1:26391-26393, master name "hotline", quorum 2; a primary
#                   silent for 1 s is failed over in about 2 s   run-ha/sentinel-PORT/
#   2 hotlined      127.0.0.1:12345 and 127.0.0.1:12346, both on the sentinels
#                   (redis.sentinels, redis.master_name, redis.min_replicas_ack: 1), with
#                   run-ha/hotlined-PORT.yaml made from etc/hotlined.yaml at each start;
#                   their logs in run-ha/hotlined-PORT.log
# The tokens are made once by contrib/make-tokens.sh (run-ha/tokens.env: the same lines as
# run/tokens.env, other secrets). The nodes' and sentinels' configuration files are written
# on the first run only: Redis and Sentinel rewrite them when they fail over, so a second
# run starts from the same data and the same primary. The "ready" lines come once GET
# /readyz answers 200 on both daemons. Ctrl-C stops the daemons first, then the sentinels,
# then Redis (which flushes its AOF). Every wait is bounded.
# Usage: contrib/run-ha.sh BUILD_DIR
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/run-ha"
redis_ports="6391 6392 6393"
sentinel_ports="26391 26392 26393"
http_ports="12345 12346"
mkdir -p "$dir"
chmod 700 "$dir"

up() { redis-cli -p "$1" ping >/dev/null 2>&1; }

ctl="$top/$build/hotlinectl"
# ready PORT: hotlinectl ready's exit status for 127.0.0.1:PORT (0 ready, 3 nothing answers)
ready() { "$ctl" --url "http://127.0.0.1:$1" --timeout 2 ready >/dev/null 2>&1; }

# The daemons' ports must be free: a daemon left there (say by `make run`) would answer
# /readyz for ours.
for port in $http_ports; do
	status=0
	ready "$port" || status=$?
	if [ "$status" != 3 ]; then
		echo "run-ha: something already answers on 127.0.0.1:$port (a make run?); stop it first" >&2
		exit 1
	fi
done

# start_node PORT CONF [--sentinel]: in its own session (Ctrl-C reaches only this script),
# unless one from an earlier run still answers; waits up to 5 s for it.
start_node() {
	if up "$1"; then
		echo "run-ha: something from an earlier run still answers on 127.0.0.1:$1; using it"
		return 0
	fi
	# shellcheck disable=SC2086 # ${3:-}: --sentinel, or no word at all
	setsid redis-server "$2" ${3:-} </dev/null >/dev/null 2>&1 &
	i=0
	until up "$1"; do
		i=$((i + 1))
		if [ "$i" -gt 100 ]; then
			echo "run-ha: 127.0.0.1:$1 did not start; see $(dirname "$2")/*.log" >&2
			exit 1
		fi
		sleep 0.05
	done
}

# The nodes: etc/redis.conf with a port, a directory and, for 6392 and 6393, the primary
# to follow (at once: no wait for more replicas before a full sync).
# Written once; CONFIG REWRITE (Sentinel's, at a failover) keeps the roles in them.
for port in $redis_ports; do
	node="$dir/redis-$port"
	mkdir -p "$node"
	[ -f "$node/redis.conf" ] && continue
	{
		cat "$top/etc/redis.conf"
		printf '\n# make run-ha (contrib/run-ha.sh)\nbind 127.0.0.1\nport %s\n' "$port"
		printf 'dir %s\nlogfile %s/redis.log\npidfile %s/redis.pid\n' "$node" "$node" "$node"
		# so that the README's `redis-cli -p 6391 DEBUG SLEEP 30` can freeze the primary
		printf 'enable-debug-command local\nrepl-diskless-sync-delay 0\n'
		[ "$port" = 6391 ] || printf 'replicaof 127.0.0.1 6391\n'
	} >"$node/redis.conf"
done

# The sentinels: down after 1 s of silence, quorum 2 of 3. Written once; each sentinel
# rewrites its own file (the replicas, the other sentinels, the current primary, its epoch).
for port in $sentinel_ports; do
	sdir="$dir/sentinel-$port"
	mkdir -p "$sdir"
	[ -f "$sdir/sentinel.conf" ] && continue
	cat >"$sdir/sentinel.conf" <<EOF
# make run-ha (contrib/run-ha.sh); Sentinel rewrites this file.
bind 127.0.0.1
port $port
daemonize no
dir $sdir
logfile $sdir/sentinel.log
pidfile $sdir/sentinel.pid
sentinel monitor hotline 127.0.0.1 6391 2
sentinel down-after-milliseconds hotline 1000
sentinel failover-timeout hotline 3000
sentinel parallel-syncs hotline 1
EOF
done

hotlined_pids=""
stop_all() {
	trap - EXIT INT TERM
	for pid in $hotlined_pids; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in $hotlined_pids; do # shutdown_timeout (10 s) and a little more
		i=0
		while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 150 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	for port in $sentinel_ports $redis_ports; do
		redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
	done
	echo "run-ha: stopped hotlined, the sentinels and Redis (data, logs and AOF in $dir/)"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

for port in $redis_ports; do
	start_node "$port" "$dir/redis-$port/redis.conf"
done
for port in $sentinel_ports; do
	start_node "$port" "$dir/sentinel-$port/sentinel.conf" --sentinel
done

# API tokens: made once, kept across runs; the configuration names only their hashes.
"$top/contrib/make-tokens.sh" "$dir" "$top/routes"

# hotlined-PORT.yaml: etc/hotlined.yaml with the sentinels instead of the socket, its own
# port, the tokens of run-ha/ and the calendar of etc/ (the file lives in run-ha/).
for port in $http_ports; do
	conf="$dir/hotlined-$port.yaml"
	awk -v port="$port" '
		/^  listen: 127\.0\.0\.1:12345/ { sub(/12345/, port); hits++ }
		/^  socket: \.\.\/run\/redis\.sock/ {
			print "  sentinels: [127.0.0.1:26391, 127.0.0.1:26392, 127.0.0.1:26393]"
			print "  master_name: hotline      # the name the sentinels monitor"
			print "  min_replicas_ack: 1       # a write is answered once the replica has it"
			hits++; next }
		/^  tokens_file: \.\.\/run\/tokens\.yaml/ { sub(/\.\.\/run\//, ""); hits++ }
		/^  dir: calendar/ { sub(/calendar/, "../etc/calendar"); hits++ }
		{ print }
		END { if (hits != 4) exit 1 }' "$top/etc/hotlined.yaml" >"$conf.tmp" || {
		echo "run-ha: etc/hotlined.yaml no longer has the lines contrib/run-ha.sh rewrites" >&2
		exit 1
	}
	mv "$conf.tmp" "$conf"
done

for port in $http_ports; do
	setsid "$top/$build/hotlined" -c "$dir/hotlined-$port.yaml" </dev/null \
		>>"$dir/hotlined-$port.log" 2>&1 &
	hotlined_pids="$hotlined_pids $!"
done
# "ready" only once GET /readyz answers 200 on both (hotlinectl ready): at most 300 s, as
# make run (a large AOF takes a while to load), and not a moment more once a daemon exited
# shellcheck disable=SC2086 # one word per pid
set -- $hotlined_pids
deadline=$(($(date +%s) + 300))
for port in $http_ports; do
	until ready "$port"; do
		if ! kill -0 "$1" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
			echo "run-ha: hotlined on 127.0.0.1:$port is not ready (GET /readyz); the end of its log:" >&2
			tail -5 "$dir/hotlined-$port.log" >&2
			exit 1
		fi
		sleep 0.2
	done
	shift
done

primary=$(redis-cli -p 26391 sentinel get-master-addr-by-name hotline | tr '\n' ':' | sed 's/:$//')
# and the replicas in sync: until then, writes wait for a replica that cannot confirm
i=0
until [ "$(redis-cli -p "${primary#*:}" info replication | grep -c 'state=online')" -ge 2 ]; do
	i=$((i + 1))
	if [ "$i" -gt 300 ]; then
		echo "run-ha: the replicas of $primary are not in sync after 60 s; see run-ha/redis-*/redis.log" >&2
		exit 1
	fi
	sleep 0.2
done
echo "run-ha: Redis primary $primary, its 2 replicas and 3 sentinels (127.0.0.1:26391-26393)"
echo "run-ha: ready -- hotlined on http://127.0.0.1:12345 and http://127.0.0.1:12346" \
	"(logs: run-ha/hotlined-PORT.log)"
echo "run-ha: API tokens, one per role: run-ha/tokens.env; try:"
echo "run-ha:   curl -s http://127.0.0.1:12345/healthz"
echo "run-ha:   redis-cli -p $(echo "$primary" | cut -d: -f2) DEBUG SLEEP 30   # the primary stops answering"
echo "run-ha: Ctrl-C stops them all"

# Until Ctrl-C, or until both daemons have exited by themselves.
while :; do
	alive=0
	for pid in $hotlined_pids; do
		! kill -0 "$pid" 2>/dev/null || alive=1
	done
	[ "$alive" = 1 ] || { echo "run-ha: both hotlined exited; see their logs in $dir/" >&2; exit 1; }
	sleep 1
done
