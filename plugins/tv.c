/*
 * The `tv` plugin: tickets from the TV-inquiry programme desk (电视问政, channel "tv") are
 * held to the strictest timelines and their supervisors are informed at every stage
 * (core/README.md §1 and §7). Its review hook attaches the SLA policy named by the
 * `policy` option to such a ticket's decision and asks for supervisors to be told; other
 * channels are not its matter.
 */
#include <hotline/plugin.h>
#include <stdio.h>
#include <string.h>

#include "plugin_glue.h"

static const struct hl_option tv_options[] = {
	{"policy", HL_OPT_STRING, 0, "tv", "SLA policy given to TV-inquiry tickets"},
	{NULL, 0, 0, NULL, NULL},
};

struct tv_state {
	const struct hl_host *host;
	char policy[HL_POLICY_MAX];
};

static enum hl_status tv_init(const struct hl_host *host, struct hl_self *self,
			      const struct hl_options *opts, void **state_r, char *err,
			      size_t errlen)
{
	const char *policy = host->opt_string(opts, "policy");
	struct tv_state *st;

	(void)self;
	if (policy[0] == '\0' || strlen(policy) >= HL_POLICY_MAX) {
		snprintf(err, errlen, "policy '%s' must be 1 to %d bytes long", policy,
			 HL_POLICY_MAX - 1);
		return HL_ERROR;
	}
	st = hl_glue_state_new(host, 1, 0, "review, explain", sizeof(*st), err, errlen);
	if (!st)
		return HL_ERROR;
	st->host = host;
	snprintf(st->policy, sizeof(st->policy), "%s", policy);
	*state_r = st;
	return HL_OK;
}

static enum hl_status tv_review(void *state_p, const struct hl_ticket *ticket,
				struct hl_decision *decision, struct hl_route_call *call)
{
	const struct tv_state *st = state_p;
	const char *channel = st->host->ticket_field(ticket, "channel");

	(void)call;
	if (!channel || strcmp(channel, "tv") != 0)
		return HL_DECLINED;
	snprintf(decision->policy, sizeof(decision->policy), "%s", st->policy);
	decision->notify_supervisors = 1;
	st->host->explain(decision, "channel tv (电视问政): policy %s, supervisors informed",
			  st->policy);
	return HL_OK;
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "tv",
	.version = "1.0.0",
	.description = "TV-inquiry tickets (电视问政): strictest SLA policy, supervisors informed",
	.options = tv_options,
	.init = tv_init,
	.review = tv_review,
	.fini = hl_glue_state_free,
};
