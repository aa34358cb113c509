/* Unit tests for masking citizens' personal data (core/base/mask.c): phone and ID numbers as
 * 138****5678, names as 张**, and numbers found inside free text, which keeps its
 * length. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/mask.h"

/* What mask (hl_mask_number or hl_mask_name) writes of value into `room` bytes of a
 * buffer filled with '?' beforehand; the buffer ends in a '\0' of its own, so that output
 * left unterminated reads as a string of '?'s instead of running on. Writing past `room`
 * fails the test. */
static const char *masked(void (*mask)(const char *, char *, size_t), const char *value,
			  size_t room)
{
	static char out[128];

	cr_assert_lt(room, sizeof(out));
	memset(out, '?', sizeof(out) - 1);
	out[sizeof(out) - 1] = '\0';
	mask(value, out, room);
	for (size_t i = room; i < sizeof(out) - 1; i++)
		cr_assert_eq(out[i], '?', "'%s' in %zu bytes: byte %zu written", value, room, i);
	return out;
}

static const char *number(const char *value)
{
	return masked(hl_mask_number, value, 64);
}

static const char *name(const char *value)
{
	return masked(hl_mask_name, value, 64);
}

static void text_is(const char *value, const char *want)
{
	char *got = hl_mask_text(value);

	cr_assert_not_null(got);
	cr_expect_str_eq(got, want, "masking '%s'", value);
	cr_expect_eq(strlen(got), strlen(value), "'%s' changed length", value);
	free(got);
}

Test(mask, mobile_number_keeps_head_and_tail)
{
	cr_expect_str_eq(number("13812345678"), "138****5678");
	cr_expect_str_eq(number("02787654321"), "027****4321");
}

Test(mask, id_number_keeps_head_and_tail)
{
	cr_expect_str_eq(number("11010519491231002X"), "110***********002X");
	cr_expect_str_eq(number("420106198805120017"), "420***********0017");
}

Test(mask, short_numbers_keep_last_four)
{
	cr_expect_str_eq(number("87654321"), "****4321");
	cr_expect_str_eq(number("8765432"), "***5432");
	cr_expect_str_eq(number("1381234567"), "******4567");
	cr_expect_str_eq(number("12345"), "*2345");
}

Test(mask, four_characters_or_fewer_unchanged)
{
	cr_expect_str_eq(number("1234"), "1234");
	cr_expect_str_eq(number("110"), "110");
	cr_expect_str_eq(number("1"), "1");
	cr_expect_str_eq(number(""), "");
}

Test(mask, number_output_always_terminated)
{
	cr_expect_eq(strlen(masked(hl_mask_number, "13812345678", 8)), 7);
	cr_expect_str_eq(masked(hl_mask_number, "13812345678", 1), "");
	/* writes nothing at all */
	cr_expect_eq(masked(hl_mask_number, "13812345678", 0)[0], '?');
}

/* A buffer too small for the whole number must not show more of it than the full mask
 * does: each character written is either '*' or the one the full mask shows there. */
Test(mask, truncated_number_reveals_no_hidden_digit)
{
	static const char *const values[] = {"13812345678", "11010519491231002X", "87654321"};

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		char full[64];

		hl_mask_number(values[v], full, sizeof(full));
		for (size_t len = 1; len <= strlen(values[v]); len++) {
			char out[64];

			hl_mask_number(values[v], out, len);
			cr_assert_eq(strlen(out), len - 1);
			for (size_t i = 0; out[i]; i++)
				cr_expect(out[i] == '*' || out[i] == full[i],
					  "'%s' in %zu bytes shows '%s' (full mask '%s')",
					  values[v], len, out, full);
		}
	}
}

Test(mask, chinese_name_keeps_first_character)
{
	cr_expect_str_eq(name("张三丰"), "张**");
	cr_expect_str_eq(name("李四"), "李*");
	cr_expect_str_eq(name("欧阳娜娜"), "欧***");
}

Test(mask, single_character_name_unchanged)
{
	cr_expect_str_eq(name("张"), "张");
	cr_expect_str_eq(name("A"), "A");
	cr_expect_str_eq(name(""), "");
}

Test(mask, ascii_names)
{
	cr_expect_str_eq(name("Tom"), "T**");
	cr_expect_str_eq(name("Li Wei"), "L*****");
	cr_expect_str_eq(name("Zoë"), "Z**");
}

Test(mask, name_output_always_terminated)
{
	cr_expect_str_eq(masked(hl_mask_name, "张三丰", 4), "张"); /* room for 张 only */
	cr_expect_str_eq(masked(hl_mask_name, "张三丰", 5), "张*");
	/* not even 张 fits: stars only, never a partial 张 */
	cr_expect_str_eq(masked(hl_mask_name, "张三丰", 2), "*");
	cr_expect_str_eq(masked(hl_mask_name, "Tom", 1), "");
}

Test(mask, phone_inside_chinese_text)
{
	text_is("我的电话是13812345678，请回电", "我的电话是138****5678，请回电");
	text_is("13812345678", "138****5678");
	text_is("电话：027-87654321", "电话：027-****4321");
}

Test(mask, id_number_with_x_inside_text)
{
	text_is("身份证号11010519491231002X，姓名张三", "身份证号110***********002X，姓名张三");
	text_is("证件11010519491231002x", "证件110***********002x");
	text_is("号码420106198805120017。", "号码420***********0017。");
}

Test(mask, short_digit_runs_untouched)
{
	text_is("邮编430000，门牌123号", "邮编430000，门牌123号");
	text_is("2026年11月26日", "2026年11月26日");
	text_is("", "");
	text_is("没有号码", "没有号码");
	/* seven digits is where masking starts */
	text_is("分机8765432", "分机***5432");
}

Test(mask, several_numbers_in_one_text)
{
	text_is("13812345678或13987654321,0000000", "138****5678或139****4321,***0000");
}

Test(mask, x_only_counts_after_seventeen_digits)
{
	/* 11 digits and an X: the X is text, the digits a phone number */
	text_is("13812345678X", "138****5678X");
	/* a letter after 17 digits that is not X is not part of the number */
	text_is("11010519491231002Y", "110**********1002Y");
}

Test(mask, grouped_and_full_width_numbers_in_text_are_masked)
{
	const char *cases[][2] = {
		{"回电139-0715-0001谢谢", "回电139-****-0001谢谢"},
		{"电话 139 0715 0001。", "电话 139 **** 0001。"},
		{"１３９０７１５０００１", "１３９****０００１"},
		{"身份证420102 19900101 123X", "身份证420*** ******** 123X"},
		{"027-8555-1234", "027-****-1234"},
		{"2026-09-30 起停水", "2026-09-30 起停水"},
		{"10.5 元", "10.5 元"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = hl_mask_text(cases[i][0]);

		cr_expect_str_eq(got, cases[i][1], "masking %s", cases[i][0]);
		free(got);
	}
}
