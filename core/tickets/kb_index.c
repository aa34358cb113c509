/* The knowledge base's in-memory search index: posting lists, BM25F ranking, snippets;
 * see kb_index.h. */
#include "tickets/kb_index.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* Ranking: each field's boost and length normalisation (b) and the saturation (k1). A
 * query's single characters from a longer run are not searched: they made the top-1 rate
 * no better on the shipped set and a search over 10,000 entries four times slower (they
 * walk nearly every entry). Chosen among a few general settings on the shipped entries (routes/kb/) with the odd lines of
 * the labelled questions, checked on the even ones (test_kb_relevance.c prints both):
 * the answer weighs least, being long and full of words every entry has. */
static const double boost[HL_KB_NFIELDS] = {2.5, 2.5, 1.5, 0.5};
static const double norm_b[HL_KB_NFIELDS] = {0.6, 0.8, 0.5, 0.8};
#define K1 1.2

#define TF_MAX 255 /* a term's count in a field saturates here */

struct posting {
	uint32_t doc;
	uint8_t tf[HL_KB_NFIELDS];
};

struct plist {
	struct posting *p;
	uint32_t n, cap;
	uint32_t df; /* live entries that hold the term */
};

struct hl_kb_index {
	struct hl_kb_doc **docs; /* by slot; a replaced entry's slot stays, dead */
	size_t ndocs, capdocs, live;
	/* terms: open addressing, key 0 empty (no term is 0), value a list's index */
	hl_kb_term *tkeys;
	uint32_t *tvals;
	size_t tcap, tn;
	struct plist *lists;
	size_t nlists, caplists;
	/* ids: open addressing over the slots, 0 empty, else slot + 1 */
	uint32_t *ids;
	size_t icap;
	double sumlen[HL_KB_NFIELDS]; /* over live entries */
	/* each slot's boost / length normalisation per field (0 for a dead slot), made again
	 * at the first search after a change: a search reads them in slot order instead of
	 * chasing each posting's entry (the cache misses were most of its time) */
	float (*norm)[HL_KB_NFIELDS];
	size_t nnorm; /* slots it covers; 0: to be made */
};

/* ---- small tables -------------------------------------------------------------------- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * UINT64_C(1099511628211);
	return h;
}

/* The list of term t, or NULL. */
static struct plist *term_list(const struct hl_kb_index *idx, hl_kb_term t)
{
	if (!idx->tcap)
		return NULL;
	for (size_t i = mix(t) & (idx->tcap - 1);; i = (i + 1) & (idx->tcap - 1)) {
		if (idx->tkeys[i] == t)
			return &idx->lists[idx->tvals[i]];
		if (!idx->tkeys[i])
			return NULL;
	}
}

static int terms_grow(struct hl_kb_index *idx)
{
	size_t cap = idx->tcap ? idx->tcap * 2 : 1024;
	hl_kb_term *keys = calloc(cap, sizeof(*keys));
	uint32_t *vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < idx->tcap; i++) {
		size_t j;

		if (!idx->tkeys[i])
			continue;
		for (j = mix(idx->tkeys[i]) & (cap - 1); keys[j]; j = (j + 1) & (cap - 1))
			;
		keys[j] = idx->tkeys[i];
		vals[j] = idx->tvals[i];
	}
	free(idx->tkeys);
	free(idx->tvals);
	idx->tkeys = keys;
	idx->tvals = vals;
	idx->tcap = cap;
	return 0;
}

/* The list of term t, made when missing; NULL when out of memory. */
static struct plist *term_list_make(struct hl_kb_index *idx, hl_kb_term t)
{
	struct plist *l = term_list(idx, t);
	size_t i;

	if (l)
		return l;
	if ((idx->tn + 1) * 2 > idx->tcap && terms_grow(idx) < 0)
		return NULL;
	if (idx->nlists == idx->caplists) {
		size_t cap = idx->caplists ? idx->caplists * 2 : 1024;
		struct plist *lists = realloc(idx->lists, cap * sizeof(*lists));

		if (!lists)
			return NULL;
		idx->lists = lists;
		idx->caplists = cap;
	}
	for (i = mix(t) & (idx->tcap - 1); idx->tkeys[i]; i = (i + 1) & (idx->tcap - 1))
		;
	idx->tkeys[i] = t;
	idx->tvals[i] = (uint32_t)idx->nlists;
	idx->tn++;
	l = &idx->lists[idx->nlists++];
	memset(l, 0, sizeof(*l));
	return l;
}

/* The id table's place for id: its slot's cell, or the empty cell where it would go. */
static uint32_t *id_cell(const struct hl_kb_index *idx, const char *id)
{
	for (size_t i = str_hash(id) & (idx->icap - 1);; i = (i + 1) & (idx->icap - 1)) {
		uint32_t v = idx->ids[i];

		if (!v || strcmp(idx->docs[v - 1]->id, id) == 0)
			return &idx->ids[i];
	}
}

static int ids_grow(struct hl_kb_index *idx)
{
	size_t cap = idx->icap ? idx->icap * 2 : 256;
	uint32_t *old = idx->ids, *cell;
	size_t oldcap = idx->icap;

	if (!(idx->ids = calloc(cap, sizeof(*idx->ids)))) {
		idx->ids = old;
		return -1;
	}
	idx->icap = cap;
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i])
			continue;
		cell = id_cell(idx, idx->docs[old[i] - 1]->id);
		*cell = old[i];
	}
	free(old);
	return 0;
}

/* ---- an entry's terms ---------------------------------------------------------------- */

struct field_term {
	hl_kb_term term;
	uint32_t field;
};

struct collect {
	struct field_term *a;
	size_t n, cap;
	uint32_t field;
	uint32_t count; /* terms in the current field */
	int oom;
};

static int collect_one(const struct hl_kb_token *tok, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct field_term *a = realloc(c->a, cap * sizeof(*a));

		if (!a) {
			c->oom = 1;
			return 1;
		}
		c->a = a;
		c->cap = cap;
	}
	c->a[c->n].term = tok->term;
	c->a[c->n++].field = c->field;
	c->count++;
	return 0;
}

static int by_term(const void *a, const void *b)
{
	const struct field_term *x = a, *y = b;

	if (x->term != y->term)
		return x->term < y->term ? -1 : 1;
	return (int)x->field - (int)y->field;
}

static const char *field_text(const struct hl_kb_doc *d, int f)
{
	switch (f) {
	case HL_KB_TITLE:
		return d->title;
	case HL_KB_QUESTIONS:
		return d->questions;
	case HL_KB_TAGS:
		return d->tags;
	default:
		return d->answer;
	}
}

/* Every term of d with its field, sorted by term (c->a, which the caller frees), and d's
 * field lengths. Returns 0 or -1 when out of memory. */
static int doc_terms(struct hl_kb_doc *d, struct collect *c)
{
	memset(c, 0, sizeof(*c));
	for (int f = 0; f < HL_KB_NFIELDS; f++) {
		const char *text = field_text(d, f);

		c->field = (uint32_t)f;
		c->count = 0;
		hl_kb_tokenize(text, strlen(text), HL_KB_INDEXING, collect_one, c);
		if (c->oom)
			return -1;
		d->len[f] = c->count;
	}
	if (c->n)
		qsort(c->a, c->n, sizeof(*c->a), by_term);
	return 0;
}

/* ---- put ----------------------------------------------------------------------------- */

static void doc_free(struct hl_kb_doc *d)
{
	if (!d)
		return;
	free(d->id);
	free(d->title);
	free(d->unit);
	free(d->questions);
	free(d->tags);
	free(d->answer);
	free(d->effective_until);
	free(d);
}

static struct hl_kb_doc *doc_new(const struct hl_kb_doc_fields *f)
{
	struct hl_kb_doc *d = calloc(1, sizeof(*d));
	const char *src[] = {f->id,	    f->title,  f->unit,		  f->questions,
			     f->tags,	    f->answer, f->effective_until};
	char **dst[] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};

	if (!d)
		return NULL;
	dst[0] = &d->id, dst[1] = &d->title, dst[2] = &d->unit, dst[3] = &d->questions;
	dst[4] = &d->tags, dst[5] = &d->answer, dst[6] = &d->effective_until;
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		if (!(*dst[i] = strdup(src[i] ? src[i] : ""))) {
			doc_free(d);
			return NULL;
		}
	}
	d->version = f->version;
	d->live = 1;
	return d;
}

/* Takes d (a live entry) out of the counts: its slot stays, dead. */
static void doc_retire(struct hl_kb_index *idx, struct hl_kb_doc *d)
{
	struct collect c;

	if (doc_terms(d, &c) == 0) {
		for (size_t i = 0; i < c.n; i++) {
			struct plist *l;

			if (i > 0 && c.a[i].term == c.a[i - 1].term)
				continue;
			if ((l = term_list(idx, c.a[i].term)) && l->df)
				l->df--;
		}
	}
	free(c.a);
	for (int f = 0; f < HL_KB_NFIELDS; f++)
		idx->sumlen[f] -= d->len[f];
	d->live = 0;
	idx->live--;
	idx->nnorm = 0;
}

/* Adds the postings of d (slot `slot`) from its sorted terms. Returns 0 or -1. On -1
 * some lists may hold postings of the slot: the caller leaves it dead. */
static int doc_post(struct hl_kb_index *idx, uint32_t slot, const struct collect *c)
{
	for (size_t i = 0; i < c->n;) {
		struct posting p = {slot, {0}};
		hl_kb_term t = c->a[i].term;
		struct plist *l;

		for (; i < c->n && c->a[i].term == t; i++)
			if (p.tf[c->a[i].field] < TF_MAX)
				p.tf[c->a[i].field]++;
		if (!(l = term_list_make(idx, t)))
			return -1;
		if (l->n == l->cap) {
			uint32_t cap = l->cap ? l->cap * 2 : 4;
			struct posting *np = realloc(l->p, cap * sizeof(*np));

			if (!np)
				return -1;
			l->p = np;
			l->cap = cap;
		}
		l->p[l->n++] = p;
		l->df++;
	}
	return 0;
}

/* Puts d (owned) into a new slot. Returns 0, or -1 with d freed. */
static int slot_put(struct hl_kb_index *idx, struct hl_kb_doc *d)
{
	struct collect c;
	uint32_t slot = (uint32_t)idx->ndocs;

	if (idx->ndocs == idx->capdocs) {
		size_t cap = idx->capdocs ? idx->capdocs * 2 : 128;
		struct hl_kb_doc **docs = realloc(idx->docs, cap * sizeof(*docs));

		if (!docs) {
			doc_free(d);
			return -1;
		}
		idx->docs = docs;
		idx->capdocs = cap;
	}
	if ((idx->ndocs + 1) * 2 > idx->icap && ids_grow(idx) < 0) {
		doc_free(d);
		return -1;
	}
	if (doc_terms(d, &c) < 0) {
		free(c.a);
		doc_free(d);
		return -1;
	}
	idx->docs[idx->ndocs++] = d;
	if (doc_post(idx, slot, &c) < 0) {
		/* its postings so far count as a live entry's: take them back */
		d->live = 1;
		idx->live++;
		doc_retire(idx, d);
		free(c.a);
		return -1;
	}
	free(c.a);
	*id_cell(idx, d->id) = slot + 1;
	for (int f = 0; f < HL_KB_NFIELDS; f++)
		idx->sumlen[f] += d->len[f];
	idx->live++;
	idx->nnorm = 0;
	return 0;
}

/* Rebuilds the index from its live entries when the dead outnumber them. */
static void compact(struct hl_kb_index *idx)
{
	struct hl_kb_index *fresh;
	size_t dead = idx->ndocs - idx->live;

	if (dead < 64 || dead < idx->live || !(fresh = hl_kb_index_new()))
		return;
	for (size_t i = 0; i < idx->ndocs; i++) {
		struct hl_kb_doc *d = idx->docs[i];
		struct hl_kb_doc_fields f = {d->id,	d->title,  d->unit,	       d->questions,
					     d->tags,	d->answer, d->effective_until, d->version};

		if (d->live && hl_kb_index_put(fresh, &f) < 0) {
			hl_kb_index_free(fresh); /* out of memory: keep the old one */
			return;
		}
	}
	/* swap the contents: idx keeps its address */
	{
		struct hl_kb_index old = *idx;

		*idx = *fresh;
		*fresh = old;
		hl_kb_index_free(fresh);
	}
}

int hl_kb_index_put(struct hl_kb_index *idx, const struct hl_kb_doc_fields *f)
{
	struct hl_kb_doc *d, *old = NULL;
	uint32_t *cell;

	if (!f->id || !*f->id)
		return 0;
	if (idx->icap) {
		cell = id_cell(idx, f->id);
		if (*cell) {
			old = idx->docs[*cell - 1];
			if (old->version >= f->version)
				return 0;
		}
	}
	if (!(d = doc_new(f)))
		return -1;
	if (old)
		doc_retire(idx, old);
	if (slot_put(idx, d) < 0) {
		if (old) { /* back as it was */
			struct collect c;

			old->live = 1;
			idx->live++;
			if (doc_terms(old, &c) == 0)
				for (size_t i = 0; i < c.n; i++) {
					struct plist *l = term_list(idx, c.a[i].term);

					if (l && (i == 0 || c.a[i].term != c.a[i - 1].term))
						l->df++;
				}
			free(c.a);
			for (int k = 0; k < HL_KB_NFIELDS; k++)
				idx->sumlen[k] += old->len[k];
		}
		return -1;
	}
	compact(idx);
	return 1;
}

struct hl_kb_index *hl_kb_index_new(void)
{
	return calloc(1, sizeof(struct hl_kb_index));
}

void hl_kb_index_free(struct hl_kb_index *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->ndocs; i++)
		doc_free(idx->docs[i]);
	for (size_t i = 0; i < idx->nlists; i++)
		free(idx->lists[i].p);
	free(idx->docs);
	free(idx->tkeys);
	free(idx->tvals);
	free(idx->lists);
	free(idx->ids);
	free(idx->norm);
	free(idx);
}

const struct hl_kb_doc *hl_kb_index_get(const struct hl_kb_index *idx, const char *id)
{
	uint32_t *cell;

	if (!idx->icap)
		return NULL;
	cell = id_cell(idx, id);
	return *cell && idx->docs[*cell - 1]->live ? idx->docs[*cell - 1] : NULL;
}

size_t hl_kb_index_size(const struct hl_kb_index *idx)
{
	return idx->live;
}

/* ---- queries ------------------------------------------------------------------------- */

static int query_add(const struct hl_kb_token *tok, void *arg)
{
	struct hl_kb_query *q = arg;

	for (size_t i = 0; i < q->n; i++)
		if (q->t[i] == tok->term)
			return 0;
	if (q->n < HL_KB_QUERY_TERMS)
		q->t[q->n++] = tok->term;
	return 0;
}

void hl_kb_query_parse(const char *q, size_t len, struct hl_kb_query *out)
{
	out->n = 0;
	if (len > HL_KB_QUERY_BYTES) {
		len = HL_KB_QUERY_BYTES;
		while (len > 0 && ((unsigned char)q[len] & 0xC0) == 0x80)
			len--; /* not half a character */
	}
	hl_kb_tokenize(q, len, HL_KB_QUERYING, query_add, out);
}

static int better(const struct hl_kb_hit *a, const struct hl_kb_hit *b)
{
	if (a->score != b->score)
		return a->score > b->score;
	return strcmp(a->doc->id, b->doc->id) < 0;
}

/* Makes the slots' normalisations when a change has made them stale. Returns 0 or -1. */
static int make_norms(struct hl_kb_index *idx)
{
	double avg[HL_KB_NFIELDS], n = (double)idx->live;

	if (idx->nnorm == idx->ndocs && idx->norm)
		return 0;
	free(idx->norm);
	idx->nnorm = 0;
	if (!(idx->norm = malloc(idx->ndocs * sizeof(*idx->norm))))
		return -1;
	for (int f = 0; f < HL_KB_NFIELDS; f++)
		avg[f] = idx->sumlen[f] / n > 0 ? idx->sumlen[f] / n : 1;
	for (size_t i = 0; i < idx->ndocs; i++) {
		const struct hl_kb_doc *d = idx->docs[i];

		for (int f = 0; f < HL_KB_NFIELDS; f++)
			idx->norm[i][f] = d->live ? (float)(boost[f] / (1 - norm_b[f] +
									 norm_b[f] * d->len[f] / avg[f]))
						  : 0;
	}
	idx->nnorm = idx->ndocs;
	return 0;
}

int hl_kb_index_search(struct hl_kb_index *idx, const struct hl_kb_query *q,
		       const char *today, int include_expired, struct hl_kb_hit *hits,
		       size_t max)
{
	double n = (double)idx->live;
	float *acc;
	uint32_t *touched;
	size_t ntouched = 0, nhits = 0;

	if (!max || !idx->live || !q->n)
		return 0;
	acc = calloc(idx->ndocs, sizeof(*acc));
	touched = malloc(idx->ndocs * sizeof(*touched));
	if (!acc || !touched || make_norms(idx) < 0) {
		free(acc);
		free(touched);
		return -1;
	}
	for (size_t i = 0; i < q->n; i++) {
		const struct plist *l = term_list(idx, q->t[i]);
		double idf;

		if (!l || !l->df)
			continue;
		idf = log(1.0 + (n - l->df + 0.5) / (l->df + 0.5));
		for (uint32_t k = 0; k < l->n; k++) {
			const struct posting *p = &l->p[k];
			const float *norm = idx->norm[p->doc];
			float w = p->tf[0] * norm[0] + p->tf[1] * norm[1] + p->tf[2] * norm[2] +
				  p->tf[3] * norm[3];

			if (w <= 0) /* a dead slot */
				continue;
			if (acc[p->doc] == 0)
				touched[ntouched++] = p->doc;
			acc[p->doc] += (float)(idf * w * (K1 + 1) / (K1 + w));
		}
	}
	for (size_t i = 0; i < ntouched; i++) {
		const struct hl_kb_doc *d = idx->docs[touched[i]];
		struct hl_kb_hit h = {d, acc[touched[i]], 0};
		size_t at;

		h.expired = d->effective_until[0] && today && strcmp(d->effective_until, today) < 0;
		if (h.expired && !include_expired)
			continue;
		if (nhits == max && !better(&h, &hits[max - 1]))
			continue;
		at = nhits < max ? nhits++ : max - 1;
		for (; at > 0 && better(&h, &hits[at - 1]); at--)
			hits[at] = hits[at - 1];
		hits[at] = h;
	}
	free(acc);
	free(touched);
	return (int)nhits;
}

/* ---- snippets ------------------------------------------------------------------------ */

struct marking {
	hl_kb_term terms[HL_KB_QUERY_TERMS]; /* the query's, sorted */
	size_t nterms;
	unsigned char *hit; /* per byte of text: covered by a matched term */
	size_t hits;
};

static int by_value(const void *a, const void *b)
{
	hl_kb_term x = *(const hl_kb_term *)a, y = *(const hl_kb_term *)b;

	return x < y ? -1 : x > y;
}

static int mark_one(const struct hl_kb_token *tok, void *arg)
{
	struct marking *m = arg;

	if (!bsearch(&tok->term, m->terms, m->nterms, sizeof(*m->terms), by_value))
		return 0;
	for (size_t b = tok->start; b < tok->end; b++) {
		m->hits += !m->hit[b];
		m->hit[b] = 1;
	}
	return 0;
}

/* Marks in hit (len bytes, zeroed) the bytes of text matched by q; returns how many. */
static size_t mark(const char *text, size_t len, const struct hl_kb_query *q,
		   unsigned char *hit)
{
	struct marking m = {.nterms = q->n, .hit = hit};

	memcpy(m.terms, q->t, q->n * sizeof(*q->t));
	qsort(m.terms, m.nterms, sizeof(*m.terms), by_value);
	hl_kb_tokenize(text, len, HL_KB_INDEXING, mark_one, &m);
	return m.hits;
}

/* The question (a line of questions) with the most matched bytes: [*start, *end). */
static size_t best_line(const char *text, const unsigned char *hit, size_t len,
			size_t *start_r, size_t *end_r)
{
	size_t best = 0, s = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || text[i] == '\n') {
			size_t n = 0;

			for (size_t k = s; k < i; k++)
				n += hit[k];
			if (n > best) {
				best = n;
				*start_r = s;
				*end_r = i;
			}
			s = i + 1;
		}
	}
	return best;
}

/* Fills the snippet's segments from text[from, to) with its marks. */
static void segments(struct hl_kb_snippet *out, const unsigned char *hit, size_t from,
		     size_t to)
{
	out->nseg = 0;
	for (size_t i = from; i < to && out->nseg < HL_KB_SNIPPET_SEGS;) {
		size_t j = i;

		while (j < to && hit[j] == hit[i])
			j++;
		out->seg[out->nseg].start = i;
		out->seg[out->nseg].end = j;
		out->seg[out->nseg++].hit = hit[i];
		if (out->nseg == HL_KB_SNIPPET_SEGS && j < to)
			out->cut_after = 1;
		i = j;
	}
}

/* The window of HL_KB_SNIPPET_CHARS characters of text[from, to) with the most marked
 * bytes, begun a few characters before its first mark. */
static void window(const char *text, const unsigned char *hit, size_t from, size_t to,
		   size_t *start_r, size_t *end_r)
{
	size_t best = 0, best_start = from, in = 0, s = from, e = from, chars = 0;

	/* slide [s, e) over whole characters: e moves one character, s follows past W */
	while (e < to) {
		uint32_t c;
		size_t n = hl_utf8_decode(text + e, to - e, &c);

		for (size_t k = e; k < e + n; k++)
			in += hit[k];
		e += n;
		if (++chars > HL_KB_SNIPPET_CHARS) {
			size_t m = hl_utf8_decode(text + s, to - s, &c);

			for (size_t k = s; k < s + m; k++)
				in -= hit[k];
			s += m;
			chars--;
		}
		if (in > best) {
			best = in;
			best_start = s;
		}
	}
	/* from the first mark of the best window, back up to 8 characters */
	s = best_start;
	while (s < to && !hit[s])
		s++;
	if (s == to)
		s = best_start;
	for (int back = 0; back < 8 && s > from; back++) {
		s--;
		while (s > from && ((unsigned char)text[s] & 0xC0) == 0x80)
			s--;
	}
	*start_r = s;
	for (chars = 0, e = s; e < to && chars < HL_KB_SNIPPET_CHARS; chars++) {
		uint32_t c;

		e += hl_utf8_decode(text + e, to - e, &c);
	}
	*end_r = e;
}

int hl_kb_snippet(const struct hl_kb_doc *doc, const struct hl_kb_query *q,
		  struct hl_kb_snippet *out)
{
	size_t alen = strlen(doc->answer), qlen = strlen(doc->questions);
	unsigned char *hit = calloc(alen > qlen ? alen + 1 : qlen + 1, 1);
	size_t from = 0, to, start, end;

	memset(out, 0, sizeof(*out));
	if (!hit)
		return -1;
	out->text = doc->answer;
	to = alen;
	if (!mark(doc->answer, alen, q, hit)) {
		memset(hit, 0, alen + 1);
		if (mark(doc->questions, qlen, q, hit) &&
		    best_line(doc->questions, hit, qlen, &from, &to)) {
			out->text = doc->questions;
		} else {
			memset(hit, 0, qlen + 1);
			from = 0;
			to = alen;
		}
	}
	window(out->text, hit, from, to, &start, &end);
	out->cut_before = start > from;
	out->cut_after = end < to;
	segments(out, hit, start, end);
	free(hit);
	return 0;
}
