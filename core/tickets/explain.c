/*
 * POST /v1/route/explain: routes a ticket body (as POST /v1/tickets takes it, or a draft
 * still being typed: a title or a content is enough) through the plugins without storing
 * anything, and answers which unit would get it ("department",
 * null for manual dispatch), which plugin decided, and every step: the rules that
 * matched, their weights, why the winner won. Dispatchers use it to fix the catalogue;
 * the console's intake form asks it as the agent types.
 */
#include <event2/http.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/api.h"
#include "base/list.h"
#include "config/auth.h"
#include "config/config.h"
#include "host/service.h"
#include "http/http.h"
#include "host/router.h"
#include "base/ticket.h"
#include "tickets/ticket_input.h"
#include "host/world.h"

/* One explanation being worked out; on the daemon's list until answered, so that a stop
 * can answer (and free) the ones a plugin still keeps waiting. */
struct hl_explain_call {
	struct hl_call call;
	struct hl_ticket_input input;
	struct hl_ticket_field fields[HL_INPUT_FIELDS_MAX];
	struct hl_ticket ticket;
	struct hl_route_run *run; /* while a plugin is awaited */
	struct hl_list_node node; /* on svc->explains */
};

static void explain_free(struct hl_explain_call *ec)
{
	hl_list_remove(&ec->node);
	hl_ticket_input_free(&ec->input);
	hl_call_end(&ec->call);
	free(ec);
}

void hl_explain_cancel_all(struct hl_service *svc)
{
	while (!hl_list_empty(&svc->explains)) {
		struct hl_explain_call *ec =
			HL_LIST_ENTRY(hl_list_first(&svc->explains), struct hl_explain_call, node);

		hl_route_cancel(ec->run);
		hl_http_reply_unavailable(ec->call.req, "stopping",
					  "hotlined is stopping; the explanation was not finished");
		explain_free(ec);
	}
}

static void explained(const struct hl_route_result *r, void *arg)
{
	struct hl_explain_call *ec = arg;
	struct json_object *body = json_object_new_object();
	const char *outcome = r->outcome == HL_ROUTE_DISPATCH ? "dispatch"
			      : r->outcome == HL_ROUTE_MERGE  ? "merge"
							      : "manual";

	json_object_object_add(body, "department",
			       r->outcome == HL_ROUTE_MANUAL || !r->decision.department[0]
				       ? NULL
				       : json_object_new_string(r->decision.department));
	json_object_object_add(body, "outcome", json_object_new_string(outcome));
	if (r->decided_by) {
		json_object_object_add(body, "decided_by", json_object_new_string(r->decided_by));
		json_object_object_add(body, "item", json_object_new_string(r->decision.item));
		json_object_object_add(body, "score", json_object_new_int(r->decision.score));
		json_object_object_add(body, "reason", json_object_new_string(r->decision.reason));
	}
	if (r->decision.policy[0])
		json_object_object_add(body, "policy", json_object_new_string(r->decision.policy));
	if (r->outcome == HL_ROUTE_MANUAL)
		json_object_object_add(body, "manual_reason",
				       json_object_new_string(r->manual_reason));
	json_object_object_add(body, "steps", json_object_get(r->explanation));
	hl_http_reply_json(ec->call.req, 200, body);
	explain_free(ec);
}

static void post_explain(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_service *svc = arg;
	struct hl_explain_call *ec = calloc(1, sizeof(*ec));
	struct hl_input_error e;
	const char *raw;
	size_t len = 0;

	(void)param;
	if (!ec) {
		hl_http_reply_error(req, 500, NULL, "out of memory");
		return;
	}
	if (hl_call_begin(&ec->call, req, svc) < 0) {
		free(ec);
		return;
	}
	if (ec->call.who->kind != HL_ROLE_AGENT && ec->call.who->kind != HL_ROLE_SUPERVISOR &&
	    ec->call.who->kind != HL_ROLE_ADMIN) {
		hl_http_reply_error(req, 403, NULL, "role %s may not explain routing",
				    ec->call.who->role);
		goto fail;
	}
	raw = hl_http_body(req, &len);
	if (!raw || hl_ticket_input_parse(raw, len, ec->call.world->routes, HL_INPUT_DRAFT,
					    &ec->input, &e) < 0) {
		hl_http_reply_error(req, 400, raw && e.field[0] ? e.field : NULL, "%s%s%s",
				    raw ? e.field : "", raw && e.field[0] ? ": " : "",
				    raw ? e.message : "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < ec->input.nfields; i++)
		ec->fields[i] = (struct hl_ticket_field){ec->input.fields[i].name,
							 ec->input.fields[i].value};
	ec->ticket.nfields = ec->input.nfields;
	ec->ticket.fields = ec->fields;
	hl_list_push(&svc->explains, &ec->node);
	if (hl_route_start(ec->call.world->plugins, ec->call.world->routes, svc->base, &ec->ticket,
			   NULL, ec->call.world->config->plugin_timeout_ms, 1, explained, ec,
			   &ec->run) == 0)
		return;
	hl_http_reply_error(req, 500, NULL, "out of memory");
	explain_free(ec);
	return;
fail:
	hl_ticket_input_free(&ec->input);
	hl_call_end(&ec->call);
	free(ec);
}

int hl_explain_register(struct hl_service *svc)
{
	return hl_http_route(svc->http, "/v1/route/explain", EVHTTP_REQ_POST, post_explain, svc);
}
