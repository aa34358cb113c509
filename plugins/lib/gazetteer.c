/* Loading routes/districts.yaml and placing tickets in districts; see gazetteer.h. */
#include "gazetteer.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aho.h"
#include "base/fold.h"
#include "rules_yaml.h"
#include "base/yaml_tree.h"

/* Scores are multiplied by this, so that a name shared by 2, 3 or 4 districts still
 * splits its weight into whole numbers. */
#define SHARE 12

static const struct {
	const char *key;   /* in the file */
	const char *label; /* in explanations */
	int weight;
} kinds[] = {
	{"names", "name", 2},
	{"areas", "area", 3},
	{"streets", "street", 4},
	{"landmarks", "landmark", 4},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* One listing of a place name under a district. */
struct listing {
	uint32_t district;
	uint32_t kind;
};

/* A distinct place name (after folding) and the districts listing it. */
struct term {
	const char *text; /* as written first, borrowed from the document */
	size_t first, count; /* its listings in gz->listings */
};

struct hl_gazetteer {
	struct hl_yaml_doc *doc;
	size_t ndistricts;
	const char **codes; /* borrowed from doc */
	size_t nterms;
	struct term *terms;
	struct listing *listings;
	struct hl_aho *aho; /* value: term index */
};

/* A place name while loading. */
struct entry {
	char *folded;
	const struct hl_yaml_node *node;
	struct listing where;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->folded, y->folded);

	if (c)
		return c;
	if (x->where.district != y->where.district)
		return x->where.district < y->where.district ? -1 : 1;
	if (x->node->line != y->node->line)
		return x->node->line < y->node->line ? -1 : 1;
	return x->node->column < y->node->column ? -1 : x->node->column > y->node->column;
}

struct loading {
	struct hl_gazetteer *gz;
	struct entry *entries;
	size_t nentries, cap;
	char *err;
	size_t errlen;
};

static int add_entry(struct loading *l, const struct hl_yaml_node *node, uint32_t district,
		     uint32_t kind)
{
	struct entry *e;

	if (l->nentries == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		void *p = realloc(l->entries, cap * sizeof(*l->entries));

		if (!p)
			return -ENOMEM;
		l->entries = p;
		l->cap = cap;
	}
	e = &l->entries[l->nentries];
	e->folded = hl_fold(node->text, node->text_len, NULL);
	if (!e->folded)
		return -ENOMEM;
	e->node = node;
	e->where = (struct listing){district, kind};
	l->nentries++;
	return 0;
}

static int load_district(struct loading *l, const struct hl_yaml_node *d, uint32_t index,
			 const struct hl_unit_check *check)
{
	static const char *const keys[] = {"code", "names", "areas", "streets", "landmarks",
					   NULL};
	struct hl_gazetteer *gz = l->gz;
	const char *code;
	int rc;

	if (hl_rules_mapping(d, "a district", keys, l->err, l->errlen) < 0 ||
	    hl_rules_string(d, "code", 1, &code, l->err, l->errlen) < 0)
		return -1;
	for (uint32_t i = 0; i < index; i++) {
		if (strcmp(gz->codes[i], code) == 0)
			return hl_yaml_error(l->err, l->errlen, hl_yaml_map_get(d, "code"),
					     "district '%s' is listed twice", code);
	}
	if (check && check->kind) {
		enum hl_unit_kind k = check->kind(check->arg, code);

		if (k == HL_UNIT_UNKNOWN || k == HL_UNIT_LINE)
			return hl_yaml_error(l->err, l->errlen, hl_yaml_map_get(d, "code"),
					     k == HL_UNIT_UNKNOWN
						     ? "unknown department code '%s'"
						     : "'%s' is not a district or function zone",
					     code);
	}
	gz->codes[index] = code;
	for (uint32_t k = 0; k < NKINDS; k++) {
		const struct hl_yaml_node *seq;

		if (hl_rules_terms(d, kinds[k].key, k == 0, k == 0, &seq, l->err, l->errlen) < 0)
			return -1;
		for (size_t i = 0; seq && i < seq->count; i++) {
			rc = add_entry(l, seq->items[i], index, k);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Sorts the entries into distinct terms and builds the automaton over them. */
static int index_terms(struct loading *l)
{
	struct hl_gazetteer *gz = l->gz;
	size_t n = l->nentries;

	qsort(l->entries, n, sizeof(*l->entries), entry_cmp);
	gz->terms = calloc(n ? n : 1, sizeof(*gz->terms));
	gz->listings = calloc(n ? n : 1, sizeof(*gz->listings));
	gz->aho = hl_aho_new();
	if (!gz->terms || !gz->listings || !gz->aho)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct entry *e = &l->entries[i], *prev = i ? &l->entries[i - 1] : NULL;
		struct term *t;

		if (prev && strcmp(prev->folded, e->folded) == 0) {
			if (prev->where.district == e->where.district)
				return hl_yaml_error(l->err, l->errlen, e->node,
						     "'%s' is listed twice for %s (also at %u:%u)",
						     e->node->text, gz->codes[e->where.district],
						     prev->node->line, prev->node->column);
		} else {
			long rc = hl_aho_add(gz->aho, e->folded, strlen(e->folded), gz->nterms);

			if (rc == -ENOMEM)
				return -ENOMEM;
			if (rc < 0)
				return hl_yaml_error(l->err, l->errlen, e->node,
						     "a place name must not be blank");
			gz->terms[gz->nterms++] = (struct term){e->node->text, i, 0};
		}
		t = &gz->terms[gz->nterms - 1];
		gz->listings[t->first + t->count++] = e->where;
	}
	return hl_aho_build(gz->aho);
}

int hl_gazetteer_load(const char *path, const struct hl_unit_check *check,
		      struct hl_gazetteer **gz_r, char *err, size_t errlen)
{
	static const char *const top_keys[] = {"districts", NULL};
	struct loading l = {NULL, NULL, 0, 0, err, errlen};
	const struct hl_yaml_node *root, *list;
	int rc = -1;

	*gz_r = NULL;
	if (!path) {
		snprintf(err, errlen, "no districts file given");
		return -1;
	}
	l.gz = calloc(1, sizeof(*l.gz));
	if (!l.gz)
		return -ENOMEM;
	if (hl_yaml_load_file(path, &l.gz->doc, err, errlen) < 0)
		goto out;
	root = l.gz->doc->root;
	if (!root) {
		snprintf(err, errlen, "%s:1:1: the file is empty (expected 'districts:')", path);
		goto out;
	}
	if (hl_rules_mapping(root, "the districts file", top_keys, err, errlen) < 0)
		goto out;
	list = hl_yaml_map_get(root, "districts");
	if (!list) {
		hl_yaml_error(err, errlen, root, "missing key 'districts'");
		goto out;
	}
	if (list->kind != HL_YAML_SEQ || list->count == 0) {
		hl_yaml_error(err, errlen, list, "'districts' must be a non-empty sequence");
		goto out;
	}
	l.gz->codes = calloc(list->count, sizeof(*l.gz->codes));
	if (!l.gz->codes) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < list->count; i++) {
		rc = load_district(&l, list->items[i], (uint32_t)i, check);
		if (rc < 0)
			goto out;
		l.gz->ndistricts++;
	}
	rc = index_terms(&l);
out:
	for (size_t i = 0; i < l.nentries; i++)
		free(l.entries[i].folded);
	free(l.entries);
	if (rc < 0) {
		if (rc == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", path);
		hl_gazetteer_free(l.gz);
		return rc;
	}
	*gz_r = l.gz;
	return 0;
}

void hl_gazetteer_free(struct hl_gazetteer *gz)
{
	if (!gz)
		return;
	hl_aho_free(gz->aho);
	free(gz->terms);
	free(gz->listings);
	free(gz->codes);
	hl_yaml_free(gz->doc);
	free(gz);
}

size_t hl_gazetteer_count(const struct hl_gazetteer *gz)
{
	return gz->ndistricts;
}

const char *hl_gazetteer_code(const struct hl_gazetteer *gz, size_t i)
{
	return i < gz->ndistricts ? gz->codes[i] : NULL;
}

/* What one text says for one district. */
struct tally {
	int score;
	int weight;   /* of its weightiest name */
	size_t len;   /* of that name, in bytes */
	size_t first; /* where its first name starts */
	uint32_t term;
	int hits;
};

/* Ranks a before b: higher total, then weightier, longer, earlier name. */
static int ahead(const struct tally *a, const struct tally *b)
{
	if (a->score != b->score)
		return a->score > b->score;
	if (a->weight != b->weight)
		return a->weight > b->weight;
	if (a->len != b->len)
		return a->len > b->len;
	return a->first < b->first;
}

static int same_rank(const struct tally *a, const struct tally *b)
{
	return a->score == b->score && a->weight == b->weight && a->len == b->len &&
	       a->first == b->first;
}

/* Appends "text (kind of code)" for a match to an explanation buffer, or "..." once when
 * it is full. */
static void note_match(const struct hl_gazetteer *gz, const struct term *t, char *buf,
		       size_t len)
{
	char piece[256];
	size_t used = strlen(buf), n;

	n = (size_t)snprintf(piece, sizeof(piece), "%s%s (", used ? ", " : "", t->text);
	for (size_t i = 0; i < t->count && n < sizeof(piece); i++) {
		const struct listing *p = &gz->listings[t->first + i];

		n += (size_t)snprintf(piece + n, sizeof(piece) - n, "%s%s of %s", i ? " / " : "",
				      kinds[p->kind].label, gz->codes[p->district]);
	}
	if (n < sizeof(piece))
		n += (size_t)snprintf(piece + n, sizeof(piece) - n, ")");
	if (n < sizeof(piece) && used + n < len - 4)
		memcpy(buf + used, piece, n + 1);
	else if (!strstr(buf, "..."))
		strcat(buf, "...");
}

/*
 * Scores the districts named in one text, counting only those flagged in `allowed`
 * (ndistricts flags). Returns 1 with *place_r, 0 when no district is named, 2 when
 * ambiguous (allowed then flags the tied districts only), or -ENOMEM.
 */
static int find_in(const struct hl_gazetteer *gz, const char *source, const char *text,
		   unsigned char *allowed, struct hl_place *place_r,
		   const struct hl_explain *ex)
{
	struct hl_aho_match *m = NULL;
	struct tally *tl = calloc(gz->ndistricts, sizeof(*tl));
	size_t flen, n = 0, best = SIZE_MAX, ties = 0;
	char *folded = hl_fold(text, strlen(text), &flen);
	char seen[400] = "";
	int rc = -ENOMEM;

	if (!tl || !folded || hl_aho_collect(gz->aho, folded, flen, &m, &n) < 0)
		goto out;
	n = hl_aho_longest(m, n);
	for (size_t i = 0; i < n; i++) {
		const struct term *t = &gz->terms[m[i].value];
		size_t share = 0;

		for (size_t j = 0; j < t->count; j++)
			share += allowed[gz->listings[t->first + j].district];
		if (share == 0)
			continue;
		note_match(gz, t, seen, sizeof(seen));
		for (size_t j = 0; j < t->count; j++) {
			const struct listing *p = &gz->listings[t->first + j];
			struct tally *d = &tl[p->district];
			int w = kinds[p->kind].weight;

			if (!allowed[p->district])
				continue;
			d->score += w * SHARE / (int)share;
			if (d->hits++ == 0)
				d->first = m[i].start;
			if (w > d->weight || (w == d->weight && m[i].len > d->len)) {
				d->weight = w;
				d->len = m[i].len;
				d->term = (uint32_t)m[i].value;
			}
		}
	}
	for (size_t d = 0; d < gz->ndistricts; d++) {
		if (tl[d].hits && (best == SIZE_MAX || ahead(&tl[d], &tl[best])))
			best = d;
	}
	if (best == SIZE_MAX) {
		rc = 0;
		goto out;
	}
	for (size_t d = 0; d < gz->ndistricts; d++)
		ties += tl[d].hits && same_rank(&tl[d], &tl[best]);
	if (ties > 1) {
		hl_explainf(ex, "%s: %s; ambiguous between %zu districts, looking further", source,
			    seen, ties);
		for (size_t d = 0; d < gz->ndistricts; d++)
			allowed[d] = tl[d].hits && same_rank(&tl[d], &tl[best]);
		rc = 2;
		goto out;
	}
	hl_explainf(ex, "%s: %s -> %s (score %d)", source, seen, gz->codes[best], tl[best].score);
	*place_r = (struct hl_place){gz->codes[best], gz->terms[tl[best].term].text, source,
				     tl[best].score};
	rc = 1;
out:
	free(m);
	free(folded);
	free(tl);
	return rc;
}

int hl_gazetteer_locate(const struct hl_gazetteer *gz, const struct hl_ticket_text *t,
			struct hl_place *place_r, const struct hl_explain *ex)
{
	const char *sources[] = {"address", "title", "content"};
	const char *texts[] = {t->address, t->title, t->content};
	unsigned char *allowed; /* districts still in the running after an ambiguous text */
	int rc = 0;

	if (t->district && t->district[0]) {
		for (size_t d = 0; d < gz->ndistricts; d++) {
			if (strcmp(gz->codes[d], t->district) == 0) {
				hl_explainf(ex, "district field: %s", t->district);
				*place_r = (struct hl_place){gz->codes[d], gz->codes[d], "district",
							     0};
				return 1;
			}
		}
		hl_explainf(ex, "district field '%s' is not a district of the gazetteer; ignored",
			    t->district);
	}
	allowed = malloc(gz->ndistricts);
	if (!allowed)
		return -ENOMEM;
	memset(allowed, 1, gz->ndistricts);
	for (size_t i = 0; i < 3 && rc != 1; i++) {
		if (!texts[i] || !texts[i][0])
			continue;
		rc = find_in(gz, sources[i], texts[i], allowed, place_r, ex);
		if (rc < 0)
			break;
	}
	if (rc == 2) {
		hl_explainf(ex, "the place stays ambiguous: no district");
		rc = 0;
	} else if (rc == 0) {
		hl_explainf(ex, "no place of the gazetteer in the ticket");
	}
	free(allowed);
	return rc;
}

int hl_gazetteer_route(const struct hl_gazetteer *gz, const struct hl_ticket_text *t,
		       struct hl_route_answer *answer_r, const struct hl_explain *ex)
{
	struct hl_place place;
	int rc = hl_gazetteer_locate(gz, t, &place, ex);

	if (rc != 1)
		return rc;
	*answer_r = (struct hl_route_answer){place.code, "", "", place.score, ""};
	snprintf(answer_r->reason, sizeof(answer_r->reason), "territorial: %s %s -> %s",
		 place.source, place.term, place.code);
	hl_utf8_cut(answer_r->reason, sizeof(answer_r->reason) - 1);
	return 1;
}
