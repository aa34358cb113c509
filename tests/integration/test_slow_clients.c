/* Integration tests: misbehaving HTTP clients cannot hurt the hotline (issue 8). Against
 * a real hotlined with http.timeout 2s: half a request that stalls, 1,000 idle
 * connections, a slow reader (pipelined GETs, nothing read), a body trickled one byte at
 * a time alongside 200 endless header blocks, and more idle connections than hotlined
 * has descriptors. Each time a normal POST /v1/tickets still gets its 201, the server
 * closes what stalls after the timeout (not before), and SIGTERM ends hotlined with
 * status 0. hotlined caps what it reads ahead from one connection (HL_INPUT_HIGH) and
 * pauses accepting when out of descriptors instead of spinning (core/http/http.c). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* http.timeout of these tests. 2 s rather than 1 s: on a loaded machine (2 shared
 * cores, a sanitizer build) the normal requests made "while the bad clients hang on"
 * must reliably finish before the server is allowed to drop those. */
#define TIMEOUT "2s"
#define TIMEOUT_MS 2000
#define EARLY_SLACK_MS 100  /* timer granularity: a close this much early is not early */
#define LATE_MS 3000        /* a close is due within the timeout + this */
#define IDLE_CONNECTIONS 1000

static struct hlt_fixture fx = {
	.setup = HLT_SETUP_CONFIG,
	.daemon.http_timeout = TIMEOUT,
};
HLT_SUITE(slow_clients, fx);

static void sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* The soft RLIMIT_NOFILE of this process is at least `want` (raised up to the hard
 * limit when it is not). */
static void need_descriptors(rlim_t want)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want
										   : rl.rlim_max;
		cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0, "setrlimit: %s", strerror(errno));
	}
	cr_assert(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want,
		  "RLIMIT_NOFILE is %llu, these tests need %llu",
		  (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

/* Starts hotlined; with nofile > 0 it runs with that soft RLIMIT_NOFILE (it inherits
 * this process's limits, which are restored once it runs). */
static void start_daemon(rlim_t nofile)
{
	struct rlimit saved, low;
	int started;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	if (nofile > 0) {
		low = saved;
		low.rlim_cur = nofile;
		cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0, "setrlimit: %s", strerror(errno));
	}
	started = hlt_daemon_start(&fx.daemon);
	if (nofile > 0)
		cr_assert_eq(setrlimit(RLIMIT_NOFILE, &saved), 0, "setrlimit: %s", strerror(errno));
	cr_assert_eq(started, 0, "hotlined did not start:\n%s", hlt_read_file(fx.daemon.log));
	cr_assert(hlt_daemon_wait_ready(&fx.daemon, 5000), "not ready:\n%s",
		  hlt_read_file(fx.daemon.log));
}

/* The text of hotlined's /proc/<pid>/<name> (hlt_read_file cannot: /proc files have no
 * size); the caller frees. NULL when unreadable. */
static char *daemon_proc(const char *name)
{
	char path[64], *text = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)fx.daemon.pid, name);
	if (!(f = fopen(path, "r")))
		return NULL;
	for (;;) {
		char *more = realloc(text, len + 4096 + 1);
		size_t n;

		if (!more) {
			free(text);
			text = NULL;
			break;
		}
		text = more;
		n = fread(text + len, 1, 4096, f);
		len += n;
		text[len] = '\0';
		if (n == 0)
			break;
	}
	fclose(f);
	return text;
}

/* The number after `label` in /proc/<hotlined>/<file> ("unlimited" is LONG_MAX); -1
 * when unreadable. */
static long daemon_proc_number(const char *file, const char *label)
{
	char *text = daemon_proc(file), *at;
	long n = -1;

	at = text ? strstr(text, label) : NULL;
	if (at) {
		at += strlen(label);
		while (*at == ' ' || *at == '\t')
			at++;
		n = strncmp(at, "unlimited", 9) == 0 ? LONG_MAX : strtol(at, NULL, 10);
	}
	free(text);
	return n;
}

/* hotlined's soft limit on open files. */
static long daemon_nofile(void)
{
	return daemon_proc_number("limits", "Max open files");
}

/* The descriptors hotlined holds open (listener, Redis links, log, clients). */
static int daemon_fds(void)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)fx.daemon.pid);
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* hotlined's descriptors once the count has not changed for 300 ms (within 3 s): a
 * connection it has just answered with Connection: close may be shut down but not yet
 * closed. -1 when unreadable. */
static int settled_daemon_fds(void)
{
	int64_t deadline = hlt_now_ms() + 3000, since = hlt_now_ms();
	int n = daemon_fds();

	while (n >= 0 && hlt_now_ms() - since < 300 && hlt_now_ms() < deadline) {
		int m;

		sleep_ms(20);
		if ((m = daemon_fds()) != n) {
			n = m;
			since = hlt_now_ms();
		}
	}
	return n;
}

/* The TCP state (1 established, 4 FIN-WAIT-1, ...) of hotlined's end of the connection
 * from our local port `port`, from /proc/net/tcp, and what it holds unsent or unacked in
 * *tx_queue; 0 when it is not there. */
static int daemon_side(int port, unsigned long *tx_queue)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	int state = 0;

	*tx_queue = 0;
	if (!f)
		return -1;
	while (!state && fgets(line, sizeof(line), f)) {
		unsigned int laddr, lport, raddr, rport, st;
		unsigned long txq;

		if (sscanf(line, " %*d: %x:%x %x:%x %x %lx", &laddr, &lport, &raddr, &rport, &st,
			   &txq) == 6 &&
		    (int)lport == fx.daemon.port && (int)rport == port) {
			state = (int)st;
			*tx_queue = txq;
		}
	}
	fclose(f);
	return state;
}

/* Our local port of a connected socket. */
static int local_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	return getsockname(fd, (struct sockaddr *)&sa, &len) == 0 ? ntohs(sa.sin_port) : -1;
}

/* Waits up to timeout_ms for hotlined to hold at most `fds` descriptors; returns how
 * many it holds then. */
static int wait_daemon_fds(int fds, int timeout_ms)
{
	int64_t deadline = hlt_now_ms() + timeout_ms;
	int n;

	while ((n = daemon_fds()) > fds && hlt_now_ms() < deadline)
		sleep_ms(20);
	return n;
}

/* CPU time hotlined has used (user + system), in ms; -1 when unreadable. */
static int64_t daemon_cpu_ms(void)
{
	char *text = daemon_proc("stat"), *p;
	unsigned long long utime = 0, stime = 0;
	int64_t ms = -1;

	p = text ? strrchr(text, ')') : NULL; /* the command may hold spaces */
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
			&stime) == 2)
		ms = (int64_t)((utime + stime) * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK));
	free(text);
	return ms;
}

/* hotlined's resident memory in KiB; -1 when unreadable. */
static long daemon_rss_kib(void)
{
	return daemon_proc_number("status", "\nVmRSS:");
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Lines of `path` after its first `from` bytes that contain `needle`. */
static long count_lines(const char *path, long from, const char *needle)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long n = 0;

	if (!f)
		return -1;
	if (from > 0)
		fseek(f, from, SEEK_SET);
	while (getline(&line, &cap, f) >= 0)
		n += strstr(line, needle) != NULL;
	free(line);
	fclose(f);
	return n;
}

/* A non-blocking TCP socket connecting to hotlined (the connection may still be under
 * way), with a receive buffer of rcvbuf bytes when rcvbuf > 0. -1 when it failed. */
static int connect_nb(int rcvbuf)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)fx.daemon.port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Waits until `deadline` for each of the n sockets to be connected. Returns how many
 * are; the others are closed and set to -1. */
static int wait_connected(int *fds, int n, int64_t deadline)
{
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	int pending = 0, connected = 0;

	cr_assert_not_null(p);
	for (int i = 0; i < n; i++) {
		p[i] = (struct pollfd){.fd = fds[i], .events = POLLOUT};
		pending += fds[i] >= 0;
	}
	while (pending > 0 && hlt_now_ms() < deadline) {
		if (poll(p, (nfds_t)n, (int)(deadline - hlt_now_ms())) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			int err = 0;
			socklen_t len = sizeof(err);

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err) {
				close(fds[i]);
				fds[i] = -1;
			} else {
				connected++;
			}
			p[i].fd = -1;
			pending--;
		}
	}
	for (int i = 0; i < n; i++) {
		if (p[i].fd >= 0) { /* still connecting at the deadline */
			close(fds[i]);
			fds[i] = -1;
		}
	}
	free(p);
	return connected;
}

/* Connects one socket (bounded by 5 s); -1 when it could not. */
static int connect_daemon(int rcvbuf)
{
	int fd = connect_nb(rcvbuf);

	if (fd >= 0)
		wait_connected(&fd, 1, hlt_now_ms() + 5000);
	return fd;
}

/* Opens n idle connections in batches of 50, each batch once hotlined has taken in the
 * one before (holds baseline + that many descriptors): connecting faster than it
 * accepts overflows its listen queue, and a connection the kernel keeps half-open
 * there is taken in seconds later, its idle time starting only then. opened[i] gets
 * when connection i was started (before hotlined took it in). Returns how many were
 * made (within 10 s per batch); the failed ones are -1. */
static int open_connections(int *fds, int64_t *opened, int n, int baseline)
{
	int made = 0;

	for (int i = 0; i < n; i += 50) {
		int batch = n - i < 50 ? n - i : 50;
		int64_t deadline;

		for (int k = i; k < i + batch; k++) {
			opened[k] = hlt_now_ms();
			fds[k] = connect_nb(0);
		}
		made += wait_connected(fds + i, batch, hlt_now_ms() + 10000);
		deadline = hlt_now_ms() + 10000;
		while (daemon_fds() < baseline + made && hlt_now_ms() < deadline)
			sleep_ms(5);
	}
	return made;
}

/* Sends all of data[0..len) on a non-blocking socket within 5 s. Returns 0 or -1. */
static int send_all(int fd, const char *data, size_t len)
{
	int64_t deadline = hlt_now_ms() + 5000;

	for (size_t sent = 0; sent < len && hlt_now_ms() < deadline;) {
		ssize_t n = send(fd, data + sent, len - sent, MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			if (sent == len)
				return 0;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			poll(&p, 1, 50);
		} else {
			return -1;
		}
	}
	return len == 0 ? 0 : -1;
}

/* Is the connection still there? Nothing to read and no hang-up (reads nothing). */
static int still_open(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};

	return poll(&p, 1, 0) == 0;
}

/* Reads whatever is there without waiting. Returns 0 when the server closed (EOF),
 * -errno when the connection failed (-ECONNRESET), 1 when it is still open. */
static int drain(int fd, size_t *got)
{
	for (;;) {
		char buf[65536];
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0) {
			if (got)
				*got += (size_t)n;
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : -errno;
	}
}

/* Waits until `deadline` for the server to close each of the n sockets (recv gives 0
 * or ECONNRESET), reading and dropping what it sends. closed_at[i] gets when it did
 * (hlt_now_ms), or -1 when it was still open at the deadline. Returns how many closed. */
static int wait_closed(const int *fds, int n, int64_t deadline, int64_t *closed_at)
{
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	int pending = 0, closed = 0;

	cr_assert_not_null(p);
	for (int i = 0; i < n; i++) {
		p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN | POLLRDHUP};
		closed_at[i] = -1;
		pending += fds[i] >= 0;
	}
	while (pending > 0 && hlt_now_ms() < deadline) {
		if (poll(p, (nfds_t)n, (int)(deadline - hlt_now_ms())) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			int rc;

			if (p[i].fd < 0 || !p[i].revents || (rc = drain(p[i].fd, NULL)) == 1)
				continue;
			cr_expect(rc == 0 || rc == -ECONNRESET,
				  "a connection hotlined should close failed otherwise: %s",
				  strerror(-rc));
			closed_at[i] = hlt_now_ms();
			p[i].fd = -1;
			pending--;
			closed++;
		}
	}
	free(p);
	return closed;
}

static const char ticket_body[] =
	"{\"channel\":\"hotline\",\"title\":\"停水\",\"content\":\"家中停水，来电人很着急\","
	"\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150040\"}";

/* The whole POST /v1/tickets of a well-behaved client, with Content-Length. */
static char *ticket_request(void)
{
	char *req = NULL;

	cr_assert_geq(asprintf(&req,
			       "POST /v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			       "Authorization: Bearer " HLT_TOKEN_AGENT "\r\n"
			       "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
			       strlen(ticket_body), ticket_body),
		      0);
	return req;
}

/* Reads an answer's status line and headers from fd (within 5 s); returns the status,
 * or -1 when none came. The text read is copied into buf (at most len - 1 bytes). */
static int read_status(int fd, char *buf, size_t len)
{
	size_t got = 0;
	int status = -1;

	buf[0] = '\0';
	for (int64_t deadline = hlt_now_ms() + 5000; hlt_now_ms() < deadline && got + 1 < len &&
						  !strstr(buf, "\r\n\r\n");) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		poll(&p, 1, 100);
		n = recv(fd, buf + got, len - 1 - got, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break;
		if (n > 0)
			buf[got += (size_t)n] = '\0';
	}
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		status = -1;
	return status;
}

/* A normal client on its own connection: POST /v1/tickets gets 201 and a ticket id (the
 * harness's client gives up after 5 s). Returns how long it took, in ms. */
static int64_t normal_post(const char *while_what)
{
	struct hlt_response r;
	char id[64];
	int64_t start = hlt_now_ms();
	int status = hlt_request(fx.daemon.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT, NULL,
				 ticket_body, &r);
	int64_t took = hlt_now_ms() - start;

	cr_expect_eq(status, 201, "POST /v1/tickets while %s: %d after %lld ms %s", while_what,
		     status, (long long)took, r.body ? r.body : "");
	if (status == 201)
		cr_expect_neq(hlt_json_member(r.body, "id", id, sizeof(id))[0], '\0', "%s", r.body);
	hlt_response_free(&r);
	return took;
}

/* GET /healthz answers 200 with status ok. */
static int64_t normal_healthz(const char *while_what)
{
	char *body = NULL;
	int64_t start = hlt_now_ms();
	int status = hlt_http(fx.daemon.port, "GET", "/healthz", NULL, &body);
	int64_t took = hlt_now_ms() - start;

	cr_expect_eq(status, 200, "GET /healthz while %s: %d after %lld ms", while_what, status,
		     (long long)took);
	cr_expect(body && strstr(body, "\"status\":\"ok\""), "GET /healthz while %s: %s",
		  while_what, body ? body : "(none)");
	free(body);
	return took;
}

/* SIGTERM must end hotlined by itself with status 0 (under the sanitizers: no leak). */
static void stop_cleanly(void)
{
	int64_t start = hlt_now_ms();
	int status = hlt_daemon_stop(&fx.daemon, SIGTERM, 10000);

	cr_expect_eq(status, 0, "hotlined exited %d, %lld ms after SIGTERM; log: %s", status,
		     (long long)(hlt_now_ms() - start), fx.daemon.log);
}

/* 1. Half a request, then nothing: the connection is closed after the timeout, and
 * the normal client is served meanwhile. */
Test(slow_clients, half_a_request_is_closed_after_the_timeout_and_stalls_nobody)
{
	char *whole = ticket_request();
	const char *blank = strstr(whole, "\r\n\r\n");
	size_t head_len = (size_t)(blank - whole) + 4, body_len = strlen(whole) - head_len;
	/* Inside the header block; every header but no body; the headers and half the
	 * body. */
	const size_t cut[] = {head_len / 2, head_len, head_len + body_len / 2};
	const char *const what[] = {"half the header block", "the headers, no body",
				    "the headers and half the body"};
	enum { N = 3 };
	int fds[N], open_after = 0;
	int64_t sent[N], closed_at[N], stalled, took = 0;

	start_daemon(0);
	for (int i = 0; i < N; i++) {
		fds[i] = connect_daemon(0);
		cr_assert_geq(fds[i], 0, "connect: %s", strerror(errno));
		cr_assert_eq(send_all(fds[i], whole, cut[i]), 0, "send: %s", strerror(errno));
		sent[i] = hlt_now_ms();
	}
	stalled = hlt_now_ms();

	took += normal_post("three clients stall mid-request");
	took += normal_healthz("three clients stall mid-request");
	took += normal_post("three clients stall mid-request");
	for (int i = 0; i < N; i++)
		open_after += still_open(fds[i]);
	if (hlt_now_ms() - sent[0] < TIMEOUT_MS - EARLY_SLACK_MS)
		cr_expect_eq(open_after, N, "only %d of the stalled clients were still connected "
					    "%lld ms after they stalled (http.timeout %s)",
			     open_after, (long long)(hlt_now_ms() - sent[0]), TIMEOUT);
	else
		cr_log_warn("the normal requests took %lld ms: too slow to see them served while "
			    "the stalled clients were certainly connected",
			    (long long)took);

	cr_expect_eq(wait_closed(fds, N, stalled + TIMEOUT_MS + LATE_MS, closed_at), N,
		     "a stalled client was still connected %d ms after the timeout", LATE_MS);
	for (int i = 0; i < N; i++) {
		int64_t after = closed_at[i] - sent[i];

		cr_expect_neq(closed_at[i], -1, "%s: not closed within timeout + %d ms", what[i],
			      LATE_MS);
		if (closed_at[i] >= 0)
			cr_expect_geq(after, TIMEOUT_MS - EARLY_SLACK_MS,
				      "%s: closed %lld ms after it stalled, before the timeout",
				      what[i], (long long)after);
		cr_log_info("%s: closed %lld ms after it stalled", what[i], (long long)after);
		close(fds[i]);
	}
	free(whole);

	normal_post("the stalled clients are gone");
	normal_healthz("the stalled clients are gone");
	stop_cleanly();
}

/* 2. 1,000 connections that send nothing: the normal client is served while they are
 * open, the server closes every one after the timeout, and is healthy afterwards. */
Test(slow_clients, a_thousand_idle_connections_stall_nobody_and_are_closed_after_the_timeout)
{
	static int fds[IDLE_CONNECTIONS];
	static int64_t opened[IDLE_CONNECTIONS], closed_at[IDLE_CONNECTIONS];
	int64_t first, all_open, latest = 0, earliest = INT64_MAX;
	int connected, closed, open_after = 0, early = 0, baseline, fds_after;
	long nofile;

	/* This process holds the 1,000 sockets; hotlined (which inherits these limits)
	 * holds their other ends, plus its own dozen. */
	need_descriptors(IDLE_CONNECTIONS + 256);
	start_daemon(0);
	nofile = daemon_nofile();
	cr_assert_geq(nofile, IDLE_CONNECTIONS + 64, "hotlined may open only %ld files", nofile);
	baseline = settled_daemon_fds();
	cr_assert_gt(baseline, 0, "cannot read /proc/%d/fd", (int)fx.daemon.pid);

	first = hlt_now_ms();
	connected = open_connections(fds, opened, IDLE_CONNECTIONS, baseline);
	all_open = hlt_now_ms();
	cr_assert_eq(connected, IDLE_CONNECTIONS, "only %d of %d connections were made",
		     connected, IDLE_CONNECTIONS);

	normal_post("1,000 connections are idle");
	normal_healthz("1,000 connections are idle");
	normal_post("1,000 connections are idle");
	for (int i = 0; i < IDLE_CONNECTIONS; i++)
		open_after += still_open(fds[i]);
	if (hlt_now_ms() - first < TIMEOUT_MS - EARLY_SLACK_MS)
		cr_expect_eq(open_after, IDLE_CONNECTIONS,
			     "only %d idle connections were open %lld ms after the first connect",
			     open_after, (long long)(hlt_now_ms() - first));
	else
		cr_log_warn("connecting and the normal requests took %lld ms: too slow to see "
			    "them served while all idle connections were certainly open",
			    (long long)(hlt_now_ms() - first));

	/* Every one of them, not a sample. */
	closed = wait_closed(fds, IDLE_CONNECTIONS, all_open + TIMEOUT_MS + LATE_MS, closed_at);
	cr_expect_eq(closed, IDLE_CONNECTIONS, "%d of %d idle connections were still open %d ms "
					       "after the timeout",
		     IDLE_CONNECTIONS - closed, IDLE_CONNECTIONS, LATE_MS);
	for (int i = 0; i < IDLE_CONNECTIONS; i++) {
		int64_t after = closed_at[i] - opened[i];

		if (closed_at[i] < 0)
			continue;
		early += after < TIMEOUT_MS - EARLY_SLACK_MS;
		if (after < earliest)
			earliest = after;
		if (after > latest)
			latest = after;
	}
	cr_expect_eq(early, 0, "%d idle connections were closed before the timeout", early);
	cr_log_info("%d idle connections made in %lld ms; each closed %lld to %lld ms after "
		    "its connect",
		    connected, (long long)(all_open - first), (long long)earliest, (long long)latest);
	for (int i = 0; i < IDLE_CONNECTIONS; i++)
		close(fds[i]);

	/* hotlined let go of every one of them. */
	fds_after = wait_daemon_fds(baseline, 3000);
	cr_expect_leq(fds_after, baseline, "hotlined holds %d descriptors, %d before the idle "
					   "connections",
		      fds_after, baseline);
	normal_healthz("the idle connections are gone");
	normal_post("the idle connections are gone");
	stop_cleanly();
}

/* One of the slow reader's requests. */
static const char pipelined_get[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/* Sends copies of pipelined_get on fd (non-blocking) until `total` bytes are sent, the
 * server takes nothing for 500 ms, or 10 s pass. Returns the bytes sent. */
static size_t pipeline(int fd, size_t total)
{
	enum { COPIES = 4096 };
	size_t one = sizeof(pipelined_get) - 1, chunk = one * COPIES, sent = 0, at = 0;
	char *buf = malloc(chunk);
	int64_t start = hlt_now_ms(), progress = start;

	cr_assert_not_null(buf);
	for (size_t i = 0; i < COPIES; i++)
		memcpy(buf + i * one, pipelined_get, one);
	while (sent < total && hlt_now_ms() - progress < 500 && hlt_now_ms() - start < 10000) {
		size_t want = chunk - at < total - sent ? chunk - at : total - sent;
		ssize_t n = send(fd, buf + at, want, MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			at = (at + (size_t)n) % chunk;
			progress = hlt_now_ms();
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			poll(&p, 1, 50);
		} else {
			break; /* the server is gone */
		}
	}
	free(buf);
	return sent;
}

/* Has hotlined written more to the slow reader since *queued and *txq (the answers
 * in our receive queue, and in its send queue) were taken? Updates both, and *state
 * (hotlined's end's TCP state: once it is no longer established, the FIN it queued
 * is no progress). */
static int progressed(int fd, int port, int *queued, unsigned long *txq, int *state)
{
	int inq = 0, moved;
	unsigned long tx;

	ioctl(fd, SIOCINQ, &inq);
	*state = daemon_side(port, &tx);
	moved = *state == 1 && (inq != *queued || tx != *txq);
	*queued = inq;
	*txq = tx;
	return moved;
}

/* 3. A slow reader: 20,000 pipelined GETs, not one answer read. Others are served
 * meanwhile; once hotlined's writes to it have made no progress for the timeout,
 * hotlined drops it. */
Test(slow_clients, a_slow_reader_stalls_nobody_and_is_dropped_after_the_timeout)
{
	enum { REQUESTS = 20000, ESTABLISHED = 1 };
	size_t total = (sizeof(pipelined_get) - 1) * REQUESTS, sent, got = 0, answer_len;
	struct hlt_response r;
	int64_t start, settled, dropped_at = -1;
	int fd, port, baseline, queued = 0, end, state;
	unsigned long txq = 0;

	start_daemon(0);
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/healthz", NULL, NULL, NULL, &r), 200);
	answer_len = strlen(r.headers) + 4 + strlen(r.body);
	hlt_response_free(&r);
	baseline = settled_daemon_fds();
	cr_assert_gt(baseline, 0, "cannot read /proc/%d/fd", (int)fx.daemon.pid);

	fd = connect_daemon(4096); /* a small window: hotlined's writes block soon */
	cr_assert_geq(fd, 0, "connect: %s", strerror(errno));
	port = local_port(fd);
	start = hlt_now_ms();
	sent = pipeline(fd, total);
	cr_expect_gt(sent, 0, "no request could be sent");

	/* Wait until hotlined's writes stop making progress: the answers queued on our
	 * side and in its socket's send queue stop growing (its send buffer grows to
	 * megabytes first, which a sanitizer build takes more than a second to fill). */
	settled = hlt_now_ms();
	while (hlt_now_ms() - settled < 500 && hlt_now_ms() - start < 10000) {
		if (progressed(fd, port, &queued, &txq, &state))
			settled = hlt_now_ms();
		sleep_ms(20);
	}
	cr_expect_lt((size_t)queued, answer_len * REQUESTS / 2,
		     "hotlined was not held up by the slow reader: %d answer bytes queued", queued);
	cr_log_info("slow reader: %zu of %zu request bytes sent; %d answer bytes queued unread "
		    "(all answers: %zu)",
		    sent, total, queued, answer_len * REQUESTS);

	normal_post("a slow reader reads nothing");
	normal_healthz("a slow reader reads nothing");
	normal_post("a slow reader reads nothing");
	/* They were served while hotlined still held the slow reader, its writes blocked. */
	if (progressed(fd, port, &queued, &txq, &state))
		settled = hlt_now_ms();
	if (hlt_now_ms() - settled < TIMEOUT_MS - EARLY_SLACK_MS)
		cr_expect_eq(state, ESTABLISHED, "hotlined's end of the slow reader's connection "
						 "was in TCP state %d %lld ms after its last write "
						 "progress",
			     state, (long long)(hlt_now_ms() - settled));
	else
		cr_log_warn("the normal requests took too long to see them served while the slow "
			    "reader was certainly held");

	/* hotlined's FIN waits behind the answers it handed to the kernel, so it cannot be
	 * seen from here without reading: look at hotlined's end of the connection. The
	 * timeout runs from its last write progress. */
	while (hlt_now_ms() < settled + TIMEOUT_MS + LATE_MS) {
		if (progressed(fd, port, &queued, &txq, &state))
			settled = hlt_now_ms();
		if (state != ESTABLISHED) {
			dropped_at = hlt_now_ms();
			break;
		}
		sleep_ms(10);
	}
	cr_expect_neq(dropped_at, -1, "hotlined still held the slow reader %d ms after the "
				      "timeout (from its last write progress)",
		      LATE_MS);
	if (dropped_at >= 0)
		cr_expect_geq(dropped_at - start, TIMEOUT_MS - EARLY_SLACK_MS,
			      "the slow reader was dropped %lld ms after its first request",
			      (long long)(dropped_at - start));
	cr_log_info("slow reader dropped %lld ms after hotlined's last write progress (TCP state "
		    "then %d); %d answer bytes queued here, %lu in hotlined's send queue",
		    (long long)(dropped_at - settled), state, queued, txq);

	/* Reading now gets what the kernel still holds, then the end of the connection,
	 * short of the answers to all requests. */
	end = 1;
	for (int64_t deadline = hlt_now_ms() + 5000; end == 1 && hlt_now_ms() < deadline;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		poll(&p, 1, 100);
		end = drain(fd, &got);
	}
	cr_expect_neq(end, 1, "the slow reader's connection did not end (%zu bytes read)", got);
	cr_expect_lt(got, answer_len * REQUESTS, "every request was answered");
	close(fd);
	cr_expect_leq(wait_daemon_fds(baseline, 3000), baseline,
		      "hotlined still holds the slow reader's socket");

	normal_post("the slow reader is gone");
	stop_cleanly();
}

/* 3b. The same slow reader, pipelining without end: hotlined must stop taking in what
 * it sends while no answer can be written, so that TCP holds the client back. 128 MiB
 * are offered; the client may get no more than 32 MiB out (the kernel's socket buffers
 * on both sides and hotlined's own cap), sending until it makes no progress for 0.5 s.
 * The memory hotlined grew by is logged; it is not asserted, since under ASan freed
 * memory is held in quarantine. */
Test(slow_clients, a_slow_reader_cannot_make_hotlined_buffer_without_bound)
{
	const size_t offered = (size_t)128 << 20, allowed = (size_t)32 << 20;
	long before, after;
	size_t sent;
	int fd;

	start_daemon(0);
	normal_healthz("nothing else happens");
	before = daemon_rss_kib();
	cr_assert_gt(before, 0, "cannot read /proc/%d/status", (int)fx.daemon.pid);

	fd = connect_daemon(4096);
	cr_assert_geq(fd, 0, "connect: %s", strerror(errno));
	sent = pipeline(fd, offered);
	sleep_ms(200); /* hotlined reads what is still in its socket */
	after = daemon_rss_kib();
	cr_log_info("slow reader pipelined %zu MiB without reading; hotlined's memory grew "
		    "from %ld to %ld KiB",
		    sent >> 20, before, after);
	cr_expect_lt(sent, allowed,
		     "hotlined took in %zu MiB of pipelined requests from a client that reads "
		     "nothing (its memory grew by %ld MiB from %ld KiB)",
		     sent >> 20, (after - before) >> 10, before);

	normal_post("a slow reader pipelines without end");
	close(fd); /* with unread answers: a reset, hotlined frees the connection */
	normal_healthz("the slow reader is gone");
	stop_cleanly();
}

/* 4. evhttp's timeout is per read (and per write): it drops a client that sends
 * nothing for that long, not one whose request takes longer as a whole. So a body
 * trickled one byte every quarter of the timeout, over 2.5 timeouts, must be served
 * (201), and so must everybody else meanwhile, while 200 other connections trickle an
 * endless header block the same way. Those are dropped after the timeout once they stop.
 * (There is no limit on a request's total time: such connections are bounded only by
 * hotlined's descriptors; see more_idle_connections_than_descriptors_*.) */
Test(slow_clients, a_request_trickled_within_the_timeout_is_served_and_stalls_nobody)
{
	enum { TRICKLED = 10, LORIS = 200 };
	const int64_t gap = TIMEOUT_MS / 4;
	static const char loris_head[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
	char *whole = ticket_request();
	size_t len = strlen(whole);
	int fd, loris[LORIS], connected, loris_open = 0, status;
	int64_t start, next, stopped, last_byte = 0, opened[LORIS], closed_at[LORIS], early = 0;
	char answer[1024];

	need_descriptors(LORIS + 256);
	start_daemon(0);
	connected = open_connections(loris, opened, LORIS, settled_daemon_fds());
	cr_assert_eq(connected, LORIS, "only %d of %d connections were made", connected, LORIS);
	for (int i = 0; i < LORIS; i++)
		cr_assert_eq(send_all(loris[i], loris_head, sizeof(loris_head) - 1), 0);

	fd = connect_daemon(0);
	cr_assert_geq(fd, 0, "connect: %s", strerror(errno));
	cr_assert_eq(send_all(fd, whole, len - TRICKLED), 0);
	start = next = hlt_now_ms();
	for (size_t i = len - TRICKLED; i < len; i++) {
		next += gap;
		sleep_ms(next - hlt_now_ms());
		cr_assert_eq(send_all(fd, whole + i, 1), 0,
			     "hotlined dropped the trickling client %lld ms into its body",
			     (long long)(hlt_now_ms() - start));
		for (int k = 0; k < LORIS; k++)
			send(loris[k], "a", 1, MSG_NOSIGNAL);
		last_byte = hlt_now_ms();
		/* Somebody else, between two bytes. */
		if (i % 2)
			normal_post("a body trickles in and 200 header blocks never end");
		else
			normal_healthz("a body trickles in and 200 header blocks never end");
	}
	stopped = hlt_now_ms();
	cr_log_info("body trickled over %lld ms (http.timeout %s)", (long long)(stopped - start),
		    TIMEOUT);

	/* The trickled request's answer. */
	status = read_status(fd, answer, sizeof(answer));
	cr_expect_eq(status, 201, "the trickled POST /v1/tickets got: %s",
		     answer[0] ? answer : "(nothing)");
	close(fd);
	free(whole);

	/* The endless header blocks were kept (each byte came within the timeout)... */
	for (int i = 0; i < LORIS; i++)
		loris_open += still_open(loris[i]);
	cr_log_info("%d of %d endless header blocks still open after %lld ms", loris_open, LORIS,
		    (long long)(hlt_now_ms() - start));
	/* ...and, now that they stop, they are dropped after the timeout. */
	cr_expect_eq(wait_closed(loris, LORIS, stopped + TIMEOUT_MS + LATE_MS, closed_at), LORIS,
		     "connections with unfinished headers were still open %d ms after the "
		     "timeout",
		     LATE_MS);
	for (int i = 0; i < LORIS; i++) {
		early += closed_at[i] >= 0 && closed_at[i] - last_byte < TIMEOUT_MS - EARLY_SLACK_MS;
		close(loris[i]);
	}
	cr_expect_eq(early, 0, "%lld connections with unfinished headers were dropped before the "
			       "timeout",
		     (long long)early);

	normal_healthz("the trickling clients are gone");
	normal_post("the trickling clients are gone");
	stop_cleanly();
}

/* 5. More idle connections than hotlined may have descriptors (here a limit of 100,
 * as a default `ulimit -n` of 1,024 would be for 1,000 idle connections). New clients
 * cannot be taken in until idle ones go, which no server can help; but hotlined must
 * not spin on accept() (a core's worth of CPU) nor write a warning per attempt to its
 * log, and it must serve again once the idle ones are gone. */
Test(slow_clients, more_idle_connections_than_descriptors_neither_spin_nor_flood_the_log)
{
	enum { LIMIT = 100, IDLE = 160, WINDOW_MS = 1000 };
	char *whole = ticket_request(), answer[1024];
	int fds[IDLE], baseline, keep, status, healthy = 0;
	int64_t cpu_before, cpu_after, window_start, window;
	long log_before, accept_warnings, log_growth;

	need_descriptors(IDLE + 256);
	start_daemon(LIMIT);
	cr_assert_eq(daemon_nofile(), LIMIT);
	baseline = settled_daemon_fds();
	cr_assert(baseline > 0 && baseline < LIMIT - 30, "hotlined holds %d descriptors already",
		  baseline);
	keep = connect_daemon(0); /* a client that connected before the flood */
	cr_assert_geq(keep, 0, "connect: %s", strerror(errno));

	for (int i = 0; i < IDLE; i++)
		fds[i] = connect_nb(0);
	/* Those hotlined could not accept wait in its listen queue (or retry their SYN). */
	sleep_ms(300);
	log_before = file_size(fx.daemon.log);
	cpu_before = daemon_cpu_ms();
	window_start = hlt_now_ms();
	/* The client already connected is still served. */
	cr_assert_eq(send_all(keep, whole, strlen(whole)), 0);
	status = read_status(keep, answer, sizeof(answer));
	cr_expect_eq(status, 201, "POST /v1/tickets on a connection made before hotlined ran out "
				  "of descriptors: %s",
		     answer[0] ? answer : "(nothing)");
	sleep_ms(window_start + WINDOW_MS - hlt_now_ms());
	cpu_after = daemon_cpu_ms();
	window = hlt_now_ms() - window_start;
	close(keep);
	free(whole);
	log_growth = file_size(fx.daemon.log) - log_before;
	cr_log_info("with %d connections and %d descriptors: %d held by hotlined, %lld ms of CPU "
		    "in %lld ms, %ld bytes logged",
		    IDLE, LIMIT, daemon_fds(), (long long)(cpu_after - cpu_before), (long long)window,
		    log_growth);
	/* Close them now: the log may grow by megabytes a second. */
	for (int i = 0; i < IDLE; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
	accept_warnings = count_lines(fx.daemon.log, log_before, "accept");
	cr_expect_lt(cpu_after - cpu_before, window / 2,
		     "hotlined spun: %lld ms of CPU in %lld ms while out of descriptors",
		     (long long)(cpu_after - cpu_before), (long long)window);
	cr_expect_lt(accept_warnings, 100,
		     "hotlined logged %ld lines about accept() (%ld bytes) in about %lld ms while "
		     "out of descriptors",
		     accept_warnings, log_growth, (long long)window);

	/* Once they are gone, it serves again. */
	for (int64_t deadline = hlt_now_ms() + 5000; !healthy && hlt_now_ms() < deadline;) {
		healthy = hlt_http(fx.daemon.port, "GET", "/healthz", NULL, NULL) == 200;
		if (!healthy)
			sleep_ms(100);
	}
	cr_expect(healthy, "/healthz did not answer 200 within 5 s of the idle clients leaving");
	normal_post("the idle clients are gone");
	cr_expect_leq(wait_daemon_fds(baseline, 3000), baseline,
		      "hotlined still holds sockets of the idle clients");
	stop_cleanly();
}
