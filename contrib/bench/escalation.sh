#!/bin/sh
# `make bench-escalation`, the escalation engine at a million open tickets (issue 8).
# It fills a private redis-server (unix socket, no persistence) with ESC_TICKETS open,
# dispatched tickets through the daemon's own Lua scripts (contrib/bench/escalation_load.c:
# lua/ticket_create.lua and lua/route_commit.lua with the arguments core/tickets/intake.c and
# core/tickets/dispatcher.c pass), every stage a month or more ahead except 2 x ESC_RUNS batches of
# ESC_BATCH tickets whose sign clock warns at a known moment and is overdue 30 minutes
# later. Then it measures, ESC_RUNS times each (contrib/bench/escalation_probe.c):
#   memory    Redis's used_memory per open ticket, and where it goes (hl:due's share);
#   sweeps    lua/due_claim.lua called as core/tickets/escalation.c calls it, with nothing due and
#             with ESC_BATCH stages due (claims of 64 until one is not full), on this
#             Redis and, for the ratio, on a baseline Redis of ESC_BASE_TICKETS open tickets
#             (plus its own batches for the due sweeps);
#   firing    build/tests/hotlined-testclock on the big Redis (plugins of etc/hotlined.yaml
#             without `log`), its clock moved to each batch's moment (POST /v1/test/clock):
#             how late the stages fire, from the ledger entries the firing writes;
#   hotlined  its VmRSS and VmHWM with the million open tickets.
# It prints medians with their spread (min-max) and rewrites its own section of OUT.md
# (between the bench:escalation markers; appended when absent); the rest of the file is
# left alone.
#
# Everything it starts it stops (trap), its files live in one directory under /tmp,
# removed at the end, and every step runs under a timeout so that the whole stops by
# itself within ESC_BUDGET seconds.
#
# Usage: contrib/bench/escalation.sh BUILD_DIR [OUT.md]
# Tuning (environment): ESC_TICKETS (1000000), ESC_BATCH (10000), ESC_RUNS (5),
#   ESC_BASE_TICKETS (1000), ESC_SWEEP_CALLS (1000, sweeps per nothing-due run),
#   ESC_BUDGET (600 s), ESC_KEEP=1 keeps the temporary directory for a look afterwards.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-$top/BENCHMARKS.md}
tickets=${ESC_TICKETS:-1000000}
batch=${ESC_BATCH:-10000}
runs=${ESC_RUNS:-5}
base_tickets=${ESC_BASE_TICKETS:-1000}
calls=${ESC_SWEEP_CALLS:-1000}
budget=${ESC_BUDGET:-600}
bench="$build/bench"
daemon="$build/tests/hotlined-testclock"
batches=$((2 * runs)) # runs for the direct sweeps, runs for the daemon
far=$((tickets - batches * batch))

for tool in escalation_load escalation_probe loadgen; do
	[ -x "$bench/$tool" ] || { echo "bench: $bench/$tool is missing (make bench-escalation builds it)" >&2; exit 1; }
done
[ -x "$daemon" ] || { echo "bench: $daemon is missing (make bench-escalation builds it)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "bench: redis-server is not installed" >&2; exit 1; }
command -v timeout >/dev/null || { echo "bench: timeout (coreutils) is missing" >&2; exit 1; }
[ "$far" -ge 0 ] || { echo "bench: ESC_TICKETS=$tickets is less than the $batches batches of $batch" >&2; exit 1; }

tmp=$(mktemp -d /tmp/hotline-bench-esc-XXXXXX)
began=$(date +%s)
keep=${ESC_KEEP:-0}
. "$top/contrib/bench/lib.sh"

# Runs a command for at most SECS seconds, and never past the budget.
bounded() { # secs cmd...
	left=$((budget - ($(date +%s) - began)))
	t=$1
	shift
	[ "$t" -le "$left" ] || t=$left
	if [ "$t" -le 0 ]; then
		echo "bench: out of time (ESC_BUDGET=$budget s)" >&2
		exit 1
	fi
	timeout -k 5 "$t" "$@"
}

# VmRSS and VmHWM of a process in MiB: "rss hwm"
mem_mib() {
	awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { printf "%.1f %.1f", r / 1024, h / 1024 }' \
		"/proc/$1/status"
}

ms_now() { date +%s%3N; }

results="$tmp/results"
: >"$results"
record() { # words of one line
	echo "$*" >>"$results"
}

# The tokens, the plugin chain of etc/hotlined.yaml without the log plugin (as run.sh),
# and the catalogue's items for the loader: unit, item, name, type, first keyword.
bench_tokens_and_plugins
admin_token=$(sed -n 's/^HOTLINE_TOKEN_ADMIN=//p' "$tmp/tokens.env")
awk '
	/^  - id:/ { if (id != "") print dept "\t" id "\t" name "\t" type "\t" kw
		     id = $3; name = type = dept = kw = ""; next }
	id != "" && /^    name:/ { sub(/^    name:[ ]*/, ""); sub(/[ ]+#.*/, ""); name = $0; next }
	id != "" && /^    type:/ { type = $2; next }
	id != "" && /^    department:/ { dept = $2; next }
	id != "" && /^    keywords:/ { s = $0; sub(/^[^[]*\[[ ]*/, "", s); sub(/[],].*$/, "", s)
				      kw = s; next }
	END { if (id != "") print dept "\t" id "\t" name "\t" type "\t" kw }
' "$top/routes/catalogue.yaml" >"$tmp/items.tsv"

used_memory() { # sock
	redis-cli -s "$1" info memory | tr -d '\r' | sed -n 's/^used_memory://p'
}

# T0: the moment the tickets are laid out from. Batch b warns at W(b) = T0 + 1 day + b
# hours and is overdue 30 minutes later (contrib/bench/escalation_load.c).
t0=$(ms_now)
warn_at() { echo $((t0 + 86400000 + $1 * 3600000)); }
over_at() { echo $((t0 + 86400000 + $1 * 3600000 + 1800000)); }

load() { # sock far batches first_batch; prints the RESULT line
	line=$(bounded 480 "$bench/escalation_load" -s "$1" -f "$top/tests/data/tickets-sample.jsonl" \
		-i "$tmp/items.tsv" -T "$t0" -n "$2" -b "$3" -S "$batch" -O "$4" |
		grep '^RESULT') || { echo "bench: escalation_load failed" >&2; exit 1; }
	[ "$(field "$line" errors)" = 0 ] || { echo "bench: escalation_load: $line" >&2; exit 1; }
	echo "$line"
}

probe() { # mode args...; prints the RESULT line
	mode=$1
	shift
	bounded 120 "$bench/escalation_probe" "$mode" "$@" 2>"$tmp/probe.err" | grep '^RESULT' || {
		echo "bench: escalation_probe $mode failed:" >&2
		cat "$tmp/probe.err" >&2
		exit 1
	}
}

# One run of the direct sweeps on one Redis: nothing due ...
idle_sweep() { # tag sock open run
	line=$(probe sweep -s "$2" -n "$calls")
	record "phase=$1 what=idle run=$4 open=$3 ${line#RESULT }"
}

# ... and batch b's: its warnings, then its overdue stages
claim_sweep() { # tag sock open run stage
	if [ "$5" = warning ]; then at=$(warn_at $(($4 - 1))); else at=$(over_at $(($4 - 1))); fi
	line=$(probe claim -s "$2" -t "$at" -e "$batch")
	record "phase=$1 what=claim_$5 run=$4 open=$3 ${line#RESULT }"
}

echo "bench: escalation engine: $tickets open tickets ($batches batches of $batch), $runs runs," \
	"baseline $base_tickets open; budget $budget s"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the baseline Redis: ESC_BASE_TICKETS open (batches added after the idle sweeps)
mkdir -p "$tmp/base" "$tmp/main"
start_redis "$tmp/base" --appendonly no
base_pid=$redis_pid
base_sock="$tmp/base/redis.sock"
line=$(load "$base_sock" "$base_tickets" 0 0)
record "phase=base what=load ${line#RESULT }"

# --- the big Redis
start_redis "$tmp/main" --appendonly no
sock="$tmp/main/redis.sock"
used0=$(used_memory "$sock")
echo "bench: loading $tickets tickets through ticket_create.lua and route_commit.lua"
load_line=$(load "$sock" "$far" "$batches" 0)
record "phase=main what=load ${load_line#RESULT }"
echo "bench: loaded: $(field "$load_line" rate) tickets/s, $(field "$load_line" secs) s" \
	"($(($(date +%s) - began)) s so far)"
mem_line=$(probe memory -s "$sock" -n "$tickets" -m "$used0" -c 2000)
record "phase=main what=memory ${mem_line#RESULT }"
redis_rss_mib=$(mem_mib "$redis_pid" | cut -d' ' -f1)

# --- the sweeps, baseline and big Redis in turn in each run (drift hits both alike)
base_open=$((base_tickets + runs * batch))
r=1
while [ "$r" -le "$runs" ]; do
	idle_sweep base "$base_sock" "$base_tickets" "$r"
	idle_sweep main "$sock" "$tickets" "$r"
	r=$((r + 1))
done
line=$(load "$base_sock" 0 "$runs" 0)
record "phase=base what=load_batches ${line#RESULT }"
r=1
while [ "$r" -le "$runs" ]; do
	for stage in warning overdue; do
		claim_sweep base "$base_sock" "$base_open" "$r" "$stage"
		claim_sweep main "$sock" "$tickets" "$r" "$stage"
	done
	r=$((r + 1))
done
stop_pid "$base_pid"
forget_pid "$base_pid"
echo "bench: sweeps done ($(($(date +%s) - began)) s so far)"

# --- hotlined with the test clock on the big Redis
port=$("$bench/loadgen" -F)
bench_hotlined_yaml "$tmp/main/hotlined.yaml" "$port" "$sock" "" "test_clock: true"
start_ms=$(ms_now)
"$daemon" -c "$tmp/main/hotlined.yaml" </dev/null >"$tmp/main/hotlined.log" 2>&1 &
hotlined_pid=$!
started_pids="$started_pids $hotlined_pid"
"$bench/loadgen" -p "$port" -R 30 2>/dev/null || {
	echo "bench: hotlined did not become ready; its log:" >&2
	tail -5 "$tmp/main/hotlined.log" >&2
	exit 1
}
ready_ms=$(($(ms_now) - start_ms))
sleep 2 # a few idle sweeps
set -- $(mem_mib "$hotlined_pid")
record "phase=daemon what=start ready_ms=$ready_ms rss_mib=$1 hwm_mib=$2"
advanced=0
r=1
while [ "$r" -le "$runs" ]; do
	b=$((runs + r - 1))
	for stage in warning overdue; do
		if [ "$stage" = warning ]; then at=$(warn_at $b); else at=$(over_at $b); fi
		c0=$(cpu_secs "$hotlined_pid") rc0=$(cpu_secs "$redis_pid")
		line=$(probe fire -s "$sock" -p "$port" -k "$admin_token" -t "$at" -a "$advanced" \
			-g "$stage" -e "$batch" -w 60)
		c1=$(cpu_secs "$hotlined_pid") rc1=$(cpu_secs "$redis_pid")
		advanced=$(field "$line" advanced)
		record "phase=daemon what=fire_$stage run=$r open=$tickets ${line#RESULT }" \
			"hotlined_cpu_ms=$(echo "$c0 $c1" | awk '{printf "%.0f", ($2 - $1) * 1000}')" \
			"redis_cpu_ms=$(echo "$rc0 $rc1" | awk '{printf "%.0f", ($2 - $1) * 1000}')"
		printf 'bench: run %d %-7s fired %s, late p50 %s ms p99 %s ms max %s ms\n' "$r" "$stage" \
			"$(field "$line" fired)" "$(field "$line" late_p50_ms)" \
			"$(field "$line" late_p99_ms)" "$(field "$line" late_max_ms)"
	done
	r=$((r + 1))
done
set -- $(mem_mib "$hotlined_pid")
record "phase=daemon what=end rss_mib=$1 hwm_mib=$2"
log_warnings=$(grep 'level=\(warn\|error\)' "$tmp/main/hotlined.log" | grep -vc 'test_clock' || true)
stop_pid "$hotlined_pid"
forget_pid "$hotlined_pid"
stop_pid "$redis_pid"
forget_pid "$redis_pid"
took=$(($(date +%s) - began))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- figures
# values of one field over the lines of a phase and measurement, one per line
values() { # phase what field
	select_values "$results" "$3" phase "$1" what "$2"
}

# "median (min–max)" of a field, with printf format fmt
stat() { # phase what field fmt
	fmt_spread "$4" $(values "$1" "$2" "$3" | medspread)
}

# the per-run ratio main / base of a field: "median (min–max)"
ratio() { # what field
	values main "$1" "$2" >"$tmp/ra"
	values base "$1" "$2" >"$tmp/rb"
	fmt_spread %.2f $(paste "$tmp/ra" "$tmp/rb" | awk '$2 > 0 { printf "%.3f\n", $1 / $2 }' | medspread)
}

one() { values "$1" "$2" "$3" | head -1; } # a field of a single line

per_ticket=$(one main memory per_ticket_b)
mem_row() { # label field
	v=$(one main memory "$2")
	awk -v l="$1" -v v="$v" -v t="$per_ticket" 'BEGIN {
		printf "| %s | %.0f | %.1f %% |\n", l, v, (t > 0 ? v * 100 / t : 0) }'
}

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
redis_version=$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain -- core plugins 2>/dev/null)" ]; then
	commit="$commit (core/ or plugins/ with uncommitted changes)"
fi
used_gib=$(awk -v u="$(one main memory used_after)" 'BEGIN { printf "%.2f", u / 1073741824 }')
due_mib=$(awk -v u="$(one main memory due_total)" 'BEGIN { printf "%.1f", u / 1048576 }')

section="$tmp/section.md"
{
	echo "<!-- bench:escalation:begin (written by contrib/bench/escalation.sh; edits here are overwritten) -->"
	echo "## Escalation engine at $(fmt_int "$tickets") open tickets"
	echo
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on commit $commit, in ${took} s."
	echo
	echo "- Machine: $(nproc) CPUs, $cpu_model, Linux $(uname -r), $(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo) GiB;" \
		"Redis $redis_version. Load average before the benchmark: $load_before; after:" \
		"$load_after (other work on the machine shows here, and in the spread)."
	echo "- Command: \`make bench-escalation\` (\`contrib/bench/escalation.sh $(basename "$build") BENCHMARKS.md\`" \
		"with ESC_TICKETS=$tickets ESC_BATCH=$batch ESC_RUNS=$runs ESC_BASE_TICKETS=$base_tickets" \
		"ESC_SWEEP_CALLS=$calls)."
	echo "- Data: $(fmt_int "$tickets") open, dispatched hotline tickets written by the daemon's own" \
		"scripts (\`$(basename "$build")/bench/escalation_load\`: \`ticket_create.lua\`, the" \
		"\`route\` group's read of \`hl:intake\`, \`route_commit.lua\` with a keyword dispatch and" \
		"its sign and answer clocks, 4–5 stages each), created over 30 days, texts from" \
		"tests/data/tickets-sample.jsonl varied as the ingest benchmark does; loaded once, at" \
		"$(field "$load_line" rate) tickets/s ($(field "$load_line" secs) s). Every stage is" \
		"30–60 days ahead, except $batches batches of $(fmt_int "$batch") tickets whose sign" \
		"clock warns at a known moment (one batch per moment, the same millisecond) and is" \
		"overdue 30 minutes later. Redis: etc/redis.conf (unix socket, stream-node-max-bytes 512) without persistence."
	echo "- Sweeps: \`due_claim.lua\` called as core/tickets/escalation.c calls it (\`EVALSHA\`, 64 at" \
		"most, again at once while a claim comes back full), by" \
		"\`$(basename "$build")/bench/escalation_probe\` with nothing running beside it." \
		"Nothing due: $calls sweeps per run, Redis's time per sweep from \`INFO commandstats\`" \
		"(cmdstat_evalsha) and the round trip. Due: one whole sweep of a batch, $(fmt_int "$batch")" \
		"warnings, then the same tickets' $(fmt_int "$batch") overdue stages. Baseline, in the same" \
		"run: a Redis with $(fmt_int "$base_tickets") open tickets for the sweeps with nothing due," \
		"then $runs batches more ($(fmt_int "$base_open") open) for the due ones; ratio: each" \
		"run's figure over the baseline's."
	echo "- Firing: \`$(basename "$build")/tests/hotlined-testclock\` (sweeps every 200 ms," \
		"log level warn, plugins as in etc/hotlined.yaml without \`log\`: $chain) on the" \
		"$(fmt_int "$tickets")-ticket Redis; \`POST /v1/test/clock\` moves its clock to a" \
		"batch's moment; lateness is each ledger entry's \`at\` (the daemon's now when its claim" \
		"was sent) minus the stage's due time, for all $(fmt_int "$batch") stages of the batch." \
		"Warnings notify no one (the escalation plugin's default); overdue stages notify the" \
		"unit (a notice on \`hl:events\`)."
	echo "- Figures: median over $runs runs, (min–max) the spread."
	echo
	echo "### Sweep cost"
	echo
	echo "| sweep | $(fmt_int "$tickets") open | baseline ($(fmt_int "$base_tickets") / $(fmt_int "$base_open") open) | ratio |"
	echo "|---|---|---|---|"
	echo "| nothing due: Redis µs per sweep | $(stat main idle redis_us_per_call %.1f) | $(stat base idle redis_us_per_call %.1f) | $(ratio idle redis_us_per_call) |"
	echo "| nothing due: round trip p50 µs | $(stat main idle client_p50_us %.0f) | $(stat base idle client_p50_us %.0f) | $(ratio idle client_p50_us) |"
	for s in warning overdue; do
		if [ "$s" = warning ]; then what=warnings; else what="overdue stages"; fi
		echo "| $(fmt_int "$batch") $what due: whole sweep ms ($(one main claim_$s calls) claims) | $(stat main claim_$s total_ms %.0f) | $(stat base claim_$s total_ms %.0f) | $(ratio claim_$s total_ms) |"
		echo "| $(fmt_int "$batch") $what due: longest claim ms (Redis serves no one else) | $(stat main claim_$s longest_call_ms %.1f) | $(stat base claim_$s longest_call_ms %.1f) | $(ratio claim_$s longest_call_ms) |"
		echo "| $(fmt_int "$batch") $what due: Redis µs per stage fired | $(stat main claim_$s us_per_stage %.1f) | $(stat base claim_$s us_per_stage %.1f) | $(ratio claim_$s us_per_stage) |"
	done
	echo
	echo "### How late stages fire (hotlined, $(fmt_int "$tickets") open tickets)"
	echo
	echo "| stage | fired of $(fmt_int "$batch") | late p50 ms | late p99 ms | late max ms | first to last fired, ms | hotlined CPU ms | Redis CPU ms |"
	echo "|---|---|---|---|---|---|---|---|"
	for s in warning overdue; do
		echo "| $s | $(stat daemon fire_$s fired %.0f) | $(stat daemon fire_$s late_p50_ms %.0f) |" \
			"$(stat daemon fire_$s late_p99_ms %.0f) | $(stat daemon fire_$s late_max_ms %.0f) |" \
			"$(stat daemon fire_$s first_to_last_ms %.0f) |" \
			"$(stat daemon fire_$s hotlined_cpu_ms %.0f) | $(stat daemon fire_$s redis_cpu_ms %.0f) |"
	done
	echo
	echo "All of a batch is due at the same millisecond, so its lateness is the wait for the next" \
		"200 ms sweep plus the claims before its own (first to last: the whole sweep of the batch" \
		"as the daemon runs it, plugins told of each claim before the next is sent)." \
		"CPU: each process's user + system time from the clock's move until the probe had read" \
		"the last ledger entry of the batch. hotlined became ready $(one daemon start ready_ms) ms" \
		"after its start; warnings and errors in its log (the test clock's own left out): $log_warnings."
	echo
	echo "### Memory"
	echo
	echo "Redis used_memory grew by $(one main memory per_ticket_b) bytes per open ticket" \
		"(used_memory $used_gib GiB, redis-server VmRSS ${redis_rss_mib} MiB, at $(fmt_int "$tickets") tickets)." \
		"\`hl:due\` holds $(fmt_int "$(one main memory due_members)") members (one per ticket with" \
		"a running clock, since layout 3) in $due_mib MiB. Per open ticket, by key (MEMORY USAGE SAMPLES 0; the per-ticket keys" \
		"averaged over 2,000 random tickets):"
	echo
	echo "| key | bytes per open ticket | share |"
	echo "|---|---|---|"
	mem_row "ticket hash \`hl:t:<id>\` ($(one main memory hash_encoding))" hash_b
	mem_row "timeline \`hl:log:<id>\` (layout 4; a stream \`hl:audit:<id>\` in layout 1, the ticket hash's field \`log\` in layouts 2 and 3)" audit_b
	mem_row "\`hl:due\` (one member per ticket)" due_b
	mem_row "\`hl:idx:deadlines\` (layouts 1 and 2; the watch list reads \`hl:due\` since)" deadlines_b
	mem_row "\`hl:idx:all\`" all_b
	mem_row "\`hl:idx:state:dispatched\`" state_b
	mem_row "\`hl:idx:phone:<n>\`" phone_idx_b
	mem_row "\`hl:idx:addr:<address>\`" addr_idx_b
	mem_row "units' indexes \`hl:idx:dept:*\`" dept_b
	mem_row "routing stream \`hl:intake\`" intake_b
	mem_row "event stream \`hl:events\` (ledger, units' queues, notices)" ledger_b
	mem_row "idempotency keys (the last day's tickets)" idem_b
	mem_row "the rest (key overhead, counters, scripts)" other_b
	echo "| **all of Redis** | **$per_ticket** | 100 % |"
	echo
	echo "Ratio of all of Redis to the bare ticket hashes: $(one main memory ratio_to_hash)."
	echo
	echo "### hotlined"
	echo
	echo "| when | VmRSS MiB | VmHWM MiB |"
	echo "|---|---|---|"
	echo "| idle, $(fmt_int "$tickets") open tickets | $(one daemon start rss_mib) | $(one daemon start hwm_mib) |"
	echo "| after the $((2 * runs)) firings | $(one daemon end rss_mib) | $(one daemon end hwm_mib) |"
	echo
	echo "Raw figures, one line per measurement:"
	echo
	echo '```'
	cat "$results"
	echo '```'
	echo "<!-- bench:escalation:end -->"
} >"$section"

splice_section escalation "$section" "$out"

echo
sed -n '/^### Sweep cost/,/^Raw figures/p' "$section" | grep -v '^Raw figures'
echo "bench: written to $out (${took} s)"
