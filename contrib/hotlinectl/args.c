/* Command-line options and what they put into a request; see args.h. */
#include "args.h"

#include <errno.h>
#include <event2/http.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static int find(const struct hlc_args *a, const char *name, size_t len)
{
	for (size_t i = 0; i < a->nopts; i++) {
		if (strlen(a->opts[i]->name) == len && strncmp(a->opts[i]->name, name, len) == 0)
			return (int)i;
	}
	return -1;
}

static int add_value(struct hlc_args *a, size_t i, const char *value)
{
	const char **grown;

	if (a->opts[i]->kind != HLC_LIST && a->nvalues[i] > 0) {
		a->values[i][0] = value; /* the last one counts */
		return 0;
	}
	grown = realloc(a->values[i], (a->nvalues[i] + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	grown[a->nvalues[i]++] = value;
	a->values[i] = grown;
	return 0;
}

int hlc_args_parse(struct hlc_args *a, int argc, char **argv,
		   const struct hlc_opt *const *tables, char *err, size_t errlen)
{
	int only_positional = 0;

	memset(a, 0, sizeof(*a));
	for (size_t t = 0; tables[t]; t++) {
		for (const struct hlc_opt *o = tables[t]; o->name; o++) {
			if (a->nopts == HLC_MAX_OPTS) {
				snprintf(err, errlen, "too many options");
				return -1;
			}
			if (find(a, o->name, strlen(o->name)) < 0)
				a->opts[a->nopts++] = o;
		}
	}
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *name, *eq, *value = NULL;
		int k;

		if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
			if (a->npositional == HLC_MAX_POSITIONAL) {
				snprintf(err, errlen, "too many arguments (at '%s')", arg);
				goto fail;
			}
			a->positional[a->npositional++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_positional = 1;
			continue;
		}
		if (strcmp(arg, "-h") == 0)
			arg = "--help";
		if (arg[1] != '-') {
			snprintf(err, errlen, "unknown option '%s' (options are long: --name)", arg);
			goto fail;
		}
		name = arg + 2;
		eq = strchr(name, '=');
		k = find(a, name, eq ? (size_t)(eq - name) : strlen(name));
		if (k < 0) {
			snprintf(err, errlen, "unknown option '--%.*s'",
				 (int)(eq ? (size_t)(eq - name) : strlen(name)), name);
			goto fail;
		}
		if (a->opts[k]->kind == HLC_FLAG) {
			if (eq) {
				snprintf(err, errlen, "option '--%s' takes no value", a->opts[k]->name);
				goto fail;
			}
			value = "";
		} else if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			snprintf(err, errlen, "option '--%s' needs a value (%s)", a->opts[k]->name,
				 a->opts[k]->metavar ? a->opts[k]->metavar : "VALUE");
			goto fail;
		}
		if (add_value(a, (size_t)k, value) < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	return 0;
fail:
	hlc_args_free(a);
	return -1;
}

void hlc_args_free(struct hlc_args *a)
{
	for (size_t i = 0; i < HLC_MAX_OPTS; i++) {
		free(a->values[i]);
		a->values[i] = NULL;
		a->nvalues[i] = 0;
	}
}

size_t hlc_arg_values(const struct hlc_args *a, const char *name, const char *const **values_r)
{
	int k = find(a, name, strlen(name));

	if (k < 0 || a->nvalues[k] == 0) {
		*values_r = NULL;
		return 0;
	}
	*values_r = a->values[k];
	return a->nvalues[k];
}

const char *hlc_arg(const struct hlc_args *a, const char *name)
{
	const char *const *v;
	size_t n = hlc_arg_values(a, name, &v);

	return n ? v[n - 1] : NULL;
}

int hlc_arg_given(const struct hlc_args *a, const char *name)
{
	return hlc_arg(a, name) != NULL;
}

/* The object that holds member "a.b.c" (creating a and b), and the last part's name. */
static struct json_object *parent_of(struct json_object *body, const char *member,
				     char *last, size_t lastlen)
{
	const char *dot;

	while ((dot = strchr(member, '.')) != NULL) {
		char part[64];
		struct json_object *child;

		snprintf(part, sizeof(part), "%.*s", (int)(dot - member), member);
		if (!json_object_object_get_ex(body, part, &child) ||
		    !json_object_is_type(child, json_type_object)) {
			child = json_object_new_object();
			json_object_object_add(body, part, child);
		}
		body = child;
		member = dot + 1;
	}
	snprintf(last, lastlen, "%s", member);
	return body;
}

static struct json_object *value_json(const struct hlc_opt *o, const char *const *values,
				      size_t n, char *err, size_t errlen)
{
	struct json_object *list;
	char *end;
	double d;

	switch (o->into) {
	case HLC_STRING:
		return json_object_new_string(values[n - 1]);
	case HLC_NUMBER:
		errno = 0;
		d = strtod(values[n - 1], &end);
		if (!values[n - 1][0] || *end || errno) {
			snprintf(err, errlen, "--%s: expected a number, got '%s'", o->name,
				 values[n - 1]);
			return NULL;
		}
		return json_object_new_double(d);
	case HLC_TRUE:
		return json_object_new_boolean(1);
	case HLC_ARRAY:
	case HLC_COMMA_ARRAY:
		list = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			const char *v = values[i];

			while (o->into == HLC_COMMA_ARRAY && *v) {
				size_t len = strcspn(v, ",");

				if (len > 0)
					json_object_array_add(list,
							      json_object_new_string_len(v, (int)len));
				v += len + (v[len] == ',');
			}
			if (o->into == HLC_ARRAY)
				json_object_array_add(list, json_object_new_string(v));
		}
		return list;
	case HLC_NOWHERE:
		break;
	}
	return NULL;
}

int hlc_args_to_json(const struct hlc_args *a, const struct hlc_opt *table,
		     struct json_object *body, char *err, size_t errlen)
{
	for (const struct hlc_opt *o = table; o->name; o++) {
		const char *const *values;
		size_t n = hlc_arg_values(a, o->name, &values);
		struct json_object *parent, *v;
		char last[64];

		if (n == 0 || o->into == HLC_NOWHERE || !o->member)
			continue;
		v = value_json(o, values, n, err, errlen);
		if (!v)
			return -1;
		parent = parent_of(body, o->member, last, sizeof(last));
		json_object_object_add(parent, last, v);
	}
	return 0;
}

/* Appends "name=value" (value escaped) to url, after '?' or '&' as it needs. */
static int query_add(char *url, size_t cap, const char *name, const char *value)
{
	char *escaped = evhttp_uriencode(value, -1, 0);
	size_t len = strlen(url);
	const char *sep = !strchr(url, '?') ? "?"
			  : len && (url[len - 1] == '?' || url[len - 1] == '&') ? ""
										  : "&";
	int n;

	if (!escaped)
		return -1;
	n = snprintf(url + len, cap - len, "%s%s=%s", sep, name, escaped);
	free(escaped);
	return n < 0 || (size_t)n >= cap - len ? -1 : 0;
}

int hlc_query_add(char *url, size_t cap, const char *name, const char *value)
{
	return query_add(url, cap, name, value);
}

int hlc_args_to_query(const struct hlc_args *a, const struct hlc_opt *table, char *url,
		      size_t cap)
{
	for (const struct hlc_opt *o = table; o->name; o++) {
		const char *const *values;
		size_t n = hlc_arg_values(a, o->name, &values);

		if (n == 0 || o->into == HLC_NOWHERE || !o->member)
			continue;
		for (size_t i = o->kind == HLC_LIST ? 0 : n - 1; i < n; i++) {
			if (query_add(url, cap, o->member,
				      o->into == HLC_TRUE ? "true" : values[i]) < 0)
				return -1;
		}
	}
	return 0;
}

void hlc_args_help(FILE *out, const struct hlc_opt *table)
{
	size_t widest = 0;

	for (const struct hlc_opt *o = table; o->name; o++) {
		size_t w = 2 + strlen(o->name) + (o->metavar ? 1 + strlen(o->metavar) : 0);

		if (w > widest)
			widest = w;
	}
	for (const struct hlc_opt *o = table; o->name; o++) {
		char left[128];

		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->metavar ? " " : "",
			 o->metavar ? o->metavar : "");
		fprintf(out, "  %-*s  %s\n", (int)widest, left, o->help);
	}
}
