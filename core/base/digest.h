/* SHA-256 (OpenSSL libcrypto), as lowercase hex: token hashes and idempotency checks. */
#ifndef HL_DIGEST_H
#define HL_DIGEST_H

#include <stddef.h>

#define HL_SHA256_HEX_LEN 64

/* Writes the 64 hex digits and a NUL into out. Returns 0, or -1 when libcrypto fails. */
int hl_sha256_hex(const void *data, size_t len, char out[HL_SHA256_HEX_LEN + 1]);

#endif
