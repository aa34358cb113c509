/* This daemon in the shared registry: registering, the heartbeat, taking over the routing
 * work of a daemon that is gone; see heartbeat.h. */
#include "tickets/heartbeat.h"

#include <errno.h>
#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/version.h"
#include "config/config.h"
#include "host/service.h"
#include "host/world.h"
#include "store/keys.h"
#include "store/redis.h"
#include "store/scripts.h"
#include "tickets/dispatcher.h"

#define TAG_MAX 16

struct hl_heartbeat {
	struct hl_service *svc;
	struct hl_dispatcher *disp;
	struct event *tick;
	int64_t every_ms;   /* the period the tick is armed with */
	int beating;        /* a beat is outstanding: the next tick waits for it */
	int left;           /* stopping: no more beats or takeovers */
	char tag[TAG_MAX];  /* the lease holder tag, "" until registered */
	char node[160];     /* host/boot/pid namespace, "" when unknown */
	struct hl_takeovers taken;
};

/* The first line of a file (at most len - 1 bytes), or "" when it cannot be read. */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

/* Where this process's pid means something: the host, its boot and the pid namespace.
 * Two daemons with the same node see each other's processes (kill(pid, 0)); "" when any
 * part is unknown, and then no predecessor is judged by its pid. */
static void find_node(char *node, size_t len)
{
	char host[64] = "", boot[64], ns[64];
	ssize_t n;

	node[0] = '\0';
	if (gethostname(host, sizeof(host) - 1) < 0)
		return;
	first_line("/proc/sys/kernel/random/boot_id", boot, sizeof(boot));
	n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
	if (!host[0] || !boot[0] || n <= 0)
		return;
	ns[n] = '\0';
	snprintf(node, len, "%s/%.8s/%s", host, boot, ns);
}

static void registered(struct redisReply *reply, void *arg);

/* Records this daemon's event in the registry (lua/daemon_register.lua). */
static int register_event(struct hl_heartbeat *hb, const char *event, hl_redis_reply_fn fn,
			  void *arg)
{
	const struct hl_service *svc = hb->svc;
	const struct hl_config *cfg = svc->world->config;
	char k_daemons[128], k_ops[128], k_seq[128], gen[24], pid[16], lapse[24], lease[24];
	const char *argv[13];
	size_t lens[13];

	hl_key(k_daemons, sizeof(k_daemons), svc->prefix, HL_KEY_DAEMONS);
	hl_key(k_ops, sizeof(k_ops), svc->prefix, HL_KEY_OPS);
	hl_key(k_seq, sizeof(k_seq), svc->prefix, HL_KEY_DAEMON_TAGS);
	snprintf(gen, sizeof(gen), "%llu", (unsigned long long)svc->world->generation);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	snprintf(lapse, sizeof(lapse), "%lld", (long long)cfg->heartbeat_lapse_ms);
	snprintf(lease, sizeof(lease), "%lld", (long long)cfg->reclaim_idle_ms);
	argv[0] = k_daemons;
	argv[1] = k_ops;
	argv[2] = k_seq;
	argv[3] = svc->instance;
	argv[4] = event;
	argv[5] = gen;
	argv[6] = pid;
	argv[7] = hl_config_file(cfg);
	argv[8] = HL_VERSION;
	argv[9] = hb->node;
	argv[10] = lapse;
	argv[11] = lease;
	argv[12] = hb->tag;
	for (int i = 0; i < 13; i++)
		lens[i] = strlen(argv[i]);
	return hl_redis_eval(svc->redis, HL_SCRIPT_DAEMON_REGISTER, fn, arg, 3, 13, argv, lens);
}

static void arm(struct hl_heartbeat *hb)
{
	int64_t ms = hb->svc->world->config->heartbeat_ms;
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};

	hb->every_ms = ms;
	if (event_add(hb->tick, &tv) < 0)
		hl_log(HL_LOG_ERROR, "heartbeat", "unscheduled reason=\"no timer\"");
}

/* One takeover sent: its target, for the answer's log line. */
struct takeover {
	struct hl_heartbeat *hb;
	char target[128];
	char why[8];
};

static void taken(struct redisReply *reply, void *arg)
{
	struct takeover *tk = arg;
	struct hl_heartbeat *hb = tk->hb;

	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		hl_log(HL_LOG_WARN, "heartbeat", "takeover_failed instance=%s error=\"%s\"",
		       tk->target, reply ? reply->str : "connection lost");
	} else if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
		   reply->element[0]->type == REDIS_REPLY_STRING &&
		   strcmp(reply->element[0]->str, "taken") == 0) {
		uint64_t leases = strtoull(reply->element[1]->str, NULL, 10);
		uint64_t entries = strtoull(reply->element[2]->str, NULL, 10);

		hb->taken.daemons++;
		hb->taken.leases += leases;
		hb->taken.stream_entries += entries;
		hl_log(HL_LOG_WARN, "heartbeat",
		       "took_over instance=%s why=%s leases=%llu stream_entries=%llu", tk->target,
		       tk->why, (unsigned long long)leases, (unsigned long long)entries);
		/* its entries are pending here now, marked idle: claim them one at a time */
		if (entries > 0)
			hl_dispatcher_take_over_now(hb->disp);
	}
	free(tk);
}

/* Takes over daemon `target` (lua/daemon_takeover.lua), which judges again. */
static void take_over(struct hl_heartbeat *hb, const char *target, const char *why)
{
	const struct hl_service *svc = hb->svc;
	const struct hl_config *cfg = svc->world->config;
	struct takeover *tk;
	char lapse[24], idle[24], count[16];
	const struct hl_script_arg named[] = {
		{"target", target}, {"by", svc->instance}, {"why", why}, {"lapse", lapse},
		{"group", HL_GROUP_ROUTE}, {"idle", idle}, {"lease", idle},
	};
	const char *argv[HL_SCRIPT_ARGS_NAMED(7)];
	int argc;

	if (hb->left || !(tk = calloc(1, sizeof(*tk))))
		return;
	tk->hb = hb;
	snprintf(tk->target, sizeof(tk->target), "%s", target);
	snprintf(tk->why, sizeof(tk->why), "%s", why);
	snprintf(lapse, sizeof(lapse), "%lld", (long long)cfg->heartbeat_lapse_ms);
	snprintf(idle, sizeof(idle), "%lld", (long long)cfg->reclaim_idle_ms);
	argc = hl_script_args_named(argv, sizeof(argv) / sizeof(argv[0]), count, named,
				    sizeof(named) / sizeof(named[0]));
	if (argc < 0 || hl_redis_eval_as(svc->redis, svc->prefix, hl_clock_now_ms(), svc->instance,
					  "system", HL_SCRIPT_DAEMON_TAKEOVER, taken, tk, argc, argv,
					  NULL) < 0)
		free(tk);
}

/* Elements `from`.. of a registration's answer: instance id and pid of each other daemon
 * on this node. One whose process is gone was a predecessor: taken over now. */
static void look_for_predecessors(struct hl_heartbeat *hb, const redisReply *reply,
				  size_t from)
{
	for (size_t i = from; i + 1 < reply->elements; i += 2) {
		const redisReply *id = reply->element[i], *pid = reply->element[i + 1];
		long p;

		if (id->type != REDIS_REPLY_STRING || pid->type != REDIS_REPLY_STRING)
			continue;
		p = strtol(pid->str, NULL, 10);
		if (p > 0 && p != (long)getpid() && kill((pid_t)p, 0) < 0 && errno == ESRCH)
			take_over(hb, id->str, "gone");
	}
}

/* A registration answered: {ops entry, tag, predecessors...}. */
static void registered(struct redisReply *reply, void *arg)
{
	struct hl_heartbeat *hb = arg;

	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		hl_log(HL_LOG_WARN, "daemon", "register_failed error=\"%s\"",
		       reply ? reply->str : "connection lost");
		return;
	}
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
	    reply->element[1]->type != REDIS_REPLY_STRING)
		return;
	if (!hb->tag[0]) {
		snprintf(hb->tag, sizeof(hb->tag), "%s", reply->element[1]->str);
		hl_dispatcher_set_holder(hb->disp, hb->tag);
		hl_log(HL_LOG_INFO, "heartbeat", "registered instance=%s lease_holder=%s",
		       hb->svc->instance, hb->tag);
	}
	if (hb->left)
		return;
	/* beats from now on, so that the one a lapse after this registration is the first
	 * that may judge (since_ms is this script's time), not one a period later */
	arm(hb);
	look_for_predecessors(hb, reply, 2);
}

/* A beat answered: {'ok', lapsed daemon ...} or {'missing'}. */
static void beaten(struct redisReply *reply, void *arg)
{
	struct hl_heartbeat *hb = arg;

	hb->beating = 0;
	if (hb->left || !reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
	    reply->element[0]->type != REDIS_REPLY_STRING)
		return; /* no answer, or an error: the next beat tries again */
	if (strcmp(reply->element[0]->str, "missing") == 0) {
		hl_log(HL_LOG_WARN, "heartbeat", "unregistered instance=%s action=register_again "
		       "reason=\"its registry entry is gone: taken over while it did not beat, or "
		       "the store lost it\"", hb->svc->instance);
		register_event(hb, "rejoined", registered, hb);
		return;
	}
	for (size_t i = 1; i < reply->elements; i++) {
		if (reply->element[i]->type == REDIS_REPLY_STRING)
			take_over(hb, reply->element[i]->str, "lapsed");
	}
}

static void tick_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_heartbeat *hb = arg;
	const struct hl_service *svc = hb->svc;
	char k_daemons[128], lapse[24], judge[24];
	const char *argv[4];

	(void)fd;
	(void)what;
	if (hb->left)
		return;
	if (hb->every_ms != svc->world->config->heartbeat_ms) /* reloaded */
		arm(hb);
	if (hb->beating || !hb->tag[0])
		return; /* a beat outstanding, or not registered yet (Redis not ready) */
	hl_key(k_daemons, sizeof(k_daemons), svc->prefix, HL_KEY_DAEMONS);
	snprintf(lapse, sizeof(lapse), "%lld", (long long)svc->world->config->heartbeat_lapse_ms);
	argv[0] = k_daemons;
	argv[1] = svc->instance;
	argv[2] = lapse;
	/* others are judged only once this daemon has beaten for a lapse and the longest
	 * reconnect delay: after a Redis restart or failover, a live daemon still waiting
	 * out its backoff must not look dead */
	snprintf(judge, sizeof(judge), "%lld",
		 (long long)(svc->world->config->heartbeat_lapse_ms +
			     svc->world->config->redis_reconnect_max_ms));
	argv[3] = judge;
	if (hl_redis_eval(svc->redis, HL_SCRIPT_DAEMON_HEARTBEAT, beaten, hb, 1, 4, argv, NULL) ==
	    0)
		hb->beating = 1;
}

struct hl_heartbeat *hl_heartbeat_start(struct hl_service *svc, struct hl_dispatcher *disp)
{
	struct hl_heartbeat *hb = calloc(1, sizeof(*hb));

	if (!hb)
		return NULL;
	hb->svc = svc;
	hb->disp = disp;
	find_node(hb->node, sizeof(hb->node));
	if (!(hb->tick = event_new(svc->base, -1, EV_PERSIST, tick_fired, hb))) {
		free(hb);
		return NULL;
	}
	arm(hb);
	return hb;
}

void hl_heartbeat_connected(struct hl_heartbeat *hb)
{
	if (!hb->left)
		register_event(hb, "connected", registered, hb);
}

void hl_heartbeat_reloaded(struct hl_heartbeat *hb)
{
	if (!hb->left)
		register_event(hb, "reloaded", registered, hb);
}

int hl_heartbeat_leave(struct hl_heartbeat *hb, void (*fn)(struct redisReply *, void *),
		       void *arg)
{
	if (!hb)
		return -1;
	hb->left = 1;
	event_del(hb->tick);
	return register_event(hb, "stopped", fn, arg);
}

void hl_heartbeat_takeovers(const struct hl_heartbeat *hb, struct hl_takeovers *t_r)
{
	if (hb)
		*t_r = hb->taken;
	else
		memset(t_r, 0, sizeof(*t_r));
}

void hl_heartbeat_free(struct hl_heartbeat *hb)
{
	if (!hb)
		return;
	if (hb->tick)
		event_free(hb->tick);
	free(hb);
}
