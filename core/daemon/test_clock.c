/*
 * POST /v1/test/clock {"advance": "2h"}: moves the daemon's clock forward, so that tests
 * can walk a ticket through its deadlines. Compiled only into tests/hotlined-testclock
 * (HL_TEST_CLOCK), and served only when the configuration says test_clock: true; the
 * daemon that ships has neither. Admin role only.
 */
#include <event2/http.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/api.h"
#include "config/auth.h"
#include "base/clock.h"
#include "daemon/test_clock.h"
#include "host/service.h"
#include "base/duration.h"
#include "http/http.h"
#include "base/log.h"
#include "base/timefmt.h"

static void post_clock(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_call call;
	struct json_object *body = NULL, *advance, *answer;
	struct hl_duration d;
	char err[160], when[HL_TIME_BUFLEN];
	const char *raw;
	size_t len;

	(void)param;
	if (hl_call_begin(&call, req, arg) < 0)
		return;
	raw = hl_http_body(req, &len);
	if (call.who->kind != HL_ROLE_ADMIN) {
		hl_http_reply_error(req, 403, NULL, "only admin may move the test clock");
	} else if (!raw || !(body = json_tokener_parse(raw)) ||
		   !json_object_object_get_ex(body, "advance", &advance) ||
		   hl_duration_parse(json_object_get_string(advance), &d, err, sizeof(err)) < 0 ||
		   d.unit != HL_DUR_WALL_MS) {
		hl_http_reply_error(req, 400, "advance",
				    "advance: expected a wall-clock duration such as \"2h\"");
	} else {
		hl_clock_advance(d.amount);
		hl_time_format_iso(hl_clock_now_ms(), when);
		hl_log(HL_LOG_WARN, "test_clock", "advanced by_ms=%lld now=%s",
		       (long long)d.amount, when);
		answer = json_object_new_object();
		json_object_object_add(answer, "now", json_object_new_string(when));
		hl_http_reply_json(req, 200, answer);
	}
	json_object_put(body);
	hl_call_end(&call);
}

int hl_test_clock_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/test/clock", EVHTTP_REQ_POST, post_clock, svc);
}
