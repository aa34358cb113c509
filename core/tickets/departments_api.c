/*
 * GET /v1/departments: the units tickets are dispatched to (routes/departments.yaml), so
 * that clients show a unit by its name (武汉市水务集团有限公司) where the API gives its code
 * (water), and offer the list for a manual dispatch or a co-handling. Any authenticated
 * role: the list is the city's public directory. Answers
 *   {"departments": [{"code": "water", "name": "武汉市水务集团有限公司",
 *                     "kind": "enterprise", "duty": "..."}, ...]}
 * in the file's order; kind is municipal, enterprise or district; duty is left out when
 * the file gives none. Reads the generation in service; no Redis.
 */
#include <event2/http.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "config/routes.h"
#include "host/service.h"
#include "host/world.h"
#include "http/http.h"
#include "tickets/api.h"

static const char *kind_word(enum hl_dept_kind kind)
{
	switch (kind) {
	case HL_DEPT_MUNICIPAL:
		return "municipal";
	case HL_DEPT_ENTERPRISE:
		return "enterprise";
	case HL_DEPT_DISTRICT:
		return "district";
	}
	return "municipal";
}

static void get_departments(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_call *c = hl_call_new(req, arg);
	const struct hl_routes *routes;
	struct json_object *body, *list;

	(void)param;
	if (!c)
		return;
	routes = c->world->routes;
	body = json_object_new_object();
	list = json_object_new_array_ext((int)routes->ndepartments);
	for (size_t i = 0; i < routes->ndepartments; i++) {
		const struct hl_department *d = &routes->departments[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "code", json_object_new_string(d->code));
		json_object_object_add(o, "name", json_object_new_string(d->name));
		json_object_object_add(o, "kind", json_object_new_string(kind_word(d->kind)));
		if (d->duty)
			json_object_object_add(o, "duty", json_object_new_string(d->duty));
		json_object_array_add(list, o);
	}
	json_object_object_add(body, "departments", list);
	hl_http_reply_json(req, 200, body);
	hl_call_end(c);
	free(c);
}

int hl_departments_api_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/departments", EVHTTP_REQ_GET, get_departments, svc);
}
