/*
 * Supervised cases (督办件, issue 16):
 *   POST /v1/supervision/cases            (supervisor) opens a case (lua/case_create.lua);
 *   GET  /v1/supervision/cases?kind=&unit=&state=&overdue=&from=&to=   the three lists
 *        (kind problem 问题督办, monthly 月度工作, benchmark 动态对标); a unit gets its own;
 *   GET  /v1/supervision/cases/{id}       a case with its timeline; a benchmark case also
 *        with its progress, the metric's rate for the lead unit since the case opened,
 *        computed by the units report (reports.h), never typed in;
 *   POST /v1/supervision/cases/{id}/{step}  plan, progress, rectified, accept, send-back
 *        (lua/case_step.lua); an illegal step is a 409 with the allowed steps.
 * A unit sees only the cases it leads or co-handles: another's answers 404, as an unused
 * id does.
 */
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/timefmt.h"
#include "config/auth.h"
#include "config/routes.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "store/reply.h"
#include "tickets/api.h"
#include "tickets/reports.h"
#include "tickets/supervision.h"
#include "tickets/supervision_input.h"
#include "tickets/supervision_view.h"
#include "time/sla.h"

struct case_call {
	struct hl_call call;
	struct hl_case_input in;
	const struct step *step;
	char id[48];
	struct json_object *body; /* a step's body */
	struct json_object *view; /* a benchmark case's view, waiting for its progress */
	char lead[64], metric[32], target[32], from[24], to[24];
};

static void case_call_free(struct case_call *cc)
{
	hl_case_input_free(&cc->in);
	json_object_put(cc->body);
	json_object_put(cc->view);
	hl_call_end(&cc->call);
	free(cc);
}

static struct case_call *case_call_new(struct evhttp_request *req, struct hl_service *svc)
{
	struct case_call *cc = calloc(1, sizeof(*cc));

	if (!cc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return NULL;
	}
	if (hl_call_begin(&cc->call, req, svc) < 0) {
		free(cc);
		return NULL;
	}
	return cc;
}

/* --- POST /v1/supervision/cases ------------------------------------------------------ */

static void created(struct redisReply *reply, void *arg)
{
	struct case_call *cc = arg;

	hl_sv_reply_created(&cc->call, reply, "case");
	case_call_free(cc);
}

static void post_case(struct evhttp_request *req, struct hl_service *svc)
{
	struct case_call *cc = case_call_new(req, svc);
	struct hl_input_error e = {{0}, {0}};
	char today[HL_TIME_BUFLEN];
	const char *argv[8 + HL_SLA_CASE_ARGS_MAX + 2 * HL_SV_FIELDS_MAX];
	struct hl_sla_args clock;
	const char *body;
	size_t len;
	int argc;
	_Static_assert(8 + HL_SLA_CASE_ARGS_MAX + 2 * HL_SV_FIELDS_MAX <= HL_REDIS_EVAL_AS_ARGS_MAX,
		       "a case's arguments must fit hl_redis_eval_as");

	if (!cc)
		return;
	if (!hl_sv_supervisor_only(req, cc->call.who, "open cases"))
		goto done;
	body = hl_http_body(req, &len);
	if (hl_case_input_parse(body ? body : "", body ? len : 0, cc->call.world->routes,
				cc->call.world->calendar, cc->call.now_ms, &cc->in, &e) < 0) {
		hl_http_reply_error(req, 400, e.field, "%s", e.message);
		goto done;
	}
	hl_time_format_date(cc->call.now_ms, today);
	/* the rectification deadline's stages (routes/sla.yaml's supervision section) */
	hl_sla_args_init(&clock);
	if (hl_sla_args_add_case(&clock, cc->call.world->sla, cc->call.world->calendar,
				 cc->call.now_ms, cc->in.deadline_ms) < 0) {
		hl_log(HL_LOG_WARN, "supervision", "no_stages deadline_ms=%lld",
		       (long long)cc->in.deadline_ms);
		hl_sla_args_init(&clock);
	}
	{
		const char *fixed[8 + HL_SLA_CASE_ARGS_MAX] = {
			today,		   cc->in.kind,	   cc->in.lead_unit,
			cc->in.co_units,   cc->in.tickets, cc->in.source_programme,
			cc->in.source_tickets, cc->in.title};

		for (int i = 0; i < clock.argc; i++)
			fixed[8 + i] = clock.argv[i];
		argc = hl_sv_args(argv, fixed, 8 + clock.argc, &cc->in.store);
	}
	if (hl_call_eval(&cc->call, HL_SCRIPT_CASE_CREATE, created, cc, argc, argv, NULL) == 0)
		return;
	hl_reply_unavailable(req, "the case was not recorded");
done:
	case_call_free(cc);
}

/* --- GET /v1/supervision/cases ------------------------------------------------------- */

static void got_list(struct redisReply *reply, void *arg)
{
	struct case_call *cc = arg;
	struct evhttp_request *req = cc->call.req;

	if (!reply) {
		hl_reply_unavailable(req, "the cases were not read");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "supervision", reply, "the cases were not read");
	} else {
		struct json_object *o = json_object_new_object(), *list = json_object_new_array();

		for (size_t i = 0; i < reply->elements; i++)
			json_object_array_add(list, hl_sv_record_json(reply->element[i],
								      cc->call.who));
		json_object_object_add(o, "cases", list);
		hl_http_reply_json(req, 200, o);
	}
	case_call_free(cc);
}

static int one_of(const char *value, const char *const *allowed)
{
	if (!value[0])
		return 1;
	for (; *allowed; allowed++)
		if (strcmp(*allowed, value) == 0)
			return 1;
	return 0;
}

static void list_cases(struct evhttp_request *req, struct hl_service *svc)
{
	static const char *const names[] = {"kind", "unit", "state", "overdue", "from", "to", NULL};
	static const char *const kinds[] = {"problem", "monthly", "benchmark", NULL};
	static const char *const states[] = {"open", "rectifying", "rectified", "closed", NULL};
	static const char *const bools[] = {"true", "false", NULL};
	struct case_call *cc = case_call_new(req, svc);
	char q[6][HL_SV_QUERY_VALUE], count[16];
	const struct hl_principal *who;
	const char *unit, *argv[3 + 1 + 2 * 4];
	int argc = 0, n = 0;

	if (!cc)
		return;
	who = cc->call.who;
	if (!hl_sv_reader(req, who, "supervised cases") || hl_sv_query(req, names, q) < 0 ||
	    hl_sv_period(req, q[4], q[5], cc->from, cc->to) < 0)
		goto done;
	if (!one_of(q[0], kinds) || !one_of(q[2], states) || !one_of(q[3], bools)) {
		const char *bad = !one_of(q[0], kinds) ? "kind" : !one_of(q[2], states) ? "state"
											: "overdue";

		hl_http_reply_error(req, 400, bad, "%s: expected %s", bad,
				    bad[0] == 'k'   ? "problem, monthly or benchmark"
				    : bad[0] == 's' ? "open, rectifying, rectified or closed"
						    : "true or false");
		goto done;
	}
	if (q[1][0] && !hl_routes_department(cc->call.world->routes, q[1])) {
		hl_http_reply_error(req, 400, "unit", "unit: unknown unit '%s'", q[1]);
		goto done;
	}
	unit = q[1];
	if (who->kind == HL_ROLE_DEPT) {
		if (unit[0] && strcmp(unit, who->scope) != 0) { /* another unit's: none of its own */
			got_list(&(struct redisReply){.type = REDIS_REPLY_ARRAY}, cc);
			return;
		}
		unit = who->scope;
	}
	argv[argc++] = "cases";
	argv[argc++] = cc->from;
	argv[argc++] = cc->to;
	argv[argc++] = count;
	for (int i = 0; i < 4; i++) {
		const char *v = i == 1 ? unit : q[i];

		if (v[0]) {
			argv[argc++] = names[i];
			argv[argc++] = v;
			n++;
		}
	}
	snprintf(count, sizeof(count), "%d", n);
	if (hl_call_eval(&cc->call, HL_SCRIPT_SUPERVISION_LIST, got_list, cc, argc, argv, NULL) ==
	    0)
		return;
	hl_reply_unavailable(req, "the cases were not read");
done:
	case_call_free(cc);
}

static void cases(struct evhttp_request *req, const char *param, void *arg)
{
	(void)param;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST)
		post_case(req, arg);
	else
		list_cases(req, arg);
}

/* --- GET /v1/supervision/cases/{id} -------------------------------------------------- */

/* A benchmark case's progress: the metric's rate for the lead unit since the case opened,
 * from the units report's answer, against the target. */
static void got_figures(struct redisReply *reply, void *arg)
{
	struct case_call *cc = arg;

	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		if (reply)
			hl_reply_redis_error(cc->call.req, "supervision", reply,
					     "the case's progress was not read");
		else
			hl_reply_unavailable(cc->call.req, "the case's progress was not read");
	} else {
		struct json_object *p = json_object_new_object();
		double rate = hl_report_unit_rate(reply, cc->lead, cc->metric, cc->call.world->config);
		char from[HL_TIME_BUFLEN], to[HL_TIME_BUFLEN];

		hl_time_format_iso(strtoll(cc->from, NULL, 10), from);
		hl_time_format_iso(strtoll(cc->to, NULL, 10), to);
		json_object_object_add(p, "metric", json_object_new_string(cc->metric));
		json_object_object_add(p, "unit", json_object_new_string(cc->lead));
		json_object_object_add(p, "from", json_object_new_string(from));
		json_object_object_add(p, "to", json_object_new_string(to));
		json_object_object_add(p, "value",
				       rate < 0 ? NULL
						: json_object_new_double((double)(long)(rate * 10 + 0.5) /
									 10));
		json_object_object_add(p, "target", json_object_new_double(strtod(cc->target, NULL)));
		json_object_object_add(p, "reached",
				       json_object_new_boolean(rate >= 0 &&
							       rate >= strtod(cc->target, NULL)));
		json_object_object_add(cc->view, "progress", p);
		hl_http_reply_json(cc->call.req, 200, cc->view);
		cc->view = NULL;
	}
	case_call_free(cc);
}

static void got_case(struct redisReply *reply, void *arg)
{
	struct case_call *cc = arg;
	struct evhttp_request *req = cc->call.req;
	const struct redisReply *fields;
	struct json_object *timeline;
	const char *kind, *metric, *target, *created;

	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		if (reply)
			hl_reply_redis_error(req, "supervision", reply, "the case was not read");
		else
			hl_reply_unavailable(req, "the case was not read");
		goto done;
	}
	fields = reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 ? reply->element[0]
									  : NULL;
	if (!fields || !hl_sv_case_readable(cc->call.who, hl_sv_field(fields, "lead_unit"),
					    hl_sv_field(fields, "co_units"))) {
		hl_http_reply_error(req, 404, "id", "no such case: %s", cc->id);
		goto done;
	}
	cc->view = hl_sv_record_json(fields, cc->call.who);
	timeline = json_object_new_array();
	for (size_t i = 0; i < reply->element[1]->elements; i++)
		json_object_array_add(timeline, hl_audit_entry_json(reply->element[1]->element[i], 1));
	json_object_object_add(cc->view, "timeline", timeline);
	kind = hl_sv_field(fields, "kind");
	metric = hl_sv_field(fields, "metric");
	target = hl_sv_field(fields, "target");
	created = hl_sv_field(fields, "created_ms");
	if (kind && strcmp(kind, "benchmark") == 0 && metric && target && created) {
		const char *argv[] = {cc->from, cc->to};

		snprintf(cc->lead, sizeof(cc->lead), "%s", hl_sv_field(fields, "lead_unit"));
		snprintf(cc->metric, sizeof(cc->metric), "%s", metric);
		snprintf(cc->target, sizeof(cc->target), "%s", target);
		snprintf(cc->from, sizeof(cc->from), "%s", created);
		snprintf(cc->to, sizeof(cc->to), "%lld", (long long)cc->call.now_ms);
		if (hl_call_eval(&cc->call, HL_SCRIPT_REPORT_UNITS, got_figures, cc, 2, argv,
				 NULL) == 0)
			return;
		hl_reply_unavailable(req, "the case's progress was not read");
		goto done;
	}
	hl_http_reply_json(req, 200, cc->view);
	cc->view = NULL;
done:
	case_call_free(cc);
}

static void get_case(struct evhttp_request *req, const char *id, void *arg)
{
	struct case_call *cc = case_call_new(req, arg);

	if (!cc)
		return;
	snprintf(cc->id, sizeof(cc->id), "%s", id);
	if (hl_sv_reader(req, cc->call.who, "supervised cases")) {
		const char *argv[] = {"case", cc->id};

		if (hl_call_eval(&cc->call, HL_SCRIPT_SUPERVISION_GET, got_case, cc, 2, argv,
				 NULL) == 0)
			return;
		hl_reply_unavailable(req, "the case was not read");
	}
	case_call_free(cc);
}

/* --- POST /v1/supervision/cases/{id}/{step} ------------------------------------------ */

struct step {
	const char *path;  /* as in the URL */
	const char *name;  /* as lua/case_step.lua knows it */
	const char *text;  /* the body's one field */
	int required;      /* is it? */
};

static const struct step steps[] = {
	{"plan", "plan", "plan", 1},		  {"progress", "progress", "progress", 1},
	{"rectified", "rectified", "note", 0},	  {"accept", "accept", "note", 0},
	{"send-back", "send_back", "reason", 1},
};

static void stepped(struct redisReply *reply, void *arg)
{
	struct case_call *cc = arg;
	struct evhttp_request *req = cc->call.req;
	char b[32], why[256], allowed[128];
	const char *outcome = hl_reply_str(reply, 0, b, sizeof(b));

	if (!reply) {
		hl_reply_unavailable(req, "the connection was lost before Redis confirmed; read the "
					  "case to see whether the step was taken");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "supervision", reply, "the step was not taken");
	} else if (strcmp(outcome, "missing") == 0) {
		hl_http_reply_error(req, 404, "id", "no such case: %s", cc->id);
	} else if (strcmp(outcome, "denied") == 0) {
		hl_http_reply_error(req, 403, NULL, "%s", hl_reply_str(reply, 1, why, sizeof(why)));
	} else if (strcmp(outcome, "conflict") == 0) {
		struct json_object *o = json_object_new_object(), *list = json_object_new_array();
		const char *p = hl_reply_str(reply, 2, allowed, sizeof(allowed));

		while (*p) {
			size_t n = strcspn(p, ",");

			json_object_array_add(list, json_object_new_string_len(p, (int)n));
			p += n + (p[n] == ',');
		}
		json_object_object_add(o, "error", json_object_new_string(
							   hl_reply_str(reply, 1, why, sizeof(why))));
		json_object_object_add(o, "field", json_object_new_string("state"));
		json_object_object_add(o, "allowed", list);
		hl_http_reply_json(req, 409, o);
	} else if (strcmp(outcome, "ok") == 0 && reply->elements == 3) {
		struct json_object *view = hl_sv_record_json(reply->element[1], cc->call.who);
		const char *state = hl_sv_field(reply->element[1], "state");

		hl_log(HL_LOG_INFO, "supervision", "step id=%s step=%s state=%s by=%s", cc->id,
		       cc->step->name, state ? state : "-", cc->call.who->name);
		hl_http_reply_json(req, 200, view);
	} else {
		hl_http_reply_error(req, 500, NULL, "unexpected answer from case_step");
	}
	case_call_free(cc);
}

static void post_step(struct evhttp_request *req, const char *param, void *arg)
{
	struct case_call *cc = case_call_new(req, arg);
	const char *slash = param ? strchr(param, '/') : NULL;
	struct hl_input_error e = {{0}, {0}};
	const char *raw, *text = "";
	size_t len;

	if (!cc)
		return;
	for (size_t i = 0; slash && i < sizeof(steps) / sizeof(steps[0]); i++)
		if (strcmp(steps[i].path, slash + 1) == 0)
			cc->step = &steps[i];
	if (!cc->step || (size_t)(slash - param) >= sizeof(cc->id)) {
		hl_http_reply_error(req, 404, NULL, "no such step; steps: plan, progress, rectified, "
						    "accept, send-back");
		goto done;
	}
	memcpy(cc->id, param, (size_t)(slash - param));
	raw = hl_http_body(req, &len);
	if (raw && len) {
		struct json_object *v;

		if (hl_input_parse_object(raw, len, &cc->body, &e) < 0) {
			hl_http_reply_error(req, 400, e.field, "%s", e.message);
			goto done;
		}
		json_object_object_foreach(cc->body, key, val)
		{
			(void)val;
			if (strcmp(key, cc->step->text) != 0) {
				hl_http_reply_error(req, 400, key, "%s: unknown field for %s; it takes "
								   "%s",
						    key, cc->step->path, cc->step->text);
				goto done;
			}
		}
		if (json_object_object_get_ex(cc->body, cc->step->text, &v)) {
			if (!json_object_is_type(v, json_type_string) ||
			    strlen(json_object_get_string(v)) !=
				    (size_t)json_object_get_string_len(v) ||
			    json_object_get_string_len(v) > HL_SV_TEXT_MAX * 4) {
				hl_http_reply_error(req, 400, cc->step->text,
						    "%s: expected a text of at most %d characters",
						    cc->step->text, HL_SV_TEXT_MAX);
				goto done;
			}
			text = json_object_get_string(v);
		}
	}
	if (cc->step->required && !text[0]) {
		hl_http_reply_error(req, 400, cc->step->text, "%s: required for %s", cc->step->text,
				    cc->step->path);
		goto done;
	}
	if (hl_call_eval(&cc->call, HL_SCRIPT_CASE_STEP, stepped, cc, 3,
			 (const char *[]){cc->step->name, cc->id, text}, NULL) == 0)
		return;
	hl_reply_unavailable(req, "the step was not taken");
done:
	case_call_free(cc);
}

int hl_supervision_cases_register(struct hl_service *svc)
{
	if (hl_http_route(svc->http, "/v1/supervision/cases", EVHTTP_REQ_GET | EVHTTP_REQ_POST,
			  cases, svc) < 0 ||
	    hl_http_route(svc->http, "/v1/supervision/cases/*", EVHTTP_REQ_GET, get_case, svc) < 0)
		return -1;
	return hl_http_route(svc->http, "/v1/supervision/cases/*/*", EVHTTP_REQ_POST, post_step,
			     svc);
}
