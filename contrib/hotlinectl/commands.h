/*
 * The commands: each is a name, its help, its options (args.h) and a function to run.
 * cmd_tickets.c has submit, show, list and the workflow steps; cmd_tools.c route,
 * deadline, report and config; cmd_supervision.c programme, case and accountability;
 * cmd_tail.c tail; cmd_users.c user; cmd_kb.c kb (the knowledge base). main.c lists them.
 */
#ifndef HLC_COMMANDS_H
#define HLC_COMMANDS_H

#include "args.h"
#include "client.h"

struct hlc_command;

typedef int hlc_run_fn(struct hlc_ctx *c, const struct hlc_command *cmd,
		       const struct hlc_args *a);

struct hlc_command {
	const char *name;
	const char *synopsis; /* what follows the name in the usage line */
	const char *summary;  /* one line, for the list of commands */
	const char *help;     /* more, or NULL */
	const struct hlc_opt *opts;
	hlc_run_fn *run;
	int offline; /* runs without contacting the server (config) */
};

/* The commands, in the order help lists them; ends with a {NULL} entry. */
extern const struct hlc_command hlc_ticket_commands[];
extern const struct hlc_command hlc_tool_commands[];
extern const struct hlc_command hlc_supervision_commands[]; /* cmd_supervision.c */
extern const struct hlc_command hlc_tail_command;
extern const struct hlc_command hlc_user_command; /* cmd_users.c */
extern const struct hlc_command hlc_kb_command;   /* cmd_kb.c */

/* Prints an object (a ticket) as field/value lines: the `only` fields (a NULL-terminated
 * list) if given, else a ticket's fields worth reading first and then the rest in name
 * order, leaving out `audit`. */
void hlc_print_fields(const struct hlc_ctx *c, struct json_object *ticket,
			     const char *const *only);
/* What a command prints after the fields of its answer (a list, a note). */
typedef void hlc_more_fn(const struct hlc_ctx *c, const struct hlc_response *r,
			 struct json_object *answer);

/* Prints a command's answer and releases it (r, and o, which may be NULL): with --json
 * the body as it came; else the `shown` fields (NULL: all, as hlc_print_fields), then
 * what `more` adds (may be NULL). Returns HLC_EXIT_OK. */
int hlc_print_answer(const struct hlc_ctx *c, struct hlc_response *r, struct json_object *o,
		     const char *const *shown, hlc_more_fn *more);
/* One audit entry's state change as text: "a -> b", "b" (created, or unchanged). */
void hlc_audit_states(struct json_object *entry, char *buf, size_t len);
/* Who made an audit entry: "actor", or "actor (role)" when they differ. */
void hlc_audit_by(struct json_object *entry, char *buf, size_t len);
/* An audit entry's note, with any members beyond the usual ones appended as k=v. The
 * caller frees. */
char *hlc_audit_note(struct json_object *entry);
/* A timeline (an array of audit entries: a ticket's `audit`, a case's `timeline`) as a
 * table under "Timeline (N entries):". */
void hlc_print_timeline(const struct hlc_ctx *c, struct json_object *audit);

#endif
