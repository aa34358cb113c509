/*
 * The daemon's knowledge-base index and GET /v1/kb/search; see kb.h.
 *   GET /v1/kb/search?q=...&limit=N&include_expired=true   (every signed-in caller)
 *   -> {"q": the query as searched (cut to HL_KB_Q_CHARS characters), "results": [{"id",
 *      "version", "title", "unit", "unit_name", "score", "snippet": [{"text"}, {"text",
 *      "hit": true}, ...], "expired"}]}
 * q empty or blank is a 400 naming q; limit 1..50 (default 10); 503 until the index has
 * been loaded from Redis.
 */
#include "tickets/kb.h"

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/timefmt.h"
#include "config/routes.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "tickets/api.h"
#include "tickets/kb_index.h"
#include "tickets/kb_view.h"
#include "tickets/live_events.h"

#define HL_KB_Q_CHARS 200 /* a query's characters that are searched: the rest is cut */
#define LIMIT_DEFAULT 10
#define LIMIT_MAX 50
#define LOAD_PAGE 100     /* entries a load read takes at most */
#define RETRY_MS 500      /* read again this long after Redis failed us */

_Static_assert(LOAD_PAGE + 1 <= HL_REDIS_EVAL_AS_ARGS_MAX, "a load page fits a script call");

struct hl_kb {
	struct hl_service *svc;
	struct hl_kb_index *index;
	struct event *retry;
	int loaded, stopping;
	unsigned pending; /* Redis reads in flight */
	/* the load: every id, and how far it has gone */
	char **ids;
	size_t nids, next, page;
};

/* ---- the index, kept current --------------------------------------------------------- */

void hl_kb_put_hash(struct hl_kb *kb, const struct redisReply *hash)
{
	struct hl_kb_doc_fields f;
	char *joined;

	if (hl_kb_fields_from_hash(hash, &f, &joined) < 0)
		return;
	if (hl_kb_index_put(kb->index, &f) < 0)
		hl_log(HL_LOG_ERROR, "kb", "index_put_failed id=%s reason=out_of_memory", f.id);
	free(joined);
}

static int kb_eval(struct hl_kb *kb, hl_redis_reply_fn fn, int argc, const char **argv)
{
	if (kb->stopping ||
	    hl_eval_as(kb->svc, hl_clock_now_ms(), "kb-index", "system", HL_SCRIPT_KB_GET, fn,
		       kb, argc, argv, NULL) < 0)
		return -1;
	kb->pending++;
	return 0;
}

static void free_ids(struct hl_kb *kb)
{
	for (size_t i = 0; i < kb->nids; i++)
		free(kb->ids[i]);
	free(kb->ids);
	kb->ids = NULL;
	kb->nids = kb->next = kb->page = 0;
}

/* The load failed (Redis): all of it again in a while. */
static void load_later(struct hl_kb *kb, const struct redisReply *reply)
{
	struct timeval tv = {0, RETRY_MS * 1000};

	hl_log(HL_LOG_WARN, "kb", "load_failed error=\"%s\" action=retry",
	       reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "no answer");
	free_ids(kb);
	if (!kb->stopping)
		evtimer_add(kb->retry, &tv);
}

static void page_arrived(struct redisReply *reply, void *arg);

/* Reads the next page of entries, or ends the load. */
static void load_next(struct hl_kb *kb)
{
	const char *argv[1 + LOAD_PAGE] = {"many"};
	int argc = 1;

	kb->page = kb->next;
	while (kb->next < kb->nids && argc < 1 + LOAD_PAGE)
		argv[argc++] = kb->ids[kb->next++];
	if (argc == 1) {
		kb->loaded = 1;
		free_ids(kb);
		hl_log(HL_LOG_INFO, "kb", "index_loaded entries=%zu", hl_kb_index_size(kb->index));
		return;
	}
	if (kb_eval(kb, page_arrived, argc, argv) < 0)
		load_later(kb, NULL);
}

static void page_arrived(struct redisReply *reply, void *arg)
{
	struct hl_kb *kb = arg;

	kb->pending--;
	if (kb->stopping)
		return;
	if (!reply || reply->type != REDIS_REPLY_ARRAY) {
		load_later(kb, reply);
		return;
	}
	for (size_t i = 0; i < reply->elements; i++)
		hl_kb_put_hash(kb, reply->element[i]);
	load_next(kb);
}

static void ids_arrived(struct redisReply *reply, void *arg)
{
	struct hl_kb *kb = arg;

	kb->pending--;
	if (kb->stopping)
		return;
	if (!reply || reply->type != REDIS_REPLY_ARRAY ||
	    !(kb->ids = calloc(reply->elements + 1, sizeof(*kb->ids)))) {
		load_later(kb, reply);
		return;
	}
	for (size_t i = 0; i < reply->elements; i++) {
		if (reply->element[i]->type != REDIS_REPLY_STRING ||
		    !(kb->ids[kb->nids++] = strdup(reply->element[i]->str))) {
			load_later(kb, NULL);
			return;
		}
	}
	load_next(kb);
}

/* Loads every entry: the ids first (entries written meanwhile come by the tail). */
static void load_start(struct hl_kb *kb)
{
	const char *argv[] = {"ids"};

	if (kb_eval(kb, ids_arrived, 1, argv) < 0)
		load_later(kb, NULL);
}

static void retry_fired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	load_start(arg);
}

static void tail_ready(void *arg)
{
	load_start(arg);
}

static void changed_arrived(struct redisReply *reply, void *arg)
{
	struct hl_kb *kb = arg;

	kb->pending--;
	if (kb->stopping || !reply || reply->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i < reply->elements; i++)
		hl_kb_put_hash(kb, reply->element[i]);
}

/* An entry of the event stream: a kb_changed of a version the index does not hold yet
 * has the entry read and put. */
static void tail_entry(const char *stream_id, const char *event, const char *id,
		       const char *version, void *arg)
{
	struct hl_kb *kb = arg;
	const struct hl_kb_doc *d;
	const char *argv[] = {"many", id};

	(void)stream_id;
	if (strcmp(event, "kb_changed") != 0 || !*id)
		return;
	d = hl_kb_index_get(kb->index, id);
	if (d && version && d->version >= strtol(version, NULL, 10))
		return;
	if (kb_eval(kb, changed_arrived, 2, argv) < 0)
		hl_log(HL_LOG_WARN, "kb", "follow_failed id=%s error=\"redis not ready\"", id);
}

/* ---- GET /v1/kb/search --------------------------------------------------------------- */

/* The snippet as segments: [{"text"}, {"text", "hit": true}, ...], line breaks as spaces,
 * an ellipsis where the text goes on. */
static struct json_object *snippet_json(const struct hl_kb_snippet *sn)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < sn->nseg; i++) {
		size_t n = sn->seg[i].end - sn->seg[i].start;
		char *text = malloc(n + 8), *p = text;
		struct json_object *seg = json_object_new_object();

		if (!text || !seg) {
			free(text);
			json_object_put(seg);
			continue;
		}
		if (i == 0 && sn->cut_before)
			p += sprintf(p, "…");
		for (size_t k = 0; k < n; k++) {
			char c = sn->text[sn->seg[i].start + k];

			*p++ = c == '\n' || c == '\r' || c == '\t' ? ' ' : c;
		}
		if (i + 1 == sn->nseg && sn->cut_after)
			p += sprintf(p, "…");
		*p = '\0';
		json_object_object_add(seg, "text", json_object_new_string(text));
		if (sn->seg[i].hit)
			json_object_object_add(seg, "hit", json_object_new_boolean(1));
		json_object_array_add(a, seg);
		free(text);
	}
	return a;
}

/* q cut to HL_KB_Q_CHARS characters (whole ones), into out (room 4 * HL_KB_Q_CHARS + 1). */
static void cut_query(const char *q, char *out)
{
	size_t chars = 0, i = 0;

	for (; q[i]; i++) {
		if (((unsigned char)q[i] & 0xC0) != 0x80 && ++chars > HL_KB_Q_CHARS)
			break;
	}
	memcpy(out, q, i);
	out[i] = '\0';
}

static void search(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_kb *kb = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evkeyvalq params;
	const char *q, *limit_text, *expired_text;
	char cut[4 * HL_KB_Q_CHARS + 1], today[HL_TIME_BUFLEN], date[16];
	struct hl_kb_hit hits[LIMIT_MAX];
	struct hl_kb_query kq;
	struct hl_call *c;
	long limit = LIMIT_DEFAULT;
	int n, include_expired = 0;

	(void)param;
	if (!(c = hl_call_new(req, kb->svc)))
		return;
	TAILQ_INIT(&params);
	if (query && evhttp_parse_query_str(query, &params) < 0) {
		hl_http_reply_error(req, 400, "q", "not a well-formed query string");
		goto done;
	}
	q = evhttp_find_header(&params, "q");
	limit_text = evhttp_find_header(&params, "limit");
	expired_text = evhttp_find_header(&params, "include_expired");
	if (!q || !q[strspn(q, " \t\r\n")]) {
		hl_http_reply_error(req, 400, "q", "q: the question to search for is required");
		goto done;
	}
	if (limit_text) {
		char *end;

		limit = strtol(limit_text, &end, 10);
		if (*end || end == limit_text || limit < 1 || limit > LIMIT_MAX) {
			hl_http_reply_error(req, 400, "limit", "limit: a number from 1 to %d",
					    LIMIT_MAX);
			goto done;
		}
	}
	if (expired_text) {
		if (strcmp(expired_text, "true") && strcmp(expired_text, "false")) {
			hl_http_reply_error(req, 400, "include_expired",
					    "include_expired: true or false");
			goto done;
		}
		include_expired = !strcmp(expired_text, "true");
	}
	if (!kb->loaded) {
		hl_http_reply_unavailable(req, NULL, "the knowledge base is loading (Redis)");
		goto done;
	}
	cut_query(q, cut);
	hl_kb_query_parse(cut, strlen(cut), &kq);
	hl_time_format_date(c->now_ms, today); /* YYYYMMDD, the dates compare as YYYY-MM-DD */
	snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", today, today + 4, today + 6);
	if ((n = hl_kb_index_search(kb->index, &kq, date, include_expired, hits,
				    (size_t)limit)) < 0) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		goto done;
	}
	{
		struct json_object *o = json_object_new_object(), *results = json_object_new_array();

		json_object_object_add(o, "q", json_object_new_string(cut));
		for (int i = 0; i < n; i++) {
			const struct hl_kb_doc *d = hits[i].doc;
			const struct hl_department *dept =
			    hl_routes_department(c->world->routes, d->unit);
			struct json_object *r = json_object_new_object();
			struct hl_kb_snippet sn;

			json_object_object_add(r, "id", json_object_new_string(d->id));
			json_object_object_add(r, "version", json_object_new_int64(d->version));
			json_object_object_add(r, "title", json_object_new_string(d->title));
			json_object_object_add(r, "unit", json_object_new_string(d->unit));
			json_object_object_add(r, "unit_name",
					       json_object_new_string(dept ? dept->name : d->unit));
			json_object_object_add(r, "score",
					       json_object_new_double((double)(int64_t)(hits[i].score * 1000 + 0.5) / 1000));
			if (hl_kb_snippet(d, &kq, &sn) == 0)
				json_object_object_add(r, "snippet", snippet_json(&sn));
			else
				json_object_object_add(r, "snippet", json_object_new_array());
			json_object_object_add(r, "expired", json_object_new_boolean(hits[i].expired));
			json_object_array_add(results, r);
		}
		json_object_object_add(o, "results", results);
		hl_http_reply_json(req, 200, o);
	}
done:
	evhttp_clear_headers(&params);
	hl_call_end(c);
	free(c);
}

/* ---- life ---------------------------------------------------------------------------- */

struct hl_kb *hl_kb_start(struct hl_service *svc, struct hl_live_events *live)
{
	struct hl_kb *kb = calloc(1, sizeof(*kb));
	struct hl_live_listener l = {tail_ready, tail_entry, "version", NULL};

	if (!kb)
		return NULL;
	kb->svc = svc;
	l.arg = kb;
	if (!(kb->index = hl_kb_index_new()) ||
	    !(kb->retry = evtimer_new(svc->base, retry_fired, kb)) ||
	    hl_http_route(svc->http, "/v1/kb/search", EVHTTP_REQ_GET, search, kb) < 0) {
		hl_kb_free(kb);
		return NULL;
	}
	hl_live_events_listen(live, &l);
	return kb;
}

struct hl_service *hl_kb_service(const struct hl_kb *kb)
{
	return kb->svc;
}

void hl_kb_stop(struct hl_kb *kb)
{
	if (!kb)
		return;
	kb->stopping = 1;
	event_del(kb->retry);
}

void hl_kb_free(struct hl_kb *kb)
{
	if (!kb)
		return;
	if (kb->retry)
		event_free(kb->retry);
	free_ids(kb);
	hl_kb_index_free(kb->index);
	free(kb);
}
