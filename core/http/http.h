/*
 * The HTTP API server (libevent evhttp): binds the configured address, maps paths to
 * handlers, and answers with JSON. Every error answer has the same shape,
 *   {"error": "what was wrong", "field": "title"}
 * with "field" present when one field is to blame. Runs on the event loop.
 */
#ifndef HL_HTTP_H
#define HL_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct evhttp_request;
struct json_object;
struct hl_config;
struct hl_http;

/* A handler. `param` holds the path segments the route's "*" segments matched, joined by
 * '/' ("20261126-000001/sign" when /v1/tickets/20261126-000001/sign matches the route
 * with two "*" segments), or NULL for a route without any. It is
 * valid during the call only. */
typedef void (*hl_http_handler)(struct evhttp_request *req, const char *param, void *arg);

/* Binds cfg's http.listen and applies its limits. Returns the server, or NULL with the
 * reason in err. */
struct hl_http *hl_http_start(struct event_base *base, const struct hl_config *cfg, char *err,
			      size_t errlen);

/* Serves `path` with handler for the methods in `methods` (EVHTTP_REQ_* bits); other
 * methods get 405. A "*" segment matches any one non-empty segment, passed to the handler
 * in param; other segments match exactly. The query string is not part of the match.
 * Returns 0, or -1 when out of memory or the table is full. */
int hl_http_route(struct hl_http *h, const char *path, int methods, hl_http_handler handler,
		  void *arg);

/* Like hl_http_route, for a route the gate (below) never holds up: the login, which a
 * stale session cookie must not stop. */
int hl_http_route_ungated(struct hl_http *h, const char *path, int methods,
			  hl_http_handler handler, void *arg);

/* --- the gate: authentication that needs to wait (a session in Redis) -------------------
 * An upper layer (people/session_gate.c) registers one gate. A request for a gated route
 * that carries the cookie `cookie` and no Authorization header goes to the gate before its
 * handler; the gate looks the cookie up (asynchronously) and then either runs the handler
 * with hl_http_gate_pass, giving it an attachment the handler reads synchronously with
 * hl_http_attachment, or answers the request itself and calls hl_http_gate_drop. Exactly
 * one of the two, exactly once, on the event loop. Requests without the cookie go to
 * their handler at once, as before. */
struct hl_http_gated;
typedef void (*hl_http_gate_fn)(struct hl_http_gated *g, struct evhttp_request *req,
				const char *cookie_value, void *arg);

/* Registers the gate for requests carrying cookie `cookie` (copied). Returns 0, or -1 when
 * out of memory. */
int hl_http_set_gate(struct hl_http *h, const char *cookie, hl_http_gate_fn fn, void *arg);

/* Runs the held request's handler, with `attachment` readable through hl_http_attachment
 * during the handler's call (a handler that needs it longer takes its own reference), and
 * frees g. When the server is closing, answers 503 instead. */
void hl_http_gate_pass(struct hl_http_gated *g, void *attachment);

/* Frees g after the gate answered its request. */
void hl_http_gate_drop(struct hl_http_gated *g);

/* The attachment the gate gave req, while req's handler runs; NULL otherwise (no gate, or
 * another request). */
void *hl_http_attachment(struct evhttp_request *req);

/* The client's address (the connection's peer, without port) into buf; "" when unknown. */
void hl_http_peer(struct evhttp_request *req, char *buf, size_t len);

/* The request's method as its name ("GET", "POST" ...). */
const char *hl_http_method_name(struct evhttp_request *req);

/* The port actually bound (useful when the configuration says port 0). */
uint16_t hl_http_port(const struct hl_http *h);

/* Stops accepting new connections; requests already received are still answered. */
void hl_http_stop_accepting(struct hl_http *h);

/* From now on every request gets 503 and no handler runs (the daemon's parts are being
 * freed while the last answers are written out). */
void hl_http_close(struct hl_http *h);

/* Calls fn(arg) once every answer given so far has been written to its client (at once
 * when there is none), so that a stop does not drop answers still in buffers. fn runs
 * inside libevent's completion of a request or close of a connection: it must not free
 * the server (end the loop, and free it after). */
void hl_http_when_drained(struct hl_http *h, void (*fn)(void *arg), void *arg);

/* Answers given but not yet written out. */
size_t hl_http_unsent(const struct hl_http *h);

void hl_http_free(struct hl_http *h);

/* A request header, or NULL. Borrowed from the request. */
const char *hl_http_header(struct evhttp_request *req, const char *name);

/* Adds a header to the answer about to be sent. */
void hl_http_set_header(struct evhttp_request *req, const char *name, const char *value);

/* The request body as one contiguous block (NUL-terminated; *len excludes the NUL), or
 * NULL when out of memory. Borrowed from the request. */
const char *hl_http_body(struct evhttp_request *req, size_t *len);

/* Sends `body` as JSON with status `code`, and releases the caller's reference. */
void hl_http_reply_json(struct evhttp_request *req, int code, struct json_object *body);

/* Sends text[0..len), JSON written by the caller (e.g. with base/json_writer.h), as
 * hl_http_reply_json sends a tree: the same headers, a newline after it. text is
 * borrowed for the call only. */
void hl_http_reply_json_text(struct evhttp_request *req, int code, const char *text,
			     size_t len);

/* Sends {"error": message, "field": field} with status `code`; field may be NULL. */
void hl_http_reply_error(struct evhttp_request *req, int code, const char *field,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
