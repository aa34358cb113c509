/*
 * POST /v1/admin/reload (admin role): the same reload as SIGHUP — the new configuration,
 * routes and plugin set are loaded beside the running ones and switched to only if all of
 * it loads. The answer says which generation now serves, or, with 422, why the old one
 * still does ("file:line:column: ..." or the plugin's own message).
 */
#include <event2/http.h>
#include <json-c/json.h>

#include "tickets/api.h"
#include "config/auth.h"
#include "daemon/daemon.h"
#include "daemon/admin.h"
#include "http/http.h"
#include "host/plugin_host.h"
#include "host/world.h"

static void post_reload(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_daemon *d = arg;
	struct hl_call call;
	struct json_object *body;

	(void)param;
	if (hl_call_begin(&call, req, &d->svc) < 0)
		return;
	if (call.who->kind != HL_ROLE_ADMIN) {
		hl_http_reply_error(req, 403, NULL, "role %s may not reload the configuration",
				    call.who->role);
	} else if (hl_daemon_reload(d) < 0) {
		hl_http_reply_error(req, 422, "config", "%s; the running configuration (generation "
							"%llu) keeps serving",
				    d->last_reload_error[0] ? d->last_reload_error
							    : "the daemon is stopping",
				    (unsigned long long)d->svc.world->generation);
	} else {
		body = json_object_new_object();
		json_object_object_add(body, "generation",
				       json_object_new_uint64(d->svc.world->generation));
		json_object_object_add(body, "plugins",
				       json_object_new_uint64(d->svc.world->plugins->n));
		hl_http_reply_json(req, 200, body);
	}
	hl_call_end(&call);
}

int hl_admin_register(struct hl_daemon *d)
{
	return hl_http_route(d->svc.http, "/v1/admin/reload", EVHTTP_REQ_POST, post_reload, d);
}
