/* Reading the routing stream, taking over what other daemons left, the routing under way
 * (each entry: dispatch_job.c), stopping; see dispatcher.h. */
#include "tickets/dispatcher.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/list.h"
#include "base/log.h"
#include "base/ticket.h"
#include "config/config.h"
#include "host/service.h"
#include "host/world.h"
#include "store/keys.h"
#include "store/stream.h"
#include "tickets/dispatch_job.h"

/* Entries per XREADGROUP: at most READ_MAX, and no more than there is room for. One read
 * is outstanding at a time and takes a whole Redis event-loop turn (with appendfsync
 * always, an fsync), while intake can add one ticket per client connection in that turn:
 * a read must be able to take more than the connections add, or routing falls behind. */
#define READ_MAX 256
#define READ_BLOCK_MS 1000   /* how long a read waits for new entries */
#define INFLIGHT_MAX 1024    /* tickets routed at once; reading pauses above this */
#define RETRY_MS 200        /* when Redis is not ready */

/* Entries a daemon left pending when it stopped or died are taken over one at a time:
 * each is claimed (XAUTOCLAIM COUNT 1) only when the one before it has been routed. If
 * one of them is what killed that daemon (a plugin crashing on its text), the next daemon
 * dies on it alone, so routing.max_attempts counts against it alone, not against every
 * entry taken over beside it; and an entry never waits here, claimed but idle, long
 * enough for yet another daemon to take it over too. */
struct takeover {
	int running;       /* an XAUTOCLAIM is outstanding or its entry is being routed */
	int again;         /* scan again once this scan ends (entries were moved here) */
	size_t taken;      /* entries taken over in this scan, for the log */
};

struct hl_dispatcher {
	struct hl_service *svc;
	struct hl_stream intake; /* this daemon's consumer of the routing stream */
	int stopped;
	int drain_over; /* stopped, and its time for routing ran out: start no more */
	size_t inflight; /* jobs, and hand-offs reserved (below) */
	size_t reserved; /* hand-offs reserved by intake whose ticket is not created yet */
	struct takeover takeover;
	char holder[16];  /* the lease holder tag (hl_dispatcher_set_holder), "" until set */
	struct event *retry, *reclaim;
	struct hl_list jobs; /* struct job in flight, for hl_dispatcher_free */
	void (*drained)(void *arg); /* after a stop, once nothing is in flight */
	void *drained_arg;
	struct event *drain_limit;  /* after a stop: give up what still waits for a plugin */
};

/* One stream entry being routed. */
struct job {
	struct hl_dispatcher *disp;
	struct hl_dispatch_job route;
	int taken_over; /* by the takeover scan, which goes on when it ends */
	struct hl_list_node node; /* on disp->jobs */
};

static void pump(struct hl_dispatcher *disp);
static void takeover_next(struct hl_dispatcher *disp);
static void check_drained(struct hl_dispatcher *disp);
static void scan_again(struct hl_dispatcher *disp);

static void retry_later(struct hl_dispatcher *disp)
{
	struct timeval tv = {0, RETRY_MS * 1000};

	if (!disp->stopped)
		evtimer_add(disp->retry, &tv);
}

static void retry_fired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pump(arg);
}

static void job_free(struct job *job)
{
	hl_list_remove(&job->node);
	job->disp->inflight--;
	hl_dispatch_job_release(&job->route);
	free(job);
}

/* A job is over: frees it, goes on with the takeover scan if it was taken over, and reads
 * more if reading had paused. */
static void finish(struct hl_dispatch_job *route, void *arg)
{
	struct job *job = arg;
	struct hl_dispatcher *disp = job->disp;
	int taken_over = job->taken_over;

	(void)route; /* job->route */
	job_free(job);
	if (taken_over)
		takeover_next(disp);
	else
		scan_again(disp); /* there may be room now */
	pump(disp);
}

/* Begins routing one entry by loading its ticket. Returns -1 when the load could not be
 * sent (the entry stays pending, to be read again after a reclaim). */
static int start_job(struct hl_dispatcher *disp, const struct hl_stream_entry *entry,
		     int taken_over)
{
	struct job *job;

	if (!(job = calloc(1, sizeof(*job))))
		return -1;
	job->disp = disp;
	job->taken_over = taken_over == 1; /* 2: requeued, not by the takeover scan */
	hl_list_push(&disp->jobs, &job->node);
	disp->inflight++;
	if (hl_dispatch_job_start(&job->route, disp->svc, entry, taken_over != 0,
				  &disp->drain_over, finish, job) < 0) {
		job_free(job);
		return -1;
	}
	return 0;
}

/* Entries read: new ones, and those due_claim.lua put back when a hand-off's lease ran
 * out (field requeued), whose first attempt was the dead daemon's. */
static void start_entries(struct hl_dispatcher *disp, const struct hl_stream_batch *batch)
{
	struct hl_stream_entry e;

	for (size_t i = 0; i < hl_stream_batch_size(batch); i++) {
		if (hl_stream_batch_entry(batch, i, &e) == 0)
			start_job(disp, &e, hl_stream_field(&e, "requeued", NULL) ? 2 : 0);
	}
}

static void read_arrived(enum hl_stream_result result, const struct hl_stream_batch *batch,
			 void *arg)
{
	struct hl_dispatcher *disp = arg;

	if (result != HL_STREAM_OK) { /* after NOGROUP, pump creates the group again */
		retry_later(disp);
		check_drained(disp);
		return;
	}
	/* entries read as the daemon stops are routed too, within the stop's time for it:
	 * left pending, they would wait reclaim_idle for another daemon */
	if (!disp->drain_over)
		start_entries(disp, batch);
	pump(disp);
}

static void group_created(enum hl_stream_result result, const struct hl_stream_batch *batch,
			  void *arg)
{
	struct hl_dispatcher *disp = arg;

	(void)batch;
	if (result == HL_STREAM_OK) {
		scan_again(disp);
		pump(disp);
	} else
		retry_later(disp);
	check_drained(disp);
}

/* Issues the next read when there is room; called whenever something changed. After a
 * stop it reads no more, and tells the daemon once nothing is in flight. */
static void pump(struct hl_dispatcher *disp)
{
	struct hl_stream *in = &disp->intake;
	size_t room;
	int sent;

	if (disp->stopped) {
		check_drained(disp);
		return;
	}
	if (hl_stream_reading(in) || disp->inflight >= INFLIGHT_MAX)
		return;
	room = INFLIGHT_MAX - disp->inflight;
	if (!hl_stream_ready(in))
		sent = hl_stream_create_group(in, group_created, disp);
	else
		sent = hl_stream_read(in, room < READ_MAX ? room : READ_MAX, READ_BLOCK_MS,
				      read_arrived, disp);
	if (sent < 0)
		retry_later(disp);
}

void hl_dispatcher_set_holder(struct hl_dispatcher *disp, const char *tag)
{
	snprintf(disp->holder, sizeof(disp->holder), "%s", tag);
}

const char *hl_dispatcher_holder(const struct hl_dispatcher *disp)
{
	return disp ? disp->holder : "";
}

int hl_dispatcher_reserve(struct hl_dispatcher *disp)
{
	if (!disp || !disp->holder[0] || disp->stopped || disp->inflight >= INFLIGHT_MAX)
		return -1;
	disp->inflight++;
	disp->reserved++;
	return 0;
}

void hl_dispatcher_unreserve(struct hl_dispatcher *disp)
{
	disp->inflight--;
	disp->reserved--;
	pump(disp);
}

void hl_dispatcher_take(struct hl_dispatcher *disp, const struct hl_ticket *ticket,
			const struct redisReply *reply, size_t related_from)
{
	struct job *job = calloc(1, sizeof(*job));

	disp->reserved--; /* the slot is the job's now */
	if (!job) {
		disp->inflight--;
		hl_log(HL_LOG_WARN, "dispatch", "hand_off_failed id=%s error=\"out of memory\" "
		       "action=lease", hl_ticket_field(ticket, "id"));
		pump(disp);
		return;
	}
	job->disp = disp;
	hl_list_push(&disp->jobs, &job->node);
	if (hl_dispatch_job_take(&job->route, disp->svc, ticket, reply, related_from,
				 &disp->drain_over, finish, job) < 0) {
		hl_log(HL_LOG_WARN, "dispatch", "hand_off_failed id=%s error=\"out of memory\" "
		       "action=lease", hl_ticket_field(ticket, "id"));
		job_free(job);
		pump(disp);
	}
}

static int claim(struct hl_dispatcher *disp);
static void reclaim_fired(evutil_socket_t fd, short what, void *arg);

/* Entries were moved here (hl_dispatcher_take_over_now): a scan now, if one can start
 * (none under way, the group ready, room), else at the first of these that can. */
static void scan_again(struct hl_dispatcher *disp)
{
	if (!disp->takeover.again || disp->takeover.running || !hl_stream_ready(&disp->intake))
		return;
	reclaim_fired(-1, 0, disp);
	if (disp->takeover.running)
		disp->takeover.again = 0;
}

/* Ends the takeover scan until the next tick, or begins the next one when entries were
 * moved here meanwhile. */
static void takeover_end(struct hl_dispatcher *disp)
{
	struct takeover *t = &disp->takeover;

	if (t->taken > 0)
		hl_log(HL_LOG_INFO, "dispatch", "reclaimed entries=%zu", t->taken);
	t->running = 0;
	scan_again(disp);
	check_drained(disp);
}

/* Goes on with the takeover scan, or ends it. */
static void takeover_next(struct hl_dispatcher *disp)
{
	if (!disp->stopped && hl_stream_scanning(&disp->intake) && claim(disp) == 0)
		return;
	takeover_end(disp);
}

/* A claim answered: at most one entry (none when the one the cursor came to was not idle
 * long enough, or was deleted while pending). */
static void claimed(enum hl_stream_result result, const struct hl_stream_batch *batch,
		    void *arg)
{
	struct hl_dispatcher *disp = arg;
	struct hl_stream_entry e;

	if (result != HL_STREAM_OK) {
		takeover_end(disp);
		return;
	}
	/* claimed as the daemon stops, it is routed all the same: left now, it would wait
	 * another reclaim_idle, claiming having made it look busy */
	if (!disp->drain_over && hl_stream_batch_entry(batch, 0, &e) == 0 &&
	    start_job(disp, &e, 1) == 0) {
		disp->takeover.taken++;
		return; /* the scan goes on when it is routed */
	}
	takeover_next(disp);
}

/* Takes over the next entry idle for routing.reclaim_idle, from the scan's cursor on. */
static int claim(struct hl_dispatcher *disp)
{
	return hl_stream_claim(&disp->intake, disp->svc->world->config->reclaim_idle_ms, 1,
			       claimed, disp);
}

static void reclaim_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_dispatcher *disp = arg;
	struct takeover *t = &disp->takeover;

	(void)fd;
	(void)what;
	if (disp->stopped || t->running || !hl_stream_ready(&disp->intake) ||
	    disp->inflight >= INFLIGHT_MAX)
		return;
	hl_stream_scan_begin(&disp->intake);
	t->taken = 0;
	if (claim(disp) == 0)
		t->running = 1;
}

void hl_dispatcher_take_over_now(struct hl_dispatcher *disp)
{
	if (!disp || disp->stopped)
		return;
	disp->takeover.again = 1;
	scan_again(disp);
}

/* (Re)arms the takeover scan every routing.reclaim_idle / 2 of the generation in service. */
static int arm_takeover(struct hl_dispatcher *disp)
{
	int64_t every = disp->svc->world->config->reclaim_idle_ms / 2;
	struct timeval tv = {(time_t)(every / 1000), (suseconds_t)(every % 1000) * 1000};

	return event_add(disp->reclaim, &tv);
}

struct hl_dispatcher *hl_dispatcher_start(struct hl_service *svc)
{
	struct hl_dispatcher *disp = calloc(1, sizeof(*disp));
	char key[96];

	if (!disp)
		return NULL;
	disp->svc = svc;
	hl_key(key, sizeof(key), svc->prefix, HL_KEY_INTAKE);
	if (hl_stream_init(&disp->intake, svc->redis, key, HL_GROUP_ROUTE, svc->instance,
			   "dispatch", NULL) < 0) {
		free(disp);
		return NULL;
	}
	disp->retry = evtimer_new(svc->base, retry_fired, disp);
	disp->reclaim = event_new(svc->base, -1, EV_PERSIST, reclaim_fired, disp);
	if (!disp->retry || !disp->reclaim || arm_takeover(disp) < 0) {
		hl_dispatcher_free(disp);
		return NULL;
	}
	pump(disp);
	return disp;
}

void hl_dispatcher_reconfigured(struct hl_dispatcher *disp)
{
	if (disp && !disp->stopped && arm_takeover(disp) < 0)
		hl_log(HL_LOG_ERROR, "dispatch", "takeover_unscheduled reason=\"no timer\"");
}

/* After a stop, once nothing is in flight (no job; no read or takeover claim, unless the
 * stop's time for routing is over): tells the daemon. */
static void check_drained(struct hl_dispatcher *disp)
{
	void (*drained)(void *) = disp->drained;

	if (!drained || disp->inflight > 0 ||
	    (!disp->drain_over && (hl_stream_reading(&disp->intake) || disp->takeover.running)))
		return;
	disp->drained = NULL;
	if (disp->drain_limit)
		event_del(disp->drain_limit);
	drained(disp->drained_arg);
}

/* The stop's time for routing ran out: the jobs still waiting for a plugin are given up
 * (their entries stay pending, for another daemon or the next start); those waiting for
 * Redis finish as it answers. */
static void drain_limit_passed(evutil_socket_t fd, short what, void *arg)
{
	struct hl_dispatcher *disp = arg;
	struct hl_list_node *node, *next;

	(void)fd;
	(void)what;
	disp->drain_over = 1;
	HL_LIST_EACH_SAFE(node, next, &disp->jobs) {
		struct job *job = HL_LIST_ENTRY(node, struct job, node);

		if (hl_dispatch_job_waits_for_plugin(&job->route)) {
			hl_log(HL_LOG_WARN, "dispatch", "stop_gave_up id=%s action=left_pending",
			       job->route.e.id);
			finish(&job->route, job); /* the last one in flight tells the daemon */
		}
	}
	check_drained(disp); /* the dispatcher waits no more for a read or claim */
}

void hl_dispatcher_stop(struct hl_dispatcher *disp, int64_t within_ms,
			void (*drained)(void *arg), void *arg)
{
	struct timeval tv = {(time_t)(within_ms / 1000), (suseconds_t)(within_ms % 1000) * 1000};

	if (!disp) {
		drained(arg);
		return;
	}
	disp->stopped = 1;
	event_del(disp->retry);
	event_del(disp->reclaim);
	disp->drained = drained;
	disp->drained_arg = arg;
	/* also when nothing is in flight: a read or claim under way may still bring work */
	hl_log(HL_LOG_INFO, "dispatch", "stopping in_flight=%zu reading=%d taking_over=%d",
	       disp->inflight, hl_stream_reading(&disp->intake), disp->takeover.running);
	disp->drain_limit = evtimer_new(disp->svc->base, drain_limit_passed, disp);
	if (!disp->drain_limit || evtimer_add(disp->drain_limit, &tv) < 0)
		hl_log(HL_LOG_ERROR, "dispatch", "stop_unbounded reason=\"no timer\"");
	check_drained(disp);
}

void hl_dispatcher_free(struct hl_dispatcher *disp)
{
	if (!disp)
		return;
	while (!hl_list_empty(&disp->jobs))
		job_free(HL_LIST_ENTRY(hl_list_first(&disp->jobs), struct job, node));
	if (disp->retry)
		event_free(disp->retry);
	if (disp->reclaim)
		event_free(disp->reclaim);
	if (disp->drain_limit)
		event_free(disp->drain_limit);
	free(disp);
}
