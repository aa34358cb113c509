/*
 * The durable outbox behind host->outbox_put, outbox_done and outbox_dead and the
 * plugins' deliver hook: jobs a plugin must get done even if hotlined restarts, such as
 * the webhook's deliveries.
 *
 * Each plugin instance name has a Redis stream, hl:outbox:<name>, read through the
 * consumer group "deliver". A job is an entry (payload, at, from); it stays in the stream
 * until the plugin ends it (XACK + XDEL, or a move to hl:deadletter).
 *
 * One daemon at a time delivers a stream: the one holding its lease
 * (hl:outbox-lease:<name>, lua/outbox_lease.lua), which lives max(routing.reclaim_idle,
 * 1 s) and is extended every third of that. Whoever takes the lease first takes over
 * every job the stream has pending (XAUTOCLAIM from 0-0: left by a daemon that stopped
 * or died), then reads new ones (XREADGROUP ">", polled on the commands connection).
 * Pending entries are all older than unread ones, so jobs reach the plugin in the order
 * they were put, across daemons and restarts; the plugin keeps per-ticket order from
 * there. Delivery is at least once: a daemon that loses its lease while still working
 * (Redis unreachable for longer than the lease) may finish jobs its successor also took.
 *
 * A job handed to a plugin instance holds a reference to that instance's world until it
 * is ended, and after a reload a stream's new jobs go to the new instance only once the
 * old one has ended all of its own (so a ticket's deliveries never overtake each other
 * across a reload). Everything runs on the event loop.
 */
#ifndef HL_OUTBOX_H
#define HL_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

struct hl_service;
struct hl_outbox;
struct hl_self;

/* Starts looking for plugins with a deliver hook in svc->world (at every poll, so a reload
 * is seen) and delivering their streams once Redis is ready. The daemon makes it the
 * outbox of its host links (host_links.h), so that plugins' calls reach hl_outbox_put,
 * hl_outbox_done and hl_outbox_dead. Returns NULL when out of memory. The daemon must
 * outlive it. */
struct hl_outbox *hl_outbox_start(struct hl_service *svc);

/* Stops reading and gives up the leases this daemon holds (so that another daemon takes
 * over at once); jobs with plugins stay pending in Redis. Ends still sent now are
 * sent. NULL is allowed; calls after the first do nothing. */
void hl_outbox_stop(struct hl_outbox *ob);

/* Frees it after the event loop has ended, dropping the world references of jobs still
 * with plugins (which may retire those plugins). NULL is allowed. */
void hl_outbox_free(struct hl_outbox *ob);

/* host->outbox_put, host->outbox_done and host->outbox_dead for a plugin instance
 * (plugin_host.c); see struct hl_host for their contract. */
int hl_outbox_put(struct hl_outbox *ob, struct hl_self *self, const void *payload, size_t len);
void hl_outbox_done(struct hl_outbox *ob, struct hl_self *self, const char *job_id);
void hl_outbox_dead(struct hl_outbox *ob, struct hl_self *self, const char *job_id,
		    const char *ticket_id, const char *reason);

/* Counters since start, for health and metrics. */
struct hl_outbox_stats {
	uint64_t put;     /* jobs stored */
	uint64_t handed;  /* jobs handed to a deliver hook (again after a takeover) */
	uint64_t done;    /* ended with outbox_done */
	uint64_t dead;    /* ended with outbox_dead */
	uint64_t lost;    /* puts Redis refused or that were still waiting at exit */
	size_t held;      /* jobs with plugins now */
	size_t waiting;   /* puts and ends waiting for Redis now */
	size_t leases;    /* streams this daemon delivers now */
};
void hl_outbox_stats(const struct hl_outbox *ob, struct hl_outbox_stats *stats_r);

#endif
