/* Admins' endpoints for people's accounts; see users.h. */
#include "people/users.h"

#include <event2/http.h>
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "config/auth.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "people/caller.h"
#include "people/kdf.h"
#include "people/people_api.h"
#include "people/person.h"
#include "store/redis.h"

/* One admin request between its handler and Redis (and the hashing worker). */
struct user_call {
	struct hl_people *people;
	struct evhttp_request *req;
	struct hl_person *person; /* the admin's session, or NULL for a token */
	char actor[HL_LOGIN_MAX + 1], actor_role[HL_LOGIN_MAX + 16];
	char action[16];
	char login[HL_LOGIN_MAX + 1];
	char display_name[HL_DISPLAY_NAME_MAX * 4 + 1];
	char role[HL_LOGIN_MAX + 16];
	int temporary;
	char password[HL_PASSWORD_MAX + 1];
};

static void call_free(struct user_call *c)
{
	hl_person_unref(c->person);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

/* An admin's call, or NULL after answering 401 or 403. */
static struct user_call *admin_call(struct hl_people *people, struct evhttp_request *req)
{
	const struct hl_principal *who;
	struct hl_person *person;
	struct user_call *c;

	if (hl_caller_identify(req, people->svc->world->auth, HL_CALLER_ANY, &who, &person) < 0)
		return NULL;
	if (who->kind != HL_ROLE_ADMIN) {
		hl_http_reply_error(req, 403, NULL, "only an admin manages accounts");
		hl_person_unref(person);
		return NULL;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		hl_person_unref(person);
		return NULL;
	}
	c->people = people;
	c->req = req;
	c->person = person;
	snprintf(c->actor, sizeof(c->actor), "%s", who->name);
	snprintf(c->actor_role, sizeof(c->actor_role), "%s", who->role);
	return c;
}

static int eval(struct user_call *c, enum hl_script_id script, hl_redis_reply_fn fn, int argc,
		const char **argv)
{
	struct hl_people *people = c->people;

	return people->closing ? -1
			       : hl_redis_eval_as(people->svc->redis, people->svc->prefix,
						  hl_clock_now_ms(), c->actor, c->actor_role, script,
						  fn, c, argc, argv, NULL);
}

static void unavailable(struct user_call *c)
{
	hl_people_unavailable(c->req);
	call_free(c);
}

/* --- GET /v1/users ------------------------------------------------------------------- */

static void listed(struct redisReply *reply, void *arg)
{
	struct user_call *c = arg;
	struct json_object *users, *o;

	if (!reply || reply->type != REDIS_REPLY_ARRAY) {
		unavailable(c);
		return;
	}
	users = json_object_new_array();
	for (size_t i = 0; i < reply->elements; i++) {
		struct redisReply *u = reply->element[i];
		struct json_object *e;

		if (u->type != REDIS_REPLY_ARRAY || u->elements != 6)
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "login", json_object_new_string(u->element[0]->str));
		json_object_object_add(e, "display_name",
				       json_object_new_string(u->element[1]->str));
		json_object_object_add(e, "role", json_object_new_string(u->element[2]->str));
		json_object_object_add(e, "disabled",
				       json_object_new_boolean(strcmp(u->element[3]->str, "1") == 0));
		json_object_object_add(e, "must_change_password",
				       json_object_new_boolean(strcmp(u->element[4]->str, "1") == 0));
		json_object_object_add(e, "created_at",
				       json_object_new_int64(atoll(u->element[5]->str)));
		json_object_array_add(users, e);
	}
	o = json_object_new_object();
	json_object_object_add(o, "users", users);
	hl_http_reply_json(c->req, 200, o);
	call_free(c);
}

static const char *const password_keys[] = {"password", NULL};

/* --- the writes ------------------------------------------------------------------------ */

static void written(struct redisReply *reply, void *arg)
{
	struct user_call *c = arg;
	struct json_object *o;

	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		if (reply)
			hl_log(HL_LOG_ERROR, "people", "redis_error what=user_write error=\"%s\"",
			       reply->str);
		unavailable(c);
		return;
	}
	if (reply->type == REDIS_REPLY_STRING && strcmp(reply->str, "exists") == 0) {
		hl_http_reply_error(c->req, 409, "login", "the login '%s' is taken", c->login);
		call_free(c);
		return;
	}
	if (reply->type == REDIS_REPLY_STRING && strcmp(reply->str, "unknown") == 0) {
		hl_http_reply_error(c->req, 404, "login", "no account '%s'", c->login);
		call_free(c);
		return;
	}
	hl_log(HL_LOG_INFO, "people", "account_%s login=%s by=%s", c->action, c->login, c->actor);
	o = json_object_new_object();
	json_object_object_add(o, "login", json_object_new_string(c->login));
	if (strcmp(c->action, "create") == 0) {
		json_object_object_add(o, "display_name", json_object_new_string(c->display_name));
		json_object_object_add(o, "role", json_object_new_string(c->role));
		json_object_object_add(o, "disabled", json_object_new_boolean(0));
	}
	if (strcmp(c->action, "create") == 0 || strcmp(c->action, "password") == 0)
		json_object_object_add(o, "must_change_password",
				       json_object_new_boolean(c->temporary));
	if (strcmp(c->action, "disable") == 0 || strcmp(c->action, "enable") == 0)
		json_object_object_add(o, "disabled",
				       json_object_new_boolean(strcmp(c->action, "disable") == 0));
	hl_http_reply_json(c->req, strcmp(c->action, "create") == 0 ? 201 : 200, o);
	call_free(c);
}

static void hashed(const struct hl_kdf_result *r, void *arg)
{
	struct user_call *c = arg;
	const char *must = c->temporary ? "1" : "0";
	int sent;

	if (c->people->closing || r->outcome != HL_KDF_HASHED) {
		unavailable(c);
		return;
	}
	if (strcmp(c->action, "create") == 0) {
		const char *argv[] = {"create", c->login, c->display_name, c->role, r->hash, must};

		sent = eval(c, HL_SCRIPT_USER_WRITE, written, 6, argv);
	} else {
		const char *argv[] = {"password", c->login, r->hash, must, ""};

		sent = eval(c, HL_SCRIPT_USER_WRITE, written, 5, argv);
	}
	if (sent < 0)
		unavailable(c);
}

/* The password and "temporary" of body into c. Returns 0, or -1 after answering 400. */
static int take_password(struct user_call *c, struct json_object *body)
{
	const char *pw = hl_people_string(c->req, body, "password", 1, HL_PASSWORD_MAX);
	struct json_object *t;

	if (!pw)
		return -1;
	if (hl_people_chars(pw) < HL_PASSWORD_MIN || strlen(pw) > HL_PASSWORD_MAX) {
		hl_http_reply_error(c->req, 400, "password", "a password has at least %d characters",
				    HL_PASSWORD_MIN);
		return -1;
	}
	c->temporary = 1;
	if (json_object_object_get_ex(body, "temporary", &t)) {
		if (!json_object_is_type(t, json_type_boolean)) {
			hl_http_reply_error(c->req, 400, "temporary", "'temporary' must be true or "
								     "false");
			return -1;
		}
		c->temporary = json_object_get_boolean(t);
	}
	snprintf(c->password, sizeof(c->password), "%s", pw);
	return 0;
}

/* Hands c's password to the worker; answers 503 when it is busy. */
static void hash_password(struct user_call *c)
{
	if (hl_kdf_hash(c->people->kdf, c->password, hashed, c) < 0) {
		hl_people_busy(c->req);
		call_free(c);
		return;
	}
	sodium_memzero(c->password, sizeof(c->password));
}

static void create_user(struct user_call *c)
{
	struct json_object *body = hl_people_body(c->req);
	const char *login, *name, *role;

	if (!body) {
		call_free(c);
		return;
	}
	snprintf(c->action, sizeof(c->action), "create");
	if (!(login = hl_people_string(c->req, body, "login", 1, HL_LOGIN_MAX)) ||
	    !(name = hl_people_string(c->req, body, "display_name", 1, HL_DISPLAY_NAME_MAX)) ||
	    !(role = hl_people_string(c->req, body, "role", 1, HL_LOGIN_MAX + 8)))
		goto fail;
	if (!hl_login_valid(login)) {
		hl_http_reply_error(c->req, 400, "login",
				    "a login is 1 to %d of a-z, 0-9, '.', '_' and '-', starting "
				    "with a letter or digit",
				    HL_LOGIN_MAX);
		goto fail;
	}
	if (!*name) {
		hl_http_reply_error(c->req, 400, "display_name", "'display_name' is empty");
		goto fail;
	}
	if (!hl_person_role_valid(role, c->people->svc->world->routes)) {
		hl_http_reply_error(c->req, 400, "role",
				    "expected agent, supervisor, admin or dept:<a department code "
				    "of routes/departments.yaml>, got '%s'",
				    role);
		goto fail;
	}
	if (take_password(c, body) < 0)
		goto fail;
	snprintf(c->login, sizeof(c->login), "%s", login);
	snprintf(c->display_name, sizeof(c->display_name), "%s", name);
	snprintf(c->role, sizeof(c->role), "%s", role);
	hl_people_put_wiped(body, password_keys);
	hash_password(c);
	return;
fail:
	hl_people_put_wiped(body, password_keys);
	call_free(c);
}

static void users_endpoint(struct evhttp_request *req, const char *param, void *arg)
{
	struct user_call *c = admin_call(arg, req);
	const char *argv[1] = {""};

	(void)param;
	if (!c)
		return;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
		create_user(c);
		return;
	}
	if (eval(c, HL_SCRIPT_USER_LIST, listed, 0, argv) < 0)
		unavailable(c);
}

/* POST /v1/users/{login}/{disable,enable,password}: param is "login/action". */
static void user_action(struct evhttp_request *req, const char *param, void *arg)
{
	struct user_call *c = admin_call(arg, req);
	const char *slash = strchr(param, '/');
	size_t n = slash ? (size_t)(slash - param) : 0;

	if (!c)
		return;
	if (!slash || n > HL_LOGIN_MAX ||
	    (strcmp(slash + 1, "disable") && strcmp(slash + 1, "enable") &&
	     strcmp(slash + 1, "password"))) {
		hl_http_reply_error(req, 404, NULL, "no such endpoint: /v1/users/%s", param);
		call_free(c);
		return;
	}
	memcpy(c->login, param, n);
	c->login[n] = '\0';
	if (!hl_login_valid(c->login)) { /* never a key name of anything but a login */
		hl_http_reply_error(req, 400, "login", "not a login: 1 to %d of a-z, 0-9, '.', "
						       "'_' and '-'",
				    HL_LOGIN_MAX);
		call_free(c);
		return;
	}
	snprintf(c->action, sizeof(c->action), "%s", slash + 1);
	if (strcmp(c->action, "password") == 0) {
		struct json_object *body = hl_people_body(req);

		if (!body || take_password(c, body) < 0) {
			hl_people_put_wiped(body, password_keys);
			call_free(c);
			return;
		}
		hl_people_put_wiped(body, password_keys);
		hash_password(c);
		return;
	}
	{
		const char *argv[] = {c->action, c->login};

		if (eval(c, HL_SCRIPT_USER_WRITE, written, 2, argv) < 0)
			unavailable(c);
	}
}

int hl_users_register(struct hl_people *p)
{
	return hl_http_route(p->svc->http, "/v1/users", EVHTTP_REQ_GET | EVHTTP_REQ_POST,
			     users_endpoint, p) < 0 ||
			       hl_http_route(p->svc->http, "/v1/users/*/*", EVHTTP_REQ_POST,
					     user_action, p) < 0
		       ? -1
		       : 0;
}
