/* Plugin instances: their hooks as the descriptor's size allows, events told to them,
 * their accounting and their timers; see plugin_host.h. */
#include "host/plugin_host.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

struct hl_timer {
	struct event *ev;
	hl_timer_fn fn;
	void *arg;
	struct hl_list_node node; /* on its instance's timers */
};

static void timer_unlink_free(struct hl_timer *t)
{
	hl_list_remove(&t->node);
	event_free(t->ev);
	free(t);
}

static void timer_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_timer *t = arg;
	hl_timer_fn fn = t->fn;
	void *fn_arg = t->arg;

	(void)fd;
	(void)what;
	timer_unlink_free(t);
	fn(fn_arg);
}

struct hl_timer *hl_plugin_timer_start(struct hl_self *self, uint64_t after_ms, hl_timer_fn fn,
				       void *arg)
{
	struct hl_timer *t = calloc(1, sizeof(*t));
	struct timeval tv = {(time_t)(after_ms / 1000), (suseconds_t)(after_ms % 1000) * 1000};

	if (!t)
		return NULL;
	t->ev = evtimer_new(self->base, timer_fired, t);
	if (!t->ev || evtimer_add(t->ev, &tv) < 0) {
		if (t->ev)
			event_free(t->ev);
		free(t);
		return NULL;
	}
	t->fn = fn;
	t->arg = arg;
	hl_list_push(&self->timers, &t->node);
	return t;
}

void hl_plugin_timer_cancel(struct hl_timer *timer)
{
	if (timer)
		timer_unlink_free(timer);
}

size_t hl_plugin_pending_timers(const struct hl_self *self)
{
	const struct hl_list_node *node;
	size_t n = 0;

	HL_LIST_EACH(node, &self->timers)
		n++;
	return n;
}

void hl_plugin_cancel_timers(struct hl_self *self)
{
	while (!hl_list_empty(&self->timers))
		timer_unlink_free(HL_LIST_ENTRY(hl_list_first(&self->timers), struct hl_timer, node));
}

void hl_plugin_account(struct hl_self *self, int64_t start_ns, enum hl_status status)
{
	self->calls++;
	self->errors += status == HL_ERROR;
	self->busy_ns += hl_clock_mono_ns() - start_ns;
}

void hl_plugins_carry_counts(struct hl_plugin_set *fresh, const struct hl_plugin_set *old)
{
	for (size_t i = 0; i < fresh->n; i++) {
		struct hl_self *to = fresh->plugins[i];

		for (size_t j = 0; j < old->n; j++) {
			const struct hl_self *from = old->plugins[j];

			if (strcmp(from->name, to->name) == 0) {
				to->calls = from->calls;
				to->errors = from->errors;
				to->timeouts = from->timeouts;
				to->busy_ns = from->busy_ns;
				break;
			}
		}
	}
}

void hl_plugins_emit(const struct hl_plugin_set *set, const char *type, const char *ticket_id,
		     const struct hl_ticket *ticket, const char *detail)
{
	struct hl_event ev = {
		.size = sizeof(ev),
		.type = type,
		.ticket_id = ticket_id,
		.ticket = ticket,
		.detail = detail,
		.at_ms = hl_clock_now_ms(),
	};

	for (size_t i = 0; i < set->n; i++) {
		struct hl_self *self = set->plugins[i];
		int64_t start = hl_clock_mono_ns();

		if (HL_PLUGIN_HOOK(self, on_event)) {
			HL_PLUGIN_HOOK(self, on_event)(self->state, &ev);
			hl_plugin_account(self, start, HL_OK);
		}
	}
}

hl_route_hook hl_plugin_route_hook(const struct hl_self *self)
{
	return HL_PLUGIN_HOOK(self, route);
}

hl_route_hook hl_plugin_review_hook(const struct hl_self *self)
{
	return HL_PLUGIN_HOOK(self, review);
}

hl_deliver_hook hl_plugin_deliver_hook(const struct hl_self *self)
{
	return HL_PLUGIN_HOOK(self, deliver);
}
