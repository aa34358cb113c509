/* The two routing passes over the plugin set; see router.h. */
#include "host/router.h"

#include <event2/event.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/list.h"
#include "base/log.h"
#include "host/plugin_host.h"
#include "config/routes.h"
#include "base/ticket.h"

enum pass { PASS_ROUTE, PASS_REVIEW };

struct hl_explanation {
	struct json_object *lines; /* array of strings */
};


/* One hook invocation a plugin may answer later. When its budget runs out the run moves
 * on without it; the call is then "abandoned" and kept (on its plugin's list) until the
 * plugin answers or is retired, so that a late answer never touches freed memory. */
struct hl_route_call {
	struct hl_route_run *run;              /* NULL once abandoned */
	struct hl_self *self;
	struct hl_decision decision;  /* what the plugin writes */
	struct hl_explanation explanation;
	struct event *timer;
	int in_hook;                  /* the hook has not returned yet */
	int answered;                 /* route_done came (possibly from inside the hook) */
	enum hl_status status;
	struct hl_list_node abandoned; /* on self->abandoned, once abandoned */
};

struct hl_route_run {
	const struct hl_plugin_set *set;
	const struct hl_routes *routes;
	struct event_base *base;
	const struct hl_ticket *ticket;
	const char *excluded;
	int64_t budget_ms;
	enum pass pass;
	size_t next;                  /* the plugin to ask next */
	struct hl_decision decision;  /* the decision so far */
	const char *decided_by;
	struct json_object *steps;    /* explanation, or NULL */
	hl_route_done_fn done;
	void *arg;
	struct hl_route_run **pending;         /* the caller's handle, cleared when done */
	struct hl_route_call *waiting; /* the call the run waits for, if any */
};

static void run_continue(struct hl_route_run *run);

static void call_free(struct hl_route_call *c)
{
	if (c->timer)
		event_free(c->timer);
	json_object_put(c->explanation.lines);
	free(c);
}

static void finish(struct hl_route_run *run, enum hl_route_outcome outcome, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finish(struct hl_route_run *run, enum hl_route_outcome outcome, const char *fmt, ...)
{
	struct hl_route_result r = {.outcome = outcome};
	va_list ap;

	r.decision = run->decision;
	r.decided_by = outcome == HL_ROUTE_MANUAL ? NULL : run->decided_by;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(r.manual_reason, sizeof(r.manual_reason), fmt, ap);
		va_end(ap);
	}
	r.explanation = run->steps;
	if (run->pending)
		*run->pending = NULL;
	run->done(&r, run->arg);
	json_object_put(run->steps);
	free(run);
}

static const char *status_name(enum hl_status s)
{
	switch (s) {
	case HL_OK:
		return "ok";
	case HL_DECLINED:
		return "declined";
	case HL_AGAIN:
		return "again";
	case HL_ERROR:
		return "error";
	}
	return "invalid";
}

static void record_step(struct hl_route_run *run, struct hl_route_call *c, const char *note)
{
	struct json_object *step;

	if (!run->steps)
		return;
	step = json_object_new_object();
	json_object_object_add(step, "plugin", json_object_new_string(c->self->name));
	json_object_object_add(step, "pass", json_object_new_string(
						     run->pass == PASS_ROUTE ? "route" : "review"));
	json_object_object_add(step, "status", json_object_new_string(status_name(c->status)));
	if (c->decision.department[0])
		json_object_object_add(step, "department",
				       json_object_new_string(c->decision.department));
	if (c->decision.item[0])
		json_object_object_add(step, "item", json_object_new_string(c->decision.item));
	if (c->decision.score)
		json_object_object_add(step, "score", json_object_new_int(c->decision.score));
	if (c->decision.reason[0])
		json_object_object_add(step, "reason", json_object_new_string(c->decision.reason));
	if (c->decision.merge_into[0])
		json_object_object_add(step, "merge_into",
				       json_object_new_string(c->decision.merge_into));
	if (note)
		json_object_object_add(step, "note", json_object_new_string(note));
	json_object_object_add(step, "lines", json_object_get(c->explanation.lines));
	json_object_array_add(run->steps, step);
}

/* The outcome of one hook, whenever it arrives: applies it and moves the run on. */
static void hook_answered(struct hl_route_call *c)
{
	struct hl_route_run *run = c->run;
	const char *plugin = c->self->name;

	run->waiting = NULL;
	if (c->status == HL_OK && run->pass == PASS_ROUTE && c->decision.department[0] &&
	    hl_list_has(run->excluded, c->decision.department)) {
		record_step(run, c, "unit excluded: it returned this ticket");
		call_free(c);
		run_continue(run);
		return;
	}
	record_step(run, c, NULL);
	if (c->status == HL_ERROR) {
		char reason[HL_REASON_MAX];

		snprintf(reason, sizeof(reason), "%s", c->decision.reason);
		call_free(c);
		finish(run, HL_ROUTE_MANUAL, "plugin %s failed: %s", plugin,
		       reason[0] ? reason : "(no reason given)");
		return;
	}
	if (c->status == HL_OK) { /* a decision, or a review's amendment */
		run->decision = c->decision;
		run->decision.explanation = NULL;
		if (run->pass == PASS_ROUTE) {
			run->decided_by = plugin;
			run->pass = PASS_REVIEW;
			run->next = 0;
		}
	}
	call_free(c);
	run_continue(run);
}

/* The run goes on without this call; the call waits on its plugin's list for a late
 * answer or the plugin's retirement. */
static void abandon(struct hl_route_call *c)
{
	if (c->run)
		c->run->waiting = NULL;
	if (c->timer)
		event_del(c->timer);
	c->run = NULL;
	hl_list_push(&c->self->abandoned, &c->abandoned);
}

static void budget_spent(evutil_socket_t fd, short what, void *arg)
{
	struct hl_route_call *c = arg;
	struct hl_route_run *run = c->run;

	(void)fd;
	(void)what;
	hl_log(HL_LOG_WARN, "router", "plugin_timeout plugin=%s budget_ms=%lld", c->self->name,
	       (long long)run->budget_ms);
	c->self->timeouts++;
	c->status = HL_AGAIN;
	record_step(run, c, "no answer within the time budget");
	abandon(c);
	finish(run, HL_ROUTE_MANUAL, "plugin %s did not answer within %lld ms", c->self->name,
	       (long long)run->budget_ms);
}

void hl_route_cancel(struct hl_route_run *run)
{
	if (!run)
		return;
	if (run->waiting)
		abandon(run->waiting);
	if (run->pending)
		*run->pending = NULL;
	json_object_put(run->steps);
	free(run);
}

void hl_router_route_done(struct hl_route_call *c, enum hl_status status)
{
	if (!c || c->answered)
		return;
	c->answered = 1;
	c->status = status == HL_AGAIN ? HL_ERROR : status;
	c->self->errors += c->status == HL_ERROR && !c->in_hook;
	if (status == HL_AGAIN)
		snprintf(c->decision.reason, sizeof(c->decision.reason),
			 "answered HL_AGAIN to route_done");
	if (c->in_hook)
		return; /* the hook's return is handled below, in ask() */
	if (!c->run) { /* too late: the ticket went to manual dispatch */
		hl_list_remove(&c->abandoned);
		hl_log(HL_LOG_INFO, "router", "late_answer plugin=%s ignored=1", c->self->name);
		call_free(c);
		return;
	}
	event_del(c->timer);
	hook_answered(c);
}

void hl_router_explain(struct hl_decision *decision, const char *fmt, ...)
{
	struct hl_explanation *e = decision ? decision->explanation : NULL;
	char line[512];
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!e->lines)
		e->lines = json_object_new_array();
	json_object_array_add(e->lines, json_object_new_string(line));
}

void hl_router_free_abandoned(struct hl_self *self)
{
	while (!hl_list_empty(&self->abandoned)) {
		struct hl_route_call *c =
			HL_LIST_ENTRY(hl_list_first(&self->abandoned), struct hl_route_call, abandoned);

		hl_list_remove(&c->abandoned);
		call_free(c);
	}
}

/* Asks plugin i with the hook of the current pass. */
static void ask(struct hl_route_run *run, struct hl_self *self,
		enum hl_status (*hook)(void *, const struct hl_ticket *, struct hl_decision *,
				       struct hl_route_call *))
{
	struct hl_route_call *c = calloc(1, sizeof(*c));
	struct timeval tv = {(time_t)(run->budget_ms / 1000),
			     (suseconds_t)(run->budget_ms % 1000) * 1000};
	enum hl_status st;
	int64_t start;

	if (!c) {
		finish(run, HL_ROUTE_MANUAL, "out of memory routing");
		return;
	}
	c->run = run;
	c->self = self;
	c->decision = run->decision;
	c->decision.size = sizeof(c->decision);
	c->decision.explanation = run->steps ? &c->explanation : NULL;
	if (run->pass == PASS_ROUTE) {
		c->decision.department[0] = c->decision.item[0] = c->decision.reason[0] = '\0';
		c->decision.type[0] = '\0';
		c->decision.score = 0;
	}
	c->in_hook = 1;
	start = hl_clock_mono_ns();
	st = hook(self->state, run->ticket, &c->decision, c);
	hl_plugin_account(self, start, st);
	c->in_hook = 0;
	if (st != HL_AGAIN || c->answered) {
		if (st != HL_AGAIN)
			c->status = st == HL_OK || st == HL_DECLINED || st == HL_ERROR ? st : HL_ERROR;
		hook_answered(c);
		return;
	}
	run->waiting = c;
	c->timer = evtimer_new(run->base, budget_spent, c);
	if (!c->timer || evtimer_add(c->timer, &tv) < 0) {
		abandon(c); /* cannot wait: give the call to the plugin's list */
		finish(run, HL_ROUTE_MANUAL, "out of memory waiting for plugin %s", self->name);
	}
}

static void run_continue(struct hl_route_run *run)
{
	const struct hl_plugin_set *set = run->set;

	while (run->next < set->n) {
		struct hl_self *self = set->plugins[run->next++];
		enum hl_status (*hook)(void *, const struct hl_ticket *, struct hl_decision *,
				       struct hl_route_call *) =
			run->pass == PASS_ROUTE ? hl_plugin_route_hook(self)
						: hl_plugin_review_hook(self);

		if (hook) {
			ask(run, self, hook);
			return;
		}
	}
	if (run->pass == PASS_ROUTE) {
		finish(run, HL_ROUTE_MANUAL, "no routing rule matched");
		return;
	}
	if (!run->decision.department[0] && !run->decision.merge_into[0]) {
		finish(run, HL_ROUTE_MANUAL, "a review removed the unit and named none");
		return;
	}
	if (run->decision.department[0] &&
	    !hl_routes_department(run->routes, run->decision.department)) {
		finish(run, HL_ROUTE_MANUAL, "unit '%s' chosen by %s is not in the department list",
		       run->decision.department, run->decided_by);
		return;
	}
	finish(run, run->decision.merge_into[0] ? HL_ROUTE_MERGE : HL_ROUTE_DISPATCH, NULL);
}

int hl_route_start(const struct hl_plugin_set *set, const struct hl_routes *routes,
		   struct event_base *base, const struct hl_ticket *ticket, const char *excluded,
		   int64_t budget_ms, int explain, hl_route_done_fn done, void *arg,
		   struct hl_route_run **pending)
{
	struct hl_route_run *run = calloc(1, sizeof(*run));

	if (!run)
		return -1;
	run->set = set;
	run->routes = routes;
	run->base = base;
	run->ticket = ticket;
	run->excluded = excluded;
	run->budget_ms = budget_ms;
	run->done = done;
	run->arg = arg;
	run->decision.size = sizeof(run->decision);
	if (explain && !(run->steps = json_object_new_array())) {
		free(run);
		return -1;
	}
	run->pending = pending;
	if (pending)
		*pending = run;
	run_continue(run);
	return 0;
}
