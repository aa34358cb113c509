/*
 * route_bench: the routing engine benchmark of `make bench-routing` (issue 8; run by
 * contrib/bench/routing.sh). It measures the keyword routing code of plugins/lib/ as the
 * keyword plugin uses it: hl_catalogue_load (the YAML, the checks, the folding and the
 * Aho–Corasick automaton's build) and hl_catalogue_route (with the gazetteer of
 * routes/districts.yaml and an explanation sink, as the plugin calls it) over the 120
 * tickets of tests/data/tickets-sample.jsonl, for two catalogues:
 *   shipped  routes/catalogue.yaml as it is;
 *   10k      a catalogue of exactly 10,000 keywords, generated here deterministically
 *            (fixed seed) into WORKDIR/catalogue-10k.yaml: the shipped items, neutral
 *            phrases and type cues, then generated items up to 500 in all, each with 2-4
 *            character words drawn from a fixed set of common Chinese characters, a weight,
 *            sometimes exclusion words, and a line department of routes/departments.yaml
 *            or `territorial`.
 * As a baseline in the same run it times what the automaton replaces, a loop of strstr
 * over every keyword of the catalogue on the folded title and content, and the automaton
 * alone (hl_aho_collect over the same keywords and texts); it checks that both find the
 * same keywords.
 *
 *   route_bench -w WORKDIR [-s ROUTES_DIR] [-t TICKETS] [-r RUNS] [-m MS]
 *   route_bench -w WORKDIR [-s ROUTES_DIR] [-t TICKETS] -k shipped|10k -n N [-b WHAT]
 *
 * The first form prints CATALOGUE lines (what each catalogue holds and what routing it
 * gives), then one RESULT line per run and catalogue: load_ms (hl_catalogue_load),
 * build_ms (hl_aho_new/add/build over the folded keywords alone), and per ticket
 * route_ns (hl_catalogue_route), aho_ns (hl_aho_collect on the folded texts) and
 * strstr_ns (the loop of strstr on them); x_aho and x_route are strstr_ns over aho_ns
 * and route_ns. Each timing loops over the tickets for about MS milliseconds (default
 * 150; at least one pass). The second form loads one catalogue and routes exactly N
 * tickets (the sample over and over; -b aho or strstr: the baseline instead), for
 * instruction counts under callgrind: two values of N and a difference cancel the cost
 * of loading. Both forms use ROUTES_DIR (default routes) and TICKETS (default
 * tests/data/tickets-sample.jsonl). Exit 0, 1 on failure, 2 on bad usage.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aho.h"
#include "catalogue.h"
#include "base/fold.h"
#include "gazetteer.h"
#include "base/yaml_tree.h"

#define SEED UINT64_C(0x12345)  /* the hotline's number */
#define BIG_KEYWORDS 10000
#define BIG_ITEMS 500
#define MAX_TICKETS 100000

/* Common characters of everyday Chinese and of what citizens report; the generated
 * keywords are drawn from them (repeats are dropped at startup). */
static const char common_chars[] =
	"的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去"
	"之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方"
	"又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点"
	"月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门"
	"相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总"
	"才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合"
	"放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服"
	"毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带"
	"花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转"
	"量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千"
	"片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观"
	"争究包组造落视济喜离虽坏兴切团细精需热群证装费住楼栋单元门卫物业供暖停井盖堵塞漏渗"
	"噪扰民垃圾污染排放油烟烧烤摊贩占道违章搭建拆迁补偿工资拖欠社保医保养老低保救助学区"
	"入园招生课辅食堂价格投诉举报咨询建议维修损坏积冒臭异味施夜间猫狗宠绿化树木公园广场"
	"地铁公交站台出租网约黑车驾照罚款违停信号灯拥堵充电桩梯困人消防通堆飞线私拉乱接抛"
	"快递外卖质量假冒虚宣传合同租赁中押金预付卡健身培训机构幼儿诊所药店疫苗挂号护士医生"
	"燃漏泄阀表抄缴欠压检查整改执罚处理回复答复督办转办承诺期限过期延误";

static const char *const types[] = {"report", "complaint", "request", "consultation",
				    "suggestion", "praise"};

struct ticket {
	const char *title, *content, *address; /* owned by the JSON of the ticket */
	struct json_object *json;
	char *ftitle, *fcontent; /* folded, for the baselines */
};

struct words {
	char **w; /* folded */
	size_t n, cap;
};

struct unit {
	char *code;
	enum hl_unit_kind kind;
};

struct units {
	struct unit *u;
	size_t n;
};

static uint64_t rng = SEED;

/* xorshift64*: the same sequence everywhere, for the same catalogue everywhere. */
static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * UINT64_C(0x2545F4914F6CDD1D)) >> 32) % n;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "route_bench: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static void push_word(struct words *ws, char *w)
{
	if (ws->n == ws->cap) {
		ws->cap = ws->cap ? 2 * ws->cap : 1024;
		ws->w = realloc(ws->w, ws->cap * sizeof(*ws->w));
		if (!ws->w) {
			fprintf(stderr, "route_bench: out of memory\n");
			exit(1);
		}
	}
	ws->w[ws->n++] = w;
}

static char *fold(const char *s)
{
	char *f = hl_fold(s, strlen(s), NULL);

	if (!f) {
		fprintf(stderr, "route_bench: out of memory\n");
		exit(1);
	}
	return f;
}

/* --- the set of words used so far, so that every generated word is new ------------ */

#define SET_SIZE 65536 /* a power of two, well above the words of a catalogue */
static char *word_set[SET_SIZE];

/* Adds w (folded); returns 0 when it was there already. */
static int set_add(const char *w)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		h = (h ^ *p) * 16777619u;
	for (uint32_t i = h & (SET_SIZE - 1);; i = (i + 1) & (SET_SIZE - 1)) {
		if (!word_set[i]) {
			word_set[i] = xstrdup(w);
			return 1;
		}
		if (strcmp(word_set[i], w) == 0)
			return 0;
	}
}

/* --- inputs ------------------------------------------------------------------------ */

static size_t load_tickets(const char *path, struct ticket **t_r)
{
	FILE *f = fopen(path, "r");
	struct ticket *t = NULL;
	size_t n = 0, cap = 0, linecap = 0;
	char *line = NULL;

	if (!f) {
		fprintf(stderr, "route_bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (getline(&line, &linecap, f) > 0 && n < MAX_TICKETS) {
		struct json_object *j = json_tokener_parse(line), *v;

		if (!j || !json_object_is_type(j, json_type_object)) {
			fprintf(stderr, "route_bench: %s:%zu: not a JSON object\n", path, n + 1);
			exit(1);
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 128;
			t = realloc(t, cap * sizeof(*t));
			if (!t) {
				fprintf(stderr, "route_bench: out of memory\n");
				exit(1);
			}
		}
		t[n] = (struct ticket){NULL, NULL, NULL, j, NULL, NULL};
		if (json_object_object_get_ex(j, "title", &v))
			t[n].title = json_object_get_string(v);
		if (json_object_object_get_ex(j, "content", &v))
			t[n].content = json_object_get_string(v);
		if (json_object_object_get_ex(j, "address", &v))
			t[n].address = json_object_get_string(v);
		t[n].ftitle = fold(t[n].title ? t[n].title : "");
		t[n].fcontent = fold(t[n].content ? t[n].content : "");
		n++;
	}
	free(line);
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "route_bench: %s: no tickets\n", path);
		exit(1);
	}
	*t_r = t;
	return n;
}

static struct hl_yaml_doc *load_yaml(const char *path)
{
	struct hl_yaml_doc *doc;
	char err[512];

	if (hl_yaml_load_file(path, &doc, err, sizeof(err)) < 0 || !doc->root ||
	    doc->root->kind != HL_YAML_MAP) {
		fprintf(stderr, "route_bench: %s\n", doc ? "not a mapping" : err);
		exit(1);
	}
	return doc;
}

/* The scalar text of map[key], or NULL. */
static const char *text_of(const struct hl_yaml_node *map, const char *key)
{
	const struct hl_yaml_node *v = hl_yaml_map_get(map, key);

	return v && v->kind == HL_YAML_SCALAR ? v->text : NULL;
}

/* The units of routes/departments.yaml: their codes and kinds. */
static void load_units(const char *routes, struct units *units)
{
	char path[4096];
	struct hl_yaml_doc *doc;
	const struct hl_yaml_node *list;

	snprintf(path, sizeof(path), "%s/departments.yaml", routes);
	doc = load_yaml(path);
	list = hl_yaml_map_get(doc->root, "departments");
	if (!list || list->kind != HL_YAML_SEQ) {
		fprintf(stderr, "route_bench: %s: no 'departments' list\n", path);
		exit(1);
	}
	units->u = xmalloc(list->count * sizeof(*units->u));
	units->n = 0;
	for (size_t i = 0; i < list->count; i++) {
		const char *code = text_of(list->items[i], "code");
		const char *kind = text_of(list->items[i], "kind");

		if (!code || !kind)
			continue;
		units->u[units->n++] = (struct unit){
			xstrdup(code),
			strcmp(kind, "district") == 0 ? HL_UNIT_DISTRICT : HL_UNIT_LINE};
	}
	hl_yaml_free(doc);
}

static enum hl_unit_kind unit_kind(void *arg, const char *code)
{
	const struct units *units = arg;

	for (size_t i = 0; i < units->n; i++) {
		if (strcmp(units->u[i].code, code) == 0)
			return units->u[i].kind;
	}
	return HL_UNIT_UNKNOWN;
}

/* --- the generated catalogue ------------------------------------------------------- */

/* A scalar as a YAML double-quoted string. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A sequence of words as a flow sequence, ten to a line. */
static void put_list(FILE *f, const char *key, const char *const *w, size_t n, int indent)
{
	fprintf(f, "%*s%s: [", indent, "", key);
	for (size_t i = 0; i < n; i++) {
		if (i && i % 10 == 0)
			fprintf(f, ",\n%*s", indent + (int)strlen(key) + 3, "");
		else if (i)
			fputs(", ", f);
		put_quoted(f, w[i]);
	}
	fputs("]\n", f);
}

/* A sequence node's scalars, borrowed, into an array the caller frees. */
static const char **scalars(const struct hl_yaml_node *seq, size_t *n_r)
{
	const char **w = xmalloc((seq ? seq->count : 0) * sizeof(*w));

	*n_r = 0;
	for (size_t i = 0; seq && seq->kind == HL_YAML_SEQ && i < seq->count; i++) {
		if (seq->items[i]->kind == HL_YAML_SCALAR)
			w[(*n_r)++] = seq->items[i]->text;
	}
	return w;
}

/* A new word of 2-4 characters of chars (each 3 bytes), not used before. */
static char *new_word(const char *const *chars, size_t nchars)
{
	char w[16];

	for (;;) {
		uint32_t r = rnd(100);
		size_t len = r < 40 ? 2 : r < 75 ? 3 : 4;

		for (size_t i = 0; i < len; i++)
			memcpy(w + 3 * i, chars[rnd((uint32_t)nchars)], 3);
		w[3 * len] = '\0';
		if (set_add(w))
			return xstrdup(w);
	}
}

/* Writes the 10k catalogue to path; its keywords, folded, go to kw, in catalogue order. */
static void generate(const char *routes, const struct units *units, const char *path,
		     struct words *kw)
{
	char src[4096];
	struct hl_yaml_doc *doc;
	const struct hl_yaml_node *root, *list, *v;
	const char **chars, **line_units, **w;
	size_t nchars = 0, nline = 0, nw, nshipped_kw = 0, ngen, nkw;
	size_t *count;
	FILE *f;

	rng = SEED;
	memset(word_set, 0, sizeof(word_set));
	/* The characters, each once. */
	chars = xmalloc(sizeof(common_chars) / 3 * sizeof(*chars));
	for (const char *c = common_chars; *c; c += 3) {
		size_t k;

		if (((unsigned char)c[0] & 0xF0) != 0xE0) {
			fprintf(stderr, "route_bench: common_chars must hold 3-byte characters\n");
			exit(1);
		}
		for (k = 0; k < nchars && memcmp(chars[k], c, 3) != 0; k++)
			;
		if (k == nchars)
			chars[nchars++] = c;
	}
	line_units = xmalloc(units->n * sizeof(*line_units));
	for (size_t i = 0; i < units->n; i++) {
		if (units->u[i].kind == HL_UNIT_LINE)
			line_units[nline++] = units->u[i].code;
	}

	snprintf(src, sizeof(src), "%s/catalogue.yaml", routes);
	doc = load_yaml(src);
	root = doc->root;
	list = hl_yaml_map_get(root, "items");
	if (!list || list->kind != HL_YAML_SEQ || list->count >= BIG_ITEMS || nline == 0) {
		fprintf(stderr, "route_bench: %s: no items, or too many\n", src);
		exit(1);
	}
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "route_bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fprintf(f, "# Generated by contrib/bench/route_bench.c (make bench-routing): %s and\n"
		   "# generated items, %d keywords in all.\n", src, BIG_KEYWORDS);
	if ((v = hl_yaml_map_get(root, "min_score")) && v->kind == HL_YAML_SCALAR)
		fprintf(f, "min_score: %s\n", v->text);
	w = scalars(hl_yaml_map_get(root, "neutral"), &nw);
	put_list(f, "neutral", w, nw, 0);
	free(w);
	if ((v = hl_yaml_map_get(root, "type_cues")) && v->kind == HL_YAML_MAP) {
		fputs("type_cues:\n", f);
		for (size_t i = 0; i < v->count; i++) {
			w = scalars(hl_yaml_value(v, i), &nw);
			put_list(f, hl_yaml_key(v, i)->text, w, nw, 2);
			free(w);
		}
	}

	/* The shipped items, as they are. */
	fputs("items:\n", f);
	for (size_t i = 0; i < list->count; i++) {
		const struct hl_yaml_node *it = list->items[i];

		fprintf(f, "  - id: %s\n    name: ", text_of(it, "id"));
		put_quoted(f, text_of(it, "name"));
		fprintf(f, "\n    type: %s\n    department: %s\n", text_of(it, "type"),
			text_of(it, "department"));
		if (text_of(it, "weight"))
			fprintf(f, "    weight: %s\n", text_of(it, "weight"));
		w = scalars(hl_yaml_map_get(it, "keywords"), &nw);
		put_list(f, "keywords", w, nw, 4);
		for (size_t k = 0; k < nw; k++) {
			char *fw = fold(w[k]);

			set_add(fw);
			push_word(kw, fw);
		}
		nshipped_kw += nw;
		free(w);
		w = scalars(hl_yaml_map_get(it, "exclude"), &nw);
		if (nw)
			put_list(f, "exclude", w, nw, 4);
		for (size_t k = 0; k < nw; k++) {
			char *fw = fold(w[k]);

			set_add(fw);
			free(fw);
		}
		free(w);
	}
	if (nshipped_kw >= BIG_KEYWORDS) {
		fprintf(stderr, "route_bench: %s has %zu keywords already\n", src, nshipped_kw);
		exit(1);
	}

	/* The generated items share the rest of the keywords: one each, the others spread
	 * at random, more to the items of a larger size (1-4). */
	ngen = BIG_ITEMS - list->count;
	nkw = BIG_KEYWORDS - nshipped_kw;
	count = xmalloc(ngen * sizeof(*count));
	{
		uint32_t *size = xmalloc(ngen * sizeof(*size));

		for (size_t i = 0; i < ngen; i++) {
			count[i] = 1;
			size[i] = 1 + rnd(4);
		}
		for (size_t left = nkw - ngen; left > 0;) {
			size_t i = rnd((uint32_t)ngen);

			if (rnd(4) < size[i]) {
				count[i]++;
				left--;
			}
		}
		free(size);
	}
	for (size_t i = 0; i < ngen; i++) {
		char *name = new_word(chars, nchars), **words;
		uint32_t r = rnd(8);
		const char *type = types[r < 3 ? 0 : r < 5 ? 1 : r - 3];
		size_t nex = rnd(5) == 0 ? 1 + rnd(3) : 0;

		fprintf(f, "  - id: gen.%04zu\n    name: \"%s问题\"\n    type: %s\n", i + 1, name,
			type);
		fprintf(f, "    department: %s\n    weight: %u\n",
			rnd(4) == 0 ? "territorial" : line_units[rnd((uint32_t)nline)], 3 + rnd(6));
		free(name);
		words = xmalloc(count[i] * sizeof(*words));
		for (size_t k = 0; k < count[i]; k++) {
			words[k] = new_word(chars, nchars);
			push_word(kw, xstrdup(words[k]));
		}
		put_list(f, "keywords", (const char *const *)words, count[i], 4);
		for (size_t k = 0; k < count[i]; k++)
			free(words[k]);
		free(words);
		if (nex) {
			char *ex[3];

			for (size_t k = 0; k < nex; k++)
				ex[k] = new_word(chars, nchars);
			put_list(f, "exclude", (const char *const *)ex, nex, 4);
			for (size_t k = 0; k < nex; k++)
				free(ex[k]);
		}
	}
	free(count);
	if (fclose(f) != 0) {
		fprintf(stderr, "route_bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	free(chars);
	free(line_units);
	hl_yaml_free(doc);
	for (size_t i = 0; i < SET_SIZE; i++)
		free(word_set[i]);
}

/* The shipped catalogue's keywords, folded, in catalogue order. */
static void shipped_keywords(const char *path, struct words *kw)
{
	struct hl_yaml_doc *doc = load_yaml(path);
	const struct hl_yaml_node *list = hl_yaml_map_get(doc->root, "items");

	for (size_t i = 0; list && list->kind == HL_YAML_SEQ && i < list->count; i++) {
		size_t nw;
		const char **w = scalars(hl_yaml_map_get(list->items[i], "keywords"), &nw);

		for (size_t k = 0; k < nw; k++)
			push_word(kw, fold(w[k]));
		free(w);
	}
	hl_yaml_free(doc);
}

/* --- what is timed ----------------------------------------------------------------- */

struct bench {
	const char *name, *path;
	struct words kw;
	struct hl_aho *aho; /* the keywords alone, for aho_ns */
	struct hl_catalogue *cat;
	size_t passes_route, passes_aho, passes_strstr;
};

struct env {
	const struct hl_unit_check *check;
	const struct hl_gazetteer *gz;
	const struct ticket *t;
	size_t nt;
};

static void count_line(void *arg, const char *line)
{
	*(size_t *)arg += strlen(line);
}

static volatile size_t sink; /* keeps the compiler from dropping the work */

static struct hl_catalogue *load_catalogue(const struct env *e, const char *path)
{
	struct hl_catalogue *cat;
	char err[512];
	int rc = hl_catalogue_load(path, e->check, &cat, err, sizeof(err));

	if (rc < 0) {
		fprintf(stderr, "route_bench: %s\n", err);
		exit(1);
	}
	return cat;
}

static struct hl_aho *build_aho(const struct words *kw)
{
	struct hl_aho *aho = hl_aho_new();

	if (!aho) {
		fprintf(stderr, "route_bench: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < kw->n; i++) {
		if (hl_aho_add(aho, kw->w[i], strlen(kw->w[i]), i) < 0) {
			fprintf(stderr, "route_bench: hl_aho_add failed\n");
			exit(1);
		}
	}
	if (hl_aho_build(aho) < 0) {
		fprintf(stderr, "route_bench: hl_aho_build failed\n");
		exit(1);
	}
	return aho;
}

/* Routes ticket i (of the sample, over and over); returns 1 routed, 0 declined. */
static int route_one(const struct env *e, const struct hl_catalogue *cat, size_t i,
		     size_t *sum)
{
	const struct ticket *t = &e->t[i % e->nt];
	struct hl_ticket_text text = {t->title, t->content, t->address, NULL};
	struct hl_route_answer a;
	size_t explained = 0;
	struct hl_explain ex = {count_line, &explained};
	int rc = hl_catalogue_route(cat, e->gz, &text, &a, &ex);

	if (rc < 0) {
		fprintf(stderr, "route_bench: hl_catalogue_route: out of memory\n");
		exit(1);
	}
	*sum += explained + (rc > 0 ? (size_t)a.score + (unsigned char)a.department[0] : 0);
	return rc;
}

static size_t aho_one(const struct hl_aho *aho, const struct ticket *t)
{
	struct hl_aho_match *m;
	size_t n, found = 0;

	if (hl_aho_collect(aho, t->ftitle, strlen(t->ftitle), &m, &n) < 0) {
		fprintf(stderr, "route_bench: out of memory\n");
		exit(1);
	}
	found += n;
	free(m);
	if (hl_aho_collect(aho, t->fcontent, strlen(t->fcontent), &m, &n) < 0) {
		fprintf(stderr, "route_bench: out of memory\n");
		exit(1);
	}
	found += n;
	free(m);
	return found;
}

/* The loop of strstr the automaton replaces: which keywords are in the title, which in
 * the content. */
static size_t strstr_one(const struct words *kw, const struct ticket *t)
{
	size_t found = 0;

	for (size_t k = 0; k < kw->n; k++) {
		found += strstr(t->ftitle, kw->w[k]) != NULL;
		found += strstr(t->fcontent, kw->w[k]) != NULL;
	}
	return found;
}

enum what { ROUTE, AHO, STRSTR };

/* Handles `passes` passes over the tickets; returns ns per ticket. */
static double timed(const struct env *e, const struct bench *b, enum what what, size_t passes)
{
	size_t sum = 0, n = passes * e->nt;
	double t0 = now_ns();

	for (size_t i = 0; i < n; i++) {
		if (what == ROUTE)
			route_one(e, b->cat, i, &sum);
		else if (what == AHO)
			sum += aho_one(b->aho, &e->t[i % e->nt]);
		else
			sum += strstr_one(&b->kw, &e->t[i % e->nt]);
	}
	sink += sum;
	return (now_ns() - t0) / (double)n;
}

/* Passes that take about ms milliseconds, from one pass (which also warms up). */
static size_t passes_for(const struct env *e, const struct bench *b, enum what what,
			 double ms)
{
	double pass_ns = timed(e, b, what, 1) * (double)e->nt;
	double p = ms * 1e6 / pass_ns;

	return p < 1 ? 1 : (size_t)(p + 0.5);
}

/* What the catalogue holds and gives; checks that the automaton and strstr agree. */
static void describe(const struct env *e, struct bench *b)
{
	size_t routed = 0, sum = 0, by_aho = 0, by_strstr = 0, matches = 0;
	unsigned char *seen = calloc(b->kw.n ? b->kw.n : 1, 1);
	FILE *f = fopen(b->path, "r");
	long bytes = -1;

	if (!seen) {
		fprintf(stderr, "route_bench: out of memory\n");
		exit(1);
	}
	if (f && fseek(f, 0, SEEK_END) == 0)
		bytes = ftell(f);
	if (f)
		fclose(f);
	for (size_t i = 0; i < e->nt; i++) {
		const char *texts[2] = {e->t[i].ftitle, e->t[i].fcontent};

		routed += (size_t)route_one(e, b->cat, i, &sum);
		by_strstr += strstr_one(&b->kw, &e->t[i]);
		for (int k = 0; k < 2; k++) {
			struct hl_aho_match *m;
			size_t n;

			if (hl_aho_collect(b->aho, texts[k], strlen(texts[k]), &m, &n) < 0) {
				fprintf(stderr, "route_bench: out of memory\n");
				exit(1);
			}
			matches += n;
			memset(seen, 0, b->kw.n);
			for (size_t j = 0; j < n; j++) {
				by_aho += !seen[m[j].pattern];
				seen[m[j].pattern] = 1;
			}
			free(m);
		}
	}
	free(seen);
	printf("CATALOGUE cat=%s items=%zu keywords=%zu file_bytes=%ld aho_states=%zu "
	       "routed=%zu declined=%zu tickets=%zu keyword_hits=%zu matches=%zu "
	       "strstr_hits=%zu\n",
	       b->name, hl_catalogue_count(b->cat), hl_catalogue_keyword_count(b->cat), bytes,
	       hl_aho_state_count(b->aho), routed, e->nt - routed, e->nt, by_aho, matches,
	       by_strstr);
	if (by_aho != by_strstr) {
		fprintf(stderr, "route_bench: %s: the automaton finds %zu keywords, strstr %zu\n",
			b->name, by_aho, by_strstr);
		exit(1);
	}
}

static void free_words(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws->w);
}

static void free_inputs(struct ticket *t, size_t nt, struct units *units, struct bench *b)
{
	for (size_t i = 0; i < nt; i++) {
		json_object_put(t[i].json);
		free(t[i].ftitle);
		free(t[i].fcontent);
	}
	free(t);
	for (size_t i = 0; i < units->n; i++)
		free(units->u[i].code);
	free(units->u);
	free_words(&b[0].kw);
	free_words(&b[1].kw);
}

static void usage(void)
{
	fprintf(stderr, "usage: route_bench -w WORKDIR [-s ROUTES_DIR] [-t TICKETS] [-r RUNS] "
			"[-m MS]\n"
			"       route_bench -w WORKDIR [-s ROUTES_DIR] [-t TICKETS] "
			"-k shipped|10k -n N [-b route|aho|strstr]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *routes = "routes", *tickets = "tests/data/tickets-sample.jsonl";
	const char *work = NULL, *only = NULL, *base = "route";
	long runs = 5, count = -1;
	double ms = 150;
	char shipped_path[4096], big_path[4096], err[512];
	struct units units;
	struct hl_unit_check check = {unit_kind, &units};
	struct hl_gazetteer *gz;
	struct ticket *t;
	struct env e;
	struct bench b[2];
	int opt;

	while ((opt = getopt(argc, argv, "w:s:t:r:m:k:n:b:")) != -1) {
		switch (opt) {
		case 'w': work = optarg; break;
		case 's': routes = optarg; break;
		case 't': tickets = optarg; break;
		case 'r': runs = strtol(optarg, NULL, 10); break;
		case 'm': ms = strtod(optarg, NULL); break;
		case 'k': only = optarg; break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 'b': base = optarg; break;
		default: usage();
		}
	}
	if (!work || optind != argc || runs < 1 || !(ms > 0) ||
	    (only && (count < 0 || (strcmp(only, "shipped") != 0 && strcmp(only, "10k") != 0))) ||
	    (!only && count >= 0) ||
	    (strcmp(base, "route") != 0 && strcmp(base, "aho") != 0 && strcmp(base, "strstr") != 0))
		usage();

	snprintf(shipped_path, sizeof(shipped_path), "%s/catalogue.yaml", routes);
	snprintf(big_path, sizeof(big_path), "%s/catalogue-10k.yaml", work);
	load_units(routes, &units);
	snprintf(err, sizeof(err), "%s/districts.yaml", routes);
	if (hl_gazetteer_load(err, &check, &gz, err, sizeof(err)) < 0) {
		fprintf(stderr, "route_bench: %s\n", err);
		return 1;
	}
	e = (struct env){&check, gz, NULL, 0};
	e.nt = load_tickets(tickets, &t);
	e.t = t;
	b[0] = (struct bench){.name = "shipped", .path = shipped_path};
	b[1] = (struct bench){.name = "10k", .path = big_path};
	if (!only || strcmp(only, "shipped") == 0)
		shipped_keywords(shipped_path, &b[0].kw);
	if (!only || strcmp(only, "10k") == 0)
		generate(routes, &units, big_path, &b[1].kw);

	if (only) {
		/* Exactly `count` tickets, for callgrind. */
		struct bench *one = &b[strcmp(only, "shipped") == 0 ? 0 : 1];
		size_t sum = 0, routed = 0;

		if (strcmp(base, "route") == 0)
			one->cat = load_catalogue(&e, one->path);
		else if (strcmp(base, "aho") == 0)
			one->aho = build_aho(&one->kw);
		for (size_t i = 0; i < (size_t)count; i++) {
			if (one->cat)
				routed += (size_t)route_one(&e, one->cat, i, &sum);
			else if (one->aho)
				sum += aho_one(one->aho, &t[i % e.nt]);
			else
				sum += strstr_one(&one->kw, &t[i % e.nt]);
		}
		printf("COUNT cat=%s what=%s tickets=%ld routed=%zu sum=%zu\n", one->name, base,
		       count, routed, sum);
		hl_catalogue_free(one->cat);
		hl_aho_free(one->aho);
		hl_gazetteer_free(gz);
		free_inputs(t, e.nt, &units, b);
		return 0;
	}

	for (int k = 0; k < 2; k++) {
		b[k].cat = load_catalogue(&e, b[k].path);
		b[k].aho = build_aho(&b[k].kw);
		describe(&e, &b[k]);
		b[k].passes_route = passes_for(&e, &b[k], ROUTE, ms);
		b[k].passes_aho = passes_for(&e, &b[k], AHO, ms);
		b[k].passes_strstr = passes_for(&e, &b[k], STRSTR, ms);
		printf("PASSES cat=%s route=%zu aho=%zu strstr=%zu\n", b[k].name,
		       b[k].passes_route, b[k].passes_aho, b[k].passes_strstr);
		hl_catalogue_free(b[k].cat);
		hl_aho_free(b[k].aho);
		b[k].cat = NULL;
		b[k].aho = NULL;
	}
	fflush(stdout);
	/* The runs, each catalogue in turn, so that drift on the machine hits both alike. */
	for (long r = 1; r <= runs; r++) {
		for (int k = 0; k < 2; k++) {
			double t0, load_ms, build_ms, route, aho, strs;

			t0 = now_ns();
			b[k].cat = load_catalogue(&e, b[k].path);
			load_ms = (now_ns() - t0) / 1e6;
			t0 = now_ns();
			b[k].aho = build_aho(&b[k].kw);
			build_ms = (now_ns() - t0) / 1e6;
			route = timed(&e, &b[k], ROUTE, b[k].passes_route);
			aho = timed(&e, &b[k], AHO, b[k].passes_aho);
			strs = timed(&e, &b[k], STRSTR, b[k].passes_strstr);
			printf("RESULT run=%ld cat=%s load_ms=%.2f build_ms=%.2f route_ns=%.0f "
			       "aho_ns=%.0f strstr_ns=%.0f x_aho=%.1f x_route=%.1f\n",
			       r, b[k].name, load_ms, build_ms, route, aho, strs, strs / aho,
			       strs / route);
			fflush(stdout);
			hl_catalogue_free(b[k].cat);
			hl_aho_free(b[k].aho);
			b[k].cat = NULL;
			b[k].aho = NULL;
		}
	}
	hl_gazetteer_free(gz);
	free_inputs(t, e.nt, &units, b);
	return 0;
}
