/*
 * The `keyword` routing plugin: routes a ticket by the dispatch catalogue (派单目录). Its
 * title and content are matched against every item's keywords at once (one automaton);
 * the best-scoring item names the responsible unit, or, for a territorial item, the
 * district of the ticket's address found in the gazetteer. Scoring and tie rules are in
 * plugins/lib/catalogue.h; each decision is explained line by line (host->explain).
 */
#include <hotline/plugin.h>
#include <stdio.h>
#include <stdlib.h>

#include "catalogue.h"
#include "gazetteer.h"
#include "plugin_glue.h"

static const struct hl_option keyword_options[] = {
	{"catalogue", HL_OPT_PATH, 1, NULL, "the dispatch catalogue, e.g. routes/catalogue.yaml"},
	{"gazetteer", HL_OPT_PATH, 1, NULL, "the districts file, e.g. routes/districts.yaml"},
	{NULL, 0, 0, NULL, NULL},
};

struct keyword_state {
	const struct hl_host *host;
	struct hl_catalogue *cat;
	struct hl_gazetteer *gz;
};

static void keyword_fini(void *state_p)
{
	struct keyword_state *st = state_p;

	if (!st)
		return;
	hl_catalogue_free(st->cat);
	hl_gazetteer_free(st->gz);
	free(st);
}

static enum hl_status keyword_init(const struct hl_host *host, struct hl_self *self,
				   const struct hl_options *opts, void **state_r, char *err,
				   size_t errlen)
{
	struct keyword_state *st;
	struct hl_glue_units units;

	st = hl_glue_state_new(host, 1, 0, "department_name, explain, path options",
			       sizeof(*st), err, errlen);
	if (!st)
		return HL_ERROR;
	st->host = host;
	hl_glue_units_init(&units, host->department_name, self);
	if (hl_gazetteer_load(host->opt_string(opts, "gazetteer"), &units.check, &st->gz, err,
			      errlen) < 0 ||
	    hl_catalogue_load(host->opt_string(opts, "catalogue"), &units.check, &st->cat, err,
			      errlen) < 0) {
		keyword_fini(st);
		return HL_ERROR;
	}
	host->log(self, HL_LOG_INFO, "loaded items=%zu keywords=%zu districts=%zu",
		  hl_catalogue_count(st->cat), hl_catalogue_keyword_count(st->cat),
		  hl_gazetteer_count(st->gz));
	*state_r = st;
	return HL_OK;
}

static enum hl_status keyword_route(void *state_p, const struct hl_ticket *ticket,
				    struct hl_decision *decision, struct hl_route_call *call)
{
	const struct keyword_state *st = state_p;
	struct hl_ticket_text text;
	struct hl_glue_explain explain;
	struct hl_route_answer answer;
	int rc;

	(void)call;
	hl_glue_ticket_text(&text, ticket, st->host->ticket_field);
	hl_glue_explain_init(&explain, st->host->explain, decision);
	rc = hl_catalogue_route(st->cat, st->gz, &text, &answer, &explain.sink);
	return hl_glue_decide(rc, &answer, decision);
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "keyword",
	.version = "1.0.0",
	.description = "routes tickets by the keywords of the dispatch catalogue",
	.options = keyword_options,
	.init = keyword_init,
	.route = keyword_route,
	.fini = keyword_fini,
};
