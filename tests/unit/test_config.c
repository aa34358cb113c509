/* Unit tests for the configuration loader: good files read through the typed getters,
 * and bad files refused with the exact file:line:column and what was expected. Also the
 * department list under routes/. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "harness.h"
#include "config/routes.h"

static char dir[256];

static void setup(void)
{
	hlt_tmpdir(dir, sizeof(dir));
}

static void teardown(void)
{
	hlt_rmtree(dir);
}

TestSuite(config, .init = setup, .fini = teardown);

static const char *const minimal = "redis:\n  socket: /tmp/r.sock\nroutes: routes\n";

/* Writes text as dir/hotlined.yaml, with the required auth section added at the end
 * (where it moves no position) unless text has one. */
static void write_config(const char *text, char *path, size_t len)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s%s", text,
		 !text[0] || strstr(text, "auth:") ? "" : "auth:\n  tokens_file: tokens.yaml\n");
	hlt_write_file(dir, "hotlined.yaml", full, path, len);
}

static struct hl_config *load_ok(const char *text)
{
	char path[512], err[1024] = "";
	struct hl_config *cfg = NULL;

	write_config(text, path, sizeof(path));
	cr_assert_eq(hl_config_load(path, &cfg, err, sizeof(err)), 0, "refused: %s", err);
	return cfg;
}

/* Loads text and expects it refused with "<path>:<where>: ..." containing `what`. */
static void load_bad(const char *text, const char *where, const char *what)
{
	char path[512], err[1024] = "", prefix[600];
	struct hl_config *cfg = NULL;

	write_config(text, path, sizeof(path));
	cr_assert_eq(hl_config_load(path, &cfg, err, sizeof(err)), -1, "accepted:\n%s", text);
	snprintf(prefix, sizeof(prefix), "%s:%s: ", path, where);
	cr_assert(strncmp(err, prefix, strlen(prefix)) == 0, "wanted position %s in: %s", where,
		  err);
	cr_assert(strstr(err, what), "wanted '%s' in: %s", what, err);
}

Test(config, minimal_file_gets_defaults)
{
	struct hl_config *cfg = load_ok(minimal);
	struct hl_address a;

	cr_assert_eq(hl_opt_address(&cfg->http, "listen", &a), 0);
	cr_expect_str_eq(a.host, "127.0.0.1");
	cr_expect_eq(a.port, 12345);
	cr_expect_eq(hl_opt_size(&cfg->http, "max_body"), 64 * 1024);
	cr_expect_eq(cfg->http_timeout_ms, 30000);
	cr_expect_str_eq(hl_opt_string(&cfg->redis, "prefix"), "hl:");
	cr_expect_str_eq(hl_opt_string(&cfg->top, "timezone"), "Asia/Shanghai");
	cr_expect_eq(cfg->redis_connect_timeout_ms, 2000);
	cr_expect_eq(cfg->redis_reconnect_min_ms, 100);
	cr_expect_eq(cfg->redis_reconnect_max_ms, 5000);
	cr_expect_eq(cfg->log_level, HL_LOG_INFO);
	cr_expect_str_eq(cfg->redis_socket, "/tmp/r.sock");
	cr_expect_eq(cfg->nplugins, 0);
	hl_config_free(cfg);
}

Test(config, full_file_read_through_getters)
{
	struct hl_config *cfg = load_ok("http:\n"
					"  listen: \"[::1]:8080\"\n"
					"  max_body: 1MiB\n"
					"  timeout: 1m30s\n"
					"redis:\n"
					"  address: 127.0.0.1:6380\n"
					"  prefix: \"city:\"\n"
					"log:\n"
					"  level: warn\n"
					"timezone: Asia/Urumqi\n"
					"routes: /srv/routes\n"
					"plugin_dir: lib\n"
					"plugins:\n"
					"  - name: log\n"
					"    options: {level: debug}\n"
					"  - name: webhook\n"
					"    file: /opt/webhook.so\n");
	struct hl_address a;

	cr_assert_eq(hl_opt_address(&cfg->http, "listen", &a), 0);
	cr_expect_str_eq(a.host, "::1");
	cr_expect_eq(a.port, 8080);
	cr_expect_eq(hl_opt_size(&cfg->http, "max_body"), 1 << 20);
	cr_expect_eq(cfg->http_timeout_ms, 90000);
	cr_expect_null(cfg->redis_socket);
	cr_assert_eq(hl_opt_address(&cfg->redis, "address", &a), 0);
	cr_expect_eq(a.port, 6380);
	cr_expect_str_eq(hl_opt_string(&cfg->redis, "prefix"), "city:");
	cr_expect_eq(cfg->log_level, HL_LOG_WARN);
	cr_expect_str_eq(cfg->routes_dir, "/srv/routes");
	cr_assert_eq(cfg->nplugins, 2);
	cr_expect_str_eq(cfg->plugins[0].name, "log");
	char want[600];
	snprintf(want, sizeof(want), "%s/lib/log.so", dir);
	cr_expect_str_eq(cfg->plugins[0].file, want);
	cr_expect_not_null(cfg->plugins[0].options);
	cr_expect_str_eq(cfg->plugins[1].file, "/opt/webhook.so");
	cr_expect_null(cfg->plugins[1].options);
	hl_config_free(cfg);
}

Test(config, unknown_top_level_key)
{
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: r\nlisen: 1\n", "4:1",
		 "unknown key 'lisen' (expected one of: http, redis, log, auth, intake, routing, reports, timezone");
}

Test(config, unknown_key_in_section)
{
	load_bad("http:\n  max_bodi: 1KiB\nredis:\n  socket: /tmp/r.sock\nroutes: r\n", "2:3",
		 "unknown key 'max_bodi' (expected one of: listen, max_body, timeout, secure_cookies)");
}

Test(config, wrong_value_type)
{
	load_bad("http:\n  max_body: lots\nredis:\n  socket: /tmp/r.sock\nroutes: r\n", "2:13",
		 "key 'max_body': expected a size such as 65536, 64KiB, 1MiB or 1GiB, got 'lots'");
	load_bad("http:\n  listen: localhost:80\nredis:\n  socket: /tmp/r.sock\nroutes: r\n",
		 "2:11", "key 'listen': expected an IP address and port");
	load_bad("http: [1, 2]\nredis:\n  socket: /tmp/r.sock\nroutes: r\n", "1:7",
		 "key 'http': expected a mapping, got a sequence");
}

Test(config, bad_duration)
{
	load_bad("redis:\n  socket: /tmp/r.sock\n  connect_timeout: 2 seconds\nroutes: r\n",
		 "3:20", "key 'connect_timeout': expected a duration such as 30m");
}

Test(config, working_time_refused_for_timeouts)
{
	load_bad("http:\n  timeout: 2wd\nredis:\n  socket: /tmp/r.sock\nroutes: r\n", "2:12",
		 "key 'timeout': expected wall-clock time (ms, s, m, h), not working time");
}

Test(config, missing_required_key)
{
	load_bad("redis:\n  socket: /tmp/r.sock\n", "1:1", "missing required key 'routes'");
}

Test(config, redis_needs_exactly_one_target)
{
	load_bad("redis:\n  prefix: x\nroutes: r\n", "2:3",
		 "expected exactly one of 'socket', 'address' or 'sentinels'");
	load_bad("redis:\n  socket: /a\n  address: 127.0.0.1:1\nroutes: r\n", "2:3",
		 "expected exactly one of 'socket', 'address' or 'sentinels'");
}

Test(config, redis_sentinels)
{
	struct hl_config *cfg =
		load_ok("redis:\n  sentinels: [127.0.0.1:26391, '[::1]:26392']\n"
			"  master_name: hotline\nroutes: r\n");

	cr_assert_eq(cfg->redis_nsentinels, 2);
	cr_assert_str_eq(cfg->redis_sentinels[0].host, "127.0.0.1");
	cr_assert_eq(cfg->redis_sentinels[0].port, 26391);
	cr_assert_str_eq(cfg->redis_sentinels[1].host, "::1");
	cr_assert_str_eq(cfg->redis_master_name, "hotline");
	cr_assert_null(cfg->redis_socket);
	hl_config_free(cfg);

	load_bad("redis:\n  socket: /a\n  sentinels: [127.0.0.1:1]\n  master_name: m\nroutes: r\n",
		 "2:3", "expected exactly one of 'socket', 'address' or 'sentinels'");
	load_bad("redis:\n  sentinels: [127.0.0.1:1]\nroutes: r\n", "2:14",
		 "key 'master_name': required with 'sentinels'");
	load_bad("redis:\n  socket: /a\n  master_name: m\nroutes: r\n", "3:16",
		 "key 'master_name': only with 'sentinels'");
	load_bad("redis:\n  sentinels: []\n  master_name: m\nroutes: r\n", "2:14",
		 "key 'sentinels': the list must not be empty");
	load_bad("redis:\n  sentinels:\n    - 127.0.0.1:1\n    - localhost:2\n"
		 "  master_name: m\nroutes: r\n",
		 "4:7", "key 'sentinels': expected IP:port with a port above 0, got 'localhost:2'");
	load_bad("redis:\n  sentinels: [127.0.0.1:1, 127.0.0.1:0]\n  master_name: m\nroutes: r\n",
		 "2:28", "expected IP:port with a port above 0, got '127.0.0.1:0'");
	load_bad("redis:\n  sentinels: [127.0.0.1:1, 127.0.0.1:1]\n  master_name: m\nroutes: r\n",
		 "2:28", "key 'sentinels': '127.0.0.1:1' is listed twice");
	load_bad("redis:\n  sentinels: 127.0.0.1:1\n  master_name: m\nroutes: r\n", "2:14",
		 "key 'sentinels': expected a list of strings");
}

Test(config, bad_log_level_and_timezone)
{
	load_bad("redis:\n  socket: /a\nroutes: r\nlog:\n  level: loud\n", "5:10",
		 "key 'level': expected debug, info, warn or error, got 'loud'");
	load_bad("redis:\n  socket: /a\nroutes: r\ntimezone: Mars/Olympus\n", "4:11",
		 "expected a zone name such as Asia/Shanghai");
}

Test(config, values_that_would_misbehave_are_refused)
{
	load_bad("redis:\n  socket: /a\nroutes: r\nshutdown_timeout: 0s\n", "4:19",
		 "key 'shutdown_timeout': expected a time above 0");
	load_bad("redis:\n  socket: /a\n  connect_timeout: 0ms\nroutes: r\n", "3:20",
		 "key 'connect_timeout': expected a time above 0");
	load_bad("redis:\n  address: 127.0.0.1:0\nroutes: r\n", "2:12",
		 "key 'address': expected a port above 0");
	load_bad("redis:\n  address: ~\nroutes: r\n", "2:3",
		 "expected exactly one of 'socket', 'address' or 'sentinels'");
	load_bad("redis:\n  socket: /a\nroutes: r\ntimezone: Asia\n", "4:11",
		 "expected a zone name such as Asia/Shanghai");
	load_bad("redis:\n  socket: /a\nroutes: r\ntimezone: zone.tab\n", "4:11",
		 "expected a zone name such as Asia/Shanghai");
	load_bad("redis:\n  socket: /a\nroutes: r\nrouting:\n  max_attempts: 0\n", "5:17",
		 "key 'max_attempts': expected 1 or more");
	load_bad("redis:\n  socket: /a\nroutes: r\nrouting:\n  reclaim_idle: 2s\n", "5:17",
		 "key 'reclaim_idle': expected at least twice 'plugin_timeout'");
}

Test(config, replicas_ack_defaults_and_refusals)
{
	struct hl_config *cfg = load_ok(minimal);

	cr_expect_eq(cfg->redis_min_replicas_ack, 0);
	cr_expect_eq(cfg->redis_wait_timeout_ms, 500);
	hl_config_free(cfg);
	cfg = load_ok("redis:\n  address: 127.0.0.1:6391\n  min_replicas_ack: 2\n"
		      "  wait_timeout: 1s\nroutes: r\n");
	cr_expect_eq(cfg->redis_min_replicas_ack, 2);
	cr_expect_eq(cfg->redis_wait_timeout_ms, 1000);
	hl_config_free(cfg);
	/* a heartbeat held behind two WAITs must not make its daemon look dead */
	load_bad("redis:\n  address: 127.0.0.1:6391\n  min_replicas_ack: 1\n"
		 "  wait_timeout: 1001ms\nroutes: r\n",
		 "4:17", "expected at most half of routing.heartbeat_lapse - routing.heartbeat");
	cfg = load_ok("redis:\n  address: 127.0.0.1:6391\n  wait_timeout: 2s\nroutes: r\n");
	hl_config_free(cfg); /* without replicas to wait for, no WAIT holds a beat */
	load_bad("redis:\n  socket: /a\n  min_replicas_ack: -1\nroutes: r\n", "3:21",
		 "key 'min_replicas_ack': expected 0 to 1000 replicas");
	load_bad("redis:\n  socket: /a\n  min_replicas_ack: one\nroutes: r\n", "3:21",
		 "min_replicas_ack");
	load_bad("redis:\n  socket: /a\n  wait_timeout: 0ms\nroutes: r\n", "3:17",
		 "key 'wait_timeout': expected at least 1ms and below half http.timeout");
	load_bad("http:\n  timeout: 1s\nredis:\n  socket: /a\n  min_replicas_ack: 1\n"
		 "  wait_timeout: 500ms\nroutes: r\n",
		 "6:17", "below half http.timeout (1000 ms)");
	cfg = load_ok("http:\n  timeout: 1s\nredis:\n  socket: /a\nroutes: r\n");
	hl_config_free(cfg); /* the default wait_timeout waits for nothing without replicas */
	load_bad("redis:\n  socket: /a\n  wait_timeout: 1wd\nroutes: r\n", "3:17",
		 "key 'wait_timeout': expected wall-clock time");
}

Test(config, peoples_logins_defaults_and_refusals)
{
	struct hl_config *cfg = load_ok(minimal);

	cr_expect_eq(cfg->session_idle_ms, 30 * 60 * 1000);
	cr_expect_eq(cfg->session_lifetime_ms, 12 * 3600 * 1000);
	cr_expect_eq(cfg->login_floor_ms, 500);
	cr_expect_eq(cfg->login_failure_window_ms, 15 * 60 * 1000);
	cr_expect_eq(hl_opt_int(&cfg->auth, "login_failures_per_account"), 5);
	cr_expect_eq(hl_opt_int(&cfg->auth, "login_failures_per_address"), 20);
	cr_expect_not(hl_opt_bool(&cfg->http, "secure_cookies"));
	hl_config_free(cfg);
	cfg = load_ok("http:\n  secure_cookies: true\nredis:\n  socket: /a\nroutes: r\n");
	cr_expect(hl_opt_bool(&cfg->http, "secure_cookies"));
	hl_config_free(cfg);
	load_bad("redis:\n  socket: /a\nroutes: r\nauth:\n  tokens_file: t\n"
		 "  session_idle: 2h\n  session_lifetime: 1h\n",
		 "7:21", "session_lifetime at least session_idle");
	load_bad("redis:\n  socket: /a\nroutes: r\nauth:\n  tokens_file: t\n"
		 "  session_idle: 2wd\n",
		 "6:17", "key 'session_idle': expected wall-clock time");
	load_bad("redis:\n  socket: /a\nroutes: r\nauth:\n  tokens_file: t\n"
		 "  login_failures_per_account: 0\n",
		 "6:31", "expected at least 1");
	load_bad("redis:\n  socket: /a\nroutes: r\nauth:\n  tokens_file: t\n"
		 "  login_floor: 1m\n  login_failure_window: 10s\n",
		 "7:25", "login_floor at most 10s");
	load_bad("http:\n  secure_cookies: maybe\nredis:\n  socket: /a\nroutes: r\n", "2:19",
		 "secure_cookies");
}

Test(config, invalid_utf8_placed_on_its_line)
{
	load_bad("redis:\n  socket: /a\nroutes: \"\xe6\xad\xa6\xff\"\n", "3:11",
		 "invalid leading UTF-8 octet");
}

Test(config, anchors_refused)
{
	load_bad("redis:\n  socket: /a\nroutes: &r r\n", "3:9", "anchors");
}

Test(config, yaml_syntax_error)
{
	load_bad("auth: {tokens_file: t}\nredis:\n  socket: \"/tmp/r.sock\nroutes: r\n", "5:1",
		 "found unexpected end");
	load_bad("redis: {socket: /a\nroutes: r\n", "2:7", "did not find expected ',' or '}'");
}

Test(config, duplicate_key)
{
	load_bad("redis:\n  socket: /a\nroutes: r\nroutes: s\n", "4:1",
		 "duplicate key 'routes' (first at line 3, column 1)");
}

Test(config, aliases_refused)
{
	load_bad("redis:\n  socket: /a\nroutes: r\nhttp: *r\n", "4:7", "aliases");
}

Test(config, plugin_entries)
{
	load_bad("redis:\n  socket: /a\nroutes: r\nplugins:\n  - name: log\n    option: {}\n",
		 "6:5", "unknown key 'option' (expected one of: name, file, options)");
	load_bad("redis:\n  socket: /a\nroutes: r\nplugins:\n  - log\n", "5:5",
		 "expected a plugin entry");
	load_bad("redis:\n  socket: /a\nroutes: r\nplugins:\n  - file: x.so\n", "5:5",
		 "missing required key 'name'");
	load_bad("redis:\n  socket: /a\nroutes: r\nplugins:\n  - name: log\n  - name: log\n",
		 "6:11", "plugin 'log' is listed twice (first at line 5)");
}

Test(config, empty_and_missing_files)
{
	char err[1024];
	struct hl_config *cfg;

	load_bad("", "1:1", "the file is empty");
	cr_assert_eq(hl_config_load("/nonexistent/hotlined.yaml", &cfg, err, sizeof(err)), -1);
	cr_expect(strstr(err, "/nonexistent/hotlined.yaml: cannot open"), "%s", err);
}

Test(config, shipped_configuration_loads)
{
	char err[1024] = "";
	struct hl_config *cfg;

	cr_assert_eq(hl_config_load(HL_SOURCE_DIR "/etc/hotlined.yaml", &cfg, err, sizeof(err)), 0,
		     "%s", err);
	/* routers first, in the order that decides (keyword before its district fallback) */
	const char *order[] = {"keyword", "district", "tv", "dedup", "escalation", "log"};
	cr_assert_eq(cfg->nplugins, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < cfg->nplugins; i++)
		cr_expect_str_eq(cfg->plugins[i].name, order[i]);
	hl_config_free(cfg);
}

Test(routes, shipped_department_list)
{
	char err[1024] = "";
	struct hl_routes *routes;
	const struct hl_department *d;

	cr_assert_eq(hl_routes_load(HL_SOURCE_DIR "/routes", &routes, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_eq(routes->ndepartments, 37);
	d = hl_routes_department(routes, "water");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->name, "武汉市水务集团有限公司");
	cr_expect_eq(d->kind, HL_DEPT_ENTERPRISE);
	d = hl_routes_department(routes, "d.donghu");
	cr_assert_not_null(d);
	cr_expect_eq(d->kind, HL_DEPT_DISTRICT);
	cr_expect_null(hl_routes_department(routes, "nobody"));
	hl_routes_free(routes);
}

static void routes_bad(const char *text, const char *where, const char *what)
{
	char path[512], err[1024] = "", prefix[600];
	struct hl_routes *routes;

	hlt_write_file(dir, "departments.yaml", text, path, sizeof(path));
	cr_assert_eq(hl_routes_load(dir, &routes, err, sizeof(err)), -1, "accepted:\n%s", text);
	snprintf(prefix, sizeof(prefix), "%s:%s: ", path, where);
	cr_assert(strncmp(err, prefix, strlen(prefix)) == 0, "wanted %s in: %s", where, err);
	cr_assert(strstr(err, what), "wanted '%s' in: %s", what, err);
}

Test(config, bad_department_lists)
{
	routes_bad("departments:\n  - code: water\n    name: 水务\n    kind: utility\n", "4:11",
		   "key 'kind': expected municipal, enterprise or district, got 'utility'");
	routes_bad("departments:\n  - code: Water\n    name: 水务\n    kind: enterprise\n", "2:11",
		   "key 'code': expected lower-case letters");
	routes_bad("departments:\n  - {code: a, name: A, kind: district}\n"
		   "  - {code: a, name: B, kind: district}\n",
		   "3:12", "department code 'a' is used twice");
	routes_bad("departments:\n  - code: a\n    kind: district\n", "2:5",
		   "missing required key 'name'");
	routes_bad("departments: []\n", "1:14", "expected at least one department");
	routes_bad("department:\n  - {code: a}\n", "1:1", "unknown key 'department'");
}

Test(config, console_dir_resolved_and_live_events_checked)
{
	struct hl_config *cfg = load_ok("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
					"console:\n  dir: console\nlive_events:\n  heartbeat: 1s\n");
	char want[600];

	snprintf(want, sizeof(want), "%s/console", dir);
	cr_expect_str_eq(cfg->console_dir, want);
	cr_expect_eq(cfg->live_heartbeat_ms, 1000);
	cr_expect_eq(hl_opt_int(&cfg->live_events, "max_clients"), 256);
	hl_config_free(cfg);
	/* switched off, or no folder named: not served */
	cfg = load_ok("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
		      "console:\n  enabled: false\n  dir: console\n");
	cr_expect_null(cfg->console_dir);
	hl_config_free(cfg);
	cfg = load_ok(minimal);
	cr_expect_null(cfg->console_dir);
	hl_config_free(cfg);
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\nlive_events:\n  max_clients: 0\n",
		 "5:16", "max_clients");
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\nlive_events:\n  heartbeat: 10ms\n",
		 "5:14", "heartbeat");
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\nconsole:\n  dirs: x\n", "5:3",
		 "dirs");
}

Test(config, javascript_dir_and_its_link_roots)
{
	struct hl_config *cfg = load_ok(minimal);
	char want[600];

	/* Debian's folders by default */
	cr_expect_str_eq(cfg->javascript_dir, "/usr/share/javascript");
	cr_assert_eq(cfg->njavascript_roots, 1);
	cr_expect_str_eq(cfg->javascript_roots[0], "/usr/share/nodejs");
	hl_config_free(cfg);
	/* relative to the file; [] for no link roots */
	cfg = load_ok("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
		      "console:\n  javascript_dir: js\n  javascript_roots: []\n");
	snprintf(want, sizeof(want), "%s/js", dir);
	cr_expect_str_eq(cfg->javascript_dir, want);
	cr_expect_eq(cfg->njavascript_roots, 0);
	hl_config_free(cfg);
	cfg = load_ok("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
		      "console:\n  javascript_roots: [node, /opt/js]\n");
	snprintf(want, sizeof(want), "%s/node", dir);
	cr_assert_eq(cfg->njavascript_roots, 2);
	cr_expect_str_eq(cfg->javascript_roots[0], want);
	cr_expect_str_eq(cfg->javascript_roots[1], "/opt/js");
	hl_config_free(cfg);
	/* the console off: nothing served */
	cfg = load_ok("redis:\n  socket: /tmp/r.sock\nroutes: routes\nconsole:\n  enabled: false\n");
	cr_expect_null(cfg->javascript_dir);
	hl_config_free(cfg);
	/* the whole file system is refused, where it is written */
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\nconsole:\n  javascript_dir: //\n",
		 "5:19", "key 'javascript_dir': '//' would serve the whole file system");
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\nconsole:\n"
		 "  javascript_roots: [/usr/share/nodejs, /]\n",
		 "5:21", "key 'javascript_roots': '/' would let a link lead anywhere");
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\nconsole:\n"
		 "  javascript_roots: /usr/share/nodejs\n",
		 "5:21", "javascript_roots");
}

Test(config, accountability_forms_default_or_configured_and_checked)
{
	struct hl_config *cfg = load_ok(minimal);

	cr_assert_eq(cfg->naccountability_forms, 7);
	cr_expect_str_eq(cfg->accountability_forms[0], "提醒谈话");
	cr_expect_str_eq(cfg->accountability_forms[6], "党纪政务处分");
	hl_config_free(cfg);
	cfg = load_ok("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
		      "supervision:\n  accountability_forms: [约谈, 停职检查]\n");
	cr_assert_eq(cfg->naccountability_forms, 2);
	cr_expect_str_eq(cfg->accountability_forms[1], "停职检查");
	hl_config_free(cfg);
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
		 "supervision:\n  accountability_forms:\n    - 约谈\n    - 诫勉\n    - 约谈\n",
		 "8:7", "'约谈' is listed twice");
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
		 "supervision:\n  accountability_forms: []\n",
		 "5:25", "must not be empty");
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
		 "supervision:\n  accountability_forms: [\"约谈,诫勉\"]\n",
		 "5:26", "without a comma");
	load_bad("redis:\n  socket: /tmp/r.sock\nroutes: routes\n"
		 "supervision:\n  forms: [约谈]\n",
		 "5:3", "forms");
}
