/* Login, the session, logout and one's own password; see sessions.h. */
#include "people/sessions.h"

#include <event2/event.h>
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "config/config.h"
#include "host/service.h"
#include "host/world.h"
#include "http/cookie.h"
#include "http/http.h"
#include "people/caller.h"
#include "people/kdf.h"
#include "people/people_api.h"
#include "people/person.h"
#include "people/session_gate.h"
#include "store/redis.h"

#define LOGIN_FAILED "wrong login or password"

/* One POST /v1/session, from its body to its answer. */
struct login {
	struct hl_people *people;
	struct evhttp_request *req;
	struct hl_list_node wait_node; /* in people->waits while the floor holds it */
	struct event *floor;
	int64_t start_ms;              /* monotonic */
	char login[HL_LOGIN_MAX * 4 + 1];
	char addr[64];
	char password[HL_PASSWORD_MAX + 1]; /* wiped once handed to the worker */
	int disabled;
	char checked[crypto_pwhash_STRBYTES]; /* the hash the password is checked against */
	char id[65], hash[65], csrf[65];
	int status;                 /* the answer, once known */
	struct json_object *answer; /* its body (NULL: 204) */
	char cookie[200];           /* Set-Cookie, or "" */
};

struct json_object *hl_session_json(const struct hl_person *p, int must_change)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "login", json_object_new_string(p->login));
	json_object_object_add(o, "display_name", json_object_new_string(p->display_name));
	json_object_object_add(o, "role", json_object_new_string(p->role));
	if (p->who.kind == HL_ROLE_DEPT)
		json_object_object_add(o, "unit", json_object_new_string(p->who.scope));
	json_object_object_add(o, "csrf", json_object_new_string(p->csrf));
	json_object_object_add(o, "must_change_password", json_object_new_boolean(must_change));
	return o;
}

static int secure_cookies(const struct hl_people *people)
{
	return hl_opt_bool(&people->svc->world->config->http, "secure_cookies");
}

static const char *loggable(const char *login)
{
	return hl_login_valid(login) ? login : "(not a login)";
}

static void login_free(struct login *l)
{
	if (l->floor)
		event_free(l->floor);
	json_object_put(l->answer);
	hl_list_remove(&l->wait_node);
	sodium_memzero(l, sizeof(*l));
	free(l);
}

static void send_answer(struct login *l)
{
	if (l->cookie[0])
		hl_http_set_header(l->req, "Set-Cookie", l->cookie);
	hl_http_set_header(l->req, "Cache-Control", "no-store");
	hl_http_reply_json(l->req, l->status, l->answer);
	l->answer = NULL;
	login_free(l);
}

static void floor_passed(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	send_answer(arg);
}

/* Answers once the floor has passed since the request came (a success too: a fast
 * answer would tell a right password from a wrong one by its time). */
static void finish(struct login *l, int status, struct json_object *answer)
{
	int64_t left = l->people->svc->world->config->login_floor_ms -
		       (hl_clock_mono_ns() / 1000000 - l->start_ms);
	struct timeval tv;

	l->status = status;
	l->answer = answer;
	if (left <= 0 || l->people->closing ||
	    !(l->floor = evtimer_new(l->people->svc->base, floor_passed, l))) {
		send_answer(l);
		return;
	}
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	evtimer_add(l->floor, &tv);
	hl_list_push(&l->people->waits, &l->wait_node);
}

static struct json_object *error_json(const char *message, const char *field)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(message));
	if (field)
		json_object_object_add(o, "field", json_object_new_string(field));
	return o;
}

static void unavailable(struct login *l)
{
	hl_people_unavailable(l->req);
	login_free(l);
}

static void attempt_forgiven(struct redisReply *reply, void *arg)
{
	(void)arg;
	if (reply && reply->type == REDIS_REPLY_ERROR)
		hl_log(HL_LOG_ERROR, "people", "redis_error what=login_ok error=\"%s\"",
		       reply->str);
}

/* Sends login_load.lua for login from addr, which counts the attempt before fn hears
 * whether it may go on (see the script). Returns 0, or -1 (fn will not be called). */
static int load_login(struct hl_people *people, const char *login, const char *addr,
		      hl_redis_reply_fn fn, void *arg)
{
	const struct hl_config *cfg = people->svc->world->config;
	char per_account[24], per_address[24], window[24];
	const char *argv[] = {login, addr, per_account, per_address, window};

	snprintf(per_account, sizeof(per_account), "%lld",
		 (long long)hl_opt_int(&cfg->auth, "login_failures_per_account"));
	snprintf(per_address, sizeof(per_address), "%lld",
		 (long long)hl_opt_int(&cfg->auth, "login_failures_per_address"));
	snprintf(window, sizeof(window), "%lld", (long long)cfg->login_failure_window_ms);
	if (people->closing)
		return -1;
	return hl_redis_eval_as(people->svc->redis, people->svc->prefix, hl_clock_now_ms(), "-",
				"-", HL_SCRIPT_LOGIN_LOAD, fn, arg, 5, argv, NULL);
}

/* An attempt that succeeded: login_ok.lua takes back what login_load.lua counted. Sent
 * before the answer, on the one link: the next attempt finds it taken back. */
static void forgive(struct hl_people *people, const char *login, const char *addr)
{
	const char *argv[] = {login, addr};

	if (!people->closing)
		hl_redis_eval_as(people->svc->redis, people->svc->prefix, hl_clock_now_ms(), "-",
				 "-", HL_SCRIPT_LOGIN_OK, attempt_forgiven, NULL, 2, argv, NULL);
}

/* A failed login: already counted by login_load.lua; logged, counted in /metrics and
 * answered at the floor. */
static void failed(struct login *l, const char *reason)
{
	hl_log(HL_LOG_WARN, "people", "login_failed login=%s addr=%s reason=%s",
	       loggable(l->login), l->addr, reason);
	hl_people_count(l->people, "failed");
	finish(l, 401, error_json(LOGIN_FAILED, NULL));
}

/* session_create.lua answers {'ok', display_name, role, must_change} or {'gone'}. */
static void created(struct redisReply *reply, void *arg)
{
	struct login *l = arg;
	struct hl_people *people = l->people;
	struct hl_person *p;

	if (!reply || people->closing || reply->type != REDIS_REPLY_ARRAY) {
		if (reply && reply->type == REDIS_REPLY_ERROR)
			hl_log(HL_LOG_ERROR, "people", "redis_error what=session_create error=\"%s\"",
			       reply->str);
		unavailable(l);
		return;
	}
	if (reply->elements != 4 ||
	    !(p = hl_person_new(l->login, reply->element[2]->str, reply->element[1]->str,
				l->csrf, l->hash, strcmp(reply->element[3]->str, "1") == 0,
				people->svc->world->routes))) {
		failed(l, reply->elements != 4 ? "changed_meanwhile" : "role_not_valid");
		return;
	}
	hl_cookie_set_value(l->cookie, sizeof(l->cookie), HL_SESSION_COOKIE, l->id,
			    secure_cookies(people));
	forgive(people, l->login, l->addr);
	hl_log(HL_LOG_INFO, "people", "login login=%s role=%s addr=%s", p->login, p->role,
	       l->addr);
	hl_people_count(people, "ok");
	finish(l, 200, hl_session_json(p, p->must_change));
	hl_person_unref(p);
}

static void verified(const struct hl_kdf_result *r, void *arg)
{
	struct login *l = arg;
	struct hl_people *people = l->people;
	const struct hl_config *cfg = people->svc->world->config;
	char idle[24], lifetime[24];
	const char *argv[7];

	if (people->closing || r->outcome == HL_KDF_CANCELLED || r->outcome == HL_KDF_FAILED) {
		unavailable(l);
		return;
	}
	if (r->outcome != HL_KDF_MATCH || l->disabled) {
		failed(l, r->outcome != HL_KDF_MATCH ? "wrong_password_or_unknown" : "disabled");
		return;
	}
	hl_people_random_hex(l->id, 32);
	hl_session_hash(l->id, l->hash);
	hl_people_random_hex(l->csrf, 32);
	snprintf(idle, sizeof(idle), "%lld", (long long)cfg->session_idle_ms);
	snprintf(lifetime, sizeof(lifetime), "%lld", (long long)cfg->session_lifetime_ms);
	argv[0] = l->login;
	argv[1] = l->hash;
	argv[2] = l->csrf;
	argv[3] = idle;
	argv[4] = lifetime;
	argv[5] = r->hash;
	argv[6] = l->checked;
	if (hl_redis_eval_as(people->svc->redis, people->svc->prefix, hl_clock_now_ms(), l->login,
			     "-", HL_SCRIPT_SESSION_CREATE, created, l, 7, argv, NULL) < 0)
		unavailable(l);
}

/* login_load.lua answers {'limited', ms} or {'ok', hash, disabled, must_change,
 * display_name, role}. */
static void loaded(struct redisReply *reply, void *arg)
{
	struct login *l = arg;
	struct hl_people *people = l->people;

	if (!reply || people->closing || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements < 2) {
		if (reply && reply->type == REDIS_REPLY_ERROR)
			hl_log(HL_LOG_ERROR, "people", "redis_error what=login_load error=\"%s\"",
			       reply->str);
		unavailable(l);
		return;
	}
	if (strcmp(reply->element[0]->str, "limited") == 0) {
		char retry[24];
		long long ms = atoll(reply->element[1]->str);

		snprintf(retry, sizeof(retry), "%lld", (ms + 999) / 1000);
		hl_http_set_header(l->req, "Retry-After", retry);
		hl_log(HL_LOG_WARN, "people", "login_limited login=%s addr=%s retry_after_s=%s",
		       loggable(l->login), l->addr, retry);
		hl_people_count(people, "limited");
		hl_http_reply_error(l->req, 429, NULL,
				    "too many failed logins for this account or address; try "
				    "again in %s s",
				    retry);
		login_free(l);
		return;
	}
	l->disabled = strcmp(reply->element[2]->str, "1") == 0;
	snprintf(l->checked, sizeof(l->checked), "%s", reply->element[1]->str);
	if (hl_kdf_verify(people->kdf, l->password, reply->element[1]->str, verified, l) < 0) {
		hl_people_count(people, "busy");
		hl_people_busy(l->req);
		login_free(l);
		return;
	}
	sodium_memzero(l->password, sizeof(l->password));
}

static void post_session(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_people *people = arg;
	struct json_object *body = hl_people_body(req);
	const char *login, *password;
	struct login *l;

	(void)param;
	if (!body)
		return;
	if (hl_origin_check(req) < 0)
		goto out;
	if (!(login = hl_people_string(req, body, "login", 1, HL_LOGIN_MAX)) ||
	    !(password = hl_people_string(req, body, "password", 1, HL_PASSWORD_MAX)))
		goto out;
	if (!*login || !*password || strlen(password) > HL_PASSWORD_MAX) {
		hl_http_reply_error(req, 400, *login ? "password" : "login", "'%s' is empty or "
					      "too long", *login ? "password" : "login");
		goto out;
	}
	if (!(l = calloc(1, sizeof(*l)))) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		goto out;
	}
	l->people = people;
	l->req = req;
	l->start_ms = hl_clock_mono_ns() / 1000000;
	snprintf(l->login, sizeof(l->login), "%s", login);
	snprintf(l->password, sizeof(l->password), "%s", password);
	hl_http_peer(req, l->addr, sizeof(l->addr));
	if (load_login(people, l->login, l->addr, loaded, l) < 0)
		unavailable(l);
out:
	hl_people_put_wiped(body, (const char *const[]){"password", NULL});
}

/* The caller's person, or NULL after answering 401 (a token, or no session). The caller
 * unrefs it. */
static struct hl_person *signed_in(struct hl_people *people, struct evhttp_request *req)
{
	const struct hl_principal *who;
	struct hl_person *p;

	if (hl_caller_identify(req, people->svc->world->auth, HL_CALLER_MUST_CHANGE_OK, &who,
			       &p) < 0)
		return NULL;
	if (!p)
		hl_http_reply_error(req, 401, HL_SESSION_COOKIE,
				    "not signed in: this is a person's session, not a token's");
	return p;
}

static void session_ended(struct redisReply *reply, void *arg)
{
	struct evhttp_request *req = arg;

	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		hl_people_unavailable(req);
		return;
	}
	evhttp_send_reply(req, 204, NULL, NULL);
}

static void session_endpoint(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_people *people = arg;
	struct hl_person *p;
	char cookie[200];
	const char *argv[1];

	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
		post_session(req, param, arg);
		return;
	}
	if (!(p = signed_in(people, req)))
		return;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		hl_http_set_header(req, "Cache-Control", "no-store");
		hl_http_reply_json(req, 200, hl_session_json(p, p->must_change));
		hl_person_unref(p);
		return;
	}
	argv[0] = p->session_hash;
	if (hl_cookie_set_value(cookie, sizeof(cookie), HL_SESSION_COOKIE, "",
				secure_cookies(people)) == 0)
		hl_http_set_header(req, "Set-Cookie", cookie);
	if (hl_redis_eval_as(people->svc->redis, people->svc->prefix, hl_clock_now_ms(),
			     p->login, p->role, HL_SCRIPT_SESSION_END, session_ended, req, 1, argv,
			     NULL) < 0)
		hl_people_unavailable(req);
	else
		hl_log(HL_LOG_INFO, "people", "logout login=%s", p->login);
	hl_person_unref(p);
}

/* --- POST /v1/session/password ---------------------------------------------------------- */

struct pwchange {
	struct hl_people *people;
	struct evhttp_request *req;
	struct hl_person *p;
	char addr[64];
	char old_password[HL_PASSWORD_MAX + 1], new_password[HL_PASSWORD_MAX + 1];
	char checked[crypto_pwhash_STRBYTES]; /* the hash the old password is checked against */
};

static void pwchange_free(struct pwchange *c)
{
	hl_person_unref(c->p);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

static void pwchange_unavailable(struct pwchange *c)
{
	hl_people_unavailable(c->req);
	pwchange_free(c);
}

static void password_written(struct redisReply *reply, void *arg)
{
	struct pwchange *c = arg;

	if (!reply || reply->type != REDIS_REPLY_STRING || strcmp(reply->str, "ok") != 0) {
		if (reply && reply->type == REDIS_REPLY_ERROR)
			hl_log(HL_LOG_ERROR, "people", "redis_error what=user_write error=\"%s\"",
			       reply->str);
		if (reply && reply->type == REDIS_REPLY_STRING && strcmp(reply->str, "changed") == 0)
			hl_http_reply_error(c->req, 409, "old_password",
					    "the password was changed meanwhile (by an admin?); "
					    "nothing written");
		else if (reply && reply->type == REDIS_REPLY_STRING) /* 'unknown': removed */
			hl_http_reply_error(c->req, 401, HL_SESSION_COOKIE, "no such account");
		else
			hl_people_unavailable(c->req);
		pwchange_free(c);
		return;
	}
	hl_log(HL_LOG_INFO, "people", "password_changed login=%s", c->p->login);
	hl_http_reply_json(c->req, 200, hl_session_json(c->p, 0));
	pwchange_free(c);
}

static void new_hashed(const struct hl_kdf_result *r, void *arg)
{
	struct pwchange *c = arg;
	struct hl_people *people = c->people;
	const char *argv[] = {"password", c->p->login,          r->hash,
			      "0",        c->p->session_hash, c->checked};

	if (people->closing || r->outcome != HL_KDF_HASHED ||
	    hl_redis_eval_as(people->svc->redis, people->svc->prefix, hl_clock_now_ms(),
			     c->p->login, c->p->role, HL_SCRIPT_USER_WRITE, password_written, c, 6,
			     argv, NULL) < 0)
		pwchange_unavailable(c);
}

static void old_checked(const struct hl_kdf_result *r, void *arg)
{
	struct pwchange *c = arg;
	struct hl_people *people = c->people;

	if (people->closing || r->outcome == HL_KDF_CANCELLED || r->outcome == HL_KDF_FAILED) {
		pwchange_unavailable(c);
		return;
	}
	if (r->outcome != HL_KDF_MATCH) { /* counted by login_load.lua */
		hl_log(HL_LOG_WARN, "people", "password_change_refused login=%s addr=%s "
					      "reason=wrong_old_password",
		       c->p->login, c->addr);
		hl_http_reply_error(c->req, 403, "old_password", "wrong password");
		pwchange_free(c);
		return;
	}
	forgive(people, c->p->login, c->addr);
	if (hl_kdf_hash(people->kdf, c->new_password, new_hashed, c) < 0) {
		hl_people_busy(c->req);
		pwchange_free(c); /* wipes the passwords */
		return;
	}
	sodium_memzero(c->new_password, sizeof(c->new_password));
}

static void pw_loaded(struct redisReply *reply, void *arg)
{
	struct pwchange *c = arg;

	if (!reply || c->people->closing || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements < 2) {
		pwchange_unavailable(c);
		return;
	}
	if (strcmp(reply->element[0]->str, "limited") == 0) {
		char retry[24];

		snprintf(retry, sizeof(retry), "%lld", (atoll(reply->element[1]->str) + 999) / 1000);
		hl_http_set_header(c->req, "Retry-After", retry);
		hl_http_reply_error(c->req, 429, NULL, "too many wrong passwords; try again in %s s",
				    retry);
		pwchange_free(c);
		return;
	}
	snprintf(c->checked, sizeof(c->checked), "%s", reply->element[1]->str);
	if (hl_kdf_verify(c->people->kdf, c->old_password, reply->element[1]->str, old_checked,
			  c) < 0) {
		hl_people_busy(c->req);
		pwchange_free(c); /* wipes the passwords */
		return;
	}
	sodium_memzero(c->old_password, sizeof(c->old_password));
}

static void post_password(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_people *people = arg;
	struct hl_person *p = signed_in(people, req);
	struct json_object *body = p ? hl_people_body(req) : NULL;
	const char *old_pw, *new_pw;
	struct pwchange *c;

	(void)param;
	if (!body)
		goto out;
	if (!(old_pw = hl_people_string(req, body, "old_password", 1, HL_PASSWORD_MAX)) ||
	    !(new_pw = hl_people_string(req, body, "new_password", 1, HL_PASSWORD_MAX)))
		goto out;
	if (hl_people_chars(new_pw) < HL_PASSWORD_MIN || strlen(new_pw) > HL_PASSWORD_MAX ||
	    strlen(old_pw) > HL_PASSWORD_MAX) {
		hl_http_reply_error(req, 400, "new_password",
				    "a password has at least %d characters", HL_PASSWORD_MIN);
		goto out;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		goto out;
	}
	c->people = people;
	c->req = req;
	c->p = hl_person_ref(p);
	hl_http_peer(req, c->addr, sizeof(c->addr));
	snprintf(c->old_password, sizeof(c->old_password), "%s", old_pw);
	snprintf(c->new_password, sizeof(c->new_password), "%s", new_pw);
	if (load_login(people, p->login, c->addr, pw_loaded, c) < 0)
		pwchange_unavailable(c);
out:
	hl_people_put_wiped(body,
			    (const char *const[]){"old_password", "new_password", NULL});
	hl_person_unref(p);
}

int hl_sessions_register(struct hl_people *p)
{
	return hl_http_route_ungated(p->svc->http, "/v1/session", EVHTTP_REQ_POST,
				     session_endpoint, p) < 0 ||
			       hl_http_route(p->svc->http, "/v1/session",
					     EVHTTP_REQ_GET | EVHTTP_REQ_DELETE, session_endpoint,
					     p) < 0 ||
			       hl_http_route(p->svc->http, "/v1/session/password", EVHTTP_REQ_POST,
					     post_password, p) < 0
		       ? -1
		       : 0;
}

void hl_sessions_cancel_waits(struct hl_people *p)
{
	struct hl_list_node *n, *tmp;

	HL_LIST_EACH_SAFE(n, tmp, &p->waits)
	{
		struct login *l = HL_LIST_ENTRY(n, struct login, wait_node);

		hl_people_unavailable(l->req);
		login_free(l);
	}
}
