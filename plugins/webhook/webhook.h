/*
 * The webhook plugin's own pieces (plugins/webhook/, linked into webhook.so only): the
 * state every piece shares, and what each piece gives the others. webhook.c holds the
 * plugin's descriptor, init and fini; config.c reads the options and the secrets;
 * payload.c turns an event into the deliveries it owes (on_event); delivery.c POSTs them
 * in order with retries and dead letters (deliver). Everything runs on the daemon's
 * event loop, as every hook does.
 */
#ifndef HL_WEBHOOK_H
#define HL_WEBHOOK_H

#include <hotline/plugin.h>
#include <stddef.h>
#include <stdint.h>

#define HL_WEBHOOK_QUEUE_BUCKETS 256
#define HL_WEBHOOK_JOB_ID_MAX 48
#define HL_WEBHOOK_SECRET_MAX 512

/* A subscribing unit. */
struct hl_webhook_unit {
	char code[HL_DEPT_CODE_MAX];
	const char *url; /* borrowed from the options: lives as long as the instance */
	unsigned char secret[HL_WEBHOOK_SECRET_MAX]; /* wiped when the state is freed */
	size_t secret_len;
};

/* One job: a delivery of one event to one unit. Owns its body. */
struct hl_webhook_delivery {
	char job[HL_WEBHOOK_JOB_ID_MAX];
	char event[24];
	char *body;
	size_t len;
	int tries;
	struct hl_webhook_delivery *next;
};

/* The deliveries of one ticket to one unit, in order; the head is the one being tried.
 * Owns its deliveries; freed when the last one is done. */
struct hl_webhook_queue {
	struct hl_webhook *wh;
	char ticket[HL_TICKET_ID_MAX];
	char unit[HL_DEPT_CODE_MAX];
	struct hl_webhook_delivery *head, **tail;
	struct hl_webhook_queue *next; /* in its bucket */
};

/* The plugin instance's state (hl_glue_state_new; freed by the plugin's fini). */
struct hl_webhook {
	const struct hl_host *host;
	struct hl_self *self;
	const struct hl_options *opts; /* borrowed: lives as long as the instance */
	struct hl_webhook_unit *units; /* owned */
	size_t nunits;
	int attempts;
	uint64_t backoff_ms, backoff_max_ms, timeout_ms;
	uint64_t rng;
	struct hl_webhook_queue *queues[HL_WEBHOOK_QUEUE_BUCKETS]; /* owned */
};

/* --- config.c ---------------------------------------------------------------------- */

/* Reads the options into wh (host, self and opts already set): attempts, backoff,
 * backoff_max, timeout, events, the departments and their secrets from secret_file.
 * Returns 0, or -1 with the reason in err; what it allocated (wh->units) is then still
 * wh's, for the caller to free with the rest. Called from init only. */
int hl_webhook_configure(struct hl_webhook *wh, char *err, size_t errlen);

/* The subscribing unit with this code, or NULL. Borrowed from wh. */
struct hl_webhook_unit *hl_webhook_find_unit(const struct hl_webhook *wh, const char *code);

/* Whether units are told of events of this type (the events option, or its default). */
int hl_webhook_wanted(const struct hl_webhook *wh, const char *event);

/* --- payload.c --------------------------------------------------------------------- */

/* The on_event hook: puts a delivery into the host's outbox for each subscribing unit
 * that leads or co-handles the event's ticket, when units are told of the event. */
void hl_webhook_on_event(void *state, const struct hl_event *ev);

/* --- delivery.c -------------------------------------------------------------------- */

/* The deliver hook: queues the job handed back by the outbox behind the deliveries of
 * the same ticket to the same unit, and POSTs it when it is at the head. */
void hl_webhook_deliver(void *state, const char *job_id, const void *body, size_t len);

/* Frees every queue and the deliveries in them (fini: the host has cancelled their timers
 * and requests without calling back; the jobs stay in the outbox for the next start). */
void hl_webhook_drop_queues(struct hl_webhook *wh);

#endif
