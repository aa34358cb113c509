/*
 * Refusing an oversized or chunked body before reading it, with a JSON answer. libevent
 * 2.1's evhttp refuses a body over its limit with an HTML page and offers no hook to
 * change that. So each connection's socket buffer gets a callback that looks at header
 * lines as they arrive, before evhttp parses them: a Content-Length over the limit, or
 * a chunked Transfer-Encoding, is replaced by "Content-Length: 0" and an
 * HL_BODY_TOO_LARGE header that carries a per-process secret and what was declared.
 * The router then answers 413 (or 411 for chunked) in JSON and closes the connection,
 * so the body is never read. A client cannot fake the header: lines of that name
 * without the secret are removed.
 */
#ifndef HL_HTTP_BODY_LIMIT_H
#define HL_HTTP_BODY_LIMIT_H

#include <stdint.h>

struct bufferevent;
struct event_base;
struct evhttp_request;

#define HL_BODY_TOO_LARGE "X-Hotline-Body-Too-Large"
#define HL_HEADERS_MAX 16384 /* the largest header block accepted */
#define HL_INPUT_HIGH 65536  /* unparsed input held per connection at most */

struct hl_body_limit {
	uint64_t max_body;
	char secret[33]; /* random hex, made by hl_body_limit_init */
};

/* Sets the limit and draws the secret. Returns 0, or -1 when no randomness is at hand. */
int hl_body_limit_init(struct hl_body_limit *bl, uint64_t max_body);

/* evhttp_set_bevcb's callback: the bufferevent for one new connection, its unparsed input
 * capped at HL_INPUT_HIGH (reading pauses there). `arg` is the
 * struct hl_body_limit, which must outlive the server. NULL when out of memory (evhttp
 * then drops the connection). */
struct bufferevent *hl_body_limit_bev(struct event_base *base, void *arg);

enum hl_body_verdict { HL_BODY_OK, HL_BODY_TOO_LARGE_413, HL_BODY_CHUNKED_411 };

/* What the check decided about a request; *declared is the declared length for 413. */
enum hl_body_verdict hl_body_limit_verdict(const struct hl_body_limit *bl,
					   struct evhttp_request *req, uint64_t *declared);

#endif
