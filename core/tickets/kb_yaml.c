/* The knowledge base's YAML files, read and written; see kb_yaml.h. */
#include "tickets/kb_yaml.h"

#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/yaml_tree.h"

static const char *const texts[] = {"id",		"title",	   "answer", "unit",
				    "source",		"effective_from", "effective_until",
				    "reviewed_at"};
static const char *const lists[] = {"questions", "tags"};

static int is_one_of(const char *key, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, names[i]) == 0)
			return 1;
	return 0;
}

static int read_entry(const struct hl_yaml_node *map, struct json_object *entry, char *err,
		      size_t errlen)
{
	if (map->kind != HL_YAML_MAP)
		return hl_yaml_error(err, errlen, map, "an entry must be a mapping, not %s",
				     hl_yaml_kind_name(map));
	for (size_t i = 0; i < map->count; i++) {
		const struct hl_yaml_node *k = hl_yaml_key(map, i), *v = hl_yaml_value(map, i);
		const char *key = k->kind == HL_YAML_SCALAR ? k->text : "";

		if (hl_yaml_is_null(v))
			continue;
		if (is_one_of(key, texts, sizeof(texts) / sizeof(texts[0]))) {
			if (v->kind != HL_YAML_SCALAR)
				return hl_yaml_error(err, errlen, v, "%s: expected a text", key);
			json_object_object_add(entry, key, json_object_new_string(v->text));
		} else if (is_one_of(key, lists, 2)) {
			struct json_object *a;

			if (v->kind != HL_YAML_SEQ)
				return hl_yaml_error(err, errlen, v, "%s: expected a list", key);
			a = json_object_new_array();
			json_object_object_add(entry, key, a);
			for (size_t j = 0; j < v->count; j++) {
				if (v->items[j]->kind != HL_YAML_SCALAR)
					return hl_yaml_error(err, errlen, v->items[j],
							     "%s: expected a list of texts", key);
				json_object_array_add(a, json_object_new_string(v->items[j]->text));
			}
		} else {
			return hl_yaml_error(err, errlen, k, "unknown key '%s'", key);
		}
	}
	if (!json_object_object_get_ex(entry, "id", NULL))
		return hl_yaml_error(err, errlen, map, "an entry without an id");
	return 0;
}

int hl_kb_yaml_read(const char *path, struct json_object **entries_r, char *err,
		    size_t errlen)
{
	struct hl_yaml_doc *doc;
	const struct hl_yaml_node *list;
	struct json_object *out, *seen;
	int rc = 0;

	*entries_r = NULL;
	if (hl_yaml_load_file(path, &doc, err, errlen) < 0)
		return -1;
	if (!doc->root || doc->root->kind != HL_YAML_MAP ||
	    !(list = hl_yaml_map_get(doc->root, "entries")) || list->kind != HL_YAML_SEQ) {
		snprintf(err, errlen, "%s: expected 'entries:', a list of entries", path);
		hl_yaml_free(doc);
		return -1;
	}
	out = json_object_new_array();
	seen = json_object_new_object();
	for (size_t i = 0; rc == 0 && i < list->count; i++) {
		struct json_object *entry = json_object_new_object();
		const char *id;

		json_object_array_add(out, entry);
		if ((rc = read_entry(list->items[i], entry, err, errlen)) < 0)
			break;
		id = json_object_get_string(json_object_object_get(entry, "id"));
		if (json_object_object_get_ex(seen, id, NULL))
			rc = hl_yaml_error(err, errlen, list->items[i], "the id '%s' twice", id);
		json_object_object_add(seen, id, NULL);
	}
	json_object_put(seen);
	hl_yaml_free(doc);
	if (rc < 0) {
		json_object_put(out);
		return -1;
	}
	*entries_r = out;
	return 0;
}

static int yaml_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".yaml") == 0;
}

int hl_kb_yaml_read_path(const char *path, struct json_object **entries_r, char *err,
			 size_t errlen)
{
	struct dirent **names;
	struct json_object *all;
	DIR *dir = opendir(path);
	int n, rc = 0;

	if (!dir)
		return hl_kb_yaml_read(path, entries_r, err, errlen);
	closedir(dir);
	*entries_r = NULL;
	if ((n = scandir(path, &names, yaml_name, alphasort)) < 0) {
		snprintf(err, errlen, "%s: cannot read the folder", path);
		return -1;
	}
	all = json_object_new_array();
	for (int i = 0; i < n; i++) {
		char file[4096];
		struct json_object *entries;

		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		free(names[i]);
		if (rc == 0 && (rc = hl_kb_yaml_read(file, &entries, err, errlen)) == 0) {
			for (size_t k = 0; k < json_object_array_length(entries); k++)
				json_object_array_add(
					all, json_object_get(json_object_array_get_idx(entries, k)));
			json_object_put(entries);
		}
	}
	free(names);
	if (rc == 0 && n == 0) {
		snprintf(err, errlen, "%s: no .yaml files", path);
		rc = -1;
	}
	if (rc < 0) {
		json_object_put(all);
		return -1;
	}
	*entries_r = all;
	return 0;
}

char *hl_kb_yaml_joined(struct json_object *entry, const char *key, char sep)
{
	struct json_object *a = json_object_object_get(entry, key);
	size_t len = 1, at = 0;
	char *out;

	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		len += strlen(json_object_get_string(json_object_array_get_idx(a, i))) + 1;
	if (!(out = calloc(1, len)))
		return NULL;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		const char *t = json_object_get_string(json_object_array_get_idx(a, i));
		size_t n = strlen(t);

		if (i > 0)
			out[at++] = sep;
		memcpy(out + at, t, n);
		at += n;
	}
	out[at] = '\0';
	return out;
}

/* A text as a YAML double-quoted scalar: JSON's string syntax is YAML's. */
static void quoted(FILE *out, const char *s)
{
	struct json_object *v = json_object_new_string(s);

	fputs(json_object_to_json_string_ext(v, JSON_C_TO_STRING_NOSLASHESCAPE), out);
	json_object_put(v);
}

/* A multi-line text as a literal block scalar when it reads back the same, else quoted. */
static void block(FILE *out, const char *s, const char *indent)
{
	size_t n = strlen(s);
	int ok = n > 0 && s[0] != ' ' && s[0] != '\n' && !strchr(s, '\r') && !strchr(s, '\t');

	for (const char *p = s; ok && (p = strchr(p, '\n')); p++)
		if (p > s && p[-1] == ' ')
			ok = 0; /* trailing spaces would be kept, but hard to see */
	if (!ok || !strchr(s, '\n')) {
		quoted(out, s);
		fputc('\n', out);
		return;
	}
	/* clip (|) keeps one final line break, strip (|-) none, keep (|+) all */
	fputs(s[n - 1] != '\n' ? "|-\n" : n > 1 && s[n - 2] == '\n' ? "|+\n" : "|\n", out);
	for (const char *p = s; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len)
			fprintf(out, "%s%.*s\n", indent, (int)len, p);
		else
			fputc('\n', out);
		p += len + (e ? 1 : 0);
	}
}

int hl_kb_yaml_write(FILE *out, struct json_object *entries)
{
	fputs("entries:\n", out);
	for (size_t i = 0; i < json_object_array_length(entries); i++) {
		struct json_object *e = json_object_array_get_idx(entries, i), *v;
		int first = 1;
		static const char *const order[] = {"id",	  "title",	     "questions",
						    "answer",	  "unit",	     "tags",
						    "source",	  "effective_from", "effective_until",
						    "reviewed_at"};

		for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			if (!json_object_object_get_ex(e, order[k], &v) || !v)
				continue;
			fprintf(out, "%s%s: ", first ? "  - " : "    ", order[k]);
			first = 0;
			if (json_object_is_type(v, json_type_array)) {
				fputs(json_object_array_length(v) ? "\n" : "[]\n", out);
				for (size_t j = 0; j < json_object_array_length(v); j++) {
					fputs("      - ", out);
					quoted(out, json_object_get_string(json_object_array_get_idx(v, j)));
					fputc('\n', out);
				}
			} else if (!strcmp(order[k], "answer")) {
				block(out, json_object_get_string(v), "      ");
			} else {
				quoted(out, json_object_get_string(v));
				fputc('\n', out);
			}
		}
	}
	return ferror(out) ? -1 : 0;
}
