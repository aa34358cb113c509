/* The supervision endpoints' shared views and answers; see supervision_view.h. */
#include "tickets/supervision_view.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "base/log.h"
#include "base/mask.h"
#include "base/timefmt.h"
#include "config/auth.h"
#include "http/http.h"
#include "store/reply.h"
#include "tickets/api.h"
#include "tickets/supervision_input.h"

static const char *const list_fields[] = {"units", "co_units", "tickets", "stems_from", NULL};
static const char *const count_fields[] = {"problem_count", "send_backs", "late_ms", NULL};

static int among(const char *name, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(*names, name) == 0)
			return 1;
	return 0;
}

static struct json_object *split_json(const char *text)
{
	struct json_object *a = json_object_new_array();

	while (text && *text) {
		size_t n = strcspn(text, ",");

		json_object_array_add(a, json_object_new_string_len(text, (int)n));
		text += n + (text[n] == ',');
	}
	return a;
}

const char *hl_sv_field(const struct redisReply *flat, const char *name)
{
	if (!flat || flat->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < flat->elements; i += 2)
		if (flat->element[i]->str && strcmp(flat->element[i]->str, name) == 0)
			return flat->element[i + 1]->str;
	return NULL;
}

struct json_object *hl_sv_record_json(const struct redisReply *flat,
				      const struct hl_principal *who)
{
	struct json_object *o = json_object_new_object();
	int whole = who->kind == HL_ROLE_SUPERVISOR;

	for (size_t i = 0; flat && i + 1 < flat->elements; i += 2) {
		const char *k = flat->element[i]->str, *v = flat->element[i + 1]->str;
		size_t klen;

		if (!k || !v)
			continue;
		klen = strlen(k);
		if (strncmp(k, "rectify_", 8) == 0 && strcmp(k, "rectify_status") != 0 &&
		    strcmp(k, "rectify_due_ms") != 0)
			continue; /* the clock's plan is the store's (due_claim.lua), not a field */
		if (among(k, list_fields)) {
			json_object_object_add(o, k, split_json(v));
		} else if (strcmp(k, "problems") == 0) {
			struct json_object *p = json_tokener_parse(v);

			json_object_object_add(o, k, p ? p : json_object_new_array());
		} else if (among(k, count_fields)) {
			json_object_object_add(o, k, json_object_new_int64(strtoll(v, NULL, 10)));
		} else if (klen > 3 && strcmp(k + klen - 3, "_ms") == 0) {
			char at_name[64], when[HL_TIME_BUFLEN];

			json_object_object_add(o, k, json_object_new_int64(strtoll(v, NULL, 10)));
			if (klen < sizeof(at_name) && strcmp(k, "date_ms") != 0 &&
			    strcmp(k, "decided_on_ms") != 0) {
				snprintf(at_name, sizeof(at_name), "%.*s_at", (int)(klen - 3), k);
				hl_time_format_iso(strtoll(v, NULL, 10), when);
				json_object_object_add(o, at_name, json_object_new_string(when));
			}
		} else if (!whole && strcmp(k, "person_name") == 0) {
			char *masked = hl_mask_field(k, v);

			json_object_object_add(o, k, json_object_new_string(masked ? masked : ""));
			free(masked);
		} else {
			json_object_object_add(o, k, json_object_new_string(v));
		}
	}
	return o;
}

int hl_sv_case_readable(const struct hl_principal *who, const char *lead, const char *co)
{
	size_t n;

	if (who->kind == HL_ROLE_SUPERVISOR || who->kind == HL_ROLE_ADMIN)
		return 1;
	if (who->kind != HL_ROLE_DEPT || !who->scope)
		return 0;
	if (lead && strcmp(lead, who->scope) == 0)
		return 1;
	n = strlen(who->scope);
	for (const char *p = co; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, who->scope, n) == 0)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

int hl_sv_supervisor_only(struct evhttp_request *req, const struct hl_principal *who,
			  const char *what)
{
	if (who->kind == HL_ROLE_SUPERVISOR)
		return 1;
	hl_http_reply_error(req, 403, NULL, "role %s may not %s; supervisors only", who->role,
			    what);
	return 0;
}

int hl_sv_reader(struct evhttp_request *req, const struct hl_principal *who, const char *what)
{
	if (who->kind == HL_ROLE_SUPERVISOR || who->kind == HL_ROLE_ADMIN ||
	    who->kind == HL_ROLE_DEPT)
		return 1;
	hl_http_reply_error(req, 403, NULL, "role %s may not read %s", who->role, what);
	return 0;
}

void hl_sv_reply_created(struct hl_call *c, const struct redisReply *reply, const char *what)
{
	char b[64], field[64], why[256], msg[64];
	const char *outcome = hl_reply_str(reply, 0, b, sizeof(b));

	snprintf(msg, sizeof(msg), "the %s was not recorded", what);
	if (!reply) {
		hl_reply_unavailable(c->req, "the connection was lost before Redis confirmed; list "
					     "the records to see whether it was recorded");
	} else if (reply->type == REDIS_REPLY_ERROR) {
		hl_reply_redis_error(c->req, "supervision", reply, msg);
	} else if (strcmp(outcome, "created") == 0) {
		struct json_object *o = json_object_new_object();
		const char *id = hl_reply_str(reply, 1, b, sizeof(b));

		hl_log(HL_LOG_INFO, "supervision", "created what=%s id=%s by=%s", what, id,
		       c->who->name);
		json_object_object_add(o, "id", json_object_new_string(id));
		hl_http_reply_json(c->req, 201, o);
	} else if (strcmp(outcome, "denied") == 0) {
		hl_http_reply_error(c->req, 403, NULL, "%s", hl_reply_str(reply, 1, why, sizeof(why)));
	} else if (strcmp(outcome, "bad") == 0) {
		hl_http_reply_error(c->req, 400, hl_reply_str(reply, 1, field, sizeof(field)), "%s",
				    hl_reply_str(reply, 2, why, sizeof(why)));
	} else {
		hl_http_reply_error(c->req, 500, NULL, "unexpected answer from Redis; %s", msg);
	}
}

int hl_sv_args(const char **argv, const char *const *fixed, int n, const struct hl_sv_fields *f)
{
	int argc = 0;

	for (int i = 0; i < n; i++)
		argv[argc++] = fixed[i];
	for (size_t i = 0; i < f->n; i++) {
		argv[argc++] = f->name[i];
		argv[argc++] = f->value[i];
	}
	return argc;
}

int hl_sv_query(struct evhttp_request *req, const char *const *names,
		char (*values)[HL_SV_QUERY_VALUE])
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq params;
	struct evkeyval *kv;
	int rc = 0;

	for (size_t i = 0; names[i]; i++)
		values[i][0] = '\0';
	TAILQ_INIT(&params);
	if (query && evhttp_parse_query_str(query, &params) < 0) {
		hl_http_reply_error(req, 400, "query", "not a well-formed query string");
		return -1;
	}
	TAILQ_FOREACH(kv, &params, next)
	{
		size_t i = 0;

		while (names[i] && strcmp(names[i], kv->key) != 0)
			i++;
		if (!names[i] || values[i][0] || !kv->value[0] ||
		    strlen(kv->value) >= HL_SV_QUERY_VALUE) {
			hl_http_reply_error(req, 400, kv->key,
					    "%s: unknown, given twice, empty or too long a parameter",
					    kv->key);
			rc = -1;
			break;
		}
		snprintf(values[i], HL_SV_QUERY_VALUE, "%s", kv->value);
	}
	evhttp_clear_headers(&params);
	return rc;
}

static int period_end(struct evhttp_request *req, const char *name, const char *text,
		      const char *none, char out[24])
{
	int64_t ms;
	char err[160];

	if (!text[0]) {
		snprintf(out, 24, "%s", none);
		return 0;
	}
	if (hl_time_parse_iso(text, &ms, err, sizeof(err)) < 0) {
		hl_http_reply_error(req, 400, name, "%s: %s", name, err);
		return -1;
	}
	if (name[0] == 't' && strlen(text) == 10)
		ms += 86400000 - 1; /* the whole day */
	snprintf(out, 24, "%lld", (long long)ms);
	return 0;
}

int hl_sv_period(struct evhttp_request *req, const char *from_text, const char *to_text,
		 char from[24], char to[24])
{
	return period_end(req, "from", from_text, "-inf", from) < 0 ||
			       period_end(req, "to", to_text, "+inf", to) < 0
		       ? -1
		       : 0;
}
