/*
 * The webhook plugin's deliveries (deliver): each job the outbox hands back joins the
 * queue of its ticket and unit and is POSTed, signed, when it reaches the head; a failure
 * is tried again after an exponential backoff with jitter, and after `attempts` tries
 * the job is a dead letter. The next delivery of a queue goes only once the one in
 * front is delivered or given up.
 */
#include <hotline/plugin.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "webhook.h"

static size_t bucket_of(const char *ticket, const char *unit)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *p = ticket; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ '|') * 16777619u;
	for (const char *p = unit; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % HL_WEBHOOK_QUEUE_BUCKETS;
}

static struct hl_webhook_queue *queue_of(struct hl_webhook *wh, const char *ticket,
					 const char *unit)
{
	size_t b = bucket_of(ticket, unit);
	struct hl_webhook_queue *q;

	for (q = wh->queues[b]; q; q = q->next) {
		if (strcmp(q->ticket, ticket) == 0 && strcmp(q->unit, unit) == 0)
			return q;
	}
	if (!(q = calloc(1, sizeof(*q))))
		return NULL;
	q->wh = wh;
	snprintf(q->ticket, sizeof(q->ticket), "%s", ticket);
	snprintf(q->unit, sizeof(q->unit), "%s", unit);
	q->tail = &q->head;
	q->next = wh->queues[b];
	wh->queues[b] = q;
	return q;
}

static void queue_free(struct hl_webhook_queue *q)
{
	struct hl_webhook_queue **link = &q->wh->queues[bucket_of(q->ticket, q->unit)];

	while (*link != q)
		link = &(*link)->next;
	*link = q->next;
	free(q);
}

static void delivery_free(struct hl_webhook_delivery *d)
{
	free(d->body);
	free(d);
}

static void send_head(struct hl_webhook_queue *q);

/* The head is finished (delivered or given up): the next one of the ticket goes. */
static void pop(struct hl_webhook_queue *q)
{
	struct hl_webhook_delivery *d = q->head;

	q->head = d->next;
	if (!q->head)
		q->tail = &q->head;
	delivery_free(d);
	if (q->head)
		send_head(q);
	else
		queue_free(q);
}

/* xorshift64*: jitter needs no cryptographic randomness. */
static uint64_t next_random(struct hl_webhook *wh)
{
	wh->rng ^= wh->rng >> 12;
	wh->rng ^= wh->rng << 25;
	wh->rng ^= wh->rng >> 27;
	return wh->rng * 2685821657736338717ULL;
}

/* The wait before try number `tries` + 1: backoff * 2^(tries-1), at most backoff_max,
 * drawn from [w/2, w] so that units recovering from an outage are not hit in step. */
static uint64_t backoff(struct hl_webhook *wh, int tries)
{
	uint64_t w = wh->backoff_ms;

	for (int i = 1; i < tries && w < wh->backoff_max_ms; i++)
		w *= 2;
	if (w > wh->backoff_max_ms)
		w = wh->backoff_max_ms;
	return w / 2 + (w > 1 ? next_random(wh) % (w - w / 2 + 1) : 0);
}

static void retry_fired(void *arg)
{
	send_head(arg);
}

/* The head's try failed: again after a while, or a dead letter after `attempts`. */
static void failed(struct hl_webhook_queue *q, const char *why)
{
	struct hl_webhook *wh = q->wh;
	struct hl_webhook_delivery *d = q->head;
	uint64_t wait;

	if (d->tries >= wh->attempts) {
		char reason[200];

		snprintf(reason, sizeof(reason), "webhook to unit %s gave up after %d attempts: %s",
			 q->unit, d->tries, why);
		wh->host->log(wh->self, HL_LOG_WARN, "dead_letter job=%s id=%s unit=%s event=%s "
						     "attempts=%d reason=\"%s\"",
			      d->job, q->ticket, q->unit, d->event, d->tries, why);
		wh->host->outbox_dead(wh->self, d->job, q->ticket, reason);
		pop(q);
		return;
	}
	wait = backoff(wh, d->tries);
	wh->host->log(wh->self, HL_LOG_INFO, "retry job=%s id=%s unit=%s event=%s attempt=%d "
					     "in_ms=%llu reason=\"%s\"",
		      d->job, q->ticket, q->unit, d->event, d->tries, (unsigned long long)wait, why);
	if (!wh->host->timer_start(wh->self, wait, retry_fired, q)) {
		/* out of memory: the job stays in the outbox for the next start */
		wh->host->log(wh->self, HL_LOG_ERROR, "retry_lost job=%s reason=\"out of memory\"",
			      d->job);
	}
}

static void answered(int status, const char *body, size_t len, void *arg)
{
	struct hl_webhook_queue *q = arg;
	struct hl_webhook *wh = q->wh;
	struct hl_webhook_delivery *d = q->head;
	char why[64];

	(void)body;
	(void)len;
	if (status >= 200 && status <= 299) {
		wh->host->log(wh->self, HL_LOG_INFO, "delivered job=%s id=%s unit=%s event=%s "
						     "attempt=%d status=%d",
			      d->job, q->ticket, q->unit, d->event, d->tries, status);
		wh->host->outbox_done(wh->self, d->job);
		pop(q);
		return;
	}
	if (status < 0)
		snprintf(why, sizeof(why), "no answer (refused, reset or timed out)");
	else
		snprintf(why, sizeof(why), "HTTP %d", status);
	failed(q, why);
}

/* HMAC-SHA256(secret, timestamp + "." + body) as "sha256=<hex>". */
static int sign(const struct hl_webhook_unit *u, const char *ts, const char *body, size_t len, char *out,
		size_t outlen)
{
	size_t tlen = strlen(ts);
	unsigned char *msg = malloc(tlen + 1 + len), mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	int ok;

	if (!msg || outlen < 7 + 2 * 32 + 1) {
		free(msg);
		return -1;
	}
	memcpy(msg, ts, tlen);
	msg[tlen] = '.';
	memcpy(msg + tlen + 1, body, len);
	ok = HMAC(EVP_sha256(), u->secret, (int)u->secret_len, msg, tlen + 1 + len, mac,
		  &maclen) != NULL;
	free(msg);
	if (!ok || maclen != 32)
		return -1;
	memcpy(out, "sha256=", 7);
	hl_hex_encode(mac, maclen, out + 7);
	return 0;
}

/* Tries the head of a queue once. */
static void send_head(struct hl_webhook_queue *q)
{
	struct hl_webhook *wh = q->wh;
	struct hl_webhook_delivery *d = q->head;
	const struct hl_webhook_unit *u = hl_webhook_find_unit(wh, q->unit);
	char ts[24], sig[80], h_ts[48], h_sig[112], h_job[80], h_event[48], h_try[40];
	const char *headers[] = {"Content-Type: application/json", h_ts, h_sig, h_job, h_event,
				 h_try, NULL};

	if (!u) { /* put by an instance (or a daemon) configured with other units */
		d->tries = wh->attempts;
		failed(q, "no URL configured for this unit");
		return;
	}
	d->tries++;
	snprintf(ts, sizeof(ts), "%lld", (long long)(wh->host->now_ms() / 1000));
	if (sign(u, ts, d->body, d->len, sig, sizeof(sig)) < 0) {
		failed(q, "cannot sign (out of memory)");
		return;
	}
	snprintf(h_ts, sizeof(h_ts), "X-Hotline-Timestamp: %s", ts);
	snprintf(h_sig, sizeof(h_sig), "X-Hotline-Signature: %s", sig);
	snprintf(h_job, sizeof(h_job), "X-Hotline-Delivery: %s", d->job);
	snprintf(h_event, sizeof(h_event), "X-Hotline-Event: %s", d->event);
	snprintf(h_try, sizeof(h_try), "X-Hotline-Attempt: %d", d->tries);
	if (wh->host->http_post(wh->self, u->url, headers, d->body, d->len, wh->timeout_ms,
				answered, q) < 0)
		failed(q, "request not started");
}

/* A string member of a parsed payload, or NULL. */
static const char *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

void hl_webhook_deliver(void *state, const char *job_id, const void *body, size_t len)
{
	struct hl_webhook *wh = state;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = tok ? json_tokener_parse_ex(tok, body, (int)len) : NULL;
	const char *ticket = o ? member(o, "ticket_id") : NULL;
	const char *unit = o ? member(o, "recipient") : NULL;
	const char *event = o ? member(o, "event") : NULL;
	struct hl_webhook_delivery *d = NULL;
	struct hl_webhook_queue *q;

	if (tok)
		json_tokener_free(tok);
	if (!ticket || !unit || !event || strlen(ticket) >= HL_TICKET_ID_MAX ||
	    strlen(unit) >= HL_DEPT_CODE_MAX) {
		wh->host->log(wh->self, HL_LOG_ERROR, "dead_letter job=%s reason=\"unreadable "
						      "payload\"",
			      job_id);
		wh->host->outbox_dead(wh->self, job_id, NULL, "unreadable webhook payload");
		json_object_put(o);
		return;
	}
	if (!(q = queue_of(wh, ticket, unit)) || !(d = calloc(1, sizeof(*d))) ||
	    !(d->body = malloc(len + 1))) {
		/* stays in the outbox: handed over again after the next start */
		wh->host->log(wh->self, HL_LOG_ERROR, "not_taken job=%s reason=\"out of memory\"",
			      job_id);
		free(d);
		if (q && !q->head)
			queue_free(q);
		json_object_put(o);
		return;
	}
	snprintf(d->job, sizeof(d->job), "%s", job_id);
	snprintf(d->event, sizeof(d->event), "%s", event);
	memcpy(d->body, body, len);
	d->body[len] = '\0';
	d->len = len;
	json_object_put(o);
	*q->tail = d;
	q->tail = &d->next;
	if (q->head == d)
		send_head(q);
}

void hl_webhook_drop_queues(struct hl_webhook *wh)
{
	for (size_t b = 0; b < HL_WEBHOOK_QUEUE_BUCKETS; b++) {
		while (wh->queues[b]) {
			struct hl_webhook_queue *q = wh->queues[b];

			wh->queues[b] = q->next;
			while (q->head) {
				struct hl_webhook_delivery *d = q->head;

				q->head = d->next;
				delivery_free(d);
			}
			free(q);
		}
	}
}
