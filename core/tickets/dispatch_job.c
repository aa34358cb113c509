/* One routing stream entry through routing: load, route, commit; see dispatch_job.h. */
#include "tickets/dispatch_job.h"

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "config/config.h"
#include "host/plugin_host.h"
#include "host/router.h"
#include "host/service.h"
#include "host/world.h"
#include "store/keys.h"
#include "store/reply.h"
#include "store/scripts.h"
#include "store/stream.h"
#include "tickets/api.h"
#include "time/calendar.h"
#include "time/sla.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The job is over: the owner takes it back (and may free it). */
static void end(struct hl_dispatch_job *job)
{
	job->ended(job, job->arg);
}

/* Runs a routing script; the dispatcher is the actor in the audit trail. */
static int eval(struct hl_dispatch_job *job, enum hl_script_id script, hl_redis_reply_fn fn,
		int argc, const char **argv)
{
	return hl_eval_as(job->svc, hl_clock_now_ms(), "dispatcher", "system", script, fn, job,
			  argc, argv, NULL);
}

static void emit(struct hl_dispatch_job *job, const char *event,
		 const struct hl_ticket *ticket, const char *detail)
{
	hl_plugins_emit(job->world->plugins, event, job->e.id, ticket, detail);
}

static void committed(struct redisReply *reply, void *arg)
{
	struct hl_dispatch_job *job = arg;
	char b[32];
	const char *outcome = hl_reply_str(reply, 0, b, sizeof(b));
	struct hl_ticket changed, after;
	struct hl_ticket_field *storage;

	if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
		hl_log(HL_LOG_WARN, "dispatch", "commit_failed id=%s error=\"%s\" action=left_pending",
		       job->e.id, reply && reply->type == REDIS_REPLY_ERROR ? reply->str
									: "connection lost");
		end(job);
		return;
	}
	/* The ticket as it is now: what route_load read, under what the commit set (the
	 * script answers only that; it does not read the ticket back). */
	if (hl_ticket_from_reply(reply->element[1], &changed) < 0)
		memset(&changed, 0, sizeof(changed));
	storage = malloc((job->ticket.nfields + changed.nfields + 1) * sizeof(*storage));
	if (storage)
		hl_ticket_overlay(&job->ticket, changed.fields, changed.nfields, storage, &after);
	else
		after = changed;
	if (strcmp(outcome, "stale") == 0) {
		hl_log(HL_LOG_INFO, "dispatch", "skipped id=%s reason=\"routed elsewhere already\"",
		       job->e.id);
	} else {
		const char *dept = hl_ticket_field(&after, "department");

		hl_log(HL_LOG_INFO, "dispatch", "%s id=%s department=%s", outcome, job->e.id,
		       dept ? dept : "-");
		hl_metrics_count(job->svc->metrics.transitions, HL_METRIC_NAMES, outcome);
		hl_metrics_observe(&job->svc->metrics.routing,
				   (double)(hl_clock_mono_ns() - job->start_ns) / 1e9);
		emit(job,
		     strcmp(outcome, "dispatched") == 0 ? HL_EV_DISPATCHED
		     : strcmp(outcome, "merged") == 0	? HL_EV_MERGED
							: HL_EV_PENDING_MANUAL,
		     &after, hl_ticket_field(&after, strcmp(outcome, "pending_manual") == 0
							     ? "manual_reason"
							     : "route_reason"));
	}
	free(storage);
	hl_ticket_release(&changed);
	end(job);
}

/* The time limits of a dispatch: the SLA policy for the ticket as routed (the item and
 * type the catalogue gave, or the policy a plugin asked for), its sign-for and answer
 * clocks from now, and the end of the return window. */
static const struct hl_sla_policy *limits(struct hl_dispatch_job *job,
					  const struct hl_decision *d, int64_t now,
					  struct hl_sla_args *a, char *return_until, size_t len)
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
	struct hl_dispatch_job *job = arg;
	const char *mode = r->outcome == HL_ROUTE_DISPATCH ? "dispatch"
			   : r->outcome == HL_ROUTE_MERGE  ? "merge"
							   : "manual";
	struct hl_sla_args sla;
	char return_until[24] = "", count[16];
	const struct hl_sla_policy *p = NULL;
	const char *argv[HL_SCRIPT_ARGS_NAMED(14) + HL_SLA_ARGS_MAX];
	int argc;
	_Static_assert(HL_SCRIPT_ARGS_NAMED(14) + HL_SLA_ARGS_MAX <= HL_REDIS_EVAL_AS_ARGS_MAX,
		       "route_commit's arguments must fit hl_redis_eval_as");

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
	if (eval(job, HL_SCRIPT_ROUTE_COMMIT, committed, argc, argv) < 0) {
		hl_log(HL_LOG_WARN, "dispatch", "commit_failed id=%s error=\"Redis not ready\" "
						"action=left_pending",
		       job->e.id);
		end(job);
	}
}

/* Copies the related tickets, elements `from`.. of the reply (route_load's, or
 * ticket_create's for a ticket handed off), under the ticket. */
static void attach_related(struct hl_ticket *t, const redisReply *reply, size_t from)
{
	struct hl_ticket *related;
	size_t n = reply->elements > from ? reply->elements - from : 0;

	if (n == 0 || !(related = calloc(n, sizeof(*related))))
		return;
	for (size_t i = 0; i < n; i++) {
		if (hl_ticket_from_reply(reply->element[from + i], &related[t->nrelated]) == 0)
			t->nrelated++;
	}
	t->related = related;
}

/* Routing began on this ticket more than routing.max_attempts times without finishing:
 * daemons died while routing it (a plugin that crashes on its text would take every
 * daemon down in turn). Leaves it for manual dispatch without asking the plugins. */
static int gave_up(struct hl_dispatch_job *job)
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

/* Routes the ticket the job holds, unless the owner stops or it ran out of attempts. */
static void route(struct hl_dispatch_job *job)
{
	if (*job->stop) { /* e.g. the stop's time for routing ran out */
		end(job);
		return;
	}
	if (gave_up(job))
		return;
	if (hl_route_start(job->world->plugins, job->world->routes, job->svc->base,
			   &job->ticket, hl_ticket_field(&job->ticket, "excluded"),
			   job->world->config->plugin_timeout_ms, 0, routed, job, &job->routing) < 0)
		end(job);
}

static void loaded(struct redisReply *reply, void *arg)
{
	struct hl_dispatch_job *job = arg;

	if (!reply || reply->type != REDIS_REPLY_ARRAY) {
		hl_log(HL_LOG_WARN, "dispatch", "load_failed id=%s error=\"%s\" action=left_pending",
		       job->e.id, reply && reply->type == REDIS_REPLY_ERROR ? reply->str
									: "connection lost");
		end(job);
		return;
	}
	if (reply->elements == 0) { /* stale: acknowledged by the script */
		end(job);
		return;
	}
	if (hl_ticket_from_reply(reply->element[0], &job->ticket) < 0) {
		hl_log(HL_LOG_ERROR, "dispatch", "load_failed id=%s error=\"unreadable ticket\"",
		       job->e.id);
		end(job);
		return;
	}
	attach_related(&job->ticket, reply, 1);
	route(job);
}

/* Copies a routing stream entry: its stream id, and its fields id and seq. */
static void entry_copy(const struct hl_stream_entry *se, struct hl_dispatch_entry *e)
{
	const char *id = hl_stream_field(se, "id", NULL), *seq = hl_stream_field(se, "seq", NULL);

	memset(e, 0, sizeof(*e));
	snprintf(e->entry, sizeof(e->entry), "%s", se->id);
	snprintf(e->id, sizeof(e->id), "%s", id ? id : "");
	snprintf(e->seq, sizeof(e->seq), "%s", seq ? seq : "");
}

/* Loads the ticket (route_load), then routes it in loaded(). */
static int load(struct hl_dispatch_job *job)
{
	char related_since[24], count[16];
	const char *argv[HL_SCRIPT_ARGS_NAMED(7)];
	int argc;

	snprintf(related_since, sizeof(related_since), "%lld",
		 (long long)(hl_clock_now_ms() - job->world->config->related_window_ms));
	const struct hl_script_arg named[] = {
		{"id", job->e.id},
		{"seq", job->e.seq},
		{"entry", job->e.entry},
		{"group", HL_GROUP_ROUTE},
		{"since", related_since},
		{"most", HL_RELATED_MAX},
		{"taken_over", job->taken_over ? "1" : "0"},
	};
	argc = hl_script_args_named(argv, COUNT_OF(argv), count, named, COUNT_OF(named));
	return eval(job, HL_SCRIPT_ROUTE_LOAD, loaded, argc, argv);
}

static void job_init(struct hl_dispatch_job *job, struct hl_service *svc, const int *stop,
		     hl_dispatch_job_fn ended, void *arg)
{
	memset(job, 0, sizeof(*job));
	job->svc = svc;
	job->stop = stop;
	job->ended = ended;
	job->arg = arg;
	job->world = hl_world_ref(svc->world);
	job->start_ns = hl_clock_mono_ns();
}

int hl_dispatch_job_start(struct hl_dispatch_job *job, struct hl_service *svc,
			  const struct hl_stream_entry *entry, int taken_over, const int *stop,
			  hl_dispatch_job_fn ended, void *arg)
{
	job_init(job, svc, stop, ended, arg);
	entry_copy(entry, &job->e);
	job->taken_over = taken_over;
	return load(job);
}

/* The deferred start of a handed-off job: route() may end the job, which the owner must
 * never see from inside hl_dispatch_job_take. */
static void take_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_dispatch_job *job = arg;

	(void)fd;
	(void)what;
	route(job);
}

int hl_dispatch_job_take(struct hl_dispatch_job *job, struct hl_service *svc,
			 const struct hl_ticket *ticket, const struct redisReply *reply,
			 size_t related_from, const int *stop, hl_dispatch_job_fn ended, void *arg)
{
	const char *id = hl_ticket_field(ticket, "id");

	job_init(job, svc, stop, ended, arg);
	snprintf(job->e.id, sizeof(job->e.id), "%s", id ? id : "");
	snprintf(job->e.seq, sizeof(job->e.seq), "1");
	if (hl_ticket_copy(ticket->fields, ticket->nfields, &job->ticket) < 0)
		return -1;
	attach_related(&job->ticket, reply, related_from);
	if (!(job->start = evtimer_new(svc->base, take_fired, job)))
		return -1;
	event_active(job->start, EV_TIMEOUT, 1);
	return 0;
}

int hl_dispatch_job_waits_for_plugin(const struct hl_dispatch_job *job)
{
	return job->routing != NULL;
}

void hl_dispatch_job_release(struct hl_dispatch_job *job)
{
	if (job->start) { /* a hand-off not started yet never starts */
		event_free(job->start);
		job->start = NULL;
	}
	hl_route_cancel(job->routing);
	hl_ticket_release(&job->ticket);
	hl_world_unref(job->world);
	job->world = NULL;
}
