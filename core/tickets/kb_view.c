/* The knowledge base's entries as JSON, and as the index's fields; see kb_view.h. */
#include "tickets/kb_view.h"

#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "config/routes.h"

const char *hl_kb_hash_get(const struct redisReply *hash, const char *name)
{
	if (!hash || hash->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < hash->elements; i += 2)
		if (hash->element[i]->type == REDIS_REPLY_STRING &&
		    hash->element[i + 1]->type == REDIS_REPLY_STRING &&
		    strcmp(hash->element[i]->str, name) == 0)
			return hash->element[i + 1]->str;
	return NULL;
}

/* The one shape of kb_view.h from an object whose members may still be strings (a
 * hash's): lists parsed, numbers as numbers, empty dates null, the unit's name and the
 * time of the edit added. Returns o. */
static struct json_object *finish(struct json_object *o, const struct hl_routes *routes)
{
	static const char *const lists[] = {"questions", "tags"};
	static const char *const numbers[] = {"version", "updated_ms"};
	static const char *const dates[] = {"effective_from", "effective_until", "reviewed_at"};
	struct json_object *v;
	const struct hl_department *dept;
	char at[HL_TIME_BUFLEN];

	for (size_t i = 0; i < 2; i++) {
		struct json_object *list;

		/* a list's summary rows have none: none is added */
		if (!json_object_object_get_ex(o, lists[i], &v) ||
		    json_object_is_type(v, json_type_array))
			continue;
		list = json_tokener_parse(json_object_get_string(v));
		if (!list || !json_object_is_type(list, json_type_array)) {
			json_object_put(list);
			list = json_object_new_array();
		}
		json_object_object_add(o, lists[i], list);
	}
	for (size_t i = 0; i < 2; i++)
		if (json_object_object_get_ex(o, numbers[i], &v) &&
		    json_object_is_type(v, json_type_string))
			json_object_object_add(o, numbers[i],
					       json_object_new_int64(strtoll(json_object_get_string(v), NULL, 10)));
	for (size_t i = 0; i < 3; i++)
		if (!json_object_object_get_ex(o, dates[i], &v) ||
		    (json_object_is_type(v, json_type_string) && !*json_object_get_string(v)))
			json_object_object_add(o, dates[i], NULL);
	if (json_object_object_get_ex(o, "unit", &v) &&
	    (dept = hl_routes_department(routes, json_object_get_string(v))))
		json_object_object_add(o, "unit_name", json_object_new_string(dept->name));
	if (json_object_object_get_ex(o, "updated_ms", &v)) {
		hl_time_format_iso(json_object_get_int64(v), at);
		json_object_object_add(o, "updated_at", json_object_new_string(at));
	}
	return o;
}

struct json_object *hl_kb_entry_from_hash(const struct redisReply *hash,
					  const struct hl_routes *routes)
{
	struct json_object *o;

	if (!hash || hash->type != REDIS_REPLY_ARRAY || hash->elements < 2 ||
	    !(o = json_object_new_object()))
		return NULL;
	for (size_t i = 0; i + 1 < hash->elements; i += 2)
		if (hash->element[i]->type == REDIS_REPLY_STRING &&
		    hash->element[i + 1]->type == REDIS_REPLY_STRING)
			json_object_object_add(o, hash->element[i]->str,
					       json_object_new_string(hash->element[i + 1]->str));
	return finish(o, routes);
}

struct json_object *hl_kb_entry_from_json(const char *text, const struct hl_routes *routes)
{
	struct json_object *o = json_tokener_parse(text);

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return finish(o, routes);
}

/* The texts of a JSON array, joined by sep, appended at out (room enough: the array's own
 * length). Returns the end. */
static char *join(const char *json, char sep, char *out)
{
	struct json_object *a = json ? json_tokener_parse(json) : NULL;
	char *p = out;

	for (size_t i = 0; a && json_object_is_type(a, json_type_array) &&
			   i < json_object_array_length(a);
	     i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));
		size_t n = s ? strlen(s) : 0;

		if (p > out)
			*p++ = sep;
		memcpy(p, s ? s : "", n);
		p += n;
	}
	*p = '\0';
	json_object_put(a);
	return p;
}

int hl_kb_fields_from_hash(const struct redisReply *hash, struct hl_kb_doc_fields *f,
			   char **joined_r)
{
	const char *questions = hl_kb_hash_get(hash, "questions");
	const char *tags = hl_kb_hash_get(hash, "tags");
	const char *version = hl_kb_hash_get(hash, "version");
	size_t room = (questions ? strlen(questions) : 0) + (tags ? strlen(tags) : 0) + 2;
	char *buf;

	memset(f, 0, sizeof(*f));
	*joined_r = NULL;
	if (!(f->id = hl_kb_hash_get(hash, "id")) || !version || !(buf = malloc(room)))
		return -1;
	f->questions = buf;
	f->tags = join(questions, '\n', buf) + 1;
	join(tags, ' ', (char *)f->tags);
	f->title = hl_kb_hash_get(hash, "title");
	f->unit = hl_kb_hash_get(hash, "unit");
	f->answer = hl_kb_hash_get(hash, "answer");
	f->effective_until = hl_kb_hash_get(hash, "effective_until");
	f->version = strtol(version, NULL, 10);
	*joined_r = buf;
	return 0;
}
