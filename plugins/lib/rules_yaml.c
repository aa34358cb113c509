/* Shape checks for the routing files' YAML; see rules_yaml.h. */
#include "rules_yaml.h"

#include <string.h>

int hl_rules_mapping(const struct hl_yaml_node *node, const char *what,
		     const char *const *allowed, char *err, size_t errlen)
{
	if (node->kind != HL_YAML_MAP)
		return hl_yaml_error(err, errlen, node, "expected %s (a mapping), got %s", what,
				     hl_yaml_kind_name(node));
	for (size_t i = 0; i < node->count; i++) {
		const struct hl_yaml_node *key = hl_yaml_key(node, i);
		char expected[256] = "";
		size_t k;

		for (k = 0; allowed[k]; k++) {
			if (strcmp(key->text, allowed[k]) == 0)
				break;
		}
		if (allowed[k])
			continue;
		for (k = 0; allowed[k]; k++) {
			if (k)
				strncat(expected, ", ", sizeof(expected) - strlen(expected) - 1);
			strncat(expected, allowed[k], sizeof(expected) - strlen(expected) - 1);
		}
		return hl_yaml_error(err, errlen, key, "unknown key '%s' in %s (expected %s)",
				     key->text, what, expected);
	}
	return 0;
}

int hl_rules_string(const struct hl_yaml_node *map, const char *key, int required,
		    const char **text_r, char *err, size_t errlen)
{
	const struct hl_yaml_node *v = hl_yaml_map_get(map, key);

	*text_r = NULL;
	if (!v) {
		if (required)
			return hl_yaml_error(err, errlen, map, "missing key '%s'", key);
		return 0;
	}
	if (v->kind != HL_YAML_SCALAR || hl_yaml_is_null(v) || v->text_len == 0)
		return hl_yaml_error(err, errlen, v, "'%s' must be a non-empty scalar, got %s", key,
				     v->kind == HL_YAML_SCALAR ? "nothing" : hl_yaml_kind_name(v));
	*text_r = v->text;
	return 0;
}

int hl_rules_terms(const struct hl_yaml_node *map, const char *key, int required,
		   int nonempty, const struct hl_yaml_node **seq_r, char *err, size_t errlen)
{
	const struct hl_yaml_node *v = hl_yaml_map_get(map, key);

	*seq_r = NULL;
	if (!v) {
		if (required)
			return hl_yaml_error(err, errlen, map, "missing key '%s'", key);
		return 0;
	}
	if (v->kind != HL_YAML_SEQ)
		return hl_yaml_error(err, errlen, v, "'%s' must be a sequence of words, got %s",
				     key, hl_yaml_kind_name(v));
	if (nonempty && v->count == 0)
		return hl_yaml_error(err, errlen, v, "'%s' must list at least one word", key);
	for (size_t i = 0; i < v->count; i++) {
		const struct hl_yaml_node *t = v->items[i];

		if (t->kind != HL_YAML_SCALAR || hl_yaml_is_null(t) || t->text_len == 0)
			return hl_yaml_error(err, errlen, t,
					     "each of '%s' must be a non-empty word, got %s", key,
					     t->kind == HL_YAML_SCALAR ? "nothing"
								       : hl_yaml_kind_name(t));
		if (strlen(t->text) != t->text_len)
			return hl_yaml_error(err, errlen, t, "a word must not contain NUL");
	}
	*seq_r = v;
	return 0;
}
