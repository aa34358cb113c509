/*
 * The ticket commands: submit (POST /v1/tickets), show (GET /v1/tickets/{id}, the ticket
 * and its timeline), list (GET /v1/tickets with filters) and the workflow steps (POST
 * /v1/tickets/{id}/{step}), whose options are the body members of README's table.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "table.h"

#define BODY_MAX (1024 * 1024) /* a submit's JSON file */
#define PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* --- showing tickets ------------------------------------------------------------------ */

/* The fields a reader wants first, in this order; the rest follow by name. */
static const char *const first_fields[] = {
	"id",		 "state",	   "channel",	     "type",	       "urgency",
	"title",	 "content",	   "address",	     "district",       "coordinates",
	"caller_phone",	 "citizen_name",   "citizen_id_number", "contact_preference",
	"confidential",	 "department",	   "co_units",	     "item",	       "sla_policy",
	"routed_by",	 "route_reason",   "created_at",     "created_by",     "dispatched_at",
	"sign_due_at",	 "answer_due_at",  "citizen_due_at", "return_until_at", "sign_status",
	"answer_status", "answer",	   "satisfaction",   "solved",	       NULL,
};

static int listed(const char *const *list, const char *name)
{
	for (size_t i = 0; list[i]; i++) {
		if (strcmp(list[i], name) == 0)
			return 1;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A field's value as text for the table; the caller frees. */
static char *field_text(struct json_object *v)
{
	if (!v)
		return strdup("-");
	if (json_object_is_type(v, json_type_object) && json_object_object_length(v) == 2 &&
	    json_object_object_get_ex(v, "lat", NULL)) {
		char buf[96];

		snprintf(buf, sizeof(buf), "%s, %s", hlc_str(v, "lat"), hlc_str(v, "lng"));
		return strdup(buf);
	}
	if (json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v), len = 1;
		char *out;

		for (size_t i = 0; i < n; i++)
			len += strlen(json_object_get_string(json_object_array_get_idx(v, i))) + 1;
		out = calloc(1, len);
		for (size_t i = 0; out && i < n; i++) {
			strcat(out, json_object_get_string(json_object_array_get_idx(v, i)));
			if (i + 1 < n)
				strcat(out, "\n");
		}
		return out;
	}
	if (json_object_is_type(v, json_type_object))
		return strdup(json_object_to_json_string_ext(v, PLAIN));
	return strdup(json_object_get_string(v));
}

void hlc_print_fields(const struct hlc_ctx *c, struct json_object *ticket,
			     const char *const *only)
{
	static const struct hlc_column cols[] = {{NULL, 0, 0}, {NULL, HLC_COL_WRAP, 20}};
	struct hlc_table *t = hlc_table_new(cols, 2);
	const char *rest[128];
	size_t nrest = 0;

	if (!t)
		return;
	for (size_t i = 0; (only ? only : first_fields)[i]; i++) {
		const char *name = (only ? only : first_fields)[i];
		struct json_object *v;
		char *text;

		if (!json_object_object_get_ex(ticket, name, &v))
			continue;
		text = field_text(v);
		hlc_table_addv(t, name, text ? text : "?");
		free(text);
	}
	if (!only) {
		json_object_object_foreach(ticket, key, val)
		{
			(void)val;
			if (!listed(first_fields, key) && strcmp(key, "audit") != 0 &&
			    nrest < sizeof(rest) / sizeof(rest[0]))
				rest[nrest++] = key;
		}
		qsort(rest, nrest, sizeof(rest[0]), by_name);
		for (size_t i = 0; i < nrest; i++) {
			char *text = field_text(json_object_object_get(ticket, rest[i]));

			hlc_table_addv(t, rest[i], text ? text : "?");
			free(text);
		}
	}
	hlc_table_print(t, stdout, c->width, 0);
	hlc_table_free(t);
}

int hlc_print_answer(const struct hlc_ctx *c, struct hlc_response *r, struct json_object *o,
		     const char *const *shown, hlc_more_fn *more)
{
	if (c->json) {
		hlc_print_raw(r);
	} else {
		hlc_print_fields(c, o, shown);
		if (more)
			more(c, r, o);
	}
	json_object_put(o);
	hlc_response_free(r);
	return HLC_EXIT_OK;
}

void hlc_audit_states(struct json_object *entry, char *buf, size_t len)
{
	const char *from = hlc_str(entry, "from"), *to = hlc_str(entry, "to");

	if (from && to && strcmp(from, to) != 0)
		snprintf(buf, len, "%s -> %s", from, to);
	else
		snprintf(buf, len, "%s", to ? to : from ? from : "");
}

void hlc_audit_by(struct json_object *entry, char *buf, size_t len)
{
	const char *actor = hlc_str_or(entry, "actor", "?"), *role = hlc_str(entry, "role");

	if (role && strcmp(role, actor) != 0)
		snprintf(buf, len, "%s (%s)", actor, role);
	else
		snprintf(buf, len, "%s", actor);
}

char *hlc_audit_note(struct json_object *entry)
{
	static const char *const usual[] = {"at", "actor", "role", "action", "from",
					     "to", "note", "ticket", NULL};
	const char *note = hlc_str_or(entry, "note", "");
	size_t len = strlen(note) + 1;
	char *out;

	json_object_object_foreach(entry, k1, v1)
	{
		if (!listed(usual, k1))
			len += strlen(k1) + strlen(v1 ? json_object_get_string(v1) : "null") + 3;
	}
	out = malloc(len);
	if (!out)
		return NULL;
	strcpy(out, note);
	json_object_object_foreach(entry, k2, v2)
	{
		if (listed(usual, k2)) /* anything a newer server adds is shown, not lost */
			continue;
		if (*out)
			strcat(out, " ");
		strcat(out, k2);
		strcat(out, "=");
		strcat(out, v2 ? json_object_get_string(v2) : "null");
	}
	return out;
}

void hlc_print_timeline(const struct hlc_ctx *c, struct json_object *audit)
{
	static const struct hlc_column cols[] = {
		{"AT", 0, 0}, {"ACTION", 0, 0}, {"STATE", 0, 0}, {"BY", HLC_COL_SHRINK, 12},
		{"NOTE", HLC_COL_WRAP, 16},
	};
	struct hlc_table *t = hlc_table_new(cols, 5);

	if (!t)
		return;
	for (size_t i = 0; i < json_object_array_length(audit); i++) {
		struct json_object *e = json_object_array_get_idx(audit, i);
		char at[40], states[80], by[160];
		char *note = hlc_audit_note(e);

		hlc_short_time(hlc_str_or(e, "at", ""), at, sizeof(at));
		hlc_audit_states(e, states, sizeof(states));
		hlc_audit_by(e, by, sizeof(by));
		hlc_table_addv(t, at, hlc_str_or(e, "action", ""), states, by, note ? note : "");
		free(note);
	}
	printf("\nTimeline (%zu entries):\n", json_object_array_length(audit));
	hlc_table_print(t, stdout, c->width, 1);
	hlc_table_free(t);
}

/* --- show ----------------------------------------------------------------------------- */

static int need_id(struct hlc_ctx *c, const struct hlc_args *a)
{
	if (a->npositional != 1)
		return hlc_usage_error(c, "%s", a->npositional ? "expected one ticket id"
							       : "which ticket? give its id");
	return HLC_EXIT_OK;
}

/* The ticket's timeline, after its fields. */
static void show_timeline(const struct hlc_ctx *c, const struct hlc_response *r,
			  struct json_object *ticket)
{
	struct json_object *audit;

	(void)r;
	if (json_object_object_get_ex(ticket, "audit", &audit) &&
	    json_object_is_type(audit, json_type_array))
		hlc_print_timeline(c, audit);
}

static int run_show(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	struct hlc_response r;
	struct json_object *o = NULL;
	char path[256], *id;
	int rc = need_id(c, a);

	(void)cmd;
	if (rc)
		return rc;
	id = hlc_escape(a->positional[0]);
	if (!id)
		return HLC_EXIT_UNREACHABLE;
	snprintf(path, sizeof(path), "/v1/tickets/%s", id);
	free(id);
	rc = hlc_call(c, "GET", path, NULL, NULL, &r, c->json ? NULL : &o);
	if (rc)
		return rc;
	return hlc_print_answer(c, &r, o, NULL, show_timeline);
}

/* --- list ----------------------------------------------------------------------------- */

static const struct hlc_opt list_opts[] = {
	{"phone", HLC_VALUE, "NUMBER", "the caller's phone number", HLC_STRING, "caller_phone"},
	{"state", HLC_VALUE, "STATE", "received, dispatched, accepted, resolved, closed, ...",
	 HLC_STRING, "state"},
	{"department", HLC_VALUE, "CODE", "tickets a unit leads or co-handles", HLC_STRING,
	 "department"},
	{"channel", HLC_VALUE, "CHANNEL", "hotline, board or tv", HLC_STRING, "channel"},
	{"since", HLC_VALUE, "TIME", "created at or after (2026-11-01, 2026-11-26T09:00:00+08:00)",
	 HLC_STRING, "since"},
	{"until", HLC_VALUE, "TIME", "created at or before", HLC_STRING, "until"},
	{"overdue", HLC_FLAG, NULL, "only tickets past a deadline", HLC_TRUE, "overdue"},
	{"due-within", HLC_VALUE, "DURATION", "only tickets with a deadline within, e.g. 2h",
	 HLC_STRING, "due_within"},
	{"limit", HLC_VALUE, "N", "at most N tickets (1-200, default 50)", HLC_STRING, "limit"},
	{"cursor", HLC_VALUE, "CURSOR", "the next page, as the previous one said", HLC_STRING,
	 "cursor"},
	{NULL, 0, NULL, NULL, 0, NULL},
};

static int run_list(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	static const struct hlc_column cols[] = {
		{"ID", 0, 0},	   {"STATE", 0, 0},	 {"CHANNEL", 0, 0}, {"DEPT", 0, 0},
		{"CREATED", 0, 0}, {"ANSWER DUE", 0, 0}, {"TITLE", HLC_COL_SHRINK, 16},
	};
	char path[2048] = "/v1/tickets";
	struct json_object *o, *tickets;
	struct hlc_table *t;
	const char *next;
	int rc;

	if (a->npositional)
		return hlc_usage_error(c, "unexpected argument '%s'", a->positional[0]);
	if (hlc_args_to_query(a, cmd->opts, path, sizeof(path)) < 0)
		return hlc_usage_error(c, "the filters are too long");
	rc = hlc_get_rows(c, path, "tickets", &o, &tickets);
	if (rc || !o)
		return rc;
	t = hlc_table_new(cols, 7);
	if (t && tickets) {
		for (size_t i = 0; i < json_object_array_length(tickets); i++) {
			struct json_object *k = json_object_array_get_idx(tickets, i);
			char created[40], due[40];

			hlc_short_time(hlc_str_or(k, "created_at", ""), created, sizeof(created));
			hlc_short_time(hlc_str_or(k, "answer_due_at", "-"), due, sizeof(due));
			hlc_table_addv(t, hlc_str_or(k, "id", "?"), hlc_str_or(k, "state", ""),
				       hlc_str_or(k, "channel", ""), hlc_str_or(k, "department", "-"),
				       created, due, hlc_str_or(k, "title", ""));
		}
	}
	if (t && hlc_table_rows(t) == 0)
		printf("no tickets\n");
	else if (t)
		hlc_table_print(t, stdout, c->width, 1);
	hlc_table_free(t);
	next = hlc_str(o, "next_cursor");
	if (next)
		printf("more: add --cursor %s\n", next);
	json_object_put(o);
	return HLC_EXIT_OK;
}

/* --- submit --------------------------------------------------------------------------- */

static const struct hlc_opt submit_opts[] = {
	{"file", HLC_VALUE, "FILE", "take the ticket's JSON from FILE ('-': standard input); "
				    "options override its members",
	 HLC_NOWHERE, NULL},
	{"channel", HLC_VALUE, "CHANNEL", "hotline (the default), board or tv", HLC_STRING,
	 "channel"},
	{"title", HLC_VALUE, "TEXT", "the title (at most 200 characters)", HLC_STRING, "title"},
	{"content", HLC_VALUE, "TEXT", "what the citizen reports", HLC_STRING, "content"},
	{"address", HLC_VALUE, "TEXT", "where (or --district, or --lat and --lng)", HLC_STRING,
	 "address"},
	{"district", HLC_VALUE, "DISTRICT", "a district code (d.jianghan) or name (江汉区)",
	 HLC_STRING, "district"},
	{"lat", HLC_VALUE, "DEGREES", "latitude", HLC_NUMBER, "coordinates.lat"},
	{"lng", HLC_VALUE, "DEGREES", "longitude", HLC_NUMBER, "coordinates.lng"},
	{"phone", HLC_VALUE, "NUMBER", "the caller's phone (required for hotline tickets)",
	 HLC_STRING, "caller_phone"},
	{"type", HLC_VALUE, "TYPE", "consultation, request, complaint, report, suggestion, "
				    "praise (or 咨询, 求助, ...)",
	 HLC_STRING, "type"},
	{"urgency", HLC_VALUE, "URGENCY", "normal or urgent", HLC_STRING, "urgency"},
	{"name", HLC_VALUE, "NAME", "the citizen's name", HLC_STRING, "citizen_name"},
	{"id-number", HLC_VALUE, "NUMBER", "the citizen's ID number (18 characters)", HLC_STRING,
	 "citizen_id_number"},
	{"contact", HLC_VALUE, "HOW", "phone, sms or no_contact", HLC_STRING,
	 "contact_preference"},
	{"confidential", HLC_FLAG, NULL, "the citizen asked for 保密", HLC_TRUE, "confidential"},
	{"attachment", HLC_LIST, "URL", "an attachment's URL (may be repeated)", HLC_ARRAY,
	 "attachments"},
	{"direct-answer", HLC_VALUE, "TEXT", "answered on the call (直接答复): resolved at once",
	 HLC_STRING, "direct_answer"},
	{"kb-entry", HLC_VALUE, "ID@VERSION", "the 政策通 entry the direct answer cites",
	 HLC_STRING, "kb_entry"},
	{"kb-query", HLC_VALUE, "TEXT", "the agent's last 政策通 search", HLC_STRING, "kb_query"},
	{"idempotency-key", HLC_VALUE, "KEY",
	 "retrying with the same key gets the same ticket back", HLC_NOWHERE, NULL},
	{"citizen-address", HLC_VALUE, "IP",
	 "a board ticket's citizen network address, sent as X-Forwarded-For (what the portal "
	 "passes; the board's rate limit counts per address)",
	 HLC_NOWHERE, NULL},
	{NULL, 0, NULL, NULL, 0, NULL},
};

/* Reads a whole file (or standard input for "-"); the caller frees. */
static char *read_all(const char *path, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(BODY_MAX + 1);
	while (buf && (n = fread(buf + len, 1, BODY_MAX + 1 - len, f)) > 0)
		len += n;
	if (buf && len > BODY_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, BODY_MAX);
		free(buf);
		buf = NULL;
	} else if (buf) {
		buf[len] = '\0';
	} else {
		snprintf(err, errlen, "out of memory");
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* After a ticket answered from an earlier submit with the same Idempotency-Key. */
static void note_replayed(const struct hlc_ctx *c, const struct hlc_response *r,
			  struct json_object *ticket)
{
	(void)c;
	(void)ticket;
	if (r->replayed)
		printf("(the ticket this Idempotency-Key made before; nothing new was taken in)\n");
}

static int run_submit(struct hlc_ctx *c, const struct hlc_command *cmd,
		      const struct hlc_args *a)
{
	static const char *const shown[] = {"id", "state", "channel", "created_at",
					     "promised_answer_by", NULL};
	const char *file = hlc_arg(a, "file"), *key = hlc_arg(a, "idempotency-key");
	const char *citizen = hlc_arg(a, "citizen-address");
	struct json_object *body = NULL, *o = NULL;
	char err[512], idem[400], forwarded[128];
	const char *headers[3] = {NULL, NULL, NULL};
	size_t nheaders = 0;
	struct hlc_response r;
	int rc;

	if (a->npositional)
		return hlc_usage_error(c, "unexpected argument '%s' (a JSON file goes with --file)",
				       a->positional[0]);
	if (file) {
		char *text = read_all(file, err, sizeof(err));
		enum json_tokener_error jerr = json_tokener_success;

		if (!text) {
			hlc_error(c, "%s", err);
			return HLC_EXIT_USAGE;
		}
		body = json_tokener_parse_verbose(text, &jerr);
		free(text);
		if (!body || !json_object_is_type(body, json_type_object)) {
			hlc_error(c, "%s: %s", file,
				  body ? "expected a JSON object" : json_tokener_error_desc(jerr));
			json_object_put(body);
			return HLC_EXIT_USAGE;
		}
	} else {
		body = json_object_new_object();
	}
	if (hlc_args_to_json(a, cmd->opts, body, err, sizeof(err)) < 0) {
		json_object_put(body);
		return hlc_usage_error(c, "%s", err);
	}
	if (!json_object_object_get_ex(body, "channel", NULL))
		json_object_object_add(body, "channel", json_object_new_string("hotline"));
	if (key) {
		snprintf(idem, sizeof(idem), "Idempotency-Key: %s", key);
		headers[nheaders++] = idem;
	}
	if (citizen) {
		snprintf(forwarded, sizeof(forwarded), "X-Forwarded-For: %s", citizen);
		headers[nheaders++] = forwarded;
	}
	rc = hlc_call(c, "POST", "/v1/tickets", json_object_to_json_string_ext(body, PLAIN),
		      nheaders ? headers : NULL, &r, c->json ? NULL : &o);
	json_object_put(body);
	if (rc)
		return rc;
	return hlc_print_answer(c, &r, o, shown, note_replayed);
}

/* --- workflow steps ------------------------------------------------------------------- */

static int run_step(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	static const char *const shown[] = {"id", "state", "department", "co_units",
					     "sign_due_at", "answer_due_at", "citizen_due_at",
					     NULL};
	struct json_object *body = json_object_new_object(), *o = NULL;
	struct hlc_response r;
	char path[256], err[256], *id;
	int rc = need_id(c, a);

	if (rc || !body) {
		json_object_put(body);
		return rc ? rc : HLC_EXIT_UNREACHABLE;
	}
	if (hlc_args_to_json(a, cmd->opts, body, err, sizeof(err)) < 0) {
		json_object_put(body);
		return hlc_usage_error(c, "%s", err);
	}
	id = hlc_escape(a->positional[0]);
	snprintf(path, sizeof(path), "/v1/tickets/%s/%s", id ? id : "", cmd->name);
	free(id);
	rc = hlc_call(c, "POST", path, json_object_to_json_string_ext(body, PLAIN), NULL, &r,
		      c->json ? NULL : &o);
	json_object_put(body);
	if (rc)
		return rc;
	return hlc_print_answer(c, &r, o, shown, NULL);
}

#define END_OPTS {NULL, 0, NULL, NULL, 0, NULL}
#define NOTE(what) {"note", HLC_VALUE, "TEXT", what, HLC_STRING, "note"}
#define REASON(what) {"reason", HLC_VALUE, "TEXT", what, HLC_STRING, "reason"}

static const struct hlc_opt no_opts[] = {END_OPTS};
static const struct hlc_opt sign_opts[] = {NOTE("a note for the timeline"), END_OPTS};
static const struct hlc_opt return_opts[] = {
	REASON("why the ticket is not this unit's (required)"), END_OPTS};
static const struct hlc_opt approve_return_opts[] = {
	{"department", HLC_VALUE, "CODE", "the unit to send it to (else routed again)",
	 HLC_STRING, "department"},
	NOTE("a note for the timeline"), END_OPTS};
static const struct hlc_opt reject_return_opts[] = {
	REASON("why the unit keeps it (required)"), END_OPTS};
static const struct hlc_opt dispatch_opts[] = {
	{"department", HLC_VALUE, "CODE", "the unit (required)", HLC_STRING, "department"},
	NOTE("a note for the timeline"), END_OPTS};
static const struct hlc_opt co_handle_opts[] = {
	{"units", HLC_LIST, "CODE,...", "the co-handling units (required; may be repeated)",
	 HLC_COMMA_ARRAY, "units"},
	NOTE("a note for the timeline"), END_OPTS};
static const struct hlc_opt extend_opts[] = {
	{"days", HLC_VALUE, "N", "working days asked for, 1 to 15 (required)", HLC_STRING,
	 "days"},
	REASON("why (required)"), END_OPTS};
static const struct hlc_opt approve_extension_opts[] = {NOTE("a note for the timeline"),
							 END_OPTS};
static const struct hlc_opt reject_extension_opts[] = {REASON("why (required)"), END_OPTS};
static const struct hlc_opt answer_opts[] = {
	{"answer", HLC_VALUE, "TEXT", "the answer to the citizen (required)", HLC_STRING,
	 "answer"},
	END_OPTS};
static const struct hlc_opt callback_opts[] = {
	{"satisfaction", HLC_VALUE, "VERDICT",
	 "satisfied, basically_satisfied or unsatisfied (required)", HLC_STRING, "satisfaction"},
	{"solved", HLC_VALUE, "VERDICT", "solved or unsolved (required)", HLC_STRING, "solved"},
	NOTE("what the citizen said"), END_OPTS};
static const struct hlc_opt notes_opts[] = {NOTE("the note (required)"), END_OPTS};

#define STEP(name, synopsis, summary, opts)                                                  \
	{name, "ID " synopsis, summary,                                                      \
	 "POST /v1/tickets/ID/" name ". The server checks the ticket's state and your role; "  \
	 "a refusal is shown as it said it.",                                                \
	 opts, run_step, 0}

const struct hlc_command hlc_ticket_commands[] = {
	{"submit", "[--file FILE] [--title TEXT --content TEXT --phone NUMBER ...]",
	 "take in a ticket (受理)",
	 "POST /v1/tickets. The fields come from options, or from a JSON file or standard "
	 "input (--file), which options then override. The channel is hotline unless said.",
	 submit_opts, run_submit, 0},
	{"show", "ID", "a ticket and its timeline (the audit trail)",
	 "GET /v1/tickets/ID: every field, then who did what when, from which state to which.",
	 no_opts, run_show, 0},
	{"list", "[filters]", "tickets, newest first",
	 "GET /v1/tickets. Filters combine; --json gives the page as the server sent it, with "
	 "next_cursor.",
	 list_opts, run_list, 0},
	STEP("sign", "[--note TEXT]", "the unit signs for the ticket (签收)", sign_opts),
	STEP("return", "--reason TEXT", "the unit returns a misrouted ticket (退单)", return_opts),
	STEP("approve-return", "[--department CODE] [--note TEXT]",
	     "a supervisor approves a return (改派)", approve_return_opts),
	STEP("reject-return", "--reason TEXT", "a supervisor refuses a return (强制派单)",
	     reject_return_opts),
	STEP("dispatch", "--department CODE [--note TEXT]", "dispatch by hand (人工派单)",
	     dispatch_opts),
	STEP("co-handle", "--units CODE,... [--note TEXT]", "add co-handling units (协办)",
	     co_handle_opts),
	STEP("extend", "--days N --reason TEXT", "the unit asks for more time (延期申请)",
	     extend_opts),
	STEP("approve-extension", "[--note TEXT]", "a supervisor grants the extension",
	     approve_extension_opts),
	STEP("reject-extension", "--reason TEXT", "a supervisor refuses the extension",
	     reject_extension_opts),
	STEP("answer", "--answer TEXT", "the unit answers the ticket (办结)", answer_opts),
	STEP("callback", "--satisfaction VERDICT --solved VERDICT [--note TEXT]",
	     "an agent records the callback (回访)", callback_opts),
	STEP("notes", "--note TEXT", "add a note to the timeline", notes_opts),
	{NULL, NULL, NULL, NULL, NULL, NULL, 0},
};
