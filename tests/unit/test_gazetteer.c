/* Unit tests for the gazetteer of plugins/lib: the shipped routes/districts.yaml covers
 * every district and function zone and places the city's well-known places; the most
 * specific name wins, names inside longer names don't count, the address comes first,
 * ambiguity is resolved by the other texts or declined; load errors carry the exact
 * file:line:column. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "gazetteer.h"
#include "harness.h"
#include "config/routes.h"

static char dir[256];
static struct hl_routes *routes;
static struct hl_gazetteer *shipped;

/* A department list of three units, for the load errors. */
static enum hl_unit_kind unit_kind(void *arg, const char *code)
{
	(void)arg;
	if (strcmp(code, "d.jiangan") == 0 || strcmp(code, "d.hanyang") == 0)
		return HL_UNIT_DISTRICT;
	return strcmp(code, "water") == 0 ? HL_UNIT_LINE : HL_UNIT_UNKNOWN;
}

static void setup(void)
{
	char err[1024] = "";

	hlt_tmpdir(dir, sizeof(dir));
	cr_assert_eq(hl_routes_load(HL_SOURCE_DIR "/routes", &routes, err, sizeof(err)), 0, "%s",
		     err);
	/* Codes and kinds are checked against the department list in the routing accuracy
	 * test; here, that every district is there. */
	cr_assert_eq(hl_gazetteer_load(HL_SOURCE_DIR "/routes/districts.yaml", NULL, &shipped,
				       err, sizeof(err)),
		     0, "%s", err);
}

static void teardown(void)
{
	hl_gazetteer_free(shipped);
	hl_routes_free(routes);
	hlt_rmtree(dir);
}

TestSuite(gazetteer, .init = setup, .fini = teardown);

/* Collects explanation lines into one buffer. */
static void keep_line(void *arg, const char *line)
{
	char *buf = arg;

	strncat(buf, line, 4095 - strlen(buf));
	strncat(buf, "\n", 4095 - strlen(buf));
}

/* The district the shipped gazetteer finds for these texts, or "-" for none. */
static const char *place(const char *address, const char *title, const char *content,
			 char *why)
{
	struct hl_ticket_text t = {title, content, address, NULL};
	struct hl_explain ex = {keep_line, why};
	struct hl_place p;
	int rc;

	if (why)
		why[0] = '\0';
	rc = hl_gazetteer_locate(shipped, &t, &p, why ? &ex : NULL);
	cr_assert_geq(rc, 0);
	return rc == 1 ? p.code : "-";
}

Test(gazetteer, covers_every_district_of_the_department_list)
{
	size_t n = 0;

	for (size_t i = 0; i < routes->ndepartments; i++) {
		const struct hl_department *d = &routes->departments[i];
		size_t j;

		if (d->kind != HL_DEPT_DISTRICT)
			continue;
		n++;
		for (j = 0; j < hl_gazetteer_count(shipped); j++) {
			if (strcmp(hl_gazetteer_code(shipped, j), d->code) == 0)
				break;
		}
		cr_expect_lt(j, hl_gazetteer_count(shipped), "%s missing", d->code);
	}
	cr_expect_eq(hl_gazetteer_count(shipped), n);
	cr_expect_null(hl_gazetteer_code(shipped, n));
}

Test(gazetteer, well_known_places)
{
	static const char *const cases[][2] = {
		{"光谷", "d.donghu"},         {"汉正街", "d.qiaokou"},
		{"后湖", "d.jiangan"},        {"沌口", "d.jingkai"},
		{"吴家山", "d.dongxihu"},     {"百步亭", "d.jiangan"},
		{"徐东", "d.wuchang"},        {"街道口", "d.hongshan"},
		{"王家湾", "d.hanyang"},      {"钟家村", "d.hanyang"},
		{"四新", "d.hanyang"},        {"红钢城", "d.qingshan"},
		{"纸坊", "d.jiangxia"},       {"阳逻", "d.xinzhou"},
		{"邾城", "d.xinzhou"},        {"蔡甸", "d.caidian"},
		{"黄陂前川", "d.huangpi"},    {"盘龙城", "d.huangpi"},
		{"汉南", "d.jingkai"},        {"谌家矶", "d.changjiang"},
		{"武湖", "d.changjiang"},     {"藏龙岛", "d.jiangxia"},
		{"关山", "d.donghu"},         {"青菱", "d.hongshan"},
		{"磨山", "d.fengjing"},       {"落雁", "d.fengjing"},
		{"东湖绿道", "d.fengjing"},   {"江汉路步行街", "d.jianghan"},
		{"金银湖", "d.dongxihu"},     {"黄鹤楼景区周边", "d.wuchang"},
		{"汉口北", "d.huangpi"},      {"木兰山", "d.huangpi"},
		{"中法生态城", "d.caidian"},  {"武汉站东广场", "d.hongshan"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_str_eq(place(cases[i][0], NULL, NULL, NULL), cases[i][1], "%s",
				 cases[i][0]);
}

Test(gazetteer, the_more_specific_place_wins)
{
	/* A function zone's street beats the district name written before it. */
	cr_expect_str_eq(place("洪山区关山街", NULL, NULL, NULL), "d.donghu");
	cr_expect_str_eq(place("洪山区光谷步行街", NULL, NULL, NULL), "d.donghu");
	/* Names inside longer names don't count. */
	cr_expect_str_eq(place("黎黄陂路", NULL, NULL, NULL), "d.jiangan");
	cr_expect_str_eq(place("洪山广场", NULL, NULL, NULL), "d.wuchang");
	cr_expect_str_eq(place("江汉大学", NULL, NULL, NULL), "d.jingkai");
	cr_expect_str_eq(place("东湖高新区豹澥街", NULL, NULL, NULL), "d.donghu");
	/* Agreeing names add up. */
	cr_expect_str_eq(place("硚口区解放大道（硚口路口往宗关方向）", NULL, NULL, NULL),
			 "d.qiaokou");
}

Test(gazetteer, traditional_characters_are_folded)
{
	cr_expect_str_eq(place("後湖", NULL, NULL, NULL), "d.jiangan");
	cr_expect_str_eq(place(NULL, "漢陽區鐘家村", NULL, NULL), "d.hanyang");
}

Test(gazetteer, address_first_then_title_then_content)
{
	char why[4096];

	cr_expect_str_eq(place("江汉区常青路", "光谷的朋友", "我在徐东上班", why), "d.jianghan");
	cr_expect(strstr(why, "address: "), "%s", why);
	cr_expect_str_eq(place("", "光谷某小区", "我在徐东上班", NULL), "d.donghu");
	cr_expect_str_eq(place(NULL, "小区门口流浪狗", "塔子湖这边我们小区门口", why),
			 "d.jiangan");
	cr_expect(strstr(why, "content: 塔子湖 (area of d.jiangan) -> d.jiangan"), "%s", why);
	cr_expect_str_eq(place("某小区", "流浪狗", "晚上追着人咬", why), "-");
	cr_expect(strstr(why, "no place of the gazetteer"), "%s", why);
}

Test(gazetteer, the_district_field_decides_when_known)
{
	struct hl_ticket_text t = {"光谷", NULL, "光谷", "d.wuchang"};
	struct hl_place p;
	char why[4096] = "";
	struct hl_explain ex = {keep_line, why};

	cr_assert_eq(hl_gazetteer_locate(shipped, &t, &p, &ex), 1);
	cr_expect_str_eq(p.code, "d.wuchang");
	cr_expect_str_eq(p.source, "district");
	t.district = "water";
	why[0] = '\0';
	cr_assert_eq(hl_gazetteer_locate(shipped, &t, &p, &ex), 1);
	cr_expect_str_eq(p.code, "d.donghu");
	cr_expect(strstr(why, "district field 'water' is not a district"), "%s", why);
}

Test(gazetteer, ambiguity_is_resolved_by_the_other_texts_or_declined)
{
	char why[4096];

	/* 南湖 is shared by 武昌 and 洪山. */
	cr_expect_str_eq(place("南湖", NULL, NULL, why), "-");
	cr_expect(strstr(why, "ambiguous between 2 districts"), "%s", why);
	cr_expect(strstr(why, "the place stays ambiguous"), "%s", why);
	cr_expect_str_eq(place("南湖", "狮子山街一小区", NULL, NULL), "d.hongshan");
	/* The later text only chooses among the tied districts. */
	cr_expect_str_eq(place("南湖", "从光谷过来", "住在武昌区", NULL), "d.wuchang");
	/* A shared road and a district name: the name settles it. */
	cr_expect_str_eq(place("江岸区解放大道", NULL, NULL, NULL), "d.jiangan");
}

Test(gazetteer, route_gives_the_district_plugins_answer)
{
	struct hl_ticket_text t = {"垃圾没人清", NULL, "汉阳区江堤街", NULL};
	struct hl_route_answer a;

	cr_assert_eq(hl_gazetteer_route(shipped, &t, &a, NULL), 1);
	cr_expect_str_eq(a.department, "d.hanyang");
	cr_expect_str_eq(a.item, "");
	cr_expect_str_eq(a.reason, "territorial: address 江堤街 -> d.hanyang");
	cr_expect_eq(a.score, (2 + 4) * 12);
	t.address = "某地";
	cr_expect_eq(hl_gazetteer_route(shipped, &t, &a, NULL), 0);
}

/* Writes text as dir/districts.yaml and expects it refused at `where` with `what`. */
static void load_bad(const char *text, const char *where, const char *what)
{
	char path[512], err[1024] = "", prefix[600];
	struct hl_unit_check check = {unit_kind, NULL};
	struct hl_gazetteer *gz = NULL;

	hlt_write_file(dir, "districts.yaml", text, path, sizeof(path));
	cr_assert_eq(hl_gazetteer_load(path, &check, &gz, err, sizeof(err)), -1, "accepted:\n%s",
		     text);
	cr_assert_null(gz);
	snprintf(prefix, sizeof(prefix), "%s:%s: ", path, where);
	cr_expect(strncmp(err, prefix, strlen(prefix)) == 0, "wanted %s in: %s", where, err);
	cr_expect(strstr(err, what), "wanted '%s' in: %s", what, err);
}

Test(gazetteer, load_errors_name_the_place)
{
	load_bad("", "1:1", "the file is empty");
	load_bad("districts: []\n", "1:12", "'districts' must be a non-empty sequence");
	load_bad("district:\n  - code: d.jiangan\n", "1:1", "unknown key 'district'");
	load_bad("districts:\n  - code: d.nowhere\n    names: [无处]\n", "2:11",
		 "unknown department code 'd.nowhere'");
	load_bad("districts:\n  - code: water\n    names: [水]\n", "2:11",
		 "'water' is not a district or function zone");
	load_bad("districts:\n  - code: d.jiangan\n    areas: [后湖]\n", "2:5",
		 "missing key 'names'");
	load_bad("districts:\n  - code: d.jiangan\n    names: 江岸区\n", "3:12",
		 "'names' must be a sequence of words");
	load_bad("districts:\n  - code: d.jiangan\n    names: [江岸区]\n    roads: [三阳路]\n",
		 "4:5", "unknown key 'roads' in a district (expected code, names, areas");
	load_bad("districts:\n  - code: d.jiangan\n    names: [江岸区, '']\n", "3:18",
		 "each of 'names' must be a non-empty word");
	load_bad("districts:\n  - code: d.jiangan\n    names: [江岸区]\n"
		 "    areas: [后湖, 百步亭]\n    landmarks: [後湖]\n",
		 "5:17", "'後湖' is listed twice for d.jiangan (also at 4:13)");
	load_bad("districts:\n  - code: d.jiangan\n    names: [江岸区]\n"
		 "  - code: d.jiangan\n    names: [江岸]\n",
		 "4:11", "district 'd.jiangan' is listed twice");
	load_bad("districts:\n  - [d.jiangan]\n", "2:5", "expected a district (a mapping)");
}

Test(gazetteer, a_name_shared_by_two_districts_is_allowed)
{
	char path[512], err[1024] = "";
	struct hl_gazetteer *gz = NULL;
	struct hl_ticket_text t = {NULL, NULL, "环湖路", NULL};
	struct hl_place p;

	hlt_write_file(dir, "districts.yaml",
		       "districts:\n  - code: d.a\n    names: [甲区]\n    landmarks: [环湖路]\n"
		       "  - code: d.b\n    names: [乙区]\n    landmarks: [环湖路]\n",
		       path, sizeof(path));
	cr_assert_eq(hl_gazetteer_load(path, NULL, &gz, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(hl_gazetteer_locate(gz, &t, &p, NULL), 0);
	t.content = "乙区环湖路";
	cr_assert_eq(hl_gazetteer_locate(gz, &t, &p, NULL), 1);
	cr_expect_str_eq(p.code, "d.b");
	cr_expect_str_eq(p.source, "content");
	hl_gazetteer_free(gz);
}
