/*
 * What every API endpoint does around its own work: authenticate the caller, keep the
 * configuration generation it started with alive until Redis has answered, run a ticket
 * script with the standard leading arguments (lua/lib.lua), and answer 503 when Redis
 * cannot be reached. Endpoints live in intake.c (POST /v1/tickets) and ticket_view.c
 * (GET /v1/tickets, GET /v1/tickets/{id}).
 */
#ifndef HL_API_H
#define HL_API_H

#include <stddef.h>
#include <stdint.h>

#include "store/redis.h"
#include "store/reply.h"

struct evhttp_request;
struct hl_service;
struct redisReply;
struct hl_ticket;
struct json_object;
struct hl_principal;

/* One request between its handler and Redis's answer. Usually embedded at the start of
 * an endpoint's own context. */
struct hl_call {
	struct evhttp_request *req;
	struct hl_service *svc;
	struct hl_world *world;          /* a reference, dropped by hl_call_end */
	const struct hl_principal *who;  /* borrowed from world->auth, or from person */
	struct hl_person *person;        /* a session's person (a reference, dropped by
					    hl_call_end), or NULL for a token */
	int64_t now_ms;                  /* when the request arrived: the time it acts at */
};

/* Authenticates req: the session's person the gate attached (people/caller.h), else the
 * bearer token against the world in service. Returns 0 with c filled (call
 * hl_call_end when done), or -1 after answering 401 (or 403: the person must change
 * their password first). */
int hl_call_begin(struct hl_call *c, struct evhttp_request *req, struct hl_service *svc);

/* Reports are for supervisors and admins: answers 403 ("role R may not read <what>") and
 * returns 0 for anyone else, 1 for them. */
int hl_call_reads_reports(const struct hl_call *c, const char *what);

/* hl_call_begin on a call of its own, for an endpoint whose context is the call alone:
 * the call (free it with free() after hl_call_end), or NULL after answering 401, or 500
 * when out of memory. */
struct hl_call *hl_call_new(struct evhttp_request *req, struct hl_service *svc);

/* Drops the world reference. Does not answer the request. */
void hl_call_end(struct hl_call *c);

/* hl_redis_eval_as (store/redis.h) on the service's Redis with its key prefix: ARGV =
 * prefix, now_ms, actor, role, then argv[0..argc). Returns 0 when sent (fn will be called
 * once), or -1 when Redis is not ready. hl_call_eval acts as the caller of the request,
 * at its arrival time. */
int hl_eval_as(struct hl_service *svc, int64_t now_ms, const char *actor, const char *role,
	       enum hl_script_id script, hl_redis_reply_fn fn, void *arg, int argc,
	       const char **argv, const size_t *lens);

int hl_call_eval(struct hl_call *c, enum hl_script_id script, hl_redis_reply_fn fn, void *arg,
		 int argc, const char **argv, const size_t *lens);

/* Answers a Redis error reply: 503 with Retry-After when it will pass (a replica after a
 * failover, out of memory, busy, loading; a write its replicas did not confirm,
 * NOTREPLICATED, store/redis.h, whose answer says whether it reached the primary), else
 * 500; the error text goes to the log under `sub`, never to the client. */
void hl_reply_redis_error(struct evhttp_request *req, const char *sub,
			  const struct redisReply *reply, const char *what);

/* Answers 503 with Retry-After, saying what was not done; its cause (counted in
 * /metrics) is Redis's state (hl_redis_unavailable_cause, which the daemon sets as the
 * HTTP server's cause function). */
void hl_reply_unavailable(struct evhttp_request *req, const char *what);

/* The JSON view of a ticket for `who` (ticket_view.c): fields converted for clients,
 * personal data masked unless who may see it, and the audit trail when `audit` (an XRANGE
 * reply) is given. The caller owns the result. */
struct json_object *hl_ticket_view(const struct hl_principal *who, const struct hl_ticket *t,
				   const struct redisReply *audit);
/* One timeline entry, as lua/ticket_get.lua (lib.lua's read_log) gives it: [n, [field,
 * value, ...]], as JSON (at in ISO 8601; the note masked as free text unless whole).
 * The caller owns the result. Tickets' and supervised cases' timelines alike. */
struct json_object *hl_audit_entry_json(const struct redisReply *entry, int whole);
/* May who read t? Answers 404 "no such ticket", as for an id that does not exist, and
 * returns 0 when not: another unit cannot tell its ids from unused ones. */
int hl_ticket_readable(const struct hl_principal *who, const struct hl_ticket *t,
		       struct evhttp_request *req);

/* Registers the ticket endpoints. Return 0, or -1 when out of memory. */
int hl_intake_register(struct hl_service *svc);
int hl_ticket_view_register(struct hl_service *svc);
int hl_workflow_register(struct hl_service *svc);
int hl_explain_register(struct hl_service *svc);
/* Answers 503 to the explanations still waiting for a plugin, and frees them (at stop). */
void hl_explain_cancel_all(struct hl_service *svc);
int hl_reports_register(struct hl_service *svc);
/* GET and POST /v1/tickets/{id}/presence: who else has the ticket open (presence.c). */
int hl_presence_register(struct hl_service *svc);
/* GET /v1/calendar/deadline (calendar_api.c). */
int hl_calendar_api_register(struct hl_service *svc);
/* GET /v1/departments (departments_api.c). */
int hl_departments_api_register(struct hl_service *svc);

#endif
