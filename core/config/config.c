/* Loading and checking hotlined.yaml; see config.h and etc/hotlined.yaml. */
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/duration.h"
#include "base/log.h"

static const struct hl_option top_schema[] = {
	{"http", HL_OPT_SECTION, 0, NULL, "the HTTP API listener"},
	{"redis", HL_OPT_SECTION, 1, NULL, "where the system of record is"},
	{"log", HL_OPT_SECTION, 0, NULL, "logging"},
	{"auth", HL_OPT_SECTION, 1, NULL, "who may call the API"},
	{"intake", HL_OPT_SECTION, 0, NULL, "how new tickets are taken in"},
	{"routing", HL_OPT_SECTION, 0, NULL, "how tickets are dispatched (派单)"},
	{"reports", HL_OPT_SECTION, 0, NULL, "accountability reports"},
	{"timezone", HL_OPT_STRING, 0, "Asia/Shanghai", "zone for deadlines and logs"},
	{"shutdown_timeout", HL_OPT_DURATION, 0, "10s", "how long in-flight work may take at stop"},
	{"test_clock", HL_OPT_BOOL, 0, "false", "tests only: a clock moved by POST /v1/test/clock"},
	{"routes", HL_OPT_STRING, 1, NULL, "directory of routing rules and SLA policies"},
	{"plugin_dir", HL_OPT_STRING, 0, ".", "directory plugins are loaded from"},
	{"plugins", HL_OPT_SEQUENCE, 0, NULL, "plugins to load, in order"},
	{"calendar", HL_OPT_SECTION, 0, NULL, "working days and office hours for deadlines"},
	{"console", HL_OPT_SECTION, 0, NULL, "the web console served under /console/"},
	{"live_events", HL_OPT_SECTION, 0, NULL, "the live event streams, GET /v1/events/live"},
	{"supervision", HL_OPT_SECTION, 0, NULL, "supervised cases and accountability (督办, 问责)"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option http_schema[] = {
	{"listen", HL_OPT_ADDRESS, 0, "127.0.0.1:12345", "address and port of the API"},
	{"max_body", HL_OPT_SIZE, 0, "64KiB", "largest request body accepted"},
	{"timeout", HL_OPT_DURATION, 0, "30s", "idle time after which a client is dropped"},
	{"secure_cookies", HL_OPT_BOOL, 0, "false",
	 "mark the session cookie Secure (behind an HTTPS proxy)"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option redis_schema[] = {
	{"socket", HL_OPT_STRING, 0, NULL, "unix socket path (or use address)"},
	{"address", HL_OPT_ADDRESS, 0, NULL, "IP literal and port (or use socket)"},
	{"sentinels", HL_OPT_STRING_LIST, 0, NULL,
	 "Redis Sentinels (IP:port each) that name the primary (or use socket or address)"},
	{"master_name", HL_OPT_STRING, 0, NULL, "the master's name the sentinels know"},
	{"prefix", HL_OPT_STRING, 0, "hl:", "prefix of every key"},
	{"connect_timeout", HL_OPT_DURATION, 0, "2s", "give up a connection attempt after"},
	{"reconnect_min", HL_OPT_DURATION, 0, "100ms", "first reconnect delay"},
	{"reconnect_max", HL_OPT_DURATION, 0, "5s", "longest reconnect delay"},
	/* issue 18, acknowledged means replicated (store/replica_ack.c) */
	{"min_replicas_ack", HL_OPT_INT, 0, "0",
	 "replicas that must confirm a write (WAIT) before it is answered 2xx; 0: none"},
	{"wait_timeout", HL_OPT_DURATION, 0, "500ms",
	 "how long a write waits for its replicas before 503; below http.timeout"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option log_schema[] = {
	{"level", HL_OPT_STRING, 0, "info", "debug, info, warn or error"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option auth_schema[] = {
	{"tokens_file", HL_OPT_STRING, 1, NULL, "YAML list of token hashes and roles"},
	{"session_idle", HL_OPT_DURATION, 0, "30m", "a person's session ends unused this long"},
	{"session_lifetime", HL_OPT_DURATION, 0, "12h", "a session ends this long after login"},
	{"login_floor", HL_OPT_DURATION, 0, "500ms", "no login answer comes sooner than this"},
	{"login_failure_window", HL_OPT_DURATION, 0, "15m",
	 "the window the login failure limits count in"},
	{"login_failures_per_account", HL_OPT_INT, 0, "5",
	 "failed logins of one account in the window before 429"},
	{"login_failures_per_address", HL_OPT_INT, 0, "20",
	 "failed logins from one client address in the window before 429"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option intake_schema[] = {
	{"idempotency_ttl", HL_OPT_DURATION, 0, "24h", "how long an Idempotency-Key is kept"},
	{"board_rate_limit", HL_OPT_INT, 0, "20", "board tickets per citizen address per window"},
	{"board_rate_window", HL_OPT_DURATION, 0, "10m", "the window of board_rate_limit"},
	{"client_address_header", HL_OPT_STRING, 0, "X-Forwarded-For",
	 "header in which the portal passes the citizen's address"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option routing_schema[] = {
	{"plugin_timeout", HL_OPT_DURATION, 0, "1500ms",
	 "budget of a routing plugin's answer (at most half heartbeat_lapse)"},
	{"reclaim_idle", HL_OPT_DURATION, 0, "30s",
	 "take over routing work a stopped daemon left pending this long"},
	{"max_returns", HL_OPT_INT, 0, "2", "approved returns (退单) before manual dispatch"},
	{"max_attempts", HL_OPT_INT, 0, "5",
	 "times routing may begin on a ticket without finishing (a daemon died meanwhile) "
	 "before it is left for manual dispatch"},
	{"related_window", HL_OPT_DURATION, 0, "72h",
	 "how far back related tickets (same phone or address) are shown to plugins"},
	{"hand_off", HL_OPT_BOOL, 0, "true",
	 "the daemon that takes a ticket in routes it itself, under a lease of reclaim_idle "
	 "(false: every ticket goes through the routing stream)"},
	{"heartbeat", HL_OPT_DURATION, 0, "1s",
	 "how often the daemon says it is alive in the registry (at most half heartbeat_lapse)"},
	{"heartbeat_lapse", HL_OPT_DURATION, 0, "3s",
	 "a daemon not heard of this long is dead: its routing work is taken over (at least "
	 "twice plugin_timeout and twice heartbeat, at most reclaim_idle)"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option calendar_schema[] = {
	{"dir", HL_OPT_STRING, 0, "calendar", "directory of the cn-YYYY.yaml working-day files"},
	{"office_hours", HL_OPT_STRING_LIST, 0, NULL,
	 "office periods of a working day (default 09:00-12:00, 13:30-17:30)"},
	{"day_ends", HL_OPT_STRING, 0, "midnight",
	 "where a working day ends for wd deadlines: midnight or office_close"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option console_schema[] = {
	{"enabled", HL_OPT_BOOL, 0, "true", "serve the console (false: /console/ is 404)"},
	{"dir", HL_OPT_STRING, 0, NULL,
	 "folder of the console's files (contrib/console); none: the console is not served"},
	{"javascript_dir", HL_OPT_STRING, 0, "/usr/share/javascript",
	 "folder of Debian's JavaScript libraries (libjs-*), served under /javascript/"},
	{"javascript_roots", HL_OPT_STRING_LIST, 0, NULL,
	 "folders a symbolic link in javascript_dir may lead into (/usr/share/nodejs)"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option live_events_schema[] = {
	{"max_clients", HL_OPT_INT, 0, "256", "streams served at once; more get 503"},
	{"client_buffer", HL_OPT_SIZE, 0, "256KiB",
	 "bytes queued for one client that does not read before it is dropped"},
	{"heartbeat", HL_OPT_DURATION, 0, "15s", "a comment line this often keeps streams open"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option reports_schema[] = {
	{"response_weight", HL_OPT_INT, 0, "30", "weight of the response rate (响应率) in the score"},
	{"resolution_weight", HL_OPT_INT, 0, "40", "weight of the resolution rate (解决率)"},
	{"satisfaction_weight", HL_OPT_INT, 0, "30", "weight of the satisfaction rate (满意率)"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option supervision_schema[] = {
	{"accountability_forms", HL_OPT_STRING_LIST, 0, NULL,
	 "the forms an accountability record may take (问责方式); default 提醒谈话, 约谈, "
	 "通报批评, 责令检查, 诫勉, 组织处理, 党纪政务处分"},
	{NULL, 0, 0, NULL, NULL},
};

static const char *const accountability_forms_default[] = {
	"提醒谈话", "约谈", "通报批评", "责令检查", "诫勉", "组织处理", "党纪政务处分",
};

/* supervision.accountability_forms, or the default: each form a non-empty text of at
 * most 64 bytes without a comma, none twice, the list not empty. */
static int read_accountability_forms(struct hl_config *cfg, char *err, size_t errlen)
{
	const struct hl_yaml_node *list =
		hl_yaml_map_get(cfg->supervision.node, "accountability_forms");
	size_t n;

	if (list && hl_yaml_is_null(list))
		list = NULL;
	n = list ? list->count
		 : sizeof(accountability_forms_default) / sizeof(accountability_forms_default[0]);

	if (list && n == 0)
		return hl_yaml_error(err, errlen, list,
				     "key 'accountability_forms': the list must not be empty");
	if (!(cfg->accountability_forms = calloc(n, sizeof(*cfg->accountability_forms))))
		return hl_yaml_error(err, errlen, cfg->doc->root, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *form = list ? list->items[i]->text : accountability_forms_default[i];

		if (list && (!form[0] || strlen(form) > 64 || strchr(form, ',')))
			return hl_yaml_error(err, errlen, list->items[i],
					     "key 'accountability_forms': a form is a text of 1 "
					     "to 64 bytes without a comma");
		for (size_t j = 0; j < i; j++) {
			if (strcmp(cfg->accountability_forms[j], form) == 0)
				return hl_yaml_error(err, errlen, list->items[i],
						     "key 'accountability_forms': '%s' is listed "
						     "twice",
						     form);
		}
		cfg->accountability_forms[i] = form;
	}
	cfg->naccountability_forms = n;
	return 0;
}

static const struct hl_option plugin_entry_schema[] = {
	{"name", HL_OPT_STRING, 1, NULL, "the plugin, loaded from <plugin_dir>/<name>.so"},
	{"file", HL_OPT_STRING, 0, NULL, "the .so to load instead, if not <name>.so"},
	{"options", HL_OPT_SECTION, 0, NULL, "the plugin's own options"},
	{NULL, 0, 0, NULL, NULL},
};

const char *hl_config_file(const struct hl_config *cfg)
{
	return cfg->doc->file;
}

char *hl_config_resolve(const struct hl_config *cfg, const char *path)
{
	char *out;

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&out, "%s/%s", cfg->dir, path) < 0)
		return NULL;
	return out;
}

/* Where a key's value stands, or the section itself when the key is absent. */
static const struct hl_yaml_node *position_of(const struct hl_options *opts, const char *key,
					      const struct hl_yaml_node *fallback)
{
	const struct hl_yaml_node *v = hl_yaml_map_get(opts->node, key);

	if (v)
		return v;
	return opts->node ? opts->node : fallback;
}

/* A duration that must be wall-clock time (timeouts are not counted in working days). */
static int wall_ms(const struct hl_options *opts, const char *key,
		   const struct hl_yaml_node *fallback, int64_t *ms_r, char *err, size_t errlen)
{
	struct hl_duration d = hl_opt_duration(opts, key);

	if (d.unit != HL_DUR_WALL_MS)
		return hl_yaml_error(err, errlen, position_of(opts, key, fallback),
				     "key '%s': expected wall-clock time (ms, s, m, h), not "
				     "working time",
				     key);
	*ms_r = d.amount;
	return 0;
}

static int check_section(struct hl_config *cfg, struct hl_options *section, const char *key,
			 const struct hl_option *schema, char *err, size_t errlen)
{
	section->schema = schema;
	section->node = hl_opt_node(&cfg->top, key);
	section->owner = "config";
	return hl_options_check(schema, section->node, cfg->doc->root, err, errlen);
}

static int load_plugins(struct hl_config *cfg, char *err, size_t errlen)
{
	const struct hl_yaml_node *list = hl_opt_node(&cfg->top, "plugins");
	const char *dir = hl_opt_string(&cfg->top, "plugin_dir");

	if (!list)
		return 0;
	cfg->plugins = calloc(list->count ? list->count : 1, sizeof(*cfg->plugins));
	if (!cfg->plugins)
		return hl_yaml_error(err, errlen, list, "out of memory");
	for (size_t i = 0; i < list->count; i++) {
		const struct hl_yaml_node *entry = list->items[i];
		struct hl_options eo = {plugin_entry_schema, entry, "config", NULL};
		struct hl_plugin_conf *pc = &cfg->plugins[i];
		char *rel = NULL;

		if (entry->kind != HL_YAML_MAP)
			return hl_yaml_error(err, errlen, entry,
					     "expected a plugin entry (a mapping with name and "
					     "options), got %s",
					     hl_yaml_kind_name(entry));
		if (hl_options_check(plugin_entry_schema, entry, entry, err, errlen) < 0)
			return -1;
		pc->name = hl_opt_string(&eo, "name");
		pc->options = hl_opt_node(&eo, "options");
		pc->at = entry;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(cfg->plugins[j].name, pc->name) == 0)
				return hl_yaml_error(err, errlen, hl_yaml_map_get(entry, "name"),
						     "plugin '%s' is listed twice (first at line "
						     "%u)",
						     pc->name, cfg->plugins[j].at->line);
		}
		cfg->nplugins = i + 1;
		if (hl_opt_string(&eo, "file"))
			rel = strdup(hl_opt_string(&eo, "file"));
		else if (asprintf(&rel, "%s/%s.so", dir, pc->name) < 0)
			rel = NULL;
		if (!rel)
			return hl_yaml_error(err, errlen, entry, "out of memory");
		pc->file = hl_config_resolve(cfg, rel);
		free(rel);
		if (!pc->file)
			return hl_yaml_error(err, errlen, entry, "out of memory");
	}
	return 0;
}

/* A zone is a regular file under /usr/share/zoneinfo that starts with the TZif magic;
 * anything else would make the C library fall back to UTC without a word. */
static int is_zone_file(const char *tz)
{
	char path[512], magic[4];
	FILE *f;
	int ok;

	if (tz[0] == '\0' || tz[0] == '/' || strstr(tz, ".."))
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

static int check_timezone(const struct hl_config *cfg, char *err, size_t errlen)
{
	const char *tz = hl_opt_string(&cfg->top, "timezone");

	if (!is_zone_file(tz))
		return hl_yaml_error(err, errlen, position_of(&cfg->top, "timezone", cfg->doc->root),
				     "key 'timezone': expected a zone name such as Asia/Shanghai, "
				     "got '%s' (not in /usr/share/zoneinfo)",
				     tz);
	return 0;
}

/* Office hours and the end of a working day: the rules the calendar counts with. */
static int read_calendar(struct hl_config *cfg, char *err, size_t errlen)
{
	const struct hl_yaml_node *root = cfg->doc->root;
	const struct hl_yaml_node *hours = hl_yaml_map_get(cfg->calendar.node, "office_hours");
	const char *day_ends = hl_opt_string(&cfg->calendar, "day_ends");
	struct hl_calendar_rules *rules = &cfg->calendar_rules;
	char why[256];

	hl_calendar_rules_default(rules);
	if (hours && !hl_yaml_is_null(hours)) {
		if (hours->count == 0)
			return hl_yaml_error(err, errlen, hours,
					     "key 'office_hours': expected at least one office "
					     "period such as 09:00-12:00");
		rules->nperiods = 0;
		for (size_t i = 0; i < hours->count; i++) {
			if (hl_calendar_rules_add_period(rules, hours->items[i]->text, why,
							 sizeof(why)) < 0)
				return hl_yaml_error(err, errlen, hours->items[i],
						     "key 'office_hours': %s", why);
		}
	}
	if (strcmp(day_ends, "office_close") == 0)
		rules->day_end = HL_DAY_ENDS_OFFICE_CLOSE;
	else if (strcmp(day_ends, "midnight") != 0)
		return hl_yaml_error(err, errlen, position_of(&cfg->calendar, "day_ends", root),
				     "key 'day_ends': expected midnight or office_close, got '%s'",
				     day_ends);
	if (!(cfg->calendar_dir = hl_config_resolve(cfg, hl_opt_string(&cfg->calendar, "dir"))))
		return hl_yaml_error(err, errlen, root, "out of memory");
	return 0;
}

/* A folder that would let the whole file system out: "/" however spelled. */
static int whole_file_system(const char *path)
{
	return path[strspn(path, "/")] == '\0';
}

/* console.javascript_roots, resolved, or Debian's /usr/share/nodejs when the key is
 * absent ([] for none). */
static int read_javascript_roots(struct hl_config *cfg, char *err, size_t errlen)
{
	const struct hl_yaml_node *at = position_of(&cfg->console, "javascript_roots",
						    cfg->doc->root);
	int given = hl_yaml_map_get(cfg->console.node, "javascript_roots") != NULL;
	size_t n = given ? hl_opt_list_count(&cfg->console, "javascript_roots") : 1;

	if (n && !(cfg->javascript_roots = calloc(n, sizeof(char *))))
		return hl_yaml_error(err, errlen, at, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *root = given ? hl_opt_list_item(&cfg->console, "javascript_roots", i)
					 : "/usr/share/nodejs";

		if (whole_file_system(root))
			return hl_yaml_error(err, errlen, at,
					     "key 'javascript_roots': '%s' would let a link lead "
					     "anywhere; name the folders its links lead into",
					     root);
		if (!(cfg->javascript_roots[i] = hl_config_resolve(cfg, root)))
			return hl_yaml_error(err, errlen, at, "out of memory");
		cfg->njavascript_roots = i + 1;
	}
	return 0;
}

/* console.dir and console.javascript_dir, resolved, when the console is enabled. A
 * folder that is not there is not an error (the console's files may be installed after
 * hotlined): the log says so and it answers 404 until it is. */
static int read_console(struct hl_config *cfg, char *err, size_t errlen)
{
	const char *dir = hl_opt_string(&cfg->console, "dir");
	const char *js = hl_opt_string(&cfg->console, "javascript_dir");
	struct stat st;

	if (!hl_opt_bool(&cfg->console, "enabled"))
		return 0;
	if (js) {
		if (whole_file_system(js))
			return hl_yaml_error(err, errlen,
					     position_of(&cfg->console, "javascript_dir",
							 cfg->doc->root),
					     "key 'javascript_dir': '%s' would serve the whole "
					     "file system; expected Debian's /usr/share/javascript",
					     js);
		if (!(cfg->javascript_dir = hl_config_resolve(cfg, js)))
			return hl_yaml_error(err, errlen, cfg->doc->root, "out of memory");
		if (read_javascript_roots(cfg, err, errlen) < 0)
			return -1;
	}
	if (!dir)
		return 0;
	if (!(cfg->console_dir = hl_config_resolve(cfg, dir)))
		return hl_yaml_error(err, errlen, cfg->doc->root, "out of memory");
	if (stat(cfg->console_dir, &st) < 0 || !S_ISDIR(st.st_mode))
		hl_log(HL_LOG_WARN, "config",
		       "console_missing dir=\"%s\" hint=\"the console's files (contrib/console) "
		       "are not there: /console/ answers 404\"",
		       cfg->console_dir);
	return 0;
}

/* redis.min_replicas_ack and redis.wait_timeout (issue 18): with replicas to wait for, a
 * write sent just after a WAIT waits for it and for its own, so twice wait_timeout is
 * below http.timeout; and a
 * heartbeat queued behind two WAITs must still come within heartbeat_lapse - heartbeat
 * (checked after check_heartbeat). */
static int read_replica_ack(struct hl_config *cfg, char *err, size_t errlen)
{
	const struct hl_yaml_node *root = cfg->doc->root;
	long long n = hl_opt_int(&cfg->redis, "min_replicas_ack");

	if (n < 0 || n > 1000)
		return hl_yaml_error(err, errlen, position_of(&cfg->redis, "min_replicas_ack", root),
				     "key 'min_replicas_ack': expected 0 to 1000 replicas");
	cfg->redis_min_replicas_ack = (int)n;
	if (wall_ms(&cfg->redis, "wait_timeout", root, &cfg->redis_wait_timeout_ms, err, errlen))
		return -1;
	if (cfg->redis_wait_timeout_ms < 1 ||
	    (n > 0 && 2 * cfg->redis_wait_timeout_ms >= cfg->http_timeout_ms))
		return hl_yaml_error(err, errlen, position_of(&cfg->redis, "wait_timeout", root),
				     "key 'wait_timeout': expected at least 1ms and below half "
				     "http.timeout (%lld ms)",
				     (long long)cfg->http_timeout_ms);
	if (n > 0 && 2 * cfg->redis_wait_timeout_ms >
			     cfg->heartbeat_lapse_ms - cfg->heartbeat_ms)
		return hl_yaml_error(err, errlen, position_of(&cfg->redis, "wait_timeout", root),
				     "key 'wait_timeout': expected at most half of "
				     "routing.heartbeat_lapse - routing.heartbeat (%lld ms), or "
				     "heartbeats held behind WAITs make a live daemon look dead",
				     (long long)(cfg->heartbeat_lapse_ms - cfg->heartbeat_ms) / 2);
	return 0;
}

/* routing.heartbeat and routing.heartbeat_lapse (core/README.md §10). A daemon beats from
 * its event loop, so a live one looks dead only when its loop stalls longer than
 * heartbeat_lapse - heartbeat: the lapse is at least twice heartbeat (a beat may be
 * missed), at least twice plugin_timeout (the budget a routing plugin is given; a plugin
 * that overruns it on the loop must not make its daemon look dead), and at most
 * reclaim_idle (beyond it the takeover after reclaim_idle comes first). Not set, the lapse
 * is 3s brought within those bounds and the heartbeat at most half of it; set, a value
 * out of them is an error at its place. */
static int check_heartbeat(struct hl_config *cfg, const struct hl_yaml_node *root, char *err,
			   size_t errlen)
{
	int lapse_set = hl_yaml_map_get(cfg->routing.node, "heartbeat_lapse") != NULL;
	int beat_set = hl_yaml_map_get(cfg->routing.node, "heartbeat") != NULL;
	const struct hl_yaml_node *at = position_of(&cfg->routing, "heartbeat_lapse", root);

	if (!lapse_set) {
		int64_t lapse = cfg->heartbeat_lapse_ms;

		if (lapse < 2 * cfg->plugin_timeout_ms)
			lapse = 2 * cfg->plugin_timeout_ms;
		if (beat_set && lapse < 2 * cfg->heartbeat_ms)
			lapse = 2 * cfg->heartbeat_ms;
		cfg->heartbeat_lapse_ms = lapse < cfg->reclaim_idle_ms ? lapse : cfg->reclaim_idle_ms;
	}
	if (!beat_set && cfg->heartbeat_ms > cfg->heartbeat_lapse_ms / 2)
		cfg->heartbeat_ms = cfg->heartbeat_lapse_ms / 2;
	if (cfg->heartbeat_ms < 10)
		return hl_yaml_error(err, errlen, position_of(&cfg->routing, "heartbeat", root),
				     "key 'heartbeat': expected at least 10ms");
	if (cfg->heartbeat_lapse_ms < 2 * cfg->heartbeat_ms)
		return hl_yaml_error(err, errlen, at,
				     "key 'heartbeat_lapse': expected at least twice 'heartbeat', "
				     "or one late beat makes a live daemon look dead");
	if (cfg->heartbeat_lapse_ms < 2 * cfg->plugin_timeout_ms)
		return hl_yaml_error(err, errlen, at,
				     "key 'heartbeat_lapse': expected at least twice "
				     "'plugin_timeout', or a daemon held up by a plugin looks dead");
	if (cfg->heartbeat_lapse_ms > cfg->reclaim_idle_ms)
		return hl_yaml_error(err, errlen, at,
				     "key 'heartbeat_lapse': expected at most 'reclaim_idle', the "
				     "takeover it speeds up");
	return 0;
}

/* redis.sentinels (each an IP literal and a port, none twice) and redis.master_name,
 * which goes with them and only with them. */
static int read_sentinels(struct hl_config *cfg, char *err, size_t errlen)
{
	const struct hl_yaml_node *list = hl_yaml_map_get(cfg->redis.node, "sentinels");
	const struct hl_yaml_node *name = hl_yaml_map_get(cfg->redis.node, "master_name");
	char why[160];

	if (list && hl_yaml_is_null(list))
		list = NULL;
	if (name && hl_yaml_is_null(name))
		name = NULL;
	if (!list) {
		if (name)
			return hl_yaml_error(err, errlen, name,
					     "key 'master_name': only with 'sentinels'");
		return 0;
	}
	if (list->count == 0)
		return hl_yaml_error(err, errlen, list,
				     "key 'sentinels': the list must not be empty");
	if (!name || !name->text[0] || strchr(name->text, ' '))
		return hl_yaml_error(err, errlen, name ? name : list,
				     "key 'master_name': required with 'sentinels', a name "
				     "without spaces");
	if (!(cfg->redis_sentinels = calloc(list->count, sizeof(*cfg->redis_sentinels))))
		return hl_yaml_error(err, errlen, cfg->doc->root, "out of memory");
	for (size_t i = 0; i < list->count; i++) {
		struct hl_address *a = &cfg->redis_sentinels[i];

		if (hl_parse_address(list->items[i]->text, a, why, sizeof(why)) < 0 ||
		    a->port == 0)
			return hl_yaml_error(err, errlen, list->items[i],
					     "key 'sentinels': expected IP:port with a port above "
					     "0, got '%s'",
					     list->items[i]->text);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(cfg->redis_sentinels[j].host, a->host) == 0 &&
			    cfg->redis_sentinels[j].port == a->port)
				return hl_yaml_error(err, errlen, list->items[i],
						     "key 'sentinels': '%s' is listed twice",
						     list->items[i]->text);
		}
	}
	cfg->redis_nsentinels = list->count;
	cfg->redis_master_name = name->text;
	return 0;
}

static int resolve_values(struct hl_config *cfg, char *err, size_t errlen)
{
	const struct hl_yaml_node *root = cfg->doc->root;
	const char *level = hl_opt_string(&cfg->log, "level");
	const char *socket = hl_opt_string(&cfg->redis, "socket");
	const struct hl_yaml_node *addr = hl_yaml_map_get(cfg->redis.node, "address");
	const struct hl_yaml_node *sentinels = hl_yaml_map_get(cfg->redis.node, "sentinels");
	struct hl_address a;

	if (addr && hl_yaml_is_null(addr))
		addr = NULL;
	if (sentinels && hl_yaml_is_null(sentinels))
		sentinels = NULL;

	if (hl_log_parse_level(level, &cfg->log_level) < 0)
		return hl_yaml_error(err, errlen, position_of(&cfg->log, "level", root),
				     "key 'level': expected debug, info, warn or error, got '%s'",
				     level);
	if (check_timezone(cfg, err, errlen) < 0)
		return -1;
	if (wall_ms(&cfg->top, "shutdown_timeout", root, &cfg->shutdown_timeout_ms, err, errlen) ||
	    wall_ms(&cfg->http, "timeout", root, &cfg->http_timeout_ms, err, errlen) ||
	    wall_ms(&cfg->redis, "connect_timeout", root, &cfg->redis_connect_timeout_ms, err,
		    errlen) ||
	    wall_ms(&cfg->redis, "reconnect_min", root, &cfg->redis_reconnect_min_ms, err,
		    errlen) ||
	    wall_ms(&cfg->redis, "reconnect_max", root, &cfg->redis_reconnect_max_ms, err,
		    errlen) ||
	    wall_ms(&cfg->intake, "idempotency_ttl", root, &cfg->idempotency_ttl_ms, err,
		    errlen) ||
	    wall_ms(&cfg->intake, "board_rate_window", root, &cfg->board_rate_window_ms, err,
		    errlen) ||
	    wall_ms(&cfg->routing, "plugin_timeout", root, &cfg->plugin_timeout_ms, err, errlen) ||
	    wall_ms(&cfg->routing, "reclaim_idle", root, &cfg->reclaim_idle_ms, err, errlen) ||
	    wall_ms(&cfg->routing, "related_window", root, &cfg->related_window_ms, err, errlen) ||
	    wall_ms(&cfg->routing, "heartbeat", root, &cfg->heartbeat_ms, err, errlen) ||
	    wall_ms(&cfg->routing, "heartbeat_lapse", root, &cfg->heartbeat_lapse_ms, err,
		    errlen) ||
	    wall_ms(&cfg->auth, "session_idle", root, &cfg->session_idle_ms, err, errlen) ||
	    wall_ms(&cfg->auth, "session_lifetime", root, &cfg->session_lifetime_ms, err,
		    errlen) ||
	    wall_ms(&cfg->auth, "login_floor", root, &cfg->login_floor_ms, err, errlen) ||
	    wall_ms(&cfg->auth, "login_failure_window", root, &cfg->login_failure_window_ms, err,
		    errlen))
		return -1;
	cfg->hand_off = hl_opt_bool(&cfg->routing, "hand_off");
	if (cfg->session_idle_ms < 1000 || cfg->session_lifetime_ms < cfg->session_idle_ms)
		return hl_yaml_error(err, errlen,
				     position_of(&cfg->auth, "session_lifetime", root),
				     "keys 'session_idle' and 'session_lifetime': expected "
				     "session_idle at least 1s and session_lifetime at least "
				     "session_idle");
	if (cfg->login_failure_window_ms < 1000 || cfg->login_floor_ms > 10000)
		return hl_yaml_error(err, errlen,
				     position_of(&cfg->auth, "login_failure_window", root),
				     "keys 'login_failure_window' and 'login_floor': expected "
				     "login_failure_window at least 1s and login_floor at most 10s");
	if (hl_opt_int(&cfg->auth, "login_failures_per_account") < 1 ||
	    hl_opt_int(&cfg->auth, "login_failures_per_address") < 1)
		return hl_yaml_error(err, errlen,
				     position_of(&cfg->auth, "login_failures_per_account", root),
				     "keys 'login_failures_per_account' and "
				     "'login_failures_per_address': expected at least 1");
	if (cfg->plugin_timeout_ms < 1 || cfg->reclaim_idle_ms < 100)
		return hl_yaml_error(err, errlen, cfg->routing.node ? cfg->routing.node : root,
				     "keys 'plugin_timeout' and 'reclaim_idle': expected at least "
				     "1ms and 100ms");
	/* a daemon still routing a ticket (up to plugin_timeout) must not look dead */
	if (cfg->reclaim_idle_ms < 2 * cfg->plugin_timeout_ms)
		return hl_yaml_error(err, errlen, position_of(&cfg->routing, "reclaim_idle", root),
				     "key 'reclaim_idle': expected at least twice "
				     "'plugin_timeout', or routing still under way is taken over "
				     "by another daemon");
	if (check_heartbeat(cfg, root, err, errlen) < 0)
		return -1;
	if (hl_opt_int(&cfg->routing, "max_returns") < 0)
		return hl_yaml_error(err, errlen, position_of(&cfg->routing, "max_returns", root),
				     "key 'max_returns': expected 0 or more");
	if (hl_opt_int(&cfg->routing, "max_attempts") < 1)
		return hl_yaml_error(err, errlen, position_of(&cfg->routing, "max_attempts", root),
				     "key 'max_attempts': expected 1 or more");
	if (cfg->idempotency_ttl_ms < 1000 || cfg->board_rate_window_ms < 1000)
		return hl_yaml_error(err, errlen, cfg->intake.node ? cfg->intake.node : root,
				     "keys 'idempotency_ttl' and 'board_rate_window': expected "
				     "at least 1s");
	if (hl_opt_int(&cfg->intake, "board_rate_limit") < 1)
		return hl_yaml_error(err, errlen,
				     position_of(&cfg->intake, "board_rate_limit", root),
				     "key 'board_rate_limit': expected at least 1");
	if (cfg->shutdown_timeout_ms <= 0)
		return hl_yaml_error(err, errlen, position_of(&cfg->top, "shutdown_timeout", root),
				     "key 'shutdown_timeout': expected a time above 0");
	if (cfg->redis_connect_timeout_ms <= 0)
		return hl_yaml_error(err, errlen, position_of(&cfg->redis, "connect_timeout", root),
				     "key 'connect_timeout': expected a time above 0");
	if (cfg->redis_reconnect_min_ms <= 0 ||
	    cfg->redis_reconnect_max_ms < cfg->redis_reconnect_min_ms)
		return hl_yaml_error(err, errlen, position_of(&cfg->redis, "reconnect_max", root),
				     "key 'reconnect_max': expected at least reconnect_min, and "
				     "reconnect_min above 0");
	if (read_replica_ack(cfg, err, errlen) < 0)
		return -1;
	if ((socket != NULL) + (addr != NULL) + (sentinels != NULL) != 1)
		return hl_yaml_error(err, errlen, cfg->redis.node,
				     "expected exactly one of 'socket', 'address' or 'sentinels' "
				     "for redis");
	if (read_sentinels(cfg, err, errlen) < 0)
		return -1;
	if (addr && (hl_opt_address(&cfg->redis, "address", &a) < 0 || a.port == 0))
		return hl_yaml_error(err, errlen, addr, "key 'address': expected a port above 0");
	if (socket && !(cfg->redis_socket = hl_config_resolve(cfg, socket)))
		return hl_yaml_error(err, errlen, root, "out of memory");
	if (hl_opt_int(&cfg->live_events, "max_clients") < 1)
		return hl_yaml_error(err, errlen,
				     position_of(&cfg->live_events, "max_clients", root),
				     "key 'max_clients': expected 1 or more");
	if (hl_opt_size(&cfg->live_events, "client_buffer") < 4096)
		return hl_yaml_error(err, errlen,
				     position_of(&cfg->live_events, "client_buffer", root),
				     "key 'client_buffer': expected at least 4KiB");
	if (wall_ms(&cfg->live_events, "heartbeat", root, &cfg->live_heartbeat_ms, err, errlen))
		return -1;
	if (cfg->live_heartbeat_ms < 100)
		return hl_yaml_error(err, errlen, position_of(&cfg->live_events, "heartbeat", root),
				     "key 'heartbeat': expected at least 100ms");
	if (read_console(cfg, err, errlen) < 0)
		return -1;
	if (!(cfg->routes_dir = hl_config_resolve(cfg, hl_opt_string(&cfg->top, "routes"))) ||
	    !(cfg->tokens_file = hl_config_resolve(cfg, hl_opt_string(&cfg->auth, "tokens_file"))))
		return hl_yaml_error(err, errlen, root, "out of memory");
	return 0;
}

int hl_config_load(const char *path, struct hl_config **cfg_r, char *err, size_t errlen)
{
	struct hl_config *cfg = calloc(1, sizeof(*cfg));
	const char *slash;

	if (!cfg) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (hl_yaml_load_file(path, &cfg->doc, err, errlen) < 0)
		goto fail;
	slash = strrchr(path, '/');
	cfg->dir = slash ? strndup(path, (size_t)(slash - path + (slash == path))) : strdup(".");
	if (!cfg->dir) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (!cfg->doc->root) {
		snprintf(err, errlen, "%s:1:1: the file is empty; expected a mapping with at least "
				      "'redis' and 'routes'",
			 path);
		goto fail;
	}
	cfg->top = (struct hl_options){top_schema, cfg->doc->root, "config", NULL};
	if (hl_options_check(top_schema, cfg->doc->root, cfg->doc->root, err, errlen) < 0 ||
	    check_section(cfg, &cfg->http, "http", http_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->redis, "redis", redis_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->log, "log", log_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->auth, "auth", auth_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->intake, "intake", intake_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->routing, "routing", routing_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->reports, "reports", reports_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->calendar, "calendar", calendar_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->console, "console", console_schema, err, errlen) < 0 ||
	    check_section(cfg, &cfg->live_events, "live_events", live_events_schema, err,
			  errlen) < 0 ||
	    check_section(cfg, &cfg->supervision, "supervision", supervision_schema, err,
			  errlen) < 0 ||
	    read_accountability_forms(cfg, err, errlen) < 0 ||
	    resolve_values(cfg, err, errlen) < 0 || read_calendar(cfg, err, errlen) < 0 ||
	    load_plugins(cfg, err, errlen) < 0)
		goto fail;
	*cfg_r = cfg;
	return 0;
fail:
	hl_config_free(cfg);
	return -1;
}

void hl_config_free(struct hl_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nplugins; i++)
		free(cfg->plugins[i].file);
	free(cfg->plugins);
	free(cfg->accountability_forms);
	free(cfg->redis_socket);
	free(cfg->redis_sentinels);
	free(cfg->routes_dir);
	free(cfg->tokens_file);
	free(cfg->calendar_dir);
	free(cfg->console_dir);
	free(cfg->javascript_dir);
	for (size_t i = 0; i < cfg->njavascript_roots; i++)
		free(cfg->javascript_roots[i]);
	free(cfg->javascript_roots);
	free(cfg->dir);
	hl_yaml_free(cfg->doc);
	free(cfg);
}
