/* The knowledge base's terms: folding, Han unigrams and bigrams, ASCII words; see
 * kb_tokens.h. */
#include "tickets/kb_tokens.h"

#include "base/fold.h"
#include "base/utf8.h"

#define KIND_SHIFT 62
#define WORD_MASK ((UINT64_C(1) << KIND_SHIFT) - 1)

static int is_han(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

static int is_word(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static hl_kb_term unigram(uint32_t c)
{
	return ((hl_kb_term)HL_KB_UNIGRAM << KIND_SHIFT) | c;
}

static hl_kb_term bigram(uint32_t a, uint32_t b)
{
	return ((hl_kb_term)HL_KB_BIGRAM << KIND_SHIFT) | ((hl_kb_term)a << 21) | b;
}

enum hl_kb_term_kind hl_kb_term_kind_of(hl_kb_term t)
{
	return (enum hl_kb_term_kind)(t >> KIND_SHIFT);
}

/* The state of a walk: the Han run and the word in progress. */
struct walk {
	enum hl_kb_tokenize_mode mode;
	hl_kb_token_fn fn;
	void *arg;
	/* the Han run: its length, its first character (for a query's lone unigram), the
	 * previous character and where each began */
	size_t run, run_start, run_end, prev_start;
	uint32_t first, prev;
	/* the word: its FNV-1a hash so far, bytes counted, where it began and ends */
	uint64_t hash;
	size_t word, word_start, word_end;
};

static int emit(struct walk *w, hl_kb_term term, enum hl_kb_term_kind kind, size_t start,
		size_t end)
{
	struct hl_kb_token tok = {term, kind, start, end};

	return w->fn(&tok, w->arg);
}

/* Ends the Han run: a query's run of one character gives its unigram now. */
static int end_run(struct walk *w)
{
	int rc = 0;

	if (w->run == 1 && w->mode == HL_KB_QUERYING)
		rc = emit(w, unigram(w->first), HL_KB_UNIGRAM, w->run_start, w->run_end);
	w->run = 0;
	return rc;
}

static int end_word(struct walk *w)
{
	int rc = 0;

	if (w->word)
		rc = emit(w, ((hl_kb_term)HL_KB_WORD << KIND_SHIFT) | (w->hash & WORD_MASK),
			  HL_KB_WORD, w->word_start, w->word_end);
	w->word = 0;
	return rc;
}

static int han(struct walk *w, uint32_t c, size_t start, size_t end)
{
	int rc;

	if (w->mode == HL_KB_INDEXING && (rc = emit(w, unigram(c), HL_KB_UNIGRAM, start, end)))
		return rc;
	if (w->run == 0) {
		w->first = c;
		w->run_start = start;
	} else if ((rc = emit(w, bigram(w->prev, c), HL_KB_BIGRAM, w->prev_start, end))) {
		return rc;
	}
	w->run++;
	w->run_end = end;
	w->prev = c;
	w->prev_start = start;
	return 0;
}

static void word_char(struct walk *w, uint32_t c, size_t start, size_t end)
{
	if (!w->word) {
		w->hash = UINT64_C(14695981039346656037);
		w->word_start = start;
	}
	if (w->word < HL_KB_WORD_MAX) {
		w->hash = (w->hash ^ (uint8_t)c) * UINT64_C(1099511628211);
		w->word++;
	}
	w->word_end = end;
}

int hl_kb_tokenize(const char *text, size_t len, enum hl_kb_tokenize_mode mode,
		   hl_kb_token_fn fn, void *arg)
{
	struct walk w = {.mode = mode, .fn = fn, .arg = arg};
	int rc;

	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t n = hl_utf8_decode(text + i, len - i, &c);

		c = hl_fold_char(c);
		if (is_han(c)) {
			if ((rc = end_word(&w)) || (rc = han(&w, c, i, i + n)))
				return rc;
		} else if (is_word(c)) {
			if ((rc = end_run(&w)))
				return rc;
			word_char(&w, c, i, i + n);
		} else if ((rc = end_run(&w)) || (rc = end_word(&w))) {
			return rc;
		}
		i += n;
	}
	if ((rc = end_run(&w)))
		return rc;
	return end_word(&w);
}
