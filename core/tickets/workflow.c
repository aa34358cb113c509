/*
 * The department workflow over HTTP (core/README.md §3): POST /v1/tickets/{id}/{step}
 * for sign (签收), return (退单), approve-return (改派), reject-return (强制派单), dispatch
 * (人工派单), co-handle (协办), extend (延期申请), approve-extension, reject-extension,
 * answer (办结), callback (回访) and notes. The body is checked here; the state, the
 * caller's right and the change are one Lua step (lua/ticket_step.lua). An illegal step
 * is a 409 naming the state and what is allowed. The answer is the ticket as the caller
 * may see it; plugins are told of the step.
 */
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/api.h"
#include "config/auth.h"
#include "config/config.h"
#include "host/service.h"
#include "http/http.h"
#include "base/log.h"
#include "host/plugin_host.h"
#include "config/routes.h"
#include "time/sla.h"
#include "time/calendar.h"
#include "base/ticket.h"
#include "host/world.h"

#define TEXT_MAX 5000 /* characters of a reason, answer or note */

/* What a step takes in its body. */
enum need { NONE = 0, TEXT = 1, TEXT_OPTIONAL = 2, UNIT = 4, UNIT_OPTIONAL = 8, UNITS = 16,
	    DAYS = 32, VERDICT = 64 };

/* The clocks a step (re)starts, computed from the ticket as it stands (read first). */
enum clocks { NO_CLOCK, DISPATCH_CLOCKS, EXTENDED_ANSWER, CALLBACK_CLOCK, REOPEN_CLOCK };

struct step {
	const char *path;  /* as in the URL */
	const char *name;  /* as lua/ticket_step.lua knows it */
	const char *text;  /* the body's text field for this step */
	int needs;
	const char *event; /* told to plugins afterwards, or NULL */
	enum clocks clocks;
};

static const struct step steps[] = {
	{"sign", "sign", "note", TEXT_OPTIONAL, HL_EV_ACCEPTED, NO_CLOCK},
	{"return", "return", "reason", TEXT, HL_EV_RETURNED, NO_CLOCK},
	{"approve-return", "approve_return", "note", TEXT_OPTIONAL | UNIT_OPTIONAL, NULL,
	 DISPATCH_CLOCKS},
	{"reject-return", "reject_return", "reason", TEXT, NULL, NO_CLOCK},
	{"dispatch", "dispatch", "note", TEXT_OPTIONAL | UNIT, HL_EV_DISPATCHED, DISPATCH_CLOCKS},
	{"co-handle", "co_handle", "note", TEXT_OPTIONAL | UNITS, NULL, NO_CLOCK},
	{"extend", "extend", "reason", TEXT | DAYS, NULL, NO_CLOCK},
	{"approve-extension", "approve_extension", "note", TEXT_OPTIONAL, HL_EV_EXTENDED,
	 EXTENDED_ANSWER},
	{"reject-extension", "reject_extension", "reason", TEXT, NULL, NO_CLOCK},
	{"answer", "answer", "answer", TEXT, HL_EV_RESOLVED, CALLBACK_CLOCK},
	{"callback", "callback", "note", TEXT_OPTIONAL | VERDICT, NULL, REOPEN_CLOCK},
	{"notes", "note", "note", TEXT, NULL, NO_CLOCK},
};

/* What a step's body says, each field with one meaning, as check_body leaves it: NULL
 * when the body leaves it out or the step does not take it. The strings point into the
 * request's body (struct step_call.body), units into units_buf. */
struct step_input {
	const char *text;         /* the step's text field (struct step.text: a reason, an
				     answer or a note); "" when left out */
	const char *unit;         /* department: the unit to dispatch to (dispatch,
				     approve-return) */
	const char *units;        /* units, joined with commas: the units to co-handle */
	const char *days;         /* days: the working days an extension asks for, "1".."15" */
	const char *satisfaction; /* the call-back's verdict: satisfied, basically_satisfied
				     or unsatisfied */
	const char *solved;       /* the call-back's verdict: solved or unsolved */
	char units_buf[512];
};
#define STEP_NAMED_MAX 8 /* named arguments of lua/ticket_step.lua: see take_step */

struct step_call {
	struct hl_call call;
	const struct step *step;
	char id[32];
	struct json_object *body; /* the request's body; in points into it */
	struct step_input in;
	char return_until[24]; /* a dispatch's return window, ms ("" otherwise) */
	const char *policy;    /* a dispatch's SLA policy (borrowed from the world), or NULL */
};

static void step_call_free(struct step_call *sc)
{
	json_object_put(sc->body);
	hl_call_end(&sc->call);
	free(sc);
}

static const struct step *find_step(const char *path)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (strcmp(steps[i].path, path) == 0)
			return &steps[i];
	}
	return NULL;
}

static const char *event_after(const struct step *st, const struct hl_ticket *t)
{
	const char *state = hl_ticket_field(t, "state");

	if (strcmp(st->name, "callback") == 0)
		return state && strcmp(state, "reopened") == 0 ? HL_EV_REOPENED : HL_EV_CLOSED;
	if (strcmp(st->name, "approve_return") == 0 && state && strcmp(state, "dispatched") == 0)
		return HL_EV_DISPATCHED;
	return st->event;
}

static void stepped(struct redisReply *reply, void *arg)
{
	struct step_call *sc = arg;
	struct evhttp_request *req = sc->call.req;
	char b[32];
	const char *outcome = hl_reply_str(reply, 0, b, sizeof(b));
	struct hl_ticket t = {0};

	if (!reply) {
		hl_reply_unavailable(req, "the connection was lost before Redis confirmed; read the "
					  "ticket to see whether the step was taken");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "workflow", reply, "the step was not taken");
	} else if (strcmp(outcome, "missing") == 0) {
		hl_http_reply_error(req, 404, "id", "no such ticket: %s", sc->id);
	} else if (strcmp(outcome, "denied") == 0) {
		hl_http_reply_error(req, 403, NULL, "%s", hl_reply_str(reply, 1, b, sizeof(b)));
	} else if (strcmp(outcome, "conflict") == 0) {
		hl_http_reply_error(req, 409, "state", "%s", hl_reply_str(reply, 1, b, sizeof(b)));
	} else if (reply->elements == 3 && hl_ticket_from_reply(reply->element[1], &t) == 0) {
		const char *event = event_after(sc->step, &t);
		const char *state = hl_ticket_field(&t, "state");
		char before[32];

		hl_log(HL_LOG_INFO, "workflow", "step id=%s step=%s state=%s by=%s", sc->id,
		       sc->step->name, state ? state : "-", sc->call.who->name);
		/* a transition is a change of state: not an extension, a note, co-handling */
		if (state && strcmp(hl_reply_str(reply, 2, before, sizeof(before)), state) != 0)
			hl_metrics_count(sc->call.svc->metrics.transitions, HL_METRIC_NAMES, state);
		if (event)
			hl_plugins_emit(sc->call.world->plugins, event, sc->id, &t, sc->step->name);
		hl_http_reply_json(req, 200, hl_ticket_view(sc->call.who, &t, NULL));
	} else {
		hl_http_reply_error(req, 500, NULL, "unexpected answer from ticket_step");
	}
	hl_ticket_release(&t);
	step_call_free(sc);
}

/* A string member of the body, or NULL; -1 (after a 400) when present but not a string. */
static int member(struct evhttp_request *req, struct json_object *body, const char *key,
		  const char **value_r)
{
	struct json_object *v;

	*value_r = NULL;
	if (!json_object_object_get_ex(body, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v)) {
		hl_http_reply_error(req, 400, key, "%s: expected a string", key);
		return -1;
	}
	*value_r = json_object_get_string(v);
	return 0;
}

/* Every field a body may have is known, whatever the step: a step that does not take
 * one ignores it. Returns -1 after a 400 naming an unknown field. */
static int known_fields(struct evhttp_request *req, const struct step *st,
			struct json_object *body)
{
	const char *known[] = {st->text, "department", "units", "days", "satisfaction", "solved"};

	json_object_object_foreach(body, key, val)
	{
		int ok = 0;

		(void)val;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok |= strcmp(key, known[i]) == 0;
		if (!ok) {
			hl_http_reply_error(req, 400, key, "%s: unknown field for %s", key, st->path);
			return -1;
		}
	}
	return 0;
}

/* The step's text, required or optional, of TEXT_MAX characters at most (4 bytes each at
 * most); "" when left out. */
static int check_text(struct evhttp_request *req, const struct step *st,
		      struct step_input *in)
{
	if ((st->needs & TEXT) && (!in->text || !*in->text)) {
		hl_http_reply_error(req, 400, st->text, "%s: required for %s", st->text, st->path);
		return -1;
	}
	if (in->text && strlen(in->text) > TEXT_MAX * 4) {
		hl_http_reply_error(req, 400, st->text, "%s: too long", st->text);
		return -1;
	}
	if (!in->text)
		in->text = "";
	return 0;
}

/* `department`: a unit of the routes, when the step takes one (UNIT, UNIT_OPTIONAL). */
static int check_unit(struct evhttp_request *req, const struct step *st,
		      const struct hl_routes *routes, const char *unit)
{
	if (!unit && (st->needs & UNIT)) {
		hl_http_reply_error(req, 400, "department", "department: required for %s",
				    st->path);
		return -1;
	}
	if (unit && !hl_routes_department(routes, unit)) {
		hl_http_reply_error(req, 400, "department", "department: unknown unit '%s'", unit);
		return -1;
	}
	return 0;
}

/* `units`: a list of units of the routes, joined with commas into in->units_buf. */
static int read_units(struct evhttp_request *req, const struct hl_routes *routes,
		      struct json_object *body, struct step_input *in)
{
	struct json_object *list;
	size_t used = 0;

	if (!json_object_object_get_ex(body, "units", &list) ||
	    !json_object_is_type(list, json_type_array) || json_object_array_length(list) == 0) {
		hl_http_reply_error(req, 400, "units", "units: expected a list of unit codes");
		return -1;
	}
	in->units_buf[0] = '\0';
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		const char *code = json_object_get_string(json_object_array_get_idx(list, i));

		if (!code || !hl_routes_department(routes, code) ||
		    used + strlen(code) + 2 > sizeof(in->units_buf)) {
			hl_http_reply_error(req, 400, "units", "units: unknown unit '%s'",
					    code ? code : "?");
			return -1;
		}
		used += (size_t)snprintf(in->units_buf + used, sizeof(in->units_buf) - used, "%s%s",
					 used ? "," : "", code);
	}
	in->units = in->units_buf;
	return 0;
}

/* `days`: the working days an extension asks for, "1" to "15". */
static int check_days(struct evhttp_request *req, const char *days)
{
	char *end;
	long n = days ? strtol(days, &end, 10) : 0;

	if (!days || *end || n < 1 || n > 15) {
		hl_http_reply_error(req, 400, "days",
				    "days: expected the working days asked for, 1 to 15, as a "
				    "string such as \"5\"");
		return -1;
	}
	return 0;
}

/* `satisfaction` and `solved`: the citizen's verdict at the call-back. */
static int check_verdict(struct evhttp_request *req, const struct step_input *in)
{
	const char *sat = in->satisfaction;

	if (!sat || (strcmp(sat, "satisfied") && strcmp(sat, "basically_satisfied") &&
		     strcmp(sat, "unsatisfied"))) {
		hl_http_reply_error(req, 400, "satisfaction",
				    "satisfaction: expected satisfied, basically_satisfied or "
				    "unsatisfied");
		return -1;
	}
	if (!in->solved || (strcmp(in->solved, "solved") && strcmp(in->solved, "unsolved"))) {
		hl_http_reply_error(req, 400, "solved", "solved: expected solved or unsolved");
		return -1;
	}
	return 0;
}

/* Checks the step's body and fills *in with what the step takes (the fields it does not
 * take stay NULL). Returns 0, or -1 after a 400. */
static int check_body(struct evhttp_request *req, const struct step *st,
		      const struct hl_routes *routes, struct json_object *body,
		      struct step_input *in)
{
	const char *unit, *days, *satisfaction, *solved;

	*in = (struct step_input){0};
	/* each field of the body is checked to be a string, taken by the step or not */
	if (known_fields(req, st, body) < 0 || member(req, body, st->text, &in->text) < 0 ||
	    member(req, body, "department", &unit) < 0 || member(req, body, "days", &days) < 0 ||
	    member(req, body, "satisfaction", &satisfaction) < 0 ||
	    member(req, body, "solved", &solved) < 0 || check_text(req, st, in) < 0)
		return -1;
	if (st->needs & (UNIT | UNIT_OPTIONAL)) {
		if (check_unit(req, st, routes, unit) < 0)
			return -1;
		in->unit = unit;
	}
	if ((st->needs & UNITS) && read_units(req, routes, body, in) < 0)
		return -1;
	if (st->needs & DAYS) {
		if (check_days(req, days) < 0)
			return -1;
		in->days = days;
	}
	if (st->needs & VERDICT) {
		in->satisfaction = satisfaction;
		in->solved = solved;
		if (check_verdict(req, in) < 0)
			return -1;
	}
	return 0;
}

/* Takes the step in Redis, with the clocks it restarts (argc 1, "0", for none). The
 * step's arguments go by name (lua/ticket_step.lua): each has one meaning; "text" always
 * (empty for none), the others only when given. */
static void take_step(struct step_call *sc, const struct hl_sla_args *clocks)
{
	const struct step_input *in = &sc->in;
	const struct hl_script_arg given[] = {
		{"unit", in->unit},		{"units", in->units},
		{"days", in->days},		{"satisfaction", in->satisfaction},
		{"solved", in->solved},		{"return_until", sc->return_until},
		{"policy", sc->policy},
	};
	struct hl_script_arg named[1 + sizeof(given) / sizeof(given[0])] = {{"text", in->text}};
	const char *argv[3 + HL_SCRIPT_ARGS_NAMED(STEP_NAMED_MAX) + HL_SLA_ARGS_MAX];
	_Static_assert(1 + sizeof(given) / sizeof(given[0]) <= STEP_NAMED_MAX,
		       "STEP_NAMED_MAX must cover every named argument of a step");
	_Static_assert(3 + HL_SCRIPT_ARGS_NAMED(STEP_NAMED_MAX) + HL_SLA_ARGS_MAX <=
			       HL_REDIS_EVAL_AS_ARGS_MAX,
		       "a step's arguments must fit hl_redis_eval_as");
	char max_returns[16], count[16];
	size_t n = 1;
	int argc = 0, filled;

	for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++)
		if (given[i].value && given[i].value[0])
			named[n++] = given[i];
	snprintf(max_returns, sizeof(max_returns), "%lld",
		 (long long)hl_opt_int(&sc->call.world->config->routing, "max_returns"));
	argv[argc++] = sc->step->name;
	argv[argc++] = sc->id;
	argv[argc++] = max_returns;
	/* room for every name (the asserts above): it cannot fail */
	filled = hl_script_args_named(argv + argc, HL_SCRIPT_ARGS_NAMED(STEP_NAMED_MAX), count,
				      named, n);
	argc += filled;
	for (int i = 0; i < clocks->argc; i++)
		argv[argc++] = clocks->argv[i];
	if (hl_call_eval(&sc->call, HL_SCRIPT_TICKET_STEP, stepped, sc, argc, argv, NULL) < 0) {
		hl_reply_unavailable(sc->call.req, "the step was not taken");
		step_call_free(sc);
	}
}

/* The clocks the step restarts, from the ticket as it stands. */
static int clocks_for(struct step_call *sc, const struct hl_ticket *t, struct hl_sla_args *a)
{
	struct hl_world *w = sc->call.world;
	const struct hl_sla_policy *p = hl_sla_match(w->sla, t, hl_ticket_field(t, "sla_policy"));
	int64_t now = sc->call.now_ms, due;
	const char *answer_due = hl_ticket_field(t, "answer_due_ms");
	const char *days = hl_ticket_field(t, "extension_days");
	const char *since = hl_ticket_field(t, "dispatched_ms");

	hl_sla_args_init(a);
	switch (sc->step->clocks) {
	case DISPATCH_CLOCKS:
		sc->policy = p->name;
		snprintf(sc->return_until, sizeof(sc->return_until), "%lld",
			 (long long)hl_calendar_add(w->calendar, now, p->return_window));
		return hl_sla_args_add(a, p, w->calendar, HL_CLOCK_SIGN, now, -1, &due) |
		       hl_sla_args_add(a, p, w->calendar, HL_CLOCK_ANSWER, now, -1, &due);
	case EXTENDED_ANSWER:
		if (!answer_due || !days)
			return 0; /* no clock ran, or no request: the step says why */
		due = hl_calendar_add(w->calendar, strtoll(answer_due, NULL, 10),
				      (struct hl_duration){strtoll(days, NULL, 10), HL_DUR_WORK_DAYS});
		return hl_sla_args_add(a, p, w->calendar, HL_CLOCK_ANSWER,
				       since ? strtoll(since, NULL, 10) : now, due, &due);
	case CALLBACK_CLOCK:
		return hl_sla_args_add(a, p, w->calendar, HL_CLOCK_CALLBACK, now, -1, &due);
	case REOPEN_CLOCK:
		return hl_sla_args_add(a, p, w->calendar, HL_CLOCK_ANSWER, now, -1, &due);
	case NO_CLOCK:
		break;
	}
	return 0;
}

static void read_before_step(struct redisReply *reply, void *arg)
{
	struct step_call *sc = arg;
	struct hl_ticket t = {0};
	struct hl_sla_args clocks;

	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		if (reply)
			hl_reply_redis_error(sc->call.req, "workflow", reply, "the step was not taken");
		else
			hl_reply_unavailable(sc->call.req, "the step was not taken");
		step_call_free(sc);
		return;
	}
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
	    hl_ticket_from_reply(reply->element[0], &t) < 0) {
		hl_http_reply_error(sc->call.req, 404, "id", "no such ticket: %s", sc->id);
		step_call_free(sc);
		return;
	}
	if (clocks_for(sc, &t, &clocks) < 0) {
		hl_log(HL_LOG_WARN, "workflow", "no_deadlines id=%s step=%s", sc->id,
		       sc->step->name);
		hl_sla_args_init(&clocks);
	}
	hl_ticket_release(&t);
	take_step(sc, &clocks);
}

static void post_step(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_service *svc = arg;
	struct step_call *sc = calloc(1, sizeof(*sc));
	const char *slash = param ? strchr(param, '/') : NULL;
	size_t len;
	const char *raw;

	if (!sc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&sc->call, req, svc) < 0) {
		free(sc);
		return;
	}
	if (!slash || !(sc->step = find_step(slash + 1)) ||
	    (size_t)(slash - param) >= sizeof(sc->id)) {
		hl_http_reply_error(req, 404, NULL,
				    "no such step; steps: sign, return, approve-return, "
				    "reject-return, dispatch, co-handle, extend, approve-extension, "
				    "reject-extension, answer, callback, notes");
		step_call_free(sc);
		return;
	}
	memcpy(sc->id, param, (size_t)(slash - param));
	raw = hl_http_body(req, &len);
	sc->body = raw && len ? json_tokener_parse(raw) : json_object_new_object();
	if (!sc->body || !json_object_is_type(sc->body, json_type_object)) {
		hl_http_reply_error(req, 400, NULL, "expected a JSON object as the body");
		step_call_free(sc);
		return;
	}
	if (check_body(req, sc->step, sc->call.world->routes, sc->body, &sc->in) < 0) {
		step_call_free(sc);
		return;
	}
	if (sc->step->clocks == NO_CLOCK) {
		struct hl_sla_args none;

		hl_sla_args_init(&none);
		take_step(sc, &none);
		return;
	}
	/* Clocks restart from the ticket as it stands: read it first (the step itself still
	 * checks the state atomically). */
	if (hl_call_eval(&sc->call, HL_SCRIPT_TICKET_GET, read_before_step, sc, 1,
			 (const char *[]){sc->id}, NULL) < 0) {
		hl_reply_unavailable(req, "the step was not taken");
		step_call_free(sc);
	}
}

int hl_workflow_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/tickets/*/*", EVHTTP_REQ_POST, post_step, svc);
}
