/* Three self-healing async Redis connections with script loading; see redis.h. */
#include "store/redis.h"

#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "base/decimal.h"
#include "base/log.h"
#include "store/attach.h"
#include "store/layout.h"
#include "store/replica_ack.h"
#include "store/reply_arena.h"
#include "store/resp.h"
#include "store/sentinel.h"

struct link {
	struct hl_redis *owner;
	const char *role; /* "commands", "blocking" or "events", for logs */
	redisAsyncContext *ac;
	enum hl_redis_state state;
	struct event *timer; /* connect timeout while CONNECTING, else the reconnect delay */
	int64_t backoff_ms;
	int ever_connected;
	uint64_t reconnects;
	int pending_loads;
	int connected_now; /* set by a connect, cleared when ready: tells reconnects apart */
	int at_once;       /* the next reconnect comes without delay (a new primary) */
	char last_error[160];
};

struct hl_redis {
	struct event_base *base;
	char *socket; /* or host:port below */
	char host[64];
	int port;
	char target[300];
	int64_t connect_timeout_ms, backoff_min_ms, backoff_max_ms;
	struct link links[HL_REDIS_LINKS];
	char shas[HL_SCRIPT_COUNT][41];
	hl_redis_ready_fn on_ready;
	void *ready_arg;
	int layout;              /* the layout required, 0 for none (hl_redis_require_layout) */
	char layout_text[16];
	char layout_keys[HL_LAYOUT_CHECK_KEYS][HL_LAYOUT_KEY_LEN];
	hl_redis_refused_fn refused;
	void *refused_arg;
	int stopping;
	void (*stopped)(void *arg);
	void *stopped_arg;
	struct hl_replica_ack *acks; /* redis.min_replicas_ack above 0, else NULL */
	/* Sentinel mode (redis.sentinels): the commands link connects where a sentinel named
	 * the primary and checks it with ROLE; the other links wait for that check. */
	struct hl_sentinel *sentinel; /* NULL for one Redis, and once stopping */
	int sentinel_mode;
	int primary_known;  /* host and port hold the node a sentinel named */
	int confirmed;      /* ... and the commands link found it master */
	int failing_over;   /* from losing the primary until a confirmed one is ready */
	uint64_t failovers; /* times the confirmed primary changed */
	char primary[300];  /* the confirmed primary, "" while unknown */
	char last_primary[300];
	char switch_host[64]; /* the primary +switch-master named, "" when none pending */
	int switch_port;
	struct event *refind; /* drops the links to find the primary again, from the loop */
};

/* A command sent and waiting for its reply. It is formatted once (RESP, store/resp.h)
 * into the same allocation (text); a script's EVALSHA can be turned into an EVAL from
 * that text should Redis answer NOSCRIPT. */
struct pending {
	hl_redis_reply_fn fn;
	void *arg;
	struct hl_redis *r;
	int script; /* -1 for a plain command */
	int retried;
	char *cmd;  /* text, or, once rewritten by to_eval, owned (malloc) */
	size_t len;
	int rewritten;
	char text[]; /* the command as first formatted */
};

static void link_connect(struct link *l);
static void drop_link(evutil_socket_t fd, short what, void *arg);
static void check_layout(struct link *l);

const char *hl_redis_state_name(enum hl_redis_state state)
{
	static const char *const names[] = {"down", "connecting", "loading", "ready", "stopped"};
	return names[state];
}

static struct timeval ms_to_tv(int64_t ms)
{
	return (struct timeval){(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
}

static void maybe_stopped(struct hl_redis *r)
{
	for (int i = 0; i < HL_REDIS_LINKS; i++) {
		if (r->links[i].state != HL_REDIS_STOPPED)
			return;
	}
	if (r->stopped) {
		void (*done)(void *) = r->stopped;
		r->stopped = NULL;
		done(r->stopped_arg);
	}
}

static void reconnect_fired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	link_connect(arg);
}

static void schedule_reconnect(struct link *l);

static void set_target(struct hl_redis *r, const char *host, int port)
{
	snprintf(r->host, sizeof(r->host), "%s", host);
	r->port = port;
	snprintf(r->target, sizeof(r->target), strchr(host, ':') ? "[%s]:%d" : "%s:%d", host,
		 port);
}

/* Closes a link now (its pending commands get a NULL reply) and schedules its reconnect.
 * Not for a link inside one of its own hiredis callbacks. */
static void link_drop_now(struct link *l)
{
	redisAsyncContext *ac = l->ac;

	event_del(l->timer);
	l->state = HL_REDIS_DOWN; /* nothing is sent on it while its callbacks run */
	if (ac && (ac->c.flags & REDIS_CONNECTED)) {
		redisAsyncFree(ac); /* on_disconnect schedules the reconnect */
		return;
	}
	if (ac) {
		l->ac = NULL;
		redisAsyncFree(ac);
	}
	schedule_reconnect(l);
}

/* Sentinel mode: the commands link lost its node, or was never on the primary. The
 * primary is unknown until a sentinel names one again (or +switch-master named it), and
 * the other links leave the old node at once. */
static void primary_lost(struct hl_redis *r)
{
	if (r->links[HL_REDIS_COMMANDS].ever_connected)
		r->failing_over = 1;
	r->primary_known = r->confirmed = 0;
	r->primary[0] = '\0';
	if (r->switch_host[0]) {
		set_target(r, r->switch_host, r->switch_port);
		r->switch_host[0] = '\0';
		r->primary_known = 1;
	}
	for (int i = HL_REDIS_COMMANDS + 1; i < HL_REDIS_LINKS; i++) {
		struct link *l = &r->links[i];
		if (l->ac || l->state == HL_REDIS_DOWN)
			link_drop_now(l);
	}
}

/* Waits backoff (with jitter: between half and all of it), then connects again. */
static void schedule_reconnect(struct link *l)
{
	struct hl_redis *r = l->owner;
	int64_t delay;
	struct timeval tv;

	if (r->stopping) {
		l->state = HL_REDIS_STOPPED;
		maybe_stopped(r);
		return;
	}
	l->state = HL_REDIS_DOWN;
	if (r->sentinel_mode && l == &r->links[HL_REDIS_COMMANDS])
		primary_lost(r);
	else if (r->sentinel_mode && !r->confirmed) {
		event_del(l->timer); /* waits for the commands link's next primary */
		return;
	}
	delay = l->backoff_ms / 2 + (int64_t)(random() % (l->backoff_ms / 2 + 1));
	if (l->at_once)
		delay = 0;
	l->at_once = 0;
	l->backoff_ms = l->backoff_ms * 2 > r->backoff_max_ms ? r->backoff_max_ms : l->backoff_ms * 2;
	tv = ms_to_tv(delay);
	event_del(l->timer);
	event_assign(l->timer, r->base, -1, 0, reconnect_fired, l);
	event_add(l->timer, &tv);
	hl_log(HL_LOG_DEBUG, "redis", "reconnect_scheduled link=%s delay_ms=%lld", l->role,
	       (long long)delay);
}

static void set_error(struct link *l, const char *what)
{
	snprintf(l->last_error, sizeof(l->last_error), "%s", what);
}

static void became_ready(struct link *l)
{
	struct hl_redis *r = l->owner;

	l->state = HL_REDIS_READY;
	if (!l->connected_now) /* scripts reloaded after NOSCRIPT on a live connection */
		return;
	l->connected_now = 0;
	l->backoff_ms = r->backoff_min_ms;
	l->last_error[0] = '\0';
	if (l->ever_connected)
		l->reconnects++;
	l->ever_connected = 1;
	hl_log(HL_LOG_INFO, "redis", "ready link=%s target=%s reconnects=%llu", l->role,
	       r->target, (unsigned long long)l->reconnects);
	if (l == &r->links[HL_REDIS_COMMANDS] && r->failing_over) {
		r->failing_over = 0;
		hl_log(HL_LOG_INFO, "redis", "failover_done primary=%s failovers=%llu", r->target,
		       (unsigned long long)r->failovers);
	}
	if (l == &r->links[HL_REDIS_COMMANDS] && r->on_ready)
		r->on_ready(r->ready_arg);
}

static void layout_checked(redisAsyncContext *ac, void *reply_p, void *privdata)
{
	struct link *l = ac->data;
	struct hl_redis *r = l->owner;
	redisReply *reply = reply_p;

	(void)privdata;
	if (!reply) /* the connection went away; the disconnect callback handles it */
		return;
	if (reply->type != REDIS_REPLY_STRING) {
		hl_log(HL_LOG_ERROR, "redis", "layout_check_failed error=\"%s\"",
		       reply->type == REDIS_REPLY_ERROR ? reply->str : "not a string");
		set_error(l, "the layout check failed");
		redisAsyncDisconnect(ac);
		return;
	}
	if (strcmp(reply->str, r->layout_text) == 0) {
		became_ready(l);
		return;
	}
	/* Not ours: stay LOADING, so that nothing is read or written. */
	snprintf(l->last_error, sizeof(l->last_error), "the store has layout %s, not %s",
		 reply->str, r->layout_text);
	if (r->refused)
		r->refused(r->refused_arg, reply->str);
}

/* Asks which layout the store has (lua/layout_check.lua) before the link is ready. */
static void check_layout(struct link *l)
{
	struct hl_redis *r = l->owner;
	const char *argv[4 + HL_LAYOUT_CHECK_KEYS] = {"EVALSHA", r->shas[HL_SCRIPT_LAYOUT_CHECK]};
	char nkeys[8];

	snprintf(nkeys, sizeof(nkeys), "%d", HL_LAYOUT_CHECK_KEYS);
	argv[2] = nkeys;
	for (int i = 0; i < HL_LAYOUT_CHECK_KEYS; i++)
		argv[3 + i] = r->layout_keys[i];
	argv[3 + HL_LAYOUT_CHECK_KEYS] = r->layout_text;
	if (redisAsyncCommandArgv(l->ac, layout_checked, NULL, 4 + HL_LAYOUT_CHECK_KEYS, argv,
				  NULL) != REDIS_OK) {
		struct timeval now = {0, 0};
		set_error(l, "out of memory queueing the layout check");
		event_del(l->timer);
		event_assign(l->timer, r->base, -1, 0, drop_link, l);
		event_add(l->timer, &now);
	}
}

static void script_loaded(redisAsyncContext *ac, void *reply_p, void *privdata)
{
	struct link *l = ac->data;
	redisReply *reply = reply_p;
	int id = (int)(intptr_t)privdata;

	if (!reply) /* the connection went away; the disconnect callback handles it */
		return;
	if (reply->type != REDIS_REPLY_STRING || reply->len != 40) {
		/* A script Redis refuses is a bug in the build: the link is dropped and retried
		 * with backoff, and the log and /healthz say why it never becomes ready. */
		hl_log(HL_LOG_ERROR, "redis", "script_load_failed script=%s error=\"%s\"",
		       hl_scripts[id].name, reply->type == REDIS_REPLY_ERROR ? reply->str : "?");
		set_error(l, "a Lua script failed to load");
		redisAsyncDisconnect(ac);
		return;
	}
	memcpy(l->owner->shas[id], reply->str, 41);
	if (--l->pending_loads == 0 && l->state == HL_REDIS_LOADING) {
		if (l->connected_now && l->owner->layout)
			check_layout(l);
		else
			became_ready(l);
	}
}

static void drop_link(evutil_socket_t fd, short what, void *arg)
{
	struct link *l = arg;

	(void)fd;
	(void)what;
	if (l->ac)
		redisAsyncDisconnect(l->ac);
}

static void load_scripts(struct link *l)
{
	l->state = HL_REDIS_LOADING;
	l->pending_loads = 0;
	for (int i = 0; i < HL_SCRIPT_COUNT; i++) {
		if (redisAsyncCommand(l->ac, script_loaded, (void *)(intptr_t)i, "SCRIPT LOAD %s",
				      hl_scripts[i].source) == REDIS_OK)
			l->pending_loads++;
	}
	if (l->pending_loads == 0) {
		/* Out of memory. Not disconnected here: hiredis 0.14 frees the context at
		 * once outside its own callbacks, and this may run from the connect one. */
		struct timeval now = {0, 0};
		set_error(l, "out of memory queueing SCRIPT LOAD");
		event_del(l->timer);
		event_assign(l->timer, l->owner->base, -1, 0, drop_link, l);
		event_add(l->timer, &now);
	}
}

/* Sentinel mode: the commands link found the named node master. The other links follow
 * it there. */
static void primary_confirmed(struct hl_redis *r)
{
	r->confirmed = 1;
	snprintf(r->primary, sizeof(r->primary), "%s", r->target);
	if (r->last_primary[0] && strcmp(r->last_primary, r->primary) != 0)
		r->failovers++;
	snprintf(r->last_primary, sizeof(r->last_primary), "%s", r->primary);
	for (int i = HL_REDIS_COMMANDS + 1; i < HL_REDIS_LINKS; i++) {
		struct link *l = &r->links[i];
		if (l->state == HL_REDIS_DOWN && !l->ac) {
			event_del(l->timer);
			l->backoff_ms = r->backoff_min_ms;
			l->at_once = 0;
			link_connect(l);
		}
	}
}

/* The answer to ROLE, sent first on the commands link in sentinel mode: only a master
 * is used; a sentinel that named another node is passed over. */
static void role_checked(redisAsyncContext *ac, void *reply_p, void *privdata)
{
	struct link *l = ac->data;
	struct hl_redis *r = l->owner;
	redisReply *reply = reply_p;
	const char *role = "?";

	(void)privdata;
	if (!reply) /* the connection went away; the disconnect callback handles it */
		return;
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0 &&
	    reply->element[0]->type == REDIS_REPLY_STRING)
		role = reply->element[0]->str;
	else if (reply->type == REDIS_REPLY_ERROR)
		role = reply->str;
	if (strcmp(role, "master") == 0) {
		primary_confirmed(r);
		load_scripts(l);
		return;
	}
	hl_sentinel_wrong_node(r->sentinel, r->target, role);
	snprintf(l->last_error, sizeof(l->last_error), "%.80s, named by a sentinel, is a %.40s",
		 r->target, role);
	r->primary_known = 0;
	redisAsyncDisconnect(ac);
}

static void on_connect(const redisAsyncContext *ac, int status)
{
	struct link *l = ac->data;

	event_del(l->timer);
	l->connected_now = status == REDIS_OK;
	if (status != REDIS_OK) {
		/* hiredis frees the context after this callback. */
		set_error(l, ac->errstr);
		hl_log(HL_LOG_WARN, "redis", "connect_failed link=%s target=%s error=\"%s\"",
		       l->role, l->owner->target, ac->errstr);
		l->ac = NULL;
		schedule_reconnect(l);
		return;
	}
	if (l == &l->owner->links[HL_REDIS_COMMANDS] && l->owner->sentinel_mode) {
		if (redisAsyncCommand(l->ac, role_checked, NULL, "ROLE") != REDIS_OK) {
			struct timeval now = {0, 0};
			set_error(l, "out of memory queueing ROLE");
			event_assign(l->timer, l->owner->base, -1, 0, drop_link, l);
			event_add(l->timer, &now);
		}
	} else if (l == &l->owner->links[HL_REDIS_COMMANDS])
		load_scripts(l);
	else
		became_ready(l);
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
	struct link *l = ac->data;

	l->ac = NULL; /* hiredis frees the context after this callback */
	if (status != REDIS_OK)
		set_error(l, ac->errstr);
	else if (!l->last_error[0] && !l->owner->stopping)
		set_error(l, "connection closed");
	if (status != REDIS_OK || !l->owner->stopping)
		hl_log(HL_LOG_WARN, "redis", "disconnected link=%s error=\"%s\"", l->role,
		       l->last_error);
	schedule_reconnect(l);
}

static void connect_timed_out(evutil_socket_t fd, short what, void *arg)
{
	struct link *l = arg;

	(void)fd;
	(void)what;
	snprintf(l->last_error, sizeof(l->last_error), "connect timed out after %lld ms",
		 (long long)l->owner->connect_timeout_ms);
	hl_log(HL_LOG_WARN, "redis", "connect_timeout link=%s target=%s", l->role, l->owner->target);
	/* Not yet connected: hiredis calls neither callback when freeing it. */
	redisAsyncFree(l->ac);
	l->ac = NULL;
	schedule_reconnect(l);
}

/* Sentinel mode: the commands link asks the sentinels before it connects, unless a
 * primary is named; the other links wait until the commands link confirmed it (they are
 * connected then, by primary_confirmed). Returns 1 when l must wait. */
static int wait_for_primary(struct link *l)
{
	struct hl_redis *r = l->owner;

	if (!r->sentinel_mode)
		return 0;
	if (l == &r->links[HL_REDIS_COMMANDS]) {
		if (r->primary_known)
			return 0;
		l->state = HL_REDIS_CONNECTING;
		hl_sentinel_ask(r->sentinel);
		return 1;
	}
	if (r->confirmed)
		return 0;
	l->state = HL_REDIS_DOWN;
	return 1;
}

static void link_connect(struct link *l)
{
	struct hl_redis *r = l->owner;
	redisAsyncContext *ac;
	struct timeval tv = ms_to_tv(r->connect_timeout_ms);

	if (wait_for_primary(l))
		return;
	l->state = HL_REDIS_CONNECTING;
	ac = r->socket ? redisAsyncConnectUnix(r->socket) : redisAsyncConnect(r->host, r->port);
	if (!ac || ac->err) {
		set_error(l, ac ? ac->errstr : "out of memory");
		hl_log(HL_LOG_WARN, "redis", "connect_failed link=%s target=%s error=\"%s\"",
		       l->role, r->target, l->last_error);
		if (ac)
			redisAsyncFree(ac);
		schedule_reconnect(l);
		return;
	}
	ac->data = l;
	l->ac = ac;
	ac->c.reader->fn = &hl_reply_arena_functions; /* before anything is read */
	hl_store_attach(ac, r->base);
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	event_del(l->timer);
	event_assign(l->timer, r->base, -1, 0, connect_timed_out, l);
	event_add(l->timer, &tv);
}

static int ack_command(void *ctx, hl_ack_reply_fn fn, void *arg, int argc, const char **argv);

static void refind_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_redis *r = arg;
	struct link *c = &r->links[HL_REDIS_COMMANDS];

	(void)fd;
	(void)what;
	if (r->stopping)
		return;
	if (r->switch_host[0] && r->confirmed && strcmp(r->switch_host, r->host) == 0 &&
	    r->switch_port == r->port) { /* already there */
		r->switch_host[0] = '\0';
		return;
	}
	if (r->switch_host[0]) { /* at once, on the new primary, on every link */
		hl_sentinel_cancel(r->sentinel);
		for (int i = 0; i < HL_REDIS_LINKS; i++) {
			r->links[i].backoff_ms = r->backoff_min_ms;
			r->links[i].at_once = 1;
		}
	}
	link_drop_now(c); /* primary_lost takes the other links along */
}

/* Sentinel mode: drops the links and finds the primary again, from the event loop (not
 * inside a hiredis callback). host is the new primary +switch-master named, or NULL
 * (a READONLY answer: ask the sentinels). */
static void find_primary_again(struct hl_redis *r, const char *host, int port)
{
	struct timeval now = {0, 0};

	if (host) {
		snprintf(r->switch_host, sizeof(r->switch_host), "%s", host);
		r->switch_port = port;
	}
	if (r->refind)
		event_add(r->refind, &now);
}

static void sentinel_found(void *arg, const char *host, int port)
{
	struct hl_redis *r = arg;
	struct link *c = &r->links[HL_REDIS_COMMANDS];

	if (r->stopping || c->state != HL_REDIS_CONNECTING || c->ac)
		return;
	set_target(r, host, port);
	r->primary_known = 1;
	link_connect(c);
}

static void sentinel_none(void *arg)
{
	struct hl_redis *r = arg;
	struct link *c = &r->links[HL_REDIS_COMMANDS];

	if (r->stopping || c->state != HL_REDIS_CONNECTING || c->ac)
		return;
	set_error(c, "no sentinel named the primary");
	schedule_reconnect(c);
}

static void sentinel_switched(void *arg, const char *host, int port)
{
	find_primary_again(arg, host, port);
}

struct hl_redis *hl_redis_start(struct event_base *base, const struct hl_config *cfg,
				hl_redis_ready_fn on_ready, void *arg)
{
	struct hl_redis *r = calloc(1, sizeof(*r));
	static const char *const roles[HL_REDIS_LINKS] = {"commands", "blocking", "events"};

	if (!r)
		return NULL;
	r->base = base;
	r->on_ready = on_ready;
	r->ready_arg = arg;
	r->connect_timeout_ms = cfg->redis_connect_timeout_ms;
	r->backoff_min_ms = cfg->redis_reconnect_min_ms;
	r->backoff_max_ms = cfg->redis_reconnect_max_ms;
	if (cfg->redis_nsentinels) {
		struct hl_sentinel_hooks hooks = {sentinel_found, sentinel_none, sentinel_switched,
						  r};
		r->sentinel_mode = 1;
		r->sentinel = hl_sentinel_start(base, cfg->redis_sentinels, cfg->redis_nsentinels,
						cfg->redis_master_name,
						cfg->redis_connect_timeout_ms,
						cfg->redis_reconnect_min_ms,
						cfg->redis_reconnect_max_ms, &hooks);
		r->refind = event_new(base, -1, 0, refind_fired, r);
		if (!r->sentinel || !r->refind) {
			hl_sentinel_free(r->sentinel);
			if (r->refind)
				event_free(r->refind);
			free(r);
			return NULL;
		}
	} else if (cfg->redis_socket) {
		r->socket = strdup(cfg->redis_socket);
		if (!r->socket) {
			free(r);
			return NULL;
		}
		snprintf(r->target, sizeof(r->target), "unix:%s", r->socket);
	} else {
		struct hl_address a;
		if (hl_opt_address(&cfg->redis, "address", &a) < 0) { /* checked at load */
			free(r);
			return NULL;
		}
		snprintf(r->host, sizeof(r->host), "%s", a.host);
		r->port = a.port;
		snprintf(r->target, sizeof(r->target), "%s:%d", r->host, r->port);
	}
	for (int i = 0; i < HL_REDIS_LINKS; i++) {
		struct link *l = &r->links[i];
		l->owner = r;
		l->role = roles[i];
		l->backoff_ms = r->backoff_min_ms;
		l->timer = event_new(base, -1, 0, reconnect_fired, l);
		if (!l->timer) {
			hl_redis_free(r);
			return NULL;
		}
	}
	if (cfg->redis_min_replicas_ack > 0) {
		struct hl_replica_ack_link ack_link = {ack_command, r};

		if (!(r->acks = hl_replica_ack_new(base, &ack_link, cfg->redis_min_replicas_ack,
						   cfg->redis_wait_timeout_ms))) {
			hl_redis_free(r);
			return NULL;
		}
	}
	for (int i = 0; i < HL_REDIS_LINKS; i++)
		link_connect(&r->links[i]);
	return r;
}

static void free_cmd(struct pending *p)
{
	if (p->rewritten)
		free(p->cmd);
}

static void pending_free(struct pending *p)
{
	free_cmd(p);
	free(p);
}

static void reply_arrived(redisAsyncContext *ac, void *reply_p, void *privdata);

static int send_pending(struct link *l, struct pending *p)
{
	if (redisAsyncFormattedCommand(l->ac, reply_arrived, p, p->cmd, p->len) != REDIS_OK)
		return -1;
	return 0;
}

/* The end of the RESP bulk string at cmd + at ("$<n>\r\n<n bytes>\r\n"), or 0. */
static size_t skip_bulk(const char *cmd, size_t len, size_t at)
{
	char *end;
	unsigned long n;

	if (at >= len || cmd[at] != '$')
		return 0;
	n = strtoul(cmd + at + 1, &end, 10);
	if (end + 2 > cmd + len || end[0] != '\r')
		return 0;
	at = (size_t)(end - cmd) + 2 + n + 2;
	return at <= len ? at : 0;
}

/* Turns the pending EVALSHA <sha> ... into EVAL <source> ..., the rest unchanged. */
static int to_eval(struct pending *p)
{
	const char *source = hl_scripts[p->script].source;
	size_t srclen = strlen(source), at = strcspn(p->cmd, "\n") + 1, rest;
	char head[64], *cmd;
	int n;

	rest = skip_bulk(p->cmd, p->len, skip_bulk(p->cmd, p->len, at));
	if (!rest)
		return -1;
	n = snprintf(head, sizeof(head), "%.*s$4\r\nEVAL\r\n$%zu\r\n", (int)at, p->cmd, srclen);
	if (!(cmd = malloc((size_t)n + srclen + 2 + (p->len - rest))))
		return -1;
	memcpy(cmd, head, (size_t)n);
	memcpy(cmd + n, source, srclen);
	memcpy(cmd + n + srclen, "\r\n", 2);
	memcpy(cmd + n + srclen + 2, p->cmd + rest, p->len - rest);
	free_cmd(p);
	p->cmd = cmd;
	p->rewritten = 1;
	p->len = (size_t)n + srclen + 2 + (p->len - rest);
	return 0;
}

/* Whether a script's reply waits for its replicas (store/replica_ack.h): a record's, and
 * the daemon's own work's while the replicas are there; never an error's. */
static int holds(const struct pending *p, const redisReply *reply)
{
	enum hl_script_writes w;

	if (!p->r->acks || p->script < 0 || !reply || reply->type == REDIS_REPLY_ERROR)
		return 0;
	w = hl_scripts[p->script].writes;
	return w == HL_WRITES_RECORDS || (w == HL_WRITES_WORK && hl_replica_ack_ok(p->r->acks));
}

static void reply_arrived(redisAsyncContext *ac, void *reply_p, void *privdata)
{
	struct pending *p = privdata;
	redisReply *reply = reply_p;
	struct link *l = ac->data;

	if (reply && reply->type == REDIS_REPLY_ERROR && p->script >= 0 && !p->retried &&
	    strncmp(reply->str, "NOSCRIPT", 8) == 0 &&
	    (l->state == HL_REDIS_READY || l->state == HL_REDIS_LOADING)) {
		hl_log(HL_LOG_WARN, "redis", "noscript script=%s action=resend_and_reload",
		       hl_scripts[p->script].name);
		p->retried = 1;
		if (to_eval(p) == 0 && send_pending(l, p) == 0) {
			if (l->state == HL_REDIS_READY)
				load_scripts(l);
			return;
		}
		reply = NULL;
	}
	if (reply && reply->type == REDIS_REPLY_ERROR && l->owner->sentinel_mode &&
	    strncmp(reply->str, "READONLY", 8) == 0)
		find_primary_again(l->owner, NULL, 0); /* the node was demoted */
	if (holds(p, reply))
		hl_replica_ack_hold(p->r->acks, p->fn, p->arg, reply,
				    hl_scripts[p->script].writes == HL_WRITES_RECORDS);
	else
		p->fn(reply, p->arg);
	pending_free(p);
}

#define ARGS_ON_STACK 96

/* Formats prefix[0..nprefix) + argv[0..argc) into a pending command and sends it on a
 * link. */
static int submit(struct hl_redis *r, enum hl_redis_link_id link, int script,
		  hl_redis_reply_fn fn, void *arg, int nprefix, const char **prefix, int argc,
		  const char **argv, const size_t *lens)
{
	struct link *l = &r->links[link];
	const char *stack_args[ARGS_ON_STACK], **all = stack_args;
	size_t stack_lens[ARGS_ON_STACK], *all_lens = stack_lens;
	struct pending *p = NULL;
	int total = nprefix + argc, sent = -1;

	if (l->state != HL_REDIS_READY || r->stopping)
		return -1;
	if (script >= 0 && r->acks && hl_scripts[script].writes == HL_WRITES_RECORDS &&
	    !hl_replica_ack_ok(r->acks)) {
		/* fn is told NOTREPLICATED, soon */
		return hl_replica_ack_refuse(r->acks, fn, arg);
	}
	/* the other links read the store only once the commands link has checked it */
	if (link != HL_REDIS_COMMANDS && r->links[HL_REDIS_COMMANDS].state != HL_REDIS_READY)
		return -1;
	if (total > ARGS_ON_STACK) {
		all = malloc((size_t)total * sizeof(*all));
		all_lens = malloc((size_t)total * sizeof(*all_lens));
	}
	if (all && all_lens) {
		for (int i = 0; i < total; i++) {
			all[i] = i < nprefix ? prefix[i] : argv[i - nprefix];
			all_lens[i] = i < nprefix || !lens ? strlen(all[i]) : lens[i - nprefix];
		}
		p = malloc(sizeof(*p) + hl_resp_command_len(total, all_lens));
	}
	if (p) {
		*p = (struct pending){.fn = fn, .arg = arg, .r = r, .script = script, .cmd = p->text};
		p->len = hl_resp_write_command(p->text, total, all, all_lens);
		sent = send_pending(l, p);
		if (sent < 0)
			pending_free(p);
	}
	if (all != stack_args)
		free(all);
	if (all_lens != stack_lens)
		free(all_lens);
	return sent;
}

int hl_redis_eval(struct hl_redis *r, enum hl_script_id script, hl_redis_reply_fn fn, void *arg,
		  int nkeys, int argc, const char **argv, const size_t *lens)
{
	char nkeys_text[HL_DECIMAL_MAX];
	const char *prefix[3] = {"EVALSHA", r->shas[script], nkeys_text};

	hl_decimal_write(nkeys_text, nkeys);
	return submit(r, HL_REDIS_COMMANDS, (int)script, fn, arg, 3, prefix, argc, argv, lens);
}

int hl_redis_command(struct hl_redis *r, enum hl_redis_link_id link, hl_redis_reply_fn fn,
		     void *arg, int argc, const char **argv, const size_t *lens)
{
	return submit(r, link, -1, fn, arg, 0, NULL, argc, argv, lens);
}

/* replica_ack's WAIT and probe, on the commands link behind the writes. */
static int ack_command(void *ctx, hl_ack_reply_fn fn, void *arg, int argc, const char **argv)
{
	return submit(ctx, HL_REDIS_COMMANDS, -1, fn, arg, 0, NULL, argc, argv, NULL);
}

void hl_redis_require_layout(struct hl_redis *r, const char *prefix, int layout,
			     hl_redis_refused_fn refused, void *arg)
{
	r->layout = layout;
	snprintf(r->layout_text, sizeof(r->layout_text), "%d", layout);
	hl_layout_check_keys(prefix, r->layout_keys);
	r->refused = refused;
	r->refused_arg = arg;
}

void hl_redis_stop(struct hl_redis *r, void (*done)(void *arg), void *arg)
{
	if (r->stopping) /* already stopping, or being freed */
		return;
	r->stopping = 1;
	r->stopped = done;
	r->stopped_arg = arg;
	hl_sentinel_free(r->sentinel);
	r->sentinel = NULL;
	if (r->refind)
		event_del(r->refind);
	for (int i = 0; i < HL_REDIS_LINKS; i++) {
		struct link *l = &r->links[i];
		event_del(l->timer);
		if (l->ac && (l->state == HL_REDIS_LOADING || l->state == HL_REDIS_READY)) {
			/* Waits for pending replies, then on_disconnect marks it stopped. */
			redisAsyncDisconnect(l->ac);
		} else {
			if (l->ac) /* still connecting: no callback will come */
				redisAsyncFree(l->ac);
			l->ac = NULL;
			l->state = HL_REDIS_STOPPED;
		}
	}
	maybe_stopped(r);
}

void hl_redis_free(struct hl_redis *r)
{
	if (!r)
		return;
	/* Pending replies are called back with NULL while the contexts are freed; a
	 * callback that asks to stop must find nothing left to do. */
	r->stopping = 1;
	r->stopped = NULL;
	for (int i = 0; i < HL_REDIS_LINKS; i++) {
		struct link *l = &r->links[i];
		if (l->ac) {
			redisAsyncContext *ac = l->ac;
			l->ac = NULL;
			redisAsyncFree(ac);
		}
		if (l->timer)
			event_free(l->timer);
	}
	hl_sentinel_free(r->sentinel);
	if (r->refind)
		event_free(r->refind);
	hl_replica_ack_free(r->acks); /* after the links: its WAIT has been called back */
	free(r->socket);
	free(r);
}

enum hl_redis_state hl_redis_state(const struct hl_redis *r, enum hl_redis_link_id link)
{
	return r->links[link].state;
}

uint64_t hl_redis_reconnects(const struct hl_redis *r, enum hl_redis_link_id link)
{
	return r->links[link].reconnects;
}

const char *hl_redis_last_error(const struct hl_redis *r, enum hl_redis_link_id link)
{
	return r->links[link].last_error;
}

const char *hl_redis_target(const struct hl_redis *r)
{
	return r->target;
}

int hl_redis_min_replicas_ack(const struct hl_redis *r)
{
	return r->acks ? hl_replica_ack_wanted(r->acks) : 0;
}

int hl_redis_replicas_ok(const struct hl_redis *r)
{
	return !r->acks || hl_replica_ack_ok(r->acks);
}

int hl_redis_connected_replicas(const struct hl_redis *r)
{
	return r->acks ? hl_replica_ack_connected(r->acks) : -1;
}

uint64_t hl_redis_not_replicated(const struct hl_redis *r)
{
	return r->acks ? hl_replica_ack_not_replicated(r->acks) : 0;
}

const struct redisReply *hl_redis_unconfirmed(const struct hl_redis *r,
					      const struct redisReply *reply)
{
	return hl_replica_ack_unconfirmed(r->acks, reply);
}

const char *hl_redis_primary(const struct hl_redis *r)
{
	return r->sentinel_mode ? r->primary : r->target;
}

int hl_redis_failing_over(const struct hl_redis *r)
{
	return r->failing_over;
}

uint64_t hl_redis_failovers(const struct hl_redis *r)
{
	return r->failovers;
}

const char *hl_redis_unavailable_cause(const struct hl_redis *r)
{
	if (r->failing_over)
		return "failing_over";
	if (r->links[HL_REDIS_COMMANDS].state == HL_REDIS_READY && !hl_redis_replicas_ok(r))
		return "not_replicated";
	return "redis_down";
}

const struct hl_sentinel *hl_redis_sentinel(const struct hl_redis *r)
{
	return r->sentinel;
}

int hl_redis_eval_as(struct hl_redis *r, const char *prefix, int64_t now_ms, const char *actor,
		     const char *role, enum hl_script_id script, hl_redis_reply_fn fn, void *arg,
		     int argc, const char **argv, const size_t *lens)
{
	enum { LEAD = 4, MAX_ARGS = LEAD + HL_REDIS_EVAL_AS_ARGS_MAX };
	const char *all[MAX_ARGS];
	size_t all_lens[MAX_ARGS];
	char now[24];

	if (argc + LEAD > MAX_ARGS)
		return -1;
	hl_decimal_write(now, (long long)now_ms);
	all[0] = prefix;
	all[1] = now;
	all[2] = actor;
	all[3] = role;
	for (int i = 0; i < LEAD; i++)
		all_lens[i] = strlen(all[i]);
	for (int i = 0; i < argc; i++) {
		all[LEAD + i] = argv[i];
		all_lens[LEAD + i] = lens ? lens[i] : strlen(argv[i]);
	}
	return hl_redis_eval(r, script, fn, arg, 0, argc + LEAD, all, all_lens);
}
