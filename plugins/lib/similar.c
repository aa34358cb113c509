/*
 * Text similarity for duplicate detection: the Dice coefficient over UTF-8 character
 * bigrams of normalised text. See similar.h for the rules.
 */
#include "similar.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* Marks the second half of a text's only token when it has a single character; no code
 * point is this large, so it cannot collide with a real bigram. */
#define NO_SECOND 0xFFFFFFFFu

/* Code point ranges dropped as punctuation or spacing, beyond ASCII (handled apart). */
static const struct {
	uint32_t lo, hi;
} ignored[] = {
	{0x00A0, 0x00A0}, /* no-break space */
	{0x00B7, 0x00B7}, /* middle dot, as in 阿卜杜·热合曼 */
	{0x2000, 0x206F}, /* general punctuation: spaces, dashes, “”‘’, …, ‰ */
	{0x3000, 0x3004}, /* ideographic space, 、。〃 and 〄 */
	{0x3008, 0x3020}, /* brackets 〈〉《》「」『』【】〔〕, 〜, 〝〞〟, 〒 */
	{0x3030, 0x3030}, /* wavy dash */
	{0x303D, 0x303D}, /* part alternation mark */
	{0x30FB, 0x30FB}, /* katakana middle dot ・ */
	{0xFE10, 0xFE1F}, /* vertical forms */
	{0xFE30, 0xFE6F}, /* CJK compatibility and small forms */
	{0xFEFF, 0xFEFF}, /* byte order mark */
	{0xFF61, 0xFF65}, /* halfwidth 。「」、・ */
};

/* Returns the code point as compared (fullwidth ASCII folded, ASCII lower-cased), or 0
 * when it is dropped. */
static uint32_t normalise(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return cp - 'A' + 'a';
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			return cp;
		return 0; /* controls, whitespace, punctuation */
	}
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		if (cp >= ignored[i].lo && cp <= ignored[i].hi)
			return 0;
	}
	return cp;
}

static int compare_tokens(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return (a > b) - (a < b);
}

/* Fills tokens (room for strlen(text) of them) with the text's sorted bigrams, each packed
 * as first << 32 | second, and returns how many. */
static size_t tokenise(const char *text, uint64_t *tokens)
{
	size_t len = strlen(text), n = 0, chars = 0;
	uint32_t prev = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;

		i += hl_utf8_decode(text + i, len - i, &cp);
		if ((cp = normalise(cp)) == 0)
			continue;
		if (chars++ > 0)
			tokens[n++] = (uint64_t)prev << 32 | cp;
		prev = cp;
	}
	if (chars == 1)
		tokens[n++] = (uint64_t)prev << 32 | NO_SECOND;
	qsort(tokens, n, sizeof(*tokens), compare_tokens);
	return n;
}

/* The size of the intersection of two sorted multisets. */
static size_t common_tokens(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, common = 0;

	while (i < na && j < nb) {
		if (a[i] < b[j]) {
			i++;
		} else if (a[i] > b[j]) {
			j++;
		} else {
			common++;
			i++;
			j++;
		}
	}
	return common;
}

int hl_similar_percent(const char *a, const char *b)
{
	/* One token at most per byte: every token but a lone one ends on a character of at
	 * least one byte, and the lone one needs a non-empty text. */
	uint64_t *ta = malloc((strlen(a) + 1) * sizeof(*ta));
	uint64_t *tb = malloc((strlen(b) + 1) * sizeof(*tb));
	size_t na, nb;
	int percent = -ENOMEM;

	if (!ta || !tb)
		goto out;
	na = tokenise(a, ta);
	nb = tokenise(b, tb);
	if (na == 0 || nb == 0)
		percent = 0;
	else
		percent = (int)(200 * common_tokens(ta, na, tb, nb) / (na + nb));
out:
	free(ta);
	free(tb);
	return percent;
}
