/*
 * The bodies of the supervision endpoints (issue 16), parsed and checked before anything
 * reaches Redis, as ticket_input.c does for tickets: strict JSON, every field known, of
 * its type and length; unit codes known to the routes; dates real, deadlines not past;
 * forms from the configured list. What only the store knows (that a linked ticket, a case
 * or a programme exists) the Lua step checks before it writes. The results borrow from
 * the parsed document: release them with their _free function, whatever the outcome.
 * Pure: no I/O.
 */
#ifndef HL_SUPERVISION_INPUT_H
#define HL_SUPERVISION_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "tickets/ticket_input.h"

struct hl_calendar;
struct hl_routes;
struct json_object;

#define HL_SV_TEXT_MAX 5000  /* characters of a description, requirements, a note */
#define HL_SV_TITLE_MAX 200
#define HL_SV_LIST_MAX 64    /* units, problems, tickets or ids in one list */
#define HL_SV_FIELDS_MAX 24

/* Fields to store in the record's hash, as a Lua step takes them (name, value, ...). */
struct hl_sv_fields {
	size_t n;
	const char *name[HL_SV_FIELDS_MAX];
	const char *value[HL_SV_FIELDS_MAX];
};

/* POST /v1/supervision/programmes: {date, title, units: [codes], notes, problems: [texts]} */
struct hl_programme_input {
	int64_t date_ms;         /* the show's date, its local midnight */
	char date_ms_text[24];
	const char *title;
	struct hl_sv_fields store; /* date, units (commas), notes, problems (JSON), problem_count */
	struct json_object *doc;
	char units[1024], problem_count[16];
	char *problems_json;
};

/* POST /v1/supervision/cases (the fields in core/README.md §4, case:<id>) */
struct hl_case_input {
	const char *kind;        /* problem, monthly, benchmark */
	const char *title;
	const char *lead_unit;
	char co_units[1024];     /* commas; "" for none */
	char tickets[1024];      /* linked tickets, commas */
	const char *source_programme; /* "" unless source.type is programme */
	char source_tickets[1024];    /* commas, when source.type is tickets */
	int64_t deadline_ms;     /* the end of the deadline's day, or N working days on */
	struct hl_sv_fields store; /* description, source_type, source_text, requirements,
				      deadline, deadline_ms, metric, target, benchmark */
	struct json_object *doc;
	char deadline_ms_text[24], deadline_text[40];
};

/* POST /v1/accountability */
struct hl_accountability_input {
	int64_t decided_on_ms;
	char decided_on_ms_text[24];
	const char *person_unit;
	const char *form;
	char stems_from[1024];   /* case and ticket ids, commas */
	const char *supersedes;  /* "" for none */
	struct hl_sv_fields store; /* person_name, person_post, reason, decided_on, decided_by */
	struct json_object *doc;
};


/* A text member of obj: a string, not blank, of `max` characters at most, without control
 * characters other than line breaks and tabs; *value_r (borrowed from obj) is NULL when
 * absent or null, an error when required. Returns 0, or -1 with e naming key. Shared
 * with the knowledge base's bodies (kb_input.c). */
int hl_input_text(struct json_object *obj, const char *key, int required, size_t max,
		  const char **value_r, struct hl_input_error *e);

/* Each parses `len` bytes of body. Returns 0 with *in filled, or -1 with *e naming the
 * field. now_ms is the request's time (a deadline must not be before it). `forms` (n of
 * them) is the configured list (hl_config's accountability_forms). A benchmark case's
 * metric is a rate of the units report (reports.h). Call the _free function either way. */
int hl_programme_input_parse(const char *body, size_t len, const struct hl_routes *routes,
			     struct hl_programme_input *in, struct hl_input_error *e);
void hl_programme_input_free(struct hl_programme_input *in);

int hl_case_input_parse(const char *body, size_t len, const struct hl_routes *routes,
			struct hl_calendar *cal, int64_t now_ms, struct hl_case_input *in,
			struct hl_input_error *e);
void hl_case_input_free(struct hl_case_input *in);

int hl_accountability_input_parse(const char *body, size_t len, const struct hl_routes *routes,
				  const char *const *forms, size_t nforms,
				  struct hl_accountability_input *in, struct hl_input_error *e);
void hl_accountability_input_free(struct hl_accountability_input *in);

#endif
