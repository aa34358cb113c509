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

	start_daemon(1, "1s", NULL, NULL);
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

/* The id stored on the primary under an Idempotency-Key ("" when none), from the key's
 * value "<id> <body hash>". */
static void id_of_key(const char *key, char *id, size_t len)
{
	char *keys = hlt_redis_cmd(&ha.node[0], "KEYS hl:idem:*:%s", key), *value;

	id[0] = '\0';
	cr_assert_not_null(keys);
	keys[strcspn(keys, "\n")] = '\0';
	if (keys[0] && (value = hlt_redis_cmd(&ha.node[0], "GET %s", keys))) {
		snprintf(id, len, "%.*s", (int)strcspn(value, " \n"), value);
		free(value);
	}
	free(keys);
}

/* How many tickets the primary holds. */
static int tickets_stored(void)
{
	char *keys = hlt_redis_cmd(&ha.node[0], "KEYS hl:t:*");
	int n = 0;

	cr_assert_not_null(keys);
	for (const char *p = keys; *p; p++)
		n += *p == '\n';
	free(keys);
	return n;
}

/* POSTs a ticket with an Idempotency-Key; returns the status, the time taken in *took_ms,
 * and the answer in r (the caller frees). */
static int post_keyed(const char *key, struct hlt_response *r, int64_t *took_ms)
{
	char headers[128];
	int64_t start = hlt_now_ms();
	int status;

	snprintf(headers, sizeof(headers), "Idempotency-Key: %s\r\n", key);
	status = hlt_request(daemon_.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT, headers, body,
			     r);
	*took_ms = hlt_now_ms() - start;
	return status;
}

/* A 503 as the replicas not confirming answers it: Retry-After and the cause named. */
static void expect_not_replicated(const struct hlt_response *r, const char *what)
{
	char v[64];

	cr_expect_eq(r->status, 503, "%s: %d %s", what, r->status, r->body);
	cr_expect_not_null(hlt_response_header(r, "Retry-After", v, sizeof(v)), "%s", what);
	cr_expect_str_eq(hlt_json_member(r->body, "cause", v, sizeof(v)), "not_replicated",
			 "%s: %s", what, r->body);
}

/* GET path; returns the status, its time in *took_ms. */
static int timed_get(const char *path, const char *token, int64_t *took_ms)
{
	int64_t start = hlt_now_ms();
	int status = hlt_status(daemon_.port, "GET", path, token, NULL);

	*took_ms = hlt_now_ms() - start;
	return status;
}

static int replicas_ok(void)
{
	char *health = NULL;
	int ok;

	hlt_http(daemon_.port, "GET", "/healthz", NULL, &health);
	ok = health && strstr(health, "\"replicas_ok\":true");
	free(health);
	return ok;
}

struct read_during_wait {
	int64_t took;
	char path[64];
};

static void *read_later(void *arg)
{
	struct read_during_wait *r = arg;

	hlt_sleep_ms(100); /* the first write is waiting in WAIT */
	timed_get(r->path, HLT_TOKEN_AGENT, &r->took);
	return NULL;
}

Test(replication, the_replica_stopped_writes_answer_503_and_reads_go_on)
{
	char t0[32], path[64], first[32], v[64], *text = NULL;
	struct hlt_response r;
	struct read_during_wait during;
	pthread_t reader;
	int64_t took, read_ms, list_ms;
	int n;

	start_daemon(1, "500ms", HLT_PLUGIN("route_async"), NULL);
	hlt_create_ticket(daemon_.port, HLT_TOKEN_AGENT, body, t0, sizeof(t0));
	cr_assert(hlt_wait_state(&ha.node[0], t0, "dispatched"), "not routed");
	snprintf(path, sizeof(path), "/v1/tickets/%s", t0);
	kill(ha.node[1].pid, SIGSTOP);

	/* The first write waits wait_timeout for the replica, then 503 saying it reached the
	 * primary; a read sent meanwhile waits behind the WAIT on the same connection. */
	snprintf(during.path, sizeof(during.path), "%s", path);
	pthread_create(&reader, NULL, read_later, &during);
	post_keyed("k-held", &r, &took);
	pthread_join(reader, NULL);
	expect_not_replicated(&r, "the first write");
	cr_expect(strstr(r.body, "reached the primary") && strstr(r.body, "Idempotency-Key"),
		  "%s", r.body);
	cr_expect(took >= 450 && took < 1200, "the first 503 took %lld ms", (long long)took);
	fprintf(stderr, "replication: first write 503 after %lld ms; a read sent during its "
			"WAIT took %lld ms\n",
		(long long)took, (long long)during.took);
	hlt_response_free(&r);

	/* Then writes are refused at once, nothing sent: a ticket and a workflow step. */
	post_keyed("k-refused", &r, &took);
	expect_not_replicated(&r, "a write while the replica is missing");
	cr_expect(strstr(r.body, "not sent"), "%s", r.body);
	cr_expect_lt(took, 300, "the refusal took %lld ms", (long long)took);
	hlt_response_free(&r);
	snprintf(v, sizeof(v), "/v1/tickets/%s/sign", t0);
	hlt_request(daemon_.port, "POST", v, HLT_TOKEN_WATER, NULL, "{}", &r);
	expect_not_replicated(&r, "a workflow step");
	hlt_response_free(&r);

	/* Reads are served, quickly. */
	cr_expect_eq(timed_get(path, HLT_TOKEN_AGENT, &read_ms), 200);
	cr_expect_eq(timed_get("/v1/tickets", HLT_TOKEN_SUPERVISOR, &list_ms), 200);
	cr_expect(read_ms < 300 && list_ms < 300, "reads took %lld and %lld ms",
		  (long long)read_ms, (long long)list_ms);
	fprintf(stderr, "replication: with the replica stopped, a ticket read in %lld ms, the "
			"list in %lld ms\n",
		(long long)read_ms, (long long)list_ms);

	/* /healthz says so, and the probes (every second) do not bring it back while it stays
	 * stopped (it is still "online" to the primary, with its offset behind). */
	for (int i = 0; i < 30; i++) {
		cr_expect_not(replicas_ok(), "replicas said ok %d ms after the replica stopped",
			      i * 100);
		hlt_sleep_ms(100);
	}
	post_keyed("k-refused-again", &r, &took);
	expect_not_replicated(&r, "a write 3 s later");
	cr_expect_lt(took, 300, "the refusal 3 s later took %lld ms", (long long)took);
	hlt_response_free(&r);
	hlt_http(daemon_.port, "GET", "/metrics", NULL, &text);
	cr_expect(text && strstr(text, "hotline_http_unavailable_total{cause=\"not_replicated\"} "),
		  "%s", text);
	n = text ? atoi(strstr(text, "cause=\"not_replicated\"} ") + 24) : 0;
	cr_expect_geq(n, 4, "not_replicated counted %d times", n);
	free(text);

	/* The replica comes back: writes work again without a restart. */
	kill(ha.node[1].pid, SIGCONT);
	for (int waited = 0; !replicas_ok(); waited += 100) {
		cr_assert_lt(waited, 5000, "writes not taken again 5 s after the replica's return");
		hlt_sleep_ms(100);
	}
	id_of_key("k-held", first, sizeof(first));
	cr_assert(first[0], "the first write did not reach the primary");
	cr_expect_eq(post_keyed("k-held", &r, &took), 201, "%s", r.body);
	cr_expect_str_eq(hlt_json_member(r.body, "id", v, sizeof(v)), first,
			 "the retry gave another ticket");
	cr_expect_not_null(hlt_response_header(&r, "Idempotent-Replayed", v, sizeof(v)));
	hlt_response_free(&r);
	cr_expect_eq(post_keyed("k-refused", &r, &took), 201, "%s", r.body);
	cr_expect_null(hlt_response_header(&r, "Idempotent-Replayed", v, sizeof(v)),
		       "a write refused before it was sent was replayed");
	hlt_response_free(&r);
	cr_expect_eq(tickets_stored(), 3, "t0, the held write's and the refused one's retry");
	cr_expect_eq(hlt_ticket_step(daemon_.port, HLT_TOKEN_WATER, t0, "sign", NULL, NULL), 200);
}

Test(replication, a_ticket_answered_503_not_replicated_is_routed_once)
{
	char id[32], v[32];
	struct hlt_response r;
	int64_t took;

	/* routing.reclaim_idle stays 30 s: only routing it now routes it within 5 s */
	start_daemon(1, "300ms", HLT_PLUGIN("route_async"), NULL);
	kill(ha.node[1].pid, SIGSTOP);
	post_keyed("k-routed", &r, &took);
	expect_not_replicated(&r, "the write");
	hlt_response_free(&r);
	id_of_key("k-routed", id, sizeof(id));
	cr_assert(id[0], "the write did not reach the primary");
	cr_expect(hlt_wait_state(&ha.node[0], id, "dispatched"), "not routed: %s",
		  hlt_read_file(daemon_.log));
	kill(ha.node[1].pid, SIGCONT);
	for (int waited = 0; !replicas_ok(); waited += 100) {
		cr_assert_lt(waited, 5000, "writes not taken again");
		hlt_sleep_ms(100);
	}
	cr_expect_eq(post_keyed("k-routed", &r, &took), 201);
	cr_expect_str_eq(hlt_json_member(r.body, "id", v, sizeof(v)), id);
	hlt_response_free(&r);
	hlt_sleep_ms(500);
	cr_expect_eq(hlt_audit_count(&ha.node[0], id, "action\ndispatch\n"), 1,
		     "dispatched other than once");
}
