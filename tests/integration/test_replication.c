/* Acknowledged means replicated (issue 18, redis.min_replicas_ack, store/replica_ack.c),
 * against a real primary and its replica on loopback ports: a 201 comes only once the
 * replica has the ticket (and, without WAIT, it may come before: the check can fail);
 * with the replica stopped, writes answer 503 NOTREPLICATED within wait_timeout and then
 * at once, reads go on quickly, /healthz and /metrics say so; when it is back, writes go
 * on without a restart and a retry with the same Idempotency-Key gives the same ticket;
 * a ticket answered 503 that reached the primary is routed, once. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ha.h"
#include "harness.h"

static char dir[256];
static struct hlt_ha ha; /* node[0] the primary, node[1] its replica; no sentinels */
static struct hlt_daemon daemon_;

static void setup(void)
{
	char sub[300];

	memset(&ha, 0, sizeof(ha));
	memset(&daemon_, 0, sizeof(daemon_));
	hlt_tmpdir(dir, sizeof(dir));
	snprintf(ha.dir, sizeof(ha.dir), "%s", dir);
	for (int i = 0; i < HLT_HA_NODES; i++) {
		snprintf(sub, sizeof(sub), "%s/node-%d", dir, i);
		cr_assert_eq(mkdir(sub, 0700), 0);
		ha.node[i].port = hlt_free_port();
		ha.node[i].replica_of = i ? ha.node[0].port : 0;
		hlt_redis_start(&ha.node[i], sub);
	}
	cr_assert(hlt_ha_wait_replica_synced(&ha, 1, 10000), "the replica did not sync");
}

static void teardown(void)
{
	if (ha.node[1].pid > 0)
		kill(ha.node[1].pid, SIGCONT);
	if (daemon_.pid > 0)
		hlt_daemon_stop(&daemon_, SIGKILL, 2000);
	hlt_ha_stop(&ha);
	hlt_rmtree(dir);
}

TestSuite(replication, .init = setup, .fini = teardown, .timeout = HLT_SUITE_TIMEOUT);

/* Starts the daemon on the primary, waiting for `acks` replicas with wait_timeout
 * `wait`, with plugins (NULL: the log plugin) and routing (NULL: the defaults). */
static void start_daemon(int acks, const char *wait, const char *plugins, const char *routing)
{
	static char redis_yaml[600];

	snprintf(redis_yaml, sizeof(redis_yaml),
		 "  address: 127.0.0.1:%d\n  min_replicas_ack: %d\n  wait_timeout: %s\n",
		 ha.node[0].port, acks, wait);
	daemon_.redis_yaml = redis_yaml;
	daemon_.http_timeout = "5s";
	daemon_.extra_yaml = routing;
	hlt_daemon_configure(&daemon_, dir, &ha.node[0], plugins);
	hlt_daemon_start_ready(&daemon_);
}

static const char *const body =
	"{\"channel\":\"hotline\",\"title\":\"古田二路停水三天\",\"content\":\"来电人反映家中停水。\","
	"\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150003\"}";

/* The replica stopped (SIGSTOP) for ms milliseconds, from a thread. */
static void *pause_replica(void *arg)
{
	int ms = (int)(intptr_t)arg;

	kill(ha.node[1].pid, SIGSTOP);
	hlt_sleep_ms(ms);
	kill(ha.node[1].pid, SIGCONT);
	return NULL;
}

/* Whether the replica had acknowledged all the primary holds, as the primary sees it
 * (INFO replication: its acknowledged offset against master_repl_offset). */
static int replica_confirmed_all(void)
{
	char *info = hlt_redis_cmd(&ha.node[0], "INFO replication"), *at;
	long long master = -1, acked = -2;

	cr_assert_not_null(info);
	if ((at = strstr(info, "master_repl_offset:")))
		master = atoll(at + 19);
	if ((at = strstr(info, ",offset=")))
		acked = atoll(at + 8);
	free(info);
	return acked >= master;
}

/* Posts a ticket while the replica cannot answer for 500 ms (stopped 50 ms before);
 * returns how long the 201 took, and whether the replica had confirmed everything at
 * that instant in *confirmed. id gets the ticket's id. */
static int64_t post_while_replica_paused(char *id, size_t len, int *confirmed)
{
	pthread_t thread;
	int64_t start, took;

	pthread_create(&thread, NULL, pause_replica, (void *)(intptr_t)500);
	hlt_sleep_ms(50);
	start = hlt_now_ms();
	hlt_create_ticket(daemon_.port, HLT_TOKEN_AGENT, body, id, len);
	took = hlt_now_ms() - start;
	*confirmed = replica_confirmed_all();
	pthread_join(thread, NULL);
	return took;
}

Test(replication, a_201_comes_once_the_replica_has_the_ticket)
{
	char id[32], *state;
	int confirmed;
	int64_t took;

	start_daemon(1, "2s", NULL, NULL);
	took = post_while_replica_paused(id, sizeof(id), &confirmed);
	cr_expect_geq(took, 350, "the 201 came in %lld ms, before the replica could confirm",
		      (long long)took);
	/* the replica answers again (it confirmed): it has the ticket */
	state = hlt_ticket_field(&ha.node[1], id, "state");
	cr_expect_str_neq(state, "(nil)", "the replica has not the ticket after its 201");
	free(state);
}

/* The same check without WAIT fails: the 201 comes while the replica is stopped, before
 * it has confirmed anything. So the test above can tell. */
Test(replication, without_wait_the_201_comes_before_the_replica_has_it)
{
	char id[32];
	int confirmed;
	int64_t took;

	start_daemon(0, "500ms", NULL, NULL);
	took = post_while_replica_paused(id, sizeof(id), &confirmed);
	cr_expect_lt(took, 300, "the 201 waited %lld ms without WAIT", (long long)took);
	cr_expect_not(confirmed, "the replica had confirmed the ticket at its 201");
}
