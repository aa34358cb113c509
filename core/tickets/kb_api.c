/*
 * The knowledge base's entries (政策通, issue 17; kb.h):
 *   POST /v1/kb/entries            create (supervisor, or the unit the entry names):
 *        201 with the entry, version 1; 409 when the id is taken
 *   PUT  /v1/kb/entries/{id}       edit: the whole entry again, `version` (optional) the
 *        version edited (409 when another edit came first); 200 with the new version,
 *        or with the same when nothing changed; 404 when there is no such entry
 *   GET  /v1/kb/entries            {"entries": [{id, title, unit, unit_name, version,
 *        effective_from, effective_until, reviewed_at, updated_at}]}, newest edit first
 *   GET  /v1/kb/entries/{id}       the entry (kb_view.h)
 *   GET  /v1/kb/entries/{id}/versions       {"versions": [entry, ...]}, newest first
 *   GET  /v1/kb/entries/{id}/versions/{n}   the entry at version n
 * Every signed-in caller reads; lua/kb_write.lua decides who writes (403 otherwise). A bad
 * body is a 400 naming the field (kb_input.h). A write is put into this daemon's index at
 * once, and reaches the others through the event stream.
 */
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "config/auth.h"
#include "config/routes.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "store/reply.h"
#include "tickets/api.h"
#include "tickets/kb.h"
#include "tickets/kb_input.h"
#include "tickets/kb_view.h"

struct kb_call {
	struct hl_call call;
	struct hl_kb *kb;
	struct hl_kb_input in;
	int creating;
};

static void kb_call_free(struct kb_call *kc)
{
	hl_kb_input_free(&kc->in);
	hl_call_end(&kc->call);
	free(kc);
}

static struct kb_call *kb_call_new(struct evhttp_request *req, struct hl_kb *kb,
				   struct hl_service *svc)
{
	struct kb_call *kc = calloc(1, sizeof(*kc));

	if (!kc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return NULL;
	}
	if (hl_call_begin(&kc->call, req, svc) < 0) {
		free(kc);
		return NULL;
	}
	kc->kb = kb;
	return kc;
}

/* ---- writes -------------------------------------------------------------------------- */

static void written(struct redisReply *reply, void *arg)
{
	struct kb_call *kc = arg;
	struct evhttp_request *req = kc->call.req;
	char b[64], why[256];
	const char *outcome = hl_reply_str(reply, 0, b, sizeof(b));

	if (!reply) {
		hl_reply_unavailable(req, "the connection was lost before Redis confirmed; read the "
					  "entry to see whether it was written");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "kb", reply, "the entry was not written");
	} else if (!strcmp(outcome, "created") || !strcmp(outcome, "updated") ||
		   !strcmp(outcome, "unchanged")) {
		const struct redisReply *hash = reply->elements > 1 ? reply->element[1] : NULL;
		struct json_object *o = hl_kb_entry_from_hash(hash, kc->call.world->routes);

		hl_kb_put_hash(kc->kb, hash);
		hl_log(HL_LOG_INFO, "kb", "%s id=%s version=%s by=%s", outcome, kc->in.id,
		       hl_kb_hash_get(hash, "version") ? hl_kb_hash_get(hash, "version") : "?",
		       kc->call.who->name);
		if (o)
			hl_http_reply_json(req, !strcmp(outcome, "created") ? 201 : 200, o);
		else
			hl_http_reply_error(req, 500, NULL, "out of memory");
	} else if (!strcmp(outcome, "exists")) {
		hl_http_reply_error(req, 409, "id", "id: the entry %s exists (version %s): edit it "
						    "with PUT", kc->in.id,
				    hl_reply_str(reply, 1, why, sizeof(why)));
	} else if (!strcmp(outcome, "missing")) {
		hl_http_reply_error(req, 404, "id", "no such entry");
	} else if (!strcmp(outcome, "stale")) {
		hl_http_reply_error(req, 409, "version",
				    "version: the entry is at version %s now; read it and edit that",
				    hl_reply_str(reply, 1, why, sizeof(why)));
	} else if (!strcmp(outcome, "denied")) {
		hl_http_reply_error(req, 403, NULL, "%s", hl_reply_str(reply, 1, why, sizeof(why)));
	} else {
		hl_http_reply_error(req, 500, NULL, "unexpected answer from Redis; the entry was not "
						    "written");
	}
	kb_call_free(kc);
}

/* POST (path_id NULL) or PUT. */
static void write_entry(struct kb_call *kc, const char *path_id)
{
	struct evhttp_request *req = kc->call.req;
	struct hl_input_error e = {{0}, {0}};
	const char *argv[3 + 2 * HL_KB_NSTORED];
	const char *body;
	size_t len;
	int argc = 0;

	if (path_id && !hl_kb_id_valid(path_id)) {
		hl_http_reply_error(req, 404, "id", "no such entry");
		goto fail;
	}
	body = hl_http_body(req, &len);
	if (hl_kb_input_parse(body ? body : "", body ? len : 0, kc->call.world->routes, path_id,
			      &kc->in, &e) < 0) {
		hl_http_reply_error(req, 400, e.field, "%s", e.message);
		goto fail;
	}
	argv[argc++] = path_id ? "edit" : "create";
	argv[argc++] = kc->in.id;
	argv[argc++] = kc->in.version;
	for (size_t i = 0; i < HL_KB_NSTORED; i++) {
		argv[argc++] = hl_kb_stored_fields[i];
		argv[argc++] = kc->in.value[i];
	}
	if (hl_call_eval(&kc->call, HL_SCRIPT_KB_WRITE, written, kc, argc, argv, NULL) == 0)
		return;
	hl_reply_unavailable(req, "the entry was not written");
fail:
	kb_call_free(kc);
}

/* ---- reads --------------------------------------------------------------------------- */

enum read_what { READ_LIST, READ_ENTRY, READ_VERSIONS, READ_VERSION };

struct read_call {
	struct hl_call call;
	enum read_what what;
};

static void listed(struct hl_call *c, const struct redisReply *reply)
{
	struct json_object *o = json_object_new_object(), *list = json_object_new_array();

	for (size_t i = 0; i < reply->elements; i++) {
		struct json_object *e = hl_kb_entry_from_hash(reply->element[i], c->world->routes);

		if (e)
			json_object_array_add(list, e);
	}
	json_object_object_add(o, "entries", list);
	hl_http_reply_json(c->req, 200, o);
}

static void read_arrived(struct redisReply *reply, void *arg)
{
	struct read_call *rc = arg;
	struct hl_call *c = &rc->call;
	struct json_object *o = NULL;

	if (!reply) {
		hl_reply_unavailable(c->req, "the knowledge base was not read");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(c->req, "kb", reply, "the knowledge base was not read");
	} else if (rc->what == READ_LIST) {
		listed(c, reply);
	} else if (rc->what == READ_ENTRY) {
		if ((o = hl_kb_entry_from_hash(reply, c->world->routes)))
			hl_http_reply_json(c->req, 200, o);
		else
			hl_http_reply_error(c->req, 404, "id", "no such entry");
	} else if (rc->what == READ_VERSION) {
		if (reply->type == REDIS_REPLY_STRING &&
		    (o = hl_kb_entry_from_json(reply->str, c->world->routes)))
			hl_http_reply_json(c->req, 200, o);
		else
			hl_http_reply_error(c->req, 404, "version", "no such entry or version");
	} else if (reply->type != REDIS_REPLY_ARRAY || !reply->elements) {
		hl_http_reply_error(c->req, 404, "id", "no such entry");
	} else {
		struct json_object *list = json_object_new_array();

		o = json_object_new_object();
		for (size_t i = 0; i < reply->elements; i++) {
			struct json_object *v =
			    reply->element[i]->type == REDIS_REPLY_STRING
				? hl_kb_entry_from_json(reply->element[i]->str, c->world->routes)
				: NULL;

			if (v)
				json_object_array_add(list, v);
		}
		json_object_object_add(o, "versions", list);
		hl_http_reply_json(c->req, 200, o);
	}
	hl_call_end(c);
	free(rc);
}

static void read_kb(struct evhttp_request *req, struct hl_service *svc, enum read_what what,
		    int argc, const char **argv)
{
	struct read_call *rc = calloc(1, sizeof(*rc));

	if (!rc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&rc->call, req, svc) < 0) {
		free(rc);
		return;
	}
	rc->what = what;
	if (hl_call_eval(&rc->call, HL_SCRIPT_KB_GET, read_arrived, rc, argc, argv, NULL) == 0)
		return;
	hl_reply_unavailable(req, "the knowledge base was not read");
	hl_call_end(&rc->call);
	free(rc);
}

/* ---- routes -------------------------------------------------------------------------- */

static void entries(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_kb *kb = arg;

	(void)param;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
		struct kb_call *kc = kb_call_new(req, kb, hl_kb_service(kb));

		if (kc)
			write_entry(kc, NULL);
	} else {
		const char *argv[] = {"list"};

		read_kb(req, hl_kb_service(kb), READ_LIST, 1, argv);
	}
}

static void entry(struct evhttp_request *req, const char *id, void *arg)
{
	struct hl_kb *kb = arg;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_PUT) {
		struct kb_call *kc = kb_call_new(req, kb, hl_kb_service(kb));

		if (kc)
			write_entry(kc, id);
	} else if (!hl_kb_id_valid(id)) {
		hl_http_reply_error(req, 404, "id", "no such entry");
	} else {
		const char *argv[] = {"entry", id};

		read_kb(req, hl_kb_service(kb), READ_ENTRY, 2, argv);
	}
}

static void versions(struct evhttp_request *req, const char *id, void *arg)
{
	struct hl_kb *kb = arg;
	const char *argv[] = {"versions", id};

	if (!hl_kb_id_valid(id))
		hl_http_reply_error(req, 404, "id", "no such entry");
	else
		read_kb(req, hl_kb_service(kb), READ_VERSIONS, 2, argv);
}

static void version(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_kb *kb = arg;
	char id[HL_KB_ID_MAX + 1];
	const char *slash = param ? strchr(param, '/') : NULL, *n;
	const char *argv[] = {"version", id, NULL};

	if (!slash || (size_t)(slash - param) > HL_KB_ID_MAX) {
		hl_http_reply_error(req, 404, "id", "no such entry");
		return;
	}
	memcpy(id, param, (size_t)(slash - param));
	id[slash - param] = '\0';
	n = slash + 1;
	if (!hl_kb_id_valid(id) || !*n || strlen(n) > 9 || strspn(n, "0123456789") != strlen(n)) {
		hl_http_reply_error(req, 404, "version", "no such entry or version");
		return;
	}
	argv[2] = n;
	read_kb(req, hl_kb_service(kb), READ_VERSION, 3, argv);
}

int hl_kb_api_register(struct hl_service *svc, struct hl_kb *kb)
{
	if (hl_http_route(svc->http, "/v1/kb/entries", EVHTTP_REQ_GET | EVHTTP_REQ_POST, entries,
			  kb) < 0 ||
	    hl_http_route(svc->http, "/v1/kb/entries/*", EVHTTP_REQ_GET | EVHTTP_REQ_PUT, entry,
			  kb) < 0 ||
	    hl_http_route(svc->http, "/v1/kb/entries/*/versions", EVHTTP_REQ_GET, versions,
			  kb) < 0)
		return -1;
	return hl_http_route(svc->http, "/v1/kb/entries/*/versions/*", EVHTTP_REQ_GET, version,
			     kb);
}
