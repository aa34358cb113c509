/*
 * hotline plugin SDK: the whole interface between hotlined and a plugin.
 *
 * A plugin is a shared object that includes only this header, links against nothing of
 * the daemon, and exports one symbol:
 *
 *     HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
 *         HL_PLUGIN_HEADER, .name = "example", .init = ..., .on_event = ..., .fini = ...
 *     };
 *
 * Build it with -fPIC -fvisibility=hidden -shared -Wl,-z,defs (a reach for a daemon
 * symbol then fails at link time). `make install` installs this header and a pkg-config
 * file, hotline-plugin.pc, whose Version is HL_ABI_MAJOR.HL_ABI_MINOR below;
 * contrib/example-plugin/ is a complete plugin built that way, and its README.md the
 * guide. This header stays the reference.
 *
 * ABI rules
 *  - struct hl_plugin and struct hl_host both start with abi_major, abi_minor and size.
 *  - The host loads a plugin when the majors are equal and the plugin's minor is not newer
 *    than the host's. It never compares version strings.
 *  - A minor bump only appends: new members at the end of struct hl_host, struct
 *    hl_plugin, struct hl_event or struct hl_decision, new option types, new event names,
 *    new ticket field names. Anything else (reordering, removing, changing a signature,
 *    a type, an enum value, a buffer size such as HL_REASON_MAX, or a meaning or an
 *    ownership rule; making an optional hook required) is a major.
 *  - The host reads a descriptor member only when the plugin's size covers it, and a
 *    plugin reads a member of struct hl_event or struct hl_decision only when their size
 *    covers it: an older peer simply lacks the newer members.
 *  - HL_PLUGIN_HEADER declares this header's minor, so the plugin needs a host at least
 *    that new. A plugin meant to load into older hosts of the same major writes the three
 *    members itself, with the oldest minor whose members it cannot do without.
 *  - A plugin that wants a host function added in minor N checks host->abi_minor >= N
 *    before calling it (needed whenever it declares a minor older than N).
 *
 * Calling context
 *  - Every hook and every host function runs on the daemon's single event-loop thread.
 *    Hooks must not block: no sleeping, no blocking I/O. Timers come from the host.
 *  - Host functions may be called from any hook (init and fini included) and from timer
 *    callbacks, unless their comment says otherwise; never from a thread of the
 *    plugin's own.
 *  - A reload runs the new instances (init) while the old ones still serve; each
 *    instance has its own state. Keep everything in that state: whether two instances
 *    share a static variable is not specified.
 *
 * Ownership
 *  - Strings and structures the host passes to a hook are borrowed: valid until the hook
 *    returns. Copy what you keep.
 *  - Exceptions, each said where it applies: the option handle and the strings its
 *    getters return, and department names, live as long as the plugin instance (until
 *    fini returns); a decision given to a hook that answered HL_AGAIN lives until
 *    route_done.
 *  - Strings a plugin puts in its descriptor and option table are static and must live as
 *    long as the plugin is loaded.
 *  - State the plugin allocates in init is the plugin's; the host hands it back to every
 *    hook and to fini, which frees it.
 *  - The host owns every opaque handle (struct hl_self, hl_options, hl_ticket, hl_timer,
 *    hl_route_call, hl_explanation); a plugin never frees one.
 */
#ifndef HOTLINE_PLUGIN_H
#define HOTLINE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define HL_ABI_MAJOR 1
#define HL_ABI_MINOR 1

#if defined(__GNUC__)
#define HL_PLUGIN_EXPORT __attribute__((visibility("default")))
#define HL_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define HL_PLUGIN_EXPORT
#define HL_PRINTF(fmt_index, first_arg)
#endif

/* Outcome of a hook, in the manner of nginx's handlers. */
enum hl_status {
	HL_ERROR = -1,   /* failed; the reason is in the error buffer or decision->reason */
	HL_OK = 0,       /* done, and the answer is given */
	HL_DECLINED = 1, /* not mine: ask the next plugin */
	HL_AGAIN = 2     /* the answer comes later, through a host callback */
};

enum hl_log_level { HL_LOG_DEBUG = 0, HL_LOG_INFO, HL_LOG_WARN, HL_LOG_ERROR };

/*
 * Declarative options. A plugin lists the keys its configuration subtree takes; the host
 * checks the subtree against the list (unknown keys, missing required ones, wrong types,
 * each reported as file:line:column) before init runs, and the getters in struct hl_host
 * return defaults for keys that are absent.
 */
enum hl_option_type {
	HL_OPT_STRING = 1,  /* any scalar */
	HL_OPT_INT,         /* decimal integer, int64 */
	HL_OPT_BOOL,        /* true or false */
	HL_OPT_DURATION,    /* 500ms, 30s, 30m, 2h, 1h30m, 2wh, 5wd: see struct hl_duration */
	HL_OPT_SIZE,        /* bytes: 65536, 64KiB, 1MiB, 1GiB */
	HL_OPT_STRING_LIST, /* a sequence of scalars */
	/* 1.1 */
	HL_OPT_PATH         /* a file; a relative path is resolved against the directory of
			       the configuration file. Read with opt_string (gives it resolved). */
};

struct hl_option {
	const char *name;          /* key in the YAML mapping; NULL ends the table */
	enum hl_option_type type;
	int required;              /* non-zero: the key must be present */
	const char *default_value; /* text as it would be written in YAML, or NULL */
	const char *help;          /* one line, shown in error messages */
};

/*
 * A duration as the city writes it in policies (routes/sla.yaml; the working-day rules
 * are in hotlined.yaml(5), section calendar).
 * HL_DUR_WALL_MS counts wall-clock milliseconds (ms, s, m, h, 24/7).
 * HL_DUR_WORK_MINUTES counts minutes inside office hours on working days (wh).
 * HL_DUR_WORK_DAYS counts working days after the day of arrival (wd).
 */
enum hl_duration_unit { HL_DUR_WALL_MS = 0, HL_DUR_WORK_MINUTES, HL_DUR_WORK_DAYS };

struct hl_duration {
	int64_t amount;
	enum hl_duration_unit unit;
};

/* Opaque handles. The host owns all of them. */
struct hl_self;    /* this plugin instance, as the host knows it: valid from init until
		      fini returns; the host functions that act for the plugin take it */
struct hl_options; /* the plugin's checked configuration subtree: valid, like the strings
		      read from it, until fini returns */
struct hl_ticket;  /* a ticket, read through host->ticket_field */
struct hl_timer;   /* a one-shot timer started through host->timer_start */
struct hl_route_call; /* an HL_AGAIN routing answer the host waits for */

/* Event names given to on_event. New names may appear in any minor version: a plugin
 * ignores names it does not know. */
#define HL_EV_STARTED "started"       /* daemon: configuration in service */
#define HL_EV_RELOADED "reloaded"     /* daemon: this plugin set replaced an older one */
#define HL_EV_STOPPING "stopping"     /* daemon: shutting down */
#define HL_EV_RECEIVED "received"     /* ticket: 受理 */
#define HL_EV_DISPATCHED "dispatched" /* ticket: 派单 */
#define HL_EV_ACCEPTED "accepted"     /* ticket: 签收 */
#define HL_EV_RETURNED "returned"     /* ticket: 退单 requested */
#define HL_EV_EXTENDED "extended"     /* ticket: 延期 approved */
#define HL_EV_RESOLVED "resolved"     /* ticket: 办结 */
#define HL_EV_REOPENED "reopened"     /* ticket: 重办 */
#define HL_EV_CLOSED "closed"         /* ticket: 归档 */
#define HL_EV_WARNING "warning"       /* deadline: yellow */
#define HL_EV_OVERDUE "overdue"       /* deadline: red */
#define HL_EV_ESCALATED "escalated"   /* deadline: 催办 / 督办 */
#define HL_EV_PENDING_MANUAL "pending_manual" /* ticket: no route; 待人工派单 (1.1) */
#define HL_EV_MERGED "merged"         /* ticket: 并单 into a master ticket (1.1) */

/* What on_event is given. Borrowed: copy what you keep beyond the call. */
struct hl_event {
	uint32_t size;                  /* sizeof(struct hl_event) of the host that sent it */
	const char *type;               /* one of HL_EV_*, never NULL */
	const char *ticket_id;          /* NULL for daemon events */
	const struct hl_ticket *ticket; /* NULL for daemon events */
	const char *detail;             /* human-readable context, may be NULL */
	int64_t at_ms;                  /* when it happened, Unix time in milliseconds */
};

#define HL_DEPT_CODE_MAX 64
#define HL_ITEM_MAX 128
#define HL_REASON_MAX 256
#define HL_TICKET_ID_MAX 32
#define HL_POLICY_MAX 32

struct hl_explanation; /* the host's buffer behind host->explain */

/*
 * A routing answer. Routing runs in two passes over the plugins, in configuration order:
 *  1. route: the first plugin that answers HL_OK decides department, item, type, score
 *     and reason (the host clears those before asking each plugin);
 *  2. review (1.1): once a department is decided, every plugin with a review hook may
 *     amend the decision: fold the ticket into a master ticket (merge_into), attach an
 *     SLA policy (policy), ask for supervisors to be told (notify_supervisors), or
 *     change the department, saying why in reason.
 * No decision after pass 1 sends the ticket to manual dispatch (待人工派单).
 */
struct hl_decision {
	uint32_t size;                       /* set by the host */
	char department[HL_DEPT_CODE_MAX];   /* the responsible unit's code */
	char item[HL_ITEM_MAX];              /* the catalogue item matched, may be empty */
	int32_t score;                       /* the plugin's confidence, for explanations */
	char reason[HL_REASON_MAX];          /* why, shown in the audit trail */
	/* 1.1 */
	char merge_into[HL_TICKET_ID_MAX];   /* review: 并单 into this ticket; the host checks
						 again, atomically, that it is still open, and
						 dispatches normally when it is not */
	char policy[HL_POLICY_MAX];          /* review: SLA policy tag, e.g. "tv" */
	int32_t notify_supervisors;          /* review: tell supervisors at dispatch */
	char type[24];                       /* route: the catalogue item's ticket type */
	struct hl_explanation *explanation;  /* the host's; write to it with host->explain */
};

/* A timer callback: runs on the event loop with the arg given to timer_start, under the
 * same rules as a hook. */
typedef void (*hl_timer_fn)(void *arg);

/* The answer to host->http_post (1.1): the HTTP status (100..599), or -1 when there was
 * none (refused, reset, timed out, malformed, a body over 1 MiB); the answer's body,
 * borrowed for the call (NUL-terminated, len not counting the NUL; may be empty). Runs on
 * the event loop with the arg given to http_post, under the same rules as a hook. */
typedef void (*hl_http_fn)(int status, const char *body, size_t len, void *arg);

/*
 * The host table: everything a plugin may ask of the daemon. Members are appended only.
 */
struct hl_host {
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t size; /* sizeof(struct hl_host) of the running daemon */

	/* One log line, prefixed with the plugin's name (sub=plugin.<name> event=<text>);
	 * write the text as key=value pairs. Never log a citizen's phone or ID number
	 * unmasked. */
	void (*log)(struct hl_self *self, enum hl_log_level level, const char *fmt, ...)
		HL_PRINTF(3, 4);

	/* Typed getters over the checked options; a key that is absent yields the default
	 * from the option table (NULL, 0, false, or a zero duration when there is none).
	 * Asking for a key the table does not declare, or with the wrong type, is a plugin
	 * bug: it is logged and yields the same zero value. Returned strings are borrowed and
	 * live as long as the configuration the plugin was initialised with. */
	const char *(*opt_string)(const struct hl_options *opts, const char *name);
	int64_t (*opt_int)(const struct hl_options *opts, const char *name);
	int (*opt_bool)(const struct hl_options *opts, const char *name);
	struct hl_duration (*opt_duration)(const struct hl_options *opts, const char *name);
	uint64_t (*opt_size)(const struct hl_options *opts, const char *name);
	size_t (*opt_list_count)(const struct hl_options *opts, const char *name);
	const char *(*opt_list_item)(const struct hl_options *opts, const char *name, size_t i);

	/* A ticket's field by name ("id", "channel", "title", "content", "address",
	 * "district", "state", "department", ...), or NULL when it has none. Borrowed: valid
	 * while the ticket pointer is. */
	const char *(*ticket_field)(const struct hl_ticket *ticket, const char *name);

	/* The daemon's clock, Unix time in milliseconds. Use it rather than time(): tests
	 * move it. */
	int64_t (*now_ms)(void);

	/* A one-shot timer that calls fn(arg) on the event loop after after_ms. The host
	 * owns the timer: it is freed after fn returns, by timer_cancel, or when the plugin
	 * instance is finished (so fini need not cancel; a timer started in fini never
	 * fires). A periodic job starts a new timer from its callback. Returns NULL when
	 * out of memory. */
	struct hl_timer *(*timer_start)(struct hl_self *self, uint64_t after_ms, hl_timer_fn fn,
					void *arg);
	/* Cancels a timer that has not fired yet. Not to be called for a timer whose
	 * callback already ran. */
	void (*timer_cancel)(struct hl_timer *timer);

	/* 1.1 */
	/* Completes a route or review hook that returned HL_AGAIN, with HL_OK, HL_DECLINED or
	 * HL_ERROR; the decision the hook was given stays valid (and may be written) until
	 * this call. Answering after the host's time budget (routing.plugin_timeout) is
	 * allowed and ignored: the ticket has gone to manual dispatch by then. Call it
	 * exactly once per HL_AGAIN, and not from inside the hook itself. */
	void (*route_done)(struct hl_route_call *call, enum hl_status status);
	/* The name of the unit with this code in routes/departments.yaml (e.g. "武汉市水务局"),
	 * or NULL when there is none. Valid while the plugin is loaded; callable from init. */
	const char *(*department_name)(struct hl_self *self, const char *code);
	/* Tickets related to the one being routed: those with the same caller phone (newest
	 * first), then those with the same address, created within routing.related_window,
	 * in any state (a plugin checks "state"). Available in route and review hooks; read
	 * them with ticket_field ("id", "state", "item", "department", "master" when merged,
	 * "title", "content", "created_ms" as decimal Unix milliseconds, ...). Borrowed like
	 * the ticket. */
	size_t (*related_count)(const struct hl_ticket *ticket);
	const struct hl_ticket *(*related)(const struct hl_ticket *ticket, size_t i);
	/* Adds a line to the explanation of a decision (POST /v1/route/explain shows them:
	 * which rules matched, with which weights, why the winner won). Does nothing when
	 * nobody asked for an explanation, so plugins may call it unconditionally. */
	void (*explain)(struct hl_decision *decision, const char *fmt, ...) HL_PRINTF(2, 3);
	/* Sends a notice to an audience ("supervisors", "dispatchers", "unit_head",
	 * "supervision_office", "leadership", "unit:<code>"): it goes on the event stream
	 * hl:events (an entry with `audience`, `from` the plugin's name), which the people's
	 * own tools read. ticket_id may be NULL. Never put a
	 * citizen's phone or ID number in text. */
	void (*notify)(struct hl_self *self, const char *audience, const char *ticket_id,
		       const char *text);
	/* POSTs body (len bytes) to url, an http:// URL (for https, put a TLS-terminating
	 * proxy in front), with headers: a NULL-terminated array of "Name: value" strings,
	 * may be NULL (the host writes Host, Content-Length and Connection). Never blocks: a
	 * host name is resolved asynchronously. fn(status, body, len, arg) runs exactly
	 * once, on the event loop and never from inside this call, when the answer came or
	 * timeout_ms (connect, send and answer together; 0 means 30 s) ran out. Exception:
	 * calls still in flight when the plugin instance is retired are cancelled WITHOUT
	 * calling back (free what their arg points to in fini), and a call made in fini
	 * never calls back, as with timers. Returns 0, or -1 (logged; fn is never called)
	 * for a URL that is not http:// or when out of memory. url, headers and body are
	 * copied before it returns. */
	int (*http_post)(struct hl_self *self, const char *url, const char *const *headers,
			 const void *body, size_t len, uint64_t timeout_ms, hl_http_fn fn,
			 void *arg);
	/* The durable outbox: work that must survive a restart of hotlined and be done once
	 * among all daemons sharing a Redis. Stores payload (len bytes, copied; at most
	 * 1 MiB) as a job under this plugin instance's name, in the Redis stream
	 * hl:outbox:<name>, and returns 0; -1 when it cannot be taken (logged). While Redis
	 * is unreachable, jobs wait in memory (at most 10000; lost if hotlined dies before
	 * Redis is back). Every job comes back through the plugin's deliver hook, in one
	 * daemon, until outbox_done or outbox_dead ends it. It is at least once: a job being
	 * worked on when its daemon stops or dies is handed over again (at once after a
	 * stop; after routing.reclaim_idle, at least 1 s, after a crash) to a daemon that
	 * runs the plugin under that name. */
	int (*outbox_put)(struct hl_self *self, const void *payload, size_t len);
	/* Ends a job handed to deliver: it is removed from Redis. Call it (or outbox_dead)
	 * once per job, from any hook or callback of the instance it was handed to. */
	void (*outbox_done)(struct hl_self *self, const char *job_id);
	/* Ends a job the plugin gave up on: it moves to the dead-letter stream hl:deadletter
	 * (plugin, job, ticket, reason, at, payload). When ticket_id (may be NULL) names a
	 * ticket, the ticket also gets the field delivery_failed ("<plugin>: <reason>"), an
	 * entry in its audit trail and a notice to supervisors, all in one step. Never put a
	 * citizen's phone or ID number in reason. */
	void (*outbox_dead)(struct hl_self *self, const char *job_id, const char *ticket_id,
			    const char *reason);
};

/*
 * The plugin descriptor, exported as the symbol `hl_plugin`.
 */
struct hl_plugin {
	uint16_t abi_major; /* HL_ABI_MAJOR the plugin was built with */
	uint16_t abi_minor; /* HL_ABI_MINOR the plugin was built with */
	uint32_t size;      /* sizeof(struct hl_plugin) the plugin was built with */

	const char *name;        /* short identifier, [a-z0-9_-]+ */
	const char *version;     /* the plugin's own version, informational only */
	const char *description; /* one line */
	const struct hl_option *options; /* terminated by a NULL name; NULL: takes none */

	/* All hooks are optional (NULL). Without init, state is NULL in the other hooks. */

	/* Called once after the options are checked. On success store the plugin's state in
	 * *state_r and return HL_OK; on failure write a one-line reason into err and return
	 * HL_ERROR: the daemon then refuses to start (or a reload keeps the old set). */
	enum hl_status (*init)(const struct hl_host *host, struct hl_self *self,
			       const struct hl_options *opts, void **state_r, char *err,
			       size_t errlen);

	/* Proposes the unit responsible for a ticket. HL_OK: decision filled in.
	 * HL_DECLINED: not this plugin's matter. HL_ERROR: decision->reason says why; the
	 * ticket goes to manual dispatch (待人工派单), never lost. HL_AGAIN: the answer comes
	 * later through the host's routing callback for `call`. */
	enum hl_status (*route)(void *state, const struct hl_ticket *ticket,
				struct hl_decision *decision, struct hl_route_call *call);

	/* Told of something that happened (HL_EV_*), after the fact: nothing a plugin does
	 * here changes it. The plugins of a set are told in configuration order. Ignore
	 * names you do not know. Must not block. */
	void (*on_event)(void *state, const struct hl_event *event);

	/* Called once when the plugin instance is retired: at shutdown, or when a reload
	 * replaced it and nothing uses it any more. Frees the state. */
	void (*fini)(void *state);

	/* 1.1 */
	/* Amends a decision another plugin (or this one) made in the route pass; see struct
	 * hl_decision. HL_OK: carry on with the decision as amended. HL_DECLINED: nothing to
	 * change (edits are discarded). HL_ERROR: the ticket goes to manual dispatch with
	 * decision->reason. HL_AGAIN: as for route. */
	enum hl_status (*review)(void *state, const struct hl_ticket *ticket,
				 struct hl_decision *decision, struct hl_route_call *call);

	/* Hands over a job stored with host->outbox_put under this instance's name (by this
	 * or another daemon, or left unfinished by one that stopped or died). job_id and
	 * payload are borrowed for the call; end the job with host->outbox_done or
	 * host->outbox_dead, now or later (the job holds this instance: after a reload it is
	 * finished only once its jobs are ended). Jobs come in the order they were put, and
	 * a stream's jobs go to one daemon at a time; after a reload, the new instance is
	 * handed new jobs only once the instance it replaced has ended all of its own. A
	 * job still open when the daemon stops is handed over again after the next start,
	 * so a plugin may see a job twice. Must not block. */
	void (*deliver)(void *state, const char *job_id, const void *payload, size_t len);
};

/* The first three members, filled in for the ABI this header describes: the plugin then
 * needs a host of this major and at least this minor (see "ABI rules" above). */
#define HL_PLUGIN_HEADER \
	.abi_major = HL_ABI_MAJOR, .abi_minor = HL_ABI_MINOR, .size = sizeof(struct hl_plugin)

#endif /* HOTLINE_PLUGIN_H */
