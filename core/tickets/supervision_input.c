/* The bodies of the supervision endpoints, parsed and checked; see supervision_input.h. */
#include "tickets/supervision_input.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/duration.h"
#include "base/timefmt.h"
#include "config/routes.h"
#include "tickets/reports.h"
#include "time/calendar.h"

#define DAY_MS 86400000LL
#define WORKING_DAYS_MAX 365

static void store(struct hl_sv_fields *f, const char *name, const char *value)
{
	if (value && f->n < HL_SV_FIELDS_MAX) {
		f->name[f->n] = name;
		f->value[f->n++] = value;
	}
}

/* Every member of `obj` is one of `known` (NULL-ended); `where` prefixes the field's
 * name in the error ("source." for the source's members). */
static int only_known(struct json_object *obj, const char *const *known, const char *where,
		      struct hl_input_error *e)
{
	json_object_object_foreach(obj, key, val)
	{
		int ok = 0;

		(void)val;
		for (const char *const *k = known; *k; k++)
			ok |= strcmp(key, *k) == 0;
		if (!ok)
			return hl_input_fail(e, key, "%s%s: unknown field", where, key);
	}
	return 0;
}

/* A text member: a string, not blank, of max characters at most, without control
 * characters other than line breaks and tabs. *value_r is NULL when absent (an error
 * when required). */
static int text(struct json_object *obj, const char *key, int required, size_t max,
		const char **value_r, struct hl_input_error *e)
{
	struct json_object *v;
	const char *s;
	size_t chars = 0, len;
	int blank = 1;

	*value_r = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return required ? hl_input_fail(e, key, "%s: required", key) : 0;
	if (!json_object_is_type(v, json_type_string))
		return hl_input_fail(e, key, "%s: expected a string", key);
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (strlen(s) != len)
		return hl_input_fail(e, key, "%s: must not contain NUL", key);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
			return hl_input_fail(e, key, "%s: must not contain control characters",
					     key);
		chars += (c & 0xC0) != 0x80;
		blank &= c == ' ' || c == '\t' || c == '\r' || c == '\n';
	}
	if (blank)
		return hl_input_fail(e, key, "%s: must not be blank", key);
	if (chars > max)
		return hl_input_fail(e, key, "%s: at most %zu characters", key, max);
	*value_r = s;
	return 0;
}

int hl_input_text(struct json_object *obj, const char *key, int required, size_t max,
		  const char **value_r, struct hl_input_error *e)
{
	return text(obj, key, required, max, value_r, e);
}

/* Appends `item` to the comma-joined list in buf. */
static int join(char *buf, size_t len, const char *item, const char *key,
		struct hl_input_error *e)
{
	size_t used = strlen(buf);

	if (strchr(item, ',') || used + strlen(item) + 2 > len)
		return hl_input_fail(e, key, "%s: bad or too long an item '%s'", key, item);
	snprintf(buf + used, len - used, "%s%s", used ? "," : "", item);
	return 0;
}

/* A list member of strings (each a unit code of routes when routes is given, else an id
 * of at most 40 bytes), joined with commas into buf; an empty buf when absent. */
static int list(struct json_object *obj, const char *key, int required,
		const struct hl_routes *routes, char *buf, size_t len, struct hl_input_error *e)
{
	struct json_object *v;
	size_t n;

	buf[0] = '\0';
	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return required ? hl_input_fail(e, key, "%s: required", key) : 0;
	if (!json_object_is_type(v, json_type_array))
		return hl_input_fail(e, key, "%s: expected a list", key);
	n = json_object_array_length(v);
	if (n > HL_SV_LIST_MAX)
		return hl_input_fail(e, key, "%s: at most %d items", key, HL_SV_LIST_MAX);
	if (required && n == 0)
		return hl_input_fail(e, key, "%s: must not be empty", key);
	for (size_t i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(v, i);
		const char *s = json_object_get_string(item);

		if (!json_object_is_type(item, json_type_string) || !*s || strlen(s) > 40)
			return hl_input_fail(e, key, "%s: item %zu: expected a %s", key, i + 1,
					     routes ? "unit code" : "record id");
		if (routes && !hl_routes_department(routes, s))
			return hl_input_fail(e, key, "%s: unknown unit '%s'", key, s);
		if (join(buf, len, s, key, e) < 0)
			return -1;
	}
	return 0;
}

/* A unit code member: required, known to the routes. */
static int unit(struct json_object *obj, const char *key, const struct hl_routes *routes,
		const char **value_r, struct hl_input_error *e)
{
	if (text(obj, key, 1, 64, value_r, e) < 0)
		return -1;
	if (!hl_routes_department(routes, *value_r))
		return hl_input_fail(e, key, "%s: unknown unit '%s'", key, *value_r);
	return 0;
}

/* A date member, "YYYY-MM-DD": its local midnight in *ms_r. */
static int date(struct json_object *obj, const char *key, const char **value_r,
		int64_t *ms_r, struct hl_input_error *e)
{
	char err[160];

	if (text(obj, key, 1, 10, value_r, e) < 0)
		return -1;
	if (strlen(*value_r) != 10 || hl_time_parse_iso(*value_r, ms_r, err, sizeof(err)) < 0)
		return hl_input_fail(e, key, "%s: expected a date such as 2026-12-31", key);
	return 0;
}

int hl_programme_input_parse(const char *body, size_t len, const struct hl_routes *routes,
			     struct hl_programme_input *in, struct hl_input_error *e)
{
	static const char *const known[] = {"date", "title", "units", "notes", "problems", NULL};
	struct json_object *problems, *list_json;
	const char *day, *notes;
	size_t n = 0;

	memset(in, 0, sizeof(*in));
	if (hl_input_parse_object(body, len, &in->doc, e) < 0 ||
	    only_known(in->doc, known, "", e) < 0 ||
	    date(in->doc, "date", &day, &in->date_ms, e) < 0 ||
	    text(in->doc, "title", 1, HL_SV_TITLE_MAX, &in->title, e) < 0 ||
	    list(in->doc, "units", 1, routes, in->units, sizeof(in->units), e) < 0 ||
	    text(in->doc, "notes", 0, HL_SV_TEXT_MAX, &notes, e) < 0)
		return -1;
	list_json = json_object_new_array();
	if (json_object_object_get_ex(in->doc, "problems", &problems) &&
	    !json_object_is_type(problems, json_type_null)) {
		if (!json_object_is_type(problems, json_type_array) ||
		    json_object_array_length(problems) > HL_SV_LIST_MAX) {
			json_object_put(list_json);
			return hl_input_fail(e, "problems",
					     "problems: expected a list of at most %d texts",
					     HL_SV_LIST_MAX);
		}
		n = json_object_array_length(problems);
		for (size_t i = 0; i < n; i++) {
			struct json_object *holder = json_object_new_object();
			const char *p;

			json_object_object_add(holder, "problems",
					       json_object_get(json_object_array_get_idx(problems, i)));
			if (text(holder, "problems", 1, 500, &p, e) < 0) {
				json_object_put(holder);
				json_object_put(list_json);
				return -1;
			}
			json_object_array_add(list_json, json_object_new_string(p));
			json_object_put(holder);
		}
	}
	in->problems_json = strdup(json_object_to_json_string_ext(list_json, JSON_C_TO_STRING_PLAIN |
									JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(list_json);
	if (!in->problems_json)
		return hl_input_fail(e, "", "out of memory");
	snprintf(in->date_ms_text, sizeof(in->date_ms_text), "%lld", (long long)in->date_ms);
	snprintf(in->problem_count, sizeof(in->problem_count), "%zu", n);
	store(&in->store, "date", day);
	store(&in->store, "units", in->units);
	store(&in->store, "notes", notes ? notes : "");
	store(&in->store, "problems", in->problems_json);
	store(&in->store, "problem_count", in->problem_count);
	return 0;
}

void hl_programme_input_free(struct hl_programme_input *in)
{
	json_object_put(in->doc);
	free(in->problems_json);
	memset(in, 0, sizeof(*in));
}

/* The case's source: {type: programme, id} | {type: tickets, ids} | {type: report, figure}
 * | {type: inspection, text}. */
static int source(struct hl_case_input *in, struct hl_input_error *e)
{
	static const char *const known[] = {"type", "id", "ids", "figure", "text", NULL};
	struct json_object *src;
	const char *type, *what = NULL;

	in->source_programme = "";
	if (!json_object_object_get_ex(in->doc, "source", &src) ||
	    !json_object_is_type(src, json_type_object))
		return hl_input_fail(e, "source",
				     "source: expected {\"type\": programme|tickets|report|"
				     "inspection, ...}");
	if (only_known(src, known, "source.", e) < 0 || text(src, "type", 1, 16, &type, e) < 0)
		return -1;
	if (strcmp(type, "programme") == 0) {
		if (text(src, "id", 1, 40, &in->source_programme, e) < 0)
			return -1;
		what = in->source_programme;
	} else if (strcmp(type, "tickets") == 0) {
		if (list(src, "ids", 1, NULL, in->source_tickets, sizeof(in->source_tickets), e) < 0)
			return -1;
		what = in->source_tickets;
	} else if (strcmp(type, "report") == 0) {
		if (text(src, "figure", 1, HL_SV_TITLE_MAX, &what, e) < 0)
			return -1;
	} else if (strcmp(type, "inspection") == 0) {
		if (text(src, "text", 1, HL_SV_TEXT_MAX, &what, e) < 0)
			return -1;
	} else {
		return hl_input_fail(e, "source",
				     "source.type: expected programme, tickets, report or "
				     "inspection");
	}
	store(&in->store, "source_type", type);
	store(&in->store, "source_text", what);
	return 0;
}

/* A whole number of days (5, or 5.0 as some clients write numbers), else -1. */
static int64_t whole_days(struct json_object *v)
{
	double d;

	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_double))
		return -1;
	d = json_object_get_double(v);
	return d >= 1 && d <= WORKING_DAYS_MAX && d == (double)(int64_t)d ? (int64_t)d : -1;
}

/* The deadline: "YYYY-MM-DD" (the end of that day) or {"working_days": N} counted on the
 * calendar from now (so that 调休 counts); not before now. */
static int deadline(struct hl_case_input *in, struct hl_calendar *cal, int64_t now_ms,
		    struct hl_input_error *e)
{
	struct json_object *v, *days;

	if (!json_object_object_get_ex(in->doc, "deadline", &v))
		return hl_input_fail(e, "deadline",
				     "deadline: required (a date, or {\"working_days\": N})");
	if (json_object_is_type(v, json_type_string)) {
		const char *day;

		if (date(in->doc, "deadline", &day, &in->deadline_ms, e) < 0)
			return -1;
		in->deadline_ms += DAY_MS - 1;
		snprintf(in->deadline_text, sizeof(in->deadline_text), "%s", day);
	} else if (json_object_is_type(v, json_type_object) &&
		   json_object_object_length(v) == 1 &&
		   json_object_object_get_ex(v, "working_days", &days) && whole_days(days) >= 1 &&
		   whole_days(days) <= WORKING_DAYS_MAX) {
		int64_t n = whole_days(days);

		in->deadline_ms =
			hl_calendar_add(cal, now_ms, (struct hl_duration){n, HL_DUR_WORK_DAYS});
		snprintf(in->deadline_text, sizeof(in->deadline_text), "%lldwd", (long long)n);
	} else {
		return hl_input_fail(e, "deadline",
				     "deadline: expected a date such as 2026-12-31, or "
				     "{\"working_days\": N} with N from 1 to %d",
				     WORKING_DAYS_MAX);
	}
	if (in->deadline_ms < now_ms)
		return hl_input_fail(e, "deadline", "deadline: %s is in the past",
				     in->deadline_text);
	snprintf(in->deadline_ms_text, sizeof(in->deadline_ms_text), "%lld",
		 (long long)in->deadline_ms);
	store(&in->store, "deadline", in->deadline_text);
	store(&in->store, "deadline_ms", in->deadline_ms_text);
	return 0;
}

int hl_case_input_parse(const char *body, size_t len, const struct hl_routes *routes,
			struct hl_calendar *cal, int64_t now_ms, struct hl_case_input *in,
			struct hl_input_error *e)
{
	static const char *const known[] = {"kind", "title", "description", "source",
					    "lead_unit", "co_units", "requirements", "deadline",
					    "tickets", "metric", "target", "benchmark", NULL};
	const char *description, *requirements, *metric, *target, *benchmark;

	memset(in, 0, sizeof(*in));
	if (hl_input_parse_object(body, len, &in->doc, e) < 0 ||
	    only_known(in->doc, known, "", e) < 0 || text(in->doc, "kind", 1, 16, &in->kind, e) < 0)
		return -1;
	if (strcmp(in->kind, "problem") && strcmp(in->kind, "monthly") &&
	    strcmp(in->kind, "benchmark"))
		return hl_input_fail(e, "kind",
				     "kind: expected problem (问题督办), monthly (月度工作) or "
				     "benchmark (动态对标)");
	if (text(in->doc, "title", 1, HL_SV_TITLE_MAX, &in->title, e) < 0 ||
	    text(in->doc, "description", 1, HL_SV_TEXT_MAX, &description, e) < 0 ||
	    source(in, e) < 0 || unit(in->doc, "lead_unit", routes, &in->lead_unit, e) < 0 ||
	    list(in->doc, "co_units", 0, routes, in->co_units, sizeof(in->co_units), e) < 0 ||
	    text(in->doc, "requirements", 0, HL_SV_TEXT_MAX, &requirements, e) < 0 ||
	    deadline(in, cal, now_ms, e) < 0 ||
	    list(in->doc, "tickets", 0, NULL, in->tickets, sizeof(in->tickets), e) < 0 ||
	    text(in->doc, "metric", 0, 32, &metric, e) < 0 ||
	    text(in->doc, "target", 0, HL_SV_TITLE_MAX, &target, e) < 0 ||
	    text(in->doc, "benchmark", 0, HL_SV_TITLE_MAX, &benchmark, e) < 0)
		return -1;
	for (const char *p = in->co_units; *p;) {
		size_t n = strcspn(p, ",");

		if (n == strlen(in->lead_unit) && strncmp(p, in->lead_unit, n) == 0)
			return hl_input_fail(e, "co_units", "co_units: %s leads the case already",
					     in->lead_unit);
		p += n + (p[n] == ',');
	}
	if (strcmp(in->kind, "benchmark") == 0) {
		if (!metric || !hl_report_rate_known(metric))
			return hl_input_fail(e, "metric",
					     "metric: a benchmark case needs a rate of the units "
					     "report, e.g. answer_rate, response_rate");
		if (!target)
			return hl_input_fail(e, "target",
					     "target: required for a benchmark case, e.g. 95");
		if (!benchmark)
			return hl_input_fail(e, "benchmark",
					     "benchmark: required for a benchmark case, e.g. "
					     "\"answered_in_time ≥ 95%%, as in city X\"");
		if (strtod(target, NULL) <= 0 || strtod(target, NULL) > 100)
			return hl_input_fail(e, "target",
					     "target: expected a percentage, e.g. \"95\"");
	} else if (metric || target || benchmark) {
		return hl_input_fail(e,
				     metric   ? "metric"
				     : target ? "target"
					      : "benchmark",
				     "%s: only a benchmark case has one",
				     metric   ? "metric"
				     : target ? "target"
					      : "benchmark");
	}
	store(&in->store, "description", description);
	store(&in->store, "requirements", requirements ? requirements : "");
	store(&in->store, "metric", metric);
	store(&in->store, "target", target);
	store(&in->store, "benchmark", benchmark);
	return 0;
}

void hl_case_input_free(struct hl_case_input *in)
{
	json_object_put(in->doc);
	memset(in, 0, sizeof(*in));
}

int hl_accountability_input_parse(const char *body, size_t len, const struct hl_routes *routes,
				  const char *const *forms, size_t nforms,
				  struct hl_accountability_input *in, struct hl_input_error *e)
{
	static const char *const known[] = {"person",	  "form",	"reason",     "decided_on",
					    "decided_by", "stems_from", "supersedes", NULL};
	static const char *const person_known[] = {"name", "post", "unit", NULL};
	struct json_object *person;
	const char *name, *post, *reason, *day, *by;
	int form_ok = 0;

	memset(in, 0, sizeof(*in));
	in->supersedes = "";
	if (hl_input_parse_object(body, len, &in->doc, e) < 0 ||
	    only_known(in->doc, known, "", e) < 0)
		return -1;
	if (!json_object_object_get_ex(in->doc, "person", &person) ||
	    !json_object_is_type(person, json_type_object))
		return hl_input_fail(e, "person",
				     "person: expected {\"name\", \"post\", \"unit\"}");
	if (only_known(person, person_known, "person.", e) < 0 ||
	    text(person, "name", 1, HL_NAME_MAX, &name, e) < 0 ||
	    text(person, "post", 1, HL_SV_TITLE_MAX, &post, e) < 0 ||
	    unit(person, "unit", routes, &in->person_unit, e) < 0) {
		/* name the field as the body does: person.name */
		if (strncmp(e->field, "person", 6) != 0 && strlen(e->field) < 32) {
			memmove(e->field + 7, e->field, strlen(e->field) + 1);
			memcpy(e->field, "person.", 7);
		}
		return -1;
	}
	if (text(in->doc, "form", 1, 64, &in->form, e) < 0)
		return -1;
	for (size_t i = 0; i < nforms; i++)
		form_ok |= strcmp(forms[i], in->form) == 0;
	if (!form_ok) {
		char all[512] = "";

		for (size_t i = 0; i < nforms; i++)
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i ? ", " : "",
				 forms[i]);
		return hl_input_fail(e, "form", "form: '%s' is not in the list: %s", in->form, all);
	}
	if (text(in->doc, "reason", 1, HL_SV_TEXT_MAX, &reason, e) < 0 ||
	    date(in->doc, "decided_on", &day, &in->decided_on_ms, e) < 0 ||
	    text(in->doc, "decided_by", 1, HL_SV_TITLE_MAX, &by, e) < 0 ||
	    list(in->doc, "stems_from", 1, NULL, in->stems_from, sizeof(in->stems_from), e) < 0 ||
	    text(in->doc, "supersedes", 0, 40, &in->supersedes, e) < 0)
		return -1;
	if (!in->supersedes)
		in->supersedes = "";
	snprintf(in->decided_on_ms_text, sizeof(in->decided_on_ms_text), "%lld",
		 (long long)in->decided_on_ms);
	store(&in->store, "person_name", name);
	store(&in->store, "person_post", post);
	store(&in->store, "reason", reason);
	store(&in->store, "decided_on", day);
	store(&in->store, "decided_by", by);
	return 0;
}

void hl_accountability_input_free(struct hl_accountability_input *in)
{
	json_object_put(in->doc);
	memset(in, 0, sizeof(*in));
}
