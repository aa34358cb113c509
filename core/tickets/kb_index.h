/*
 * The knowledge base's search index (政策通, issue 17; core/README.md §2): every current
 * entry in memory, its terms (kb_tokens.h) in posting lists, ranked BM25F-style: a term's
 * weight in an entry is the sum over its fields of the field's boost times its count
 * (normalised by the field's length against the average), saturated (k1) and weighed by
 * how rare the term is among entries (idf). The title and the ways citizens ask
 * (questions) weigh most, then the tags, then the answer. Entries past effective_until
 * are left out unless asked for. A result's snippet is a window of its answer (or of the
 * question that matches best) with the matched characters marked.
 *
 * Pure and single-threaded: one index per daemon (tickets/kb_api.c keeps it current from
 * Redis), the unit tests, the relevance test and the bench (contrib/bench/kb_bench.c) use
 * it alone. Putting an entry again (an edit) replaces it: the old one is left dead in the
 * posting lists, skipped, and the index is rebuilt when the dead outnumber the living.
 */
#ifndef HL_KB_INDEX_H
#define HL_KB_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "tickets/kb_tokens.h"

enum hl_kb_field { HL_KB_TITLE, HL_KB_QUESTIONS, HL_KB_TAGS, HL_KB_ANSWER, HL_KB_NFIELDS };

/* What the index keeps of an entry: what a search result shows and what it is ranked on.
 * questions are joined by '\n', tags by ' '. Read-only for callers. */
struct hl_kb_doc {
	char *id, *title, *unit, *questions, *tags, *answer, *effective_until;
	long version;
	uint32_t len[HL_KB_NFIELDS]; /* terms per field */
	int live;
};

/* An entry to put (borrowed for the call; the index copies what it keeps). NULL strings
 * are empty; effective_until is "YYYY-MM-DD" or "" (open-ended). */
struct hl_kb_doc_fields {
	const char *id, *title, *unit, *questions, *tags, *answer, *effective_until;
	long version;
};

#define HL_KB_QUERY_TERMS 64   /* a query's distinct terms that count */
#define HL_KB_QUERY_BYTES 1200 /* a query's bytes that are read (about 400 characters) */

/* A question cut into its distinct terms (hl_kb_query_parse). */
struct hl_kb_query {
	hl_kb_term t[HL_KB_QUERY_TERMS];
	size_t n;
};

struct hl_kb_hit {
	const struct hl_kb_doc *doc; /* borrowed: valid until the index next changes */
	double score;
	int expired;
};

#define HL_KB_SNIPPET_CHARS 60 /* characters in a snippet at most */
#define HL_KB_SNIPPET_SEGS 24  /* segments in a snippet at most */

/* A snippet: segments of one of the doc's texts (`text`, borrowed from the doc), each
 * [start, end) bytes of it, marked `hit` when it matched the query; cut_before and
 * cut_after say whether text goes on beyond the window (the caller shows an ellipsis). */
struct hl_kb_snippet {
	const char *text;
	struct {
		size_t start, end;
		int hit;
	} seg[HL_KB_SNIPPET_SEGS];
	size_t nseg;
	int cut_before, cut_after;
};

struct hl_kb_index;

/* A new, empty index, or NULL when out of memory. Free it with hl_kb_index_free. */
struct hl_kb_index *hl_kb_index_new(void);
void hl_kb_index_free(struct hl_kb_index *idx);

/* Puts an entry: new, or replacing the one with its id when its version is newer (an older
 * or the same version is ignored: the tail of the event stream may bring an edit this
 * daemon already applied). Returns 1 when put, 0 when ignored, -1 when out of memory
 * (the index is unchanged). */
int hl_kb_index_put(struct hl_kb_index *idx, const struct hl_kb_doc_fields *f);

/* The entry with this id, or NULL. Borrowed until the index next changes. */
const struct hl_kb_doc *hl_kb_index_get(const struct hl_kb_index *idx, const char *id);

/* Current entries in the index. */
size_t hl_kb_index_size(const struct hl_kb_index *idx);

/* Cuts a question into terms (kb_tokens.h, HL_KB_QUERYING): its first HL_KB_QUERY_BYTES bytes (never half a
 * character: a cut one is dropped), its first HL_KB_QUERY_TERMS distinct terms. */
void hl_kb_query_parse(const char *q, size_t len, struct hl_kb_query *out);

/* The best `max` entries for q, best first (ties: by id), into hits; entries whose
 * effective_until is before `today` ("YYYY-MM-DD") are left out unless include_expired
 * (then marked expired). Returns how many, or -1 when out of memory. The first search
 * after a change refreshes what the index keeps for ranking (not thread-safe: the index
 * is one thread's). */
int hl_kb_index_search(struct hl_kb_index *idx, const struct hl_kb_query *q,
		       const char *today, int include_expired, struct hl_kb_hit *hits,
		       size_t max);

/* The snippet of doc for q. Returns 0, or -1 when out of memory. */
int hl_kb_snippet(const struct hl_kb_doc *doc, const struct hl_kb_query *q,
		  struct hl_kb_snippet *out);

#endif
