# Makes the Lua prelude that core/store/scripts.c puts in front of every script, from the
# #define HL_KEY_* and HL_INDEX_* lines of keys.h, so that keys.h stays the one place a
# Redis key name is spelled (tests/scripts/check-lua-keys.sh keeps the scripts to it):
#   #define HL_KEY_TICKET "t:"      ->  KEY.ticket = 't:'
#   #define HL_INDEX_STATE "state:" ->  INDEX.state = 'state:'
# A script builds a key as P .. KEY.ticket .. id, an index as k_index(INDEX.state .. s).
# Run by the Makefile: awk -f keys-to-lua.awk core/store/keys.h > build/gen/store/lua/keys.lua
# Fails (no output used) on a name that is not plain: a quote or a backslash in it.

function add(table, prefix, line,    name, value) {
	name = line
	sub("^#define " prefix, "", name)
	sub("[ \t].*$", "", name)
	value = line
	sub("^#define [A-Z_]+[ \t]+\"", "", value)
	sub("\".*$", "", value)
	if (value ~ /['\\]/ || value == "") {
		printf "keys-to-lua: %s:%d: %s%s: a key name must be plain text\n", FILENAME,
			FNR, prefix, name > "/dev/stderr"
		failed = 1
		exit 1
	}
	entries[table] = entries[table] sprintf("  %s = '%s',\n", tolower(name), value)
	count[table]++
}

/^#define HL_KEY_[A-Z_]+[ \t]+"/ { add("KEY", "HL_KEY_", $0) }
/^#define HL_INDEX_[A-Z_]+[ \t]+"/ { add("INDEX", "HL_INDEX_", $0) }

END {
	if (failed)
		exit 1
	if (!count["KEY"] || !count["INDEX"]) {
		print "keys-to-lua: no #define HL_KEY_* or HL_INDEX_* lines read" > "/dev/stderr"
		exit 1
	}
	print "-- Made from core/store/keys.h by core/store/keys-to-lua.awk: the names of the keys"
	print "-- (KEY, each after the prefix P) and of the indexes (INDEX, each after KEY.index)."
	printf "local KEY = {\n%s}\n", entries["KEY"]
	printf "local INDEX = {\n%s}\n", entries["INDEX"]
}
