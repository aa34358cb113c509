/*
 * The `escalation` plugin: when a deadline stage fires (warning 预警, overdue 超期,
 * reminder 催办, escalation levels 督办), it notifies the stage's audience through the
 * host (host->notify, a notice on the hl:events stream): the unit head, the supervision office or
 * the leadership, as routes/sla.yaml says; a warning or overdue stage without an
 * audience goes to the unit itself ("unit:<code>"). Option `stages` lists the stages
 * that notify (all but warning by default).
 */
#include <hotline/plugin.h>
#include <stdio.h>
#include <string.h>

#include "plugin_glue.h"

static const struct hl_option escalation_options[] = {
	{"stages", HL_OPT_STRING_LIST, 0, NULL,
	 "stages that notify: warning, overdue, reminder, escalation1 ...; all but warning "
	 "when absent"},
	{NULL, 0, 0, NULL, NULL},
};

struct escalation_state {
	const struct hl_host *host;
	struct hl_self *self;
	const struct hl_options *opts; /* borrowed: lives as long as the plugin */
};

static enum hl_status escalation_init(const struct hl_host *host, struct hl_self *self,
				      const struct hl_options *opts, void **state_r, char *err,
				      size_t errlen)
{
	struct escalation_state *st;

	st = hl_glue_state_new(host, 1, HL_HOST_END(notify), "notify", sizeof(*st), err, errlen);
	if (!st)
		return HL_ERROR;
	st->host = host;
	st->self = self;
	st->opts = opts;
	*state_r = st;
	return HL_OK;
}

static int wanted(const struct escalation_state *st, const char *stage)
{
	size_t n = st->host->opt_list_count(st->opts, "stages");

	if (n == 0)
		return strcmp(stage, "warning") != 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(st->host->opt_list_item(st->opts, "stages", i), stage) == 0)
			return 1;
	}
	return 0;
}

static void escalation_on_event(void *state, const struct hl_event *ev)
{
	struct escalation_state *st = state;
	const char *stage, *audience, *unit;
	char to[96], text[256];

	if (!ev->ticket || (strcmp(ev->type, HL_EV_WARNING) != 0 &&
			    strcmp(ev->type, HL_EV_OVERDUE) != 0 &&
			    strcmp(ev->type, HL_EV_ESCALATED) != 0))
		return;
	stage = st->host->ticket_field(ev->ticket, "stage");
	if (!stage || !wanted(st, stage))
		return;
	audience = st->host->ticket_field(ev->ticket, "audience");
	unit = st->host->ticket_field(ev->ticket, "department");
	if (audience && *audience)
		snprintf(to, sizeof(to), "%s", audience);
	else
		snprintf(to, sizeof(to), "unit:%s", unit && *unit ? unit : "unknown");
	snprintf(text, sizeof(text), "ticket %s, unit %s: %s", ev->ticket_id,
		 unit && *unit ? unit : "-", ev->detail ? ev->detail : stage);
	st->host->notify(st->self, to, ev->ticket_id, text);
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "escalation",
	.version = "1.0.0",
	.description = "notifies the audience of each deadline stage (催办, 督办)",
	.options = escalation_options,
	.init = escalation_init,
	.on_event = escalation_on_event,
	.fini = hl_glue_state_free,
};
