/* POST requests on evhttp for plugins; see http_client.h. */
#include "http/http_client.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/list.h"
#include "base/log.h"

#define MAX_HEADERS_SIZE 65536 /* of an answer's header block */

/* One request in flight. */
struct call {
	struct hl_http_client *c;
	struct evhttp_connection *conn;
	struct evdns_base *dns; /* only when the URL names a host rather than an address */
	struct event *finish;   /* the deadline; re-armed to fire at once when answered */
	hl_http_fn fn;
	void *arg;
	int answered;
	int status;                   /* -1 until an answer with a status came */
	enum evhttp_request_error error; /* why there was none, when answered without one */
	int have_error;
	char *body;
	size_t len;
	char where[160]; /* host:port/path, for log lines (no query: it may carry a token) */
	struct evhttp_request *held; /* made but not sent: waiting for a free slot */
	int sent;                    /* on the wire: counted in the client's active */
	char *target;                /* its path, while held */
	struct hl_list_node node; /* on c->calls */
};

/* At most this many requests of one client are on the wire at once; the others wait
 * (their deadline runs), so a backlog of deliveries cannot use up the file descriptors
 * the API and Redis need. */
#define ACTIVE_MAX 32

struct hl_http_client {
	struct event_base *base;
	const char *log_sub;
	struct hl_list calls; /* of struct call, newest first */
	size_t n;
	size_t active; /* calls sent, not yet finished */
};

struct hl_http_client *hl_http_client_new(struct event_base *base, const char *log_sub)
{
	struct hl_http_client *c = calloc(1, sizeof(*c));

	if (c) {
		c->base = base;
		c->log_sub = log_sub;
	}
	return c;
}

size_t hl_http_client_pending(const struct hl_http_client *c)
{
	return c ? c->n : 0;
}

/* Puts a call at the head of its client's list: calls are kept newest first. */
static void link_call(struct call *call)
{
	struct hl_http_client *c = call->c;

	hl_list_push(&c->calls, &call->node);
	c->n++;
}

static void unlink_call(struct call *call)
{
	hl_list_remove(&call->node);
	call->c->n--;
}

/* Frees a call's libevent objects and memory; never calls back. The connection goes
 * first: freeing it drops its request (and any name lookup) without callbacks. */
static void free_call(struct call *call)
{
	if (call->held)
		evhttp_request_free(call->held);
	free(call->target);
	if (call->conn)
		evhttp_connection_free(call->conn);
	if (call->dns)
		evdns_base_free(call->dns, 1); /* fail its lookups: they hold buffers */
	if (call->finish)
		event_free(call->finish);
	free(call->body);
	free(call);
}

static const char *error_name(const struct call *call)
{
	if (!call->answered)
		return "timeout";
	if (!call->have_error)
		return "no answer";
	switch (call->error) {
	case EVREQ_HTTP_TIMEOUT:
		return "timeout";
	case EVREQ_HTTP_EOF:
		return "connection closed";
	case EVREQ_HTTP_INVALID_HEADER:
		return "malformed answer";
	case EVREQ_HTTP_BUFFER_ERROR:
		return "connection failed";
	case EVREQ_HTTP_DATA_TOO_LONG:
		return "answer too long";
	default:
		return "request failed";
	}
}

/* Sends the oldest held request when a slot is free. A request that cannot be sent is
 * left to its deadline, which answers "timeout". */
static void start_held(struct hl_http_client *c)
{
	struct call *oldest = NULL;
	struct hl_list_node *node;

	if (c->active >= ACTIVE_MAX)
		return;
	HL_LIST_EACH(node, &c->calls) {
		struct call *call = HL_LIST_ENTRY(node, struct call, node);

		if (call->held)
			oldest = call; /* calls are kept newest first */
	}
	if (!oldest)
		return;
	if (evhttp_make_request(oldest->conn, oldest->held, EVHTTP_REQ_POST, oldest->target) <
	    0) {
		evhttp_request_free(oldest->held);
	} else {
		oldest->sent = 1;
		c->active++;
	}
	oldest->held = NULL;
}

/* Runs from the event loop once the answer is in or the deadline passed: the call is
 * taken off the client and freed, then the plugin is told. Calling back here rather than
 * from inside evhttp lets the callback start new requests or free anything. */
static void finish(evutil_socket_t fd, short what, void *arg)
{
	struct call *call = arg;
	hl_http_fn fn = call->fn;
	void *fn_arg = call->arg;
	int status = call->answered ? call->status : -1;
	char *body = call->body;
	size_t len = call->len;

	(void)fd;
	(void)what;
	if (status < 0)
		hl_log(HL_LOG_DEBUG, call->c->log_sub, "http_failed url=\"http://%s\" reason=\"%s\"",
		       call->where, error_name(call));
	else
		hl_log(HL_LOG_DEBUG, call->c->log_sub, "http_answered url=\"http://%s\" status=%d",
		       call->where, status);
	if (call->sent)
		call->c->active--;
	unlink_call(call);
	call->body = NULL;
	start_held(call->c);
	free_call(call);
	fn(status, body ? body : "", body ? len : 0, fn_arg);
	free(body);
}

static void request_error(enum evhttp_request_error error, void *arg)
{
	struct call *call = arg;

	call->error = error;
	call->have_error = 1;
}

/* evhttp's completion callback: req is NULL (or has no status) when the request failed.
 * Only records the outcome; finish() runs next from the loop. */
static void request_done(struct evhttp_request *req, void *arg)
{
	struct call *call = arg;
	struct timeval now = {0, 0};
	int code = req ? evhttp_request_get_response_code(req) : 0;

	if (call->answered)
		return;
	call->answered = 1;
	call->status = code >= 100 && code <= 599 ? code : -1;
	if (call->status > 0) {
		struct evbuffer *in = evhttp_request_get_input_buffer(req);
		size_t n = in ? evbuffer_get_length(in) : 0;

		if ((call->body = malloc(n + 1)) != NULL) {
			call->len = n > 0 ? (size_t)evbuffer_copyout(in, call->body, n) : 0;
			call->body[call->len] = '\0';
		}
	}
	evtimer_add(call->finish, &now);
}

/* Adds one "Name: value" header; refuses malformed ones and line breaks (header
 * injection), and leaves out those the client writes itself. */
static int add_header(struct evkeyvalq *out, const char *line, char *why, size_t len)
{
	const char *colon = strchr(line, ':');
	char name[128];
	size_t n;

	if (!colon || colon == line || (size_t)(colon - line) >= sizeof(name) ||
	    strpbrk(line, "\r\n")) {
		snprintf(why, len, "malformed header: want Name: value on one line");
		return -1;
	}
	n = (size_t)(colon - line);
	memcpy(name, line, n);
	name[n] = '\0';
	if (strpbrk(name, " \t")) {
		snprintf(why, len, "malformed header name");
		return -1;
	}
	if (strcasecmp(name, "Host") == 0 || strcasecmp(name, "Content-Length") == 0 ||
	    strcasecmp(name, "Connection") == 0 || strcasecmp(name, "Transfer-Encoding") == 0)
		return 0;
	colon++;
	while (*colon == ' ' || *colon == '\t')
		colon++;
	if (evhttp_add_header(out, name, colon) < 0) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	return 0;
}

/* The parts of an http:// URL (split_url). */
struct url_parts {
	char host[256]; /* a name or an address; an IPv6 literal without its brackets */
	int port;
	char *target; /* the path and query, to send: the caller's to free */
};

/* The parts of an http:// URL. Returns 0, or -1 with the reason. */
static int split_url(const char *url, struct url_parts *u, char *why, size_t len)
{
	struct evhttp_uri *parsed = evhttp_uri_parse_with_flags(url, 0);
	const char *scheme, *h, *path, *query;
	size_t hl;
	int rc = -1;

	if (!parsed) {
		snprintf(why, len, "not a URL");
		return -1;
	}
	scheme = evhttp_uri_get_scheme(parsed);
	h = evhttp_uri_get_host(parsed);
	path = evhttp_uri_get_path(parsed);
	query = evhttp_uri_get_query(parsed);
	if (!scheme || strcasecmp(scheme, "http") != 0) {
		snprintf(why, len, "only http:// URLs are supported");
		goto out;
	}
	if (!h || !*h || strlen(h) >= sizeof(u->host)) {
		snprintf(why, len, "no host, or one too long");
		goto out;
	}
	hl = strlen(h);
	if (h[0] == '[' && h[hl - 1] == ']') { /* an IPv6 literal, without its brackets */
		memcpy(u->host, h + 1, hl - 2);
		u->host[hl - 2] = '\0';
	} else {
		memcpy(u->host, h, hl + 1);
	}
	u->port = evhttp_uri_get_port(parsed) < 0 ? 80 : evhttp_uri_get_port(parsed);
	if (u->port == 0) {
		snprintf(why, len, "port 0");
		goto out;
	}
	if (asprintf(&u->target, "%s%s%s", path && *path ? path : "/", query ? "?" : "",
		     query ? query : "") < 0) {
		snprintf(why, len, "out of memory");
		goto out;
	}
	rc = 0;
out:
	evhttp_uri_free(parsed);
	return rc;
}

static int is_address(const char *host)
{
	unsigned char buf[16];

	return evutil_inet_pton(AF_INET, host, buf) == 1 || evutil_inet_pton(AF_INET6, host, buf) == 1;
}

/* A call to u, with its deadline timer (not armed yet) and its connection (with a name
 * lookup when u names a host rather than an address). Returns NULL, with the reason in
 * why when it is not memory. */
static struct call *new_call(struct hl_http_client *c, const struct url_parts *u,
			     const struct timeval *tv, char *why, size_t whylen)
{
	struct call *call = calloc(1, sizeof(*call));

	if (!call)
		return NULL;
	call->c = c;
	call->status = -1;
	snprintf(call->where, sizeof(call->where), "%s:%d%.*s", u->host, u->port,
		 (int)strcspn(u->target, "?"), u->target);
	if (!is_address(u->host) &&
	    !(call->dns = evdns_base_new(c->base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
							  EVDNS_BASE_DISABLE_WHEN_INACTIVE))) {
		snprintf(why, whylen, "cannot set up name resolution");
		goto fail;
	}
	if (!(call->finish = evtimer_new(c->base, finish, call)) ||
	    !(call->conn = evhttp_connection_base_new(c->base, call->dns, u->host,
						      (uint16_t)u->port)))
		goto fail;
	evhttp_connection_set_timeout_tv(call->conn, tv);
	evhttp_connection_set_retries(call->conn, 0);
	evhttp_connection_set_max_body_size(call->conn, HL_HTTP_CLIENT_MAX_BODY);
	evhttp_connection_set_max_headers_size(call->conn, MAX_HEADERS_SIZE);
	return call;
fail:
	free_call(call);
	return NULL;
}

/* The call's POST request: Host, Connection: close, the caller's headers and the body.
 * Returns NULL, with the reason in why when it is not memory. */
static struct evhttp_request *new_request(struct call *call, const struct url_parts *u,
					  const char *const *headers, const void *body,
					  size_t len, char *why, size_t whylen)
{
	struct evhttp_request *req = evhttp_request_new(request_done, call);
	struct evkeyvalq *out;
	char host_header[300];

	if (!req)
		return NULL;
	evhttp_request_set_error_cb(req, request_error);
	out = evhttp_request_get_output_headers(req);
	if (strchr(u->host, ':'))
		snprintf(host_header, sizeof(host_header), "[%s]", u->host);
	else
		snprintf(host_header, sizeof(host_header), "%s", u->host);
	if (u->port != 80)
		snprintf(host_header + strlen(host_header), sizeof(host_header) - strlen(host_header),
			 ":%d", u->port);
	if (evhttp_add_header(out, "Host", host_header) < 0 ||
	    evhttp_add_header(out, "Connection", "close") < 0)
		goto fail;
	for (size_t i = 0; headers && headers[i]; i++) {
		if (add_header(out, headers[i], why, whylen) < 0)
			goto fail;
	}
	if (len > 0 && evbuffer_add(evhttp_request_get_output_buffer(req), body, len) < 0)
		goto fail;
	return req;
fail:
	evhttp_request_free(req);
	return NULL;
}

/* Sends req now, or holds it with its target (taken from *target) until a slot is free:
 * start_held sends it then. Returns -1 when it could not be started: req is then still
 * the caller's to free (libevent 2.1 has taken it off the connection without freeing it;
 * the only other failure, out of memory copying the target, frees it: not worth telling
 * apart). */
static int send_or_hold(struct call *call, struct evhttp_request *req, char **target)
{
	struct hl_http_client *c = call->c;

	if (c->active >= ACTIVE_MAX) {
		call->held = req;
		call->target = *target;
		*target = NULL;
		return 0;
	}
	if (evhttp_make_request(call->conn, req, EVHTTP_REQ_POST, *target) < 0)
		return -1;
	call->sent = 1;
	c->active++;
	return 0;
}

int hl_http_client_post(struct hl_http_client *c, const char *url, const char *const *headers,
			const void *body, size_t len, uint64_t timeout_ms, hl_http_fn fn,
			void *arg)
{
	struct url_parts u = {.port = 80, .target = NULL};
	struct call *call = NULL;
	struct evhttp_request *req = NULL;
	char why[128] = "out of memory";
	uint64_t ms = timeout_ms ? timeout_ms : HL_HTTP_CLIENT_TIMEOUT_MS;
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};

	if (!url || split_url(url, &u, why, sizeof(why)) < 0 ||
	    !(call = new_call(c, &u, &tv, why, sizeof(why))) ||
	    !(req = new_request(call, &u, headers, body, len, why, sizeof(why))))
		goto fail;
	call->fn = fn;
	call->arg = arg;
	/* The deadline covers the name lookup, the connect, sending and the answer. */
	if (evtimer_add(call->finish, &tv) < 0)
		goto fail;
	if (send_or_hold(call, req, &u.target) < 0) {
		snprintf(why, sizeof(why), "cannot start the request");
		goto fail;
	}
	free(u.target);
	link_call(call);
	return 0;
fail:
	hl_log(HL_LOG_WARN, c->log_sub, "http_refused url=\"%.*s\" reason=\"%s\"",
	       url ? (int)strcspn(url, "?") : 1, url ? url : "-", why);
	if (req)
		evhttp_request_free(req);
	if (call)
		free_call(call);
	free(u.target);
	return -1;
}

void hl_http_client_free(struct hl_http_client *c)
{
	if (!c)
		return;
	c->active = ACTIVE_MAX; /* nothing more is started while they go */
	while (!hl_list_empty(&c->calls)) {
		struct call *call = HL_LIST_ENTRY(hl_list_first(&c->calls), struct call, node);

		unlink_call(call);
		free_call(call);
	}
	free(c);
}
