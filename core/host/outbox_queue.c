/* The outbox's puts and ends on their way to Redis, in order; see outbox_queue.h. */
#include "host/outbox_queue.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "host/service.h"
#include "store/keys.h"
#include "store/redis.h"

enum kind { W_PUT, W_DONE, W_DEAD };

/* A put or an end, from when it is asked until Redis has answered it. */
struct hl_outbox_write {
	enum kind kind;
	const struct hl_outbox_target *t;
	char *data; /* the payload (put) or the job id (done, dead) */
	size_t len;
	char *ticket, *reason; /* dead */
	struct hl_outbox_queue *q;
	struct hl_outbox_write *next; /* while waiting */
};

void hl_outbox_queue_init(struct hl_outbox_queue *q, struct hl_service *svc,
			  void (*stored)(void *owner))
{
	memset(q, 0, sizeof(*q));
	q->svc = svc;
	q->stored = stored;
	q->tail = &q->head;
}

static void wait_for_redis(struct hl_outbox_queue *q, struct hl_outbox_write *w)
{
	w->next = NULL;
	*q->tail = w;
	q->tail = &w->next;
	q->n++;
}

static void write_free(struct hl_outbox_write *w)
{
	free(w->data);
	free(w->ticket);
	free(w->reason);
	free(w);
}

static struct hl_outbox_write *write_new(struct hl_outbox_queue *q, enum kind kind,
					 const struct hl_outbox_target *t, const void *data,
					 size_t len, const char *ticket, const char *reason)
{
	struct hl_outbox_write *w = calloc(1, sizeof(*w));

	if (!w || !(w->data = malloc(len + 1)) ||
	    (ticket && !(w->ticket = strdup(ticket))) || (reason && !(w->reason = strdup(reason)))) {
		if (w)
			write_free(w);
		return NULL;
	}
	memcpy(w->data, data, len);
	w->data[len] = '\0';
	w->len = len;
	w->kind = kind;
	w->t = t;
	w->q = q;
	return w;
}

/* Completion of a put. A connection lost before Redis answered sends it again later. */
static void stored(struct redisReply *reply, void *arg)
{
	struct hl_outbox_write *w = arg;
	struct hl_outbox_queue *q = w->q;
	void *owner = w->t->owner;

	if (!reply && !q->stopped) {
		wait_for_redis(q, w);
		return;
	}
	if (reply && reply->type != REDIS_REPLY_ERROR) {
		q->put++;
		write_free(w);
		q->stored(owner);
		return;
	}
	q->lost++;
	hl_log(HL_LOG_ERROR, "outbox", "put_failed plugin=%s error=\"%s\"", w->t->name,
	       reply ? reply->str : "connection lost at stop; the job may be lost");
	write_free(w);
}

/* Completion of an end (done or dead): a lost connection sends it again later (both are
 * idempotent: an end of a job already gone does nothing). */
static void ended(struct redisReply *reply, void *arg)
{
	struct hl_outbox_write *w = arg;

	if (!reply && !w->q->stopped) {
		wait_for_redis(w->q, w);
		return;
	}
	if (!reply || reply->type == REDIS_REPLY_ERROR)
		hl_log(HL_LOG_WARN, "outbox", "end_failed plugin=%s job=%s error=\"%s\" "
					      "action=left_pending",
		       w->t->name, w->data, reply ? reply->str : "connection lost");
	write_free(w);
}

/* Sends one write. Returns 0 when sent (w is then owned by the reply), -1 when Redis is
 * not reachable (w stays the caller's). */
static int send_write(struct hl_outbox_queue *q, struct hl_outbox_write *w)
{
	struct hl_service *svc = q->svc;
	const struct hl_outbox_target *t = w->t;

	if (!svc->redis) /* the daemon is being freed: nothing reaches Redis any more */
		return -1;
	if (w->kind == W_PUT) {
		char at[24];
		const char *argv[] = {"XADD", t->key, "*", "payload", w->data, "at", at, "from",
				      svc->instance};
		size_t lens[] = {4, strlen(t->key), 1, 7, w->len, 2, 0, 4, strlen(svc->instance)};

		snprintf(at, sizeof(at), "%lld", (long long)hl_clock_now_ms());
		lens[6] = strlen(at);
		return hl_redis_command(svc->redis, HL_REDIS_COMMANDS, stored, w, 9, argv, lens);
	}
	if (w->kind == W_DONE) {
		const char *argv[] = {t->key, HL_GROUP_DELIVER, w->data};

		return hl_redis_eval(svc->redis, HL_SCRIPT_OUTBOX_DONE, ended, w, 1, 3, argv, NULL);
	} else {
		const char *argv[] = {t->name, HL_GROUP_DELIVER, w->data, w->ticket ? w->ticket : "",
				      w->reason ? w->reason : ""};

		return hl_redis_eval_as(svc->redis, svc->prefix, hl_clock_now_ms(), t->name,
					"system", HL_SCRIPT_OUTBOX_DEAD, ended, w, 5, argv, NULL);
	}
}

void hl_outbox_queue_flush(struct hl_outbox_queue *q)
{
	while (q->head) {
		struct hl_outbox_write *w = q->head;

		q->head = w->next;
		if (!q->head)
			q->tail = &q->head;
		q->n--;
		if (send_write(q, w) < 0) {
			w->next = q->head; /* back in front */
			if (!q->head)
				q->tail = &w->next;
			q->head = w;
			q->n++;
			return;
		}
	}
}

/* Sends at once when nothing waits before it, else queues behind. */
static int submit(struct hl_outbox_queue *q, struct hl_outbox_write *w)
{
	if (!q->head && send_write(q, w) == 0)
		return 0;
	if (q->n >= HL_OUTBOX_WAITING_MAX) {
		write_free(w);
		return -ENOBUFS;
	}
	wait_for_redis(q, w);
	return 0;
}

int hl_outbox_queue_put(struct hl_outbox_queue *q, const struct hl_outbox_target *t,
			const void *payload, size_t len)
{
	struct hl_outbox_write *w = write_new(q, W_PUT, t, payload, len, NULL, NULL);
	int rc;

	if (!w)
		return -ENOMEM;
	rc = submit(q, w);
	q->lost += rc < 0;
	return rc;
}

int hl_outbox_queue_end(struct hl_outbox_queue *q, const struct hl_outbox_target *t,
			enum hl_outbox_end kind, const char *job_id, const char *ticket_id,
			const char *reason)
{
	struct hl_outbox_write *w = write_new(q, kind == HL_OUTBOX_DONE ? W_DONE : W_DEAD, t,
					      job_id, strlen(job_id), ticket_id, reason);

	return w ? submit(q, w) : -ENOMEM;
}

void hl_outbox_queue_stop(struct hl_outbox_queue *q)
{
	if (q->stopped)
		return;
	hl_outbox_queue_flush(q);
	q->stopped = 1;
}

void hl_outbox_queue_free(struct hl_outbox_queue *q)
{
	q->stopped = 1;
	if (q->n > 0)
		hl_log(HL_LOG_WARN, "outbox", "exit_with_waiting count=%zu reason=\"Redis "
					      "unreachable\" (puts among them are lost; ends are "
					      "delivered again after the next start)",
		       q->n);
	while (q->head) {
		struct hl_outbox_write *w = q->head;

		q->head = w->next;
		q->lost += w->kind == W_PUT;
		write_free(w);
	}
	q->tail = &q->head;
	q->n = 0;
}
