/*
 * A world is one generation of everything loaded from disk: the configuration, the
 * working-day calendar, the routes and the plugin set built from them. A reload builds a
 * new world beside the running one and switches only when all of it loaded (nginx's
 * cycle). The daemon holds a reference to the world in service; work that must finish
 * with the world it started with takes its own (hl_world_ref), and the last reference
 * retires the world (plugins finished and unloaded, then routes, calendar and
 * configuration freed).
 */
#ifndef HL_WORLD_H
#define HL_WORLD_H

#include <stdint.h>
#include <stddef.h>

struct event_base;
struct hl_host_links;

struct hl_world {
	unsigned refs;
	uint64_t generation; /* 1 for the first, +1 per successful reload */
	struct hl_config *config;
	struct hl_calendar *calendar; /* records fallback years as it is asked (calendar.h) */
	struct hl_routes *routes;
	struct hl_sla *sla;   /* time limits (routes/sla.yaml) */
	struct hl_auth *auth; /* API tokens; borrow principals only while holding a ref */
	struct hl_plugin_set *plugins;
};

/* Loads configuration, calendar, routes and plugins; the plugins send notices and
 * outbox jobs through `links` (may be NULL; it must outlive the world). Returns 0 and
 * *world_r holding one reference, or -1 with the first error ("file:line:column: ..." or
 * the plugin's) in err; nothing is left loaded on failure. */
int hl_world_build(const char *config_path, struct event_base *base,
		   const struct hl_host_links *links, uint64_t generation, struct hl_world **world_r,
		   char *err, size_t errlen);

/* Takes a reference, for work that must finish with this world (a request waiting for
 * Redis). Returns world. */
struct hl_world *hl_world_ref(struct hl_world *world);

/* Drops a reference; the last one retires the world. NULL is allowed. */
void hl_world_unref(struct hl_world *world);

#endif
