/*
 * Text similarity for duplicate detection (并单): how alike two citizens' reports are,
 * as a whole percent. Pure code shared by the plugins (plugins/lib/): no host calls, no
 * global state, safe to call from anywhere.
 */
#ifndef HL_SIMILAR_H
#define HL_SIMILAR_H

/*
 * Returns the similarity of two NUL-terminated UTF-8 texts, 0 to 100 (rounded down, so
 * 100 means the normalised texts have exactly the same bigrams): the Dice coefficient
 * 2|A∩B| / (|A| + |B|) of the multisets of their character bigrams, where a character is a
 * Unicode code point, not a byte.
 *
 * Before the bigrams are taken, each text is normalised:
 *  - fullwidth ASCII forms (Ａ, １, ，) become their ASCII twins, and ASCII letters are
 *    lower-cased;
 *  - whitespace, ASCII control characters and ASCII punctuation are dropped, and so is
 *    common Chinese punctuation: the CJK symbols and punctuation block (，。、《》「」【】
 *    and the ideographic space, but not 々 or 〇), general punctuation (“”‘’—…·), and
 *    the vertical, small and halfwidth forms;
 *  - a byte that does not start a valid UTF-8 sequence counts as one U+FFFD character.
 * So texts that differ only in punctuation or spacing are 100 alike.
 *
 * A text of one character counts as that one character (no bigram), so "水" and "水" are
 * 100 alike. A text with no characters left is alike to nothing, not even to another empty
 * one: 0. Neither a nor b may be NULL.
 *
 * Allocates two arrays of at most 8 bytes per input byte and frees them before returning;
 * returns -ENOMEM when it cannot.
 */
int hl_similar_percent(const char *a, const char *b);

#endif
