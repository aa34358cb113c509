# Shared by the benchmark scripts (run.sh, bullmq.sh, routing.sh, escalation.sh), which
# source it after setting `tmp` (their temporary directory) and `keep` (1: leave it for a
# look).
# It starts with no process of theirs; they add what they start to started_pids, and the
# EXIT trap set here stops those and removes tmp whatever happens.

started_pids=""

# Stops one process we started: TERM, then KILL after 10 s; reaps it.
stop_pid() {
	pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

forget_pid() { started_pids=$(printf '%s\n' $started_pids | grep -vx "$1" | tr '\n' ' '); }

cleanup() {
	for p in $started_pids; do
		stop_pid "$p"
	done
	if [ "${keep:-0}" = 1 ]; then
		echo "bench: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE # e.g. piped into head: still clean up

# Starts a private redis-server in DIR with the shipped settings (etc/redis.conf), on the
# unix socket DIR/redis.sock, the given options added (--appendfsync always, ...); sets
# redis_pid, adds it to started_pids and waits (bounded) until it answers. Needs `top`.
start_redis() { # dir [--option value]...
	sr_dir=$1
	shift
	redis-server "$top/etc/redis.conf" --unixsocket "$sr_dir/redis.sock" --dir "$sr_dir" \
		--logfile "$sr_dir/redis.log" "$@" </dev/null >/dev/null 2>&1 &
	redis_pid=$!
	started_pids="$started_pids $redis_pid"
	i=0
	until redis-cli -s "$sr_dir/redis.sock" ping >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -le 200 ] || { echo "bench: redis-server did not start ($sr_dir/redis.log)" >&2; exit 1; }
		sleep 0.025
	done
}

# CPU seconds (user + system) a process has used so far.
cpu_secs() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / hz }' \
		"/proc/$1/stat" 2>/dev/null || echo 0
}

# key=value from a RESULT line
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# 1234567 -> 1,234,567
fmt_int() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# Puts SECTION (a file that begins and ends with the NAME markers) into OUT.md in place
# of its old NAME section, or at the end; the rest of OUT.md is left as it is.
splice_section() { # name section out
	if [ ! -f "$3" ]; then
		printf '# Benchmarks\n\n`make bench` writes the sections below; see issues 8 and 14.\n' >"$3"
	fi
	if grep -q "^<!-- bench:$1:begin" "$3"; then
		grep -q "^<!-- bench:$1:end" "$3" ||
			{ echo "bench: $3 has the $1 begin marker but not the end one; not written" >&2; exit 1; }
		awk -v sec="$2" -v name="$1" '
			index($0, "<!-- bench:" name ":begin") == 1 {
				while ((getline l < sec) > 0) print l; skip = 1; next }
			index($0, "<!-- bench:" name ":end") == 1 { skip = 0; next }
			!skip { print }' "$3" >"$tmp/spliced.md"
	else
		{ cat "$3"; echo; cat "$2"; } >"$tmp/spliced.md"
	fi
	cat "$tmp/spliced.md" >"$3"
}

# The values of FIELD on the lines of FILE (words key=value) that carry every KEY=VALUE
# given, one per line.
select_values() { # file field [key value]...
	sv_file=$1 sv_field=$2
	shift 2
	awk -v f="$sv_field" -v want="$*" '
		BEGIN { n = split(want, w, " "); for (i = 1; i < n; i += 2) need[w[i]] = w[i + 1]
			needed = int(n / 2) }
		{ ok = 0; v = ""
		  for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if ((kv[1] in need) && need[kv[1]] == kv[2]) ok++
			if (kv[1] == f) v = kv[2]
		  }
		  if (ok == needed && v != "") print v }' "$sv_file"
}

# "median min max" of the numbers on stdin (median: the mean of the middle two when
# their count is even); "- - -" when there are none.
medspread() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) { print "- - -"; exit }
		      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      print m, v[1], v[NR] }'
}

# "median (min–max)" in printf format FMT, from medspread's words; "–" for none.
fmt_spread() { # fmt median min max
	if [ "$2" = - ]; then
		echo "–"
	else
		printf "$1 ($1–$1)" "$2" "$3" "$4"
	fi
}

# The API tokens (contrib/make-tokens.sh: $tmp/tokens.yaml, $tmp/tokens.env) and the
# plugin chain of etc/hotlined.yaml without the log plugin, its relative paths made
# absolute, into $tmp/plugins.yaml; sets chain (the plugins' names) and exports
# HOTLINE_TOKEN_AGENT, the token loadgen posts with. Needs top and tmp.
bench_tokens_and_plugins() {
	"$top/contrib/make-tokens.sh" "$tmp" "$top/routes" >/dev/null
	HOTLINE_TOKEN_AGENT=$(sed -n 's/^HOTLINE_TOKEN_AGENT=//p' "$tmp/tokens.env")
	export HOTLINE_TOKEN_AGENT
	awk '
		/^plugins:/ { on = 1; print; next }
		on && /^[^ #]/ { on = 0 }
		on && /^  - name:/ { skip = ($3 == "log") }
		on && !skip { sub(/[ ]+#.*/, ""); if ($0 != "") print }
	' "$top/etc/hotlined.yaml" | sed "s|\.\./routes/|$top/routes/|g" >"$tmp/plugins.yaml"
	chain=$(sed -n 's/^  - name: //p' "$tmp/plugins.yaml" | tr '\n' ' ' | sed 's/ $//')
}

# bench_hotlined_yaml FILE PORT SOCKET [REDIS_LINES [TOP_LINES]]: the benchmarks' hotlined
# configuration: listening on 127.0.0.1:PORT, Redis on the unix socket SOCKET (and
# REDIS_LINES, more "  key: value" lines of the redis section), log level warn, the routes
# and calendar of the tree, the tokens and plugin chain of bench_tokens_and_plugins, and
# TOP_LINES (top-level YAML) before the plugins. Needs top, tmp and build.
bench_hotlined_yaml() {
	{
		printf 'http:\n  listen: 127.0.0.1:%s\nredis:\n  socket: %s\n' "$2" "$3"
		[ -z "${4:-}" ] || printf '%s\n' "$4"
		printf 'log:\n  level: warn\nroutes: %s/routes\ncalendar:\n  dir: %s/etc/calendar\n' \
			"$top" "$top"
		printf 'auth:\n  tokens_file: %s/tokens.yaml\nplugin_dir: %s/plugins\n' "$tmp" "$build"
		[ -z "${5:-}" ] || printf '%s\n' "$5"
		cat "$tmp/plugins.yaml"
	} >"$1"
}
