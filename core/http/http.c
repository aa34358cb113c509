/* The evhttp server: listener, routing table, JSON answers; see http.h. */
#include "http/http.h"

#include <event2/event.h>
#include <event2/http.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <json-c/json.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/clock.h"
#include "base/counters.h"
#include "config/config.h"
#include "http/cookie.h"
#include "http/http_answers.h"
#include "http/http_body_limit.h"
#include "base/log.h"

#define HL_HTTP_PARAMS_MAX 1024 /* the path segments a route's "*" and "**" matched */

struct route {
	char *path;    /* segments; "*" matches any one */
	int methods;
	int ungated;   /* never held up by the gate (hl_http_route_ungated) */
	hl_http_handler handler;
	void *arg;
};

struct hl_http {
	struct evhttp *http;
	int closing;              /* the daemon is being freed: answer 503, run no handler */
	struct hl_http_answers *answers; /* given but not yet written out */
	struct hl_body_limit limit; /* read by every connection's body check */
	struct evhttp_bound_socket *bound;
	struct event *accept_resume; /* accepting again after accept() failed */
	int64_t accept_warned_ns;    /* when the last such failure was logged */
	uint16_t port;
	size_t nroutes;
	struct route *routes[64];
	char *gate_cookie;         /* the cookie that sends a request to the gate */
	hl_http_gate_fn gate;
	void *gate_arg;
	struct evhttp_request *attached_req; /* the request whose handler runs now ... */
	void *attachment;                    /* ... and what the gate gave it */
	struct hl_counted unavailable[HL_HTTP_CAUSES]; /* 503s by cause */
	hl_http_cause_fn cause;              /* why Redis cannot answer (the daemon's) */
	void *cause_arg;
};

/* A request held by the gate: what runs it when the gate lets it through. */
struct hl_http_gated {
	struct hl_http *h;
	struct evhttp_request *req;
	const struct route *rt;
	char params[HL_HTTP_PARAMS_MAX];
};

const char *const hl_http_causes[HL_HTTP_CAUSES] = {"redis_down", "failing_over",
						     "not_replicated", "stopping", "busy"};

/* The server of the one evhttp in this process, whose answers are counted. */
static struct hl_http *server;

void hl_http_reply_json_text(struct evhttp_request *req, int code, const char *text,
			     size_t len)
{
	struct evbuffer *buf = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req), "X-Content-Type-Options",
			  "nosniff");
	if (server)
		hl_http_answers_add(server->answers, req);
	if (buf) {
		evbuffer_add(buf, text, len);
		evbuffer_add(buf, "\n", 1);
	}
	evhttp_send_reply(req, code, NULL, buf);
	if (buf)
		evbuffer_free(buf);
}

void hl_http_reply(struct evhttp_request *req, int code, struct evbuffer *body)
{
	if (server)
		hl_http_answers_add(server->answers, req);
	evhttp_send_reply(req, code, NULL, body);
}

int hl_http_stream_start(struct evhttp_request *req, int code, int64_t write_timeout_ms,
			 void (*closed)(struct evhttp_connection *conn, void *arg), void *arg)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
	struct timeval wt = {(time_t)(write_timeout_ms / 1000),
			     (suseconds_t)(write_timeout_ms % 1000) * 1000};

	if (!bev)
		return -1;
	if (server) /* no longer the answers' to watch: a stream is never "written out" */
		hl_http_answers_forget(server->answers, conn);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
	evhttp_send_reply_start(req, code, NULL);
	/* A stream's client sends nothing more: no read timeout; a write stuck this long
	 * (the client reads nothing) drops it. Set after the start, which sets its own. */
	bufferevent_set_timeouts(bev, NULL, &wt);
	evhttp_connection_set_closecb(conn, closed, arg);
	return 0;
}

size_t hl_http_stream_backlog(struct evhttp_request *req)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;

	return bev ? evbuffer_get_length(bufferevent_get_output(bev)) : 0;
}

void hl_http_reply_json(struct evhttp_request *req, int code, struct json_object *body)
{
	size_t len;
	const char *text = json_object_to_json_string_length(
		body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	hl_http_reply_json_text(req, code, text, len);
	json_object_put(body);
}

void hl_http_reply_error(struct evhttp_request *req, int code, const char *field,
			 const char *fmt, ...)
{
	char message[512];
	va_list ap;
	struct json_object *body = json_object_new_object();

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	json_object_object_add(body, "error", json_object_new_string(message));
	if (field)
		json_object_object_add(body, "field", json_object_new_string(field));
	hl_http_reply_json(req, code, body);
}

void hl_http_reply_unavailable(struct evhttp_request *req, const char *cause, const char *fmt,
			       ...)
{
	char message[512];
	va_list ap;
	struct json_object *body = json_object_new_object();

	if (!cause)
		cause = server && server->cause ? server->cause(server->cause_arg) : "redis_down";
	if (server)
		hl_metrics_count(server->unavailable, HL_HTTP_CAUSES, cause);
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	json_object_object_add(body, "error", json_object_new_string(message));
	json_object_object_add(body, "cause", json_object_new_string(cause));
	if (!evhttp_find_header(evhttp_request_get_output_headers(req), "Retry-After"))
		hl_http_set_header(req, "Retry-After", "1");
	hl_http_reply_json(req, 503, body);
}

void hl_http_set_unavailable_cause(struct hl_http *h, hl_http_cause_fn fn, void *arg)
{
	h->cause = fn;
	h->cause_arg = arg;
}

const struct hl_counted *hl_http_unavailable_counts(const struct hl_http *h)
{
	return h->unavailable;
}

static void allowed_methods(int methods, char *buf, size_t len)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {{EVHTTP_REQ_GET, "GET"},
		     {EVHTTP_REQ_POST, "POST"},
		     {EVHTTP_REQ_PUT, "PUT"},
		     {EVHTTP_REQ_DELETE, "DELETE"},
		     {EVHTTP_REQ_PATCH, "PATCH"},
		     {EVHTTP_REQ_HEAD, "HEAD"}};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (methods & names[i].bit) {
			int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 names[i].name);
			if (n < 0 || (size_t)n >= len - used)
				break;
			used += (size_t)n;
		}
	}
}

/* Does rt serve path? Each "*" segment of the route matches one non-empty segment of the
 * path, and a last "**" the rest of the path (empty or not); the segments matched are
 * written into params, joined by '/'. Returns 0 when it does not, else 1 + the number of
 * the route's literal segments: the more literal, the more specific (see dispatch). */
static int path_matches(const struct route *rt, const char *path, char *params, size_t len)
{
	const char *p = rt->path, *q = path;
	size_t used = 0;
	int literal = 0;

	params[0] = '\0';
	while (*p) {
		size_t pn = strcspn(p, "/"), qn = strcspn(q, "/");

		if (pn == 2 && p[0] == '*' && p[1] == '*' && !p[2]) {
			size_t rest = strlen(q);

			if (used + rest + 2 > len)
				return 0;
			if (used && rest)
				params[used++] = '/';
			memcpy(params + used, q, rest + 1);
			return 1 + literal;
		}
		if (!*q)
			return 0;
		if (pn == 1 && *p == '*') {
			if (qn == 0 || used + qn + 2 > len)
				return 0;
			if (used)
				params[used++] = '/';
			memcpy(params + used, q, qn);
			params[used += qn] = '\0';
		} else if (pn != qn || strncmp(p, q, pn) != 0) {
			return 0;
		} else {
			literal++;
		}
		p += pn;
		q += qn;
		if (*p != *q)
			return 0;
		if (*p) {
			p++;
			q++;
		}
	}
	return *q ? 0 : 1 + literal;
}

/* Sends req to the gate when the route is gated and req carries the gate's cookie and no
 * Authorization (a bearer token is the caller's own proof). Returns 1 when the gate has
 * it (or it was answered: out of memory), 0 when the handler should run now. */
static int gate_holds(const struct hl_http *h, const struct route *rt,
		      struct evhttp_request *req, const char *params)
{
	char value[128];
	struct hl_http_gated *g;

	if (!h->gate || rt->ungated || hl_http_header(req, "Authorization"))
		return 0;
	if (hl_cookie_get(hl_http_header(req, "Cookie"), h->gate_cookie, value,
			  sizeof(value)) == 0)
		return 0;
	if (!(g = calloc(1, sizeof(*g)))) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return 1;
	}
	g->h = (struct hl_http *)h;
	g->req = req;
	g->rt = rt;
	snprintf(g->params, sizeof(g->params), "%s", params);
	/* a cookie longer than any session id is passed as "": no session, 401 */
	h->gate(g, req, value[0] && strlen(value) < sizeof(value) - 1 ? value : "",
		h->gate_arg);
	return 1;
}

int hl_http_set_gate(struct hl_http *h, const char *cookie, hl_http_gate_fn fn, void *arg)
{
	free(h->gate_cookie);
	if (!(h->gate_cookie = strdup(cookie)))
		return -1;
	h->gate = fn;
	h->gate_arg = arg;
	return 0;
}

void hl_http_gate_pass(struct hl_http_gated *g, void *attachment)
{
	struct hl_http *h = g->h;

	if (h->closing) {
		hl_http_reply_unavailable(g->req, "stopping", "hotlined is stopping");
	} else {
		h->attached_req = g->req;
		h->attachment = attachment;
		g->rt->handler(g->req, g->params[0] ? g->params : NULL, g->rt->arg);
		h->attached_req = NULL;
		h->attachment = NULL;
	}
	free(g);
}

void hl_http_gate_drop(struct hl_http_gated *g)
{
	free(g);
}

void *hl_http_attachment(struct evhttp_request *req)
{
	return server && server->attached_req == req ? server->attachment : NULL;
}

void hl_http_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	char *address = NULL;
	ev_uint16_t port = 0;

	if (conn)
		evhttp_connection_get_peer(conn, &address, &port);
	snprintf(buf, len, "%s", address ? address : "");
}

const char *hl_http_method_name(struct evhttp_request *req)
{
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	default:
		return "OTHER";
	}
}

/* Finds the route for the request's path and method; a path served only for other
 * methods gets 405 with Allow, an unknown path 404. */
static void dispatch(struct evhttp_request *req, void *arg)
{
	const struct hl_http *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	int method = (int)evhttp_request_get_command(req), allowed = 0, best_score = 0;
	const struct route *best = NULL;
	char best_params[HL_HTTP_PARAMS_MAX];
	uint64_t declared = 0;
	enum hl_body_verdict verdict = hl_body_limit_verdict(&h->limit, req, &declared);
	char allow[64];

	if (h->closing) {
		hl_http_set_header(req, "Connection", "close");
		hl_http_reply_unavailable(req, "stopping", "hotlined is stopping");
		return;
	}
	if (verdict != HL_BODY_OK) {
		hl_http_set_header(req, "Connection", "close");
		if (verdict == HL_BODY_CHUNKED_411)
			hl_http_reply_error(req, 411, "body",
					    "chunked bodies are not accepted; send Content-Length");
		else
			hl_http_reply_error(req, 413, "body",
					    "the body is %llu bytes; at most %llu are accepted "
					    "(http.max_body)",
					    (unsigned long long)declared,
					    (unsigned long long)h->limit.max_body);
		return;
	}

	/* The most specific route that serves the method wins (the most literal segments;
	 * the first registered among equals), so that /v1/tickets/x/presence is presence's
	 * whatever the order the endpoints were registered in. */
	for (size_t i = 0; path && i < h->nroutes; i++) {
		const struct route *rt = h->routes[i];
		char params[HL_HTTP_PARAMS_MAX];
		int score = path_matches(rt, path, params, sizeof(params));

		if (!score)
			continue;
		if (!(method & rt->methods)) {
			allowed |= rt->methods;
			continue;
		}
		if (score > best_score) {
			best = rt;
			best_score = score;
			memcpy(best_params, params, sizeof(params));
		}
	}
	if (best) {
		if (!gate_holds(h, best, req, best_params))
			best->handler(req, best_params[0] ? best_params : NULL, best->arg);
		return;
	}
	if (!allowed) {
		hl_http_reply_error(req, 404, NULL, "no such endpoint: %s",
				    evhttp_request_get_uri(req));
		return;
	}
	allowed_methods(allowed, allow, sizeof(allow));
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
	hl_http_reply_error(req, 405, NULL, "method not allowed on %s; allowed: %s", path, allow);
}

#define ACCEPT_PAUSE_MS 200        /* no accept() for this long after one failed */
#define ACCEPT_WARN_EVERY_S 10     /* at most one log line for failures this often */

/* accept() failed, mostly for want of file descriptors (EMFILE, ENFILE) or memory. With a
 * connection still waiting, libevent would retry at once, in a loop, logging each time:
 * pause accepting instead. The connections already open are served meanwhile and free
 * descriptors as they close. */
static void accept_failed(struct evconnlistener *listener, void *arg)
{
	struct hl_http *h = server; /* arg is evhttp's own */
	int error = EVUTIL_SOCKET_ERROR();
	struct timeval pause = {0, ACCEPT_PAUSE_MS * 1000};
	int64_t now = hl_clock_mono_ns();

	(void)arg;
	evconnlistener_disable(listener);
	if (!h)
		return;
	evtimer_add(h->accept_resume, &pause);
	if (!h->accept_warned_ns || now - h->accept_warned_ns >= ACCEPT_WARN_EVERY_S * 1000000000LL) {
		h->accept_warned_ns = now;
		hl_log(HL_LOG_WARN, "http",
		       "accept_failed error=\"%s\" action=pause_accepting pause_ms=%d%s",
		       strerror(error), ACCEPT_PAUSE_MS,
		       error == EMFILE || error == ENFILE
			       ? " hint=\"out of file descriptors: raise LimitNOFILE or ulimit -n\""
			       : "");
	}
}

static void accept_resumed(evutil_socket_t fd, short what, void *arg)
{
	struct hl_http *h = arg;

	(void)fd;
	(void)what;
	if (h->bound)
		evconnlistener_enable(evhttp_bound_socket_get_listener(h->bound));
}

struct hl_http *hl_http_start(struct event_base *base, const struct hl_config *cfg, char *err,
			      size_t errlen)
{
	struct hl_http *h = calloc(1, sizeof(*h));
	struct hl_address addr;
	struct timeval timeout = {(time_t)(cfg->http_timeout_ms / 1000),
				  (suseconds_t)(cfg->http_timeout_ms % 1000) * 1000};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	if (!h || !(h->http = evhttp_new(base)) || !(h->answers = hl_http_answers_new()) ||
	    !(h->accept_resume = evtimer_new(base, accept_resumed, h))) {
		hl_http_free(h);
		snprintf(err, errlen, "out of memory starting the HTTP server");
		return NULL;
	}
	hl_opt_address(&cfg->http, "listen", &addr);
	if (hl_body_limit_init(&h->limit, hl_opt_size(&cfg->http, "max_body")) < 0) {
		snprintf(err, errlen, "no randomness for the HTTP server's secret");
		hl_http_free(h);
		return NULL;
	}
	evhttp_set_max_body_size(h->http, (ev_ssize_t)h->limit.max_body);
	evhttp_set_bevcb(h->http, hl_body_limit_bev, &h->limit);
	evhttp_set_max_headers_size(h->http, HL_HEADERS_MAX);
	evhttp_set_timeout_tv(h->http, &timeout);
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
						    EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
						    EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(h->http, dispatch, h);
	h->bound = evhttp_bind_socket_with_handle(h->http, addr.host, addr.port);
	if (!h->bound) {
		snprintf(err, errlen, "%s: cannot listen on %s:%u (in use, or not an address of "
				      "this machine)",
			 hl_config_file(cfg), addr.host, addr.port);
		hl_http_free(h);
		return NULL;
	}
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(h->bound), accept_failed);
	if (getsockname(evhttp_bound_socket_get_fd(h->bound), (struct sockaddr *)&ss, &sslen) == 0)
		h->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							 : ((struct sockaddr_in *)&ss)->sin_port);
	for (size_t i = 0; i < HL_HTTP_CAUSES; i++) /* each cause shown, 0 before its first */
		hl_metrics_count(h->unavailable, HL_HTTP_CAUSES, hl_http_causes[i]);
	for (size_t i = 0; i < HL_HTTP_CAUSES; i++)
		h->unavailable[i].n = 0;
	server = h;
	hl_log(HL_LOG_INFO, "http", "listening addr=%s%s%s:%u", strchr(addr.host, ':') ? "[" : "",
	       addr.host, strchr(addr.host, ':') ? "]" : "", h->port);
	return h;
}

int hl_http_route(struct hl_http *h, const char *path, int methods, hl_http_handler handler,
		  void *arg)
{
	struct route *rt;

	if (h->nroutes == sizeof(h->routes) / sizeof(h->routes[0]))
		return -1;
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return -1;
	if (!(rt->path = strdup(path))) {
		free(rt);
		return -1;
	}
	rt->methods = methods;
	rt->handler = handler;
	rt->arg = arg;
	h->routes[h->nroutes++] = rt;
	return 0;
}

int hl_http_route_ungated(struct hl_http *h, const char *path, int methods,
			  hl_http_handler handler, void *arg)
{
	if (hl_http_route(h, path, methods, handler, arg) < 0)
		return -1;
	h->routes[h->nroutes - 1]->ungated = 1;
	return 0;
}

uint16_t hl_http_port(const struct hl_http *h)
{
	return h->port;
}

void hl_http_stop_accepting(struct hl_http *h)
{
	if (h->bound) {
		evhttp_del_accept_socket(h->http, h->bound);
		h->bound = NULL;
	}
	if (h->accept_resume)
		evtimer_del(h->accept_resume);
}

void hl_http_close(struct hl_http *h)
{
	h->closing = 1;
}

void hl_http_when_drained(struct hl_http *h, void (*fn)(void *arg), void *arg)
{
	hl_http_answers_when_drained(h->answers, fn, arg);
}

size_t hl_http_unsent(const struct hl_http *h)
{
	return h ? hl_http_answers_unsent(h->answers) : 0;
}

void hl_http_free(struct hl_http *h)
{
	if (!h)
		return;
	if (server == h)
		server = NULL;
	if (h->answers)
		hl_http_answers_when_drained(h->answers, NULL, NULL);
	if (h->http)
		evhttp_free(h->http); /* closes the connections, which the answers hear of */
	hl_http_answers_free(h->answers);
	if (h->accept_resume)
		event_free(h->accept_resume);
	for (size_t i = 0; i < h->nroutes; i++) {
		free(h->routes[i]->path);
		free(h->routes[i]);
	}
	free(h->gate_cookie);
	free(h);
}

const char *hl_http_header(struct evhttp_request *req, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(req), name);
}

void hl_http_set_header(struct evhttp_request *req, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), name, value);
}

const char *hl_http_body(struct evhttp_request *req, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *data;

	/* A NUL after the bytes makes the body safe to hand to C string functions. */
	if (evbuffer_add(in, "", 1) < 0)
		return NULL;
	*len = evbuffer_get_length(in) - 1;
	data = (const char *)evbuffer_pullup(in, -1);
	return data;
}

void hl_http_body_wipe(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	unsigned char *data = len ? evbuffer_pullup(in, -1) : NULL;

	if (data)
		explicit_bzero(data, len);
}
