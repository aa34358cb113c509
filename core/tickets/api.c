/* Authentication, world references and script calls shared by the endpoints; see api.h. */
#include "tickets/api.h"

#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/auth.h"
#include "base/clock.h"
#include "host/service.h"
#include "http/http.h"
#include "base/log.h"
#include "people/caller.h"
#include "people/person.h"
#include "host/world.h"

int hl_call_begin(struct hl_call *c, struct evhttp_request *req, struct hl_service *svc)
{
	memset(c, 0, sizeof(*c));
	if (hl_caller_identify(req, svc->world->auth, HL_CALLER_ANY, &c->who, &c->person) < 0)
		return -1;
	c->req = req;
	c->svc = svc;
	c->now_ms = hl_clock_now_ms();
	c->world = hl_world_ref(svc->world);
	return 0;
}

struct hl_call *hl_call_new(struct evhttp_request *req, struct hl_service *svc)
{
	struct hl_call *c = malloc(sizeof(*c));

	if (!c) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return NULL;
	}
	if (hl_call_begin(c, req, svc) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

void hl_call_end(struct hl_call *c)
{
	hl_world_unref(c->world);
	c->world = NULL;
	hl_person_unref(c->person);
	c->person = NULL;
}

int hl_eval_as(struct hl_service *svc, int64_t now_ms, const char *actor, const char *role,
	       enum hl_script_id script, hl_redis_reply_fn fn, void *arg, int argc,
	       const char **argv, const size_t *lens)
{
	return hl_redis_eval_as(svc->redis, svc->prefix, now_ms, actor, role, script, fn, arg,
				argc, argv, lens);
}

int hl_call_reads_reports(const struct hl_call *c, const char *what)
{
	if (c->who->kind == HL_ROLE_SUPERVISOR || c->who->kind == HL_ROLE_ADMIN)
		return 1;
	hl_http_reply_error(c->req, 403, NULL, "role %s may not read %s", c->who->role, what);
	return 0;
}

int hl_call_eval(struct hl_call *c, enum hl_script_id script, hl_redis_reply_fn fn, void *arg,
		 int argc, const char **argv, const size_t *lens)
{
	return hl_eval_as(c->svc, c->now_ms, c->who->name, c->who->role, script, fn, arg, argc,
			  argv, lens);
}

void hl_reply_redis_error(struct evhttp_request *req, const char *sub,
			  const struct redisReply *reply, const char *what)
{
	static const struct {
		const char *error, *cause;
	} transient[] = {{"READONLY", "failing_over"}, {"MASTERDOWN", "failing_over"},
			 {"OOM", "redis_down"},        {"BUSY", "busy"},
			 {"LOADING", "redis_down"},    {"TRYAGAIN", "redis_down"},
			 /* Redis's own min-replicas-to-write refusing a write */
			 {"NOREPLICAS", "not_replicated"}};
	static const char notreplicated[] = "NOTREPLICATED ";

	if (strncmp(reply->str, notreplicated, sizeof(notreplicated) - 1) == 0) {
		const char *detail = reply->str + sizeof(notreplicated) - 1;

		hl_log(HL_LOG_WARN, sub, "not_replicated what=\"%s\" error=\"%s\"", what, detail);
		if (strstr(detail, "reached the primary"))
			hl_http_reply_unavailable(
				req, "not_replicated",
				"not confirmed: %s (redis.min_replicas_ack). The write may be "
				"kept or lost: a retry with the same Idempotency-Key returns the "
				"same ticket, never a second; read a ticket before repeating a step "
				"on it",
				detail);
		else
			hl_http_reply_unavailable(req, "not_replicated", "%s: %s; try again later",
						  what, detail);
		return;
	}
	hl_log(HL_LOG_ERROR, sub, "redis_error what=\"%s\" error=\"%s\"", what, reply->str);
	for (size_t i = 0; i < sizeof(transient) / sizeof(transient[0]); i++) {
		if (strncmp(reply->str, transient[i].error, strlen(transient[i].error)) == 0) {
			hl_http_reply_unavailable(req, transient[i].cause,
						  "the ticket store (Redis) cannot take it now; %s",
						  what);
			return;
		}
	}
	hl_http_reply_error(req, 500, NULL, "internal error; %s (the daemon's log says why)",
			    what);
}

void hl_reply_unavailable(struct evhttp_request *req, const char *what)
{
	hl_http_reply_unavailable(req, NULL, "the ticket store (Redis) is unreachable; %s", what);
}
