/*
 * The insides of the working-day calendar (calendar.h), shared by its three files and by
 * nothing else: calendar.c (the calendar as loaded: its year files, which days are off,
 * the fallback years, the office-hour rules), calendar_file.c (one year's file, read and
 * checked) and calendar_deadline.c (deadlines counted in local time). Civil dates are
 * here as inline functions: the deadline loops call them for every day they count.
 */
#ifndef HL_CALENDAR_PRIVATE_H
#define HL_CALENDAR_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/* Included after calendar.h rather than including it: calendar.c includes this header,
 * and tests/scripts/check-layers.sh would count calendar.h back as a circle. */
#ifndef HL_CALENDAR_H
#error "include time/calendar.h before time/calendar_private.h"
#endif

#define YEAR_MIN 1970
#define YEAR_MAX 9999
#define DAY_MS 86400000LL

struct cal_year {
	int year;
	unsigned char off[366]; /* by day of the year, 0 for 1 January: 1 when a day off */
};

/* A local day's midnight and length, as mktime gives them. */
struct day_span {
	int64_t dn;        /* the local day */
	int64_t midnight;  /* ms */
	int64_t length;    /* ms to the next midnight; 0 when not filled in */
};

#define DAY_CACHE 64
#define ZONE_MAX 128

struct hl_calendar {
	/* Days looked up lately, by day number modulo DAY_CACHE, valid for the zone named
	 * (TZ, as it was when they were filled in). For dates past the zone file's last
	 * transition (Asia/Shanghai's was in 1991) glibc re-reads the zone's rule at every
	 * mktime and localtime_r, which made them most of what a dispatch cost. */
	struct day_span days[DAY_CACHE];
	char zone[ZONE_MAX];
	struct hl_calendar_rules rules;
	hl_calendar_fallback_fn fallback;
	void *arg;
	size_t nyears;
	struct cal_year *years; /* ascending */
	unsigned char asked[(YEAR_MAX - YEAR_MIN + 1 + 7) / 8]; /* fallback years, a bit each */
};

/* Civil dates, proleptic Gregorian. A day number counts days from 1970-01-01. */

/* Howard Hinnant's days_from_civil. */
static inline int64_t hl_cal_day_number(int year, int month, int day)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* Howard Hinnant's civil_from_days. */
static inline void hl_cal_civil_date(int64_t dn, int *year, int *month, int *day)
{
	int64_t z = dn + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (*month <= 2));
}

/* Whether the date exists (no 30 February): it survives the round trip. */
static inline int hl_cal_real_date(int year, int month, int day)
{
	int y, m, d;

	if (month < 1 || month > 12 || day < 1 || day > 31)
		return 0;
	hl_cal_civil_date(hl_cal_day_number(year, month, day), &y, &m, &d);
	return y == year && m == month && d == day;
}

/* 0 for Sunday ... 6 for Saturday; day 0 was a Thursday. */
static inline int hl_cal_weekday(int64_t dn)
{
	return (int)((dn % 7 + 11) % 7);
}

static inline int hl_cal_is_weekend(int64_t dn)
{
	int wd = hl_cal_weekday(dn);

	return wd == 0 || wd == 6;
}

/* calendar.c: 1 when local day dn is a day off. Sets *fallback (when not NULL) and
 * records the year when it has no file. */
int hl_cal_day_off(struct hl_calendar *cal, int64_t dn, int *fallback);

/* calendar_file.c: loads and checks the file at path, which is named for `year`, into
 * *cy (its days off; weekends when the file lists none). Returns 0, or -1 with
 * "file:line:column: reason" in err. */
int hl_cal_load_year(const char *path, int year, struct cal_year *cy, char *err,
		     size_t errlen);

#endif
