/*
 * POST /v1/tickets: a citizen's matter comes in from the hotline, the message board or
 * the TV-inquiry desk. The body is checked whole (ticket_input.c) before anything is
 * written; the ticket, its audit entry and its way to routing are then written by one
 * Lua script (lua/ticket_create.lua), and 201 goes out only after Redis has confirmed.
 * Its way to routing is a routing lease when the dispatcher has room (routing.hand_off):
 * after the 201 this daemon routes the ticket itself from the fields it holds
 * (dispatcher.h); else an entry on the routing stream. Idempotency-Key makes retries
 * safe; the board is rate-limited per citizen address.
 */
#include <arpa/inet.h>
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tickets/api.h"
#include "config/auth.h"
#include "base/clock.h"
#include "config/config.h"
#include "host/service.h"
#include "base/digest.h"
#include "base/json_writer.h"
#include "http/http.h"
#include "store/keys.h"
#include "base/log.h"
#include "tickets/ticket_input.h"
#include "base/ticket.h"
#include "time/sla.h"
#include "time/calendar.h"
#include "base/timefmt.h"
#include "host/world.h"
#include "store/reply.h"
#include "tickets/dispatch_job.h"
#include "tickets/dispatcher.h"

#define IDEMPOTENCY_KEY_MAX 128

struct intake {
	struct hl_call call;
	char channel[16];
	int64_t start_ns; /* for the ingest latency histogram */
	int handed_off;   /* created with a routing lease, a place reserved in the dispatcher */
	struct hl_ticket ticket; /* then: the ticket's fields but its id, as the create writes */
};

/* Routes the ticket just created with a routing lease (hand-off): its fields, with the id
 * the create gave it, and the related tickets its reply carries after the first five. */
static void hand_off(struct intake *it, const struct redisReply *reply, const char *id)
{
	struct hl_dispatcher *disp = it->call.svc->dispatcher;
	struct hl_ticket_field with_id = {"id", id}, *storage;
	struct hl_ticket t;

	storage = malloc((it->ticket.nfields + 1) * sizeof(*storage));
	if (!storage) { /* the lease runs out and the ticket is routed all the same */
		hl_dispatcher_unreserve(disp);
		return;
	}
	hl_ticket_overlay(&it->ticket, &with_id, 1, storage, &t);
	hl_dispatcher_take(disp, &t, reply, 5);
	free(storage);
}

/* application/json, optionally with charset=utf-8 (the only charset accepted). */
static int json_content_type(const char *value)
{
	const char *params;

	if (!value)
		return 0;
	while (*value == ' ')
		value++;
	if (strncasecmp(value, "application/json", 16) != 0)
		return 0;
	params = value + 16;
	while (*params == ' ')
		params++;
	if (*params == '\0')
		return 1;
	if (*params != ';')
		return 0;
	params++;
	while (*params == ' ')
		params++;
	return strncasecmp(params, "charset=", 8) == 0 &&
	       (strcasecmp(params + 8, "utf-8") == 0 || strcasecmp(params + 8, "\"utf-8\"") == 0);
}

/* An Idempotency-Key is 1–128 visible ASCII characters. */
static int valid_idempotency_key(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (key[i] <= 0x20 || key[i] >= 0x7f)
			return 0;
	}
	return 1;
}

/* The citizen's address as the portal passes it: the last entry of the configured header
 * (the one the portal's own proxy appended; earlier entries are whatever the client
 * sent), as an IP literal. IPv6 addresses are counted per /64, the block one household
 * gets. Writes the normalised form into out. Returns 0, or -1 when absent or not an IP. */
static int citizen_address(struct evhttp_request *req, const char *header, char *out,
			   size_t outlen)
{
	const char *v = hl_http_header(req, header), *last;
	char text[INET6_ADDRSTRLEN + 1];
	unsigned char ip[16];
	size_t n;

	if (!v)
		return -1;
	last = strrchr(v, ',');
	last = last ? last + 1 : v;
	while (*last == ' ')
		last++;
	n = strcspn(last, " ");
	if (n == 0 || n >= sizeof(text))
		return -1;
	memcpy(text, last, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, ip) == 1)
		return inet_ntop(AF_INET, ip, out, (socklen_t)outlen) ? 0 : -1;
	if (inet_pton(AF_INET6, text, ip) != 1)
		return -1;
	memset(ip + 8, 0, 8);
	if (!inet_ntop(AF_INET6, ip, out, (socklen_t)outlen))
		return -1;
	strncat(out, "/64", outlen - strlen(out) - 1);
	return 0;
}

/* The 201: the id, the state, and the answer time the citizen can be promised. */
static void reply_ticket(struct evhttp_request *req, int code, const struct redisReply *reply,
			 const char *channel)
{
	char b1[32], b2[32], b3[32], b4[32];
	const char *id = hl_reply_str(reply, 1, b1, sizeof(b1));
	const char *state = hl_reply_str(reply, 2, b2, sizeof(b2));
	const char *created_ms = hl_reply_str(reply, 3, b3, sizeof(b3));
	const char *due_ms = hl_reply_str(reply, 4, b4, sizeof(b4));
	char when[HL_TIME_BUFLEN], location[96], text[2048];
	struct hl_json_writer body;
	const char *json;
	size_t len;

	hl_time_format_iso(strtoll(created_ms, NULL, 10), when);
	snprintf(location, sizeof(location), "/v1/tickets/%s", id);
	hl_http_set_header(req, "Location", location);
	/* Written without a json-c tree (a fifth of the cost of a 201 was building it). */
	hl_json_writer_init(&body, text, sizeof(text));
	hl_json_writer_string(&body, "id", id);
	hl_json_writer_string(&body, "state", state);
	hl_json_writer_string(&body, "channel", channel);
	hl_json_writer_string(&body, "created_at", when);
	if (*due_ms) {
		hl_time_format_iso(strtoll(due_ms, NULL, 10), when);
		hl_json_writer_string(&body, "promised_answer_by", when);
	}
	/* cannot overflow: five short members (at most 31 bytes each, 6 once escaped) */
	if (!(json = hl_json_writer_finish(&body, &len))) {
		hl_http_reply_error(req, 500, NULL, "the answer did not fit");
		return;
	}
	hl_http_reply_json_text(req, code, json, len);
}

/* A ticket the create stored on the primary whose replicas did not confirm it
 * (NOTREPLICATED, answered 503): it exists, and may outlive a failover, so it is routed
 * as after a 201, and its place in the dispatcher is used rather than left to its lease
 * (the retry with the same Idempotency-Key replays it: it is not routed twice). */
static void unconfirmed(struct intake *it, const struct redisReply *stored)
{
	char b1[32], b2[32], b3[32];
	const char *status = hl_reply_str(stored, 0, b1, sizeof(b1));
	const char *id = hl_reply_str(stored, 1, b2, sizeof(b2));

	if (strcmp(status, "created") != 0)
		return;
	hl_log(HL_LOG_WARN, "intake", "created_unconfirmed id=%s channel=%s state=%s by=%s", id,
	       it->channel, hl_reply_str(stored, 2, b3, sizeof(b3)), it->call.who->name);
	hl_metrics_count(it->call.svc->metrics.received, 4, it->channel);
	hl_metrics_count(it->call.svc->metrics.transitions, HL_METRIC_NAMES, b3);
	if (it->handed_off) {
		hand_off(it, stored, id);
		it->handed_off = 0;
	}
}

/* Did ticket_create refuse (write no ticket)? Its answer then stands whether or not the
 * replicas confirmed: nothing of it needs them. */
static int refused(const struct redisReply *stored)
{
	static const char *const refusals[] = {"conflict", "no_programme", "no_kb_entry",
					       "rate_limited"};
	char b[32];
	const char *status = hl_reply_str(stored, 0, b, sizeof(b));

	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		if (strcmp(status, refusals[i]) == 0)
			return 1;
	}
	return 0;
}

static void created(struct redisReply *reply, void *arg)
{
	struct intake *it = arg;
	struct evhttp_request *req = it->call.req;
	char b1[32], b2[32], b3[32];
	const struct redisReply *stored =
		reply && reply->type == REDIS_REPLY_ERROR
			? hl_redis_unconfirmed(it->call.svc->redis, reply)
			: NULL;
	const char *status, *id;

	if (stored && refused(stored)) /* a 409, 400 or 429 is not a 503 */
		reply = (struct redisReply *)stored;
	status = hl_reply_str(reply, 0, b1, sizeof(b1));
	id = hl_reply_str(reply, 1, b2, sizeof(b2));
	if (!reply) {
		hl_reply_unavailable(req, "the connection was lost before Redis confirmed; the "
					  "ticket may or may not exist: retry with the same "
					  "Idempotency-Key");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "intake", reply, "the ticket was not created");
		if (stored) /* on the primary, not confirmed by its replicas: 503, and routed */
			unconfirmed(it, stored);
	} else if (strcmp(status, "created") == 0) {
		const char *state = hl_reply_str(reply, 2, b3, sizeof(b3));

		hl_log(HL_LOG_INFO, "intake", "created id=%s channel=%s state=%s by=%s", id,
		       it->channel, state, it->call.who->name);
		hl_metrics_count(it->call.svc->metrics.received, 4, it->channel);
		hl_metrics_count(it->call.svc->metrics.transitions, HL_METRIC_NAMES, state);
		reply_ticket(req, 201, reply, it->channel);
		if (it->handed_off) {
			hand_off(it, reply, id);
			it->handed_off = 0;
		}
	} else if (strcmp(status, "replayed") == 0) {
		hl_http_set_header(req, "Idempotent-Replayed", "true");
		reply_ticket(req, 201, reply, it->channel);
	} else if (strcmp(status, "conflict") == 0) {
		hl_http_reply_error(req, 409, "Idempotency-Key",
				    "this Idempotency-Key was used for ticket %s with a different "
				    "body; use a new key for a new ticket",
				    id);
	} else if (strcmp(status, "no_programme") == 0) {
		hl_http_reply_error(req, 400, "programme", "programme: no such programme: %s", id);
	} else if (strcmp(status, "no_kb_entry") == 0) {
		char cited[HL_KB_ID_MAX + 16]; /* "<id>@<version>", longer than an id */

		hl_http_reply_error(req, 400, "kb_entry",
				    "kb_entry: no such version of a knowledge-base entry: %s",
				    hl_reply_str(reply, 1, cited, sizeof(cited)));
	} else if (strcmp(status, "rate_limited") == 0) {
		long long ms = strtoll(id, NULL, 10);
		char secs[24];

		snprintf(secs, sizeof(secs), "%lld", ms > 0 ? (ms + 999) / 1000 : 1);
		hl_http_set_header(req, "Retry-After", secs);
		hl_http_reply_error(req, 429, NULL,
				    "too many board messages from this address; try again in %s s",
				    secs);
	} else {
		hl_http_reply_error(req, 500, NULL, "unexpected answer from ticket_create");
	}
	if (it->handed_off) /* not created: an error, a replay, a refusal */
		hl_dispatcher_unreserve(it->call.svc->dispatcher);
	hl_metrics_observe(&it->call.svc->metrics.ingest,
			   (double)(hl_clock_mono_ns() - it->start_ns) / 1e9);
	hl_call_end(&it->call);
	free((void *)it->ticket.fields);
	free(it);
}

/* Arguments of lua/ticket_create.lua after the common four. */
struct create_args {
	const char *argv[18 + 2 * HL_INPUT_FIELDS_MAX];
	size_t lens[18 + 2 * HL_INPUT_FIELDS_MAX];
	int argc;
	char date[HL_TIME_BUFLEN], idem_key[sizeof(HL_KEY_IDEM) + 64 + 256];
	char body_hash[HL_SHA256_HEX_LEN + 1], ttl[24], rate_key[sizeof(HL_KEY_RATE) + 128];
	char rate_limit[24], rate_window[24], citizen_due[24];
	char lease_until[24], related_since[24];
};

/* The answer time the citizen can be promised: the SLA policy's answer limit for the
 * ticket as it came in, counted from now in the working-day calendar. */
static int promise(const struct hl_call *call, const struct hl_ticket_input *in, char *out)
{
	struct hl_ticket_field fields[HL_INPUT_FIELDS_MAX];
	struct hl_ticket view = {in->nfields, fields, 0, NULL};
	const struct hl_sla_policy *p;
	int64_t due;

	for (size_t i = 0; i < in->nfields; i++)
		fields[i] = (struct hl_ticket_field){in->fields[i].name, in->fields[i].value};
	p = hl_sla_match(call->world->sla, &view, NULL);
	due = hl_calendar_add(call->world->calendar, call->now_ms, p->limit[HL_CLOCK_ANSWER]);
	if (due < 0)
		return -1;
	snprintf(out, 24, "%lld", (long long)due);
	return 0;
}

static void push(struct create_args *a, const char *value, size_t len)
{
	a->argv[a->argc] = value;
	a->lens[a->argc++] = len;
}

static void push_str(struct create_args *a, const char *value)
{
	push(a, value, strlen(value));
}

/* Checks the request before anything is written: its Content-Type, Idempotency-Key (idem,
 * may be NULL), body (parsed into *in, its SHA-256 into body_hash) and the caller's right
 * to the ticket's channel. Returns 0, or -1 after the error answer. */
static int check_request(struct evhttp_request *req, const struct hl_call *call,
			 const char *idem, struct hl_ticket_input *in, char *body_hash)
{
	struct hl_input_error e;
	const char *body;
	size_t len = 0;

	if (!json_content_type(hl_http_header(req, "Content-Type"))) {
		hl_http_reply_error(req, 415, "Content-Type",
				    "expected Content-Type: application/json (UTF-8)");
		return -1;
	}
	if (idem && !valid_idempotency_key(idem)) {
		hl_http_reply_error(req, 400, "Idempotency-Key",
				    "expected 1 to %d visible ASCII characters",
				    IDEMPOTENCY_KEY_MAX);
		return -1;
	}
	if (!(body = hl_http_body(req, &len)) || hl_sha256_hex(body, len, body_hash) < 0) {
		hl_http_reply_error(req, 500, NULL, "out of memory reading the body");
		return -1;
	}
	if (hl_ticket_input_parse(body, len, call->world->routes, HL_INPUT_TICKET, in, &e) < 0) {
		/* the field only when it is one of ours: the client's own keys stay out */
		hl_log(HL_LOG_INFO, "intake", "refused status=400 field=%s by=%s",
		       !e.field[0] ? "body" : hl_ticket_input_known(e.field) ? e.field : "unknown",
		       call->who->name);
		hl_http_reply_error(req, 400, e.field[0] ? e.field : NULL, "%s%s%s", e.field,
				    e.field[0] ? ": " : "", e.message);
		return -1;
	}
	if (!hl_may_create(call->who, in->channel)) {
		hl_http_reply_error(req, 403, "channel", "role %s may not create %s tickets",
				    call->who->role, in->channel);
		return -1;
	}
	return 0;
}

/* The board's rate key, prefix + HL_KEY_RATE + the citizen's address, into a->rate_key.
 * Returns 0, or -1 after a 400 when the portal did not pass the address. */
static int board_rate_key(struct evhttp_request *req, const struct hl_config *cfg,
			  const char *prefix, struct create_args *a)
{
	const char *header = hl_opt_string(&cfg->intake, "client_address_header");
	char addr[64];

	if (citizen_address(req, header, addr, sizeof(addr)) < 0) {
		hl_http_reply_error(req, 400, header,
				    "the portal must pass the citizen's IP address as the last "
				    "entry of %s",
				    header);
		return -1;
	}
	snprintf(a->rate_key, sizeof(a->rate_key), "%s%s%s", prefix, HL_KEY_RATE, addr);
	return 0;
}

/* The arguments of lua/ticket_create.lua for the checked ticket `in` (the values of its
 * fields are borrowed: in must outlive a). Returns 0, or -1 after a 400. */
static int fill_create_args(struct evhttp_request *req, const struct hl_call *call,
			    const char *prefix, const char *idem,
			    const struct hl_ticket_input *in, struct create_args *a)
{
	const struct hl_config *cfg = call->world->config;

	hl_time_format_date(call->now_ms, a->date); /* the same instant as created_ms */
	push_str(a, a->date);
	/* Keys are per caller: two clients may pick the same key. */
	if (idem)
		snprintf(a->idem_key, sizeof(a->idem_key), "%s%s%.16s:%s", prefix, HL_KEY_IDEM,
			 call->who->hash, idem);
	push_str(a, a->idem_key);
	push_str(a, a->body_hash);
	snprintf(a->ttl, sizeof(a->ttl), "%lld", (long long)cfg->idempotency_ttl_ms);
	push_str(a, a->ttl);
	if (strcmp(in->channel, "board") == 0 && board_rate_key(req, cfg, prefix, a) < 0)
		return -1;
	push_str(a, a->rate_key);
	snprintf(a->rate_limit, sizeof(a->rate_limit), "%lld",
		 (long long)hl_opt_int(&cfg->intake, "board_rate_limit"));
	push_str(a, a->rate_limit);
	snprintf(a->rate_window, sizeof(a->rate_window), "%lld",
		 (long long)cfg->board_rate_window_ms);
	push_str(a, a->rate_window);
	push_str(a, in->answered_on_call ? "resolved" : "received");
	push_str(a, in->channel);
	push_str(a, in->phone ? in->phone : "");
	push_str(a, a->lease_until); /* set by the caller for a hand-off, else "" */
	snprintf(a->related_since, sizeof(a->related_since), "%lld",
		 (long long)(call->now_ms - cfg->related_window_ms));
	push_str(a, a->related_since);
	push_str(a, HL_RELATED_MAX);
	for (size_t i = 0; i < in->nfields; i++) {
		push_str(a, in->fields[i].name);
		push(a, in->fields[i].value, in->fields[i].len);
	}
	if (!in->answered_on_call && promise(call, in, a->citizen_due) == 0) {
		push_str(a, "citizen_due_ms");
		push_str(a, a->citizen_due);
	}
	/* who holds the lease (tickets/heartbeat.h), in the create's own HSET: when this
	 * daemon is gone, another takes its leases over without waiting for them to run out */
	if (a->lease_until[0]) {
		push_str(a, "lh");
		push_str(a, hl_dispatcher_holder(call->svc->dispatcher));
	}
	return 0;
}

/* The ticket as ticket_create.lua writes it, but its id (which the create gives): what
 * the dispatcher routes after a hand-off, as route_load would have read it. */
static int written_fields(const struct hl_call *call, const struct hl_ticket_input *in,
			  const struct create_args *a, struct hl_ticket *t)
{
	struct hl_ticket_field f[8 + HL_INPUT_FIELDS_MAX];
	char now[24];
	size_t n = 0;

	snprintf(now, sizeof(now), "%lld", (long long)call->now_ms);
	f[n++] = (struct hl_ticket_field){"state", "received"};
	f[n++] = (struct hl_ticket_field){"created_ms", now};
	f[n++] = (struct hl_ticket_field){"updated_ms", now};
	f[n++] = (struct hl_ticket_field){"created_by", call->who->name};
	f[n++] = (struct hl_ticket_field){"created_role", call->who->role};
	f[n++] = (struct hl_ticket_field){"route_seq", "1"};
	f[n++] = (struct hl_ticket_field){"route_attempts", "1"};
	for (size_t i = 0; i < in->nfields; i++)
		f[n++] = (struct hl_ticket_field){in->fields[i].name, in->fields[i].value};
	if (a->citizen_due[0])
		f[n++] = (struct hl_ticket_field){"citizen_due_ms", a->citizen_due};
	return hl_ticket_copy(f, n, t);
}

/* Runs lua/ticket_create.lua; created() answers. With a place reserved in the dispatcher
 * (handed_off), the ticket's fields are kept for it. On success the call (and the place)
 * belongs to the request in flight; returns -1 (after a 500 or 503) when it was not sent,
 * the call and the place still the caller's. */
static int start_create(const struct hl_call *call, int64_t start_ns,
			const struct hl_ticket_input *in, struct create_args *a, int handed_off)
{
	struct intake *it = calloc(1, sizeof(*it));

	if (!it || (handed_off && written_fields(call, in, a, &it->ticket) < 0)) {
		free(it);
		hl_http_reply_error(call->req, 500, NULL, "out of memory");
		return -1;
	}
	it->call = *call;
	it->start_ns = start_ns;
	it->handed_off = handed_off;
	snprintf(it->channel, sizeof(it->channel), "%s", in->channel);
	if (hl_call_eval(&it->call, HL_SCRIPT_TICKET_CREATE, created, it, a->argc, a->argv,
			 a->lens) < 0) {
		free((void *)it->ticket.fields);
		free(it);
		hl_reply_unavailable(call->req, "the ticket was not created");
		return -1;
	}
	return 0;
}

/* Whether this ticket is handed off (routed here, under a lease): hand-off is on, the
 * ticket goes to routing, and the dispatcher has a place for it, now reserved. */
static int reserve_hand_off(const struct hl_call *call, const struct hl_ticket_input *in,
			    struct create_args *a)
{
	const struct hl_config *cfg = call->world->config;

	if (!cfg->hand_off || in->answered_on_call ||
	    hl_dispatcher_reserve(call->svc->dispatcher) < 0)
		return 0;
	snprintf(a->lease_until, sizeof(a->lease_until), "%lld",
		 (long long)(call->now_ms + cfg->reclaim_idle_ms));
	return 1;
}

static void post_ticket(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_service *svc = arg;
	struct hl_call call;
	struct hl_ticket_input in;
	struct create_args a = {.argc = 0};
	const char *idem = hl_http_header(req, "Idempotency-Key");
	int64_t start_ns;
	int sent = 0;

	(void)param;
	if (hl_call_begin(&call, req, svc) < 0)
		return;
	start_ns = hl_clock_mono_ns();
	memset(&in, 0, sizeof(in));
	if (check_request(req, &call, idem, &in, a.body_hash) == 0) {
		int handed_off = reserve_hand_off(&call, &in, &a);

		if (fill_create_args(req, &call, svc->prefix, idem, &in, &a) == 0 &&
		    start_create(&call, start_ns, &in, &a, handed_off) == 0)
			sent = 1;
		else if (handed_off)
			hl_dispatcher_unreserve(svc->dispatcher);
	}
	if (!sent)
		hl_call_end(&call);
	hl_ticket_input_free(&in);
}

int hl_intake_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/tickets", EVHTTP_REQ_POST, post_ticket, svc);
}
