/*
 * The outbox's writes to Redis (outbox.h), in the order plugins asked for them: puts
 * (XADD of a job on hl:outbox:<name>) and ends (lua/outbox_done.lua, or
 * lua/outbox_dead.lua to the dead letters). Each is sent at once when nothing waits
 * before it; while Redis is unreachable they wait here (HL_OUTBOX_WAITING_MAX at the
 * most) and are sent again, in order, at each flush (order matters for puts: a ticket's
 * jobs must be stored in the order they were asked). A write whose connection went away before Redis
 * answered is sent again later: a put may then be stored twice, which at-least-once
 * delivery allows, and is never dropped; ends are idempotent. After a stop, what the
 * connection loses is lost (puts counted, ends delivered again after the next start).
 *
 * The queue is the outbox's (embedded); the service and the targets are borrowed and
 * must outlive it. Event loop only.
 */
#ifndef HL_OUTBOX_QUEUE_H
#define HL_OUTBOX_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct hl_service;
struct hl_outbox_write;

#define HL_OUTBOX_WAITING_MAX 10000 /* writes kept while Redis is unreachable */

/* Where writes go: one plugin instance name's stream. Borrowed by every write. */
struct hl_outbox_target {
	const char *name; /* the plugin instance name (logs, the dead letter's origin) */
	const char *key;  /* its stream */
	void *owner;      /* handed to the queue's `stored` callback */
};

enum hl_outbox_end { HL_OUTBOX_DONE, HL_OUTBOX_DEAD };

struct hl_outbox_queue {
	struct hl_service *svc;
	void (*stored)(void *owner); /* a put was stored: the owner may read it now */
	struct hl_outbox_write *head, **tail; /* waiting for Redis, oldest first */
	size_t n;
	int stopped;
	uint64_t put;  /* puts stored */
	uint64_t lost; /* puts refused by Redis or here, lost at stop, or waiting at exit */
};

/* An empty queue; `stored` is called after each put Redis stored (never from inside a
 * call of this module's API). */
void hl_outbox_queue_init(struct hl_outbox_queue *q, struct hl_service *svc,
			  void (*stored)(void *owner));

/* Sends a put of `payload` (copied) to the target's stream, or keeps it for later.
 * Returns 0, -ENOMEM, or -ENOBUFS when HL_OUTBOX_WAITING_MAX writes wait already (counted
 * lost). */
int hl_outbox_queue_put(struct hl_outbox_queue *q, const struct hl_outbox_target *t,
			const void *payload, size_t len);

/* Sends an end of job `job_id` (dead: with ticket_id and reason, may be NULL), or keeps
 * it for later; the strings are copied. Returns 0, -ENOMEM or -ENOBUFS. */
int hl_outbox_queue_end(struct hl_outbox_queue *q, const struct hl_outbox_target *t,
			enum hl_outbox_end kind, const char *job_id, const char *ticket_id,
			const char *reason);

/* Sends what waits, in order, as far as Redis takes it. */
void hl_outbox_queue_flush(struct hl_outbox_queue *q);

/* Flushes, then keeps nothing more for later (see above). Calls after the first do
 * nothing more. */
void hl_outbox_queue_stop(struct hl_outbox_queue *q);

/* Drops what still waits (logged; puts among them counted lost). Writes in flight must
 * have been answered (the Redis client freed first). */
void hl_outbox_queue_free(struct hl_outbox_queue *q);

#endif
