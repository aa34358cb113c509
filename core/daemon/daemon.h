/*
 * The running hotlined: the event loop and what hangs off it (HTTP server, Redis client,
 * the current world of configuration, routes and plugins), plus its life cycle:
 * start, reload on SIGHUP, stop on SIGTERM/SIGINT.
 */
#ifndef HL_DAEMON_H
#define HL_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "host/host_links.h"
#include "host/service.h"

struct event;
struct event_base;
struct hl_live_events;
struct hl_heartbeat;
struct hl_kb;
struct hl_static_files;

struct hl_daemon {
	struct hl_service svc;   /* what its parts share (host/service.h); first member */
	const char *config_path; /* borrowed from argv */
	struct hl_host_links links; /* where plugins' notices and outbox jobs go */
	struct hl_dispatcher *dispatcher;
	struct hl_heartbeat *heartbeat;   /* the registry entry and heartbeat (tickets/heartbeat.h) */
	struct hl_outbox *outbox;         /* plugins' durable jobs (host/outbox.h) */
	struct hl_escalation *escalation;
	struct hl_people *people;         /* people's logins and sessions (people/people.h) */
	struct hl_live_events *live;      /* GET /v1/events/live (tickets/live_events.h) */
	struct hl_kb *kb;                 /* the knowledge base: /v1/kb/ (tickets/kb.h) */
	struct hl_static_files *console;  /* the console under /console/ (http/static_files.h) */
	struct hl_static_files *javascript; /* Debian's libjs-* under /javascript/ (Chart.js) */
	struct event *sig_hup, *sig_term, *sig_int, *deadline;
	char **started_with; /* the restart-only settings' texts at start, one string per
				key daemon.c lists; freed by hl_daemon_free */
	uint64_t reloads_failed;
	char last_reload_error[512];
	int stopping;
	int exit_code;
};

/* Builds the first world, binds the HTTP port, starts Redis and the signal handlers.
 * Returns 0, or -1 with the reason in err (the daemon then must not run). */
int hl_daemon_start(struct hl_daemon *d, struct event_base *base, const char *config_path,
		    char *err, size_t errlen);

/* Loads the configuration again beside the running one and switches only if all of it
 * loads; otherwise logs why and keeps the old. Returns 0 when switched. */
int hl_daemon_reload(struct hl_daemon *d);

/* Begins an orderly stop: stop accepting, tell plugins, let in-flight work finish, close
 * Redis, then leave the event loop. A second call does nothing. */
void hl_daemon_stop(struct hl_daemon *d);

/* Frees everything after the event loop has returned. */
void hl_daemon_free(struct hl_daemon *d);

#endif
