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
