/* Loads YAML into hl_yaml_node trees with positions; see yaml_tree.h. */
#include "base/yaml_tree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deeper nesting than this is refused, so hostile input cannot exhaust the stack. */
#define MAX_DEPTH 64

struct loader {
	yaml_parser_t parser;
	const char *file;
	const char *text; /* the input, to place reader errors */
	size_t len;
	char *err;
	size_t errlen;
};

int hl_yaml_error(char *err, size_t errlen, const struct hl_yaml_node *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s:%u:%u: ", at->file, at->line, at->column);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int mark_error(struct loader *l, const yaml_mark_t *mark, const char *what)
{
	snprintf(l->err, l->errlen, "%s:%zu:%zu: %s", l->file, mark->line + 1, mark->column + 1,
		 what);
	return -1;
}

static int parser_error(struct loader *l)
{
	yaml_parser_t *p = &l->parser;
	const char *problem = p->problem ? p->problem : "malformed YAML";

	/* Reader errors (bad UTF-8, control characters) only carry a byte offset. */
	if (p->error == YAML_READER_ERROR) {
		size_t line = 0, col = 0;
		for (size_t i = 0; i < p->problem_offset && i < l->len; i++) {
			if (l->text[i] == '\n') {
				line++;
				col = 0;
			} else if (((unsigned char)l->text[i] & 0xC0) != 0x80) {
				col++; /* count characters, not UTF-8 continuation bytes */
			}
		}
		p->problem_mark.line = line;
		p->problem_mark.column = col;
	}
	if (p->context)
		snprintf(l->err, l->errlen, "%s:%zu:%zu: %s %s", l->file, p->problem_mark.line + 1,
			 p->problem_mark.column + 1, problem, p->context);
	else
		snprintf(l->err, l->errlen, "%s:%zu:%zu: %s", l->file, p->problem_mark.line + 1,
			 p->problem_mark.column + 1, problem);
	return -1;
}

static void node_free(struct hl_yaml_node *node)
{
	if (!node)
		return;
	size_t n = node->kind == HL_YAML_MAP ? node->count * 2 : node->count;
	for (size_t i = 0; i < n; i++)
		node_free(node->items[i]);
	free(node->items);
	free(node->text);
	free(node);
}

static struct hl_yaml_node *node_new(struct loader *l, enum hl_yaml_kind kind,
				     const yaml_mark_t *mark)
{
	struct hl_yaml_node *node = calloc(1, sizeof(*node));

	if (!node)
		return NULL;
	node->kind = kind;
	node->line = (unsigned)mark->line + 1;
	node->column = (unsigned)mark->column + 1;
	node->file = l->file;
	return node;
}

/* Appends child as item number `used` of parent's items. */
static int node_append(struct hl_yaml_node *parent, struct hl_yaml_node *child, size_t used,
		       size_t *cap)
{
	if (used == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct hl_yaml_node **items = realloc(parent->items, ncap * sizeof(*items));
		if (!items)
			return -1;
		parent->items = items;
		*cap = ncap;
	}
	parent->items[used] = child;
	return 0;
}

static int parse_node(struct loader *l, yaml_event_t *first, unsigned depth,
		      struct hl_yaml_node **node_r);

/* A mapping key must be a scalar and not repeat an earlier key of the same mapping. */
static int check_key(struct loader *l, const struct hl_yaml_node *map,
		     const struct hl_yaml_node *key)
{
	if (key->kind != HL_YAML_SCALAR)
		return hl_yaml_error(l->err, l->errlen, key, "a mapping key must be a scalar, not %s",
				     hl_yaml_kind_name(key));
	for (size_t i = 0; i < map->count; i++) {
		const struct hl_yaml_node *earlier = hl_yaml_key(map, i);
		if (strcmp(earlier->text, key->text) == 0)
			return hl_yaml_error(l->err, l->errlen, key,
					     "duplicate key '%s' (first at line %u, column %u)",
					     key->text, earlier->line, earlier->column);
	}
	return 0;
}

/* Parses the children of a sequence or mapping whose start event was already read. */
static int parse_children(struct loader *l, struct hl_yaml_node *parent, unsigned depth)
{
	yaml_event_type_t end = parent->kind == HL_YAML_MAP ? YAML_MAPPING_END_EVENT
							   : YAML_SEQUENCE_END_EVENT;
	size_t cap = 0;
	size_t nitems = 0;

	for (;;) {
		yaml_event_t ev;
		struct hl_yaml_node *child = NULL;

		if (!yaml_parser_parse(&l->parser, &ev)) {
			parser_error(l);
			goto fail;
		}
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		int is_key = parent->kind == HL_YAML_MAP && nitems % 2 == 0;
		int rc = parse_node(l, &ev, depth + 1, &child);
		yaml_event_delete(&ev);
		if (rc < 0)
			goto fail;
		if (is_key && check_key(l, parent, child) < 0) {
			node_free(child);
			goto fail;
		}
		if (node_append(parent, child, nitems, &cap) < 0) {
			node_free(child);
			mark_error(l, &l->parser.mark, "out of memory");
			goto fail;
		}
		nitems++;
		parent->count = parent->kind == HL_YAML_MAP ? nitems / 2 : nitems;
	}
fail:
	/* A key whose value failed is not counted in parent->count: free it here. */
	if (parent->kind == HL_YAML_MAP && nitems % 2 == 1)
		node_free(parent->items[nitems - 1]);
	return -1;
}

static int parse_node(struct loader *l, yaml_event_t *ev, unsigned depth,
		      struct hl_yaml_node **node_r)
{
	struct hl_yaml_node *node;

	if (depth > MAX_DEPTH)
		return mark_error(l, &ev->start_mark, "nesting deeper than 64 levels");
	if ((ev->type == YAML_SCALAR_EVENT && ev->data.scalar.anchor) ||
	    (ev->type == YAML_SEQUENCE_START_EVENT && ev->data.sequence_start.anchor) ||
	    (ev->type == YAML_MAPPING_START_EVENT && ev->data.mapping_start.anchor))
		return mark_error(l, &ev->start_mark, "anchors (&name) are not supported here");
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		node = node_new(l, HL_YAML_SCALAR, &ev->start_mark);
		if (!node)
			return mark_error(l, &ev->start_mark, "out of memory");
		node->text_len = ev->data.scalar.length;
		node->text = malloc(node->text_len + 1);
		if (!node->text) {
			node_free(node);
			return mark_error(l, &ev->start_mark, "out of memory");
		}
		memcpy(node->text, ev->data.scalar.value, node->text_len);
		node->text[node->text_len] = '\0';
		if (strlen(node->text) != node->text_len) {
			node_free(node);
			return mark_error(l, &ev->start_mark, "NUL character in a scalar");
		}
		node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		*node_r = node;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		node = node_new(l, ev->type == YAML_MAPPING_START_EVENT ? HL_YAML_MAP : HL_YAML_SEQ,
				&ev->start_mark);
		if (!node)
			return mark_error(l, &ev->start_mark, "out of memory");
		if (parse_children(l, node, depth) < 0) {
			node_free(node);
			return -1;
		}
		*node_r = node;
		return 0;
	case YAML_ALIAS_EVENT:
		return mark_error(l, &ev->start_mark, "aliases (*name) are not supported here");
	default:
		return mark_error(l, &ev->start_mark, "unexpected YAML event");
	}
}

static int parse_document(struct loader *l, struct hl_yaml_doc *doc)
{
	yaml_event_t ev;
	int rc = -1;

	/* stream start */
	if (!yaml_parser_parse(&l->parser, &ev))
		return parser_error(l);
	yaml_event_delete(&ev);
	if (!yaml_parser_parse(&l->parser, &ev))
		return parser_error(l);
	if (ev.type == YAML_STREAM_END_EVENT) { /* empty file */
		yaml_event_delete(&ev);
		return 0;
	}
	yaml_event_delete(&ev); /* document start */
	if (!yaml_parser_parse(&l->parser, &ev))
		return parser_error(l);
	rc = parse_node(l, &ev, 0, &doc->root);
	yaml_event_delete(&ev);
	if (rc < 0)
		return -1;
	if (!yaml_parser_parse(&l->parser, &ev)) /* document end */
		return parser_error(l);
	yaml_event_delete(&ev);
	if (!yaml_parser_parse(&l->parser, &ev))
		return parser_error(l);
	rc = 0;
	if (ev.type != YAML_STREAM_END_EVENT)
		rc = mark_error(l, &ev.start_mark, "only one YAML document per file");
	yaml_event_delete(&ev);
	return rc;
}

int hl_yaml_load_string(const char *name, const char *text, size_t len,
			struct hl_yaml_doc **doc_r, char *err, size_t errlen)
{
	struct loader l = {.err = err, .errlen = errlen};
	struct hl_yaml_doc *doc = calloc(1, sizeof(*doc));

	if (!doc || !(doc->file = strdup(name))) {
		free(doc);
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	l.file = doc->file;
	l.text = text;
	l.len = len;
	if (!yaml_parser_initialize(&l.parser)) {
		hl_yaml_free(doc);
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&l.parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&l.parser, YAML_UTF8_ENCODING);
	int rc = parse_document(&l, doc);
	yaml_parser_delete(&l.parser);
	if (rc < 0) {
		hl_yaml_free(doc);
		return -1;
	}
	*doc_r = doc;
	return 0;
}

int hl_yaml_load_file(const char *path, struct hl_yaml_doc **doc_r, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *ntext = realloc(text, cap ? cap * 2 : 8192);
			if (!ntext) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			text = ntext;
			cap = cap ? cap * 2 : 8192;
		}
		size_t n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	rc = hl_yaml_load_string(path, text, len, doc_r, err, errlen);
out:
	free(text);
	fclose(f);
	return rc;
}

void hl_yaml_free(struct hl_yaml_doc *doc)
{
	if (!doc)
		return;
	node_free(doc->root);
	free(doc->file);
	free(doc);
}

const struct hl_yaml_node *hl_yaml_map_get(const struct hl_yaml_node *map, const char *key)
{
	if (!map || map->kind != HL_YAML_MAP)
		return NULL;
	for (size_t i = 0; i < map->count; i++) {
		if (strcmp(hl_yaml_key(map, i)->text, key) == 0)
			return hl_yaml_value(map, i);
	}
	return NULL;
}

int hl_yaml_is_null(const struct hl_yaml_node *node)
{
	return node->kind == HL_YAML_SCALAR && node->plain &&
	       (node->text_len == 0 || strcmp(node->text, "~") == 0 ||
		strcmp(node->text, "null") == 0 || strcmp(node->text, "Null") == 0 ||
		strcmp(node->text, "NULL") == 0);
}

const char *hl_yaml_kind_name(const struct hl_yaml_node *node)
{
	switch (node->kind) {
	case HL_YAML_SCALAR:
		return "a scalar";
	case HL_YAML_SEQ:
		return "a sequence";
	default:
		return "a mapping";
	}
}
