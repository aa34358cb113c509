/*
 * TV-inquiry programmes (电视问政, issue 16):
 *   POST /v1/supervision/programmes        (supervisor) records a show: date, title, the
 *        units that appeared, notes, the problems it exposed (lua/programme_create.lua);
 *   GET  /v1/supervision/programmes?from=&to=   the shows of a period, by date;
 *   GET  /v1/supervision/programmes/{id}   a show with its problems, the cases opened from
 *        it and the tv tickets that name it (POST /v1/tickets with `programme`).
 * Every role may read them: a programme is public, and the tv desk names it on tickets.
 * Registers the other supervision endpoints too (hl_supervision_register).
 */
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "tickets/api.h"
#include "tickets/supervision.h"
#include "tickets/supervision_input.h"
#include "tickets/supervision_view.h"

struct programme_call {
	struct hl_call call;
	struct hl_programme_input in;
};

static void created(struct redisReply *reply, void *arg)
{
	struct programme_call *pc = arg;

	hl_sv_reply_created(&pc->call, reply, "programme");
	hl_programme_input_free(&pc->in);
	hl_call_end(&pc->call);
	free(pc);
}

static void post_programme(struct evhttp_request *req, struct hl_service *svc)
{
	struct programme_call *pc = calloc(1, sizeof(*pc));
	struct hl_input_error e = {{0}, {0}};
	char today[HL_TIME_BUFLEN];
	const char *argv[3 + 2 * HL_SV_FIELDS_MAX];
	size_t len;
	const char *body;
	int argc;

	if (!pc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&pc->call, req, svc) < 0) {
		free(pc);
		return;
	}
	if (!hl_sv_supervisor_only(req, pc->call.who, "record programmes"))
		goto done;
	body = hl_http_body(req, &len);
	if (hl_programme_input_parse(body ? body : "", body ? len : 0,
				     pc->call.world->routes, &pc->in, &e) < 0) {
		hl_http_reply_error(req, 400, e.field, "%s", e.message);
		goto done;
	}
	hl_time_format_date(pc->call.now_ms, today);
	argc = hl_sv_args(argv, (const char *const[]){today, pc->in.date_ms_text, pc->in.title},
			  3, &pc->in.store);
	if (hl_call_eval(&pc->call, HL_SCRIPT_PROGRAMME_CREATE, created, pc, argc, argv, NULL) == 0)
		return;
	hl_reply_unavailable(req, "the programme was not recorded");
done:
	hl_programme_input_free(&pc->in);
	hl_call_end(&pc->call);
	free(pc);
}

static void got_list(struct redisReply *reply, void *arg)
{
	struct hl_call *c = arg;

	if (!reply) {
		hl_reply_unavailable(c->req, "the programmes were not read");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(c->req, "supervision", reply, "the programmes were not read");
	} else {
		struct json_object *o = json_object_new_object(), *list = json_object_new_array();

		for (size_t i = 0; i < reply->elements; i++)
			json_object_array_add(list, hl_sv_record_json(reply->element[i], c->who));
		json_object_object_add(o, "programmes", list);
		hl_http_reply_json(c->req, 200, o);
	}
	hl_call_end(c);
	free(c);
}

static void list_programmes(struct evhttp_request *req, struct hl_service *svc)
{
	static const char *const names[] = {"from", "to", NULL};
	char q[2][HL_SV_QUERY_VALUE], from[24], to[24];
	struct hl_call *c = hl_call_new(req, svc);

	if (!c)
		return;
	if (hl_sv_query(req, names, q) == 0 && hl_sv_period(req, q[0], q[1], from, to) == 0) {
		const char *argv[] = {"programmes", from, to, "0"};

		if (hl_call_eval(c, HL_SCRIPT_SUPERVISION_LIST, got_list, c, 4, argv, NULL) == 0)
			return;
		hl_reply_unavailable(req, "the programmes were not read");
	}
	hl_call_end(c);
	free(c);
}

static void programmes(struct evhttp_request *req, const char *param, void *arg)
{
	(void)param;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST)
		post_programme(req, arg);
	else
		list_programmes(req, arg);
}

static struct json_object *ids_json(const struct redisReply *ids)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; ids && i < ids->elements; i++)
		json_object_array_add(a, json_object_new_string(ids->element[i]->str));
	return a;
}

static void got_programme(struct redisReply *reply, void *arg)
{
	struct hl_call *c = arg;

	if (!reply) {
		hl_reply_unavailable(c->req, "the programme was not read");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(c->req, "supervision", reply, "the programme was not read");
	} else if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
		hl_http_reply_error(c->req, 404, "id", "no such programme");
	} else {
		struct json_object *o = hl_sv_record_json(reply->element[0], c->who);

		json_object_object_add(o, "cases", ids_json(reply->element[1]));
		json_object_object_add(o, "tickets", ids_json(reply->element[2]));
		hl_http_reply_json(c->req, 200, o);
	}
	hl_call_end(c);
	free(c);
}

static void get_programme(struct evhttp_request *req, const char *id, void *arg)
{
	struct hl_call *c = hl_call_new(req, arg);
	const char *argv[] = {"programme", id};

	if (!c)
		return;
	if (hl_call_eval(c, HL_SCRIPT_SUPERVISION_GET, got_programme, c, 2, argv, NULL) == 0)
		return;
	hl_reply_unavailable(req, "the programme was not read");
	hl_call_end(c);
	free(c);
}

int hl_supervision_register(struct hl_service *svc)
{
	if (hl_http_route(svc->http, "/v1/supervision/programmes",
			  EVHTTP_REQ_GET | EVHTTP_REQ_POST, programmes, svc) < 0 ||
	    hl_http_route(svc->http, "/v1/supervision/programmes/*", EVHTTP_REQ_GET,
			  get_programme, svc) < 0)
		return -1;
	return hl_supervision_cases_register(svc) < 0 || hl_accountability_register(svc) < 0 ||
			       hl_supervision_report_register(svc) < 0
		       ? -1
		       : 0;
}
