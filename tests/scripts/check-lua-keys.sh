#!/bin/sh
# The rule of core/store/keys.h, checked: no Lua script spells a Redis key name itself.
# keys.h is the one place a name is written; the build hands the names to every script as
# KEY.x and INDEX.x (core/store/keys-to-lua.awk). Outside comments, a script of
# core/store/lua/ must not have
#   - a literal after the prefix:          P .. 'ledger'       (write P .. KEY.ledger)
#   - a literal index name:                k_index('state:' .. s) (k_index(INDEX.state .. s))
#   - a quoted key name of keys.h:         'intake', 't:', 'rate:board:', 'phone:' ...
#   - a KEY.x or INDEX.x that keys.h does not define (it would be nil at run time).
# Prints each breach and exits 1. Run by `make check`; it first checks itself on a sample
# that breaks every rule, so that a pattern that no longer matches cannot pass quietly.
set -eu
cd "$(dirname "$0")/../.."
KEYS_H=core/store/keys.h

# Scripts whose key literals are known and left for now, each with the reason. A file
# listed here that no longer breaks the rule fails the check: take it off the list.
#   route_commit.lua: rewritten with the dispatcher's named arguments (issue 13), which
#   is when it moves to KEY.intake and INDEX.dept.
PENDING=""

names() { # the names of keys.h's #define $1* lines, as Lua spells them (lower case)
	sed -n "s/^#define $1\([A-Z_]*\)[ 	].*/\1/p" "$KEYS_H" | tr 'A-Z' 'a-z'
}
values() { # the quoted texts of keys.h's #define $1* lines
	sed -n "s/^#define $1[A-Z_]*[ 	][ 	]*\"\([^\"]*\)\".*/\1/p" "$KEYS_H"
}

key_names=$(names HL_KEY_)
index_names=$(names HL_INDEX_)
# The texts a script must not quote: every key name, and the index names that end in ':'
# (the others, such as 'overdue', are also words a script may use for other things).
spelled=$(
	{
		values HL_KEY_
		values HL_INDEX_ | grep ':$'
	} | sed 's/[].[*^$\\+?(){}|/]/\\&/g' | paste -s -d '|' -
)
if [ -z "$key_names" ] || [ -z "$index_names" ] || [ -z "$spelled" ]; then
	echo "check-lua-keys: read no #define HL_KEY_* or HL_INDEX_* lines from $KEYS_H"
	exit 1
fi

# Prints the breaches of one file (as "file:line: what"); prints nothing when it keeps
# the rule.
breaches() {
	code=$(mktemp)
	sed 's/--.*$//' "$1" >"$code" # comments may name keys: they are for people
	grep -n -E "(^|[^A-Za-z0-9_])P[ 	]*\.\.[ 	]*['\"]" "$code" |
		sed "s|^\([0-9]*\):.*|$1:\1: a literal after the prefix P: use P .. KEY.<name>|" || true
	grep -n -E "k_index\([ 	]*['\"]" "$code" |
		sed "s|^\([0-9]*\):.*|$1:\1: an index named literally: use k_index(INDEX.<name> ..)|" ||
		true
	grep -n -E "['\"]($spelled)['\"]" "$code" |
		sed "s|^\([0-9]*\):.*|$1:\1: a key name of keys.h spelled out: use KEY.<name> or INDEX.<name>|" ||
		true
	for table in KEY INDEX; do
		if [ "$table" = KEY ]; then known=$key_names; else known=$index_names; fi
		grep -n -o -E "(^|[^A-Za-z0-9_])$table\.[a-z_]+" "$code" | sed "s/:.*$table\./ /" |
			while read -r line name; do
				echo "$known" | grep -q -x "$name" ||
					echo "$1:$line: $table.$name is not in keys.h"
			done
	done
	rm -f "$code"
}

# The check checked: a sample that breaks every rule must give each breach it has.
sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
cat >"$sample" <<'EOF'
local a = P .. 'ledger' -- P .. 'notices' in a comment is fine
local b = k_index('state:' .. s)
local c = redis.call('XADD', KEYS[1], 'stream', 'intake')
local d = P .. KEY.ledgr .. INDEX.state
EOF
found=$(breaches "$sample" | wc -l)
# lines 1 and 2 break two rules each: a literal after P or in k_index, and a quoted name
if [ "$found" -ne 6 ]; then
	echo "check-lua-keys: the check found $found breaches in its own sample, not 6:"
	breaches "$sample"
	exit 1
fi

fail=0
nfiles=0
for f in core/store/lua/*.lua; do
	nfiles=$((nfiles + 1))
	out=$(breaches "$f")
	case " $PENDING " in
	*" ${f##*/} "*)
		if [ -z "$out" ]; then
			echo "check-lua-keys: $f keeps the rule now: take it off PENDING in $0"
			fail=1
		else
			echo "check-lua-keys: $f: $(echo "$out" | wc -l) known breaches, left for now (PENDING)"
		fi
		continue
		;;
	esac
	if [ -n "$out" ]; then
		echo "$out"
		fail=1
	fi
done
[ "$fail" -eq 0 ] && echo "check-lua-keys: $nfiles scripts, no key name spelled outside keys.h"
exit "$fail"
