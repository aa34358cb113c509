/*
 * loadgen: the load generator of `make bench` (issue 8, ingest and routing throughput).
 *
 * N keep-alive connections (raw bufferevents), each with one request in flight (a closed
 * loop), POST tickets built from the Chinese texts of tests/data/tickets-sample.jsonl,
 * varied per request: a suffix on the title, a sentence added to the content, a house
 * number on the address, a random mobile number as caller_phone (written with or without
 * dashes), and an Idempotency-Key of its own. Every ticket is a hotline ticket, the one
 * channel the agent's token may create. After a warm-up it measures for T seconds, then
 * stops sending, waits a bounded time for the answers in flight and exits: it stops by
 * itself however the server behaves.
 *
 * It reports the 201s per second of the measured window and their latency p50, p99 and
 * p99.9 (send of the request to the last byte of the answer), the other statuses and the
 * connection errors, and ends with one machine-readable line starting with RESULT.
 *
 *   loadgen -p PORT [-a 127.0.0.1] [-c 64] [-d 10] [-w 1] [-n MAX] [-f SAMPLES]
 *           [-t TOKEN | -e ENVVAR] [-u /v1/tickets] [-I] [-s SEED]
 *   loadgen -F             prints a free TCP port of 127.0.0.1 and exits
 *   loadgen -p PORT -R S   waits up to S seconds for GET /healthz to answer 200 with
 *                          "status":"ok"; exit 0 when it did, 1 when not
 *   loadgen -B N [-f SAMPLES] [-s SEED]
 *                          prints the first N request bodies that a run with this seed
 *                          sends, one JSON object a line, and exits (the BullMQ peer of
 *                          contrib/bench/bullmq.sh adds the same tickets as jobs)
 *
 * The token is -t, or else the environment variable named by -e (HOTLINE_TOKEN_AGENT).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX 8192       /* response headers larger than this are an error */
#define BODY_MAX 65536      /* the request body buffer (hotlined's http.max_body) */
#define SAMPLES_MAX 4096
#define RECONNECTS_MAX 1000 /* more than this and the server is gone: give up */
#define DRAIN_SECS 3        /* how long answers in flight are waited for at the end */
#define ERRORS_SHOWN 3      /* non-201 answers printed to stderr */

struct sample {
	char *title, *content, *address; /* JSON-escaped, without the quotes */
};

struct conn;

struct lg {
	struct event_base *base;
	struct sockaddr_in addr;
	const char *path, *token;
	char host[32]; /* the Host header's value */
	int use_idempotency;
	struct sample samples[SAMPLES_MAX];
	size_t nsamples;
	struct conn *conns;
	int nconns;
	uint64_t start_ns, measure_ns, end_ns; /* measure_ns: end of the warm-up */
	uint64_t max_requests, sent;
	int stopping;
	uint64_t rng;
	/* what the measured window saw */
	uint32_t *lat_us;
	size_t nlat, cap_lat;
	uint64_t other_status, errors, reconnects, unfinished;
	unsigned shown;
	char body[BODY_MAX];
};

enum { READ_HEAD, READ_BODY };

struct conn {
	struct lg *lg;
	struct bufferevent *bev;
	int busy, state, status, close_after, connected;
	uint64_t sent_ns;
	size_t body_left;
	char err_body[256];
	size_t err_len;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: cheap, and the same seed gives the same tickets. */
static uint64_t rnd(struct lg *lg)
{
	lg->rng ^= lg->rng >> 12;
	lg->rng ^= lg->rng << 25;
	lg->rng ^= lg->rng >> 27;
	return lg->rng * 2685821657736338717ull;
}

/* splitmix64 of the -s number: distinct seeds give unrelated, non-zero states. */
static uint64_t seed(uint64_t s)
{
	uint64_t z = s + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 1;
}

static unsigned rnd_below(struct lg *lg, unsigned n)
{
	return (unsigned)((rnd(lg) >> 32) % n);
}

/* A JSON string's escaped text without its quotes; the caller frees. */
static char *json_escaped(const char *text)
{
	struct json_object *s = json_object_new_string(text);
	const char *q = json_object_to_json_string_ext(
		s, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(q);
	char *out = n >= 2 ? strndup(q + 1, n - 2) : NULL;

	json_object_put(s);
	return out;
}

static const char *string_member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Reads title, content and address of every line of the samples file. */
static int load_samples(struct lg *lg, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		fprintf(stderr, "loadgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0 && lg->nsamples < SAMPLES_MAX) {
		struct json_object *o = json_tokener_parse(line);
		const char *title = o ? string_member(o, "title") : NULL;
		const char *content = o ? string_member(o, "content") : NULL;
		const char *address = o ? string_member(o, "address") : NULL;

		if (title && content && address) {
			struct sample *s = &lg->samples[lg->nsamples];

			s->title = json_escaped(title);
			s->content = json_escaped(content);
			s->address = json_escaped(address);
			if (s->title && s->content && s->address)
				lg->nsamples++;
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
	if (lg->nsamples == 0) {
		fprintf(stderr, "loadgen: %s: no ticket with title, content and address\n", path);
		return -1;
	}
	return 0;
}

/* Variations: text, then (when `number`) a small number and more text. */
struct variation {
	const char *before;
	int number; /* 0: none; else the number is 1..number */
	const char *after;
};

static const struct variation title_suffixes[] = {
	{"", 0, ""}, {"", 0, ""}, {"", 0, ""},
	{"（再次反映）", 0, ""}, {"，请尽快处理", 0, ""},
	{"（第", 6, "次来电）"}, {"，已多次反映", 0, ""},
};
static const struct variation content_additions[] = {
	{"", 0, ""},
	{"来电人补充：此情况已持续", 30, "天。"},
	{"来电人表示已向社区反映过，至今未解决，编号", 9999, "。"},
	{"诉求：请相关部门尽快核实处理，并回复来电人。", 0, ""},
	{"来电人情绪较急，希望", 5, "个工作日内有人联系。"},
};

static void vary(struct lg *lg, const struct variation *v, size_t n, char *out, size_t len)
{
	const struct variation *pick = &v[rnd_below(lg, (unsigned)n)];

	if (pick->number)
		snprintf(out, len, "%s%u%s", pick->before, 1 + rnd_below(lg, (unsigned)pick->number),
			 pick->after);
	else
		snprintf(out, len, "%s%s", pick->before, pick->after);
}

/* One ticket, varied, into lg->body; returns its length. */
static int make_body(struct lg *lg)
{
	const struct sample *s = &lg->samples[rnd_below(lg, (unsigned)lg->nsamples)];
	char title_suffix[96], addition[256], phone[24];
	unsigned p = rnd_below(lg, 1000000000u);
	static const char prefixes[] = "35789";
	char second = prefixes[rnd_below(lg, 5)];

	vary(lg, title_suffixes, sizeof(title_suffixes) / sizeof(title_suffixes[0]), title_suffix,
	     sizeof(title_suffix));
	vary(lg, content_additions, sizeof(content_additions) / sizeof(content_additions[0]),
	     addition, sizeof(addition));
	/* 1 + [35789] + nine digits; a third of them written 1xx-xxxx-xxxx */
	if (rnd_below(lg, 3) == 0)
		snprintf(phone, sizeof(phone), "1%c%u-%04u-%04u", second, p / 100000000u,
			 (p / 10000u) % 10000u, p % 10000u);
	else
		snprintf(phone, sizeof(phone), "1%c%09u", second, p);
	return snprintf(lg->body, sizeof(lg->body),
			"{\"channel\":\"hotline\",\"title\":\"%s%s\",\"content\":\"%s%s\","
			"\"address\":\"%s%u号\",\"caller_phone\":\"%s\"}",
			s->title, title_suffix, s->content, addition, s->address,
			1 + rnd_below(lg, 5000), phone);
}

static void conn_open(struct conn *c);

static void send_request(struct conn *c)
{
	struct lg *lg = c->lg;
	struct evbuffer *out = bufferevent_get_output(c->bev);
	int len = make_body(lg);

	if (len < 0 || len >= (int)sizeof(lg->body)) {
		fprintf(stderr, "loadgen: a ticket body did not fit in %d bytes\n", BODY_MAX);
		exit(1);
	}
	evbuffer_add_printf(out,
			    "POST %s HTTP/1.1\r\n"
			    "Host: %s\r\n"
			    "Authorization: Bearer %s\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: %d\r\n",
			    lg->path, lg->host, lg->token, len);
	if (lg->use_idempotency)
		evbuffer_add_printf(out, "Idempotency-Key: bench-%ld-%" PRIu64 "\r\n",
				    (long)getpid(), lg->sent);
	evbuffer_add(out, "\r\n", 2);
	evbuffer_add(out, lg->body, (size_t)len);
	c->busy = 1;
	c->state = READ_HEAD;
	c->close_after = 0;
	c->sent_ns = now_ns();
	lg->sent++;
}

static int all_idle(const struct lg *lg)
{
	for (int i = 0; i < lg->nconns; i++) {
		if (lg->conns[i].busy)
			return 0;
	}
	return 1;
}

/* Sends the next request on c, unless the run is over or the count reached. */
static void next(struct conn *c)
{
	struct lg *lg = c->lg;

	if (now_ns() >= lg->end_ns)
		lg->stopping = 1;
	if (lg->stopping || lg->sent >= lg->max_requests) {
		if (all_idle(lg))
			event_base_loopbreak(lg->base);
		return;
	}
	send_request(c);
}

static void record(struct lg *lg, uint64_t sent_ns, uint64_t done_ns)
{
	uint64_t us = (done_ns - sent_ns) / 1000u;

	if (done_ns < lg->measure_ns || done_ns > lg->end_ns)
		return;
	if (lg->nlat == lg->cap_lat) {
		size_t cap = lg->cap_lat ? lg->cap_lat * 2 : 65536;
		uint32_t *grown = realloc(lg->lat_us, cap * sizeof(*grown));

		if (!grown) {
			fprintf(stderr, "loadgen: out of memory for latencies\n");
			exit(1);
		}
		lg->lat_us = grown;
		lg->cap_lat = cap;
	}
	lg->lat_us[lg->nlat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static void answered(struct conn *c)
{
	struct lg *lg = c->lg;
	uint64_t done = now_ns();

	c->busy = 0;
	if (c->status == 201) {
		record(lg, c->sent_ns, done);
	} else if (done >= lg->measure_ns && done <= lg->end_ns) {
		lg->other_status++;
		if (lg->shown < ERRORS_SHOWN) {
			lg->shown++;
			fprintf(stderr, "loadgen: status %d: %.*s\n", c->status, (int)c->err_len,
				c->err_body);
		}
	}
	if (c->close_after) {
		bufferevent_free(c->bev);
		c->bev = NULL;
		c->connected = 0;
		if (!lg->stopping && now_ns() < lg->end_ns) {
			conn_open(c);
			return;
		}
	}
	next(c);
}

/* Reads the status line, Content-Length and Connection of a response head. */
static int parse_head(struct conn *c, char *head)
{
	char *line, *save = NULL;
	int have_length = 0;

	if (strncmp(head, "HTTP/1.", 7) != 0 || strlen(head) < 12)
		return -1;
	c->status = atoi(head + 9);
	c->body_left = 0;
	for (line = strtok_r(head, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		if (strncasecmp(line, "Content-Length:", 15) == 0) {
			c->body_left = (size_t)strtoull(line + 15, NULL, 10);
			have_length = 1;
		} else if (strncasecmp(line, "Connection:", 11) == 0 &&
			   strcasestr(line + 11, "close")) {
			c->close_after = 1;
		} else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0) {
			return -1; /* evhttp answers with a length; chunked is not expected */
		}
	}
	if (!have_length)
		c->close_after = 1; /* no length: it would end with the connection */
	return have_length ? 0 : -1;
}

static void conn_failed(struct conn *c, const char *why);

static void on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	while (c->busy) {
		if (c->state == READ_HEAD) {
			struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
			char head[HEAD_MAX];
			size_t n;

			if (end.pos < 0) {
				if (evbuffer_get_length(in) >= HEAD_MAX)
					conn_failed(c, "response head too large");
				return;
			}
			n = (size_t)end.pos + 4;
			if (n >= HEAD_MAX) {
				conn_failed(c, "response head too large");
				return;
			}
			evbuffer_remove(in, head, n);
			head[n] = '\0';
			if (parse_head(c, head) < 0) {
				conn_failed(c, "unreadable response head");
				return;
			}
			c->state = READ_BODY;
			c->err_len = 0;
		}
		{
			size_t avail = evbuffer_get_length(in);
			size_t n = avail < c->body_left ? avail : c->body_left;

			if (c->status != 201 && c->err_len < sizeof(c->err_body)) {
				size_t keep = sizeof(c->err_body) - c->err_len;
				if (keep > n)
					keep = n;
				evbuffer_copyout(in, c->err_body + c->err_len, keep);
				c->err_len += keep;
			}
			evbuffer_drain(in, n);
			c->body_left -= n;
			if (c->body_left > 0)
				return;
		}
		answered(c);
		if (!c->bev || bufferevent_get_input(c->bev) != in)
			return; /* closed and perhaps reopened */
	}
}

static void conn_failed(struct conn *c, const char *why)
{
	struct lg *lg = c->lg;
	uint64_t t = now_ns();

	if (c->busy && t >= lg->measure_ns && t <= lg->end_ns)
		lg->errors++;
	if (lg->errors <= ERRORS_SHOWN && c->busy)
		fprintf(stderr, "loadgen: connection error: %s\n", why);
	c->busy = 0;
	if (c->bev)
		bufferevent_free(c->bev);
	c->bev = NULL;
	c->connected = 0;
	if (lg->stopping || t >= lg->end_ns) {
		if (all_idle(lg))
			event_base_loopbreak(lg->base);
		return;
	}
	if (++lg->reconnects > RECONNECTS_MAX) {
		fprintf(stderr, "loadgen: more than %d reconnects; is the server up?\n",
			RECONNECTS_MAX);
		event_base_loopbreak(lg->base);
		return;
	}
	conn_open(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		int one = 1;

		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->connected = 1;
		next(c);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_failed(c, what & BEV_EVENT_EOF ? "closed by the server"
						    : evutil_socket_error_to_string(
							      EVUTIL_SOCKET_ERROR()));
}

static void conn_open(struct conn *c)
{
	struct lg *lg = c->lg;

	c->bev = bufferevent_socket_new(lg->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		fprintf(stderr, "loadgen: out of memory\n");
		exit(1);
	}
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&lg->addr, sizeof(lg->addr)) <
	    0)
		conn_failed(c, "connect failed");
}

static void end_of_run(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;

	(void)fd;
	(void)what;
	lg->stopping = 1;
	if (all_idle(lg))
		event_base_loopbreak(lg->base);
}

static void give_up(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (nearest rank) of the sorted latencies, in ms. */
static double quantile_ms(const struct lg *lg, double q)
{
	size_t rank;

	if (lg->nlat == 0)
		return 0;
	rank = (size_t)(q * (double)lg->nlat + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > lg->nlat)
		rank = lg->nlat;
	return lg->lat_us[rank - 1] / 1000.0;
}

/* -F: a port of 127.0.0.1 that nobody listens on now. */
static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		perror("loadgen: free port");
		return 1;
	}
	close(fd);
	printf("%u\n", ntohs(a.sin_port));
	return 0;
}

/* One blocking GET /healthz; 1 when it answered 200 with "status":"ok". */
static int healthy(const struct sockaddr_in *addr)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				  "Connection: close\r\n\r\n";
	char buf[8192];
	size_t used = 0;
	ssize_t n;
	struct timeval tv = {1, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	if (fd < 0)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		close(fd);
		return 0;
	}
	while (used < sizeof(buf) - 1 && (n = read(fd, buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	ok = strncmp(buf, "HTTP/1.1 200", 12) == 0 && strstr(buf, "\"status\":\"ok\"");
	return ok;
}

static int wait_ready(const struct sockaddr_in *addr, int secs)
{
	uint64_t until = now_ns() + (uint64_t)secs * 1000000000u;
	struct timespec pause = {0, 20 * 1000000};

	do {
		if (healthy(addr))
			return 0;
		nanosleep(&pause, NULL);
	} while (now_ns() < until);
	fprintf(stderr, "loadgen: 127.0.0.1:%u did not answer GET /healthz with status ok "
			"within %d s\n",
		ntohs(addr->sin_port), secs);
	return 1;
}

/* -B: the first n bodies a run with lg's seed would send (make_body is the only user of
 * the generator), one a line: a body is JSON with its strings escaped, so no newline. */
static int dump_bodies(struct lg *lg, const char *samples, unsigned long long n)
{
	if (load_samples(lg, samples) < 0)
		return 2;
	for (unsigned long long i = 0; i < n; i++) {
		int len = make_body(lg);

		if (len < 0 || len >= (int)sizeof(lg->body)) {
			fprintf(stderr, "loadgen: a ticket body did not fit in %d bytes\n", BODY_MAX);
			return 1;
		}
		fwrite(lg->body, 1, (size_t)len, stdout);
		putchar('\n');
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: loadgen -p PORT [-a ADDR] [-c CONNS] [-d SECS] [-w WARMUP_SECS]\n"
		"               [-n MAX_REQUESTS] [-f SAMPLES.jsonl] [-t TOKEN | -e ENVVAR]\n"
		"               [-u PATH] [-I] [-s SEED]\n"
		"       loadgen -F            print a free port of 127.0.0.1\n"
		"       loadgen -p PORT -R S  wait up to S s for GET /healthz to be ok\n"
		"       loadgen -B N [-f SAMPLES.jsonl] [-s SEED]\n"
		"                             print the first N bodies of a run, one a line\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct lg lg; /* large: the request body buffer */
	const char *address = "127.0.0.1", *samples = "tests/data/tickets-sample.jsonl";
	const char *token_env = "HOTLINE_TOKEN_AGENT";
	double secs = 10, warmup = 1;
	int port = 0, ready_secs = -1, opt;
	unsigned long long dump = 0;
	struct event *stop_ev, *guard_ev;
	struct timeval tv;
	double window, rate;

	lg.nconns = 64;
	lg.path = "/v1/tickets";
	lg.use_idempotency = 1;
	lg.max_requests = 10000000;
	lg.rng = seed(0);
	while ((opt = getopt(argc, argv, "a:B:c:d:e:f:Fn:p:R:s:t:u:w:Ih")) != -1) {
		switch (opt) {
		case 'a': address = optarg; break;
		case 'B': dump = strtoull(optarg, NULL, 10); break;
		case 'c': lg.nconns = atoi(optarg); break;
		case 'd': secs = atof(optarg); break;
		case 'e': token_env = optarg; break;
		case 'f': samples = optarg; break;
		case 'F': return free_port();
		case 'n': lg.max_requests = strtoull(optarg, NULL, 10); break;
		case 'p': port = atoi(optarg); break;
		case 'R': ready_secs = atoi(optarg); break;
		case 's': lg.rng = seed(strtoull(optarg, NULL, 10)); break;
		case 't': lg.token = optarg; break;
		case 'u': lg.path = optarg; break;
		case 'w': warmup = atof(optarg); break;
		case 'I': lg.use_idempotency = 0; break;
		default: usage();
		}
	}
	if (dump > 0)
		return dump_bodies(&lg, samples, dump);
	if (port <= 0 || port > 65535 || lg.nconns < 1 || lg.nconns > 10000 || secs <= 0 ||
	    secs > 3600 || warmup < 0 || warmup > 600 || lg.max_requests == 0)
		usage();
	lg.addr.sin_family = AF_INET;
	lg.addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, address, &lg.addr.sin_addr) != 1) {
		fprintf(stderr, "loadgen: %s is not an IPv4 literal\n", address);
		return 2;
	}
	snprintf(lg.host, sizeof(lg.host), "%s:%d", address, port);
	if (ready_secs >= 0)
		return wait_ready(&lg.addr, ready_secs);
	if (!lg.token)
		lg.token = getenv(token_env);
	if (!lg.token || !*lg.token) {
		fprintf(stderr, "loadgen: no token: pass -t TOKEN or set %s\n", token_env);
		return 2;
	}
	if (load_samples(&lg, samples) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	lg.base = event_base_new();
	lg.conns = calloc((size_t)lg.nconns, sizeof(*lg.conns));
	if (!lg.base || !lg.conns) {
		fprintf(stderr, "loadgen: out of memory\n");
		return 1;
	}
	lg.start_ns = now_ns();
	lg.measure_ns = lg.start_ns + (uint64_t)(warmup * 1e9);
	lg.end_ns = lg.measure_ns + (uint64_t)(secs * 1e9);
	/* the end of the run, and a guard that ends the loop whatever is still in flight */
	stop_ev = evtimer_new(lg.base, end_of_run, &lg);
	guard_ev = evtimer_new(lg.base, give_up, lg.base);
	tv.tv_sec = (time_t)(warmup + secs);
	tv.tv_usec = (suseconds_t)((warmup + secs - (double)tv.tv_sec) * 1e6);
	evtimer_add(stop_ev, &tv);
	tv.tv_sec += DRAIN_SECS;
	evtimer_add(guard_ev, &tv);
	for (int i = 0; i < lg.nconns; i++) {
		lg.conns[i].lg = &lg;
		conn_open(&lg.conns[i]);
	}
	event_base_dispatch(lg.base);

	for (int i = 0; i < lg.nconns; i++) {
		if (lg.conns[i].busy)
			lg.unfinished++;
		if (lg.conns[i].bev)
			bufferevent_free(lg.conns[i].bev);
	}
	event_free(stop_ev);
	event_free(guard_ev);
	event_base_free(lg.base);

	qsort(lg.lat_us, lg.nlat, sizeof(*lg.lat_us), cmp_u32);
	window = secs;
	rate = (double)lg.nlat / window;
	printf("loadgen: %d connections to %s:%d%s, %.1f s warm-up + %.1f s measured, "
	       "%zu sample texts\n",
	       lg.nconns, address, port, lg.path, warmup, secs, lg.nsamples);
	printf("  201: %zu (%.1f/s)   other statuses: %" PRIu64 "   connection errors: %" PRIu64
	       "   unanswered at the end: %" PRIu64 "\n",
	       lg.nlat, rate, lg.other_status, lg.errors, lg.unfinished);
	printf("  latency of the 201s, ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
	       quantile_ms(&lg, 0.50), quantile_ms(&lg, 0.99), quantile_ms(&lg, 0.999),
	       quantile_ms(&lg, 1.0));
	printf("RESULT conns=%d secs=%.3f accepted=%zu rate=%.1f p50_ms=%.3f p99_ms=%.3f "
	       "p999_ms=%.3f max_ms=%.3f other=%" PRIu64 " errors=%" PRIu64
	       " unfinished=%" PRIu64 "\n",
	       lg.nconns, window, lg.nlat, rate, quantile_ms(&lg, 0.50), quantile_ms(&lg, 0.99),
	       quantile_ms(&lg, 0.999), quantile_ms(&lg, 1.0), lg.other_status, lg.errors,
	       lg.unfinished);
	free(lg.lat_us);
	free(lg.conns);
	for (size_t i = 0; i < lg.nsamples; i++) {
		free(lg.samples[i].title);
		free(lg.samples[i].content);
		free(lg.samples[i].address);
	}
	return lg.nlat > 0 ? 0 : 1;
}
