/*
 * The commands around tickets: route --explain (POST /v1/route/explain), deadline (GET
 * /v1/calendar/deadline), report (GET /v1/reports/units, and the tickets behind one
 * figure; report kb: GET /v1/reports/kb), ready (GET /readyz, waiting if asked) and config
 * (where the URL and token came from; no request).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "table.h"
#include "width.h"

#define PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define END_OPTS {NULL, 0, NULL, NULL, 0, NULL}
#define TITLE_CHARS 40 /* a title made from the text: its first line, this many characters */

/* --- route --explain ------------------------------------------------------------------ */

static const struct hlc_opt route_opts[] = {
	{"explain", HLC_VALUE, "TEXT", "the citizen's words (required)", HLC_STRING, "content"},
	{"title", HLC_VALUE, "TEXT", "a title (default: the text's first line, shortened)",
	 HLC_STRING, "title"},
	{"address", HLC_VALUE, "TEXT", "where (default: the title stands in for it)", HLC_STRING,
	 "address"},
	{"district", HLC_VALUE, "DISTRICT", "a district code or name instead of an address",
	 HLC_STRING, "district"},
	{"channel", HLC_VALUE, "CHANNEL", "hotline, board (the default) or tv", HLC_STRING,
	 "channel"},
	{"phone", HLC_VALUE, "NUMBER", "the caller's phone (hotline tickets need one)",
	 HLC_STRING, "caller_phone"},
	{"type", HLC_VALUE, "TYPE", "the ticket type, if known", HLC_STRING, "type"},
	END_OPTS,
};

/* The first line of text, at most TITLE_CHARS characters. The caller frees. */
static char *title_from(const char *text)
{
	size_t i = 0, len = strcspn(text, "\r\n");
	uint32_t cp;

	for (int chars = 0; i < len && chars < TITLE_CHARS; chars++)
		i += hl_utf8_decode(text + i, len - i, &cp);
	return strndup(text, i);
}

static void print_steps(const struct hlc_ctx *c, struct json_object *steps)
{
	static const struct hlc_column cols[] = {
		{"PLUGIN", 0, 0}, {"PASS", 0, 0},	      {"STATUS", 0, 0},
		{"DEPT", 0, 0},	  {"SCORE", HLC_COL_RIGHT, 0}, {"DETAILS", HLC_COL_WRAP, 24},
	};
	struct hlc_table *t = hlc_table_new(cols, 6);

	for (size_t i = 0; t && i < json_object_array_length(steps); i++) {
		struct json_object *s = json_object_array_get_idx(steps, i), *lines;
		char *details = NULL;
		size_t len = 1;

		if (json_object_object_get_ex(s, "lines", &lines) &&
		    json_object_is_type(lines, json_type_array)) {
			for (size_t j = 0; j < json_object_array_length(lines); j++)
				len += strlen(json_object_get_string(
					       json_object_array_get_idx(lines, j))) + 1;
			details = calloc(1, len);
			for (size_t j = 0; details && j < json_object_array_length(lines); j++) {
				if (j)
					strcat(details, "\n");
				strcat(details, json_object_get_string(
							json_object_array_get_idx(lines, j)));
			}
		}
		hlc_table_addv(t, hlc_str_or(s, "plugin", "?"), hlc_str_or(s, "pass", ""),
			       hlc_str_or(s, "status", ""), hlc_str_or(s, "department", "-"),
			       hlc_str_or(s, "score", ""),
			       details ? details : hlc_str_or(s, "error", ""));
		free(details);
	}
	if (t) {
		printf("\nPlugins, in order:\n");
		hlc_table_print(t, stdout, c->width, 1);
	}
	hlc_table_free(t);
}

/* The plugins' steps, after the decision. */
static void show_steps(const struct hlc_ctx *c, const struct hlc_response *r,
		       struct json_object *answer)
{
	struct json_object *steps;

	(void)r;
	if (json_object_object_get_ex(answer, "steps", &steps) &&
	    json_object_is_type(steps, json_type_array))
		print_steps(c, steps);
}

static int run_route(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	static const char *const shown[] = {"department", "outcome", "decided_by", "item", "score",
					     "reason", "policy", "manual_reason", NULL};
	const char *text = hlc_arg(a, "explain");
	struct json_object *body, *o = NULL;
	struct hlc_response r;
	char err[256];
	int rc;

	if (a->npositional)
		return hlc_usage_error(c, "unexpected argument '%s' (the text goes with --explain)",
				       a->positional[0]);
	if (!text || !*text)
		return hlc_usage_error(c, "what to explain? give --explain TEXT");
	body = json_object_new_object();
	if (hlc_args_to_json(a, cmd->opts, body, err, sizeof(err)) < 0) {
		json_object_put(body);
		return hlc_usage_error(c, "%s", err);
	}
	if (!json_object_object_get_ex(body, "channel", NULL))
		json_object_object_add(body, "channel", json_object_new_string("board"));
	if (!json_object_object_get_ex(body, "title", NULL)) {
		char *title = title_from(text);

		json_object_object_add(body, "title", json_object_new_string(title ? title : ""));
		free(title);
	}
	/* The server wants a place; without one, the title stands in, so that a place the
	 * text names is still found and nothing else is assumed. */
	if (!json_object_object_get_ex(body, "address", NULL) &&
	    !json_object_object_get_ex(body, "district", NULL))
		json_object_object_add(body, "address",
				       json_object_get(json_object_object_get(body, "title")));
	rc = hlc_call(c, "POST", "/v1/route/explain", json_object_to_json_string_ext(body, PLAIN),
		      NULL, &r, c->json ? NULL : &o);
	json_object_put(body);
	if (rc)
		return rc;
	return hlc_print_answer(c, &r, o, shown, show_steps);
}

/* --- deadline ------------------------------------------------------------------------- */

static const struct hlc_opt deadline_opts[] = {
	{"from", HLC_VALUE, "TIME", "when the period starts (default: now), e.g. "
				    "2026-09-30T16:00:00+08:00",
	 HLC_STRING, "from"},
	{"within", HLC_VALUE, "DURATION", "how long: 3wd (working days), 2wh (working hours), "
					  "24h, 30m (required)",
	 HLC_STRING, "within"},
	END_OPTS,
};

/* A warning when the count went through a year without a calendar file. */
static void note_fallback(const struct hlc_ctx *c, const struct hlc_response *r,
			  struct json_object *answer)
{
	struct json_object *fallback;

	(void)c;
	(void)r;
	if (json_object_object_get_ex(answer, "fallback", &fallback) &&
	    json_object_get_boolean(fallback))
		printf("(the count went through a year without a holiday calendar: weekends "
		       "only, so the date may be wrong)\n");
}

static int run_deadline(struct hlc_ctx *c, const struct hlc_command *cmd,
			const struct hlc_args *a)
{
	static const char *const shown[] = {"from", "within", "deadline", "last_day", "fallback",
					     NULL};
	char path[512] = "/v1/calendar/deadline", now[40];
	struct json_object *o = NULL;
	struct hlc_response r;
	int rc;

	if (a->npositional)
		return hlc_usage_error(c, "unexpected argument '%s'", a->positional[0]);
	if (!hlc_arg_given(a, "within"))
		return hlc_usage_error(c, "how long? give --within, e.g. 3wd");
	if (!hlc_arg_given(a, "from")) {
		hlc_now_iso(now, sizeof(now));
		hlc_query_add(path, sizeof(path), "from", now);
	}
	if (hlc_args_to_query(a, cmd->opts, path, sizeof(path)) < 0)
		return hlc_usage_error(c, "the parameters are too long");
	rc = hlc_call(c, "GET", path, NULL, NULL, &r, c->json ? NULL : &o);
	if (rc)
		return rc;
	return hlc_print_answer(c, &r, o, shown, note_fallback);
}

/* --- report --------------------------------------------------------------------------- */

static const struct hlc_opt report_opts[] = {
	{"month", HLC_VALUE, "YYYY-MM", "the whole month (else --from and --to)", HLC_NOWHERE,
	 NULL},
	{"from", HLC_VALUE, "DATE", "the period's first day (or time)", HLC_STRING, "from"},
	{"to", HLC_VALUE, "DATE", "the period's last day (or time)", HLC_STRING, "to"},
	{"csv", HLC_FLAG, NULL, "the server's CSV instead of a table", HLC_NOWHERE, NULL},
	{"unit", HLC_VALUE, "CODE", "list the tickets behind one unit's figure (with --metric)",
	 HLC_NOWHERE, NULL},
	{"metric", HLC_VALUE, "NAME", "received, signed_on_time, returned, answered, reopened, "
				      "overdue_now, ...",
	 HLC_STRING, "metric"},
	END_OPTS,
};

/* The rate columns: the member, and the header (English over the 12345 term). */
static const struct {
	const char *member, *header;
} rates[] = {
	{"sign_rate", "SIGN%\n及时签收"},	   {"return_rate", "RETURN%\n回退"},
	{"answer_rate", "ANSWER%\n按时办结"},	   {"citizen_answer_rate", "PROMISE%\n承诺办结"},
	{"reopen_rate", "REOPEN%\n重办"},	   {"response_rate", "RESPONSE%\n响应"},
	{"resolution_rate", "RESOLVED%\n解决"}, {"satisfaction_rate", "SATISFIED%\n满意"},
	{"score", "SCORE\n综合"},
};
#define NRATES (sizeof(rates) / sizeof(rates[0]))

static void number(struct json_object *o, const char *key, int decimals, char *buf, size_t len)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		snprintf(buf, len, "-");
	else if (decimals)
		snprintf(buf, len, "%.1f", json_object_get_double(v));
	else
		snprintf(buf, len, "%lld", (long long)json_object_get_int64(v));
}

static void print_report(const struct hlc_ctx *c, struct json_object *o)
{
	struct hlc_column cols[4 + NRATES + 1] = {
		{"UNIT", 0, 0}, {"NAME", HLC_COL_SHRINK, 8}, {"RECEIVED\n受理", HLC_COL_RIGHT, 0},
		{"RETURNED\n回退", HLC_COL_RIGHT, 0},
	};
	struct json_object *units;
	struct hlc_table *t;

	for (size_t i = 0; i < NRATES; i++)
		cols[4 + i] = (struct hlc_column){rates[i].header, HLC_COL_RIGHT, 0};
	cols[4 + NRATES] = (struct hlc_column){"OVERDUE\n超期", HLC_COL_RIGHT, 0};
	t = hlc_table_new(cols, 4 + NRATES + 1);
	if (!t || !json_object_object_get_ex(o, "units", &units) ||
	    !json_object_is_type(units, json_type_array)) {
		hlc_table_free(t);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(units); i++) {
		struct json_object *u = json_object_array_get_idx(units, i);
		char cells[4 + NRATES + 1][32];
		const char *row[4 + NRATES + 1];

		snprintf(cells[0], sizeof(cells[0]), "%s", hlc_str_or(u, "unit", "?"));
		row[0] = cells[0];
		row[1] = hlc_str_or(u, "name", "");
		number(u, "received", 0, cells[2], sizeof(cells[2]));
		number(u, "returned", 0, cells[3], sizeof(cells[3]));
		for (size_t k = 0; k < NRATES; k++)
			number(u, rates[k].member, 1, cells[4 + k], sizeof(cells[4 + k]));
		number(u, "overdue_now", 0, cells[4 + NRATES], sizeof(cells[4 + NRATES]));
		for (size_t k = 2; k < 4 + NRATES + 1; k++)
			row[k] = cells[k];
		hlc_table_add(t, row);
	}
	if (hlc_table_rows(t) == 0) {
		printf("no unit received a ticket in this period\n");
	} else {
		hlc_table_print(t, stdout, c->width, 1);
		printf("Rates in percent; '-' where there was nothing to count. SCORE weighs "
		       "response, resolution and satisfaction.\n");
	}
	hlc_table_free(t);
}

/* Adds the period of --month YYYY-MM to the URL. Returns 0, or -1 for a bad month. */
static int month_period(const char *month, char *url, size_t cap)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, n = 0, last;
	char from[32], to[32];

	if (sscanf(month, "%4d-%2d%n", &y, &m, &n) != 2 || n != 7 || strlen(month) != 7 ||
	    m < 1 || m > 12 || y < 1970)
		return -1;
	last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	snprintf(from, sizeof(from), "%04d-%02d-01", y, m);
	snprintf(to, sizeof(to), "%04d-%02d-%02d", y, m, last);
	return hlc_query_add(url, cap, "from", from) < 0 || hlc_query_add(url, cap, "to", to) < 0
		       ? -1
		       : 0;
}

/* The 政策通 report (report kb): the figures, then the entries cited most, the gaps and
 * the entries to review, each a table. */
static void print_kb_report(const struct hlc_ctx *c, struct json_object *o)
{
	static const struct hlc_column cited_cols[] = {
		{"ENTRY", 0, 0}, {"TITLE", HLC_COL_SHRINK, 10}, {"UNIT", 0, 0},
		{"CITED", HLC_COL_RIGHT, 0}};
	static const struct hlc_column gap_cols[] = {
		{"TICKET", 0, 0}, {"UNIT", 0, 0}, {"QUERY", HLC_COL_WRAP, 10}};
	static const struct hlc_column review_cols[] = {
		{"ENTRY", 0, 0}, {"TITLE", HLC_COL_SHRINK, 10}, {"UNIT", 0, 0},
		{"UNTIL", 0, 0}, {"REVIEWED", 0, 0}, {"WHY", 0, 0}};
	struct {
		const char *member, *heading;
		const struct hlc_column *cols;
		size_t ncols;
		const char *const *cells; /* the members shown, one per column */
	} parts[] = {
		{"most_cited", "Entries cited most (引用最多):", cited_cols, 4,
		 (const char *const[]){"id", "title", "unit", "count"}},
		{"gaps", "Gaps, searched then dispatched (未直接答复的检索):", gap_cols, 3,
		 (const char *const[]){"ticket", "unit", "query"}},
		{"review", "Entries to review (待复核):", review_cols, 6,
		 (const char *const[]){"id", "title", "unit", "effective_until", "reviewed_at",
				       "why"}},
	};
	static const struct hlc_column figure_cols[] = {{NULL, 0, 0}, {NULL, HLC_COL_RIGHT, 0}};
	static const struct {
		const char *member, *label;
	} figures[] = {
		{"hotline_tickets", "hotline tickets (热线受理)"},
		{"direct_answers", "direct answers (直接答复)"},
		{"direct_answer_rate", "direct-answer rate (直接答复率)"},
		{"cited_answers", "citing an entry (引用政策通)"},
		{"gap_count", "gaps (检索后派单)"},
	};
	struct hlc_table *ft = hlc_table_new(figure_cols, 2);

	for (size_t i = 0; ft && i < sizeof(figures) / sizeof(figures[0]); i++) {
		char n[32];
		int is_rate = strcmp(figures[i].member, "direct_answer_rate") == 0;

		number(o, figures[i].member, is_rate, n, sizeof(n));
		if (is_rate && strcmp(n, "-") != 0)
			strcat(n, "%");
		hlc_table_addv(ft, figures[i].label, n);
	}
	if (ft)
		hlc_table_print(ft, stdout, c->width, 0);
	hlc_table_free(ft);
	for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
		struct json_object *list;
		struct hlc_table *t;

		if (!json_object_object_get_ex(o, parts[p].member, &list) ||
		    !json_object_is_type(list, json_type_array) ||
		    json_object_array_length(list) == 0 ||
		    !(t = hlc_table_new(parts[p].cols, parts[p].ncols)))
			continue;
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *e = json_object_array_get_idx(list, i), *v;
			const char *row[6];
			char cells[6][32];

			for (size_t k = 0; k < parts[p].ncols; k++) {
				const char *name = parts[p].cells[k];

				row[k] = "";
				if (!json_object_object_get_ex(e, name, &v) || !v)
					continue;
				if (json_object_is_type(v, json_type_array)) { /* why */
					cells[k][0] = '\0';
					for (size_t w = 0; w < json_object_array_length(v); w++)
						snprintf(cells[k] + strlen(cells[k]),
							 sizeof(cells[k]) - strlen(cells[k]), "%s%s",
							 w ? "," : "",
							 json_object_get_string(
							     json_object_array_get_idx(v, w)));
					row[k] = cells[k];
				} else {
					row[k] = json_object_get_string(v);
				}
			}
			hlc_table_add(t, row);
		}
		printf("\n%s\n", parts[p].heading);
		hlc_table_print(t, stdout, c->width, 1);
		hlc_table_free(t);
	}
}

/* report kb: GET /v1/reports/kb for the period. */
static int run_kb_report(struct hlc_ctx *c, const struct hlc_command *cmd,
			 const struct hlc_args *a, const char *month)
{
	struct json_object *o = NULL;
	struct hlc_response r;
	char path[1024] = "/v1/reports/kb";
	int rc;

	if (hlc_arg_given(a, "csv") || hlc_arg_given(a, "unit") || hlc_arg_given(a, "metric"))
		return hlc_usage_error(c, "report kb takes only --month or --from/--to");
	if (hlc_args_to_query(a, cmd->opts, path, sizeof(path)) < 0)
		return hlc_usage_error(c, "the parameters are too long");
	if (month && month_period(month, path, sizeof(path)) < 0)
		return hlc_usage_error(c, "--month: expected a month such as 2026-11, got '%s'",
				       month);
	rc = hlc_call(c, "GET", path, NULL, NULL, &r, c->json ? NULL : &o);
	if (rc)
		return rc;
	if (c->json)
		hlc_print_raw(&r);
	else
		print_kb_report(c, o);
	json_object_put(o);
	hlc_response_free(&r);
	return HLC_EXIT_OK;
}

static int run_report(struct hlc_ctx *c, const struct hlc_command *cmd,
		      const struct hlc_args *a)
{
	const char *month = hlc_arg(a, "month"), *unit = hlc_arg(a, "unit");
	int csv = hlc_arg_given(a, "csv");
	struct json_object *o = NULL, *ids;
	struct hlc_response r;
	char path[1024];
	int rc;

	if (a->npositional > 1 || (a->npositional && strcmp(a->positional[0], "kb") != 0))
		return hlc_usage_error(c, "unexpected argument '%s'",
				       a->positional[a->npositional > 1]);
	if (month && (hlc_arg_given(a, "from") || hlc_arg_given(a, "to")))
		return hlc_usage_error(c, "--month or --from/--to, not both");
	if (a->npositional)
		return run_kb_report(c, cmd, a, month);
	if (!unit != !hlc_arg_given(a, "metric"))
		return hlc_usage_error(c, "--unit and --metric go together");
	if (unit) {
		char *escaped = hlc_escape(unit);

		snprintf(path, sizeof(path), "/v1/reports/units/%s/tickets", escaped ? escaped : "");
		free(escaped);
	} else {
		snprintf(path, sizeof(path), "/v1/reports/units%s", csv ? "?format=csv" : "");
	}
	if (hlc_args_to_query(a, cmd->opts, path, sizeof(path)) < 0)
		return hlc_usage_error(c, "the parameters are too long");
	if (month && month_period(month, path, sizeof(path)) < 0)
		return hlc_usage_error(c, "--month: expected a month such as 2026-11, got '%s'",
				       month);
	rc = hlc_call(c, "GET", path, NULL, NULL, &r, c->json || csv ? NULL : &o);
	if (rc)
		return rc;
	if (c->json || csv) {
		hlc_print_raw(&r);
	} else if (unit) {
		if (json_object_object_get_ex(o, "tickets", &ids) &&
		    json_object_is_type(ids, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(ids); i++)
				printf("%s\n", json_object_get_string(json_object_array_get_idx(ids, i)));
			if (json_object_array_length(ids) == 0)
				printf("no tickets\n");
		}
	} else {
		print_report(c, o);
	}
	json_object_put(o);
	hlc_response_free(&r);
	return HLC_EXIT_OK;
}

/* --- config --------------------------------------------------------------------------- */

static const struct hlc_opt config_opts[] = {END_OPTS};

static int run_config(struct hlc_ctx *c, const struct hlc_command *cmd,
		      const struct hlc_args *a)
{
	static const struct hlc_column cols[] = {{"SETTING", 0, 0}, {"VALUE", 0, 0},
						 {"FROM", 0, 0}};
	struct hlc_table *t = hlc_table_new(cols, 3);
	char token[64];
	size_t n = strlen(c->config.token);

	(void)cmd;
	if (a->npositional)
		return hlc_usage_error(c, "unexpected argument '%s'", a->positional[0]);
	if (!t)
		return HLC_EXIT_UNREACHABLE;
	/* enough of the token to tell two apart, not enough to use it */
	if (n == 0)
		snprintf(token, sizeof(token), "(none)");
	else if (n < 12)
		snprintf(token, sizeof(token), "(%zu characters)", n);
	else
		snprintf(token, sizeof(token), "%.4s... (%zu characters)", c->config.token, n);
	hlc_table_addv(t, "url", c->config.url, c->config.url_from);
	hlc_table_addv(t, "token", token, c->config.token_from[0] ? c->config.token_from : "-");
	hlc_table_addv(t, "file", c->config.file[0] ? c->config.file : "(none read)", "");
	hlc_table_print(t, stdout, c->width, 1);
	hlc_table_free(t);
	return HLC_EXIT_OK;
}

/* --- ready ---------------------------------------------------------------------------- */

static const struct hlc_opt ready_opts[] = {
	{"wait", HLC_VALUE, "SECONDS", "ask again every 0.2 s until ready, for at most this long",
	 HLC_NOWHERE, NULL},
	END_OPTS,
};

/* One GET /readyz: 1 when it answered 200, 0 otherwise; what is missing is in why. */
static int ready_once(struct hlc_ctx *c, char *why, size_t len)
{
	struct hlc_response r;
	int ready = 0;

	if (hlc_http_request(&c->http, "GET", "/readyz", NULL, NULL, &r) < 0 || r.status == 0) {
		snprintf(why, len, "no answer: %s", r.error);
		return 0;
	}
	ready = r.status == 200;
	if (c->json && ready)
		hlc_print_raw(&r);
	snprintf(why, len, "%d %s", r.status, r.body ? r.body : "");
	hlc_response_free(&r);
	return ready;
}

static int run_ready(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	const char *wait = hlc_arg(a, "wait");
	char why[1024] = "", *end = NULL;
	double most = wait ? strtod(wait, &end) : 0;
	struct timespec start, now, pause = {0, 200000000L};

	(void)cmd;
	if (a->npositional)
		return hlc_usage_error(c, "unexpected argument '%s'", a->positional[0]);
	if (wait && (end == wait || *end || most < 0 || most > 3600))
		return hlc_usage_error(c, "--wait: expected seconds from 0 to 3600, got '%s'", wait);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (ready_once(c, why, sizeof(why))) {
			if (!c->json)
				printf("ready\n");
			return HLC_EXIT_OK;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((double)(now.tv_sec - start.tv_sec) +
			    (double)(now.tv_nsec - start.tv_nsec) / 1e9 >= most)
			break;
		nanosleep(&pause, NULL);
	}
	hlc_error(c, "not ready: %s", why);
	return strncmp(why, "no answer", 9) == 0 ? HLC_EXIT_UNREACHABLE : HLC_EXIT_REFUSED;
}

const struct hlc_command hlc_tool_commands[] = {
	{"route", "--explain TEXT [--title TEXT] [--address TEXT]",
	 "where a ticket would go, and why (nothing is stored)",
	 "POST /v1/route/explain: the unit chosen, the plugin that chose it, and every "
	 "plugin's answer with the rules that matched. Without --title the text's first line "
	 "is the title; without --address or --district the title stands in for the place.",
	 route_opts, run_route, 0},
	{"deadline", "--within DURATION [--from TIME]",
	 "when a time limit ends by the working-day calendar",
	 "GET /v1/calendar/deadline: holidays and make-up working days (调休) counted.",
	 deadline_opts, run_deadline, 0},
	{"report", "[kb] --month YYYY-MM | --from DATE --to DATE [--csv]",
	 "the units' accountability figures, or 政策通's (supervisors)",
	 "GET /v1/reports/units: per unit the tickets received and returned, the on-time, "
	 "reopen, response, resolution and satisfaction rates and the weighted score. With "
	 "--unit and --metric, the ids of the tickets behind that figure. report kb: GET "
	 "/v1/reports/kb, the direct answers and their rate, the entries cited most, the "
	 "gaps (searched, then dispatched) and the entries to review.",
	 report_opts, run_report, 0},
	{"ready", "[--wait SECONDS]", "whether hotlined can take tickets now (GET /readyz)",
	 "Exits 0 once GET /readyz answers 200: Redis reached with the scripts loaded (through "
	 "the sentinels, the primary found), plugins and this year's calendar loaded. Otherwise "
	 "prints what is missing and exits 1 (3 when nothing answers). With --wait, asks again "
	 "until ready or the time is up: for scripts that start hotlined and must not say "
	 "\"ready\" before it is.",
	 ready_opts, run_ready, 0},
	{"config", "", "where the server URL and token come from",
	 "Shows the URL and (a little of) the token this command line would use, and where "
	 "each came from: --url/--token, HOTLINE_URL/HOTLINE_TOKEN, the configuration file.",
	 config_opts, run_config, 1},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0},
};
