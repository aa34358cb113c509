/* The store's layout (core/README.md §4): a store filled by an older layout is a fixture
 * (tests/data/store-layout1.resp, store_dump.h), made by make_the_layout1_fixture below
 * from the code of that layout, and loaded into a private Redis by the tests.
 *
 * make_the_layout1_fixture runs only when HLT_MAKE_FIXTURE names the file to write
 * (HLT_MAKE_FIXTURE=$PWD/tests/data/store-layout1.resp build/tests/integration-tests
 * --filter 'layout/make*'); it was run on the commit that added it, before any script
 * changed. Run today it would write the current layout: store-layout1.resp stays as it
 * was made, as a store of layout 1 would. Its tickets, one per state worth migrating, with the test clock moved 46
 * minutes so that stages fired and others wait:
 *   on_call     resolved at intake (answered on the call), never routed
 *   waiting     dispatched, urgent, a note by the unit; sign stages fired up to the
 *               reminder, escalation1 pending
 *   merged      the same citizen and matter as `waiting`: merged into it
 *   extended    accepted, an extension requested and approved
 *   returning   accepted, then a return requested
 *   resolved    answered; the callback clock runs
 *   closed      called back, satisfied
 *   manual      returned, and no other unit: pending_manual
 *   co_handled  dispatched, gas co-handling with a note; sign stages fired as `waiting`
 * Next to it, store-layout1.expect holds what the API answered at that moment (the
 * units report up to then, the lists), to compare with after a migration. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "store_dump.h"
#include "store/layout.h"

static char dir[256];
static struct hlt_redis redis;
static struct hlt_daemon daemon_;

#define PLUGINS HLT_PLUGIN("route_async") "  - name: dedup\n  - name: escalation\n"
#define TEST_CLOCK "test_clock: true\nrouting:\n  plugin_timeout: 300ms\n  reclaim_idle: 1s\n"
#define FIXTURE HL_SOURCE_DIR "/tests/data/store-layout1.resp"
#define EXPECT HL_SOURCE_DIR "/tests/data/store-layout1.expect"

static void setup(void)
{
	hlt_tmpdir(dir, sizeof(dir));
	hlt_redis_start(&redis, dir);
	memset(&daemon_, 0, sizeof(daemon_));
}

static void teardown(void)
{
	hlt_teardown(&daemon_, &redis, dir);
}

TestSuite(layout, .init = setup, .fini = teardown, .timeout = HLT_SUITE_TIMEOUT);

static void start(void)
{
	daemon_.extra_yaml = TEST_CLOCK;
	daemon_.binary = HL_BUILD_DIR "/tests/hotlined-testclock";
	hlt_daemon_configure(&daemon_, dir, &redis, PLUGINS);
	cr_assert_eq(hlt_daemon_start(&daemon_), 0, "%s", hlt_read_file(daemon_.log));
	cr_assert(hlt_daemon_wait_ready(&daemon_, 5000), "%s", hlt_read_file(daemon_.log));
}

/* The clock's time after moving it, ISO 8601, into now (64 bytes). */
static void advance(const char *by, char *now)
{
	hlt_advance_clock(daemon_.port, by, now, 64);
}

static void create(const char *phone, const char *address, const char *extra, char *id)
{
	struct hlt_response r;
	char body[512];

	snprintf(body, sizeof(body),
		 "{\"channel\":\"hotline\",\"title\":\"燃气泄漏\",\"content\":\"楼道燃气味浓，"
		 "\\\"请尽快\\\"处理\",\"address\":\"%s\",\"caller_phone\":\"%s\","
		 "\"urgency\":\"urgent\"%s}",
		 address, phone, extra ? extra : "");
	/* the first one with an Idempotency-Key, which a migration keeps */
	cr_assert_eq(hlt_request(daemon_.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT,
				 strcmp(phone, "13907150000") == 0 ? "Idempotency-Key: fixture-1\r\n"
								   : NULL,
				 body, &r),
		     201, "%s", r.body);
	hlt_json_member(r.body, "id", id, 32);
	hlt_response_free(&r);
}

static void act(const char *token, const char *id, const char *step, const char *body,
		const char *want_state)
{
	struct hlt_response r;
	char path[96], state[32];

	snprintf(path, sizeof(path), "/v1/tickets/%s/%s", id, step);
	cr_assert_eq(hlt_request(daemon_.port, "POST", path, token, NULL, body ? body : "{}", &r),
		     200, "%s %s: %s", step, id, r.body);
	cr_assert_str_eq(hlt_json_member(r.body, "state", state, sizeof(state)), want_state,
			 "%s %s: %s", step, id, r.body);
	hlt_response_free(&r);
}

/* The audit trail of a ticket as GET /v1/tickets/{id} shows it; the caller frees. */
static char *get_ticket(const char *id)
{
	struct hlt_response r;
	char path[64], *body;

	snprintf(path, sizeof(path), "/v1/tickets/%s", id);
	cr_assert_eq(hlt_request(daemon_.port, "GET", path, HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200, "%s: %s", id, r.body);
	body = strdup(r.body);
	hlt_response_free(&r);
	return body;
}

/* Waits up to 3 s for GET /v1/tickets/{id} to show `text`. */
static int shows(const char *id, const char *text)
{
	for (int waited = 0; waited < 3000; waited += 50) {
		char *body = get_ticket(id);
		int found = strstr(body, text) != NULL;
		free(body);
		if (found)
			return 1;
		usleep(50000);
	}
	return 0;
}

/* The answers the migration must keep, one "path<TAB>body" a line (the units report
 * is first, for the period up to the fixture's clock). */
static const struct {
	const char *path, *token;
} compared[] = {
	{"/v1/tickets?limit=100", HLT_TOKEN_SUPERVISOR},
	{"/v1/tickets?state=dispatched", HLT_TOKEN_SUPERVISOR},
	{"/v1/tickets?caller_phone=13907150001", HLT_TOKEN_AGENT},
	{"/v1/tickets?department=water", HLT_TOKEN_SUPERVISOR},
	{"/v1/departments/water/tickets", HLT_TOKEN_WATER},
	{"/v1/departments/gas/tickets", HLT_TOKEN_GAS},
};
#define NCOMPARED (sizeof(compared) / sizeof(compared[0]))

Test(layout, make_the_layout1_fixture)
{
	const char *out_path = getenv("HLT_MAKE_FIXTURE");
	char on_call[32], waiting[32], merged[32], extended[32], returning[32], resolved[32];
	char closed[32], manual[32], co_handled[32], now[64], report[160];
	FILE *out;

	if (!out_path)
		cr_skip_test("HLT_MAKE_FIXTURE is not set");
	start();
	create("13907150000", "江岸区三阳路1号", ",\"direct_answer\":\"已告知燃气公司电话\"",
	       on_call);
	create("13907150001", "江岸区三阳路2号", NULL, waiting);
	create("13907150002", "江岸区三阳路3号", NULL, extended);
	create("13907150003", "江岸区三阳路4号", NULL, returning);
	create("13907150004", "江岸区三阳路5号", NULL, resolved);
	create("13907150005", "江岸区三阳路6号", NULL, closed);
	create("13907150006", "江岸区三阳路7号", NULL, manual);
	create("13907150007", "江岸区三阳路8号", NULL, co_handled);
	const char *routed[] = {waiting, extended, returning, resolved, closed, manual, co_handled};
	for (size_t i = 0; i < sizeof(routed) / sizeof(routed[0]); i++)
		cr_assert(hlt_wait_state(&redis, routed[i], "dispatched"), "%s: %s", routed[i],
			  hlt_read_file(daemon_.log));
	create("13907150001", "江岸区三阳路2号", NULL, merged);
	cr_assert(hlt_wait_state(&redis, merged, "merged"), "%s", hlt_read_file(daemon_.log));

	act(HLT_TOKEN_WATER, waiting, "notes", "{\"note\":\"已联系来电人\"}", "dispatched");
	act(HLT_TOKEN_WATER, extended, "sign", NULL, "accepted");
	act(HLT_TOKEN_WATER, extended, "extend", "{\"days\":\"3\",\"reason\":\"需更换管段\"}",
	    "accepted");
	act(HLT_TOKEN_SUPERVISOR, extended, "approve-extension", NULL, "accepted");
	act(HLT_TOKEN_WATER, returning, "sign", NULL, "accepted");
	act(HLT_TOKEN_WATER, returning, "return", "{\"reason\":\"属燃气公司\"}",
	    "return_requested");
	act(HLT_TOKEN_WATER, resolved, "sign", NULL, "accepted");
	act(HLT_TOKEN_WATER, resolved, "answer", "{\"answer\":\"已关阀检修\"}", "resolved");
	act(HLT_TOKEN_WATER, closed, "sign", NULL, "accepted");
	act(HLT_TOKEN_WATER, closed, "answer", "{\"answer\":\"已修复\"}", "resolved");
	act(HLT_TOKEN_AGENT, closed, "callback",
	    "{\"satisfaction\":\"satisfied\",\"solved\":\"solved\"}", "closed");
	act(HLT_TOKEN_WATER, manual, "return", "{\"reason\":\"不属我单位\"}", "return_requested");
	act(HLT_TOKEN_SUPERVISOR, manual, "approve-return", NULL, "received");
	cr_assert(hlt_wait_state(&redis, manual, "pending_manual"), "%s",
		  hlt_read_file(daemon_.log));
	act(HLT_TOKEN_SUPERVISOR, co_handled, "co-handle",
	    "{\"units\":[\"gas\"],\"note\":\"协办\"}", "dispatched");
	act(HLT_TOKEN_GAS, co_handled, "notes", "{\"note\":\"燃气管线已排查\"}", "dispatched");

	/* The sign clock of the two unsigned tickets: warning, overdue, reminder fire;
	 * escalation1 (30 m after the deadline) waits. */
	advance("25m", NULL);
	cr_assert(shows(waiting, "sign warning") && shows(co_handled, "sign warning"));
	advance("6m", NULL);
	cr_assert(shows(waiting, "sign overdue") && shows(co_handled, "sign overdue"));
	advance("15m", now);
	cr_assert(shows(waiting, "sign reminder") && shows(co_handled, "sign reminder"));
	usleep(500000);
	cr_assert_eq(hlt_daemon_stop(&daemon_, SIGTERM, 5000), 0);
	start(); /* a fresh daemon: its clock is the real one, so the API answers alike later */

	out = fopen(out_path, "w");
	cr_assert_not_null(out, "%s", out_path);
	fprintf(out, "# A store filled by layout 1 (no hl:layout key), made by "
		     "tests/integration/test_layout.c make_the_layout1_fixture.\n"
		     "# Tickets: on_call %s, waiting %s, merged %s, extended %s, returning %s,\n"
		     "#          resolved %s, closed %s, manual %s, co_handled %s\n"
		     "# The test clock stood at %s.\n",
		 on_call, waiting, merged, extended, returning, resolved, closed, manual,
		 co_handled, now);
	cr_assert_gt(hlt_store_dump(&redis, "hl:", out), 0);
	fclose(out);

	/* What the API answered, to compare with after a migration. */
	char expect_path[512];
	snprintf(expect_path, sizeof(expect_path), "%s", out_path);
	char *dot = strrchr(expect_path, '.');
	cr_assert_not_null(dot);
	strcpy(dot, ".expect");
	out = fopen(expect_path, "w");
	cr_assert_not_null(out);
	fprintf(out, "ids\t%s %s %s %s %s %s %s %s %s\n", on_call, waiting, merged, extended,
		returning, resolved, closed, manual, co_handled);
	char *plus = strchr(now, '+'); /* an offset's + is a space in a query */
	if (plus) {
		memmove(plus + 3, plus + 1, strlen(plus + 1) + 1);
		memcpy(plus, "%2B", 3);
	}
	snprintf(report, sizeof(report), "/v1/reports/units?from=2000-01-01&to=%s", now);
	for (int i = -1; i < (int)NCOMPARED; i++) {
		const char *path = i < 0 ? report : compared[i].path;
		struct hlt_response r;
		cr_assert_eq(hlt_request(daemon_.port, "GET", path,
					 i < 0 ? HLT_TOKEN_SUPERVISOR : compared[i].token, NULL,
					 NULL, &r),
			     200, "%s: %s", path, r.body);
		fprintf(out, "%s\t%s\n", i < 0 ? "report" : path, r.body);
		hlt_response_free(&r);
	}
	for (size_t i = 0; i < 9; i++) {
		const char *ids[] = {on_call, waiting, merged, extended, returning,
				     resolved, closed, manual, co_handled};
		char *body = get_ticket(ids[i]);
		fprintf(out, "ticket %s\t%s\n", ids[i], body);
		free(body);
	}
	fclose(out);
}

/* The fixture's lines without what changes with the moment they are read: comments and
 * the remaining time to live. The caller frees. */
static char *steady(const char *text)
{
	char *out = calloc(1, strlen(text) + 2), *w = out;

	while (*text) {
		const char *end = strchr(text, '\n');
		size_t len = end ? (size_t)(end - text) : strlen(text);
		if (*text != '#' && strncmp(text, "PEXPIRE ", 8) != 0) {
			memcpy(w, text, len);
			w[len] = '\0';
			char *px = strstr(w, " PX ");
			w += px ? (size_t)(px - w) : len;
			*w++ = '\n';
		}
		text += len + (end != NULL);
	}
	*w = '\0';
	return out;
}

Test(layout, the_fixture_loads_and_dumps_back_the_same)
{
	char path[300];
	char *want = hlt_read_file(FIXTURE), *got;
	FILE *out;

	cr_assert_not_null(want);
	cr_assert_gt(hlt_store_load(&redis, FIXTURE), 100);
	snprintf(path, sizeof(path), "%s/dump.resp", dir);
	out = fopen(path, "w");
	cr_assert_gt(hlt_store_dump(&redis, "hl:", out), 50);
	fclose(out);
	got = hlt_read_file(path);
	char *a = steady(want), *b = steady(got);
	cr_expect_str_eq(b, a);
	free(a);
	free(b);
	free(want);
	free(got);
}

/* Runs hotlined (the build's, not the test-clock one) with -c and arg, which may be
 * several options separated by a space ("--migrate --force"), to completion; returns its
 * exit status and leaves its output in out (caller frees). */
static int run_hotlined(const char *arg, char **out)
{
	char path[300], words[64] = "";
	const char *args[6] = {"-c", daemon_.config, NULL};
	size_t n = 2;
	int status;

	snprintf(words, sizeof(words), "%s", arg ? arg : "");
	for (char *w = strtok(words, " "); w && n < 5; w = strtok(NULL, " "))
		args[n++] = w;
	snprintf(path, sizeof(path), "%s/run.out", dir);
	unlink(path);
	status = hlt_run_hotlined(args, path);
	*out = hlt_read_file(path);
	if (!*out)
		*out = strdup("");
	return status;
}

static char *or_error(char *v)
{
	return v ? v : strdup("(error)");
}
#define redis_text(...) or_error(hlt_redis_cmd(&redis, __VA_ARGS__))

Test(layout, an_empty_store_gets_this_layout)
{
	char *v, *out;

	char want[64];

	start();
	snprintf(want, sizeof(want), "%d\n", HL_STORE_LAYOUT);
	cr_expect_str_eq(v = redis_text("GET hl:layout"), want);
	free(v);
	cr_assert_eq(hlt_daemon_stop(&daemon_, SIGTERM, 5000), 0);
	cr_expect_eq(run_hotlined("--migrate", &out), 0, "%s", out);
	snprintf(want, sizeof(want), "layout %d already", HL_STORE_LAYOUT);
	cr_expect(strstr(out, want), "%s", out);
	free(out);
}

Test(layout, a_store_of_another_layout_is_refused_with_the_command_that_migrates_it)
{
	static const char *const layouts[] = {"99", "1>2", "2", "2>3", "3", "3>4", "4", "4>5", "5>6"};

	hlt_daemon_configure(&daemon_, dir, &redis, PLUGINS);
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		char *v, *out, want[128];

		free(redis_text("SET hl:layout %s", layouts[i]));
		cr_expect_eq(run_hotlined(NULL, &out), 1, "%s", out);
		snprintf(want, sizeof(want), "the store has layout %s, this hotlined needs layout %d",
			 layouts[i], HL_STORE_LAYOUT);
		cr_expect(strstr(out, want), "%s", out);
		cr_expect(strstr(out, "then run: hotlined --migrate -c "), "%s", out);
		/* nothing read or written: not even its own registration */
		cr_expect_str_eq(v = redis_text("EXISTS hl:ops hl:daemons"), "0\n");
		free(v);
		free(out);
	}
	/* nor does --migrate touch a store of a newer hotlined */
	char *out, *v;
	cr_expect_eq(run_hotlined("--migrate", &out), 1, "%s", out);
	cr_expect(strstr(out, "migration to layout 6 is under way"), "%s", out);
	free(out);
	free(redis_text("SET hl:layout 99"));
	cr_expect_eq(run_hotlined("--migrate", &out), 1, "%s", out);
	cr_expect(strstr(out, "layout 99, newer"), "%s", out);
	free(out);
	cr_expect_str_eq(v = redis_text("GET hl:layout"), "99\n");
	free(v);
}

/* How many lines of text are `line` (0 for NULL). */
static int count_lines(const char *text, const char *line)
{
	size_t n = strlen(line);
	int count = 0;

	for (const char *p = text; p && *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && memcmp(p, line, n) == 0)
			count++;
		p = end ? end + 1 : p + len;
	}
	return count;
}

/* The answer of one line of the expect file ("<what>\t<json>"), parsed; NULL when the
 * file has no such line. */
static struct json_object *expected(const char *text, const char *what)
{
	char key[160];
	const char *at;

	snprintf(key, sizeof(key), "\n%s\t", what);
	at = strstr(text, key);
	if (!at)
		return NULL;
	at += strlen(key);
	char *line = strndup(at, strcspn(at, "\n"));
	struct json_object *o = json_tokener_parse(line);
	free(line);
	return o;
}

static struct json_object *get_json(const char *path, const char *token)
{
	struct hlt_response r;
	struct json_object *o;

	cr_assert_eq(hlt_request(daemon_.port, "GET", path, token, NULL, NULL, &r), 200, "%s: %s",
		     path, r.body);
	o = json_tokener_parse(r.body);
	hlt_response_free(&r);
	return o;
}

static const char *member_str(struct json_object *o, const char *name)
{
	struct json_object *v;

	return json_object_object_get_ex(o, name, &v) ? json_object_get_string(v) : "";
}

/* A list's tickets as "id state department" lines, in its order; the caller frees. */
static char *list_summary(struct json_object *list)
{
	struct json_object *tickets;
	char *out = calloc(1, 4096);

	if (!json_object_object_get_ex(list, "tickets", &tickets))
		return out;
	for (size_t i = 0; i < json_object_array_length(tickets); i++) {
		struct json_object *t = json_object_array_get_idx(tickets, i);
		size_t used = strlen(out);
		snprintf(out + used, 4096 - used, "%s %s %s\n", member_str(t, "id"),
			 member_str(t, "state"), member_str(t, "department"));
	}
	return out;
}

Test(layout, a_layout1_store_is_refused_then_migrated_and_works_on)
{
	char *expect = hlt_read_file(EXPECT), *out, *v, ids[512], *id[9], want[160];
	struct json_object *before, *after;

	cr_assert_not_null(expect);
	cr_assert_gt(hlt_store_load(&redis, FIXTURE), 100);
	cr_assert(sscanf(expect, "ids\t%511[^\n]", ids) == 1);
	id[0] = strtok(ids, " ");
	for (int i = 1; i < 9; i++)
		id[i] = strtok(NULL, " ");
	/* on_call waiting merged extended returning resolved closed manual co_handled */

	/* Refused, naming the command; nothing read or written. */
	hlt_daemon_configure(&daemon_, dir, &redis, PLUGINS);
	cr_expect_eq(run_hotlined(NULL, &out), 1, "%s", out);
	snprintf(want, sizeof(want), "the store has layout 1, this hotlined needs layout %d",
		 HL_STORE_LAYOUT);
	cr_expect(strstr(out, want) && strstr(out, "hotlined --migrate -c "), "%s", out);
	free(out);
	cr_expect_str_eq(v = redis_text("EXISTS hl:layout"), "0\n");
	free(v);

	/* Migrated, 1 -> 2 -> 3 -> 4 (--force: the fixture's registry holds the daemon that made
	 * it, stopped without deregistering); a second run finds nothing left to do. */
	cr_expect_eq(run_hotlined("--migrate --force", &out), 0, "%s", out);
	cr_expect(strstr(out, "9 converted"), "%s", out);
	/* the ledger's 22 entries, the queues' 11 (water 10, gas 1), the notices' 8 */
	cr_expect(strstr(out, "events: 41 entries of the ledger, 2 units' queues"), "%s", out);
	cr_expect(strstr(out, "due: 7 stages waiting became one member per ticket"), "%s", out);
	cr_expect(strstr(out, "timelines: 9 moved out of their tickets into log:<id>, 0 "
			      "quarantined"),
		  "%s", out);
	free(out);
	/* each timeline a string of its own, none left in a ticket hash */
	cr_expect_str_eq(v = redis_text("TYPE hl:log:%s", id[8]), "string\n");
	free(v);
	for (int i = 0; i < 9; i++) {
		cr_expect_str_eq(v = redis_text("HEXISTS hl:t:%s log", id[i]), "0\n", "%s", id[i]);
		free(v);
	}
	/* hl:due: one member per ticket at its soonest next stage; no idx:deadlines */
	cr_expect_str_eq(v = redis_text("ZRANGE hl:due 0 -1 WITHSCORES"),
			 "20261206-000002\n1796573413941\n20261206-000008\n1796573413941\n"
			 "20261206-000004\n1796575213941\n20261206-000005\n1796636853498\n"
			 "20261206-000003\n1796831253485\n");
	free(v);
	cr_expect_str_eq(v = redis_text("HMGET hl:t:20261206-000002 sign_next answer_next"),
			 "4\n1\n");
	free(v);
	cr_expect_str_eq(v = redis_text("EXISTS hl:idx:deadlines"), "0\n");
	free(v);
	cr_expect_str_eq(v = redis_text("EXISTS hl:ledger hl:notices hl:dept:water hl:dept:gas"),
			 "0\n");
	free(v);
	cr_expect_str_eq(v = redis_text("XLEN hl:events"), "41\n");
	free(v);
	/* A unit's queue, in the order it was written, and the notices, each as before. */
	v = redis_text("XRANGE hl:events - + COUNT 1");
	cr_expect(strstr(v, "1796569813941-0\n"), "the first entry keeps its id: %s", v);
	free(v);
	cr_expect_eq(count_lines(v = hlt_events(&redis, "unit", "water", "queue"), "queue"), 10,
		     "%s", v);
	cr_expect(strstr(v, "event\nreturn_approved\n") && strstr(v, "event\nmerged\n"), "%s", v);
	cr_expect(strstr(v, id[1]) < strstr(v, "event\nmerged\n"), "%s", v);
	free(v);
	cr_expect_eq(count_lines(v = hlt_events(&redis, "unit", "gas", "queue"), "queue"), 1, "%s",
		     v);
	cr_expect(strstr(v, "event\nco_handle\n") && strstr(v, id[8]), "%s", v);
	free(v);
	cr_expect_eq(count_lines(v = hlt_events(&redis, "audience", "supervisors", NULL), "audience"),
		     3, "%s", v);
	free(v);
	cr_expect_eq(count_lines(v = hlt_events(&redis, "audience", "unit:water", NULL), "audience"),
		     2, "%s", v);
	cr_expect(strstr(v, id[1]) && strstr(v, id[8]) && strstr(v, "from\nescalation\n"), "%s", v);
	free(v);
	/* the ledger: a stage's audience is its stage_audience now */
	cr_expect_eq(count_lines(v = hlt_events(&redis, "unit", "water", "ledger"), "ledger"), 22,
		     "%s", v);
	cr_expect(strstr(v, "stage_audience\nunit_head\n") && !strstr(v, "\naudience\n"), "%s",
		  v);
	free(v);
	cr_expect_eq(run_hotlined("--migrate", &out), 0, "%s", out);
	snprintf(want, sizeof(want), "layout %d already", HL_STORE_LAYOUT);
	cr_expect(strstr(out, want), "%s", out);
	free(out);

	start();
	/* Each ticket with its whole timeline, as before (stages that fell due since may
	 * follow it, fired late). */
	for (int i = 0; i < 9; i++) {
		char what[64], path[64];
		struct json_object *ba, *aa;
		snprintf(what, sizeof(what), "ticket %s", id[i]);
		snprintf(path, sizeof(path), "/v1/tickets/%s", id[i]);
		before = expected(expect, what);
		after = get_json(path, HLT_TOKEN_SUPERVISOR);
		cr_assert(before && after, "%s", what);
		cr_expect_str_eq(member_str(after, "state"), member_str(before, "state"), "%s", what);
		cr_expect_str_eq(member_str(after, "title"), member_str(before, "title"), "%s", what);
		cr_assert(json_object_object_get_ex(before, "audit", &ba) &&
			  json_object_object_get_ex(after, "audit", &aa));
		cr_assert_geq(json_object_array_length(aa), json_object_array_length(ba), "%s", what);
		for (size_t k = 0; k < json_object_array_length(ba); k++)
			cr_expect(json_object_equal(json_object_array_get_idx(ba, k),
						    json_object_array_get_idx(aa, k)),
				  "%s entry %zu: %s / %s", what, k,
				  json_object_to_json_string(json_object_array_get_idx(ba, k)),
				  json_object_to_json_string(json_object_array_get_idx(aa, k)));
		json_object_put(before);
		json_object_put(after);
	}
	/* The lists hold the same tickets in the same states. */
	for (size_t i = 0; i < NCOMPARED; i++) {
		char *a, *b;
		before = expected(expect, compared[i].path);
		after = get_json(compared[i].path, compared[i].token);
		cr_expect_str_eq(a = list_summary(after), b = list_summary(before), "%s",
				 compared[i].path);
		free(a);
		free(b);
		json_object_put(before);
		json_object_put(after);
	}
	/* The units report of the fixture's period gives the same figures. */
	char path[200], clock[64] = "";
	struct json_object *units_b, *units_a;
	before = expected(expect, "report");
	cr_assert_not_null(before);
	/* its period ends at the fixture's clock, before the stages fired since */
	v = hlt_read_file(FIXTURE);
	const char *c = strstr(v, "# The test clock stood at ");
	cr_assert_not_null(c);
	sscanf(c + strlen("# The test clock stood at "), "%63[^.\n]", clock);
	free(v);
	char *plus = strchr(clock, '+');
	if (plus) {
		memmove(plus + 3, plus + 1, strlen(plus + 1) + 1);
		memcpy(plus, "%2B", 3);
	}
	snprintf(path, sizeof(path), "/v1/reports/units?from=2000-01-01&to=%s", clock);
	after = get_json(path, HLT_TOKEN_SUPERVISOR);
	cr_assert(json_object_object_get_ex(before, "units", &units_b) &&
		  json_object_object_get_ex(after, "units", &units_a));
	for (size_t u = 0; u < json_object_array_length(units_b); u++) {
		struct json_object *ub = json_object_array_get_idx(units_b, u),
				   *ua = json_object_array_get_idx(units_a, u);
		json_object_object_del(ub, "overdue_now"); /* of the moment asked */
		json_object_object_del(ua, "overdue_now");
		cr_expect(json_object_equal(ub, ua), "%s / %s", json_object_to_json_string(ub),
			  json_object_to_json_string(ua));
	}
	json_object_put(before);
	json_object_put(after);

	/* The stage that waited fires, once (the clock moved past it, whenever this runs). */
	advance("2h", NULL);
	cr_expect(shows(id[1], "sign escalation1 to supervision_office"), "%s",
		  hlt_read_file(daemon_.log));
	usleep(500000);
	v = hlt_audit(&redis, id[1], 0);
	char *first = strstr(v, "sign escalation1");
	cr_expect(first && !strstr(first + 1, "sign escalation1"), "not once: %s", v);
	free(v);
	/* A dispatched ticket is signed and answered, on the ledger after the fixture's. */
	act(HLT_TOKEN_WATER, id[8], "sign", NULL, "accepted");
	act(HLT_TOKEN_WATER, id[8], "answer", "{\"answer\":\"已排查修复\"}", "resolved");
	cr_expect(shows(id[8], "已排查修复"));
	v = hlt_events(&redis, "unit", "water", "ledger");
	cr_expect(count_lines(v, "signed") == 5 && count_lines(v, "answered") == 3, "%s", v);
	cr_expect(strstr(v, "stage_audience\nunit_head\n") &&
			  strstr(strstr(v, "stage_audience\nunit_head\n"), "event\nanswered\n"),
		  "the new entries follow the fixture's: %s", v);
	free(v);
	/* and a new ticket gets the layout-4 timeline */
	char fresh[32];
	create("13907150099", "江岸区三阳路99号", NULL, fresh);
	cr_expect(shows(fresh, "\"action\":\"create\""));
	cr_expect(hlt_wait_state(&redis, fresh, "dispatched"));
	cr_expect_eq(hlt_audit_entries(&redis, fresh), 2); /* create, dispatch */
	cr_expect_str_eq(v = redis_text("HEXISTS hl:t:%s log", fresh), "0\n");
	free(v);
	free(expect);
}

/* The step 2 -> 3 resumes: a store where part of the old streams was moved already (an
 * interrupted run, the layout key still "2>3") gets the rest merged after what is there,
 * and nothing twice. */
Test(layout, an_interrupted_move_to_one_event_stream_resumes)
{
	char *out, *v;

	cr_assert_gt(hlt_store_load(&redis, FIXTURE), 100);
	hlt_daemon_configure(&daemon_, dir, &redis, PLUGINS);
	/* --force here and below: the fixture's registry entry (see the test below) */
	cr_expect_eq(run_hotlined("--migrate --force", &out), 0, "%s", out);
	free(out);
	/* what the interrupted run had not moved yet: later entries of each old stream */
	free(redis_text("XADD hl:ledger 1796572574600-0 at 1796572574600 unit water id "
			"20261206-000008 event signed late_ms 5"));
	free(redis_text("XADD hl:dept:gas 1796572574600-0 id 20261206-000008 event co_handle "
			"note again"));
	free(redis_text("XADD hl:notices 1796572574601-0 audience supervisors id "
			"20261206-000004 event return_requested note again at 1796572574601"));
	/* and a ticket whose hl:due member was not converted yet */
	free(redis_text("ZREM hl:due 20261206-000003"));
	free(redis_text("ZADD hl:due 1796831253485 %s", "20261206-000003|answer|warning|"));
	free(redis_text("HSET hl:t:20261206-000003 answer_next %s",
			"20261206-000003|answer|warning|"));
	/* and a member of no form the step knows: quarantined, not left behind in hl:due */
	free(redis_text("ZADD hl:due 1796831253485 %s", "20261206-000003|answer"));
	free(redis_text("SET hl:layout 2>3"));
	cr_expect_eq(run_hotlined("--migrate --force", &out), 0, "%s", out);
	cr_expect(strstr(out, "layout 2 -> 3 (resuming)") && strstr(out, "events: 3 entries") &&
			  strstr(out, "due: 1 stages"),
		  "%s", out);
	cr_expect(strstr(out, "due: quarantined: hl:quarantine:due (member 20261206-000003|answer "
			      "is not id|clock|stage|audience)"),
		  "%s", out);
	free(out);
	cr_expect_str_eq(v = redis_text("ZRANGE hl:quarantine:due 0 -1 WITHSCORES"),
			 "20261206-000003|answer\n1796831253485\n");
	free(v);
	cr_expect_str_eq(v = redis_text("ZSCORE hl:due 20261206-000003"), "1796831253485\n");
	free(v);
	cr_expect_str_eq(v = redis_text("HGET hl:t:20261206-000003 answer_next"), "1\n");
	free(v);
	cr_expect_str_eq(v = redis_text("ZCARD hl:due"), "5\n");
	free(v);
	cr_expect_str_eq(v = redis_text("XLEN hl:events"), "44\n");
	free(v);
	cr_expect_str_eq(v = redis_text("EXISTS hl:ledger hl:notices hl:dept:gas"), "0\n");
	free(v);
	/* in id order after the rest, the ledger's first on the millisecond they share */
	v = redis_text("XRANGE hl:events 1796572574600 + ");
	cr_expect(strstr(v, "1796572574600-0\nat\n1796572574600\nunit\nwater\n") &&
			  strstr(v, "1796572574600-1\n") && strstr(v, "1796572574601-0\n"),
		  "%s", v);
	free(v);
	cr_expect_eq(run_hotlined("--migrate", &out), 0, "%s", out);
	cr_expect(strstr(out, "layout 5 already"), "%s", out);
	free(out);
	cr_expect_str_eq(v = redis_text("XLEN hl:events"), "44\n");
	free(v);
}

/* --migrate refuses while the daemon registry names a hotlined: one of the old layout
 * left running would write what the new layout does not read. The fixture's registry
 * holds the daemon that made it (killed, in effect: it never deregistered); the refusal
 * names it, and --force goes on, saying it ignored it. */
Test(layout, a_registered_daemon_makes_migrate_refuse_until_forced)
{
	char *out, *v;

	cr_assert_gt(hlt_store_load(&redis, FIXTURE), 100);
	hlt_daemon_configure(&daemon_, dir, &redis, PLUGINS);
	cr_expect_eq(run_hotlined("--migrate", &out), 1, "%s", out);
	cr_expect(strstr(out, "1 hotlined registered in hl:daemons"), "%s", out);
	/* seen_ms 1796569816048: 2026-12-06 15:10:16 UTC */
	cr_expect(strstr(out, "vm:20783:1796569816040 (pid 20783, version 0.1.0, last seen "
			      "2026-12-06 23:10:16 +08:00)"),
		  "%s", out);
	cr_expect(strstr(out, "stop them first") && strstr(out, "hotlined --migrate --force -c"),
		  "%s", out);
	free(out);
	/* nothing written */
	cr_expect_str_eq(v = redis_text("EXISTS hl:layout hl:events"), "0\n");
	free(v);
	cr_expect_str_eq(v = redis_text("EXISTS hl:audit:20261206-000002"), "1\n");
	free(v);
	/* --force only with --migrate */
	cr_expect_eq(run_hotlined("--force", &out), 2, "%s", out);
	cr_expect(strstr(out, "--force goes only with --migrate"), "%s", out);
	free(out);

	cr_expect_eq(run_hotlined("--migrate --force", &out), 0, "%s", out);
	cr_expect(strstr(out, "--force: ignoring vm:20783:1796569816040 (pid 20783, version "
			      "0.1.0, last seen 2026-12-06 23:10:16 +08:00) in hl:daemons"),
		  "%s", out);
	cr_expect(strstr(out, "done: layout 5"), "%s", out);
	free(out);
	cr_expect_str_eq(v = redis_text("GET hl:layout"), "5\n");
	free(v);
	/* the entry is left as it was: --force ignores it, deletes nothing */
	cr_expect_str_eq(v = redis_text("HEXISTS hl:daemons vm:20783:1796569816040"), "1\n");
	free(v);
	/* and a store of this layout is left alone whoever is registered */
	cr_expect_eq(run_hotlined("--migrate", &out), 0, "%s", out);
	cr_expect(strstr(out, "layout 5 already"), "%s", out);
	free(out);
}

/* A timeline that step 1 -> 2 cannot convert whole does not stop the migration: it is
 * renamed, whole, to hl:quarantine:audit:<id>, listed, and the rest is migrated. The
 * variants of the fixture: a timeline whose ticket is gone (an orphan), and one with an
 * entry of a field the layout-2 timeline has no place for. */
static void migrate_with_quarantine(const char *id, const char *reason)
{
	char *out, *v, want[256];

	hlt_daemon_configure(&daemon_, dir, &redis, PLUGINS);
	cr_expect_eq(run_hotlined("--migrate --force", &out), 0, "%s", out);
	snprintf(want, sizeof(want), "migrate: timelines: quarantined: hl:quarantine:audit:%s (%s)",
		 id, reason);
	cr_expect(strstr(out, want), "%s", out);
	cr_expect(strstr(out, "1 quarantined") && strstr(out, "done: layout 5"), "%s", out);
	free(out);
	cr_expect_str_eq(v = redis_text("GET hl:layout"), "5\n");
	free(v);
	cr_expect_str_eq(v = redis_text("KEYS hl:audit:*"), "");
	free(v);
	cr_expect_str_eq(v = redis_text("TYPE hl:quarantine:audit:%s", id), "stream\n");
	free(v);
}

Test(layout, an_orphan_timeline_is_quarantined_and_the_migration_finishes)
{
	char *v;

	cr_assert_gt(hlt_store_load(&redis, FIXTURE), 100);
	free(redis_text("XADD hl:audit:20261206-000099 1796569813733-0 at 1796569813733 actor "
			"agent-test role agent action create from %s to received note %s",
			"", ""));
	migrate_with_quarantine("20261206-000099", "no ticket hl:t:20261206-000099");
	cr_expect_str_eq(v = redis_text("XLEN hl:quarantine:audit:20261206-000099"), "1\n");
	free(v);
	/* the nine of the fixture converted */
	cr_expect_str_eq(v = redis_text("EXISTS hl:log:20261206-000002"), "1\n");
	free(v);
}

Test(layout, a_timeline_with_an_unknown_field_is_quarantined_and_the_migration_finishes)
{
	char *v;

	cr_assert_gt(hlt_store_load(&redis, FIXTURE), 100);
	free(redis_text("XADD hl:audit:20261206-000003 1796569813999-0 at 1796569813999 actor "
			"water-test role dept:water action note from accepted to accepted note "
			"x photo y"));
	migrate_with_quarantine("20261206-000003",
				"entry 1796569813999-0 has a field photo the layout-2 timeline "
				"has no place for");
	/* whole, as it was: its five entries and the sixth */
	cr_expect_str_eq(v = redis_text("XLEN hl:quarantine:audit:20261206-000003"), "6\n");
	free(v);
	cr_expect_str_eq(v = redis_text("EXISTS hl:log:20261206-000003"), "0\n");
	free(v);
	cr_expect_str_eq(v = redis_text("EXISTS hl:log:20261206-000002"), "1\n");
	free(v);
}

/* The step 3 -> 4 resumes: a store where some timelines were moved already (an
 * interrupted run, the layout key still "3>4") gets the rest moved, byte for byte; a
 * ticket's field that would overwrite a timeline of log:<id> goes to quarantine. */
Test(layout, an_interrupted_move_of_the_timelines_resumes)
{
	char *out, *v, *before, *w;

	cr_assert_gt(hlt_store_load(&redis, FIXTURE), 100);
	hlt_daemon_configure(&daemon_, dir, &redis, PLUGINS);
	cr_expect_eq(run_hotlined("--migrate --force", &out), 0, "%s", out);
	free(out);
	/* not moved yet: 000002's timeline back in its hash, as layout 3 kept it */
	before = hlt_audit(&redis, "20261206-000002", 0);
	cr_assert_gt(strlen(before), 0);
	free(redis_text("EVAL %s 2 hl:t:20261206-000002 hl:log:20261206-000002",
			"redis.call('HSET', KEYS[1], 'log', redis.call('GET', KEYS[2])) "
			"return redis.call('DEL', KEYS[2])"));
	/* and a field beside a timeline already moved, which differs from it */
	free(redis_text("HSET hl:t:20261206-000003 log %s", "1:x"));
	free(redis_text("SET hl:layout 3>4"));
	cr_expect_eq(run_hotlined("--migrate --force", &out), 0, "%s", out);
	cr_expect(strstr(out, "layout 3 -> 4 (resuming)") && strstr(out, "timelines: 1 moved") &&
			  strstr(out, "1 quarantined") && strstr(out, "done: layout 5"),
		  "%s", out);
	cr_expect(strstr(out, "timelines: quarantined: hl:quarantine:log:20261206-000003 (the "
			      "field log of hl:t:20261206-000003 differs from "
			      "hl:log:20261206-000003"),
		  "%s", out);
	free(out);
	cr_expect_str_eq(w = hlt_audit(&redis, "20261206-000002", 0), before);
	free(w);
	free(before);
	cr_expect_str_eq(v = redis_text("GET hl:quarantine:log:20261206-000003"), "1:x\n");
	free(v);
	cr_expect_gt(hlt_audit_entries(&redis, "20261206-000003"), 1);
	cr_expect_str_eq(v = redis_text("HEXISTS hl:t:20261206-000002 log"), "0\n");
	free(v);
	cr_expect_str_eq(v = redis_text("HEXISTS hl:t:20261206-000003 log"), "0\n");
	free(v);
	cr_expect_str_eq(v = redis_text("GET hl:layout"), "5\n");
	free(v);
}
