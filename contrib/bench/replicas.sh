#!/bin/sh
# What "acknowledged means replicated" costs (issue 18, redis.min_replicas_ack): intake
# through hotlined with its primary and one replica on loopback (etc/redis.conf, AOF
# everysec), min_replicas_ack 1 (a WAIT per group of writes) against 0, alternated on the
# same machine. Prints loadgen's RESULT line per round and writes its section of
# BENCHMARKS.md (medians, and the ratio of 1 to 0 taken round by round). Bounded: rounds x
# 2 x (secs + about 10 s of start-up and sync).
#   contrib/bench/replicas.sh BUILD [BENCHMARKS.md]
#   BENCH_CONNS (16), BENCH_SECS (10), BENCH_RUNS (3).
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$top/BENCHMARKS.md}
bench=$build/bench
conns=${BENCH_CONNS:-16}
secs=${BENCH_SECS:-10}
runs=${BENCH_RUNS:-3}
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
	echo "acks=$1 run=$2 ${line#RESULT }" >>"$results"
	for p in $hotlined_pid $replica_pid $primary_pid; do
		stop_pid "$p"
		forget_pid "$p"
	done
}

results="$tmp/results"
: >"$results"
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for run in $(seq 1 "$runs"); do
	round 1 "$run"
	round 0 "$run"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# the ratio of min_replicas_ack 1 to 0 of each run's pair of rounds
ratios() { # field
	for run in $(seq 1 "$runs"); do
		a=$(select_values "$results" "$1" acks 1 run "$run")
		b=$(select_values "$results" "$1" acks 0 run "$run")
		echo "$a $b" | awk '$2 > 0 { printf "%.2f\n", $1 / $2 }'
	done | medspread
}
stat() { # acks field fmt
	fmt_spread "$3" $(select_values "$results" "$2" acks "$1" | medspread)
}
section="$tmp/section.md"
{
	echo "<!-- bench:replicas:begin (contrib/bench/replicas.sh writes this section) -->"
	echo "## Acknowledged means replicated: the cost of min_replicas_ack"
	echo
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on commit $(git -C "$top" rev-parse --short HEAD)," \
		"in $(($(date +%s) - started)) s."
	echo
	echo "- Machine: $(nproc) CPUs, Linux $(uname -r); $(redis-server --version | cut -d' ' -f1-3)." \
		"Load average before: $load_before; after: $load_after."
	echo "- Command: \`make bench-replicas\` (\`contrib/bench/replicas.sh $(basename "$build")" \
		"BENCHMARKS.md\` with BENCH_RUNS=$runs BENCH_SECS=$secs BENCH_CONNS=$conns)."
	echo "- Setup: per round a fresh primary and one replica on loopback (etc/redis.conf, AOF" \
		"everysec), hotlined on the primary's socket with \`redis.min_replicas_ack\` 1 or" \
		"0 (plugins: $chain), $conns keep-alive connections posting tickets for $secs s" \
		"after 1 s of warm-up; the rounds alternate 1, 0 on the same machine."
	echo "- Figures: median over $runs rounds, (min–max) the spread; the ratio is taken" \
		"round by round (each 1 against the 0 that followed it)."
	echo
	echo "| min_replicas_ack | tickets/s | p50 ms | p99 ms |"
	echo "|---|---|---|---|"
	for acks in 1 0; do
		echo "| $acks | $(stat "$acks" rate %.0f) | $(stat "$acks" p50_ms %.1f) |" \
			"$(stat "$acks" p99_ms %.1f) |"
	done
	echo
	echo "min_replicas_ack 1 against 0, round by round: tickets/s" \
		"$(fmt_spread %.2f $(ratios rate)), p50 $(fmt_spread %.2f $(ratios p50_ms))," \
		"p99 $(fmt_spread %.2f $(ratios p99_ms)). One WAIT covers every write sent" \
		"before it (group commit), so the cost is a replica's round trip per group, not per" \
		"ticket."
	echo
	echo '```'
	cat "$results"
	echo '```'
	echo "<!-- bench:replicas:end -->"
} >"$section"
splice_section replicas "$section" "$out"
echo "bench: wrote the replicas section of $out"
