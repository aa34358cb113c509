/*
 * GET /v1/calendar/deadline?from=<ISO 8601>&within=<duration>: when a period that starts
 * at `from` ends by the working-day calendar (calendar.h), so that agents can tell
 * callers when to expect an answer. Any authenticated role. Answers
 *   {"from": "2026-09-30T16:00:00+08:00", "within": "3wd",
 *    "deadline": "2026-10-11T00:00:00+08:00", "last_day": "2026-10-10", "fallback": false}
 * Times are local ISO 8601 with the offset, to the second. The end of a day (24:00) is
 * written as the next day's 00:00, which every ISO parser reads; `last_day` is the local
 * date of the last moment still in time, the day to tell a caller. `fallback` is true
 * when the count went through a year without a calendar file (weekends only). A bad or
 * missing parameter is a 400 naming it.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>

#include "tickets/api.h"
#include "time/calendar.h"
#include "host/service.h"
#include "base/duration.h"
#include "http/http.h"
#include "base/timefmt.h"
#include "host/world.h"

/* The two parameters, each given once, and nothing else. Answers 400 and returns -1
 * otherwise. */
static int read_params(struct evhttp_request *req, struct evkeyvalq *params,
		       const char **from_r, const char **within_r)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyval *kv;

	*from_r = *within_r = NULL;
	if (query && evhttp_parse_query_str(query, params) < 0) {
		hl_http_reply_error(req, 400, "query", "query: is not a well-formed query string");
		return -1;
	}
	TAILQ_FOREACH(kv, params, next)
	{
		const char **slot = strcmp(kv->key, "from") == 0     ? from_r
				    : strcmp(kv->key, "within") == 0 ? within_r
								     : NULL;

		if (!slot) {
			hl_http_reply_error(req, 400, kv->key,
					    "%s: unknown parameter; known: from, within", kv->key);
			return -1;
		}
		if (*slot) {
			hl_http_reply_error(req, 400, kv->key, "%s: given twice", kv->key);
			return -1;
		}
		*slot = kv->value;
	}
	if (!*from_r) {
		hl_http_reply_error(req, 400, "from",
				    "from: missing; expected an ISO 8601 time such as "
				    "2026-09-30T16:00:00+08:00");
		return -1;
	}
	if (!*within_r) {
		hl_http_reply_error(req, 400, "within",
				    "within: missing; expected a duration such as 2h, 2wh or 3wd");
		return -1;
	}
	return 0;
}

static void get_deadline(struct evhttp_request *req, const char *param, void *arg)
{
	static const struct hl_duration nothing = {0, HL_DUR_WALL_MS};
	struct hl_service *svc = arg;
	struct evkeyvalq params;
	struct hl_call c;
	struct hl_duration within;
	struct json_object *body;
	const char *from_text, *within_text;
	char why[256], from_iso[HL_TIME_BUFLEN], due_iso[HL_TIME_BUFLEN], last[HL_TIME_BUFLEN];
	int64_t from_ms, due_ms;

	(void)param;
	TAILQ_INIT(&params);
	if (hl_call_begin(&c, req, svc) < 0)
		return;
	if (read_params(req, &params, &from_text, &within_text) < 0)
		goto out;
	if (hl_time_parse_iso(from_text, &from_ms, why, sizeof(why)) < 0) {
		hl_http_reply_error(req, 400, "from", "from: %s%s", why,
				    strchr(from_text, ' ') ? " (a '+' in a query is written %2B)"
							   : "");
		goto out;
	}
	/* A period of nothing fails only for a start outside the years the calendar counts. */
	if (hl_calendar_add(c.world->calendar, from_ms, nothing) < 0) {
		hl_http_reply_error(req, 400, "from", "from: '%s' is outside the years 1970-9988",
				    from_text);
		goto out;
	}
	if (hl_duration_parse(within_text, &within, why, sizeof(why)) < 0) {
		hl_http_reply_error(req, 400, "within", "within: %s", why);
		goto out;
	}
	due_ms = hl_calendar_add(c.world->calendar, from_ms, within);
	if (due_ms < 0) {
		hl_http_reply_error(req, 400, "within",
				    "within: '%s' ends more than %d days after from", within_text,
				    HL_CALENDAR_MAX_DAYS);
		goto out;
	}
	hl_time_format_iso(from_ms, from_iso);
	hl_time_format_iso(due_ms, due_iso);
	hl_time_format_iso(due_ms > from_ms ? due_ms - 1 : due_ms, last);
	last[10] = '\0'; /* YYYY-MM-DD */
	body = json_object_new_object();
	json_object_object_add(body, "from", json_object_new_string(from_iso));
	json_object_object_add(body, "within", json_object_new_string(within_text));
	json_object_object_add(body, "deadline", json_object_new_string(due_iso));
	json_object_object_add(body, "last_day", json_object_new_string(last));
	json_object_object_add(
		body, "fallback",
		json_object_new_boolean(
			hl_calendar_add_used_fallback(c.world->calendar, from_ms, within)));
	hl_http_reply_json(req, 200, body);
out:
	evhttp_clear_headers(&params);
	hl_call_end(&c);
}

int hl_calendar_api_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/calendar/deadline", EVHTTP_REQ_GET, get_deadline, svc);
}
