/* The knowledge base's pure parts (core/tickets/kb_tokens.c, kb_index.c): terms of
 * Chinese and ASCII text after folding, ranking (the title and the ways of asking over
 * the answer, rare terms over common ones, expired entries left out), replacing an entry
 * by a newer version (and never by an older one), a query cut at its limit, and the
 * snippet's marks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/kb_index.h"
#include "tickets/kb_tokens.h"

struct seen {
	char text[64][32];
	enum hl_kb_term_kind kind[64];
	size_t n;
	const char *src;
};

static int record(const struct hl_kb_token *tok, void *arg)
{
	struct seen *s = arg;

	if (s->n < 64) {
		snprintf(s->text[s->n], sizeof(s->text[0]), "%.*s", (int)(tok->end - tok->start),
			 s->src + tok->start);
		s->kind[s->n++] = tok->kind;
	}
	return 0;
}

static struct seen tokens(const char *text, enum hl_kb_tokenize_mode mode)
{
	struct seen s = {.src = text};

	hl_kb_tokenize(text, strlen(text), mode, record, &s);
	return s;
}

Test(kb_tokens, han_runs_give_unigrams_and_bigrams_ascii_words)
{
	struct seen s = tokens("社保卡, IC卡12333", HL_KB_INDEXING);
	const char *want[] = {"社", "保", "社保", "卡", "保卡", "IC", "卡", "12333"};

	cr_assert_eq(s.n, 8);
	for (size_t i = 0; i < 8; i++)
		cr_assert_str_eq(s.text[i], want[i], "token %zu: %s", i, s.text[i]);
}

Test(kb_tokens, a_query_keeps_bigrams_and_lone_characters)
{
	struct seen s = tokens("电 社保卡", HL_KB_QUERYING);

	cr_assert_eq(s.n, 3);
	cr_assert_str_eq(s.text[0], "电");
	cr_assert_eq(s.kind[0], HL_KB_UNIGRAM);
	cr_assert_str_eq(s.text[1], "社保");
	cr_assert_str_eq(s.text[2], "保卡");
}

/* The one term of a text that has one. */
static int first(const struct hl_kb_token *tok, void *arg)
{
	*(hl_kb_term *)arg = tok->term;
	return 1;
}

static hl_kb_term term_of(const char *text)
{
	hl_kb_term t = 0;

	hl_kb_tokenize(text, strlen(text), HL_KB_QUERYING, first, &t);
	return t;
}

Test(kb_tokens, traditional_fullwidth_and_case_fold_to_one_term)
{
	cr_assert_eq(term_of("過戶"), term_of("过户"));
	cr_assert_eq(term_of("ＩＣ"), term_of("ic"));
	cr_assert_eq(term_of("App"), term_of("app"));
	cr_assert_neq(term_of("过户"), term_of("户过"));
	cr_assert_neq(term_of("ab"), term_of("ba"));
}

Test(kb_tokens, malformed_bytes_separate_and_a_callback_stops_the_walk)
{
	struct seen s = tokens("社\xff保", HL_KB_INDEXING);
	hl_kb_term t = 0;

	cr_assert_eq(s.n, 2); /* 社, 保: no bigram across the bad byte */
	cr_assert_eq(hl_kb_tokenize("社保卡", strlen("社保卡"), HL_KB_INDEXING, first, &t), 1);
}

/* ---- the index ----------------------------------------------------------------------- */

static void put(struct hl_kb_index *idx, const char *id, long version, const char *title,
		const char *questions, const char *answer, const char *until)
{
	struct hl_kb_doc_fields f = {id, title, "rsj", questions, "", answer, until, version};

	cr_assert_geq(hl_kb_index_put(idx, &f), 0);
}

static int search(struct hl_kb_index *idx, const char *q, int include_expired,
		  struct hl_kb_hit *hits, size_t max)
{
	struct hl_kb_query kq;

	hl_kb_query_parse(q, strlen(q), &kq);
	return hl_kb_index_search(idx, &kq, "2026-12-06", include_expired, hits, max);
}

Test(kb_index, the_title_and_questions_outweigh_the_answer)
{
	struct hl_kb_index *idx = hl_kb_index_new();
	struct hl_kb_hit hits[5];

	/* both mention 公积金; one in its title and questions, one only in passing */
	put(idx, "in-answer", 1, "住房贷款办理", "房贷怎么办",
	    "办理住房贷款时可以同时申请公积金贷款组合，具体到银行咨询。", "");
	put(idx, "in-title", 1, "公积金提取", "公积金怎么取\n公积金提取条件",
	    "符合条件的职工可申请提取。", "");
	put(idx, "other", 1, "社保卡补办", "社保卡丢了", "到网点补办。", "");
	cr_assert_eq(search(idx, "公积金", 0, hits, 5), 2);
	cr_assert_str_eq(hits[0].doc->id, "in-title");
	cr_assert_str_eq(hits[1].doc->id, "in-answer");
	cr_assert_gt(hits[0].score, hits[1].score);
	/* nothing shared: nothing found */
	cr_assert_eq(search(idx, "垃圾分类", 0, hits, 5), 0);
	hl_kb_index_free(idx);
}

Test(kb_index, rare_terms_outweigh_common_ones)
{
	struct hl_kb_index *idx = hl_kb_index_new();
	struct hl_kb_hit hits[5];

	/* 怎么 is in every entry, 电池 in one */
	put(idx, "a", 1, "水费怎么交", "", "水费缴纳", "");
	put(idx, "b", 1, "燃气怎么开户", "", "燃气开户", "");
	put(idx, "c", 1, "电池怎么扔", "", "电池投放", "");
	put(idx, "d", 1, "户口怎么迁", "", "户口迁移", "");
	cr_assert_geq(search(idx, "电池怎么处理", 0, hits, 5), 1);
	cr_assert_str_eq(hits[0].doc->id, "c");
	hl_kb_index_free(idx);
}

Test(kb_index, expired_entries_are_left_out_unless_asked_for)
{
	struct hl_kb_index *idx = hl_kb_index_new();
	struct hl_kb_hit hits[5];

	put(idx, "old", 1, "入学报名", "", "2025年的报名办法", "2025-12-31");
	put(idx, "new", 1, "入学报名须知", "", "2026年的报名办法", "2026-12-31");
	put(idx, "open", 1, "入学政策", "", "长期有效", "");
	cr_assert_eq(search(idx, "入学报名", 0, hits, 5), 2);
	cr_assert_eq(search(idx, "入学报名", 1, hits, 5), 3);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(hits[i].expired, strcmp(hits[i].doc->id, "old") == 0);
	hl_kb_index_free(idx);
}

Test(kb_index, a_newer_version_replaces_an_older_never)
{
	struct hl_kb_index *idx = hl_kb_index_new();
	struct hl_kb_hit hits[5];
	struct hl_kb_doc_fields older = {"e", "燃气开户", "gas", "", "", "旧", "", 1};

	put(idx, "e", 2, "水表过户", "", "营业厅办理", "");
	cr_assert_eq(hl_kb_index_put(idx, &older), 0); /* ignored */
	cr_assert_eq(search(idx, "燃气开户", 0, hits, 5), 0);
	put(idx, "e", 3, "燃气开户", "", "营业厅办理", "");
	cr_assert_eq(hl_kb_index_size(idx), 1);
	cr_assert_eq(search(idx, "水表过户", 0, hits, 5), 0, "the old version's terms are gone");
	cr_assert_eq(search(idx, "燃气开户", 0, hits, 5), 1);
	cr_assert_eq(hits[0].doc->version, 3);
	/* many edits: the dead slots are compacted away and the index stays right */
	for (long v = 4; v < 400; v++)
		put(idx, "e", v, v % 2 ? "水表过户" : "燃气开户", "", "营业厅办理", "");
	cr_assert_eq(hl_kb_index_size(idx), 1);
	cr_assert_eq(search(idx, "水表过户", 0, hits, 5), 1);
	cr_assert_eq(hits[0].doc->version, 399);
	cr_assert_eq(search(idx, "燃气开户", 0, hits, 5), 0);
	hl_kb_index_free(idx);
}

Test(kb_index, ties_break_by_id_and_the_limit_holds)
{
	struct hl_kb_index *idx = hl_kb_index_new();
	struct hl_kb_hit hits[3];
	char id[8];

	for (int i = 9; i >= 0; i--) {
		snprintf(id, sizeof(id), "e%d", i);
		put(idx, id, 1, "电费缴纳", "", "同一答复", "");
	}
	cr_assert_eq(search(idx, "电费", 0, hits, 3), 3);
	cr_assert_str_eq(hits[0].doc->id, "e0");
	cr_assert_str_eq(hits[2].doc->id, "e2");
	hl_kb_index_free(idx);
}

Test(kb_index, a_long_query_is_cut_to_whole_characters)
{
	size_t n = 10000;
	char *q = malloc(3 * n + 1);
	struct hl_kb_query kq;

	for (size_t i = 0; i < n; i++)
		memcpy(q + 3 * i, i % 2 ? "水" : "电", 3);
	q[3 * n] = '\0';
	hl_kb_query_parse(q, strlen(q) - 1, &kq); /* cut mid-character too */
	cr_assert_leq(kq.n, HL_KB_QUERY_TERMS);
	cr_assert_eq(kq.n, 2); /* 电水 and 水电, each once */
	free(q);
}

Test(kb_index, the_snippet_marks_the_matched_characters)
{
	struct hl_kb_index *idx = hl_kb_index_new();
	struct hl_kb_hit hit;
	struct hl_kb_snippet sn;
	struct hl_kb_query kq;
	char marked[256] = "", whole[1024] = "";
	const char *answer = "一、挂失：拨打12333临时挂失。二、补办：本人持身份证到合作银行网点补办社保卡，"
			     "即时制卡网点当场领卡。三、收费：补卡工本费以网点公示为准。";

	put(idx, "sb", 1, "社保卡丢失", "社保卡丢了怎么办", answer, "");
	hl_kb_query_parse("社保卡补办", strlen("社保卡补办"), &kq);
	cr_assert_eq(hl_kb_index_search(idx, &kq, "2026-12-06", 0, &hit, 1), 1);
	cr_assert_eq(hl_kb_snippet(hit.doc, &kq, &sn), 0);
	cr_assert_eq(sn.text, hit.doc->answer);
	for (size_t i = 0; i < sn.nseg; i++) {
		size_t len = sn.seg[i].end - sn.seg[i].start;

		strncat(whole, sn.text + sn.seg[i].start, len);
		if (sn.seg[i].hit) {
			strncat(marked, sn.text + sn.seg[i].start, len);
			strcat(marked, "|");
		}
	}
	cr_assert_str_eq(marked, "补办|补办社保卡|", "%s", whole);
	cr_assert(strstr(answer, whole), "a window of the answer: %s", whole);
	cr_assert(sn.cut_before); /* it begins a few characters before the first mark */
	hl_kb_index_free(idx);
}

Test(kb_index, the_snippet_falls_back_to_the_question_that_matches)
{
	struct hl_kb_index *idx = hl_kb_index_new();
	struct hl_kb_hit hit;
	struct hl_kb_snippet sn;
	struct hl_kb_query kq;

	put(idx, "x", 1, "异地就医备案", "外地看病能报吗\n异地就医怎么备案", "通过国家医保服务平台办理。", "");
	hl_kb_query_parse("外地看病", strlen("外地看病"), &kq);
	cr_assert_eq(hl_kb_index_search(idx, &kq, "2026-12-06", 0, &hit, 1), 1);
	cr_assert_eq(hl_kb_snippet(hit.doc, &kq, &sn), 0);
	cr_assert_eq(sn.text, hit.doc->questions);
	cr_assert_eq(sn.nseg, 2);
	cr_assert(sn.seg[0].hit);
	cr_assert_eq(sn.seg[0].end - sn.seg[0].start, strlen("外地看病"));
	hl_kb_index_free(idx);
}
