#!/bin/sh
# `make bench`, the BullMQ peer (issue 14): one measurement of BullMQ carrying hotline's
# tickets from producer to done, which run.sh interleaves with hotlined's runs so that
# the two meet the same state of the machine. In an empty private redis-server with the
# settings of hotlined's everysec runs (etc/redis.conf: unix socket, appendonly yes,
# appendfsync everysec), it
#   - starts the worker (contrib/bench/bullmq/worker.js: one node process, one Worker of
#     concurrency BENCH_BULLMQ_CONCURRENCY, a trivial route function; jobs are kept in
#     Redis when done, as hotlined keeps its tickets);
#   - runs the producer (producer.js): CONNS loops with one Queue.add in flight each, as
#     loadgen's CONNS connections have one request each, for BENCH_WARMUP + BENCH_SECS
#     seconds, adding the bodies `loadgen -B ... -s RUN` prints: the same tickets that
#     loadgen sends in hotlined's run RUN;
#     then it waits (bounded, 60 s) for the worker to finish what was left;
#   - reads every job's timestamps (report.js).
# It prints one line starting with RESULT: the producer's and the report's fields, how
# long the worker took to catch up, and the CPU of the worker, the producer and Redis
# per job.
#
# Everything it starts it stops (trap), and its files live in one directory under /tmp,
# removed at the end.
#
# Usage: contrib/bench/bullmq.sh BUILD_DIR CONNS RUN
# Tuning (environment): BENCH_SECS (10), BENCH_WARMUP (1), BENCH_BULLMQ_CONCURRENCY (64),
#   BENCH_KEEP=1 keeps the temporary directory.
# Needs node, and BullMQ in BUILD_DIR/bench/bullmq/node_modules (`make bench` installs it
# with npm ci from contrib/bench/bullmq/package-lock.json).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
conns=${2:-64}
run=${3:-1}
secs=${BENCH_SECS:-10}
warmup=${BENCH_WARMUP:-1}
concurrency=${BENCH_BULLMQ_CONCURRENCY:-64}
js="$top/contrib/bench/bullmq"
bodies=20000 # bodies made for the producer; a run that adds more cycles through them

NODE_PATH="$build/bench/bullmq/node_modules"
export NODE_PATH
[ -d "$NODE_PATH/bullmq" ] && [ -d "$NODE_PATH/ioredis" ] ||
	{ echo "bench: BullMQ is not installed in $NODE_PATH (make bench installs it)" >&2; exit 1; }
command -v node >/dev/null || { echo "bench: node is not installed (contrib/deps.sh bench)" >&2; exit 1; }
[ -x "$build/bench/loadgen" ] || { echo "bench: $build/bench/loadgen is missing" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "bench: redis-server is not installed" >&2; exit 1; }

tmp=$(mktemp -d /tmp/hotline-bullmq-XXXXXX)
keep=${BENCH_KEEP:-0}
. "$top/contrib/bench/lib.sh"

"$build/bench/loadgen" -B "$bodies" -s "$run" -f "$top/tests/data/tickets-sample.jsonl" \
	>"$tmp/bodies.jsonl"
start_redis "$tmp" --appendfsync everysec

# the worker, which stops by itself after the longest this script can take
node "$js/worker.js" --socket "$tmp/redis.sock" --concurrency "$concurrency" \
	--max-secs $((warmup + secs + 180)) </dev/null >"$tmp/worker.log" 2>&1 &
worker_pid=$!
started_pids="$started_pids $worker_pid"
i=0
until grep -q '^ready' "$tmp/worker.log" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 400 ] && kill -0 "$worker_pid" 2>/dev/null ||
		{ echo "bench: the BullMQ worker did not start:" >&2; cat "$tmp/worker.log" >&2; exit 1; }
	sleep 0.025
done

cpu0=$(cpu_secs "$worker_pid") rcpu0=$(cpu_secs "$redis_pid")
produced=$(node "$js/producer.js" --socket "$tmp/redis.sock" --bodies "$tmp/bodies.jsonl" \
	--conns "$conns" --warmup "$warmup" --secs "$secs" --drain-wait 60 2>"$tmp/producer.err" |
	grep '^RESULT') || { echo "bench: the BullMQ producer failed:" >&2; cat "$tmp/producer.err" >&2; exit 1; }
cpu1=$(cpu_secs "$worker_pid") rcpu1=$(cpu_secs "$redis_pid")
report=$(node "$js/report.js" --socket "$tmp/redis.sock" 2>"$tmp/report.err" |
	grep '^RESULT') || { echo "bench: the BullMQ report failed:" >&2; cat "$tmp/report.err" >&2; exit 1; }
stop_pid "$worker_pid"
forget_pid "$worker_pid"
stop_pid "$redis_pid"
forget_pid "$redis_pid"

jobs=$(field "$report" completed)
per_job() { echo "$1 $jobs" | awk '{ printf "%.0f", $2 ? $1 * 1e6 / $2 : 0 }'; }
wcpu=$(echo "$cpu0 $cpu1" | awk '{ printf "%.2f", $2 - $1 }')
rcpu=$(echo "$rcpu0 $rcpu1" | awk '{ printf "%.2f", $2 - $1 }')
pcpu=$(field "$produced" producer_cpu)
line="${produced#RESULT } ${report#RESULT }"
line="$line concurrency=$concurrency worker_cpu=$wcpu redis_cpu=$rcpu"
line="$line worker_us_per_job=$(per_job "$wcpu") producer_us_per_job=$(per_job "$pcpu")"
line="$line app_us_per_job=$(per_job "$(echo "$wcpu $pcpu" | awk '{ print $1 + $2 }')")"
line="$line redis_us_per_job=$(per_job "$rcpu")"
echo "RESULT $line"
