/* Building and retiring configuration generations; see world.h. */
#include "host/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "config/auth.h"
#include "time/calendar.h"
#include "base/clock.h"
#include "config/config.h"
#include "base/log.h"
#include "host/plugin_loader.h"
#include "config/routes.h"
#include "time/sla.h"

/* A deadline counted in a year without a calendar file follows weekends only. */
static void calendar_fallback(int year, void *arg)
{
	(void)arg;
	hl_log(HL_LOG_WARN, "calendar",
	       "calendar_fallback year=%d reason=\"no calendar file: weekends only\"", year);
}

/* Loads the calendar and says at once when the current year has no file. */
static int load_calendar(struct hl_world *w, char *err, size_t errlen)
{
	time_t now = (time_t)(hl_clock_now_ms() / 1000);
	struct tm tm;

	if (hl_calendar_load(w->config->calendar_dir, &w->config->calendar_rules,
			     calendar_fallback, NULL, &w->calendar, err, errlen) < 0)
		return -1;
	localtime_r(&now, &tm);
	hl_calendar_covers(w->calendar, tm.tm_year + 1900);
	return 0;
}

int hl_world_build(const char *config_path, struct event_base *base,
		   const struct hl_host_links *links, uint64_t generation, struct hl_world **world_r,
		   char *err, size_t errlen)
{
	struct hl_world *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "%s: out of memory", config_path);
		return -1;
	}
	w->refs = 1;
	w->generation = generation;
	if (hl_config_load(config_path, &w->config, err, errlen) < 0 ||
	    load_calendar(w, err, errlen) < 0 ||
	    hl_routes_load(w->config->routes_dir, &w->routes, err, errlen) < 0 ||
	    hl_sla_load(w->config->routes_dir, &w->sla, err, errlen) < 0 ||
	    hl_auth_load(w->config->tokens_file, w->routes, &w->auth, err, errlen) < 0 ||
	    hl_plugins_load(w->config, w->routes, base, links, &w->plugins, err, errlen) < 0) {
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
	hl_sla_free(world->sla);
	hl_routes_free(world->routes);
	hl_calendar_free(world->calendar);
	hl_config_free(world->config);
	if (world->generation)
		hl_log(HL_LOG_DEBUG, "world", "retired generation=%llu",
		       (unsigned long long)world->generation);
	free(world);
}
