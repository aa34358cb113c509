/*
 * Deadline arithmetic of the working-day calendar (calendar.h): a period in wall-clock
 * time, in office hours (wh) or in working days (wd) added to its start, in local time.
 * Local days' midnights are cached in the calendar: mktime and localtime_r are most of
 * what a deadline costs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "time/calendar.h"
#include "time/calendar_private.h"

/* The time of local day dn at `min` minutes after its midnight (1440 is the next day's
 * 00:00); mktime settles clocks that skip or repeat an hour. */
static int64_t mktime_ms(int64_t dn, int min)
{
	struct tm tm = {0};
	int y, m, d;

	hl_cal_civil_date(dn, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_min = min;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* Empties the day cache when TZ has changed since it was filled. Called once per
 * deadline (deadline below) rather than per day looked up: getenv walks the whole
 * environment, and a dispatch looks up some fifty days. */
static void check_zone(struct hl_calendar *cal)
{
	const char *zone = getenv("TZ");

	if (!zone)
		zone = "\n(unset)"; /* /etc/localtime, unlike TZ="" (UTC); no TZ has a newline */
	if (strncmp(zone, cal->zone, sizeof(cal->zone)) != 0) {
		memset(cal->days, 0, sizeof(cal->days));
		snprintf(cal->zone, sizeof(cal->zone), "%s", zone);
	}
}

/* Local day dn's span, from the cache (valid for the zone check_zone saw last). */
static const struct day_span *day_span(struct hl_calendar *cal, int64_t dn)
{
	struct day_span *e = &cal->days[(uint64_t)dn % DAY_CACHE];

	if (!e->length || e->dn != dn) {
		e->dn = dn;
		e->midnight = mktime_ms(dn, 0);
		e->length = mktime_ms(dn + 1, 0) - e->midnight;
	}
	return e;
}

/* The local day of a time in range (in_range): guessed from the day the cache holds for
 * its UTC day, checked against the spans of that day and its neighbours. */
static int64_t local_day(struct hl_calendar *cal, int64_t ms)
{
	int64_t guess = ms >= 0 ? ms / DAY_MS : (ms - DAY_MS + 1) / DAY_MS;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	for (int64_t dn = guess - 1; dn <= guess + 1; dn++) {
		const struct day_span *e = day_span(cal, dn);

		if (e->midnight <= ms && ms < e->midnight + e->length)
			return dn;
	}
	localtime_r(&t, &tm);
	return hl_cal_day_number(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The time of local day dn at `min` minutes after its midnight (1440 is the next day's
 * 00:00): from the day's span when it is a plain 24-hour day, else from mktime. */
static int64_t local_time(struct hl_calendar *cal, int64_t dn, int min)
{
	const struct day_span *e = day_span(cal, dn);

	if (e->length == DAY_MS)
		return e->midnight + (int64_t)min * 60000;
	return mktime_ms(dn, min);
}

/* Times a computation may start at: the deadline stays within the years supported. */
static int in_range(int64_t ms)
{
	return ms >= hl_cal_day_number(YEAR_MIN, 1, 1) * DAY_MS &&
	       ms < (hl_cal_day_number(YEAR_MAX, 1, 1) - HL_CALENDAR_MAX_DAYS - 1) * DAY_MS;
}

/* Counts `minutes` of office time from from_ms. */
static int64_t add_work_minutes(struct hl_calendar *cal, int64_t from_ms, int64_t minutes,
				int *fallback)
{
	const struct hl_calendar_rules *r = &cal->rules;
	int64_t dn = local_day(cal, from_ms), left;

	if (minutes > HL_CALENDAR_MAX_DAYS * (DAY_MS / 60000))
		return -1;
	left = minutes * 60000;
	for (int i = 0; i <= HL_CALENDAR_MAX_DAYS; i++, dn++) {
		/* A day whose office hours are over (the day of arrival) is not asked about. */
		if (local_time(cal, dn, r->periods[r->nperiods - 1].end_min) <= from_ms ||
		    hl_cal_day_off(cal, dn, fallback))
			continue;
		for (size_t p = 0; p < r->nperiods; p++) {
			int64_t open = local_time(cal, dn, r->periods[p].start_min);
			int64_t close = local_time(cal, dn, r->periods[p].end_min);
			int64_t start = open > from_ms ? open : from_ms;

			if (close <= start)
				continue;
			if (left <= close - start)
				return start + left;
			left -= close - start;
		}
	}
	return -1;
}

/* The end of the Nth working day after the day of from_ms. */
static int64_t add_work_days(struct hl_calendar *cal, int64_t from_ms, int64_t n,
			     int *fallback)
{
	const struct hl_calendar_rules *r = &cal->rules;
	int64_t dn = local_day(cal, from_ms), end;
	int64_t counted = 0;

	for (int i = 0; counted < n; i++) {
		if (i == HL_CALENDAR_MAX_DAYS)
			return -1;
		dn++;
		if (!hl_cal_day_off(cal, dn, fallback))
			counted++;
	}
	if (r->day_end == HL_DAY_ENDS_MIDNIGHT)
		end = local_time(cal, dn + 1, 0);
	else
		end = local_time(cal, dn, r->periods[r->nperiods - 1].end_min);
	return end > from_ms ? end : from_ms;
}

static int64_t deadline(struct hl_calendar *cal, int64_t from_ms, struct hl_duration dur,
			int *fallback)
{
	if (!in_range(from_ms) || dur.amount < 0)
		return -1;
	check_zone(cal);
	switch (dur.unit) {
	case HL_DUR_WORK_MINUTES:
		return add_work_minutes(cal, from_ms, dur.amount, fallback);
	case HL_DUR_WORK_DAYS:
		return add_work_days(cal, from_ms, dur.amount, fallback);
	default:
		return dur.amount > HL_CALENDAR_MAX_DAYS * DAY_MS ? -1 : from_ms + dur.amount;
	}
}

int64_t hl_calendar_add(struct hl_calendar *cal, int64_t from_ms, struct hl_duration dur)
{
	return deadline(cal, from_ms, dur, NULL);
}

int hl_calendar_add_used_fallback(struct hl_calendar *cal, int64_t from_ms,
				  struct hl_duration dur)
{
	int fallback = 0;

	deadline(cal, from_ms, dur, &fallback);
	return fallback;
}
