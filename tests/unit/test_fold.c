/* Folding before matching (core/base/fold.c): traditional to simplified over the whole
 * table (its first and last pairs included), full-width to ASCII, lower case, malformed
 * UTF-8 to U+FFFD, and characters outside the table left alone. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/fold.h"

static void expect_fold(const char *in, const char *want)
{
	size_t len;
	char *out = hl_fold(in, strlen(in), &len);

	cr_assert_not_null(out);
	cr_expect_str_eq(out, want, "fold(%s)", in);
	cr_expect_eq(len, strlen(want));
	free(out);
}

Test(fold, traditional_becomes_simplified)
{
	expect_fold("後湖物業費", "后湖物业费");
	expect_fold("丟", "丢");           /* the table's first pair */
	expect_fold("龜鿓", "龟鿒");       /* and its last */
	expect_fold("一丁汉口", "一丁汉口"); /* not in the table: unchanged */
}

Test(fold, width_and_case)
{
	expect_fold("ＩＣ卡ABC\xe3\x80\x80x", "ic卡abc x");
}

Test(fold, malformed_utf8_becomes_replacement)
{
	expect_fold("a\xff" "b", "a\xef\xbf\xbd" "b");
	expect_fold("\xe6\xb0", "\xef\xbf\xbd\xef\xbf\xbd"); /* a character cut short */
	expect_fold("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */
}
