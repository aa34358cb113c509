/* Unit tests for the dispatch catalogue of plugins/lib: scoring (title counts twice, a
 * word counts once, the longer keyword wins, exclusions veto, neutral phrases), tie rules,
 * territorial items placed by the gazetteer, explanations, load errors with the exact
 * file:line:column, the shipped routes/catalogue.yaml, and the glue the routing plugins
 * use to turn answers into decisions. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "harness.h"
#include "plugin_glue.h"

static char dir[256];
static struct hl_catalogue *cat;
static struct hl_gazetteer *gz;

static const char catalogue_yaml[] =
	"neutral: [来电表扬]\n"
	"items:\n"
	"  - {id: water.outage, name: 停水, type: report, department: water, weight: 5,\n"
	"     keywords: [停水, 水压, 没水]}\n"
	"  - {id: power.meter, name: 电表, type: consultation, department: power, weight: 6,\n"
	"     keywords: [电表, 电费]}\n"
	"  - {id: cgw.manhole, name: 无主井盖, type: report, department: cgw, weight: 7,\n"
	"     keywords: [井盖, 井口], exclude: [污水, 燃气]}\n"
	"  - {id: swj.manhole, name: 污水井盖, type: report, department: swj, weight: 3,\n"
	"     keywords: [污水井盖]}\n"
	"  - {id: metro.lift, name: 地铁扶梯, type: report, department: metro, weight: 2,\n"
	"     keywords: [地铁扶梯]}\n"
	"  - {id: mall.lift, name: 扶梯, type: report, department: scjgj, weight: 9,\n"
	"     keywords: [扶梯]}\n"
	"  - {id: t.noise, name: 噪音扰民, type: complaint, department: territorial, weight: 4,\n"
	"     keywords: [噪音, 扰民]}\n"
	"  - {id: light, name: 轻, type: report, department: jgj, weight: 2, keywords: [甲, 乙]}\n"
	"  - {id: heavy, name: 重, type: report, department: jtj, weight: 4, keywords: [丙]}\n"
	"  - {id: late, name: 后, type: report, department: rsj, weight: 3, keywords: [丁]}\n"
	"  - {id: early, name: 先, type: report, department: jyj, weight: 3, keywords: [戊]}\n"
	"  - {id: first, name: 一, type: report, department: wjw, weight: 3, keywords: [己]}\n"
	"  - {id: second, name: 二, type: report, department: mzj, weight: 3, keywords: [己]}\n";

static const char districts_yaml[] =
	"districts:\n"
	"  - {code: d.jianghan, names: [江汉区], areas: [前进一路]}\n"
	"  - {code: d.wuchang, names: [武昌区], areas: [徐东]}\n";

/* The catalogue `text`, written to dir/name and loaded without a department check; the
 * caller frees it. */
static struct hl_catalogue *load_ok(const char *name, const char *text)
{
	char path[512], err[1024] = "";
	struct hl_catalogue *c = NULL;

	hlt_write_file(dir, name, text, path, sizeof(path));
	cr_assert_eq(hl_catalogue_load(path, NULL, &c, err, sizeof(err)), 0, "%s", err);
	return c;
}

static void setup(void)
{
	char path[512], err[1024] = "";

	hlt_tmpdir(dir, sizeof(dir));
	cat = load_ok("catalogue.yaml", catalogue_yaml);
	hlt_write_file(dir, "districts.yaml", districts_yaml, path, sizeof(path));
	cr_assert_eq(hl_gazetteer_load(path, NULL, &gz, err, sizeof(err)), 0, "%s", err);
}

static void teardown(void)
{
	hl_catalogue_free(cat);
	hl_gazetteer_free(gz);
	hlt_rmtree(dir);
}

TestSuite(catalogue, .init = setup, .fini = teardown);

static char why[8192];

static void keep_line(void *arg, const char *line)
{
	(void)arg;
	strncat(why, line, sizeof(why) - 1 - strlen(why));
	strncat(why, "\n", sizeof(why) - 1 - strlen(why));
}

/* Routes title/content/address; returns the department, or "-" when declined. */
static const char *route(const char *title, const char *content, const char *address,
			 struct hl_route_answer *a)
{
	struct hl_ticket_text t = {title, content, address, NULL};
	struct hl_explain ex = {keep_line, NULL};
	int rc;

	why[0] = '\0';
	rc = hl_catalogue_route(cat, gz, &t, a, &ex);
	cr_assert_geq(rc, 0);
	return rc == 1 ? a->department : "-";
}

Test(catalogue, a_keyword_counts_once_and_twice_in_the_title)
{
	struct hl_route_answer a;

	cr_assert_str_eq(route("停水三天", "水压也低，停水停水，停水", NULL, &a), "water");
	cr_expect_eq(a.score, 5 * 2 + 5);
	cr_expect_str_eq(a.item, "water.outage");
	cr_expect_str_eq(a.type, "report");
	cr_expect_str_eq(a.reason, "water.outage 停水 (report), score 15: 停水 (title), 水压");
	cr_expect(strstr(why, "1. water.outage 停水 -> water: weight 5 x [停水 (title), 水压] = "
			      "15\n"),
		  "%s", why);
	cr_expect(strstr(why, "winner water.outage: the only item found"), "%s", why);
}

Test(catalogue, the_longer_keyword_wins_over_the_one_inside_it)
{
	struct hl_route_answer a;

	/* 扶梯 (weight 9) lies inside 地铁扶梯 (weight 2): only the latter counts. */
	cr_expect_str_eq(route("地铁扶梯突然停了", NULL, NULL, &a), "metro");
	cr_expect_eq(a.score, 4);
	cr_expect_str_eq(route("商场扶梯突然停了", NULL, NULL, &a), "scjgj");
}

Test(catalogue, an_exclusion_word_vetoes_its_item)
{
	struct hl_route_answer a;

	cr_expect_str_eq(route("路上井盖丢了", NULL, NULL, &a), "cgw");
	cr_expect_str_eq(route("路上井盖丢了", "井盖上写着污水两个字", NULL, &a), "-");
	cr_expect(strstr(why, "cgw.manhole is out: exclusion word '污水' found"), "%s", why);
	cr_expect(strstr(why, "no catalogue item reaches score 1: declined"), "%s", why);
	cr_expect_str_eq(route("污水井盖塌了", NULL, NULL, &a), "swj");
	cr_expect_eq(a.score, 6);
}

Test(catalogue, neutral_phrases_hide_the_keywords_inside_them)
{
	struct hl_route_answer a;

	cr_expect_str_eq(route("坑槽修好了", "来电表扬市政养护", NULL, &a), "-");
	cr_expect_str_eq(route("电表不走了", NULL, NULL, &a), "power");
}

Test(catalogue, ties_go_to_weight_then_first_found_then_file_order)
{
	struct hl_route_answer a;

	/* light: 2 + 2 = 4; heavy: 4. */
	cr_expect_str_eq(route(NULL, "甲乙丙", NULL, &a), "jtj");
	cr_expect(strstr(why, "winner heavy (4) over light (4): same score, heavier item"), "%s",
		  why);
	cr_expect_str_eq(route(NULL, "丁戊", NULL, &a), "rsj");
	cr_expect_str_eq(route(NULL, "戊丁", NULL, &a), "jyj");
	cr_expect(strstr(why, "same score and weight, found first"), "%s", why);
	cr_expect_str_eq(route("丁", "戊", NULL, &a), "rsj", "a title hit is found first");
	cr_expect_str_eq(route(NULL, "己", NULL, &a), "wjw");
	cr_expect(strstr(why, "same score and weight, listed first"), "%s", why);
}

Test(catalogue, a_higher_score_wins)
{
	struct hl_route_answer a;

	/* water 5 (content) against power 6 x 2 (title). */
	cr_expect_str_eq(route("电费太高", "停水", NULL, &a), "power");
	cr_expect(strstr(why, "1. power.meter"), "%s", why);
	cr_expect(strstr(why, "2. water.outage"), "%s", why);
	cr_expect(strstr(why, "winner power.meter (12) over water.outage (5): higher score"),
		  "%s", why);
}

Test(catalogue, nothing_found_is_declined)
{
	struct hl_route_answer a;

	cr_expect_str_eq(route("表扬", "谢谢你们", "江汉区", &a), "-");
	cr_expect_str_eq(route(NULL, NULL, NULL, &a), "-");
	cr_expect_str_eq(route("", "", "", &a), "-");
}

Test(catalogue, territorial_items_go_to_the_district)
{
	struct hl_route_answer a;
	struct hl_ticket_text t = {"噪音扰民", NULL, NULL, "d.wuchang"};

	cr_expect_str_eq(route("饭店噪音", NULL, "江汉区前进一路", &a), "d.jianghan");
	cr_expect_str_eq(a.item, "t.noise");
	cr_expect_str_eq(a.reason, "t.noise 噪音扰民 (complaint), score 8: 噪音 (title); address "
				   "前进一路 -> d.jianghan");
	/* No address: the title, then the content. */
	cr_expect_str_eq(route("徐东一家酒吧噪音", "吵", NULL, &a), "d.wuchang");
	cr_expect_str_eq(route("酒吧噪音", "我住徐东", "", &a), "d.wuchang");
	/* Nowhere: declined, and said why. */
	cr_expect_str_eq(route("酒吧噪音", "吵得睡不着", "某小区", &a), "-");
	cr_expect(strstr(why, "t.noise is territorial and no district was found: declined"),
		  "%s", why);
	/* The district field set at intake comes first. */
	cr_assert_eq(hl_catalogue_route(cat, gz, &t, &a, NULL), 1);
	cr_expect_str_eq(a.department, "d.wuchang");
	/* Without a gazetteer, territorial items are declined. */
	cr_expect_eq(hl_catalogue_route(cat, NULL, &t, &a, NULL), 0);
}

Test(catalogue, the_ticket_may_say_its_type)
{
	struct hl_catalogue *c;
	struct hl_ticket_text t = {"咨询停水通知", NULL, NULL, NULL};
	struct hl_route_answer a;

	c = load_ok("cues.yaml",
		    "type_cues: {consultation: [咨询], praise: [表扬, 感谢]}\nitems:\n"
		    "  - {id: w, name: 停水, type: report, department: water, keywords: [停水]}\n");
	cr_assert_eq(hl_catalogue_route(c, NULL, &t, &a, NULL), 1);
	cr_expect_str_eq(a.type, "consultation");
	cr_expect_str_eq(a.reason, "w 停水 (consultation), score 2: 停水 (title)");
	/* The first cue in the title; then the opening of the content only. */
	t = (struct hl_ticket_text){"表扬停水抢修，咨询", NULL, NULL, NULL};
	cr_assert_eq(hl_catalogue_route(c, NULL, &t, &a, NULL), 1);
	cr_expect_str_eq(a.type, "praise");
	t = (struct hl_ticket_text){"停水", "来电人咨询：何时来水", NULL, NULL};
	cr_assert_eq(hl_catalogue_route(c, NULL, &t, &a, NULL), 1);
	cr_expect_str_eq(a.type, "consultation");
	t.content = "家里停水三天了，打电话也没人接，物业说等通知，我想咨询一下";
	cr_assert_eq(hl_catalogue_route(c, NULL, &t, &a, NULL), 1);
	cr_expect_str_eq(a.type, "report");
	hl_catalogue_free(c);
}

Test(catalogue, min_score)
{
	struct hl_catalogue *strict;
	struct hl_ticket_text t = {"停水", NULL, NULL, NULL};
	struct hl_route_answer a;

	strict = load_ok("strict.yaml",
			 "min_score: 11\nitems:\n  - {id: w, name: 停水, type: report, department: "
			 "water, weight: 5, keywords: [停水, 没水]}\n");
	cr_expect_eq(hl_catalogue_route(strict, NULL, &t, &a, NULL), 0);
	t.content = "没水";
	cr_expect_eq(hl_catalogue_route(strict, NULL, &t, &a, NULL), 1);
	cr_expect_eq(a.score, 15);
	hl_catalogue_free(strict);
}

/* A department list that knows two codes, of unknown kinds. */
static enum hl_unit_kind known(void *arg, const char *code)
{
	(void)arg;
	return strcmp(code, "water") == 0 || strcmp(code, "gas") == 0 ? HL_UNIT_KNOWN
								    : HL_UNIT_UNKNOWN;
}

/* Refuses `text` as a catalogue at `where` with `what`. */
static void load_bad(const char *text, const char *where, const char *what)
{
	char path[512], err[1024] = "", prefix[600];
	struct hl_unit_check check = {known, NULL};
	struct hl_catalogue *c = NULL;

	hlt_write_file(dir, "bad.yaml", text, path, sizeof(path));
	cr_assert_eq(hl_catalogue_load(path, &check, &c, err, sizeof(err)), -1, "accepted:\n%s",
		     text);
	cr_assert_null(c);
	snprintf(prefix, sizeof(prefix), "%s:%s: ", path, where);
	cr_expect(strncmp(err, prefix, strlen(prefix)) == 0, "wanted %s in: %s", where, err);
	cr_expect(strstr(err, what), "wanted '%s' in: %s", what, err);
}

#define ITEM "items:\n  - id: water.outage\n    name: 停水\n    type: report\n"

Test(catalogue, load_errors_name_the_place)
{
	load_bad("", "1:1", "the file is empty");
	load_bad("items: {}\n", "1:8", "'items' must be a non-empty sequence");
	load_bad("itemz: []\n", "1:1", "unknown key 'itemz' in the catalogue (expected min_score, "
				       "neutral, type_cues, items)");
	load_bad("min_score: 1\n", "1:1", "missing key 'items'");
	load_bad("min_score: zero\nitems: []\n", "1:12", "'min_score' must be a whole number");
	load_bad(ITEM "    department: waterworks\n    keywords: [停水]\n", "5:17",
		 "unknown department code 'waterworks' (or write 'territorial')");
	load_bad(ITEM "    department: water\n", "2:5", "missing key 'keywords'");
	load_bad(ITEM "    department: water\n    keywords: []\n", "6:15",
		 "'keywords' must list at least one word");
	load_bad(ITEM "    department: water\n    keywords: [停水, [没水]]\n", "6:20",
		 "each of 'keywords' must be a non-empty word, got a sequence");
	load_bad(ITEM "    department: water\n    keywords: [停水, 没水, 停水]\n", "6:24",
		 "'停水' is listed twice in water.outage");
	load_bad(ITEM "    department: water\n    keywords: [停水]\n    exclude: [ＩＣ卡, ic卡]\n",
		 "7:20", "'ic卡' is listed twice in water.outage");
	load_bad(ITEM "    department: water\n    keywords: [停水]\n    weight: 0\n", "7:13",
		 "'weight' must be a whole number from 1 to 100");
	load_bad(ITEM "    department: water\n    keywords: [停水]\n    weight: '5'\n", "7:13",
		 "'weight' must be a whole number");
	load_bad(ITEM "    department: water\n    keywords: [停水]\n    weight: 5x\n", "7:13",
		 "'weight' must be a whole number");
	load_bad(ITEM "    department: water\n    keywords: [停水]\n    owner: me\n", "7:5",
		 "unknown key 'owner' in an item");
	load_bad("items:\n  - id: w\n    name: 停水\n    type: grumble\n    department: water\n"
		 "    keywords: [停水]\n",
		 "4:11", "type 'grumble' is not one of consultation, request, complaint");
	load_bad("items:\n  - id: Water\n    name: 停水\n    type: report\n    department: water\n"
		 "    keywords: [停水]\n",
		 "2:9", "id 'Water' may hold only a-z, 0-9");
	load_bad(ITEM "    department: water\n    keywords: [停水]\n"
		      "  - {id: water.outage, name: 燃气, type: report, department: gas,"
		      " keywords: [漏气]}\n",
		 "7:10", "item 'water.outage' is listed twice");
	load_bad("items:\n  - id: w\n    type: report\n    department: water\n"
		 "    keywords: [停水]\n",
		 "2:5", "missing key 'name'");
	load_bad("items:\n  - id: w\n    name: ''\n    type: report\n    department: water\n"
		 "    keywords: [停水]\n",
		 "3:11", "'name' must be a non-empty scalar");
	load_bad("items:\n  - 停水\n", "2:5", "expected an item (a mapping), got a scalar");
	load_bad("neutral: [来电人, 来电人]\nitems:\n  - {id: w, name: 停水, type: report, "
		 "department: water, keywords: [停水]}\n",
		 "1:16", "'来电人' is listed twice in neutral");
	load_bad("type_cues: {query: [咨询]}\nitems:\n  - {id: w, name: 停水, type: report, "
		 "department: water, keywords: [停水]}\n",
		 "1:13",
		 "unknown key 'query' in the type cues (expected consultation, request");
}

Test(catalogue, the_shipped_catalogue_is_checked_against_the_department_list)
{
	char err[1024] = "";
	struct hl_catalogue *shipped;
	struct hl_unit_check check = {known, NULL};

	/* The department list at hand decides; the routing accuracy test loads the shipped
	 * files with the real one. */
	cr_expect_eq(hl_catalogue_load(HL_SOURCE_DIR "/routes/catalogue.yaml", &check, &shipped,
				       err, sizeof(err)),
		     -1, "the fake list knows only water and gas");
	cr_expect(strstr(err, "unknown department code 'power'"), "%s", err);
	cr_assert_eq(hl_catalogue_load(HL_SOURCE_DIR "/routes/catalogue.yaml", NULL, &shipped,
				       err, sizeof(err)),
		     0, "%s", err);
	cr_expect_geq(hl_catalogue_count(shipped), 50);
	cr_expect_geq(hl_catalogue_keyword_count(shipped), 1000);
	printf("shipped catalogue: %zu items, %zu keywords\n", hl_catalogue_count(shipped),
	       hl_catalogue_keyword_count(shipped));
	hl_catalogue_free(shipped);
}

/* The plugin glue, against fakes of the host's functions. */
static char explained[1024];

static void fake_explain(struct hl_decision *d, const char *fmt, ...)
{
	va_list ap;

	(void)d;
	va_start(ap, fmt);
	vsnprintf(explained + strlen(explained), sizeof(explained) - strlen(explained), fmt, ap);
	va_end(ap);
}

static const char *fake_department_name(struct hl_self *self, const char *code)
{
	(void)self;
	return strcmp(code, "water") == 0 ? "武汉市水务集团有限公司" : NULL;
}

static const char *fake_field(const struct hl_ticket *ticket, const char *name)
{
	(void)ticket;
	return strcmp(name, "title") == 0 ? "停水" : NULL;
}

Test(catalogue, plugin_glue)
{
	struct hl_decision d = {.size = sizeof(d)};
	struct hl_glue_explain e;
	struct hl_glue_units u;
	struct hl_ticket_text t;
	struct hl_route_answer a = {"water", "water.outage", "report", 10, ""};

	hl_glue_units_init(&u, fake_department_name, NULL);
	cr_expect_eq(u.check.kind(u.check.arg, "water"), HL_UNIT_KNOWN);
	cr_expect_eq(u.check.kind(u.check.arg, "d.nowhere"), HL_UNIT_UNKNOWN);
	hl_glue_explain_init(&e, fake_explain, &d);
	hl_explainf(&e.sink, "line %d", 1);
	cr_expect_str_eq(explained, "line 1");
	hl_glue_ticket_text(&t, NULL, fake_field);
	cr_expect_str_eq(t.title, "停水");
	cr_expect_null(t.content);

	/* A reason longer than the decision's is cut between characters. */
	for (size_t i = 0; i + 3 < sizeof(a.reason); i += 3)
		memcpy(a.reason + i, "水", 3);
	cr_assert_eq(hl_glue_decide(1, &a, &d), HL_OK);
	cr_expect_str_eq(d.department, "water");
	cr_expect_str_eq(d.type, "report");
	cr_expect_str_eq(d.item, "water.outage");
	cr_expect_eq(d.score, 10);
	cr_expect_eq(strlen(d.reason), 255);
	/* A 1.0 host's decision has no type. */
	memset(&d, 0, sizeof(d));
	d.size = offsetof(struct hl_decision, merge_into);
	cr_assert_eq(hl_glue_decide(1, &a, &d), HL_OK);
	cr_expect_str_eq(d.type, "");
	cr_expect_eq(hl_glue_decide(0, &a, &d), HL_DECLINED);
	cr_expect_eq(hl_glue_decide(-ENOMEM, &a, &d), HL_ERROR);
	cr_expect_str_eq(d.reason, "out of memory");
}
