#!/bin/sh
# What "acknowledged means replicated" costs (issue 18, redis.min_replicas_ack): intake
# through hotlined with its primary and one replica on loopback (etc/redis.conf, AOF
# everysec), min_replicas_ack 1 (a WAIT per group of writes) against 0, alternated on the
# same machine. Prints loadgen's RESULT line per round; writes no file. Bounded: rounds x
# 2 x (secs + about 10 s of start-up and sync).
#   contrib/bench/replicas.sh BUILD
#   BENCH_CONNS (16), BENCH_SECS (10), BENCH_RUNS (2).
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
bench=$build/bench
conns=${BENCH_CONNS:-16}
secs=${BENCH_SECS:-10}
runs=${BENCH_RUNS:-2}
tmp=$(mktemp -d /tmp/hotline-bench-replicas-XXXXXX)
keep=${BENCH_KEEP:-0}
. "$top/contrib/bench/lib.sh"
bench_tokens_and_plugins

round() { # acks run
	dir=$tmp/$2-$1
	mkdir -p "$dir/primary" "$dir/replica"
	pport=$("$bench/loadgen" -F)
	start_redis "$dir/primary" --port "$pport" --bind 127.0.0.1
	primary_pid=$redis_pid
	start_redis "$dir/replica" --port "$("$bench/loadgen" -F)" --bind 127.0.0.1 \
		--replicaof 127.0.0.1 "$pport"
	replica_pid=$redis_pid
	i=0 # a first sync waits for repl-diskless-sync-delay (5 s by default)
	until redis-cli -s "$dir/replica/redis.sock" info replication |
		grep -q master_link_status:up; do
		i=$((i + 1))
		[ "$i" -le 300 ] || { echo "bench: the replica did not sync" >&2; exit 1; }
		sleep 0.05
	done
	port=$("$bench/loadgen" -F)
	bench_hotlined_yaml "$dir/hotlined.yaml" "$port" "$dir/primary/redis.sock" \
		"  min_replicas_ack: $1"
	"$build/hotlined" -c "$dir/hotlined.yaml" </dev/null >"$dir/hotlined.log" 2>&1 &
	hotlined_pid=$!
	started_pids="$started_pids $hotlined_pid"
	"$bench/loadgen" -p "$port" -R 10 2>/dev/null ||
		{ echo "bench: hotlined did not start" >&2; cat "$dir/hotlined.log" >&2; exit 1; }
	sleep 1 # the replication probe has looked once
	line=$("$bench/loadgen" -p "$port" -c "$conns" -d "$secs" -w 1 \
		-f "$top/tests/data/tickets-sample.jsonl" -s "$2" 2>"$dir/loadgen.err" | grep '^RESULT') ||
		{ echo "bench: loadgen failed:" >&2; cat "$dir/loadgen.err" >&2; exit 1; }
	echo "min_replicas_ack=$1 $line"
	for p in $hotlined_pid $replica_pid $primary_pid; do
		stop_pid "$p"
		forget_pid "$p"
	done
}

for run in $(seq 1 "$runs"); do
	round 1 "$run"
	round 0 "$run"
done
