/*
 * The asynchronous HTTP client behind host->http_post: POST requests on libevent's evhttp
 * client, one evhttp_connection per request (a department endpoint sees few requests;
 * no connection reuse means no state to go stale between them). Host names are resolved
 * with evdns, never with a blocking getaddrinfo. Each plugin instance has its own client
 * (struct hl_self.http) so that the calls it owns are cancelled when it is retired.
 * Everything runs on the event-loop thread.
 */
#ifndef HL_HTTP_CLIENT_H
#define HL_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <hotline/plugin.h>

struct event_base;
struct hl_http_client;

#define HL_HTTP_CLIENT_TIMEOUT_MS 30000  /* when the caller gives 0 */
#define HL_HTTP_CLIENT_MAX_BODY (1 << 20) /* of an answer; larger is a failure (-1) */

/* A client that logs under `log_sub` (borrowed: must outlive the client). Returns NULL
 * when out of memory. */
struct hl_http_client *hl_http_client_new(struct event_base *base, const char *log_sub);

/* Starts a POST; see host->http_post for the contract. fn is called exactly once, from
 * the event loop (never from inside this call), unless the client is freed first.
 * Returns 0, or -1 (logged) when the URL is not http://host[:port][/path] or memory ran
 * out; fn is then never called. url, headers and body are copied. */
int hl_http_client_post(struct hl_http_client *c, const char *url, const char *const *headers,
			const void *body, size_t len, uint64_t timeout_ms, hl_http_fn fn,
			void *arg);

/* Requests in flight (for tests and health). */
size_t hl_http_client_pending(const struct hl_http_client *c);

/* Cancels every request in flight without calling back, and frees the client. May not
 * be called from inside one of its callbacks. NULL is allowed. */
void hl_http_client_free(struct hl_http_client *c);

#endif
