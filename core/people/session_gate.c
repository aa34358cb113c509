/* The session gate: cookie to person, CSRF and Origin checks; see session_gate.h. */
#include "people/session_gate.h"

#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/digest.h"
#include "base/log.h"
#include "config/config.h"
#include "host/service.h"
#include "host/world.h"
#include "http/cookie.h"
#include "http/http.h"
#include "people/people_api.h"
#include "people/person.h"
#include "store/redis.h"

struct gate_call {
	struct hl_people *people;
	struct hl_http_gated *g;
	struct evhttp_request *req;
	char hash[65];
};

void hl_session_hash(const char *id, char out[65])
{
	if (hl_sha256_hex(id, strlen(id), out) < 0)
		out[0] = '\0';
}

int hl_origin_matches(const char *origin, const char *host)
{
	const char *rest;

	if (!origin)
		return 1;
	if (!host)
		return 0;
	if (strncasecmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else if (strncasecmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	else
		return 0;
	return strcasecmp(rest, host) == 0;
}

int hl_origin_check(struct evhttp_request *req)
{
	if (hl_origin_matches(hl_http_header(req, "Origin"), hl_http_header(req, "Host")))
		return 0;
	hl_http_reply_error(req, 403, "Origin",
			    "cross-origin request refused: Origin is not this server");
	return -1;
}

static int state_changing(struct evhttp_request *req)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(req);

	return m == EVHTTP_REQ_POST || m == EVHTTP_REQ_PUT || m == EVHTTP_REQ_PATCH ||
	       m == EVHTTP_REQ_DELETE;
}

/* 401 for a session that is not (or no longer) there; the browser forgets the cookie. */
static void no_session(struct hl_people *people, struct evhttp_request *req)
{
	char cookie[128];

	if (hl_cookie_set_value(cookie, sizeof(cookie), HL_SESSION_COOKIE, "",
				hl_opt_bool(&people->svc->world->config->http,
					    "secure_cookies")) == 0)
		hl_http_set_header(req, "Set-Cookie", cookie);
	hl_http_reply_error(req, 401, HL_SESSION_COOKIE,
			    "no such session: it ended, expired or was never opened; log in "
			    "again");
}

/* The CSRF and Origin checks of a state-changing request. Returns 0, or -1 after 403. */
static int csrf_ok(const struct hl_person *p, struct evhttp_request *req)
{
	const char *token = hl_http_header(req, "X-CSRF-Token");

	if (!state_changing(req))
		return 0;
	if (hl_origin_check(req) < 0)
		return -1;
	if (!token || strlen(token) != strlen(p->csrf) ||
	    CRYPTO_memcmp(token, p->csrf, strlen(p->csrf)) != 0) {
		hl_http_reply_error(req, 403, "X-CSRF-Token", "missing or wrong CSRF token");
		return -1;
	}
	return 0;
}

/* session_get.lua answers {login, csrf, display_name, role, must_change} or nil. */
static void got_session(struct redisReply *reply, void *arg)
{
	struct gate_call *gc = arg;
	struct hl_people *people = gc->people;
	struct evhttp_request *req = gc->req;
	struct hl_person *p = NULL;

	if (!reply || people->closing) {
		hl_people_unavailable(req);
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_log(HL_LOG_ERROR, "people", "redis_error what=session_get error=\"%s\"",
		       reply->str);
		hl_people_unavailable(req);
	} else if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 5) {
		no_session(people, req);
	} else if (!(p = hl_person_new(reply->element[0]->str, reply->element[3]->str,
				       reply->element[2]->str, reply->element[1]->str, gc->hash,
				       strcmp(reply->element[4]->str, "1") == 0,
				       people->svc->world->routes))) {
		/* an account whose role no longer exists (a unit removed from the routes) */
		hl_log(HL_LOG_WARN, "people", "session_refused login=%s reason=\"role %s is not "
					      "a role of this configuration\"",
		       reply->element[0]->str, reply->element[3]->str);
		hl_http_reply_error(req, 403, "role", "this account's role is not valid here");
	} else if (csrf_ok(p, req) == 0) {
		hl_http_gate_pass(gc->g, p);
		hl_person_unref(p);
		free(gc);
		return;
	}
	hl_person_unref(p);
	hl_http_gate_drop(gc->g);
	free(gc);
}

static void gate(struct hl_http_gated *g, struct evhttp_request *req, const char *cookie,
		 void *arg)
{
	struct hl_people *people = arg;
	struct gate_call *gc;
	char idle[24];
	const char *argv[2];

	if (strlen(cookie) != 64) { /* not an id this daemon gives */
		no_session(people, req);
		hl_http_gate_drop(g);
		return;
	}
	if (!(gc = calloc(1, sizeof(*gc)))) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		hl_http_gate_drop(g);
		return;
	}
	gc->people = people;
	gc->g = g;
	gc->req = req;
	hl_session_hash(cookie, gc->hash);
	snprintf(idle, sizeof(idle), "%lld",
		 (long long)people->svc->world->config->session_idle_ms);
	argv[0] = gc->hash;
	argv[1] = idle;
	if (people->closing ||
	    hl_redis_eval_as(people->svc->redis, people->svc->prefix, hl_clock_now_ms(), "-",
			     "session", HL_SCRIPT_SESSION_GET, got_session, gc, 2, argv,
			     NULL) < 0) {
		hl_people_unavailable(req);
		hl_http_gate_drop(g);
		free(gc);
	}
}

int hl_session_gate_register(struct hl_people *p)
{
	return hl_http_set_gate(p->svc->http, HL_SESSION_COOKIE, gate, p);
}
