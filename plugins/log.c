/*
 * The `log` plugin: writes one log line for every event it is given (or for the event
 * types listed in its `events` option), through the host's logger. It exercises the
 * whole plugin path and gives operators an audit of what the daemon tells plugins. The
 * title is masked as base/mask.h's list of personal fields says, as the API masks it for
 * roles that do not see personal data, and so is the detail (free text): the log carries
 * no personal data.
 */
#include <hotline/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mask.h"
#include "plugin_glue.h"

static const struct hl_option log_options[] = {
	{"level", HL_OPT_STRING, 0, "info", "level of the lines: debug, info, warn or error"},
	{"events", HL_OPT_STRING_LIST, 0, NULL, "event types to log; all when absent"},
	{NULL, 0, 0, NULL, NULL},
};

struct log_state {
	const struct hl_host *host;
	struct hl_self *self;
	enum hl_log_level level;
	size_t nevents;
	char **events; /* copies: options are only borrowed */
};

static int parse_level(const char *text, enum hl_log_level *level_r)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(text, names[i]) == 0) {
			*level_r = (enum hl_log_level)i;
			return 0;
		}
	}
	return -1;
}

static void log_fini(void *state_p)
{
	struct log_state *st = state_p;

	if (!st)
		return;
	for (size_t i = 0; i < st->nevents; i++)
		free(st->events[i]);
	free(st->events);
	free(st);
}

static enum hl_status log_init(const struct hl_host *host, struct hl_self *self,
			       const struct hl_options *opts, void **state_r, char *err,
			       size_t errlen)
{
	struct log_state *st = hl_glue_state_new(host, 0, 0, "log", sizeof(*st), err, errlen);
	const char *level = host->opt_string(opts, "level");

	if (!st)
		return HL_ERROR;
	st->host = host;
	st->self = self;
	if (parse_level(level, &st->level) < 0) {
		snprintf(err, errlen, "level '%s' is not one of debug, info, warn, error", level);
		log_fini(st);
		return HL_ERROR;
	}
	st->nevents = host->opt_list_count(opts, "events");
	st->events = calloc(st->nevents + 1, sizeof(*st->events));
	if (!st->events) {
		st->nevents = 0;
		log_fini(st);
		snprintf(err, errlen, "out of memory");
		return HL_ERROR;
	}
	for (size_t i = 0; i < st->nevents; i++) {
		st->events[i] = strdup(host->opt_list_item(opts, "events", i));
		if (!st->events[i]) {
			log_fini(st);
			snprintf(err, errlen, "out of memory");
			return HL_ERROR;
		}
	}
	*state_r = st;
	return HL_OK;
}

static int wanted(const struct log_state *st, const char *type)
{
	if (st->nevents == 0)
		return 1;
	for (size_t i = 0; i < st->nevents; i++) {
		if (strcmp(st->events[i], type) == 0)
			return 1;
	}
	return 0;
}

static void log_on_event(void *state_p, const struct hl_event *ev)
{
	const struct log_state *st = state_p;
	const char *title = NULL;
	char *masked_title, *masked_detail;

	if (!wanted(st, ev->type))
		return;
	if (ev->ticket)
		title = st->host->ticket_field(ev->ticket, "title");
	masked_title = hl_mask_field("title", title ? title : "");
	masked_detail = hl_mask_text(ev->detail ? ev->detail : "");
	st->host->log(st->self, st->level, "%s ticket=%s at_ms=%lld title=\"%s\" detail=\"%s\"",
		      ev->type, ev->ticket_id ? ev->ticket_id : "-", (long long)ev->at_ms,
		      masked_title ? masked_title : "-", masked_detail ? masked_detail : "-");
	free(masked_title);
	free(masked_detail);
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "log",
	.version = "1.0.0",
	.description = "logs every event it is given",
	.options = log_options,
	.init = log_init,
	.on_event = log_on_event,
	.fini = log_fini,
};
