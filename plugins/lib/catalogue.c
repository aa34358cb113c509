/* Loading routes/catalogue.yaml and routing tickets by keywords; see catalogue.h. */
#include "catalogue.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aho.h"
#include "base/fold.h"
#include "rules_yaml.h"
#include "base/yaml_tree.h"

#define TERRITORIAL "territorial"
#define MAX_WEIGHT 100
#define TITLE_FACTOR 2
#define SHOWN 5 /* scoring items shown in an explanation */
#define OPENING 30 /* bytes of the content where a type cue still counts (来电人咨询) */

static const char *const types[] = {"consultation", "request", "complaint", "report",
				    "suggestion", "praise", NULL};

struct item {
	const char *id, *name, *type; /* borrowed from the document */
	const char *department;       /* NULL: territorial */
	int weight;
	size_t first, count;          /* its words in cat->words, keywords first */
	size_t nkeywords;
};

enum word_kind { WORD_KEYWORD, WORD_EXCLUSION, WORD_NEUTRAL, WORD_CUE };

/* A word of the catalogue, as the automaton's value refers to it. */
struct word {
	const char *text; /* as written, borrowed from the document */
	uint32_t item;    /* keywords and exclusions: the item; cues: the type's index */
	enum word_kind kind;
};

struct hl_catalogue {
	struct hl_yaml_doc *doc;
	int min_score;
	size_t nitems, nwords, nkeywords;
	struct item *items;
	struct word *words;
	struct hl_aho *aho; /* value: index in words */
};

struct loading {
	struct hl_catalogue *cat;
	size_t cap_words;
	char **folded; /* per word of the item being loaded */
	char *err;
	size_t errlen;
};

static int valid_id(const char *id)
{
	for (const char *p = id; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return 0;
	}
	return 1;
}

/* map[key] as a whole number in [min, max] into *value_r; absent keeps *value_r. */
static int load_int(const struct hl_yaml_node *map, const char *key, long min, long max,
		    int *value_r, char *err, size_t errlen)
{
	const struct hl_yaml_node *v = hl_yaml_map_get(map, key);
	const char *text;
	char *end;
	long n;

	if (hl_rules_string(map, key, 0, &text, err, errlen) < 0)
		return -1;
	if (!text)
		return 0;
	n = strtol(text, &end, 10);
	if (*end || end == text || !v->plain || n < min || n > max)
		return hl_yaml_error(err, errlen, v, "'%s' must be a whole number from %ld to %ld",
				     key, min, max);
	*value_r = (int)n;
	return 0;
}

/* Adds the words of seq to item `index` (keywords or exclusions), or to the words of the
 * catalogue that belong to no item (it: a pseudo-item that collects them while loading;
 * index: the type of a cue). */
static int add_words(struct loading *l, const struct hl_yaml_node *seq, struct item *it,
		     uint32_t index, enum word_kind kind)
{
	struct hl_catalogue *cat = l->cat;

	for (size_t i = 0; seq && i < seq->count; i++) {
		const struct hl_yaml_node *w = seq->items[i];
		char *f;

		if (cat->nwords == l->cap_words) {
			size_t cap = l->cap_words ? 2 * l->cap_words : 1024;
			void *p = realloc(cat->words, cap * sizeof(*cat->words));

			if (!p)
				return -ENOMEM;
			cat->words = p;
			l->cap_words = cap;
		}
		f = hl_fold(w->text, w->text_len, NULL);
		if (!f)
			return -ENOMEM;
		for (size_t j = 0; j < it->count; j++) {
			if (strcmp(l->folded[j], f) == 0) {
				free(f);
				return hl_yaml_error(l->err, l->errlen, w,
						     "'%s' is listed twice in %s", w->text,
						     it->id);
			}
		}
		if (hl_aho_add(cat->aho, f, strlen(f), cat->nwords) < 0) {
			free(f);
			return -ENOMEM;
		}
		l->folded[it->count] = f;
		cat->words[cat->nwords++] = (struct word){w->text, index, kind};
		it->count++;
	}
	return 0;
}

static void free_folded(struct loading *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l->folded[i]);
	free(l->folded);
	l->folded = NULL;
}

static int load_item(struct loading *l, const struct hl_yaml_node *node, uint32_t index,
		     const struct hl_unit_check *check)
{
	static const char *const keys[] = {"id", "name", "type", "department", "weight",
					   "keywords", "exclude", NULL};
	struct hl_catalogue *cat = l->cat;
	struct item *it = &cat->items[index];
	const struct hl_yaml_node *kw, *ex;
	size_t t;
	int rc;

	if (hl_rules_mapping(node, "an item", keys, l->err, l->errlen) < 0 ||
	    hl_rules_string(node, "id", 1, &it->id, l->err, l->errlen) < 0 ||
	    hl_rules_string(node, "name", 1, &it->name, l->err, l->errlen) < 0 ||
	    hl_rules_string(node, "type", 1, &it->type, l->err, l->errlen) < 0 ||
	    hl_rules_string(node, "department", 1, &it->department, l->err, l->errlen) < 0 ||
	    hl_rules_terms(node, "keywords", 1, 1, &kw, l->err, l->errlen) < 0 ||
	    hl_rules_terms(node, "exclude", 0, 0, &ex, l->err, l->errlen) < 0)
		return -1;
	if (!valid_id(it->id))
		return hl_yaml_error(l->err, l->errlen, hl_yaml_map_get(node, "id"),
				     "id '%s' may hold only a-z, 0-9, '.', '_' and '-'", it->id);
	for (uint32_t i = 0; i < index; i++) {
		if (strcmp(cat->items[i].id, it->id) == 0)
			return hl_yaml_error(l->err, l->errlen, hl_yaml_map_get(node, "id"),
					     "item '%s' is listed twice", it->id);
	}
	for (t = 0; types[t] && strcmp(types[t], it->type) != 0; t++)
		;
	if (!types[t])
		return hl_yaml_error(l->err, l->errlen, hl_yaml_map_get(node, "type"),
				     "type '%s' is not one of consultation, request, complaint, "
				     "report, suggestion, praise",
				     it->type);
	if (strcmp(it->department, TERRITORIAL) == 0)
		it->department = NULL;
	else if (check && check->kind && check->kind(check->arg, it->department) ==
						  HL_UNIT_UNKNOWN)
		return hl_yaml_error(l->err, l->errlen, hl_yaml_map_get(node, "department"),
				     "unknown department code '%s' (or write '%s')",
				     it->department, TERRITORIAL);
	it->weight = 1;
	if (load_int(node, "weight", 1, MAX_WEIGHT, &it->weight, l->err, l->errlen) < 0)
		return -1;
	it->first = cat->nwords;
	l->folded = calloc(kw->count + (ex ? ex->count : 0), sizeof(*l->folded));
	if (!l->folded)
		return -ENOMEM;
	rc = add_words(l, kw, it, index, WORD_KEYWORD);
	it->nkeywords = it->count;
	if (rc == 0)
		rc = add_words(l, ex, it, index, WORD_EXCLUSION);
	free_folded(l, it->count);
	cat->nkeywords += it->nkeywords;
	return rc;
}

/* Loads seq (may be NULL) as words that belong to no item: neutral words, or the cues of
 * the type with index `type`; `what` names them in messages. */
static int load_loose(struct loading *l, const struct hl_yaml_node *seq, const char *what,
		      uint32_t type, enum word_kind kind)
{
	struct item all = {.id = what};
	int rc;

	if (!seq)
		return 0;
	l->folded = calloc(seq->count ? seq->count : 1, sizeof(*l->folded));
	if (!l->folded)
		return -ENOMEM;
	rc = add_words(l, seq, &all, type, kind);
	free_folded(l, all.count);
	return rc;
}

/* The top level's `neutral` (a list) and `type_cues` (ticket type -> list). */
static int load_extras(struct loading *l, const struct hl_yaml_node *root)
{
	const struct hl_yaml_node *seq, *cues = hl_yaml_map_get(root, "type_cues");
	int rc;

	if (hl_rules_terms(root, "neutral", 0, 0, &seq, l->err, l->errlen) < 0)
		return -1;
	rc = load_loose(l, seq, "neutral", 0, WORD_NEUTRAL);
	if (rc < 0 || !cues)
		return rc;
	if (hl_rules_mapping(cues, "the type cues", types, l->err, l->errlen) < 0)
		return -1;
	for (uint32_t t = 0; types[t] && rc == 0; t++) {
		if (hl_rules_terms(cues, types[t], 0, 0, &seq, l->err, l->errlen) < 0)
			return -1;
		rc = load_loose(l, seq, "type_cues", t, WORD_CUE);
	}
	return rc;
}

static int load_items(struct loading *l, const struct hl_unit_check *check)
{
	static const char *const top_keys[] = {"min_score", "neutral", "type_cues", "items", NULL};
	struct hl_catalogue *cat = l->cat;
	const struct hl_yaml_node *root = cat->doc->root, *list;
	int rc;

	if (!root) {
		snprintf(l->err, l->errlen, "%s:1:1: the file is empty (expected 'items:')",
			 cat->doc->file);
		return -1;
	}
	if (hl_rules_mapping(root, "the catalogue", top_keys, l->err, l->errlen) < 0 ||
	    load_int(root, "min_score", 1, 1000000, &cat->min_score, l->err, l->errlen) < 0)
		return -1;
	list = hl_yaml_map_get(root, "items");
	if (!list)
		return hl_yaml_error(l->err, l->errlen, root, "missing key 'items'");
	if (list->kind != HL_YAML_SEQ || list->count == 0)
		return hl_yaml_error(l->err, l->errlen, list,
				     "'items' must be a non-empty sequence");
	cat->items = calloc(list->count, sizeof(*cat->items));
	cat->aho = hl_aho_new();
	if (!cat->items || !cat->aho)
		return -ENOMEM;
	for (size_t i = 0; i < list->count; i++) {
		rc = load_item(l, list->items[i], (uint32_t)i, check);
		if (rc < 0)
			return rc;
		cat->nitems++;
	}
	rc = load_extras(l, root);
	if (rc < 0)
		return rc;
	return hl_aho_build(cat->aho);
}

int hl_catalogue_load(const char *path, const struct hl_unit_check *check,
		      struct hl_catalogue **cat_r, char *err, size_t errlen)
{
	struct loading l = {NULL, 0, NULL, err, errlen};
	int rc;

	*cat_r = NULL;
	if (!path) {
		snprintf(err, errlen, "no catalogue file given");
		return -1;
	}
	l.cat = calloc(1, sizeof(*l.cat));
	if (!l.cat)
		return -ENOMEM;
	l.cat->min_score = 1;
	rc = hl_yaml_load_file(path, &l.cat->doc, err, errlen);
	if (rc == 0)
		rc = load_items(&l, check);
	if (rc < 0) {
		if (rc == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", path);
		hl_catalogue_free(l.cat);
		return rc;
	}
	*cat_r = l.cat;
	return 0;
}

void hl_catalogue_free(struct hl_catalogue *cat)
{
	if (!cat)
		return;
	hl_aho_free(cat->aho);
	free(cat->items);
	free(cat->words);
	hl_yaml_free(cat->doc);
	free(cat);
}

size_t hl_catalogue_count(const struct hl_catalogue *cat)
{
	return cat->nitems;
}

size_t hl_catalogue_keyword_count(const struct hl_catalogue *cat)
{
	return cat->nkeywords;
}

/* What one ticket scored. */
struct scoring {
	const struct hl_catalogue *cat;
	unsigned char *factor; /* per word: 0 not found, 1 in the content, 2 in the title */
	uint32_t *veto;        /* per item: 1 + the exclusion word that vetoed it, or 0 */
	size_t *first;         /* per item: where its first keyword was found */
	int *score;            /* per item */
	size_t title_len;      /* content positions count from here */
	const struct word *cue; /* the type cue found first, or NULL */
	size_t cue_at;
};

/* Finds the catalogue's words in one field of the ticket. */
static int scan(struct scoring *sc, const char *text, int in_title)
{
	const struct hl_catalogue *cat = sc->cat;
	struct hl_aho_match *m = NULL;
	size_t len, n = 0, kept = 0;
	char *folded;
	int rc;

	if (!text || !text[0])
		return 0;
	folded = hl_fold(text, strlen(text), &len);
	if (!folded)
		return -ENOMEM;
	rc = hl_aho_collect(cat->aho, folded, len, &m, &n);
	free(folded);
	if (rc < 0)
		return rc;
	/* Exclusions veto wherever they are; keywords (and neutral words) then count
	 * leftmost-longest. */
	for (size_t i = 0; i < n; i++) {
		const struct word *w = &cat->words[m[i].value];

		size_t at = in_title ? m[i].start : sc->title_len + m[i].start;

		if (w->kind == WORD_KEYWORD || w->kind == WORD_NEUTRAL)
			m[kept++] = m[i];
		else if (w->kind == WORD_EXCLUSION && !sc->veto[w->item])
			sc->veto[w->item] = (uint32_t)m[i].value + 1;
		else if (w->kind == WORD_CUE && (in_title || m[i].start < OPENING) &&
			 (!sc->cue || at < sc->cue_at)) {
			sc->cue = w;
			sc->cue_at = at;
		}
	}
	kept = hl_aho_longest(m, kept);
	for (size_t i = 0; i < kept; i++) {
		const struct word *w = &cat->words[m[i].value];
		unsigned char f = in_title ? TITLE_FACTOR : 1;
		size_t at = in_title ? m[i].start : sc->title_len + m[i].start;

		if (w->kind == WORD_NEUTRAL)
			continue;
		if (sc->factor[m[i].value] < f)
			sc->factor[m[i].value] = f;
		if (at < sc->first[w->item])
			sc->first[w->item] = at;
	}
	if (in_title)
		sc->title_len = len;
	free(m);
	return 0;
}

/* Ranks item a before item b (both scored). */
static int ahead(const struct scoring *sc, size_t a, size_t b)
{
	const struct item *x = &sc->cat->items[a], *y = &sc->cat->items[b];

	if (sc->score[a] != sc->score[b])
		return sc->score[a] > sc->score[b];
	if (x->weight != y->weight)
		return x->weight > y->weight;
	if (sc->first[a] != sc->first[b])
		return sc->first[a] < sc->first[b];
	return a < b;
}

/* Appends s to the text in buf (len bytes, *used of them used) as snprintf would, cut to
 * fit and NUL-terminated, and counts all of s into *used; snprintf's own machinery was
 * most of what listing the words cost, for every ticket routed. */
static void append(char *buf, size_t len, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used + 1 < len) {
		size_t room = len - 1 - *used, take = n < room ? n : room;

		memcpy(buf + *used, s, take);
		buf[*used + take] = '\0';
	}
	*used += n;
}

/* "停水 (title), 水压": the keywords of item i found in the ticket, into buf. */
static void found_words(const struct scoring *sc, size_t i, char *buf, size_t len)
{
	const struct item *it = &sc->cat->items[i];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = it->first; k < it->first + it->nkeywords && used < len; k++) {
		if (!sc->factor[k])
			continue;
		append(buf, len, &used, used ? ", " : "");
		append(buf, len, &used, sc->cat->words[k].text);
		append(buf, len, &used, sc->factor[k] == TITLE_FACTOR ? " (title)" : "");
	}
	hl_utf8_cut(buf, len - 1);
}

/* Explains the ranking: the best-scoring items in order, and the items with keywords
 * found that an exclusion word put out. */
static void explain_ranking(const struct scoring *sc, const size_t *rank, size_t nrank,
			    const struct hl_explain *ex)
{
	const struct hl_catalogue *cat = sc->cat;
	char words[300];

	for (size_t r = 0; r < nrank && r < SHOWN; r++) {
		const struct item *it = &cat->items[rank[r]];

		found_words(sc, rank[r], words, sizeof(words));
		hl_explainf(ex, "%zu. %s %s -> %s: weight %d x [%s] = %d", r + 1, it->id, it->name,
			    it->department ? it->department : TERRITORIAL, it->weight, words,
			    sc->score[rank[r]]);
	}
	if (nrank > SHOWN)
		hl_explainf(ex, "... and %zu more items with lower scores", nrank - SHOWN);
	for (size_t i = 0; i < cat->nitems; i++) {
		if (sc->veto[i] && sc->score[i] > 0)
			hl_explainf(ex, "%s is out: exclusion word '%s' found", cat->items[i].id,
				    cat->words[sc->veto[i] - 1].text);
	}
}

/* Why rank[0] beat rank[1]. */
static void explain_win(const struct scoring *sc, const size_t *rank, size_t nrank,
			const struct hl_explain *ex)
{
	const struct item *w = &sc->cat->items[rank[0]], *r;
	const char *why;

	if (nrank < 2) {
		hl_explainf(ex, "winner %s: the only item found", w->id);
		return;
	}
	r = &sc->cat->items[rank[1]];
	if (sc->score[rank[0]] != sc->score[rank[1]])
		why = "higher score";
	else if (w->weight != r->weight)
		why = "same score, heavier item";
	else if (sc->first[rank[0]] != sc->first[rank[1]])
		why = "same score and weight, found first";
	else
		why = "same score and weight, listed first";
	hl_explainf(ex, "winner %s (%d) over %s (%d): %s", w->id, sc->score[rank[0]], r->id,
		    sc->score[rank[1]], why);
}

/* Scores every item and ranks those at or above min_score into rank (nitems long). */
static int rank_items(struct scoring *sc, const struct hl_ticket_text *t, size_t *rank,
		      size_t *nrank_r)
{
	const struct hl_catalogue *cat = sc->cat;
	size_t nrank = 0;
	int rc;

	for (size_t i = 0; i < cat->nitems; i++)
		sc->first[i] = SIZE_MAX;
	rc = scan(sc, t->title, 1);
	if (rc == 0)
		rc = scan(sc, t->content, 0);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < cat->nitems; i++) {
		const struct item *it = &cat->items[i];
		size_t at;

		for (size_t k = it->first; k < it->first + it->nkeywords; k++)
			sc->score[i] += it->weight * sc->factor[k];
		if (sc->veto[i] || sc->score[i] < cat->min_score)
			continue;
		/* Insertion: the candidates are few. */
		for (at = nrank; at > 0 && ahead(sc, i, rank[at - 1]); at--)
			rank[at] = rank[at - 1];
		rank[at] = i;
		nrank++;
	}
	*nrank_r = nrank;
	return 0;
}

/* Fills the answer for the winning item; a territorial one needs its district. */
static int answer(const struct scoring *sc, size_t win, const struct hl_gazetteer *gz,
		  const struct hl_ticket_text *t, struct hl_route_answer *a,
		  const struct hl_explain *ex)
{
	const struct item *it = &sc->cat->items[win];
	struct hl_place place = {NULL, NULL, NULL, 0};
	char words[200];
	int rc;

	if (!it->department) {
		if (!gz) {
			hl_explainf(ex, "%s is territorial and there is no gazetteer: declined",
				    it->id);
			return 0;
		}
		rc = hl_gazetteer_locate(gz, t, &place, ex);
		if (rc <= 0) {
			if (rc == 0)
				hl_explainf(ex, "%s is territorial and no district was found: "
						"declined", it->id);
			return rc;
		}
	}
	found_words(sc, win, words, sizeof(words));
	*a = (struct hl_route_answer){it->department ? it->department : place.code, it->id,
				      sc->cue ? types[sc->cue->item] : it->type, sc->score[win],
				      ""};
	if (sc->cue)
		hl_explainf(ex, "type %s: the ticket says %s", a->type, sc->cue->text);
	else
		hl_explainf(ex, "type %s: the item's", a->type);
	if (place.code)
		snprintf(a->reason, sizeof(a->reason), "%s %s (%s), score %d: %s; %s %s -> %s",
			 it->id, it->name, a->type, sc->score[win], words, place.source,
			 place.term, place.code);
	else
		snprintf(a->reason, sizeof(a->reason), "%s %s (%s), score %d: %s", it->id,
			 it->name, a->type, sc->score[win], words);
	hl_utf8_cut(a->reason, sizeof(a->reason) - 1);
	return 1;
}

int hl_catalogue_route(const struct hl_catalogue *cat, const struct hl_gazetteer *gz,
		       const struct hl_ticket_text *t, struct hl_route_answer *answer_r,
		       const struct hl_explain *ex)
{
	struct scoring sc = {cat, NULL, NULL, NULL, NULL, 0, NULL, 0};
	size_t *rank = malloc(cat->nitems * sizeof(*rank)), nrank = 0;
	int rc = -ENOMEM;

	sc.factor = calloc(cat->nwords ? cat->nwords : 1, 1);
	sc.veto = calloc(cat->nitems, sizeof(*sc.veto));
	sc.first = malloc(cat->nitems * sizeof(*sc.first));
	sc.score = calloc(cat->nitems, sizeof(*sc.score));
	if (!rank || !sc.factor || !sc.veto || !sc.first || !sc.score)
		goto out;
	rc = rank_items(&sc, t, rank, &nrank);
	if (rc < 0)
		goto out;
	explain_ranking(&sc, rank, nrank, ex);
	if (nrank == 0) {
		hl_explainf(ex, "no catalogue item reaches score %d: declined", cat->min_score);
		rc = 0;
		goto out;
	}
	explain_win(&sc, rank, nrank, ex);
	rc = answer(&sc, rank[0], gz, t, answer_r, ex);
out:
	free(rank);
	free(sc.factor);
	free(sc.veto);
	free(sc.first);
	free(sc.score);
	return rc;
}
