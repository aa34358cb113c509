#!/bin/sh
# Nothing in the repository cites a file that is not in it: every path of this tree
# named in a tracked file (core/..., plugins/..., contrib/..., tests/..., routes/...,
# etc/... ending in .c .h .lua .md .yaml .sh, and the top-level *.md) must exist. A
# user's clone has only this tree, so a comment pointing elsewhere points at nothing.
# Prints each dangling citation as file:line: path, and exits 1 if there is one.
set -eu
cd "$(dirname "$0")/../.."
fail=0
# A path starts the word (not inside /usr/local/etc/...) and ends it (not hotlined.yaml.5).
cited=$(git grep -nIoE '(^|[^/A-Za-z0-9_.-])((core|plugins|contrib|tests|routes|etc)/[A-Za-z0-9_./*{},-]*[A-Za-z0-9_]\.(c|h|lua|md|yaml|sh|inc)|[A-Z]+\.md)\.?([^A-Za-z0-9_.]|$)' \
	-- . ':!tests/scripts/check-citations.sh' |
	sed -E 's/^([^:]*:[0-9]*:)[^A-Za-z]*/\1/; s/[^A-Za-z0-9_]+$//' || true)
for hit in $cited; do
	path=${hit#*:*:}
	case "$path" in
	OUT.md | *'*'* | *'{'* | *YYYY*) continue ;; # a placeholder or a pattern, not a file
	esac
	[ -e "$path" ] && continue
	# build/gen/... holds generated files; contrib/bench writes its tmp/ files
	case "$path" in
	build/* | */gen/*) continue ;;
	esac
	echo "check-citations: ${hit%:*}: $path does not exist"
	fail=1
done
[ "$fail" -eq 0 ] && echo "check-citations: $(echo "$cited" | grep -c .) citations of files, all present"
exit "$fail"
