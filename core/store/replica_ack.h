/*
 * Acknowledged means replicated (redis.min_replicas_ack, issue 18, core/README.md §10):
 * the reply of a write script is held until a WAIT sent after it on the same connection
 * says that N replicas have it. Group commit: one WAIT is outstanding at a time and
 * covers every write whose reply came before its own (a connection answers in order,
 * and Redis runs nothing of a client blocked in WAIT, so a write sent after a WAIT is
 * answered after it and waits for the next one).
 *
 * When WAIT answers fewer than N, the held writes of scripts that answer clients
 * (HL_WRITES_RECORDS) get a NOTREPLICATED error reply instead of their own (the write is
 * on the primary, not confirmed), those of the daemon's own work (HL_WRITES_WORK) their
 * own reply; and the replicas are "missing": records are refused at once (the same
 * error, nothing sent) until a probe (INFO replication, every second) sees N replicas
 * online that have acknowledged everything the primary held at its first look after the
 * failure. The probe also marks them missing when fewer than N are connected at all.
 *
 * redis.c owns one of these when min_replicas_ack is above 0 and reaches it through
 * small hooks; this module reaches Redis only through the link redis.c hands it (a
 * module of its own may not call back into redis.c). Event loop only.
 */
#ifndef HL_STORE_REPLICA_ACK_H
#define HL_STORE_REPLICA_ACK_H

#include <stdint.h>

struct event_base;
struct redisReply;
struct hl_replica_ack;

/* The same shape as store/redis.h's hl_redis_reply_fn. */
typedef void (*hl_ack_reply_fn)(struct redisReply *reply, void *arg);

/* How this module sends a plain command on the commands connection: returns 0 when sent
 * (fn is then called once, with NULL when the connection went away), -1 when the
 * connection is not ready or is stopping. */
struct hl_replica_ack_link {
	int (*command)(void *ctx, hl_ack_reply_fn fn, void *arg, int argc, const char **argv);
	void *ctx;
};

/* Starts waiting for n replicas (n > 0) with WAIT's timeout_ms, and the probe. link is
 * copied. NULL when out of memory. */
struct hl_replica_ack *hl_replica_ack_new(struct event_base *base,
					  const struct hl_replica_ack_link *link, int n,
					  int64_t timeout_ms);

/* Frees it. Call after the connection is freed (its pending WAIT and probe called back
 * with NULL): writes still held, and refusals not yet delivered, get NULL. */
void hl_replica_ack_free(struct hl_replica_ack *a);

/* A write's reply came (not NULL, not an error): holds fn(reply, arg) until its WAIT
 * answers, keeping reply alive past the callback it came in (store/reply_arena.h).
 * strict: a NOTREPLICATED error replaces the reply when the replicas do not confirm
 * (HL_WRITES_RECORDS); else the reply comes anyway. When the connection goes before the
 * WAIT's answer, each gets NULL, as any command whose answer was lost. A record whose reply comes while the
 * replicas are missing (it was sent before they were found so) gets the error at once.
 * Called from that reply callback. */
void hl_replica_ack_hold(struct hl_replica_ack *a, hl_ack_reply_fn fn, void *arg,
			 struct redisReply *reply, int strict);

/* 1 while the replicas are not known missing: records may be sent. */
int hl_replica_ack_ok(const struct hl_replica_ack *a);

/* Refuses a record while the replicas are missing: fn gets the NOTREPLICATED error from
 * the event loop, soon, never before this returns. Returns 0, or -1 when out of memory
 * (fn will not be called). */
int hl_replica_ack_refuse(struct hl_replica_ack *a, hl_ack_reply_fn fn, void *arg);

/* Within a callback given a NOTREPLICATED error for a write that ran on the primary: the
 * write's own reply (borrowed for the callback). NULL for any other reply, and for a
 * write refused before it was sent. */
const struct redisReply *hl_replica_ack_unconfirmed(const struct hl_replica_ack *a,
						    const struct redisReply *reply);

/* For /healthz and /metrics: n; replicas online at the last probe (-1 before one);
 * writes answered NOTREPLICATED (held then not confirmed, or refused). */
int hl_replica_ack_wanted(const struct hl_replica_ack *a);
int hl_replica_ack_connected(const struct hl_replica_ack *a);
uint64_t hl_replica_ack_not_replicated(const struct hl_replica_ack *a);

#endif
