/*
 * Folding of text before matching, so that one word written in the routing catalogue or
 * the knowledge base (tickets/kb_tokens.c) matches the ways citizens type it: traditional characters become
 * simplified (物業 → 物业, 後湖 → 后湖), full-width letters and digits become ASCII
 * (ＩＣ卡 → ic卡), ASCII letters become lower case, and malformed UTF-8 becomes U+FFFD
 * (so that no byte-level accident can make a keyword match half a character).
 * The rules and the texts they match are both folded. One module for the daemon and the
 * shipped plugins (plugins/lib/catalogue.c, gazetteer.c link it through PLUGIN_LIB_SRC).
 * Pure: any thread (the table is made once, on first use).
 */
#ifndef HL_FOLD_H
#define HL_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* Folds text[0, len) into a new NUL-terminated string, which the caller frees; its length
 * goes to *len_r when len_r is not NULL. Returns NULL when out of memory. */
char *hl_fold(const char *text, size_t len, size_t *len_r);

/* One code point folded as hl_fold folds it (U+FFFD stays U+FFFD): a caller that must keep
 * the positions of the original text (a snippet's marks) folds character by character. */
uint32_t hl_fold_char(uint32_t c);

#endif
