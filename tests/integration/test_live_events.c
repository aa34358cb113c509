/* Integration tests: GET /v1/events/live (issue 15, tickets/live_events.c), the event
 * stream as server-sent events against a real hotlined and Redis: a unit sees its own
 * dispatches live and not another unit's, a supervisor sees both, a reconnect with
 * Last-Event-ID (or ?last_event_id=) gets what it missed and nothing twice, two daemons
 * on one Redis both deliver, the client limit answers 503, channel roles get 403, the
 * heartbeat comes, a reload ends the streams cleanly, too much to replay gives `reset`,
 * a client that reads nothing is dropped past live_events.client_buffer, and a signed-in
 * person's stream ends with their session. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "sse_client.h"

static struct hlt_fixture fx = {.setup = HLT_SETUP_DAEMON};
HLT_SUITE(live_events, fx);

#define LIVE "/v1/events/live"
#define WAIT_MS 5000
#define HL_TEST_REPLAY_MORE 1200 /* entries: more than a reconnect replays (1000) */

static const char *const ticket_body =
	"{\"channel\":\"hotline\",\"title\":\"古田二路停水三天\",\"content\":\"来电人反映家中停水，"
	"已经三天没有自来水。\",\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150003\"}";

/* A new ticket, left for manual dispatch (the log plugin routes nothing), dispatched by
 * hand to unit. Its id goes into id. */
static void dispatched_to(int port, const char *unit, char *id, size_t len)
{
	char body[128];
	char *answer = NULL;

	hlt_create_ticket(port, HLT_TOKEN_AGENT, ticket_body, id, len);
	cr_assert(hlt_wait_state(&fx.redis, id, "pending_manual"), "%s was not left for manual "
								   "dispatch", id);
	snprintf(body, sizeof(body), "{\"department\":\"%s\",\"note\":\"人工派单\"}", unit);
	cr_assert_eq(hlt_ticket_step(port, HLT_TOKEN_AGENT, id, "dispatch", body, &answer), 200,
		     "%s", answer ? answer : "");
	free(answer);
}

/* The text of a dispatch of ticket id as its data line carries it. */
static void dispatch_needle(const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "event: dispatched\ndata: {\"id\":\"%s\",\"event\":\"dispatched\"", id);
}

static void open_live(struct hlt_stream *s, int port, const char *token, const char *headers)
{
	int status = hlt_stream_open_ready(s, port, LIVE, token, headers);

	cr_assert_eq(status, 200, "GET %s: %d %s", LIVE, status, hlt_stream_body(s));
	cr_assert(strstr(s->text, "Content-Type: text/event-stream; charset=utf-8"), "%s", s->text);
}

/* The SSE id of the message whose data names ticket id and event. */
static void message_id(const struct hlt_stream *s, const char *id, char *buf, size_t len)
{
	char needle[160];
	const char *body = hlt_stream_body(s), *at, *line;

	snprintf(needle, sizeof(needle), "data: {\"id\":\"%s\",\"event\":\"dispatched\"", id);
	at = strstr(body, needle);
	cr_assert(at, "no dispatch of %s in %s", id, body);
	for (line = at; line > body && strncmp(line, "\nid: ", 5) != 0; line--)
		;
	cr_assert(sscanf(line, "\nid: %47s", buf) == 1 && len > 47);
}

Test(live_events, a_unit_sees_its_own_dispatches_and_a_supervisor_sees_all)
{
	struct hlt_stream water, gas, supervisor;
	char a[32], b[32], na[160], nb[160];
	const char *data;

	open_live(&water, fx.daemon.port, HLT_TOKEN_WATER, NULL);
	open_live(&gas, fx.daemon.port, HLT_TOKEN_GAS, NULL);
	open_live(&supervisor, fx.daemon.port, HLT_TOKEN_SUPERVISOR, NULL);
	dispatched_to(fx.daemon.port, "water", a, sizeof(a));
	dispatched_to(fx.daemon.port, "gas", b, sizeof(b));
	dispatch_needle(a, na, sizeof(na));
	dispatch_needle(b, nb, sizeof(nb));

	cr_expect(hlt_stream_wait(&supervisor, na, WAIT_MS), "supervisor: %s",
		  hlt_stream_body(&supervisor));
	cr_expect(hlt_stream_wait(&supervisor, nb, WAIT_MS), "supervisor: %s",
		  hlt_stream_body(&supervisor));
	cr_expect(hlt_stream_wait(&water, na, WAIT_MS), "water: %s", hlt_stream_body(&water));
	cr_expect(hlt_stream_wait(&gas, nb, WAIT_MS), "gas: %s", hlt_stream_body(&gas));
	/* the fan-out is in stream order: by the time gas has b, water has been offered it */
	cr_expect(!strstr(hlt_stream_body(&water), b), "water saw gas's ticket: %s",
		  hlt_stream_body(&water));
	cr_expect(!strstr(hlt_stream_body(&gas), a), "gas saw water's ticket: %s",
		  hlt_stream_body(&gas));
	/* the message: one line of JSON, the time in +08:00, no citizen's phone */
	data = strstr(hlt_stream_body(&water), na);
	cr_assert(data);
	cr_expect(strstr(data, "\"unit\":\"water\""), "%s", data);
	cr_expect(strstr(data, "+08:00\""), "%s", data);
	cr_expect(!strstr(hlt_stream_body(&supervisor), "13907150003"), "%s",
		  hlt_stream_body(&supervisor));
	hlt_stream_close(&water);
	hlt_stream_close(&gas);
	hlt_stream_close(&supervisor);
}

Test(live_events, a_reconnect_gets_what_it_missed_once)
{
	struct hlt_stream s;
	char a[32], b[32], c[32], na[160], nb[160], nc[160], last[48], header[96], path[128];

	open_live(&s, fx.daemon.port, HLT_TOKEN_WATER, NULL);
	dispatched_to(fx.daemon.port, "water", a, sizeof(a));
	dispatch_needle(a, na, sizeof(na));
	cr_assert(hlt_stream_wait(&s, na, WAIT_MS), "%s", hlt_stream_body(&s));
	message_id(&s, a, last, sizeof(last));
	hlt_stream_close(&s);

	/* missed while away */
	dispatched_to(fx.daemon.port, "water", b, sizeof(b));
	dispatched_to(fx.daemon.port, "gas", c, sizeof(c));
	dispatch_needle(b, nb, sizeof(nb));
	dispatch_needle(c, nc, sizeof(nc));

	snprintf(header, sizeof(header), "Last-Event-ID: %s\r\n", last);
	open_live(&s, fx.daemon.port, HLT_TOKEN_WATER, header);
	cr_expect(hlt_stream_wait(&s, nb, WAIT_MS), "not replayed: %s", hlt_stream_body(&s));
	cr_expect(!strstr(hlt_stream_body(&s), na), "sent twice: %s", hlt_stream_body(&s));
	cr_expect(!strstr(hlt_stream_body(&s), c), "another unit's: %s", hlt_stream_body(&s));
	hlt_stream_close(&s);

	/* the same by the query string, as a page that opens its stream anew would */
	snprintf(path, sizeof(path), LIVE "?last_event_id=%s", last);
	cr_assert_eq(hlt_stream_open_ready(&s, fx.daemon.port, path, HLT_TOKEN_WATER, NULL), 200);
	cr_expect(hlt_stream_wait(&s, nb, WAIT_MS), "not replayed: %s", hlt_stream_body(&s));
	hlt_stream_close(&s);

	/* a malformed id names its field */
	cr_expect_eq(hlt_stream_open(&s, fx.daemon.port, LIVE, HLT_TOKEN_WATER,
				     "Last-Event-ID: yesterday\r\n"),
		     400);
	cr_expect(hlt_stream_wait(&s, "\"field\":\"Last-Event-ID\"", WAIT_MS), "%s",
		  hlt_stream_body(&s));
	hlt_stream_close(&s);
}

Test(live_events, callers_without_rights_are_refused)
{
	struct hlt_stream s;

	cr_expect_eq(hlt_stream_open(&s, fx.daemon.port, LIVE, NULL, NULL), 401);
	hlt_stream_close(&s);
	cr_expect_eq(hlt_stream_open(&s, fx.daemon.port, LIVE, HLT_TOKEN_BOARD, NULL), 403);
	hlt_stream_close(&s);
}

Test(live_events, two_daemons_on_one_redis_both_deliver)
{
	struct hlt_daemon second = {0};
	struct hlt_stream one, two;
	char a[32], na[160];

	hlt_fixture_start(&fx, &second, "second", NULL);
	open_live(&one, fx.daemon.port, HLT_TOKEN_WATER, NULL);
	open_live(&two, second.port, HLT_TOKEN_WATER, NULL);
	dispatched_to(second.port, "water", a, sizeof(a));
	dispatch_needle(a, na, sizeof(na));
	cr_expect(hlt_stream_wait(&one, na, WAIT_MS), "first: %s", hlt_stream_body(&one));
	cr_expect(hlt_stream_wait(&two, na, WAIT_MS), "second: %s", hlt_stream_body(&two));
	hlt_stream_close(&one);
	hlt_stream_close(&two);
	cr_expect_eq(hlt_daemon_stop(&second, SIGTERM, 5000), 0, "%s", hlt_read_file(second.log));
}

Test(live_events, past_the_limit_503_and_a_heartbeat_and_a_reload_ends_streams)
{
	struct hlt_daemon limited = {
		.extra_yaml = "live_events:\n  max_clients: 1\n  heartbeat: 200ms\n"};
	struct hlt_stream first, second;

	hlt_fixture_start(&fx, &limited, "limited", NULL);
	open_live(&first, limited.port, HLT_TOKEN_SUPERVISOR, NULL);
	cr_expect_eq(hlt_stream_open(&second, limited.port, LIVE, HLT_TOKEN_WATER, NULL), 503);
	cr_expect(hlt_stream_wait(&second, "live_events.max_clients", WAIT_MS), "%s",
		  hlt_stream_body(&second));
	hlt_stream_close(&second);
	cr_expect(hlt_stream_wait(&first, ": heartbeat\n\n", WAIT_MS), "%s",
		  hlt_stream_body(&first));

	/* a reload ends it (the browser reconnects under the new configuration) */
	cr_assert_eq(kill(limited.pid, SIGHUP), 0);
	cr_expect(hlt_stream_wait_closed(&first, WAIT_MS), "still open after the reload");
	cr_expect(strstr(hlt_stream_body(&first), "0\r\n\r\n"), "not ended cleanly: %s",
		  hlt_stream_body(&first));
	hlt_stream_close(&first);
	/* room again */
	open_live(&first, limited.port, HLT_TOKEN_WATER, NULL);
	hlt_stream_close(&first);
	cr_expect_eq(hlt_daemon_stop(&limited, SIGTERM, 5000), 0, "%s", hlt_read_file(limited.log));
}

Test(live_events, a_stream_outlives_the_idle_timeout_and_stop_ends_it)
{
	struct hlt_daemon quick = {.http_timeout = "1s"};
	struct hlt_stream s;

	hlt_fixture_start(&fx, &quick, "quick", NULL);
	open_live(&s, quick.port, HLT_TOKEN_SUPERVISOR, NULL);
	cr_expect(!hlt_stream_wait_closed(&s, 2500), "dropped by the idle timeout");
	cr_expect_eq(hlt_daemon_stop(&quick, SIGTERM, 5000), 0);
	cr_expect(hlt_stream_wait_closed(&s, WAIT_MS));
	hlt_stream_close(&s);
}

/* n entries on the event stream at once, each a notice to the water unit with a note of
 * 300 bytes, as lib.lua's notice writes them. */
static void many_events(int n)
{
	char *r = hlt_redis_cmd(&fx.redis,
				"EVAL %s 1 hl:events %d",
				"for i=1,tonumber(ARGV[1]) do redis.call('XADD',KEYS[1],'*','at','1',"
				"'id','20261201-000001','event','notice','audience','unit:water',"
				"'note',string.rep('x',300)) end return 1",
				n);

	cr_assert(r && strcmp(r, "1\n") == 0, "%s", r ? r : "(no answer)");
	free(r);
}

Test(live_events, too_much_to_replay_resets_and_a_client_that_reads_nothing_is_dropped)
{
	struct hlt_daemon small = {
		.extra_yaml = "live_events:\n  client_buffer: 4KiB\n  max_clients: 1\n"};
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct hlt_stream s;
	const char *req = "GET " LIVE " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
			  HLT_TOKEN_SUPERVISOR "\r\n\r\n";
	int fd, rcvbuf = 2048;
	char buf[4096];
	struct timeval tv = {5, 0};
	size_t got = 0;
	ssize_t n;

	hlt_fixture_start(&fx, &small, "small", NULL);
	/* (the default daemon) a stream to follow from now, so that the tail has passed the
	 * entries below */
	open_live(&s, fx.daemon.port, HLT_TOKEN_SUPERVISOR, NULL);
	many_events(HL_TEST_REPLAY_MORE);
	cr_assert(hlt_stream_wait(&s, "\"event\":\"notice\"", WAIT_MS), "%s", hlt_stream_body(&s));
	hlt_stream_close(&s);

	/* from the start: more than 1000 entries to replay give a reset, then live */
	open_live(&s, fx.daemon.port, HLT_TOKEN_WATER, "Last-Event-ID: 0-0\r\n");
	cr_expect(hlt_stream_wait(&s, "event: reset\ndata: {}\n\n", WAIT_MS), "no reset in %.300s",
		  hlt_stream_body(&s));
	hlt_stream_close(&s);

	/* a client that reads nothing, with a tiny receive buffer, is dropped: it reads the
	 * stream's start (so it is live), then stops reading while far more than the kernel's
	 * buffers and client_buffer come (2000 entries of 300 bytes and more) */
	sa.sin_port = htons((uint16_t)small.port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	for (int tries = 0; tries < 100; tries++) { /* 503 while its tail starts */
		fd = socket(AF_INET, SOCK_STREAM, 0);
		cr_assert(fd >= 0);
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		cr_assert_eq(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
		got = 0;
		while (!memmem(buf, got, "retry: ", 7) && !memmem(buf, got, " 503 ", 5) &&
		       got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
			got += (size_t)n;
		if (!memmem(buf, got, " 503 ", 5))
			break;
		close(fd);
		usleep(50000);
	}
	cr_assert(memmem(buf, got, "retry: ", 7), "the stream did not start: %.*s", (int)got, buf);
	got = 0;
	many_events(2000);
	cr_expect(hlt_wait_for_text(small.log, "event=client_dropped who=supervisor-test", WAIT_MS),
		  "%s", hlt_read_file(small.log));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	/* closed: an end of file, or a reset when the server closed with data unread */
	cr_expect(n == 0 || errno == ECONNRESET,
		  "the dropped client's connection is still open after %zu bytes: %s", got,
		  strerror(errno));
	close(fd);
	/* and its place is free (max_clients is 1) */
	open_live(&s, small.port, HLT_TOKEN_WATER, NULL);
	hlt_stream_close(&s);
	cr_expect_eq(hlt_daemon_stop(&small, SIGTERM, 5000), 0, "%s", hlt_read_file(small.log));
}

/* A person signed in with a session cookie (people/) follows the live events and is seen
 * by presence under their display name, as the console does; the console's own files
 * are never held up by the session gate. */
Test(live_events, a_person_with_a_session_cookie_follows_the_unit)
{
	struct hlt_response r;
	struct hlt_stream s;
	char cookie[256], csrf[80], headers[512], a[32], na[160], path[96], *semi;

	cr_assert_eq(hlt_request(fx.daemon.port, "POST", "/v1/users", HLT_TOKEN_ADMIN, NULL,
				 "{\"login\":\"wang\",\"display_name\":\"王师傅\",\"role\":"
				 "\"dept:water\",\"password\":\"water-pass-2026\",\"temporary\":false}",
				 &r),
		     201, "%s", r.body ? r.body : "");
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(fx.daemon.port, "POST", "/v1/session", NULL, NULL,
				 "{\"login\":\"wang\",\"password\":\"water-pass-2026\"}", &r),
		     200, "%s", r.body ? r.body : "");
	cr_assert(hlt_response_header(&r, "Set-Cookie", cookie, sizeof(cookie)));
	if ((semi = strchr(cookie, ';')))
		*semi = '\0';
	hlt_json_member(r.body, "csrf", csrf, sizeof(csrf));
	hlt_response_free(&r);

	snprintf(headers, sizeof(headers), "Cookie: %s\r\n", cookie);
	open_live(&s, fx.daemon.port, NULL, headers);
	dispatched_to(fx.daemon.port, "water", a, sizeof(a));
	dispatch_needle(a, na, sizeof(na));
	cr_expect(hlt_stream_wait(&s, na, WAIT_MS), "%s", hlt_stream_body(&s));
	hlt_stream_close(&s);

	snprintf(path, sizeof(path), "/v1/tickets/%s/presence", a);
	snprintf(headers, sizeof(headers), "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
	cr_expect_eq(hlt_request(fx.daemon.port, "POST", path, NULL, headers, "{\"typing\":true}",
				 &r),
		     200, "%s", r.body ? r.body : "");
	hlt_response_free(&r);
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", path, HLT_TOKEN_SUPERVISOR, NULL, NULL, &r),
		     200);
	cr_expect(r.body && strstr(r.body, "\"login\":\"wang\",\"display_name\":\"王师傅\""), "%s",
		  r.body ? r.body : "");
	hlt_response_free(&r);

	/* a stale session cookie does not stand between anyone and the console's page */
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", "/", NULL,
				 "Cookie: hl_session=0123456789abcdef\r\n", NULL, &r),
		     404, "%s", r.body ? r.body : "");
	cr_expect(r.body && strstr(r.body, "console.dir"), "held by the gate: %s",
		  r.body ? r.body : "");
	hlt_response_free(&r);
}

/* Logs in as login (made with password by the admin token) and fills "Cookie: ..." */
static void session_cookie(int port, const char *login, const char *password, char *cookie,
			   size_t len)
{
	struct hlt_response r;
	char body[256], *semi;

	snprintf(body, sizeof(body),
		 "{\"login\":\"%s\",\"display_name\":\"测试\",\"role\":\"dept:water\","
		 "\"password\":\"%s\",\"temporary\":false}",
		 login, password);
	cr_assert_eq(hlt_request(port, "POST", "/v1/users", HLT_TOKEN_ADMIN, NULL, body, &r), 201,
		     "%s", r.body ? r.body : "");
	hlt_response_free(&r);
	snprintf(body, sizeof(body), "{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
	cr_assert_eq(hlt_request(port, "POST", "/v1/session", NULL, NULL, body, &r), 200, "%s",
		     r.body ? r.body : "");
	cr_assert(hlt_response_header(&r, "Set-Cookie", cookie, len));
	if ((semi = strchr(cookie, ';')))
		*semi = '\0';
	hlt_response_free(&r);
}

Test(live_events, a_stream_ends_with_its_session)
{
	struct hlt_daemon quick = {.extra_yaml = "live_events:\n  heartbeat: 200ms\n"};
	struct hlt_stream s, token;
	struct hlt_response r;
	char cookie[256], headers[320];

	hlt_fixture_start(&fx, &quick, "quick", NULL);
	session_cookie(quick.port, "zhao", "water-pass-2026", cookie, sizeof(cookie));
	snprintf(headers, sizeof(headers), "Cookie: %s\r\n", cookie);
	open_live(&s, quick.port, NULL, headers);
	open_live(&token, quick.port, HLT_TOKEN_WATER, NULL);
	cr_expect(hlt_stream_wait(&s, ": heartbeat\n\n", WAIT_MS), "%s", hlt_stream_body(&s));
	cr_expect(!strstr(hlt_stream_body(&s), "event: logout"), "%s", hlt_stream_body(&s));

	/* the account disabled (its sessions end): the stream tells the page and ends */
	cr_assert_eq(hlt_request(quick.port, "POST", "/v1/users/zhao/disable", HLT_TOKEN_ADMIN,
				 NULL, NULL, &r),
		     200, "%s", r.body ? r.body : "");
	hlt_response_free(&r);
	cr_expect(hlt_stream_wait(&s, "event: logout\ndata: {}\n\n", WAIT_MS), "%s",
		  hlt_stream_body(&s));
	cr_expect(hlt_stream_wait_closed(&s, WAIT_MS), "still open after the session ended");
	hlt_stream_close(&s);
	/* a token's stream has no session: it goes on */
	cr_expect(!hlt_stream_wait_closed(&token, 500), "a token's stream ended");
	hlt_stream_close(&token);
	cr_expect_eq(hlt_daemon_stop(&quick, SIGTERM, 5000), 0, "%s", hlt_read_file(quick.log));
}

/* A reconnect that missed more than half its buffer's worth gets `reset` and stays open,
 * instead of being dropped as a client that does not read (and dropped again each time
 * it came back). */
Test(live_events, a_replay_larger_than_the_buffer_resets_and_is_not_dropped)
{
	struct hlt_daemon small = {.extra_yaml = "live_events:\n  client_buffer: 16KiB\n"};
	struct hlt_stream s;
	char last[64], *at;

	hlt_fixture_start(&fx, &small, "small", NULL);
	open_live(&s, small.port, HLT_TOKEN_WATER, NULL);
	many_events(1);
	cr_assert(hlt_stream_wait(&s, "\"event\":\"notice\"", WAIT_MS), "%s", hlt_stream_body(&s));
	at = strstr(hlt_stream_body(&s), "\nid: ");
	cr_assert(at && sscanf(at, "\nid: %63s", last) == 1, "%s", hlt_stream_body(&s));
	hlt_stream_close(&s);

	/* about 80 KB for the water unit, 5 times its buffer; then the replay begins once the
	 * daemon's tail has them (a watcher that reads saw the last), so that they reach the
	 * client as a replay and not as live events it could not keep up with */
	struct hlt_stream watcher;

	open_live(&watcher, small.port, HLT_TOKEN_WATER, NULL);
	for (int chunk = 0; chunk < 20; chunk++) { /* each well within the watcher's buffer */
		char mark[32];

		many_events(10);
		snprintf(mark, sizeof(mark), "chunk-%d-done", chunk);
		free(hlt_redis_cmd(&fx.redis, "XADD hl:events * at 1 id 20261201-000001 event "
					      "notice audience unit:water note %s", mark));
		cr_assert(hlt_stream_wait(&watcher, mark, WAIT_MS), "the tail did not catch up");
	}
	hlt_stream_close(&watcher);
	{
		char headers[128];

		snprintf(headers, sizeof(headers), "Last-Event-ID: %s\r\n", last);
		open_live(&s, small.port, HLT_TOKEN_WATER, headers);
	}
	cr_expect(hlt_stream_wait(&s, "event: reset\ndata: {}\n\n", WAIT_MS), "%.400s",
		  hlt_stream_body(&s));
	cr_expect(!hlt_stream_wait_closed(&s, 300), "the replaying client was dropped");
	cr_expect(!hlt_wait_for_text(small.log, "event=client_dropped", 100), "%s",
		  hlt_read_file(small.log));
	/* and it goes on live */
	many_events(1);
	cr_expect(hlt_stream_wait(&s, "\"event\":\"notice\"", WAIT_MS), "%s", hlt_stream_body(&s));
	hlt_stream_close(&s);
	cr_expect_eq(hlt_daemon_stop(&small, SIGTERM, 5000), 0, "%s", hlt_read_file(small.log));
}
