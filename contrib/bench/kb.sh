#!/bin/sh
# `make bench-kb`, the knowledge base's search (issue 17): contrib/bench/kb_bench.c on the
# shipped set (routes/kb/ and tests/data/kb-questions.jsonl; the stand-in of
# tests/data/kb-fixture/ while they are not there) replicated into BENCH_KB_N entries
# (10,000), every labelled question searched for BENCH_KB_SECS seconds (5) as the
# endpoint does (parse, rank the best 10, their snippets): latency p50, p90, p99 and max,
# the index's build time and its heap per entry. The target of the issue: p99 <= 2 ms.
# It rewrites its own section of OUT.md (between the bench:kb markers; appended at the end
# when they are absent). One process, one core, no Redis: the search itself, which is
# what the daemon does on its event loop for each GET /v1/kb/search.
#
# Usage: contrib/bench/kb.sh BUILD_DIR [OUT.md]
# BENCH_KB_DIR and BENCH_KB_QUESTIONS name another set (a folder of YAML files and its
# questions), e.g. a draft of the shipped set before it lands; BENCH_KB_NAME says what it is.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-$top/BENCHMARKS.md}
case $out in /*) ;; *) out="$PWD/$out" ;; esac
n=${BENCH_KB_N:-10000}
secs=${BENCH_KB_SECS:-5}
bin="$build/bench/kb_bench"
tmp=$(mktemp -d /tmp/hotline-bench-kb.XXXXXX)
keep=${BENCH_KEEP:-0}
. "$top/contrib/bench/lib.sh"

[ -x "$bin" ] || { echo "bench: $bin is missing (make bench-kb builds it)" >&2; exit 1; }
if [ -n "${BENCH_KB_DIR:-}" ] && [ -n "${BENCH_KB_QUESTIONS:-}" ]; then
	dir=$BENCH_KB_DIR questions=$BENCH_KB_QUESTIONS
	set_name=${BENCH_KB_NAME:-"the set of $BENCH_KB_DIR"}
elif [ -d "$top/routes/kb" ] && [ -f "$top/tests/data/kb-questions.jsonl" ]; then
	dir="$top/routes/kb" questions="$top/tests/data/kb-questions.jsonl" set_name="the shipped set (routes/kb/)"
else
	dir="$top/tests/data/kb-fixture" questions="$dir/questions.jsonl"
	set_name="the stand-in tests/data/kb-fixture/ (routes/kb/ not there yet)"
fi
load=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s)
timeout 300 "$bin" "$dir" "$questions" "$n" "$secs" >"$tmp/raw.txt"
took=$(($(date +%s) - start))
cat "$tmp/raw.txt"
get() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" "$tmp/raw.txt" | head -1; }
p99=$(get p99_us)
verdict() { awk -v p="$1" 'BEGIN { print (p <= 2000 ? "met" : "NOT met") }'; }

section="$tmp/section.md"
{
	echo '<!-- bench:kb:begin (written by contrib/bench/kb.sh; edits here are overwritten) -->'
	echo '## Knowledge base search (政策通, issue 17)'
	echo
	echo "\`make bench-kb\` ($(date -u +%Y-%m-%d), $(nproc) cores shared, gcc -O2): $set_name,"
	echo "$(get source_entries) entries replicated with variations into $(get entries); every one of its"
	echo "$(get questions) labelled questions searched again and again for ${secs} s as GET /v1/kb/search does"
	echo "(the query parsed, the best 10 ranked, each one's snippet), one thread, no Redis."
	echo
	echo '| per search | p50 | p90 | p99 | max | target p99 ≤ 2 ms |'
	echo '|---|---|---|---|---|---|'
	echo "| wall clock | $(get p50_us) µs | $(get p90_us) µs | $(get p99_us) µs | $(get max_us) µs | $(verdict "$p99") |"
	echo "| CPU of the thread | $(get cpu_p50_us) µs | $(get cpu_p90_us) µs | $(get cpu_p99_us) µs | $(get cpu_max_us) µs | $(verdict "$(get cpu_p99_us)") |"
	echo "| CPU, parse and rank alone (no snippets) | $(get rank_cpu_p50_us) µs | | $(get rank_cpu_p99_us) µs | | |"
	echo
	echo "$(get searches) searches; the machine's load average was $load when it began (other work on"
	echo 'its cores lengthens the wall clock, not the CPU time: a search is one thread on the'
	echo "event loop, and what it costs that loop is the CPU line)."
	echo
	echo '| index build | heap of the index | per entry |'
	echo '|---|---|---|'
	echo "| $(get build_ms) ms | $(awk -v b="$(get heap_bytes)" 'BEGIN { printf "%.1f MB", b / 1048576 }') | $(awk -v b="$(get bytes_per_entry)" 'BEGIN { printf "%.1f KB", b / 1024 }') |"
	echo
	echo 'The heap per entry holds its texts (title, questions, tags, answer: what a result and'
	echo 'its snippet show) and its postings (8 bytes per distinct term: unigrams, bigrams, words).'
	echo
	echo 'Raw figures:'
	echo
	echo '```'
	cat "$tmp/raw.txt"
	echo '```'
	echo '<!-- bench:kb:end -->'
} >"$section"
splice_section kb "$section" "$out"
echo "bench: written to $out (${took} s)"
