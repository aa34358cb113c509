/* The oversized-body check in front of evhttp's parser; see http_body_limit.h. */
#include "http/http_body_limit.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int hl_body_limit_init(struct hl_body_limit *bl, uint64_t max_body)
{
	unsigned char raw[16];

	bl->max_body = max_body;
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(bl->secret + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static int is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Length of a request line's method when p starts like "POST /...", else 0. */
static size_t request_line(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && i < 8 && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	return i >= 3 && i + 1 < len && p[i] == ' ' && p[i + 1] == '/' ? i : 0;
}

/* Does p start with "Name:" (a header line)? */
static int header_line(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && is_token_char(p[i]))
		i++;
	return i > 0 && i < len && p[i] == ':';
}

static int named(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n > k && strncasecmp(line, name, k) == 0 && line[k] == ':';
}

/* The replacement for one header line, or NULL to keep it. */
static const char *replacement(const struct hl_body_limit *bl, const char *line, size_t n,
			       char *buf, size_t buflen)
{
	if (named(line, n, "Content-Length")) {
		const char *v = line + 15;
		uint64_t value = 0;

		while (*v == ' ' || *v == '\t')
			v++;
		if (*v < '0' || *v > '9')
			return NULL; /* malformed: evhttp answers 400 itself */
		for (; *v >= '0' && *v <= '9'; v++)
			value = value > (UINT64_MAX - 9) / 10 ? UINT64_MAX
							      : value * 10 + (uint64_t)(*v - '0');
		if (value <= bl->max_body)
			return NULL;
		snprintf(buf, buflen, "Content-Length: 0\r\n%s: %s %llu\r\n", HL_BODY_TOO_LARGE,
			 bl->secret, (unsigned long long)value);
		return buf;
	}
	if (named(line, n, "Transfer-Encoding")) {
		snprintf(buf, buflen, "Content-Length: 0\r\n%s: %s chunked\r\n", HL_BODY_TOO_LARGE,
			 bl->secret);
		return buf;
	}
	if (named(line, n, HL_BODY_TOO_LARGE)) {
		const char *v = line + strlen(HL_BODY_TOO_LARGE) + 1;

		while (*v == ' ')
			v++;
		return strncmp(v, bl->secret, strlen(bl->secret)) == 0 ? NULL : "";
	}
	return NULL;
}

/* Rewrites the complete header lines at the start of `in` (after a request line, if it
 * starts with one) that need it; the rest of the buffer is left as it is. */
static void check_headers(const struct hl_body_limit *bl, struct evbuffer *in)
{
	size_t avail = evbuffer_get_length(in), len = avail < HL_HEADERS_MAX ? avail
									      : HL_HEADERS_MAX;
	const char *p = (const char *)evbuffer_pullup(in, (ev_ssize_t)len);
	struct evbuffer *out = NULL;
	size_t pos = 0, copied = 0;
	char buf[192];

	if (!p)
		return;
	if (request_line(p, len)) {
		const char *eol = memchr(p, '\n', len);

		if (!eol)
			return;
		pos = (size_t)(eol - p) + 1;
	}
	while (pos < len) {
		const char *line = p + pos, *eol = memchr(line, '\n', len - pos);
		size_t n = eol ? (size_t)(eol - line) + 1 : 0;
		const char *with;

		if (!eol || line[0] == '\r' || line[0] == '\n')
			break; /* incomplete, or the end of the header block */
		if (line[0] != ' ' && line[0] != '\t' && !header_line(line, n))
			break;
		with = replacement(bl, line, n, buf, sizeof(buf));
		if (with) {
			if (!out && !(out = evbuffer_new()))
				return;
			evbuffer_add(out, p + copied, pos - copied);
			evbuffer_add(out, with, strlen(with));
			copied = pos + n;
		}
		pos += n;
	}
	if (!out)
		return;
	evbuffer_add(out, p + copied, len - copied);
	evbuffer_drain(in, len);
	evbuffer_prepend_buffer(in, out);
	evbuffer_free(out);
}

static void on_input(struct evbuffer *in, const struct evbuffer_cb_info *info, void *arg)
{
	static int rewriting; /* check_headers changes the buffer, which calls back here */
	char start[16];
	size_t got;

	if (rewriting || evbuffer_get_length(in) == 0)
		return;
	got = (size_t)evbuffer_copyout(in, start, sizeof(start));
	/* New bytes may start a request or continue its headers; after evhttp consumed a
	 * request, the next one (pipelined) starts the buffer. Anything else is a body. */
	if (!(request_line(start, got) || (info->n_added > 0 && header_line(start, got))))
		return;
	rewriting = 1;
	check_headers(arg, in);
	rewriting = 0;
}

struct bufferevent *hl_body_limit_bev(struct event_base *base, void *arg)
{
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);

	if (bev && !evbuffer_add_cb(bufferevent_get_input(bev), on_input, arg)) {
		bufferevent_free(bev);
		return NULL;
	}
	/* While an answer is pending evhttp leaves the input alone, and a client pipelining
	 * requests without reading its answers would fill it without end: stop reading the
	 * socket at this much (TCP then holds the client back). A body passes through it
	 * into the request's own buffer, so bodies up to max_body are not limited by it. */
	if (bev)
		bufferevent_setwatermark(bev, EV_READ, 0, HL_INPUT_HIGH);
	return bev;
}

enum hl_body_verdict hl_body_limit_verdict(const struct hl_body_limit *bl,
					   struct evhttp_request *req, uint64_t *declared)
{
	const char *v = evhttp_find_header(evhttp_request_get_input_headers(req),
					   HL_BODY_TOO_LARGE);
	size_t n = strlen(bl->secret);

	if (!v || strncmp(v, bl->secret, n) != 0 || v[n] != ' ')
		return HL_BODY_OK;
	if (strcmp(v + n + 1, "chunked") == 0)
		return HL_BODY_CHUNKED_411;
	*declared = strtoull(v + n + 1, NULL, 10);
	return HL_BODY_TOO_LARGE_413;
}
