#!/bin/sh
# `make bench-daemons`: how many hotlined one Redis primary can serve (issue 18). For each
# k in BENCH_DAEMONS (1 2 4) and each run, on an empty Redis (etc/redis.conf: unix socket,
# appendonly yes, everysec):
#   idle  Redis's CPU over BENCH_IDLE_SECS (10) s alone, then with k hotlined started and
#         idle (sweeps, heartbeats, consumer-group reads): what one idle daemon costs Redis
#         a second, (with k - alone) / k;
#   load  the same total load, BENCH_CONNS (64) connections, spread evenly over the k
#         daemons (one build/bench/loadgen per daemon, 64/k connections each, in parallel,
#         BENCH_WARMUP + BENCH_SECS s), then the routing drained (dispatch_latency -W):
#         the 201s per second of all of them together, Redis's CPU per ticket created
#         and the daemons' CPU per ticket, all k summed.
# Each hotlined is configured as `make bench-ingest` configures its own (the plugins of
# etc/hotlined.yaml without log, log level warn). It prints medians with their spread and
# rewrites its own section (bench:daemons) of OUT.md. Everything it starts it stops (lib.sh).
#
# Usage: contrib/bench/daemons.sh BUILD_DIR [OUT.md]
# Tuning (environment): BENCH_RUNS (3), BENCH_SECS (10), BENCH_WARMUP (1), BENCH_CONNS (64),
#   BENCH_DAEMONS ("1 2 4"), BENCH_IDLE_SECS (10), BENCH_KEEP=1 keeps the temporary directory.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-$top/BENCHMARKS.md}
runs=${BENCH_RUNS:-3}
secs=${BENCH_SECS:-10}
warmup=${BENCH_WARMUP:-1}
conns=${BENCH_CONNS:-64}
daemons_list=${BENCH_DAEMONS:-1 2 4}
idle_secs=${BENCH_IDLE_SECS:-10}
bench="$build/bench"

for tool in loadgen dispatch_latency; do
	[ -x "$bench/$tool" ] || { echo "bench: $bench/$tool is missing (make bench-daemons builds it)" >&2; exit 1; }
done
[ -x "$build/hotlined" ] || { echo "bench: $build/hotlined is missing" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "bench: redis-server is not installed" >&2; exit 1; }

tmp=$(mktemp -d /tmp/hotline-bench-daemons-XXXXXX)
keep=${BENCH_KEEP:-0}
. "$top/contrib/bench/lib.sh"
bench_tokens_and_plugins

results="$tmp/results"
: >"$results"

# start_daemon DIR N: hotlined number N of this measurement on DIR's Redis; appends its
# port and pid to ports and daemon_pids.
start_daemon() {
	tries=0
	while :; do
		port=$("$bench/loadgen" -F)
		bench_hotlined_yaml "$1/hotlined-$2.yaml" "$port" "$1/redis.sock"
		"$build/hotlined" -c "$1/hotlined-$2.yaml" </dev/null >"$1/hotlined-$2.log" 2>&1 &
		pid=$!
		started_pids="$started_pids $pid"
		if "$bench/loadgen" -p "$port" -R 10 2>/dev/null; then
			ports="$ports $port" daemon_pids="$daemon_pids $pid"
			return 0
		fi
		stop_pid "$pid"
		forget_pid "$pid"
		tries=$((tries + 1))
		if [ "$tries" -ge 3 ]; then
			echo "bench: hotlined did not become ready; its log:" >&2
			tail -5 "$1/hotlined-$2.log" >&2
			exit 1
		fi
	done
}

# Redis's own count of its CPU seconds (INFO cpu: getrusage, to the microsecond; /proc's
# ticks are 10 ms, too coarse for an idle second)
redis_cpu() { # socket
	redis-cli -s "$1" INFO cpu | tr -d '\r' |
		awk -F: '$1 == "used_cpu_sys" || $1 == "used_cpu_user" { s += $2 } END { printf "%.6f", s }'
}

cpu_sum() { # pids...: their CPU seconds, added
	s=0
	for p in "$@"; do
		s=$(echo "$s $(cpu_secs "$p")" | awk '{printf "%.3f", $1 + $2}')
	done
	echo "$s"
}

measure() { # k run
	k=$1 run=$2
	dir="$tmp/k$k-$run"
	mkdir -p "$dir"
	start_redis "$dir"
	r0=$(redis_cpu "$dir/redis.sock")
	sleep "$idle_secs"
	r1=$(redis_cpu "$dir/redis.sock")
	ports="" daemon_pids=""
	n=1
	while [ "$n" -le "$k" ]; do
		start_daemon "$dir" "$n"
		n=$((n + 1))
	done
	sleep 2 # past the daemons' start (scripts loaded, first sweeps)
	r2=$(redis_cpu "$dir/redis.sock")
	sleep "$idle_secs"
	r3=$(redis_cpu "$dir/redis.sock")

	# the load: 64/k connections on each daemon, all at once, seeds apart
	each=$((conns / k))
	rc0=$(cpu_secs "$redis_pid")
	# shellcheck disable=SC2086
	dc0=$(cpu_sum $daemon_pids)
	n=0
	lg_pids=""
	for port in $ports; do
		n=$((n + 1))
		"$bench/loadgen" -p "$port" -c "$each" -d "$secs" -w "$warmup" \
			-f "$top/tests/data/tickets-sample.jsonl" -s $((run * 100 + n)) \
			>"$dir/loadgen-$n.out" 2>"$dir/loadgen-$n.err" &
		lg_pids="$lg_pids $!"
	done
	for p in $lg_pids; do
		wait "$p" || { echo "bench: loadgen failed:" >&2; cat "$dir"/loadgen-*.err >&2; exit 1; }
	done
	drained=$("$bench/dispatch_latency" -s "$dir/redis.sock" -w 60 -W | grep '^RESULT')
	rc1=$(cpu_secs "$redis_pid")
	# shellcheck disable=SC2086
	dc1=$(cpu_sum $daemon_pids)
	audit=$("$bench/dispatch_latency" -s "$dir/redis.sock" -w 0 | grep '^RESULT')
	tickets=$(field "$audit" tickets)
	rate=$(cat "$dir"/loadgen-*.out | grep '^RESULT' | tr ' ' '\n' | sed -n 's/^rate=//p' |
		awk '{ s += $1 } END { printf "%.1f", s }')
	other=$(cat "$dir"/loadgen-*.out | grep '^RESULT' | tr ' ' '\n' |
		sed -n 's/^\(other\|errors\)=//p' | awk '{ s += $1 } END { print s + 0 }')
	for p in $daemon_pids; do
		stop_pid "$p"
		forget_pid "$p"
	done
	stop_pid "$redis_pid"
	forget_pid "$redis_pid"
	[ "$keep" = 1 ] || rm -rf "$dir/appendonlydir"
	line="k=$k run=$run rate=$rate tickets=$tickets other=$other"
	line="$line drain_ms=$(field "$drained" drain_ms)"
	line="$line redis_us_per_ticket=$(echo "$rc0 $rc1 $tickets" |
		awk '{printf "%.0f", $3 ? ($2 - $1) * 1e6 / $3 : 0}')"
	line="$line redis_busy_pct=$(echo "$rate $(field "$line" redis_us_per_ticket)" |
		awk '{printf "%.0f", $1 * $2 / 1e4}')"
	line="$line daemons_us_per_ticket=$(echo "$dc0 $dc1 $tickets" |
		awk '{printf "%.0f", $3 ? ($2 - $1) * 1e6 / $3 : 0}')"
	line="$line redis_alone_ms_per_s=$(echo "$r0 $r1 $idle_secs" |
		awk '{printf "%.3f", ($2 - $1) * 1e3 / $3}')"
	line="$line redis_idle_ms_per_s=$(echo "$r2 $r3 $idle_secs" |
		awk '{printf "%.3f", ($2 - $1) * 1e3 / $3}')"
	line="$line idle_ms_per_s_per_daemon=$(echo "$r0 $r1 $r2 $r3 $idle_secs $k" |
		awk '{printf "%.3f", (($4 - $3) - ($2 - $1)) * 1e3 / $5 / $6}')"
	echo "$line" >>"$results"
	echo "bench: $k daemon(s), run $run: $rate tickets/s; Redis $(field "$line" redis_us_per_ticket)" \
		"µs/ticket, daemons $(field "$line" daemons_us_per_ticket) µs/ticket; idle: Redis" \
		"$(field "$line" redis_idle_ms_per_s) ms/s with them, $(field "$line" redis_alone_ms_per_s)" \
		"alone"
}

echo "bench: daemons per primary: $runs runs x {$daemons_list} daemons, $conns connections" \
	"in all, $warmup s warm-up + $secs s; idle windows of $idle_secs s; plugins: $chain"
began=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
r=1
while [ "$r" -le "$runs" ]; do
	for k in $daemons_list; do
		measure "$k" "$r"
	done
	r=$((r + 1))
done
took=$(($(date +%s) - began))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

stat() { # k field fmt
	fmt_spread "$3" $(select_values "$results" "$2" k "$1" | medspread)
}

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
redis_version=$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
first_k=$(echo "$daemons_list" | cut -d' ' -f1)
base_rate=$(select_values "$results" rate k "$first_k" | medspread | cut -d' ' -f1)
base_us=$(select_values "$results" redis_us_per_ticket k "$first_k" | medspread | cut -d' ' -f1)
idle_all=$(select_values "$results" idle_ms_per_s_per_daemon | medspread | cut -d' ' -f1)

section="$tmp/section.md"
{
	echo "<!-- bench:daemons:begin (written by contrib/bench/daemons.sh; edits here are overwritten) -->"
	echo "## Daemons per Redis primary"
	echo
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on commit $commit, in $took s."
	echo
	echo "- Machine: $(nproc) CPUs, $cpu_model, Linux $(uname -r); Redis $redis_version." \
		"Load average before: $load_before; after: $load_after. On a machine shared with" \
		"other work the absolute figures drop; the ratios between the rows are what this" \
		"measures."
	echo "- Command: \`make bench-daemons\` (\`contrib/bench/daemons.sh $(basename "$build")" \
		"BENCHMARKS.md\` with BENCH_RUNS=$runs BENCH_SECS=$secs BENCH_WARMUP=$warmup" \
		"BENCH_CONNS=$conns BENCH_DAEMONS=\"$daemons_list\" BENCH_IDLE_SECS=$idle_secs)."
	echo "- Setup: one empty Redis per run (etc/redis.conf: unix socket, \`appendonly yes\`," \
		"everysec) and k hotlined on it, each as \`make bench-ingest\` runs its own (log" \
		"level warn, plugins: $chain). Load: the same $conns keep-alive connections in" \
		"all, $conns/k on each daemon (one \`build/bench/loadgen\` per daemon, in" \
		"parallel), $warmup s of warm-up and $secs s measured, then the routing drained." \
		"Load generators, daemons and Redis share the machine's CPUs."
	echo "- Figures: median over $runs runs, (min–max) the spread. tickets/s: the 201s per" \
		"second of all the load generators together. CPU per ticket: the process's (Redis's;" \
		"the k daemons' summed) user + system time over the load and the drain, per ticket" \
		"created (/proc); Redis busy: tickets/s × its CPU per ticket. Idle: Redis's CPU (\`INFO cpu\`, to the microsecond) over" \
		"$idle_secs s with nothing connected, then over" \
		"$idle_secs s with the k daemons started and idle; per daemon the difference over k."
	echo
	echo "| daemons | tickets/s | vs 1 daemon | Redis CPU µs/ticket | Redis busy, % of one CPU | daemons' CPU µs/ticket | Redis idle, ms of CPU a second (k daemons) | idle Redis CPU one daemon costs, ms a second |"
	echo "|---|---|---|---|---|---|---|---|"
	for k in $daemons_list; do
		vs=$(select_values "$results" rate k "$k" | medspread | cut -d' ' -f1 |
			awk -v b="$base_rate" '{ printf "%.2f", (b > 0 ? $1 / b : 0) }')
		echo "| $k | $(stat "$k" rate %.0f) | $vs | $(stat "$k" redis_us_per_ticket %.0f) |" \
			"$(stat "$k" redis_busy_pct %.0f) |" \
			"$(stat "$k" daemons_us_per_ticket %.0f) | $(stat "$k" redis_idle_ms_per_s %.2f) |" \
			"$(stat "$k" idle_ms_per_s_per_daemon %.3f) |"
	done
	echo
	echo "Redis runs every ticket's scripts on its one thread, so one primary takes at most" \
		"1 s / its CPU per ticket, however many daemons send them: at the $first_k-daemon" \
		"median of $base_us µs that is $(echo "$base_us" | awk '{printf "%.0f", ($1 > 0 ? 1e6 / $1 : 0)}')" \
		"tickets/s. An idle daemon costs Redis about $idle_all ms of CPU a second" \
		"(median of every k and run), so idle daemons are not what limits a primary; the" \
		"tickets are. Where the machine has fewer CPUs than the daemons, the load" \
		"generators and Redis together, they take CPU from one another: read the CPU per" \
		"ticket across the rows, not only tickets/s." \
		"Answers other than 201 and connection errors: $(awk -F'other=' \
			'{ split($2, a, " "); s += a[1] } END { print s + 0 }' "$results")."
	echo
	echo "Raw figures, one line per measurement:"
	echo
	echo '```'
	cat "$results"
	echo '```'
	echo "<!-- bench:daemons:end -->"
} >"$section"
splice_section daemons "$section" "$out"
echo "bench: wrote the daemons section of $out"
