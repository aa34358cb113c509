/*
 * The dispatcher (派单): takes received tickets from the routing stream (hl:intake) through
 * the consumer group "route" shared by every hotlined on this Redis, routes each through
 * the plugins (router.h) and commits the result in one Lua step (lua/route_commit.lua),
 * which also acknowledges the entry. Entries a stopped or killed daemon left pending are
 * taken over (XAUTOCLAIM) once idle for routing.reclaim_idle, one at a time (each claimed
 * when the one before it is routed; the scan goes on until none is left), so that a
 * ticket that killed the daemon cannot take its neighbours' attempts
 * (routing.max_attempts) with it. The
 * commit is idempotent, so a reclaimed ticket is still dispatched exactly once. Runs on
 * the event loop.
 */
#ifndef HL_DISPATCHER_H
#define HL_DISPATCHER_H

#include <stddef.h>

struct hl_daemon;
struct hl_dispatcher;

/* Starts reading once Redis is ready (it retries by itself while it is not). Returns
 * NULL when out of memory. The daemon must outlive the dispatcher. */
struct hl_dispatcher *hl_dispatcher_start(struct hl_daemon *d);

/* Stops taking new work; the tickets being routed are routed and committed, and then
 * drained(arg) is called (at once when there are none, or disp is NULL). Redis must stay
 * open until then. Should the daemon end before (its shutdown_timeout), their entries
 * stay pending for another daemon, or the next start, to take over. */
void hl_dispatcher_stop(struct hl_dispatcher *disp, void (*drained)(void *arg), void *arg);

/* Frees it after the event loop has ended; work still in flight is dropped (its entries
 * stay pending in Redis and are reclaimed). */
void hl_dispatcher_free(struct hl_dispatcher *disp);

#endif
