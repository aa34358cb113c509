/*
 * Plugin instances: struct hl_self (the handle a plugin holds), the set a configuration
 * loads, their hooks as the descriptor's size allows, events told to them, accounting
 * and timers. Loading and retiring is plugin_loader.h; the table of host functions is
 * host_table.h; routing through the hooks is router.h.
 *
 * A plugin set belongs to one configuration generation (struct hl_world). All functions
 * run on the event-loop thread.
 */
#ifndef HL_PLUGIN_HOST_H
#define HL_PLUGIN_HOST_H

#include <stddef.h>
#include <hotline/plugin.h>

#include "base/list.h"
#include "base/options.h"
#include "host/host_links.h"

struct event_base;
struct hl_timer;
struct hl_routes;

/* One loaded plugin instance; also the `struct hl_self *` handle plugins hold. */
struct hl_self {
	char *name;                   /* the instance name from the configuration; owned */
	char *file;                   /* the .so it came from; owned */
	void *dl;                     /* dlopen handle */
	const struct hl_plugin *desc; /* inside the .so */
	struct hl_options options;    /* borrows the configuration's document */
	void *state;                  /* the plugin's own, from init */
	int initialised;              /* init succeeded: fini is owed */
	struct event_base *base;
	struct hl_list timers;        /* pending struct hl_timer, cancelled when the instance
					 goes (plugin_host.c keeps the list) */
	char log_sub[96];             /* "plugin.<name>" */
	const struct hl_routes *routes;      /* the department list of its generation */
	/* Accounting, shown in /healthz: hook calls, those that failed (HL_ERROR), those
	 * that did not answer within the routing budget, and the time spent in hooks. */
	uint64_t calls, errors, timeouts;
	int64_t busy_ns;
	struct hl_list abandoned;     /* routing calls answered too late (router.c keeps the
					 list of struct hl_route_call) */
	struct hl_http_client *http;  /* its host->http_post calls, made at the first; cancelled
					 (without callbacks) when the instance is retired */
	const struct hl_host_links *links; /* where notices and outbox jobs go; borrowed from
					      the daemon, may be NULL (host_links.h) */
};

/* A hook of the instance's descriptor, or NULL when the plugin's descriptor is too old
 * to have that member. */
#define HL_PLUGIN_HOOK(self, member)                                                         \
	(offsetof(struct hl_plugin, member) + sizeof((self)->desc->member) <=                \
		 (self)->desc->size                                                          \
	     ? (self)->desc->member                                                          \
	     : NULL)

struct hl_plugin_set {
	size_t n;
	struct hl_self **plugins; /* in configuration order */
};

typedef enum hl_status (*hl_route_hook)(void *state, const struct hl_ticket *ticket,
					struct hl_decision *decision, struct hl_route_call *call);

/* A plugin's route and review hooks, or NULL when it has none (or predates them). */
hl_route_hook hl_plugin_route_hook(const struct hl_self *self);
hl_route_hook hl_plugin_review_hook(const struct hl_self *self);

typedef void (*hl_deliver_hook)(void *state, const char *job_id, const void *payload,
				size_t len);

/* A plugin's deliver hook (outbox.h), or NULL when it has none (or predates it). */
hl_deliver_hook hl_plugin_deliver_hook(const struct hl_self *self);

/* At a reload: each plugin of `fresh` that has the name of one in `old` goes on counting
 * from that one's calls, errors, timeouts and time, so that counters run for the life of
 * the process as /metrics promises (what old counts after this is not carried). */
void hl_plugins_carry_counts(struct hl_plugin_set *fresh, const struct hl_plugin_set *old);

/* Tells every plugin with an on_event hook. Strings are borrowed for the call. */
void hl_plugins_emit(const struct hl_plugin_set *set, const char *type, const char *ticket_id,
		     const struct hl_ticket *ticket, const char *detail);

/* Counts one hook call that began at start_ns (hl_clock_mono_ns) and answered status. */
void hl_plugin_account(struct hl_self *self, int64_t start_ns, enum hl_status status);

/* Number of timers an instance still has pending (for tests and health). */
size_t hl_plugin_pending_timers(const struct hl_self *self);

/* Cancels every timer an instance still has pending; used when it is retired. */
void hl_plugin_cancel_timers(struct hl_self *self);

/* host->timer_start and host->timer_cancel: fn(arg) runs once after after_ms unless
 * cancelled; the timer belongs to self and goes with it. */
struct hl_timer *hl_plugin_timer_start(struct hl_self *self, uint64_t after_ms, hl_timer_fn fn,
				       void *arg);
void hl_plugin_timer_cancel(struct hl_timer *timer);

#endif
