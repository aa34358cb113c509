/*
 * The `webhook` plugin: tells departments' own systems about their tickets. On the
 * events a unit subscribes to (dispatched, reopened, escalated, closed by default) it
 * POSTs the ticket as JSON to the unit's URL, signed with the unit's secret:
 *
 *   X-Hotline-Timestamp: <Unix seconds>
 *   X-Hotline-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
 *   X-Hotline-Delivery:  <job id, the same for every try and redelivery of one event>
 *   X-Hotline-Event, X-Hotline-Attempt
 *
 * A unit gets the events of tickets it leads (role "lead") or co-handles ("co_handling").
 * The fields of base/mask.h's list of personal data (the caller's phone and ID number,
 * the citizen's name, numbers in free text) are masked as in the views of roles that do
 * not see personal data; the unit reads them whole through the API with its dept: token.
 *
 * Durability: each delivery is a job in the host's outbox (host->outbox_put), so a
 * restart loses none, and it is POSTed when the outbox hands it back (deliver). A
 * failure (transport error or a status other than 2xx) is tried again after `backoff`,
 * doubling up to `backoff_max`, with jitter (each wait drawn from [w/2, w]); after
 * `attempts` tries the job becomes a dead letter (host->outbox_dead: hl:deadletter, a
 * delivery_failed flag and audit entry on the ticket, a notice to supervisors).
 *
 * Order: the deliveries of one ticket to one unit form a queue; the next is not tried
 * before the one in front has been delivered or given up. (The outbox hands jobs over
 * in the order they were put.) Receivers should still tolerate a repeat: after a crash
 * a delivery may come twice, with the same X-Hotline-Delivery.
 *
 * Options (hotlined.yaml):
 *   departments: ["water=http://10.0.0.5:8080/hotline", ...]   unit code=URL (http://)
 *   secret_file: webhook-secrets.yaml   a YAML mapping of unit code to secret; keep it
 *                                       readable by hotlined only
 *   events, attempts, backoff, backoff_max, timeout: see the option table
 *
 * The plugin is this folder, a file a job: webhook.c (the descriptor, init and fini),
 * config.c (options and secrets), payload.c (on_event: what is owed to whom),
 * delivery.c (deliver: queues, signing, retries, dead letters); webhook.h is what they
 * share.
 */
#include <hotline/plugin.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdlib.h>

#include "plugin_glue.h"
#include "webhook.h"

static const struct hl_option webhook_options[] = {
	{"departments", HL_OPT_STRING_LIST, 1, NULL,
	 "subscribing units as code=URL, e.g. water=http://10.0.0.5:8080/hotline"},
	{"secret_file", HL_OPT_PATH, 1, NULL,
	 "YAML mapping of unit code to its HMAC secret (never in hotlined.yaml)"},
	{"events", HL_OPT_STRING_LIST, 0, NULL,
	 "events delivered; dispatched, reopened, escalated and closed when absent"},
	{"attempts", HL_OPT_INT, 0, "5", "tries of one delivery before it is a dead letter"},
	{"backoff", HL_OPT_DURATION, 0, "1s", "wait before the first retry; doubles each time"},
	{"backoff_max", HL_OPT_DURATION, 0, "5m", "longest wait between two tries"},
	{"timeout", HL_OPT_DURATION, 0, "10s", "limit of one try: connect, send and answer"},
	{NULL, 0, 0, NULL, NULL},
};

/* Frees the state. Timers and HTTP requests still out are cancelled by the host without
 * calling back; the jobs stay in the outbox and are delivered after the next start. */
static void webhook_fini(void *state)
{
	struct hl_webhook *wh = state;

	hl_webhook_drop_queues(wh);
	if (wh->units)
		OPENSSL_cleanse(wh->units, wh->nunits * sizeof(*wh->units));
	free(wh->units);
	free(wh);
}

static enum hl_status webhook_init(const struct hl_host *host, struct hl_self *self,
				   const struct hl_options *opts, void **state_r, char *err,
				   size_t errlen)
{
	struct hl_webhook *wh;

	wh = hl_glue_state_new(host, 1, HL_HOST_END(outbox_dead), "http_post, the outbox",
			       sizeof(*wh), err, errlen);
	if (!wh)
		return HL_ERROR;
	wh->host = host;
	wh->self = self;
	wh->opts = opts;
	wh->rng = (uint64_t)host->now_ms() ^ (uint64_t)(uintptr_t)wh ^ 0x9e3779b97f4a7c15ULL;
	if (hl_webhook_configure(wh, err, errlen) < 0) {
		webhook_fini(wh);
		return HL_ERROR;
	}
	host->log(self, HL_LOG_INFO, "ready units=%zu attempts=%d backoff_ms=%llu "
				     "backoff_max_ms=%llu",
		  wh->nunits, wh->attempts, (unsigned long long)wh->backoff_ms,
		  (unsigned long long)wh->backoff_max_ms);
	*state_r = wh;
	return HL_OK;
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "webhook",
	.version = "1.0.0",
	.description = "POSTs signed ticket events to departments' own systems, durably",
	.options = webhook_options,
	.init = webhook_init,
	.on_event = hl_webhook_on_event,
	.fini = webhook_fini,
	.deliver = hl_webhook_deliver,
};
