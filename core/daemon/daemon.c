/* The daemon's life cycle: start, reload, orderly stop; see daemon.h. */
#include "daemon/daemon.h"

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/test_clock.h"
#include "tickets/api.h"
#include "tickets/supervision.h"
#include "tickets/kb_report.h"
#include "base/clock.h"
#include "config/config.h"
#include "tickets/dispatcher.h"
#include "tickets/kb.h"
#include "tickets/live_events.h"
#include "http/static_files.h"
#include "tickets/escalation.h"
#include "tickets/heartbeat.h"
#include "http/http.h"
#include "store/keys.h"
#include "store/layout.h"
#include "base/log.h"
#include "host/outbox.h"
#include "host/plugin_host.h"
#include "store/redis.h"
#include "base/version.h"
#include "host/world.h"
#include "people/people.h"

#define ESCALATION_SWEEP_MS 200 /* how often due stages are looked for */

static void apply_process_settings(const struct hl_config *cfg)
{
	hl_log_set_level(cfg->log_level);
	setenv("TZ", hl_opt_string(&cfg->top, "timezone"), 1);
	tzset();
}

/* The answer of the registry's "stopped" (tickets/heartbeat.h). */
static void left_registry(struct redisReply *reply)
{
	if (!reply || reply->type == REDIS_REPLY_ERROR)
		hl_log(HL_LOG_WARN, "daemon", "register_failed event=stopped error=\"%s\"",
		       reply ? reply->str : "connection lost");
}

static void redis_ready(void *arg)
{
	struct hl_daemon *d = arg;

	if (!d->stopping)
		hl_heartbeat_connected(d->heartbeat);
}

static void stop_refused(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	hl_daemon_stop(arg);
}

/* The store has another layout: nothing was read or written; the daemon stops (from the
 * loop, not inside the hiredis callback) and exits 1, naming the command that upgrades
 * the store. */
static void layout_refused(void *arg, const char *found)
{
	struct hl_daemon *d = arg;
	struct timeval now = {0, 0};

	hl_log(HL_LOG_ERROR, "daemon",
	       "layout_refused found=%s wants=%d action=exit hint=\"the store has layout %s, this "
	       "hotlined needs layout %d: stop every hotlined of this Redis, then run: "
	       HL_LAYOUT_MIGRATE_HINT " %s\"",
	       found, HL_STORE_LAYOUT, found, HL_STORE_LAYOUT, d->config_path);
	d->exit_code = 1;
	if (event_base_once(d->svc.base, -1, EV_TIMEOUT, stop_refused, d, &now) < 0)
		hl_daemon_stop(d);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct hl_daemon *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		hl_log(HL_LOG_INFO, "daemon", "reload_requested signal=SIGHUP");
		hl_daemon_reload(d);
	} else {
		hl_log(HL_LOG_INFO, "daemon", "stop_requested signal=%s",
		       sig == SIGTERM ? "SIGTERM" : "SIGINT");
		hl_daemon_stop(d);
	}
}

static void notice_sent(struct redisReply *reply, void *arg)
{
	(void)arg;
	if (!reply || reply->type == REDIS_REPLY_ERROR)
		hl_log(HL_LOG_WARN, "daemon", "notice_failed error=\"%s\"",
		       reply ? reply->str : "connection lost");
}

/* host->notify: a notice for its audience on the event stream (lua/event_notice.lua),
 * its id carrying the daemon's time as the scripts' entries do. */
static void send_notice(void *arg, const char *plugin, const char *audience,
			const char *ticket_id, const char *text)
{
	struct hl_daemon *d = arg;
	const char *argv[] = {audience, ticket_id ? ticket_id : "", text ? text : ""};

	if (hl_redis_eval_as(d->svc.redis, d->svc.prefix, hl_clock_now_ms(), plugin, "system",
			     HL_SCRIPT_EVENT_NOTICE, notice_sent, NULL, 3, argv, NULL) < 0)
		hl_log(HL_LOG_WARN, "daemon", "notice_failed error=\"Redis not ready\" audience=%s",
		       audience);
}

/* Makes the outbox (none when out of memory) the one plugins' outbox calls reach. */
static void link_outbox(struct hl_daemon *d)
{
	d->links.outbox = d->outbox;
	d->links.outbox_put = hl_outbox_put;
	d->links.outbox_done = hl_outbox_done;
	d->links.outbox_dead = hl_outbox_dead;
}

/* test_clock: true is honoured by the test build only; the shipped daemon refuses it. */
static int use_test_clock(struct hl_daemon *d, char *err, size_t errlen)
{
	if (!hl_opt_bool(&d->svc.world->config->top, "test_clock"))
		return 0;
#ifdef HL_TEST_CLOCK
	(void)err;
	(void)errlen;
	hl_log(HL_LOG_WARN, "daemon", "test_clock enabled=1 reason=\"tests only\"");
	return hl_test_clock_register(&d->svc);
#else
	snprintf(err, errlen, "%s: test_clock: this hotlined is built without a test clock "
			      "(only tests/hotlined-testclock has one)",
		 hl_config_file(d->svc.world->config));
	return -1;
#endif
}

/* Settings that only take effect at a restart; a reload says so instead of pretending. */
static const struct {
	const char *section, *key;
	size_t offset; /* of the section's struct hl_options in struct hl_config */
} restart_keys[] = {
	{"http", "listen", offsetof(struct hl_config, http)},
	{"http", "max_body", offsetof(struct hl_config, http)},
	{"http", "timeout", offsetof(struct hl_config, http)},
	{"redis", "socket", offsetof(struct hl_config, redis)},
	{"redis", "address", offsetof(struct hl_config, redis)},
	{"redis", "prefix", offsetof(struct hl_config, redis)},
	{"redis", "connect_timeout", offsetof(struct hl_config, redis)},
	{"redis", "reconnect_min", offsetof(struct hl_config, redis)},
	{"redis", "reconnect_max", offsetof(struct hl_config, redis)},
	{"redis", "min_replicas_ack", offsetof(struct hl_config, redis)},
	{"redis", "wait_timeout", offsetof(struct hl_config, redis)},
};
#define NRESTART_KEYS (sizeof(restart_keys) / sizeof(restart_keys[0]))

/* The text of restart key i in cfg, "" when not set (the default). */
static const char *restart_value(const struct hl_config *cfg, size_t i)
{
	const struct hl_options *o = (const void *)((const char *)cfg + restart_keys[i].offset);
	const struct hl_yaml_node *n = hl_yaml_map_get(o->node, restart_keys[i].key);

	return n && n->kind == HL_YAML_SCALAR ? n->text : "";
}

/* Remembers the restart keys the daemon started with (d->started_with, freed with it). */
/* Debian's JavaScript libraries under /javascript/, as console.javascript_dir and
 * console.javascript_roots say (none when the console is off). */
static int set_javascript(struct hl_static_files *js, const struct hl_config *cfg)
{
	if (hl_static_files_set_dir(js, cfg->javascript_dir) < 0 ||
	    hl_static_files_set_link_roots(js, cfg->javascript_roots, cfg->njavascript_roots) < 0)
		return -1;
	return 0;
}

static int remember_restart_values(struct hl_daemon *d)
{
	if (!(d->started_with = calloc(NRESTART_KEYS, sizeof(char *))))
		return -1;
	for (size_t i = 0; i < NRESTART_KEYS; i++)
		if (!(d->started_with[i] = strdup(restart_value(d->svc.world->config, i))))
			return -1;
	return 0;
}

/* Warns of each restart key of cfg that differs from what the daemon runs with. */
static void warn_restart_only(const struct hl_daemon *d, const struct hl_config *cfg)
{
	for (size_t i = 0; i < NRESTART_KEYS; i++)
		if (strcmp(restart_value(cfg, i), d->started_with[i]) != 0)
			hl_log(HL_LOG_WARN, "daemon", "restart_needed key=%s.%s reason=\"changed, "
						      "takes effect at the next start\"",
			       restart_keys[i].section, restart_keys[i].key);
}

/* Why a 503 that Redis caused is answered, for its count in /metrics. */
static const char *unavailable_cause(void *arg)
{
	const struct hl_daemon *d = arg;

	return d->svc.redis ? hl_redis_unavailable_cause(d->svc.redis) : "stopping";
}

int hl_daemon_start(struct hl_daemon *d, struct event_base *base, const char *config_path,
		    char *err, size_t errlen)
{
	char host[64] = "localhost";

	memset(d, 0, sizeof(*d));
	d->svc.base = base;
	d->config_path = config_path;
	d->svc.started_ms = hl_clock_now_ms();
	gethostname(host, sizeof(host) - 1);
	snprintf(d->svc.instance, sizeof(d->svc.instance), "%s:%ld:%lld", host, (long)getpid(),
		 (long long)d->svc.started_ms);
	d->links.notify = send_notice;
	d->links.notify_arg = d;
	if (hl_world_build(config_path, base, &d->links, 1, &d->svc.world, err, errlen) < 0)
		return -1;
	if (remember_restart_values(d) < 0) {
		snprintf(err, errlen, "out of memory starting the daemon");
		return -1;
	}
	apply_process_settings(d->svc.world->config);
	snprintf(d->svc.prefix, sizeof(d->svc.prefix), "%s",
		 hl_opt_string(&d->svc.world->config->redis, "prefix"));
	d->svc.http = hl_http_start(base, d->svc.world->config, err, errlen);
	if (!d->svc.http || hl_intake_register(&d->svc) < 0 ||
	    hl_ticket_view_register(&d->svc) < 0 || hl_workflow_register(&d->svc) < 0 ||
	    hl_explain_register(&d->svc) < 0 || hl_reports_register(&d->svc) < 0 ||
	    hl_calendar_api_register(&d->svc) < 0 || hl_departments_api_register(&d->svc) < 0 ||
	    hl_presence_register(&d->svc) < 0 ||
	    hl_supervision_register(&d->svc) < 0 ||
	    hl_kb_report_register(&d->svc) < 0 ||
	    !(d->console = hl_static_files_mount(d->svc.http, "/console", 1)) ||
	    hl_static_files_set_dir(d->console, d->svc.world->config->console_dir) < 0 ||
	    !(d->javascript = hl_static_files_mount(d->svc.http, "/javascript", 0)) ||
	    set_javascript(d->javascript, d->svc.world->config) < 0 ||
	    sodium_init() < 0 || !(d->people = hl_people_start(&d->svc))) {
		if (d->svc.http)
			snprintf(err, errlen, "out of memory registering endpoints");
		return -1;
	}
	if (use_test_clock(d, err, errlen) < 0)
		return -1;
	d->svc.redis = hl_redis_start(base, d->svc.world->config, redis_ready, d);
	if (d->svc.redis)
		hl_redis_require_layout(d->svc.redis, d->svc.prefix, HL_STORE_LAYOUT,
					layout_refused, d);
	hl_http_set_unavailable_cause(d->svc.http, unavailable_cause, d);
	d->dispatcher = d->svc.redis ? hl_dispatcher_start(&d->svc) : NULL;
	d->svc.dispatcher = d->dispatcher;
	d->heartbeat = d->dispatcher ? hl_heartbeat_start(&d->svc, d->dispatcher) : NULL;
	d->outbox = d->svc.redis ? hl_outbox_start(&d->svc) : NULL; /* none when out of memory: puts fail */
	link_outbox(d);
	d->escalation = d->svc.redis ? hl_escalation_start(&d->svc, ESCALATION_SWEEP_MS) : NULL;
	d->live = d->svc.redis ? hl_live_events_start(&d->svc) : NULL;
	d->kb = d->live ? hl_kb_start(&d->svc, d->live) : NULL;
	if (d->kb && hl_kb_api_register(&d->svc, d->kb) < 0) {
		snprintf(err, errlen, "out of memory registering endpoints");
		return -1;
	}
	d->sig_hup = evsignal_new(base, SIGHUP, on_signal, d);
	d->sig_term = evsignal_new(base, SIGTERM, on_signal, d);
	d->sig_int = evsignal_new(base, SIGINT, on_signal, d);
	if (!d->svc.redis || !d->dispatcher || !d->heartbeat || !d->escalation || !d->live || !d->kb || !d->sig_hup || !d->sig_term || !d->sig_int ||
	    event_add(d->sig_hup, NULL) || event_add(d->sig_term, NULL) ||
	    event_add(d->sig_int, NULL)) {
		snprintf(err, errlen, "out of memory starting the daemon");
		return -1;
	}
	hl_plugins_emit(d->svc.world->plugins, HL_EV_STARTED, NULL, NULL, hl_config_file(d->svc.world->config));
	hl_log(HL_LOG_INFO, "daemon", "started version=%s instance=%s config=%s generation=1",
	       HL_VERSION, d->svc.instance, config_path);
	return 0;
}

int hl_daemon_reload(struct hl_daemon *d)
{
	struct hl_world *fresh, *old = d->svc.world;

	if (d->stopping)
		return -1;
	if (hl_world_build(d->config_path, d->svc.base, &d->links, old->generation + 1, &fresh,
			   d->last_reload_error, sizeof(d->last_reload_error)) < 0) {
		d->reloads_failed++;
		hl_log(HL_LOG_ERROR, "daemon",
		       "reload_failed generation=%llu action=kept_running error=\"%s\"",
		       (unsigned long long)old->generation, d->last_reload_error);
		return -1;
	}
	d->last_reload_error[0] = '\0';
	warn_restart_only(d, fresh->config);
	hl_plugins_carry_counts(fresh->plugins, old->plugins);
	apply_process_settings(fresh->config);
	d->svc.world = fresh;
	hl_dispatcher_reconfigured(d->dispatcher);
	hl_live_events_reconfigured(d->live);
	if (hl_static_files_set_dir(d->console, fresh->config->console_dir) < 0 ||
	    set_javascript(d->javascript, fresh->config) < 0)
		hl_log(HL_LOG_ERROR, "daemon", "console_off reason=out_of_memory");
	hl_plugins_emit(fresh->plugins, HL_EV_RELOADED, NULL, NULL, hl_config_file(fresh->config));
	hl_world_unref(old);
	hl_log(HL_LOG_INFO, "daemon", "reloaded generation=%llu plugins=%zu",
	       (unsigned long long)fresh->generation, fresh->plugins->n);
	hl_heartbeat_reloaded(d->heartbeat);
	return 0;
}

static void exit_loop(void *base)
{
	event_base_loopexit(base, NULL);
}

static void answers_written(void *arg)
{
	struct hl_daemon *d = arg;

	hl_log(HL_LOG_INFO, "daemon", "stopped");
	exit_loop(d->svc.base);
}

/* Redis has answered everything: the last answers go out to clients, then the loop ends. */
static void redis_closed(void *arg)
{
	struct hl_daemon *d = arg;

	hl_http_when_drained(d->svc.http, answers_written, d);
}

static void unregistered(struct redisReply *reply, void *arg)
{
	struct hl_daemon *d = arg;

	left_registry(reply);
	hl_redis_stop(d->svc.redis, redis_closed, d);
}

static void deadline_passed(evutil_socket_t fd, short what, void *arg)
{
	struct hl_daemon *d = arg;

	(void)fd;
	(void)what;
	hl_log(HL_LOG_ERROR, "daemon", "stop_timeout action=exit_now");
	d->exit_code = 1;
	event_base_loopbreak(d->svc.base);
}

/* The dispatcher has committed what it was routing: Redis may close. */
static void dispatcher_drained(void *arg)
{
	struct hl_daemon *d = arg;

	/* Commands already sent are answered before the connections close. */
	if (hl_heartbeat_leave(d->heartbeat, unregistered, d) < 0)
		hl_redis_stop(d->svc.redis, redis_closed, d);
}

void hl_daemon_stop(struct hl_daemon *d)
{
	int64_t ms = d->svc.world->config->shutdown_timeout_ms;
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};

	if (d->stopping)
		return;
	d->stopping = 1;
	hl_http_stop_accepting(d->svc.http);
	hl_live_events_stop(d->live);
	hl_kb_stop(d->kb);
	hl_outbox_stop(d->outbox);
	hl_escalation_stop(d->escalation);
	hl_explain_cancel_all(&d->svc);
	hl_plugins_emit(d->svc.world->plugins, HL_EV_STOPPING, NULL, NULL, NULL);
	d->deadline = evtimer_new(d->svc.base, deadline_passed, d);
	if (d->deadline)
		evtimer_add(d->deadline, &tv);
	/* half the stop's time for routing under way, the rest for Redis and the answers */
	hl_dispatcher_stop(d->dispatcher, ms / 2, dispatcher_drained, d);
}

void hl_daemon_free(struct hl_daemon *d)
{
	struct event *events[] = {d->sig_hup, d->sig_term, d->sig_int, d->deadline};

	/* From here plugins (retired below, as the last world references go) find no
	 * notice channel and no outbox: their calls are logged and refused. */
	d->links.notify = NULL;
	d->links.outbox = NULL;
	if (d->svc.http)
		hl_http_close(d->svc.http); /* from here no handler runs: what it uses is going */
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i])
			event_free(events[i]);
	}
	/* Redis first: commands still pending answer their requests (503) before the HTTP
	 * server frees the connections those requests belong to; those answers get a short,
	 * bounded chance to be written out. */
	hl_redis_free(d->svc.redis);
	d->svc.redis = NULL;
	hl_explain_cancel_all(&d->svc);
	hl_heartbeat_free(d->heartbeat); /* after Redis: its commands have been called back */
	d->heartbeat = NULL;
	hl_dispatcher_free(d->dispatcher);
	d->svc.dispatcher = NULL;
	hl_outbox_free(d->outbox);
	d->outbox = NULL;
	hl_escalation_free(d->escalation);
	hl_live_events_free(d->live); /* after Redis: its reads have been called back */
	d->live = NULL;
	hl_kb_free(d->kb);
	d->kb = NULL;
	/* after Redis (its callbacks have answered), before HTTP (whose requests it answers) */
	hl_people_free(d->people);
	d->people = NULL;
	if (hl_http_unsent(d->svc.http) > 0) {
		struct timeval flush = {0, 200 * 1000};

		hl_http_when_drained(d->svc.http, exit_loop, d->svc.base);
		event_base_loopexit(d->svc.base, &flush);
		event_base_dispatch(d->svc.base);
	}
	hl_http_free(d->svc.http);
	hl_static_files_free(d->console); /* no handler has run since hl_http_close */
	d->console = NULL;
	hl_static_files_free(d->javascript);
	d->javascript = NULL;
	hl_world_unref(d->svc.world);
	d->svc.world = NULL;
	for (size_t i = 0; d->started_with && i < NRESTART_KEYS; i++)
		free(d->started_with[i]);
	free(d->started_with);
	d->started_with = NULL;
}
