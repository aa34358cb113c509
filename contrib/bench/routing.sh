#!/bin/sh
# `make bench-routing`, the routing engine (issue 8): the keyword routing code of
# plugins/lib/ (catalogue.c over the Aho–Corasick automaton of aho.c, folding by core/base/fold.c)
# as the keyword plugin uses it, on the 120 tickets of tests/data/tickets-sample.jsonl,
# for the shipped routes/catalogue.yaml and for a generated catalogue of 10,000 keywords
# (contrib/bench/route_bench.c says how it is made). Two kinds of figures:
#   wall clock  one route_bench process, BENCH_RUNS runs, the two catalogues in turn in
#               each: hl_catalogue_load (YAML, checks, folding, automaton build) in ms;
#               ns per ticket routed with hl_catalogue_route, of the automaton alone
#               (hl_aho_collect over the keywords) and of a loop of strstr over the same
#               keywords on the same folded texts, the thing the automaton replaces;
#               medians with their spread (min-max);
#   callgrind   instructions per ticket, which other work on a shared machine does not
#               disturb: route_bench routes N1 and then N2 tickets under
#               valgrind --tool=callgrind, and (I2 - I1) / (N2 - N1) leaves the cost of
#               loading out; the same for the two baselines; and where they go.
# It rewrites its own section of OUT.md (between the bench:routing markers; appended at
# the end when they are absent); the rest of the file is left alone. Its files live in
# one directory under /tmp, removed at the end. It takes about half a minute.
#
# Usage: contrib/bench/routing.sh BUILD_DIR [OUT.md]
# Tuning (environment): BENCH_RUNS (5), BENCH_ROUTE_MS (150: how long each timing loops
#   over the tickets), BENCH_ROUTE_N ("1200 2400": N1 and N2 for routing and the
#   automaton under callgrind), BENCH_STRSTR_N ("120 240": the same for the strstr loop,
#   some 20 times slower), BENCH_KEEP=1 keeps the temporary directory.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-$top/BENCHMARKS.md}
case $out in /*) ;; *) out="$PWD/$out" ;; esac
runs=${BENCH_RUNS:-5}
route_ms=${BENCH_ROUTE_MS:-150}
route_n=${BENCH_ROUTE_N:-1200 2400}
strstr_n=${BENCH_STRSTR_N:-120 240}
bin="$build/bench/route_bench"
begin_marker='<!-- bench:routing:begin (written by contrib/bench/routing.sh; edits here are overwritten) -->'
end_marker='<!-- bench:routing:end -->'

[ -x "$bin" ] || { echo "bench: $bin is missing (make bench-routing builds it)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "bench: valgrind is not installed (contrib/deps.sh bench)" >&2; exit 1; }
set -- $route_n
[ $# -eq 2 ] && [ "$2" -gt "$1" ] || { echo "bench: BENCH_ROUTE_N must be two counts, N1 < N2" >&2; exit 1; }
set -- $strstr_n
[ $# -eq 2 ] && [ "$2" -gt "$1" ] || { echo "bench: BENCH_STRSTR_N must be two counts, N1 < N2" >&2; exit 1; }

tmp=$(mktemp -d /tmp/hotline-routing-XXXXXX)
keep=${BENCH_KEEP:-0}
. "$top/contrib/bench/lib.sh"

# route_bench runs from the top of the tree: routes/ and the tickets are found there.
cd "$top"
rb() { timeout 120 "$bin" -w "$tmp" -s routes -t tests/data/tickets-sample.jsonl "$@"; }


echo "bench: routing engine: $runs runs x {shipped, 10k} catalogues, ${route_ms} ms per timing;" \
	"then callgrind"
began=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- wall clock ------------------------------------------------------------------------
rb -r "$runs" -m "$route_ms" >"$tmp/timing" || { echo "bench: route_bench failed" >&2; exit 1; }
grep '^RESULT' "$tmp/timing" | while read -r line; do
	printf 'bench: %-7s run %s: load %6s ms  route %6s ns/ticket  automaton %6s  strstr %7s  (x%s)\n' \
		"$(field "$line" cat)" "$(field "$line" run)" "$(field "$line" load_ms)" \
		"$(field "$line" route_ns)" "$(field "$line" aho_ns)" "$(field "$line" strstr_ns)" \
		"$(field "$line" x_aho)"
done

# --- callgrind ---------------------------------------------------------------------------
# Instructions of one run: catalogue what N; its profile stays in $tmp for annotate.
instr() {
	f="$tmp/callgrind.$1.$2.$3"
	timeout 120 valgrind --tool=callgrind --callgrind-out-file="$f" \
		"$bin" -w "$tmp" -s routes -t tests/data/tickets-sample.jsonl -k "$1" -b "$2" -n "$3" \
		>"$f.out" 2>"$f.err" || { echo "bench: callgrind failed:" >&2; cat "$f.err" >&2; exit 1; }
	sed -n 's/^summary: //p' "$f"
}
: >"$tmp/instr"
for cat in shipped 10k; do
	for what in route aho strstr; do
		if [ "$what" = strstr ]; then set -- $strstr_n; else set -- $route_n; fi
		i1=$(instr "$cat" "$what" "$1")
		i2=$(instr "$cat" "$what" "$2")
		per=$(echo "$i1 $i2 $1 $2" | awk '{ printf "%.0f", ($2 - $1) / ($4 - $3) }')
		echo "cat=$cat what=$what n1=$1 i1=$i1 n2=$2 i2=$i2 per_ticket=$per" >>"$tmp/instr"
		printf 'bench: %-7s %-6s %9s instructions per ticket (callgrind, %s and %s tickets)\n' \
			"$cat" "$what" "$per" "$1" "$2"
	done
done
took=$(($(date +%s) - began))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- figures -----------------------------------------------------------------------------
# "median min max" of a field of the RESULT lines of one catalogue.
stats() { # cat field
	grep '^RESULT' "$tmp/timing" >"$tmp/results"
	select_values "$tmp/results" "$2" cat "$1" | medspread
}

# "median (min–max)" of a field, with printf format fmt
fmt_stat() { # cat field fmt
	fmt_spread "$3" $(stats "$1" "$2")
}

per_ticket() { # cat what
	awk -v c="$1" -v w="$2" '$1 == "cat=" c && $2 == "what=" w {
		sub(/.*per_ticket=/, ""); print }' "$tmp/instr"
}

catalogue_field() { # cat field
	field "$(grep "^CATALOGUE cat=$1 " "$tmp/timing")" "$2"
}

# Instructions per ticket by function, from the two routing profiles of a catalogue:
# the largest ones, as "function n" lines.
where() { # cat
	command -v callgrind_annotate >/dev/null || return 0
	set -- $route_n "$1"
	for n in "$1" "$2"; do
		callgrind_annotate --auto=no --inclusive=no --threshold=100 \
			"$tmp/callgrind.$3.route.$n" 2>/dev/null |
			sed -n 's/^ *\([0-9,]*\) *([^)]*) *\([^ ]*\).*/\2 \1/p' | tr -d , |
			grep -v '^PROGRAM ' | sort >"$tmp/annotate.$n"
	done
	join "$tmp/annotate.$1" "$tmp/annotate.$2" |
		awk -v d="$(($2 - $1))" '{ n = ($3 - $2) / d; if (n >= 500) printf "%s %.0f\n", $1, n }' |
		sort -k2,2nr | head -8
}

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
compiler=$(readelf -p .comment "$bin" 2>/dev/null | sed -n 's/.*GCC: /GCC /p' | head -1)
[ -n "$compiler" ] || compiler="the C compiler of the build"
valgrind_version=$(valgrind --version | sed 's/^valgrind-//')
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain -- plugins/lib routes 2>/dev/null)" ]; then
	commit="$commit (plugins/lib/ or routes/ with uncommitted changes)"
fi
passes() { field "$(grep "^PASSES cat=$1 " "$tmp/timing")" "$2"; }

section="$tmp/section.md"
{
	echo "$begin_marker"
	echo "## Routing engine"
	echo
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on commit $commit, in ${took} s."
	echo
	echo "- Machine: $(nproc) CPUs, $cpu_model, Linux $(uname -r); $compiler, the" \
		"Makefile's flags (-O2), the position-independent objects of plugins/lib/ the" \
		"plugins link; valgrind $valgrind_version. Load average before the benchmark:" \
		"$load_before; after: $load_after (other work on the machine shows here, and in" \
		"the spread of the wall-clock figures; the instruction counts do not see it)."
	echo "- Command: \`make bench-routing\` (\`contrib/bench/routing.sh $(basename "$build")" \
		"$(basename "$out")\` with BENCH_RUNS=$runs BENCH_ROUTE_MS=$route_ms" \
		"BENCH_ROUTE_N=\"$route_n\" BENCH_STRSTR_N=\"$strstr_n\"); \`make bench\` runs it" \
		"after the ingest benchmark."
	echo "- Catalogues: **shipped** is routes/catalogue.yaml; **10k** is generated by" \
		"\`$(basename "$build")/bench/route_bench\` (fixed seed, the same file every time):" \
		"the shipped items, neutral phrases and type cues, then generated items up to" \
		"$(catalogue_field 10k items) and exactly $(fmt_int "$(catalogue_field 10k keywords)") keywords," \
		"words of 2 to 4 characters drawn from a fixed set of common Chinese characters," \
		"weights 3 to 8, exclusion words for one item in five, a line department of" \
		"routes/departments.yaml or \`territorial\` for one in four. The shipped items" \
		"keep the tickets finding their matters; the generated words seldom occur in" \
		"real tickets, so the 10k figures measure a large automaton and catalogue, not" \
		"more matches per ticket."
	echo "- Tickets: the 120 of tests/data/tickets-sample.jsonl (title, content, address)," \
		"routed with hl_catalogue_route as the keyword plugin calls it: with the gazetteer" \
		"of routes/districts.yaml (territorial matters) and an explanation sink. Each" \
		"timing loops over them for about $route_ms ms, timed with" \
		"clock_gettime(CLOCK_MONOTONIC) (passes over the 120: shipped" \
		"$(passes shipped route) routing, $(passes shipped aho) automaton," \
		"$(passes shipped strstr) strstr; 10k $(passes 10k route), $(passes 10k aho)," \
		"$(passes 10k strstr))."
	echo "- Baselines: **automaton alone** is hl_aho_collect over the catalogue's keywords" \
		"(no exclusions, neutral phrases or cues) on the folded title and content;" \
		"**strstr loop** is strstr of every keyword in the folded title and in the folded" \
		"content, the loop the automaton replaces (core/README.md §6). Both find the" \
		"same keywords in every ticket (route_bench checks it: shipped" \
		"$(catalogue_field shipped keyword_hits), 10k $(catalogue_field 10k keyword_hits)" \
		"keyword–field pairs over the 120 tickets). Routing does more than either:" \
		"folding, exclusions, scoring, the explanation lines, the gazetteer."
	echo "- Figures: wall clock, median over $runs runs, (min–max) the spread; ratios are" \
		"each run's strstr time over the automaton's (or the route's), in the same run." \
		"Instructions: callgrind's total for N2 tickets minus that for N1, over N2 − N1," \
		"so that loading cancels out (N1 and N2: $(echo "$route_n" | sed 's/ / and /')" \
		"tickets for routing and the automaton, $(echo "$strstr_n" | sed 's/ / and /') for" \
		"strstr)."
	echo
	echo "| catalogue | items | keywords | YAML bytes | automaton states (keywords) | tickets routed / declined |"
	echo "|---|---|---|---|---|---|"
	for c in shipped 10k; do
		echo "| $c | $(catalogue_field "$c" items) | $(fmt_int "$(catalogue_field "$c" keywords)") |" \
			"$(fmt_int "$(catalogue_field "$c" file_bytes)") |" \
			"$(fmt_int "$(catalogue_field "$c" aho_states)") |" \
			"$(catalogue_field "$c" routed) / $(catalogue_field "$c" declined) |"
	done
	echo
	echo "### Wall clock"
	echo
	echo "| catalogue | load + build ms | automaton build alone ms | route ns/ticket | automaton alone ns/ticket | strstr loop ns/ticket | strstr ÷ automaton | strstr ÷ route |"
	echo "|---|---|---|---|---|---|---|---|"
	for c in shipped 10k; do
		echo "| $c | $(fmt_stat "$c" load_ms %.1f) | $(fmt_stat "$c" build_ms %.1f) |" \
			"$(fmt_stat "$c" route_ns %.0f) | $(fmt_stat "$c" aho_ns %.0f) |" \
			"$(fmt_stat "$c" strstr_ns %.0f) | $(fmt_stat "$c" x_aho %.1f) |" \
			"$(fmt_stat "$c" x_route %.1f) |"
	done
	echo
	echo "Load + build: hl_catalogue_load, from reading the YAML file to the built automaton" \
		"(keywords, exclusions, neutral phrases, cues). Automaton build alone: hl_aho_new," \
		"hl_aho_add and hl_aho_build over the folded keywords, timed apart."
	echo
	echo "### Instructions per ticket (callgrind)"
	echo
	echo "| catalogue | route | automaton alone | strstr loop | strstr ÷ automaton | strstr ÷ route |"
	echo "|---|---|---|---|---|---|"
	for c in shipped 10k; do
		r=$(per_ticket "$c" route) a=$(per_ticket "$c" aho) s=$(per_ticket "$c" strstr)
		echo "| $c | $(fmt_int "$r") | $(fmt_int "$a") | $(fmt_int "$s") |" \
			"$(echo "$s $a" | awk '{ printf "%.0f", $1 / $2 }') |" \
			"$(echo "$s $r" | awk '{ printf "%.1f", $1 / $2 }') |"
	done
	echo
	set -- $(stats 10k x_aho)
	x_aho=$1
	set -- $(stats 10k x_route)
	x_route=$1
	echo "With 10,000 keywords the automaton finds the keywords of a ticket $x_aho times" \
		"faster than the loop of strstr (median, wall clock; glibc's strstr is vectorised," \
		"so in instructions the gap is wider), and routing a ticket in full takes $x_route" \
		"times less than that loop alone."
	echo
	for c in shipped 10k; do
		w=$(where "$c")
		[ -n "$w" ] || continue
		echo "Where the instructions of routing one ticket go, $c catalogue (callgrind," \
			"per ticket, each function's own, with what the compiler inlined into it;" \
			"those of at least 500):"
		echo
		echo "$w" | while read -r fn n; do
			echo "- \`${fn##*/}\`: $(fmt_int "$n")"
		done
		echo
	done
	echo "Raw figures, one line per run and catalogue, then the callgrind totals:"
	echo
	echo '```'
	grep -E '^(CATALOGUE|PASSES|RESULT)' "$tmp/timing"
	cat "$tmp/instr"
	echo '```'
	echo "$end_marker"
} >"$section"

splice_section routing "$section" "$out"

echo
sed -n '/^### Wall clock/,/^Raw figures/p' "$section" | grep -v '^Raw figures'
echo "bench: written to $out (${took} s)"
