/*
 * Checks shared by the loaders of the routing files (routes/catalogue.yaml and
 * routes/districts.yaml), over core's position-carrying YAML tree. Every failure writes
 * "file:line:column: what is wrong" into err and returns -1.
 */
#ifndef HL_RULES_YAML_H
#define HL_RULES_YAML_H

#include <stddef.h>

#include "base/yaml_tree.h"

/* The node must be a mapping whose keys are all in `allowed` (NULL-terminated); `what`
 * names it in messages ("an item"). */
int hl_rules_mapping(const struct hl_yaml_node *node, const char *what,
		     const char *const *allowed, char *err, size_t errlen);

/* The scalar text of map[key] into *text_r (borrowed from the document), or NULL when the
 * key is absent and not required. An empty or non-scalar value is an error. */
int hl_rules_string(const struct hl_yaml_node *map, const char *key, int required,
		    const char **text_r, char *err, size_t errlen);

/* map[key] as a sequence of non-empty scalars, into *seq_r (NULL when absent and not
 * required). With `nonempty`, an empty sequence is an error. */
int hl_rules_terms(const struct hl_yaml_node *map, const char *key, int required,
		   int nonempty, const struct hl_yaml_node **seq_r, char *err, size_t errlen);

#endif
