/* The stream consumer of core/store/stream.h against a real redis-server on a private
 * socket: reading through the group (entries then pending for the consumer, fields
 * looked up), the group created with its stream and BUSYGROUP taken as success, the
 * takeover scan (XAUTOCLAIM of idle entries of another consumer, the cursor walked across
 * several, an entry deleted while pending skipped), and NOGROUP recovery (the stream
 * deleted under a running consumer: it creates the group again and reads on). */
#include <criterion/criterion.h>
#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "harness.h"
#include "store/redis.h"
#include "store/stream.h"

#define KEY "t:stream"
#define GROUP "g"
#define ME "me:1:1"
#define OTHER "other:2:2"

/* No daemon runs here: the fixture writes a daemon's configuration only for the Redis
 * client under test to load. */
static struct hlt_fixture fx = {.setup = HLT_SETUP_CONFIG};
static struct hl_config *cfg;
static struct event_base *base;
static struct hl_redis *client;

static void redis_ready(void *arg)
{
	(void)arg;
}

static int links_ready(void *arg)
{
	(void)arg;
	return hl_redis_state(client, HL_REDIS_COMMANDS) == HL_REDIS_READY &&
	       hl_redis_state(client, HL_REDIS_BLOCKING) == HL_REDIS_READY;
}

struct until {
	int (*done)(void *arg);
	void *arg;
};

static void check_until(evutil_socket_t fd, short what, void *arg)
{
	struct until *u = arg;

	(void)fd;
	(void)what;
	if (u->done(u->arg))
		event_base_loopbreak(base);
}

static void deadline_passed(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

/* Runs the loop until done(arg), or for timeout_ms at the most (a bug fails the test
 * instead of hanging it); returns done(arg). */
static int run_until(int (*done)(void *arg), void *arg, int timeout_ms)
{
	struct until u = {done, arg};
	struct event *poll = event_new(base, -1, EV_PERSIST, check_until, &u);
	struct event *deadline = evtimer_new(base, deadline_passed, NULL);
	struct timeval every = {0, 5000}, limit = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};

	cr_assert(poll && deadline);
	event_add(poll, &every);
	evtimer_add(deadline, &limit);
	if (!done(arg))
		event_base_dispatch(base);
	event_free(poll);
	event_free(deadline);
	return done(arg);
}

static int never(void *arg)
{
	(void)arg;
	return 0;
}

static void setup(void)
{
	char err[512];

	hlt_fixture_setup(&fx);
	cr_assert_eq(hl_config_load(fx.daemon.config, &cfg, err, sizeof(err)), 0, "%s", err);
	base = event_base_new();
	client = hl_redis_start(base, cfg, redis_ready, NULL);
	cr_assert(client);
	cr_assert(run_until(links_ready, NULL, 5000), "Redis links not ready");
}

static void teardown(void)
{
	hl_redis_free(client);
	client = NULL;
	cr_expect_eq(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 0,
		     "events left on the loop");
	event_base_free(base);
	hl_config_free(cfg);
	hlt_fixture_teardown(&fx);
}

TestSuite(stream, .init = setup, .fini = teardown, .timeout = HLT_SUITE_TIMEOUT);

/* What the callbacks got. */
struct got {
	int calls;
	enum hl_stream_result result;
	size_t slots, nentries;
	char ids[16][48];
	char n[16][16]; /* each entry's field "n" */
};

static void collect(enum hl_stream_result result, const struct hl_stream_batch *batch,
		    void *arg)
{
	struct got *g = arg;
	struct hl_stream_entry e;

	g->calls++;
	g->result = result;
	cr_assert(batch, "no batch");
	g->slots = hl_stream_batch_size(batch);
	g->nentries = 0;
	for (size_t i = 0; i < g->slots && g->nentries < 16; i++) {
		const char *n;

		if (hl_stream_batch_entry(batch, i, &e) < 0)
			continue;
		n = hl_stream_field(&e, "n", NULL);
		snprintf(g->ids[g->nentries], sizeof(g->ids[0]), "%s", e.id);
		snprintf(g->n[g->nentries], sizeof(g->n[0]), "%s", n ? n : "-");
		g->nentries++;
	}
}

static int answered(void *arg)
{
	return ((struct got *)arg)->calls > 0;
}

/* Runs one command of the stream to its answer. */
static void await(struct got *g)
{
	cr_assert(run_until(answered, g, 5000), "no answer");
}

static void xadd(const char *id, const char *n)
{
	free(hlt_redis_cmd(&fx.redis, "XADD " KEY " %s n %s", id, n));
}

/* How many entries XPENDING lists for a consumer. */
static int pending_for(const char *consumer)
{
	char *text = hlt_redis_cmd(&fx.redis, "XPENDING " KEY " " GROUP " - + 100 %s", consumer);
	int lines = 0;

	cr_assert(text);
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	free(text);
	return lines / 4; /* id, consumer, idle, deliveries */
}

static void stream_init(struct hl_stream *s, const char *consumer)
{
	cr_assert_eq(hl_stream_init(s, client, KEY, GROUP, consumer, "test", "case=stream"), 0);
}

static void create_group(struct hl_stream *s)
{
	struct got g = {0};

	cr_assert_eq(hl_stream_create_group(s, collect, &g), 0);
	cr_expect(hl_stream_reading(s), "a group creation in flight counts as reading");
	await(&g);
	cr_assert_eq(g.result, HL_STREAM_OK);
	cr_assert(hl_stream_ready(s));
	cr_expect_not(hl_stream_reading(s));
}

Test(stream, group_read_and_pending)
{
	struct hl_stream s, again;
	struct got g = {0};
	char *text;

	stream_init(&s, ME);
	cr_expect_not(hl_stream_ready(&s));
	create_group(&s); /* creates the stream too (MKSTREAM) */
	text = hlt_redis_cmd(&fx.redis, "EXISTS " KEY);
	cr_expect_str_eq(text, "1\n");
	free(text);
	stream_init(&again, OTHER);
	create_group(&again); /* BUSYGROUP: the group is there, which is what was asked */

	xadd("1-1", "one");
	xadd("2-1", "two");
	xadd("3-1", "three");
	cr_assert_eq(hl_stream_read(&s, 2, HL_STREAM_NO_BLOCK, collect, &g), 0);
	cr_expect_eq(hl_stream_read(&s, 2, HL_STREAM_NO_BLOCK, collect, &g), -1,
		     "a second read while one is in flight");
	await(&g);
	cr_assert_eq(g.result, HL_STREAM_OK);
	cr_assert_eq(g.nentries, 2, "COUNT 2 read %zu", g.nentries);
	cr_expect_str_eq(g.ids[0], "1-1");
	cr_expect_str_eq(g.n[0], "one");
	cr_expect_str_eq(g.ids[1], "2-1");
	cr_expect_str_eq(g.n[1], "two");
	cr_expect_eq(pending_for(ME), 2, "read entries are pending for the consumer");

	memset(&g, 0, sizeof(g));
	cr_assert_eq(hl_stream_read(&s, 10, HL_STREAM_NO_BLOCK, collect, &g), 0);
	await(&g);
	cr_assert_eq(g.nentries, 1);
	cr_expect_str_eq(g.ids[0], "3-1");
	cr_expect_eq(pending_for(ME), 3);

	/* nothing new: an empty batch, at once */
	memset(&g, 0, sizeof(g));
	cr_assert_eq(hl_stream_read(&s, 10, HL_STREAM_NO_BLOCK, collect, &g), 0);
	await(&g);
	cr_expect_eq(g.result, HL_STREAM_OK);
	cr_expect_eq(g.nentries, 0);
}

Test(stream, blocking_read_waits_for_an_entry)
{
	struct hl_stream s;
	struct got g = {0};

	stream_init(&s, ME);
	create_group(&s);
	/* nothing comes: the read answers an empty batch once BLOCK has run out */
	cr_assert_eq(hl_stream_read(&s, 10, 100, collect, &g), 0);
	await(&g);
	cr_expect_eq(g.result, HL_STREAM_OK);
	cr_expect_eq(g.nentries, 0);

	memset(&g, 0, sizeof(g));
	cr_assert_eq(hl_stream_read(&s, 10, 3000, collect, &g), 0);
	run_until(never, NULL, 200); /* the read is now blocked in Redis */
	cr_assert_eq(g.calls, 0, "a blocking read answered before an entry came");
	xadd("5-1", "five");
	await(&g);
	cr_assert_eq(g.nentries, 1);
	cr_expect_str_eq(g.ids[0], "5-1");
	cr_expect_str_eq(g.n[0], "five");
}

/* Walks a whole takeover scan, one claim of `count` at a time, into all (the ids
 * claimed, in order). Returns the number of claims it took. */
static int scan(struct hl_stream *s, int64_t min_idle_ms, size_t count, char all[][48],
		size_t *nall)
{
	int claims = 0;

	*nall = 0;
	hl_stream_scan_begin(s);
	cr_assert(hl_stream_scanning(s));
	while (hl_stream_scanning(s)) {
		struct got g = {0};

		cr_assert_lt(claims, 20, "the scan does not end");
		cr_assert_eq(hl_stream_claim(s, min_idle_ms, count, collect, &g), 0);
		cr_expect_eq(hl_stream_claim(s, min_idle_ms, count, collect, &g), -1,
			     "a second claim while one is in flight");
		await(&g);
		cr_assert_eq(g.result, HL_STREAM_OK);
		cr_assert_leq(g.nentries, count);
		for (size_t i = 0; i < g.nentries; i++)
			snprintf(all[(*nall)++], 48, "%s", g.ids[i]);
		claims++;
	}
	return claims;
}

Test(stream, takeover_scan)
{
	struct hl_stream s;
	char all[16][48], *text;
	size_t n;
	int claims;

	stream_init(&s, ME);
	create_group(&s);
	for (int i = 1; i <= 5; i++) {
		char id[16], v[16];

		snprintf(id, sizeof(id), "%d-1", i);
		snprintf(v, sizeof(v), "v%d", i);
		xadd(id, v);
	}
	/* another consumer read them all and stopped; one of them is then deleted */
	free(hlt_redis_cmd(&fx.redis, "XREADGROUP GROUP " GROUP " " OTHER " COUNT 10 STREAMS " KEY
				   " >"));
	free(hlt_redis_cmd(&fx.redis, "XDEL " KEY " 2-1"));
	cr_assert_eq(pending_for(OTHER), 5);

	/* not idle long enough yet: the scan goes through them all and takes none */
	scan(&s, 60000, 1, all, &n);
	cr_expect_eq(n, 0, "took %zu entries that were not idle", n);
	cr_expect_geq(pending_for(OTHER), 4); /* 7.0 drops the deleted one on the way */

	usleep(100 * 1000);
	claims = scan(&s, 50, 1, all, &n);
	cr_assert_eq(n, 4, "took %zu of the 4 entries left", n);
	cr_expect_str_eq(all[0], "1-1");
	cr_expect_str_eq(all[1], "3-1"); /* 2-1 was deleted while pending: skipped */
	cr_expect_str_eq(all[2], "4-1");
	cr_expect_str_eq(all[3], "5-1");
	cr_expect_geq(claims, 4, "one entry a claim, the cursor walked: %d claims", claims);
	/* (Redis 6.2 gives the deleted one to the claimer too, as nil; 7.0 drops it) */
	cr_expect_geq(pending_for(ME), 4);
	cr_expect_eq(pending_for(OTHER), 0);
	cr_expect_not(hl_stream_scanning(&s));

	/* just claimed, they are busy again: a new scan takes none of them */
	scan(&s, 50, 32, all, &n);
	cr_expect_eq(n, 0);

	/* a claim that fails leaves the cursor: the scan goes on from there */
	text = hlt_redis_cmd(&fx.redis, "XGROUP DESTROY " KEY " " GROUP);
	free(text);
	{
		struct got g = {0};

		hl_stream_scan_begin(&s);
		cr_assert_eq(hl_stream_claim(&s, 0, 1, collect, &g), 0);
		await(&g);
		cr_expect_eq(g.result, HL_STREAM_FAILED);
		cr_expect_not(hl_stream_ready(&s), "NOGROUP on a claim: the group is to be made");
		cr_expect(hl_stream_scanning(&s));
	}
}

Test(stream, scan_with_larger_claims)
{
	struct hl_stream s;
	char all[16][48];
	size_t n;

	stream_init(&s, ME);
	create_group(&s);
	for (int i = 1; i <= 7; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%d-1", i);
		xadd(id, "x");
	}
	free(hlt_redis_cmd(&fx.redis, "XREADGROUP GROUP " GROUP " " OTHER " COUNT 10 STREAMS " KEY
				   " >"));
	free(hlt_redis_cmd(&fx.redis, "XDEL " KEY " 6-1"));
	usleep(60 * 1000);
	scan(&s, 10, 3, all, &n);
	cr_assert_eq(n, 6);
	cr_expect_str_eq(all[0], "1-1");
	cr_expect_str_eq(all[4], "5-1");
	cr_expect_str_eq(all[5], "7-1");
}

/* A consumer as the dispatcher runs one: creates the group when it is not ready, reads
 * (blocking), and after a failure tries again shortly. */
struct consumer {
	struct hl_stream s;
	struct event *retry;
	int creations, failures, stop;
	size_t nread;
	char ids[16][48];
};

static void consume(struct consumer *c);

static void consumer_answered(enum hl_stream_result result, const struct hl_stream_batch *batch,
			      void *arg)
{
	struct consumer *c = arg;
	struct timeval soon = {0, 50 * 1000};
	struct hl_stream_entry e;

	if (result != HL_STREAM_OK) {
		c->failures++;
		evtimer_add(c->retry, &soon);
		return;
	}
	for (size_t i = 0; i < hl_stream_batch_size(batch); i++) {
		if (hl_stream_batch_entry(batch, i, &e) == 0 && c->nread < 16)
			snprintf(c->ids[c->nread++], sizeof(c->ids[0]), "%s", e.id);
	}
	consume(c);
}

static void consume(struct consumer *c)
{
	struct timeval soon = {0, 50 * 1000};
	int sent;

	if (c->stop)
		return;
	if (!hl_stream_ready(&c->s)) {
		c->creations++;
		sent = hl_stream_create_group(&c->s, consumer_answered, c);
	} else {
		sent = hl_stream_read(&c->s, 10, 200, consumer_answered, c);
	}
	if (sent < 0)
		evtimer_add(c->retry, &soon);
}

static void consumer_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	consume(arg);
}

static int read_two(void *arg)
{
	return ((struct consumer *)arg)->nread >= 2;
}

static int read_one(void *arg)
{
	return ((struct consumer *)arg)->nread >= 1;
}

static int idle(void *arg)
{
	struct consumer *c = arg;

	return !hl_stream_reading(&c->s) && !evtimer_pending(c->retry, NULL);
}

Test(stream, nogroup_recovery)
{
	struct consumer c;
	char *text;

	memset(&c, 0, sizeof(c));
	stream_init(&c.s, ME);
	c.retry = evtimer_new(base, consumer_retry, &c);
	consume(&c);
	xadd("*", "first");
	cr_assert(run_until(read_one, &c, 5000), "the first entry was not read");
	cr_expect_eq(c.creations, 1);

	/* deleted while the consumer runs (its read blocked in Redis), then written again */
	free(hlt_redis_cmd(&fx.redis, "DEL " KEY));
	run_until(never, NULL, 300);
	xadd("*", "second");
	cr_assert(run_until(read_two, &c, 5000), "nothing read after the stream was deleted "
						 "(failures %d, group creations %d)",
		  c.failures, c.creations);
	cr_expect_eq(c.creations, 2, "the group was created again: %d creations", c.creations);
	cr_expect_geq(c.failures, 1);
	text = hlt_redis_cmd(&fx.redis, "XINFO GROUPS " KEY);
	cr_expect(text && strstr(text, GROUP "\n"), "no group on the new stream: %s", text);
	free(text);
	cr_expect_eq(pending_for(ME), 1, "the second entry is pending for the consumer");

	c.stop = 1;
	run_until(idle, &c, 3000);
	event_free(c.retry);
}

/* A claim's batch as Redis 6.2 answers it for an entry deleted while pending: nil in its
 * slot, which is skipped; and a field lookup over a value holding a NUL byte. No Redis. */
Test(stream, deleted_slot_and_fields)
{
	redisReply id = {.type = REDIS_REPLY_STRING, .str = (char *)"9-1", .len = 3};
	redisReply k1 = {.type = REDIS_REPLY_STRING, .str = (char *)"payload", .len = 7};
	redisReply v1 = {.type = REDIS_REPLY_STRING, .str = (char *)"a\0b", .len = 3};
	redisReply k2 = {.type = REDIS_REPLY_STRING, .str = (char *)"n", .len = 1};
	redisReply v2 = {.type = REDIS_REPLY_STRING, .str = (char *)"7", .len = 1};
	redisReply *kv_elems[] = {&k1, &v1, &k2, &v2};
	redisReply kv = {.type = REDIS_REPLY_ARRAY, .elements = 4, .element = kv_elems};
	redisReply *entry_elems[] = {&id, &kv};
	redisReply entry = {.type = REDIS_REPLY_ARRAY, .elements = 2, .element = entry_elems};
	redisReply nil = {.type = REDIS_REPLY_NIL};
	redisReply *slots[] = {&nil, &entry};
	redisReply entries = {.type = REDIS_REPLY_ARRAY, .elements = 2, .element = slots};
	struct hl_stream_batch batch = {&entries}, none = {NULL};
	struct hl_stream_entry e;
	const char *v;
	size_t len = 0;

	cr_assert_eq(hl_stream_batch_size(&batch), 2);
	cr_expect_eq(hl_stream_batch_entry(&batch, 0, &e), -1, "a nil slot is not an entry");
	cr_assert_eq(hl_stream_batch_entry(&batch, 1, &e), 0);
	cr_expect_str_eq(e.id, "9-1");
	v = hl_stream_field(&e, "payload", &len);
	cr_assert(v);
	cr_expect_eq(len, 3);
	cr_expect_eq(memcmp(v, "a\0b", 3), 0);
	cr_expect_str_eq(hl_stream_field(&e, "n", NULL), "7");
	cr_expect_null(hl_stream_field(&e, "missing", NULL));
	cr_expect_eq(hl_stream_batch_entry(&batch, 2, &e), -1);
	cr_expect_eq(hl_stream_batch_size(&none), 0);
	cr_expect_eq(hl_stream_batch_entry(&none, 0, &e), -1);
}
