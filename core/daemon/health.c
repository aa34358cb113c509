/* GET /healthz: is the process up, how Redis is, which configuration and plugins run,
 * which calendar years are loaded and which fell back to weekends only. GET /readyz: can
 * it do its work. */
#include <event2/http.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "time/calendar.h"
#include "base/clock.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/health.h"
#include "http/http.h"
#include "host/plugin_host.h"
#include "store/redis.h"
#include "store/sentinel.h"
#include "config/routes.h"
#include "base/version.h"
#include "host/world.h"

static struct json_object *link_json(const struct hl_redis *r, enum hl_redis_link_id link)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "state",
			       json_object_new_string(hl_redis_state_name(hl_redis_state(r, link))));
	json_object_object_add(o, "reconnects",
			       json_object_new_uint64(hl_redis_reconnects(r, link)));
	if (*hl_redis_last_error(r, link))
		json_object_object_add(o, "last_error",
				       json_object_new_string(hl_redis_last_error(r, link)));
	return o;
}

/* Acknowledged means replicated (redis.min_replicas_ack, store/replica_ack.h). */
static struct json_object *replication_json(const struct hl_redis *r)
{
	struct json_object *o = json_object_new_object();
	int connected = hl_redis_connected_replicas(r);

	json_object_object_add(o, "min_replicas_ack",
			       json_object_new_int(hl_redis_min_replicas_ack(r)));
	json_object_object_add(o, "replicas_ok", json_object_new_boolean(hl_redis_replicas_ok(r)));
	json_object_object_add(o, "connected_replicas",
			       connected < 0 ? NULL : json_object_new_int(connected));
	json_object_object_add(o, "not_replicated",
			       json_object_new_uint64(hl_redis_not_replicated(r)));
	return o;
}

/* Which node is primary, whether it is failing over, and in sentinel mode how each
 * sentinel answered the last time it was asked. */
static void primary_json(struct json_object *redis, const struct hl_redis *r)
{
	const struct hl_sentinel *s = hl_redis_sentinel(r);

	json_object_object_add(redis, "mode", json_object_new_string(s ? "sentinel" : "single"));
	json_object_object_add(redis, "primary", json_object_new_string(hl_redis_primary(r)));
	json_object_object_add(redis, "failing_over",
			       json_object_new_boolean(hl_redis_failing_over(r)));
	json_object_object_add(redis, "failovers", json_object_new_uint64(hl_redis_failovers(r)));
	if (s) {
		struct json_object *list = json_object_new_array();

		for (size_t i = 0; i < hl_sentinel_count(s); i++) {
			struct json_object *o = json_object_new_object();
			int answered = hl_sentinel_answered(s, i);

			json_object_object_add(o, "address",
					       json_object_new_string(hl_sentinel_addr(s, i)));
			json_object_object_add(o, "answered",
					       answered < 0 ? NULL
							    : json_object_new_boolean(answered));
			if (*hl_sentinel_error(s, i))
				json_object_object_add(
					o, "last_error",
					json_object_new_string(hl_sentinel_error(s, i)));
			json_object_array_add(list, o);
		}
		json_object_object_add(redis, "sentinels", list);
		json_object_object_add(redis, "subscribed",
				       json_object_new_string(hl_sentinel_subscribed(s)));
	}
}

static struct json_object *plugins_json(const struct hl_plugin_set *set)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i < set->n; i++) {
		const struct hl_self *p = set->plugins[i];
		struct json_object *o = json_object_new_object();
		char abi[16];

		snprintf(abi, sizeof(abi), "%u.%u", p->desc->abi_major, p->desc->abi_minor);
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "file", json_object_new_string(p->file));
		json_object_object_add(o, "abi", json_object_new_string(abi));
		if (p->desc->version)
			json_object_object_add(o, "version",
					       json_object_new_string(p->desc->version));
		json_object_object_add(o, "calls", json_object_new_uint64(p->calls));
		json_object_object_add(o, "errors", json_object_new_uint64(p->errors));
		json_object_object_add(o, "timeouts", json_object_new_uint64(p->timeouts));
		json_object_object_add(o, "time_ms",
				       json_object_new_double((double)(p->busy_ns / 1000) / 1000));
		json_object_array_add(list, o);
	}
	return list;
}

/* Years as a JSON array, from one of the calendar's year lists. */
static struct json_object *years_json(const struct hl_calendar *cal,
				      size_t (*list)(const struct hl_calendar *, int *, size_t))
{
	struct json_object *a = json_object_new_array();
	size_t n = list(cal, NULL, 0);
	int *years = malloc((n ? n : 1) * sizeof(*years));

	if (years) {
		list(cal, years, n);
		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, json_object_new_int(years[i]));
	}
	free(years);
	return a;
}

static struct json_object *calendar_json(const struct hl_calendar *cal)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "years", years_json(cal, hl_calendar_years));
	json_object_object_add(o, "fallback_years", years_json(cal, hl_calendar_fallback_years));
	return o;
}

static void healthz(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_daemon *d = arg;
	const struct hl_world *w = d->svc.world;
	struct json_object *body = json_object_new_object();
	struct json_object *redis = json_object_new_object();
	struct json_object *config = json_object_new_object();
	int ready = hl_redis_state(d->svc.redis, HL_REDIS_COMMANDS) == HL_REDIS_READY &&
		    hl_redis_state(d->svc.redis, HL_REDIS_BLOCKING) == HL_REDIS_READY;

	(void)param;
	json_object_object_add(body, "status", json_object_new_string(ready ? "ok" : "degraded"));
	json_object_object_add(body, "version", json_object_new_string(HL_VERSION));
	json_object_object_add(body, "instance", json_object_new_string(d->svc.instance));
	json_object_object_add(body, "pid", json_object_new_int64(getpid()));
	json_object_object_add(body, "uptime_ms",
			       json_object_new_int64(hl_clock_now_ms() - d->svc.started_ms));

	json_object_object_add(redis, "target",
			       json_object_new_string(hl_redis_target(d->svc.redis)));
	primary_json(redis, d->svc.redis);
	json_object_object_add(redis, "commands", link_json(d->svc.redis, HL_REDIS_COMMANDS));
	json_object_object_add(redis, "blocking", link_json(d->svc.redis, HL_REDIS_BLOCKING));
	json_object_object_add(redis, "events", link_json(d->svc.redis, HL_REDIS_EVENTS));
	json_object_object_add(redis, "replication", replication_json(d->svc.redis));
	json_object_object_add(body, "redis", redis);

	json_object_object_add(config, "file", json_object_new_string(hl_config_file(w->config)));
	json_object_object_add(config, "generation", json_object_new_uint64(w->generation));
	json_object_object_add(config, "reloads_failed", json_object_new_uint64(d->reloads_failed));
	if (d->last_reload_error[0])
		json_object_object_add(config, "last_reload_error",
				       json_object_new_string(d->last_reload_error));
	json_object_object_add(config, "departments",
			       json_object_new_uint64(w->routes->ndepartments));
	json_object_object_add(body, "config", config);
	json_object_object_add(body, "plugins", plugins_json(w->plugins));
	json_object_object_add(body, "calendar", calendar_json(w->calendar));
	hl_http_reply_json(req, 200, body);
}

/* GET /readyz: 200 when hotlined can do its work (Redis reachable on both links with the
 * scripts loaded, plugins loaded, a calendar for this year), else 503 saying what is
 * missing. A load balancer sends tickets only to a ready daemon. */
static void readyz(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_daemon *d = arg;
	struct json_object *body = json_object_new_object(), *missing = json_object_new_array();
	time_t now = time(NULL);
	struct tm tm;

	(void)param;
	localtime_r(&now, &tm);
	if (hl_redis_state(d->svc.redis, HL_REDIS_COMMANDS) != HL_REDIS_READY ||
	    hl_redis_state(d->svc.redis, HL_REDIS_BLOCKING) != HL_REDIS_READY)
		json_object_array_add(missing,
				      json_object_new_string("redis (connected, scripts loaded)"));
	if (!*hl_redis_primary(d->svc.redis))
		json_object_array_add(missing, json_object_new_string(
						       "a primary (the sentinels are asked)"));
	if (!d->svc.world->plugins || d->stopping)
		json_object_array_add(missing, json_object_new_string(
						       d->stopping ? "not stopping" : "plugins"));
	if (!hl_calendar_covers(d->svc.world->calendar, tm.tm_year + 1900))
		json_object_array_add(missing,
				      json_object_new_string("a calendar file for this year"));
	json_object_object_add(body, "ready",
			       json_object_new_boolean(json_object_array_length(missing) == 0));
	json_object_object_add(body, "missing", missing);
	hl_http_reply_json(req, json_object_array_length(missing) ? 503 : 200, body);
}

int hl_health_register(struct hl_daemon *d)
{
	if (hl_http_route(d->svc.http, "/readyz", EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, readyz, d) < 0)
		return -1;
	return hl_http_route(d->svc.http, "/healthz", EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, healthz, d);
}
