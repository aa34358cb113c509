/*
 * The gazetteer (routes/districts.yaml): for each district or function zone, the names,
 * streets (街道), areas and landmarks that place a ticket in it; and the search for the
 * district of a ticket, used for territorial matters (core/README.md §6; the labelling
 * rules in routes/departments.yaml).
 *
 * Finding the district of one text: every listed place name in it is found (one
 * automaton over all names, on folded text, see fold.h); a name inside a longer listed
 * name does not count (江汉 inside 江汉路, 洪山 inside 洪山广场); each remaining name adds
 * its kind's weight to its district (district name 2, area 3, street 4, landmark 4: the
 * more specific place wins, so 洪山区关山街 goes where 关山街 is, as the labelling rules
 * want for function zones). A name listed under several districts is ambiguous and shares
 * its weight among them. The highest total wins; a tie goes to the more specific, then
 * longer, then earlier name; a tie that none of these breaks (one ambiguous name and
 * nothing else) is ambiguous, and the next text is asked to choose among those districts.
 *
 * The texts of a ticket are asked in order: its district field (set at intake; taken as
 * it is when it names a district of the gazetteer), the address, the title, the content.
 *
 * A loaded gazetteer is immutable and may be searched from several threads at once.
 */
#ifndef HL_GAZETTEER_H
#define HL_GAZETTEER_H

#include <stddef.h>

#include "routing.h"

struct hl_gazetteer;

/* Loads a districts file. Every district code is checked with `check` (may be NULL): it
 * must exist and must not be a line department. Returns 0 and *gz_r (the caller frees it
 * with hl_gazetteer_free), -1 with "file:line:column: what is wrong" in err, or -ENOMEM. */
int hl_gazetteer_load(const char *path, const struct hl_unit_check *check,
		      struct hl_gazetteer **gz_r, char *err, size_t errlen);

void hl_gazetteer_free(struct hl_gazetteer *gz);

/* Number of districts, and the code of the i-th (in file order; borrowed from gz). */
size_t hl_gazetteer_count(const struct hl_gazetteer *gz);
const char *hl_gazetteer_code(const struct hl_gazetteer *gz, size_t i);

/* Where a ticket was placed. Strings borrowed from the gazetteer. */
struct hl_place {
	const char *code;   /* the district's code */
	const char *term;   /* the place name that weighed most, as written in the file, or
			       the code when the district field decided */
	const char *source; /* "district", "address", "title" or "content" */
	int score;          /* the district's total (x12: a district name alone gives 24) */
};

/* Finds the district of a ticket; explanation lines go to ex (may be NULL). Returns 1 with
 * *place_r filled in, 0 when no text places it (or it stays ambiguous), -ENOMEM. */
int hl_gazetteer_locate(const struct hl_gazetteer *gz, const struct hl_ticket_text *t,
			struct hl_place *place_r, const struct hl_explain *ex);

/* The district plugin's decision: the ticket goes to its district (hl_gazetteer_locate).
 * Returns 1 with *answer_r filled in, 0 when no district is found, -ENOMEM. */
int hl_gazetteer_route(const struct hl_gazetteer *gz, const struct hl_ticket_text *t,
		       struct hl_route_answer *answer_r, const struct hl_explain *ex);

#endif
