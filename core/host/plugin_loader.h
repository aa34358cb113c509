/*
 * Loading the plugins a configuration names (dlopen of a private copy, ABI check, option
 * check, init with the host table) and retiring them (fini, timers and HTTP calls
 * cancelled, abandoned routing calls freed, dlclose). A plugin set belongs to one
 * configuration generation (host/world.h). Event loop only.
 */
#ifndef HL_PLUGIN_LOADER_H
#define HL_PLUGIN_LOADER_H

#include <stddef.h>

struct event_base;
struct hl_config;
struct hl_host_links;
struct hl_plugin_set;
struct hl_routes;

/* Loads and initialises every plugin `cfg` names, in order. All or nothing: on failure
 * the ones already loaded are retired again, and err says which file failed and why,
 * "file:line:column: plugin 'name' (path): reason". Returns 0 and *set_r (free with
 * hl_plugins_free), or -1. `cfg`, `routes` (may be NULL) and `links` (may be NULL: notices
 * and outbox calls are then refused) must outlive the set. */
int hl_plugins_load(const struct hl_config *cfg, const struct hl_routes *routes,
		    struct event_base *base, const struct hl_host_links *links,
		    struct hl_plugin_set **set_r, char *err, size_t errlen);

/* Retires every plugin in reverse order: fini, pending timers and HTTP calls cancelled,
 * dlclose. NULL is allowed. */
void hl_plugins_free(struct hl_plugin_set *set);

#endif
