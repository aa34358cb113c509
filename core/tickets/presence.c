/*
 * Who else has a ticket open (collision detection), so that two people do not answer
 * one ticket at once:
 *   POST /v1/tickets/{id}/presence {"typing": bool}  records that the caller has it open
 *                                                    (the console posts every ~10 s)
 *   GET  /v1/tickets/{id}/presence                   only asks
 * Both answer 200 {"id", "others": [{"login", "display_name", "role", "typing", "since"}],
 * "ttl_s"}: the other viewers seen in the last HL_PRESENCE_TTL_MS, the caller left out.
 * A person signed in (people/) is named by their account's display name; a token by its
 * name.
 * The same rights as reading the ticket (config/auth.h hl_may_read): a caller who may not
 * read it gets 404, as for a ticket that does not exist, so that ids cannot be probed.
 * The viewers are a hash per ticket in Redis (presence:<id>, lua/presence.lua), so that
 * every daemon sharing the Redis sees them. The route, /v1/tickets/ * /presence, wins
 * over the workflow's /v1/tickets/ * / * by being the more literal (http/http.h).
 */
#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "config/auth.h"
#include "host/service.h"
#include "http/http.h"
#include "people/person.h"
#include "store/reply.h"
#include "tickets/api.h"

#define HL_PRESENCE_TTL_MS 30000 /* a viewer who has not posted for this long is gone */

struct presence_call {
	struct hl_call call;
	char id[32];
	int record; /* POST: record once the right to read is known */
	int typing;
};

static void presence_call_free(struct presence_call *pc)
{
	hl_call_end(&pc->call);
	free(pc);
}

static int run(struct presence_call *pc, int record);

/* {"id", "others": [...], "ttl_s"} from presence.lua's answer, the caller left out. */
static struct json_object *answer(const struct presence_call *pc, const redisReply *reply)
{
	struct json_object *body = json_object_new_object(), *others = json_object_new_array();

	for (size_t i = 4; i < reply->elements; i++) {
		const redisReply *v = reply->element[i];
		struct json_object *o;
		char since[HL_TIME_BUFLEN];

		if (v->type != REDIS_REPLY_ARRAY || v->elements != 5 ||
		    strcmp(v->element[0]->str, pc->call.who->name) == 0)
			continue;
		o = json_object_new_object();
		hl_time_format_iso(strtoll(v->element[4]->str, NULL, 10), since);
		json_object_object_add(o, "login", json_object_new_string(v->element[0]->str));
		json_object_object_add(o, "display_name",
				       json_object_new_string(*v->element[1]->str ? v->element[1]->str
										 : v->element[0]->str));
		json_object_object_add(o, "role", json_object_new_string(v->element[2]->str));
		json_object_object_add(o, "typing",
				       json_object_new_boolean(strcmp(v->element[3]->str, "1") == 0));
		json_object_object_add(o, "since", json_object_new_string(since));
		json_object_array_add(others, o);
	}
	json_object_object_add(body, "id", json_object_new_string(pc->id));
	json_object_object_add(body, "others", others);
	json_object_object_add(body, "ttl_s", json_object_new_int(HL_PRESENCE_TTL_MS / 1000));
	return body;
}

static void arrived(struct redisReply *reply, void *arg)
{
	struct presence_call *pc = arg;
	struct evhttp_request *req = pc->call.req;
	char b0[16], dept[64], channel[32], co[512];
	const char *outcome;

	if (!reply) {
		hl_reply_unavailable(req, "who has the ticket open is not known");
		goto done;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(req, "presence", reply, "who has the ticket open is not known");
		goto done;
	}
	outcome = hl_reply_str(reply, 0, b0, sizeof(b0));
	if (reply->type != REDIS_REPLY_ARRAY || strcmp(outcome, "ok") != 0 || reply->elements < 4 ||
	    !hl_may_read(pc->call.who, hl_reply_str(reply, 1, dept, sizeof(dept)),
			 hl_reply_str(reply, 2, channel, sizeof(channel)),
			 hl_reply_str(reply, 3, co, sizeof(co)))) {
		hl_http_reply_error(req, 404, "id", "no such ticket: %s", pc->id);
		goto done;
	}
	if (pc->record) { /* may read it: now record the caller, and answer from that */
		pc->record = 0;
		if (run(pc, 1) == 0)
			return;
		hl_reply_unavailable(req, "the caller was not recorded");
		goto done;
	}
	hl_http_reply_json(req, 200, answer(pc, reply));
done:
	presence_call_free(pc);
}

static int run(struct presence_call *pc, int record)
{
	char ttl[24];
	const struct hl_person *person = pc->call.person;
	const char *argv[] = {pc->id, record ? "1" : "0", pc->typing ? "1" : "0", ttl,
			      person && person->display_name[0] ? person->display_name
								 : pc->call.who->name};

	snprintf(ttl, sizeof(ttl), "%d", HL_PRESENCE_TTL_MS);
	return hl_call_eval(&pc->call, HL_SCRIPT_PRESENCE, arrived, pc, 5, argv, NULL);
}

/* The POST body: {} or {"typing": bool}. Returns 0, or -1 after a 400. */
static int read_body(struct presence_call *pc, struct evhttp_request *req)
{
	size_t len;
	const char *raw = hl_http_body(req, &len);
	struct json_object *body = NULL;
	int rc = -1;

	if (!raw || !len) {
		return 0;
	} else if (!(body = json_tokener_parse(raw)) || !json_object_is_type(body, json_type_object)) {
		hl_http_reply_error(req, 400, "body", "expected a JSON object such as "
						      "{\"typing\": false}");
		goto out;
	}
	json_object_object_foreach(body, key, value)
	{
		if (strcmp(key, "typing") != 0) {
			hl_http_reply_error(req, 400, key, "unknown field: %s", key);
			goto out;
		}
		if (!json_object_is_type(value, json_type_boolean)) {
			hl_http_reply_error(req, 400, "typing", "typing: expected true or false");
			goto out;
		}
		pc->typing = json_object_get_boolean(value);
	}
	rc = 0;
out:
	json_object_put(body);
	return rc;
}

static void presence(struct evhttp_request *req, const char *param, void *arg)
{
	struct presence_call *pc = calloc(1, sizeof(*pc));

	if (!pc) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&pc->call, req, arg) < 0) {
		free(pc);
		return;
	}
	if (!param || strlen(param) >= sizeof(pc->id) ||
	    strspn(param, "0123456789-") != strlen(param)) {
		hl_http_reply_error(req, 404, "id", "no such ticket: %s", param ? param : "");
		presence_call_free(pc);
		return;
	}
	snprintf(pc->id, sizeof(pc->id), "%s", param);
	pc->record = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	if (pc->record && read_body(pc, req) < 0) {
		presence_call_free(pc);
		return;
	}
	if (run(pc, 0) < 0) {
		hl_reply_unavailable(req, "who has the ticket open is not known");
		presence_call_free(pc);
	}
}

int hl_presence_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/tickets/*/presence", EVHTTP_REQ_GET | EVHTTP_REQ_POST,
			     presence, svc);
}
