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
struct evbuffer;
struct evhttp_connection;
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
 * in param; a last "**" segment matches the rest of the path, empty or not, still
 * percent-encoded (param NULL when empty); other segments match exactly. The query string
 * is not part of the match. When several routes match a path and method, the one with
 * the most literal segments wins, the first registered among equals: so
 * /v1/tickets/{id}/presence (tickets/presence.c) is served beside the workflow's
 * /v1/tickets/{id}/{step}, in whatever order they are registered. Returns 0, or -1 when
 * out of memory or the table is full. */
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

/* Overwrites the request body's bytes with zeros (they held a password: libevent frees
 * them without clearing). Its length stays. */
void hl_http_body_wipe(struct evhttp_request *req);

/* Sends body (may be NULL; not JSON: a file, a redirect) with status `code`, counted as
 * the JSON answers are; the caller sets Content-Type and keeps body (free it after). */
void hl_http_reply(struct evhttp_request *req, int code, struct evbuffer *body);

/* Starts a streamed answer (server-sent events) with status code and the headers set so
 * far, and "Connection: close": the connection ends with the stream. The stream is not
 * counted among the answers a stop waits for; the connection gets no read timeout and
 * write_timeout_ms for a write that makes no progress. closed(conn, arg) is called when
 * the connection goes (client gone, dropped, or the server freed), after which req is
 * gone too; it is not called after the owner ends the stream itself, which it does by
 * evhttp_connection_set_closecb(conn, NULL, NULL) then evhttp_send_reply_end. Chunks go
 * out with evhttp_send_reply_chunk. Returns 0, or -1 when the client has gone already
 * (nothing sent). */
int hl_http_stream_start(struct evhttp_request *req, int code, int64_t write_timeout_ms,
			 void (*closed)(struct evhttp_connection *conn, void *arg), void *arg);

/* Bytes of a stream's answer queued and not yet taken by its client. */
size_t hl_http_stream_backlog(struct evhttp_request *req);

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

/* Every 503 goes out here: {"error": message, "cause": cause} with Retry-After: 1, counted
 * by cause for hotline_http_unavailable_total (daemon/metrics.c). The causes are
 * hl_http_causes: Redis cannot be reached ("redis_down"), the primary is changing
 * ("failing_over"), the replicas did not confirm a write or are missing
 * ("not_replicated", store/replica_ack.h), hotlined is stopping ("stopping"), a queue is
 * full ("busy"). cause NULL asks the function the daemon set (Redis's state: one of the
 * first three), "redis_down" without one. */
#define HL_HTTP_CAUSES 5
extern const char *const hl_http_causes[HL_HTTP_CAUSES];
void hl_http_reply_unavailable(struct evhttp_request *req, const char *cause, const char *fmt,
			       ...) __attribute__((format(printf, 3, 4)));
typedef const char *(*hl_http_cause_fn)(void *arg);
void hl_http_set_unavailable_cause(struct hl_http *h, hl_http_cause_fn fn, void *arg);
/* The 503s answered, by cause: HL_HTTP_CAUSES entries (struct hl_counted, base/counters.h)
 * in the order of hl_http_causes. Borrowed. */
struct hl_counted;
const struct hl_counted *hl_http_unavailable_counts(const struct hl_http *h);

#endif
