/*
 * One entry of the routing stream taken through routing, for the dispatcher
 * (dispatcher.h): its ticket loaded with the related open tickets (lua/route_load.lua,
 * which counts the attempt), routed through the plugins (host/router.h), and the result
 * committed with its SLA clocks (lua/route_commit.lua, which also acknowledges and
 * deletes the entry); a ticket loaded more than routing.max_attempts times goes to manual
 * dispatch without the plugins. The dispatcher is the actor in the audit trail. Which
 * entries, how many at once and what happens after a job is the dispatcher's. Event loop
 * only.
 */
#ifndef HL_DISPATCH_JOB_H
#define HL_DISPATCH_JOB_H

#include <stdint.h>

#include "base/ticket.h"

struct event;
struct hl_route_run;
struct hl_service;
struct redisReply;
struct hl_stream_entry;
struct hl_world;

/* Related open tickets (same phone or address) routing reads with a ticket, at most. */
#define HL_RELATED_MAX "10"

/* A routing stream entry: its stream id ("" for a ticket handed off at intake, which has
 * none), which ticket, at which routing sequence. */
struct hl_dispatch_entry {
	char entry[48], id[32], seq[16];
};

struct hl_dispatch_job;

/* Called once when the job is over: committed (or found stale), or given up with its
 * entry left pending (Redis failed, or the owner's stop flag was set). The job may then
 * be released and freed from inside the call. */
typedef void (*hl_dispatch_job_fn)(struct hl_dispatch_job *job, void *arg);

/* The caller owns the struct (usually embedded in its own); read `e`, the rest is the
 * module's. */
struct hl_dispatch_job {
	struct hl_dispatch_entry e;
	struct hl_service *svc;
	struct hl_world *world;       /* the generation it is routed with, until released */
	const int *stop;              /* the owner's: once set, a loaded ticket is not routed */
	hl_dispatch_job_fn ended;
	void *arg;
	struct hl_ticket ticket;      /* loaded */
	struct hl_route_run *routing; /* while a plugin is awaited */
	int64_t start_ns;             /* for the routing time histogram */
	struct event *start;          /* a hand-off's deferred start (freed on release) */
	int taken_over;               /* the entry was taken over from another daemon */
};

/* Starts the job on a routing stream entry (borrowed for the call; its fields id and seq
 * are copied) by loading its ticket, with the generation in service. taken_over: the
 * entry was claimed from another daemon (its first delivery was not to this one), which
 * route_load counts as an attempt that may have killed a daemon. `stop` points at
 * the owner's flag (it must outlive the job). Returns 0 when the load was sent: ended is
 * then called exactly once, from the event loop, never from inside this call. Returns -1
 * when it could not be sent (Redis not ready; the entry stays pending): ended is never
 * called. Either way the caller releases the job with hl_dispatch_job_release. */
int hl_dispatch_job_start(struct hl_dispatch_job *job, struct hl_service *svc,
			  const struct hl_stream_entry *entry, int taken_over, const int *stop,
			  hl_dispatch_job_fn ended, void *arg);

/* Starts the job on a ticket this daemon has just created and handed off to itself
 * (lua/ticket_create.lua with a routing lease; no stream entry, route sequence 1): its
 * fields (`id` among them) and the related tickets, elements related_from.. of the
 * create's reply, are copied; routing begins from the event loop. Returns 0, ended then
 * called exactly once and never from inside this call; or -1 when out of memory (the
 * lease then runs out and another daemon routes the ticket): ended is never called.
 * Either way the caller releases the job with hl_dispatch_job_release. */
int hl_dispatch_job_take(struct hl_dispatch_job *job, struct hl_service *svc,
			 const struct hl_ticket *ticket, const struct redisReply *reply,
			 size_t related_from, const int *stop, hl_dispatch_job_fn ended, void *arg);

/* Whether the job is waiting for a plugin's answer (not for Redis). */
int hl_dispatch_job_waits_for_plugin(const struct hl_dispatch_job *job);

/* Frees what the job holds (a plugin wait is cancelled; ended is not called) but not the
 * struct. Only when no script of it is in flight: after -1 from start, once ended was
 * called, while it waits for a plugin, or after the Redis client was freed. */
void hl_dispatch_job_release(struct hl_dispatch_job *job);

#endif
