/*
 * The dispatcher (派单): takes received tickets from the routing stream (hl:intake) through
 * the consumer group "route" shared by every hotlined on this Redis (store/stream.h),
 * routes each through the plugins (router.h) and commits the result in one Lua step
 * (lua/route_commit.lua), which also acknowledges and deletes the entry; one entry's way
 * through that is dispatch_job.h.
 *
 * Entries a stopped or killed daemon left pending are taken over (XAUTOCLAIM) once idle
 * for routing.reclaim_idle, one at a time: each is claimed when the one before it is
 * routed, a scan goes through every pending entry, and those not idle long enough yet
 * wait for the next scan (every reclaim_idle / 2). So a ticket that killed a daemon
 * cannot use up its neighbours' attempts (routing.max_attempts). The commit is
 * idempotent, so a taken-over ticket is still dispatched exactly once. Runs on the event
 * loop.
 */
#ifndef HL_DISPATCHER_H
#define HL_DISPATCHER_H

#include <stddef.h>
#include <stdint.h>

struct hl_dispatcher;
struct hl_service;
struct hl_ticket;
struct redisReply;

/* Starts reading once Redis is ready (it retries by itself while it is not). Returns
 * NULL when out of memory. The service (the daemon) must outlive the dispatcher. */
struct hl_dispatcher *hl_dispatcher_start(struct hl_service *svc);

/* Hand-off (routing.hand_off, issue 14): intake reserves a place among the tickets
 * routed at once before it creates a ticket with a routing lease instead of a stream
 * entry (lua/ticket_create.lua), then gives the created ticket to the dispatcher, which
 * routes it from the fields intake holds and the related tickets the create read, with
 * no load and no stream. A lease that runs out (the daemon died) puts the ticket on the
 * routing stream (lua/due_claim.lua).
 * hl_dispatcher_reserve: 0 when there is room (the place is held until take or
 * unreserve), -1 when not (full, stopping, or disp NULL): create with a stream entry. */
int hl_dispatcher_reserve(struct hl_dispatcher *disp);

/* The lease holder tag of this daemon (tickets/heartbeat.h; copied, at most 15 bytes),
 * which its handed-off tickets carry (field lh) so that their leases can be taken over
 * when it is gone. Until it is set, hl_dispatcher_reserve refuses: no hand-off. */
void hl_dispatcher_set_holder(struct hl_dispatcher *disp, const char *tag);
/* The tag, "" when none yet. Borrowed: valid while the dispatcher lives. */
const char *hl_dispatcher_holder(const struct hl_dispatcher *disp);

/* Gives back a place reserved for a ticket that was not created (an error, a replay). */
void hl_dispatcher_unreserve(struct hl_dispatcher *disp);

/* Routes a ticket created in the reserved place: its fields (borrowed for the call) and
 * the related tickets, elements related_from.. of the create's reply. On failure (out
 * of memory) it is left to its lease. */
void hl_dispatcher_take(struct hl_dispatcher *disp, const struct hl_ticket *ticket,
			const struct redisReply *reply, size_t related_from);

/* A dead daemon's entries were moved here, marked idle (lua/daemon_takeover.lua): starts
 * the takeover scan now, or again as soon as the one under way ends. */
void hl_dispatcher_take_over_now(struct hl_dispatcher *disp);

/* After a reload: the takeover scan follows the new routing.reclaim_idle from now on. */
void hl_dispatcher_reconfigured(struct hl_dispatcher *disp);

/* Stops taking new work. The tickets being routed, and those a read or takeover claim
 * under way brings, are routed and committed; then drained(arg) is called (at once when
 * nothing is in flight, or disp is NULL). Redis must stay open until then. After
 * within_ms, tickets still waiting for a plugin are given up (their entries stay pending
 * for another daemon, or the next start, to take over) and reads or claims under way are
 * no longer waited for. */
void hl_dispatcher_stop(struct hl_dispatcher *disp, int64_t within_ms,
			void (*drained)(void *arg), void *arg);

/* Frees it after the event loop has ended; work still in flight is dropped (its entries
 * stay pending in Redis and are reclaimed). */
void hl_dispatcher_free(struct hl_dispatcher *disp);

#endif
