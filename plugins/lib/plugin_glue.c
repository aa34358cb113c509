/* SDK glue: the routing plugins' hooks, and plugin state; see plugin_glue.h. */
#include "plugin_glue.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "catalogue.h"
#include "gazetteer.h"

void hl_glue_ticket_text(struct hl_ticket_text *text_r, const struct hl_ticket *ticket,
			 hl_field_fn field)
{
	text_r->title = field(ticket, "title");
	text_r->content = field(ticket, "content");
	text_r->address = field(ticket, "address");
	text_r->district = field(ticket, "district");
}

static enum hl_unit_kind unit_kind(void *arg, const char *code)
{
	const struct hl_glue_units *u = arg;

	return u->name(u->self, code) ? HL_UNIT_KNOWN : HL_UNIT_UNKNOWN;
}

void hl_glue_units_init(struct hl_glue_units *units, hl_dept_name_fn name,
			struct hl_self *self)
{
	*units = (struct hl_glue_units){name, self, {unit_kind, units}};
}

static void explain_line(void *arg, const char *line)
{
	const struct hl_glue_explain *e = arg;

	e->explain(e->decision, "%s", line);
}

void hl_glue_explain_init(struct hl_glue_explain *e, hl_explain_fn explain,
			  struct hl_decision *decision)
{
	*e = (struct hl_glue_explain){explain, decision, {explain_line, e}};
}

enum hl_status hl_glue_decide(int rc, const struct hl_route_answer *a,
			      struct hl_decision *decision)
{
	if (rc < 0) {
		snprintf(decision->reason, sizeof(decision->reason), "out of memory");
		return HL_ERROR;
	}
	if (rc == 0)
		return HL_DECLINED;
	snprintf(decision->department, sizeof(decision->department), "%s", a->department);
	snprintf(decision->item, sizeof(decision->item), "%s", a->item);
	snprintf(decision->reason, sizeof(decision->reason), "%s", a->reason);
	hl_utf8_cut(decision->item, sizeof(decision->item) - 1);
	hl_utf8_cut(decision->reason, sizeof(decision->reason) - 1);
	decision->score = a->score;
	/* type came with 1.1: only a host whose decision has it gets it. */
	if (decision->size >= offsetof(struct hl_decision, type) + sizeof(decision->type))
		snprintf(decision->type, sizeof(decision->type), "%s", a->type);
	return HL_OK;
}

void *hl_glue_state_new(const struct hl_host *host, unsigned minor, size_t host_end,
			const char *needs, size_t size, char *err, size_t errlen)
{
	void *state;

	if (host->abi_minor < minor || (host_end && host->size < host_end)) {
		snprintf(err, errlen, "needs a hotlined with plugin ABI %u.%u or newer (%s); this "
				      "one has %u.%u",
			 (unsigned)HL_ABI_MAJOR, minor, needs, host->abi_major, host->abi_minor);
		return NULL;
	}
	if (!(state = calloc(1, size)))
		snprintf(err, errlen, "out of memory");
	return state;
}

void hl_glue_state_free(void *state)
{
	free(state);
}

void hl_glue_router_fini(void *state)
{
	struct hl_glue_router *r = state;

	if (!r)
		return;
	hl_catalogue_free(r->cat);
	hl_gazetteer_free(r->gz);
	free(r);
}

enum hl_status hl_glue_router_init(const struct hl_host *host, struct hl_self *self,
				   const struct hl_options *opts, int with_catalogue,
				   void **state_r, char *err, size_t errlen)
{
	struct hl_glue_router *r;
	struct hl_glue_units units;

	r = hl_glue_state_new(host, 1, 0, "department_name, explain, path options", sizeof(*r),
			      err, errlen);
	if (!r)
		return HL_ERROR;
	r->host = host;
	hl_glue_units_init(&units, host->department_name, self);
	if (hl_gazetteer_load(host->opt_string(opts, "gazetteer"), &units.check, &r->gz, err,
			      errlen) < 0 ||
	    (with_catalogue && hl_catalogue_load(host->opt_string(opts, "catalogue"),
						 &units.check, &r->cat, err, errlen) < 0)) {
		hl_glue_router_fini(r);
		return HL_ERROR;
	}
	*state_r = r;
	return HL_OK;
}

enum hl_status hl_glue_router_route(void *state, const struct hl_ticket *ticket,
				    struct hl_decision *decision, struct hl_route_call *call)
{
	const struct hl_glue_router *r = state;
	struct hl_ticket_text text;
	struct hl_glue_explain explain;
	struct hl_route_answer answer;
	int rc;

	(void)call;
	hl_glue_ticket_text(&text, ticket, r->host->ticket_field);
	hl_glue_explain_init(&explain, r->host->explain, decision);
	if (r->cat)
		rc = hl_catalogue_route(r->cat, r->gz, &text, &answer, &explain.sink);
	else
		rc = hl_gazetteer_route(r->gz, &text, &answer, &explain.sink);
	return hl_glue_decide(rc, &answer, decision);
}
