/*
 * A test client for streamed answers (server-sent events, GET /v1/events/live): it opens
 * a request, reads the status and headers, then keeps what the server sends so that the
 * test can wait for a piece of text, or for the server to close. Every wait is bounded.
 * For the test's own thread.
 */
#ifndef HL_TEST_SSE_CLIENT_H
#define HL_TEST_SSE_CLIENT_H

#include <stddef.h>

struct hlt_stream {
	int fd;       /* -1 when closed */
	int status;   /* the answer's status, -1 when none came */
	int eof;      /* the server closed the connection */
	char *text;   /* everything received, headers included, NUL-terminated */
	size_t len;
	size_t body;  /* where the body starts in text */
};

/* GETs path from 127.0.0.1:port as token (NULL: none) with extra header lines (each
 * ending in \r\n; may be NULL) and waits up to 5 s for the status line and headers.
 * Returns s->status (-1 when none came). Close with hlt_stream_close. */
int hlt_stream_open(struct hlt_stream *s, int port, const char *path, const char *token,
		    const char *headers);

/* hlt_stream_open, retried for up to 5 s while the answer is 503 (the daemon's tail of
 * the event stream is not running yet). Returns the last status. */
int hlt_stream_open_ready(struct hlt_stream *s, int port, const char *path,
			  const char *token, const char *headers);

/* Reads until the body holds needle or timeout_ms pass. Returns 1 when it does. */
int hlt_stream_wait(struct hlt_stream *s, const char *needle, int timeout_ms);

/* Reads until the server closes or timeout_ms pass. Returns 1 when it closed. */
int hlt_stream_wait_closed(struct hlt_stream *s, int timeout_ms);

/* The body received so far (borrowed). */
const char *hlt_stream_body(const struct hlt_stream *s);

void hlt_stream_close(struct hlt_stream *s);

#endif
