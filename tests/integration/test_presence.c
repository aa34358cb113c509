/* Integration tests: who has a ticket open (issue 15, tickets/presence.c), against the
 * test-clock hotlined and a real Redis: two callers see each other (and whether the other
 * is typing), a viewer who stops posting drops off after 30 s, a unit that may not read
 * the ticket gets 404 (as for a ticket that does not exist), bad bodies name their field,
 * and the workflow's steps still answer beside the presence route. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct hlt_fixture fx = {
	.setup = HLT_SETUP_DAEMON,
	.daemon.binary = HL_BUILD_DIR "/tests/hotlined-testclock",
	.daemon.extra_yaml = "test_clock: true\n",
};
HLT_SUITE(presence, fx);

static const char *const ticket_body =
	"{\"channel\":\"hotline\",\"title\":\"古田二路停水三天\",\"content\":\"来电人反映家中停水，"
	"已经三天没有自来水。\",\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150003\"}";

/* A ticket dispatched by hand to the water unit; its id into id. */
static void water_ticket(char *id, size_t len)
{
	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT, ticket_body, id, len);
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual"));
	cr_assert_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_AGENT, id, "dispatch",
				     "{\"department\":\"water\"}", NULL),
		     200);
}

/* method /v1/tickets/<id>/presence as token; the answer's body into *body_r. */
static int presence(const char *method, const char *token, const char *id, const char *body,
		    char **body_r)
{
	char path[96];
	struct hlt_response r;
	int status;

	snprintf(path, sizeof(path), "/v1/tickets/%s/presence", id);
	status = hlt_request(fx.daemon.port, method, path, token, NULL, body, &r);
	*body_r = r.body ? strdup(r.body) : strdup("");
	hlt_response_free(&r);
	return status;
}

Test(presence, two_callers_see_each_other_and_who_types)
{
	char id[32], *body;

	water_ticket(id, sizeof(id));
	cr_assert_eq(presence("POST", HLT_TOKEN_WATER, id, "{\"typing\":true}", &body), 200, "%s",
		     body);
	cr_expect(strstr(body, "\"others\":[]"), "alone, yet: %s", body);
	free(body);

	cr_assert_eq(presence("POST", HLT_TOKEN_SUPERVISOR, id, "{}", &body), 200, "%s", body);
	cr_expect(strstr(body, "\"login\":\"water-test\""), "%s", body);
	cr_expect(strstr(body, "\"display_name\":\"water-test\""), "%s", body);
	cr_expect(strstr(body, "\"role\":\"dept:water\""), "%s", body);
	cr_expect(strstr(body, "\"typing\":true"), "%s", body);
	cr_expect(strstr(body, "+08:00\""), "since, in Beijing time: %s", body);
	cr_expect(!strstr(body, "supervisor-test"), "the caller is not among the others: %s", body);
	free(body);

	/* GET asks without being recorded: the agent is listed nowhere afterwards */
	cr_assert_eq(presence("GET", HLT_TOKEN_AGENT, id, NULL, &body), 200, "%s", body);
	cr_expect(strstr(body, "water-test") && strstr(body, "supervisor-test"), "%s", body);
	free(body);
	cr_assert_eq(presence("GET", HLT_TOKEN_WATER, id, NULL, &body), 200, "%s", body);
	cr_expect(strstr(body, "\"login\":\"supervisor-test\""), "%s", body);
	cr_expect(strstr(body, "\"typing\":false"), "%s", body);
	cr_expect(!strstr(body, "agent-test"), "a GET recorded its caller: %s", body);
	free(body);

	/* the workflow's steps still answer beside the presence route */
	cr_expect_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_WATER, id, "sign", "{}", NULL), 200);
}

Test(presence, a_viewer_who_stops_posting_drops_off)
{
	char id[32], *body;

	water_ticket(id, sizeof(id));
	cr_assert_eq(presence("POST", HLT_TOKEN_WATER, id, "{}", &body), 200, "%s", body);
	free(body);
	cr_assert_eq(presence("GET", HLT_TOKEN_SUPERVISOR, id, NULL, &body), 200);
	cr_expect(strstr(body, "water-test"), "%s", body);
	free(body);
	hlt_advance_clock(fx.daemon.port, "31s", NULL, 0);
	cr_assert_eq(presence("GET", HLT_TOKEN_SUPERVISOR, id, NULL, &body), 200);
	cr_expect(strstr(body, "\"others\":[]"), "still listed after 31 s: %s", body);
	free(body);
	cr_expect_str_eq(body = hlt_redis_cmd(&fx.redis, "HLEN hl:presence:%s", id), "0\n");
	free(body);
}

Test(presence, another_unit_gets_404_and_bad_bodies_name_their_field)
{
	char id[32], *body;

	water_ticket(id, sizeof(id));
	cr_expect_eq(presence("POST", HLT_TOKEN_GAS, id, "{}", &body), 404, "%s", body);
	cr_expect(strstr(body, "\"field\":\"id\""), "%s", body);
	free(body);
	cr_expect_eq(presence("GET", HLT_TOKEN_GAS, id, NULL, &body), 404, "%s", body);
	free(body);
	cr_expect_eq(presence("GET", HLT_TOKEN_BOARD, id, NULL, &body), 404, "%s", body);
	free(body);
	/* nothing was recorded for gas */
	cr_assert_eq(presence("GET", HLT_TOKEN_SUPERVISOR, id, NULL, &body), 200);
	cr_expect(!strstr(body, "gas-test"), "%s", body);
	free(body);
	cr_expect_eq(presence("GET", HLT_TOKEN_WATER, "20990101-000001", NULL, &body), 404);
	free(body);
	cr_expect_eq(presence("POST", HLT_TOKEN_WATER, id, "{\"typing\":\"yes\"}", &body), 400);
	cr_expect(strstr(body, "\"field\":\"typing\""), "%s", body);
	free(body);
	cr_expect_eq(presence("POST", HLT_TOKEN_WATER, id, "{\"mood\":1}", &body), 400);
	cr_expect(strstr(body, "\"field\":\"mood\""), "%s", body);
	free(body);
	cr_expect_eq(presence("POST", HLT_TOKEN_WATER, id, "[", &body), 400);
	free(body);
	cr_expect_eq(presence("POST", NULL, id, "{}", &body), 401);
	free(body);
}
