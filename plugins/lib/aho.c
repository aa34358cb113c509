/* The Aho–Corasick automaton of aho.h: a linked trie while patterns are added, packed
 * breadth-first into sorted edge runs with failure and output links by hl_aho_build. */
#include "aho.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
/* A state with this many edges or more also gets a direct table over its label range. */
#define DENSE_MIN 16

/* A trie node while patterns are added: children in a sibling list sorted by byte. */
struct node {
	uint32_t child;   /* first child, 0 when none (the root is nobody's child) */
	uint32_t sibling; /* next child of the same parent, 0 when none */
	uint32_t out;     /* first pattern ending here, NONE when none */
	uint8_t byte;     /* label of the edge from the parent */
};

struct hl_aho {
	int built;           /* 1: built; -1: hl_aho_build failed, only hl_aho_free is left */
	size_t npatterns, cap_patterns;
	uint32_t *plen;     /* per pattern: its length */
	uintptr_t *pvalue;  /* per pattern: the caller's value */
	uint32_t *pnext;    /* per pattern: next pattern ending in the same state, or NONE */
	uint32_t *plast;    /* while adding, per state: last pattern ending there (for order) */

	struct node *nodes; /* while adding */
	size_t nstates, cap_states;

	/* Once built; states numbered breadth-first, 0 is the root. */
	uint32_t root[256];  /* the root's transitions, 0 (the root) when none */
	uint32_t *first;     /* per state: index of its first edge */
	uint16_t *nedges;    /* per state: number of edges (up to 256) */
	uint32_t *fail;      /* per state: longest proper suffix that is a state */
	uint32_t *out;       /* per state: first pattern ending here, or NONE */
	uint32_t *dict;      /* per state: nearest state on the fail chain with output, 0: none */
	uint8_t *label;      /* per edge: byte */
	uint32_t *target;    /* per edge: state */
	/* Busy states (near the root, where Chinese text branches most) skip the binary
	 * search: their transitions are also laid out directly, label - lo indexing. */
	uint32_t *dense_at;  /* per state: start of its table in dense, or NONE */
	uint32_t *dense;     /* the tables: a state or NONE per byte of each range */
};

struct hl_aho *hl_aho_new(void)
{
	struct hl_aho *aho = calloc(1, sizeof(*aho));

	if (!aho)
		return NULL;
	aho->cap_states = 64;
	aho->nodes = malloc(aho->cap_states * sizeof(*aho->nodes));
	aho->plast = malloc(aho->cap_states * sizeof(*aho->plast));
	if (!aho->nodes || !aho->plast) {
		hl_aho_free(aho);
		return NULL;
	}
	aho->nodes[0] = (struct node){0, 0, NONE, 0};
	aho->plast[0] = NONE;
	aho->nstates = 1;
	return aho;
}

static int grow(void **array, size_t elem, size_t want)
{
	void *p = realloc(*array, want * elem);

	if (!p)
		return -ENOMEM;
	*array = p;
	return 0;
}

static int reserve_patterns(struct hl_aho *aho)
{
	size_t cap = aho->cap_patterns ? aho->cap_patterns * 2 : 64;

	if (aho->npatterns < aho->cap_patterns)
		return 0;
	if (grow((void **)&aho->plen, sizeof(*aho->plen), cap) < 0 ||
	    grow((void **)&aho->pvalue, sizeof(*aho->pvalue), cap) < 0 ||
	    grow((void **)&aho->pnext, sizeof(*aho->pnext), cap) < 0)
		return -ENOMEM;
	aho->cap_patterns = cap;
	return 0;
}

/* The child of `parent` labelled b, created (in sorted place) when absent; NONE when out
 * of memory or out of state numbers. */
static uint32_t child_of(struct hl_aho *aho, uint32_t parent, uint8_t b)
{
	uint32_t *link = &aho->nodes[parent].child;
	uint32_t id;

	while (*link && aho->nodes[*link].byte < b)
		link = &aho->nodes[*link].sibling;
	if (*link && aho->nodes[*link].byte == b)
		return *link;
	if (aho->nstates >= NONE - 1)
		return NONE;
	if (aho->nstates == aho->cap_states) {
		size_t cap = aho->cap_states * 2;
		/* `link` points into nodes: keep its offset across the realloc. */
		size_t at = (size_t)((char *)link - (char *)aho->nodes);

		if (grow((void **)&aho->nodes, sizeof(*aho->nodes), cap) < 0 ||
		    grow((void **)&aho->plast, sizeof(*aho->plast), cap) < 0)
			return NONE;
		aho->cap_states = cap;
		link = (uint32_t *)((char *)aho->nodes + at);
	}
	id = (uint32_t)aho->nstates++;
	aho->nodes[id] = (struct node){0, *link, NONE, b};
	aho->plast[id] = NONE;
	*link = id;
	return id;
}

long hl_aho_add(struct hl_aho *aho, const void *pattern, size_t len, uintptr_t value)
{
	const uint8_t *p = pattern;
	uint32_t s = 0, id;

	if (aho->built || len == 0 || len >= NONE)
		return -EINVAL;
	if (aho->npatterns >= NONE - 1 || reserve_patterns(aho) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		s = child_of(aho, s, p[i]);
		if (s == NONE)
			return -ENOMEM;
	}
	id = (uint32_t)aho->npatterns++;
	aho->plen[id] = (uint32_t)len;
	aho->pvalue[id] = value;
	aho->pnext[id] = NONE;
	if (aho->plast[s] == NONE)
		aho->nodes[s].out = id;
	else
		aho->pnext[aho->plast[s]] = id;
	aho->plast[s] = id;
	return (long)id;
}

/* The transition from s (not the root) on b, or NONE. */
static uint32_t step(const struct hl_aho *aho, uint32_t s, uint8_t b)
{
	size_t lo = aho->first[s], hi = lo + aho->nedges[s];

	if (aho->dense_at[s] != NONE) {
		uint8_t first = aho->label[lo], last = aho->label[hi - 1];

		return b < first || b > last ? NONE : aho->dense[aho->dense_at[s] + b - first];
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (aho->label[mid] == b)
			return aho->target[mid];
		if (aho->label[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/* Numbers the states breadth-first and lays each one's edges out as a sorted run. */
static int pack(struct hl_aho *aho)
{
	size_t n = aho->nstates;
	uint32_t *order = malloc(n * sizeof(*order)); /* new number -> old node */
	size_t tail = 1, e = 0;

	aho->first = malloc(n * sizeof(*aho->first));
	aho->nedges = malloc(n * sizeof(*aho->nedges));
	aho->fail = calloc(n, sizeof(*aho->fail));
	aho->out = malloc(n * sizeof(*aho->out));
	aho->dict = calloc(n, sizeof(*aho->dict));
	aho->label = malloc(n * sizeof(*aho->label));
	aho->target = malloc(n * sizeof(*aho->target));
	if (!order || !aho->first || !aho->nedges || !aho->fail || !aho->out || !aho->dict ||
	    !aho->label || !aho->target) {
		free(order);
		return -ENOMEM;
	}
	order[0] = 0;
	for (size_t s = 0; s < n; s++) {
		const struct node *old = &aho->nodes[order[s]];

		aho->first[s] = (uint32_t)e;
		aho->nedges[s] = 0;
		aho->out[s] = old->out;
		for (uint32_t c = old->child; c; c = aho->nodes[c].sibling) {
			aho->label[e] = aho->nodes[c].byte;
			aho->target[e] = (uint32_t)tail;
			order[tail++] = c;
			e++;
			aho->nedges[s]++;
		}
	}
	free(order);
	return 0;
}

/* Lays out the direct tables of the busy states. At most one state in DENSE_MIN has one,
 * of at most 256 entries, so they cost at most 64 bytes per state. */
static int densify(struct hl_aho *aho)
{
	size_t need = 0, at = 0;

	aho->dense_at = malloc(aho->nstates * sizeof(*aho->dense_at));
	if (!aho->dense_at)
		return -ENOMEM;
	for (size_t s = 0; s < aho->nstates; s++) {
		uint32_t e = aho->first[s], n = aho->nedges[s];

		if (s != 0 && n >= DENSE_MIN)
			need += (size_t)aho->label[e + n - 1] - aho->label[e] + 1;
	}
	aho->dense = malloc((need ? need : 1) * sizeof(*aho->dense));
	if (!aho->dense)
		return -ENOMEM;
	for (size_t s = 0; s < aho->nstates; s++) {
		uint32_t e = aho->first[s], n = aho->nedges[s];

		aho->dense_at[s] = NONE;
		if (s == 0 || n < DENSE_MIN)
			continue;
		aho->dense_at[s] = (uint32_t)at;
		for (size_t b = aho->label[e]; b <= aho->label[e + n - 1]; b++)
			aho->dense[at + b - aho->label[e]] = NONE;
		for (uint32_t k = e; k < e + n; k++)
			aho->dense[at + aho->label[k] - aho->label[e]] = aho->target[k];
		at += (size_t)aho->label[e + n - 1] - aho->label[e] + 1;
	}
	return 0;
}

int hl_aho_build(struct hl_aho *aho)
{
	if (aho->built)
		return -EINVAL;
	if (pack(aho) < 0) {
		aho->built = -1;
		return -ENOMEM;
	}
	free(aho->nodes);
	free(aho->plast);
	aho->nodes = NULL;
	aho->plast = NULL;
	if (densify(aho) < 0) {
		aho->built = -1;
		return -ENOMEM;
	}
	memset(aho->root, 0, sizeof(aho->root));
	for (uint32_t e = 0; e < aho->nedges[0]; e++)
		aho->root[aho->label[e]] = aho->target[e];
	/* Breadth-first order is state order: a state's fail link is always shallower. */
	for (size_t s = 0; s < aho->nstates; s++) {
		for (uint32_t e = aho->first[s]; e < aho->first[s] + aho->nedges[s]; e++) {
			uint32_t t = aho->target[e], f = aho->fail[s], g = NONE;
			uint8_t b = aho->label[e];

			if (s != 0) {
				for (;;) {
					g = f ? step(aho, f, b) : aho->root[b];
					if (g != NONE || f == 0)
						break;
					f = aho->fail[f];
				}
			}
			aho->fail[t] = g == NONE ? 0 : g;
			aho->dict[t] = aho->out[aho->fail[t]] != NONE ? aho->fail[t]
								       : aho->dict[aho->fail[t]];
		}
	}
	aho->built = 1;
	return 0;
}

int hl_aho_search(const struct hl_aho *aho, const void *text, size_t len, hl_aho_match_fn fn,
		  void *arg)
{
	const uint8_t *t = text;
	uint32_t s = 0;

	if (aho->built != 1)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		for (;;) {
			uint32_t g;

			if (s == 0) {
				s = aho->root[t[i]];
				break;
			}
			g = step(aho, s, t[i]);
			if (g != NONE) {
				s = g;
				break;
			}
			s = aho->fail[s];
		}
		for (uint32_t u = aho->out[s] != NONE ? s : aho->dict[s]; u; u = aho->dict[u]) {
			for (uint32_t p = aho->out[u]; p != NONE; p = aho->pnext[p]) {
				struct hl_aho_match m = {p, aho->pvalue[p], i + 1 - aho->plen[p],
							 aho->plen[p]};
				int rc = fn(arg, &m);

				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

struct collector {
	struct hl_aho_match *m;
	size_t n, cap;
};

static int collect_one(void *arg, const struct hl_aho_match *m)
{
	struct collector *c = arg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;

		if (grow((void **)&c->m, sizeof(*c->m), cap) < 0)
			return -ENOMEM;
		c->cap = cap;
	}
	c->m[c->n++] = *m;
	return 0;
}

int hl_aho_collect(const struct hl_aho *aho, const void *text, size_t len,
		   struct hl_aho_match **matches_r, size_t *n_r)
{
	struct collector c = {NULL, 0, 0};
	int rc = hl_aho_search(aho, text, len, collect_one, &c);

	if (rc < 0) {
		free(c.m);
		*matches_r = NULL;
		*n_r = 0;
		return rc;
	}
	*matches_r = c.m;
	*n_r = c.n;
	return 0;
}

size_t hl_aho_longest(struct hl_aho_match *m, size_t n)
{
	size_t later = SIZE_MAX; /* the smallest start of the matches that end later */
	size_t kept = 0;

	/* Backwards over the groups of matches that end at one place: a match lies inside
	 * another when one ending later starts no later, or one ending with it starts
	 * earlier. Dropped matches are marked with len 0 once their group is done. */
	for (size_t i = n; i > 0;) {
		size_t end = m[i - 1].start + m[i - 1].len, g = i - 1, first;

		while (g > 0 && m[g - 1].start + m[g - 1].len == end)
			g--;
		first = m[g].start;
		for (size_t k = g; k < i; k++)
			first = m[k].start < first ? m[k].start : first;
		for (size_t k = g; k < i; k++) {
			if (later <= m[k].start || first < m[k].start)
				m[k].len = 0;
		}
		later = first < later ? first : later;
		i = g;
	}
	for (size_t i = 0; i < n; i++) {
		if (m[i].len)
			m[kept++] = m[i];
	}
	return kept;
}

size_t hl_aho_pattern_count(const struct hl_aho *aho)
{
	return aho->npatterns;
}

size_t hl_aho_state_count(const struct hl_aho *aho)
{
	return aho->nstates;
}

void hl_aho_free(struct hl_aho *aho)
{
	if (!aho)
		return;
	free(aho->plen);
	free(aho->pvalue);
	free(aho->pnext);
	free(aho->plast);
	free(aho->nodes);
	free(aho->first);
	free(aho->nedges);
	free(aho->fail);
	free(aho->out);
	free(aho->dict);
	free(aho->label);
	free(aho->target);
	free(aho->dense_at);
	free(aho->dense);
	free(aho);
}
