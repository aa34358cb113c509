/*
 * The body of POST /v1/tickets, parsed and checked before anything reaches Redis: strict
 * JSON with UTF-8 validation (json-c), every field known, of its type and length, the
 * channel's own rules (a hotline ticket needs the caller's phone), a place unless the
 * type needs none (a consultation), phone numbers
 * normalised to digits, a cited 政策通 entry (kb_entry) only on a direct answer and of
 * the form "<id>@<version>" (that the version exists is lua/ticket_create.lua's check). The result is the list of fields to store in the ticket hash.
 * Pure: no I/O, nothing global.
 */
#ifndef HL_TICKET_INPUT_H
#define HL_TICKET_INPUT_H

#include <stddef.h>

struct hl_routes;

/* Limits, in characters (code points) unless said otherwise. */
#define HL_TITLE_MAX 200
#define HL_CONTENT_MAX 10000
#define HL_ADDRESS_MAX 200
#define HL_NAME_MAX 50
#define HL_ANSWER_MAX 5000
#define HL_ATTACHMENTS_MAX 20
#define HL_URL_MAX_BYTES 2048
#define HL_INPUT_FIELDS_MAX 24
#define HL_KB_QUERY_MAX 200 /* kb_query, the agent's last knowledge-base search */
#define HL_KB_ID_MAX 48     /* a knowledge-base entry's id (slug) */

/* Why a body was refused: the field to blame ("" for the body as a whole) and what was
 * wrong, ready for {"error": message, "field": field}. */
struct hl_input_error {
	char field[64];
	char message[256];
};

struct hl_input_field {
	const char *name;  /* static */
	const char *value; /* borrowed from the parsed document or the input's buffers */
	size_t len;
};

struct hl_ticket_input {
	const char *channel;   /* hotline, board or tv */
	const char *type;      /* consultation, request, ... or NULL when not given */
	int answered_on_call;  /* direct_answer given: the ticket is resolved at once */
	const char *phone;     /* normalised caller phone, or NULL */
	size_t nfields;
	struct hl_input_field fields[HL_INPUT_FIELDS_MAX]; /* to store, channel included */

	/* Owned storage the fields borrow from; release with hl_ticket_input_free. */
	struct json_object *doc;
	char phone_buf[24], lat_buf[32], lng_buf[32], id_buf[19];
	char *attachments_json;
};

/* What a body is for: a ticket to create (POST /v1/tickets: every rule), or a draft the
 * agent is still typing, to explain where it would go (POST /v1/route/explain: the fields
 * are checked as for a ticket, but only a title or a content is required). */
enum hl_input_purpose { HL_INPUT_TICKET, HL_INPUT_DRAFT };

/* Parses and checks `len` bytes of body. `routes` resolves district names and codes.
 * Returns 0 with *in filled, or -1 with *e filled (in is then empty; freeing it is still
 * allowed). Either way call hl_ticket_input_free. */
int hl_ticket_input_parse(const char *body, size_t len, const struct hl_routes *routes,
			  enum hl_input_purpose purpose, struct hl_ticket_input *in,
			  struct hl_input_error *e);

/* Does a ticket of this type (a code, or NULL when untyped) need a place (address,
 * district or coordinates)? A consultation (咨询), suggestion (建议) or praise (表扬) does
 * not: there is nothing for a unit to go and see. */
int hl_ticket_type_needs_place(const char *type);

void hl_ticket_input_free(struct hl_ticket_input *in);

/* Parses `len` bytes of body as one strict JSON object (UTF-8 checked, nothing after it),
 * for every body the API takes (tickets, supervision_input.c). Returns 0 and *doc_r
 * (release with json_object_put), or -1 with *e filled (field ""). */
struct json_object;
/* Fills e with the field to blame and the message, for {"error", "field"}; returns -1, so
 * that a check can `return hl_input_fail(e, ...)`. Shared by the bodies' checks. */
int hl_input_fail(struct hl_input_error *e, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int hl_input_parse_object(const char *body, size_t len, struct json_object **doc_r,
			  struct hl_input_error *e);

/* 1 when `name` is a field of the body (for logging a refusal without the client's own
 * keys). */
int hl_ticket_input_known(const char *name);

/* Normalises a phone number (mobile 1xxxxxxxxxx, landline with area code 0xx-xxxxxxxx or
 * a local 7–8 digit number; spaces, hyphens and a +86/0086 prefix allowed) to its digits.
 * Returns 0, or -1 when it is not a phone number. */
int hl_phone_normalize(const char *text, char *out, size_t outlen);

/* Is id an entry's id: [a-z0-9-], 1 to HL_KB_ID_MAX bytes, not "ids" (HL_KEY_KB_IDS is
 * HL_KEY_KB + "ids")? The knowledge base's bodies (kb_input.c) and kb_entry both ask. */
int hl_kb_id_valid(const char *id);

/* Splits a cited knowledge-base entry, "<id>@<version>" (kb_entry): the id, 1 to
 * HL_KB_ID_MAX characters of [a-z0-9-], into id (idlen bytes), and the version, an
 * integer from 1 without leading zeros, into *version. Returns 0, or -1 when text is not
 * of that form (*version untouched, id of no use). */
int hl_kb_entry_parse(const char *text, char *id, size_t idlen, long *version);

/* Checks an 18-character resident ID number (GB 11643: 17 digits and a check character
 * computed ISO 7064 MOD 11-2). Returns 1 when valid. */
int hl_id_number_valid(const char *text);

#endif
