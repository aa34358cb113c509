/* Fault tests (issue 8), against real processes: redis-server killed with SIGKILL and
 * restarted mid-load, with the AOF written at every command (appendfsync always):
 * hotlined answers 503 while it is down, is ready again within two seconds of its return,
 * every ticket that got a 201 before the kill is still there and dispatched once, and
 * redis-check-aof accepts the file. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx = {
	.setup = HLT_SETUP_DAEMON,
	.redis.appendfsync = "always",
	.daemon.extra_yaml = HLT_FAST_ROUTING,
	.plugins = HLT_PLUGIN("route_async"),
};
HLT_SUITE(faults, fx);

struct load {
	volatile int stop;
	int created, unavailable, other;
	char ids[3000][24];
};

static void *post_load(void *arg)
{
	struct load *l = arg;

	while (!l->stop && l->created < 3000) {
		struct hlt_response r;
		int status = hlt_request(fx.daemon.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT, NULL,
					 "{\"channel\":\"hotline\",\"title\":\"停水\",\"content\":\"家中停水\","
					 "\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150040\"}",
					 &r);
		if (status == 201) {
			struct json_object *o = json_tokener_parse(r.body), *v;
			json_object_object_get_ex(o, "id", &v);
			snprintf(l->ids[l->created++], sizeof(l->ids[0]), "%s",
				 json_object_get_string(v));
			json_object_put(o);
		} else if (status == 503) {
			l->unavailable++;
		} else {
			l->other++;
		}
		hlt_response_free(&r);
	}
	return NULL;
}

Test(faults, redis_killed_and_restarted_under_load_loses_no_201)
{
	static struct load l;
	pthread_t thread;
	char command[700];
	int64_t back;

	memset(&l, 0, sizeof(l));
	pthread_create(&thread, NULL, post_load, &l);
	while (l.created < 50)
		usleep(10000);
	hlt_redis_stop(&fx.redis, 1); /* SIGKILL */
	usleep(700000);
	cr_expect_gt(l.unavailable, 0, "no 503 while Redis was down");
	hlt_redis_start(&fx.redis, fx.dir); /* the same directory: the AOF is read back */
	back = hlt_now_ms();
	cr_expect(hlt_daemon_wait_ready(&fx.daemon, 2000), "not ready within 2 s of Redis' return");
	cr_expect_leq(hlt_now_ms() - back, 2000);
	usleep(300000);
	l.stop = 1;
	pthread_join(thread, NULL);
	cr_expect_eq(l.other, 0, "answers other than 201 and 503");

	for (int i = 0; i < l.created; i++) {
		int dispatches;

		cr_expect(hlt_wait_state(&fx.redis, l.ids[i], "dispatched"),
			  "%s not dispatched after the Redis restart", l.ids[i]);
		dispatches = hlt_audit_count(&fx.redis, l.ids[i], "action\ndispatch\n");
		cr_expect_eq(dispatches, 1, "%s dispatched %d times", l.ids[i], dispatches);
	}
	snprintf(command, sizeof(command),
		 "redis-check-aof '%s/appendonlydir/appendonly.aof.manifest' > '%s/check-aof.out' "
		 "2>&1",
		 fx.dir, fx.dir);
	cr_expect_eq(system(command), 0, "redis-check-aof: see %s/check-aof.out", fx.dir);
}

/* A POST /v1/tickets of a hotline call; returns the status, the id of a 201 in id. */
static int post_one(char *id, size_t len, char *retry_after, size_t ra_len)
{
	struct hlt_response r;
	int status = hlt_request(fx.daemon.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT, NULL,
				 "{\"channel\":\"hotline\",\"title\":\"停水\",\"content\":\"家中停水\","
				 "\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150040\"}",
				 &r);

	id[0] = retry_after[0] = '\0';
	if (status == 201)
		hlt_json_member(r.body, "id", id, len);
	hlt_response_header(&r, "Retry-After", retry_after, ra_len);
	hlt_response_free(&r);
	return status;
}

/* Readiness (issue 18): while Redis loads a large AOF after a restart, /healthz still
 * answers 200 (the process is up) but /readyz answers 503, and a ticket gets 503 with
 * Retry-After, never a 500; once loaded, /readyz is 200 and intake works, with what was
 * there before. A load balancer that checks /readyz sends nothing to it meanwhile. */
Test(faults, readyz_says_not_ready_while_redis_loads_a_large_aof)
{
	char id[32], again[32], retry[16], *reply;
	int saw_loading = 0, ready_while_loading = 0, refused = 0, other = 0;
	int64_t deadline;

	cr_assert_eq(post_one(id, sizeof(id), retry, sizeof(retry)), 201);
	/* some 100 MB of other keys, written into the AOF's base by a rewrite */
	reply = hlt_redis_cmd(&fx.redis, "DEBUG POPULATE 2000000 filler 64");
	cr_assert(reply && strcmp(reply, "OK\n") == 0, "DEBUG POPULATE: %s", reply);
	free(reply);
	free(hlt_redis_cmd(&fx.redis, "BGREWRITEAOF"));
	for (deadline = hlt_now_ms() + 30000;; usleep(100000)) {
		reply = hlt_redis_cmd(&fx.redis, "INFO persistence");
		int done = reply && strstr(reply, "aof_rewrite_in_progress:0") &&
			   strstr(reply, "aof_rewrite_scheduled:0") &&
			   strstr(reply, "aof_last_bgrewrite_status:ok");
		free(reply);
		if (done)
			break;
		cr_assert_lt(hlt_now_ms(), deadline, "the AOF rewrite did not end in 30 s");
	}
	hlt_redis_stop(&fx.redis, 1);
	hlt_redis_spawn(&fx.redis, fx.dir); /* reads the AOF back: seconds of LOADING */
	for (deadline = hlt_now_ms() + 60000;; usleep(50000)) {
		char *body = NULL;
		int loading, loaded, health, ready;

		reply = hlt_redis_cmd(&fx.redis, "PING");
		loading = reply && strncmp(reply, "LOADING", 7) == 0;
		loaded = reply && strcmp(reply, "PONG\n") == 0;
		free(reply);
		health = hlt_http(fx.daemon.port, "GET", "/healthz", NULL, &body);
		free(body);
		ready = hlt_http(fx.daemon.port, "GET", "/readyz", NULL, &body);
		free(body);
		cr_expect_eq(health, 200, "/healthz answered %d: the process is up", health);
		if (loading) {
			int status = post_one(again, sizeof(again), retry, sizeof(retry));

			saw_loading = 1;
			ready_while_loading += ready == 200;
			if (status == 503 && retry[0])
				refused++;
			else if (status != 201) /* the load may end between PING and POST */
				other++;
		}
		if (loaded && ready == 200)
			break;
		cr_assert_lt(hlt_now_ms(), deadline, "not ready 60 s after the restart");
	}
	cr_expect(saw_loading, "Redis loaded its AOF too fast to be seen loading");
	cr_expect_eq(ready_while_loading, 0, "/readyz said ready while Redis was loading");
	cr_expect_gt(refused, 0, "no 503 with Retry-After while Redis was loading");
	cr_expect_eq(other, 0, "answers other than 503 + Retry-After while Redis was loading");
	cr_expect_eq(post_one(again, sizeof(again), retry, sizeof(retry)), 201);
	cr_expect(hlt_wait_state(&fx.redis, id, "dispatched"), "%s lost in the restart", id);
}
