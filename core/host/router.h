/*
 * Routing one ticket through the plugin set (core/README.md §5): the route pass (the
 * first plugin that answers HL_OK decides the unit; HL_DECLINED asks the next), then the
 * review pass (every plugin may amend the decision: merge, policy, supervisors told).
 * Hooks that answer HL_AGAIN are waited for up to a time budget. No decision, a plugin
 * error, a plugin out of time, or a unit that is unknown or excluded sends the ticket to
 * manual dispatch (待人工派单) with the reason; nothing is lost. Used by the dispatcher and
 * by POST /v1/route/explain (which asks for the explanation and stores nothing).
 */
#ifndef HL_ROUTER_H
#define HL_ROUTER_H

#include <stdint.h>
#include <hotline/plugin.h>

struct event_base;
struct hl_plugin_set;
struct hl_routes;
struct hl_ticket;
struct json_object;

enum hl_route_outcome { HL_ROUTE_DISPATCH, HL_ROUTE_MERGE, HL_ROUTE_MANUAL };

struct hl_route_result {
	enum hl_route_outcome outcome;
	struct hl_decision decision; /* department etc. when dispatching or merging */
	const char *decided_by;      /* the plugin that decided; NULL for manual */
	char manual_reason[HL_REASON_MAX + 96]; /* why it needs a person, for manual */
	struct json_object *explanation; /* the steps, when asked for; borrowed for the call */
};

/* Called once with the result; the result is borrowed for the call. */
typedef void (*hl_route_done_fn)(const struct hl_route_result *result, void *arg);

struct hl_route_run;

/* Routes `ticket`. `excluded` lists unit codes that may not be chosen (units that
 * returned the ticket), comma-separated, or NULL. The set, routes, ticket and excluded
 * must stay valid until done is called, which may happen before this returns. While the
 * run waits for a plugin, *pending (when not NULL) holds it, for hl_route_cancel; it is
 * set back to NULL when done is called. Returns 0, or -1 when out of memory (done is
 * then not called). */
int hl_route_start(const struct hl_plugin_set *set, const struct hl_routes *routes,
		   struct event_base *base, const struct hl_ticket *ticket, const char *excluded,
		   int64_t budget_ms, int explain, hl_route_done_fn done, void *arg,
		   struct hl_route_run **pending);

/* Gives up a run that waits for a plugin, without calling done (the plugin's call is
 * kept until it answers or is retired). */
void hl_route_cancel(struct hl_route_run *run);

/* Host functions of struct hl_host that belong to routing (plugin_host.c's table). */
void hl_router_route_done(struct hl_route_call *call, enum hl_status status);
void hl_router_explain(struct hl_decision *decision, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Frees the calls a plugin left unanswered past their budget; used when it is retired. */
void hl_router_free_abandoned(struct hl_self *self);

#endif
