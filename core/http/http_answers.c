/* Answers not yet written, per client connection; see http_answers.h. */
#include "http/http_answers.h"

#include <event2/http.h>
#include <stdint.h>
#include <stdlib.h>

#define BUCKETS 1024 /* connections are spread over these by address */

/* A client connection that has been given at least one answer, until it closes. */
struct conn_answers {
	struct evhttp_connection *conn;
	size_t pending; /* answers given on it and not yet written */
	struct conn_answers *next;
};

struct hl_http_answers {
	size_t unsent; /* the sum of every connection's pending */
	void (*drained)(void *);
	void *drained_arg;
	struct conn_answers *buckets[BUCKETS];
};

static struct conn_answers **slot(struct hl_http_answers *a, const struct evhttp_connection *conn)
{
	uintptr_t key = (uintptr_t)conn;
	struct conn_answers **p = &a->buckets[(key >> 4 ^ key >> 14) % BUCKETS];

	while (*p && (*p)->conn != conn)
		p = &(*p)->next;
	return p;
}

/* n answers are no longer waiting to be written: written, or their connection is gone. */
static void settle(struct hl_http_answers *a, struct conn_answers *c, size_t n)
{
	if (n > c->pending)
		n = c->pending;
	c->pending -= n;
	a->unsent -= n;
	if (a->unsent == 0 && a->drained) {
		void (*fn)(void *) = a->drained;

		a->drained = NULL;
		fn(a->drained_arg);
	}
}

static void answer_written(struct evhttp_request *req, void *arg)
{
	struct hl_http_answers *a = arg;
	struct conn_answers *c = *slot(a, evhttp_request_get_connection(req));

	if (c)
		settle(a, c, 1);
}

void hl_http_answers_forget(struct hl_http_answers *a, struct evhttp_connection *conn)
{
	struct conn_answers **p = slot(a, conn), *c = *p;

	if (!c)
		return;
	*p = c->next;
	settle(a, c, c->pending);
	free(c);
}

static void conn_closed(struct evhttp_connection *conn, void *arg)
{
	hl_http_answers_forget(arg, conn);
}

struct hl_http_answers *hl_http_answers_new(void)
{
	return calloc(1, sizeof(struct hl_http_answers));
}

void hl_http_answers_free(struct hl_http_answers *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < BUCKETS; i++) {
		while (a->buckets[i]) {
			struct conn_answers *c = a->buckets[i];

			a->buckets[i] = c->next;
			free(c);
		}
	}
	free(a);
}

int hl_http_answers_add(struct hl_http_answers *a, struct evhttp_request *req)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct conn_answers **p, *c;

	if (!conn)
		return 0; /* the client has gone: evhttp_send_reply frees the request at once */
	p = slot(a, conn);
	if (!(c = *p)) {
		if (!(c = calloc(1, sizeof(*c))))
			return -1;
		c->conn = conn;
		*p = c;
		evhttp_connection_set_closecb(conn, conn_closed, a);
	}
	c->pending++;
	a->unsent++;
	evhttp_request_set_on_complete_cb(req, answer_written, a);
	return 0;
}

size_t hl_http_answers_unsent(const struct hl_http_answers *a)
{
	return a ? a->unsent : 0;
}

void hl_http_answers_when_drained(struct hl_http_answers *a, void (*fn)(void *arg), void *arg)
{
	a->drained = fn;
	a->drained_arg = arg;
	if (fn && a->unsent == 0) {
		a->drained = NULL;
		fn(arg);
	}
}
