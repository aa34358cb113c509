/*
 * GET /metrics: Prometheus text format (hotline_ prefix, _total counters, seconds): tickets
 * received by channel, transitions by state, open tickets by department and state,
 * overdue by department, escalations by stage, the ingest request latency and routing
 * time histograms, plugin calls, errors and timeouts, webhook deliveries (dead letters
 * included), Redis reconnects, 503 answers by cause, writes not confirmed by their
 * replicas, routing work taken over from gone daemons, and whether the
 * calendar fell back to weekends only. No token: bind the API where only the scraper
 * and the staff reach it.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/api.h"
#include "tickets/heartbeat.h"
#include "tickets/live_events.h"
#include "time/calendar.h"
#include "base/clock.h"
#include "daemon/daemon.h"
#include "daemon/metrics.h"
#include "http/http.h"
#include "base/counters.h"
#include "host/outbox.h"
#include "host/plugin_host.h"
#include "store/redis.h"
#include "host/world.h"

static void help(struct evbuffer *b, const char *name, const char *type, const char *text)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void counted(struct evbuffer *b, const char *name, const char *label,
		    const struct hl_counted *table, size_t n, const char *text)
{
	help(b, name, "counter", text);
	for (size_t i = 0; i < n && table[i].name[0]; i++)
		evbuffer_add_printf(b, "%s{%s=\"%s\"} %llu\n", name, label, table[i].name,
				    (unsigned long long)table[i].n);
}

static void histogram(struct evbuffer *b, const char *name, const struct hl_histogram *h,
		      const char *text)
{
	uint64_t cumulative = 0;

	help(b, name, "histogram", text);
	for (size_t i = 0; i < HL_METRIC_BUCKETS; i++) {
		cumulative += h->counts[i];
		if (i < HL_METRIC_BUCKETS - 1)
			evbuffer_add_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name, hl_metric_bounds[i],
					    (unsigned long long)cumulative);
		else
			evbuffer_add_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", name,
					    (unsigned long long)cumulative);
	}
	evbuffer_add_printf(b, "%s_sum %.6f\n%s_count %llu\n", name, h->sum, name,
			    (unsigned long long)h->count);
}

/* The in-process part. */
static void own_metrics(struct evbuffer *b, const struct hl_daemon *d)
{
	const struct hl_metrics *m = &d->svc.metrics;
	const struct hl_plugin_set *set = d->svc.world->plugins;
	struct hl_outbox_stats ob;
	struct hl_takeovers taken;
	int years[1];

	counted(b, "hotline_tickets_received_total", "channel", m->received, 4,
		"Tickets taken in, by channel.");
	counted(b, "hotline_transitions_total", "state", m->transitions, HL_METRIC_NAMES,
		"Tickets moved into a state by this daemon.");
	counted(b, "hotline_escalations_total", "stage", m->stages, HL_METRIC_NAMES,
		"Deadline stages fired (warning, overdue, reminder, escalationN).");
	counted(b, "hotline_logins_total", "outcome", m->logins, 8,
		"People's logins (POST /v1/session): ok, failed, limited (429), busy (503).");
	histogram(b, "hotline_ingest_request_duration_seconds", &m->ingest,
		  "Time from a POST /v1/tickets to its answer.");
	histogram(b, "hotline_routing_duration_seconds", &m->routing,
		  "Time to route and commit one ticket.");
	help(b, "hotline_plugin_calls_total", "counter", "Plugin hook calls.");
	for (size_t i = 0; i < set->n; i++)
		evbuffer_add_printf(b, "hotline_plugin_calls_total{plugin=\"%s\"} %llu\n",
				    set->plugins[i]->name, (unsigned long long)set->plugins[i]->calls);
	help(b, "hotline_plugin_errors_total", "counter", "Plugin hook calls that failed.");
	for (size_t i = 0; i < set->n; i++)
		evbuffer_add_printf(b, "hotline_plugin_errors_total{plugin=\"%s\"} %llu\n",
				    set->plugins[i]->name,
				    (unsigned long long)set->plugins[i]->errors);
	help(b, "hotline_plugin_timeouts_total", "counter",
	     "Plugin calls not answered within the routing budget.");
	for (size_t i = 0; i < set->n; i++)
		evbuffer_add_printf(b, "hotline_plugin_timeouts_total{plugin=\"%s\"} %llu\n",
				    set->plugins[i]->name,
				    (unsigned long long)set->plugins[i]->timeouts);
	hl_outbox_stats(d->outbox, &ob);
	help(b, "hotline_outbox_jobs_total", "counter",
	     "Plugin deliveries (webhook) by how they ended: put, done, dead (dead-lettered), "
	     "lost.");
	evbuffer_add_printf(b, "hotline_outbox_jobs_total{outcome=\"put\"} %llu\n"
			       "hotline_outbox_jobs_total{outcome=\"done\"} %llu\n"
			       "hotline_outbox_jobs_total{outcome=\"dead\"} %llu\n"
			       "hotline_outbox_jobs_total{outcome=\"lost\"} %llu\n",
			    (unsigned long long)ob.put, (unsigned long long)ob.done,
			    (unsigned long long)ob.dead, (unsigned long long)ob.lost);
	help(b, "hotline_redis_failovers_total", "counter",
	     "Times the Redis primary changed (sentinel mode).");
	evbuffer_add_printf(b, "hotline_redis_failovers_total %llu\n",
			    (unsigned long long)hl_redis_failovers(d->svc.redis));
	help(b, "hotline_redis_reconnects_total", "counter", "Redis connections re-established.");
	evbuffer_add_printf(b, "hotline_redis_reconnects_total{link=\"commands\"} %llu\n"
			       "hotline_redis_reconnects_total{link=\"blocking\"} %llu\n"
			       "hotline_redis_reconnects_total{link=\"events\"} %llu\n",
			    (unsigned long long)hl_redis_reconnects(d->svc.redis, HL_REDIS_COMMANDS),
			    (unsigned long long)hl_redis_reconnects(d->svc.redis, HL_REDIS_BLOCKING),
			    (unsigned long long)hl_redis_reconnects(d->svc.redis, HL_REDIS_EVENTS));
	counted(b, "hotline_http_unavailable_total", "cause", hl_http_unavailable_counts(d->svc.http),
		HL_HTTP_CAUSES,
		"Requests answered 503, by cause: redis_down, failing_over, not_replicated "
		"(replicas did not confirm a write, or are missing), stopping, busy.");
	help(b, "hotline_redis_not_replicated_total", "counter",
	     "Writes whose replicas did not confirm them (redis.min_replicas_ack), or refused "
	     "while they were missing.");
	evbuffer_add_printf(b, "hotline_redis_not_replicated_total %llu\n",
			    (unsigned long long)hl_redis_not_replicated(d->svc.redis));
	hl_heartbeat_takeovers(d->heartbeat, &taken);
	help(b, "hotline_routing_takeovers_total", "counter",
	     "A gone daemon's routing work this daemon took over at once (its heartbeat lapsed, "
	     "or its process was gone at a restart): its handed-off tickets' leases, its "
	     "entries pending on the routing stream.");
	evbuffer_add_printf(b, "hotline_routing_takeovers_total{what=\"leases\"} %llu\n"
			       "hotline_routing_takeovers_total{what=\"stream_entries\"} %llu\n",
			    (unsigned long long)taken.leases,
			    (unsigned long long)taken.stream_entries);
	help(b, "hotline_live_streams", "gauge", "Live event streams open (GET /v1/events/live).");
	evbuffer_add_printf(b, "hotline_live_streams %zu\n", hl_live_events_clients(d->live));
	help(b, "hotline_live_streams_dropped_total", "counter",
	     "Live event streams dropped because their client did not read.");
	evbuffer_add_printf(b, "hotline_live_streams_dropped_total %llu\n",
			    (unsigned long long)hl_live_events_dropped(d->live));
	help(b, "hotline_calendar_fallback", "gauge",
	     "1 when a deadline year has no calendar file and counts weekends only.");
	evbuffer_add_printf(b, "hotline_calendar_fallback %d\n",
			    hl_calendar_fallback_years(d->svc.world->calendar, years, 1) > 0);
}

struct metrics_call {
	struct hl_call call;
	struct hl_daemon *d;
};

/* metrics_redis.lua answers: [state, count, ...] then '' then [unit|state, count, ...]
 * then '' then [unit, overdue, ...]. */
static void got_redis(struct redisReply *reply, void *arg)
{
	struct metrics_call *mc = arg;
	struct evhttp_request *req = mc->call.req;
	struct evbuffer *b = evbuffer_new();
	size_t i = 0;

	own_metrics(b, mc->d);
	if (reply && reply->type == REDIS_REPLY_ARRAY) {
		help(b, "hotline_open_tickets", "gauge", "Open tickets by unit and state.");
		for (; i + 1 < reply->elements && reply->element[i]->str[0]; i += 2) {
			const char *key = reply->element[i]->str, *bar = strchr(key, '|');

			if (bar)
				evbuffer_add_printf(b, "hotline_open_tickets{department=\"%.*s\","
						       "state=\"%s\"} %s\n",
						    (int)(bar - key), key, bar + 1,
						    reply->element[i + 1]->str);
		}
		i++;
		help(b, "hotline_overdue_tickets", "gauge", "Tickets past a deadline, by unit.");
		for (; i + 1 < reply->elements; i += 2)
			evbuffer_add_printf(b, "hotline_overdue_tickets{department=\"%s\"} %s\n",
					    reply->element[i]->str, reply->element[i + 1]->str);
	}
	hl_http_set_header(req, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, NULL, b);
	evbuffer_free(b);
	hl_call_end(&mc->call);
	free(mc);
}

static void get_metrics(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_daemon *d = arg;
	struct metrics_call *mc = calloc(1, sizeof(*mc));

	(void)param;
	if (!mc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	/* the scraper carries no token: the call is made as the daemon itself */
	mc->call.req = req;
	mc->call.svc = &d->svc;
	mc->d = d;
	mc->call.world = hl_world_ref(d->svc.world);
	if (hl_eval_as(&d->svc, hl_clock_now_ms(), "metrics", "system", HL_SCRIPT_METRICS,
		       got_redis, mc, 0, NULL, NULL) < 0)
		got_redis(NULL, mc); /* Redis down: the daemon's own figures still count */
}

int hl_metrics_register(struct hl_daemon *d)
{
	return hl_http_route(d->svc.http, "/metrics", EVHTTP_REQ_GET, get_metrics, d);
}
