/* The ticket states and field access on the read-only ticket view; see ticket.h. */
#include "base/ticket.h"

#include <stdlib.h>
#include <string.h>

const char *const hl_ticket_states[] = {
	"received", "pending_manual", "dispatched", "return_requested", "accepted",
	"resolved", "closed",         "reopened",   "merged",           NULL,
};

int hl_ticket_state_known(const char *state)
{
	for (size_t i = 0; hl_ticket_states[i]; i++) {
		if (strcmp(hl_ticket_states[i], state) == 0)
			return 1;
	}
	return 0;
}

const char *hl_ticket_field(const struct hl_ticket *ticket, const char *name)
{
	if (!ticket)
		return NULL;
	for (size_t i = 0; i < ticket->nfields; i++) {
		if (strcmp(ticket->fields[i].name, name) == 0)
			return ticket->fields[i].value;
	}
	return NULL;
}

size_t hl_ticket_related_count(const struct hl_ticket *ticket)
{
	return ticket ? ticket->nrelated : 0;
}

const struct hl_ticket *hl_ticket_related(const struct hl_ticket *ticket, size_t i)
{
	return ticket && i < ticket->nrelated ? &ticket->related[i] : NULL;
}

int hl_ticket_copy(const struct hl_ticket_field *fields, size_t n, struct hl_ticket *t)
{
	size_t bytes = 0;
	struct hl_ticket_field *copy;
	char *strings;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n; i++)
		bytes += strlen(fields[i].name) + strlen(fields[i].value) + 2;
	/* One block: the field array, then every string. */
	if (!(copy = malloc(n * sizeof(*copy) + bytes + 1)))
		return -1;
	strings = (char *)(copy + n);
	for (size_t i = 0; i < n; i++) {
		size_t kn = strlen(fields[i].name) + 1, vn = strlen(fields[i].value) + 1;

		copy[i].name = memcpy(strings, fields[i].name, kn);
		strings += kn;
		copy[i].value = memcpy(strings, fields[i].value, vn);
		strings += vn;
	}
	t->nfields = n;
	t->fields = copy;
	return 0;
}

void hl_ticket_overlay(const struct hl_ticket *t, const struct hl_ticket_field *extra,
		       size_t nextra, struct hl_ticket_field *storage, struct hl_ticket *out)
{
	memcpy(storage, extra, nextra * sizeof(*extra));
	memcpy(storage + nextra, t->fields, t->nfields * sizeof(*t->fields));
	*out = (struct hl_ticket){t->nfields + nextra, storage, t->nrelated, t->related};
}

int hl_list_has(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, code, n) == 0)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}
