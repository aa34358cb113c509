/* The oversized-body check in front of evhttp's parser; see http_body_limit.h. */
#include "http_body_limit.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HEADERS_MAX 16384 /* as evhttp_set_max_headers_size in http.c */

/* Does the text start like a request line ("POST /path HTTP/1.1")? Only then is the
 * buffer's start a header block rather than body bytes still arriving. */
static int starts_request(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && i < 8 && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	return i >= 3 && i < len && p[i] == ' ' && i + 1 < len && p[i + 1] == '/';
}

/* The Content-Length a header block declares, or -1 when it declares none, or when it
 * says chunked (evhttp's own limit applies then). */
static int64_t declared_length(const char *head, size_t len)
{
	const char *end = head + len;
	int64_t length = -1;

	for (const char *line = head; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t n = eol ? (size_t)(eol - line) : (size_t)(end - line);

		if (n > 15 && strncasecmp(line, "Content-Length:", 15) == 0) {
			uint64_t value = 0;
			const char *v = line + 15;

			while (*v == ' ' || *v == '\t')
				v++;
			if (*v < '0' || *v > '9')
				return -1;
			for (; *v >= '0' && *v <= '9'; v++)
				value = value > (uint64_t)INT64_MAX / 10 ? (uint64_t)INT64_MAX
									  : value * 10 + (uint64_t)(*v - '0');
			length = value > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)value;
		} else if (n > 18 && strncasecmp(line, "Transfer-Encoding:", 18) == 0) {
			return -1;
		}
		line += n + 1;
	}
	return length;
}

/* Replaces the buffer's content by the header block with its Content-Length line
 * rewritten; the body bytes that came along are dropped. */
static void refuse(struct evbuffer *in, const char *head, size_t len, int64_t declared)
{
	struct evbuffer *out = evbuffer_new();
	const char *end = head + len - 2; /* before the blank line's CRLF */

	if (!out)
		return;
	for (const char *line = head; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t n = eol ? (size_t)(eol - line) + 1 : (size_t)(end - line);

		if (!(n > 15 && strncasecmp(line, "Content-Length:", 15) == 0))
			evbuffer_add(out, line, n);
		line += n;
	}
	evbuffer_add_printf(out, "Content-Length: 0\r\n%s: %lld\r\n\r\n", HL_BODY_TOO_LARGE,
			    (long long)declared);
	evbuffer_drain(in, evbuffer_get_length(in));
	evbuffer_add_buffer(in, out);
	evbuffer_free(out);
}

static void on_input(struct evbuffer *in, const struct evbuffer_cb_info *info, void *arg)
{
	static int rewriting; /* refuse() changes the buffer, which calls back here */
	uint64_t max_body = *(const uint64_t *)arg;
	struct evbuffer_ptr end;
	const char *head;
	size_t avail = evbuffer_get_length(in);
	unsigned char start[16];
	int64_t declared;

	if (rewriting || info->n_added == 0 || avail < 16)
		return;
	if (evbuffer_copyout(in, start, sizeof(start)) != (ev_ssize_t)sizeof(start) ||
	    !starts_request((const char *)start, sizeof(start)))
		return;
	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0 || end.pos > HEADERS_MAX)
		return;
	head = (const char *)evbuffer_pullup(in, end.pos + 4);
	if (!head)
		return;
	declared = declared_length(head, (size_t)end.pos + 4);
	if (declared >= 0 && (uint64_t)declared > max_body) {
		rewriting = 1;
		refuse(in, head, (size_t)end.pos + 4, declared);
		rewriting = 0;
	}
}

struct bufferevent *hl_body_limit_bev(struct event_base *base, void *arg)
{
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);

	if (bev && !evbuffer_add_cb(bufferevent_get_input(bev), on_input, arg)) {
		bufferevent_free(bev);
		return NULL;
	}
	return bev;
}
