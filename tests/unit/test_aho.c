/* Unit tests for the Aho–Corasick automaton of plugins/lib: Chinese text, overlapping
 * and nested keywords, prefixes, duplicates, absent and empty matches, the misuse it
 * refuses, and 10,000 generated patterns checked against a naive search (with the build
 * time and search speed printed). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aho.h"

#define MAX_SEEN 64

struct seen {
	size_t n;
	struct hl_aho_match m[MAX_SEEN];
};

static int record(void *arg, const struct hl_aho_match *m)
{
	struct seen *s = arg;

	cr_assert_lt(s->n, MAX_SEEN);
	s->m[s->n++] = *m;
	return 0;
}

/* An automaton over the given NUL-terminated patterns, value = 100 + index. */
static struct hl_aho *build(const char *const *patterns, size_t n)
{
	struct hl_aho *aho = hl_aho_new();

	cr_assert(aho);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(hl_aho_add(aho, patterns[i], strlen(patterns[i]), 100 + i), (long)i);
	cr_assert_eq(hl_aho_build(aho), 0);
	return aho;
}

static struct seen search(const struct hl_aho *aho, const char *text)
{
	struct seen s = {0};

	cr_assert_eq(hl_aho_search(aho, text, strlen(text), record, &s), 0);
	return s;
}

/* Byte offset of the first `needle` in text (fails the test when there is none). */
static size_t at(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);

	cr_assert(p, "'%s' not in '%s'", needle, text);
	return (size_t)(p - text);
}

static void expect(const struct seen *s, size_t i, size_t pattern, size_t start, size_t len)
{
	cr_assert_lt(i, s->n, "only %zu matches", s->n);
	cr_expect_eq(s->m[i].pattern, pattern, "match %zu: pattern %zu, wanted %zu", i,
		     s->m[i].pattern, pattern);
	cr_expect_eq(s->m[i].value, 100 + pattern);
	cr_expect_eq(s->m[i].start, start, "match %zu: start %zu, wanted %zu", i, s->m[i].start,
		     start);
	cr_expect_eq(s->m[i].len, len);
}

Test(aho, nested_and_overlapping_chinese_keywords)
{
	static const char *const p[] = {"井", "井盖", "窨井盖", "盖", "盖子"};
	const char *text = "路上的窨井盖子丢了，井口敞着";
	struct hl_aho *aho = build(p, 5);
	struct seen s = search(aho, text);
	size_t w = at(text, "窨");

	/* Ordered by end; at one end, longest first. */
	cr_assert_eq(s.n, 6);
	expect(&s, 0, 0, w + 3, 3);  /* 井 */
	expect(&s, 1, 2, w, 9);      /* 窨井盖 */
	expect(&s, 2, 1, w + 3, 6);  /* 井盖 */
	expect(&s, 3, 3, w + 6, 3);  /* 盖 */
	expect(&s, 4, 4, w + 6, 6);  /* 盖子 */
	expect(&s, 5, 0, at(text, "井口"), 3);
	hl_aho_free(aho);
}

Test(aho, a_pattern_that_is_a_prefix_of_another)
{
	static const char *const p[] = {"停水", "停水通知"};
	struct hl_aho *aho = build(p, 2);
	struct seen s = search(aho, "没有停水通知就停水");

	cr_assert_eq(s.n, 3);
	expect(&s, 0, 0, 6, 6);
	expect(&s, 1, 1, 6, 12);
	expect(&s, 2, 0, 21, 6);
	s = search(aho, "停水通");
	cr_assert_eq(s.n, 1);
	expect(&s, 0, 0, 0, 6);
	hl_aho_free(aho);
}

Test(aho, failure_links_across_shared_suffixes)
{
	/* After 水压 fails to become 水压低, 压力 must still be found. */
	static const char *const p[] = {"水压低", "压力", "he", "she", "his", "hers"};
	struct hl_aho *aho = build(p, 6);
	struct seen s = search(aho, "水压力ushers");

	cr_assert_eq(s.n, 4);
	expect(&s, 0, 1, 3, 6);
	expect(&s, 1, 3, 10, 3);
	expect(&s, 2, 2, 11, 2);
	expect(&s, 3, 5, 11, 4);
	hl_aho_free(aho);
}

Test(aho, absent_and_empty)
{
	static const char *const p[] = {"燃气泄漏", "漏水"};
	struct hl_aho *aho = build(p, 2);
	struct seen s = search(aho, "燃气表充值后无法用气");

	cr_expect_eq(s.n, 0);
	s = search(aho, "");
	cr_expect_eq(s.n, 0);
	/* Half a character is not a character: no match on a truncated keyword. */
	s = search(aho, "燃气泄\xe6\xbc");
	cr_expect_eq(s.n, 0);
	hl_aho_free(aho);

	aho = hl_aho_new();
	cr_assert_eq(hl_aho_build(aho), 0);
	cr_expect_eq(hl_aho_state_count(aho), 1);
	s = search(aho, "任何文字");
	cr_expect_eq(s.n, 0);
	hl_aho_free(aho);
}

Test(aho, duplicates_are_patterns_of_their_own)
{
	static const char *const p[] = {"物业", "物业"};
	struct hl_aho *aho = build(p, 2);
	struct seen s = search(aho, "找物业");

	cr_assert_eq(s.n, 2);
	expect(&s, 0, 0, 3, 6);
	expect(&s, 1, 1, 3, 6);
	cr_expect_eq(hl_aho_pattern_count(aho), 2);
	hl_aho_free(aho);
}

Test(aho, any_bytes)
{
	struct hl_aho *aho = hl_aho_new();
	struct seen s = {0};
	const char text[] = {'a', 0, (char)0xff, 0, (char)0xff, 'b'};

	cr_assert_eq(hl_aho_add(aho, "\0\xff", 2, 7), 0);
	cr_assert_eq(hl_aho_build(aho), 0);
	cr_assert_eq(hl_aho_search(aho, text, sizeof(text), record, &s), 0);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.m[0].start, 1);
	cr_expect_eq(s.m[1].start, 3);
	hl_aho_free(aho);
}

static int stop_at_second(void *arg, const struct hl_aho_match *m)
{
	int *calls = arg;

	(void)m;
	return ++*calls == 2 ? 42 : 0;
}

Test(aho, the_callback_stops_the_search)
{
	static const char *const p[] = {"垃圾"};
	struct hl_aho *aho = build(p, 1);
	int calls = 0;
	const char *text = "垃圾垃圾垃圾";

	cr_expect_eq(hl_aho_search(aho, text, strlen(text), stop_at_second, &calls), 42);
	cr_expect_eq(calls, 2);
	hl_aho_free(aho);
}

Test(aho, misuse_is_refused)
{
	struct hl_aho *aho = hl_aho_new();
	struct seen s = {0};

	cr_expect_eq(hl_aho_add(aho, "", 0, 0), -EINVAL);
	cr_expect_eq(hl_aho_search(aho, "x", 1, record, &s), -EINVAL);
	cr_assert_eq(hl_aho_add(aho, "x", 1, 0), 0);
	cr_assert_eq(hl_aho_build(aho), 0);
	cr_expect_eq(hl_aho_build(aho), -EINVAL);
	cr_expect_eq(hl_aho_add(aho, "y", 1, 0), -EINVAL);
	hl_aho_free(aho);
	hl_aho_free(NULL);
}

Test(aho, collect_and_keep_the_longest)
{
	static const char *const p[] = {"井", "井盖", "窨井盖", "盖子", "下水道", "水道"};
	struct hl_aho *aho = build(p, 6);
	struct hl_aho_match *m;
	size_t n;
	const char *text = "窨井盖子在下水道口";

	cr_assert_eq(hl_aho_collect(aho, text, strlen(text), &m, &n), 0);
	cr_assert_eq(n, 6);
	/* 井 and 井盖 lie inside 窨井盖 and 水道 inside 下水道; 盖子 only overlaps. */
	n = hl_aho_longest(m, n);
	cr_assert_eq(n, 3);
	cr_expect_eq(m[0].pattern, 2);
	cr_expect_eq(m[1].pattern, 3);
	cr_expect_eq(m[2].pattern, 4);
	free(m);
	cr_assert_eq(hl_aho_collect(aho, "无", 3, &m, &n), 0);
	cr_expect_eq(n, 0);
	cr_expect_null(m);
	hl_aho_free(aho);
}

/* The definition the fast reading must agree with. */
static int inside(const struct hl_aho_match *a, const struct hl_aho_match *b)
{
	return b->len > a->len && b->start <= a->start && a->start + a->len <= b->start + b->len;
}

Test(aho, keep_the_longest_agrees_with_its_definition)
{
	static const char *const p[] = {"a", "b", "ab", "ba", "aba", "bab", "abab", "bb",
					"abb", "c", "cab", "abc", "ab"};
	struct hl_aho *aho = build(p, sizeof(p) / sizeof(p[0]));
	unsigned long rng = 7;
	char text[3000];
	struct hl_aho_match *m, *want;
	size_t n, nwant = 0, kept;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = "abbc"[(rng = rng * 6364136223846793005UL + 1) >> 62];
	cr_assert_eq(hl_aho_collect(aho, text, sizeof(text), &m, &n), 0);
	want = malloc(n * sizeof(*want));
	cr_assert(want);
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < n && !inside(&m[i], &m[j]); j++)
			;
		if (j == n)
			want[nwant++] = m[i];
	}
	kept = hl_aho_longest(m, n);
	cr_assert_eq(kept, nwant);
	cr_expect_lt(kept, n);
	for (size_t i = 0; i < kept; i++) {
		cr_assert_eq(m[i].start, want[i].start);
		cr_assert_eq(m[i].pattern, want[i].pattern);
	}
	free(want);
	free(m);
	hl_aho_free(aho);
}

/* Generated keywords: 2 to 6 characters from a block of 3,000 common CJK characters. */
#define NPAT 10000

static unsigned long next_rand(unsigned long *state)
{
	*state = *state * 6364136223846793005UL + 1442695040888963407UL;
	return *state >> 33;
}

static size_t gen_keyword(unsigned long *state, char *out)
{
	size_t chars = 2 + next_rand(state) % 5, n = 0;

	for (size_t i = 0; i < chars; i++) {
		unsigned c = 0x4E00 + (unsigned)(next_rand(state) % 3000);

		out[n++] = (char)(0xE0 | (c >> 12));
		out[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[n++] = (char)(0x80 | (c & 0x3F));
	}
	out[n] = '\0';
	return n;
}

struct counts {
	size_t *per_pattern;
	size_t total;
};

static int count(void *arg, const struct hl_aho_match *m)
{
	struct counts *c = arg;

	c->per_pattern[m->pattern]++;
	c->total++;
	return 0;
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

Test(aho, ten_thousand_generated_patterns, .timeout = 60)
{
	static char pat[NPAT][19];
	struct hl_aho *aho = hl_aho_new();
	struct counts c = {calloc(NPAT, sizeof(size_t)), 0};
	unsigned long rng = 12345;
	size_t text_len = 0, text_cap = 4 << 20, naive_total = 0, nall, kept;
	struct hl_aho_match *all;
	char *text = malloc(text_cap);
	struct timespec t0, t1, t2;

	cr_assert(aho && c.per_pattern && text);
	for (size_t i = 0; i < NPAT; i++)
		gen_keyword(&rng, pat[i]);
	/* The text: random filler with every tenth keyword planted in it, ~1 MB. */
	while (text_len + 64 < (1u << 20)) {
		char word[19];
		size_t n = next_rand(&rng) % 4 ? gen_keyword(&rng, word) : 0;

		if (n == 0) {
			const char *k = pat[next_rand(&rng) % (NPAT / 10) * 10];

			n = strlen(k);
			memcpy(word, k, n + 1);
		}
		memcpy(text + text_len, word, n);
		text_len += n;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < NPAT; i++)
		cr_assert_eq(hl_aho_add(aho, pat[i], strlen(pat[i]), i), (long)i);
	cr_assert_eq(hl_aho_build(aho), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_eq(hl_aho_search(aho, text, text_len, count, &c), 0);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	printf("aho: %d patterns, %zu states: built in %.1f ms; searched %.2f MB in %.1f ms "
	       "(%.0f MB/s), %zu matches\n",
	       NPAT, hl_aho_state_count(aho), 1e3 * seconds(&t0, &t1), text_len / 1e6,
	       1e3 * seconds(&t1, &t2), text_len / 1e6 / seconds(&t1, &t2), c.total);
	/* Reading all of them longest-first stays linear. */
	cr_assert_eq(hl_aho_collect(aho, text, text_len, &all, &nall), 0);
	cr_assert_eq(nall, c.total);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	kept = hl_aho_longest(all, nall);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	cr_expect_lt(seconds(&t1, &t2), 0.5, "longest took %.3f s", seconds(&t1, &t2));
	for (size_t i = 1; i < kept; i++)
		cr_assert_geq(all[i].start + all[i].len, all[i - 1].start + all[i - 1].len);
	free(all);

	/* Every pattern's count agrees with a plain search, at character boundaries. */
	for (size_t i = 0; i < NPAT; i++) {
		size_t naive = 0, len = strlen(pat[i]);

		for (const char *p = text; (p = memmem(p, text_len - (size_t)(p - text), pat[i],
						      len)); p++)
			naive += (size_t)(p - text) % 3 == 0;
		cr_assert_eq(c.per_pattern[i], naive, "pattern %zu: %zu matches, naive %zu", i,
			     c.per_pattern[i], naive);
		naive_total += naive;
	}
	cr_expect_eq(c.total, naive_total);
	cr_expect_gt(c.total, 10000, "the planted keywords were found");
	free(c.per_pattern);
	free(text);
	hl_aho_free(aho);
}
