/*
 * The plugin host: loads the plugins a configuration names (dlopen, ABI check, option
 * check, init), gives them the host table, owns their timers, tells them of events, and
 * retires them (fini, cancel timers and HTTP calls, dlclose). plugin_loader.c loads and
 * retires; plugin_host.c is the host table and the timers.
 *
 * A plugin set belongs to one configuration generation (struct hl_world). All functions
 * run on the event-loop thread.
 */
#ifndef HL_PLUGIN_HOST_H
#define HL_PLUGIN_HOST_H

#include <stddef.h>
#include <hotline/plugin.h>

#include "base/options.h"

struct event_base;
struct hl_config;
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
	struct hl_timer *timers;      /* pending timers, cancelled when the instance goes */
	char log_sub[96];             /* "plugin.<name>" */
	const struct hl_routes *routes;      /* the department list of its generation */
	/* Accounting, shown in /healthz: hook calls, those that failed (HL_ERROR), those
	 * that did not answer within the routing budget, and the time spent in hooks. */
	uint64_t calls, errors, timeouts;
	int64_t busy_ns;
	struct hl_route_call *abandoned;     /* routing calls answered too late (router.c) */
	struct hl_http_client *http;  /* its host->http_post calls, made at the first; cancelled
					 (without callbacks) when the instance is retired */
};

struct hl_plugin_set {
	size_t n;
	struct hl_self **plugins; /* in configuration order */
};

/* Loads and initialises every plugin `cfg` names, in order. All or nothing: on failure
 * the ones already loaded are retired again, and err says which file failed and why,
 * "file:line:column: plugin 'name' (path): reason". Returns 0 and *set_r (free with
 * hl_plugins_free), or -1. `cfg` and `routes` (may be NULL) must outlive the set. */
int hl_plugins_load(const struct hl_config *cfg, const struct hl_routes *routes,
		    struct event_base *base, struct hl_plugin_set **set_r, char *err,
		    size_t errlen);

typedef enum hl_status (*hl_route_hook)(void *state, const struct hl_ticket *ticket,
					struct hl_decision *decision, struct hl_route_call *call);

/* A plugin's route and review hooks, or NULL when it has none (or predates them). */
hl_route_hook hl_plugin_route_hook(const struct hl_self *self);
hl_route_hook hl_plugin_review_hook(const struct hl_self *self);

typedef void (*hl_deliver_hook)(void *state, const char *job_id, const void *payload,
				size_t len);

/* A plugin's deliver hook (outbox.h), or NULL when it has none (or predates it). */
hl_deliver_hook hl_plugin_deliver_hook(const struct hl_self *self);

/* Retires every plugin in reverse order: fini, pending timers and HTTP calls cancelled,
 * dlclose. */
void hl_plugins_free(struct hl_plugin_set *set);

/* At a reload: each plugin of `fresh` that has the name of one in `old` goes on counting
 * from that one's calls, errors, timeouts and time, so that counters run for the life of
 * the process as /metrics promises (what old counts after this is not carried). */
void hl_plugins_carry_counts(struct hl_plugin_set *fresh, const struct hl_plugin_set *old);

/* Tells every plugin with an on_event hook. Strings are borrowed for the call. */
void hl_plugins_emit(const struct hl_plugin_set *set, const char *type, const char *ticket_id,
		     const struct hl_ticket *ticket, const char *detail);

/* Where host->notify sends notices: fn(arg, plugin, audience, ticket id or "", text).
 * The daemon sets it once it has a Redis client; until then notices are logged as
 * dropped. */
typedef void (*hl_notifier)(void *arg, const char *plugin, const char *audience,
			    const char *ticket_id, const char *text);
void hl_plugin_host_set_notifier(hl_notifier fn, void *arg);

/* Where host->outbox_put, outbox_done and outbox_dead go (outbox.h sets it when it
 * starts, and NULL when it is freed); without one they log and do nothing (put fails). */
struct hl_outbox;
void hl_plugin_host_set_outbox(struct hl_outbox *outbox);

/* The host table handed to plugins. Static; never freed. */
const struct hl_host *hl_host_table(void);

/* Counts one hook call that began at start_ns (hl_clock_mono_ns) and answered status. */
void hl_plugin_account(struct hl_self *self, int64_t start_ns, enum hl_status status);

/* Number of timers an instance still has pending (for tests and health). */
size_t hl_plugin_pending_timers(const struct hl_self *self);

/* Cancels every timer an instance still has pending; used when it is retired. */
void hl_plugin_cancel_timers(struct hl_self *self);

#endif
