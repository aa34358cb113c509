/* The host table handed to plugins: logging, options, ticket fields, clock, timers, and
 * (ABI 1.1) routing completion, department names, related tickets, explanations, notices,
 * HTTP requests and the durable outbox. */
#include "host/plugin_host.h"

#include <event2/event.h>
#include <stdarg.h>
#include <stdlib.h>

#include "base/clock.h"
#include "http/http_client.h"
#include "base/log.h"
#include "host/outbox.h"
#include "host/router.h"
#include "config/routes.h"
#include "base/ticket.h"

struct hl_timer {
	struct event *ev;
	struct hl_self *owner;
	hl_timer_fn fn;
	void *arg;
	struct hl_timer *prev, *next;
};

static void host_log(struct hl_self *self, enum hl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void host_log(struct hl_self *self, enum hl_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hl_logv(level, self->log_sub, fmt, ap);
	va_end(ap);
}

static void timer_unlink_free(struct hl_timer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		t->owner->timers = t->next;
	if (t->next)
		t->next->prev = t->prev;
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

static struct hl_timer *host_timer_start(struct hl_self *self, uint64_t after_ms, hl_timer_fn fn,
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
	t->owner = self;
	t->fn = fn;
	t->arg = arg;
	t->next = self->timers;
	if (t->next)
		t->next->prev = t;
	self->timers = t;
	return t;
}

static void host_timer_cancel(struct hl_timer *timer)
{
	if (timer)
		timer_unlink_free(timer);
}

size_t hl_plugin_pending_timers(const struct hl_self *self)
{
	size_t n = 0;

	for (const struct hl_timer *t = self->timers; t; t = t->next)
		n++;
	return n;
}

static const char *host_department_name(struct hl_self *self, const char *code)
{
	const struct hl_department *d = self->routes ? hl_routes_department(self->routes, code)
						     : NULL;

	return d ? d->name : NULL;
}

void hl_plugin_account(struct hl_self *self, int64_t start_ns, enum hl_status status)
{
	self->calls++;
	self->errors += status == HL_ERROR;
	self->busy_ns += hl_clock_mono_ns() - start_ns;
}

static hl_notifier notifier;
static void *notifier_arg;

void hl_plugin_host_set_notifier(hl_notifier fn, void *arg)
{
	notifier = fn;
	notifier_arg = arg;
}

static void host_notify(struct hl_self *self, const char *audience, const char *ticket_id,
			const char *text)
{
	if (notifier)
		notifier(notifier_arg, self->name, audience, ticket_id ? ticket_id : "", text);
	else
		hl_log(HL_LOG_WARN, self->log_sub, "notice_dropped audience=%s reason=\"no "
						   "notice channel\"",
		       audience);
}

static int host_http_post(struct hl_self *self, const char *url, const char *const *headers,
			  const void *body, size_t len, uint64_t timeout_ms, hl_http_fn fn,
			  void *arg)
{
	if (!self->http && !(self->http = hl_http_client_new(self->base, self->log_sub))) {
		hl_log(HL_LOG_ERROR, self->log_sub, "http_refused reason=\"out of memory\"");
		return -1;
	}
	return hl_http_client_post(self->http, url, headers, body, len, timeout_ms, fn, arg);
}

static struct hl_outbox *outbox;

void hl_plugin_host_set_outbox(struct hl_outbox *ob)
{
	outbox = ob;
}

static int host_outbox_put(struct hl_self *self, const void *payload, size_t len)
{
	if (outbox)
		return hl_outbox_put(outbox, self, payload, len);
	hl_log(HL_LOG_ERROR, self->log_sub, "outbox_refused reason=\"no outbox (daemon not "
					    "running or stopped)\"");
	return -1;
}

static void host_outbox_done(struct hl_self *self, const char *job_id)
{
	if (outbox)
		hl_outbox_done(outbox, self, job_id);
	else
		hl_log(HL_LOG_WARN, self->log_sub, "outbox_end_dropped job=%s reason=\"no outbox\" "
						   "action=left_pending",
		       job_id);
}

static void host_outbox_dead(struct hl_self *self, const char *job_id, const char *ticket_id,
			     const char *reason)
{
	if (outbox)
		hl_outbox_dead(outbox, self, job_id, ticket_id, reason);
	else
		hl_log(HL_LOG_WARN, self->log_sub, "outbox_end_dropped job=%s reason=\"no outbox\" "
						   "action=left_pending",
		       job_id);
}

static const struct hl_host host_table = {
	.abi_major = HL_ABI_MAJOR,
	.abi_minor = HL_ABI_MINOR,
	.size = sizeof(struct hl_host),
	.log = host_log,
	.opt_string = hl_opt_string,
	.opt_int = hl_opt_int,
	.opt_bool = hl_opt_bool,
	.opt_duration = hl_opt_duration,
	.opt_size = hl_opt_size,
	.opt_list_count = hl_opt_list_count,
	.opt_list_item = hl_opt_list_item,
	.ticket_field = hl_ticket_field,
	.now_ms = hl_clock_now_ms,
	.timer_start = host_timer_start,
	.timer_cancel = host_timer_cancel,
	.route_done = hl_router_route_done,
	.department_name = host_department_name,
	.related_count = hl_ticket_related_count,
	.related = hl_ticket_related,
	.explain = hl_router_explain,
	.notify = host_notify,
	.http_post = host_http_post,
	.outbox_put = host_outbox_put,
	.outbox_done = host_outbox_done,
	.outbox_dead = host_outbox_dead,
};

void hl_plugin_cancel_timers(struct hl_self *self)
{
	while (self->timers)
		timer_unlink_free(self->timers);
}

const struct hl_host *hl_host_table(void)
{
	return &host_table;
}
