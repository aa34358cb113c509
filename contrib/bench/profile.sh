#!/bin/sh
# `make bench-profile`: hotlined's own instructions per ticket, intake to dispatched
# (issue 14), counted by callgrind, which other work on a shared machine does not disturb.
# Twice, on an empty private redis-server (etc/redis.conf, appendfsync everysec) each
# time, it starts hotlined under valgrind --tool=callgrind with the plugin chain of
# etc/hotlined.yaml minus the log plugin (as run.sh), posts exactly N tickets with
# contrib/bench/loadgen (BENCH_PROFILE_CONNS connections, a fixed seed), waits until the
# dispatcher has routed them all, and stops it. (I2 - I1) / (T2 - T1), T the tickets
# created, leaves start-up and shutdown out. It prints the figure and, per ticket, the
# functions that cost most (inclusive and self) in the larger run.
#
# Usage: contrib/bench/profile.sh BUILD_DIR
# Tuning (environment): BENCH_PROFILE_N ("500 2500": N1 and N2), BENCH_PROFILE_CONNS (16),
#   BENCH_PROFILE_TOP (30: rows of the function lists), BENCH_KEEP=1 keeps the temporary
#   directory (the callgrind.out files, for callgrind_annotate or kcachegrind).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
profile_n=${BENCH_PROFILE_N:-500 2500}
conns=${BENCH_PROFILE_CONNS:-16}
rows=${BENCH_PROFILE_TOP:-30}
bench="$build/bench"

for tool in loadgen dispatch_latency; do
	[ -x "$bench/$tool" ] || { echo "profile: $bench/$tool is missing (make bench-profile builds it)" >&2; exit 1; }
done
[ -x "$build/hotlined" ] || { echo "profile: $build/hotlined is missing" >&2; exit 1; }
for cmd in redis-server valgrind callgrind_annotate; do
	command -v "$cmd" >/dev/null || { echo "profile: $cmd is not installed (contrib/deps.sh bench)" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/hotline-profile-XXXXXX)
keep=${BENCH_KEEP:-0}
. "$top/contrib/bench/lib.sh"

bench_tokens_and_plugins

# One profiled run of n tickets in dir; sets run_instr and run_tickets. (Not run in a
# $(...) subshell: what it starts must stay in started_pids for the EXIT trap.)
profile_run() { # dir n
	dir=$1
	mkdir -p "$dir"
	start_redis "$dir" --appendfsync everysec
	port=$("$bench/loadgen" -F)
	bench_hotlined_yaml "$dir/hotlined.yaml" "$port" "$dir/redis.sock"
	valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
		"$build/hotlined" -c "$dir/hotlined.yaml" </dev/null >"$dir/hotlined.log" 2>&1 &
	hl_pid=$!
	started_pids="$started_pids $hl_pid"
	"$bench/loadgen" -p "$port" -R 120 2>/dev/null ||
		{ echo "profile: hotlined did not start; its log:" >&2; tail -5 "$dir/hotlined.log" >&2; exit 1; }
	"$bench/loadgen" -p "$port" -c "$conns" -n "$2" -d 3000 -w 0 -s 1 \
		-f "$top/tests/data/tickets-sample.jsonl" >"$dir/loadgen.out" 2>&1 ||
		{ echo "profile: loadgen failed:" >&2; tail -5 "$dir/loadgen.out" >&2; exit 1; }
	"$bench/dispatch_latency" -s "$dir/redis.sock" -w 600 -W >/dev/null
	audit=$("$bench/dispatch_latency" -s "$dir/redis.sock" -w 0 | grep '^RESULT')
	# valgrind writes its file on exit, which takes longer than stop_pid's 10 s grace
	kill -TERM "$hl_pid"
	wait "$hl_pid" || true
	forget_pid "$hl_pid"
	stop_pid "$redis_pid"
	forget_pid "$redis_pid"
	run_instr=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$dir/callgrind.out")
	run_tickets=$(field "$audit" tickets)
}

set -- $profile_n
n1=$1 n2=$2
echo "profile: hotlined under callgrind, $n1 then $n2 tickets at $conns connections" >&2
profile_run "$tmp/n1" "$n1"
i1=$run_instr t1=$run_tickets
profile_run "$tmp/n2" "$n2"
i2=$run_instr t2=$run_tickets
[ "$t2" -gt "$t1" ] || { echo "profile: no more tickets in the second run ($t1, $t2)" >&2; exit 1; }
per=$(((i2 - i1) / (t2 - t1)))

show() { # inclusive yes|no
	callgrind_annotate --inclusive="$1" "$tmp/n2/callgrind.out" 2>/dev/null |
		awk -v n="$t2" -v rows="$rows" '
			/^-+$/ { dashes++; next }
			dashes >= 3 && shown < rows && $1 ~ /^[0-9,]+$/ {
				v = $1; gsub(",", "", v)
				name = $0; sub(/^ *[0-9,]+ *(\([^)]*\))? */, "", name)
				printf "%10.0f  %s\n", v / n, name; shown++ }'
}

echo "Per ticket, the $t2-ticket run, inclusive (start-up not taken out):"
show yes
echo
echo "Per ticket, the $t2-ticket run, self:"
show no
echo
echo "RESULT tickets1=$t1 instr1=$i1 tickets2=$t2 instr2=$i2 instr_per_ticket=$per"
echo "profile: $(fmt_int "$per") instructions per ticket, intake to dispatched (callgrind)"
