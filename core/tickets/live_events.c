/* The event stream as server-sent events: one tailer, many filtered streams; see
 * live_events.h. */
#include "tickets/live_events.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/list.h"
#include "base/log.h"
#include "base/mask.h"
#include "base/timefmt.h"
#include "config/auth.h"
#include "config/config.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "people/person.h"
#include "store/keys.h"
#include "store/redis.h"
#include "tickets/api.h"

#define READ_BLOCK_MS "1000" /* a tail read waits this long (bounds a stop's wait) */
#define READ_COUNT "200"     /* entries a tail read takes at most */
#define REPLAY_PAGE 200      /* entries a replay read takes at most */
#define RETRY_MS 250         /* tail again this long after Redis failed us */
#define ID_MAX 48            /* a stream id, "<ms>-<n>", with room */
#define LOGOUT_EVENT "event: logout\ndata: {}\n\n" /* the session behind a stream ended */
#define MSG_MAX 32768        /* one message: a note of 5000 characters, escaped, fits */

struct live_client {
	struct hl_list_node node;
	struct hl_live_events *le;
	struct evhttp_request *req;     /* NULL once the stream has ended */
	struct evhttp_connection *conn;
	struct hl_call call;            /* the caller and its world reference */
	char last[ID_MAX];              /* the last entry id sent or passed over; "" none */
	size_t replayed;                /* entries read for the replay so far */
	uint64_t replay_bytes;          /* bytes of them sent */
	int replaying;                  /* not yet live: replay reads go on */
	int reading;                    /* a replay read is in flight: it frees an ended client */
	int checking;                   /* a session check is in flight: it frees one too */
};

struct hl_live_events {
	struct hl_service *svc;
	struct hl_list clients;
	size_t nclients;
	uint64_t dropped;
	char key[128];       /* the event stream's key */
	char cursor[ID_MAX]; /* the last id the tailer has read; "" until it knows */
	int stopping;
	int tailing;         /* a tail command is in flight */
	struct event *retry;
	struct event *heartbeat;
	struct evbuffer *scratch; /* a message's copy for each client (a chunk drains it) */
	struct hl_live_listener listener; /* hl_live_events_listen; zero when none */
	int told_ready;
};

static void tail(struct hl_live_events *le);
static void replay_next(struct live_client *c);

/* ---- ids and rights ------------------------------------------------------------------ */

/* Is a a stream id later than b ("" is before every id)? */
static int id_after(const char *a, const char *b)
{
	unsigned long long ams = 0, aseq = 0, bms = 0, bseq = 0;

	if (!*b)
		return 1;
	sscanf(a, "%llu-%llu", &ams, &aseq);
	sscanf(b, "%llu-%llu", &bms, &bseq);
	return ams > bms || (ams == bms && aseq > bseq);
}

static int valid_id(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	return digits > 0 && digits < 21 && s[digits] == '-' &&
	       strspn(s + digits + 1, "0123456789") > 0 &&
	       strspn(s + digits + 1, "0123456789") < 21 &&
	       s[digits + 1 + strspn(s + digits + 1, "0123456789")] == '\0';
}

/* May who see an entry for this unit and audience? (live_events.h says who sees what.) */
static int may_see(const struct hl_principal *who, const char *unit, const char *audience)
{
	switch (who->kind) {
	case HL_ROLE_SUPERVISOR:
	case HL_ROLE_ADMIN:
	case HL_ROLE_AGENT:
		return 1;
	case HL_ROLE_DEPT:
		return (unit && strcmp(unit, who->scope) == 0) ||
		       (audience && strncmp(audience, "unit:", 5) == 0 &&
			strcmp(audience + 5, who->scope) == 0);
	case HL_ROLE_CHANNEL:
		break;
	}
	return 0;
}

/* ---- one entry as a message ---------------------------------------------------------- */

struct entry {
	const char *id, *ticket, *event, *unit, *audience, *note, *at, *queue, *ledger;
};

/* Reads an XRANGE/XREAD entry ([id, [field, value, ...]]). Returns 0, or -1 when it has
 * another shape. The strings are borrowed from the reply. */
static int entry_read(const redisReply *r, struct entry *e)
{
	const redisReply *f;

	memset(e, 0, sizeof(*e));
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY)
		return -1;
	e->id = r->element[0]->str;
	f = r->element[1];
	for (size_t i = 0; i + 1 < f->elements; i += 2) {
		const char *name = f->element[i]->str, *value = f->element[i + 1]->str;
		static const struct {
			const char *name;
			size_t offset;
		} known[] = {
			{"id", offsetof(struct entry, ticket)},
			{"event", offsetof(struct entry, event)},
			{"unit", offsetof(struct entry, unit)},
			{"audience", offsetof(struct entry, audience)},
			{"note", offsetof(struct entry, note)},
			{"at", offsetof(struct entry, at)},
			{"queue", offsetof(struct entry, queue)},
			{"ledger", offsetof(struct entry, ledger)},
		};

		if (f->element[i]->type != REDIS_REPLY_STRING ||
		    f->element[i + 1]->type != REDIS_REPLY_STRING)
			continue;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			if (strcmp(name, known[k].name) == 0)
				*(const char **)(void *)((char *)e + known[k].offset) = value;
		}
	}
	return 0;
}

/* The message for an entry, "id: ...\nevent: ...\ndata: {...}\n\n", into buf (len bytes,
 * cut at a line end when too long: never). Returns its length, or 0 when out of memory. */
static size_t entry_message(const struct entry *e, char *buf, size_t len)
{
	struct json_object *o = json_object_new_object();
	char at[HL_TIME_BUFLEN] = "", event[40];
	char *note = e->note ? hl_mask_text(e->note) : NULL;
	const char *data;
	size_t n = 0, k = 0;
	int w;

	if (!o || (e->note && !note)) {
		json_object_put(o);
		free(note);
		return 0;
	}
	/* an event name is a word of the stream's vocabulary; anything else is "message" */
	for (const char *p = e->event ? e->event : ""; *p && k + 1 < sizeof(event); p++) {
		if ((*p < 'a' || *p > 'z') && (*p < '0' || *p > '9') && *p != '_')
			break;
		event[k++] = *p;
	}
	event[k] = '\0';
	if (e->at)
		hl_time_format_iso(strtoll(e->at, NULL, 10), at);
	json_object_object_add(o, "id", json_object_new_string(e->ticket ? e->ticket : ""));
	json_object_object_add(o, "event", json_object_new_string(e->event ? e->event : ""));
	json_object_object_add(o, "unit", json_object_new_string(e->unit ? e->unit : ""));
	if (e->audience)
		json_object_object_add(o, "audience", json_object_new_string(e->audience));
	json_object_object_add(o, "queue", json_object_new_boolean(e->queue && !strcmp(e->queue, "1")));
	json_object_object_add(o, "ledger",
			       json_object_new_boolean(e->ledger && !strcmp(e->ledger, "1")));
	json_object_object_add(o, "at", json_object_new_string(at));
	if (note)
		json_object_object_add(o, "note", json_object_new_string(note));
	data = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	w = snprintf(buf, len, "id: %s\nevent: %s\ndata: %s\n\n", e->id,
		     k == strlen(e->event ? e->event : "") && k ? event : "message", data);
	if (w > 0 && (size_t)w < len)
		n = (size_t)w;
	json_object_put(o);
	free(note);
	return n;
}

/* ---- the streams --------------------------------------------------------------------- */

static void client_free(struct live_client *c)
{
	hl_call_end(&c->call);
	free(c);
}

/* Ends a stream: with the last chunk (clean), or by closing its connection (a client
 * that does not read), or because the connection went (gone). The client is freed now,
 * or by the replay read in flight. */
enum ending { END_CLEAN, END_DROP, END_GONE };

static void client_end(struct live_client *c, enum ending how)
{
	struct hl_live_events *le = c->le;

	if (!c->req)
		return;
	hl_list_remove(&c->node);
	le->nclients--;
	if (how != END_GONE)
		evhttp_connection_set_closecb(c->conn, NULL, NULL);
	else if (!evhttp_request_get_connection(c->req))
		/* The client went while the answer was still being given: libevent has let go
		 * of the request, which the one call owed frees (evcon NULL: it sends nothing). */
		evhttp_send_reply_end(c->req);
	if (how == END_CLEAN)
		evhttp_send_reply_end(c->req);
	else if (how == END_DROP)
		evhttp_connection_free(c->conn); /* frees the request */
	c->req = NULL;
	c->conn = NULL;
	if (!c->reading && !c->checking)
		client_free(c);
}

static void client_gone(struct evhttp_connection *conn, void *arg)
{
	(void)conn;
	client_end(arg, END_GONE);
}

/* Queues text for the client, or drops a client that has left too much unread. Returns 0,
 * or -1 when the client was dropped (and maybe freed). */
static int client_send(struct live_client *c, const char *text, size_t len)
{
	struct hl_live_events *le = c->le;
	uint64_t limit = hl_opt_size(&c->call.world->config->live_events, "client_buffer");

	if (hl_http_stream_backlog(c->req) + len > limit) {
		le->dropped++;
		hl_log(HL_LOG_WARN, "live", "client_dropped who=%s reason=not_reading queued=%zu",
		       c->call.who->name, hl_http_stream_backlog(c->req));
		client_end(c, END_DROP);
		return -1;
	}
	evbuffer_drain(le->scratch, evbuffer_get_length(le->scratch));
	evbuffer_add(le->scratch, text, len);
	evhttp_send_reply_chunk(c->req, le->scratch);
	return 0;
}

/* Gives an entry to the client when it may see it and has not had it. Returns as
 * client_send does. */
static int client_offer(struct live_client *c, const struct entry *e, const char *msg,
			size_t len)
{
	if (!id_after(e->id, c->last))
		return 0;
	snprintf(c->last, sizeof(c->last), "%s", e->id);
	if (!len || !may_see(c->call.who, e->unit, e->audience))
		return 0;
	return client_send(c, msg, len);
}

/* How many bytes a replay may send: half of live_events.client_buffer. */
static uint64_t replay_budget(const struct live_client *c)
{
	return hl_opt_size(&c->call.world->config->live_events, "client_buffer") / 2;
}

/* The replay is over: live from here. Too much to replay gives `reset` instead. */
static void client_go_live(struct live_client *c, int reset)
{
	c->replaying = 0;
	if (reset) {
		char msg[ID_MAX + 64];
		int n;

		/* on from where the tail is (never back: the tail may lag the replay) */
		if (id_after(c->le->cursor, c->last))
			snprintf(c->last, sizeof(c->last), "%s", c->le->cursor);
		n = snprintf(msg, sizeof(msg), "id: %s\nevent: reset\ndata: {}\n\n", c->last);
		client_send(c, msg, (size_t)n);
	}
}

static void replay_arrived(struct redisReply *reply, void *arg)
{
	struct live_client *c = arg;
	char msg[MSG_MAX];

	c->reading = 0;
	if (!c->req) { /* the stream ended while the read was out */
		if (!c->checking)
			client_free(c);
		return;
	}
	if (!reply || reply->type != REDIS_REPLY_ARRAY) {
		hl_log(HL_LOG_WARN, "live", "replay_failed who=%s error=\"%s\"", c->call.who->name,
		       reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no answer");
		client_end(c, END_CLEAN); /* the browser reconnects with its last id */
		return;
	}
	for (size_t i = 0; i < reply->elements; i++) {
		struct entry e;
		size_t len;

		if (entry_read(reply->element[i], &e) < 0)
			continue;
		c->replayed++;
		len = entry_message(&e, msg, sizeof(msg));
		/* A replay is written at once, faster than a browser reads it: past half the
		 * client's buffer it would be dropped as a client that does not read, and come
		 * back to be dropped again. It gets `reset` instead. */
		if (len && may_see(c->call.who, e.unit, e.audience)) {
			if (c->replay_bytes + len > replay_budget(c)) {
				client_go_live(c, 1);
				return;
			}
			c->replay_bytes += len;
		}
		if (client_offer(c, &e, msg, len) < 0)
			return;
	}
	if (reply->elements == REPLAY_PAGE && c->replayed >= HL_LIVE_REPLAY_MAX)
		client_go_live(c, 1);
	else if (reply->elements == REPLAY_PAGE || id_after(c->le->cursor, c->last))
		replay_next(c); /* more, or the tailer has passed entries on meanwhile */
	else
		client_go_live(c, 0);
}

/* Reads the next page of what the client missed: XRANGE (last + COUNT. */
static void replay_next(struct live_client *c)
{
	char start[ID_MAX + 2], count[16];
	const char *argv[] = {"XRANGE", c->le->key, start, "+", "COUNT", count};

	snprintf(start, sizeof(start), "(%s", c->last);
	snprintf(count, sizeof(count), "%d", REPLAY_PAGE);
	if (hl_redis_command(c->le->svc->redis, HL_REDIS_COMMANDS, replay_arrived, c, 6, argv,
			     NULL) < 0) {
		client_end(c, END_CLEAN);
		return;
	}
	c->reading = 1;
}

/* The id a stream resumes after: Last-Event-ID, or ?last_event_id=. Returns 0 with
 * id_r filled ("" for none), or -1 after a 400. */
static int resume_id(struct evhttp_request *req, char *id_r, size_t len)
{
	const char *header = hl_http_header(req, "Last-Event-ID");
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evkeyvalq params = {0};
	const char *value = header;
	int rc = 0;

	if (!value && query && evhttp_parse_query_str(query, &params) == 0)
		value = evhttp_find_header(&params, "last_event_id");
	id_r[0] = '\0';
	if (value && *value) {
		if (!valid_id(value) || strlen(value) >= len) {
			hl_http_reply_error(req, 400, header ? "Last-Event-ID" : "last_event_id",
					    "expected an event id such as 1796569770381-0");
			rc = -1;
		} else {
			snprintf(id_r, len, "%s", value);
		}
	}
	evhttp_clear_headers(&params);
	return rc;
}

static void get_live(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_live_events *le = arg;
	struct live_client *c;
	char resume[ID_MAX];
	const struct hl_config *cfg;

	(void)param;
	if (le->stopping) {
		hl_http_reply_unavailable(req, "stopping", "hotlined is stopping");
		return;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&c->call, req, le->svc) < 0) {
		free(c);
		return;
	}
	cfg = c->call.world->config;
	if (c->call.who->kind == HL_ROLE_CHANNEL) {
		hl_http_reply_error(req, 403, NULL, "role %s follows no live events",
				    c->call.who->role);
		goto refuse;
	}
	if (resume_id(req, resume, sizeof(resume)) < 0)
		goto refuse;
	if (le->nclients >= (size_t)hl_opt_int(&cfg->live_events, "max_clients")) {
		hl_http_set_header(req, "Retry-After", "5");
		hl_http_reply_unavailable(req, "busy",
					  "%zu live streams are open, the most allowed "
					  "(live_events.max_clients)",
					  le->nclients);
		goto refuse;
	}
	if (!le->cursor[0]) { /* the tailer does not know where the stream ends yet */
		hl_http_reply_unavailable(req, NULL, "the live events are starting (Redis)");
		goto refuse;
	}
	c->le = le;
	c->req = req;
	c->conn = evhttp_request_get_connection(req);
	snprintf(c->last, sizeof(c->last), "%s", resume[0] ? resume : le->cursor);
	hl_http_set_header(req, "Content-Type", "text/event-stream; charset=utf-8");
	hl_http_set_header(req, "Cache-Control", "no-cache");
	hl_http_set_header(req, "X-Content-Type-Options", "nosniff");
	hl_http_set_header(req, "X-Accel-Buffering", "no");
	if (hl_http_stream_start(req, 200, cfg->http_timeout_ms, client_gone, c) < 0) {
		evhttp_send_reply(req, 500, NULL, NULL); /* frees the request */
		goto refuse;
	}
	hl_list_push(&le->clients, &c->node);
	le->nclients++;
	if (client_send(c, "retry: 1000\n\n", 13) < 0)
		return;
	hl_log(HL_LOG_DEBUG, "live", "client_joined who=%s resume=%s", c->call.who->name,
	       resume[0] ? resume : "-");
	if (resume[0]) {
		c->replaying = 1;
		replay_next(c);
	}
	return;
refuse:
	client_free(c);
}

/* ---- the tailer ---------------------------------------------------------------------- */

static void retry_later(struct hl_live_events *le)
{
	struct timeval tv = {0, RETRY_MS * 1000};

	if (!le->stopping)
		evtimer_add(le->retry, &tv);
}

/* The listener's field of an XREAD entry, or NULL. */
static const char *entry_field(const redisReply *r, const char *name)
{
	const redisReply *f = r->element[1];

	for (size_t i = 0; name && i + 1 < f->elements; i += 2)
		if (f->element[i]->type == REDIS_REPLY_STRING &&
		    f->element[i + 1]->type == REDIS_REPLY_STRING &&
		    strcmp(f->element[i]->str, name) == 0)
			return f->element[i + 1]->str;
	return NULL;
}

static void fan_out(struct hl_live_events *le, const redisReply *entries)
{
	char msg[MSG_MAX];

	for (size_t i = 0; i < entries->elements; i++) {
		struct hl_list_node *node, *next;
		struct entry e;
		size_t len;

		if (entry_read(entries->element[i], &e) < 0)
			continue;
		if (le->listener.entry)
			le->listener.entry(e.id, e.event ? e.event : "", e.ticket ? e.ticket : "",
					   entry_field(entries->element[i], le->listener.field_name),
					   le->listener.arg);
		snprintf(le->cursor, sizeof(le->cursor), "%s", e.id);
		len = entry_message(&e, msg, sizeof(msg));
		HL_LIST_EACH_SAFE(node, next, &le->clients)
		{
			struct live_client *c = HL_LIST_ENTRY(node, struct live_client, node);

			if (!c->replaying)
				client_offer(c, &e, msg, len);
		}
	}
}

static void tail_arrived(struct redisReply *reply, void *arg)
{
	struct hl_live_events *le = arg;

	le->tailing = 0;
	if (le->stopping)
		return;
	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		if (reply)
			hl_log(HL_LOG_WARN, "live", "tail_failed error=\"%s\"", reply->str);
		retry_later(le);
		return;
	}
	/* XREAD: nil when BLOCK ran out, else [[key, [entry, ...]]] */
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
	    reply->element[0]->type == REDIS_REPLY_ARRAY && reply->element[0]->elements == 2 &&
	    reply->element[0]->element[1]->type == REDIS_REPLY_ARRAY)
		fan_out(le, reply->element[0]->element[1]);
	tail(le);
}

/* Where the stream ends now (XREVRANGE + - COUNT 1): the tail starts after it. */
static void end_arrived(struct redisReply *reply, void *arg)
{
	struct hl_live_events *le = arg;
	struct entry e;

	le->tailing = 0;
	if (le->stopping)
		return;
	if (!reply || reply->type != REDIS_REPLY_ARRAY) {
		retry_later(le);
		return;
	}
	if (reply->elements > 0 && entry_read(reply->element[0], &e) == 0)
		snprintf(le->cursor, sizeof(le->cursor), "%s", e.id);
	else
		snprintf(le->cursor, sizeof(le->cursor), "0-0");
	if (!le->told_ready && le->listener.ready) {
		le->told_ready = 1;
		le->listener.ready(le->listener.arg);
	}
	tail(le);
}

static void tail(struct hl_live_events *le)
{
	int sent;

	if (le->stopping || le->tailing)
		return;
	if (!le->cursor[0]) {
		const char *argv[] = {"XREVRANGE", le->key, "+", "-", "COUNT", "1"};
		sent = hl_redis_command(le->svc->redis, HL_REDIS_COMMANDS, end_arrived, le, 6, argv,
					NULL);
	} else {
		const char *argv[] = {"XREAD",	 "COUNT",   READ_COUNT, "BLOCK",
				      READ_BLOCK_MS, "STREAMS", le->key,	le->cursor};
		sent = hl_redis_command(le->svc->redis, HL_REDIS_EVENTS, tail_arrived, le, 8, argv,
					NULL);
	}
	if (sent < 0) {
		retry_later(le);
		return;
	}
	le->tailing = 1;
}

static void retry_fired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	tail(arg);
}

/* The answer to a session check (below): a session ended (logout, the account disabled
 * or its password changed, on any daemon) or past its absolute end ends the stream,
 * with an event telling the page so. */
static void session_checked(struct redisReply *reply, void *arg)
{
	struct live_client *c = arg;
	const redisReply *ends = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 1
					 ? reply->element[0]
					 : NULL;

	c->checking = 0;
	if (!c->req) { /* ended meanwhile */
		if (!c->reading)
			client_free(c);
		return;
	}
	if (!ends) /* Redis failed us: the next heartbeat asks again */
		return;
	if (ends->type != REDIS_REPLY_STRING ||
	    strtoll(ends->str, NULL, 10) <= hl_clock_now_ms()) {
		hl_log(HL_LOG_INFO, "live", "client_ended who=%s reason=session_ended",
		       c->call.who->name);
		if (client_send(c, LOGOUT_EVENT, sizeof(LOGOUT_EVENT) - 1) == 0)
			client_end(c, END_CLEAN);
	}
}

/* Asks Redis whether a signed-in person's session still holds, so that a stream does not
 * outlive its session: HMGET of its end (the session's key expires when idle). */
static void check_session(struct live_client *c)
{
	char key[256];
	const char *argv[3] = {"HMGET", key, "ends_ms"};

	if (!c->call.person || c->checking)
		return;
	snprintf(key, sizeof(key), "%s%s%s", c->le->svc->prefix, HL_KEY_SESSION,
		 c->call.person->session_hash);
	if (hl_redis_command(c->le->svc->redis, HL_REDIS_COMMANDS, session_checked, c, 3, argv,
			     NULL) == 0)
		c->checking = 1;
}

static void heartbeat_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_live_events *le = arg;
	struct hl_list_node *node, *next;

	(void)fd;
	(void)what;
	HL_LIST_EACH_SAFE(node, next, &le->clients)
	{
		struct live_client *c = HL_LIST_ENTRY(node, struct live_client, node);

		if (client_send(c, ": heartbeat\n\n", 13) == 0)
			check_session(c);
	}
}

static void arm_heartbeat(struct hl_live_events *le)
{
	int64_t ms = le->svc->world->config->live_heartbeat_ms;
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};

	event_del(le->heartbeat);
	event_add(le->heartbeat, &tv);
}

static void end_all(struct hl_live_events *le)
{
	struct hl_list_node *node, *next;

	HL_LIST_EACH_SAFE(node, next, &le->clients)
	{
		client_end(HL_LIST_ENTRY(node, struct live_client, node), END_CLEAN);
	}
}

struct hl_live_events *hl_live_events_start(struct hl_service *svc)
{
	struct hl_live_events *le = calloc(1, sizeof(*le));

	if (!le)
		return NULL;
	le->svc = svc;
	snprintf(le->key, sizeof(le->key), "%s%s", svc->prefix, HL_KEY_EVENTS);
	le->retry = evtimer_new(svc->base, retry_fired, le);
	le->heartbeat = event_new(svc->base, -1, EV_PERSIST, heartbeat_fired, le);
	le->scratch = evbuffer_new();
	if (!le->retry || !le->heartbeat || !le->scratch ||
	    hl_http_route(svc->http, "/v1/events/live", EVHTTP_REQ_GET, get_live, le) < 0) {
		hl_live_events_free(le);
		return NULL;
	}
	arm_heartbeat(le);
	tail(le); /* Redis is not ready yet: this arms the retry */
	return le;
}

void hl_live_events_listen(struct hl_live_events *le, const struct hl_live_listener *l)
{
	le->listener = *l;
	if (le->cursor[0] && !le->told_ready && l->ready) { /* the tail knew already */
		le->told_ready = 1;
		l->ready(l->arg);
	}
}

void hl_live_events_reconfigured(struct hl_live_events *le)
{
	if (!le)
		return;
	if (le->nclients)
		hl_log(HL_LOG_INFO, "live", "streams_ended reason=reload count=%zu", le->nclients);
	end_all(le);
	arm_heartbeat(le);
}

void hl_live_events_stop(struct hl_live_events *le)
{
	if (!le)
		return;
	le->stopping = 1;
	end_all(le);
	event_del(le->retry);
	event_del(le->heartbeat);
}

void hl_live_events_free(struct hl_live_events *le)
{
	if (!le)
		return;
	le->stopping = 1;
	end_all(le);
	if (le->retry)
		event_free(le->retry);
	if (le->heartbeat)
		event_free(le->heartbeat);
	if (le->scratch)
		evbuffer_free(le->scratch);
	free(le);
}

size_t hl_live_events_clients(const struct hl_live_events *le)
{
	return le ? le->nclients : 0;
}

uint64_t hl_live_events_dropped(const struct hl_live_events *le)
{
	return le ? le->dropped : 0;
}
