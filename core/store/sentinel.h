/*
 * Finding the Redis primary through Redis Sentinel (redis.sentinels, redis.master_name)
 * and hearing when it changes. store/redis.c drives it:
 *  - a round asks the sentinels in turn, in the configured order, `SENTINEL
 *    get-master-addr-by-name <name>`, each on a connection of its own closed after the
 *    answer and bounded by the connect timeout; a sentinel that is down, slow or answers
 *    an error is skipped (log `sentinel_unreachable sentinel=IP:port error=...`);
 *  - a fourth, lasting connection subscribes to `+switch-master` on one reachable
 *    sentinel, and on another when that one goes away.
 * The caller checks the named node with ROLE; when it is not the master it says so
 * (hl_sentinel_wrong_node) and the next round starts after the sentinel that named it.
 * Everything runs on the event loop; the hooks are never called from inside a call of
 * this module's functions.
 */
#ifndef HL_SENTINEL_H
#define HL_SENTINEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/options.h"

struct event_base;
struct hl_sentinel;

struct hl_sentinel_hooks {
	/* A sentinel named the primary (host an IP literal). */
	void (*found)(void *arg, const char *host, int port);
	/* No sentinel named it in this round. */
	void (*none)(void *arg);
	/* +switch-master for our master: the new primary. */
	void (*switched)(void *arg, const char *host, int port);
	void *arg;
};

/* Starts the subscription; rounds start with hl_sentinel_ask. list and master_name are
 * copied; hooks is copied. timeout_ms bounds each connection attempt and question;
 * retry_min_ms..retry_max_ms spaces the subscription's attempts. NULL when out of
 * memory. */
struct hl_sentinel *hl_sentinel_start(struct event_base *base, const struct hl_address *list,
				      size_t n, const char *master_name, int64_t timeout_ms,
				      int64_t retry_min_ms, int64_t retry_max_ms,
				      const struct hl_sentinel_hooks *hooks);

/* Starts a round unless one runs: hooks.found or hooks.none is called once, later. */
void hl_sentinel_ask(struct hl_sentinel *s);
/* Drops a round under way without calling back (the primary changed meanwhile). */
void hl_sentinel_cancel(struct hl_sentinel *s);
/* The node the last round found (named, "IP:port") answered ROLE with `role`, not
 * master: logs `sentinel_wrong_node`, and the next round starts after that sentinel. */
void hl_sentinel_wrong_node(struct hl_sentinel *s, const char *named, const char *role);

/* Closes every connection; no hook is called after this. NULL is ignored. */
void hl_sentinel_free(struct hl_sentinel *s);

/* For /healthz: the sentinels in order ("IP:port"), whether each answered the last time
 * it was asked (1), failed (0) or was not asked yet (-1), its last error ("" when none),
 * and the one the subscription is on ("" when none). Borrowed. */
size_t hl_sentinel_count(const struct hl_sentinel *s);
const char *hl_sentinel_addr(const struct hl_sentinel *s, size_t i);
int hl_sentinel_answered(const struct hl_sentinel *s, size_t i);
const char *hl_sentinel_error(const struct hl_sentinel *s, size_t i);
const char *hl_sentinel_subscribed(const struct hl_sentinel *s);

#endif
