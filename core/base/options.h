/*
 * Declarative option tables (struct hl_option, from the plugin SDK) checked against a
 * YAML mapping, and the typed getters that read the checked values. The daemon's own
 * configuration sections and every plugin's subtree go through the same code, so both
 * report errors the same way: file:line:column, the key, what was expected.
 */
#ifndef HL_OPTIONS_H
#define HL_OPTIONS_H

#include <stdint.h>
#include <hotline/plugin.h>

#include "base/yaml_tree.h"

/* Types the daemon's own configuration uses beyond the SDK's; not part of the ABI. */
#define HL_OPT_ADDRESS ((enum hl_option_type)0x100) /* 127.0.0.1:12345, [::1]:80 */
#define HL_OPT_SECTION ((enum hl_option_type)0x101) /* a mapping, checked by its reader */
#define HL_OPT_SEQUENCE ((enum hl_option_type)0x102) /* a sequence, checked by its reader */

/* A checked mapping and the table it was checked against. Borrows both: the table is
 * static, the node belongs to a YAML document that must outlive this. */
struct hl_options {
	const struct hl_option *schema;
	const struct hl_yaml_node *node; /* a mapping, or NULL when the section is absent */
	const char *owner;               /* "config" or "plugin <name>", for log lines */
	char **resolved; /* HL_OPT_PATH values made absolute, by schema index; owned, may be
			    NULL (see hl_options_resolve_paths) */
};

struct hl_address {
	char host[64]; /* an IPv4 or IPv6 literal, without brackets */
	uint16_t port;
};

/*
 * Checks `node` (a mapping, or NULL for an absent section) against `schema`: every key
 * known, every required key present, every value of its declared type. `where` is the
 * node errors about missing keys point at when `node` is NULL. Returns 0, or -1 with
 * "file:line:column: ..." in err.
 */
int hl_options_check(const struct hl_option *schema, const struct hl_yaml_node *node,
		     const struct hl_yaml_node *where, char *err, size_t errlen);

/* Checks that a table is well formed: names unique, types known, defaults parse. For
 * tables from plugins. Returns 0, or -1 with a reason naming the key. */
int hl_options_check_schema(const struct hl_option *schema, char *err, size_t errlen);

/* Makes every HL_OPT_PATH value (or default) absolute against base_dir, for
 * hl_opt_string to return. Returns 0, or -1 when out of memory. Release with
 * hl_options_release. */
int hl_options_resolve_paths(struct hl_options *opts, const char *base_dir);
void hl_options_release(struct hl_options *opts);

/* Typed getters; see struct hl_host for their contract. A path option's value is read
 * with hl_opt_string. */
const char *hl_opt_string(const struct hl_options *opts, const char *name);
int64_t hl_opt_int(const struct hl_options *opts, const char *name);
int hl_opt_bool(const struct hl_options *opts, const char *name);
struct hl_duration hl_opt_duration(const struct hl_options *opts, const char *name);
uint64_t hl_opt_size(const struct hl_options *opts, const char *name);
size_t hl_opt_list_count(const struct hl_options *opts, const char *name);
const char *hl_opt_list_item(const struct hl_options *opts, const char *name, size_t i);
/* Returns 0 and fills *addr, or -1 when the key is absent and has no default. */
int hl_opt_address(const struct hl_options *opts, const char *name, struct hl_address *addr);
/* The raw node of an HL_OPT_SECTION or HL_OPT_SEQUENCE key, or NULL when absent. */
const struct hl_yaml_node *hl_opt_node(const struct hl_options *opts, const char *name);

/* Value parsers shared with other readers. Each returns 0, or -1 with what was expected
 * in err. */
int hl_parse_size(const char *text, uint64_t *size_r, char *err, size_t errlen);
int hl_parse_int(const char *text, int64_t *value_r, char *err, size_t errlen);
int hl_parse_bool(const char *text, int *value_r, char *err, size_t errlen);
int hl_parse_address(const char *text, struct hl_address *addr_r, char *err, size_t errlen);

#endif
