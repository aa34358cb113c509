/*
 * UTF-8 decoding and encoding: the one decoder of hotlined, the shipped plugins
 * (core/base/fold.c and plugins/lib/similar.c link it through PLUGIN_LIB_SRC) and hotlinectl
 * (contrib/hotlinectl/width.c). Pure functions: no allocation, no global state, callable
 * from anywhere, any thread.
 */
#ifndef HL_UTF8_H
#define HL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* What a malformed byte decodes as: U+FFFD REPLACEMENT CHARACTER. */
#define HL_UTF8_REPLACEMENT 0xFFFDu
/* The longest sequence hl_utf8_encode writes. */
#define HL_UTF8_MAX 4

/*
 * Decodes the character at s, of which len bytes may be read (s need not be
 * NUL-terminated; nothing at or after s[len] is read). Returns the bytes it takes and
 * stores the code point in *cp_r:
 *  - a well-formed sequence (RFC 3629: U+0000..U+10FFFF in its shortest form, no
 *    surrogate) takes its 1 to 4 bytes;
 *  - anything else takes exactly ONE byte and decodes as HL_UTF8_REPLACEMENT: a byte that
 *    starts no sequence (a stray continuation byte 80..BF, C0, C1, F5..FF), a lead byte
 *    not followed by enough continuation bytes, a sequence cut off by len (truncated
 *    input), an overlong form (C0 AF for '/', E0 80 80), a surrogate (ED A0 80 =
 *    U+D800), a code point beyond U+10FFFF (F4 90 80 80).
 *  - len 0: returns 0 and leaves *cp_r alone.
 * So a caller that advances by the result resynchronises on the next byte and meets one
 * U+FFFD per bad byte: a cut-off E4 B8 is two of them. A U+FFFD written in the text
 * (EF BF BD) takes 3 bytes: a result of 1 with a byte >= 0x80 tells a malformed byte.
 * Every former decoder (fold.c, similar.c, hotlinectl's width.c) behaved so, byte for
 * byte; they differed only in the lead-byte test (C0, C1 and F5..F7 were refused as
 * overlong or too large instead of at once: the same outcome).
 */
size_t hl_utf8_decode(const char *s, size_t len, uint32_t *cp_r);

/* Writes cp (at most U+10FFFF, not a surrogate: the caller's duty) as UTF-8 into out,
 * which has room for HL_UTF8_MAX bytes; no NUL is added. Returns the bytes written,
 * 1 to 4. */
size_t hl_utf8_encode(uint32_t cp, char *out);

#endif
