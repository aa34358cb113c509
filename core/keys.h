/*
 * Every Redis key name the daemon uses, in one place (DESIGN.md section 4). A key is the
 * configured prefix (default "hl:") followed by one of these names.
 */
#ifndef HL_KEYS_H
#define HL_KEYS_H

#include <stdio.h>

#define HL_KEY_DAEMONS "daemons" /* hash: instance id -> JSON of the running hotlined */
#define HL_KEY_OPS "ops"         /* stream: daemon lifecycle (connected, reloaded, stopped) */

/* Writes prefix + name into buf. */
static inline void hl_key(char *buf, size_t len, const char *prefix, const char *name)
{
	snprintf(buf, len, "%s%s", prefix, name);
}

#endif
