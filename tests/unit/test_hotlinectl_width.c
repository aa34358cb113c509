/* Unit tests for hotlinectl's display width (contrib/hotlinectl/width.c) and its tables
 * (table.c): Chinese, fullwidth and mixed text, combining marks, malformed UTF-8, cutting,
 * wrapping and column padding measured in terminal columns. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../contrib/hotlinectl/table.h"
#include "../../contrib/hotlinectl/width.h"

Test(hotlinectl_width, decodes_utf8_and_refuses_malformed_sequences)
{
	uint32_t cp;

	cr_assert_eq(hlc_utf8_next("a", 1, &cp), 1);
	cr_expect_eq(cp, 'a');
	cr_assert_eq(hlc_utf8_next("é", 2, &cp), 2);
	cr_expect_eq(cp, 0xE9);
	cr_assert_eq(hlc_utf8_next("井", 3, &cp), 3);
	cr_expect_eq(cp, 0x4E95);
	cr_assert_eq(hlc_utf8_next("𠀀", 4, &cp), 4);
	cr_expect_eq(cp, 0x20000);
	/* a lone continuation byte, an overlong '/', a surrogate, a cut-off sequence */
	const char *bad[] = {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xE4\xB8", "\xFF"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(hlc_utf8_next(bad[i], strlen(bad[i]), &cp), 1, "case %zu", i);
		cr_expect_eq(cp, 0xFFFD, "case %zu", i);
	}
	cr_expect_eq(hlc_utf8_next("", 0, &cp), 0);
}

Test(hotlinectl_width, code_points_take_zero_one_or_two_columns)
{
	cr_expect_eq(hlc_cp_width('a'), 1);
	cr_expect_eq(hlc_cp_width(0x4E95), 2);  /* 井 */
	cr_expect_eq(hlc_cp_width(0xFF0C), 2);  /* ， fullwidth comma */
	cr_expect_eq(hlc_cp_width(0x3002), 2);  /* 。 */
	cr_expect_eq(hlc_cp_width(0xFF08), 2);  /* （ */
	cr_expect_eq(hlc_cp_width(0xFF21), 2);  /* Ａ fullwidth Latin */
	cr_expect_eq(hlc_cp_width(0xFF71), 1);  /* ｱ halfwidth katakana */
	cr_expect_eq(hlc_cp_width(0xD55C), 2);  /* 한 */
	cr_expect_eq(hlc_cp_width(0x3042), 2);  /* あ */
	cr_expect_eq(hlc_cp_width(0x20000), 2); /* CJK extension B */
	cr_expect_eq(hlc_cp_width(0x1F600), 2); /* an emoji */
	cr_expect_eq(hlc_cp_width(0x0301), 0);  /* combining acute */
	cr_expect_eq(hlc_cp_width(0x200D), 0);  /* zero-width joiner */
	cr_expect_eq(hlc_cp_width(0xFE0F), 0);  /* variation selector */
	cr_expect_eq(hlc_cp_width(0x1161), 0);  /* Hangul medial vowel */
	cr_expect_eq(hlc_cp_width(0x2026), 1);  /* … ambiguous: one */
	cr_expect_eq(hlc_cp_width(0x00B7), 1);  /* · */
	cr_expect_eq(hlc_cp_width('\n'), -1);
	cr_expect_eq(hlc_cp_width(0x7F), -1);
	cr_expect_eq(hlc_cp_width(0x9B), -1);
}

Test(hotlinectl_width, strings_are_measured_in_columns_not_bytes)
{
	cr_expect_eq(hlc_width(""), 0);
	cr_expect_eq(hlc_width("abc"), 3);
	cr_expect_eq(hlc_width("井盖缺失"), 8);
	cr_expect_eq(strlen("井盖缺失"), 12);
	cr_expect_eq(hlc_width("光谷abc"), 7);
	cr_expect_eq(hlc_width("ｈｅｌｌｏ"), 10);
	cr_expect_eq(hlc_width("来电人反映：井盖不见了，井口敞着。"), 34);
	cr_expect_eq(hlc_width("139****0001 张**"), 16);
	cr_expect_eq(hlc_width("cafe\xCC\x81"), 4); /* e + combining acute */
	cr_expect_eq(hlc_width("a\tb"), 2);        /* a control takes nothing */
	cr_expect_eq(hlc_width_n("井盖缺失", 6), 4);
}

Test(hotlinectl_width, prefixes_end_on_whole_characters)
{
	size_t w;

	cr_expect_eq(hlc_fit_bytes("井盖缺失", 5, &w), 6, "a wide character never straddles");
	cr_expect_eq(w, 4);
	cr_expect_eq(hlc_fit_bytes("井盖缺失", 8, &w), 12);
	cr_expect_eq(w, 8);
	cr_expect_eq(hlc_fit_bytes("a井", 2, &w), 1);
	cr_expect_eq(w, 1);
	/* combining marks stay with the letter before them */
	cr_expect_eq(hlc_fit_bytes("e\xCC\x81" "e\xCC\x81" "x", 2, &w), 6);
	cr_expect_eq(w, 2);
	cr_expect_eq(hlc_fit_bytes("abc", 0, &w), 0);
}

static void expect_fit(const char *s, size_t cols, int flags, const char *want)
{
	char *got = hlc_fit(s, cols, flags);

	cr_assert_not_null(got);
	cr_expect_str_eq(got, want, "fit('%s', %zu, %d)", s, cols, flags);
	if (strcmp(got, want) == 0 && (flags & HLC_FIT_CUT))
		cr_expect_eq(hlc_width(got), cols, "'%s' is %zu columns", got, hlc_width(got));
	free(got);
}

Test(hotlinectl_width, fitting_pads_and_cuts_by_columns)
{
	expect_fit("中文", 6, 0, "中文  ");
	expect_fit("中文", 6, HLC_FIT_RIGHT, "  中文");
	expect_fit("a中", 3, 0, "a中");
	expect_fit("ｈｉ", 5, 0, "ｈｉ ");
	/* cut: as much as fits before "...", never half a character */
	expect_fit("三阳路机动车道", 7, HLC_FIT_CUT, "三阳...");
	expect_fit("三阳路机动车道", 8, HLC_FIT_CUT, "三阳... ");
	expect_fit("三阳路机动车道", 14, HLC_FIT_CUT, "三阳路机动车道");
	expect_fit("三阳路", 2, HLC_FIT_CUT, "..");
	expect_fit("三阳路", 0, HLC_FIT_CUT, "");
	expect_fit("Jiang'an 江岸区", 11, HLC_FIT_CUT, "Jiang'an...");
	expect_fit("e\xCC\x81" "e\xCC\x81" "e\xCC\x81" "e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 5,
		   HLC_FIT_CUT, "e\xCC\x81" "e\xCC\x81" "...");
	expect_fit("99", 5, HLC_FIT_RIGHT | HLC_FIT_CUT, "   99");
	/* without HLC_FIT_CUT a wider text stays whole */
	expect_fit("三阳路机动车道", 4, 0, "三阳路机动车道");
}

/* The lines hlc_wrap_next makes of s, joined by '|'. */
static char *wrapped(const char *s, size_t cols)
{
	char *out = calloc(1, strlen(s) * 2 + 2);
	size_t skip;

	while (*s) {
		size_t n = hlc_wrap_next(s, cols, &skip);

		if (*out)
			strcat(out, "|");
		strncat(out, s, n);
		s += n + skip;
	}
	return out;
}

#define EXPECT_WRAP(s, cols, want)                                                          \
	do {                                                                                 \
		char *got_ = wrapped(s, cols);                                               \
		cr_expect_str_eq(got_, want, "wrap('%s', %d)", s, cols);                      \
		free(got_);                                                                  \
	} while (0)

Test(hotlinectl_width, wrapping_breaks_chinese_anywhere_and_latin_at_spaces)
{
	EXPECT_WRAP("一二三四五", 4, "一二|三四|五");
	EXPECT_WRAP("一二三四五", 5, "一二|三四|五");
	EXPECT_WRAP("hello big world", 10, "hello big|world");
	EXPECT_WRAP("hello big world", 9, "hello big|world");
	EXPECT_WRAP("ab\ncd", 10, "ab|cd");
	EXPECT_WRAP("a一二", 2, "a|一|二");
	EXPECT_WRAP("一", 1, "一"); /* wider than the column: a line of its own */
	EXPECT_WRAP("score 28: 井盖缺失 (title)", 12, "score 28:|井盖缺失|(title)");
	EXPECT_WRAP("abcdefgh", 3, "abc|def|gh");
	size_t skip;
	cr_expect_eq(hlc_wrap_next("", 5, &skip), 0);
	cr_expect_eq(skip, 0);
}

Test(hotlinectl_width, printable_copies_lose_controls_and_bad_bytes)
{
	char *a = hlc_printable("a\tb\nc\x1b[31m", 0), *b = hlc_printable("a\tb\nc", 1),
	     *c = hlc_printable("x\xFFy", 0);

	cr_expect_str_eq(a, "a b c [31m");
	cr_expect_str_eq(b, "a b\nc");
	cr_expect_str_eq(c, "x\xEF\xBF\xBDy");
	free(a);
	free(b);
	free(c);
}

/* Every line's display width, for checking alignment. */
static void expect_widths(const char *text, size_t want)
{
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n');

		cr_assert_not_null(nl);
		cr_expect_eq(hlc_width_n(line, (size_t)(nl - line)), want, "line '%.*s'",
			     (int)(nl - line), line);
		line = nl + 1;
	}
}

/* t rendered in max_width columns (0: any), with or without its header, is `want`. */
static void expect_render(const struct hlc_table *t, size_t max_width, int show_header,
			  const char *want)
{
	char *text = hlc_table_render(t, max_width, show_header);

	cr_expect_str_eq(text, want, "rendered in %zu columns%s", max_width,
			 show_header ? "" : ", no header");
	free(text);
}

Test(hotlinectl_table, columns_line_up_with_chinese_and_fullwidth_text)
{
	static const struct hlc_column cols[] = {{"NAME", 0, 0}, {"COUNT", HLC_COL_RIGHT, 0}};
	struct hlc_table *t = hlc_table_new(cols, 2);
	char *text;

	hlc_table_addv(t, "三阳路", "1");
	hlc_table_addv(t, "abc", "22");
	hlc_table_addv(t, "光谷ｘ", "333");
	text = hlc_table_render(t, 0, 1);
	cr_expect_str_eq(text, "NAME    COUNT\n"
			       "三阳路      1\n"
			       "abc        22\n"
			       "光谷ｘ    333\n");
	expect_widths(text, 13);
	free(text);
	text = hlc_table_render(t, 0, 0);
	/* without the header, only the cells count */
	cr_expect_str_eq(text, "三阳路    1\nabc      22\n光谷ｘ  333\n", "no header");
	expect_widths(text, 11);
	free(text);
	hlc_table_free(t);
}

Test(hotlinectl_table, the_last_column_leaves_no_trailing_spaces)
{
	static const struct hlc_column cols[] = {{"ID", 0, 0}, {"TITLE", 0, 0}, {"NOTE", 0, 0}};
	struct hlc_table *t = hlc_table_new(cols, 3);

	hlc_table_addv(t, "1", "井盖缺失", "");
	hlc_table_addv(t, "22", "停水", "已安排\n抢修");
	expect_render(t, 0, 1, "ID  TITLE     NOTE\n"
			       "1   井盖缺失\n"
			       "22  停水      已安排 抢修\n");
	hlc_table_free(t);
}

Test(hotlinectl_table, a_narrow_room_cuts_shrinking_columns)
{
	static const struct hlc_column cols[] = {{"ID", 0, 0}, {"TITLE", HLC_COL_SHRINK, 6}};
	struct hlc_table *t = hlc_table_new(cols, 2);

	hlc_table_addv(t, "1", "三阳路机动车道井盖缺失");
	expect_render(t, 12, 1, "ID  TITLE\n1   三阳...\n");
	/* never below the column's minimum */
	expect_render(t, 4, 1, "ID  TITLE\n1   三...\n");
	expect_render(t, 0, 1, "ID  TITLE\n1   三阳路机动车道井盖缺失\n");
	hlc_table_free(t);
}

Test(hotlinectl_table, a_narrow_room_folds_wrapping_columns_first)
{
	static const struct hlc_column cols[] = {
		{NULL, 0, 0}, {NULL, HLC_COL_SHRINK, 4}, {NULL, HLC_COL_WRAP, 4}};
	struct hlc_table *t = hlc_table_new(cols, 3);

	hlc_table_addv(t, "id", "abcde", "一二三四五");
	hlc_table_addv(t, "x", "", "ok");
	/* the wrapping column gives way first, down to 4; then the other is cut */
	expect_render(t, 15, 1, "id  abcde  一二\n"
				"           三四\n"
				"           五\n"
				"x          ok\n");
	expect_render(t, 14, 1, "id  a...  一二\n"
				"          三四\n"
				"          五\n"
				"x         ok\n");
	hlc_table_free(t);
}

Test(hotlinectl_table, headers_may_have_two_lines)
{
	static const struct hlc_column cols[] = {{"UNIT", 0, 0},
						 {"RATE%\n及时签收", HLC_COL_RIGHT, 0}};
	struct hlc_table *t = hlc_table_new(cols, 2);
	char *text;

	hlc_table_addv(t, "water", "100.0");
	text = hlc_table_render(t, 0, 1);
	cr_expect_str_eq(text, "UNIT      RATE%\n"
			       "       及时签收\n"
			       "water     100.0\n");
	expect_widths(text, 15);
	free(text);
	hlc_table_free(t);
}
