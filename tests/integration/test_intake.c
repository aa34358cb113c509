/* Integration tests for the intake and ticket views (issue 3): real redis-server, real
 * hotlined, HTTP with bearer tokens. Each success and error path of POST /v1/tickets,
 * GET /v1/tickets/{id} and GET /v1/tickets; idempotency; roles and masking; 503 without
 * Redis; the board's rate limit; hundreds of tickets at once; SIGKILL mid-intake. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "store_dump.h"

static struct hlt_fixture fx;
HLT_SUITE(intake, fx);

static void start_with(const char *extra_yaml)
{
	fx.daemon.extra_yaml = extra_yaml;
	hlt_fixture_start(&fx, &fx.daemon, NULL, NULL);
}

static const char *const hotline_body =
	"{\"channel\":\"hotline\",\"title\":\"三阳路机动车道井盖缺失\","
	"\"content\":\"来电人反映：井盖不见了，井口敞着。回电13907150001\","
	"\"address\":\"江岸区三阳路近解放大道路口\",\"caller_phone\":\"139-0715-0001\","
	"\"citizen_name\":\"张三丰\",\"type\":\"举报\",\"urgency\":\"urgent\"}";

static int post(const char *token, const char *headers, const char *body,
		struct hlt_response *r)
{
	return hlt_request(fx.daemon.port, "POST", "/v1/tickets", token, headers, body, r);
}

/* Posts a ticket as the agent and returns its id in id. */
static const char *create(const char *body, char *id, size_t len)
{
	return hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT, body, id, len);
}

static void refused(const char *token, const char *headers, const char *body, int status,
		    const char *field);

static long redis_int(const char *fmt, const char *arg)
{
	char *text = hlt_redis_cmd(&fx.redis, fmt, arg);
	long n = text ? atol(text) : -1;

	free(text);
	return n;
}

/* How many entries were ever added to the routing stream (routed ones are deleted). */
static long queued_ever(void)
{
	char *text = hlt_redis_cmd(&fx.redis, "XINFO STREAM hl:intake");
	char *at = text ? strstr(text, "entries-added\n") : NULL;
	long n = at ? atol(at + strlen("entries-added\n")) : 0;

	free(text);
	return n;
}

/* Whether a ticket is on its way to routing, or past it: routed (a state after received,
 * but not resolved on the call), or received with its routing lease in hl:due (handed
 * off to the daemon that took it in), or received with an entry on the routing stream. */
static int on_way_to_routing(const char *id)
{
	/* the lease and the stream first: routing may end between the reads, and a ticket
	 * routed to a person loses its lease (but is then no longer received) */
	long lease = redis_int("ZSCORE hl:due %s", id);
	char *stream = hlt_redis_cmd(&fx.redis, "XRANGE hl:intake - +");
	char *state = hlt_ticket_field(&fx.redis, id, "state");
	int yes = state && strcmp(state, "resolved") != 0 &&
		  (strcmp(state, "received") != 0 || lease > 0 || (stream && strstr(stream, id)));

	free(state);
	free(stream);
	return yes;
}

/* Number of keys in Redis, to show that a refused request wrote nothing. */
static long key_count(void)
{
	return redis_int("DBSIZE%s", "");
}

Test(intake, hotline_ticket_created_with_audit_and_routing_entry)
{
	struct hlt_response r;
	char id[64], state[32], loc[96], created[64];

	start_with(NULL);
	cr_assert_eq(post(HLT_TOKEN_AGENT, NULL, hotline_body, &r), 201, "%s", r.body);
	hlt_json_member(r.body, "id", id, sizeof(id));
	cr_expect_eq(strlen(id), 15, "id %s", id);
	cr_expect_eq(strspn(id, "0123456789"), 8);
	cr_expect_eq(id[8], '-');
	cr_expect_str_eq(hlt_json_member(r.body, "state", state, sizeof(state)), "received");
	cr_expect(strstr(hlt_json_member(r.body, "created_at", created, sizeof(created)), "+08:00"),
		  "%s", created);
	/* An urgent report: the urgent policy promises an answer within 2 hours. */
	char promised[64];
	cr_expect(strstr(hlt_json_member(r.body, "promised_answer_by", promised, sizeof(promised)),
			 "+08:00"),
		  "no promised answer time: %s", r.body);
	cr_assert_not_null(hlt_response_header(&r, "Location", loc, sizeof(loc)));
	cr_expect(strstr(loc, id));
	hlt_response_free(&r);

	char *fields = hlt_redis_cmd(&fx.redis, "HGETALL hl:t:%s", id);
	cr_assert_not_null(fields);
	cr_expect(strstr(fields, "caller_phone\n13907150001\n"), "phone normalised: %s", fields);
	cr_expect(strstr(fields, "type\nreport\n"), "%s", fields);
	cr_expect(strstr(fields, "title\n三阳路机动车道井盖缺失\n"), "%s", fields);
	free(fields);
	char *first = hlt_audit(&fx.redis, id, 1);
	cr_expect(first && strstr(first, "action\ncreate\n"), "first audit entry: %s", first);
	free(first);
	/* on its way to routing: with only the log plugin, nobody decides */
	cr_expect(on_way_to_routing(id));
	cr_expect(hlt_wait_state(&fx.redis, id, "pending_manual"), "never routed");
	/* The log names the ticket but never the caller's whole phone number. */
	cr_expect(hlt_wait_for_text(fx.daemon.log, id, 1000));
	char *log = hlt_read_file(fx.daemon.log);
	cr_expect(!strstr(log, "13907150001") && !strstr(log, "139-0715-0001"),
		  "phone in the log");
	free(log);
}

/* A number the agent typed into the title (a call-back number) reaches the log plugin's
 * lines masked, as the API masks it. */
Test(intake, a_phone_number_in_the_title_stays_out_of_the_log)
{
	char id[32];

	start_with(NULL);
	create("{\"channel\":\"hotline\",\"title\":\"回电13912345678张先生反映路灯不亮\","
	       "\"content\":\"路灯不亮。\",\"address\":\"江岸区三阳路\","
	       "\"caller_phone\":\"13907150001\"}",
	       id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual"));
	cr_assert(hlt_wait_for_text(fx.daemon.log, "title=\"回电139****5678张先生", 2000), "%s",
		  hlt_read_file(fx.daemon.log));
	char *log = hlt_read_file(fx.daemon.log);
	cr_expect(!strstr(log, "13912345678"), "phone in the log: %s", log);
	free(log);
}

Test(intake, answered_on_the_call_is_resolved_and_never_routed)
{
	struct hlt_response r;
	char id[64], state[32];

	start_with(NULL);
	cr_assert_eq(post(HLT_TOKEN_AGENT, NULL,
			  "{\"channel\":\"hotline\",\"title\":\"咨询二手房水表过户\","
			  "\"content\":\"来电人咨询水表过户需要哪些材料\",\"district\":\"江汉区\","
			  "\"caller_phone\":\"02785550123\",\"type\":\"consultation\","
			  "\"direct_answer\":\"已告知：带房产证和身份证到营业厅办理，也可在网上办理。\"}",
			  &r),
		     201, "%s", r.body);
	hlt_json_member(r.body, "id", id, sizeof(id));
	cr_expect_str_eq(hlt_json_member(r.body, "state", state, sizeof(state)), "resolved");
	hlt_response_free(&r);
	cr_expect_eq(queued_ever(), 0, "a resolved ticket was queued");
	cr_expect_leq(redis_int("ZSCORE hl:due %s", id), 0, "a resolved ticket has a lease");
	char *audit = hlt_audit(&fx.redis, id, 0);
	cr_expect(audit && strstr(audit, "answered_on_call"), "%s", audit);
	free(audit);
}

Test(intake, a_consultation_needs_no_place_and_a_complaint_does)
{
	struct hlt_response r;
	char id[64], state[32];

	start_with(NULL);
	/* answered on the call, as most consultations are (直接答复) */
	cr_assert_eq(post(HLT_TOKEN_AGENT, NULL,
			  "{\"channel\":\"hotline\",\"title\":\"社保卡丢失如何补办\","
			  "\"content\":\"来电人咨询社保卡丢了去哪补办\",\"caller_phone\":\"13907150009\","
			  "\"type\":\"咨询\",\"direct_answer\":\"已告知：先挂失，再到社保网点补办。\"}",
			  &r),
		     201, "%s", r.body);
	cr_expect_str_eq(hlt_json_member(r.body, "state", state, sizeof(state)), "resolved");
	hlt_response_free(&r);
	/* and one for a unit to answer: queued for routing like any other */
	cr_assert_eq(post(HLT_TOKEN_AGENT, NULL,
			  "{\"channel\":\"hotline\",\"title\":\"退休异地安置要办什么\","
			  "\"content\":\"来电人咨询退休后到外地居住需要备案哪些材料\","
			  "\"caller_phone\":\"13907150009\",\"type\":\"consultation\"}",
			  &r),
		     201, "%s", r.body);
	hlt_json_member(r.body, "id", id, sizeof(id));
	cr_expect_str_eq(hlt_json_member(r.body, "state", state, sizeof(state)), "received");
	hlt_response_free(&r);
	cr_expect(on_way_to_routing(id));
	cr_expect_eq(redis_int("HEXISTS hl:t:%s address", id), 0, "an address was stored");
	/* routed (nobody decides here) before the store is compared around a refusal */
	cr_expect(hlt_wait_state(&fx.redis, id, "pending_manual"));
	/* a complaint is about a place a unit must go to */
	refused(HLT_TOKEN_AGENT, NULL,
		"{\"channel\":\"hotline\",\"title\":\"噪音扰民\",\"content\":\"c\","
		"\"caller_phone\":\"13907150009\",\"type\":\"投诉\"}",
		400, "address");
}

Test(intake, ticket_view_shows_audit_and_masks_by_role)
{
	struct hlt_response r;
	char id[64], path[96], value[128];

	start_with(NULL);
	create(hotline_body, id, sizeof(id));
	snprintf(path, sizeof(path), "/v1/tickets/%s", id);

	cr_assert_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_AGENT, NULL, NULL, &r), 200);
	cr_expect_str_eq(hlt_json_member(r.body, "caller_phone", value, sizeof(value)), "13907150001");
	cr_expect_str_eq(hlt_json_member(r.body, "citizen_name", value, sizeof(value)), "张三丰");
	cr_expect(strstr(r.body, "\"audit\":[{\"at\":\""), "%s", r.body);
	cr_expect(strstr(r.body, "\"action\":\"create\""), "%s", r.body);
	cr_expect(strstr(r.body, "\"actor\":\"agent-test\""), "%s", r.body);
	hlt_response_free(&r);

	cr_assert_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	cr_expect_str_eq(hlt_json_member(r.body, "caller_phone", value, sizeof(value)), "139****0001");
	cr_expect_str_eq(hlt_json_member(r.body, "citizen_name", value, sizeof(value)), "张**");
	cr_expect(strstr(hlt_json_member(r.body, "content", value, sizeof(value)), "139****0001"),
		  "phone in the text not masked: %s", value);
	hlt_response_free(&r);

	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/tickets/20261126-999999",
				HLT_TOKEN_AGENT, NULL),
		     404);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/tickets/nonsense", HLT_TOKEN_AGENT,
				NULL),
		     404);
}

Test(intake, department_reads_its_own_tickets_only)
{
	struct hlt_response r;
	char id[64], secret[64], path[96], value[128];

	start_with(NULL);
	create(hotline_body, id, sizeof(id));
	/* Dispatch is the routing issue's; here the ticket is assigned by hand. */
	free(hlt_redis_cmd(&fx.redis, "HSET hl:t:%s department water", id));
	snprintf(path, sizeof(path), "/v1/tickets/%s", id);

	cr_expect_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_WATER, NULL, NULL, &r), 200);
	cr_expect_str_eq(hlt_json_member(r.body, "caller_phone", value, sizeof(value)), "13907150001",
			 "its own department sees the phone whole");
	hlt_response_free(&r);
	/* Another unit is told what an unused id tells it: ids cannot be probed. */
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_GAS, NULL, NULL, &r), 404);
	cr_expect(!strstr(r.body, "三阳路"), "leaked: %s", r.body);
	{
		struct hlt_response unused;

		cr_expect_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets/20991231-000001",
					 HLT_TOKEN_GAS, NULL, NULL, &unused),
			     404);
		cr_expect_str_eq(r.body, unused.body, "another unit's ticket is told apart");
		hlt_response_free(&unused);
	}
	hlt_response_free(&r);

	/* A caller who asked for confidentiality (保密) stays masked to the department. */
	create("{\"channel\":\"hotline\",\"title\":\"在职教师有偿补课\",\"content\":\"要求保密\","
	       "\"address\":\"江夏区纸坊\",\"caller_phone\":\"13907150002\",\"confidential\":true}",
	       secret, sizeof(secret));
	free(hlt_redis_cmd(&fx.redis, "HSET hl:t:%s department water", secret));
	snprintf(path, sizeof(path), "/v1/tickets/%s", secret);
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_WATER, NULL, NULL, &r), 200);
	cr_expect_str_eq(hlt_json_member(r.body, "caller_phone", value, sizeof(value)), "139****0002");
	hlt_response_free(&r);

	/* Lists: a department sees its own only, and may not ask for another's. */
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/tickets?department=gas",
				HLT_TOKEN_WATER, NULL),
		     403);
	free(hlt_redis_cmd(&fx.redis, "ZADD hl:idx:dept:water 1 %s", id));
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets", HLT_TOKEN_GAS, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, "\"tickets\":[]"), "gas sees water's: %s", r.body);
	hlt_response_free(&r);
}

Test(intake, list_by_caller_phone_pages_newest_first)
{
	struct hlt_response r;
	char ids[5][64], cursor[128] = "", path[256];
	int seen = 0;

	start_with(NULL);
	for (int i = 0; i < 5; i++)
		create(hotline_body, ids[i], sizeof(ids[i]));
	create("{\"channel\":\"hotline\",\"title\":\"别人的\",\"content\":\"x\",\"address\":\"y\","
	       "\"caller_phone\":\"13907159999\"}",
	       path, sizeof(path));
	for (int page = 0; page < 4; page++) {
		struct json_object *o, *list, *next;

		snprintf(path, sizeof(path), "/v1/tickets?caller_phone=13907150001&limit=2%s%s",
			 cursor[0] ? "&cursor=" : "", cursor);
		cr_assert_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_AGENT, NULL, NULL,
					 &r),
			     200, "%s", r.body);
		o = json_tokener_parse(r.body);
		cr_assert(json_object_object_get_ex(o, "tickets", &list));
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *t = json_object_array_get_idx(list, i), *id;
			json_object_object_get_ex(t, "id", &id);
			cr_expect_str_eq(json_object_get_string(id), ids[4 - seen],
					 "page %d item %zu out of order", page, i);
			seen++;
		}
		json_object_object_get_ex(o, "next_cursor", &next);
		snprintf(cursor, sizeof(cursor), "%s", next ? json_object_get_string(next) : "");
		json_object_put(o);
		hlt_response_free(&r);
		if (!cursor[0])
			break;
	}
	cr_expect_eq(seen, 5);

	/* Filters combine; a window in the future is empty; bad filters name themselves. */
	/* (not by state: the dispatcher may have moved them on by now) */
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?channel=hotline&limit=200",
				 HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, "139****9999"), "masked for supervisors: %s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?since=2099-01-01",
				 HLT_TOKEN_AGENT, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, "\"tickets\":[]"), "%s", r.body);
	hlt_response_free(&r);
	const char *bad[][2] = {{"state=lost", "state"},
				{"since=yesterday", "since"},
				{"limit=0", "limit"},
				{"colour=red", "colour"},
				{"caller_phone=12", "caller_phone"},
				{"cursor=abc", "cursor"}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char field[64];
		snprintf(path, sizeof(path), "/v1/tickets?%s", bad[i][0]);
		cr_expect_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_AGENT, NULL, NULL, &r),
			     400, "%s", bad[i][0]);
		cr_expect_str_eq(hlt_json_member(r.body, "field", field, sizeof(field)), bad[i][1]);
		hlt_response_free(&r);
	}
}

Test(intake, channels_and_units_see_only_theirs_and_time_windows_select)
{
	struct hlt_response r;
	char id[64], board_id[64], path[128];
	const char *board = "{\"channel\":\"board\",\"title\":\"路灯不亮\",\"content\":\"c\","
			    "\"address\":\"江汉区前进一路\"}";

	start_with(NULL);
	create(hotline_body, id, sizeof(id));
	cr_assert_eq(post(HLT_TOKEN_BOARD, "X-Forwarded-For: 10.0.0.1\r\n", board, &r), 201);
	hlt_json_member(r.body, "id", board_id, sizeof(board_id));
	hlt_response_free(&r);

	/* The TV desk reads neither the hotline's ticket nor the board's; the portal its own. */
	snprintf(path, sizeof(path), "/v1/tickets/%s", id);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", path, HLT_TOKEN_TV, NULL), 404);
	snprintf(path, sizeof(path), "/v1/tickets/%s", board_id);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", path, HLT_TOKEN_BOARD, NULL), 200);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets", HLT_TOKEN_BOARD, NULL, NULL,
				 &r),
		     200);
	cr_expect(strstr(r.body, board_id) && !strstr(r.body, id), "%s", r.body);
	hlt_response_free(&r);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/v1/tickets?channel=hotline",
				HLT_TOKEN_BOARD, NULL),
		     403);

	/* A unit lists what it leads, even when another index would be scanned first; an
	 * index entry left behind does not leak a ticket the unit does not lead. */
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual")); /* nobody routes here */
	cr_assert(hlt_wait_state(&fx.redis, board_id, "pending_manual"));
	free(hlt_redis_cmd(&fx.redis, "HSET hl:t:%s department water", id));
	free(hlt_redis_cmd(&fx.redis, "ZADD hl:idx:dept:water 1 %s", id));
	free(hlt_redis_cmd(&fx.redis, "ZADD hl:idx:dept:water 2 %s", board_id));
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?state=pending_manual",
				 HLT_TOKEN_WATER, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, id) && !strstr(r.body, board_id), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_status(fx.daemon.port, "GET", "/v1/tickets?caller_phone=13907150001",
				HLT_TOKEN_SUPERVISOR, NULL),
		     403, "masked roles may not probe phone numbers");

	/* A window around now holds both; one that ended yesterday holds none. */
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?since=2020-01-01&until=2099-01-01",
				 HLT_TOKEN_AGENT, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, id) && strstr(r.body, board_id), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets?until=2020-01-01T00:00:00%2B08:00",
				 HLT_TOKEN_AGENT, NULL, NULL, &r),
		     200);
	cr_expect(strstr(r.body, "\"tickets\":[]"), "%s", r.body);
	hlt_response_free(&r);
}

Test(intake, idempotency_key_returns_the_same_ticket_and_refuses_a_different_body)
{
	struct hlt_response r;
	char first[64], again[64], replayed[16], field[64];
	const char *key = "Idempotency-Key: call-7781-attempt\r\n";

	start_with(NULL);
	cr_assert_eq(post(HLT_TOKEN_AGENT, key, hotline_body, &r), 201);
	hlt_json_member(r.body, "id", first, sizeof(first));
	hlt_response_free(&r);
	cr_assert_eq(post(HLT_TOKEN_AGENT, key, hotline_body, &r), 201);
	cr_expect_str_eq(hlt_json_member(r.body, "id", again, sizeof(again)), first);
	cr_expect_not_null(hlt_response_header(&r, "Idempotent-Replayed", replayed,
					       sizeof(replayed)));
	hlt_response_free(&r);
	cr_expect_eq(redis_int("ZCARD hl:idx:all%s", ""), 1, "a retry made a second ticket");

	cr_assert_eq(post(HLT_TOKEN_AGENT, key,
			  "{\"channel\":\"hotline\",\"title\":\"另一件事\",\"content\":\"x\","
			  "\"address\":\"y\",\"caller_phone\":\"13907150001\"}",
			  &r),
		     409);
	cr_expect_str_eq(hlt_json_member(r.body, "field", field, sizeof(field)), "Idempotency-Key");
	cr_expect(strstr(r.body, first), "%s", r.body);
	hlt_response_free(&r);
	cr_expect_eq(redis_int("ZCARD hl:idx:all%s", ""), 1);

	cr_expect_eq(post(HLT_TOKEN_AGENT, "Idempotency-Key: has space\r\n", hotline_body, &r), 400);
	hlt_response_free(&r);
}

/* Expects a refusal with this status naming this field, and nothing written. */
static void refused(const char *token, const char *headers, const char *body, int status,
		    const char *field)
{
	struct hlt_response r;
	long before;
	char got[64];

	/* routing writes as it goes: compare once the tickets before this one are routed */
	for (int waited = 0; waited < 5000 && redis_int("ZCARD hl:idx:state:received%s", "") > 0;
	     waited += 10)
		usleep(10000);
	before = key_count();

	cr_expect_eq(post(token, headers, body, &r), status, "wanted %d for %s, got: %s", status,
		     body, r.body);
	cr_expect(strstr(r.headers ? r.headers : "", "application/json"), "not JSON: %s",
		  r.headers);
	if (field)
		cr_expect_str_eq(hlt_json_member(r.body, "field", got, sizeof(got)), field, "%s", r.body);
	cr_expect_eq(key_count(), before, "a refused request wrote to Redis: %s", body);
	hlt_response_free(&r);
}

Test(intake, bad_requests_get_json_errors_naming_the_field)
{
	start_with(NULL);
	refused(NULL, NULL, hotline_body, 401, "Authorization");
	refused("not-a-token", NULL, hotline_body, 401, "Authorization");
	refused(HLT_TOKEN_BOARD, NULL, hotline_body, 403, "channel");
	refused(HLT_TOKEN_WATER, NULL, hotline_body, 403, "channel");
	refused(HLT_TOKEN_AGENT, "Content-Type: text/plain\r\n", hotline_body, 415,
		"Content-Type");
	refused(HLT_TOKEN_AGENT, NULL, "{\"channel\":\"hotline\",", 400, NULL);
	refused(HLT_TOKEN_AGENT, NULL, "{\"channel\":\"hotline\",\"title\":\"\xe4\xb8\"}", 400,
		NULL);
	refused(HLT_TOKEN_AGENT, NULL,
		"{\"channel\":\"hotline\",\"title\":\"t\",\"content\":\"c\",\"address\":\"a\","
		"\"caller_phone\":\"13907150001\",\"colour\":\"red\"}",
		400, "colour");
	refused(HLT_TOKEN_AGENT, NULL,
		"{\"channel\":\"hotline\",\"title\":42,\"content\":\"c\",\"address\":\"a\","
		"\"caller_phone\":\"13907150001\"}",
		400, "title");
	refused(HLT_TOKEN_AGENT, NULL,
		"{\"channel\":\"hotline\",\"content\":\"c\",\"address\":\"a\","
		"\"caller_phone\":\"13907150001\"}",
		400, "title");
	refused(HLT_TOKEN_AGENT, NULL,
		"{\"channel\":\"hotline\",\"title\":\"t\",\"content\":\"c\",\"address\":\"a\","
		"\"caller_phone\":\"1390715\"}",
		400, "caller_phone");
	refused(HLT_TOKEN_AGENT, NULL,
		"{\"channel\":\"hotline\",\"title\":\"t\",\"content\":\"c\",\"address\":\"a\"}", 400,
		"caller_phone");
	refused(HLT_TOKEN_BOARD, "X-Forwarded-For: 10.1.2.3\r\n",
		"{\"channel\":\"board\",\"title\":\"t\",\"content\":\"c\"}", 400, "address");

	char overlong[1024] = "{\"channel\":\"hotline\",\"title\":\"";
	for (int i = 0; i < 201; i++)
		strcat(overlong, "井");
	strcat(overlong, "\",\"content\":\"c\",\"address\":\"a\",\"caller_phone\":\"13907150001\"}");
	refused(HLT_TOKEN_AGENT, NULL, overlong, 400, "title");
}

Test(intake, oversized_body_refused_before_it_is_read)
{
	struct hlt_response r;
	char field[32];
	/* Declares 10 MB and sends a few bytes: the answer comes without the rest. */
	const char *head = "POST /v1/tickets HTTP/1.1\r\nHost: x\r\n"
			   "Authorization: Bearer " HLT_TOKEN_AGENT "\r\n"
			   "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n"
			   "{\"channel\":";

	start_with(NULL);
	cr_assert_eq(hlt_request_raw(fx.daemon.port, head, strlen(head), &r), 413, "%s", r.headers);
	cr_expect_str_eq(hlt_json_member(r.body, "field", field, sizeof(field)), "body");
	cr_expect(strstr(r.body, "65536"), "%s", r.body);
	hlt_response_free(&r);
	/* The server still serves others. */
	cr_expect_eq(post(HLT_TOKEN_AGENT, NULL, hotline_body, &r), 201);
	hlt_response_free(&r);
}

Test(intake, oversized_declared_in_a_late_header_piece_still_gets_json_413)
{
	struct hlt_response r;
	char field[32];
	const char *parts[] = {"POST /v1/tickets HTTP/1.1\r\nHost: x\r\n"
			       "Authorization: Bearer " HLT_TOKEN_AGENT "\r\n",
			       "Content-Type: application/json\r\nContent-Length: 10000000\r\n",
			       "\r\n{\"channel\":"};

	start_with(NULL);
	cr_assert_eq(hlt_request_parts(fx.daemon.port, parts, 3, 150, &r), 413, "%s", r.headers);
	cr_expect_str_eq(hlt_json_member(r.body, "field", field, sizeof(field)), "body");
	hlt_response_free(&r);
}

Test(intake, chunked_bodies_get_json_411_and_a_forged_marker_is_ignored)
{
	struct hlt_response r;
	char field[32];
	const char *chunked = "POST /v1/tickets HTTP/1.1\r\nHost: x\r\n"
			      "Authorization: Bearer " HLT_TOKEN_AGENT "\r\n"
			      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
			      "5\r\n{\"a\":\r\n";

	start_with(NULL);
	cr_assert_eq(hlt_request_raw(fx.daemon.port, chunked, strlen(chunked), &r), 411, "%s",
		     r.headers);
	cr_expect_str_eq(hlt_json_member(r.body, "field", field, sizeof(field)), "body");
	hlt_response_free(&r);
	cr_expect_eq(post(HLT_TOKEN_AGENT, "X-Hotline-Body-Too-Large: 99999999\r\n", hotline_body,
			  &r),
		     201, "a client's own marker header must not refuse its request: %s", r.body);
	hlt_response_free(&r);
}

static void *post_once(void *arg)
{
	struct hlt_response r;

	*(int *)arg = post(HLT_TOKEN_AGENT, NULL, hotline_body, &r);
	hlt_response_free(&r);
	return NULL;
}

Test(intake, sigterm_answers_the_requests_in_flight)
{
	pthread_t threads[4];
	int status[4];

	start_with(NULL);
	/* Redis holds its answers for a second, so the posts are still in flight at SIGTERM. */
	free(hlt_redis_cmd(&fx.redis, "CLIENT PAUSE 1000 WRITE"));
	for (int i = 0; i < 4; i++)
		pthread_create(&threads[i], NULL, post_once, &status[i]);
	usleep(300000);
	kill(fx.daemon.pid, SIGTERM);
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		cr_expect_eq(status[i], 201, "request %d got %d", i, status[i]);
	}
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, 0, 5000), 0, "%s", hlt_read_file(fx.daemon.log));
	cr_expect_eq(redis_int("ZCARD hl:idx:all%s", ""), 4);
}

Test(intake, redis_down_gives_503_with_retry_after)
{
	struct hlt_response r;
	char retry[16];

	start_with(NULL);
	hlt_redis_stop(&fx.redis, 1);
	for (int i = 0; i < 50; i++) { /* until the daemon has noticed */
		post(HLT_TOKEN_AGENT, NULL, hotline_body, &r);
		if (r.status == 503)
			break;
		hlt_response_free(&r);
		usleep(20000);
	}
	cr_assert_eq(r.status, 503, "%s", r.body);
	cr_expect_not_null(hlt_response_header(&r, "Retry-After", retry, sizeof(retry)));
	cr_expect(strstr(r.body, "Redis"), "%s", r.body);
	hlt_response_free(&r);
}

Test(intake, board_is_rate_limited_per_citizen_address)
{
	struct hlt_response r;
	char retry[16];
	const char *body = "{\"channel\":\"board\",\"title\":\"前进一路手机店大喇叭\","
			   "\"content\":\"每天从早喊到晚\",\"address\":\"江汉区前进一路\"}";

	start_with("intake:\n  board_rate_limit: 3\n  board_rate_window: 1m\n");
	for (int i = 0; i < 3; i++) {
		/* The citizen may send anything first; the portal's proxy appends the truth. */
		char header[96];
		snprintf(header, sizeof(header), "X-Forwarded-For: 198.51.100.%d, 10.1.2.3\r\n", i);
		cr_expect_eq(post(HLT_TOKEN_BOARD, header, body, &r), 201, "%s", r.body);
		hlt_response_free(&r);
	}
	cr_expect_eq(post(HLT_TOKEN_BOARD, "X-Forwarded-For: 10.1.2.3\r\n", body, &r), 429);
	cr_expect_not_null(hlt_response_header(&r, "Retry-After", retry, sizeof(retry)));
	cr_expect(atoi(retry) >= 1 && atoi(retry) <= 60, "Retry-After %s", retry);
	hlt_response_free(&r);
	cr_expect_eq(post(HLT_TOKEN_BOARD, "X-Forwarded-For: 10.9.9.9\r\n", body, &r), 201);
	hlt_response_free(&r);
	refused(HLT_TOKEN_BOARD, NULL, body, 400, "X-Forwarded-For");
	refused(HLT_TOKEN_BOARD, "X-Forwarded-For: 10.1.2.3, not-an-ip\r\n", body, 400,
		"X-Forwarded-For");
	/* One household's IPv6 /64 is one address. */
	for (int i = 0; i < 4; i++) {
		char header[96];
		snprintf(header, sizeof(header), "X-Forwarded-For: 2001:db8:1:2::%x\r\n", i + 1);
		cr_expect_eq(post(HLT_TOKEN_BOARD, header, body, &r), i < 3 ? 201 : 429, "%d", i);
		hlt_response_free(&r);
	}
	/* The TV desk is not the board and is not limited. */
	cr_expect_eq(post(HLT_TOKEN_TV, NULL,
			  "{\"channel\":\"tv\",\"title\":\"电视问政\",\"content\":\"c\","
			  "\"district\":\"d.hanyang\"}",
			  &r),
		     201, "%s", r.body);
	hlt_response_free(&r);
}

struct poster {
	int count, created;
	char (*ids)[24];
};

static void *post_many(void *arg)
{
	struct poster *p = arg;

	for (int i = 0; i < p->count; i++) {
		struct hlt_response r;
		if (post(HLT_TOKEN_AGENT, NULL, hotline_body, &r) == 201)
			hlt_json_member(r.body, "id", p->ids[p->created++], sizeof(p->ids[0]));
		hlt_response_free(&r);
	}
	return NULL;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

Test(intake, hundreds_at_once_get_unique_ids_and_whole_records)
{
	enum { THREADS = 8, EACH = 50 };
	static char ids[THREADS * EACH][24];
	struct poster posters[THREADS];
	pthread_t threads[THREADS];
	int total = 0;

	start_with(NULL);
	for (int i = 0; i < THREADS; i++) {
		posters[i] = (struct poster){EACH, 0, ids + i * EACH};
		pthread_create(&threads[i], NULL, post_many, &posters[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(threads[i], NULL);
		cr_expect_eq(posters[i].created, EACH, "thread %d: %d created", i,
			     posters[i].created);
		total += posters[i].created;
	}
	cr_assert_eq(total, THREADS * EACH);
	qsort(ids, THREADS * EACH, sizeof(ids[0]), compare_ids);
	for (int i = 1; i < THREADS * EACH; i++)
		cr_assert_str_neq(ids[i], ids[i - 1], "duplicate id %s", ids[i]);
	cr_expect_eq(redis_int("ZCARD hl:idx:all%s", ""), THREADS * EACH);
	for (int i = 0; i < THREADS * EACH; i++) {
		cr_expect_eq(redis_int("EXISTS hl:t:%s", ids[i]), 1, "%s missing", ids[i]);
		cr_expect(on_way_to_routing(ids[i]), "%s not on its way to routing", ids[i]);
		cr_expect_geq(hlt_audit_entries(&fx.redis, ids[i]), 1, "%s audit", ids[i]);
	}
}

Test(intake, ids_stay_unique_across_two_daemons_on_one_redis)
{
	struct hlt_daemon second = {0};
	char a[64], b[64];

	start_with(NULL);
	hlt_fixture_start(&fx, &second, "second", NULL);
	for (int i = 0; i < 20; i++) {
		create(hotline_body, a, sizeof(a));
		hlt_create_ticket(second.port, HLT_TOKEN_AGENT, hotline_body, b, sizeof(b));
		cr_expect_str_neq(a, b);
	}
	cr_expect_eq(redis_int("ZCARD hl:idx:all%s", ""), 40);
	hlt_daemon_stop(&second, SIGTERM, 5000);
}

/* One posting thread's record of the tickets that got a 201. */
struct killer_run {
	int created;
	char ids[4000][24];
};

static void *post_until_refused(void *arg)
{
	struct killer_run *k = arg;

	while (k->created < 4000) {
		struct hlt_response r;
		int status = post(HLT_TOKEN_AGENT, NULL, hotline_body, &r);

		if (status == 201)
			hlt_json_member(r.body, "id", k->ids[k->created++], sizeof(k->ids[0]));
		hlt_response_free(&r);
		if (status < 0)
			break; /* the daemon is gone */
	}
	return NULL;
}

Test(intake, every_201_survives_sigkill_and_restart)
{
	static struct killer_run runs[2];
	pthread_t threads[2];
	int created = 0;

	memset(runs, 0, sizeof(runs));
	start_with(NULL);
	for (int i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, post_until_refused, &runs[i]);
	/* kill it mid-stream: once some tickets are in, however slow the machine */
	for (int waited = 0; waited < 5000 && runs[0].created + runs[1].created < 20; waited += 10)
		usleep(10000);
	usleep(50000);
	kill(fx.daemon.pid, SIGKILL);
	for (int i = 0; i < 2; i++) {
		pthread_join(threads[i], NULL);
		created += runs[i].created;
	}
	cr_assert(created > 10, "only %d tickets before the kill", created);
	hlt_daemon_stop(&fx.daemon, SIGKILL, 2000); /* reaps it */

	hlt_daemon_start_ready(&fx.daemon);
	for (int t = 0; t < 2; t++) {
		for (int i = 0; i < runs[t].created; i++) {
			char path[64];
			snprintf(path, sizeof(path), "/v1/tickets/%s", runs[t].ids[i]);
			cr_expect_eq(hlt_status(fx.daemon.port, "GET", path, HLT_TOKEN_AGENT, NULL),
				     200, "ticket %s lost after SIGKILL", runs[t].ids[i]);
		}
	}
	/* No ticket without its audit entry and its way to routing (stream entry or lease). */
	long tickets = redis_int("ZCARD hl:idx:all%s", "");
	cr_expect_geq(tickets, created);
	char *keys = hlt_redis_cmd(&fx.redis, "KEYS hl:t:*");
	for (char *line = keys; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		cr_expect_geq(hlt_audit_entries(&fx.redis, line + strlen("hl:t:")), 1, "%s", line);
		cr_expect(on_way_to_routing(line + strlen("hl:t:")), "%s", line);
		line = nl ? nl + 1 : line + strlen(line);
	}
	free(keys);
}

/* Each ticket intake hands off holds a place among the tickets the dispatcher routes at
 * once, reserved before the create: whatever the answer (created, replayed, a conflict,
 * a refusal after the reservation, a rate limit), the place is given back, so that the
 * daemon stops with nothing in flight (a place lost would stop hand-offs and reads for
 * good once 1,024 were). */
Test(intake, every_place_reserved_for_a_hand_off_is_given_back)
{
	static const char *const board = "{\"channel\":\"board\",\"title\":\"路灯不亮\","
					  "\"content\":\"c\",\"address\":\"江汉区前进一路\"}";
	struct hlt_response r;
	char id[32];

	start_with("intake:\n  board_rate_limit: 1\n  board_rate_window: 1m\n");
	cr_assert_eq(post(HLT_TOKEN_AGENT, "Idempotency-Key: place-1\r\n", hotline_body, &r), 201);
	hlt_json_member(r.body, "id", id, sizeof(id));
	hlt_response_free(&r);
	cr_expect_eq(post(HLT_TOKEN_AGENT, "Idempotency-Key: place-1\r\n", hotline_body, &r), 201);
	hlt_response_free(&r); /* replayed */
	cr_expect_eq(post(HLT_TOKEN_AGENT, "Idempotency-Key: place-1\r\n", board, &r), 403);
	hlt_response_free(&r); /* refused before any reservation */
	cr_expect_eq(post(HLT_TOKEN_AGENT, "Idempotency-Key: place-1\r\n",
			  "{\"channel\":\"hotline\",\"title\":\"t\",\"content\":\"另一件事\","
			  "\"caller_phone\":\"13907150002\",\"type\":\"consultation\"}",
			  &r),
		     409);
	hlt_response_free(&r); /* a conflict, after the reservation */
	cr_expect_eq(post(HLT_TOKEN_BOARD, NULL, board, &r), 400);
	hlt_response_free(&r); /* no citizen address: refused after the reservation */
	cr_expect_eq(post(HLT_TOKEN_TV, NULL,
			  "{\"channel\":\"tv\",\"title\":\"t\",\"content\":\"c\","
			  "\"address\":\"江汉区前进一路\",\"programme\":\"P20000101-001\"}",
			  &r),
		     400);
	hlt_response_free(&r); /* no such programme: refused by the script */
	cr_expect_eq(post(HLT_TOKEN_BOARD, "X-Forwarded-For: 10.9.9.9\r\n", board, &r), 201);
	hlt_response_free(&r);
	cr_expect_eq(post(HLT_TOKEN_BOARD, "X-Forwarded-For: 10.9.9.9\r\n", board, &r), 429);
	hlt_response_free(&r);
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual")); /* nobody routes here */
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=stopping in_flight=0 ", 0), "%s",
		  hlt_read_file(fx.daemon.log));
}
