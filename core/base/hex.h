/*
 * Lowercase hex encoding of bytes: the one encoder of SHA-256 token hashes
 * (base/digest.c) and the webhook plugin's HMAC signatures (linked into the plugins
 * through PLUGIN_LIB_SRC). Pure: no allocation, no global state.
 */
#ifndef HL_HEX_H
#define HL_HEX_H

#include <stddef.h>

/* Writes the 2 * len lowercase hex digits of data[0, len) and a NUL into out, which the
 * caller provides with room for 2 * len + 1 bytes. data and out must not overlap. */
void hl_hex_encode(const void *data, size_t len, char *out);

#endif
