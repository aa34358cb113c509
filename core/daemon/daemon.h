/*
 * The running hotlined: the event loop and what hangs off it (HTTP server, Redis client,
 * the current world of configuration, routes and plugins), plus its life cycle:
 * start, reload on SIGHUP, stop on SIGTERM/SIGINT.
 */
#ifndef HL_DAEMON_H
#define HL_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/metrics.h"

struct event;
struct event_base;

struct hl_daemon {
	struct event_base *base;
	const char *config_path; /* borrowed from argv */
	struct hl_world *world;  /* the generation in service; the daemon holds one ref */
	struct hl_redis *redis;
	struct hl_http *http;
	struct hl_dispatcher *dispatcher;
	struct hl_outbox *outbox;         /* plugins' durable jobs (outbox.h) */
	struct hl_escalation *escalation;
	struct hl_explain_call *explains; /* POST /v1/route/explain in progress (explain.c) */
	struct hl_metrics metrics;        /* this process's counters, for GET /metrics */
	struct event *sig_hup, *sig_term, *sig_int, *deadline;
	char instance[128]; /* host:pid:start_ms, unique among daemons sharing a Redis */
	char prefix[64];    /* redis.prefix as started with; a reload does not change it */
	char **started_with; /* the restart-only settings' texts at start, one string per
				key daemon.c lists; freed by hl_daemon_free */
	int64_t started_ms;
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

/* Registers the /healthz endpoint (health.c). */
int hl_health_register(struct hl_daemon *d);

#ifdef HL_TEST_CLOCK
/* Registers POST /v1/test/clock (test_clock.c; test builds only). */
int hl_test_clock_register(struct hl_daemon *d);
#endif

#endif
