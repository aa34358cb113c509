/*
 * The body of POST /v1/kb/entries and PUT /v1/kb/entries/{id} (政策通, issue 17), parsed
 * and checked before anything reaches Redis: strict JSON, every field known, typed and
 * bounded; the unit known to the routes; dates real (YYYY-MM-DD) and effective_until not
 * before effective_from. A bad body is a 400 naming the field (title, answer, unit,
 * effective_until, ...). What only the store knows (the entry exists, the version edited
 * is the current one, the caller's unit owns it) lua/kb_write.lua checks. The result
 * borrows from the parsed document: release it with hl_kb_input_free whatever the
 * outcome. Pure: no I/O.
 */
#ifndef HL_KB_INPUT_H
#define HL_KB_INPUT_H

#include <stddef.h>

#include "tickets/ticket_input.h"

struct hl_routes;
struct json_object;

#define HL_KB_TITLE_MAX 200
#define HL_KB_ANSWER_MAX 20000
#define HL_KB_QUESTION_MAX 200 /* characters of one way of asking */
#define HL_KB_QUESTIONS_MAX 50
#define HL_KB_TAG_MAX 40
#define HL_KB_TAGS_MAX 30
#define HL_KB_SOURCE_MAX 500

/* The fields an entry stores, in the order lua/kb_write.lua takes them. */
#define HL_KB_NSTORED 9
extern const char *const hl_kb_stored_fields[HL_KB_NSTORED];

struct hl_kb_input {
	char id[HL_KB_ID_MAX + 1];
	char version[24];       /* the version edited (PUT's `version`), "" when not given */
	/* by hl_kb_stored_fields: title, questions (JSON array), answer, unit, tags (JSON
	 * array), source, effective_from, effective_until, reviewed_at; "" when absent */
	const char *value[HL_KB_NSTORED];
	char *questions_json, *tags_json;
	struct json_object *doc;
};

/* Parses `len` bytes of body. path_id is PUT's id (the body's `id`, when given, must be
 * the same), NULL for POST (the body's `id` is required). Returns 0 with *in filled, or -1
 * with *e naming the field. Call hl_kb_input_free either way. */
int hl_kb_input_parse(const char *body, size_t len, const struct hl_routes *routes,
		      const char *path_id, struct hl_kb_input *in, struct hl_input_error *e);
void hl_kb_input_free(struct hl_kb_input *in);

#endif
