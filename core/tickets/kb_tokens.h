/*
 * The knowledge base's terms (政策通, issue 17; core/README.md §2): how an entry's text
 * and a citizen's question are cut into the terms the search index (kb_index.h) counts.
 * Text is folded first, character by character (base/fold.h: traditional to simplified,
 * full-width to ASCII, lower case), then:
 *  - a run of Chinese characters (Han) gives each character (a unigram) and each pair of
 *    neighbours (a bigram): 社保卡 → 社 保 卡 社保 保卡;
 *  - a run of ASCII letters and digits is one word (cut at HL_KB_WORD_MAX bytes);
 *  - anything else (punctuation, spaces, other scripts, malformed bytes) separates.
 * A query uses its bigrams, and a unigram only for a Chinese run of one character, so
 * that 电 alone finds entries with 电 and 社保卡丢了 is not drowned by single characters.
 * A term is a number: a unigram or bigram its code points, exact; a word a 62-bit hash.
 * Pure: no allocation, no state; any thread.
 */
#ifndef HL_KB_TOKENS_H
#define HL_KB_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#define HL_KB_WORD_MAX 32 /* an ASCII word's bytes that count */

typedef uint64_t hl_kb_term;

enum hl_kb_term_kind { HL_KB_UNIGRAM = 1, HL_KB_BIGRAM = 2, HL_KB_WORD = 3 };

/* One term found in a text: which, and the bytes of the ORIGINAL text it covers. */
struct hl_kb_token {
	hl_kb_term term;
	enum hl_kb_term_kind kind;
	size_t start, end; /* [start, end) in the text given */
};

/* Called for each term in text order (a bigram right after its second character's
 * unigram). Return 0 to go on, anything else to stop (hl_kb_tokenize returns it). */
typedef int (*hl_kb_token_fn)(const struct hl_kb_token *tok, void *arg);

enum hl_kb_tokenize_mode {
	HL_KB_INDEXING, /* every unigram, bigram and word */
	HL_KB_QUERYING, /* bigrams, words, and the unigram of a one-character run */
};

/* Cuts text[0, len) (any bytes; need not be NUL-terminated) into terms. Returns 0, or
 * what fn returned to stop. */
int hl_kb_tokenize(const char *text, size_t len, enum hl_kb_tokenize_mode mode,
		   hl_kb_token_fn fn, void *arg);

/* The kind of a term. */
enum hl_kb_term_kind hl_kb_term_kind_of(hl_kb_term t);

#endif
