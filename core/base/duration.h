/*
 * Durations as written in configuration and SLA policies (core/README.md §7):
 *   wall clock, 24/7:  500ms  30s  30m  2h  1h30m   (units in descending order, once each)
 *   working hours:     2wh    (inside office hours on working days)
 *   working days:      5wd    (after the day of arrival)
 * Amounts are whole numbers. Working units stand alone: "1wd2h" is refused, since a
 * working day is not a fixed number of hours.
 */
#ifndef HL_DURATION_H
#define HL_DURATION_H

#include <stddef.h>
#include <hotline/plugin.h>

/* Parses text. Returns 0 and *dur_r, or -1 with a one-line reason (what was expected and
 * what was wrong) in err. */
int hl_duration_parse(const char *text, struct hl_duration *dur_r, char *err, size_t errlen);

#endif
