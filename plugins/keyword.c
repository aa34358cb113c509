/*
 * The `keyword` routing plugin: routes a ticket by the dispatch catalogue (派单目录). Its
 * title and content are matched against every item's keywords at once (one automaton);
 * the best-scoring item names the responsible unit, or, for a territorial item, the
 * district of the ticket's address found in the gazetteer. Scoring and tie rules are in
 * plugins/lib/catalogue.h; each decision is explained line by line (host->explain). Its
 * hooks are the routing plugins' own (plugins/lib/plugin_glue.h), with the catalogue.
 */
#include <hotline/plugin.h>
#include <stddef.h>

#include "catalogue.h"
#include "gazetteer.h"
#include "plugin_glue.h"

static const struct hl_option keyword_options[] = {
	{"catalogue", HL_OPT_PATH, 1, NULL, "the dispatch catalogue, e.g. routes/catalogue.yaml"},
	{"gazetteer", HL_OPT_PATH, 1, NULL, "the districts file, e.g. routes/districts.yaml"},
	{NULL, 0, 0, NULL, NULL},
};

static enum hl_status keyword_init(const struct hl_host *host, struct hl_self *self,
				   const struct hl_options *opts, void **state_r, char *err,
				   size_t errlen)
{
	const struct hl_glue_router *r;

	if (hl_glue_router_init(host, self, opts, 1, state_r, err, errlen) != HL_OK)
		return HL_ERROR;
	r = *state_r;
	host->log(self, HL_LOG_INFO, "loaded items=%zu keywords=%zu districts=%zu",
		  hl_catalogue_count(r->cat), hl_catalogue_keyword_count(r->cat),
		  hl_gazetteer_count(r->gz));
	return HL_OK;
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "keyword",
	.version = "1.0.0",
	.description = "routes tickets by the keywords of the dispatch catalogue",
	.options = keyword_options,
	.init = keyword_init,
	.route = hl_glue_router_route,
	.fini = hl_glue_router_fini,
};
