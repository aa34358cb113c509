/*
 * Masking of citizens' personal data (core/README.md §9): phone numbers and ID numbers
 * are shown as 138****5678 in every log line, in the webhook payload and in the views of
 * roles that do not need them; and the one list of the ticket fields that are or may
 * carry personal data, with how each is masked (hl_personal_fields), which all of those
 * places follow. Pure functions and constant data: callable from anywhere, any thread.
 */
#ifndef HL_MASK_H
#define HL_MASK_H

#include <stddef.h>

/* Writes `value` (a phone or ID number) masked into out: the first 3 and last 4
 * characters stay when it is 11 or more long, only the last 4 when shorter, nothing when
 * 4 or shorter. out is always NUL-terminated. */
void hl_mask_number(const char *value, char *out, size_t outlen);

/* Writes a person's name (UTF-8) with every character after the first replaced by '*':
 * 张三丰 -> 张**. out is always NUL-terminated. */
void hl_mask_name(const char *name, char *out, size_t outlen);

/* Returns a copy of free text (UTF-8) in which every number of 7 or more digits (10 or
 * more when it is written in groups) is masked by its digit count as hl_mask_number
 * does. A number's digits may be ASCII or full-width (１３９), its groups joined by
 * single spaces, hyphens or dots (139-0715-0001, 139 0715 0001; a date such as
 * 2026-09-30 stays), and an ID number's final X counts as a digit.
 * Separators stay; each masked digit becomes '*'. The caller frees the result; NULL when
 * out of memory. */
char *hl_mask_text(const char *text);

/* How a ticket field is shown where personal data may not appear whole. */
enum hl_mask_kind {
	HL_MASK_NONE,   /* not personal data: shown as it is */
	HL_MASK_NUMBER, /* a phone or ID number: hl_mask_number */
	HL_MASK_NAME,   /* a person's name: hl_mask_name */
	HL_MASK_TEXT,   /* free text, which may carry numbers: hl_mask_text */
};

struct hl_personal_field {
	const char *name; /* as stored in the ticket and named in the API */
	enum hl_mask_kind kind;
};

/*
 * THE list of ticket fields that are, or may carry, a citizen's personal data, ended by
 * a NULL name: caller_phone and citizen_id_number (numbers), citizen_name (a name), and
 * the free text title, content, address and direct_answer (an agent's answer on the call
 * may repeat the caller's number, so it is masked wherever the rest is) and kb_query
 * (the agent's last knowledge-base search, typed from the caller's words); and person_name,
 * the official named by an accountability record (tickets/supervision_view.c masks it
 * for every role but supervisor). The ticket view
 * for roles that do not see personal data, the webhook payload and the log plugin all
 * mask through it (hl_mask_field); a field added to tickets that may hold personal data
 * is added here, and only here.
 */
extern const struct hl_personal_field hl_personal_fields[];

/* How the field `name` is masked: its kind in hl_personal_fields, or HL_MASK_NONE. */
enum hl_mask_kind hl_field_masking(const char *name);

/* 1 when the field `name` is in hl_personal_fields, else 0. */
int hl_field_is_personal(const char *name);

/* A copy of value, the field `name`'s, masked as hl_personal_fields says (unchanged when
 * the field is not personal). The caller frees the result; NULL when out of memory. */
char *hl_mask_field(const char *name, const char *value);

#endif
