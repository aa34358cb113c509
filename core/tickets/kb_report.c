/*
 * The 政策通 report (issue 17): GET /v1/reports/kb?from=&to= gives, for the tickets
 * created in the period, the hotline tickets, the direct answers (直接答复) and the
 * direct-answer rate (直接答复率, direct answers / hotline tickets, in percent), the
 * entries cited most, and the gaps (a ticket whose agent searched the knowledge base,
 * kb_query, and that was not answered on the call); and, as of today, the entries to
 * review (past effective_until, or reviewed_at older than 180 days). lua/report_kb.lua
 * counts. The searches are the agent's words from the call: masked as free text for
 * whoever does not see the ticket's personal data (base/mask.c). Supervisors and admins
 * only, as the other reports.
 */
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mask.h"
#include "base/timefmt.h"
#include "config/auth.h"
#include "config/routes.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "tickets/api.h"
#include "tickets/kb_report.h"
#include "tickets/supervision_view.h"

#define REVIEW_DAYS 180  /* an entry not reviewed for longer is listed for review */
#define MOST_CITED 20    /* entries listed as cited most */
#define GAPS_LISTED 500  /* gaps listed (all are counted) */

/* A reply member as text ("" when it is not a string). */
static const char *text_at(const redisReply *r, size_t i)
{
	return i < r->elements && r->element[i]->type == REDIS_REPLY_STRING ? r->element[i]->str
									     : "";
}

/* A string, or null when empty. */
static struct json_object *string_or_null(const char *s)
{
	return *s ? json_object_new_string(s) : NULL;
}

/* The local date of ms as YYYY-MM-DD, the form of the entries' dates. */
static void iso_date(int64_t ms, char out[16])
{
	char ymd[HL_TIME_BUFLEN];

	hl_time_format_date(ms, ymd);
	snprintf(out, 16, "%.4s-%.2s-%.2s", ymd, ymd + 4, ymd + 6);
}

static void add_unit(struct json_object *o, const struct hl_world *w, const char *unit)
{
	const struct hl_department *d = *unit ? hl_routes_department(w->routes, unit) : NULL;

	json_object_object_add(o, "unit", string_or_null(unit));
	json_object_object_add(o, "unit_name", d ? json_object_new_string(d->name) : NULL);
}

static struct json_object *most_cited(const redisReply *r, const struct hl_world *w)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i + 3 < r->elements; i += 4) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_string(text_at(r, i)));
		json_object_object_add(o, "title", string_or_null(text_at(r, i + 1)));
		add_unit(o, w, text_at(r, i + 2));
		json_object_object_add(o, "count", json_object_new_int64(atoll(text_at(r, i + 3))));
		json_object_array_add(list, o);
	}
	return list;
}

static struct json_object *gaps(const redisReply *r, const struct hl_call *call)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i + 3 < r->elements; i += 4) {
		struct json_object *o = json_object_new_object();
		const char *query = text_at(r, i + 1), *unit = text_at(r, i + 2);
		int whole = hl_sees_personal_data(call->who, *unit ? unit : NULL,
						  strcmp(text_at(r, i + 3), "1") == 0);
		char *masked = whole ? NULL : hl_mask_field("kb_query", query);

		json_object_object_add(o, "ticket", json_object_new_string(text_at(r, i)));
		/* never the query whole for who may not see it (out of memory: empty) */
		json_object_object_add(o, "query",
				       json_object_new_string(whole ? query : masked ? masked : ""));
		free(masked);
		add_unit(o, call->world, unit);
		json_object_array_add(list, o);
	}
	return list;
}

static struct json_object *review(const redisReply *r, const struct hl_world *w)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i + 5 < r->elements; i += 6) {
		struct json_object *o = json_object_new_object(), *why = json_object_new_array();
		char reasons[64];

		json_object_object_add(o, "id", json_object_new_string(text_at(r, i)));
		json_object_object_add(o, "title", string_or_null(text_at(r, i + 1)));
		add_unit(o, w, text_at(r, i + 2));
		json_object_object_add(o, "effective_until", string_or_null(text_at(r, i + 3)));
		json_object_object_add(o, "reviewed_at", string_or_null(text_at(r, i + 4)));
		snprintf(reasons, sizeof(reasons), "%s", text_at(r, i + 5));
		for (char *save = NULL, *p = strtok_r(reasons, ",", &save); p;
		     p = strtok_r(NULL, ",", &save))
			json_object_array_add(why, json_object_new_string(p));
		json_object_object_add(o, "why", why);
		json_object_array_add(list, o);
	}
	return list;
}

/* The report as JSON from lua/report_kb.lua's answer; NULL when it is malformed. */
static struct json_object *report_json(const redisReply *r, const struct hl_call *call,
				       const char *today)
{
	struct json_object *o;
	long long hotline, direct;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 7 ||
	    r->element[4]->type != REDIS_REPLY_ARRAY || r->element[5]->type != REDIS_REPLY_ARRAY ||
	    r->element[6]->type != REDIS_REPLY_ARRAY)
		return NULL;
	hotline = atoll(text_at(r, 0));
	direct = atoll(text_at(r, 1));
	o = json_object_new_object();
	json_object_object_add(o, "hotline_tickets", json_object_new_int64(hotline));
	json_object_object_add(o, "direct_answers", json_object_new_int64(direct));
	json_object_object_add(
	    o, "direct_answer_rate",
	    hotline > 0 ? json_object_new_double(
			      (double)(long long)(1000.0 * (double)direct / (double)hotline + 0.5) /
			      10)
			: NULL);
	json_object_object_add(o, "cited_answers", json_object_new_int64(atoll(text_at(r, 2))));
	json_object_object_add(o, "most_cited", most_cited(r->element[4], call->world));
	json_object_object_add(o, "gap_count", json_object_new_int64(atoll(text_at(r, 3))));
	json_object_object_add(o, "gaps", gaps(r->element[5], call));
	json_object_object_add(o, "review_as_of", json_object_new_string(today));
	json_object_object_add(o, "review", review(r->element[6], call->world));
	return o;
}

struct kb_report_call {
	struct hl_call call;
	char today[16];
};

static void got_report(struct redisReply *reply, void *arg)
{
	struct kb_report_call *rc = arg;
	struct json_object *o;

	if (!reply)
		hl_reply_unavailable(rc->call.req, "the report was not read");
	else if (reply->type == REDIS_REPLY_ERROR)
		hl_reply_redis_error(rc->call.req, "reports", reply, "the report was not read");
	else if (!(o = report_json(reply, &rc->call, rc->today)))
		hl_http_reply_error(rc->call.req, 500, NULL, "unexpected answer from report_kb");
	else
		hl_http_reply_json(rc->call.req, 200, o);
	hl_call_end(&rc->call);
	free(rc);
}

static void get_report(struct evhttp_request *req, const char *param, void *arg)
{
	static const char *const names[] = {"from", "to", NULL};
	struct kb_report_call *rc = calloc(1, sizeof(*rc));
	char q[2][HL_SV_QUERY_VALUE], from[24], to[24], review_before[16], top[16], listed[16];
	const char *argv[] = {from, to, rc ? rc->today : "", review_before, top, listed};

	(void)param;
	if (!rc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&rc->call, req, arg) < 0) {
		free(rc);
		return;
	}
	if (hl_call_reads_reports(&rc->call, "the 政策通 report") &&
	    hl_sv_query(req, names, q) == 0 && hl_sv_period(req, q[0], q[1], from, to) == 0) {
		iso_date(rc->call.now_ms, rc->today);
		iso_date(rc->call.now_ms - (int64_t)REVIEW_DAYS * 86400000, review_before);
		snprintf(top, sizeof(top), "%d", MOST_CITED);
		snprintf(listed, sizeof(listed), "%d", GAPS_LISTED);
		if (hl_call_eval(&rc->call, HL_SCRIPT_REPORT_KB, got_report, rc, 6, argv, NULL) ==
		    0)
			return;
		hl_reply_unavailable(req, "the report was not read");
	}
	hl_call_end(&rc->call);
	free(rc);
}

int hl_kb_report_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/reports/kb", EVHTTP_REQ_GET, get_report, svc);
}
