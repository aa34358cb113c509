/* Plugins' durable outbox: the streams, leasing, reading, handing over, ending (the writes
 * to Redis: outbox_queue.c); see outbox.h. */
#include "host/outbox.h"

#include <errno.h>
#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/list.h"
#include "config/config.h"
#include "host/service.h"
#include "store/keys.h"
#include "base/log.h"
#include "host/outbox_queue.h"
#include "host/plugin_host.h"
#include "store/redis.h"
#include "store/stream.h"
#include "host/world.h"

#define POLL_MS 100           /* how often held streams are read and the world looked at */
#define READ_COUNT 32         /* entries per XREADGROUP or XAUTOCLAIM */
#define HELD_MAX 1024         /* jobs with a plugin per stream; reading pauses above */
#define PAYLOAD_MAX (1 << 20) /* bytes of one job */
#define LEASE_MIN_MS 1000     /* the lease lives max(routing.reclaim_idle, this) */

/* A job handed to a plugin instance and not ended yet. */
struct job {
	struct stream *s;
	struct hl_world *world; /* the generation of `self`, held until the job is ended */
	struct hl_self *self;
	char id[48];
	struct hl_list_node node; /* on its stream's jobs, then on the outbox's ended */
};

/* One plugin instance name's stream, as this daemon sees it. Lives until the outbox is
 * freed (there are as many as plugin names with a deliver hook). */
struct stream {
	struct hl_outbox *ob;
	char name[64];
	char key[160];
	char lease_key[160];
	struct hl_outbox_target target; /* for the queue: name, key, this stream */
	struct hl_stream in; /* this daemon's consumer; its takeover scan (hl_stream_scanning)
				takes over the jobs pending when the lease was taken */
	int busy;        /* a command of the read cycle (group, lease, claim, read) in flight */
	int holding;     /* this daemon holds the lease */
	int handover;    /* new jobs wait for a replaced instance to end its own */
	int64_t lease_due_ns; /* when to extend the lease (monotonic clock) */
	struct hl_list jobs; /* struct job with plugins */
	size_t njobs;
	struct stream *next;
};

struct hl_outbox {
	struct hl_service *svc;
	struct event *tick;
	struct event *release; /* drops the world references of ended jobs, from the loop */
	struct stream *streams;
	struct hl_list ended;  /* struct job waiting for `release` */
	struct hl_outbox_queue queue; /* puts and ends on their way to Redis */
	int stopped;
	struct hl_outbox_stats stats; /* put, lost and waiting: the queue's */
};

static void step(struct stream *s);

static struct stream *find_stream(struct hl_outbox *ob, const char *name)
{
	for (struct stream *s = ob->streams; s; s = s->next) {
		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

static struct stream *stream_of(struct hl_outbox *ob, const char *name)
{
	struct stream *s = find_stream(ob, name);
	char tail[96];

	if (s || strlen(name) >= sizeof(s->name) || !(s = calloc(1, sizeof(*s))))
		return s;
	s->ob = ob;
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(tail, sizeof(tail), HL_KEY_OUTBOX "%s", name);
	hl_key(s->key, sizeof(s->key), ob->svc->prefix, tail);
	snprintf(tail, sizeof(tail), HL_KEY_OUTBOX_LEASE "%s", name);
	hl_key(s->lease_key, sizeof(s->lease_key), ob->svc->prefix, tail);
	s->target = (struct hl_outbox_target){s->name, s->key, s};
	snprintf(tail, sizeof(tail), "plugin=%s", name);
	if (hl_stream_init(&s->in, ob->svc->redis, s->key, HL_GROUP_DELIVER, ob->svc->instance,
			   "outbox", tail) < 0) {
		free(s);
		return NULL;
	}
	s->next = ob->streams;
	ob->streams = s;
	return s;
}

/* The instance of the world in service that receives this stream's jobs, or NULL. */
static struct hl_self *receiver(const struct stream *s)
{
	const struct hl_plugin_set *set = s->ob->svc->world->plugins;

	for (size_t i = 0; i < set->n; i++) {
		if (strcmp(set->plugins[i]->name, s->name) == 0 && hl_plugin_deliver_hook(set->plugins[i]))
			return set->plugins[i];
	}
	return NULL;
}

/* Whether an instance other than `self` still has jobs of this stream (after a reload). */
static int others_busy(const struct stream *s, const struct hl_self *self)
{
	const struct hl_list_node *node;

	HL_LIST_EACH(node, &s->jobs) {
		if (HL_LIST_ENTRY(node, const struct job, node)->self != self)
			return 1;
	}
	return 0;
}

static struct job *find_job(const struct stream *s, const char *id)
{
	struct hl_list_node *node;

	HL_LIST_EACH(node, &s->jobs) {
		struct job *j = HL_LIST_ENTRY(node, struct job, node);

		if (strcmp(j->id, id) == 0)
			return j;
	}
	return NULL;
}

/* Takes the first job off a list and frees it, dropping its world reference. */
static void job_free_first(struct hl_list *list)
{
	struct job *j = HL_LIST_ENTRY(hl_list_first(list), struct job, node);

	hl_list_remove(&j->node);
	hl_world_unref(j->world);
	free(j);
}

static int64_t lease_ms(const struct hl_outbox *ob)
{
	int64_t ms = ob->svc->world->config->reclaim_idle_ms;

	return ms > LEASE_MIN_MS ? ms : LEASE_MIN_MS;
}

/* --- ending jobs ----------------------------------------------------------------- */

/* Drops the references of ended jobs. Runs from the loop, never from inside a plugin's
 * call: the last reference to an old world retires its plugins (fini, dlclose), which
 * must not happen under the plugin's own feet. */
static void release_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_outbox *ob = arg;

	(void)fd;
	(void)what;
	while (!hl_list_empty(&ob->ended))
		job_free_first(&ob->ended);
	for (struct stream *s = ob->streams; s; s = s->next)
		step(s); /* room to read again, or the old instance has finished */
}

/* Takes a job off its stream; its world reference is dropped from the loop. */
static void end_job(struct job *j)
{
	struct stream *s = j->s;
	struct timeval now = {0, 0};

	hl_list_remove(&j->node);
	s->njobs--;
	s->ob->stats.held--;
	hl_list_push(&s->ob->ended, &j->node);
	evtimer_add(s->ob->release, &now);
}

int hl_outbox_put(struct hl_outbox *ob, struct hl_self *self, const void *payload, size_t len)
{
	struct stream *s;
	int rc;

	if (len > PAYLOAD_MAX) {
		hl_log(HL_LOG_ERROR, self->log_sub, "outbox_refused reason=\"payload of %zu bytes, "
						    "more than %d\"",
		       len, PAYLOAD_MAX);
		return -1;
	}
	if (!(s = stream_of(ob, self->name)) ||
	    (rc = hl_outbox_queue_put(&ob->queue, &s->target, payload, len)) == -ENOMEM) {
		hl_log(HL_LOG_ERROR, self->log_sub, "outbox_refused reason=\"out of memory\"");
		return -1;
	}
	if (rc < 0) {
		hl_log(HL_LOG_ERROR, self->log_sub, "outbox_refused reason=\"Redis unreachable and "
						    "%d jobs waiting already\"",
		       HL_OUTBOX_WAITING_MAX);
		return -1;
	}
	return 0;
}

static void end(struct hl_outbox *ob, struct hl_self *self, enum hl_outbox_end kind,
		const char *job_id, const char *ticket_id, const char *reason)
{
	struct stream *s = stream_of(ob, self->name);
	struct job *j = s ? find_job(s, job_id) : NULL;

	if (j)
		end_job(j);
	else
		hl_log(HL_LOG_WARN, self->log_sub, "outbox_unknown_job job=%s", job_id);
	if (kind == HL_OUTBOX_DONE)
		ob->stats.done++;
	else
		ob->stats.dead++;
	if (!s || hl_outbox_queue_end(&ob->queue, &s->target, kind, job_id, ticket_id, reason) < 0)
		hl_log(HL_LOG_ERROR, self->log_sub, "outbox_end_dropped job=%s reason=\"out of "
						    "memory or too much waiting for Redis\" "
						    "action=left_pending",
		       job_id);
}

void hl_outbox_done(struct hl_outbox *ob, struct hl_self *self, const char *job_id)
{
	end(ob, self, HL_OUTBOX_DONE, job_id, NULL, NULL);
}

void hl_outbox_dead(struct hl_outbox *ob, struct hl_self *self, const char *job_id,
		    const char *ticket_id, const char *reason)
{
	end(ob, self, HL_OUTBOX_DEAD, job_id, ticket_id, reason ? reason : "");
}

/* --- reading and handing over ------------------------------------------------------- */

/* Hands entry i of a batch to `self`. Returns 0 when handed or not to be handed (already
 * with a plugin, or deleted), -1 when it must wait. */
static int hand(struct stream *s, struct hl_self *self, const struct hl_stream_batch *batch,
		size_t i)
{
	struct hl_outbox *ob = s->ob;
	hl_deliver_hook deliver = self ? hl_plugin_deliver_hook(self) : NULL;
	struct hl_stream_entry e;
	const char *payload;
	size_t len;
	struct job *j;
	int64_t start;

	if (hl_stream_batch_entry(batch, i, &e) < 0)
		return 0; /* deleted while pending */
	if (find_job(s, e.id))
		return 0;
	if (!deliver || others_busy(s, self) || s->njobs >= HELD_MAX)
		return -1;
	if (!(payload = hl_stream_field(&e, "payload", &len))) {
		hl_log(HL_LOG_ERROR, "outbox", "job_unreadable plugin=%s job=%s action=left_pending",
		       s->name, e.id);
		return 0;
	}
	if (!(j = calloc(1, sizeof(*j))))
		return -1;
	j->s = s;
	j->self = self;
	j->world = hl_world_ref(ob->svc->world);
	snprintf(j->id, sizeof(j->id), "%s", e.id);
	hl_list_push(&s->jobs, &j->node);
	s->njobs++;
	ob->stats.held++;
	ob->stats.handed++;
	/* the plugin may end the job before this returns: j is not touched after */
	start = hl_clock_mono_ns();
	deliver(self->state, e.id, payload, len);
	hl_plugin_account(self, start, HL_OK);
	return 0;
}

/* Hands entries in order; one that must wait stops the rest (they would overtake it)
 * and has the stream's pending jobs taken over again from the start, at the next tick.
 * Returns the number handed, or -1 when one must wait. */
static long hand_all(struct stream *s, const struct hl_stream_batch *batch)
{
	struct hl_self *self = receiver(s);
	size_t before = s->ob->stats.handed;

	for (size_t i = 0; i < hl_stream_batch_size(batch); i++) {
		if (hand(s, self, batch, i) < 0) {
			hl_stream_scan_begin(&s->in);
			return -1;
		}
	}
	return (long)(s->ob->stats.handed - before);
}

static void group_created(enum hl_stream_result result, const struct hl_stream_batch *batch,
			  void *arg)
{
	struct stream *s = arg;

	(void)batch;
	s->busy = 0;
	if (result == HL_STREAM_OK)
		step(s);
}

static void lease_answered(struct redisReply *reply, void *arg)
{
	struct stream *s = arg;
	int was = s->holding;

	s->busy = 0;
	if (!reply || reply->type != REDIS_REPLY_INTEGER) {
		if (reply)
			hl_log(HL_LOG_WARN, "outbox", "lease_failed plugin=%s error=\"%s\"", s->name,
			       reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected answer");
		s->holding = 0; /* unknown: read nothing until it is confirmed */
		return;
	}
	s->holding = reply->integer > 0;
	s->lease_due_ns = hl_clock_mono_ns() + lease_ms(s->ob) / 3 * 1000000;
	if (reply->integer == 2) {
		hl_log(HL_LOG_INFO, "outbox", "lease_taken plugin=%s action=take_over_pending",
		       s->name);
		hl_stream_scan_begin(&s->in);
	} else if (was && !s->holding) {
		hl_log(HL_LOG_WARN, "outbox", "lease_lost plugin=%s jobs_held=%zu "
					      "reason=\"another daemon delivers now\"",
		       s->name, s->njobs);
	}
	if (s->holding)
		step(s);
}

/* A claim of the takeover scan answered: the jobs pending for whoever held the lease
 * before, handed in order. */
static void claimed(enum hl_stream_result result, const struct hl_stream_batch *batch,
		    void *arg)
{
	struct stream *s = arg;
	long handed;

	s->busy = 0;
	if (result != HL_STREAM_OK)
		return; /* after NOGROUP, step creates the group again */
	handed = hand_all(s, batch);
	if (handed > 0)
		hl_log(HL_LOG_INFO, "outbox", "taken_over plugin=%s jobs=%ld", s->name, handed);
	if (handed >= 0)
		step(s);
}

/* A read of new jobs answered. */
static void read_arrived(enum hl_stream_result result, const struct hl_stream_batch *batch,
			 void *arg)
{
	struct stream *s = arg;

	s->busy = 0;
	if (result != HL_STREAM_OK)
		return;
	if (hand_all(s, batch) >= 0 && hl_stream_batch_size(batch) >= READ_COUNT)
		step(s); /* more to take: do not wait for the tick */
}

static void lease_released(struct redisReply *reply, void *arg)
{
	(void)reply;
	(void)arg;
}

static void release_lease(struct stream *s)
{
	struct hl_service *svc = s->ob->svc;
	char ttl[24];
	const char *argv[] = {s->lease_key, svc->instance, ttl, "release"};

	snprintf(ttl, sizeof(ttl), "%lld", (long long)lease_ms(s->ob));
	s->holding = 0;
	hl_stream_scan_end(&s->in);
	hl_redis_eval(svc->redis, HL_SCRIPT_OUTBOX_LEASE, lease_released, NULL, 1, 4, argv, NULL);
}

/* The read cycle of one stream: one command at a time, issued when the previous one was
 * answered or at the next tick. */
static void step(struct stream *s)
{
	struct hl_outbox *ob = s->ob;
	struct hl_service *svc = ob->svc;
	struct hl_self *self;
	int sent;

	if (ob->stopped || s->busy)
		return;
	if (!(self = receiver(s))) {
		if (s->holding)
			release_lease(s);
		return;
	}
	if (s->handover && !others_busy(s, self)) {
		s->handover = 0;
		hl_log(HL_LOG_INFO, "outbox", "handover_done plugin=%s", s->name);
	}
	if (!hl_stream_ready(&s->in)) {
		sent = hl_stream_create_group(&s->in, group_created, s);
	} else if (!s->holding || hl_clock_mono_ns() >= s->lease_due_ns) {
		char ttl[24];
		const char *argv[] = {s->lease_key, svc->instance, ttl, "hold"};

		snprintf(ttl, sizeof(ttl), "%lld", (long long)lease_ms(ob));
		sent = hl_redis_eval(svc->redis, HL_SCRIPT_OUTBOX_LEASE, lease_answered, s, 1, 4, argv,
				     NULL);
	} else if (s->njobs >= HELD_MAX) {
		return; /* release_fired() steps again */
	} else if (others_busy(s, self)) {
		if (!s->handover)
			hl_log(HL_LOG_INFO, "outbox", "handover_waits plugin=%s jobs_held=%zu "
						      "reason=\"the replaced instance ends its jobs "
						      "first\"",
			       s->name, s->njobs);
		s->handover = 1;
		return;
	} else if (hl_stream_scanning(&s->in)) {
		sent = hl_stream_claim(&s->in, 0, READ_COUNT, claimed, s);
	} else {
		sent = hl_stream_read(&s->in, READ_COUNT, HL_STREAM_NO_BLOCK, read_arrived, s);
	}
	s->busy = sent == 0;
}

static void tick_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_outbox *ob = arg;
	const struct hl_plugin_set *set = ob->svc->world->plugins;

	(void)fd;
	(void)what;
	hl_outbox_queue_flush(&ob->queue);
	for (size_t i = 0; i < set->n; i++) {
		if (hl_plugin_deliver_hook(set->plugins[i]))
			stream_of(ob, set->plugins[i]->name);
	}
	for (struct stream *s = ob->streams; s; s = s->next)
		step(s);
}

/* The queue stored a put: read it now if this daemon delivers the stream. */
static void stored(void *owner)
{
	step(owner);
}

struct hl_outbox *hl_outbox_start(struct hl_service *svc)
{
	struct hl_outbox *ob = calloc(1, sizeof(*ob));
	struct timeval every = {0, POLL_MS * 1000};

	if (!ob)
		return NULL;
	ob->svc = svc;
	hl_outbox_queue_init(&ob->queue, svc, stored);
	ob->tick = event_new(svc->base, -1, EV_PERSIST, tick_fired, ob);
	ob->release = evtimer_new(svc->base, release_fired, ob);
	if (!ob->tick || !ob->release || event_add(ob->tick, &every) < 0) {
		hl_outbox_free(ob);
		return NULL;
	}
	return ob;
}

void hl_outbox_stop(struct hl_outbox *ob)
{
	if (!ob || ob->stopped)
		return;
	hl_outbox_queue_stop(&ob->queue);
	ob->stopped = 1;
	event_del(ob->tick);
	for (struct stream *s = ob->streams; s; s = s->next) {
		if (s->holding)
			release_lease(s);
	}
}

void hl_outbox_free(struct hl_outbox *ob)
{
	if (!ob)
		return;
	ob->stopped = 1;
	hl_outbox_queue_free(&ob->queue);
	/* Jobs still with plugins stay pending in Redis; dropping their references may
	 * retire old worlds, whose plugins find the host's outbox gone. */
	while (ob->streams) {
		struct stream *s = ob->streams;

		ob->streams = s->next;
		while (!hl_list_empty(&s->jobs))
			job_free_first(&s->jobs);
		free(s);
	}
	while (!hl_list_empty(&ob->ended))
		job_free_first(&ob->ended);
	if (ob->tick)
		event_free(ob->tick);
	if (ob->release)
		event_free(ob->release);
	free(ob);
}

void hl_outbox_stats(const struct hl_outbox *ob, struct hl_outbox_stats *stats_r)
{
	memset(stats_r, 0, sizeof(*stats_r));
	if (!ob)
		return;
	*stats_r = ob->stats;
	stats_r->put = ob->queue.put;
	stats_r->lost = ob->queue.lost;
	stats_r->waiting = ob->queue.n;
	for (const struct stream *s = ob->streams; s; s = s->next)
		stats_r->leases += s->holding;
}
