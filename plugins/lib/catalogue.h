/*
 * The dispatch catalogue (派单目录, routes/catalogue.yaml): the matters the city handles,
 * each with an id, a Chinese name, the words citizens use for it, optional exclusion
 * words, a weight, a ticket type and the responsible unit (a line department's code, or
 * `territorial`: the district of the address). And the keyword routing over it.
 *
 * Scoring a ticket (title and content, both folded, see fold.h; one automaton holds every
 * keyword and exclusion of the catalogue):
 *  - a keyword found inside a longer keyword found at the same place does not count
 *    (井盖 inside 污水井盖), so the specific wording wins over the generic one; the
 *    catalogue's neutral phrases take part in this and count for nothing (电表 inside
 *    来电表扬);
 *  - each distinct keyword of an item found adds the item's weight, twice when it is in
 *    the title (a title says what the ticket is about); repeating a word adds nothing;
 *  - an item one of whose exclusion words is found anywhere is out (vetoed);
 *  - the winner has the highest score, at least the catalogue's min_score; ties go to the
 *    heavier item (the more specific matter), then to the item found first (title before
 *    content), then to the item listed first;
 *  - a territorial winner goes to the district hl_gazetteer_locate finds (the ticket's
 *    district field, else its address, title, content); without one the ticket is
 *    declined;
 *  - the ticket's type is the item's, unless the ticket says otherwise: the catalogue's
 *    type cue found first in the title, or at the opening of the content (咨询 in
 *    来电人咨询, 建议, 表扬, 举报), gives it.
 * A loaded catalogue is immutable and may be used from several threads at once.
 */
#ifndef HL_CATALOGUE_H
#define HL_CATALOGUE_H

#include <stddef.h>

#include "gazetteer.h"
#include "routing.h"

struct hl_catalogue;

/* Loads a catalogue file. Department codes are checked with `check` (may be NULL).
 * Returns 0 and *cat_r (the caller frees it with hl_catalogue_free), -1 with
 * "file:line:column: what is wrong" in err, or -ENOMEM. */
int hl_catalogue_load(const char *path, const struct hl_unit_check *check,
		      struct hl_catalogue **cat_r, char *err, size_t errlen);

void hl_catalogue_free(struct hl_catalogue *cat);

/* Number of items, and of keywords over all items (exclusions not counted). */
size_t hl_catalogue_count(const struct hl_catalogue *cat);
size_t hl_catalogue_keyword_count(const struct hl_catalogue *cat);

/* Routes a ticket by the catalogue; territorial items are placed with gz (NULL: they are
 * declined). Explanation lines go to ex (may be NULL). Returns 1 with *answer_r filled in,
 * 0 when declined (nothing matched, or a territorial item found no district), -ENOMEM. */
int hl_catalogue_route(const struct hl_catalogue *cat, const struct hl_gazetteer *gz,
		       const struct hl_ticket_text *t, struct hl_route_answer *answer_r,
		       const struct hl_explain *ex);

#endif
