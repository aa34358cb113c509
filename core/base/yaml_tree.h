/*
 * YAML files as a tree of nodes that remember where they stood (file:line:column), so
 * that every configuration and routes error can point at the exact place. Built on
 * libyaml's event parser. Anchors and aliases, multiple documents, duplicate keys,
 * non-scalar keys and nesting deeper than 64 levels are refused: the city's files are
 * plain data.
 */
#ifndef HL_YAML_TREE_H
#define HL_YAML_TREE_H

#include <stddef.h>

enum hl_yaml_kind { HL_YAML_SCALAR, HL_YAML_SEQ, HL_YAML_MAP };

struct hl_yaml_node {
	enum hl_yaml_kind kind;
	unsigned line, column; /* 1-based position of the node's start */
	const char *file;      /* borrowed from the document */
	char *text;            /* scalar: its text, NUL-terminated (may contain no NUL) */
	size_t text_len;
	int plain;             /* scalar: written without quotes */
	size_t count;          /* seq: items; map: pairs */
	struct hl_yaml_node **items; /* seq: count items; map: key, value, key, value ... */
};

struct hl_yaml_doc {
	char *file;
	struct hl_yaml_node *root; /* NULL for an empty file */
};

/* Parses a file. On success returns 0 and *doc_r, owned by the caller (hl_yaml_free).
 * On failure returns -1 with "file:line:column: reason" in err. */
int hl_yaml_load_file(const char *path, struct hl_yaml_doc **doc_r, char *err, size_t errlen);

/* Same, for text in memory; `name` stands for the file in messages. */
int hl_yaml_load_string(const char *name, const char *text, size_t len,
			struct hl_yaml_doc **doc_r, char *err, size_t errlen);

void hl_yaml_free(struct hl_yaml_doc *doc);

/* Map lookup: the value node for key, or NULL. Borrowed from the document. */
const struct hl_yaml_node *hl_yaml_map_get(const struct hl_yaml_node *map, const char *key);

/* Map accessors by pair index. */
static inline const struct hl_yaml_node *hl_yaml_key(const struct hl_yaml_node *map, size_t i)
{
	return map->items[2 * i];
}
static inline const struct hl_yaml_node *hl_yaml_value(const struct hl_yaml_node *map, size_t i)
{
	return map->items[2 * i + 1];
}

/* A scalar written as null (~, null, or nothing at all, unquoted). */
int hl_yaml_is_null(const struct hl_yaml_node *node);

/* Human words for a node's kind: "a scalar", "a sequence", "a mapping". */
const char *hl_yaml_kind_name(const struct hl_yaml_node *node);

/* Writes "file:line:column: <formatted message>" into err. Returns -1, so that callers
 * can `return hl_yaml_error(...)`. */
int hl_yaml_error(char *err, size_t errlen, const struct hl_yaml_node *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
