/* The knowledge base's entry bodies, checked; see kb_input.h. */
#include "tickets/kb_input.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/routes.h"
#include "tickets/supervision_input.h"

const char *const hl_kb_stored_fields[HL_KB_NSTORED] = {
	"title", "questions", "answer",		 "unit",       "tags",
	"source", "effective_from", "effective_until", "reviewed_at"};

enum { TITLE, QUESTIONS, ANSWER, UNIT, TAGS, SOURCE, FROM, UNTIL, REVIEWED };

/* Is s a real day written YYYY-MM-DD (any year from 1000: policies can be old)? */
static int real_day(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789") != 4 ||
	    strspn(s + 5, "0123456789") != 2 || strspn(s + 8, "0123456789") != 2)
		return 0;
	y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && leap);
}

/* A date member, YYYY-MM-DD and a real day; "" when absent. */
static int date(struct json_object *obj, const char *key, const char **value_r,
		struct hl_input_error *e)
{
	const char *s;

	if (hl_input_text(obj, key, 0, 10, &s, e) < 0)
		return -1;
	*value_r = s ? s : "";
	if (s && !real_day(s))
		return hl_input_fail(e, key, "%s: expected a date YYYY-MM-DD", key);
	return 0;
}

/* A list of texts (each 1 to `max` characters, at most `count` of them) as a JSON array
 * string in *json_r (malloc'd; "[]" when absent). */
static int texts(struct json_object *obj, const char *key, size_t count, size_t max,
		 char **json_r, struct hl_input_error *e)
{
	struct json_object *v, *out;
	size_t n;

	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null)) {
		*json_r = strdup("[]");
		return *json_r ? 0 : hl_input_fail(e, "", "out of memory");
	}
	if (!json_object_is_type(v, json_type_array))
		return hl_input_fail(e, key, "%s: expected a list of texts", key);
	if ((n = json_object_array_length(v)) > count)
		return hl_input_fail(e, key, "%s: at most %zu items", key, count);
	if (!(out = json_object_new_array()))
		return hl_input_fail(e, "", "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *holder = json_object_new_object();
		const char *s = NULL;
		int rc;

		if (!holder) {
			json_object_put(out);
			return hl_input_fail(e, "", "out of memory");
		}
		json_object_object_add(holder, key, json_object_get(json_object_array_get_idx(v, i)));
		rc = hl_input_text(holder, key, 1, max, &s, e);
		if (rc == 0)
			json_object_array_add(out, json_object_new_string(s));
		json_object_put(holder);
		if (rc < 0) {
			json_object_put(out);
			return -1;
		}
	}
	*json_r = strdup(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	return *json_r ? 0 : hl_input_fail(e, "", "out of memory");
}

static int known_fields(struct json_object *doc, struct hl_input_error *e)
{
	json_object_object_foreach(doc, key, val)
	{
		int known = !strcmp(key, "id") || !strcmp(key, "version");

		(void)val;
		for (size_t i = 0; i < HL_KB_NSTORED && !known; i++)
			known = !strcmp(key, hl_kb_stored_fields[i]);
		if (!known)
			return hl_input_fail(e, key, "%s: unknown field", key);
	}
	return 0;
}

static int id_and_version(struct json_object *doc, const char *path_id, struct hl_kb_input *in,
			  struct hl_input_error *e)
{
	struct json_object *v;
	const char *id = NULL;

	if (hl_input_text(doc, "id", !path_id, HL_KB_ID_MAX, &id, e) < 0)
		return -1;
	if (id && !hl_kb_id_valid(id))
		return hl_input_fail(e, "id", "id: letters a-z, digits and '-', at most %d, "
					      "not 'ids'", HL_KB_ID_MAX);
	if (path_id && id && strcmp(id, path_id) != 0)
		return hl_input_fail(e, "id", "id: the body's id is not the path's");
	snprintf(in->id, sizeof(in->id), "%s", path_id ? path_id : id);
	if (json_object_object_get_ex(doc, "version", &v) && !json_object_is_type(v, json_type_null)) {
		int64_t n;

		if (!path_id)
			return hl_input_fail(e, "version", "version: only when editing (PUT)");
		if (!json_object_is_type(v, json_type_int) || (n = json_object_get_int64(v)) < 1)
			return hl_input_fail(e, "version", "version: a whole number from 1");
		snprintf(in->version, sizeof(in->version), "%lld", (long long)n);
	}
	return 0;
}

int hl_kb_input_parse(const char *body, size_t len, const struct hl_routes *routes,
		      const char *path_id, struct hl_kb_input *in, struct hl_input_error *e)
{
	const char **v = in->value;

	memset(in, 0, sizeof(*in));
	if (hl_input_parse_object(body, len, &in->doc, e) < 0)
		return -1;
	if (!json_object_is_type(in->doc, json_type_object))
		return hl_input_fail(e, "", "the body must be a JSON object");
	if (known_fields(in->doc, e) < 0 || id_and_version(in->doc, path_id, in, e) < 0 ||
	    hl_input_text(in->doc, "title", 1, HL_KB_TITLE_MAX, &v[TITLE], e) < 0 ||
	    hl_input_text(in->doc, "answer", 1, HL_KB_ANSWER_MAX, &v[ANSWER], e) < 0 ||
	    hl_input_text(in->doc, "unit", 1, 64, &v[UNIT], e) < 0)
		return -1;
	if (!hl_routes_department(routes, v[UNIT]))
		return hl_input_fail(e, "unit", "unit: no unit '%s' in the routes", v[UNIT]);
	if (texts(in->doc, "questions", HL_KB_QUESTIONS_MAX, HL_KB_QUESTION_MAX,
		  &in->questions_json, e) < 0 ||
	    texts(in->doc, "tags", HL_KB_TAGS_MAX, HL_KB_TAG_MAX, &in->tags_json, e) < 0 ||
	    hl_input_text(in->doc, "source", 0, HL_KB_SOURCE_MAX, &v[SOURCE], e) < 0 ||
	    date(in->doc, "effective_from", &v[FROM], e) < 0 ||
	    date(in->doc, "effective_until", &v[UNTIL], e) < 0 ||
	    date(in->doc, "reviewed_at", &v[REVIEWED], e) < 0)
		return -1;
	if (*v[FROM] && *v[UNTIL] && strcmp(v[UNTIL], v[FROM]) < 0)
		return hl_input_fail(e, "effective_until",
				     "effective_until: %s is before effective_from %s", v[UNTIL],
				     v[FROM]);
	if (!v[SOURCE])
		v[SOURCE] = "";
	v[QUESTIONS] = in->questions_json;
	v[TAGS] = in->tags_json;
	return 0;
}

void hl_kb_input_free(struct hl_kb_input *in)
{
	json_object_put(in->doc);
	free(in->questions_json);
	free(in->tags_json);
	memset(in, 0, sizeof(*in));
}
