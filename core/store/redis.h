/*
 * The daemon's three Redis connections (hiredis 0.14 async on libevent):
 *  - "commands": every ordinary command and the Lua scripts, which it loads (SCRIPT LOAD)
 *    at each connect before it reports ready;
 *  - "blocking": kept apart for blocking reads (XREADGROUP BLOCK), so that they never
 *    hold up commands;
 *  - "events": the live events' tail of the event stream (XREAD BLOCK,
 *    tickets/live_events.c), apart from the dispatcher's reads on "blocking".
 * Each connection has its own connect timeout (hiredis 0.14 has none) and reconnects by
 * itself with exponential backoff and jitter, from a timer, never from inside a hiredis
 * callback. Everything runs on the event loop.
 */
#ifndef HL_REDIS_H
#define HL_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include "store/scripts.h"

struct event_base;
struct hl_config;
struct redisReply;
struct hl_redis;

enum hl_redis_state {
	HL_REDIS_DOWN,       /* waiting to reconnect */
	HL_REDIS_CONNECTING, /* connect in progress */
	HL_REDIS_LOADING,    /* connected, loading scripts */
	HL_REDIS_READY,      /* usable */
	HL_REDIS_STOPPED     /* closed for good by hl_redis_stop */
};

enum hl_redis_link_id { HL_REDIS_COMMANDS, HL_REDIS_BLOCKING, HL_REDIS_EVENTS, HL_REDIS_LINKS };

/* A reply callback. reply is NULL when the connection went away before the answer (the
 * command may or may not have run); otherwise it is borrowed for the call, and may be an
 * error reply (REDIS_REPLY_ERROR). Called exactly once per accepted command. */
typedef void (*hl_redis_reply_fn)(struct redisReply *reply, void *arg);

/* Called each time the commands connection becomes ready (scripts loaded). */
typedef void (*hl_redis_ready_fn)(void *arg);

/* Creates the client from the configuration's redis section and starts connecting.
 * Returns NULL when out of memory. The configuration is only read during the call. */
struct hl_redis *hl_redis_start(struct event_base *base, const struct hl_config *cfg,
				hl_redis_ready_fn on_ready, void *arg);

/* Called when the store's layout is not the one required: `found` is what the store
 * holds ("1", "3", or "1>2" while a migration runs). The commands link is left not ready
 * (nothing is read or written); what to do is the caller's. */
typedef void (*hl_redis_refused_fn)(void *arg, const char *found);

/* Makes every connect check the store's layout (store/layout.h, lua/layout_check.lua)
 * after loading the scripts and before reporting ready; an empty store gets `layout`.
 * The other links serve no command until the commands link is ready. Call right after
 * hl_redis_start (the first connect completes on the event loop, later). prefix is
 * copied. */
void hl_redis_require_layout(struct hl_redis *r, const char *prefix, int layout,
			     hl_redis_refused_fn refused, void *arg);

/* Runs a script by SHA (EVALSHA) on the commands connection, with nkeys of argv being
 * keys. When Redis has lost the script (NOSCRIPT, e.g. after SCRIPT FLUSH), sends it once
 * more with its source and reloads all scripts. Returns 0 when accepted (fn will be
 * called once), or -1 when the connection is not ready (fn will not be called): the
 * caller answers 503. argv strings are copied before the call returns. */
int hl_redis_eval(struct hl_redis *r, enum hl_script_id script, hl_redis_reply_fn fn, void *arg,
		  int nkeys, int argc, const char **argv, const size_t *lens);

/* Runs a script that acts on tickets with the leading arguments lua/lib.lua reads first:
 * ARGV = prefix (the key prefix), now_ms (the time it acts at), actor and role (who acts,
 * for the audit trail), then argv[0..argc) (lens may be NULL for NUL-terminated
 * arguments). No keys. Returns as hl_redis_eval does. */
#define HL_REDIS_EVAL_AS_ARGS_MAX 124 /* argv of hl_redis_eval_as, after the leading four;
					  callers check their most with _Static_assert */
int hl_redis_eval_as(struct hl_redis *r, const char *prefix, int64_t now_ms, const char *actor,
		     const char *role, enum hl_script_id script, hl_redis_reply_fn fn, void *arg,
		     int argc, const char **argv, const size_t *lens);

/* Sends one command (argv[0] is its name) on a link: HL_REDIS_BLOCKING for blocking
 * reads, HL_REDIS_EVENTS for the live events' tail, HL_REDIS_COMMANDS otherwise. lens may be NULL for NUL-terminated arguments.
 * Returns 0 when sent (fn will be called once), or -1 when that link is not ready. */
int hl_redis_command(struct hl_redis *r, enum hl_redis_link_id link, hl_redis_reply_fn fn,
		     void *arg, int argc, const char **argv, const size_t *lens);

/* Closes every connection once their pending replies have arrived, then calls done(arg),
 * possibly before returning when nothing is pending. No reconnects happen after this. Calls after the first, and calls
 * made while the client is being freed, do nothing. */
void hl_redis_stop(struct hl_redis *r, void (*done)(void *arg), void *arg);

/* Frees the client. Commands still pending are called back with a NULL reply. */
void hl_redis_free(struct hl_redis *r);

/* State of one connection, for health reports. */
enum hl_redis_state hl_redis_state(const struct hl_redis *r, enum hl_redis_link_id link);
const char *hl_redis_state_name(enum hl_redis_state state);
/* Times a connection was re-established after it had been up once. */
uint64_t hl_redis_reconnects(const struct hl_redis *r, enum hl_redis_link_id link);
/* The last connection error, "" when none. Borrowed. */
const char *hl_redis_last_error(const struct hl_redis *r, enum hl_redis_link_id link);
/* Where the client connects: the socket path or host:port (in sentinel mode the node
 * last named, "" before any). Borrowed. */
const char *hl_redis_target(const struct hl_redis *r);

/* Sentinel mode (redis.sentinels, store/sentinel.h): the primary the commands link
 * confirmed with ROLE, "" while unknown; whether it is failing over (from losing the
 * primary until a confirmed one is ready again: commands answer 503 meanwhile); how many
 * times the confirmed primary changed; the sentinels' state (NULL in the single-Redis
 * modes, and once stopping). For one Redis: the target, 0, 0. Borrowed. */
const char *hl_redis_primary(const struct hl_redis *r);
int hl_redis_failing_over(const struct hl_redis *r);
uint64_t hl_redis_failovers(const struct hl_redis *r);
struct hl_sentinel;
const struct hl_sentinel *hl_redis_sentinel(const struct hl_redis *r);
/* Acknowledged means replicated (redis.min_replicas_ack, store/replica_ack.h): the
 * replies of the scripts that write records (scripts.h, HL_WRITES_RECORDS) come once N
 * replicas have confirmed them, or as an error reply beginning "NOTREPLICATED " when
 * they did not within redis.wait_timeout (the write is on the primary) or are known
 * missing (the write was refused before it was sent; the callback comes from the event
 * loop, after hl_redis_eval returned 0). Read-only scripts and plain commands never wait.
 * N, 0 for none: */
int hl_redis_min_replicas_ack(const struct hl_redis *r);
/* 0 while fewer than N replicas are known to be there (writes refused), else 1. */
int hl_redis_replicas_ok(const struct hl_redis *r);
/* Replicas online at the last probe of INFO replication (every second); -1 when N is 0
 * or before the first probe. */
int hl_redis_connected_replicas(const struct hl_redis *r);
/* Writes answered NOTREPLICATED since start. */
uint64_t hl_redis_not_replicated(const struct hl_redis *r);
/* In a callback given a NOTREPLICATED error for a write that ran on the primary, the
 * script's own reply (borrowed for the callback); else NULL. */
const struct redisReply *hl_redis_unconfirmed(const struct hl_redis *r,
					      const struct redisReply *reply);
/* Why Redis cannot take a request now, for 503 answers and their count in /metrics:
 * "failing_over" from losing the primary until a confirmed one is ready (sentinel
 * mode), "not_replicated" while the commands link is up and replicas are missing, else
 * "redis_down". Borrowed, static. */
const char *hl_redis_unavailable_cause(const struct hl_redis *r);

#endif
