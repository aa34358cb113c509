/* Integration tests for the department webhook (issue 6): a receiver on 127.0.0.1 (evhttp
 * in a thread of the test) checks every signature, fails on purpose for a while and then
 * accepts; every delivery arrives, in order per ticket and unit, exactly as often as the
 * retry policy says; a delivery that never gets through becomes a dead letter; and one
 * pending when hotlined is killed is delivered after a restart. Tickets are dispatched to
 * "water" by the route_async test plugin. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "store_dump.h"

static struct hlt_fixture fx;

#define SECRET_WATER "water-secret-for-tests"
#define SECRET_GAS "gas-secret-for-tests"
#define CALLER_PHONE "13907150003"
#define UNSATISFIED "{\"satisfaction\":\"unsatisfied\",\"solved\":\"unsolved\"}"
#define SATISFIED "{\"satisfaction\":\"satisfied\",\"solved\":\"solved\"}"

/* --- the receiver -------------------------------------------------------------------- */

#define MAX_HITS 256

/* One request the receiver got, and what it answered. */
struct hit {
	char unit[16];     /* the path: /water or /gas */
	char delivery[48]; /* X-Hotline-Delivery */
	char event[24];
	char ticket[32];
	int attempt;       /* X-Hotline-Attempt */
	int status;        /* answered */
	int signed_ok;     /* signature checked with the unit's secret */
	int private_ok;    /* the caller's phone only masked */
};

static struct {
	struct event_base *base;
	struct evhttp *http;
	struct event *watch;
	pthread_t thread;
	pthread_mutex_t lock;
	int port;
	int stop;       /* under lock: the thread leaves its loop */
	int fail_first; /* under lock: answer 503 to this many requests, then 200 */
	int fail_all;   /* under lock: answer 503 to everything */
	int n;
	struct hit hits[MAX_HITS];
} rx;

static int signature_ok(const char *secret, const char *ts, const char *body, size_t len,
			const char *sig)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char want[7 + 64 + 1] = "sha256=";
	size_t tlen = strlen(ts);
	char *msg = malloc(tlen + 1 + len);

	memcpy(msg, ts, tlen);
	msg[tlen] = '.';
	memcpy(msg + tlen + 1, body, len);
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)msg, tlen + 1 + len, mac,
	     &maclen);
	free(msg);
	for (unsigned i = 0; i < maclen; i++)
		sprintf(want + 7 + 2 * i, "%02x", mac[i]);
	return maclen == 32 && strcmp(want, sig) == 0;
}

static void copy_member(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v;

	buf[0] = '\0';
	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		snprintf(buf, len, "%s", json_object_get_string(v));
}

static void handle(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *path = evhttp_request_get_uri(req);
	const char *ts = evhttp_find_header(h, "X-Hotline-Timestamp");
	const char *sig = evhttp_find_header(h, "X-Hotline-Signature");
	const char *job = evhttp_find_header(h, "X-Hotline-Delivery");
	const char *attempt = evhttp_find_header(h, "X-Hotline-Attempt");
	size_t len = evbuffer_get_length(in);
	char *body = calloc(1, len + 1);
	struct json_object *o, *t;
	struct hit hit = {0};
	char phone[32] = "";
	int status;

	(void)arg;
	evbuffer_copyout(in, body, len);
	o = json_tokener_parse(body);
	snprintf(hit.unit, sizeof(hit.unit), "%s", path + (path[0] == '/'));
	snprintf(hit.delivery, sizeof(hit.delivery), "%s", job ? job : "");
	hit.attempt = attempt ? atoi(attempt) : 0;
	copy_member(o, "event", hit.event, sizeof(hit.event));
	copy_member(o, "ticket_id", hit.ticket, sizeof(hit.ticket));
	if (o && json_object_object_get_ex(o, "ticket", &t))
		copy_member(t, "caller_phone", phone, sizeof(phone));
	hit.signed_ok = evhttp_request_get_command(req) == EVHTTP_REQ_POST && ts && sig &&
			signature_ok(strcmp(hit.unit, "gas") == 0 ? SECRET_GAS : SECRET_WATER, ts,
				     body, len, sig);
	hit.private_ok = !strstr(body, CALLER_PHONE) && strcmp(phone, "139****0003") == 0;
	json_object_put(o);
	free(body);
	pthread_mutex_lock(&rx.lock);
	status = rx.fail_all || rx.fail_first > 0 ? 503 : 200;
	if (rx.fail_first > 0)
		rx.fail_first--;
	hit.status = status;
	if (rx.n < MAX_HITS)
		rx.hits[rx.n++] = hit;
	pthread_mutex_unlock(&rx.lock);
	evhttp_send_reply(req, status, status == 200 ? "OK" : "Service Unavailable", NULL);
}

/* The loop cannot be told to stop from another thread without libevent's thread
 * support: it looks at rx.stop itself. */
static void watch(evutil_socket_t fd, short what, void *arg)
{
	int stop;

	(void)fd;
	(void)what;
	(void)arg;
	pthread_mutex_lock(&rx.lock);
	stop = rx.stop;
	pthread_mutex_unlock(&rx.lock);
	if (stop)
		event_base_loopbreak(rx.base);
}

static void *receiver_main(void *arg)
{
	(void)arg;
	event_base_dispatch(rx.base);
	return NULL;
}

static void receiver_start(int fail_first, int fail_all)
{
	struct evhttp_bound_socket *bound;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct timeval every = {0, 20000};

	memset(&rx, 0, sizeof(rx));
	pthread_mutex_init(&rx.lock, NULL);
	rx.fail_first = fail_first;
	rx.fail_all = fail_all;
	rx.base = event_base_new();
	rx.http = evhttp_new(rx.base);
	cr_assert(rx.base && rx.http);
	evhttp_set_gencb(rx.http, handle, NULL);
	bound = evhttp_bind_socket_with_handle(rx.http, "127.0.0.1", 0);
	cr_assert_not_null(bound, "cannot bind the receiver");
	getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sin, &slen);
	rx.port = ntohs(sin.sin_port);
	rx.watch = event_new(rx.base, -1, EV_PERSIST, watch, NULL);
	event_add(rx.watch, &every);
	cr_assert_eq(pthread_create(&rx.thread, NULL, receiver_main, NULL), 0);
}

static void receiver_stop(void)
{
	if (!rx.base)
		return;
	pthread_mutex_lock(&rx.lock);
	rx.stop = 1;
	pthread_mutex_unlock(&rx.lock);
	pthread_join(rx.thread, NULL);
	event_free(rx.watch);
	evhttp_free(rx.http);
	event_base_free(rx.base);
	rx.base = NULL;
}

static void receiver_set(int fail_all)
{
	pthread_mutex_lock(&rx.lock);
	rx.fail_all = fail_all;
	pthread_mutex_unlock(&rx.lock);
}

/* A copy of what the receiver got so far. */
static int hits(struct hit *out)
{
	int n;

	pthread_mutex_lock(&rx.lock);
	n = rx.n;
	memcpy(out, rx.hits, (size_t)n * sizeof(*out));
	pthread_mutex_unlock(&rx.lock);
	return n;
}

static int count_hits(int status)
{
	static struct hit copy[MAX_HITS];
	int n = hits(copy), c = 0;

	for (int i = 0; i < n; i++)
		c += status == 0 || copy[i].status == status;
	return c;
}

/* Waits until the receiver answered `want` requests with `status` (0: any). */
static int wait_hits(int status, int want, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		if (count_hits(status) >= want)
			return 1;
		usleep(20000);
	}
	return 0;
}

/* --- the daemon ------------------------------------------------------------------------ */

static void setup(void)
{
	hlt_fixture_setup(&fx);
}

static void teardown(void)
{
	receiver_stop();
	hlt_fixture_teardown(&fx);
}

TestSuite(webhook, .init = setup, .fini = teardown, .timeout = HLT_SUITE_TIMEOUT);

/* Configures and starts hotlined with route_async and the webhook (water and gas pointing
 * at the receiver) with the given retry policy; routing.reclaim_idle (HLT_FAST_ROUTING: 1 s)
 * is also how long an outbox lease lives. */
static void start_with(const char *routing, int attempts, const char *backoff,
		       const char *backoff_max)
{
	char plugins[1024], path[300];

	hlt_write_file(fx.dir, "webhook-secrets.yaml",
		       "water: " SECRET_WATER "\ngas: \"" SECRET_GAS "\"\n", path, sizeof(path));
	chmod(path, 0600);
	snprintf(plugins, sizeof(plugins),
		 HLT_PLUGIN("route_async") "  - name: webhook\n"
				       "    options:\n"
				       "      departments:\n"
				       "        - water=http://127.0.0.1:%d/water\n"
				       "        - gas=http://127.0.0.1:%d/gas\n"
				       "      secret_file: webhook-secrets.yaml\n"
				       "      attempts: %d\n"
				       "      backoff: %s\n"
				       "      backoff_max: %s\n"
				       "      timeout: 2s\n",
		 rx.port, rx.port, attempts, backoff, backoff_max);
	fx.daemon.extra_yaml = routing;
	hlt_fixture_start(&fx, &fx.daemon, NULL, plugins);
}

static void start(int attempts, const char *backoff, const char *backoff_max)
{
	start_with(HLT_FAST_ROUTING, attempts, backoff, backoff_max);
}

static const char *const ticket_body =
	"{\"channel\":\"hotline\",\"title\":\"古田二路停水三天\",\"content\":\"来电人反映家中停水，"
	"已经三天没有自来水。\",\"address\":\"硚口区古田二路\",\"caller_phone\":\"" CALLER_PHONE "\"}";

static void create(char *id, size_t len)
{
	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT, ticket_body, id, len);
}

static char *redis_text(const char *fmt, const char *arg)
{
	char *v = hlt_redis_cmd(&fx.redis, fmt, arg);

	return v ? v : strdup("");
}

/* Takes a step; expects 200. */
static void step(const char *token, const char *id, const char *name, const char *body)
{
	char *answer = NULL;

	cr_assert_eq(hlt_ticket_step(fx.daemon.port, token, id, name, body, &answer), 200,
		     "%s: %s", name, answer);
	free(answer);
}

/* Waits until the outbox stream is empty (every job ended). */
static int outbox_drained(int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		char *v = redis_text("XLEN %s", "hl:outbox:webhook");
		int empty = strcmp(v, "0\n") == 0;

		free(v);
		if (empty)
			return 1;
		usleep(20000);
	}
	return 0;
}

/* Stops hotlined with SIGTERM: it must exit 0, which under the sanitizers also means
 * that it leaked nothing (work still in flight included). */
static void stop_cleanly(void)
{
	int status = hlt_daemon_stop(&fx.daemon, SIGTERM, 8000);
	char *log = hlt_read_file(fx.daemon.log);

	cr_expect_eq(status, 0, "hotlined exited with %d:\n%s", status, log);
	cr_expect(!strstr(log, "Sanitizer") && !strstr(log, "runtime error"), "%s", log);
	free(log);
}

/* --- the tests --------------------------------------------------------------------------- */

/* The deliveries of one ticket to one unit, in the order they must arrive. */
struct expected {
	const char *ticket, *unit;
	const char *events[4];
};

/* Checks the receiver's log against the expected deliveries: per ticket and unit, each
 * event is tried until accepted, and the next not before; attempts count 1, 2, ... */
static void check_order(const struct hit *h, int n, const struct expected *want, size_t nwant)
{
	for (size_t w = 0; w < nwant; w++) {
		size_t next = 0; /* index in want[w].events of the delivery in front */
		int tries = 0;
		char job[48] = "";

		for (int i = 0; i < n; i++) {
			if (strcmp(h[i].ticket, want[w].ticket) != 0 ||
			    strcmp(h[i].unit, want[w].unit) != 0)
				continue;
			cr_assert_not_null(want[w].events[next], "%s to %s: more than expected: %s",
					   want[w].ticket, want[w].unit, h[i].event);
			cr_expect_str_eq(h[i].event, want[w].events[next],
					 "%s to %s: %s arrived before %s was accepted", want[w].ticket,
					 want[w].unit, h[i].event, want[w].events[next]);
			if (tries == 0)
				snprintf(job, sizeof(job), "%s", h[i].delivery);
			cr_expect_str_eq(h[i].delivery, job, "a retry changed the delivery id");
			cr_expect_eq(h[i].attempt, ++tries, "attempt header");
			if (h[i].status == 200) {
				next++;
				tries = 0;
			}
		}
		cr_expect_null(want[w].events[next], "%s to %s: %s never accepted", want[w].ticket,
			       want[w].unit, want[w].events[next] ? want[w].events[next] : "-");
	}
}

Test(webhook, every_delivery_arrives_once_in_order_after_retries)
{
	enum { FAILS = 4, JOBS = 7 }; /* FAILS < attempts: no job can run out */
	static struct hit h[MAX_HITS];
	char a[32], b[32], c[32], *v;
	int n;

	receiver_start(FAILS, 0);
	start(5, "50ms", "200ms");
	create(a, sizeof(a));
	create(b, sizeof(b));
	create(c, sizeof(c));
	cr_assert(hlt_wait_state(&fx.redis, a, "dispatched") &&
			  hlt_wait_state(&fx.redis, b, "dispatched") &&
			  hlt_wait_state(&fx.redis, c, "dispatched"),
		  "not dispatched:\n%s", hlt_read_file(fx.daemon.log));
	/* Ticket a lives on while its first delivery is still being retried: gas co-handles
	 * it (no event), it is reopened, then closed; both units hear of both. */
	step(HLT_TOKEN_SUPERVISOR, a, "co-handle", "{\"units\":[\"gas\"],\"note\":\"协办\"}");
	step(HLT_TOKEN_WATER, a, "sign", "{}");
	step(HLT_TOKEN_WATER, a, "answer", "{\"answer\":\"已修复\"}");
	step(HLT_TOKEN_AGENT, a, "callback", UNSATISFIED);
	step(HLT_TOKEN_WATER, a, "answer", "{\"answer\":\"复查后已彻底修复\"}");
	step(HLT_TOKEN_AGENT, a, "callback", SATISFIED);

	cr_assert(wait_hits(200, JOBS, 8000), "accepted %d of %d:\n%s", count_hits(200), JOBS,
		  hlt_read_file(fx.daemon.log));
	cr_assert(outbox_drained(2000), "jobs left in the outbox");
	usleep(300000); /* nothing more may come */
	n = hits(h);
	cr_expect_eq(n, JOBS + FAILS, "requests: %d, the policy says %d", n, JOBS + FAILS);
	for (int i = 0; i < n; i++) {
		cr_expect(h[i].signed_ok, "bad signature on request %d (%s)", i, h[i].event);
		cr_expect(h[i].private_ok, "request %d carried the caller's phone unmasked", i);
		for (int j = 0; j < i; j++)
			cr_expect(!(h[i].status == 200 && h[j].status == 200 &&
				    strcmp(h[i].delivery, h[j].delivery) == 0),
				  "delivery %s accepted twice", h[i].delivery);
	}
	const struct expected want[] = {
		{a, "water", {"dispatched", "reopened", "closed", NULL}},
		{a, "gas", {"reopened", "closed", NULL}},
		{b, "water", {"dispatched", NULL}},
		{c, "water", {"dispatched", NULL}},
	};
	check_order(h, n, want, sizeof(want) / sizeof(want[0]));
	v = redis_text("XPENDING %s deliver", "hl:outbox:webhook");
	cr_expect(strncmp(v, "0\n", 2) == 0, "pending: %s", v);
	free(v);
	v = redis_text("XLEN %s", "hl:deadletter");
	cr_expect_str_eq(v, "0\n");
	free(v);
	stop_cleanly();
}

Test(webhook, a_delivery_never_accepted_becomes_a_dead_letter)
{
	char id[32], *v;

	receiver_start(0, 1);
	start(3, "50ms", "100ms");
	create(id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"));
	for (int waited = 0; waited < 5000; waited += 20) {
		v = redis_text("XLEN %s", "hl:deadletter");
		int there = strcmp(v, "1\n") == 0;
		free(v);
		if (there)
			break;
		usleep(20000);
	}
	usleep(400000); /* no fourth attempt */
	cr_expect_eq(count_hits(0), 3, "tries: %d, attempts is 3\n%s", count_hits(0),
		     hlt_read_file(fx.daemon.log));
	v = redis_text("XRANGE %s - +", "hl:deadletter");
	cr_expect(strstr(v, "plugin\nwebhook\n") && strstr(v, id) &&
		  strstr(v, "gave up after 3 attempts: HTTP 503") && strstr(v, "payload\n{"),
		  "dead letter: %s", v);
	free(v);
	v = redis_text("HGET hl:t:%s delivery_failed", id);
	cr_expect(strstr(v, "webhook: webhook to unit water gave up after 3 attempts"), "flag: %s",
		  v);
	free(v);
	v = hlt_events(&fx.redis, "audience", "supervisors", NULL);
	cr_expect(v && strstr(v, "delivery_failed") &&
		  strstr(v, id),
		  "supervisors not told: %s", v);
	free(v);
	v = hlt_audit(&fx.redis, id, 0);
	cr_expect(strstr(v, "action\ndelivery_failed\n"), "audit: %s", v);
	free(v);
	cr_expect(outbox_drained(0), "the job is still in the outbox");
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=dead_letter", 0));
	char *metrics = NULL;
	cr_expect_eq(hlt_http(fx.daemon.port, "GET", "/metrics", NULL, &metrics), 200);
	cr_expect(metrics && strstr(metrics, "hotline_outbox_jobs_total{outcome=\"dead\"} 1"),
		  "%s", metrics);
	free(metrics);
	stop_cleanly();
}

Test(webhook, a_delivery_pending_at_sigkill_is_delivered_after_restart)
{
	static struct hit h[MAX_HITS];
	char id[32], job[48], *v;
	int n;

	receiver_start(0, 1);
	start(20, "100ms", "200ms");
	create(id, sizeof(id));
	cr_assert(wait_hits(0, 2, 5000), "no tries:\n%s", hlt_read_file(fx.daemon.log));
	cr_assert_eq(hlt_daemon_stop(&fx.daemon, SIGKILL, 2000), 128 + SIGKILL);
	n = hits(h);
	snprintf(job, sizeof(job), "%s", h[0].delivery);
	v = redis_text("XPENDING %s deliver", "hl:outbox:webhook");
	cr_assert(strncmp(v, "1\n", 2) == 0, "pending after the kill: %s", v);
	free(v);

	/* The receiver recovers; a new hotlined (another instance id) takes the job over
	 * once the dead one's lease has run out. */
	receiver_set(0);
	hlt_daemon_start_ready(&fx.daemon);
	cr_assert(wait_hits(200, 1, 6000), "not delivered after the restart:\n%s",
		  hlt_read_file(fx.daemon.log));
	cr_assert(outbox_drained(2000), "the job is still in the outbox");
	usleep(300000);
	n = hits(h);
	cr_expect_eq(count_hits(200), 1, "accepted %d times", count_hits(200));
	cr_expect_str_eq(h[n - 1].delivery, job, "another delivery than the pending one");
	cr_expect_str_eq(h[n - 1].ticket, id);
	cr_expect_str_eq(h[n - 1].event, "dispatched");
	for (int i = 0; i < n; i++)
		cr_expect(h[i].signed_ok, "bad signature on request %d", i);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=taken_over plugin=webhook jobs=1", 0),
		  "%s", hlt_read_file(fx.daemon.log));
	stop_cleanly();
}

Test(webhook, a_reload_keeps_a_tickets_deliveries_in_order)
{
	static struct hit h[MAX_HITS];
	char id[32];
	int n;

	/* The first delivery is still being retried (by the old plugin instance) when the
	 * configuration is reloaded and the ticket's next event is put (for the new one). */
	receiver_start(2, 0);
	start(5, "300ms", "300ms");
	create(id, sizeof(id));
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"));
	cr_assert(wait_hits(0, 1, 3000));
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=reloaded generation=2", 3000), "%s",
		  hlt_read_file(fx.daemon.log));
	step(HLT_TOKEN_WATER, id, "sign", "{}");
	step(HLT_TOKEN_WATER, id, "answer", "{\"answer\":\"已修复\"}");
	step(HLT_TOKEN_AGENT, id, "callback", UNSATISFIED);
	cr_assert(wait_hits(200, 2, 5000), "%s", hlt_read_file(fx.daemon.log));
	cr_assert(outbox_drained(2000));
	usleep(300000);
	n = hits(h);
	cr_expect_eq(n, 2 + 2, "requests: %d", n);
	const struct expected want[] = {{id, "water", {"dispatched", "reopened", NULL}}};
	check_order(h, n, want, 1);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=handover_waits plugin=webhook", 0),
		  "the reopened event did not wait for the old instance: %s",
		  hlt_read_file(fx.daemon.log));
	/* the old instance was finished once it had ended its job, not before */
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=retired generation=1", 1000), "%s",
		  hlt_read_file(fx.daemon.log));
	stop_cleanly();
}

Test(webhook, a_stop_while_retrying_leaves_the_delivery_for_the_next_start)
{
	static struct hit h[MAX_HITS];
	char id[32], *v;
	int n;

	/* Stopped with a request out or a retry pending: the plugin is retired (its timer
	 * and request cancelled), the job stays pending and the lease is given up, so the
	 * next start delivers it without waiting for the lease to run out. */
	receiver_start(0, 1);
	start_with("routing:\n  plugin_timeout: 300ms\n  reclaim_idle: 30s\n", 20, "100ms",
		   "100ms");
	create(id, sizeof(id));
	cr_assert(wait_hits(0, 2, 5000), "no tries:\n%s", hlt_read_file(fx.daemon.log));
	stop_cleanly();
	v = redis_text("XLEN %s", "hl:outbox:webhook");
	cr_assert_str_eq(v, "1\n", "the job did not stay in the outbox");
	free(v);
	v = redis_text("EXISTS %s", "hl:outbox-lease:webhook");
	cr_expect_str_eq(v, "0\n", "the lease was not given up");
	free(v);
	receiver_set(0);
	cr_assert_eq(hlt_daemon_start(&fx.daemon), 0, "%s", hlt_read_file(fx.daemon.log));
	cr_assert(wait_hits(200, 1, 5000), "not delivered at once after the restart:\n%s",
		  hlt_read_file(fx.daemon.log));
	cr_assert(outbox_drained(2000));
	usleep(200000);
	n = hits(h);
	cr_expect_eq(count_hits(200), 1);
	cr_expect_str_eq(h[n - 1].delivery, h[0].delivery);
	stop_cleanly();
}
