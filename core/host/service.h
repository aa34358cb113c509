/*
 * What the running daemon's parts share, handed to them instead of the daemon itself:
 * the event loop, the Redis client, the HTTP server, the generation of configuration in
 * service, this process's counters, and its names in Redis. The daemon
 * (daemon/daemon.h) embeds it, fills it at start and owns everything it points to; the
 * parts below the daemon read it (and count into `metrics`), never free anything in it,
 * and may keep the pointer for as long as the daemon lives. Event loop only.
 */
#ifndef HL_SERVICE_H
#define HL_SERVICE_H

#include <stdint.h>

#include "base/counters.h"
#include "base/list.h"

struct event_base;
struct hl_dispatcher;
struct hl_http;
struct hl_redis;
struct hl_world;

struct hl_service {
	struct event_base *base;
	struct hl_redis *redis;
	struct hl_http *http;
	/* The generation in service: the daemon holds one reference and replaces it at a
	 * reload, so work that must finish with the generation it began with takes its own
	 * (hl_world_ref) instead of keeping this pointer. */
	struct hl_world *world;
	struct hl_metrics metrics;        /* this process's counters, for GET /metrics */
	struct hl_list explains; /* POST /v1/route/explain in progress (tickets/explain.c
				    keeps the list of its calls) */
	/* tickets/dispatcher.c's, opaque here: intake hands new tickets to it (routing.hand_off);
	 * NULL until the daemon started it */
	struct hl_dispatcher *dispatcher;
	char instance[128]; /* host:pid:start_ms, unique among daemons sharing a Redis */
	char prefix[64];    /* redis.prefix as started with; a reload does not change it */
	int64_t started_ms;
};

#endif
