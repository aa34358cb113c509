#!/bin/sh
# `make bench`, ingest and routing throughput (issue 8), and BullMQ as the peer (issue 14).
# For each run and connection count it measures, interleaved so that drift on the machine
# hits all of them alike:
#   bare      contrib/bench/bare.c, an evhttp server answering every POST with a fixed 201
#   everysec  hotlined on a private redis-server (etc/redis.conf: unix socket, appendonly yes,
#             appendfsync everysec)
#   always    the same with appendfsync always
#   stream    everysec with routing.hand_off false: every ticket through the routing
#             stream (its intake script, XREADGROUP, route_load, route_commit), the path
#             before issue 14's hand-off, measured beside it
#   bullmq    BullMQ carrying the same tickets from a producer to a worker that routes
#             them, on a Redis set up as for everysec (contrib/bench/bullmq.sh)
# the first three through the same load generator (contrib/bench/loadgen.c), all for
# BENCH_WARMUP + BENCH_SECS seconds. Each hotlined run starts from an empty Redis, with the
# plugin chain of etc/hotlined.yaml minus the log plugin, log level warn and fresh tokens;
# after the load it waits (bounded) for the dispatcher to route what is left and reads the
# intake-to-dispatched latency and the end-to-end rate from the audit trails
# (contrib/bench/dispatch_latency.c).
# It prints medians with their spread (min-max) and rewrites its own sections of OUT.md:
# bench:ingest when bare was measured (its ratios are to bare), bench:bullmq when everysec
# and bullmq were (hotlined's end-to-end rate over BullMQ's, round by round); the rest of
# the file is left alone.
#
# Everything it starts it stops (trap), and its files live in one directory under /tmp,
# removed at the end.
#
# Usage: contrib/bench/run.sh BUILD_DIR [OUT.md]
# Tuning (environment): BENCH_RUNS (5), BENCH_SECS (10), BENCH_WARMUP (1),
#   BENCH_CONNS ("64"; e.g. "16 64"), BENCH_TARGETS ("bare everysec stream always bullmq"),
#   BENCH_BULLMQ_CONCURRENCY (64, the BullMQ worker's concurrency), BENCH_KEEP=1 keeps the
#   temporary directory (logs, AOF, Redis INFO commandstats) for a look afterwards,
#   BENCH_REDIS_ARGS more redis-server options for hotlined's Redis (e.g.
#   "--auto-aof-rewrite-percentage 0", so that the kept AOF is every command's bytes).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-$top/BENCHMARKS.md}
runs=${BENCH_RUNS:-5}
secs=${BENCH_SECS:-10}
warmup=${BENCH_WARMUP:-1}
conns_list=${BENCH_CONNS:-64}
targets=${BENCH_TARGETS:-bare everysec stream always bullmq}
concurrency=${BENCH_BULLMQ_CONCURRENCY:-64}
export BENCH_BULLMQ_CONCURRENCY="$concurrency" BENCH_SECS="$secs" BENCH_WARMUP="$warmup"
bench="$build/bench"

for tool in loadgen bare dispatch_latency; do
	[ -x "$bench/$tool" ] || { echo "bench: $bench/$tool is missing (make bench builds it)" >&2; exit 1; }
done
[ -x "$build/hotlined" ] || { echo "bench: $build/hotlined is missing" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "bench: redis-server is not installed" >&2; exit 1; }
has_target() { case " $targets " in *" $1 "*) return 0 ;; esac; return 1; }
if has_target bullmq; then
	command -v node >/dev/null || { echo "bench: node is not installed (contrib/deps.sh bench)" >&2; exit 1; }
	[ -d "$build/bench/bullmq/node_modules/bullmq" ] ||
		{ echo "bench: BullMQ is not installed in $build/bench/bullmq (make bench installs it)" >&2; exit 1; }
fi

tmp=$(mktemp -d /tmp/hotline-bench-XXXXXX)
keep=${BENCH_KEEP:-0}
. "$top/contrib/bench/lib.sh"

# The tokens (one set for the whole benchmark) and the plugin chain of etc/hotlined.yaml
# without the log plugin (lib.sh).
bench_tokens_and_plugins

results="$tmp/results"
: >"$results"

start_hotlined() { # dir; sets port and hotlined_pid
	tries=0
	while :; do
		port=$("$bench/loadgen" -F)
		routing=""
		[ "$target" != stream ] || routing=$(printf 'routing:\n  hand_off: false')
		bench_hotlined_yaml "$1/hotlined.yaml" "$port" "$1/redis.sock" "" "$routing"
		"$build/hotlined" -c "$1/hotlined.yaml" </dev/null >"$1/hotlined.log" 2>&1 &
		hotlined_pid=$!
		started_pids="$started_pids $hotlined_pid"
		if "$bench/loadgen" -p "$port" -R 10 2>/dev/null; then
			return 0
		fi
		stop_pid "$hotlined_pid"
		tries=$((tries + 1))
		if [ "$tries" -ge 3 ]; then
			echo "bench: hotlined did not become ready; its log:" >&2
			tail -5 "$1/hotlined.log" >&2
			exit 1
		fi
	done
}

# how the tables name a hotlined target
target_name() {
	case $1 in
	stream) echo "appendfsync everysec, routing stream (hand_off: false)" ;;
	*) echo "appendfsync $1" ;;
	esac
}

# one measurement: target conns run
measure() {
	target=$1 conns=$2 run=$3
	dir="$tmp/$target-$conns-$run"
	mkdir -p "$dir"
	if [ "$target" = bullmq ]; then
		b0=$(date +%s)
		line=$("$top/contrib/bench/bullmq.sh" "$build" "$conns" "$run" 2>"$dir/bullmq.err" |
			grep '^RESULT') || { echo "bench: the BullMQ peer failed:" >&2; cat "$dir/bullmq.err" >&2; exit 1; }
		bullmq_took=$((bullmq_took + $(date +%s) - b0))
		line="target=$target run=$run ${line#RESULT }"
		echo "$line" >>"$results"
		printf 'bench: %-8s %3s conns run %d: %8s jobs/s end to end, add to complete p50 %s ms' \
			"$target" "$conns" "$run" "$(field "$line" e2e_rate)" "$(field "$line" e2e_p50_ms)"
		printf ' p99 %s ms (adds %s/s, p50 %s ms p99 %s ms)\n' \
			"$(field "$line" e2e_p99_ms)" "$(field "$line" add_rate)" \
			"$(field "$line" add_p50_ms)" "$(field "$line" add_p99_ms)"
		return 0
	elif [ "$target" = bare ]; then
		"$bench/bare" -t $((secs + warmup + 120)) >"$dir/bare.out" 2>&1 &
		bare_pid=$!
		started_pids="$started_pids $bare_pid"
		i=0
		until grep -q '^listening' "$dir/bare.out" 2>/dev/null; do
			i=$((i + 1))
			[ "$i" -le 200 ] || { echo "bench: bare did not start" >&2; exit 1; }
			sleep 0.025
		done
		port=$(sed -n 's/^listening 127\.0\.0\.1://p' "$dir/bare.out")
		srv_pid=$bare_pid
		cpu0=$(cpu_secs "$srv_pid")
		line=$("$bench/loadgen" -p "$port" -c "$conns" -d "$secs" -w "$warmup" \
			-f "$top/tests/data/tickets-sample.jsonl" -s "$run" 2>"$dir/loadgen.err" |
			grep '^RESULT') || { echo "bench: loadgen failed:" >&2; cat "$dir/loadgen.err" >&2; exit 1; }
		cpu1=$(cpu_secs "$srv_pid")
		stop_pid "$bare_pid"
		forget_pid "$bare_pid"
		line="$line srv_cpu=$(echo "$cpu0 $cpu1" | awk '{printf "%.2f", $2 - $1}')"
	else
		# shellcheck disable=SC2086 # BENCH_REDIS_ARGS: words for redis-server
		start_redis "$dir" --appendfsync "$([ "$target" = stream ] && echo everysec || echo "$target")" \
			${BENCH_REDIS_ARGS:-}
		start_hotlined "$dir"
		cpu0=$(cpu_secs "$hotlined_pid") rcpu0=$(cpu_secs "$redis_pid")
		line=$("$bench/loadgen" -p "$port" -c "$conns" -d "$secs" -w "$warmup" \
			-f "$top/tests/data/tickets-sample.jsonl" -s "$run" 2>"$dir/loadgen.err" |
			grep '^RESULT') || { echo "bench: loadgen failed:" >&2; cat "$dir/loadgen.err" >&2; exit 1; }
		drained=$("$bench/dispatch_latency" -s "$dir/redis.sock" -w 60 -W | grep '^RESULT')
		cpu1=$(cpu_secs "$hotlined_pid") rcpu1=$(cpu_secs "$redis_pid")
		audit=$("$bench/dispatch_latency" -s "$dir/redis.sock" -w 0 | grep '^RESULT' |
			sed 's/ drain_ms=[0-9]*//')
		warns=$(grep -c 'level=\(warn\|error\)' "$dir/hotlined.log" || true)
		[ "$keep" != 1 ] || redis-cli -s "$dir/redis.sock" INFO commandstats \
			>"$dir/commandstats.txt" 2>&1 || true
		stop_pid "$hotlined_pid"
		forget_pid "$hotlined_pid"
		stop_pid "$redis_pid"
		forget_pid "$redis_pid"
		tickets=$(field "$audit" tickets)
		line="$line ${audit#RESULT } drain_ms=$(field "$drained" drain_ms)"
		line="$line srv_cpu=$(echo "$cpu0 $cpu1" | awk '{printf "%.2f", $2 - $1}')"
		line="$line redis_cpu=$(echo "$rcpu0 $rcpu1" | awk '{printf "%.2f", $2 - $1}')"
		line="$line us_per_ticket=$(echo "$cpu0 $cpu1 $tickets" |
			awk '{printf "%.0f", $3 ? ($2 - $1) * 1e6 / $3 : 0}')"
		line="$line redis_us_per_ticket=$(echo "$rcpu0 $rcpu1 $tickets" |
			awk '{printf "%.0f", $3 ? ($2 - $1) * 1e6 / $3 : 0}')"
		line="$line log_warnings=$warns"
		line="$line merged_pct=$(echo "$(field "$audit" merged) $tickets" |
			awk '{printf "%.1f", $2 ? $1 * 100 / $2 : 0}')"
		[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$dir/appendonly.aof" "$dir"/appendonlydir/* 2>/dev/null || true
	fi
	line="target=$target run=$run ${line#RESULT }"
	echo "$line" >>"$results"
	printf 'bench: %-8s %3s conns run %d: %8s tickets/s  p50 %s ms  p99 %s ms  p99.9 %s ms' \
		"$target" "$conns" "$run" "$(field "$line" rate)" "$(field "$line" p50_ms)" \
		"$(field "$line" p99_ms)" "$(field "$line" p999_ms)"
	if [ "$target" != bare ]; then
		printf '  dispatched p50 %s ms p99 %s ms (%s merged, %s manual); %s routed/s end to end' \
			"$(field "$line" disp_p50_ms)" "$(field "$line" disp_p99_ms)" \
			"$(field "$line" merged)" "$(field "$line" manual)" "$(field "$line" e2e_rate)"
	fi
	echo
}

echo "bench: ingest and routing throughput: $runs runs x {$targets} x {$conns_list} connections," \
	"$warmup s warm-up + $secs s each; plugins: $chain"
began=$(date +%s)
bullmq_took=0
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
r=1
while [ "$r" -le "$runs" ]; do
	for c in $conns_list; do
		for t in $targets; do
			measure "$t" "$c" "$r"
		done
	done
	r=$((r + 1))
done
took=$(($(date +%s) - began))
ingest_took=$((took - bullmq_took))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# "median min max" of one field over the runs of a target and connection count.
stats() { # target conns field
	select_values "$results" "$3" target "$1" conns "$2" | medspread
}

# Per-run ratio to the bare server's rate, in the same round, of a target's rate or, with
# `ceiling`, of the most tickets/s Redis could take at the CPU a ticket cost it in that run
# (1 s / Redis µs per ticket: Redis runs each ticket's scripts on one thread; however fast
# hotlined were, and with a CPU of Redis's own, the ratio could not pass this).
# Prints "median min max".
ratio_stats() { # target conns [ceiling]
	awk -v t="$1" -v c="$2" -v what="${3:-rate}" '
		{ tg = ""; cn = ""; rn = ""; rt = ""; us = ""
		  for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "target") tg = kv[2]
			if (kv[1] == "conns") cn = kv[2]
			if (kv[1] == "run") rn = kv[2]
			if (kv[1] == "rate") rt = kv[2]
			if (kv[1] == "redis_us_per_ticket") us = kv[2]
		  }
		  if (cn != c) next
		  if (tg == "bare") bare[rn] = rt
		  if (tg != t) next
		  if (what == "rate") mine[rn] = rt
		  else if (us > 0) mine[rn] = 1e6 / us }
		END { for (r in mine) if (bare[r] > 0) printf "%.3f\n", mine[r] / bare[r] }' \
		"$results" | medspread |
		awk '$1 == "-" { print; next } { printf "%.2f %.2f %.2f\n", $1, $2, $3 }'
}

# Per-round ratio of field F1 of target T1 over field F2 of target T2 (the same connection
# count and run): "median min max".
pair_ratio() { # t1 f1 t2 f2 conns
	awk -v t1="$1" -v f1="$2" -v t2="$3" -v f2="$4" -v c="$5" '
		{ split("", v)
		  for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		  if (v["conns"] != c) next
		  if (v["target"] == t1 && v[f1] != "") a[v["run"]] = v[f1]
		  if (v["target"] == t2 && v[f2] != "") b[v["run"]] = v[f2] }
		END { for (r in a) if ((r in b) && b[r] > 0) printf "%.3f\n", a[r] / b[r] }' \
		"$results" | medspread |
		awk '$1 == "-" { print; next } { printf "%.2f %.2f %.2f\n", $1, $2, $3 }'
}

# "median (min–max)" of a field, with printf format fmt
fmt_stat() { # target conns field fmt
	fmt_spread "$4" $(stats "$1" "$2" "$3")
}

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
redis_version=$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
libevent_version=$(pkg-config --modversion libevent 2>/dev/null || echo "?")
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain -- core plugins 2>/dev/null)" ]; then
	commit="$commit (core/ or plugins/ with uncommitted changes)"
fi
# what one fsync costs on the disk under /tmp, where Redis keeps its AOF here
fsync_us=$(dd if=/dev/zero of="$tmp/fsync-probe" bs=4096 count=200 oflag=dsync 2>&1 |
	sed -n 's/.* copied, \([0-9.]*\) s.*/\1/p' | awk '{printf "%.0f", $1 * 1e6 / 200}')
rm -f "$tmp/fsync-probe"
machine="$(nproc) CPUs, $cpu_model, Linux $(uname -r); Redis $redis_version,"
machine="$machine libevent $libevent_version; one synchronous 4 KiB write to the disk under"
machine="$machine /tmp takes ${fsync_us} µs. Load average before the benchmark: $load_before;"
machine="$machine after: $load_after (other work on the machine shows here, and in the spread)."

# The bench:bullmq section: hotlined (everysec) and BullMQ end to end, from the same rounds.
bullmq_section() {
	nm="$build/bench/bullmq/node_modules"
	bullmq_version=$(node -p "require('$nm/bullmq/package.json').version")
	ioredis_version=$(node -p "require('$nm/ioredis/package.json').version")
	echo "<!-- bench:bullmq:begin (written by contrib/bench/run.sh; edits here are overwritten) -->"
	echo "## Peer: BullMQ end to end, in the same run"
	echo
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on commit $commit; the BullMQ runs took ${bullmq_took} s" \
		"of the ${took} s of the whole run."
	echo
	echo "- Machine: $machine"
	echo "- Command: \`contrib/bench/run.sh $(basename "$build") BENCHMARKS.md\` with" \
		"BENCH_TARGETS=\"$targets\" BENCH_RUNS=$runs BENCH_SECS=$secs BENCH_WARMUP=$warmup" \
		"BENCH_CONNS=\"$conns_list\" BENCH_BULLMQ_CONCURRENCY=$concurrency. \`make bench\`" \
		"runs it with every target; \`make bench-bullmq\` with everysec and bullmq only," \
		"for this section alone."
	echo "- Offered load, the same for both: N closed loops (N in the heading), one ticket" \
		"in flight each, for" \
		"$warmup s of warm-up and then $secs s, carrying the same JSON bodies (round r:" \
		"what \`loadgen -s r\` sends, built from the 120 texts of" \
		"tests/data/tickets-sample.jsonl). hotlined: \`loadgen\`, N keep-alive HTTP" \
		"connections posting to /v1/tickets, each with its own Idempotency-Key" \
		"(the ingest section's everysec runs). BullMQ $bullmq_version (ioredis" \
		"$ioredis_version, node $(node --version)): contrib/bench/bullmq/producer.js, N" \
		"loops of \`Queue.add\` on one connection, each job under its own \`jobId\`, the" \
		"first 20,000 bodies of \`loadgen -B 20000 -s r\`, parsed before the run and" \
		"cycled."
	echo "- Consumer. hotlined: its dispatcher, the plugins of etc/hotlined.yaml without" \
		"\`log\` ($chain), every step written to Redis and audited. BullMQ:" \
		"contrib/bench/bullmq/worker.js, one process, one \`Worker\` of concurrency" \
		"$concurrency whose processor picks a department from one word of the title;" \
		"jobs are kept when completed (no \`removeOnComplete\`), as tickets are kept."
	echo "- Redis, the same for both: an empty one per run, etc/redis.conf (unix socket," \
		"\`appendonly yes\`, \`appendfsync everysec\`). Load, processes and Redis share" \
		"the machine's CPUs."
	echo "- End to end, items/s: what went through routing, over the time from the first" \
		"intake to the last routing outcome, the whole run (warm-up included) once the" \
		"consumer caught up. hotlined: tickets dispatched, merged by dedup or sent to manual" \
		"dispatch, between the \`at\` of the first \`create\` and of the last outcome in" \
		"the audit trails (contrib/bench/dispatch_latency.c); BullMQ: completed jobs, between" \
		"the first job's \`timestamp\` and the last \`finishedOn\`" \
		"(contrib/bench/bullmq/report.js)." \
		"Intake: 201s per second and their latency, or adds per second and theirs (call to" \
		"resolved promise), over the measured window. Intake to routed: per item, the same" \
		"timestamps. Process CPU per item: hotlined's; BullMQ's worker and producer" \
		"together (the producer is both the load and the intake). Medians over $runs runs," \
		"(min–max) the spread; the ratio is taken round by round."
	echo "- What differs: BullMQ's intake has no HTTP, no token, no validation of the" \
		"ticket and no audit; its routing is one \`includes\` and one write of the result." \
		"hotlined's is five plugins, and each ticket's audit trail, deadlines and indexes."
	echo
	for c in $conns_list; do
		echo "### $c in flight"
		echo
		echo "| | end to end, items/s | intake/s | intake p50 ms | intake p99 ms | intake→routed p50 ms | p99 ms | left to route when the load stopped, ms | process CPU µs/item | Redis CPU µs/item |"
		echo "|---|---|---|---|---|---|---|---|---|---|"
		echo "| hotlined, everysec: POST → routed | $(fmt_stat everysec "$c" e2e_rate %.0f) |" \
			"$(fmt_stat everysec "$c" rate %.0f) | $(fmt_stat everysec "$c" p50_ms %.2f) |" \
			"$(fmt_stat everysec "$c" p99_ms %.2f) | $(fmt_stat everysec "$c" routed_p50_ms %.0f) |" \
			"$(fmt_stat everysec "$c" routed_p99_ms %.0f) | $(fmt_stat everysec "$c" drain_ms %.0f) |" \
			"$(fmt_stat everysec "$c" us_per_ticket %.0f) |" \
			"$(fmt_stat everysec "$c" redis_us_per_ticket %.0f) |"
		echo "| BullMQ: add → completed | $(fmt_stat bullmq "$c" e2e_rate %.0f) |" \
			"$(fmt_stat bullmq "$c" add_rate %.0f) | $(fmt_stat bullmq "$c" add_p50_ms %.2f) |" \
			"$(fmt_stat bullmq "$c" add_p99_ms %.2f) | $(fmt_stat bullmq "$c" e2e_p50_ms %.0f) |" \
			"$(fmt_stat bullmq "$c" e2e_p99_ms %.0f) | $(fmt_stat bullmq "$c" drain_ms %.0f) |" \
			"$(fmt_stat bullmq "$c" app_us_per_job %.0f) |" \
			"$(fmt_stat bullmq "$c" redis_us_per_job %.0f) |"
		echo
		set -- $(pair_ratio everysec e2e_rate bullmq e2e_rate "$c")
		ratio=$1 ratio_spread="$1 ($2–$3)"
		set -- $(pair_ratio everysec redis_us_per_ticket bullmq redis_us_per_job "$c")
		echo "- hotlined's end-to-end rate over BullMQ's, round by round: **$ratio_spread**" \
			"(issue 14's target: ≥ 3, $(awk -v r="$ratio" 'BEGIN {
				print (r != "-" && r + 0 >= 3) ? "met" : "NOT met" }'))."
		echo "- Redis CPU per item, hotlined's over BullMQ's: $1 ($2–$3)."
		errs=$(awk -v c="$c" '/^target=bullmq / && $0 ~ " conns=" c " " {
			for (i = 1; i <= NF; i++) { split($i, kv, "=")
				if (kv[1] == "add_errors" || kv[1] == "failed" || kv[1] == "left") n += kv[2] } }
			END { print n + 0 }' "$results")
		echo "- BullMQ adds that failed, jobs that failed and jobs left undone: $errs."
		echo
	done
	echo "Raw figures, one line per run (hotlined's with the fields of the ingest section):"
	echo
	echo '```'
	grep -e '^target=everysec ' -e '^target=bullmq ' "$results"
	echo '```'
	echo "<!-- bench:bullmq:end -->"
}

section="$tmp/section.md"
{
	echo "<!-- bench:ingest:begin (written by contrib/bench/run.sh; edits here are overwritten) -->"
	echo "## Ingest and routing throughput"
	echo
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on commit $commit, in ${ingest_took} s."
	echo
	echo "- Machine: $machine"
	echo "- Command: \`make bench\` (\`contrib/bench/run.sh $(basename "$build") BENCHMARKS.md\`" \
		"with BENCH_RUNS=$runs BENCH_SECS=$secs BENCH_WARMUP=$warmup BENCH_CONNS=\"$conns_list\")."
	echo "- Load: \`$(basename "$build")/bench/loadgen\`, keep-alive connections with one request" \
		"in flight each, for $warmup s of warm-up and then $secs s measured; hotline tickets" \
		"(the agent's token) built from the 120 texts of tests/data/tickets-sample.jsonl," \
		"varied (title suffix, added sentence, house number, random mobile" \
		"\`caller_phone\`, own \`Idempotency-Key\`). The load generator, the server and Redis" \
		"share the machine's CPUs."
	echo "- hotlined: an empty Redis per run (etc/redis.conf: unix socket, \`appendonly yes\`, stream-node-max-bytes 512), log level warn," \
		"plugins as in etc/hotlined.yaml without \`log\`: $chain."
	echo "- Figures: median over $runs runs, (min–max) the spread. Ratio: each run's rate over" \
		"the bare server's in the same round. Latency: of the 201s, request sent to answer" \
		"read. Intake to dispatched: the \`at\` of the \`create\` and \`dispatch\` audit" \
		"entries, every ticket of the run, after the dispatcher caught up. CPU: the" \
		"process's user + system time over the run (load, then routing what was left)," \
		"per ticket created."
	echo
	for c in $conns_list; do
		echo "### $c connections"
		echo
		echo "| server | tickets/s | ratio to bare | 201 p50 ms | 201 p99 ms | 201 p99.9 ms |"
		echo "|---|---|---|---|---|---|"
		for t in $targets; do
			case $t in
			bullmq) continue ;;
			bare) name="bare evhttp (fixed 201)" ratio="1" ;;
			*) name="hotlined, $(target_name "$t")"
			   set -- $(ratio_stats "$t" "$c")
			   ratio="$1 ($2–$3)" ;;
			esac
			echo "| $name | $(fmt_stat "$t" "$c" rate %.0f) | $ratio |" \
				"$(fmt_stat "$t" "$c" p50_ms %.2f) | $(fmt_stat "$t" "$c" p99_ms %.2f) |" \
				"$(fmt_stat "$t" "$c" p999_ms %.2f) |"
		done
		echo
		echo "| hotlined | intake→dispatched p50 ms | p99 ms | routing still to do when the load stopped, ms | merged by dedup, % | hotlined CPU µs/ticket | Redis CPU µs/ticket |"
		echo "|---|---|---|---|---|---|---|"
		for t in $targets; do
			case $t in bare | bullmq) continue ;; esac
			echo "| $(target_name "$t") | $(fmt_stat "$t" "$c" disp_p50_ms %.0f) |" \
				"$(fmt_stat "$t" "$c" disp_p99_ms %.0f) | $(fmt_stat "$t" "$c" drain_ms %.0f) |" \
				"$(fmt_stat "$t" "$c" merged_pct %.1f) |" \
				"$(fmt_stat "$t" "$c" us_per_ticket %.0f) |" \
				"$(fmt_stat "$t" "$c" redis_us_per_ticket %.0f) |"
		done
		echo
		errs=$(awk -v c="$c" '$0 ~ " conns=" c " " && !/^target=bullmq / { for (i = 1; i <= NF; i++) {
			split($i, kv, "="); if (kv[1] == "other" || kv[1] == "errors") n += kv[2] } }
			END { print n + 0 }' "$results")
		echo "Answers other than 201 and connection errors in the measured windows: $errs."
		echo
	done
	echo "### Against the targets of issue 14"
	echo
	for c in $conns_list; do
		[ "$c" = 64 ] || continue
		for t in everysec stream always; do
			case " $targets " in *" $t "*) ;; *) continue ;; esac
			set -- $(ratio_stats "$t" 64)
			r=$1
			set -- $(stats "$t" 64 p99_ms)
			p99=$1
			set -- $(stats "$t" 64 redis_us_per_ticket)
			rus=$1
			set -- $(stats "$t" 64 us_per_ticket)
			hus=$1
			verdict=$(awk -v r="$r" -v p="$p99" -v rus="$rus" -v hus="$hus" 'BEGIN {
				m = "met"; n = "NOT met"
				printf "rate %s (%s of bare, target ≥ 0.3); p99 %s (%.2f ms, target ≤ 10 ms); ",
					(r + 0 >= 0.3) ? m : n, r, (p + 0 <= 10) ? m : n, p
				printf "Redis CPU %s (%s µs a ticket, target ≤ 40); hotlined CPU %s (%s µs, target ≤ 40)",
					(rus + 0 <= 40) ? m : n, rus, (hus + 0 <= 40) ? m : n, hus }')
			echo "- $(target_name "$t"), 64 connections: $verdict."
			set -- $(ratio_stats "$t" 64 ceiling)
			echo "  Redis alone spent $rus µs of CPU per ticket: on its one thread it could" \
				"take at most $(awk -v u="$rus" 'BEGIN { printf "%.0f", (u > 0) ? 1e6 / u : 0 }')" \
				"tickets/s, $1 ($2–$3) of bare, whatever hotlined did."
		done
	done
	echo
	echo "Raw figures, one line per run:"
	echo
	echo '```'
	grep -v '^target=bullmq ' "$results"
	echo '```'
	echo "<!-- bench:ingest:end -->"
} >"$section"

echo
if has_target bare; then
	splice_section ingest "$section" "$out"
	sed -n '/^### /,/^Raw figures/p' "$section" | grep -v '^Raw figures'
else
	echo "bench: the ingest section needs the bare server (BENCH_TARGETS): not written"
fi
if has_target everysec && has_target bullmq; then
	bullmq_section >"$tmp/bullmq.md"
	splice_section bullmq "$tmp/bullmq.md" "$out"
	sed -n '/^### /,/^Raw figures/p' "$tmp/bullmq.md" | grep -v '^Raw figures'
fi
echo "bench: written to $out (${took} s)"
