/*
 * Display width of UTF-8 text in a terminal, so that Chinese columns line up: an East
 * Asian wide or fullwidth character (汉字, fullwidth punctuation such as ，。（）：, Hangul,
 * kana, most emoji) takes two columns, a combining mark or zero-width character none, the
 * rest one. The tables are this file's own (Unicode's EastAsianWidth W/F ranges and the
 * common combining blocks), so the result does not depend on the locale or the C
 * library. East Asian "ambiguous" characters (“”, …, °) count as one column, as they do
 * in a terminal set up for UTF-8 outside a CJK legacy mode.
 *
 * Every function here is pure: no allocation unless it says so, no global state.
 */
#ifndef HLC_WIDTH_H
#define HLC_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* The decoder is the daemon's (hl_utf8_decode: a malformed, truncated, overlong or
 * surrogate sequence takes one byte and decodes as U+FFFD), linked in from core/base. */
#include "../../core/base/utf8.h"

/* hl_utf8_decode under the name hotlinectl's tests know it by. */
static inline size_t hlc_utf8_next(const char *s, size_t len, uint32_t *cp_r)
{
	return hl_utf8_decode(s, len, cp_r);
}

/* Columns one code point takes: 2 (wide, fullwidth), 1, 0 (combining, zero-width), or
 * -1 for a control character (C0, DEL, C1), which a table must not print as is. */
int hlc_cp_width(uint32_t cp);

/* Columns of len bytes of UTF-8 text; control characters count 0. */
size_t hlc_width_n(const char *s, size_t len);
/* The same for a NUL-terminated string. */
size_t hlc_width(const char *s);

/* How many bytes of s (NUL-terminated) fit in cols columns, whole characters only: a
 * wide character that would straddle the edge is left out, combining marks stay with
 * the character before them. Stores the columns used in *width_r when not NULL. */
size_t hlc_fit_bytes(const char *s, size_t cols, size_t *width_r);

enum {
	HLC_FIT_RIGHT = 1, /* pad on the left (numbers) */
	HLC_FIT_CUT = 2,   /* cut a wider text to cols, ending in HLC_ELLIPSIS */
};
/* What a cut text ends with: ASCII, so that it is one column in every terminal. */
#define HLC_ELLIPSIS "..."

/* s padded with spaces to exactly cols columns (on the right, or on the left with
 * HLC_FIT_RIGHT). A text wider than cols is cut to cols with HLC_FIT_CUT (to
 * HLC_ELLIPSIS alone, or as much of it as fits, when cols is that narrow), else returned
 * whole. The caller frees the result; NULL when out of memory. */
char *hlc_fit(const char *s, size_t cols, int flags);

/* Line breaking for a column cols wide (at least 1): the length in bytes of the first
 * line of s, which ends before a newline, or at the last space that lets the line fit,
 * or (for text without spaces, such as Chinese) before the first character that does not
 * fit. A character wider than cols still makes a line of its own. *skip_r gets the bytes
 * to skip after the line (the newline, or the spaces at the break) before the next one.
 * Returns 0 with *skip_r 0 at the end of s. */
size_t hlc_wrap_next(const char *s, size_t cols, size_t *skip_r);

/* A copy of s fit for a table cell: control characters become spaces (newlines too,
 * unless keep_newlines is set) and malformed UTF-8 becomes U+FFFD. The caller frees. */
char *hlc_printable(const char *s, int keep_newlines);

#endif
