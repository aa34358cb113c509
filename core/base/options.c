/* Option tables checked against YAML mappings, and typed getters; see options.h. */
#include "base/options.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/duration.h"
#include "base/log.h"

int hl_parse_int(const char *text, int64_t *value_r, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (*text == '\0' || isspace((unsigned char)*text) || *end != '\0') {
		snprintf(err, errlen, "expected a whole number, got '%s'", text);
		return -1;
	}
	if (errno == ERANGE) {
		snprintf(err, errlen, "expected a whole number, got '%s' (out of range)", text);
		return -1;
	}
	*value_r = v;
	return 0;
}

int hl_parse_bool(const char *text, int *value_r, char *err, size_t errlen)
{
	if (strcmp(text, "true") == 0) {
		*value_r = 1;
		return 0;
	}
	if (strcmp(text, "false") == 0) {
		*value_r = 0;
		return 0;
	}
	snprintf(err, errlen, "expected true or false, got '%s'", text);
	return -1;
}

int hl_parse_size(const char *text, uint64_t *size_r, char *err, size_t errlen)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} suffixes[] = {{"", 0}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30}};
	const char *p = text;
	uint64_t n = 0;

	if (!isdigit((unsigned char)*p))
		goto bad;
	while (isdigit((unsigned char)*p)) {
		if (n > (UINT64_MAX - 9) / 10)
			goto bad;
		n = n * 10 + (uint64_t)(*p++ - '0');
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strcmp(p, suffixes[i].suffix) == 0) {
			if (n > (UINT64_MAX >> suffixes[i].shift))
				goto bad;
			*size_r = n << suffixes[i].shift;
			return 0;
		}
	}
bad:
	snprintf(err, errlen, "expected a size such as 65536, 64KiB, 1MiB or 1GiB, got '%s'", text);
	return -1;
}

int hl_parse_address(const char *text, struct hl_address *addr_r, char *err, size_t errlen)
{
	const char *host = text, *colon;
	size_t hlen;
	unsigned char buf[sizeof(struct in6_addr)];
	int64_t port;
	char perr[128];

	if (*text == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':')
			goto bad;
		host = text + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (!colon)
			goto bad;
		hlen = (size_t)(colon - text);
	}
	if (hlen == 0 || hlen >= sizeof(addr_r->host))
		goto bad;
	memcpy(addr_r->host, host, hlen);
	addr_r->host[hlen] = '\0';
	if (inet_pton(AF_INET, addr_r->host, buf) != 1 && inet_pton(AF_INET6, addr_r->host, buf) != 1)
		goto bad;
	if (hl_parse_int(colon + 1, &port, perr, sizeof(perr)) < 0 || port < 0 || port > 65535)
		goto bad;
	addr_r->port = (uint16_t)port;
	return 0;
bad:
	snprintf(err, errlen,
		 "expected an IP address and port such as 127.0.0.1:12345 or [::1]:12345, got '%s'",
		 text);
	return -1;
}

static const char *type_name(enum hl_option_type type)
{
	switch ((int)type) {
	case HL_OPT_STRING:
		return "a string";
	case HL_OPT_INT:
		return "a whole number";
	case HL_OPT_BOOL:
		return "true or false";
	case HL_OPT_DURATION:
		return "a duration";
	case HL_OPT_SIZE:
		return "a size";
	case HL_OPT_STRING_LIST:
		return "a list of strings";
	case HL_OPT_PATH:
		return "a file path";
	case (int)HL_OPT_ADDRESS:
		return "an address";
	case (int)HL_OPT_SECTION:
		return "a mapping";
	case (int)HL_OPT_SEQUENCE:
		return "a sequence";
	default:
		return NULL;
	}
}

/* Checks a scalar's text against a scalar type. */
static int check_scalar_text(enum hl_option_type type, const char *text, char *err, size_t errlen)
{
	int64_t i;
	int b;
	uint64_t u;
	struct hl_duration d;
	struct hl_address a;

	switch ((int)type) {
	case HL_OPT_STRING:
		return 0;
	case HL_OPT_PATH:
		if (*text)
			return 0;
		snprintf(err, errlen, "expected a file path, got an empty string");
		return -1;
	case HL_OPT_INT:
		return hl_parse_int(text, &i, err, errlen);
	case HL_OPT_BOOL:
		return hl_parse_bool(text, &b, err, errlen);
	case HL_OPT_DURATION:
		return hl_duration_parse(text, &d, err, errlen);
	case HL_OPT_SIZE:
		return hl_parse_size(text, &u, err, errlen);
	case (int)HL_OPT_ADDRESS:
		return hl_parse_address(text, &a, err, errlen);
	default:
		snprintf(err, errlen, "expected %s", type_name(type));
		return -1;
	}
}

static int is_scalar_type(enum hl_option_type type)
{
	return type != HL_OPT_STRING_LIST && type != HL_OPT_SECTION && type != HL_OPT_SEQUENCE;
}

static int check_value(const struct hl_option *opt, const struct hl_yaml_node *value, char *err,
		       size_t errlen)
{
	char why[256];

	if (is_scalar_type(opt->type)) {
		if (value->kind != HL_YAML_SCALAR)
			return hl_yaml_error(err, errlen, value, "key '%s': expected %s, got %s",
					     opt->name, type_name(opt->type),
					     hl_yaml_kind_name(value));
		if (check_scalar_text(opt->type, value->text, why, sizeof(why)) < 0)
			return hl_yaml_error(err, errlen, value, "key '%s': %s", opt->name, why);
		return 0;
	}
	if (opt->type == HL_OPT_SECTION && value->kind != HL_YAML_MAP)
		return hl_yaml_error(err, errlen, value, "key '%s': expected a mapping, got %s",
				     opt->name, hl_yaml_kind_name(value));
	if (opt->type != HL_OPT_SECTION && value->kind != HL_YAML_SEQ)
		return hl_yaml_error(err, errlen, value, "key '%s': expected %s, got %s", opt->name,
				     type_name(opt->type), hl_yaml_kind_name(value));
	if (opt->type == HL_OPT_STRING_LIST) {
		for (size_t i = 0; i < value->count; i++) {
			if (value->items[i]->kind != HL_YAML_SCALAR)
				return hl_yaml_error(err, errlen, value->items[i],
						     "key '%s': expected a string, got %s",
						     opt->name, hl_yaml_kind_name(value->items[i]));
		}
	}
	return 0;
}

static const struct hl_option *find_option(const struct hl_option *schema, const char *name)
{
	for (const struct hl_option *o = schema; o && o->name; o++) {
		if (strcmp(o->name, name) == 0)
			return o;
	}
	return NULL;
}

/* "a, b, c" of a table's names, for "expected one of" messages. */
static void list_names(const struct hl_option *schema, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct hl_option *o = schema; o && o->name && used < len; o++) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", o->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int hl_options_check(const struct hl_option *schema, const struct hl_yaml_node *node,
		     const struct hl_yaml_node *where, char *err, size_t errlen)
{
	if (node && hl_yaml_is_null(node))
		node = NULL;
	if (node && node->kind != HL_YAML_MAP)
		return hl_yaml_error(err, errlen, node, "expected a mapping of options, got %s",
				     hl_yaml_kind_name(node));
	for (size_t i = 0; node && i < node->count; i++) {
		const struct hl_yaml_node *key = hl_yaml_key(node, i);
		const struct hl_yaml_node *value = hl_yaml_value(node, i);
		const struct hl_option *opt = find_option(schema, key->text);

		if (!opt) {
			char names[512];
			list_names(schema, names, sizeof(names));
			if (names[0])
				return hl_yaml_error(err, errlen, key,
						     "unknown key '%s' (expected one of: %s)",
						     key->text, names);
			return hl_yaml_error(err, errlen, key,
					     "unknown key '%s' (this takes no options)", key->text);
		}
		if (hl_yaml_is_null(value)) {
			if (opt->required)
				return hl_yaml_error(err, errlen, value,
						     "key '%s': a value is required (%s)",
						     opt->name, type_name(opt->type));
			continue;
		}
		if (check_value(opt, value, err, errlen) < 0)
			return -1;
	}
	for (const struct hl_option *o = schema; o && o->name; o++) {
		const struct hl_yaml_node *value = hl_yaml_map_get(node, o->name);
		if (o->required && !value) {
			const struct hl_yaml_node *at = node ? node : where;
			return hl_yaml_error(err, errlen, at, "missing required key '%s' (%s%s%s)",
					     o->name, type_name(o->type), o->help ? ": " : "",
					     o->help ? o->help : "");
		}
	}
	return 0;
}

int hl_options_check_schema(const struct hl_option *schema, char *err, size_t errlen)
{
	char why[256];

	for (const struct hl_option *o = schema; o && o->name; o++) {
		if (!type_name(o->type) || !(o->type <= HL_OPT_PATH)) {
			snprintf(err, errlen, "option '%s' has an unknown type %d", o->name, (int)o->type);
			return -1;
		}
		for (const struct hl_option *p = schema; p < o; p++) {
			if (strcmp(p->name, o->name) == 0) {
				snprintf(err, errlen, "option '%s' is declared twice", o->name);
				return -1;
			}
		}
		if (o->default_value && o->type != HL_OPT_STRING_LIST &&
		    check_scalar_text(o->type, o->default_value, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "option '%s' has a bad default: %s", o->name, why);
			return -1;
		}
	}
	return 0;
}

/* The text of a key's value, or its default, or NULL. Logs misuse (an undeclared key or a
 * getter of the wrong type) once per call, naming the owner. */
static const char *value_text(const struct hl_options *opts, const char *name,
			      enum hl_option_type type, const struct hl_yaml_node **node_r)
{
	const struct hl_option *opt = find_option(opts->schema, name);
	const struct hl_yaml_node *value;

	if (node_r)
		*node_r = NULL;
	if (!opt || opt->type != type) {
		hl_log(HL_LOG_ERROR, "options", "bad_getter owner=\"%s\" key=%s reason=\"%s\"",
		       opts->owner, name, opt ? "wrong type" : "not declared");
		return NULL;
	}
	value = hl_yaml_map_get(opts->node, name);
	if (value && hl_yaml_is_null(value))
		value = NULL;
	if (node_r)
		*node_r = value;
	if (value && value->kind == HL_YAML_SCALAR)
		return value->text;
	return value ? NULL : opt->default_value;
}

const char *hl_opt_string(const struct hl_options *opts, const char *name)
{
	const struct hl_option *opt = find_option(opts->schema, name);

	if (opt && opt->type == HL_OPT_PATH) {
		size_t i = (size_t)(opt - opts->schema);

		return opts->resolved && opts->resolved[i] ? opts->resolved[i]
							   : value_text(opts, name, HL_OPT_PATH, NULL);
	}
	return value_text(opts, name, HL_OPT_STRING, NULL);
}

int hl_options_resolve_paths(struct hl_options *opts, const char *base_dir)
{
	size_t n = 0;

	for (const struct hl_option *o = opts->schema; o && o->name; o++)
		n++;
	opts->resolved = calloc(n ? n : 1, sizeof(*opts->resolved));
	if (!opts->resolved)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *text;

		if (opts->schema[i].type != HL_OPT_PATH ||
		    !(text = value_text(opts, opts->schema[i].name, HL_OPT_PATH, NULL)))
			continue;
		if (text[0] == '/' ? !(opts->resolved[i] = strdup(text))
				   : asprintf(&opts->resolved[i], "%s/%s", base_dir, text) < 0) {
			opts->resolved[i] = NULL;
			return -1;
		}
	}
	return 0;
}

void hl_options_release(struct hl_options *opts)
{
	for (size_t i = 0; opts->resolved && opts->schema && opts->schema[i].name; i++)
		free(opts->resolved[i]);
	free(opts->resolved);
	opts->resolved = NULL;
}

int64_t hl_opt_int(const struct hl_options *opts, const char *name)
{
	const char *text = value_text(opts, name, HL_OPT_INT, NULL);
	int64_t v = 0;
	char err[128];

	if (text && hl_parse_int(text, &v, err, sizeof(err)) < 0)
		v = 0;
	return v;
}

int hl_opt_bool(const struct hl_options *opts, const char *name)
{
	const char *text = value_text(opts, name, HL_OPT_BOOL, NULL);
	int v = 0;
	char err[128];

	if (text && hl_parse_bool(text, &v, err, sizeof(err)) < 0)
		v = 0;
	return v;
}

struct hl_duration hl_opt_duration(const struct hl_options *opts, const char *name)
{
	const char *text = value_text(opts, name, HL_OPT_DURATION, NULL);
	struct hl_duration d = {0, HL_DUR_WALL_MS};
	char err[160];

	if (text && hl_duration_parse(text, &d, err, sizeof(err)) < 0)
		d = (struct hl_duration){0, HL_DUR_WALL_MS};
	return d;
}

uint64_t hl_opt_size(const struct hl_options *opts, const char *name)
{
	const char *text = value_text(opts, name, HL_OPT_SIZE, NULL);
	uint64_t v = 0;
	char err[128];

	if (text && hl_parse_size(text, &v, err, sizeof(err)) < 0)
		v = 0;
	return v;
}

int hl_opt_address(const struct hl_options *opts, const char *name, struct hl_address *addr)
{
	const char *text = value_text(opts, name, HL_OPT_ADDRESS, NULL);
	char err[160];

	if (!text)
		return -1;
	return hl_parse_address(text, addr, err, sizeof(err));
}

size_t hl_opt_list_count(const struct hl_options *opts, const char *name)
{
	const struct hl_yaml_node *node;

	value_text(opts, name, HL_OPT_STRING_LIST, &node);
	return node ? node->count : 0;
}

const char *hl_opt_list_item(const struct hl_options *opts, const char *name, size_t i)
{
	const struct hl_yaml_node *node;

	value_text(opts, name, HL_OPT_STRING_LIST, &node);
	return node && i < node->count ? node->items[i]->text : NULL;
}

const struct hl_yaml_node *hl_opt_node(const struct hl_options *opts, const char *name)
{
	const struct hl_option *opt = find_option(opts->schema, name);
	const struct hl_yaml_node *value;

	if (!opt || (opt->type != HL_OPT_SECTION && opt->type != HL_OPT_SEQUENCE))
		return NULL;
	value = hl_yaml_map_get(opts->node, name);
	return value && !hl_yaml_is_null(value) ? value : NULL;
}
