#!/bin/sh
# The layering rule of core/README.md, checked: a file of core/<layer>/ includes headers
# of its own layer or of the layers below it, never above; the shipped plugins include
# nothing of core/ but base/ (and the SDK header); and no module (a .c with its .h)
# reaches itself again through includes (a circle). Given a build directory
# (check-layers.sh build), the same holds for calls, read from the objects with nm: no
# function calls one of a higher layer, and no module calls itself through others.
# Prints each breach and exits 1.
# With DOT=FILE in the environment it also writes the module graph (includes and calls)
# as Graphviz DOT, one cluster per layer, for `dot -Tsvg FILE`: make graph.
set -eu
cd "$(dirname "$0")/../.."
LAYERS="base time config store http host people tickets daemon"

rank() {
	n=0
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo "$n"; return; }
		n=$((n + 1))
	done
	echo -1
}

fail=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

# "file included-path" pairs, for every quoted include of a core layer header.
includes() {
	grep -H -o '^#include "[a-z_]*/[a-z_./]*"' "$@" 2>/dev/null |
		sed 's/:#include "\(.*\)"$/ \1/' || true
}

for dir in core/*/; do
	layer=$(basename "$dir")
	[ "$layer" = include ] && continue
	mine=$(rank "$layer")
	if [ "$mine" -lt 0 ]; then
		echo "check-layers: core/$layer/ is not a layer of core/README.md ($LAYERS)"
		fail=1
		continue
	fi
	for pair in $(includes "$dir"*.c "$dir"*.h | tr ' ' '|'); do
		file=${pair%%|*}
		inc=${pair#*|}
		to=${inc%%/*}
		theirs=$(rank "$to")
		[ "$theirs" -lt 0 ] && continue # not a layer header
		case "$inc" in *.h) ;; *) continue ;; esac # a generated Lua include
		if [ "$theirs" -gt "$mine" ]; then
			echo "check-layers: $file ($layer) includes $inc, of the higher layer $to"
			fail=1
		fi
		from=core/$layer/$(basename "${file%.*}")
		target=core/${inc%.h}
		[ "$from" != "$target" ] && echo "$from $target" >>"$edges"
	done
done

for pair in $(includes plugins/*.c plugins/*/*.c plugins/*/*.h | tr ' ' '|'); do
	file=${pair%%|*}
	inc=${pair#*|}
	case "$inc" in
	base/*) ;;
	*) echo "check-layers: $file includes $inc: plugins use only core/base/ and the SDK"
	   fail=1 ;;
	esac
done

# tsort names the modules of every circle it meets.
circles() {
	if ! tsort "$1" >/dev/null 2>"$1.err"; then
		echo "check-layers: modules that $2 each other in a circle:"
		sed 's/^tsort: /  /' "$1.err"
		fail=1
	fi
	rm -f "$1.err"
}
circles "$edges" include
summary="$(wc -l <"$edges") includes between modules"

# Calls: "caller callee" module pairs from each object's undefined hl_ symbols and the
# object that defines them.
if [ $# -ge 1 ]; then
	objs=$(ls "$1"/core/*/*.o)
	calls=$(mktemp)
	nm -A $objs 2>/dev/null | awk -v top="$1/core/" '
		{ split($1, f, ":"); obj = f[1]; sub(top, "", obj); sub(/\.o$/, "", obj) }
		NF == 3 && $2 ~ /^[TDBR]$/ && $3 ~ /^hl_/ { def[$3] = obj }
		NF == 3 && $2 == "U" && $3 ~ /^hl_/ { n++; user[n] = obj; sym[n] = $3 }
		END { for (i = 1; i <= n; i++) if (sym[i] in def && def[sym[i]] != user[i])
			print "core/" user[i], "core/" def[sym[i]] }' | sort -u >"$calls"
	while read -r from to; do
		l1=${from#core/}
		l2=${to#core/}
		if [ "$(rank "${l2%%/*}")" -gt "$(rank "${l1%%/*}")" ]; then
			echo "check-layers: $from calls into $to, of a higher layer"
			fail=1
		fi
	done <"$calls"
	circles "$calls" call
	summary="$summary, $(wc -l <"$calls") calls"
	calls_kept=$calls
	trap 'rm -f "$edges" "$calls"' EXIT
fi
if [ -n "${DOT:-}" ]; then
	{
		echo 'digraph core { rankdir=TB; newrank=true; node [shape=box, fontsize=10];'
		for l in $LAYERS; do
			echo "  subgraph cluster_$l { label=\"$l/\";"
			for f in core/$l/*.c core/$l/*.h; do
				[ -e "$f" ] || continue
				m=${f%.*}
				echo "    \"$m\" [label=\"${m#core/$l/}\"];"
			done | sort -u
			echo '  }'
		done
		cat "$edges" ${calls_kept:-} | sort -u | awk '{ printf "  \"%s\" -> \"%s\";\n", $1, $2 }'
		echo '}'
	} >"$DOT"
fi
[ "$fail" -eq 0 ] && echo "check-layers: $summary; none upward, no circle"
exit "$fail"
