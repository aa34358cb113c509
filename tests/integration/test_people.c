/* Integration tests for people's logins (core/people/, issue 15): accounts made by an
 * admin, login and its identical 401s, the rate limit, the session cookie and its flags,
 * logout, disabling, the forced password change, CSRF and Origin, the person's login in
 * a ticket's timeline, a unit's session seeing only its unit, and the account endpoints'
 * checks. A real hotlined and Redis; the test router route_async dispatches every ticket
 * to "water". */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define FLOOR_MS 200
#define PEOPLE_AUTH "  login_floor: 200ms\n  login_failures_per_account: 3\n"

static struct hlt_fixture fx = {
	.setup = HLT_SETUP_DAEMON,
	.daemon.extra_yaml = HLT_FAST_ROUTING,
	.daemon.auth_yaml = PEOPLE_AUTH,
	.plugins = HLT_PLUGIN("route_async"),
};
HLT_SUITE(people, fx);

static const char *const ticket_body =
	"{\"channel\":\"hotline\",\"title\":\"古田二路停水三天\",\"content\":\"来电人反映家中停水，"
	"已经三天没有自来水。\",\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150003\"}";

/* A person's session as the tests hold it: the cookie line and the CSRF token. */
struct session {
	char cookie[256]; /* "hl_session=<id>" */
	char csrf[80];
	char set_cookie[256];
};

/* Makes an account through the admin token; fails the test unless 201. */
static void add_user(int port, const char *login, const char *role, const char *password,
		     int temporary)
{
	char body[512];
	struct hlt_response r;

	snprintf(body, sizeof(body),
		 "{\"login\":\"%s\",\"display_name\":\"测试 %s\",\"role\":\"%s\","
		 "\"password\":\"%s\",\"temporary\":%s}",
		 login, login, role, password, temporary ? "true" : "false");
	hlt_request(port, "POST", "/v1/users", HLT_TOKEN_ADMIN, NULL, body, &r);
	cr_assert_eq(r.status, 201, "add %s: %d %s", login, r.status, r.body ? r.body : "");
	hlt_response_free(&r);
}

/* POST /v1/session; returns the status, r filled (the caller frees). */
static int login_as(int port, const char *login, const char *password, struct hlt_response *r)
{
	char body[512];

	snprintf(body, sizeof(body), "{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
	return hlt_request(port, "POST", "/v1/session", NULL, NULL, body, r);
}

/* Logs in; fails the test unless 200. */
static void open_session(int port, const char *login, const char *password, struct session *s)
{
	struct hlt_response r;
	char *semi;

	login_as(port, login, password, &r);
	cr_assert_eq(r.status, 200, "login %s: %d %s", login, r.status, r.body ? r.body : "");
	cr_assert(hlt_response_header(&r, "Set-Cookie", s->set_cookie, sizeof(s->set_cookie)));
	snprintf(s->cookie, sizeof(s->cookie), "%s", s->set_cookie);
	if ((semi = strchr(s->cookie, ';')))
		*semi = '\0';
	hlt_json_member(r.body, "csrf", s->csrf, sizeof(s->csrf));
	cr_assert_eq(strlen(s->csrf), 64, "csrf in %s", r.body);
	hlt_response_free(&r);
}

/* A request with the session's cookie, the CSRF token when csrf, and extra headers. */
static int as_person(int port, const struct session *s, const char *method, const char *path,
		     int csrf, const char *extra, const char *body, struct hlt_response *r)
{
	char headers[1024];

	snprintf(headers, sizeof(headers), "Cookie: theme=dark; %s\r\n%s%s%s%s", s->cookie,
		 csrf ? "X-CSRF-Token: " : "", csrf ? s->csrf : "", csrf ? "\r\n" : "",
		 extra ? extra : "");
	return hlt_request(port, method, path, NULL, headers, body, r);
}

static int status_as(int port, const struct session *s, const char *method, const char *path,
		     int csrf, const char *body)
{
	struct hlt_response r;
	int status = as_person(port, s, method, path, csrf, NULL, body, &r);

	hlt_response_free(&r);
	return status;
}

static long long tickets_stored(void)
{
	char *n = hlt_redis_cmd(&fx.redis, "ZCARD hl:idx:all");
	long long v = n ? atoll(n) : -1;

	free(n);
	return v;
}

Test(people, login_answers_the_same_401_whether_or_not_the_login_exists)
{
	int port = fx.daemon.port;
	struct hlt_response wrong, unknown, ok;
	int64_t t0, t1, t2;
	char buf[256];

	add_user(port, "alice", "agent", "correct horse battery", 0);
	t0 = hlt_now_ms();
	cr_assert_eq(login_as(port, "alice", "wrong password!", &wrong), 401);
	t1 = hlt_now_ms();
	cr_assert_eq(login_as(port, "nobody", "wrong password!", &unknown), 401);
	t2 = hlt_now_ms();
	cr_assert_str_eq(wrong.body, unknown.body);
	cr_assert(strstr(wrong.body, "wrong login or password"), "%s", wrong.body);
	cr_assert_geq(t1 - t0, FLOOR_MS - 5, "a failure answered in %lld ms", (long long)(t1 - t0));
	cr_assert_geq(t2 - t1, FLOOR_MS - 5, "an unknown login answered in %lld ms",
		      (long long)(t2 - t1));
	cr_assert_null(hlt_response_header(&wrong, "Set-Cookie", buf, sizeof(buf)));

	cr_assert_eq(login_as(port, "alice", "correct horse battery", &ok), 200, "%s", ok.body);
	cr_assert(strstr(ok.body, "\"login\":\"alice\""), "%s", ok.body);
	cr_assert(strstr(ok.body, "\"role\":\"agent\""), "%s", ok.body);
	cr_assert(strstr(ok.body, "\"must_change_password\":false"), "%s", ok.body);
	cr_assert(strstr(ok.body, "\"display_name\":\"测试 alice\""), "%s", ok.body);
	cr_assert(hlt_response_header(&ok, "Set-Cookie", buf, sizeof(buf)));
	cr_assert(strncmp(buf, "hl_session=", 11) == 0, "%s", buf);
	cr_assert(strstr(buf, "; HttpOnly"), "%s", buf);
	cr_assert(strstr(buf, "; SameSite=Strict"), "%s", buf);
	cr_assert(strstr(buf, "; Path=/"), "%s", buf);
	cr_assert_null(strstr(buf, "Secure"), "%s", buf);
	/* the session is stored under its hash only */
	{
		char id[80], *keys, *hit;

		snprintf(id, sizeof(id), "%.64s", buf + 11);
		keys = hlt_redis_cmd(&fx.redis, "KEYS hl:session:*");
		cr_assert(keys && strstr(keys, "hl:session:"), "%s", keys ? keys : "(null)");
		hit = strstr(keys, id);
		cr_assert_null(hit, "the session id itself is a key name");
		free(keys);
	}
	hlt_response_free(&wrong);
	hlt_response_free(&unknown);
	hlt_response_free(&ok);
}

Test(people, failed_logins_are_limited_per_account_and_counted)
{
	int port = fx.daemon.port;
	struct hlt_response r;
	char retry[32], *metrics = NULL, *log;

	add_user(port, "bob", "supervisor", "bob's long password", 0);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(login_as(port, "bob", "not the password", &r), 401);
		hlt_response_free(&r);
	}
	/* the limit holds even for the right password, until the window passes */
	cr_assert_eq(login_as(port, "bob", "bob's long password", &r), 429, "%s", r.body);
	cr_assert(hlt_response_header(&r, "Retry-After", retry, sizeof(retry)));
	cr_assert_gt(atoi(retry), 0);
	cr_assert(strstr(r.body, "\"error\""), "%s", r.body);
	hlt_response_free(&r);

	cr_assert_eq(hlt_request(port, "GET", "/metrics", HLT_TOKEN_ADMIN, NULL, NULL, &r), 200);
	metrics = r.body;
	cr_assert(strstr(metrics, "hotline_logins_total{outcome=\"failed\"} 3"), "%s", metrics);
	cr_assert(strstr(metrics, "hotline_logins_total{outcome=\"limited\"} 1"), "%s", metrics);
	hlt_response_free(&r);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "login_failed login=bob", 1000));
	log = hlt_read_file(fx.daemon.log);
	cr_assert_null(strstr(log, "not the password"), "a password in the log");
	free(log);
}

Test(people, logout_ends_the_session_in_redis)
{
	int port = fx.daemon.port;
	struct session s;
	struct hlt_response r;
	char buf[256];

	add_user(port, "carol", "agent", "carol's password", 0);
	open_session(port, "carol", "carol's password", &s);
	cr_assert_eq(as_person(port, &s, "GET", "/v1/session", 0, NULL, NULL, &r), 200);
	cr_assert(strstr(r.body, "\"csrf\":\""), "%s", r.body);
	cr_assert_null(hlt_response_header(&r, "Set-Cookie", buf, sizeof(buf)));
	hlt_response_free(&r);
	cr_assert_eq(status_as(port, &s, "DELETE", "/v1/session", 0, NULL), 403,
		     "logout without the CSRF token");
	cr_assert_eq(as_person(port, &s, "DELETE", "/v1/session", 1, NULL, NULL, &r), 204);
	cr_assert(hlt_response_header(&r, "Set-Cookie", buf, sizeof(buf)));
	cr_assert(strstr(buf, "Max-Age=0"), "%s", buf);
	hlt_response_free(&r);
	cr_assert_eq(as_person(port, &s, "GET", "/v1/session", 0, NULL, NULL, &r), 401);
	cr_assert(strstr(r.body, "\"field\":\"hl_session\""), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(status_as(port, &s, "GET", "/v1/tickets", 0, NULL), 401);
}

Test(people, disabling_an_account_ends_its_live_session)
{
	int port = fx.daemon.port;
	struct session s;
	struct hlt_response r;
	char *log;

	add_user(port, "dave", "agent", "dave's password", 0);
	open_session(port, "dave", "dave's password", &s);
	cr_assert_eq(status_as(port, &s, "GET", "/v1/tickets", 0, NULL), 200);
	cr_assert_eq(hlt_status(port, "POST", "/v1/users/dave/disable", HLT_TOKEN_ADMIN, NULL),
		     200);
	cr_assert_eq(status_as(port, &s, "GET", "/v1/tickets", 0, NULL), 401);
	cr_assert_eq(login_as(port, "dave", "dave's password", &r), 401, "a disabled login");
	cr_assert(strstr(r.body, "wrong login or password"), "%s", r.body);
	hlt_response_free(&r);
	/* audited with who did it */
	log = hlt_redis_cmd(&fx.redis, "XRANGE hl:user-log - +");
	cr_assert(log && strstr(log, "disable\nlogin\ndave"), "%s", log ? log : "(null)");
	cr_assert(strstr(log, "actor\nadmin-test"), "%s", log);
	free(log);
	cr_assert_eq(hlt_status(port, "POST", "/v1/users/dave/enable", HLT_TOKEN_ADMIN, NULL),
		     200);
	open_session(port, "dave", "dave's password", &s);
}

Test(people, a_temporary_password_must_change_before_anything_else)
{
	int port = fx.daemon.port;
	struct session s, again;
	struct hlt_response r;

	add_user(port, "erin", "agent", "temporary-123", 1);
	open_session(port, "erin", "temporary-123", &s);
	cr_assert_eq(as_person(port, &s, "GET", "/v1/tickets", 0, NULL, NULL, &r), 403);
	cr_assert(strstr(r.body, "password change required"), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(as_person(port, &s, "GET", "/v1/session", 0, NULL, NULL, &r), 200);
	cr_assert(strstr(r.body, "\"must_change_password\":true"), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(status_as(port, &s, "POST", "/v1/session/password", 1,
			       "{\"old_password\":\"temporary-123\",\"new_password\":\"short\"}"),
		     400);
	cr_assert_eq(status_as(port, &s, "POST", "/v1/session/password", 1,
			       "{\"old_password\":\"wrong-one-123\",\"new_password\":\"erin's own "
			       "password\"}"),
		     403);
	cr_assert_eq(as_person(port, &s, "POST", "/v1/session/password", 1, NULL,
			       "{\"old_password\":\"temporary-123\",\"new_password\":\"erin's own "
			       "password\"}",
			       &r),
		     200, "%s", r.body);
	cr_assert(strstr(r.body, "\"must_change_password\":false"), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(status_as(port, &s, "GET", "/v1/tickets", 0, NULL), 200);
	cr_assert_eq(login_as(port, "erin", "temporary-123", &r), 401);
	hlt_response_free(&r);
	open_session(port, "erin", "erin's own password", &again);
	/* a new password ends the account's other sessions */
	cr_assert_eq(status_as(port, &again, "POST", "/v1/session/password", 1,
			       "{\"old_password\":\"erin's own password\",\"new_password\":\"erin's "
			       "newer password\"}"),
		     200);
	cr_assert_eq(status_as(port, &s, "GET", "/v1/session", 0, NULL), 401);
	cr_assert_eq(status_as(port, &again, "GET", "/v1/session", 0, NULL), 200);
}

Test(people, a_cookie_post_without_the_csrf_token_or_from_elsewhere_writes_nothing)
{
	int port = fx.daemon.port;
	struct session s;
	struct hlt_response r;

	add_user(port, "frank", "agent", "frank's password", 0);
	open_session(port, "frank", "frank's password", &s);
	cr_assert_eq(as_person(port, &s, "POST", "/v1/tickets", 0, NULL, ticket_body, &r), 403);
	cr_assert(strstr(r.body, "missing or wrong CSRF token"), "%s", r.body);
	cr_assert(strstr(r.body, "\"field\":\"X-CSRF-Token\""), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(as_person(port, &s, "POST", "/v1/tickets", 0,
			       "X-CSRF-Token: 0000000000000000000000000000000000000000000000000000"
			       "000000000000\r\n",
			       ticket_body, &r),
		     403);
	hlt_response_free(&r);
	cr_assert_eq(as_person(port, &s, "POST", "/v1/tickets", 1,
			       "Origin: https://evil.example\r\n", ticket_body, &r),
		     403);
	cr_assert(strstr(r.body, "\"field\":\"Origin\""), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(tickets_stored(), 0, "a refused request wrote a ticket");
	cr_assert_eq(as_person(port, &s, "POST", "/v1/tickets", 1, "Origin: http://127.0.0.1\r\n",
			       ticket_body, &r),
		     201, "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(tickets_stored(), 1);
	/* a bearer token needs no CSRF token: no ambient credential */
	cr_assert_eq(hlt_status(port, "POST", "/v1/tickets", HLT_TOKEN_AGENT, ticket_body), 201);
}

Test(people, steps_through_a_session_are_audited_with_the_login)
{
	int port = fx.daemon.port;
	struct session agent, water, gas;
	struct hlt_response r;
	char id[64], path[128];

	add_user(port, "grace", "agent", "grace's password", 0);
	add_user(port, "henry", "dept:water", "henry's password", 0);
	add_user(port, "ivy", "dept:gas", "ivy's password", 0);
	open_session(port, "grace", "grace's password", &agent);
	open_session(port, "henry", "henry's password", &water);
	open_session(port, "ivy", "ivy's password", &gas);
	cr_assert_eq(as_person(port, &agent, "POST", "/v1/tickets", 1, NULL, ticket_body, &r),
		     201, "%s", r.body);
	hlt_json_member(r.body, "id", id, sizeof(id));
	hlt_response_free(&r);
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"));
	snprintf(path, sizeof(path), "/v1/tickets/%s/sign", id);
	cr_assert_eq(status_as(port, &water, "POST", path, 1, "{}"), 200);
	snprintf(path, sizeof(path), "/v1/tickets/%s", id);
	cr_assert_eq(as_person(port, &water, "GET", path, 0, NULL, NULL, &r), 200, "%s", r.body);
	cr_assert(strstr(r.body, "\"actor\":\"grace\""), "%s", r.body);
	cr_assert(strstr(r.body, "\"actor\":\"henry\""), "%s", r.body);
	cr_assert(strstr(r.body, "\"role\":\"dept:water\""), "%s", r.body);
	hlt_response_free(&r);
	/* a unit's session sees its own unit's tickets only */
	cr_assert_neq(status_as(port, &gas, "GET", path, 0, NULL), 200);
	cr_assert_eq(as_person(port, &gas, "GET", "/v1/tickets", 0, NULL, NULL, &r), 200);
	cr_assert_null(strstr(r.body, id), "gas sees water's ticket: %s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(as_person(port, &water, "GET", "/v1/session", 0, NULL, NULL, &r), 200);
	cr_assert(strstr(r.body, "\"unit\":\"water\""), "%s", r.body);
	hlt_response_free(&r);
	/* a clean stop with sessions and the hashing worker about (a sanitized build exits
	 * non-zero on a leak) */
	cr_assert_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0, "%s",
		     hlt_read_file(fx.daemon.log));
}

Test(people, accounts_are_for_admins_and_checked)
{
	int port = fx.daemon.port;
	struct session admin, agent;
	struct hlt_response r;

	cr_assert_eq(hlt_status(port, "GET", "/v1/users", HLT_TOKEN_AGENT, NULL), 403);
	cr_assert_eq(hlt_request(port, "POST", "/v1/users", HLT_TOKEN_ADMIN, NULL,
				 "{\"login\":\"x\",\"display_name\":\"X\",\"role\":\"dept:nowhere\","
				 "\"password\":\"long enough pw\"}",
				 &r),
		     400);
	cr_assert(strstr(r.body, "\"field\":\"role\""), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(port, "POST", "/v1/users", HLT_TOKEN_ADMIN, NULL,
				 "{\"login\":\"Bad Name\",\"display_name\":\"X\",\"role\":\"agent\","
				 "\"password\":\"long enough pw\"}",
				 &r),
		     400);
	cr_assert(strstr(r.body, "\"field\":\"login\""), "%s", r.body);
	hlt_response_free(&r);
	cr_assert_eq(hlt_request(port, "POST", "/v1/users", HLT_TOKEN_ADMIN, NULL,
				 "{\"login\":\"x\",\"display_name\":\"X\",\"role\":\"agent\","
				 "\"password\":\"short\"}",
				 &r),
		     400);
	cr_assert(strstr(r.body, "\"field\":\"password\""), "%s", r.body);
	hlt_response_free(&r);
	add_user(port, "root", "admin", "root's password", 0);
	add_user(port, "jack", "agent", "jack's password", 0);
	cr_assert_eq(hlt_status(port, "POST", "/v1/users", HLT_TOKEN_ADMIN,
				"{\"login\":\"jack\",\"display_name\":\"J\",\"role\":\"agent\","
				"\"password\":\"long enough pw\"}"),
		     409);
	open_session(port, "root", "root's password", &admin);
	open_session(port, "jack", "jack's password", &agent);
	cr_assert_eq(status_as(port, &agent, "GET", "/v1/users", 0, NULL), 403);
	cr_assert_eq(as_person(port, &admin, "GET", "/v1/users", 0, NULL, NULL, &r), 200);
	cr_assert(strstr(r.body, "{\"login\":\"jack\",\"display_name\":\"测试 jack\",\"role\":"
				 "\"agent\",\"disabled\":false,\"must_change_password\":false,"
				 "\"created_at\":"),
		  "%s", r.body);
	cr_assert_null(strstr(r.body, "argon2"), "a hash in the list: %s", r.body);
	hlt_response_free(&r);
	/* an admin's reset by session: audited with the admin's login, temporary */
	cr_assert_eq(status_as(port, &admin, "POST", "/v1/users/jack/password", 1,
			       "{\"password\":\"jack's new temporary\"}"),
		     200);
	cr_assert_eq(status_as(port, &agent, "GET", "/v1/session", 0, NULL), 401);
	open_session(port, "jack", "jack's new temporary", &agent);
	cr_assert_eq(status_as(port, &agent, "GET", "/v1/tickets", 0, NULL), 403);
	{
		char *log = hlt_redis_cmd(&fx.redis, "XRANGE hl:user-log - +");

		cr_assert(log && strstr(log, "actor\nroot\nrole\nadmin\naction\npassword\nlogin\njack"),
			  "%s", log ? log : "(null)");
		free(log);
	}
	cr_assert_eq(hlt_status(port, "POST", "/v1/users/nobody/disable", HLT_TOKEN_ADMIN, NULL),
		     404);
	/* a login in the path is checked as one in a body */
	cr_assert_eq(hlt_request(port, "POST", "/v1/users/Jack/disable", HLT_TOKEN_ADMIN, NULL,
				 NULL, &r),
		     400);
	cr_assert(strstr(r.body, "\"field\":\"login\""), "%s", r.body);
	hlt_response_free(&r);
}

/* The Secure flag, when http.secure_cookies is on. */
static struct hlt_fixture secure_fx = {
	.setup = HLT_SETUP_DAEMON,
	.daemon.http_yaml = "  secure_cookies: true\n",
	.daemon.auth_yaml = PEOPLE_AUTH,
};
HLT_SUITE(people_secure, secure_fx);

Test(people_secure, the_cookie_is_secure_when_configured)
{
	struct session s;

	add_user(secure_fx.daemon.port, "kate", "agent", "kate's password", 0);
	open_session(secure_fx.daemon.port, "kate", "kate's password", &s);
	cr_assert(strstr(s.set_cookie, "; Secure"), "%s", s.set_cookie);
	cr_assert(strstr(s.set_cookie, "; HttpOnly; SameSite=Strict"), "%s", s.set_cookie);
}

/* --- what an attacker tries: many at once, from one address, from another site ------- */

#define ABUSE_AUTH                                                                           \
	"  login_floor: 200ms\n  login_failures_per_account: 3\n"                            \
	"  login_failures_per_address: 1000\n"

static struct hlt_fixture abuse_fx = {
	.setup = HLT_SETUP_DAEMON,
	.daemon.auth_yaml = ABUSE_AUTH,
};
HLT_SUITE(people_abuse, abuse_fx);

/* One login in a thread of its own: login and password in, the status out. */
struct login_attempt {
	pthread_t thread;
	int port;
	char login[32];
	const char *password;
	int status;
};

static void *attempt_login(void *arg)
{
	struct login_attempt *a = arg;
	struct hlt_response r;

	a->status = login_as(a->port, a->login, a->password, &r);
	hlt_response_free(&r);
	return NULL;
}

/* A password change in a thread of its own (its session, its status). */
struct password_change {
	pthread_t thread;
	int port;
	const struct session *s;
	const char *body;
	int status;
	char answer[256];
};

static void *change_password(void *arg)
{
	struct password_change *c = arg;
	struct hlt_response r;

	c->status = as_person(c->port, c->s, "POST", "/v1/session/password", 1, NULL, c->body,
			      &r);
	snprintf(c->answer, sizeof(c->answer), "%s", r.body ? r.body : "");
	hlt_response_free(&r);
	return NULL;
}

/* Holds Redis's answers to hotlined's scripts (CLIENT PAUSE WRITE holds EVAL) so that the
 * requests sent meanwhile reach hotlined's Redis callbacks all at once, as they would
 * from an attacker's many connections. */
static void hold_redis(void)
{
	free(hlt_redis_cmd(&abuse_fx.redis, "CLIENT PAUSE 5000 WRITE"));
}

static void release_redis(void)
{
	free(hlt_redis_cmd(&abuse_fx.redis, "CLIENT UNPAUSE"));
}

static void start_logins(struct login_attempt *a, int n, const char *login, int distinct,
			 const char *password)
{
	for (int i = 0; i < n; i++) {
		a[i].port = abuse_fx.daemon.port;
		if (distinct)
			snprintf(a[i].login, sizeof(a[i].login), "%s%d", login, i);
		else
			snprintf(a[i].login, sizeof(a[i].login), "%s", login);
		a[i].password = password;
		cr_assert_eq(pthread_create(&a[i].thread, NULL, attempt_login, &a[i]), 0);
	}
}

static int count_status(const struct login_attempt *a, int n, int status)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += a[i].status == status;
	return k;
}

/* The hashing queue's bound (people.c's KDF_QUEUE_MAX, 16): no failure limit in the way. */
static struct hlt_fixture queue_fx = {
	.setup = HLT_SETUP_DAEMON,
	.daemon.auth_yaml = "  login_floor: 200ms\n  login_failures_per_account: 1000\n"
			    "  login_failures_per_address: 1000\n",
};
HLT_SUITE(people_queue, queue_fx);

/* The requests sent at once find the queue's 16 places taken: those past them get the
 * queue's 503 at once. (Exactly 16 are queued unless hotlined was descheduled for a whole
 * hash between two reads of Redis's answers: the counts are bounded, not exact. On a busy
 * machine the last queued may still wait for their hash when the client's 5 s run out:
 * no answer, -1, counts with the queued.) */
static void expect_refused_by_the_queue(int n, int refused, int other, const char *other_name)
{
	cr_assert_eq(refused + other, n, "%d answered 503, %d %s or no answer yet, of %d",
		     refused, other, other_name, n);
	cr_assert_geq(refused, 1, "none refused by the queue: %d %s", other, other_name);
	cr_assert_leq(refused, n - 16 + 1, "%d refused with places free", refused);
}

Test(people_queue, a_full_hashing_queue_answers_503_to_logins)
{
	enum { LOGINS = 20 };
	struct login_attempt a[LOGINS];
	struct hlt_response r;
	char busy[80];

	free(hlt_redis_cmd(&queue_fx.redis, "CLIENT PAUSE 5000 WRITE"));
	for (int i = 0; i < LOGINS; i++) {
		a[i].port = queue_fx.daemon.port;
		snprintf(a[i].login, sizeof(a[i].login), "nobody%d", i);
		a[i].password = "wrong password!";
		cr_assert_eq(pthread_create(&a[i].thread, NULL, attempt_login, &a[i]), 0);
	}
	usleep(1000 * 1000); /* all in hotlined, their scripts held in Redis */
	free(hlt_redis_cmd(&queue_fx.redis, "CLIENT UNPAUSE"));
	for (int i = 0; i < LOGINS; i++)
		pthread_join(a[i].thread, NULL);
	expect_refused_by_the_queue(LOGINS, count_status(a, LOGINS, 503),
				    count_status(a, LOGINS, 401) + count_status(a, LOGINS, -1),
				    "401");
	cr_assert_eq(hlt_request(queue_fx.daemon.port, "GET", "/metrics", HLT_TOKEN_ADMIN, NULL,
				 NULL, &r),
		     200);
	snprintf(busy, sizeof(busy), "hotline_logins_total{outcome=\"busy\"} %d\n",
		 count_status(a, LOGINS, 503));
	cr_assert(strstr(r.body, busy), "%s in %s", busy, r.body);
	hlt_response_free(&r);
}

Test(people_queue, a_full_hashing_queue_answers_503_to_password_changes)
{
	enum { CHANGES = 20 };
	int port = queue_fx.daemon.port;
	struct password_change c[CHANGES];
	struct session s;
	int refused = 0, wrong = 0;

	add_user(port, "pat", "agent", "pat's password", 0);
	open_session(port, "pat", "pat's password", &s);
	free(hlt_redis_cmd(&queue_fx.redis, "CLIENT PAUSE 5000 WRITE"));
	for (int i = 0; i < CHANGES; i++) {
		c[i] = (struct password_change){.port = port, .s = &s};
		c[i].body = "{\"old_password\":\"not pat's password\",\"new_password\":\"pat's "
			    "new password\"}";
		cr_assert_eq(pthread_create(&c[i].thread, NULL, change_password, &c[i]), 0);
	}
	usleep(1000 * 1000); /* all in hotlined, their sessions' lookups held in Redis */
	free(hlt_redis_cmd(&queue_fx.redis, "CLIENT UNPAUSE"));
	for (int i = 0; i < CHANGES; i++) {
		pthread_join(c[i].thread, NULL);
		if (c[i].status == 503) {
			/* the queue's answer, not Redis's (the request freed once, its passwords
			 * wiped; before, it was freed and then written to) */
			cr_assert(strstr(c[i].answer, "at once"), "%s", c[i].answer);
			refused++;
		}
		wrong += c[i].status == 403 || c[i].status == -1;
	}
	expect_refused_by_the_queue(CHANGES, refused, wrong, "403 (wrong old password)");
	/* still serving, and the old password still the one */
	cr_assert_eq(status_as(port, &s, "GET", "/v1/session", 0, NULL), 200, "%s",
		     hlt_read_file(queue_fx.daemon.log));
	open_session(port, "pat", "pat's password", &s);
}

Test(people_abuse, failed_logins_at_once_are_limited_as_one_after_another)
{
	enum { LOGINS = 8 };
	struct login_attempt a[LOGINS];

	add_user(abuse_fx.daemon.port, "quinn", "agent", "quinn's password", 0);
	hold_redis();
	start_logins(a, LOGINS, "quinn", 0, "a guess at it");
	usleep(1000 * 1000); /* all in hotlined, their scripts held in Redis */
	release_redis();
	for (int i = 0; i < LOGINS; i++)
		pthread_join(a[i].thread, NULL);
	/* three guesses (login_failures_per_account), not one per connection */
	cr_assert_eq(count_status(a, LOGINS, 401), 3, "%d wrong passwords checked",
		     count_status(a, LOGINS, 401));
	cr_assert_eq(count_status(a, LOGINS, 429), LOGINS - 3);
}


Test(people_abuse, a_login_posted_from_another_site_is_refused)
{
	int port = abuse_fx.daemon.port;
	const char *body = "{\"login\":\"rita\",\"password\":\"rita's password\"}";
	const char *origins[] = {"Origin: https://evil.example\r\n", "Origin: null\r\n"};
	struct hlt_response r;
	char buf[256];

	add_user(port, "rita", "agent", "rita's password", 0);
	for (size_t i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
		/* a cross-site form (text/plain) logging the victim's browser in as the attacker */
		cr_assert_eq(hlt_request(port, "POST", "/v1/session", NULL, origins[i], body, &r),
			     403, "%s: %s", origins[i], r.body);
		cr_assert(strstr(r.body, "\"field\":\"Origin\""), "%s", r.body);
		cr_assert_null(hlt_response_header(&r, "Set-Cookie", buf, sizeof(buf)));
		hlt_response_free(&r);
	}
	cr_assert_eq(hlt_request(port, "POST", "/v1/session", NULL, "Origin: http://127.0.0.1\r\n",
				 body, &r),
		     200, "%s", r.body);
	hlt_response_free(&r);
}


/* The per-address limit: failures of many logins from one client. */
static struct hlt_fixture address_fx = {
	.setup = HLT_SETUP_DAEMON,
	.daemon.auth_yaml = "  login_floor: 100ms\n  login_failures_per_address: 4\n",
};
HLT_SUITE(people_address, address_fx);

Test(people_address, failures_from_one_address_are_limited_whatever_the_login)
{
	int port = address_fx.daemon.port;
	struct hlt_response r;
	char login[32], retry[32];

	add_user(port, "sam", "agent", "sam's password", 0);
	/* logins that succeed do not count against the address */
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(login_as(port, "sam", "sam's password", &r), 200, "%s", r.body);
		hlt_response_free(&r);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(login, sizeof(login), "guess%d", i);
		cr_assert_eq(login_as(port, login, "wrong password!", &r), 401, "%s", r.body);
		hlt_response_free(&r);
	}
	/* another login, and the right password: the address is over its limit */
	cr_assert_eq(login_as(port, "sam", "sam's password", &r), 429, "%s", r.body);
	cr_assert(hlt_response_header(&r, "Retry-After", retry, sizeof(retry)));
	cr_assert_gt(atoi(retry), 0);
	hlt_response_free(&r);
}

/* The idle expiry: Redis lets an unused session go (auth.session_idle). */
static struct hlt_fixture idle_fx = {
	.setup = HLT_SETUP_DAEMON,
	.daemon.auth_yaml = "  login_floor: 100ms\n  session_idle: 1s\n",
};
HLT_SUITE(people_idle, idle_fx);

Test(people_idle, an_unused_session_ends_and_a_used_one_lives_on)
{
	int port = idle_fx.daemon.port;
	struct session s;
	char *keys;

	add_user(port, "tess", "agent", "tess's password", 0);
	open_session(port, "tess", "tess's password", &s);
	/* each use starts the idle time again: 1.4 s after login, used every 0.7 s */
	usleep(700 * 1000);
	cr_assert_eq(status_as(port, &s, "GET", "/v1/session", 0, NULL), 200);
	usleep(700 * 1000);
	cr_assert_eq(status_as(port, &s, "GET", "/v1/tickets", 0, NULL), 200);
	usleep(1300 * 1000);
	cr_assert_eq(status_as(port, &s, "GET", "/v1/session", 0, NULL), 401);
	keys = hlt_redis_cmd(&idle_fx.redis, "KEYS hl:session:*");
	cr_assert(keys && !strstr(keys, "hl:session:"), "%s", keys ? keys : "(null)");
	free(keys);
}

/* Sends a login and hangs up after_ms later, before its answer (the floor is 200 ms). */
static void login_and_hang_up(int port, const char *body, int after_ms)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char req[512];
	int fd = socket(AF_INET, SOCK_STREAM, 0), n;

	cr_assert_geq(fd, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	n = snprintf(req, sizeof(req),
		     "POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
		     "application/json\r\nContent-Length: %zu\r\n\r\n%s",
		     strlen(body), body);
	cr_assert_eq(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
	usleep((useconds_t)after_ms * 1000);
	close(fd);
}

Test(people_abuse, a_login_whose_client_hung_up_is_finished_cleanly)
{
	int port = abuse_fx.daemon.port;
	const char *right = "{\"login\":\"uma\",\"password\":\"uma's password\"}";
	const char *wrong = "{\"login\":\"uma\",\"password\":\"not uma's password\"}";

	add_user(port, "uma", "agent", "uma's password", 0);
	/* while the password is hashed, and while the answer waits for the floor */
	login_and_hang_up(port, right, 0);
	login_and_hang_up(port, wrong, 0);
	login_and_hang_up(port, right, 150);
	login_and_hang_up(port, wrong, 150);
	usleep(600 * 1000);
	cr_assert_eq(hlt_status(port, "GET", "/healthz", NULL, NULL), 200);
	/* a sanitized build exits non-zero on a leak or a use after free */
	cr_assert_eq(hlt_daemon_stop(&abuse_fx.daemon, SIGTERM, 5000), 0, "%s",
		     hlt_read_file(abuse_fx.daemon.log));
}

/* Keeps the hashing worker busy for a while: wrong passwords of unknown logins, whose
 * checks take their turns before the next job's. The caller joins them. */
static void occupy_the_worker(struct login_attempt *a, int n)
{
	start_logins(a, n, "filler", 1, "wrong password!");
	usleep(50 * 1000);
}

/* Waits until login_load.lua has counted login's attempt: its check is then queued for
 * the hashing worker (behind the fillers'), and what Redis holds was read. */
static void wait_loaded(const char *login)
{
	for (int i = 0; i < 1000; i++) {
		char *n = hlt_redis_cmd(&abuse_fx.redis, "GET hl:rate:login:acct:%s", login);
		int loaded = n && atoi(n) == 1;

		free(n);
		if (loaded)
			return;
		usleep(2 * 1000);
	}
	cr_assert_fail("the attempt of %s was never loaded", login);
}

/* An admin's reset on another daemon, as Redis sees it: the account's hash replaced. */
static const char *const reset_hash = "$argon2id$v=19$m=65536,t=2,p=1$cmVzZXQ$set-elsewhere";

Test(people_abuse, a_password_reset_stops_a_login_under_way_with_the_old_one)
{
	enum { FILLERS = 6 };
	struct login_attempt fillers[FILLERS], victim = {.port = abuse_fx.daemon.port};
	char *hash;

	add_user(abuse_fx.daemon.port, "vic", "agent", "vic's password", 0);
	occupy_the_worker(fillers, FILLERS);
	snprintf(victim.login, sizeof(victim.login), "vic");
	victim.password = "vic's password";
	cr_assert_eq(pthread_create(&victim.thread, NULL, attempt_login, &victim), 0);
	wait_loaded("vic");
	free(hlt_redis_cmd(&abuse_fx.redis, "HSET hl:user:vic hash %s", reset_hash));
	pthread_join(victim.thread, NULL);
	for (int i = 0; i < FILLERS; i++)
		pthread_join(fillers[i].thread, NULL);
	cr_assert_eq(victim.status, 401, "a login with the old password after a reset: %d",
		     victim.status);
	hash = hlt_redis_cmd(&abuse_fx.redis, "HGET hl:user:vic hash");
	cr_assert(hash && strstr(hash, reset_hash), "%s", hash ? hash : "(null)");
	free(hash);
}

Test(people_abuse, a_password_reset_wins_over_a_change_under_way)
{
	enum { FILLERS = 6 };
	int port = abuse_fx.daemon.port;
	struct login_attempt fillers[FILLERS];
	struct password_change c = {.port = port};
	struct session s;
	char *hash;

	add_user(port, "wes", "agent", "wes's password", 0);
	open_session(port, "wes", "wes's password", &s);
	occupy_the_worker(fillers, FILLERS);
	c.s = &s;
	c.body = "{\"old_password\":\"wes's password\",\"new_password\":\"wes's own choice\"}";
	cr_assert_eq(pthread_create(&c.thread, NULL, change_password, &c), 0);
	wait_loaded("wes");
	free(hlt_redis_cmd(&abuse_fx.redis, "HSET hl:user:wes hash %s", reset_hash));
	pthread_join(c.thread, NULL);
	for (int i = 0; i < FILLERS; i++)
		pthread_join(fillers[i].thread, NULL);
	cr_assert_eq(c.status, 409, "%d %s", c.status, c.answer);
	cr_assert(strstr(c.answer, "\"field\":\"old_password\""), "%s", c.answer);
	hash = hlt_redis_cmd(&abuse_fx.redis, "HGET hl:user:wes hash");
	cr_assert(hash && strstr(hash, reset_hash), "the reset undone: %s", hash ? hash : "(null)");
	free(hash);
}
