/* Unit tests for the one UTF-8 decoder (core/base/utf8.c), which fold.c, similar.c and
 * hotlinectl's width.c use: every length of valid sequence at its edges, and each kind of
 * malformed input (stray continuation bytes, bytes that start nothing, overlong forms,
 * surrogates, beyond U+10FFFF, truncated sequences) taking exactly one byte as U+FFFD;
 * the encoder back again. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/utf8.h"

/* Decodes the len bytes of s, which must be one valid character cp. */
static void expect_char(const char *s, size_t len, uint32_t cp)
{
	uint32_t got = 0x12345678;

	cr_expect_eq(hl_utf8_decode(s, len, &got), len, "length of U+%04X", (unsigned)cp);
	cr_expect_eq(got, cp, "U+%04X decoded as U+%04X", (unsigned)cp, (unsigned)got);
}

/* Decodes s (len bytes), which must start with one malformed byte. */
static void expect_bad(const char *s, size_t len, const char *what)
{
	uint32_t got = 0;

	cr_expect_eq(hl_utf8_decode(s, len, &got), 1, "%s: not one byte", what);
	cr_expect_eq(got, HL_UTF8_REPLACEMENT, "%s: U+%04X, not U+FFFD", what, (unsigned)got);
}

Test(utf8, one_to_four_byte_sequences_at_their_edges)
{
	expect_char("\x00", 1, 0);
	expect_char("a", 1, 'a');
	expect_char("\x7F", 1, 0x7F);
	expect_char("\xC2\x80", 2, 0x80);
	expect_char("é", 2, 0xE9);
	expect_char("\xDF\xBF", 2, 0x7FF);
	expect_char("\xE0\xA0\x80", 3, 0x800);
	expect_char("井", 3, 0x4E95);
	expect_char("\xED\x9F\xBF", 3, 0xD7FF);  /* just below the surrogates */
	expect_char("\xEE\x80\x80", 3, 0xE000);  /* just above them */
	expect_char("\xEF\xBF\xBD", 3, 0xFFFD);  /* a real U+FFFD takes its 3 bytes */
	expect_char("\xEF\xBF\xBF", 3, 0xFFFF);
	expect_char("\xF0\x90\x80\x80", 4, 0x10000);
	expect_char("𠀀", 4, 0x20000);
	expect_char("\xF4\x8F\xBF\xBF", 4, 0x10FFFF);
}

Test(utf8, only_the_first_character_is_read)
{
	uint32_t cp;

	cr_expect_eq(hl_utf8_decode("井盖", strlen("井盖"), &cp), 3);
	cr_expect_eq(cp, 0x4E95);
	cr_expect_eq(hl_utf8_decode("ab", 2, &cp), 1);
	cr_expect_eq(cp, 'a');
}

Test(utf8, bytes_that_start_no_sequence)
{
	expect_bad("\x80", 1, "a lone continuation byte");
	expect_bad("\xBF\xBF", 2, "continuation bytes");
	expect_bad("\xC0\x80", 2, "C0");
	expect_bad("\xC1\xBF", 2, "C1");
	expect_bad("\xF5\x80\x80\x80", 4, "F5");
	expect_bad("\xF8\x88\x80\x80\x80", 5, "F8, a 5-byte form");
	expect_bad("\xFE", 1, "FE");
	expect_bad("\xFF", 1, "FF");
}

Test(utf8, overlong_forms)
{
	expect_bad("\xC0\xAF", 2, "'/' in 2 bytes");
	expect_bad("\xC1\x81", 2, "'A' in 2 bytes");
	expect_bad("\xE0\x80\xAF", 3, "'/' in 3 bytes");
	expect_bad("\xE0\x9F\xBF", 3, "U+07FF in 3 bytes");
	expect_bad("\xF0\x80\x80\xAF", 4, "'/' in 4 bytes");
	expect_bad("\xF0\x8F\xBF\xBF", 4, "U+FFFF in 4 bytes");
}

Test(utf8, surrogates_and_beyond_the_last_code_point)
{
	expect_bad("\xED\xA0\x80", 3, "U+D800");
	expect_bad("\xED\xB0\x80", 3, "U+DC00");
	expect_bad("\xED\xBF\xBF", 3, "U+DFFF");
	expect_bad("\xF4\x90\x80\x80", 4, "U+110000");
	expect_bad("\xF7\xBF\xBF\xBF", 4, "U+1FFFFF");
}

Test(utf8, truncated_input)
{
	uint32_t cp = 0x41;

	expect_bad("\xC3", 1, "2-byte lead at the end");
	expect_bad("\xE4\xB8", 2, "3-byte sequence cut after 2");
	expect_bad("\xF0\xA0\x80", 3, "4-byte sequence cut after 3");
	/* cut by len, with the rest of the character in memory: nothing past len is read */
	expect_bad("井", 2, "len ends inside the character");
	expect_bad("𠀀", 3, "len ends inside the character");
	/* a lead followed by something that is not a continuation byte */
	expect_bad("\xE4" "a\x95", 3, "ASCII inside a sequence");
	expect_bad("\xE4\xB8" "a", 3, "ASCII at a sequence's end");
	expect_bad("\xC3\xC3\xA9", 3, "a lead where a continuation belongs");
	cr_expect_eq(hl_utf8_decode("", 0, &cp), 0, "empty input");
	cr_expect_eq(cp, 0x41, "empty input wrote the code point");
}

/* A caller that advances by the result meets one U+FFFD per bad byte and then the next
 * character whole: what fold.c and similar.c count on. */
Test(utf8, resynchronises_on_the_byte_after_a_bad_one)
{
	const char text[] = "\xE4\xB8" "a\xED\xA0\x80井";
	const uint32_t want[] = {0xFFFD, 0xFFFD, 'a', 0xFFFD, 0xFFFD, 0xFFFD, 0x4E95};
	size_t i = 0, k = 0, len = sizeof(text) - 1;

	while (i < len && k < sizeof(want) / sizeof(want[0])) {
		uint32_t cp;
		size_t n = hl_utf8_decode(text + i, len - i, &cp);

		cr_assert_gt(n, 0);
		cr_expect_eq(cp, want[k], "character %zu: U+%04X", k, (unsigned)cp);
		i += n;
		k++;
	}
	cr_expect_eq(i, len);
	cr_expect_eq(k, sizeof(want) / sizeof(want[0]));
}

Test(utf8, encode_is_the_inverse_of_decode)
{
	const uint32_t cps[] = {0, 'a', 0x7F, 0x80, 0x7FF, 0x800, 0x4E95, 0xD7FF, 0xE000,
				0xFFFD, 0xFFFF, 0x10000, 0x20000, 0x10FFFF};

	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		char buf[HL_UTF8_MAX];
		size_t n = hl_utf8_encode(cps[i], buf);
		size_t want = cps[i] < 0x80 ? 1 : cps[i] < 0x800 ? 2 : cps[i] < 0x10000 ? 3 : 4;
		uint32_t back = 0;

		cr_expect_eq(n, want, "U+%04X in %zu bytes", (unsigned)cps[i], n);
		cr_expect_eq(hl_utf8_decode(buf, n, &back), n);
		cr_expect_eq(back, cps[i], "U+%04X came back as U+%04X", (unsigned)cps[i],
			     (unsigned)back);
	}
	char buf[HL_UTF8_MAX];
	cr_expect_eq(hl_utf8_encode(0x4E95, buf), 3);
	cr_expect_eq(memcmp(buf, "井", 3), 0);
}
