/* Field access on the read-only ticket view; see ticket.h. */
#include "ticket.h"

#include <string.h>

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
