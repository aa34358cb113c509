/* The blocking HTTP client on libevent's evhttp; see http.h. */
#include "http.h"

#include <errno.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/base/version.h" /* hotlinectl is versioned with hotlined */

/* One request in flight: what the callbacks fill in. */
struct pending {
	struct hlc_response *r;
	int done;
	int failed; /* evhttp said why (error_cb) */
	enum evhttp_request_error why;
	int sys_errno; /* errno when it failed, which names a refused connection */
};

static void header_copy(struct evkeyvalq *headers, const char *name, char *buf, size_t len)
{
	const char *v = evhttp_find_header(headers, name);

	snprintf(buf, len, "%s", v ? v : "");
}

static void on_error(enum evhttp_request_error why, void *arg)
{
	struct pending *p = arg;

	p->failed = 1;
	p->why = why;
	p->sys_errno = errno;
}

static void on_done(struct evhttp_request *req, void *arg)
{
	struct pending *p = arg;
	struct hlc_response *r = p->r;
	struct evbuffer *in;
	size_t len;

	p->done = 1;
	if (!req || evhttp_request_get_response_code(req) == 0)
		return;
	r->status = evhttp_request_get_response_code(req);
	snprintf(r->reason, sizeof(r->reason), "%s",
		 evhttp_request_get_response_code_line(req)
			 ? evhttp_request_get_response_code_line(req)
			 : "");
	header_copy(evhttp_request_get_input_headers(req), "Content-Type", r->content_type,
		    sizeof(r->content_type));
	header_copy(evhttp_request_get_input_headers(req), "Retry-After", r->retry_after,
		    sizeof(r->retry_after));
	header_copy(evhttp_request_get_input_headers(req), "Date", r->date, sizeof(r->date));
	{
		const char *replayed =
			evhttp_find_header(evhttp_request_get_input_headers(req), "Idempotent-Replayed");

		r->replayed = replayed && strcmp(replayed, "true") == 0;
	}
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	r->body = malloc(len + 1);
	if (!r->body) {
		r->status = 0;
		snprintf(r->error, sizeof(r->error), "out of memory reading a %zu-byte answer", len);
		return;
	}
	evbuffer_remove(in, r->body, len);
	r->body[len] = '\0';
	r->len = len;
}

int hlc_http_open(struct hlc_http *h, const char *url, const char *token, int timeout_s,
		  char *err, size_t errlen)
{
	char full[600];
	struct evhttp_uri *uri;
	const char *scheme, *host, *path;
	int port;

	memset(h, 0, sizeof(*h));
	snprintf(full, sizeof(full), "%s%s", strstr(url, "://") ? "" : "http://", url);
	uri = evhttp_uri_parse(full);
	if (!uri) {
		snprintf(err, errlen, "'%s' is not a URL such as http://127.0.0.1:12345", url);
		return -1;
	}
	scheme = evhttp_uri_get_scheme(uri);
	host = evhttp_uri_get_host(uri);
	port = evhttp_uri_get_port(uri);
	path = evhttp_uri_get_path(uri);
	if (!scheme || strcmp(scheme, "http") != 0) {
		snprintf(err, errlen, "'%s': only http:// URLs are supported", url);
		goto fail;
	}
	if (!host || !*host) {
		snprintf(err, errlen, "'%s' names no host", url);
		goto fail;
	}
	if (evhttp_uri_get_query(uri) || evhttp_uri_get_fragment(uri)) {
		snprintf(err, errlen, "'%s': the server URL takes no query or fragment", url);
		goto fail;
	}
	if (port < 0)
		port = 80;
	/* an IPv6 literal comes back without its brackets */
	snprintf(h->host, sizeof(h->host), strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
	snprintf(h->url, sizeof(h->url), "http://%s", h->host);
	snprintf(h->prefix, sizeof(h->prefix), "%s", path ? path : "");
	while (h->prefix[0] && h->prefix[strlen(h->prefix) - 1] == '/')
		h->prefix[strlen(h->prefix) - 1] = '\0';
	snprintf(h->hostname, sizeof(h->hostname), "%s", host);
	h->port = port;
	h->base = event_base_new();
	if (h->base)
		h->conn = evhttp_connection_base_new(h->base, NULL, host, (unsigned short)port);
	if (!h->conn) {
		snprintf(err, errlen, "cannot set up a connection to %s", h->url);
		goto fail;
	}
	h->token = token;
	h->timeout_s = timeout_s > 0 ? timeout_s : 30;
	evhttp_connection_set_timeout(h->conn, h->timeout_s);
	/* a request that failed half-way is not sent again: a POST might be taken twice */
	evhttp_connection_set_retries(h->conn, 0);
	evhttp_uri_free(uri);
	return 0;
fail:
	evhttp_uri_free(uri);
	hlc_http_close(h);
	return -1;
}

/* Why a connection could not be made: evhttp does not say (libevent 2.1 fails the
 * request with no error code and errno is gone by then), so one plain connect() is tried
 * to find out. Returns 0 when it connects after all. */
static int connect_error(const struct hlc_http *h, char *buf, size_t len)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	struct timeval tv = {h->timeout_s, 0};
	char port[16];
	int rc, fd, err = 0;

	snprintf(port, sizeof(port), "%d", h->port);
	rc = getaddrinfo(h->hostname, port, &hints, &res);
	if (rc != 0) {
		snprintf(buf, len, "cannot connect to %s: %s", h->url, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd < 0) {
		err = errno;
	} else {
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, res->ai_addr, res->ai_addrlen) < 0)
			err = errno;
		close(fd);
	}
	freeaddrinfo(res);
	if (!err)
		return 0;
	snprintf(buf, len, "cannot connect to %s: %s", h->url,
		 err == EINPROGRESS || err == EAGAIN ? "timed out" : strerror(err));
	return -1;
}

static void describe_failure(const struct hlc_http *h, const struct pending *p,
			     struct hlc_response *r)
{
	const char *why = "the connection closed before an answer came";

	if (!p->failed || p->why == EVREQ_HTTP_EOF) {
		if (connect_error(h, r->error, sizeof(r->error)) == 0)
			snprintf(r->error, sizeof(r->error), "%s: %s", h->url, why);
		return;
	}
	switch (p->why) {
	case EVREQ_HTTP_TIMEOUT:
		snprintf(r->error, sizeof(r->error), "%s did not answer within %d s", h->url,
			 h->timeout_s);
		return;
	case EVREQ_HTTP_EOF:
		break;
	case EVREQ_HTTP_INVALID_HEADER:
		why = "the answer was not valid HTTP";
		break;
	case EVREQ_HTTP_BUFFER_ERROR:
		why = p->sys_errno ? strerror(p->sys_errno) : "connection error";
		break;
	case EVREQ_HTTP_REQUEST_CANCEL:
		why = "the request was cancelled";
		break;
	case EVREQ_HTTP_DATA_TOO_LONG:
		why = "the answer was too long";
		break;
	}
	snprintf(r->error, sizeof(r->error), "%s: %s", h->url, why);
}

int hlc_http_request(struct hlc_http *h, const char *method, const char *path,
		     const char *body, const char *const *headers, struct hlc_response *r)
{
	struct pending p = {.r = r};
	struct evhttp_request *req;
	struct evkeyvalq *out;
	char target[2048], auth[600], length[32];
	enum evhttp_cmd_type type = strcmp(method, "POST") == 0	 ? EVHTTP_REQ_POST
				    : strcmp(method, "PUT") == 0 ? EVHTTP_REQ_PUT
								 : EVHTTP_REQ_GET;

	memset(r, 0, sizeof(*r));
	if ((size_t)snprintf(target, sizeof(target), "%s%s", h->prefix, path) >= sizeof(target)) {
		snprintf(r->error, sizeof(r->error), "request path too long");
		return 0;
	}
	req = evhttp_request_new(on_done, &p);
	if (!req) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		return 0;
	}
	evhttp_request_set_error_cb(req, on_error);
	out = evhttp_request_get_output_headers(req);
	evhttp_add_header(out, "Host", h->host);
	evhttp_add_header(out, "User-Agent", "hotlinectl/" HL_VERSION);
	evhttp_add_header(out, "Accept", "application/json");
	if (h->token && *h->token) {
		snprintf(auth, sizeof(auth), "Bearer %s", h->token);
		evhttp_add_header(out, "Authorization", auth);
	}
	for (size_t i = 0; headers && headers[i]; i++) {
		const char *colon = strchr(headers[i], ':');
		char name[128];

		if (!colon || (size_t)(colon - headers[i]) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(colon - headers[i]), headers[i]);
		evhttp_add_header(out, name, colon[1] == ' ' ? colon + 2 : colon + 1);
	}
	if (body) {
		evhttp_add_header(out, "Content-Type", "application/json");
		snprintf(length, sizeof(length), "%zu", strlen(body));
		evhttp_add_header(out, "Content-Length", length);
		evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
	}
	errno = 0;
	/* evhttp owns req from here and frees it after on_done, even when it fails */
	if (evhttp_make_request(h->conn, req, type, target) < 0) {
		snprintf(r->error, sizeof(r->error), "cannot send the request to %s", h->url);
		return 0;
	}
	while (!p.done) {
		if (event_base_loop(h->base, EVLOOP_ONCE) < 0) {
			snprintf(r->error, sizeof(r->error), "event loop failed");
			return 0;
		}
	}
	if (r->status == 0 && !r->error[0])
		describe_failure(h, &p, r);
	return r->status;
}

void hlc_response_free(struct hlc_response *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

void hlc_http_close(struct hlc_http *h)
{
	if (h->conn)
		evhttp_connection_free(h->conn);
	if (h->base)
		event_base_free(h->base);
	h->conn = NULL;
	h->base = NULL;
}
