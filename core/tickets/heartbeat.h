/*
 * This daemon in the shared registry hl:daemons, and taking over the routing work of a
 * daemon that is gone (core/README.md §10).
 *
 * The daemon registers when Redis is ready (lua/daemon_register.lua), which gives it its
 * lease holder tag: the short name its handed-off tickets carry (field lh), handed to the
 * dispatcher, which hands off nothing before it has one. Then it beats every
 * routing.heartbeat from the event loop (lua/daemon_heartbeat.lua: seen_ms on Redis's
 * clock), and the beat answers which other daemons have not beaten for the
 * routing.heartbeat_lapse they declared — once this daemon has beaten without a gap for
 * a whole lapse itself, so that a Redis restart or failover, or a stall of its own, does
 * not make everyone look dead. For each, one script (lua/daemon_takeover.lua) judges
 * again and takes over: the lapsed daemon's leases are made due (the escalation sweep
 * puts them on the routing stream), its stream entries move here for the dispatcher's
 * takeover scan, started at once, and the takeover is recorded on hl:ops. Only the first
 * daemon to run it for that one takes anything. A daemon that starts also looks, at its
 * registration, for a predecessor on the same node (host, boot, pid namespace) whose
 * process is gone, and takes it over at once (why 'gone'). routing.reclaim_idle stays
 * the backstop.
 *
 * A live daemon stalled longer than heartbeat_lapse - heartbeat (SIGSTOP, swapping) is
 * taken over too; its registry entry comes back at its next beat (event rejoined) and
 * what it was routing is dispatched once (route_commit checks the routing sequence).
 *
 * Ownership and calling context: the service and the dispatcher are borrowed and must
 * outlive the heartbeat; free it after the Redis client (whose freeing calls back the
 * commands still pending). Event loop only.
 */
#ifndef HL_HEARTBEAT_H
#define HL_HEARTBEAT_H

#include <stdint.h>

struct hl_dispatcher;
struct hl_heartbeat;
struct hl_service;
struct redisReply;

/* Starts beating (nothing is sent before hl_heartbeat_connected). Returns NULL when out
 * of memory. */
struct hl_heartbeat *hl_heartbeat_start(struct hl_service *svc, struct hl_dispatcher *disp);

/* Redis is ready (at start and after every reconnect): registers (event connected). */
void hl_heartbeat_connected(struct hl_heartbeat *hb);

/* After a reload: records the new generation (event reloaded); the beat follows the new
 * routing.heartbeat from its next tick. */
void hl_heartbeat_reloaded(struct hl_heartbeat *hb);

/* An orderly stop: beats no more and removes the entry (event stopped); fn(reply, arg)
 * is called with the answer (NULL when the connection went away). Returns -1 when it
 * could not be sent (fn is then never called). */
int hl_heartbeat_leave(struct hl_heartbeat *hb, void (*fn)(struct redisReply *, void *),
		       void *arg);

/* What this daemon took over since it started, for /metrics. */
struct hl_takeovers {
	uint64_t daemons;        /* daemons taken over */
	uint64_t leases;         /* their handed-off tickets' leases made due */
	uint64_t stream_entries; /* their entries on the routing stream moved here */
};
void hl_heartbeat_takeovers(const struct hl_heartbeat *hb, struct hl_takeovers *t_r);

void hl_heartbeat_free(struct hl_heartbeat *hb);

#endif
