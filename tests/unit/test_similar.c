/* Unit tests for the text similarity used to find duplicate reports (plugins/lib/similar.c):
 * Dice coefficient over character bigrams, with punctuation and spacing ignored. */
#include <criterion/criterion.h>

#include "similar.h"

/* The similarity both ways round, which must agree. */
static int similar(const char *a, const char *b)
{
	int ab = hl_similar_percent(a, b), ba = hl_similar_percent(b, a);

	cr_assert_eq(ab, ba, "not symmetric: %d one way, %d the other", ab, ba);
	cr_assert(ab >= 0 && ab <= 100, "out of range: %d", ab);
	return ab;
}

static const char burst_pipe[] =
	"汉阳区钟家村自来水管爆裂。来电人反映：汉阳大道188号小区门口的自来水管爆裂，"
	"水流满路面，周边居民已经停水两个小时，请尽快派人抢修。";

Test(similar, identical_chinese_text_is_100)
{
	cr_expect_eq(similar(burst_pipe, burst_pipe), 100);
}

Test(similar, unrelated_text_is_low)
{
	const char *noise = "前进一路手机店门口两个大喇叭从早上九点喊到晚上十点，"
			    "楼上住户在家办公没法开会，请管一管用高音喇叭招揽生意的行为。";
	int got = similar(burst_pipe, noise);

	cr_expect_lt(got, 15, "unrelated reports scored %d", got);
}

Test(similar, near_duplicate_burst_pipe_reports_are_high)
{
	/* The same report sent again an hour later, a few words changed. */
	const char *again = "汉阳区钟家村自来水管爆裂！来电人反映：汉阳大道188号小区门口的自来水管"
			    "爆裂，水流满路面，周边居民已经停水三个小时了，请马上派人抢修。";
	int got = similar(burst_pipe, again);

	cr_expect_geq(got, 80, "a re-sent report scored only %d", got);
	cr_expect_lt(got, 100);
}

Test(similar, another_caller_on_the_same_burst_pipe_is_well_above_unrelated)
{
	/* Reworded by a second caller: far above the unrelated pairs of
	 * tests/data/tickets-sample.jsonl (all below 40), if below a strict threshold. */
	const char *reworded = "钟家村汉阳大道188号门口水管爆了。来电人反映：汉阳大道188号小区门口"
			       "自来水管爆裂，路面全是水，附近居民停水了，希望尽快派人来抢修。";
	int got = similar(burst_pipe, reworded);

	cr_expect_geq(got, 50, "a reworded report scored only %d", got);
}

Test(similar, punctuation_and_spacing_are_ignored)
{
	cr_expect_eq(similar("水管爆裂，请尽快抢修！", "水管爆裂 请尽快抢修"), 100);
	cr_expect_eq(similar("“小区”停水……已经两天。", "小区停水已经两天"), 100);
	cr_expect_eq(similar("《问政》【第3期】:停水?", "问政第3期停水"), 100);
	cr_expect_eq(similar("停水\t\n两天", "停水　两天"), 100, "tab, newline, ideographic space");
}

Test(similar, fullwidth_and_case_are_folded)
{
	cr_expect_eq(similar("１８８号ＡＢ栋", "188号ab栋"), 100);
}

Test(similar, empty_text_is_alike_to_nothing)
{
	cr_expect_eq(similar("", ""), 0);
	cr_expect_eq(similar("", burst_pipe), 0);
	cr_expect_eq(similar("，。！ ", "水管"), 0, "punctuation only counts as empty");
	cr_expect_eq(similar("，。", "！？"), 0);
}

Test(similar, single_characters)
{
	cr_expect_eq(similar("水", "水"), 100);
	cr_expect_eq(similar("水。", "水"), 100);
	cr_expect_eq(similar("水", "电"), 0);
	cr_expect_eq(similar("水", "水管"), 0, "a lone character is not a bigram");
}

Test(similar, bigrams_are_characters_in_order_and_counted)
{
	cr_expect_eq(similar("水管", "管水"), 0, "order matters inside a bigram");
	/* 哈哈哈哈 has the bigram 哈哈 three times, 哈哈 once: 2 * 1 / (3 + 1). */
	cr_expect_eq(similar("哈哈哈哈", "哈哈"), 50);
	/* 停水两天 and 停水三天 share 停水 of three bigrams each: 2 * 1 / 6, rounded down. */
	cr_expect_eq(similar("停水两天", "停水三天"), 33);
}

Test(similar, invalid_utf8_is_one_replacement_character_per_byte)
{
	/* A truncated sequence at the end, a stray continuation byte, an overlong slash. */
	cr_expect_eq(similar("停水\xE6\xB0", "停水\xEF\xBF\xBD\xEF\xBF\xBD"), 100);
	cr_expect_eq(similar("a\x80" "b", "a\xEF\xBF\xBD" "b"), 100);
	cr_expect_eq(similar("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"), 100);
}
