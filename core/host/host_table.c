/* The host table handed to plugins: logging, options, ticket fields, clock, timers, and
 * (ABI 1.1) routing completion, department names, related tickets, explanations, notices,
 * HTTP requests and the durable outbox. Notices and outbox calls go where the instance's
 * links (host_links.h) send them. */
#include "host/host_table.h"

#include <stdarg.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/ticket.h"
#include "config/routes.h"
#include "host/plugin_host.h"
#include "host/router.h"
#include "http/http_client.h"

static void host_log(struct hl_self *self, enum hl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void host_log(struct hl_self *self, enum hl_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hl_logv(level, self->log_sub, fmt, ap);
	va_end(ap);
}

static const char *host_department_name(struct hl_self *self, const char *code)
{
	const struct hl_department *d = self->routes ? hl_routes_department(self->routes, code)
						     : NULL;

	return d ? d->name : NULL;
}

static void host_notify(struct hl_self *self, const char *audience, const char *ticket_id,
			const char *text)
{
	const struct hl_host_links *l = self->links;

	if (l && l->notify)
		l->notify(l->notify_arg, self->name, audience, ticket_id ? ticket_id : "", text);
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

/* The outbox of the daemon the plugin runs in, or NULL (not running, or being freed). */
static const struct hl_host_links *outbox_of(const struct hl_self *self)
{
	return self->links && self->links->outbox ? self->links : NULL;
}

static int host_outbox_put(struct hl_self *self, const void *payload, size_t len)
{
	const struct hl_host_links *l = outbox_of(self);

	if (l)
		return l->outbox_put(l->outbox, self, payload, len);
	hl_log(HL_LOG_ERROR, self->log_sub, "outbox_refused reason=\"no outbox (daemon not "
					    "running or stopped)\"");
	return -1;
}

static void host_outbox_done(struct hl_self *self, const char *job_id)
{
	const struct hl_host_links *l = outbox_of(self);

	if (l)
		l->outbox_done(l->outbox, self, job_id);
	else
		hl_log(HL_LOG_WARN, self->log_sub, "outbox_end_dropped job=%s reason=\"no outbox\" "
						   "action=left_pending",
		       job_id);
}

static void host_outbox_dead(struct hl_self *self, const char *job_id, const char *ticket_id,
			     const char *reason)
{
	const struct hl_host_links *l = outbox_of(self);

	if (l)
		l->outbox_dead(l->outbox, self, job_id, ticket_id, reason);
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
	.timer_start = hl_plugin_timer_start,
	.timer_cancel = hl_plugin_timer_cancel,
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

const struct hl_host *hl_host_table(void)
{
	return &host_table;
}
