#!/bin/sh
# The floor of Redis's cost per ticket (issue 14): what the least a ticket must write would
# cost Redis, measured with redis-benchmark on a private redis-server with the shipped
# settings (etc/redis.conf: AOF everysec, listpack hashes), 64 clients, no hotlined:
#   queued            contrib/bench/store-floor/queued_create.lua then queued_commit.lua:
#                     the ticket hash (1 KB of text), a timeline entry, the state, phone
#                     and address indexes, the idempotency key and the routing stream entry;
#                     then the dispatch fields with two clock plans, the state indexes, one
#                     hl:due member, the unit's index, a timeline entry, one event, XACK
#                     and XDEL (no read of related tickets, no XREADGROUP)
#   routed at intake  contrib/bench/store-floor/routed_at_intake.lua: the same writes in
#                     one script, without the routing stream
# It prints Redis's process CPU per ticket for each, the scripts' own time (INFO
# commandstats) and the AOF bytes per ticket. Bounded: FLOOR_TICKETS (50,000) per script.
# Usage: contrib/bench/store_floor.sh   (make bench-floor)
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/contrib/bench/store-floor"
n=${FLOOR_TICKETS:-50000}
command -v redis-benchmark >/dev/null || { echo "bench: redis-benchmark is missing (redis-tools)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/hotline-floor-XXXXXX)
keep=${BENCH_KEEP:-0}
. "$top/contrib/bench/lib.sh"

# the ticket's text: 6 sentences (990 B, the issue's "1 KB of text") or 2 (330 B, about
# what make bench's tickets carry: tests/data/tickets-sample.jsonl averages 340 B)
text() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "来电人反映：小区停水三天，物业说是自来水管道问题，已经多次联系没有结果，家里有老人小孩，生活非常不便，请尽快处理。" }'; }
log='13:17965697703815:agent5:agent6:create0:8:received0:'
plan='warning|1796569770381|unit;overdue|1796569770381|unit,supervisors;escalation1|1796569770381|supervisors'
now=1796569770381

# measure NAME SCRIPT ARG... : runs SCRIPT n times (ids from __rand_int__) on a fresh Redis
measure() {
	name=$1 script=$2
	shift 2
	dir="$tmp/$name-$sentences"
	mkdir -p "$dir"
	start_redis "$dir" --auto-aof-rewrite-percentage 0 # the AOF is the commands' growth
	r="redis-cli -s $dir/redis.sock"
	$r XGROUP CREATE intake g '$' MKSTREAM >/dev/null
	sha=$($r SCRIPT LOAD "$(cat "$here/$script")")
	before=$(cpu_secs "$redis_pid")
	redis-benchmark -s "$dir/redis.sock" -n "$n" -c 64 -r 100000000 -q EVALSHA "$sha" 0 "$@" \
		>/dev/null
	after=$(cpu_secs "$redis_pid")
	script_us=$($r INFO commandstats | sed -n 's/^cmdstat_evalsha:.*usec_per_call=\([0-9.]*\).*/\1/p')
	aof=$(du -sb "$dir/appendonlydir" | cut -f1)
	awk -v n="$n" -v b="$before" -v a="$after" -v s="$script_us" -v aof="$aof" -v name="$name" \
		'BEGIN { printf "%-16s Redis CPU %5.1f us/ticket, script %5.1f us/call, AOF about %d B/ticket\n", name, (a - b) * 1e6 / n, s, aof / n }'
	stop_pid "$redis_pid"
	forget_pid "$redis_pid"
}

echo "store floor: $n tickets per script, 64 clients, etc/redis.conf (load: $(cut -d' ' -f1-3 /proc/loadavg))"
for sentences in 2 6; do
	content=$(text "$sentences")
	echo "text of ${#content} bytes:"
	measure queued-create queued_create.lua __rand_int__ "$now" 古田二路停水三天 "$content" \
		硚口区古田二路__rand_int__ 139__rand_int__ "$log"
	measure queued-commit queued_commit.lua 20261206-__rand_int__ "$now" "关键词：停水 → 供水" \
		"$plan" "$log"
	measure routed-at-intake routed_at_intake.lua __rand_int__ "$now" 古田二路停水三天 \
		"$content" 硚口区古田二路__rand_int__ 139__rand_int__ "$log" "关键词：停水 → 供水" "$plan"
done
