/*
 * GET /v1/tickets/{id} (the ticket and its audit trail) and GET /v1/tickets (a filtered,
 * paged list, newest first; an agent looks up a caller's earlier tickets by phone).
 * Each caller sees what its role allows (auth.h): a department its own tickets, a channel
 * its own channel's; personal data is masked for roles that do not need it.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "tickets/api.h"
#include "config/auth.h"
#include "base/duration.h"
#include "host/service.h"
#include "http/http.h"
#include "base/log.h"
#include "base/mask.h"
#include "config/routes.h"
#include "store/keys.h"
#include "base/ticket.h"
#include "tickets/ticket_input.h"
#include "base/timefmt.h"
#include "host/world.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 200
#define SCAN_MAX 2000 /* tickets examined per list call before it returns a cursor */

/* Fields shown in lists; the full view shows every field. */
static const char *const summary_fields[] = {
	"id",		"channel",   "state",	 "title",      "type",	     "urgency",
	"department",	"address",   "district", "caller_phone", "created_ms", "updated_ms",
	"confidential", "created_by", "sign_due_ms", "answer_due_ms", "citizen_due_ms",
	"sign_status",	"answer_status", "sign_plan", "answer_plan", "co_units",
	"return_reason", "extension_pending", "extension_days", "extension_reason",
};
#define NSUMMARY (sizeof(summary_fields) / sizeof(summary_fields[0]))

/* A field's value as JSON: whole when `whole`, else masked as hl_personal_fields says. */
static struct json_object *shown_string(const char *name, const char *value, int whole)
{
	struct json_object *o;
	char *masked;

	if (whole || !hl_field_is_personal(name))
		return json_object_new_string(value);
	masked = hl_mask_field(name, value);
	o = json_object_new_string(masked ? masked : ""); /* never the value whole */
	free(masked);
	return o;
}

/* Adds one stored field to a ticket's JSON, converted for clients. */
static void add_field(struct json_object *t, const char *name, const char *value, int whole)
{
	char when[HL_TIME_BUFLEN];

	size_t n = strlen(name);

	if (n > 3 && n < 48 && strcmp(name + n - 3, "_ms") == 0) { /* a time: ISO 8601 */
		char key[48];

		hl_time_format_iso(strtoll(value, NULL, 10), when);
		snprintf(key, sizeof(key), "%.*s_at", (int)(n - 3), name);
		json_object_object_add(t, key, json_object_new_string(when));
	} else if (strcmp(name, "lat") == 0 || strcmp(name, "lng") == 0) {
		struct json_object *c;

		if (!json_object_object_get_ex(t, "coordinates", &c)) {
			c = json_object_new_object();
			json_object_object_add(t, "coordinates", c);
		}
		json_object_object_add(c, name, json_object_new_double(strtod(value, NULL)));
	} else if (strcmp(name, "attachments") == 0) {
		struct json_object *list = json_tokener_parse(value);

		json_object_object_add(t, name, list ? list : json_object_new_array());
	} else if (strcmp(name, "confidential") == 0) {
		json_object_object_add(t, name, json_object_new_boolean(strcmp(value, "1") == 0));
	} else {
		json_object_object_add(t, name, shown_string(name, value, whole));
	}
}

/* Does `who` see this ticket's personal data whole? */
static int sees_whole(const struct hl_principal *who, const struct hl_ticket *t)
{
	const char *confidential = hl_ticket_field(t, "confidential");

	return hl_sees_personal_data(who, hl_ticket_field(t, "department"),
				     confidential && strcmp(confidential, "1") == 0);
}

/* Bookkeeping of the scripts, not the ticket's: never shown. */
static int internal(const char *name)
{
	static const char *const names[] = {"route_seq",     "route_attempts", "sign_next",
					    "answer_next",   "callback_next",  "sign_plan",
					    "answer_plan",   "callback_plan",  "log",
					    "lh"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0)
			return 1;
	}
	return 0;
}

/* A clock's plan ("stage|due_ms|audience;...", lua/lib.lua) shown as the time its warning
 * stage falls due, <clock>_warning_at, so that a worklist can colour a clock at warning
 * without knowing the plans' format. Nothing when the plan has no warning stage. */
static void add_warning_time(struct json_object *t, const char *plan_field, const char *plan)
{
	size_t clock_len = strlen(plan_field) - strlen("_plan");
	const char *p = plan;

	while (p && *p) {
		if (strncmp(p, "warning|", 8) == 0) {
			char key[32], when[HL_TIME_BUFLEN];

			hl_time_format_iso(strtoll(p + 8, NULL, 10), when);
			snprintf(key, sizeof(key), "%.*s_warning_at", (int)clock_len, plan_field);
			json_object_object_add(t, key, json_object_new_string(when));
			return;
		}
		p = strchr(p, ';');
		p = p ? p + 1 : NULL;
	}
}

/* A ticket's fields as JSON, masked for who. */
static struct json_object *ticket_json(const struct hl_principal *who, const struct hl_ticket *t)
{
	struct json_object *o = json_object_new_object();
	int whole = sees_whole(who, t);

	for (size_t i = 0; i < t->nfields; i++) {
		const char *name = t->fields[i].name;
		size_t n = strlen(name);

		if (!internal(name))
			add_field(o, name, t->fields[i].value, whole);
		else if (n > 5 && strcmp(name + n - 5, "_plan") == 0)
			add_warning_time(o, name, t->fields[i].value);
	}
	if (!json_object_object_get_ex(o, "department", NULL))
		json_object_object_add(o, "department", NULL);
	json_object_object_add(o, "personal_data", json_object_new_string(whole ? "whole"
										  : "masked"));
	return o;
}

struct json_object *hl_audit_entry_json(const redisReply *entry, int whole)
{
	struct json_object *a = json_object_new_object();
	const redisReply *kv;

	if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
	    entry->element[1]->type != REDIS_REPLY_ARRAY)
		return a;
	kv = entry->element[1];
	for (size_t i = 0; i + 1 < kv->elements; i += 2) {
		const char *k = kv->element[i]->str, *v = kv->element[i + 1]->str;
		char when[HL_TIME_BUFLEN];

		if (!k || !v)
			continue;
		if (!*v) { /* a transition's missing end (creation has no "from") is null */
			if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0)
				json_object_object_add(a, k, NULL);
		} else if (strcmp(k, "at") == 0) {
			hl_time_format_iso(strtoll(v, NULL, 10), when);
			json_object_object_add(a, "at", json_object_new_string(when));
		} else if (strcmp(k, "note") == 0) {
			/* a note is free text: masked as the content is */
			json_object_object_add(a, k, shown_string("content", v, whole));
		} else {
			json_object_object_add(a, k, json_object_new_string(v));
		}
	}
	return a;
}

int hl_ticket_readable(const struct hl_principal *who, const struct hl_ticket *t,
		       struct evhttp_request *req)
{
	if (hl_may_read(who, hl_ticket_field(t, "department"), hl_ticket_field(t, "channel"),
			hl_ticket_field(t, "co_units")))
		return 1;
	/* the same answer as for an id that does not exist, so that ids cannot be probed */
	hl_http_reply_error(req, 404, "id", "no such ticket");
	return 0;
}

struct json_object *hl_ticket_view(const struct hl_principal *who, const struct hl_ticket *t,
				   const struct redisReply *audit)
{
	struct json_object *o = ticket_json(who, t), *trail;
	int whole = sees_whole(who, t);

	if (!audit || audit->type != REDIS_REPLY_ARRAY)
		return o;
	trail = json_object_new_array();
	for (size_t i = 0; i < audit->elements; i++)
		json_object_array_add(trail, hl_audit_entry_json(audit->element[i], whole));
	json_object_object_add(o, "audit", trail);
	return o;
}

static void got_ticket(struct redisReply *reply, void *arg)
{
	struct hl_call *c = arg;
	struct evhttp_request *req = c->req;
	struct hl_ticket t = {0};

	if (!reply) {
		hl_reply_unavailable(req, "the connection was lost before the ticket was read");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "tickets", reply, "the ticket was not read");
	} else if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
		hl_http_reply_error(req, 404, "id", "no such ticket");
	} else if (hl_ticket_from_reply(reply->element[0], &t) < 0) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
	} else if (hl_ticket_readable(c->who, &t, req)) {
		hl_http_reply_json(req, 200, hl_ticket_view(c->who, &t, reply->element[1]));
	}
	hl_ticket_release(&t);
	hl_call_end(c);
	free(c);
}

/* Ticket ids are YYYYMMDD-NNNNNN (the sequence may grow past six digits). */
static int valid_ticket_id(const char *id)
{
	size_t n = strlen(id);

	return n >= 15 && n <= 24 && strspn(id, "0123456789") == 8 && id[8] == '-' &&
	       strspn(id + 9, "0123456789") == n - 9;
}

static void get_ticket(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_call *c = hl_call_new(req, arg);

	if (!c)
		return;
	if (!valid_ticket_id(param)) {
		hl_http_reply_error(req, 404, "id",
				    "no such ticket: ids look like 20261126-000123");
	} else if (hl_call_eval(c, HL_SCRIPT_TICKET_GET, got_ticket, c, 1, &param, NULL) == 0) {
		return;
	} else {
		hl_reply_unavailable(req, "the ticket was not read");
	}
	hl_call_end(c);
	free(c);
}

/* The filters of GET /v1/tickets, checked. */
struct list_query {
	const char *state, *department, *channel, *cursor;
	int overdue;        /* only tickets with a clock past its deadline */
	int extension_pending; /* only tickets whose unit asked for an extension (延期) */
	int64_t due_within; /* only tickets with a deadline within this many ms, or 0 */
	char phone[24];
	char since[24], until[24]; /* ms, or -inf / +inf */
	char cursor_score[24], cursor_id[32];
	char limit[8];
};

static int bad_param(struct evhttp_request *req, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad_param(struct evhttp_request *req, const char *name, const char *fmt, ...)
{
	char message[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	hl_http_reply_error(req, 400, name, "%s: %s", name, message);
	return -1;
}

static int parse_cursor(struct list_query *q, const char *text)
{
	const char *colon = strchr(text, ':');
	size_t n = colon ? (size_t)(colon - text) : 0;

	if (!colon || n == 0 || n >= sizeof(q->cursor_score) || strspn(text, "0123456789") != n ||
	    !valid_ticket_id(colon + 1))
		return -1;
	memcpy(q->cursor_score, text, n);
	q->cursor_score[n] = '\0';
	snprintf(q->cursor_id, sizeof(q->cursor_id), "%s", colon + 1);
	return 0;
}

static int parse_time_param(struct evhttp_request *req, const char *name, const char *value,
			    char *out, size_t outlen)
{
	int64_t ms;
	char err[160];

	if (hl_time_parse_iso(value, &ms, err, sizeof(err)) < 0)
		return bad_param(req, name, "%s", err);
	snprintf(out, outlen, "%lld", (long long)ms);
	return 0;
}

/* Parses the query string into q, answering 400 for the first bad parameter. */
static int parse_list_query(struct evhttp_request *req, const struct hl_world *w,
			    struct evkeyvalq *params, struct list_query *q)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyval *kv;

	memset(q, 0, sizeof(*q));
	strcpy(q->since, "-inf");
	strcpy(q->until, "+inf");
	snprintf(q->limit, sizeof(q->limit), "%d", PAGE_DEFAULT);
	if (query && evhttp_parse_query_str(query, params) < 0)
		return bad_param(req, "query", "%s", "is not a well-formed query string");
	TAILQ_FOREACH(kv, params, next)
	{
		const char *k = kv->key, *v = kv->value;

		if (strcmp(k, "caller_phone") == 0) {
			if (hl_phone_normalize(v, q->phone, sizeof(q->phone)) < 0)
				return bad_param(req, k, "%s", "is not a phone number");
		} else if (strcmp(k, "state") == 0) {
			if (!hl_ticket_state_known(v))
				return bad_param(req, k, "unknown state '%s'", v);
			q->state = v;
		} else if (strcmp(k, "department") == 0) {
			if (!hl_routes_department(w->routes, v))
				return bad_param(req, k, "unknown department code '%s'", v);
			q->department = v;
		} else if (strcmp(k, "channel") == 0) {
			if (strcmp(v, "hotline") && strcmp(v, "board") && strcmp(v, "tv"))
				return bad_param(req, k, "expected hotline, board or tv, got '%s'", v);
			q->channel = v;
		} else if (strcmp(k, "since") == 0) {
			if (parse_time_param(req, k, v, q->since, sizeof(q->since)) < 0)
				return -1;
		} else if (strcmp(k, "until") == 0) {
			if (parse_time_param(req, k, v, q->until, sizeof(q->until)) < 0)
				return -1;
		} else if (strcmp(k, "limit") == 0) {
			char *end;
			long n = strtol(v, &end, 10);

			if (!*v || *end || n < 1 || n > PAGE_MAX)
				return bad_param(req, k, "expected a number from 1 to %d, got '%s'",
						 PAGE_MAX, v);
			snprintf(q->limit, sizeof(q->limit), "%ld", n);
		} else if (strcmp(k, "overdue") == 0) {
			if (strcmp(v, "true") != 0)
				return bad_param(req, k, "expected true, got '%s'", v);
			q->overdue = 1;
		} else if (strcmp(k, "extension_pending") == 0) {
			if (strcmp(v, "true") != 0)
				return bad_param(req, k, "expected true, got '%s'", v);
			q->extension_pending = 1;
		} else if (strcmp(k, "due_within") == 0) {
			struct hl_duration d;
			char err[160];

			if (hl_duration_parse(v, &d, err, sizeof(err)) < 0 || d.unit != HL_DUR_WALL_MS ||
			    d.amount <= 0)
				return bad_param(req, k, "expected a wall-clock duration such as 2h, "
							 "got '%s'",
						 v);
			q->due_within = d.amount;
		} else if (strcmp(k, "cursor") == 0) {
			if (parse_cursor(q, v) < 0)
				return bad_param(req, k, "'%s' is not a cursor this server gave out", v);
		} else {
			return bad_param(req, k,
					 "unknown parameter '%s'; known: caller_phone, state, "
					 "department, channel, since, until, overdue, due_within, "
					 "extension_pending, limit, cursor",
					 k);
		}
	}
	return 0;
}

static void got_list(struct redisReply *reply, void *arg)
{
	struct hl_call *c = arg;
	struct evhttp_request *req = c->req;
	struct json_object *body, *list;
	char b1[32], b2[32];

	if (!reply) {
		hl_reply_unavailable(req, "the connection was lost before the list was read");
		goto done;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "tickets", reply, "the list was not read");
		goto done;
	}
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2) {
		hl_http_reply_error(req, 500, NULL, "unexpected answer from ticket_list");
		goto done;
	}
	body = json_object_new_object();
	list = json_object_new_array();
	for (size_t i = 2; i < reply->elements; i++) {
		const redisReply *row = reply->element[i];
		struct hl_ticket_field fields[NSUMMARY];
		struct hl_ticket t = {0, fields, 0, NULL};

		for (size_t j = 0; j < NSUMMARY && j < row->elements; j++) {
			if (row->element[j]->type == REDIS_REPLY_STRING)
				fields[t.nfields++] = (struct hl_ticket_field){summary_fields[j],
									      row->element[j]->str};
		}
		json_object_array_add(list, ticket_json(c->who, &t));
	}
	json_object_object_add(body, "tickets", list);
	if (*hl_reply_str(reply, 0, b1, sizeof(b1))) {
		char cursor[80];

		snprintf(cursor, sizeof(cursor), "%s:%s", hl_reply_str(reply, 0, b1, sizeof(b1)),
			 hl_reply_str(reply, 1, b2, sizeof(b2)));
		json_object_object_add(body, "next_cursor", json_object_new_string(cursor));
	} else {
		json_object_object_add(body, "next_cursor", NULL);
	}
	hl_http_reply_json(req, 200, body);
done:
	hl_call_end(c);
	free(c);
}

/* Confines a department or channel caller to its own tickets. Returns -1 after 403. */
static int apply_scope(struct evhttp_request *req, const struct hl_principal *who,
		       struct list_query *q)
{
	const char **own = who->kind == HL_ROLE_DEPT	  ? &q->department
			   : who->kind == HL_ROLE_CHANNEL ? &q->channel
							  : NULL;

	if (!own)
		return 0;
	if (*own && strcmp(*own, who->scope) != 0) {
		hl_http_reply_error(req, 403, who->kind == HL_ROLE_DEPT ? "department" : "channel",
				    "role %s may only list its own tickets", who->role);
		return -1;
	}
	*own = who->scope;
	return 0;
}

/* The index that drives the scan, the most selective the query allows; every filter is
 * still checked on each ticket. */
static void choose_index(const struct list_query *q, char *index, size_t len)
{
	if (q->due_within)
		snprintf(index, len, "due_soon"); /* not a key: ticket_list.lua reads deadlines */
	else if (q->overdue)
		snprintf(index, len, "%s", HL_INDEX_OVERDUE);
	else if (q->phone[0])
		snprintf(index, len, "%s%s", HL_INDEX_PHONE, q->phone);
	else if (q->department)
		snprintf(index, len, "%s%s", HL_INDEX_DEPT, q->department);
	else if (q->state)
		snprintf(index, len, "%s%s", HL_INDEX_STATE, q->state);
	else if (q->channel)
		snprintf(index, len, "%s%s", HL_INDEX_CHANNEL, q->channel);
	else
		snprintf(index, len, "%s", HL_INDEX_ALL);
}

/* Fits the parsed query to the request: the unit of the path (NULL for GET /v1/tickets),
 * the caller's scope, and the window of a due_within query. Returns 0, or -1 after the
 * error answer. */
static int fit_list_query(struct evhttp_request *req, const struct hl_call *c,
			  const char *unit, struct list_query *q)
{
	if (unit) {
		if (!hl_routes_department(c->world->routes, unit)) {
			hl_http_reply_error(req, 404, "department", "no such unit: %s", unit);
			return -1;
		}
		if (q->department && strcmp(q->department, unit) != 0) {
			hl_http_reply_error(req, 400, "department",
					    "department: the path names the unit already");
			return -1;
		}
		q->department = unit;
	}
	if (apply_scope(req, c->who, q) < 0)
		return -1;
	if (q->phone[0] && c->who->kind != HL_ROLE_AGENT && c->who->kind != HL_ROLE_DEPT) {
		/* who sees numbers masked may not probe them either */
		hl_http_reply_error(req, 403, "caller_phone",
				    "role %s may not look tickets up by phone", c->who->role);
		return -1;
	}
	if (q->extension_pending && !q->state)
		q->state = "accepted"; /* a unit asks for one only on a ticket it signed for */
	if (q->due_within) {
		snprintf(q->since, sizeof(q->since), "%lld", (long long)c->now_ms);
		snprintf(q->until, sizeof(q->until), "%lld", (long long)(c->now_ms + q->due_within));
	}
	return 0;
}

/* The arguments of lua/ticket_list.lua, with the numbers and names they point to. */
struct list_args {
	const char *argv[16 + NSUMMARY];
	int argc;
	char index[96], scan[16], nfilters[8];
};

static void add_filter(struct list_args *a, int *nf, const char *field, const char *value)
{
	a->argv[a->argc++] = field;
	a->argv[a->argc++] = value;
	(*nf)++;
}

/* The arguments for q, which they borrow from. */
static void fill_list_args(const struct list_query *q, struct list_args *a)
{
	int nf = 0;

	choose_index(q, a->index, sizeof(a->index));
	snprintf(a->scan, sizeof(a->scan), "%d", SCAN_MAX);
	a->argc = 0;
	a->argv[a->argc++] = a->index;
	a->argv[a->argc++] = q->since;
	a->argv[a->argc++] = q->until;
	a->argv[a->argc++] = q->cursor_score;
	a->argv[a->argc++] = q->cursor_id;
	a->argv[a->argc++] = q->limit;
	a->argv[a->argc++] = a->scan;
	a->argv[a->argc++] = a->nfilters;
	/* Every filter is checked per ticket; a department filter means the unit leads or
	 * co-handles the ticket. */
	if (q->phone[0])
		add_filter(a, &nf, "caller_phone", q->phone);
	if (q->department)
		add_filter(a, &nf, "unit", q->department);
	if (q->state)
		add_filter(a, &nf, "state", q->state);
	if (q->channel)
		add_filter(a, &nf, "channel", q->channel);
	if (q->extension_pending)
		add_filter(a, &nf, "extension_pending", "1");
	snprintf(a->nfilters, sizeof(a->nfilters), "%d", nf);
	for (size_t i = 0; i < NSUMMARY; i++)
		a->argv[a->argc++] = summary_fields[i];
}

/* GET /v1/tickets, or with `unit` set GET /v1/departments/{unit}/tickets (the unit's
 * worklist: its own and co-handled tickets, filtered by state as the caller asks). */
static void list_tickets(struct evhttp_request *req, const char *unit, void *arg)
{
	struct hl_call *c = hl_call_new(req, arg);
	struct evkeyvalq params = {0};
	struct list_query q;
	struct list_args a;

	TAILQ_INIT(&params);
	if (!c)
		return;
	if (parse_list_query(req, c->world, &params, &q) < 0 ||
	    fit_list_query(req, c, unit, &q) < 0)
		goto fail;
	fill_list_args(&q, &a);
	if (hl_call_eval(c, HL_SCRIPT_TICKET_LIST, got_list, c, a.argc, a.argv, NULL) == 0) {
		evhttp_clear_headers(&params);
		return;
	}
	hl_reply_unavailable(req, "the list was not read");
fail:
	evhttp_clear_headers(&params);
	hl_call_end(c);
	free(c);
}

int hl_ticket_view_register(struct hl_service *svc)
{
	if (hl_http_route(svc->http, "/v1/tickets", EVHTTP_REQ_GET, list_tickets, svc) < 0)
		return -1;
	if (hl_http_route(svc->http, "/v1/departments/*/tickets", EVHTTP_REQ_GET, list_tickets, svc) <
	    0)
		return -1;
	return hl_http_route(svc->http, "/v1/tickets/*", EVHTTP_REQ_GET, get_ticket, svc);
}
