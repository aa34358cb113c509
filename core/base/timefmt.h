/*
 * Times as people and clients write them: ISO 8601 with the zone's offset
 * ("2026-11-26T17:38:53+08:00"), and the local calendar date used in ticket ids
 * ("20261126"). Local means the process's zone (TZ, set from the configuration's
 * timezone, Asia/Shanghai by default). Pure functions; no allocation.
 */
#ifndef HL_TIMEFMT_H
#define HL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Large enough for every string written below. */
#define HL_TIME_BUFLEN 40

/* Writes ms since the epoch as local ISO 8601 with offset, seconds precision. */
void hl_time_format_iso(int64_t ms, char buf[HL_TIME_BUFLEN]);

/* Writes the local date of ms as YYYYMMDD. */
void hl_time_format_date(int64_t ms, char buf[HL_TIME_BUFLEN]);

/*
 * Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" with optional ".fff"
 * fraction and optional zone ("Z", "+08:00", "+0800"); a space may stand for the "T".
 * Without a zone the time is local; a date alone is its local midnight. Fields are
 * range-checked (no 2026-02-30). Returns 0 and *ms_r, or -1 with what was expected in err.
 */
int hl_time_parse_iso(const char *text, int64_t *ms_r, char *err, size_t errlen);

#endif
