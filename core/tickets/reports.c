/*
 * Accountability reports for supervisors (core/README.md §8), from the ledger:
 *   GET /v1/reports/units?from=&to=[&format=csv]  per unit: received, signed on time
 *       (及时签收率), returned (回退率), answered on time (按时办结率; also against the
 *       time promised to the citizen, which a return does not restart), extended, reopened
 *       (重办率), overdue now, escalations by level, and the response (响应率), resolution
 *       (解决率) and satisfaction (满意率) rates with a weighted score (reports.*_weight);
 *   GET /v1/reports/units/{code}/tickets?metric=&from=&to=  the tickets behind a figure.
 * from and to are ISO 8601 (a date alone is its local midnight; `to` a date alone is the
 * end of that day). Supervisors and admins only.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "tickets/api.h"
#include "tickets/reports.h"
#include "config/auth.h"
#include "config/config.h"
#include "host/service.h"
#include "http/http.h"
#include "config/routes.h"
#include "base/timefmt.h"
#include "host/world.h"

struct report_call {
	struct hl_call call;
	int csv;
	char unit[64];
};

#define ESCALATION_LEVELS 4 /* escalation1 .. escalation4 on the ledger */

/* The figures of one unit, as the ledger counts them. */
struct unit_counts {
	const char *unit;
	long dispatched, signed_, signed_on_time, returned, answered, answered_on_time,
		answered_citizen_on_time, extended, reopened, callback, satisfied, solved,
		overdue_now, reminder, escalation[ESCALATION_LEVELS];
};

static long *counter(struct unit_counts *u, const char *name)
{
	static const struct {
		const char *name;
		size_t offset;
	} names[] = {
		{"dispatched", offsetof(struct unit_counts, dispatched)},
		{"signed", offsetof(struct unit_counts, signed_)},
		{"signed_on_time", offsetof(struct unit_counts, signed_on_time)},
		{"returned", offsetof(struct unit_counts, returned)},
		{"answered", offsetof(struct unit_counts, answered)},
		{"answered_on_time", offsetof(struct unit_counts, answered_on_time)},
		{"answered_citizen_on_time", offsetof(struct unit_counts, answered_citizen_on_time)},
		{"extended", offsetof(struct unit_counts, extended)},
		{"reopened", offsetof(struct unit_counts, reopened)},
		{"callback", offsetof(struct unit_counts, callback)},
		{"satisfied", offsetof(struct unit_counts, satisfied)},
		{"solved", offsetof(struct unit_counts, solved)},
		{"overdue_now", offsetof(struct unit_counts, overdue_now)},
		{"reminder", offsetof(struct unit_counts, reminder)},
		{"escalation1", offsetof(struct unit_counts, escalation[0])},
		{"escalation2", offsetof(struct unit_counts, escalation[1])},
		{"escalation3", offsetof(struct unit_counts, escalation[2])},
		{"escalation4", offsetof(struct unit_counts, escalation[3])},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, name) == 0)
			return (long *)((char *)u + names[i].offset);
	}
	return NULL;
}

/* A rate in percent, or -1 when there is nothing to divide by. */
static double rate(long part, long whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : -1;
}

struct rates {
	double sign, ret, answer, citizen, reopen, response, resolution, satisfaction, score;
};

static struct rates rates_of(const struct unit_counts *u, const struct hl_config *cfg)
{
	struct rates r = {
		.sign = rate(u->signed_on_time, u->signed_),
		.ret = rate(u->returned, u->dispatched),
		.answer = rate(u->answered_on_time, u->answered),
		/* against the time promised to the citizen, which a return does not restart */
		.citizen = rate(u->answered_citizen_on_time, u->answered),
		.reopen = rate(u->reopened, u->answered),
		.response = rate(u->signed_on_time, u->dispatched),
		.resolution = rate(u->solved, u->callback),
		.satisfaction = rate(u->satisfied, u->callback),
	};
	long w[3] = {hl_opt_int(&cfg->reports, "response_weight"),
		     hl_opt_int(&cfg->reports, "resolution_weight"),
		     hl_opt_int(&cfg->reports, "satisfaction_weight")};
	double v[3] = {r.response, r.resolution, r.satisfaction}, sum = 0;
	long wsum = 0;

	for (int i = 0; i < 3; i++) {
		if (v[i] >= 0) {
			sum += v[i] * (double)w[i];
			wsum += w[i];
		}
	}
	r.score = wsum > 0 ? sum / (double)wsum : -1;
	return r;
}

/* The rates in the order of the report's columns (CSV) and members (JSON). */
static const struct {
	const char *name;
	size_t offset;
} rate_columns[] = {
	{"sign_rate", offsetof(struct rates, sign)},
	{"return_rate", offsetof(struct rates, ret)},
	{"answer_rate", offsetof(struct rates, answer)},
	{"citizen_answer_rate", offsetof(struct rates, citizen)},
	{"reopen_rate", offsetof(struct rates, reopen)},
	{"response_rate", offsetof(struct rates, response)},
	{"resolution_rate", offsetof(struct rates, resolution)},
	{"satisfaction_rate", offsetof(struct rates, satisfaction)},
	{"score", offsetof(struct rates, score)},
};
#define NRATES (sizeof(rate_columns) / sizeof(rate_columns[0]))

static double rate_column(const struct rates *r, size_t i)
{
	return *(const double *)((const char *)r + rate_columns[i].offset);
}

static struct json_object *rate_json(double v)
{
	return v < 0 ? NULL : json_object_new_double((double)(long)(v * 10 + 0.5) / 10);
}

static void csv_rate(struct evbuffer *b, double v)
{
	if (v < 0)
		evbuffer_add_printf(b, ",");
	else
		evbuffer_add_printf(b, ",%.1f", v);
}

/* Parses the answer of lua/report_units.lua into counts; returns how many units. */
static size_t parse_units(const redisReply *reply, struct unit_counts *units, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < reply->elements && n < max;) {
		struct unit_counts *u = &units[n++];

		memset(u, 0, sizeof(*u));
		u->unit = reply->element[i++]->str;
		while (i + 1 < reply->elements && reply->element[i]->str[0]) {
			long *c = counter(u, reply->element[i]->str);

			if (c)
				*c = atol(reply->element[i + 1]->str);
			i += 2;
		}
		i++; /* the '' that ends the unit */
	}
	return n;
}

/* One unit's row of the CSV report; dept may be NULL (a unit no longer in the routes). */
static void csv_row(struct evbuffer *b, const struct unit_counts *u,
		    const struct hl_department *dept, const struct hl_config *cfg)
{
	struct rates r = rates_of(u, cfg);

	evbuffer_add_printf(b, "%s,\"%s\",%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld", u->unit,
			    dept ? dept->name : "", u->dispatched, u->signed_, u->signed_on_time,
			    u->returned, u->answered, u->answered_on_time, u->extended,
			    u->reopened, u->overdue_now, u->reminder);
	for (int l = 0; l < ESCALATION_LEVELS; l++)
		evbuffer_add_printf(b, ",%ld", u->escalation[l]);
	for (size_t i = 0; i < NRATES; i++)
		csv_rate(b, rate_column(&r, i));
	evbuffer_add_printf(b, "\r\n");
}

/* The units report as CSV: a header line, then a row per unit. */
static void reply_units_csv(struct report_call *rc, const struct unit_counts *units, size_t n)
{
	const struct hl_world *w = rc->call.world;
	struct evhttp_request *req = rc->call.req;
	struct evbuffer *b = evbuffer_new();

	evbuffer_add_printf(b, "unit,name,received,signed,signed_on_time,returned,answered,"
			       "answered_on_time,extended,reopened,overdue_now,reminders");
	for (int l = 0; l < ESCALATION_LEVELS; l++)
		evbuffer_add_printf(b, ",escalation%d", l + 1);
	for (size_t i = 0; i < NRATES; i++)
		evbuffer_add_printf(b, ",%s", rate_columns[i].name);
	evbuffer_add_printf(b, "\r\n");
	for (size_t i = 0; i < n; i++)
		csv_row(b, &units[i], hl_routes_department(w->routes, units[i].unit), w->config);
	hl_http_set_header(req, "Content-Type", "text/csv; charset=utf-8");
	evhttp_send_reply(req, 200, NULL, b);
	evbuffer_free(b);
}

/* One unit of the JSON report; dept may be NULL (a unit no longer in the routes). */
static struct json_object *unit_json(const struct unit_counts *u,
				     const struct hl_department *dept,
				     const struct hl_config *cfg)
{
	struct rates r = rates_of(u, cfg);
	struct json_object *o = json_object_new_object(), *esc = json_object_new_object();

	json_object_object_add(o, "unit", json_object_new_string(u->unit));
	json_object_object_add(o, "name", dept ? json_object_new_string(dept->name) : NULL);
	json_object_object_add(o, "received", json_object_new_int64(u->dispatched));
	json_object_object_add(o, "signed", json_object_new_int64(u->signed_));
	json_object_object_add(o, "signed_on_time", json_object_new_int64(u->signed_on_time));
	json_object_object_add(o, "returned", json_object_new_int64(u->returned));
	json_object_object_add(o, "answered", json_object_new_int64(u->answered));
	json_object_object_add(o, "answered_on_time", json_object_new_int64(u->answered_on_time));
	json_object_object_add(o, "extended", json_object_new_int64(u->extended));
	json_object_object_add(o, "reopened", json_object_new_int64(u->reopened));
	json_object_object_add(o, "overdue_now", json_object_new_int64(u->overdue_now));
	json_object_object_add(esc, "reminder", json_object_new_int64(u->reminder));
	for (int l = 0; l < ESCALATION_LEVELS; l++) {
		char key[16];

		snprintf(key, sizeof(key), "escalation%d", l + 1);
		json_object_object_add(esc, key, json_object_new_int64(u->escalation[l]));
	}
	json_object_object_add(o, "escalations", esc);
	for (size_t i = 0; i < NRATES; i++)
		json_object_object_add(o, rate_columns[i].name, rate_json(rate_column(&r, i)));
	return o;
}

static void reply_units(struct report_call *rc, const struct unit_counts *units, size_t n)
{
	const struct hl_world *w = rc->call.world;
	struct json_object *body, *list;

	if (rc->csv) {
		reply_units_csv(rc, units, n);
		return;
	}
	body = json_object_new_object();
	list = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(list, unit_json(&units[i],
						      hl_routes_department(w->routes, units[i].unit),
						      w->config));
	json_object_object_add(body, "units", list);
	hl_http_reply_json(rc->call.req, 200, body);
}

static void got_units(struct redisReply *reply, void *arg)
{
	struct report_call *rc = arg;

	if (!reply)
		hl_reply_unavailable(rc->call.req, "the report was not read");
	else if (reply->type == REDIS_REPLY_ERROR)
		hl_reply_redis_error(rc->call.req, "reports", reply, "the report was not read");
	else {
		struct unit_counts units[256];

		reply_units(rc, units, parse_units(reply, units, 256));
	}
	hl_call_end(&rc->call);
	free(rc);
}

static void got_tickets(struct redisReply *reply, void *arg)
{
	struct report_call *rc = arg;

	if (!reply)
		hl_reply_unavailable(rc->call.req, "the tickets were not read");
	else if (reply->type == REDIS_REPLY_ERROR)
		hl_reply_redis_error(rc->call.req, "reports", reply, "the tickets were not read");
	else {
		struct json_object *body = json_object_new_object(), *ids = json_object_new_array();

		for (size_t i = 0; i < reply->elements; i++)
			json_object_array_add(ids, json_object_new_string(reply->element[i]->str));
		json_object_object_add(body, "unit", json_object_new_string(rc->unit));
		json_object_object_add(body, "tickets", ids);
		hl_http_reply_json(rc->call.req, 200, body);
	}
	hl_call_end(&rc->call);
	free(rc);
}

/* Reads from, to (and metric, format) from the query; answers 400 and returns -1 on a bad
 * one. A `to` that is a date alone means the end of that day. */
static int period(struct evhttp_request *req, char *from, char *to, char *metric, int *csv)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq params;
	struct evkeyval *kv;
	int64_t ms;
	char err[160];
	int rc = 0;

	TAILQ_INIT(&params);
	strcpy(from, "0");
	strcpy(to, "+");
	if (query && evhttp_parse_query_str(query, &params) < 0) {
		hl_http_reply_error(req, 400, "query", "not a well-formed query string");
		return -1;
	}
	TAILQ_FOREACH(kv, &params, next)
	{
		if (strcmp(kv->key, "from") == 0 || strcmp(kv->key, "to") == 0) {
			if (hl_time_parse_iso(kv->value, &ms, err, sizeof(err)) < 0) {
				hl_http_reply_error(req, 400, kv->key, "%s: %s", kv->key, err);
				rc = -1;
				break;
			}
			if (kv->key[0] == 't' && strlen(kv->value) == 10)
				ms += 86400000 - 1; /* the whole day */
			snprintf(kv->key[0] == 'f' ? from : to, 24, "%lld", (long long)ms);
		} else if (metric && strcmp(kv->key, "metric") == 0 && strlen(kv->value) < 32) {
			strcpy(metric, kv->value);
		} else if (csv && strcmp(kv->key, "format") == 0 &&
			   (strcmp(kv->value, "csv") == 0 || strcmp(kv->value, "json") == 0)) {
			*csv = strcmp(kv->value, "csv") == 0;
		} else {
			hl_http_reply_error(req, 400, kv->key, "unknown or bad parameter '%s'",
					    kv->key);
			rc = -1;
			break;
		}
	}
	evhttp_clear_headers(&params);
	return rc;
}

static struct report_call *begin(struct evhttp_request *req, struct hl_service *svc)
{
	struct report_call *rc = calloc(1, sizeof(*rc));

	if (!rc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return NULL;
	}
	if (hl_call_begin(&rc->call, req, svc) < 0) {
		free(rc);
		return NULL;
	}
	if (!hl_call_reads_reports(&rc->call, "accountability reports")) {
		hl_call_end(&rc->call);
		free(rc);
		return NULL;
	}
	return rc;
}

static void get_units(struct evhttp_request *req, const char *param, void *arg)
{
	struct report_call *rc = begin(req, arg);
	char from[24], to[24];
	const char *argv[] = {from, to};

	(void)param;
	if (!rc)
		return;
	if (period(req, from, to, NULL, &rc->csv) == 0) {
		if (hl_call_eval(&rc->call, HL_SCRIPT_REPORT_UNITS, got_units, rc, 2, argv, NULL) ==
		    0)
			return;
		hl_reply_unavailable(req, "the report was not read");
	}
	hl_call_end(&rc->call);
	free(rc);
}

static void get_unit_tickets(struct evhttp_request *req, const char *param, void *arg)
{
	struct report_call *rc = begin(req, arg);
	char from[24], to[24], metric[32] = "";
	const char *argv[] = {param, metric, from, to};

	if (!rc)
		return;
	snprintf(rc->unit, sizeof(rc->unit), "%s", param);
	if (period(req, from, to, metric, NULL) < 0) {
		/* answered */
	} else if (!hl_routes_department(rc->call.world->routes, param)) {
		hl_http_reply_error(req, 404, "unit", "no such unit: %s", param);
	} else if (!metric[0] || (strcmp(metric, "received") != 0 &&
				  !counter(&(struct unit_counts){0}, metric))) {
		hl_http_reply_error(req, 400, "metric",
				    "metric: expected a figure of the report, e.g. returned, "
				    "signed_on_time, answered, reopened, satisfied, escalation1");
	} else if (hl_call_eval(&rc->call, HL_SCRIPT_REPORT_TICKETS, got_tickets, rc, 4, argv,
				NULL) == 0) {
		return;
	} else {
		hl_reply_unavailable(req, "the tickets were not read");
	}
	hl_call_end(&rc->call);
	free(rc);
}

int hl_report_rate_known(const char *name)
{
	for (size_t i = 0; i < NRATES; i++)
		if (strcmp(rate_columns[i].name, name) == 0)
			return 1;
	return 0;
}

double hl_report_unit_rate(const struct redisReply *reply, const char *unit, const char *name,
			   const struct hl_config *cfg)
{
	struct unit_counts units[256];
	size_t n = reply && reply->type == REDIS_REPLY_ARRAY ? parse_units(reply, units, 256) : 0;

	for (size_t i = 0; i < n; i++) {
		struct rates r;

		if (strcmp(units[i].unit, unit) != 0)
			continue;
		r = rates_of(&units[i], cfg);
		for (size_t c = 0; c < NRATES; c++)
			if (strcmp(rate_columns[c].name, name) == 0)
				return rate_column(&r, c);
	}
	return -1;
}

int hl_reports_register(struct hl_service *svc)
{
	if (hl_http_route(svc->http, "/v1/reports/units", EVHTTP_REQ_GET, get_units, svc) < 0)
		return -1;
	return hl_http_route(svc->http, "/v1/reports/units/*/tickets", EVHTTP_REQ_GET,
			     get_unit_tickets, svc);
}
