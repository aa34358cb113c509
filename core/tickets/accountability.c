/*
 * Accountability records (问责, issue 16):
 *   POST /v1/accountability   (supervisor) records a decision: the person (name, post,
 *        unit), the form from supervision.accountability_forms, the reason, when and by
 *        whom it was decided, the cases or tickets it stems from, and `supersedes` when it
 *        corrects an earlier record (lua/accountability_create.lua). Records are never
 *        edited or deleted: there is no PUT, PATCH or DELETE.
 *   GET  /v1/accountability?unit=&form=&from=&to=   the records decided in a period, each
 *        with superseded_by when a later one corrects it; a unit gets its own people's.
 *   GET  /v1/accountability/forms   {"forms": [...]}: the configured forms, in order.
 * The person's name is personal data (base/mask.c): whole for supervisors only, and never
 * logged.
 */
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "config/auth.h"
#include "config/config.h"
#include "config/routes.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "tickets/api.h"
#include "tickets/supervision.h"
#include "tickets/supervision_input.h"
#include "tickets/supervision_view.h"

struct record_call {
	struct hl_call call;
	struct hl_accountability_input in;
	char from[24], to[24];
};

static void record_call_free(struct record_call *rc)
{
	hl_accountability_input_free(&rc->in);
	hl_call_end(&rc->call);
	free(rc);
}

static void created(struct redisReply *reply, void *arg)
{
	struct record_call *rc = arg;

	hl_sv_reply_created(&rc->call, reply, "accountability record");
	record_call_free(rc);
}

static void post_record(struct record_call *rc)
{
	struct evhttp_request *req = rc->call.req;
	const struct hl_config *cfg = rc->call.world->config;
	struct hl_input_error e = {{0}, {0}};
	char today[HL_TIME_BUFLEN];
	const char *argv[6 + 2 * HL_SV_FIELDS_MAX];
	const char *body;
	size_t len;
	int argc;

	if (!hl_sv_supervisor_only(req, rc->call.who, "record accountability"))
		goto done;
	body = hl_http_body(req, &len);
	if (hl_accountability_input_parse(body ? body : "", body ? len : 0, rc->call.world->routes,
					  cfg->accountability_forms, cfg->naccountability_forms,
					  &rc->in, &e) < 0) {
		hl_http_reply_error(req, 400, e.field, "%s", e.message);
		goto done;
	}
	hl_time_format_date(rc->call.now_ms, today);
	argc = hl_sv_args(argv,
			  (const char *const[]){today, rc->in.decided_on_ms_text,
						rc->in.person_unit, rc->in.form, rc->in.stems_from,
						rc->in.supersedes},
			  6, &rc->in.store);
	if (hl_call_eval(&rc->call, HL_SCRIPT_ACCOUNTABILITY_CREATE, created, rc, argc, argv,
			 NULL) == 0)
		return;
	hl_reply_unavailable(req, "the accountability record was not recorded");
done:
	record_call_free(rc);
}

static void got_list(struct redisReply *reply, void *arg)
{
	struct record_call *rc = arg;
	struct evhttp_request *req = rc->call.req;

	if (!reply) {
		hl_reply_unavailable(req, "the records were not read");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "supervision", reply, "the records were not read");
	} else {
		struct json_object *o = json_object_new_object(), *list = json_object_new_array();

		for (size_t i = 0; i < reply->elements; i++)
			json_object_array_add(list, hl_sv_record_json(reply->element[i],
								      rc->call.who));
		json_object_object_add(o, "records", list);
		hl_http_reply_json(req, 200, o);
	}
	record_call_free(rc);
}

static void list_records(struct record_call *rc)
{
	static const char *const names[] = {"unit", "form", "from", "to", NULL};
	struct evhttp_request *req = rc->call.req;
	const struct hl_principal *who = rc->call.who;
	char q[4][HL_SV_QUERY_VALUE], count[16];
	const char *unit, *argv[4 + 2 * 2];
	int argc = 0, n = 0;

	if (!hl_sv_reader(req, who, "accountability records") || hl_sv_query(req, names, q) < 0 ||
	    hl_sv_period(req, q[2], q[3], rc->from, rc->to) < 0)
		goto done;
	if (q[1][0]) {
		const struct hl_config *cfg = rc->call.world->config;
		int known = 0;

		for (size_t i = 0; i < cfg->naccountability_forms; i++)
			known |= strcmp(cfg->accountability_forms[i], q[1]) == 0;
		if (!known) {
			hl_http_reply_error(req, 400, "form", "form: '%s' is not in the list", q[1]);
			goto done;
		}
	}
	if (q[0][0] && !hl_routes_department(rc->call.world->routes, q[0])) {
		hl_http_reply_error(req, 400, "unit", "unit: unknown unit '%s'", q[0]);
		goto done;
	}
	unit = q[0];
	if (who->kind == HL_ROLE_DEPT) {
		if (unit[0] && strcmp(unit, who->scope) != 0) { /* another unit's: none of its own */
			got_list(&(struct redisReply){.type = REDIS_REPLY_ARRAY}, rc);
			return;
		}
		unit = who->scope;
	}
	argv[argc++] = "accountability";
	argv[argc++] = rc->from;
	argv[argc++] = rc->to;
	argv[argc++] = count;
	if (unit[0]) {
		argv[argc++] = "unit";
		argv[argc++] = unit;
		n++;
	}
	if (q[1][0]) {
		argv[argc++] = "form";
		argv[argc++] = q[1];
		n++;
	}
	snprintf(count, sizeof(count), "%d", n);
	if (hl_call_eval(&rc->call, HL_SCRIPT_SUPERVISION_LIST, got_list, rc, argc, argv, NULL) ==
	    0)
		return;
	hl_reply_unavailable(req, "the records were not read");
done:
	record_call_free(rc);
}

static void records(struct evhttp_request *req, const char *param, void *arg)
{
	struct record_call *rc = calloc(1, sizeof(*rc));

	(void)param;
	if (!rc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&rc->call, req, arg) < 0) {
		free(rc);
		return;
	}
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST)
		post_record(rc);
	else
		list_records(rc);
}

/* GET /v1/accountability/forms: the forms a record may take, as configured, for the
 * forms that offer them. */
static void get_forms(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_call *c = hl_call_new(req, arg);
	struct json_object *body, *list;
	const struct hl_config *cfg;

	(void)param;
	if (!c)
		return;
	cfg = c->world->config;
	body = json_object_new_object();
	list = json_object_new_array();
	for (size_t i = 0; i < cfg->naccountability_forms; i++)
		json_object_array_add(list, json_object_new_string(cfg->accountability_forms[i]));
	json_object_object_add(body, "forms", list);
	hl_http_reply_json(req, 200, body);
	hl_call_end(c);
	free(c);
}

int hl_accountability_register(struct hl_service *svc)
{
	if (hl_http_route(svc->http, "/v1/accountability/forms", EVHTTP_REQ_GET, get_forms, svc) <
	    0)
		return -1;
	return hl_http_route(svc->http, "/v1/accountability", EVHTTP_REQ_GET | EVHTTP_REQ_POST,
			     records, svc);
}
