/* Parsing and printing of durations; see duration.h for the accepted forms. */
#include "base/duration.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define EXPECTED "expected a duration such as 30m, 2h, 1h30m, 2wh or 5wd"

struct unit {
	const char *suffix;
	enum hl_duration_unit kind;
	int64_t scale; /* milliseconds for wall units, minutes for wh, days for wd */
	int rank;      /* wall units: the order they must appear in, largest first */
};

/* Longest suffixes first where one is a prefix of another ("ms" before "m"). */
static const struct unit units[] = {
	{"wh", HL_DUR_WORK_MINUTES, 60, 0},
	{"wd", HL_DUR_WORK_DAYS, 1, 0},
	{"h", HL_DUR_WALL_MS, 3600000, 0},
	{"ms", HL_DUR_WALL_MS, 1, 3},
	{"m", HL_DUR_WALL_MS, 60000, 1},
	{"s", HL_DUR_WALL_MS, 1000, 2},
};

static const struct unit *match_unit(const char *p, size_t *len_r)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].suffix);
		if (strncmp(p, units[i].suffix, n) == 0 && !isalpha((unsigned char)p[n])) {
			*len_r = n;
			return &units[i];
		}
	}
	return NULL;
}

int hl_duration_parse(const char *text, struct hl_duration *dur_r, char *err, size_t errlen)
{
	const char *p = text;
	int64_t total = 0;
	int last_rank = -1;
	int parts = 0;
	enum hl_duration_unit kind = HL_DUR_WALL_MS;

	if (*p == '\0') {
		snprintf(err, errlen, EXPECTED ", got an empty value");
		return -1;
	}
	while (*p) {
		int64_t amount = 0;
		size_t ulen;

		if (!isdigit((unsigned char)*p)) {
			snprintf(err, errlen, EXPECTED ", got '%s' (a whole number must come first)",
				 text);
			return -1;
		}
		while (isdigit((unsigned char)*p)) {
			if (amount > (INT64_MAX - 9) / 10) {
				snprintf(err, errlen, EXPECTED ", got '%s' (too large)", text);
				return -1;
			}
			amount = amount * 10 + (*p++ - '0');
		}
		const struct unit *u = match_unit(p, &ulen);
		if (!u) {
			if (*p == '\0')
				snprintf(err, errlen, EXPECTED ", got '%s' (no unit)", text);
			else
				snprintf(err, errlen, EXPECTED ", got '%s' (unknown unit at '%s')",
					 text, p);
			return -1;
		}
		p += ulen;
		if (u->kind != HL_DUR_WALL_MS) {
			if (parts > 0 || *p != '\0') {
				snprintf(err, errlen,
					 EXPECTED ", got '%s' (%s cannot be combined with other units)",
					 text, u->suffix);
				return -1;
			}
			kind = u->kind;
		} else {
			if (u->rank <= last_rank) {
				snprintf(err, errlen,
					 EXPECTED ", got '%s' (units must go from largest to smallest, "
						  "each once)",
					 text);
				return -1;
			}
			last_rank = u->rank;
		}
		if (amount > (INT64_MAX - total) / u->scale) {
			snprintf(err, errlen, EXPECTED ", got '%s' (too large)", text);
			return -1;
		}
		total += amount * u->scale;
		parts++;
	}
	dur_r->amount = total;
	dur_r->unit = kind;
	return 0;
}
