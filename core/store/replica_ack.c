/* Writes held until WAIT confirms their replicas, and the probe that says when replicas
 * are back; see replica_ack.h. */
#include "store/replica_ack.h"

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "store/reply_arena.h"

#define PROBE_MS 1000

/* A write whose reply came, waiting for its WAIT. */
struct held {
	struct held *next;
	hl_ack_reply_fn fn;
	void *arg;
	redisReply *reply; /* kept (reply_arena.h) until the callback has run */
	int strict;
};

/* A record refused while the replicas are missing, told on the next loop turn. */
struct refusal {
	struct refusal *next;
	hl_ack_reply_fn fn;
	void *arg;
};

/* First-in first-out queues (list.h adds at the front only): answers go out in the order
 * the writes were answered by Redis. */
struct hl_replica_ack {
	struct hl_replica_ack_link link;
	int n;
	int64_t timeout_ms;
	char n_text[16], timeout_text[24];
	struct held *held, **held_tail;
	int waiting; /* a WAIT is outstanding: every write held now came before its answer */
	int missing; /* fewer than n replicas: records are refused */
	long long target; /* while missing: the primary's offset the replicas must have
			     acknowledged to be back (-1: not looked at yet) */
	int connected;    /* online replicas at the last probe, -1 before one */
	int probing;
	uint64_t not_replicated;
	struct refusal *refused, **refused_tail;
	struct event *flush, *probe;
	redisReply error;           /* the NOTREPLICATED reply handed to callbacks */
	char error_text[200];
	const redisReply *original; /* the write's own reply while error is handed over */
};

static void deliver_error(struct hl_replica_ack *a, hl_ack_reply_fn fn, void *arg,
			  const redisReply *original)
{
	a->error = (redisReply){.type = REDIS_REPLY_ERROR,
				.str = a->error_text,
				.len = strlen(a->error_text)};
	a->original = original;
	a->not_replicated++;
	fn(&a->error, arg);
	a->original = NULL;
}

static void mark_missing(struct hl_replica_ack *a, const char *source, long long confirmed)
{
	if (a->missing)
		return;
	a->missing = 1;
	a->target = -1;
	hl_log(HL_LOG_WARN, "redis",
	       "replicas_missing source=%s confirmed=%lld wanted=%d action=refuse_writes", source,
	       confirmed, a->n);
}

static void mark_back(struct hl_replica_ack *a, const char *source)
{
	if (!a->missing)
		return;
	a->missing = 0;
	hl_log(HL_LOG_INFO, "redis", "replicas_back source=%s connected=%d wanted=%d", source,
	       a->connected, a->n);
}

static void send_wait(struct hl_replica_ack *a);

/* The WAIT answered `confirmed` replicas (-1: the connection went away, -2: WAIT could
 * not be sent): every write held now is answered. */
static void finish(struct hl_replica_ack *a, long long confirmed)
{
	struct held *h = a->held;

	a->held = NULL;
	a->held_tail = &a->held;
	if (confirmed >= a->n)
		mark_back(a, "wait");
	else if (confirmed >= 0)
		mark_missing(a, "wait", confirmed);
	snprintf(a->error_text, sizeof(a->error_text),
		 "NOTREPLICATED the write reached the primary; %lld of %d replicas confirmed it "
		 "within %lld ms",
		 confirmed > 0 ? confirmed : 0, a->n, (long long)a->timeout_ms);
	while (h) {
		struct held *next = h->next;

		if (confirmed == -1 || (confirmed == -2 && h->strict))
			h->fn(NULL, h->arg); /* as for any command whose answer was lost: no
						WAIT answered (the link went, or is closing) */
		else if (confirmed >= a->n || !h->strict)
			h->fn(h->reply, h->arg);
		else
			deliver_error(a, h->fn, h->arg, h->reply);
		hl_reply_arena_release(h->reply);
		free(h);
		h = next;
	}
	if (a->held && !a->waiting) /* not expected: a callback's write came back at once */
		send_wait(a);
}

static void waited(redisReply *reply, void *arg)
{
	struct hl_replica_ack *a = arg;

	a->waiting = 0;
	if (!reply)
		finish(a, -1);
	else if (reply->type == REDIS_REPLY_INTEGER)
		finish(a, reply->integer);
	else {
		hl_log(HL_LOG_ERROR, "redis", "wait_failed error=\"%s\"",
		       reply->type == REDIS_REPLY_ERROR ? reply->str : "not an integer");
		finish(a, 0);
	}
}

static void send_wait(struct hl_replica_ack *a)
{
	const char *argv[] = {"WAIT", a->n_text, a->timeout_text};

	if (a->link.command(a->link.ctx, waited, a, 3, argv) == 0)
		a->waiting = 1;
	else
		finish(a, -2);
}

void hl_replica_ack_hold(struct hl_replica_ack *a, hl_ack_reply_fn fn, void *arg,
			 struct redisReply *reply, int strict)
{
	struct held *h;

	if (a->missing && strict) {
		/* sent before the replicas were found missing (behind the WAIT that found it):
		 * answered as the writes refused since, without a WAIT of its own */
		snprintf(a->error_text, sizeof(a->error_text),
			 "NOTREPLICATED the write reached the primary; fewer than %d replicas are "
			 "known to be connected",
			 a->n);
		deliver_error(a, fn, arg, reply);
		return;
	}
	if (!(h = malloc(sizeof(*h)))) { /* out of memory: never a 2xx unconfirmed */
		if (strict) {
			snprintf(a->error_text, sizeof(a->error_text),
				 "NOTREPLICATED the write reached the primary; out of memory "
				 "waiting for %d replicas",
				 a->n);
			deliver_error(a, fn, arg, reply);
		} else {
			fn(reply, arg);
		}
		return;
	}
	*h = (struct held){NULL, fn, arg, reply, strict};
	hl_reply_arena_keep(reply);
	*a->held_tail = h;
	a->held_tail = &h->next;
	if (!a->waiting)
		send_wait(a);
}

int hl_replica_ack_ok(const struct hl_replica_ack *a)
{
	return !a->missing;
}

static void flush_refused(evutil_socket_t fd, short what, void *arg)
{
	struct hl_replica_ack *a = arg;
	struct refusal *r = a->refused;

	(void)fd;
	(void)what;
	a->refused = NULL;
	a->refused_tail = &a->refused;
	snprintf(a->error_text, sizeof(a->error_text),
		 "NOTREPLICATED the write was not sent; fewer than %d replicas are known to be "
		 "connected",
		 a->n);
	while (r) {
		struct refusal *next = r->next;

		deliver_error(a, r->fn, r->arg, NULL);
		free(r);
		r = next;
	}
}

int hl_replica_ack_refuse(struct hl_replica_ack *a, hl_ack_reply_fn fn, void *arg)
{
	struct refusal *r = malloc(sizeof(*r));

	if (!r)
		return -1; /* out of memory: the caller answers as for a link not ready */
	*r = (struct refusal){NULL, fn, arg};
	*a->refused_tail = r;
	a->refused_tail = &r->next;
	event_active(a->flush, EV_TIMEOUT, 1);
	return 0;
}

const struct redisReply *hl_replica_ack_unconfirmed(const struct hl_replica_ack *a,
						    const struct redisReply *reply)
{
	return a && reply == &a->error ? a->original : NULL;
}

/* "name:value" lines of INFO; the value of `name` as a number, or -1. */
static long long info_number(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len <= n || strncmp(line, name, n) != 0)
		return -1;
	return strtoll(line + n, NULL, 10);
}

/* A replica's line of INFO replication:
 * "slave0:ip=127.0.0.1,port=6392,state=online,offset=1234,lag=0". */
static int replica_line(const char *line, size_t len, long long *offset_r)
{
	char text[256];
	const char *at;

	if (len < 6 || strncmp(line, "slave", 5) != 0 || len >= sizeof(text))
		return 0;
	memcpy(text, line, len);
	text[len] = '\0';
	if (!strstr(text, ",state=online,") || !(at = strstr(text, ",offset=")))
		return 0;
	*offset_r = strtoll(at + 8, NULL, 10);
	return 1;
}

static void probed(redisReply *reply, void *arg)
{
	struct hl_replica_ack *a = arg;
	long long master_offset = -1, offset;
	int online = 0, caught_up = 0, master = 0;
	const char *p;

	a->probing = 0;
	if (!reply || reply->type != REDIS_REPLY_STRING)
		return; /* the connection is going; the next probe asks again */
	for (p = reply->str; *p;) {
		size_t len = strcspn(p, "\r\n");

		if (len == 11 && strncmp(p, "role:master", 11) == 0)
			master = 1;
		else if (info_number(p, len, "master_repl_offset:") >= 0)
			master_offset = info_number(p, len, "master_repl_offset:");
		else if (replica_line(p, len, &offset)) {
			online++;
			if (a->target >= 0 && offset >= a->target)
				caught_up++;
		}
		p += len;
		p += strspn(p, "\r\n");
	}
	a->connected = master ? online : 0;
	if (!master)
		return; /* a replica answers READONLY to writes: the failover's to handle */
	if (!a->missing) {
		if (online < a->n)
			mark_missing(a, "probe", online);
	} else if (a->target < 0 || master_offset < a->target) {
		/* the first look after the failure; or the primary's offsets started over
		 * below the target (Redis restarted, a replica that lagged was promoted),
		 * which its replicas could never reach */
		a->target = master_offset;
	} else if (caught_up >= a->n) {
		mark_back(a, "probe");
	}
	/* a replica that was only slow (not stopped) is back by the next probe */
}

static void probe_tick(evutil_socket_t fd, short what, void *arg)
{
	struct hl_replica_ack *a = arg;
	const char *argv[] = {"INFO", "replication"};

	(void)fd;
	(void)what;
	if (!a->probing && a->link.command(a->link.ctx, probed, a, 2, argv) == 0)
		a->probing = 1;
}

struct hl_replica_ack *hl_replica_ack_new(struct event_base *base,
					  const struct hl_replica_ack_link *link, int n,
					  int64_t timeout_ms)
{
	struct hl_replica_ack *a = calloc(1, sizeof(*a));
	struct timeval every = {PROBE_MS / 1000, (PROBE_MS % 1000) * 1000};

	if (!a)
		return NULL;
	a->link = *link;
	a->n = n;
	a->timeout_ms = timeout_ms;
	snprintf(a->n_text, sizeof(a->n_text), "%d", n);
	snprintf(a->timeout_text, sizeof(a->timeout_text), "%lld", (long long)timeout_ms);
	a->held_tail = &a->held;
	a->refused_tail = &a->refused;
	a->target = -1;
	a->connected = -1;
	a->flush = event_new(base, -1, 0, flush_refused, a);
	a->probe = event_new(base, -1, EV_PERSIST, probe_tick, a);
	if (!a->flush || !a->probe || event_add(a->probe, &every) < 0) {
		hl_replica_ack_free(a);
		return NULL;
	}
	return a;
}

void hl_replica_ack_free(struct hl_replica_ack *a)
{
	if (!a)
		return;
	while (a->held) { /* none once the connection is freed; kept for safety */
		struct held *h = a->held;

		a->held = h->next;
		h->fn(NULL, h->arg);
		hl_reply_arena_release(h->reply);
		free(h);
	}
	while (a->refused) {
		struct refusal *r = a->refused;

		a->refused = r->next;
		r->fn(NULL, r->arg);
		free(r);
	}
	if (a->flush)
		event_free(a->flush);
	if (a->probe)
		event_free(a->probe);
	free(a);
}

int hl_replica_ack_wanted(const struct hl_replica_ack *a)
{
	return a->n;
}

int hl_replica_ack_connected(const struct hl_replica_ack *a)
{
	return a->connected;
}

uint64_t hl_replica_ack_not_replicated(const struct hl_replica_ack *a)
{
	return a->not_replicated;
}
