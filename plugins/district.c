/*
 * The `district` routing plugin, the fallback after `keyword`: a ticket that no catalogue
 * item claimed is taken as a territorial matter (属地事项) and goes to the district or
 * function zone where it happens: its district field, else the place its address, title
 * or content names in the gazetteer (plugins/lib/gazetteer.h). Declined when none does.
 */
#include <hotline/plugin.h>
#include <stdio.h>
#include <stdlib.h>

#include "gazetteer.h"
#include "plugin_glue.h"

static const struct hl_option district_options[] = {
	{"gazetteer", HL_OPT_PATH, 1, NULL, "the districts file, e.g. routes/districts.yaml"},
	{NULL, 0, 0, NULL, NULL},
};

struct district_state {
	const struct hl_host *host;
	struct hl_gazetteer *gz;
};

static void district_fini(void *state_p)
{
	struct district_state *st = state_p;

	if (!st)
		return;
	hl_gazetteer_free(st->gz);
	free(st);
}

static enum hl_status district_init(const struct hl_host *host, struct hl_self *self,
				    const struct hl_options *opts, void **state_r, char *err,
				    size_t errlen)
{
	struct district_state *st;
	struct hl_glue_units units;

	st = hl_glue_state_new(host, 1, 0, "department_name, explain, path options",
			       sizeof(*st), err, errlen);
	if (!st)
		return HL_ERROR;
	st->host = host;
	hl_glue_units_init(&units, host->department_name, self);
	if (hl_gazetteer_load(host->opt_string(opts, "gazetteer"), &units.check, &st->gz, err,
			      errlen) < 0) {
		district_fini(st);
		return HL_ERROR;
	}
	*state_r = st;
	return HL_OK;
}

static enum hl_status district_route(void *state_p, const struct hl_ticket *ticket,
				     struct hl_decision *decision, struct hl_route_call *call)
{
	const struct district_state *st = state_p;
	struct hl_ticket_text text;
	struct hl_glue_explain explain;
	struct hl_route_answer answer;
	int rc;

	(void)call;
	hl_glue_ticket_text(&text, ticket, st->host->ticket_field);
	hl_glue_explain_init(&explain, st->host->explain, decision);
	rc = hl_gazetteer_route(st->gz, &text, &answer, &explain.sink);
	return hl_glue_decide(rc, &answer, decision);
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "district",
	.version = "1.0.0",
	.description = "routes territorial tickets to the district of their address",
	.options = district_options,
	.init = district_init,
	.route = district_route,
	.fini = district_fini,
};
