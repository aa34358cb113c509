/*
 * The `district` routing plugin, the fallback after `keyword`: a ticket that no catalogue
 * item claimed is taken as a territorial matter (属地事项) and goes to the district or
 * function zone where it happens: its district field, else the place its address, title
 * or content names in the gazetteer (plugins/lib/gazetteer.h). Declined when none does.
 * Its hooks are the routing plugins' own (plugins/lib/plugin_glue.h), without a catalogue.
 */
#include <hotline/plugin.h>
#include <stddef.h>

#include "plugin_glue.h"

static const struct hl_option district_options[] = {
	{"gazetteer", HL_OPT_PATH, 1, NULL, "the districts file, e.g. routes/districts.yaml"},
	{NULL, 0, 0, NULL, NULL},
};

static enum hl_status district_init(const struct hl_host *host, struct hl_self *self,
				    const struct hl_options *opts, void **state_r, char *err,
				    size_t errlen)
{
	return hl_glue_router_init(host, self, opts, 0, state_r, err, errlen);
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "district",
	.version = "1.0.0",
	.description = "routes territorial tickets to the district of their address",
	.options = district_options,
	.init = district_init,
	.route = hl_glue_router_route,
	.fini = hl_glue_router_fini,
};
