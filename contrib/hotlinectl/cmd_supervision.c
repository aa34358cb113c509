/*
 * The supervision commands (issue 16), each with subcommands:
 *   programme add|list|show        POST/GET /v1/supervision/programmes[/{id}]
 *   case open|list|show|plan|progress|rectified|accept|send-back|summary
 *                                  POST/GET /v1/supervision/cases[/{id}[/{step}]], and
 *                                  GET /v1/reports/supervision (summary)
 *   accountability add|list        POST/GET /v1/accountability
 * Options go into the body (add, open, the steps) or the query (list, summary) as each
 * subcommand's table says; the command's table is all of them, for parsing and help.
 * Tables for reading, --json for the server's answer as it came.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "table.h"

#define PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define END_OPTS {NULL, 0, NULL, NULL, 0, NULL}
#define PERIOD                                                                               \
	{"from", HLC_VALUE, "DATE", "from (2026-11-01)", HLC_STRING, "from"},                \
		{"to", HLC_VALUE, "DATE", "to, that day included", HLC_STRING, "to"}

/* A subcommand: its name, whether it takes an id, its method and path (the id, then
 * `step`, appended as segments when given), the options it sends, and how its answer is
 * shown. */
struct sub {
	const char *name;
	int takes_id;
	const char *method;
	const char *path;
	const char *step;
	const struct hlc_opt *opts; /* into the body (POST) or the query (GET) */
	const char *list_member;    /* a list answer's member, shown as a table; NULL: fields */
	const char *const *columns; /* its columns, as members; for fields, those shown */
};

/* A list's rows as a table of `columns` (members; arrays joined with commas). */
static void print_rows(const struct hlc_ctx *c, struct json_object *rows,
		       const char *const *columns)
{
	struct hlc_column cols[10];
	struct hlc_table *t;
	size_t n = 0;

	while (columns[n] && n < 10) {
		cols[n] = (struct hlc_column){columns[n], columns[n + 1] ? 0 : HLC_COL_SHRINK, 16};
		n++;
	}
	t = hlc_table_new(cols, n);
	for (size_t i = 0; t && i < json_object_array_length(rows); i++) {
		struct json_object *row = json_object_array_get_idx(rows, i);
		const char *cells[10];
		char texts[10][256];

		for (size_t k = 0; k < n; k++) {
			struct json_object *v = json_object_object_get(row, columns[k]);

			texts[k][0] = '\0';
			if (v && json_object_is_type(v, json_type_array)) {
				for (size_t j = 0; j < json_object_array_length(v); j++)
					snprintf(texts[k] + strlen(texts[k]),
						 sizeof(texts[k]) - strlen(texts[k]), "%s%s",
						 j ? "," : "",
						 json_object_get_string(json_object_array_get_idx(v, j)));
			} else if (strstr(columns[k], "_at")) {
				hlc_short_time(hlc_str_or(row, columns[k], "-"), texts[k],
					       sizeof(texts[k]));
			} else {
				snprintf(texts[k], sizeof(texts[k]), "%s",
					 hlc_str_or(row, columns[k], "-"));
			}
			cells[k] = texts[k];
		}
		hlc_table_add(t, cells);
	}
	if (t && hlc_table_rows(t) == 0)
		printf("none\n");
	else if (t)
		hlc_table_print(t, stdout, c->width, 1);
	hlc_table_free(t);
}

/* A case's timeline, after its fields. */
static void print_timeline(const struct hlc_ctx *c, const struct hlc_response *r,
			   struct json_object *o)
{
	struct json_object *timeline;

	(void)r;
	if (json_object_object_get_ex(o, "timeline", &timeline) &&
	    json_object_is_type(timeline, json_type_array))
		hlc_print_timeline(c, timeline);
}

/* The summary's figures as a table: figure, count, records. */
static void print_summary(const struct hlc_ctx *c, struct json_object *o)
{
	static const struct hlc_column cols[] = {
		{"FIGURE", 0, 0}, {"COUNT", HLC_COL_RIGHT, 0}, {"RECORDS", HLC_COL_WRAP, 20}};
	struct hlc_table *t = hlc_table_new(cols, 3);

	json_object_object_foreach(o, key, val)
	{
		int nested = strncmp(key, "accountability_by_", 18) == 0;

		json_object_object_foreach(nested ? val : o, k2, v2)
		{
			char name[128], records[1024] = "";
			struct json_object *f = nested ? v2 : val, *ids;

			if (!nested && strcmp(k2, key) != 0)
				continue;
			if (!json_object_object_get_ex(f, "records", &ids))
				continue;
			snprintf(name, sizeof(name), "%s%s%s", nested ? key + 18 : key,
				 nested ? ":" : "", nested ? k2 : "");
			for (size_t i = 0; i < json_object_array_length(ids); i++)
				snprintf(records + strlen(records), sizeof(records) - strlen(records),
					 "%s%s", i ? " " : "",
					 json_object_get_string(json_object_array_get_idx(ids, i)));
			hlc_table_addv(t, name, hlc_str_or(f, "count", "0"), records);
		}
	}
	hlc_table_print(t, stdout, c->width, 1);
	hlc_table_free(t);
}

static int run_sub(struct hlc_ctx *c, const struct sub *subs, const struct hlc_args *a)
{
	const struct sub *s = NULL;
	char path[2048], err[256], *id = NULL;
	struct json_object *body = NULL, *o = NULL, *rows;
	struct hlc_response r;
	int rc, csv = hlc_arg_given(a, "csv");

	for (size_t i = 0; a->npositional && subs[i].name; i++)
		if (strcmp(subs[i].name, a->positional[0]) == 0)
			s = &subs[i];
	if (!s)
		return hlc_usage_error(c, "%s", a->npositional ? "unknown subcommand"
							       : "which subcommand? see --help");
	if (a->npositional != (size_t)(1 + s->takes_id))
		return hlc_usage_error(c, "%s %s", s->name,
				       s->takes_id ? "takes one id" : "takes no argument");
	if (s->takes_id && !(id = hlc_escape(a->positional[1])))
		return HLC_EXIT_UNREACHABLE;
	snprintf(path, sizeof(path), "%s%s%s%s%s", s->path, id ? "/" : "", id ? id : "",
		 s->step ? "/" : "", s->step ? s->step : "");
	free(id);
	if (strcmp(s->method, "POST") == 0) {
		body = json_object_new_object();
		if (s->opts && hlc_args_to_json(a, s->opts, body, err, sizeof(err)) < 0) {
			json_object_put(body);
			return hlc_usage_error(c, "%s", err);
		}
	} else if ((s->opts && hlc_args_to_query(a, s->opts, path, sizeof(path)) < 0) ||
		   (csv && hlc_query_add(path, sizeof(path), "format", "csv") < 0)) {
		return hlc_usage_error(c, "the options are too long");
	}
	rc = hlc_call(c, s->method, path, body ? json_object_to_json_string_ext(body, PLAIN) : NULL,
		      NULL, &r, c->json || csv ? NULL : &o);
	json_object_put(body);
	if (rc)
		return rc;
	if (c->json || csv) {
		hlc_print_raw(&r);
	} else if (s->list_member && json_object_object_get_ex(o, s->list_member, &rows) &&
		   json_object_is_type(rows, json_type_array)) {
		print_rows(c, rows, s->columns);
	} else if (strcmp(s->name, "summary") == 0) {
		print_summary(c, o);
	} else {
		hlc_print_fields(c, o, s->columns);
		print_timeline(c, &r, o);
	}
	json_object_put(o);
	hlc_response_free(&r);
	return HLC_EXIT_OK;
}

/* --- programme ------------------------------------------------------------------------ */

static const struct hlc_opt programme_add_opts[] = {
	{"date", HLC_VALUE, "DATE", "the show's date (required)", HLC_STRING, "date"},
	{"title", HLC_VALUE, "TEXT", "its title (required)", HLC_STRING, "title"},
	{"unit", HLC_LIST, "CODE", "a unit that appeared (required; may be repeated)", HLC_ARRAY,
	 "units"},
	{"notes", HLC_VALUE, "TEXT", "notes", HLC_STRING, "notes"},
	{"problem", HLC_LIST, "TEXT", "a problem it exposed (may be repeated)", HLC_ARRAY,
	 "problems"},
	END_OPTS};
static const struct hlc_opt period_opts[] = {PERIOD, END_OPTS};
static const struct hlc_opt programme_opts[] = {
	{"date", HLC_VALUE, "DATE", "add: the show's date", HLC_NOWHERE, NULL},
	{"title", HLC_VALUE, "TEXT", "add: its title", HLC_NOWHERE, NULL},
	{"unit", HLC_LIST, "CODE", "add: a unit that appeared (may be repeated)", HLC_NOWHERE,
	 NULL},
	{"notes", HLC_VALUE, "TEXT", "add: notes", HLC_NOWHERE, NULL},
	{"problem", HLC_LIST, "TEXT", "add: a problem it exposed (may be repeated)", HLC_NOWHERE,
	 NULL},
	{"from", HLC_VALUE, "DATE", "list: shows from", HLC_NOWHERE, NULL},
	{"to", HLC_VALUE, "DATE", "list: shows to", HLC_NOWHERE, NULL},
	END_OPTS};
static const char *const programme_columns[] = {"id", "date", "title", "units",
						"problem_count", NULL};
static const char *const programme_fields[] = {
	"id", "date", "title", "units", "notes", "problems", "cases", "tickets", "created_by", NULL};
static const struct sub programme_subs[] = {
	{"add", 0, "POST", "/v1/supervision/programmes", NULL, programme_add_opts, NULL,
	 programme_fields},
	{"list", 0, "GET", "/v1/supervision/programmes", NULL, period_opts, "programmes",
	 programme_columns},
	{"show", 1, "GET", "/v1/supervision/programmes", NULL, NULL, NULL, programme_fields},
	{NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};

static int run_programme(struct hlc_ctx *c, const struct hlc_command *cmd,
			 const struct hlc_args *a)
{
	(void)cmd;
	return run_sub(c, programme_subs, a);
}

/* --- case ----------------------------------------------------------------------------- */

static const struct hlc_opt case_open_opts[] = {
	{"kind", HLC_VALUE, "KIND", "", HLC_STRING, "kind"},
	{"title", HLC_VALUE, "TEXT", "", HLC_STRING, "title"},
	{"description", HLC_VALUE, "TEXT", "", HLC_STRING, "description"},
	{"source-type", HLC_VALUE, "TYPE", "", HLC_STRING, "source.type"},
	{"source-id", HLC_VALUE, "ID", "", HLC_STRING, "source.id"},
	{"source-ticket", HLC_LIST, "ID", "", HLC_ARRAY, "source.ids"},
	{"source-figure", HLC_VALUE, "TEXT", "", HLC_STRING, "source.figure"},
	{"source-text", HLC_VALUE, "TEXT", "", HLC_STRING, "source.text"},
	{"lead", HLC_VALUE, "CODE", "", HLC_STRING, "lead_unit"},
	{"co-unit", HLC_LIST, "CODE", "", HLC_ARRAY, "co_units"},
	{"requirements", HLC_VALUE, "TEXT", "", HLC_STRING, "requirements"},
	{"deadline", HLC_VALUE, "DATE", "", HLC_STRING, "deadline"},
	{"working-days", HLC_VALUE, "N", "", HLC_NUMBER, "deadline.working_days"},
	{"ticket", HLC_LIST, "ID", "", HLC_ARRAY, "tickets"},
	{"metric", HLC_VALUE, "RATE", "", HLC_STRING, "metric"},
	{"target", HLC_VALUE, "PERCENT", "", HLC_STRING, "target"},
	{"benchmark", HLC_VALUE, "TEXT", "", HLC_STRING, "benchmark"},
	END_OPTS};
static const struct hlc_opt case_list_opts[] = {
	{"kind", HLC_VALUE, "KIND", "", HLC_STRING, "kind"},
	{"unit", HLC_VALUE, "CODE", "", HLC_STRING, "unit"},
	{"state", HLC_VALUE, "STATE", "", HLC_STRING, "state"},
	{"overdue", HLC_FLAG, NULL, "", HLC_TRUE, "overdue"},
	PERIOD, END_OPTS};
static const struct hlc_opt plan_opts[] = {{"plan", HLC_VALUE, "TEXT", "", HLC_STRING, "plan"},
					   END_OPTS};
static const struct hlc_opt progress_opts[] = {
	{"progress", HLC_VALUE, "TEXT", "", HLC_STRING, "progress"}, END_OPTS};
static const struct hlc_opt note_opts[] = {{"note", HLC_VALUE, "TEXT", "", HLC_STRING, "note"},
					   END_OPTS};
static const struct hlc_opt reason_opts[] = {
	{"reason", HLC_VALUE, "TEXT", "", HLC_STRING, "reason"}, END_OPTS};

/* For parsing and help: every option of the subcommands, once. */
static const struct hlc_opt case_opts[] = {
	{"kind", HLC_VALUE, "KIND", "open, list: problem (问题督办), monthly (月度工作) or "
				    "benchmark (动态对标)",
	 HLC_NOWHERE, NULL},
	{"title", HLC_VALUE, "TEXT", "open: the title", HLC_NOWHERE, NULL},
	{"description", HLC_VALUE, "TEXT", "open: the description", HLC_NOWHERE, NULL},
	{"source-type", HLC_VALUE, "TYPE", "open: programme, tickets, report or inspection",
	 HLC_NOWHERE, NULL},
	{"source-id", HLC_VALUE, "ID", "open: the source programme", HLC_NOWHERE, NULL},
	{"source-ticket", HLC_LIST, "ID", "open: a source ticket (may be repeated)", HLC_NOWHERE,
	 NULL},
	{"source-figure", HLC_VALUE, "TEXT", "open: the units-report figure", HLC_NOWHERE, NULL},
	{"source-text", HLC_VALUE, "TEXT", "open: what the inspection found", HLC_NOWHERE, NULL},
	{"lead", HLC_VALUE, "CODE", "open: the lead unit", HLC_NOWHERE, NULL},
	{"co-unit", HLC_LIST, "CODE", "open: a co-unit (may be repeated)", HLC_NOWHERE, NULL},
	{"requirements", HLC_VALUE, "TEXT", "open: the requirements", HLC_NOWHERE, NULL},
	{"deadline", HLC_VALUE, "DATE", "open: the deadline (or --working-days)", HLC_NOWHERE,
	 NULL},
	{"working-days", HLC_VALUE, "N", "open: the deadline in working days (调休 counts)",
	 HLC_NOWHERE, NULL},
	{"ticket", HLC_LIST, "ID", "open: a linked ticket (may be repeated)", HLC_NOWHERE, NULL},
	{"metric", HLC_VALUE, "RATE", "open: a benchmark's rate (answer_rate, response_rate ...)",
	 HLC_NOWHERE, NULL},
	{"target", HLC_VALUE, "PERCENT", "open: a benchmark's target", HLC_NOWHERE, NULL},
	{"benchmark", HLC_VALUE, "TEXT", "open: the figure it is held to", HLC_NOWHERE, NULL},
	{"unit", HLC_VALUE, "CODE", "list: cases a unit leads or co-handles", HLC_NOWHERE, NULL},
	{"state", HLC_VALUE, "STATE", "list: open, rectifying, rectified or closed", HLC_NOWHERE,
	 NULL},
	{"overdue", HLC_FLAG, NULL, "list: only cases past their deadline", HLC_NOWHERE, NULL},
	{"from", HLC_VALUE, "DATE", "list, summary: from", HLC_NOWHERE, NULL},
	{"to", HLC_VALUE, "DATE", "list, summary: to, that day included", HLC_NOWHERE, NULL},
	{"csv", HLC_FLAG, NULL, "summary: as CSV", HLC_NOWHERE, NULL},
	{"plan", HLC_VALUE, "TEXT", "plan: the rectification plan (整改方案)", HLC_NOWHERE, NULL},
	{"progress", HLC_VALUE, "TEXT", "progress: what was done", HLC_NOWHERE, NULL},
	{"note", HLC_VALUE, "TEXT", "rectified, accept: a note", HLC_NOWHERE, NULL},
	{"reason", HLC_VALUE, "TEXT", "send-back: why (退回)", HLC_NOWHERE, NULL},
	END_OPTS};
static const char *const case_columns[] = {"id",	  "kind",	  "state",
					   "lead_unit",	  "deadline_at", "title", NULL};
static const char *const case_fields[] = {
	"id",		 "kind",	   "state",	      "title",	     "description",
	"source_type",	 "source_text",	   "lead_unit",	      "co_units",    "tickets",
	"requirements",	 "deadline",	   "deadline_at",     "rectify_status", "plan",
	"last_progress", "rectified_at",   "late_ms",	      "send_backs",  "send_back_reason",
	"closed_at",	 "metric",	   "target",	      "benchmark",   "progress",
	"created_at",	 "created_by",	   NULL};
static const struct sub case_subs[] = {
	{"open", 0, "POST", "/v1/supervision/cases", NULL, case_open_opts, NULL, case_fields},
	{"list", 0, "GET", "/v1/supervision/cases", NULL, case_list_opts, "cases", case_columns},
	{"show", 1, "GET", "/v1/supervision/cases", NULL, NULL, NULL, case_fields},
	{"plan", 1, "POST", "/v1/supervision/cases", "plan", plan_opts, NULL,
	 case_fields},
	{"progress", 1, "POST", "/v1/supervision/cases", "progress", progress_opts, NULL,
	 case_fields},
	{"rectified", 1, "POST", "/v1/supervision/cases", "rectified", note_opts, NULL,
	 case_fields},
	{"accept", 1, "POST", "/v1/supervision/cases", "accept", note_opts, NULL,
	 case_fields},
	{"send-back", 1, "POST", "/v1/supervision/cases", "send-back", reason_opts, NULL,
	 case_fields},
	{"summary", 0, "GET", "/v1/reports/supervision", NULL, period_opts, NULL, NULL},
	{NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};

static int run_case(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	(void)cmd;
	return run_sub(c, case_subs, a);
}

/* --- accountability ------------------------------------------------------------------- */

static const struct hlc_opt accountability_add_opts[] = {
	{"name", HLC_VALUE, "NAME", "", HLC_STRING, "person.name"},
	{"post", HLC_VALUE, "POST", "", HLC_STRING, "person.post"},
	{"unit", HLC_VALUE, "CODE", "", HLC_STRING, "person.unit"},
	{"form", HLC_VALUE, "FORM", "", HLC_STRING, "form"},
	{"reason", HLC_VALUE, "TEXT", "", HLC_STRING, "reason"},
	{"decided-on", HLC_VALUE, "DATE", "", HLC_STRING, "decided_on"},
	{"decided-by", HLC_VALUE, "WHO", "", HLC_STRING, "decided_by"},
	{"stems-from", HLC_LIST, "ID", "", HLC_ARRAY, "stems_from"},
	{"supersedes", HLC_VALUE, "ID", "", HLC_STRING, "supersedes"},
	END_OPTS};
static const struct hlc_opt accountability_list_opts[] = {
	{"unit", HLC_VALUE, "CODE", "", HLC_STRING, "unit"},
	{"form", HLC_VALUE, "FORM", "", HLC_STRING, "form"},
	PERIOD, END_OPTS};
static const struct hlc_opt accountability_opts[] = {
	{"name", HLC_VALUE, "NAME", "add: the person held accountable", HLC_NOWHERE, NULL},
	{"post", HLC_VALUE, "POST", "add: their post", HLC_NOWHERE, NULL},
	{"unit", HLC_VALUE, "CODE", "add: their unit; list: records of a unit", HLC_NOWHERE,
	 NULL},
	{"form", HLC_VALUE, "FORM", "add: 提醒谈话, 约谈, 通报批评 ... (as configured); list: of a "
				    "form",
	 HLC_NOWHERE, NULL},
	{"reason", HLC_VALUE, "TEXT", "add: why", HLC_NOWHERE, NULL},
	{"decided-on", HLC_VALUE, "DATE", "add: when it was decided", HLC_NOWHERE, NULL},
	{"decided-by", HLC_VALUE, "WHO", "add: who decided", HLC_NOWHERE, NULL},
	{"stems-from", HLC_LIST, "ID", "add: a case or ticket it stems from (may be repeated)",
	 HLC_NOWHERE, NULL},
	{"supersedes", HLC_VALUE, "ID", "add: the record this one corrects", HLC_NOWHERE, NULL},
	{"from", HLC_VALUE, "DATE", "list: decided from", HLC_NOWHERE, NULL},
	{"to", HLC_VALUE, "DATE", "list: decided to", HLC_NOWHERE, NULL},
	END_OPTS};
static const char *const accountability_columns[] = {
	"id", "decided_on", "person_name", "person_unit", "form", "superseded_by", NULL};
static const struct sub accountability_subs[] = {
	{"add", 0, "POST", "/v1/accountability", NULL, accountability_add_opts, NULL,
	 accountability_columns},
	{"list", 0, "GET", "/v1/accountability", NULL, accountability_list_opts, "records",
	 accountability_columns},
	{NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};

static int run_accountability(struct hlc_ctx *c, const struct hlc_command *cmd,
			      const struct hlc_args *a)
{
	(void)cmd;
	return run_sub(c, accountability_subs, a);
}

const struct hlc_command hlc_supervision_commands[] = {
	{"programme", "add|list|show [ID] [options]", "TV-inquiry programmes (电视问政)",
	 "add: POST /v1/supervision/programmes (supervisor). list: GET "
	 "/v1/supervision/programmes. show ID: a programme with its problems, cases and tv "
	 "tickets.",
	 programme_opts, run_programme, 0},
	{"case", "open|list|show|plan|progress|rectified|accept|send-back|summary [ID] [options]",
	 "supervised cases (督办件) and the supervision summary",
	 "open: POST /v1/supervision/cases (supervisor). list: the three lists. show ID: a case "
	 "and its timeline. plan, progress, rectified ID: the unit's steps; accept, send-back "
	 "ID: the supervisor's. summary: GET /v1/reports/supervision, every figure with its "
	 "records. The server checks the state and your role; a refusal is shown as it said it.",
	 case_opts, run_case, 0},
	{"accountability", "add|list [options]", "accountability records (问责)",
	 "add: POST /v1/accountability (supervisor); a correction is a new record with "
	 "--supersedes. list: GET /v1/accountability; the person's name is whole for "
	 "supervisors only.",
	 accountability_opts, run_accountability, 0},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0},
};
