/* Integration tests for supervision (issue 16): TV-inquiry programmes, supervised cases
 * (督办件) through their steps with each role's rights, accountability records (问责)
 * with their masking and corrections, bad input that writes nothing, and the summary of
 * a month built by hand (on the test clock) checked figure by figure. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx = {.setup = HLT_SETUP_REDIS};
HLT_SUITE(supervision, fx);

#define TEST_CLOCK "test_clock: true\n" HLT_FAST_ROUTING

static void start(const char *extra_yaml)
{
	fx.daemon.extra_yaml = extra_yaml ? extra_yaml : TEST_CLOCK;
	fx.daemon.binary = HL_BUILD_DIR "/tests/hotlined-testclock";
	hlt_fixture_start(&fx, &fx.daemon, NULL, NULL);
}

/* The local date (Asia/Shanghai) `days` from now, as YYYY-MM-DD. */
static const char *day(int days, char buf[16])
{
	time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
	return buf;
}

/* Sends a request; expects `want`; returns the parsed answer (caller puts), or NULL for a
 * body that is not JSON. */
static struct json_object *call(const char *method, const char *path, const char *token,
				const char *body, int want)
{
	struct hlt_response r;
	struct json_object *o;
	int status = hlt_request(fx.daemon.port, method, path, token, NULL, body, &r);

	cr_assert_eq(status, want, "%s %s: %d, not %d: %s", method, path, status, want, r.body);
	o = r.body ? json_tokener_parse(r.body) : NULL;
	hlt_response_free(&r);
	return o;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* POSTs body to path as a supervisor; expects 201; copies the new id into id. */
static const char *create(const char *path, const char *body, char *id, size_t len)
{
	struct json_object *o = call("POST", path, HLT_TOKEN_SUPERVISOR, body, 201);

	snprintf(id, len, "%s", str(o, "id"));
	json_object_put(o);
	return id;
}

/* Moves daemon d's test clock. */
static void advance_on(const struct hlt_daemon *d, const char *by)
{
	hlt_advance_clock(d->port, by, NULL, 0);
}

static void advance(const char *by)
{
	advance_on(&fx.daemon, by);
}

/* Takes a case step as token; expects want; returns the answer. */
static struct json_object *step(const char *token, const char *id, const char *name,
				const char *body, int want)
{
	char path[128];

	snprintf(path, sizeof(path), "/v1/supervision/cases/%s/%s", id, name);
	return call("POST", path, token, body, want);
}

static void step_ok(const char *token, const char *id, const char *name, const char *body)
{
	json_object_put(step(token, id, name, body, 200));
}

/* A case body of kind problem led by water (co-unit gas unless co is NULL), due `deadline`
 * (JSON). */
static const char *case_body(char *buf, size_t len, const char *title, const char *deadline,
			     const char *source)
{
	snprintf(buf, len,
		 "{\"kind\":\"problem\",\"title\":\"%s\",\"description\":\"群众反映办事来回跑\","
		 "\"source\":%s,\"lead_unit\":\"water\",\"co_units\":[\"gas\"],"
		 "\"requirements\":\"一次办结\",\"deadline\":%s}",
		 title, source ? source : "{\"type\":\"inspection\",\"text\":\"暗访\"}", deadline);
	return buf;
}

static const char *programme_body(char *buf, size_t len, const char *date, int problems)
{
	snprintf(buf, len,
		 "{\"date\":\"%s\",\"title\":\"电视问政第%d期\",\"units\":[\"water\",\"gas\"],"
		 "\"notes\":\"直播\",\"problems\":[%s]}",
		 date, problems,
		 problems == 2 ? "\"办证来回跑五次\",\"停水不通知\"" : "\"燃气维修推诿\"");
	return buf;
}

/* How many keys the store holds and entries the event stream has, as one text: a bad
 * request must leave both as they were. */
static char *store_state(void)
{
	char *size = hlt_redis_cmd(&fx.redis, "DBSIZE"), *events =
								   hlt_redis_cmd(&fx.redis, "XLEN hl:events");
	char *both = malloc(64);

	snprintf(both, 64, "keys=%s events=%s", size, events);
	free(size);
	free(events);
	return both;
}

Test(supervision, programme_lists_its_problems_cases_and_tv_tickets)
{
	char body[1024], pid[32], cid[32], tid[32], path[128], d[16];
	struct json_object *o;

	start(NULL);
	create("/v1/supervision/programmes", programme_body(body, sizeof(body), day(0, d), 2),
	       pid, sizeof(pid));
	cr_assert(strncmp(pid, "P", 1) == 0 && strlen(pid) == strlen("P20261206-001"), "%s", pid);
	/* an agent may not record one */
	json_object_put(call("POST", "/v1/supervision/programmes", HLT_TOKEN_AGENT, body, 403));
	/* a tv ticket names it; a ticket naming a programme that does not exist is refused */
	snprintf(body, sizeof(body),
		 "{\"channel\":\"tv\",\"title\":\"办证来回跑\",\"content\":\"节目曝光后市民来电\","
		 "\"address\":\"江岸区\",\"programme\":\"%s\"}",
		 pid);
	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_TV, body, tid, sizeof(tid));
	o = call("POST", "/v1/tickets", HLT_TOKEN_TV,
		 "{\"channel\":\"tv\",\"title\":\"t\",\"content\":\"c\",\"address\":\"江岸区\","
		 "\"programme\":\"P19990101-001\"}",
		 400);
	cr_assert_str_eq(str(o, "field"), "programme");
	json_object_put(o);
	snprintf(path, sizeof(path), "{\"type\":\"programme\",\"id\":\"%s\"}", pid);
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "办证来回跑", "{\"working_days\":10}", path), cid,
	       sizeof(cid));

	snprintf(path, sizeof(path), "/v1/supervision/programmes/%s", pid);
	o = call("GET", path, HLT_TOKEN_WATER, NULL, 200);
	cr_assert_str_eq(str(o, "title"), "电视问政第2期");
	cr_assert_eq(json_object_array_length(member(o, "problems")), 2);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(member(o, "problems"), 0)),
			 "办证来回跑五次");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(member(o, "cases"), 0)),
			 cid);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(member(o, "tickets"), 0)),
			 tid);
	json_object_put(o);
	o = call("GET", "/v1/supervision/programmes?from=2000-01-01", HLT_TOKEN_SUPERVISOR, NULL,
		 200);
	cr_assert_eq(json_object_array_length(member(o, "programmes")), 1);
	json_object_put(o);
	json_object_put(call("GET", "/v1/supervision/programmes/P19990101-001",
			     HLT_TOKEN_SUPERVISOR, NULL, 404));
}

Test(supervision, a_case_walks_its_steps_with_each_roles_rights)
{
	char body[1024], id[32], path[128];
	struct json_object *o, *timeline;
	char *events;

	start(NULL);
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "停水不通知", "{\"working_days\":5}", NULL), id,
	       sizeof(id));
	cr_assert(strncmp(id, "C", 1) == 0 && strlen(id) == strlen("C20261206-0001"), "%s", id);

	snprintf(path, sizeof(path), "/v1/supervision/cases/%s", id);
	json_object_put(call("GET", path, HLT_TOKEN_AGENT, NULL, 403));
	json_object_put(call("GET", path, HLT_TOKEN_WATER, NULL, 200));
	json_object_put(call("GET", path, HLT_TOKEN_GAS, NULL, 200)); /* the co-unit */

	/* the plan is the lead unit's; a supervisor cannot accept what is not rectified */
	json_object_put(step(HLT_TOKEN_GAS, id, "plan", "{\"plan\":\"x\"}", 403));
	o = step(HLT_TOKEN_SUPERVISOR, id, "accept", NULL, 409);
	cr_assert_str_eq(str(o, "field"), "state");
	cr_assert_eq(json_object_array_length(member(o, "allowed")), 1);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(member(o, "allowed"), 0)),
			 "plan");
	json_object_put(o);
	json_object_put(step(HLT_TOKEN_WATER, id, "plan", "{}", 400)); /* the plan is required */
	json_object_put(step(HLT_TOKEN_WATER, id, "plan", "{\"plan\":\"x\",\"y\":1}", 400));
	json_object_put(step(HLT_TOKEN_WATER, id, "retreat", NULL, 404));
	step_ok(HLT_TOKEN_WATER, id, "plan", "{\"plan\":\"建立停水提前告知机制\"}");
	step_ok(HLT_TOKEN_GAS, id, "progress", "{\"progress\":\"协办单位已配合\"}");
	step_ok(HLT_TOKEN_WATER, id, "progress", "{\"progress\":\"短信告知上线\"}");
	json_object_put(step(HLT_TOKEN_GAS, id, "rectified", NULL, 403));
	step_ok(HLT_TOKEN_WATER, id, "rectified", "{\"note\":\"整改完成\"}");
	json_object_put(step(HLT_TOKEN_WATER, id, "accept", NULL, 403));
	json_object_put(step(HLT_TOKEN_SUPERVISOR, id, "send-back", "{}", 400));
	o = step(HLT_TOKEN_SUPERVISOR, id, "send-back", "{\"reason\":\"告知覆盖不全\"}", 200);
	cr_assert_str_eq(str(o, "state"), "rectifying");
	cr_assert_eq(json_object_get_int(member(o, "send_backs")), 1);
	json_object_put(o);
	step_ok(HLT_TOKEN_WATER, id, "rectified", NULL);
	o = step(HLT_TOKEN_SUPERVISOR, id, "accept", "{\"note\":\"验收通过\"}", 200);
	cr_assert_str_eq(str(o, "state"), "closed");
	cr_assert_eq(json_object_get_int(member(o, "late_ms")), 0);
	json_object_put(o);
	o = step(HLT_TOKEN_WATER, id, "progress", "{\"progress\":\"x\"}", 409);
	cr_assert_eq(json_object_array_length(member(o, "allowed")), 0);
	json_object_put(o);

	/* the timeline: every step with its actor and role */
	o = call("GET", path, HLT_TOKEN_SUPERVISOR, NULL, 200);
	timeline = member(o, "timeline");
	cr_assert_eq(json_object_array_length(timeline), 8, "%s", json_object_to_json_string(o));
	cr_assert_str_eq(str(json_object_array_get_idx(timeline, 0), "action"), "open");
	cr_assert_str_eq(str(json_object_array_get_idx(timeline, 2), "actor"), "gas-test");
	cr_assert_str_eq(str(json_object_array_get_idx(timeline, 2), "role"), "dept:gas");
	cr_assert_str_eq(str(json_object_array_get_idx(timeline, 5), "action"), "send_back");
	cr_assert_str_eq(str(json_object_array_get_idx(timeline, 5), "note"), "告知覆盖不全");
	cr_assert_str_eq(str(json_object_array_get_idx(timeline, 7), "to"), "closed");
	cr_assert_str_eq(str(json_object_array_get_idx(timeline, 7), "actor"), "supervisor-test");
	json_object_put(o);

	/* the record on the event stream: the units told, the office told of the rectification */
	events = hlt_events(&fx.redis, "id", id, "queue");
	cr_assert(events && strstr(events, "case_opened") && strstr(events, "case_sent_back"),
		  "%s", events);
	free(events);
	events = hlt_events(&fx.redis, "audience", "supervision_office", NULL);
	cr_assert(events && strstr(events, "case_rectified"), "%s", events);
	free(events);
}

Test(supervision, a_unit_sees_only_its_own_cases)
{
	char body[1024], own[32], other[32], path[128];
	struct json_object *o;

	start(NULL);
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "水务件", "{\"working_days\":5}", NULL), own,
	       sizeof(own));
	snprintf(body, sizeof(body),
		 "{\"kind\":\"monthly\",\"title\":\"燃气月度\",\"description\":\"d\",\"source\":"
		 "{\"type\":\"report\",\"figure\":\"燃气公司11月重办率\"},\"lead_unit\":\"gas\","
		 "\"deadline\":{\"working_days\":3}}");
	create("/v1/supervision/cases", body, other, sizeof(other));

	snprintf(path, sizeof(path), "/v1/supervision/cases/%s", other);
	json_object_put(call("GET", path, HLT_TOKEN_WATER, NULL, 404));
	json_object_put(step(HLT_TOKEN_WATER, other, "plan", "{\"plan\":\"x\"}", 404));
	json_object_put(call("GET", "/v1/supervision/cases/C19990101-0001", HLT_TOKEN_WATER, NULL,
			     404));

	o = call("GET", "/v1/supervision/cases", HLT_TOKEN_WATER, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "cases")), 1);
	cr_assert_str_eq(str(json_object_array_get_idx(member(o, "cases"), 0), "id"), own);
	json_object_put(o);
	o = call("GET", "/v1/supervision/cases?unit=gas", HLT_TOKEN_WATER, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "cases")), 0);
	json_object_put(o);
	/* the supervisor's three lists */
	o = call("GET", "/v1/supervision/cases", HLT_TOKEN_SUPERVISOR, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "cases")), 2);
	json_object_put(o);
	o = call("GET", "/v1/supervision/cases?kind=monthly", HLT_TOKEN_SUPERVISOR, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "cases")), 1);
	cr_assert_str_eq(str(json_object_array_get_idx(member(o, "cases"), 0), "id"), other);
	json_object_put(o);
	o = call("GET", "/v1/supervision/cases?unit=gas&state=open&overdue=false",
		 HLT_TOKEN_SUPERVISOR, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "cases")), 2); /* gas co-handles one */
	json_object_put(o);
	o = call("GET", "/v1/supervision/cases?overdue=true", HLT_TOKEN_SUPERVISOR, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "cases")), 0);
	json_object_put(o);
	advance("240h"); /* ten days: both deadlines are past */
	o = call("GET", "/v1/supervision/cases?overdue=true&kind=problem", HLT_TOKEN_SUPERVISOR,
		 NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "cases")), 1);
	json_object_put(o);
	json_object_put(call("GET", "/v1/supervision/cases?kind=other", HLT_TOKEN_SUPERVISOR, NULL,
			     400));
	json_object_put(call("GET", "/v1/supervision/cases?unit=nowhere", HLT_TOKEN_SUPERVISOR,
			     NULL, 400));
}

/* Each bad request is a 400 naming the field, and the store is as it was. */
static void refused(const char *path, const char *body, const char *field)
{
	char *before = store_state(), *after;
	struct json_object *o = call("POST", path, HLT_TOKEN_SUPERVISOR, body, 400);

	cr_assert_str_eq(str(o, "field"), field, "%s: %s", body, json_object_to_json_string(o));
	json_object_put(o);
	after = store_state();
	cr_assert_str_eq(before, after, "%s wrote something", body);
	free(before);
	free(after);
}

Test(supervision, bad_input_writes_nothing)
{
	char body[1024], d[16], past[32], cid[32];

	start(NULL);
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "件", "{\"working_days\":5}", NULL), cid, sizeof(cid));
	/* programmes: a missing or unknown unit */
	refused("/v1/supervision/programmes",
		"{\"date\":\"2026-11-01\",\"title\":\"t\",\"problems\":[\"p\"]}", "units");
	refused("/v1/supervision/programmes",
		"{\"date\":\"2026-11-01\",\"title\":\"t\",\"units\":[\"nowhere\"]}", "units");
	refused("/v1/supervision/programmes",
		"{\"date\":\"2026-11-31\",\"title\":\"t\",\"units\":[\"water\"]}", "date");
	/* cases: a missing or unknown unit, a past deadline, a ticket that does not exist */
	snprintf(body, sizeof(body),
		 "{\"kind\":\"problem\",\"title\":\"t\",\"description\":\"d\",\"source\":"
		 "{\"type\":\"inspection\",\"text\":\"x\"},\"deadline\":\"%s\"}",
		 day(30, d));
	refused("/v1/supervision/cases", body, "lead_unit");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"problem\",\"title\":\"t\",\"description\":\"d\",\"source\":"
		 "{\"type\":\"inspection\",\"text\":\"x\"},\"lead_unit\":\"nowhere\","
		 "\"deadline\":\"%s\"}",
		 day(30, d));
	refused("/v1/supervision/cases", body, "lead_unit");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"problem\",\"title\":\"t\",\"description\":\"d\",\"source\":"
		 "{\"type\":\"inspection\",\"text\":\"x\"},\"lead_unit\":\"water\","
		 "\"co_units\":[\"gas\",\"nowhere\"],\"deadline\":\"%s\"}",
		 day(30, d));
	refused("/v1/supervision/cases", body, "co_units");
	refused("/v1/supervision/cases",
		case_body(body, sizeof(body), "t", (snprintf(past, sizeof(past), "\"%s\"",
							     day(-1, d)),
						    past),
			  NULL),
		"deadline");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"problem\",\"title\":\"t\",\"description\":\"d\",\"source\":"
		 "{\"type\":\"inspection\",\"text\":\"x\"},\"lead_unit\":\"water\","
		 "\"deadline\":{\"working_days\":5},\"tickets\":[\"20000101-000001\"]}");
	refused("/v1/supervision/cases", body, "tickets");
	refused("/v1/supervision/cases",
		case_body(body, sizeof(body), "t", "{\"working_days\":5}",
			  "{\"type\":\"programme\",\"id\":\"P20000101-001\"}"),
		"source");
	refused("/v1/supervision/cases",
		case_body(body, sizeof(body), "t", "{\"working_days\":0}", NULL), "deadline");
	snprintf(body, sizeof(body),
		 "{\"kind\":\"benchmark\",\"title\":\"t\",\"description\":\"d\",\"source\":"
		 "{\"type\":\"report\",\"figure\":\"x\"},\"lead_unit\":\"water\","
		 "\"deadline\":{\"working_days\":5},\"metric\":\"answer_rate\",\"target\":\"95\"}");
	refused("/v1/supervision/cases", body, "benchmark");
	/* accountability: a form not in the list, a missing or unknown unit, a case that does
	 * not exist */
	snprintf(body, sizeof(body),
		 "{\"person\":{\"name\":\"张三\",\"post\":\"科长\",\"unit\":\"water\"},"
		 "\"form\":\"罚酒三杯\",\"reason\":\"r\",\"decided_on\":\"2026-11-20\","
		 "\"decided_by\":\"市纪委\",\"stems_from\":[\"%s\"]}",
		 cid);
	refused("/v1/accountability", body, "form");
	snprintf(body, sizeof(body),
		 "{\"person\":{\"name\":\"张三\",\"post\":\"科长\"},"
		 "\"form\":\"约谈\",\"reason\":\"r\",\"decided_on\":\"2026-11-20\","
		 "\"decided_by\":\"市纪委\",\"stems_from\":[\"%s\"]}",
		 cid);
	refused("/v1/accountability", body, "person.unit");
	snprintf(body, sizeof(body),
		 "{\"person\":{\"name\":\"张三\",\"post\":\"科长\",\"unit\":\"nowhere\"},"
		 "\"form\":\"约谈\",\"reason\":\"r\",\"decided_on\":\"2026-11-20\","
		 "\"decided_by\":\"市纪委\",\"stems_from\":[\"%s\"]}",
		 cid);
	refused("/v1/accountability", body, "person.unit");
	refused("/v1/accountability",
		"{\"person\":{\"name\":\"张三\",\"post\":\"科长\",\"unit\":\"water\"},"
		"\"form\":\"约谈\",\"reason\":\"r\",\"decided_on\":\"2026-11-20\","
		"\"decided_by\":\"市纪委\",\"stems_from\":[\"C20000101-0001\"]}",
		"stems_from");
	refused("/v1/accountability",
		"{\"person\":{\"name\":\"张三\",\"post\":\"科长\",\"unit\":\"water\"},"
		"\"form\":\"约谈\",\"reason\":\"r\",\"decided_on\":\"2026-11-20\","
		"\"decided_by\":\"市纪委\",\"stems_from\":[]}",
		"stems_from");
}

static const char *record_body(char *buf, size_t len, const char *name, const char *unit,
			       const char *form, const char *date, const char *stems,
			       const char *supersedes)
{
	snprintf(buf, len,
		 "{\"person\":{\"name\":\"%s\",\"post\":\"科长\",\"unit\":\"%s\"},\"form\":\"%s\","
		 "\"reason\":\"办证推诿\",\"decided_on\":\"%s\",\"decided_by\":\"市纪委监委\","
		 "\"stems_from\":[\"%s\"]%s%s%s}",
		 name, unit, form, date, stems, supersedes ? ",\"supersedes\":\"" : "",
		 supersedes ? supersedes : "", supersedes ? "\"" : "");
	return buf;
}

Test(supervision, accountability_records_are_masked_and_corrected_not_edited)
{
	char body[1024], cid[32], a1[32], a2[32], a3[32];
	struct json_object *o, *list;
	char *log;

	start(NULL);
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "件", "{\"working_days\":5}", NULL), cid, sizeof(cid));
	create("/v1/accountability",
	       record_body(body, sizeof(body), "欧阳明", "water", "约谈", "2026-11-20", cid, NULL),
	       a1, sizeof(a1));
	cr_assert(strncmp(a1, "A", 1) == 0 && strlen(a1) == strlen("A20261206-0001"), "%s", a1);
	json_object_put(call("POST", "/v1/accountability", HLT_TOKEN_ADMIN, body, 403));
	json_object_put(call("POST", "/v1/accountability", HLT_TOKEN_WATER, body, 403));
	create("/v1/accountability",
	       record_body(body, sizeof(body), "李四", "gas", "通报批评", "2026-11-21", cid, NULL),
	       a2, sizeof(a2));
	/* a correction supersedes it; both stay; it is corrected once (then its correction) */
	create("/v1/accountability",
	       record_body(body, sizeof(body), "李四", "gas", "诫勉", "2026-11-22", cid, a2), a3,
	       sizeof(a3));
	refused("/v1/accountability",
		record_body(body, sizeof(body), "李四", "gas", "诫勉", "2026-11-22", cid, a2),
		"supersedes");
	json_object_put(call("PUT", "/v1/accountability", HLT_TOKEN_SUPERVISOR, body, 405));

	o = call("GET", "/v1/accountability", HLT_TOKEN_SUPERVISOR, NULL, 200);
	list = member(o, "records");
	cr_assert_eq(json_object_array_length(list), 3);
	cr_assert_str_eq(str(json_object_array_get_idx(list, 0), "person_name"), "欧阳明");
	cr_assert_str_eq(str(json_object_array_get_idx(list, 1), "superseded_by"), a3);
	cr_assert_str_eq(str(json_object_array_get_idx(list, 2), "supersedes"), a2);
	json_object_put(o);
	/* masked for every role but supervisor */
	o = call("GET", "/v1/accountability", HLT_TOKEN_ADMIN, NULL, 200);
	cr_assert_str_neq(str(json_object_array_get_idx(member(o, "records"), 0), "person_name"),
			  "欧阳明");
	json_object_put(o);
	o = call("GET", "/v1/accountability", HLT_TOKEN_WATER, NULL, 200);
	list = member(o, "records");
	cr_assert_eq(json_object_array_length(list), 1); /* its own people's only */
	cr_assert(strstr(str(json_object_array_get_idx(list, 0), "person_name"), "明") == NULL ||
			  strstr(str(json_object_array_get_idx(list, 0), "person_name"), "欧阳明") ==
				  NULL,
		  "%s", json_object_to_json_string(list));
	json_object_put(o);
	o = call("GET", "/v1/accountability?form=%E8%AF%AB%E5%8B%89", HLT_TOKEN_SUPERVISOR, NULL,
		 200); /* 诫勉 */
	cr_assert_eq(json_object_array_length(member(o, "records")), 1);
	json_object_put(o);
	o = call("GET", "/v1/accountability?unit=gas&from=2026-11-22&to=2026-11-22",
		 HLT_TOKEN_SUPERVISOR, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "records")), 1);
	json_object_put(o);
	/* never in the log, nor on the event stream */
	log = hlt_read_file(fx.daemon.log);
	cr_assert(log && !strstr(log, "欧阳明"));
	free(log);
	log = hlt_redis_cmd(&fx.redis, "XRANGE hl:events - +");
	cr_assert(log && !strstr(log, "欧阳明") && strstr(log, "accountability"), "%s", log);
	free(log);
}

Test(supervision, forms_come_from_the_configuration)
{
	char body[1024], cid[32], aid[32];

	start(TEST_CLOCK "supervision:\n  accountability_forms: [提醒谈话, 停职检查]\n");
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "件", "{\"working_days\":5}", NULL), cid, sizeof(cid));
	create("/v1/accountability",
	       record_body(body, sizeof(body), "王五", "water", "停职检查", "2026-11-20", cid,
			   NULL),
	       aid, sizeof(aid));
	refused("/v1/accountability",
		record_body(body, sizeof(body), "王五", "water", "约谈", "2026-11-20", cid, NULL),
		"form");
	/* and they are offered as configured (the console's form asks) */
	{
		struct hlt_response r;

		cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/accountability/forms",
					 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
			     200, "%s", r.body);
		cr_expect_str_eq(r.body, "{\"forms\":[\"提醒谈话\",\"停职检查\"]}\n");
		hlt_response_free(&r);
	}
}

/* A figure of the summary: its count, and its records joined with spaces. */
static void check_figure(struct json_object *parent, const char *name, int count,
			 const char *records)
{
	struct json_object *f = member(parent, name), *ids;
	char joined[512] = "";

	cr_assert(f, "no figure %s", name);
	cr_assert_eq(json_object_get_int(member(f, "count")), count, "%s: %d, not %d", name,
		     json_object_get_int(member(f, "count")), count);
	ids = member(f, "records");
	for (size_t i = 0; i < json_object_array_length(ids); i++)
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
			 i ? " " : "", json_object_get_string(json_object_array_get_idx(ids, i)));
	cr_assert_str_eq(joined, records, "%s", name);
}

/* A month built by hand: two programmes in it (three problems) and one before; cases A
 * rectified and accepted in time, B sent back and accepted late, C still open, and E
 * opened after the month; accountability: R1, R2 corrected by R3 (counted in its place),
 * and R0 decided before the month. */
Test(supervision, the_summary_of_a_month_matches_the_hand_count)
{
	char body[1024], d[16], from[16], to[16], p1[32], p2[32], p0[32], a[32], b[32], c[32],
		e[32], r0[32], r1[32], r2[32], r3[32], path[256], expect[128];
	struct json_object *o;
	struct hlt_response r;

	start(NULL);
	day(0, from);
	day(29, to);
	create("/v1/supervision/programmes", programme_body(body, sizeof(body), day(1, d), 2), p1,
	       sizeof(p1));
	create("/v1/supervision/programmes", programme_body(body, sizeof(body), day(2, d), 1), p2,
	       sizeof(p2));
	create("/v1/supervision/programmes", programme_body(body, sizeof(body), day(-40, d), 2), p0,
	       sizeof(p0));
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "A", "{\"working_days\":10}", NULL), a, sizeof(a));
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "B", "{\"working_days\":1}", NULL), b, sizeof(b));
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "C", "{\"working_days\":10}", NULL), c, sizeof(c));
	step_ok(HLT_TOKEN_WATER, a, "plan", "{\"plan\":\"p\"}");
	step_ok(HLT_TOKEN_WATER, a, "rectified", NULL);
	step_ok(HLT_TOKEN_SUPERVISOR, a, "accept", NULL);
	step_ok(HLT_TOKEN_WATER, b, "plan", "{\"plan\":\"p\"}");
	step_ok(HLT_TOKEN_WATER, b, "rectified", NULL);
	step_ok(HLT_TOKEN_SUPERVISOR, b, "send-back", "{\"reason\":\"不彻底\"}");
	advance("120h"); /* five days: past B's one working day */
	step_ok(HLT_TOKEN_WATER, b, "rectified", NULL);
	step_ok(HLT_TOKEN_SUPERVISOR, b, "accept", NULL);
	create("/v1/accountability",
	       record_body(body, sizeof(body), "甲", "water", "约谈", day(-40, d), a, NULL), r0,
	       sizeof(r0));
	create("/v1/accountability",
	       record_body(body, sizeof(body), "乙", "water", "约谈", day(3, d), a, NULL), r1,
	       sizeof(r1));
	create("/v1/accountability",
	       record_body(body, sizeof(body), "丙", "gas", "通报批评", day(4, d), b, NULL), r2,
	       sizeof(r2));
	create("/v1/accountability",
	       record_body(body, sizeof(body), "丙", "gas", "诫勉", day(5, d), b, r2), r3,
	       sizeof(r3));
	advance("744h"); /* 31 days on: after the month */
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "E", "{\"working_days\":10}", NULL), e, sizeof(e));

	snprintf(path, sizeof(path), "/v1/reports/supervision?from=%s&to=%s", from, to);
	json_object_put(call("GET", path, HLT_TOKEN_WATER, NULL, 403));
	o = call("GET", path, HLT_TOKEN_SUPERVISOR, NULL, 200);
	snprintf(expect, sizeof(expect), "%s %s", p1, p2);
	check_figure(o, "programmes", 2, expect);
	check_figure(o, "problems", 3, expect);
	snprintf(expect, sizeof(expect), "%s %s %s", a, b, c);
	check_figure(o, "cases_opened", 3, expect);
	check_figure(o, "rectified_on_time", 1, a);
	check_figure(o, "rectified_late", 1, b);
	check_figure(o, "still_open", 1, c);
	snprintf(expect, sizeof(expect), "%s %s", r1, r3);
	check_figure(o, "accountability", 2, expect);
	check_figure(member(o, "accountability_by_form"), "约谈", 1, r1);
	check_figure(member(o, "accountability_by_form"), "诫勉", 1, r3);
	cr_assert_null(member(member(o, "accountability_by_form"), "通报批评"));
	check_figure(member(o, "accountability_by_unit"), "water", 1, r1);
	check_figure(member(o, "accountability_by_unit"), "gas", 1, r3);
	json_object_put(o);

	strcat(path, "&format=csv");
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	snprintf(expect, sizeof(expect), "\"rectified_late\",1,\"%s\"\r\n", b);
	cr_assert(strstr(r.body, "figure,count,records\r\n") && strstr(r.body, expect), "%s",
		  r.body);
	snprintf(expect, sizeof(expect), "\"form:诫勉\",1,\"%s\"\r\n", r3);
	cr_assert(strstr(r.body, expect), "%s", r.body);
	hlt_response_free(&r);
}

Test(supervision, a_benchmark_case_measures_its_progress_from_the_units_report)
{
	char body[1024], id[32], path[128];
	struct json_object *o, *p;

	fx.daemon.extra_yaml = TEST_CLOCK;
	fx.daemon.binary = HL_BUILD_DIR "/tests/hotlined-testclock";
	hlt_fixture_start(&fx, &fx.daemon, NULL, HLT_PLUGIN("route_async"));
	snprintf(body, sizeof(body),
		 "{\"kind\":\"benchmark\",\"title\":\"按时办结率对标\",\"description\":\"d\","
		 "\"source\":{\"type\":\"report\",\"figure\":\"供水公司11月按时办结率\"},"
		 "\"lead_unit\":\"water\",\"deadline\":{\"working_days\":20},"
		 "\"metric\":\"answer_rate\",\"target\":\"95\","
		 "\"benchmark\":\"answered_in_time ≥ 95%%, as in city X\"}");
	create("/v1/supervision/cases", body, id, sizeof(id));
	snprintf(path, sizeof(path), "/v1/supervision/cases/%s", id);
	o = call("GET", path, HLT_TOKEN_WATER, NULL, 200);
	p = member(o, "progress");
	cr_assert(p, "%s", json_object_to_json_string(o));
	cr_assert_str_eq(str(p, "metric"), "answer_rate");
	cr_assert_str_eq(str(p, "unit"), "water");
	cr_assert_null(member(p, "value")); /* nothing answered since it opened */
	cr_assert_eq(json_object_get_boolean(member(p, "reached")), 0);
	json_object_put(o);

	/* a ticket dispatched to water (the test router) and answered in time: the rate the
	 * case shows is the units report's own */
	{
		char tid[32];
		struct json_object *report, *units;
		double want = -1;

		hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT,
				  "{\"channel\":\"hotline\",\"title\":\"停水\",\"content\":\"停水三天\","
				  "\"address\":\"古田二路\",\"caller_phone\":\"13907150003\"}",
				  tid, sizeof(tid));
		cr_assert(hlt_wait_state(&fx.redis, tid, "dispatched"), "%s not dispatched", tid);
		cr_assert_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_WATER, tid, "sign", NULL, NULL),
			     200);
		cr_assert_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_WATER, tid, "answer",
					     "{\"answer\":\"已恢复供水\"}", NULL),
			     200);
		report = call("GET", "/v1/reports/units", HLT_TOKEN_SUPERVISOR, NULL, 200);
		units = member(report, "units");
		for (size_t i = 0; i < json_object_array_length(units); i++)
			if (strcmp(str(json_object_array_get_idx(units, i), "unit"), "water") == 0)
				want = json_object_get_double(
					member(json_object_array_get_idx(units, i), "answer_rate"));
		json_object_put(report);
		cr_assert(want > 0, "water has no answer_rate");
		o = call("GET", path, HLT_TOKEN_SUPERVISOR, NULL, 200);
		p = member(o, "progress");
		cr_assert_float_eq(json_object_get_double(member(p, "value")), want, 0.01, "%s",
				   json_object_to_json_string(p));
		cr_assert_eq(json_object_get_boolean(member(p, "reached")), want >= 95);
		json_object_put(o);
	}
	refused("/v1/supervision/cases",
		"{\"kind\":\"benchmark\",\"title\":\"t\",\"description\":\"d\",\"source\":"
		"{\"type\":\"report\",\"figure\":\"x\"},\"lead_unit\":\"water\","
		"\"deadline\":{\"working_days\":5},\"metric\":\"happiness\",\"target\":\"95\","
		"\"benchmark\":\"b\"}",
		"metric");
}

/* The stages of a case's rectification deadline (routes/sla.yaml's supervision section)
 * on the engine of tickets' clocks: with two daemons sharing the Redis, each fires once;
 * a case rectified in time never escalates. */
Test(supervision, two_daemons_fire_each_stage_of_a_late_case_once)
{
	static const char *const notes[] = {
		"rectify warning", "rectify overdue", "rectify reminder to unit_head",
		"rectify escalation1 to supervision_office", "rectify escalation2 to leadership"};
	struct hlt_daemon other = {.extra_yaml = TEST_CLOCK,
				   .binary = HL_BUILD_DIR "/tests/hotlined-testclock"};
	char body[1024], late[32], in_time[32], *v, *events;

	start(NULL);
	hlt_fixture_start(&fx, &other, "b", NULL);
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "逾期件", "{\"working_days\":1}", NULL), late,
	       sizeof(late));
	create("/v1/supervision/cases",
	       case_body(body, sizeof(body), "按期件", "{\"working_days\":1}", NULL), in_time,
	       sizeof(in_time));
	step_ok(HLT_TOKEN_WATER, in_time, "plan", "{\"plan\":\"p\"}");
	step_ok(HLT_TOKEN_WATER, in_time, "rectified", NULL);
	step_ok(HLT_TOKEN_SUPERVISOR, in_time, "accept", NULL);
	v = hlt_redis_cmd(&fx.redis, "HGET hl:case:%s rectify_plan", late);
	cr_assert(v && strstr(v, "overdue|") && strstr(v, "escalation2|"), "%s", v);
	free(v);
	for (int i = 0; i < 12; i++) { /* 48 days, four at a time, on both daemons */
		advance_on(&fx.daemon, "96h");
		advance_on(&other, "96h");
		usleep(300000); /* a sweep or more of each */
	}
	usleep(500000);
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
		cr_expect_eq(hlt_audit_count(&fx.redis, late, notes[i]), 1, "%s: %d times", notes[i],
			     hlt_audit_count(&fx.redis, late, notes[i]));
		cr_expect_eq(hlt_audit_count(&fx.redis, in_time, notes[i]), 0, "%s fired", notes[i]);
	}
	v = hlt_redis_cmd(&fx.redis, "HGET hl:case:%s rectify_status", late);
	cr_expect(v && strncmp(v, "escalation2", 11) == 0, "%s", v);
	free(v);
	/* on the event stream, not on the units' ledger */
	events = hlt_events(&fx.redis, "id", late, NULL);
	cr_expect(events && strstr(events, "escalation2") && strstr(events, "record\ncase"), "%s",
		  events);
	free(events);
	events = hlt_events(&fx.redis, "unit", "water", "ledger");
	cr_expect(!events || !strstr(events, late), "%s", events);
	free(events);
	/* the list of overdue cases */
	{
		struct json_object *o = call("GET", "/v1/supervision/cases?overdue=true",
					     HLT_TOKEN_SUPERVISOR, NULL, 200);

		cr_expect_eq(json_object_array_length(member(o, "cases")), 1);
		json_object_put(o);
	}
	hlt_daemon_stop(&other, SIGTERM, 5000);
}

/* Runs hotlinectl as `token` against the fixture's daemon; returns its exit status and
 * leaves what it printed (stdout and stderr) in *out_r (caller frees). */
static int ctl(const char *token, char **out_r, const char *const *args)
{
	static int serial;
	char url[64], token_env[128], home_env[300], out[400];
	const char *argv[32] = {HL_BUILD_DIR "/hotlinectl"};
	const char *env[] = {url, token_env, home_env, "HOTLINE_CONFIG", "COLUMNS", NULL};
	size_t n = 1;
	int status;

	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	snprintf(url, sizeof(url), "HOTLINE_URL=http://127.0.0.1:%d", fx.daemon.port);
	snprintf(token_env, sizeof(token_env), "HOTLINE_TOKEN=%s", token);
	snprintf(home_env, sizeof(home_env), "HOME=%s", fx.dir);
	snprintf(out, sizeof(out), "%s/ctl-%d.out", fx.dir, ++serial);
	status = hlt_run(argv, env, NULL, out, 10000);
	*out_r = hlt_read_file(out);
	return status;
}

Test(supervision, hotlinectl_programme_case_and_accountability)
{
	char *out, pid[32], cid[32], d[16], today[16], tomorrow[16];
	struct json_object *o;

	start(NULL);
	day(0, today);
	day(1, tomorrow);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, &out,
			 (const char *[]){"--json", "programme", "add", "--date", today, "--title",
					  "电视问政", "--unit", "water", "--problem", "办证跑五次",
					  "--problem", "停水不通知", NULL}),
		     0, "%s", out);
	o = json_tokener_parse(out);
	snprintf(pid, sizeof(pid), "%s", str(o, "id"));
	json_object_put(o);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, &out,
			 (const char *[]){"--json", "case", "open", "--kind", "problem", "--title",
					  "办证跑五次", "--description", "d", "--source-type",
					  "programme", "--source-id", pid, "--lead", "water",
					  "--co-unit", "gas", "--working-days", "5", NULL}),
		     0, "%s", out);
	o = json_tokener_parse(out);
	snprintf(cid, sizeof(cid), "%s", str(o, "id"));
	json_object_put(o);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_WATER, &out,
			 (const char *[]){"case", "plan", cid, "--plan", "一窗通办", NULL}),
		     0, "%s", out);
	cr_assert(strstr(out, "rectifying"), "%s", out);
	free(out);
	/* a refusal as the server said it */
	cr_assert_eq(ctl(HLT_TOKEN_WATER, &out,
			 (const char *[]){"case", "accept", cid, NULL}),
		     1, "%s", out);
	cr_assert(strstr(out, "403"), "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, &out, (const char *[]){"case", "show", cid, NULL}),
		     0, "%s", out);
	cr_assert(strstr(out, "Timeline (2 entries)") && strstr(out, "一窗通办") &&
			  strstr(out, "water-test (dept:water)"),
		  "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, &out,
			 (const char *[]){"case", "list", "--kind", "problem", NULL}),
		     0, "%s", out);
	cr_assert(strstr(out, cid) && strstr(out, "rectifying"), "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, &out,
			 (const char *[]){"accountability", "add", "--name", "欧阳明", "--post",
					  "科长", "--unit", "water", "--form", "约谈", "--reason",
					  "推诿", "--decided-on", day(0, d), "--decided-by", "市纪委",
					  "--stems-from", cid, NULL}),
		     0, "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, &out, (const char *[]){"accountability", "list", NULL}),
		     0, "%s", out);
	cr_assert(strstr(out, "欧阳明") && strstr(out, "约谈"), "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, &out,
			 (const char *[]){"case", "summary", "--from", today, "--to", tomorrow,
					  NULL}),
		     0, "%s", out);
	cr_assert(strstr(out, "programmes") && strstr(out, pid) && strstr(out, "form:约谈"),
		  "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, &out, (const char *[]){"case", "retreat", NULL}), 2,
		     "%s", out);
	free(out);
}
