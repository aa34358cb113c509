/* Building and retiring configuration generations; see world.h. */
#include "world.h"

#include <stdio.h>
#include <stdlib.h>

#include "auth.h"
#include "config.h"
#include "log.h"
#include "plugin_host.h"
#include "routes.h"

int hl_world_build(const char *config_path, struct event_base *base, uint64_t generation,
		   struct hl_world **world_r, char *err, size_t errlen)
{
	struct hl_world *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "%s: out of memory", config_path);
		return -1;
	}
	w->refs = 1;
	w->generation = generation;
	if (hl_config_load(config_path, &w->config, err, errlen) < 0 ||
	    hl_routes_load(w->config->routes_dir, &w->routes, err, errlen) < 0 ||
	    hl_auth_load(w->config->tokens_file, w->routes, &w->auth, err, errlen) < 0 ||
	    hl_plugins_load(w->config, w->routes, base, &w->plugins, err, errlen) < 0) {
		hl_world_unref(w);
		return -1;
	}
	*world_r = w;
	return 0;
}

struct hl_world *hl_world_ref(struct hl_world *world)
{
	world->refs++;
	return world;
}

void hl_world_unref(struct hl_world *world)
{
	if (!world || --world->refs > 0)
		return;
	/* Plugins borrow their options from the configuration: they go first. */
	hl_plugins_free(world->plugins);
	hl_auth_free(world->auth);
	hl_routes_free(world->routes);
	hl_config_free(world->config);
	if (world->generation)
		hl_log(HL_LOG_DEBUG, "world", "retired generation=%llu",
		       (unsigned long long)world->generation);
	free(world);
}
