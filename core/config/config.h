/*
 * The daemon's configuration (hotlined.yaml): loaded with libyaml, checked against the
 * tables in config.c (unknown keys are errors), and queried through the typed getters of
 * options.h on its sections, e.g. hl_opt_size(&cfg->http, "max_body").
 * A configuration is immutable once loaded; a reload loads a new one beside it.
 */
#ifndef HL_CONFIG_H
#define HL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "time/calendar.h"
#include "base/options.h"
#include "base/yaml_tree.h"

/* One entry of the `plugins:` list. */
struct hl_plugin_conf {
	const char *name;                  /* borrowed from the document */
	char *file;                        /* the .so to load, resolved; owned */
	const struct hl_yaml_node *options; /* the plugin's subtree, or NULL */
	const struct hl_yaml_node *at;      /* the entry, for error positions */
};

struct hl_config {
	struct hl_yaml_doc *doc;
	char *dir; /* directory of the file; relative paths in it are resolved against it */

	/* Sections, checked; query them with the hl_opt_* getters. */
	struct hl_options top, http, redis, log, auth, intake, routing, reports, calendar,
		console, live_events, supervision;

	/* Values that need more than a type check, resolved once at load. */
	enum hl_log_level log_level;
	int64_t shutdown_timeout_ms;
	int64_t http_timeout_ms;
	int64_t redis_connect_timeout_ms, redis_reconnect_min_ms, redis_reconnect_max_ms;
	char *redis_socket;  /* resolved path, or NULL when redis.address is used */
	int redis_min_replicas_ack;     /* replicas a write waits for (WAIT), 0: none */
	int64_t redis_wait_timeout_ms;  /* how long that WAIT waits */
	/* redis.sentinels (owned) and redis.master_name (borrowed), when they are used */
	struct hl_address *redis_sentinels;
	size_t redis_nsentinels;
	const char *redis_master_name;
	char *routes_dir;    /* resolved */
	char *tokens_file;   /* resolved */
	int64_t idempotency_ttl_ms, board_rate_window_ms;
	int64_t plugin_timeout_ms, reclaim_idle_ms, related_window_ms;
	int hand_off; /* routing.hand_off */
	/* routing.heartbeat and routing.heartbeat_lapse, as checked (defaults brought within
	 * their bounds: config.c's check_heartbeat) */
	int64_t heartbeat_ms, heartbeat_lapse_ms;
	/* people's sessions and logins (auth:, people/) */
	int64_t session_idle_ms, session_lifetime_ms, login_floor_ms, login_failure_window_ms;
	int64_t live_heartbeat_ms;
	char *calendar_dir;                     /* resolved */
	char *console_dir; /* console.dir resolved, an existing folder; NULL: not served */
	/* console.javascript_dir resolved (Debian's libjs-* folder, /javascript/), NULL when
	 * the console is off; the folders its links may lead into, resolved */
	char *javascript_dir;
	char **javascript_roots;
	size_t njavascript_roots;
	struct hl_calendar_rules calendar_rules; /* office hours and where a day ends */
	const char **accountability_forms; /* supervision.accountability_forms or the default
					      (问责方式); the strings are borrowed */
	size_t naccountability_forms;

	size_t nplugins;
	struct hl_plugin_conf *plugins;
};

/* Loads and checks a configuration file. Returns 0 and *cfg_r (free with
 * hl_config_free), or -1 with "file:line:column: reason" in err. */
int hl_config_load(const char *path, struct hl_config **cfg_r, char *err, size_t errlen);

void hl_config_free(struct hl_config *cfg);

/* The file the configuration was read from. */
const char *hl_config_file(const struct hl_config *cfg);

/* Resolves `path` against the configuration's directory unless it is absolute. Returns a
 * new string the caller frees, or NULL when out of memory. */
char *hl_config_resolve(const struct hl_config *cfg, const char *path);

#endif
