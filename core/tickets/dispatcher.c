/* Reading the routing stream, routing, committing, reclaiming; see dispatcher.h. */
#include "tickets/dispatcher.h"

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/api.h"
#include "base/clock.h"
#include "base/list.h"
#include "config/config.h"
#include "host/service.h"
#include "store/keys.h"
#include "base/log.h"
#include "host/plugin_host.h"
#include "store/redis.h"
#include "store/reply.h"
#include "store/stream.h"
#include "host/router.h"
#include "time/sla.h"
#include "time/calendar.h"
#include "base/ticket.h"
#include "host/world.h"

/* Entries per XREADGROUP: at most READ_MAX, and no more than there is room for. One read
 * is outstanding at a time and takes a whole Redis event-loop turn (with appendfsync
 * always, an fsync), while intake can add one ticket per client connection in that turn:
 * a read must be able to take more than the connections add, or routing falls behind. */
#define READ_MAX 256
#define READ_BLOCK_MS 1000   /* how long a read waits for new entries */
#define INFLIGHT_MAX 1024    /* tickets routed at once; reading pauses above this */
#define RELATED_MAX "10"
#define RETRY_MS 200        /* when Redis is not ready */
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A routing stream entry (its stream id): which ticket, at which routing sequence. */
struct entry {
	char entry[48], id[32], seq[16];
};

/* Entries a daemon left pending when it stopped or died are taken over one at a time:
 * each is claimed (XAUTOCLAIM COUNT 1) only when the one before it has been routed. If
 * one of them is what killed that daemon (a plugin crashing on its text), the next daemon
 * dies on it alone, so routing.max_attempts counts against it alone, not against every
 * entry taken over beside it; and an entry never waits here, claimed but idle, long
 * enough for yet another daemon to take it over too. */
struct takeover {
	int running;       /* an XAUTOCLAIM is outstanding or its entry is being routed */
	size_t taken;      /* entries taken over in this scan, for the log */
};

struct hl_dispatcher {
	struct hl_service *svc;
	struct hl_stream intake; /* this daemon's consumer of the routing stream */
	int stopped;
	int drain_over; /* stopped, and its time for routing ran out: start no more */
	size_t inflight;
	struct takeover takeover;
	struct event *retry, *reclaim;
	struct hl_list jobs; /* struct job in flight, for hl_dispatcher_free */
	void (*drained)(void *arg); /* after a stop, once nothing is in flight */
	void *drained_arg;
	struct event *drain_limit;  /* after a stop: give up what still waits for a plugin */
};

/* One stream entry being routed. */
struct job {
	struct hl_dispatcher *disp;
	struct hl_world *world; /* the generation it is routed with, until committed */
	struct entry e;
	int taken_over; /* by the takeover scan, which goes on when it ends */
	struct hl_ticket ticket;
	struct hl_route_run *routing; /* while a plugin is awaited */
	int64_t start_ns;             /* for the routing time histogram */
	struct hl_list_node node;     /* on disp->jobs */
};

static void pump(struct hl_dispatcher *disp);
static void takeover_next(struct hl_dispatcher *disp);
static void check_drained(struct hl_dispatcher *disp);

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

/* Ends a job and reads more if reading had paused. */
static void finish(struct job *job);

static void job_free(struct job *job)
{
	struct hl_dispatcher *disp = job->disp;

	hl_list_remove(&job->node);
	disp->inflight--;
	hl_route_cancel(job->routing);
	hl_ticket_release(&job->ticket);
	hl_world_unref(job->world);
	free(job);
}

/* Runs a routing script; the dispatcher is the actor in the audit trail. */
static int eval(struct hl_dispatcher *disp, enum hl_script_id script, hl_redis_reply_fn fn,
		void *arg, int argc, const char **argv)
{
	return hl_eval_as(disp->svc, hl_clock_now_ms(), "dispatcher", "system", script, fn, arg,
			  argc, argv, NULL);
}

static void emit(struct job *job, const char *event, const struct hl_ticket *ticket,
		 const char *detail)
{
	hl_plugins_emit(job->world->plugins, event, job->e.id, ticket, detail);
}

static void committed(struct redisReply *reply, void *arg)
{
	struct job *job = arg;
	char b[32];
	const char *outcome = hl_reply_str(reply, 0, b, sizeof(b));
	struct hl_ticket after;

	if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
		hl_log(HL_LOG_WARN, "dispatch", "commit_failed id=%s error=\"%s\" action=left_pending",
		       job->e.id, reply && reply->type == REDIS_REPLY_ERROR ? reply->str
									: "connection lost");
		finish(job);
		return;
	}
	if (hl_ticket_from_reply(reply->element[1], &after) < 0)
		memset(&after, 0, sizeof(after));
	if (strcmp(outcome, "stale") == 0) {
		hl_log(HL_LOG_INFO, "dispatch", "skipped id=%s reason=\"routed elsewhere already\"",
		       job->e.id);
	} else {
		const char *dept = hl_ticket_field(&after, "department");

		hl_log(HL_LOG_INFO, "dispatch", "%s id=%s department=%s", outcome, job->e.id,
		       dept ? dept : "-");
		hl_metrics_count(job->disp->svc->metrics.transitions, HL_METRIC_NAMES, outcome);
		hl_metrics_observe(&job->disp->svc->metrics.routing,
				   (double)(hl_clock_mono_ns() - job->start_ns) / 1e9);
		emit(job,
		     strcmp(outcome, "dispatched") == 0 ? HL_EV_DISPATCHED
		     : strcmp(outcome, "merged") == 0	? HL_EV_MERGED
							: HL_EV_PENDING_MANUAL,
		     &after, hl_ticket_field(&after, strcmp(outcome, "pending_manual") == 0
							     ? "manual_reason"
							     : "route_reason"));
	}
	hl_ticket_release(&after);
	finish(job);
}

static void finish(struct job *job)
{
	struct hl_dispatcher *disp = job->disp;
	int taken_over = job->taken_over;

	job_free(job);
	if (taken_over)
		takeover_next(disp);
	pump(disp);
}

/* The time limits of a dispatch: the SLA policy for the ticket as routed (the item and
 * type the catalogue gave, or the policy a plugin asked for), its sign-for and answer
 * clocks from now, and the end of the return window. */
static const struct hl_sla_policy *limits(struct job *job, const struct hl_decision *d,
					  int64_t now, struct hl_sla_args *a,
					  char *return_until, size_t len)
{
	struct hl_world *w = job->world;
	struct hl_ticket_field extra[2], *storage;
	struct hl_ticket view;
	const struct hl_sla_policy *p;
	size_t nextra = 0;
	int64_t due;

	if (d->item[0])
		extra[nextra++] = (struct hl_ticket_field){"item", d->item};
	if (d->type[0] && !hl_ticket_field(&job->ticket, "type"))
		extra[nextra++] = (struct hl_ticket_field){"type", d->type};
	storage = malloc((job->ticket.nfields + nextra) * sizeof(*storage));
	if (!storage)
		return NULL;
	hl_ticket_overlay(&job->ticket, extra, nextra, storage, &view);
	p = hl_sla_match(w->sla, &view, d->policy);
	free(storage);
	hl_sla_args_init(a);
	if (hl_sla_args_add(a, p, w->calendar, HL_CLOCK_SIGN, now, -1, &due) < 0 ||
	    hl_sla_args_add(a, p, w->calendar, HL_CLOCK_ANSWER, now, -1, &due) < 0)
		return NULL;
	snprintf(return_until, len, "%lld",
		 (long long)hl_calendar_add(w->calendar, now, p->return_window));
	return p;
}

static void routed(const struct hl_route_result *r, void *arg)
{
	struct job *job = arg;
	const char *mode = r->outcome == HL_ROUTE_DISPATCH ? "dispatch"
			   : r->outcome == HL_ROUTE_MERGE  ? "merge"
							   : "manual";
	struct hl_sla_args sla;
	char return_until[24] = "", count[16];
	const struct hl_sla_policy *p = NULL;
	const char *argv[HL_SCRIPT_ARGS_NAMED(14) + HL_SLA_ARGS_MAX];
	int argc;

	if (r->outcome != HL_ROUTE_MANUAL && r->decision.department[0] &&
	    !(p = limits(job, &r->decision, hl_clock_now_ms(), &sla, return_until,
			 sizeof(return_until))))
		hl_log(HL_LOG_WARN, "dispatch", "no_deadlines id=%s reason=\"calendar\"", job->e.id);
	const struct hl_script_arg named[] = {
		{"mode", mode},
		{"id", job->e.id},
		{"seq", job->e.seq},
		{"entry", job->e.entry},
		{"group", HL_GROUP_ROUTE},
		{"unit", r->decision.department},
		{"item", r->decision.item},
		{"reason", r->outcome == HL_ROUTE_MANUAL ? r->manual_reason : r->decision.reason},
		{"by", r->decided_by ? r->decided_by : ""},
		{"policy", p ? p->name : r->decision.policy},
		{"notify", r->decision.notify_supervisors ? "1" : "0"},
		{"merge_into", r->decision.merge_into},
		{"type", r->decision.type},
		{"return_until", return_until},
	};
	argc = hl_script_args_named(argv, COUNT_OF(argv), count, named, COUNT_OF(named));
	if (p) {
		for (int i = 0; i < sla.argc; i++)
			argv[argc++] = sla.argv[i];
	} else {
		argv[argc++] = "0"; /* no clocks */
	}
	if (eval(job->disp, HL_SCRIPT_ROUTE_COMMIT, committed, job, argc, argv) < 0) {
		hl_log(HL_LOG_WARN, "dispatch", "commit_failed id=%s error=\"Redis not ready\" "
						"action=left_pending",
		       job->e.id);
		finish(job);
	}
}

/* Copies the related tickets (elements 1.. of route_load's answer) under the ticket. */
static void attach_related(struct hl_ticket *t, const redisReply *reply)
{
	struct hl_ticket *related;
	size_t n = reply->elements - 1;

	if (n == 0 || !(related = calloc(n, sizeof(*related))))
		return;
	for (size_t i = 0; i < n; i++) {
		if (hl_ticket_from_reply(reply->element[1 + i], &related[t->nrelated]) == 0)
			t->nrelated++;
	}
	t->related = related;
}

/* Routing began on this ticket more than routing.max_attempts times without finishing:
 * daemons died while routing it (a plugin that crashes on its text would take every
 * daemon down in turn). Leaves it for manual dispatch without asking the plugins. */
static int gave_up(struct job *job)
{
	const char *n = hl_ticket_field(&job->ticket, "route_attempts");
	long long attempts = n ? atoll(n) : 0, most;
	struct hl_route_result r;

	most = hl_opt_int(&job->world->config->routing, "max_attempts");
	if (attempts <= most)
		return 0;
	memset(&r, 0, sizeof(r));
	r.outcome = HL_ROUTE_MANUAL;
	snprintf(r.manual_reason, sizeof(r.manual_reason),
		 "routing began %lld times without finishing (routing.max_attempts %lld): the "
		 "daemon stopped while routing it, perhaps a plugin fails on it",
		 attempts - 1, most);
	hl_log(HL_LOG_WARN, "dispatch", "gave_up id=%s attempts=%lld action=pending_manual",
	       job->e.id, attempts - 1);
	routed(&r, job);
	return 1;
}

static void loaded(struct redisReply *reply, void *arg)
{
	struct job *job = arg;
	const struct hl_config *cfg = job->world->config;

	if (!reply || reply->type != REDIS_REPLY_ARRAY) {
		hl_log(HL_LOG_WARN, "dispatch", "load_failed id=%s error=\"%s\" action=left_pending",
		       job->e.id, reply && reply->type == REDIS_REPLY_ERROR ? reply->str
									: "connection lost");
		finish(job);
		return;
	}
	if (reply->elements == 0) { /* stale: acknowledged by the script */
		finish(job);
		return;
	}
	if (hl_ticket_from_reply(reply->element[0], &job->ticket) < 0) {
		hl_log(HL_LOG_ERROR, "dispatch", "load_failed id=%s error=\"unreadable ticket\"",
		       job->e.id);
		finish(job);
		return;
	}
	attach_related(&job->ticket, reply);
	if (job->disp->drain_over) { /* the stop's time for routing ran out */
		finish(job);
		return;
	}
	if (gave_up(job))
		return;
	if (hl_route_start(job->world->plugins, job->world->routes, job->disp->svc->base,
			   &job->ticket, hl_ticket_field(&job->ticket, "excluded"),
			   cfg->plugin_timeout_ms, 0, routed, job, &job->routing) < 0)
		finish(job);
}

/* Copies a routing stream entry: its stream id, and its fields id and seq. */
static void entry_copy(const struct hl_stream_entry *se, struct entry *e)
{
	const char *id = hl_stream_field(se, "id", NULL), *seq = hl_stream_field(se, "seq", NULL);

	memset(e, 0, sizeof(*e));
	snprintf(e->entry, sizeof(e->entry), "%s", se->id);
	snprintf(e->id, sizeof(e->id), "%s", id ? id : "");
	snprintf(e->seq, sizeof(e->seq), "%s", seq ? seq : "");
}

/* Begins routing one entry by loading its ticket. Returns -1 when the load could not be
 * sent (the entry stays pending, to be read again after a reclaim). */
static int start_job(struct hl_dispatcher *disp, const struct entry *e, int taken_over)
{
	struct job *job;
	char related_since[24], count[16];
	const char *argv[HL_SCRIPT_ARGS_NAMED(6)];

	if (!(job = calloc(1, sizeof(*job))))
		return -1;
	job->disp = disp;
	job->e = *e;
	job->taken_over = taken_over;
	job->world = hl_world_ref(disp->svc->world);
	job->start_ns = hl_clock_mono_ns();
	hl_list_push(&disp->jobs, &job->node);
	disp->inflight++;
	snprintf(related_since, sizeof(related_since), "%lld",
		 (long long)(hl_clock_now_ms() - job->world->config->related_window_ms));
	const struct hl_script_arg named[] = {
		{"id", job->e.id},
		{"seq", job->e.seq},
		{"entry", job->e.entry},
		{"group", HL_GROUP_ROUTE},
		{"since", related_since},
		{"most", RELATED_MAX},
	};
	int argc = hl_script_args_named(argv, COUNT_OF(argv), count, named, COUNT_OF(named));

	if (eval(disp, HL_SCRIPT_ROUTE_LOAD, loaded, job, argc, argv) < 0) {
		job_free(job);
		return -1;
	}
	return 0;
}

static void start_entries(struct hl_dispatcher *disp, const struct hl_stream_batch *batch)
{
	struct hl_stream_entry se;
	struct entry e;

	for (size_t i = 0; i < hl_stream_batch_size(batch); i++) {
		if (hl_stream_batch_entry(batch, i, &se) == 0) {
			entry_copy(&se, &e);
			start_job(disp, &e, 0);
		}
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
	if (result == HL_STREAM_OK)
		pump(disp);
	else
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

static int claim(struct hl_dispatcher *disp);

/* Ends the takeover scan until the next tick. */
static void takeover_end(struct hl_dispatcher *disp)
{
	struct takeover *t = &disp->takeover;

	if (t->taken > 0)
		hl_log(HL_LOG_INFO, "dispatch", "reclaimed entries=%zu", t->taken);
	t->running = 0;
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
	struct hl_stream_entry se;
	struct entry e;

	if (result != HL_STREAM_OK) {
		takeover_end(disp);
		return;
	}
	/* claimed as the daemon stops, it is routed all the same: left now, it would wait
	 * another reclaim_idle, claiming having made it look busy */
	if (!disp->drain_over && hl_stream_batch_entry(batch, 0, &se) == 0) {
		entry_copy(&se, &e);
		if (start_job(disp, &e, 1) == 0) {
			disp->takeover.taken++;
			return; /* the scan goes on when it is routed */
		}
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

		if (job->routing) {
			hl_log(HL_LOG_WARN, "dispatch", "stop_gave_up id=%s action=left_pending",
			       job->e.id);
			finish(job); /* the last one in flight tells the daemon */
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
