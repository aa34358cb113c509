/* Integration tests for routing and the department workflow (issue 4): the dispatcher
 * with purpose-made routing plugins (an asynchronous one, a failing one, a too-slow
 * one), a ticket's whole life over HTTP, roles and illegal steps, manual dispatch, the
 * return limit, co-handling, the worklist, explanations, and two daemons sharing the
 * routing work while one is killed. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx;
HLT_SUITE(workflow, fx);

#define FAST_ROUTING HLT_FAST_ROUTING "  max_returns: 2\n"

/* Starts a daemon in the fixture's directory, or in its subdirectory sub, with the
 * routing settings `yaml`. */
static void start_in(struct hlt_daemon *d, const char *sub, const char *yaml,
		     const char *plugins)
{
	d->extra_yaml = yaml;
	hlt_fixture_start(&fx, d, sub, plugins);
}

static void start_with(struct hlt_daemon *d, const char *sub, const char *plugins)
{
	start_in(d, sub, FAST_ROUTING, plugins);
}

/* A daemon whose router answers only after 30 s (within its budget): the tickets it
 * reads stay pending with it. These tests are of the routing stream's takeover, so the
 * daemon puts every ticket on the stream (no hand-off; the hand-off's own are below). */
#define HOLDER_ROUTING "routing:\n  plugin_timeout: 40s\n  reclaim_idle: 90s\n  hand_off: false\n"
#define HOLDER_PLUGINS HLT_PLUGIN("route_async") "    options: {delay: 30s}\n"

/* Kills a daemon once it has read the tickets posted to it and holds `held` of them. */
static void kill_holding(struct hlt_daemon *d, int held)
{
	char *pending;

	usleep(300000); /* it has read them and waits for its router */
	cr_assert_eq(hlt_daemon_stop(d, SIGKILL, 2000), 128 + SIGKILL);
	pending = hlt_redis_cmd(&fx.redis, "XPENDING hl:intake route");
	cr_assert(pending && atoi(pending) == held, "it held %s, not %d", pending, held);
	free(pending);
}

static const char *const ticket_body =
	"{\"channel\":\"hotline\",\"title\":\"古田二路停水三天\",\"content\":\"来电人反映家中停水，"
	"已经三天没有自来水。\",\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150003\"}";

static void create(int port, char *id, size_t len)
{
	hlt_create_ticket(port, HLT_TOKEN_AGENT, ticket_body, id, len);
}

/* Leaves n tickets (their ids in ids) pending with a dead daemon: one started in the
 * subdirectory sub with a router that answers late, given the tickets and killed while
 * it holds them. */
static void leave_with_dead_daemon(const char *sub, char (*ids)[32], int n)
{
	struct hlt_daemon holder = {0};

	start_in(&holder, sub, HOLDER_ROUTING, HOLDER_PLUGINS);
	for (int i = 0; i < n; i++)
		create(holder.port, ids[i], sizeof(ids[i]));
	kill_holding(&holder, n);
}

/* Takes a step on the fixture's daemon; returns the status and leaves the answer's body
 * in *body_r if wanted. */
static int step(const char *token, const char *id, const char *name, const char *body,
		char **body_r)
{
	return hlt_ticket_step(fx.daemon.port, token, id, name, body, body_r);
}

#define STEP_OK(token, id, name, body, want_state)                                           \
	do {                                                                                 \
		char *b_ = NULL, st_[32];                                                    \
		cr_assert_eq(step(token, id, name, body, &b_), 200, "%s: %s", name, b_);     \
		cr_assert_str_eq(hlt_json_member(b_, "state", st_, sizeof(st_)), want_state, "%s: %s", \
				 name, b_);                                                  \
		free(b_);                                                                    \
	} while (0)

Test(workflow, a_ticket_lives_its_whole_life_over_http)
{
	char id[32], *body = NULL, *v;

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_async"));
	create(fx.daemon.port, id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"), "not routed: %s",
		  hlt_read_file(fx.daemon.log));
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, id, "department"), "water");
	free(v);
	v = hlt_events(&fx.redis, "unit", "water", "queue");
	cr_expect(v && strstr(v, id) && strstr(v, "event\ndispatched\n"),
		  "not on the unit's queue: %s", v);
	free(v);

	/* Only the unit signs (another unit is not even told the ticket exists); a step out
	 * of order is a 409 naming the state. */
	cr_expect_eq(step(HLT_TOKEN_GAS, id, "sign", NULL, NULL), 404);
	cr_expect_eq(step(HLT_TOKEN_WATER, id, "answer", "{\"answer\":\"修好了\"}", &body), 409);
	cr_expect(strstr(body, "is dispatched") && strstr(body, "accepted or reopened"), "%s",
		  body);
	free(body);
	STEP_OK(HLT_TOKEN_WATER, id, "sign", NULL, "accepted");
	cr_expect_eq(step(HLT_TOKEN_WATER, id, "return", "{}", NULL), 400, "a return needs a reason");
	STEP_OK(HLT_TOKEN_WATER, id, "return", "{\"reason\":\"属燃气管线，非我单位职责\"}",
		"return_requested");
	cr_expect_eq(step(HLT_TOKEN_WATER, id, "approve-return", NULL, NULL), 403);
	STEP_OK(HLT_TOKEN_SUPERVISOR, id, "approve-return",
		"{\"department\":\"gas\",\"note\":\"改派燃气集团\"}", "dispatched");
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, id, "department"), "gas");
	free(v);
	cr_expect_eq(step(HLT_TOKEN_WATER, id, "sign", NULL, NULL), 404, "water no longer leads");
	STEP_OK(HLT_TOKEN_GAS, id, "sign", NULL, "accepted");
	STEP_OK(HLT_TOKEN_GAS, id, "extend", "{\"days\":\"5\",\"reason\":\"需更换主管道\"}",
		"accepted");
	cr_expect_eq(step(HLT_TOKEN_GAS, id, "extend", "{\"days\":\"5\",\"reason\":\"again\"}",
			  NULL),
		     409, "one request at a time");
	STEP_OK(HLT_TOKEN_SUPERVISOR, id, "approve-extension", NULL, "accepted");
	STEP_OK(HLT_TOKEN_GAS, id, "answer", "{\"answer\":\"已更换管道，恢复供气供水\"}", "resolved");
	cr_expect_eq(step(HLT_TOKEN_GAS, id, "callback",
			  "{\"satisfaction\":\"unsatisfied\",\"solved\":\"unsolved\"}", NULL),
		     403, "agents call back");
	cr_expect_eq(step(HLT_TOKEN_AGENT, id, "callback", "{\"satisfaction\":\"meh\"}", NULL), 400);
	STEP_OK(HLT_TOKEN_AGENT, id, "callback",
		"{\"satisfaction\":\"unsatisfied\",\"solved\":\"unsolved\",\"note\":\"仍然停水\"}",
		"reopened");
	STEP_OK(HLT_TOKEN_GAS, id, "answer", "{\"answer\":\"复查后已彻底修复\"}", "resolved");
	STEP_OK(HLT_TOKEN_AGENT, id, "callback",
		"{\"satisfaction\":\"satisfied\",\"solved\":\"solved\"}", "closed");
	cr_expect_eq(step(HLT_TOKEN_AGENT, id, "callback",
			  "{\"satisfaction\":\"satisfied\",\"solved\":\"solved\"}", NULL),
		     409);

	/* The audit trail tells the whole story, in order. */
	const char *expected[] = {"create",	  "dispatch", "sign",	   "return",
				  "reassign",	  "sign",     "extension_requested",
				  "extension_approved", "answer", "callback", "answer", "callback"};
	struct hlt_response r;
	char path[64];
	snprintf(path, sizeof(path), "/v1/tickets/%s", id);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	struct json_object *o = json_tokener_parse(r.body), *audit;
	cr_assert(json_object_object_get_ex(o, "audit", &audit));
	cr_assert_eq(json_object_array_length(audit), sizeof(expected) / sizeof(expected[0]), "%s",
		     r.body);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		struct json_object *e = json_object_array_get_idx(audit, i), *a;
		json_object_object_get_ex(e, "action", &a);
		cr_expect_str_eq(json_object_get_string(a), expected[i], "audit entry %zu", i);
	}
	json_object_put(o);
	hlt_response_free(&r);
}

Test(workflow, failing_and_slow_plugins_leave_the_ticket_for_manual_dispatch)
{
	char id[32], *v;

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_fails"));
	create(fx.daemon.port, id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual"), "%s", hlt_read_file(fx.daemon.log));
	v = hlt_ticket_field(&fx.redis, id, "manual_reason");
	cr_expect(v && strstr(v, "catalogue unavailable (test)"), "%s", v);
	free(v);
	hlt_daemon_stop(&fx.daemon, SIGTERM, 5000);

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_slow"));
	create(fx.daemon.port, id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual"), "%s", hlt_read_file(fx.daemon.log));
	v = hlt_ticket_field(&fx.redis, id, "manual_reason");
	cr_expect(v && strstr(v, "did not answer within 300 ms"), "%s", v);
	free(v);

	/* A dispatcher sends it to a unit by hand; a unit may not. */
	cr_expect_eq(step(HLT_TOKEN_WATER, id, "dispatch", "{\"department\":\"water\"}", NULL), 404);
	cr_expect_eq(step(HLT_TOKEN_AGENT, id, "dispatch", "{\"department\":\"nowhere\"}", NULL),
		     400);
	STEP_OK(HLT_TOKEN_AGENT, id, "dispatch", "{\"department\":\"water\",\"note\":\"人工派单\"}",
		"dispatched");
	cr_expect(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000) == 0, "unclean stop with a late plugin");
}

Test(workflow, returns_reroute_without_the_unit_then_hit_the_limit)
{
	char id[32], *v;

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_async"));
	create(fx.daemon.port, id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"));
	STEP_OK(HLT_TOKEN_WATER, id, "return", "{\"reason\":\"不属我单位\"}", "return_requested");
	/* Re-routed without water: the only plugin names water again, so nobody is left. */
	cr_expect_eq(step(HLT_TOKEN_SUPERVISOR, id, "approve-return", NULL, NULL), 200);
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual"), "%s", hlt_read_file(fx.daemon.log));
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, id, "excluded"), "water");
	free(v);
	STEP_OK(HLT_TOKEN_AGENT, id, "dispatch", "{\"department\":\"gas\"}", "dispatched");
	STEP_OK(HLT_TOKEN_GAS, id, "return", "{\"reason\":\"也不属我单位\"}", "return_requested");
	/* The second approved return reaches routing.max_returns: a person decides. */
	STEP_OK(HLT_TOKEN_SUPERVISOR, id, "approve-return", NULL, "pending_manual");
	v = hlt_ticket_field(&fx.redis, id, "manual_reason");
	cr_expect(v && strstr(v, "returned 2 times"), "%s", v);
	free(v);
	STEP_OK(HLT_TOKEN_AGENT, id, "dispatch", "{\"department\":\"water\"}", "dispatched");
	STEP_OK(HLT_TOKEN_WATER, id, "return", "{\"reason\":\"再次退回\"}", "return_requested");
	STEP_OK(HLT_TOKEN_SUPERVISOR, id, "reject-return", "{\"reason\":\"属你单位职责\"}",
		"dispatched");
}

Test(workflow, co_handling_units_see_the_ticket_and_add_notes)
{
	char id[32], path[64], *body = NULL;
	struct hlt_response r;

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_async"));
	create(fx.daemon.port, id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"));
	snprintf(path, sizeof(path), "/v1/tickets/%s", id);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", path, HLT_TOKEN_GAS, NULL), 404,
		     "a unit is told nothing of another's ticket, reading or acting");
	cr_expect_eq(step(HLT_TOKEN_GAS, id, "notes", "{\"note\":\"x\"}", NULL), 404);
	STEP_OK(HLT_TOKEN_SUPERVISOR, id, "co-handle", "{\"units\":[\"gas\"],\"note\":\"协办\"}",
		"dispatched");
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", path, HLT_TOKEN_GAS, NULL), 200);
	cr_expect_eq(step(HLT_TOKEN_GAS, id, "notes", "{\"note\":\"燃气管线已排查\"}", NULL), 200);
	cr_expect_eq(step(HLT_TOKEN_GAS, id, "sign", NULL, NULL), 403, "co-handlers do not lead");
	/* The worklists: the lead's and the co-handler's both hold it. */
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/departments/gas/tickets?state=dispatched",
				 HLT_TOKEN_GAS, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, id), "%s", r.body);
	hlt_response_free(&r);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/departments/water/tickets",
				HLT_TOKEN_GAS, NULL),
		     403);
	cr_expect_eq(step(HLT_TOKEN_AGENT, id, "fly", NULL, &body), 404);
	free(body);
	cr_expect_eq(step(HLT_TOKEN_AGENT, "20991231-000001", "notes", "{\"note\":\"x\"}", NULL),
		     404);
}

Test(workflow, explain_routes_without_storing)
{
	struct hlt_response r;
	char dept[32];

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_async"));
	cr_assert_eq(hlt_request(fx.daemon.port, "POST", "/v1/route/explain", HLT_TOKEN_AGENT, NULL,
				 ticket_body, &r),
		     200, "%s", r.body);
	cr_expect_str_eq(hlt_json_member(r.body, "department", dept, sizeof(dept)), "water");
	cr_expect(strstr(r.body, "\"steps\":[{\"plugin\":\"route_async\""), "%s", r.body);
	hlt_response_free(&r);
	/* a draft the agent is still typing: no title, place or caller's phone yet */
	cr_assert_eq(hlt_request(fx.daemon.port, "POST", "/v1/route/explain", HLT_TOKEN_AGENT, NULL,
				 "{\"channel\":\"hotline\",\"content\":\"家里停水三天了\"}", &r),
		     200, "%s", r.body);
	cr_expect(strstr(r.body, "\"steps\":["), "%s", r.body);
	hlt_response_free(&r);
	cr_expect_eq(hlt_status(fx.daemon.port, "POST", "/v1/route/explain", HLT_TOKEN_AGENT,
				"{\"channel\":\"hotline\",\"address\":\"江汉路1号\"}"),
		     400, "a draft with neither title nor content has nothing to route");
	char *keys = hlt_redis_cmd(&fx.redis, "KEYS hl:t:*");
	cr_expect(keys && !*keys, "explain stored a ticket: %s", keys);
	free(keys);
	cr_expect_eq(hlt_status(fx.daemon.port, "POST", "/v1/route/explain", HLT_TOKEN_WATER,
				ticket_body),
		     403);
}

Test(workflow, two_daemons_share_routing_and_one_killed_loses_nothing)
{
	enum { N = 120, HELD = 20 };
	static char ids[N][32];
	char *pending;

	/* The victim routes slowly (within its budget): killed while it holds entries. */
	leave_with_dead_daemon("victim", ids, HELD);

	/* The survivor takes its entries over while it routes new ones. */
	start_with(&fx.daemon, "survivor", HLT_PLUGIN("route_async"));
	for (int i = HELD; i < N; i++)
		create(fx.daemon.port, ids[i], sizeof(ids[i]));
	for (int i = 0; i < N; i++) {
		int dispatches;

		cr_expect(hlt_wait_state(&fx.redis, ids[i], "dispatched"), "%s not dispatched", ids[i]);
		dispatches = hlt_audit_count(&fx.redis, ids[i], "action\ndispatch\n");
		cr_expect_eq(dispatches, 1, "%s dispatched %d times", ids[i], dispatches);
	}
	pending = hlt_redis_cmd(&fx.redis, "XPENDING hl:intake route");
	cr_expect(pending && strncmp(pending, "0\n", 2) == 0, "entries left pending: %s", pending);
	free(pending);
	pending = hlt_redis_cmd(&fx.redis, "XLEN hl:intake");
	cr_expect(pending && strcmp(pending, "0\n") == 0, "routed entries kept: %s", pending);
	free(pending);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=reclaimed", 0),
		  "the survivor did not take over the dead daemon's entries");
}

/* Hand-off (routing.hand_off, the default): the daemon that takes a ticket in routes it
 * itself, under a routing lease of reclaim_idle in hl:due instead of a stream entry.
 * Killed while its router still owes the answers, it leaves tickets received with their
 * leases and nothing on the stream; when the leases run out, a survivor's sweep puts
 * them on the routing stream, and they are routed once each, the dead daemon's attempt
 * counted. */
#define LEASE_ROUTING "routing:\n  plugin_timeout: 1s\n  reclaim_idle: 2s\n"

Test(workflow, a_dead_daemons_handed_off_tickets_are_routed_once_when_their_leases_run_out)
{
	enum { N = 10 };
	static char ids[N][32];
	struct hlt_daemon holder = {0};
	int held = 0;
	char *v;

	start_in(&holder, "holder", LEASE_ROUTING,
		 HLT_PLUGIN("route_async") "    options: {delay: 900ms}\n");
	for (int i = 0; i < N; i++)
		create(holder.port, ids[i], sizeof(ids[i]));
	cr_assert_eq(hlt_daemon_stop(&holder, SIGKILL, 2000), 128 + SIGKILL);
	v = hlt_redis_cmd(&fx.redis, "XLEN hl:intake");
	cr_expect(v && strcmp(v, "0\n") == 0, "handed-off tickets on the stream: %s", v);
	free(v);
	for (int i = 0; i < N; i++) { /* a slow machine may have routed the first ones */
		char *state = hlt_ticket_field(&fx.redis, ids[i], "state");
		char *lease = hlt_redis_cmd(&fx.redis, "ZSCORE hl:due %s", ids[i]);

		if (state && strcmp(state, "received") == 0) {
			cr_expect(lease && atoll(lease) > 0, "%s received without a lease", ids[i]);
			held++;
		}
		free(state);
		free(lease);
	}
	cr_assert_gt(held, 0, "the holder routed every ticket before it was killed");

	start_with(&fx.daemon, "survivor", HLT_PLUGIN("route_async"));
	for (int i = 0; i < N; i++) {
		cr_expect(hlt_wait_state(&fx.redis, ids[i], "dispatched"), "%s not dispatched", ids[i]);
		cr_expect_eq(hlt_audit_count(&fx.redis, ids[i], "action\ndispatch\n"), 1, "%s",
			     ids[i]);
	}
	int requeued = 0;
	for (int i = 0; i < N; i++) {
		if (hlt_audit_count(&fx.redis, ids[i], "action\nrequeued\n") == 1) {
			requeued++;
			cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, ids[i], "route_attempts"), "2");
			free(v);
		}
	}
	cr_expect_eq(requeued, held, "requeued %d of the %d held", requeued, held);
	v = hlt_redis_cmd(&fx.redis, "XPENDING hl:intake route");
	cr_expect(v && strncmp(v, "0\n", 2) == 0, "entries left pending: %s", v);
	free(v);
	/* their leases gave way to the sign-for clock's first stage */
	for (int i = 0; i < N; i++) {
		v = hlt_redis_cmd(&fx.redis, "ZSCORE hl:due %s", ids[i]);
		cr_expect(v && atoll(v) > hlt_now_ms() + 60000, "%s: %s", ids[i], v);
		free(v);
	}
}

static void *explain_once(void *arg)
{
	struct hlt_response r;

	*(int *)arg = hlt_request(fx.daemon.port, "POST", "/v1/route/explain", HLT_TOKEN_AGENT,
				  NULL, ticket_body, &r);
	hlt_response_free(&r);
	return NULL;
}

Test(workflow, an_explanation_waiting_on_a_plugin_is_answered_at_stop)
{
	pthread_t thread;
	int status = 0;

	start_in(&fx.daemon, NULL, "routing:\n  plugin_timeout: 30s\n  reclaim_idle: 60s\n",
		 HLT_PLUGIN("route_slow"));
	pthread_create(&thread, NULL, explain_once, &status);
	usleep(300000);
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 8000), 0, "%s", hlt_read_file(fx.daemon.log));
	pthread_join(thread, NULL);
	cr_expect_eq(status, 503);
}

Test(workflow, tv_tickets_get_the_tv_policy_and_supervisors_are_told)
{
	char id[32], *v;

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_async") "  - name: tv\n");
	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_TV,
			  "{\"channel\":\"tv\",\"title\":\"电视问政：古田停水\",\"content\":\"节目曝光\","
			  "\"district\":\"硚口区\"}",
			  id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"), "%s", hlt_read_file(fx.daemon.log));
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, id, "sla_policy"), "tv");
	free(v);
	v = hlt_events(&fx.redis, "audience", "supervisors", NULL);
	cr_expect(v && strstr(v, id), "%s", v);
	free(v);
}

Test(workflow, a_repeat_report_is_merged_into_the_open_master)
{
	char first[32], second[32], *v;

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_async") "  - name: dedup\n");
	create(fx.daemon.port, first, sizeof(first));
	cr_assert(hlt_wait_state(&fx.redis, first, "dispatched"));
	create(fx.daemon.port, second, sizeof(second)); /* the same caller, the same matter */
	cr_assert(hlt_wait_state(&fx.redis, second, "merged"), "%s", hlt_read_file(fx.daemon.log));
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, second, "master"), first);
	free(v);
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, first, "citizens"), "2");
	free(v);
	cr_expect_str_eq(v = hlt_ticket_field(&fx.redis, first, "merged"), second);
	free(v);
	v = hlt_events(&fx.redis, "unit", "water", "queue");
	cr_expect(v && strstr(v, "event\nmerged\n"), "the master's unit was not told: %s", v);
	free(v);
	/* Nothing runs late against a merged ticket, and a step on it names its master. */
	v = hlt_redis_cmd(&fx.redis, "ZRANGE hl:due 0 -1");
	cr_expect(v && !strstr(v, second), "stages left for a merged ticket: %s", v);
	free(v);
	char *body = NULL;
	cr_expect_eq(step(HLT_TOKEN_WATER, second, "sign", NULL, &body), 409);
	cr_expect(body && strstr(body, first), "%s", body);
	free(body);
}

#define FAST_RECLAIM HLT_FAST_ROUTING "  max_attempts: 2\n  hand_off: false\n"

static const char *const crash_body =
	"{\"channel\":\"hotline\",\"title\":\"CRASH 古田二路停水\",\"content\":\"来电人反映家中"
	"停水。\",\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150003\"}";

/* A ticket on which a plugin kills the daemon: each daemon that takes it over (after
 * routing.reclaim_idle) dies too, until routing began routing.max_attempts times; then
 * the ticket waits for a person with the reason, and the daemon lives on and routes the
 * rest. */
Test(workflow, a_ticket_that_kills_every_daemon_is_left_for_a_person)
{
	char id[32], other[32], *v;

	start_in(&fx.daemon, NULL, FAST_RECLAIM, HLT_PLUGIN("route_crashes") HLT_PLUGIN("route_async"));
	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT, crash_body, id, sizeof(id));

	/* Attempts 1 and 2: the daemon dies routing it; another is started in its place. */
	for (int attempt = 1; attempt <= 2; attempt++) {
		cr_assert_eq(hlt_daemon_stop(&fx.daemon, 0, 8000), 128 + SIGABRT,
			     "attempt %d: the plugin did not kill the daemon", attempt);
		v = hlt_ticket_field(&fx.redis, id, "state");
		cr_expect_str_eq(v, "received", "attempt %d", attempt);
		free(v);
		hlt_daemon_start_ready(&fx.daemon);
	}
	/* The third daemon does not try again: manual dispatch, with why. */
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual"), "%s", hlt_read_file(fx.daemon.log));
	v = hlt_ticket_field(&fx.redis, id, "manual_reason");
	cr_expect(v && strstr(v, "routing began 2 times without finishing"), "%s", v);
	free(v);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=gave_up", 0), "%s",
		  hlt_read_file(fx.daemon.log));
	/* It is alive and routes the next ticket as ever. */
	create(fx.daemon.port, other, sizeof(other));
	cr_expect(hlt_wait_state(&fx.redis, other, "dispatched"), "%s", hlt_read_file(fx.daemon.log));
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0);
}

/* A live hand-off: while the router is still to answer, the ticket is received with its
 * routing lease (about reclaim_idle ahead) and nothing on the stream; once dispatched,
 * the lease has given way to its clocks' first stage. */
Test(workflow, a_handed_off_tickets_lease_gives_way_to_its_first_stage)
{
	char id[32], *v, *plan;
	long long lease, created, first;

	start_in(&fx.daemon, NULL, HLT_FAST_ROUTING, /* plugin_timeout 300ms, reclaim_idle 1s */
		 HLT_PLUGIN("route_async") "    options: {delay: 200ms}\n");
	create(fx.daemon.port, id, sizeof(id));
	v = hlt_redis_cmd(&fx.redis, "ZSCORE hl:due %s", id);
	lease = v ? atoll(v) : 0;
	free(v);
	v = hlt_ticket_field(&fx.redis, id, "created_ms");
	created = v ? atoll(v) : 0;
	free(v);
	cr_expect_eq(lease, created + 1000, "lease %lld for a ticket created at %lld", lease,
		     created);
	v = hlt_redis_cmd(&fx.redis, "XLEN hl:intake");
	cr_expect(v && strcmp(v, "0\n") == 0, "a handed-off ticket on the stream: %s", v);
	free(v);
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"));
	first = 0;
	for (int c = 0; c < 2; c++) { /* the soonest first stage of the sign and answer plans */
		plan = hlt_ticket_field(&fx.redis, id, c ? "answer_plan" : "sign_plan");
		char *bar = plan ? strchr(plan, '|') : NULL;
		long long due = bar ? atoll(bar + 1) : 0;

		if (due && (!first || due < first))
			first = due;
		free(plan);
	}
	v = hlt_redis_cmd(&fx.redis, "ZSCORE hl:due %s", id);
	cr_expect(first > 0 && v && atoll(v) == first, "hl:due has %s, the first stage is %lld", v,
		  first);
	free(v);
	cr_expect_eq(hlt_audit_count(&fx.redis, id, "action\nrequeued\n"), 0);
}

/* A ticket on which a plugin kills the daemon, handed off: the daemon dies after its
 * create (the 201 may or may not have left), the lease runs out, and the daemons that
 * take it from the stream die too, until routing began routing.max_attempts times;
 * then it waits for a person. */
Test(workflow, a_handed_off_ticket_that_kills_every_daemon_is_left_for_a_person)
{
	struct hlt_response r;
	char id[32] = "", *v;

	start_in(&fx.daemon, NULL, HLT_FAST_ROUTING "  max_attempts: 2\n",
		 HLT_PLUGIN("route_crashes") HLT_PLUGIN("route_async"));
	hlt_request(fx.daemon.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT,
		    "Idempotency-Key: crash-1\r\n", crash_body, &r);
	hlt_response_free(&r);
	for (int attempt = 1; attempt <= 2; attempt++) {
		cr_assert_eq(hlt_daemon_stop(&fx.daemon, 0, 8000), 128 + SIGABRT,
			     "attempt %d: the plugin did not kill the daemon", attempt);
		if (!id[0]) { /* the one ticket there is */
			v = hlt_redis_cmd(&fx.redis, "KEYS hl:t:*");
			cr_assert(v && strncmp(v, "hl:t:", 5) == 0, "%s", v);
			snprintf(id, sizeof(id), "%.*s", (int)strcspn(v + 5, "\n"), v + 5);
			free(v);
		}
		hlt_daemon_start_ready(&fx.daemon);
	}
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual"), "%s", hlt_read_file(fx.daemon.log));
	v = hlt_ticket_field(&fx.redis, id, "manual_reason");
	cr_expect(v && strstr(v, "routing began 2 times without finishing"), "%s", v);
	free(v);
	cr_expect_eq(hlt_audit_count(&fx.redis, id, "action\nrequeued\n"), 1);
}

/* The tickets a dead daemon held beside one that kills every daemon are taken over with
 * it, but routed one at a time: they are dispatched, and only the killer is left for a
 * person. (Routed all at once, each would die beside it and use up its attempts too.) */
Test(workflow, a_ticket_that_kills_every_daemon_takes_no_neighbour_with_it)
{
	struct hlt_daemon holder = {0};
	enum { N = 80 };
	static char ids[N][32];
	char crash[32], *v;

	/* A daemon whose router answers late holds the killer among N others. */
	start_in(&holder, "holder", HOLDER_ROUTING, HOLDER_PLUGINS);
	for (int i = 0; i < N; i++) {
		if (i == N / 2)
			hlt_create_ticket(holder.port, HLT_TOKEN_AGENT, crash_body, crash,
					  sizeof(crash));
		create(holder.port, ids[i], sizeof(ids[i]));
	}
	kill_holding(&holder, N + 1);

	/* The next daemon routes the first half, then dies on the killer; the one after it
	 * gives the killer up and routes the rest. */
	fx.daemon.extra_yaml = FAST_RECLAIM;
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis,
			     HLT_PLUGIN("route_crashes") HLT_PLUGIN("route_async"));
	cr_assert_eq(hlt_daemon_start(&fx.daemon), 0, "%s", hlt_read_file(fx.daemon.log));
	cr_assert_eq(hlt_daemon_stop(&fx.daemon, 0, 8000), 128 + SIGABRT, "%s",
		     hlt_read_file(fx.daemon.log));
	cr_assert_eq(hlt_daemon_start(&fx.daemon), 0, "%s", hlt_read_file(fx.daemon.log));
	cr_assert(hlt_wait_state(&fx.redis, crash, "pending_manual"), "%s", hlt_read_file(fx.daemon.log));
	for (int i = 0; i < N; i++) {
		cr_expect(hlt_wait_state(&fx.redis, ids[i], "dispatched"), "%s (number %d) not dispatched",
			  ids[i], i);
		v = hlt_ticket_field(&fx.redis, ids[i], "route_attempts");
		cr_expect(v && atoi(v) <= 2, "%s: routing began %s times", ids[i], v);
		free(v);
	}
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0);
}

/* Two live daemons take over a dead daemon's entries while their router takes a while:
 * each entry is claimed only when it is about to be routed, so neither daemon takes over
 * an entry the other has claimed and not yet routed, and no ticket is loaded more often
 * than once by the dead daemon and once by the one that took it over. */
Test(workflow, live_daemons_taking_over_do_not_take_from_each_other)
{
	struct hlt_daemon other = {0};
	enum { N = 30 };
	static char ids[N][32];
	char *v;

	leave_with_dead_daemon("holder", ids, N);

	/* routing a ticket takes a quarter of reclaim_idle */
	start_in(&fx.daemon, NULL, FAST_RECLAIM,
		 HLT_PLUGIN("route_async") "    options: {delay: 250ms}\n");
	start_in(&other, "other", FAST_RECLAIM,
		 HLT_PLUGIN("route_async") "    options: {delay: 250ms}\n");
	for (int i = 0; i < N; i++) {
		cr_expect(hlt_wait_state(&fx.redis, ids[i], "dispatched"), "%s (number %d) not dispatched",
			  ids[i], i);
		v = hlt_ticket_field(&fx.redis, ids[i], "route_attempts");
		cr_expect(v && atoi(v) == 2, "%s: routing began %s times", ids[i], v);
		free(v);
	}
	cr_expect_eq(hlt_daemon_stop(&other, SIGTERM, 5000), 0);
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0);
}

/* An orderly stop lets the tickets being routed finish: the one a slow router holds is
 * dispatched before the daemon exits, not left for another to begin again. */
Test(workflow, an_orderly_stop_finishes_the_routing_under_way)
{
	char id[32], *v;

	start_in(&fx.daemon, NULL, "routing:\n  plugin_timeout: 2s\n  reclaim_idle: 30s\n",
		 HLT_PLUGIN("route_async") "    options: {delay: 1s}\n");
	create(fx.daemon.port, id, sizeof(id));
	usleep(300000); /* its router is working on it */
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0, "%s", hlt_read_file(fx.daemon.log));
	v = hlt_ticket_field(&fx.redis, id, "state");
	cr_expect_str_eq(v, "dispatched", "%s", hlt_read_file(fx.daemon.log));
	free(v);
	v = hlt_ticket_field(&fx.redis, id, "route_attempts");
	cr_expect_str_eq(v, "1");
	free(v);
}

/* An orderly stop gives routing under way half of shutdown_timeout: a router that would
 * answer later is given up (the ticket stays pending for the next daemon) and the daemon
 * still deregisters and exits 0 in time. */
Test(workflow, an_orderly_stop_gives_up_routing_that_outlasts_it)
{
	char id[32], *v;

	/* the harness's shutdown_timeout is 5 s */
	start_in(&fx.daemon, NULL, HOLDER_ROUTING, HOLDER_PLUGINS);
	create(fx.daemon.port, id, sizeof(id));
	usleep(300000); /* its router is working on it */
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 4500), 0, "%s", hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=stop_gave_up", 0), "%s",
		  hlt_read_file(fx.daemon.log));
	v = hlt_redis_cmd(&fx.redis, "HLEN hl:daemons");
	cr_expect(v && strcmp(v, "0\n") == 0, "still registered: %s", v);
	free(v);
	v = hlt_ticket_field(&fx.redis, id, "state");
	cr_expect_str_eq(v, "received");
	free(v);
}

/* Work that reaches a stopping daemon after the stop began (its read under way brings
 * an entry) is bounded by the stop's time for routing too. */
Test(workflow, work_arriving_during_a_stop_is_bounded_by_it)
{
	char id[32], *v;

	/* a ticket whose entry is pending with a dead daemon */
	leave_with_dead_daemon("holder", &id, 1);
	/* an idle daemon, its read waiting, is stopped; then the ticket is queued again */
	start_in(&fx.daemon, NULL, HOLDER_ROUTING, HOLDER_PLUGINS);
	usleep(300000);
	kill(fx.daemon.pid, SIGTERM);
	usleep(50000);
	free(hlt_redis_cmd(&fx.redis, "XADD hl:intake * id %s seq 1", id));
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, 0, 4500), 0, "%s", hlt_read_file(fx.daemon.log));
	/* it left the registry as it stopped; the killed holder's entry went when this
	 * daemon, starting on the same host, found its process gone and took it over */
	v = hlt_redis_cmd(&fx.redis, "HLEN hl:daemons");
	cr_expect(v && strcmp(v, "0\n") == 0, "still registered: %s", v);
	free(v);
	v = hlt_redis_cmd(&fx.redis, "XRANGE hl:ops - +");
	cr_expect(v && strstr(v, "event\nstopped\n") && strstr(v, "why\ngone\n"), "%s", v);
	free(v);
}

/* A reload that shortens routing.reclaim_idle is followed at once by the takeover scan:
 * a dead daemon's ticket is taken over within the new reclaim_idle, not after the old. */
Test(workflow, the_takeover_follows_a_reloaded_reclaim_idle)
{
	char id[32];

	leave_with_dead_daemon("holder", &id, 1);
	/* the holder leaves no registry entry (as a daemon of before heartbeats): nothing
	 * but reclaim_idle, the backstop, takes its entry over */
	free(hlt_redis_cmd(&fx.redis, "DEL hl:daemons"));
	start_in(&fx.daemon, NULL, "routing:\n  plugin_timeout: 300ms\n  reclaim_idle: 60s\n",
		 HLT_PLUGIN("route_async"));
	fx.daemon.extra_yaml = FAST_ROUTING;
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis, HLT_PLUGIN("route_async"));
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=reloaded generation=2", 3000), "%s",
		  hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_state(&fx.redis, id, "dispatched"), "not taken over: %s",
		  hlt_read_file(fx.daemon.log));
}

Test(workflow, the_unit_directory_names_every_unit)
{
	struct hlt_response r;

	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_async"));
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/departments", HLT_TOKEN_WATER, NULL,
				 NULL, &r),
		     200, "%s", r.body);
	cr_expect(strstr(r.body, "{\"code\":\"water\",\"name\":\"武汉市水务集团有限公司\","
				 "\"kind\":\"enterprise\""),
		  "%s", r.body);
	cr_expect(strstr(r.body, "\"code\":\"d.jianghan\""), "%s", r.body);
	hlt_response_free(&r);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/departments", NULL, NULL), 401);
	/* the unit worklists under it are still theirs */
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/departments/water/tickets",
				HLT_TOKEN_WATER, NULL),
		     200);
}

/* Issue 18: a client whose create got no answer (the connection to Redis went during the
 * WAIT: 503, "may or may not exist") retries with the same Idempotency-Key. When the
 * replay finds the ticket still under its routing lease a second after intake, its
 * routing was lost: the lease is made due, and a sweep has it routed now, not when the
 * lease runs out (90 s here). Here the holder is only slow (its router waits 30 s), and
 * the commit's sequence check keeps the ticket dispatched once. */
Test(workflow, a_retry_that_finds_a_stalled_hand_off_has_it_routed_now)
{
	struct hlt_daemon holder = {0};
	const char *key = "Idempotency-Key: stalled-hand-off-1\r\n";
	struct hlt_response r;
	char id[32], again[32];
	int dispatches;

	start_in(&holder, "holder", "routing:\n  plugin_timeout: 40s\n  reclaim_idle: 90s\n",
		 HOLDER_PLUGINS);
	start_with(&fx.daemon, NULL, HLT_PLUGIN("route_async"));
	cr_assert_eq(hlt_request(holder.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT, key,
				 ticket_body, &r),
		     201, "%s", r.body);
	hlt_json_member(r.body, "id", id, sizeof(id));
	hlt_response_free(&r);
	usleep(1100000);
	cr_assert_eq(hlt_request(fx.daemon.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT, key,
				 ticket_body, &r),
		     201, "%s", r.body);
	hlt_json_member(r.body, "id", again, sizeof(again));
	hlt_response_free(&r);
	cr_expect_str_eq(again, id, "the replay is the same ticket");
	cr_expect(hlt_wait_state(&fx.redis, id, "dispatched"),
		  "not routed within 5 s of the retry:\n%s", hlt_read_file(fx.daemon.log));
	dispatches = hlt_audit_count(&fx.redis, id, "action\ndispatch\n");
	cr_expect_eq(dispatches, 1, "%s dispatched %d times", id, dispatches);
	hlt_daemon_stop(&holder, SIGKILL, 1000);
}
