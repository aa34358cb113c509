/* Sweeping hl:due and telling the plugins; see escalation.h. */
#include "tickets/escalation.h"

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/api.h"
#include "base/clock.h"
#include "host/service.h"
#include "base/log.h"
#include "host/plugin_host.h"
#include "base/ticket.h"
#include "host/world.h"

/* Tickets per claim (each with every stage of it due; hl:due holds one member per
 * ticket). A claim is one Lua step, which holds Redis: at a million open
 * tickets 256 stages took it 10-22 ms (BENCHMARKS.md), long enough to stall intake when a
 * whole day's deadlines fall due at once; 64 keep each step to a few ms. */
#define CLAIM_MOST 64
#define FIELDS_PER_STAGE 7 /* id, clock, stage, audience, due_ms, late_ms, unit */

struct hl_escalation {
	struct hl_service *svc;
	struct event *timer;
	int claiming, stopped;
};

static void sweep(struct hl_escalation *e);

static const char *event_of(const char *stage)
{
	if (strcmp(stage, "warning") == 0)
		return HL_EV_WARNING;
	if (strcmp(stage, "overdue") == 0)
		return HL_EV_OVERDUE;
	return HL_EV_ESCALATED;
}

/* Tells the plugins of one fired stage; the ticket view carries what fired. */
static void tell(struct hl_escalation *e, const redisReply *r, size_t at)
{
	static const char *const names[FIELDS_PER_STAGE] = {"id",     "clock",   "stage", "audience",
							    "due_ms", "late_ms", "department"};
	struct hl_ticket_field fields[FIELDS_PER_STAGE];
	struct hl_ticket view = {FIELDS_PER_STAGE, fields, 0, NULL};
	char detail[160];

	for (size_t i = 0; i < FIELDS_PER_STAGE; i++)
		fields[i] = (struct hl_ticket_field){names[i], r->element[at + i]->str};
	snprintf(detail, sizeof(detail), "%s %s%s%s, late by %lld s", fields[1].value,
		 fields[2].value, *fields[3].value ? " to " : "", fields[3].value,
		 atoll(fields[5].value) / 1000);
	hl_log(HL_LOG_INFO, "escalation", "fired id=%s clock=%s stage=%s audience=%s unit=%s "
					  "late_ms=%s",
	       fields[0].value, fields[1].value, fields[2].value,
	       *fields[3].value ? fields[3].value : "-", *fields[6].value ? fields[6].value : "-",
	       fields[5].value);
	hl_metrics_count(e->svc->metrics.stages, HL_METRIC_NAMES, fields[2].value);
	hl_plugins_emit(e->svc->world->plugins, event_of(fields[2].value), fields[0].value, &view,
			detail);
}

static void claimed(struct redisReply *reply, void *arg)
{
	struct hl_escalation *e = arg;

	e->claiming = 0;
	if (!reply || reply->type != REDIS_REPLY_ARRAY) {
		if (reply && reply->type == REDIS_REPLY_ERROR)
			hl_log(HL_LOG_WARN, "escalation", "claim_failed error=\"%s\"", reply->str);
		return;
	}
	for (size_t i = 1; i + FIELDS_PER_STAGE <= reply->elements; i += FIELDS_PER_STAGE)
		tell(e, reply, i);
	/* The claim was full, though some stages may have been dropped (their clock had
	 * stopped): more may be due, go on at once. */
	if (reply->elements > 0 && reply->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(reply->element[0]->str, "1") == 0)
		sweep(e);
}

static void sweep(struct hl_escalation *e)
{
	char most[16];
	const char *argv[] = {most};

	if (e->stopped || e->claiming)
		return;
	snprintf(most, sizeof(most), "%d", CLAIM_MOST);
	if (hl_eval_as(e->svc, hl_clock_now_ms(), "escalation", "system", HL_SCRIPT_DUE_CLAIM,
		       claimed, e, 1, argv, NULL) == 0)
		e->claiming = 1;
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sweep(arg);
}

struct hl_escalation *hl_escalation_start(struct hl_service *svc, int64_t interval_ms)
{
	struct hl_escalation *e = calloc(1, sizeof(*e));
	struct timeval tv = {(time_t)(interval_ms / 1000), (suseconds_t)(interval_ms % 1000) * 1000};

	if (!e)
		return NULL;
	e->svc = svc;
	e->timer = event_new(svc->base, -1, EV_PERSIST, tick, e);
	if (!e->timer || event_add(e->timer, &tv) < 0) {
		hl_escalation_free(e);
		return NULL;
	}
	return e;
}

void hl_escalation_stop(struct hl_escalation *e)
{
	if (!e)
		return;
	e->stopped = 1;
	event_del(e->timer);
}

void hl_escalation_free(struct hl_escalation *e)
{
	if (!e)
		return;
	if (e->timer)
		event_free(e->timer);
	free(e);
}
