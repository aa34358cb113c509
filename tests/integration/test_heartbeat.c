/* Integration tests for the heartbeat (issue 18, core/README.md §10, tickets/heartbeat.h):
 * a daemon killed while it holds unrouted tickets — handed off under routing leases, and
 * entries pending on the routing stream — has every one of them routed once within 5 s
 * of the kill by a survivor whose heartbeat found it lapsed, or within 5 s of its restart
 * by the daemon that replaces it; routing.reclaim_idle is left at 30 s, so only the
 * heartbeat can have been that quick. A live daemon that is slow (its router near
 * plugin_timeout, its loop stopped for less than the lapse) keeps its work, and a Redis
 * restart longer than the lapse makes nobody look dead. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx = {.redis.appendfsync = "everysec"};
HLT_SUITE(heartbeat, fx);

/* The defaults of routing.heartbeat and heartbeat_lapse, with a router budget that
 * allows them (the lapse is at least twice plugin_timeout) and a long reclaim_idle. */
#define HB_ROUTING                                                                           \
	"routing:\n  plugin_timeout: 1s\n  reclaim_idle: 30s\n  heartbeat: 1s\n"             \
	"  heartbeat_lapse: 3s\n"
/* A router that answers near its budget: the daemon holds what it routes for 900 ms. */
#define SLOW_ROUTER HLT_PLUGIN("route_async") "    options: {delay: 900ms}\n"
#define FAST_ROUTER HLT_PLUGIN("route_async")

#define WITHIN_MS 5000 /* the target */

static const char *const ticket_body =
	"{\"channel\":\"hotline\",\"title\":\"古田二路停水三天\",\"content\":\"来电人反映家中停水，"
	"已经三天没有自来水。\",\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150003\"}";

static void start_in(struct hlt_daemon *d, const char *sub, const char *yaml, const char *plugins)
{
	d->extra_yaml = yaml;
	hlt_fixture_start(&fx, d, sub, plugins);
}

/* The instance id a running daemon registered under (host:pid:start_ms). */
static void instance_of(const struct hlt_daemon *d, char *buf, size_t len)
{
	char *keys = NULL, pid[32], *at, *end;

	snprintf(pid, sizeof(pid), ":%ld:", (long)d->pid);
	for (int i = 0; i < 50; i++) {
		free(keys);
		keys = hlt_redis_cmd(&fx.redis, "HKEYS hl:daemons");
		if (keys && strstr(keys, pid))
			break;
		usleep(100000);
	}
	cr_assert(keys && (at = strstr(keys, pid)), "pid %ld not registered: %s", (long)d->pid,
		  keys);
	while (at > keys && at[-1] != '\n')
		at--;
	end = strchr(at, '\n');
	snprintf(buf, len, "%.*s", (int)(end ? end - at : (long)strlen(at)), at);
	free(keys);
}

/* How many routing stream entries are pending with consumer `instance`. */
static int pending_with(const char *instance)
{
	char *v = hlt_redis_cmd(&fx.redis, "XPENDING hl:intake route - + 1000 %s", instance);
	int n = 0;

	/* each entry is four lines: id, consumer, idle, deliveries */
	for (const char *p = v; p && *p; p++)
		n += *p == '\n';
	free(v);
	return n / 4;
}

static int state_is(const char *id, const char *state)
{
	char *v = hlt_ticket_field(&fx.redis, id, "state");
	int is = v && strcmp(v, state) == 0;

	free(v);
	return is;
}

/* Gives daemon h (started in sub) m tickets through the routing stream (hand-off off),
 * then n handed off under leases (a reload turns hand-off on), and stops it (SIGSTOP)
 * while its router still owes the answers, so that it holds them. Returns, in *stream_r
 * and *leases_r, how many of each it holds. */
static void hold(struct hlt_daemon *h, const char *sub, char (*ids)[32], int m, int n,
		 int *stream_r, int *leases_r)
{
	char instance[128], dir[sizeof(h->dir)];

	start_in(h, sub, HB_ROUTING "  hand_off: false\n", SLOW_ROUTER);
	snprintf(dir, sizeof(dir), "%s", h->dir); /* configure writes h->dir */
	instance_of(h, instance, sizeof(instance));
	for (int i = 0; i < m; i++)
		hlt_create_ticket(h->port, HLT_TOKEN_AGENT, ticket_body, ids[i], sizeof(ids[i]));
	h->extra_yaml = HB_ROUTING;
	hlt_daemon_configure(h, dir, &fx.redis, SLOW_ROUTER);
	kill(h->pid, SIGHUP);
	cr_assert(hlt_wait_for_text(h->log, "event=reloaded generation=2", 3000), "%s",
		  hlt_read_file(h->log));
	for (int i = m; i < m + n; i++)
		hlt_create_ticket(h->port, HLT_TOKEN_AGENT, ticket_body, ids[i], sizeof(ids[i]));
	kill(h->pid, SIGSTOP);
	*stream_r = pending_with(instance);
	*leases_r = 0;
	for (int i = m; i < m + n; i++) {
		char *lh = hlt_ticket_field(&fx.redis, ids[i], "lh");

		cr_expect(lh && strcmp(lh, "(nil)") != 0, "%s: no lease holder", ids[i]);
		*leases_r += state_is(ids[i], "received");
		free(lh);
	}
	cr_assert_gt(*stream_r, 0, "the holder routed every stream entry before it was stopped: %s %s",
		     hlt_redis_cmd(&fx.redis, "XPENDING hl:intake route"), instance);
	cr_assert_gt(*leases_r, 0, "the holder routed every handed-off ticket before it was stopped");
}

/* Waits until every ticket is dispatched, up to 10 s; returns the time it took from
 * since_ms (hlt_now_ms), or -1. */
static int64_t all_dispatched_after(char (*ids)[32], int n, int64_t since_ms)
{
	for (;;) {
		int left = 0;

		for (int i = 0; i < n; i++)
			left += !state_is(ids[i], "dispatched");
		if (!left)
			return hlt_now_ms() - since_ms;
		if (hlt_now_ms() - since_ms > 10000)
			return -1;
		usleep(50000);
	}
}

static void expect_routed_once(char (*ids)[32], int n)
{
	for (int i = 0; i < n; i++) {
		int dispatches = hlt_audit_count(&fx.redis, ids[i], "action\ndispatch\n");

		cr_expect_eq(dispatches, 1, "%s dispatched %d times", ids[i], dispatches);
	}
	char *v = hlt_redis_cmd(&fx.redis, "XPENDING hl:intake route");
	cr_expect(v && strncmp(v, "0\n", 2) == 0, "entries left pending: %s", v);
	free(v);
}

/* A metric's value in a daemon's /metrics text. */
static long long metric(const struct hlt_daemon *d, const char *line_start)
{
	char *text = NULL, *at;
	long long v = -1;

	cr_assert_eq(hlt_http(d->port, "GET", "/metrics", NULL, &text), 200);
	if ((at = strstr(text, line_start)))
		v = atoll(at + strlen(line_start));
	free(text);
	return v;
}

Test(heartbeat, a_killed_daemons_work_is_routed_within_5s_once_its_heartbeat_lapses)
{
	enum { M = 6, N = 6 };
	static char ids[M + N][32];
	struct hlt_daemon holder = {0};
	char survivor[128], dead[128], *ops;
	int held_stream, held_leases;
	int64_t killed, took;

	/* The holder alone takes the tickets (another daemon would read stream entries
	 * too); the survivor starts while it is stopped, before the kill: it may judge once
	 * it has beaten for a whole lapse itself, which is within the 5 s. */
	hold(&holder, "holder", ids, M, N, &held_stream, &held_leases);
	instance_of(&holder, dead, sizeof(dead));
	start_in(&fx.daemon, "survivor", HB_ROUTING, FAST_ROUTER);
	instance_of(&fx.daemon, survivor, sizeof(survivor));
	killed = hlt_now_ms();
	cr_assert_eq(hlt_daemon_stop(&holder, SIGKILL, 2000), 128 + SIGKILL);

	took = all_dispatched_after(ids, M + N, killed);
	cr_assert(took >= 0, "not all routed: %s", hlt_read_file(fx.daemon.log));
	cr_expect_leq(took, WITHIN_MS, "routed %lld ms after the kill", (long long)took);
	printf("heartbeat: %d stream entries and %d leases of a killed daemon routed %lld ms "
	       "after the kill\n", held_stream, held_leases, (long long)took);
	expect_routed_once(ids, M + N);

	/* One takeover, by the survivor, for the lapse; the dead daemon is out of the
	 * registry, its consumer out of the group. */
	ops = hlt_redis_cmd(&fx.redis, "XRANGE hl:ops - +");
	cr_expect(ops && strstr(ops, "event\ntaken_over\nby\n") && strstr(ops, survivor) &&
		  strstr(ops, "why\nlapsed\n"), "%s", ops);
	cr_expect(!strstr(strstr(ops, "taken_over") + 1, "taken_over"), "taken over twice: %s", ops);
	free(ops);
	ops = hlt_redis_cmd(&fx.redis, "HEXISTS hl:daemons %s", dead);
	cr_expect_str_eq(ops, "0\n");
	free(ops);
	ops = hlt_redis_cmd(&fx.redis, "XINFO CONSUMERS hl:intake route");
	cr_expect(ops && !strstr(ops, dead), "%s", ops);
	free(ops);
	cr_expect_geq(metric(&fx.daemon, "hotline_routing_takeovers_total{what=\"leases\"} "),
		      held_leases);
	cr_expect_geq(metric(&fx.daemon,
			     "hotline_routing_takeovers_total{what=\"stream_entries\"} "),
		      held_stream);
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0);
}

Test(heartbeat, a_killed_daemons_work_is_routed_within_5s_of_its_restart)
{
	enum { M = 4, N = 6 };
	static char ids[M + N][32];
	char first[128], second[128], *ops;
	int held_stream, held_leases;
	int64_t restarted, took;

	hold(&fx.daemon, NULL, ids, M, N, &held_stream, &held_leases);
	instance_of(&fx.daemon, first, sizeof(first));
	cr_assert_eq(hlt_daemon_stop(&fx.daemon, SIGKILL, 2000), 128 + SIGKILL);
	sleep(1); /* nobody else is there to notice */

	/* The same daemon again; its router no longer slow, so that what is measured is the
	 * takeover, not the router (stream entries taken over are routed one at a time). */
	fx.daemon.extra_yaml = HB_ROUTING;
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis, FAST_ROUTER);
	restarted = hlt_now_ms();
	hlt_daemon_start_ready(&fx.daemon);
	took = all_dispatched_after(ids, M + N, restarted);
	cr_assert(took >= 0, "not all routed: %s", hlt_read_file(fx.daemon.log));
	cr_expect_leq(took, WITHIN_MS, "routed %lld ms after the restart", (long long)took);
	printf("heartbeat: %d stream entries and %d leases of a killed daemon routed %lld ms "
	       "after its restart\n", held_stream, held_leases, (long long)took);
	expect_routed_once(ids, M + N);
	instance_of(&fx.daemon, second, sizeof(second));
	ops = hlt_redis_cmd(&fx.redis, "XRANGE hl:ops - +");
	cr_expect(ops && strstr(ops, first) && strstr(ops, second) &&
		  strstr(ops, "event\ntaken_over\nby\n") && strstr(ops, "why\ngone\n"), "%s", ops);
	free(ops);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=took_over", 0), "%s",
		  hlt_read_file(fx.daemon.log));
}

/* When daemon `instance` last beat (seen_ms of its registry entry), 0 when not there. */
static long long seen_ms(const char *instance)
{
	char *v = hlt_redis_cmd(&fx.redis, "HGET hl:daemons %s", instance), *at;
	long long ms = v && (at = strstr(v, "\"seen_ms\":")) ? atoll(at + 10) : 0;

	free(v);
	return ms;
}

/* A live daemon whose router takes near plugin_timeout, and whose loop is stopped right
 * after a beat for nearly heartbeat_lapse - heartbeat (the longest stall it is promised to
 * survive: 2 s), keeps its work: nothing is taken over, requeued or routed twice. The
 * judge has beaten for more than a lapse, so it may judge all along. */
Test(heartbeat, a_slow_but_live_daemon_keeps_its_work)
{
	enum { N = 8 };
	static char ids[N][32];
	struct hlt_daemon slow = {0};
	char instance[128], *v;
	long long beat;

	start_in(&fx.daemon, "judge", HB_ROUTING, FAST_ROUTER);
	start_in(&slow, "slow", HB_ROUTING, SLOW_ROUTER);
	instance_of(&slow, instance, sizeof(instance));
	sleep(4); /* both have beaten for a whole lapse: either may judge the other */
	beat = seen_ms(instance);
	for (int i = 0; i < 30 && seen_ms(instance) == beat; i++)
		usleep(50000);
	for (int i = 0; i < N; i++)
		hlt_create_ticket(slow.port, HLT_TOKEN_AGENT, ticket_body, ids[i], sizeof(ids[i]));
	kill(slow.pid, SIGSTOP);
	usleep(1800 * 1000);
	kill(slow.pid, SIGCONT);
	cr_assert(all_dispatched_after(ids, N, hlt_now_ms()) >= 0, "%s", hlt_read_file(slow.log));
	sleep(2); /* a takeover, had the judge decided on one, would show by now */
	for (int i = 0; i < N; i++) {
		cr_expect_eq(hlt_audit_count(&fx.redis, ids[i], "action\ndispatch\n"), 1, "%s", ids[i]);
		cr_expect_eq(hlt_audit_count(&fx.redis, ids[i], "action\nrequeued\n"), 0, "%s", ids[i]);
		v = hlt_ticket_field(&fx.redis, ids[i], "route_attempts");
		cr_expect_str_eq(v, "1", "%s routed more than once", ids[i]);
		free(v);
	}
	v = hlt_redis_cmd(&fx.redis, "XRANGE hl:ops - +");
	cr_expect(v && !strstr(v, "taken_over"), "%s", v);
	free(v);
	cr_expect(!hlt_wait_for_text(fx.daemon.log, "event=took_over", 0), "%s",
		  hlt_read_file(fx.daemon.log));
	cr_expect_eq(hlt_daemon_stop(&slow, SIGTERM, 5000), 0);
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0);
}

/* Redis goes away for longer than the lapse and comes back with its data (the AOF), and
 * the daemons come back to it at different times (their backoffs differ; here one is
 * held 1.5 s longer): every registry entry is old then, but no daemon judges another
 * before it has beaten again for a whole lapse itself, by when the others have too. */
Test(heartbeat, a_redis_restart_makes_nobody_look_dead)
{
	struct hlt_daemon other = {0};
	char *v;

	start_in(&fx.daemon, "one", HB_ROUTING, FAST_ROUTER);
	start_in(&other, "two", HB_ROUTING, FAST_ROUTER);
	sleep(4); /* both may judge */
	hlt_redis_stop(&fx.redis, 0);
	kill(other.pid, SIGSTOP);
	sleep(4);
	hlt_redis_start(&fx.redis, fx.dir);
	cr_assert(hlt_daemon_wait_ready(&fx.daemon, 5000), "%s", hlt_read_file(fx.daemon.log));
	usleep(1500 * 1000);
	kill(other.pid, SIGCONT);
	cr_assert(hlt_daemon_wait_ready(&other, 5000), "%s", hlt_read_file(other.log));
	sleep(4); /* more than a lapse after both came back */
	v = hlt_redis_cmd(&fx.redis, "XRANGE hl:ops - +");
	cr_expect(v && !strstr(v, "taken_over"), "%s\n--- one:\n%s\n--- two:\n%s", v,
		  hlt_read_file(fx.daemon.log), hlt_read_file(other.log));
	free(v);
	v = hlt_redis_cmd(&fx.redis, "HLEN hl:daemons");
	cr_expect_str_eq(v, "2\n");
	free(v);
	cr_expect_eq(hlt_daemon_stop(&other, SIGTERM, 5000), 0);
}

/* The line of the configuration file on which `key:` stands. */
static int line_of(const char *path, const char *key)
{
	char *text = hlt_read_file(path), *at;
	int line = 1;

	cr_assert(text && (at = strstr(text, key)), "%s", text);
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	free(text);
	return line;
}

/* The keys' bounds are checked, and a value out of them is refused where it is written. */
Test(heartbeat, a_lapse_out_of_bounds_is_refused_at_its_place)
{
	static const struct {
		const char *routing, *want;
	} cases[] = {
		{"routing:\n  plugin_timeout: 2s\n  heartbeat_lapse: 3s\n",
		 "key 'heartbeat_lapse': expected at least twice 'plugin_timeout'"},
		{"routing:\n  heartbeat: 2s\n  heartbeat_lapse: 3s\n",
		 "key 'heartbeat_lapse': expected at least twice 'heartbeat'"},
		{"routing:\n  reclaim_idle: 5s\n  plugin_timeout: 1s\n  heartbeat_lapse: 6s\n",
		 "key 'heartbeat_lapse': expected at most 'reclaim_idle'"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = {"-t", "-c", fx.daemon.config, NULL};
		char out[512], want[1024];

		fx.daemon.extra_yaml = cases[i].routing;
		hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis, NULL);
		snprintf(out, sizeof(out), "%s/t%zu.out", fx.dir, i);
		snprintf(want, sizeof(want), "%s:%d:20: %s", fx.daemon.config,
			 line_of(fx.daemon.config, "  heartbeat_lapse:"), cases[i].want);
		cr_expect_eq(hlt_run_hotlined(args, out), 1, "%s", cases[i].routing);
		cr_expect(hlt_wait_for_text(out, want, 0), "want %s\n%s", want, hlt_read_file(out));
	}
	/* Not set, the lapse is brought within its bounds: 3 s is twice a 2 s budget here. */
	fx.daemon.extra_yaml = "routing:\n  plugin_timeout: 2s\n";
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis, NULL);
	const char *args[] = {"-t", "-c", fx.daemon.config, NULL};
	char out[512];
	snprintf(out, sizeof(out), "%s/ok.out", fx.dir);
	cr_expect_eq(hlt_run_hotlined(args, out), 0, "%s", hlt_read_file(out));
}
