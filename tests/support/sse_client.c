/* A bounded client for streamed answers; see sse_client.h. */
#include "sse_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* Reads what is there within wait_ms into s. Returns 1 when something came, 0 when
 * nothing did, -1 when the server closed. */
static int read_some(struct hlt_stream *s, int wait_ms)
{
	struct pollfd p = {.fd = s->fd, .events = POLLIN};
	char buf[8192];
	ssize_t n;

	if (s->fd < 0 || s->eof)
		return -1;
	if (poll(&p, 1, wait_ms) <= 0)
		return 0;
	n = read(s->fd, buf, sizeof(buf));
	if (n <= 0) {
		s->eof = 1;
		return -1;
	}
	s->text = realloc(s->text, s->len + (size_t)n + 1);
	memcpy(s->text + s->len, buf, (size_t)n);
	s->len += (size_t)n;
	s->text[s->len] = '\0';
	return 1;
}

int hlt_stream_open(struct hlt_stream *s, int port, const char *path, const char *token,
		    const char *headers)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char *req = NULL, auth[256] = "";
	int64_t until = hlt_now_ms() + 5000;
	int n;

	memset(s, 0, sizeof(*s));
	s->status = -1;
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if ((s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		hlt_stream_close(s);
		return -1;
	}
	if (token)
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", token);
	n = asprintf(&req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n%s%s\r\n",
		     path, auth, headers ? headers : "");
	if (n < 0 || send(s->fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
		free(req);
		return -1;
	}
	free(req);
	while (hlt_now_ms() < until) {
		char *end = s->text ? strstr(s->text, "\r\n\r\n") : NULL;

		if (end) {
			s->body = (size_t)(end - s->text) + 4;
			sscanf(s->text, "HTTP/1.%*d %d", &s->status);
			break;
		}
		if (read_some(s, 50) < 0)
			break;
	}
	return s->status;
}

int hlt_stream_open_ready(struct hlt_stream *s, int port, const char *path,
			  const char *token, const char *headers)
{
	int64_t until = hlt_now_ms() + 5000;
	int status;

	for (;;) {
		status = hlt_stream_open(s, port, path, token, headers);
		if (status != 503 || hlt_now_ms() >= until)
			return status;
		hlt_stream_close(s);
		usleep(100 * 1000);
	}
}

int hlt_stream_wait(struct hlt_stream *s, const char *needle, int timeout_ms)
{
	int64_t until = hlt_now_ms() + timeout_ms;

	for (;;) {
		if (s->text && s->len >= s->body && strstr(s->text + s->body, needle))
			return 1;
		if (hlt_now_ms() >= until || read_some(s, 50) < 0) {
			return s->text && s->len >= s->body && strstr(s->text + s->body, needle);
		}
	}
}

int hlt_stream_wait_closed(struct hlt_stream *s, int timeout_ms)
{
	int64_t until = hlt_now_ms() + timeout_ms;

	while (hlt_now_ms() < until) {
		if (read_some(s, 50) < 0)
			return 1;
	}
	return s->eof;
}

const char *hlt_stream_body(const struct hlt_stream *s)
{
	return s->text && s->len >= s->body ? s->text + s->body : "";
}

void hlt_stream_close(struct hlt_stream *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->text);
	s->text = NULL;
	s->len = 0;
}
