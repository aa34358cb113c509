/*
 * example_dept: an out-of-tree department plugin, built against the installed SDK only
 * (see README.md beside this file, the guide to writing one).
 *
 * It follows one unit: each time a ticket is dispatched (派单) to the unit whose code is
 * the `department` option, it logs one line through the host and counts it; with
 * `notify: true` it also tells the unit (a notice on the hl:events stream); with `summary_every`
 * it logs the count on a timer; when the instance is finished it logs the total.
 *
 *     plugins:
 *       - name: example_dept
 *         options:
 *           department: water
 *           notify: true
 *           summary_every: 1h
 *
 * It declares plugin ABI 1.0, the least it needs, so that any 1.x hotlined loads it, and
 * calls the host functions that 1.1 added (department_name, notify) only after checking
 * host->abi_minor.
 */
#include <hotline/plugin.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HL_ABI_MAJOR != 1
#error "example_dept is written for plugin ABI 1.x; a new major needs a review of this file"
#endif

/* The host functions that ABI 1.1 appended to struct hl_host (department_name, related,
 * explain, notify ...) exist when the running host says 1.1 or newer. */
#define HOST_HAS_1_1(host) ((host)->abi_minor >= 1)

static const struct hl_option example_options[] = {
	{"department", HL_OPT_STRING, 1, NULL, "code of the unit to follow, e.g. water"},
	{"notify", HL_OPT_BOOL, 0, "false", "also tell the unit of each dispatch (a notice on hl:events)"},
	{"summary_every", HL_OPT_DURATION, 0, NULL,
	 "log the count this often (wall clock, e.g. 1h); never when absent"},
	{NULL, 0, 0, NULL, NULL},
};

struct example_state {
	const struct hl_host *host; /* the host's table: valid while the plugin is loaded */
	struct hl_self *self;       /* this instance, as the host knows it */
	const char *department;     /* borrowed from the options: lives as long as we do */
	const char *unit_name;      /* the host's (1.1), or the code: lives as long as we do */
	char audience[HL_DEPT_CODE_MAX + 8]; /* "unit:<code>", for host->notify */
	int notify;
	uint64_t summary_ms; /* 0: no summary timer */
	uint64_t dispatched; /* tickets dispatched to the unit while this instance ran */
};

/* Timer callback: runs on the event loop, like a hook. The host has already freed the
 * timer that fired, so a periodic job starts a new one. */
static void summary_due(void *arg)
{
	struct example_state *st = arg;

	st->host->log(st->self, HL_LOG_INFO, "summary department=%s dispatched=%" PRIu64,
		      st->department, st->dispatched);
	if (!st->host->timer_start(st->self, st->summary_ms, summary_due, st))
		st->host->log(st->self, HL_LOG_WARN,
			      "summary_stopped reason=\"out of memory starting a timer\"");
}

static enum hl_status example_init(const struct hl_host *host, struct hl_self *self,
				   const struct hl_options *opts, void **state_r, char *err,
				   size_t errlen)
{
	struct hl_duration every = host->opt_duration(opts, "summary_every");
	struct example_state *st;

	/* The host checked the option types; what they mean is ours to check. */
	if (every.unit != HL_DUR_WALL_MS || every.amount < 0) {
		snprintf(err, errlen, "summary_every: expected wall-clock time such as 30m or 1h, "
				      "not working hours or days");
		return HL_ERROR;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return HL_ERROR;
	}
	st->host = host;
	st->self = self;
	st->department = host->opt_string(opts, "department");
	st->unit_name = st->department;
	snprintf(st->audience, sizeof(st->audience), "unit:%s", st->department);
	st->notify = host->opt_bool(opts, "notify");
	st->summary_ms = (uint64_t)every.amount;

	if (HOST_HAS_1_1(host)) {
		const char *name = host->department_name(self, st->department);

		if (!name) {
			snprintf(err, errlen, "department '%s' is not in routes/departments.yaml",
				 st->department);
			free(st);
			return HL_ERROR;
		}
		st->unit_name = name;
	} else if (st->notify) {
		/* A 1.0 host has no notify: say so once and carry on with logging only. */
		host->log(self, HL_LOG_WARN,
			  "notify_unavailable host_abi=%u.%u reason=\"notify needs ABI 1.1\"",
			  (unsigned)host->abi_major, (unsigned)host->abi_minor);
		st->notify = 0;
	}
	/* Last, after everything that can fail: a timer needs no undoing on our side (the
	 * host cancels an instance's timers when it retires it), but the state it points
	 * to must stay. */
	if (st->summary_ms > 0 && !host->timer_start(self, st->summary_ms, summary_due, st)) {
		snprintf(err, errlen, "out of memory starting the summary timer");
		free(st);
		return HL_ERROR;
	}
	host->log(self, HL_LOG_INFO,
		  "ready department=%s name=\"%s\" notify=%d summary_ms=%" PRIu64
		  " host_abi=%u.%u",
		  st->department, st->unit_name, st->notify, st->summary_ms,
		  (unsigned)host->abi_major, (unsigned)host->abi_minor);
	*state_r = st;
	return HL_OK;
}

static void on_dispatched(struct example_state *st, const struct hl_event *ev)
{
	const char *unit, *item;

	if (!ev->ticket)
		return;
	unit = st->host->ticket_field(ev->ticket, "department");
	if (!unit || strcmp(unit, st->department) != 0)
		return; /* another unit's ticket */
	st->dispatched++;
	item = st->host->ticket_field(ev->ticket, "item");
	/* The ticket id, unit and catalogue item only: never the citizen's phone or ID. */
	st->host->log(st->self, HL_LOG_INFO,
		      "dispatched ticket=%s department=%s item=\"%s\" count=%" PRIu64,
		      ev->ticket_id ? ev->ticket_id : "-", unit, item ? item : "",
		      st->dispatched);
	if (st->notify) {
		char text[HL_REASON_MAX];

		snprintf(text, sizeof(text), "ticket %s is dispatched to %s",
			 ev->ticket_id ? ev->ticket_id : "-", st->unit_name);
		st->host->notify(st->self, st->audience, ev->ticket_id, text);
	}
}

static void example_on_event(void *state, const struct hl_event *ev)
{
	struct example_state *st = state;

	/* Event names are compared as strings; names this plugin does not know (a newer
	 * hotlined may send more) are ignored. */
	if (strcmp(ev->type, HL_EV_DISPATCHED) == 0)
		on_dispatched(st, ev);
}

static void example_fini(void *state)
{
	struct example_state *st = state;

	if (!st)
		return;
	/* No timer to cancel: the host cancels this instance's timers itself. */
	st->host->log(st->self, HL_LOG_INFO, "finished department=%s dispatched=%" PRIu64,
		      st->department, st->dispatched);
	free(st);
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	/* Not HL_PLUGIN_HEADER: that declares the minor of the header we build with, and a
	 * hotlined with an older minor would refuse us. This plugin needs 1.0 only and
	 * checks for 1.1 at run time, so it says 1.0. */
	.abi_major = HL_ABI_MAJOR,
	.abi_minor = 0,
	.size = sizeof(struct hl_plugin),
	.name = "example_dept",
	.version = "1.0.0",
	.description = "logs and counts the tickets dispatched to one unit",
	.options = example_options,
	.init = example_init,
	.on_event = example_on_event,
	.fini = example_fini,
};
