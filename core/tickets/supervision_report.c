/*
 * The supervision summary (issue 16): GET /v1/reports/supervision?from=&to=[&format=csv]
 * gives, for the period, the programmes held, the problems they exposed, the cases opened
 * and of these those rectified on time, late and still open, and the people held
 * accountable, by form and by unit (lua/report_supervision.lua says how each is counted).
 * Every figure carries the ids of its records, as the units report's figures lead to
 * their tickets. Supervisors and admins only.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/auth.h"
#include "host/service.h"
#include "http/http.h"
#include "tickets/api.h"
#include "tickets/supervision.h"
#include "tickets/supervision_view.h"

struct report_call {
	struct hl_call call;
	int csv;
};

/* A figure of the reply: {name, count, {ids}}; NULL when malformed. */
static const redisReply *figure_at(const redisReply *reply, size_t i)
{
	const redisReply *f = reply->element[i];

	return f->type == REDIS_REPLY_ARRAY && f->elements == 3 &&
			       f->element[0]->type == REDIS_REPLY_STRING &&
			       f->element[2]->type == REDIS_REPLY_ARRAY
		       ? f
		       : NULL;
}

static void reply_csv(struct report_call *rc, const redisReply *reply)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add_printf(b, "figure,count,records\r\n");
	for (size_t i = 0; i < reply->elements; i++) {
		const redisReply *f = figure_at(reply, i);

		if (!f)
			continue;
		evbuffer_add_printf(b, "\"%s\",%s,\"", f->element[0]->str, f->element[1]->str);
		for (size_t k = 0; k < f->element[2]->elements; k++)
			evbuffer_add_printf(b, "%s%s", k ? " " : "", f->element[2]->element[k]->str);
		evbuffer_add_printf(b, "\"\r\n");
	}
	hl_http_set_header(rc->call.req, "Content-Type", "text/csv; charset=utf-8");
	evhttp_send_reply(rc->call.req, 200, NULL, b);
	evbuffer_free(b);
}

/* {"count": n, "records": [ids]} */
static struct json_object *figure_json(const redisReply *f)
{
	struct json_object *o = json_object_new_object(), *ids = json_object_new_array();

	for (size_t k = 0; k < f->element[2]->elements; k++)
		json_object_array_add(ids, json_object_new_string(f->element[2]->element[k]->str));
	json_object_object_add(o, "count", json_object_new_int64(atoll(f->element[1]->str)));
	json_object_object_add(o, "records", ids);
	return o;
}

static void reply_json(struct report_call *rc, const redisReply *reply)
{
	struct json_object *o = json_object_new_object(), *forms = json_object_new_object(),
			   *units = json_object_new_object();

	for (size_t i = 0; i < reply->elements; i++) {
		const redisReply *f = figure_at(reply, i);
		const char *name = f ? f->element[0]->str : "";

		if (!f)
			continue;
		if (strncmp(name, "form:", 5) == 0)
			json_object_object_add(forms, name + 5, figure_json(f));
		else if (strncmp(name, "unit:", 5) == 0)
			json_object_object_add(units, name + 5, figure_json(f));
		else
			json_object_object_add(o, name, figure_json(f));
	}
	json_object_object_add(o, "accountability_by_form", forms);
	json_object_object_add(o, "accountability_by_unit", units);
	hl_http_reply_json(rc->call.req, 200, o);
}

static void got_report(struct redisReply *reply, void *arg)
{
	struct report_call *rc = arg;

	if (!reply)
		hl_reply_unavailable(rc->call.req, "the report was not read");
	else if (reply->type == REDIS_REPLY_ERROR)
		hl_reply_redis_error(rc->call.req, "supervision", reply, "the report was not read");
	else if (rc->csv)
		reply_csv(rc, reply);
	else
		reply_json(rc, reply);
	hl_call_end(&rc->call);
	free(rc);
}

static void get_report(struct evhttp_request *req, const char *param, void *arg)
{
	static const char *const names[] = {"from", "to", "format", NULL};
	struct report_call *rc = calloc(1, sizeof(*rc));
	char q[3][HL_SV_QUERY_VALUE], from[24], to[24];

	(void)param;
	if (!rc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&rc->call, req, arg) < 0) {
		free(rc);
		return;
	}
	if (hl_call_reads_reports(&rc->call, "the supervision report") &&
	    hl_sv_query(req, names, q) == 0 && hl_sv_period(req, q[0], q[1], from, to) == 0) {
		if (q[2][0] && strcmp(q[2], "csv") != 0 && strcmp(q[2], "json") != 0) {
			hl_http_reply_error(req, 400, "format", "format: expected csv or json");
		} else {
			const char *argv[] = {from, to};

			rc->csv = strcmp(q[2], "csv") == 0;
			if (hl_call_eval(&rc->call, HL_SCRIPT_REPORT_SUPERVISION, got_report, rc, 2,
					 argv, NULL) == 0)
				return;
			hl_reply_unavailable(req, "the report was not read");
		}
	}
	hl_call_end(&rc->call);
	free(rc);
}

int hl_supervision_report_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/reports/supervision", EVHTTP_REQ_GET, get_report,
			     svc);
}
