/* Integration tests for deadlines and escalation (issue 5) with the test clock
 * (tests/hotlined-testclock, test_clock: true): a ticket walks through its stages, each
 * fired once, with one daemon and with two sharing the Redis; a ticket handled in time
 * never escalates; stages that fell due while no daemon ran fire at the next start,
 * marked late. The urgent policy's wall-clock limits keep the times independent of the
 * day the tests run (sign 30m, answer 2h; reminder 15m, 督办 30m and 2h after). */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx;
HLT_SUITE(escalation, fx);

#define ROUTER HLT_PLUGIN("route_async") "  - name: escalation\n"
#define TEST_CLOCK "test_clock: true\n" HLT_FAST_ROUTING

/* Starts d, on the test clock, in the fixture's directory or in its subdirectory sub. */
static void start(struct hlt_daemon *d, const char *sub)
{
	d->extra_yaml = TEST_CLOCK;
	d->binary = HL_BUILD_DIR "/tests/hotlined-testclock";
	hlt_fixture_start(&fx, d, sub, ROUTER);
}

static void advance(const struct hlt_daemon *d, const char *by)
{
	hlt_advance_clock(d->port, by, NULL, 0);
}

/* Posts an urgent ticket to d and waits until it is dispatched. */
static void create_urgent(const struct hlt_daemon *d, char *id, size_t len)
{
	hlt_create_ticket(d->port, HLT_TOKEN_AGENT,
			  "{\"channel\":\"hotline\",\"title\":\"燃气泄漏\",\"content\":\"楼道燃气味浓\","
			  "\"address\":\"后湖\",\"caller_phone\":\"13907150009\","
			  "\"urgency\":\"urgent\"}",
			  id, len);
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"), "%s not dispatched", id);
}

/* Takes a step as `token` on the fixture's daemon; expects 200. */
static void act(const char *token, const char *id, const char *step, const char *body)
{
	char *answer = NULL;

	cr_assert_eq(hlt_ticket_step(fx.daemon.port, token, id, step, body, &answer), 200,
		     "%s %s: %s", step, id, answer);
	free(answer);
}

/* How often the audit trail records `note` (e.g. "sign overdue"). */
static int times(const char *id, const char *note)
{
	return hlt_audit_count(&fx.redis, id, note);
}

/* Waits up to 3 s for the note to appear `want` times. */
static int fired(const char *id, const char *note, int want)
{
	for (int waited = 0; waited < 3000; waited += 50) {
		if (times(id, note) >= want)
			return times(id, note);
		usleep(50000);
	}
	return times(id, note);
}

static void walk_through_the_stages(const struct hlt_daemon *a, const struct hlt_daemon *b,
				    const char *id)
{
	static const struct {
		const char *advance, *note;
	} steps[] = {
		{"25m", "sign warning"},
		{"6m", "sign overdue"},
		{"15m", "sign reminder to unit_head"},
		{"15m", "sign escalation1 to supervision_office"},
		{"90m", "sign escalation2 to leadership"},
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		advance(a, steps[i].advance);
		if (b)
			advance(b, steps[i].advance);
		cr_expect_eq(fired(id, steps[i].note, 1), 1, "%s", steps[i].note);
	}
	usleep(600000); /* several more sweeps: nothing fires twice */
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		cr_expect_eq(times(id, steps[i].note), 1, "%s fired again", steps[i].note);
	char *ledger = hlt_events(&fx.redis, "unit", "water", "ledger");
	cr_expect(ledger && strstr(ledger, "escalation2"), "not on the ledger: %s", ledger);
	free(ledger);
}

Test(escalation, a_late_ticket_walks_through_every_stage_once)
{
	char id[32], *v;

	struct hlt_response r;

	start(&fx.daemon, NULL);
	create_urgent(&fx.daemon, id, sizeof(id));
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, id, "sla_policy"), "urgent");
	free(v);
	cr_expect_not_null(v = hlt_ticket_field(&fx.redis, id, "sign_due_ms"));
	free(v);
	/* On the supervisors' watch list: due within the hour, not yet overdue. */
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?due_within=1h",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200, "%s", r.body);
	cr_expect(strstr(r.body, id), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?overdue=true",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	cr_expect(!strstr(r.body, id), "%s", r.body);
	hlt_response_free(&r);
	walk_through_the_stages(&fx.daemon, NULL, id);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?overdue=true",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, id) && strstr(r.body, "\"sign_status\":\"escalation2\""), "%s",
		  r.body);
	hlt_response_free(&r);
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, id, "sign_status"), "escalation2");
	free(v);
	/* The escalation plugin told each level's audience. */
	static const char *const audiences[] = {"leadership", "supervision_office", "unit:water"};
	for (size_t i = 0; i < sizeof(audiences) / sizeof(audiences[0]); i++) {
		char *notices = hlt_events(&fx.redis, "audience", audiences[i], NULL);
		cr_expect(notices && strstr(notices, id) && strstr(notices, "from\nescalation\n"),
			  "%s: %s", audiences[i], notices);
		free(notices);
	}
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=fired", 0));
}

Test(escalation, two_daemons_fire_each_stage_once)
{
	struct hlt_daemon other = {0};
	char id[32];

	start(&fx.daemon, "a");
	start(&other, "b");
	create_urgent(&fx.daemon, id, sizeof(id));
	walk_through_the_stages(&fx.daemon, &other, id);
	hlt_daemon_stop(&other, SIGTERM, 5000);
}

Test(escalation, a_ticket_handled_in_time_never_escalates)
{
	char id[32];

	start(&fx.daemon, NULL);
	create_urgent(&fx.daemon, id, sizeof(id));
	advance(&fx.daemon, "10m");
	act(HLT_TOKEN_WATER, id, "sign", NULL);
	advance(&fx.daemon, "30m");
	act(HLT_TOKEN_WATER, id, "answer", "{\"answer\":\"已关阀检修\"}");
	advance(&fx.daemon, "5h");
	usleep(800000);
	cr_expect_eq(times(id, "action\nstage\n"), 0, "a stage fired for a ticket handled in time");
	char *ledger = hlt_events(&fx.redis, "unit", "water", "ledger");
	cr_expect(ledger && strstr(ledger, "signed") && strstr(ledger, "late_ms\n0\n"),
		  "%s", ledger);
	free(ledger);
}

Test(escalation, stages_due_while_stopped_fire_at_the_next_start_marked_late)
{
	char id[32];

	start(&fx.daemon, NULL);
	create_urgent(&fx.daemon, id, sizeof(id));
	cr_assert_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0);
	/* A new process starts with the real clock: move it past the 30-minute deadline. */
	hlt_daemon_start_ready(&fx.daemon);
	advance(&fx.daemon, "40m");
	cr_expect_eq(fired(id, "sign overdue, late by", 1), 1, "%s", hlt_read_file(fx.daemon.log));
	cr_expect_eq(times(id, "sign warning"), 1);
}

static double unit_rate(struct json_object *units, const char *unit, const char *key)
{
	for (size_t i = 0; i < json_object_array_length(units); i++) {
		struct json_object *u = json_object_array_get_idx(units, i), *v;

		json_object_object_get_ex(u, "unit", &v);
		if (strcmp(json_object_get_string(v), unit) == 0) {
			if (!json_object_object_get_ex(u, key, &v) || !v)
				return -1;
			return json_object_get_double(v);
		}
	}
	return -2;
}

Test(escalation, the_units_report_matches_a_month_worked_out_by_hand)
{
	char t[4][32];
	struct hlt_response r;

	start(&fx.daemon, NULL);
	for (int i = 0; i < 4; i++)
		create_urgent(&fx.daemon, t[i], sizeof(t[i]));
	advance(&fx.daemon, "10m");
	act(HLT_TOKEN_WATER, t[0], "sign", NULL);
	act(HLT_TOKEN_WATER, t[1], "sign", NULL);
	act(HLT_TOKEN_WATER, t[3], "return", "{\"reason\":\"属燃气\"}");
	act(HLT_TOKEN_SUPERVISOR, t[3], "approve-return", "{\"department\":\"gas\"}");
	advance(&fx.daemon, "25m"); /* 35m: past the 30m sign-for limit */
	act(HLT_TOKEN_WATER, t[2], "sign", NULL);
	advance(&fx.daemon, "5m"); /* 40m */
	act(HLT_TOKEN_WATER, t[0], "answer", "{\"answer\":\"已修复\"}");
	act(HLT_TOKEN_WATER, t[1], "answer", "{\"answer\":\"已修复\"}");
	advance(&fx.daemon, "100m"); /* 140m: past the 2h answer limit */
	act(HLT_TOKEN_WATER, t[2], "answer", "{\"answer\":\"已修复\"}");
	act(HLT_TOKEN_AGENT, t[0], "callback", "{\"satisfaction\":\"satisfied\",\"solved\":\"solved\"}");
	act(HLT_TOKEN_AGENT, t[1], "callback",
	    "{\"satisfaction\":\"unsatisfied\",\"solved\":\"unsolved\"}");
	act(HLT_TOKEN_AGENT, t[2], "callback",
	    "{\"satisfaction\":\"basically_satisfied\",\"solved\":\"solved\"}");

	/* By hand, for water: received 4; signed 3, 2 in time: 及时签收率 66.7; returned 1 of
	 * 4: 回退率 25.0; answered 3, 2 in time: 按时办结率 66.7; reopened 1 of 3: 重办率 33.3;
	 * 响应率 = signed in time / received = 50.0; 解决率 = solved 2 of 3 call-backs = 66.7;
	 * 满意率 = 2 of 3 not unsatisfied = 66.7; score = (50*30 + 66.7*40 + 66.7*30) / 100. */
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/reports/units?from=2000-01-01",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200, "%s", r.body);
	struct json_object *o = json_tokener_parse(r.body), *units;
	cr_assert(json_object_object_get_ex(o, "units", &units), "%s", r.body);
	cr_expect_float_eq(unit_rate(units, "water", "received"), 4, 1e-9, "%s", r.body);
	cr_expect_float_eq(unit_rate(units, "water", "sign_rate"), 66.7, 1e-9, "%s", r.body);
	cr_expect_float_eq(unit_rate(units, "water", "return_rate"), 25.0, 1e-9);
	cr_expect_float_eq(unit_rate(units, "water", "answer_rate"), 66.7, 1e-9);
	cr_expect_float_eq(unit_rate(units, "water", "citizen_answer_rate"), 66.7, 1e-9);
	cr_expect_float_eq(unit_rate(units, "water", "reopen_rate"), 33.3, 1e-9);
	cr_expect_float_eq(unit_rate(units, "water", "response_rate"), 50.0, 1e-9);
	cr_expect_float_eq(unit_rate(units, "water", "resolution_rate"), 66.7, 1e-9);
	cr_expect_float_eq(unit_rate(units, "water", "satisfaction_rate"), 66.7, 1e-9);
	cr_expect_float_eq(unit_rate(units, "water", "score"), 61.7, 1e-9);
	cr_expect_float_eq(unit_rate(units, "gas", "received"), 1, 1e-9, "the reassigned one");
	json_object_put(o);
	hlt_response_free(&r);

	/* Each figure leads to its tickets; the CSV says the same. */
	cr_assert_eq(hlt_request(fx.daemon.port, "GET",
				 "/v1/reports/units/water/tickets?metric=answered_on_time",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, t[0]) && strstr(r.body, t[1]) && !strstr(r.body, t[2]), "%s",
		  r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/reports/units?format=csv",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, "water,\"武汉市水务集团有限公司\",4,3,2,1,3,2,"), "%s", r.body);
	cr_expect(strstr(r.body, ",reminders,escalation1,escalation2,escalation3,escalation4,"),
		  "every escalation level of the JSON report: %s", r.body);
	hlt_response_free(&r);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/reports/units", HLT_TOKEN_WATER, NULL),
		     403);
}

Test(escalation, returns_keep_clocks_windows_and_requests_straight)
{
	char id[32], *v, *answer = NULL;
	struct hlt_response r;

	start(&fx.daemon, NULL);
	create_urgent(&fx.daemon, id, sizeof(id));
	act(HLT_TOKEN_WATER, id, "sign", NULL);
	act(HLT_TOKEN_WATER, id, "extend", "{\"days\":\"3\",\"reason\":\"待查\"}");
	/* the supervisors' list of requests waiting for them, with the unit's reason, and the
	 * clock's warning time for a worklist to colour */
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?extension_pending=true",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200, "%s", r.body);
	cr_expect(strstr(r.body, id) && strstr(r.body, "\"extension_reason\":\"待查\""), "%s",
		  r.body);
	cr_expect(strstr(r.body, "\"answer_warning_at\":\""), "%s", r.body);
	cr_expect(!strstr(r.body, "_plan"), "a plan shown: %s", r.body);
	hlt_response_free(&r);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/tickets?extension_pending=1",
				HLT_TOKEN_SUPERVISOR, NULL),
		     400);
	advance(&fx.daemon, "10m");
	act(HLT_TOKEN_WATER, id, "return", "{\"reason\":\"属燃气\"}");
	/* The return waits past the answer's warning: the clock runs on meanwhile. */
	advance(&fx.daemon, "85m");
	cr_expect_eq(fired(id, "answer warning", 1), 1, "a stage was dropped during the return");
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?state=return_requested",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200, "%s", r.body);
	cr_expect(strstr(r.body, "\"return_reason\":\"属燃气\""), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?extension_pending=true",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200, "%s", r.body);
	cr_expect(strstr(r.body, "\"tickets\":[]"), "no longer accepted: %s", r.body);
	hlt_response_free(&r);
	act(HLT_TOKEN_SUPERVISOR, id, "approve-return", "{\"department\":\"gas\"}");
	/* water's extension request left with water */
	cr_expect_eq(hlt_ticket_step(fx.daemon.port, NULL, "x", "approve-extension", NULL, NULL),
		     401);
	cr_expect_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_SUPERVISOR, id, "approve-extension",
				     NULL, &answer),
		     409, "%s", answer);
	free(answer);
	v = hlt_ticket_field(&fx.redis, id, "extension_pending");
	cr_expect(!v || !*v || strcmp(v, "(nil)") == 0, "extension still pending: %s", v);
	free(v);
	/* gas gets its own return window, counted from its dispatch */
	advance(&fx.daemon, "20m");
	act(HLT_TOKEN_GAS, id, "return", "{\"reason\":\"非燃气管线\"}");
	/* and the sign clock keeps running while a return waits */
	advance(&fx.daemon, "15m");
	cr_expect_eq(fired(id, "sign overdue", 1), 1, "%s", hlt_read_file(fx.daemon.log));
	/* a supervisor may not reassign to a unit that has returned it */
	cr_expect_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_SUPERVISOR, id, "approve-return",
				     "{\"department\":\"water\"}", &answer),
		     409, "%s", answer);
	free(answer);
	/* every figure leads to tickets: received, and what is late now */
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/reports/units/gas/tickets?metric=received",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200, "%s", r.body);
	cr_expect(strstr(r.body, id), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET",
				 "/v1/reports/units/gas/tickets?metric=overdue_now",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200, "%s", r.body);
	cr_expect(strstr(r.body, id), "%s", r.body);
	hlt_response_free(&r);
}
