/*
 * struct hl_ticket, the read-only view of a ticket that plugins see through
 * host->ticket_field: a list of name/value pairs, as a ticket hash comes back from Redis.
 * The view borrows its fields; whoever builds it keeps them alive while it is in use.
 */
#ifndef HL_TICKET_H
#define HL_TICKET_H

#include <stddef.h>
#include <hotline/plugin.h>

struct hl_ticket_field {
	const char *name;
	const char *value;
};

struct hl_ticket {
	size_t nfields;
	const struct hl_ticket_field *fields;
	size_t nrelated;                  /* tickets related to this one, for routing */
	const struct hl_ticket *related;
};

/* Fills *t with a copy of n fields, names and values in one block of memory that
 * t->fields points at (free it to release; store/reply.h's hl_ticket_release does, with
 * the related tickets). Returns 0, or -1 when out of memory (t is then empty). */
int hl_ticket_copy(const struct hl_ticket_field *fields, size_t n, struct hl_ticket *t);

/* A view of t in which the `nextra` fields come first, so that they replace t's fields
 * of the same names. storage has room for t->nfields + nextra fields; out borrows it,
 * t's fields and extra. */
void hl_ticket_overlay(const struct hl_ticket *t, const struct hl_ticket_field *extra,
		       size_t nextra, struct hl_ticket_field *storage, struct hl_ticket *out);

/* Whether `code` is one of the comma-separated codes in list (e.g. a ticket's co_units);
 * list may be NULL. */
int hl_list_has(const char *list, const char *code);

/* host->related_count and host->related. */
size_t hl_ticket_related_count(const struct hl_ticket *ticket);
const struct hl_ticket *hl_ticket_related(const struct hl_ticket *ticket, size_t i);

/* The states of core/README.md §3, as stored in the ticket's "state" field. */
extern const char *const hl_ticket_states[];

/* 1 when `state` is one of hl_ticket_states. */
int hl_ticket_state_known(const char *state);

/* The value of a field, or NULL when the ticket has none. Borrowed. */
const char *hl_ticket_field(const struct hl_ticket *ticket, const char *name);

#endif
