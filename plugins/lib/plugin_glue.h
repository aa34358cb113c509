/*
 * Glue between the plugin SDK's types (hotline/plugin.h) and the routing code of
 * plugins/lib: the whole of the keyword and district plugins but their names and
 * descriptors (hl_glue_router_*); and the start and end of every shipped plugin's state
 * (hl_glue_state_new, hl_glue_state_free). Below the router, the host's functions are
 * passed in as plain function pointers, so that code depends on no host being there and
 * the unit tests can drive it with fakes.
 */
#ifndef HL_PLUGIN_GLUE_H
#define HL_PLUGIN_GLUE_H

#include <hotline/plugin.h>
#include <stddef.h>

#include "routing.h"

/* The end of a host function in the host table: a host whose `size` reaches it has it. */
#define HL_HOST_END(fn) (offsetof(struct hl_host, fn) + sizeof(((struct hl_host *)0)->fn))

/* A plugin instance's state: `size` zeroed bytes (the plugin frees them in fini), once
 * the host is new enough for the plugin: plugin ABI minor `minor` or newer and, when
 * host_end is not 0, a host table reaching host_end (HL_HOST_END of the newest function
 * the plugin calls). NULL with the reason in err: a host too old (naming `needs`, what
 * the plugin calls), or no memory. */
void *hl_glue_state_new(const struct hl_host *host, unsigned minor, size_t host_end,
			const char *needs, size_t size, char *err, size_t errlen);

/* A fini hook for a plugin whose state (from hl_glue_state_new) owns nothing else: frees
 * it. NULL is allowed. */
void hl_glue_state_free(void *state);

struct hl_catalogue;
struct hl_gazetteer;

/* The state of a routing plugin (keyword, district). */
struct hl_glue_router {
	const struct hl_host *host;
	struct hl_catalogue *cat; /* NULL: routed by the gazetteer alone (district) */
	struct hl_gazetteer *gz;
};

/* The init hook of a routing plugin, for a host of ABI 1.1 or newer (department_name,
 * explain, path options): loads the file of the "gazetteer" option and, when
 * with_catalogue, of the "catalogue" option, their unit codes checked with
 * host->department_name. HL_OK with a struct hl_glue_router in *state_r, which
 * hl_glue_router_fini frees; HL_ERROR with the reason (file:line:column) in err. */
enum hl_status hl_glue_router_init(const struct hl_host *host, struct hl_self *self,
				   const struct hl_options *opts, int with_catalogue,
				   void **state_r, char *err, size_t errlen);

/* The route hook of a routing plugin: the catalogue's answer (hl_catalogue_route, which
 * falls back on the gazetteer for territorial items), or without a catalogue the
 * gazetteer's (hl_gazetteer_route); each step explained through host->explain. */
enum hl_status hl_glue_router_route(void *state, const struct hl_ticket *ticket,
				    struct hl_decision *decision, struct hl_route_call *call);

/* The fini hook of a routing plugin: frees the state (NULL is allowed). */
void hl_glue_router_fini(void *state);

typedef const char *(*hl_field_fn)(const struct hl_ticket *ticket, const char *name);
typedef const char *(*hl_dept_name_fn)(struct hl_self *self, const char *code);
typedef void (*hl_explain_fn)(struct hl_decision *decision, const char *fmt, ...);

/* Reads title, content, address and district through `field` (host->ticket_field) into
 * *text_r. The strings are borrowed like the ticket. */
void hl_glue_ticket_text(struct hl_ticket_text *text_r, const struct hl_ticket *ticket,
			 hl_field_fn field);

/* A unit check backed by host->department_name: a code with a name is HL_UNIT_KNOWN (the
 * host does not tell kinds). Lives in *units, which must outlive the check's use. */
struct hl_glue_units {
	hl_dept_name_fn name;
	struct hl_self *self;
	struct hl_unit_check check;
};
void hl_glue_units_init(struct hl_glue_units *units, hl_dept_name_fn name,
			struct hl_self *self);

/* An explanation sink that hands each line to host->explain for `decision`. */
struct hl_glue_explain {
	hl_explain_fn explain;
	struct hl_decision *decision;
	struct hl_explain sink;
};
void hl_glue_explain_init(struct hl_glue_explain *e, hl_explain_fn explain,
			  struct hl_decision *decision);

/* Copies an answer into a decision (department, item, type, score, reason; truncating at
 * character boundaries) and turns the routing code's result (1, 0, -ENOMEM) into HL_OK,
 * HL_DECLINED or HL_ERROR. */
enum hl_status hl_glue_decide(int rc, const struct hl_route_answer *a,
			      struct hl_decision *decision);

#endif
