/*
 * dispatch_latency: the intake-to-dispatched latency of `make bench` (issue 8), read
 * from the tickets' audit trails in Redis after a load run. It first waits (bounded) for
 * the dispatcher to route what is still waiting (PREFIXidx:state:received empty), then
 * reads every ticket of PREFIXidx:all and its timeline (the string PREFIXlog:<id>,
 * pipelined: lua/lib.lua's audit, entries of seven "<length>:<bytes>" fields)
 * and takes, per ticket, the `at` (ms) of the `create` entry and of the first routing
 * outcome: `dispatch` (派单), `merge` (并单, by the dedup plugin) or `route_failed` (manual
 * dispatch). The latency p50/p99 is given over the dispatched tickets, and over all
 * routed ones; the counts say how many took each way. The end-to-end rate is the routed
 * tickets over the time from the first `create` to the last routing outcome: the rate of
 * the whole run, once the dispatcher caught up (the BullMQ peer's is read the same way).
 *
 *   dispatch_latency -s REDIS_SOCKET [-P hl:] [-w WAIT_SECS] [-W]
 *
 * -W only waits for the routing to finish, and prints how long that took.
 *
 * Ends with one machine-readable line starting with RESULT. Exit 0, or 1 when Redis
 * could not be read.
 */
#include <hiredis/hiredis.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 512 /* HGETs in flight at once */

struct lats {
	int64_t *v;
	size_t n, cap;
};

static int push(struct lats *l, int64_t x)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		int64_t *grown = realloc(l->v, cap * sizeof(*grown));

		if (!grown)
			return -1;
		l->v = grown;
		l->cap = cap;
	}
	l->v[l->n++] = x;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank quantile of a sorted list; 0 when empty. */
static int64_t quantile(const struct lats *l, double q)
{
	size_t rank = (size_t)(q * (double)l->n + 0.999999);

	if (l->n == 0)
		return 0;
	if (rank < 1)
		rank = 1;
	if (rank > l->n)
		rank = l->n;
	return l->v[rank - 1];
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct tally {
	struct lats dispatched, routed;
	size_t tickets, ndispatch, nmerge, nmanual, unrouted, unreadable;
	int64_t first_create, last_routed; /* `at`, ms; INT64_MAX and -1 when none */
};

/* One audit stream: [[entry id, [field, value, ...]], ...]. */
/* The next field of a timeline at *pos, into *v and *len; 0, or -1 at its end or when it
 * is damaged. */
static int next_field(const char *s, size_t n, size_t *pos, const char **v, size_t *len)
{
	char *end;
	unsigned long l;

	if (*pos >= n)
		return -1;
	l = strtoul(s + *pos, &end, 10);
	if (end == s + *pos || *end != ':' || (size_t)(end + 1 - s) + l > n)
		return -1;
	*v = end + 1;
	*len = l;
	*pos = (size_t)(end + 1 - s) + l;
	return 0;
}

/* A field's digits as a number (a field is not NUL-terminated: the next one follows). */
static int64_t number(const char *v, size_t len)
{
	int64_t n = 0;

	for (size_t i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
		n = n * 10 + (v[i] - '0');
	return n;
}

static void weigh(struct tally *t, const redisReply *r)
{
	int64_t created = -1;
	size_t pos = 0;

	if (!r || r->type != REDIS_REPLY_STRING) {
		t->unreadable++;
		return;
	}
	for (;;) { /* an entry: at, actor, role, action, from, to, note */
		const char *f[7];
		size_t len[7];
		int k;

		for (k = 0; k < 7; k++)
			if (next_field(r->str, r->len, &pos, &f[k], &len[k]) < 0)
				break;
		if (k < 7)
			break;
		if (len[3] == 6 && memcmp(f[3], "create", 6) == 0) {
			created = number(f[0], len[0]);
			if (created < t->first_create)
				t->first_create = created;
		} else if (created >= 0 && ((len[3] == 8 && memcmp(f[3], "dispatch", 8) == 0) ||
					    (len[3] == 5 && memcmp(f[3], "merge", 5) == 0) ||
					    (len[3] == 12 && memcmp(f[3], "route_failed", 12) == 0))) {
			int64_t routed_at = number(f[0], len[0]), ms = routed_at - created;

			if (routed_at > t->last_routed)
				t->last_routed = routed_at;
			push(&t->routed, ms);
			if (f[3][0] == 'd') {
				t->ndispatch++;
				push(&t->dispatched, ms);
			} else if (f[3][0] == 'm') {
				t->nmerge++;
			} else {
				t->nmanual++;
			}
			return;
		}
	}
	t->unrouted++;
}

int main(int argc, char **argv)
{
	const char *socket_path = NULL, *prefix = "hl:";
	int wait_secs = 60, wait_only = 0, opt;
	struct timeval tv = {5, 0};
	redisContext *c;
	redisReply *r, *ids;
	struct tally t;
	long long waiting = -1;
	int64_t started = now_ms(), waited, span;
	double e2e_rate;

	memset(&t, 0, sizeof(t));
	t.first_create = INT64_MAX;
	t.last_routed = -1;
	while ((opt = getopt(argc, argv, "s:P:w:W")) != -1) {
		switch (opt) {
		case 's': socket_path = optarg; break;
		case 'P': prefix = optarg; break;
		case 'w': wait_secs = atoi(optarg); break;
		case 'W': wait_only = 1; break;
		default: socket_path = NULL; optind = argc; break;
		}
	}
	if (!socket_path) {
		fprintf(stderr,
			"usage: dispatch_latency -s REDIS_SOCKET [-P PREFIX] [-w SECS] [-W]\n");
		return 2;
	}
	c = redisConnectUnixWithTimeout(socket_path, tv);
	if (!c || c->err) {
		fprintf(stderr, "dispatch_latency: %s: %s\n", socket_path,
			c ? c->errstr : "out of memory");
		return 1;
	}
	redisSetTimeout(c, (struct timeval){30, 0});
	/* routing still under way: wait for it, bounded */
	for (;;) {
		r = redisCommand(c, "ZCARD %sidx:state:received", prefix);
		if (!r || r->type != REDIS_REPLY_INTEGER) {
			fprintf(stderr, "dispatch_latency: ZCARD failed\n");
			return 1;
		}
		waiting = r->integer;
		freeReplyObject(r);
		if (waiting == 0 || now_ms() - started > (int64_t)wait_secs * 1000)
			break;
		usleep(50 * 1000);
	}
	waited = now_ms() - started;
	if (wait_only) {
		printf("RESULT waiting=%lld drain_ms=%lld\n", waiting, (long long)waited);
		redisFree(c);
		return 0;
	}

	ids = redisCommand(c, "ZRANGE %sidx:all 0 -1", prefix);
	if (!ids || ids->type != REDIS_REPLY_ARRAY) {
		fprintf(stderr, "dispatch_latency: ZRANGE failed\n");
		return 1;
	}
	for (size_t i = 0; i < ids->elements; i += BATCH) {
		size_t n = ids->elements - i < BATCH ? ids->elements - i : BATCH;

		for (size_t j = 0; j < n; j++)
			redisAppendCommand(c, "GET %slog:%s", prefix, ids->element[i + j]->str);
		for (size_t j = 0; j < n; j++) {
			void *reply = NULL;

			if (redisGetReply(c, &reply) != REDIS_OK) {
				fprintf(stderr, "dispatch_latency: %s\n", c->errstr);
				return 1;
			}
			t.tickets++;
			weigh(&t, reply);
			freeReplyObject(reply);
		}
	}
	freeReplyObject(ids);
	redisFree(c);

	span = t.last_routed >= 0 && t.first_create != INT64_MAX ? t.last_routed - t.first_create
								   : 0;
	e2e_rate = span > 0 ? (double)t.routed.n * 1000 / (double)span : 0;
	qsort(t.dispatched.v, t.dispatched.n, sizeof(int64_t), cmp_i64);
	qsort(t.routed.v, t.routed.n, sizeof(int64_t), cmp_i64);
	printf("dispatch_latency: %zu tickets: %zu dispatched, %zu merged, %zu to manual "
	       "dispatch, %zu not routed (%lld still waiting after %.1f s)\n",
	       t.tickets, t.ndispatch, t.nmerge, t.nmanual, t.unrouted, waiting,
	       (double)waited / 1000);
	printf("  intake to dispatched, ms: p50 %lld  p99 %lld  max %lld"
	       "   (every routing outcome: p50 %lld  p99 %lld)\n",
	       (long long)quantile(&t.dispatched, 0.5), (long long)quantile(&t.dispatched, 0.99),
	       (long long)quantile(&t.dispatched, 1.0), (long long)quantile(&t.routed, 0.5),
	       (long long)quantile(&t.routed, 0.99));
	printf("  end to end: %zu routed in %.3f s from the first create to the last outcome, "
	       "%.1f/s\n",
	       t.routed.n, (double)span / 1000, e2e_rate);
	printf("RESULT tickets=%zu dispatched=%zu merged=%zu manual=%zu unrouted=%zu "
	       "disp_p50_ms=%lld disp_p99_ms=%lld disp_max_ms=%lld routed_p50_ms=%lld "
	       "routed_p99_ms=%lld span_ms=%lld e2e_rate=%.1f drain_ms=%lld\n",
	       t.tickets, t.ndispatch, t.nmerge, t.nmanual, t.unrouted,
	       (long long)quantile(&t.dispatched, 0.5), (long long)quantile(&t.dispatched, 0.99),
	       (long long)quantile(&t.dispatched, 1.0), (long long)quantile(&t.routed, 0.5),
	       (long long)quantile(&t.routed, 0.99), (long long)span, e2e_rate, (long long)waited);
	free(t.dispatched.v);
	free(t.routed.v);
	return 0;
}
