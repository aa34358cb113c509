/*
 * What the routing code of plugins/lib shares with the plugins that call it: the ticket
 * text it reads, the answer it gives, the sink for its explanation lines and the check of
 * department codes. None of it calls the plugin host: the plugins (and the unit tests)
 * adapt the host to these types.
 */
#ifndef HL_ROUTING_H
#define HL_ROUTING_H

#include <stddef.h>

/* The fields of a ticket that routing reads; any may be NULL (absent). Borrowed. */
struct hl_ticket_text {
	const char *title;
	const char *content;
	const char *address;
	const char *district; /* a district code set at intake, trusted when known */
};

/* A routing answer. The strings point into the catalogue or gazetteer that made it and
 * live as long as that does. */
struct hl_route_answer {
	const char *department; /* unit code */
	const char *item;       /* catalogue item id, "" when none (district fallback) */
	const char *type;       /* ticket type of the item (consultation ...), "" when none */
	int score;
	char reason[256];       /* one line for the audit trail */
};

/* Where explanation lines go. fn gets one line at a time, borrowed for the call. A NULL
 * sink, or a NULL fn, drops them. */
struct hl_explain {
	void (*fn)(void *arg, const char *line);
	void *arg;
};

/* Shortens the string s to at most max bytes, and drops a UTF-8 character left partial at
 * its end (by this cut or by an earlier snprintf). */
void hl_utf8_cut(char *s, size_t max);

/* Formats one explanation line (truncated at 512 bytes) and hands it to ex. */
void hl_explainf(const struct hl_explain *ex, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What a loader asks of the department list about a code it references. */
enum hl_unit_kind {
	HL_UNIT_UNKNOWN = 0, /* no unit has this code */
	HL_UNIT_KNOWN,       /* it exists; its kind is not known to the caller */
	HL_UNIT_LINE,        /* a municipal department or an enterprise */
	HL_UNIT_DISTRICT     /* a district government or a function zone */
};

/* Looks a unit code up, e.g. through the host's department_name (which gives
 * HL_UNIT_KNOWN) or core's department list in tests (which knows kinds). NULL: every code
 * is accepted. */
struct hl_unit_check {
	enum hl_unit_kind (*kind)(void *arg, const char *code);
	void *arg;
};

#endif
