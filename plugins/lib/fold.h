/*
 * Folding of text before keyword and place-name matching, so that one keyword written in
 * the catalogue matches the ways citizens type it: traditional characters become
 * simplified (物業 → 物业, 後湖 → 后湖), full-width letters and digits become ASCII
 * (ＩＣ卡 → ic卡), ASCII letters become lower case, and malformed UTF-8 becomes U+FFFD
 * (so that no byte-level accident can make a keyword match half a character).
 * The rules and the texts they match are both folded.
 */
#ifndef HL_FOLD_H
#define HL_FOLD_H

#include <stddef.h>

/* Folds text[0, len) into a new NUL-terminated string, which the caller frees; its length
 * goes to *len_r when len_r is not NULL. Returns NULL when out of memory. */
char *hl_fold(const char *text, size_t len, size_t *len_r);

#endif
