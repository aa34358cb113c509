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
 */
#include <hotline/plugin.h>
#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mask.h: the daemon's own masking code, linked into the plugin (a plugin links nothing
 * of the daemon): what departments receive is masked exactly as the API masks it. */
#include "base/hex.h"
#include "base/mask.h"
#include "plugin_glue.h"
#include "base/yaml_tree.h"

#define QUEUE_BUCKETS 256
#define JOB_ID_MAX 48
#define SECRET_MAX 512

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

static const char *const default_events[] = {HL_EV_DISPATCHED, HL_EV_REOPENED, HL_EV_ESCALATED,
					     HL_EV_CLOSED, NULL};
static const char *const known_events[] = {
	HL_EV_RECEIVED, HL_EV_DISPATCHED, HL_EV_ACCEPTED, HL_EV_RETURNED, HL_EV_EXTENDED,
	HL_EV_RESOLVED, HL_EV_REOPENED,	  HL_EV_CLOSED,	  HL_EV_WARNING,  HL_EV_OVERDUE,
	HL_EV_ESCALATED, HL_EV_PENDING_MANUAL, HL_EV_MERGED, NULL};

/* The ticket fields departments receive. Those ending in _ms go as numbers; those of
 * hl_personal_fields (base/mask.h) masked; the rest as they are. */
static const char *const payload_fields[] = {
	"id", "channel", "state", "type", "urgency", "item", "district", "department",
	"co_units", "sla_policy", "master", "confidential", "reopens", "stage", "clock",
	"audience", "title", "content", "address", "caller_phone", "citizen_id_number",
	"citizen_name", "created_ms", "updated_ms", "dispatched_ms", "sign_due_ms",
	"answer_due_ms", "citizen_due_ms", "due_ms", "late_ms",
};

struct unit {
	char code[HL_DEPT_CODE_MAX];
	const char *url; /* borrowed from the options: lives as long as the instance */
	unsigned char secret[SECRET_MAX];
	size_t secret_len;
};

/* One job: a delivery of one event to one unit. */
struct delivery {
	char job[JOB_ID_MAX];
	char event[24];
	char *body;
	size_t len;
	int tries;
	struct delivery *next;
};

/* The deliveries of one ticket to one unit, in order; the head is the one being tried. */
struct queue {
	struct webhook *wh;
	char ticket[HL_TICKET_ID_MAX];
	char unit[HL_DEPT_CODE_MAX];
	struct delivery *head, **tail;
	struct queue *next;     /* in its bucket */
};

struct webhook {
	const struct hl_host *host;
	struct hl_self *self;
	const struct hl_options *opts;
	struct unit *units;
	size_t nunits;
	int attempts;
	uint64_t backoff_ms, backoff_max_ms, timeout_ms;
	uint64_t rng;
	struct queue *queues[QUEUE_BUCKETS];
};

/* --- configuration ------------------------------------------------------------------ */

static uint64_t wall_ms(const struct hl_host *host, const struct hl_options *opts,
			const char *name, char *err, size_t errlen, int *bad)
{
	struct hl_duration d = host->opt_duration(opts, name);

	if (d.unit != HL_DUR_WALL_MS || d.amount <= 0) {
		snprintf(err, errlen, "%s: expected a positive wall-clock duration (ms, s, m, h)",
			 name);
		*bad = 1;
	}
	return (uint64_t)d.amount;
}

static struct unit *find_unit(const struct webhook *wh, const char *code)
{
	for (size_t i = 0; i < wh->nunits; i++) {
		if (strcmp(wh->units[i].code, code) == 0)
			return &wh->units[i];
	}
	return NULL;
}

/* departments: "code=http://..." each. */
static int read_departments(struct webhook *wh, char *err, size_t errlen)
{
	size_t n = wh->host->opt_list_count(wh->opts, "departments");

	if (n == 0) {
		snprintf(err, errlen, "departments: list at least one code=URL");
		return -1;
	}
	if (!(wh->units = calloc(n, sizeof(*wh->units)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *item = wh->host->opt_list_item(wh->opts, "departments", i);
		const char *eq = strchr(item, '=');
		struct unit *u = &wh->units[i];
		size_t len = eq ? (size_t)(eq - item) : 0;

		if (!eq || len == 0 || len >= sizeof(u->code) || strncmp(eq + 1, "http://", 7) != 0) {
			snprintf(err, errlen, "departments: '%s': expected code=http://host[:port]/path",
				 item);
			return -1;
		}
		memcpy(u->code, item, len);
		u->code[len] = '\0';
		u->url = eq + 1;
		if (find_unit(wh, u->code)) {
			snprintf(err, errlen, "departments: unit '%s' listed twice", u->code);
			return -1;
		}
		if (!wh->host->department_name(wh->self, u->code)) {
			snprintf(err, errlen, "departments: no unit '%s' in routes/departments.yaml",
				 u->code);
			return -1;
		}
		wh->nunits = i + 1;
	}
	return 0;
}

/* secret_file: a YAML mapping of unit code to secret; every listed unit needs one. */
static int read_secrets(struct webhook *wh, char *err, size_t errlen)
{
	const char *path = wh->host->opt_string(wh->opts, "secret_file");
	struct hl_yaml_doc *doc = NULL;
	const struct hl_yaml_node *root;
	struct stat st;
	int rc = -1;

	if (hl_yaml_load_file(path, &doc, err, errlen) < 0)
		return -1;
	root = doc->root;
	if (!root || root->kind != HL_YAML_MAP) {
		snprintf(err, errlen, "%s: expected a mapping of unit code to secret", path);
		goto out;
	}
	for (size_t i = 0; i < root->count; i++) {
		const struct hl_yaml_node *k = hl_yaml_key(root, i), *v = hl_yaml_value(root, i);
		struct unit *u = find_unit(wh, k->text);

		if (v->kind != HL_YAML_SCALAR || v->text_len == 0 || v->text_len > SECRET_MAX) {
			hl_yaml_error(err, errlen, v, "the secret of '%s': expected a string of 1 to "
						      "%d bytes",
				      k->text, SECRET_MAX);
			goto out;
		}
		if (u) {
			memcpy(u->secret, v->text, v->text_len);
			u->secret_len = v->text_len;
		}
	}
	for (size_t i = 0; i < wh->nunits; i++) {
		if (wh->units[i].secret_len == 0) {
			snprintf(err, errlen, "%s: no secret for unit '%s'", path, wh->units[i].code);
			goto out;
		}
	}
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		wh->host->log(wh->self, HL_LOG_WARN,
			      "secret_file_readable file=%s mode=%03o reason=\"others may read the "
			      "departments' secrets; chmod 600 it\"",
			      path, (unsigned)(st.st_mode & 0777));
	rc = 0;
out:
	if (doc && doc->root) /* leave no copy of a secret behind in freed memory */
		for (size_t i = 0; doc->root->kind == HL_YAML_MAP && i < doc->root->count; i++) {
			const struct hl_yaml_node *v = hl_yaml_value(doc->root, i);

			if (v->kind == HL_YAML_SCALAR && v->text)
				OPENSSL_cleanse(v->text, v->text_len);
		}
	hl_yaml_free(doc);
	return rc;
}

static int listed(const char *const *list, const char *name)
{
	for (size_t i = 0; list[i]; i++) {
		if (strcmp(list[i], name) == 0)
			return 1;
	}
	return 0;
}

static int check_events(const struct webhook *wh, char *err, size_t errlen)
{
	size_t n = wh->host->opt_list_count(wh->opts, "events");

	for (size_t i = 0; i < n; i++) {
		const char *e = wh->host->opt_list_item(wh->opts, "events", i);

		if (!listed(known_events, e)) {
			snprintf(err, errlen, "events: unknown event '%s' (known: dispatched, "
					      "accepted, returned, extended, resolved, reopened, "
					      "closed, warning, overdue, escalated, ...)",
				 e);
			return -1;
		}
	}
	return 0;
}

static int wanted(const struct webhook *wh, const char *event)
{
	size_t n = wh->host->opt_list_count(wh->opts, "events");

	if (n == 0)
		return listed(default_events, event);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(wh->host->opt_list_item(wh->opts, "events", i), event) == 0)
			return 1;
	}
	return 0;
}

static void wipe(struct webhook *wh);

static enum hl_status webhook_init(const struct hl_host *host, struct hl_self *self,
				   const struct hl_options *opts, void **state_r, char *err,
				   size_t errlen)
{
	struct webhook *wh;
	int bad = 0;

	wh = hl_glue_state_new(host, 1, HL_HOST_END(outbox_dead), "http_post, the outbox",
			       sizeof(*wh), err, errlen);
	if (!wh)
		return HL_ERROR;
	wh->host = host;
	wh->self = self;
	wh->opts = opts;
	wh->rng = (uint64_t)host->now_ms() ^ (uint64_t)(uintptr_t)wh ^ 0x9e3779b97f4a7c15ULL;
	wh->attempts = (int)host->opt_int(opts, "attempts");
	wh->backoff_ms = wall_ms(host, opts, "backoff", err, errlen, &bad);
	if (!bad)
		wh->backoff_max_ms = wall_ms(host, opts, "backoff_max", err, errlen, &bad);
	if (!bad)
		wh->timeout_ms = wall_ms(host, opts, "timeout", err, errlen, &bad);
	if (!bad && (wh->attempts < 1 || wh->attempts > 100)) {
		snprintf(err, errlen, "attempts: expected 1 to 100");
		bad = 1;
	}
	if (bad || check_events(wh, err, errlen) < 0 || read_departments(wh, err, errlen) < 0 ||
	    read_secrets(wh, err, errlen) < 0) {
		wipe(wh);
		return HL_ERROR;
	}
	host->log(self, HL_LOG_INFO, "ready units=%zu attempts=%d backoff_ms=%llu "
				     "backoff_max_ms=%llu",
		  wh->nunits, wh->attempts, (unsigned long long)wh->backoff_ms,
		  (unsigned long long)wh->backoff_max_ms);
	*state_r = wh;
	return HL_OK;
}

/* --- the payload -------------------------------------------------------------------- */

static void add_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

/* A field's value as departments receive it. */
static void add_field(struct json_object *t, const char *name, const char *value)
{
	size_t n = strlen(name);
	char *end;

	if (n > 3 && strcmp(name + n - 3, "_ms") == 0) {
		long long ms = strtoll(value, &end, 10);

		if (*value && !*end) {
			json_object_object_add(t, name, json_object_new_int64(ms));
			return;
		}
	}
	if (hl_field_is_personal(name)) {
		char *masked = hl_mask_field(name, value);

		if (masked) /* never the value whole */
			add_string(t, name, masked);
		free(masked);
		return;
	}
	add_string(t, name, value);
}

/* The body of one delivery; the caller frees. NULL when out of memory. */
static char *payload(const struct webhook *wh, const struct hl_event *ev, const char *unit,
		     const char *role, size_t *len_r)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_object();
	const char *text;
	char *body = NULL;

	if (!o || !t) {
		json_object_put(o);
		json_object_put(t);
		return NULL;
	}
	add_string(o, "event", ev->type);
	json_object_object_add(o, "at_ms", json_object_new_int64(ev->at_ms));
	add_string(o, "ticket_id", ev->ticket_id);
	add_string(o, "recipient", unit);
	add_string(o, "role", role);
	if (ev->detail) {
		char *masked = hl_mask_text(ev->detail);

		if (masked)
			add_string(o, "detail", masked);
		free(masked);
	}
	for (size_t i = 0; i < sizeof(payload_fields) / sizeof(payload_fields[0]); i++) {
		const char *v = wh->host->ticket_field(ev->ticket, payload_fields[i]);

		if (v && *v)
			add_field(t, payload_fields[i], v);
	}
	json_object_object_add(o, "ticket", t);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text && (body = strdup(text)))
		*len_r = strlen(body);
	json_object_put(o);
	return body;
}

/* Whether `code` is in a comma-separated list. */
static int in_list(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && strncmp(p, code, n) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static void put(struct webhook *wh, const struct hl_event *ev, const char *unit,
		const char *role)
{
	size_t len = 0;
	char *body;

	if (!find_unit(wh, unit))
		return; /* not subscribed */
	if (!(body = payload(wh, ev, unit, role, &len)) ||
	    wh->host->outbox_put(wh->self, body, len) < 0)
		wh->host->log(wh->self, HL_LOG_ERROR, "not_queued id=%s unit=%s event=%s "
						      "reason=\"%s\"",
			      ev->ticket_id, unit, ev->type,
			      body ? "the outbox refused it" : "out of memory");
	free(body);
}

static void webhook_on_event(void *state, const struct hl_event *ev)
{
	struct webhook *wh = state;
	const char *dept, *co;

	if (!ev->ticket || !ev->ticket_id || !wanted(wh, ev->type))
		return;
	dept = wh->host->ticket_field(ev->ticket, "department");
	co = wh->host->ticket_field(ev->ticket, "co_units");
	if (dept && *dept)
		put(wh, ev, dept, "lead");
	for (const char *p = co; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char unit[HL_DEPT_CODE_MAX];

		if (len > 0 && len < sizeof(unit)) {
			memcpy(unit, p, len);
			unit[len] = '\0';
			if (!(dept && strcmp(unit, dept) == 0) && !in_list(p + len, unit))
				put(wh, ev, unit, "co_handling");
		}
		p = comma ? comma + 1 : NULL;
	}
}

/* --- delivering ---------------------------------------------------------------------- */

static size_t bucket_of(const char *ticket, const char *unit)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *p = ticket; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ '|') * 16777619u;
	for (const char *p = unit; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % QUEUE_BUCKETS;
}

static struct queue *queue_of(struct webhook *wh, const char *ticket, const char *unit)
{
	size_t b = bucket_of(ticket, unit);
	struct queue *q;

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

static void queue_free(struct queue *q)
{
	struct queue **link = &q->wh->queues[bucket_of(q->ticket, q->unit)];

	while (*link != q)
		link = &(*link)->next;
	*link = q->next;
	free(q);
}

static void delivery_free(struct delivery *d)
{
	free(d->body);
	free(d);
}

static void send_head(struct queue *q);

/* The head is finished (delivered or given up): the next one of the ticket goes. */
static void pop(struct queue *q)
{
	struct delivery *d = q->head;

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
static uint64_t next_random(struct webhook *wh)
{
	wh->rng ^= wh->rng >> 12;
	wh->rng ^= wh->rng << 25;
	wh->rng ^= wh->rng >> 27;
	return wh->rng * 2685821657736338717ULL;
}

/* The wait before try number `tries` + 1: backoff * 2^(tries-1), at most backoff_max,
 * drawn from [w/2, w] so that units recovering from an outage are not hit in step. */
static uint64_t backoff(struct webhook *wh, int tries)
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
static void failed(struct queue *q, const char *why)
{
	struct webhook *wh = q->wh;
	struct delivery *d = q->head;
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
	struct queue *q = arg;
	struct webhook *wh = q->wh;
	struct delivery *d = q->head;
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
static int sign(const struct unit *u, const char *ts, const char *body, size_t len, char *out,
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
static void send_head(struct queue *q)
{
	struct webhook *wh = q->wh;
	struct delivery *d = q->head;
	const struct unit *u = find_unit(wh, q->unit);
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

static void webhook_deliver(void *state, const char *job_id, const void *body, size_t len)
{
	struct webhook *wh = state;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = tok ? json_tokener_parse_ex(tok, body, (int)len) : NULL;
	const char *ticket = o ? member(o, "ticket_id") : NULL;
	const char *unit = o ? member(o, "recipient") : NULL;
	const char *event = o ? member(o, "event") : NULL;
	struct delivery *d = NULL;
	struct queue *q;

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

/* --- the end -------------------------------------------------------------------------- */

/* Frees the state. Timers and HTTP requests still out are cancelled by the host without
 * calling back; the jobs stay in the outbox and are delivered after the next start. */
static void wipe(struct webhook *wh)
{
	for (size_t b = 0; b < QUEUE_BUCKETS; b++) {
		while (wh->queues[b]) {
			struct queue *q = wh->queues[b];

			wh->queues[b] = q->next;
			while (q->head) {
				struct delivery *d = q->head;

				q->head = d->next;
				delivery_free(d);
			}
			free(q);
		}
	}
	if (wh->units)
		OPENSSL_cleanse(wh->units, wh->nunits * sizeof(*wh->units));
	free(wh->units);
	free(wh);
}

static void webhook_fini(void *state)
{
	wipe(state);
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "webhook",
	.version = "1.0.0",
	.description = "POSTs signed ticket events to departments' own systems, durably",
	.options = webhook_options,
	.init = webhook_init,
	.on_event = webhook_on_event,
	.fini = webhook_fini,
	.deliver = webhook_deliver,
};
