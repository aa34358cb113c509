/*
 * Refusing an oversized body before reading it, with a JSON answer. libevent 2.1's evhttp
 * refuses a body over its limit with an HTML page and offers no hook to change that. So
 * each connection's socket buffer gets a callback that looks at a request's header block
 * as soon as it has arrived, before evhttp parses it: when the block declares a
 * Content-Length over the limit, it is rewritten to "Content-Length: 0" plus
 * HL_BODY_TOO_LARGE carrying the declared length, and the body bytes that came with it
 * are dropped. The router then answers 413 in JSON and closes the connection, so the
 * rest of the body is never read. Chunked bodies are left to evhttp's own limit.
 */
#ifndef HL_HTTP_BODY_LIMIT_H
#define HL_HTTP_BODY_LIMIT_H

struct bufferevent;
struct event_base;

#define HL_BODY_TOO_LARGE "X-Hotline-Body-Too-Large"

/* evhttp_set_bevcb's callback: the bufferevent for one new connection. `arg` points to
 * the body limit in bytes (a uint64_t that outlives the server). Returns NULL when out
 * of memory (evhttp then drops the connection). */
struct bufferevent *hl_body_limit_bev(struct event_base *base, void *arg);

#endif
