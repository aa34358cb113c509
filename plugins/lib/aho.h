/*
 * Aho–Corasick multi-pattern matching over bytes, for the routing plugins' keyword and
 * place-name lookups (core/README.md §6: an automaton, not a loop of strstr).
 *
 * Patterns are byte strings; for UTF-8 text and UTF-8 patterns a match can only begin and
 * end on character boundaries, so byte-level matching is exact for Chinese. Every
 * occurrence of every pattern is reported, overlapping ones included (井, 井盖 and 窨井盖
 * all match inside 窨井盖).
 *
 * Life cycle: hl_aho_new, hl_aho_add for each pattern, hl_aho_build once, then any number
 * of hl_aho_search calls, then hl_aho_free. A built automaton is immutable: searches may
 * run from any thread at once, and the callback may search the same automaton again.
 *
 * Representation: the trie's states are numbered breadth-first and each keeps its
 * outgoing edges as a sorted run in one shared array (a byte label and a target state),
 * looked up by binary search. The root has a 256-entry table, and the few states with 16
 * edges or more (near the root: Chinese branches there) a direct table over their label
 * range. Memory is about 30 bytes per state: 10,000 Chinese keywords of 2 to 4 characters
 * (about 50,000 states) take under 2 MB, build in about 4 ms and are searched at some
 * 60 MB/s (`make bench-routing`, BENCHMARKS.md).
 */
#ifndef HL_AHO_H
#define HL_AHO_H

#include <stddef.h>
#include <stdint.h>

struct hl_aho;

/* One occurrence: pattern `pattern` (its index in the order of hl_aho_add) with the value
 * given to hl_aho_add, at bytes [start, start + len) of the searched text. */
struct hl_aho_match {
	size_t pattern;
	uintptr_t value;
	size_t start;
	size_t len;
};

/* Called for every occurrence, in order of the end position (and, at one end position,
 * longest pattern first). Return 0 to go on, non-zero to stop the search, which then
 * returns that value. `m` is borrowed for the call. */
typedef int (*hl_aho_match_fn)(void *arg, const struct hl_aho_match *m);

/* A new, empty automaton, or NULL when out of memory. The caller owns it. */
struct hl_aho *hl_aho_new(void);

/* Adds a pattern of len bytes (copied: the caller's buffer may go after the call) with a
 * value reported on each of its matches. The same bytes may be added more than once, each
 * time as a pattern of its own. Returns the new pattern's index (0, 1, 2 ...), or -EINVAL
 * for an empty pattern or an automaton already built, -ENOMEM when out of memory. */
long hl_aho_add(struct hl_aho *aho, const void *pattern, size_t len, uintptr_t value);

/* Computes the failure and output links and packs the trie; after it, hl_aho_add is
 * refused. Returns 0, -EINVAL when already built, or -ENOMEM (the automaton stays usable
 * for nothing but hl_aho_free). */
int hl_aho_build(struct hl_aho *aho);

/* Reports every occurrence in text[0, len) to fn. Returns 0 when the text was searched
 * to its end, fn's non-zero value when fn stopped it, or -EINVAL when not built. */
int hl_aho_search(const struct hl_aho *aho, const void *text, size_t len, hl_aho_match_fn fn,
		  void *arg);

/* Collects every occurrence (in the order hl_aho_search reports them) into a new array,
 * *matches_r, that the caller frees (NULL when there are none), and their number into
 * *n_r. Returns 0, -EINVAL when not built, or -ENOMEM. */
int hl_aho_collect(const struct hl_aho *aho, const void *text, size_t len,
		   struct hl_aho_match **matches_r, size_t *n_r);

/* Longest reading of overlapping matches: drops each match that lies inside a longer match
 * of the array (井盖 inside 窨井盖), keeps partial overlaps, equal spans and order, and
 * returns how many are left at the front of m. The array must be in the order
 * hl_aho_search reports (as hl_aho_collect gives it, or any subsequence of that); linear
 * time. */
size_t hl_aho_longest(struct hl_aho_match *m, size_t n);

/* Number of patterns added, and of trie states (1 for an empty automaton). */
size_t hl_aho_pattern_count(const struct hl_aho *aho);
size_t hl_aho_state_count(const struct hl_aho *aho);

/* Frees the automaton; NULL is fine. */
void hl_aho_free(struct hl_aho *aho);

#endif
