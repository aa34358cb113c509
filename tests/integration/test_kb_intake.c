/* Integration tests for the ticket side of 政策通 (issue 17) over HTTP with a real Redis:
 * a direct answer citing a knowledge-base entry (stored, shown, named in the timeline),
 * kb_entry without a direct answer and a version that does not exist refused with
 * nothing written, and GET /v1/reports/kb for a period of known tickets on the test
 * clock, figure by figure, with its rights and masking. The entries are written into
 * Redis here as the contract lays them out (kb:<id>, kbv:<id>:<version>, kb:ids), not
 * through the knowledge base's own API. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct hlt_fixture fx = {.setup = HLT_SETUP_REDIS};
HLT_SUITE(kb_intake, fx);

#define TEST_CLOCK "test_clock: true\n" HLT_FAST_ROUTING

static void start(void)
{
	fx.daemon.extra_yaml = TEST_CLOCK;
	fx.daemon.binary = HL_BUILD_DIR "/tests/hotlined-testclock";
	hlt_fixture_start(&fx, &fx.daemon, NULL, HLT_PLUGIN("route_async"));
}

/* Runs a Redis command of the test; fails the test when Redis refuses it. */
#define REDIS(...)                                                                            \
	do {                                                                                 \
		char *out_ = hlt_redis_cmd(&fx.redis, __VA_ARGS__);                          \
		cr_assert_not_null(out_, "redis refused a command of the test");            \
		free(out_);                                                                  \
	} while (0)

/* Writes entry `id` as the contract lays it out: its current version in kb:<id>, each
 * version 1..versions in kbv:<id>:<n>, and its id in kb:ids. */
static void put_entry(const char *id, const char *title, const char *unit, int versions,
		      const char *effective_until, const char *reviewed_at)
{
	char version[8];

	snprintf(version, sizeof(version), "%d", versions);
	REDIS("HSET hl:kb:%s id %s title %s unit %s answer %s effective_from %s "
	      "effective_until %s reviewed_at %s version %s",
	      id, id, title, unit, "一、……", "2024-01-01", effective_until, reviewed_at, version);
	for (int v = 1; v <= versions; v++)
		REDIS("SET hl:kbv:%s:%d %s", id, v, "{\"title\":\"…\"}");
	REDIS("ZADD hl:kb:ids 1 %s", id);
}

/* Sends a request; expects `want`; returns the parsed answer (caller puts). */
static struct json_object *call(const char *method, const char *path, const char *token,
				const char *body, int want)
{
	struct hlt_response r;
	struct json_object *o;
	int status = hlt_request(fx.daemon.port, method, path, token, NULL, body, &r);

	cr_assert_eq(status, want, "%s %s: %d, not %d: %s", method, path, status, want, r.body);
	o = r.body ? json_tokener_parse(r.body) : NULL;
	hlt_response_free(&r);
	cr_assert_not_null(o, "%s %s: not JSON", method, path);
	return o;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	return v ? json_object_get_string(v) : "(absent)";
}

static long long num(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	cr_assert_not_null(v, "no %s in %s", key, json_object_to_json_string(o));
	return (long long)json_object_get_int64(v);
}

/* A hotline ticket with `extra` (", ..." members) spliced in. */
static const char *hotline(const char *extra, char *id, size_t len)
{
	char body[2048];

	snprintf(body, sizeof(body),
		 "{\"channel\":\"hotline\",\"type\":\"consultation\",\"title\":\"咨询社保卡\","
		 "\"content\":\"来电咨询社保卡丢失后如何补办\",\"caller_phone\":\"13907150001\"%s}",
		 extra);
	return hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT, body, id, len);
}

/* The error answer of a refused ticket: expects 400 naming `field`. */
static void refused(const char *extra, const char *field, const char *what)
{
	char body[2048];
	struct json_object *o;

	snprintf(body, sizeof(body),
		 "{\"channel\":\"hotline\",\"title\":\"咨询\",\"content\":\"咨询\","
		 "\"type\":\"consultation\",\"caller_phone\":\"13907150001\"%s}",
		 extra);
	o = call("POST", "/v1/tickets", HLT_TOKEN_AGENT, body, 400);
	cr_expect_str_eq(str(o, "field"), field, "%s", json_object_to_json_string(o));
	cr_expect(strstr(str(o, "error"), what), "wanted '%s' in %s", what,
		  json_object_to_json_string(o));
	json_object_put(o);
}

Test(kb_intake, a_direct_answer_cites_its_entry_and_the_timeline_shows_it)
{
	char id[32], path[64];
	struct json_object *t, *audit, *first;

	start();
	put_entry("sb-card-lost", "社保卡丢失如何挂失和补办", "rsj", 2, "2027-12-31", "2026-11-01");
	hotline(",\"direct_answer\":\"先电话挂失，再带身份证到社保窗口补办\","
		"\"kb_entry\":\"sb-card-lost@2\",\"kb_query\":\"社保卡丢了\"",
		id, sizeof(id));

	char *state = hlt_ticket_field(&fx.redis, id, "state"),
	     *entry = hlt_ticket_field(&fx.redis, id, "kb_entry"),
	     *query = hlt_ticket_field(&fx.redis, id, "kb_query");
	cr_expect_str_eq(state, "resolved");
	cr_expect_str_eq(entry, "sb-card-lost@2");
	cr_expect_str_eq(query, "社保卡丢了");
	free(state);
	free(entry);
	free(query);

	snprintf(path, sizeof(path), "/v1/tickets/%s", id);
	t = call("GET", path, HLT_TOKEN_AGENT, NULL, 200);
	cr_expect_str_eq(str(t, "kb_entry"), "sb-card-lost@2");
	cr_expect_str_eq(str(t, "kb_query"), "社保卡丢了");
	audit = member(t, "audit");
	cr_assert(audit && json_object_array_length(audit) >= 1, "%s",
		  json_object_to_json_string(t));
	first = json_object_array_get_idx(audit, 0);
	cr_expect_str_eq(str(first, "action"), "answered_on_call");
	cr_expect_str_eq(str(first, "note"), "依据 政策通 sb-card-lost v2");
	json_object_put(t);

	/* an earlier version may be cited too: the answer given then */
	hotline(",\"direct_answer\":\"按当时政策答复\",\"kb_entry\":\"sb-card-lost@1\"", id,
		sizeof(id));
	cr_expect_eq(hlt_audit_count(&fx.redis, id, "依据 政策通 sb-card-lost v1"), 1);
	/* and a direct answer without a citation has no note */
	hotline(",\"direct_answer\":\"已当场答复\"", id, sizeof(id));
	cr_expect_eq(hlt_audit_count(&fx.redis, id, "依据 政策通"), 0);
}

Test(kb_intake, a_citation_without_a_direct_answer_or_of_no_version_writes_nothing)
{
	char *n, *seq;

	start();
	put_entry("sb-card-lost", "社保卡丢失如何挂失和补办", "rsj", 2, "2027-12-31", "2026-11-01");

	refused(",\"kb_entry\":\"sb-card-lost@1\"", "kb_entry", "only a direct answer");
	refused(",\"direct_answer\":\"已答复\",\"kb_entry\":\"sb-card-lost\"", "kb_entry",
		"<id>@<version>");
	/* well formed, but version 3 was never written; nor was the entry nobody-knows */
	refused(",\"direct_answer\":\"已答复\",\"kb_entry\":\"sb-card-lost@3\"", "kb_entry",
		"no such version of a knowledge-base entry: sb-card-lost@3");
	refused(",\"direct_answer\":\"已答复\",\"kb_entry\":\"nobody-knows@1\"", "kb_entry",
		"no such version");
	refused(",\"kb_query\":\"" /* 201 characters */
		"社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡"
		"社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡"
		"社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡"
		"社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡"
		"社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡"
		"社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡社保卡"
		"社保卡社保卡社保卡社保卡社保卡社保卡社保卡\"",
		"kb_query", "at most 200");

	/* no ticket, no timeline, no index entry, not even a number of the day taken */
	n = hlt_redis_cmd(&fx.redis, "ZCARD hl:idx:all");
	cr_expect_str_eq(n, "0\n");
	free(n);
	n = hlt_redis_cmd(&fx.redis, "KEYS hl:t:*");
	cr_expect_str_eq(n, "");
	free(n);
	n = hlt_redis_cmd(&fx.redis, "KEYS hl:log:*");
	cr_expect_str_eq(n, "");
	free(n);
	n = hlt_redis_cmd(&fx.redis, "XLEN hl:intake");
	cr_expect_str_eq(n, "0\n");
	free(n);
	seq = hlt_redis_cmd(&fx.redis, "KEYS hl:seq:*");
	cr_expect_str_eq(seq, "", "a day's number was taken: %s", seq);
	free(seq);
}

/* Today's local date (Asia/Shanghai) as YYYY-MM-DD. */
static void local_today(char out[16])
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The ISO time `now` (as the test clock answers it) made safe for a query string. */
static void query_time(const char *now, char *out, size_t len)
{
	size_t o = 0;

	for (const char *p = now; *p && o + 4 < len; p++) {
		if (*p == '+')
			o += (size_t)snprintf(out + o, len - o, "%%2B");
		else
			out[o++] = *p;
	}
	out[o] = '\0';
}

/* The entry of `list` whose member `key` is `value`, or NULL. */
static struct json_object *find(struct json_object *list, const char *key, const char *value)
{
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *e = json_object_array_get_idx(list, i);

		if (strcmp(str(e, key), value) == 0)
			return e;
	}
	return NULL;
}

static int has_reason(struct json_object *entry, const char *why)
{
	struct json_object *list = member(entry, "why");

	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(list, i)), why) == 0)
			return 1;
	return 0;
}

Test(kb_intake, the_report_of_a_period_figure_by_figure)
{
	char id[32], gap[32], now[64], from[96], to[96], path[320], today[16];
	char *unit;
	struct json_object *r, *most, *gaps, *review, *e;

	start();
	local_today(today);
	/* two entries cited, reviewed today; one past its effective_until; one not reviewed
	 * since 2025-01-01 (more than 180 days before the test clock's today); one both */
	put_entry("sb-card-lost", "社保卡丢失如何挂失和补办", "rsj", 2, "2099-12-31", today);
	put_entry("gs-battery-bin", "废旧电池投放哪类垃圾桶", "cgw", 1, "", today);
	put_entry("old-subsidy", "2020年消费券领取", "swj", 1, "2020-12-31", today);
	put_entry("stale-fee", "水费阶梯价格", "water", 3, "2099-12-31", "2025-01-01");
	put_entry("both-gone", "旧版居住证办理", "d.jianghan", 1, "2021-06-30", "2021-01-01");

	/* before the period: a cited answer and a gap, neither counted */
	hotline(",\"direct_answer\":\"答复\",\"kb_entry\":\"gs-battery-bin@1\"", id, sizeof(id));
	hotline(",\"kb_query\":\"之前的搜索\"", id, sizeof(id));
	hlt_advance_clock(fx.daemon.port, "1h", now, sizeof(now));
	query_time(now, from, sizeof(from));

	/* the period: six hotline tickets, four answered on the call (three citing), a gap
	 * whose search quotes the caller's number, a dispatched ticket with no search */
	hotline(",\"direct_answer\":\"挂失补办\",\"kb_entry\":\"sb-card-lost@1\","
		"\"kb_query\":\"社保卡丢了\"",
		id, sizeof(id));
	hotline(",\"direct_answer\":\"挂失补办\",\"kb_entry\":\"sb-card-lost@2\"", id,
		sizeof(id));
	hotline(",\"direct_answer\":\"有害垃圾\",\"kb_entry\":\"gs-battery-bin@1\"", id,
		sizeof(id));
	hotline(",\"direct_answer\":\"已答复\",\"kb_query\":\"答复了没引用\"", id, sizeof(id));
	hotline(",\"kb_query\":\"电池 13907150002 怎么扔\"", gap, sizeof(gap));
	hotline("", id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, gap, "dispatched"), "%s not dispatched", gap);
	hlt_advance_clock(fx.daemon.port, "1h", now, sizeof(now));
	query_time(now, to, sizeof(to));

	/* after it */
	hotline(",\"direct_answer\":\"答复\",\"kb_entry\":\"sb-card-lost@2\"", id, sizeof(id));
	hotline(",\"kb_query\":\"之后的搜索\"", id, sizeof(id));

	snprintf(path, sizeof(path), "/v1/reports/kb?from=%s&to=%s", from, to);
	r = call("GET", path, HLT_TOKEN_SUPERVISOR, NULL, 200);
	cr_expect_eq(num(r, "hotline_tickets"), 6, "%s", json_object_to_json_string(r));
	cr_expect_eq(num(r, "direct_answers"), 4);
	cr_expect_eq(num(r, "cited_answers"), 3);
	cr_expect_float_eq(json_object_get_double(member(r, "direct_answer_rate")), 66.7, 0.001);

	most = member(r, "most_cited");
	cr_assert_eq(json_object_array_length(most), 2, "%s", json_object_to_json_string(most));
	e = json_object_array_get_idx(most, 0); /* both versions count for the entry */
	cr_expect_str_eq(str(e, "id"), "sb-card-lost");
	cr_expect_str_eq(str(e, "title"), "社保卡丢失如何挂失和补办");
	cr_expect_str_eq(str(e, "unit"), "rsj");
	cr_expect_eq(num(e, "count"), 2);
	e = json_object_array_get_idx(most, 1);
	cr_expect_str_eq(str(e, "id"), "gs-battery-bin");
	cr_expect_eq(num(e, "count"), 1);

	cr_expect_eq(num(r, "gap_count"), 1);
	gaps = member(r, "gaps");
	cr_assert_eq(json_object_array_length(gaps), 1, "%s", json_object_to_json_string(gaps));
	e = json_object_array_get_idx(gaps, 0);
	cr_expect_str_eq(str(e, "ticket"), gap);
	/* a supervisor does not see the caller's number whole */
	cr_expect_str_eq(str(e, "query"), "电池 139****0002 怎么扔");
	unit = hlt_ticket_field(&fx.redis, gap, "department");
	cr_expect_str_eq(str(e, "unit"), unit);
	cr_expect_neq(strcmp(unit, "(nil)"), 0, "the gap was dispatched to no unit");
	free(unit);

	review = member(r, "review");
	cr_expect_eq(json_object_array_length(review), 3, "%s",
		     json_object_to_json_string(review));
	cr_expect_null(find(review, "id", "sb-card-lost"));
	cr_expect_null(find(review, "id", "gs-battery-bin"));
	e = find(review, "id", "old-subsidy");
	cr_assert_not_null(e);
	cr_expect(has_reason(e, "expired") && !has_reason(e, "not_reviewed"));
	cr_expect_str_eq(str(e, "title"), "2020年消费券领取");
	cr_expect_str_eq(str(e, "unit"), "swj");
	cr_expect_str_eq(str(e, "effective_until"), "2020-12-31");
	e = find(review, "id", "stale-fee");
	cr_assert_not_null(e);
	cr_expect(has_reason(e, "not_reviewed") && !has_reason(e, "expired"));
	cr_expect_str_eq(str(e, "reviewed_at"), "2025-01-01");
	e = find(review, "id", "both-gone");
	cr_assert_not_null(e);
	cr_expect(has_reason(e, "not_reviewed") && has_reason(e, "expired"));
	json_object_put(r);

	/* the whole history: everything counts */
	r = call("GET", "/v1/reports/kb", HLT_TOKEN_ADMIN, NULL, 200);
	cr_expect_eq(num(r, "hotline_tickets"), 10);
	cr_expect_eq(num(r, "direct_answers"), 6);
	cr_expect_eq(num(r, "gap_count"), 3);
	json_object_put(r);

	/* rights and bad input, as the other reports */
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/reports/kb", HLT_TOKEN_AGENT, NULL),
		     403);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/reports/kb", HLT_TOKEN_WATER, NULL),
		     403);
	r = call("GET", "/v1/reports/kb?from=2026-13-01", HLT_TOKEN_SUPERVISOR, NULL, 400);
	cr_expect_str_eq(str(r, "field"), "from");
	json_object_put(r);
	r = call("GET", "/v1/reports/kb?month=2026-12", HLT_TOKEN_SUPERVISOR, NULL, 400);
	cr_expect_str_eq(str(r, "field"), "month");
	json_object_put(r);
}

Test(kb_intake, an_empty_period_has_no_rate)
{
	struct json_object *r;

	start();
	r = call("GET", "/v1/reports/kb?from=2020-01-01&to=2020-01-31", HLT_TOKEN_SUPERVISOR,
		 NULL, 200);
	cr_expect_eq(num(r, "hotline_tickets"), 0);
	cr_expect(json_object_object_get_ex(r, "direct_answer_rate", NULL));
	cr_expect_null(member(r, "direct_answer_rate"));
	cr_expect_eq(json_object_array_length(member(r, "most_cited")), 0);
	cr_expect_eq(json_object_array_length(member(r, "gaps")), 0);
	cr_expect_eq(json_object_array_length(member(r, "review")), 0);
	json_object_put(r);
}
