/*
 * The working-day calendar and deadline arithmetic of core/README.md §7.
 *
 * A calendar is loaded from a directory of cn-YYYY.yaml files, one per year, each listing
 * that year's public holidays and make-up working days (调休) as the State Council
 * publishes them (format: etc/calendar/cn-2026.yaml). A day is a working day unless it is
 * a Saturday, a Sunday or a listed holiday; a listed make-up day is a working day. A year
 * without a file counts weekends only: such a "fallback year" is recorded in the calendar
 * the first time it is asked about, and the owner is told through a hook, because a
 * deadline computed that way may be wrong.
 *
 * Days and times are local to the process's zone (TZ, set from the configuration's
 * timezone, Asia/Shanghai by default), converted with localtime_r and mktime. Supported
 * dates are the years 1970 to 9999.
 *
 * No I/O besides reading the directory at load; no globals. A calendar is not
 * thread-safe: queries record fallback years in it. The daemon uses it from the event
 * loop only.
 */
#ifndef HL_CALENDAR_H
#define HL_CALENDAR_H

#include <stddef.h>
#include <stdint.h>
#include <hotline/plugin.h>

#define HL_CALENDAR_PERIODS_MAX 8
/* A deadline further than this many days after its start is refused (hl_calendar_add). */
#define HL_CALENDAR_MAX_DAYS 3660

/* One office period of a working day, in minutes after local midnight; start < end,
 * end at most 24:00. */
struct hl_office_period {
	int start_min, end_min;
};

/* Where a working day ends for `wd` deadlines: 24:00 (the Civil Code's rule for periods
 * counted in days), or when the last office period of the day closes. */
enum hl_day_end { HL_DAY_ENDS_MIDNIGHT, HL_DAY_ENDS_OFFICE_CLOSE };

/* How working time is counted; the configuration's `calendar` section. */
struct hl_calendar_rules {
	struct hl_office_period periods[HL_CALENDAR_PERIODS_MAX]; /* in order, not overlapping */
	size_t nperiods;                                          /* at least 1 */
	enum hl_day_end day_end;
};

/* Told the first time a calendar is asked about a year it has no file for; called from
 * inside the query that asked, so it must not free the calendar. */
typedef void (*hl_calendar_fallback_fn)(int year, void *arg);

struct hl_calendar;

/* The default rules: office hours 09:00-12:00 and 13:30-17:30, days end at midnight. */
void hl_calendar_rules_default(struct hl_calendar_rules *rules);

/* Parses an office period "HH:MM-HH:MM" (24:00 allowed as an end) and appends it to
 * rules, which must stay in order and not overlap. Returns 0, or -1 with what was
 * expected in err (no position: the caller knows where the text came from). */
int hl_calendar_rules_add_period(struct hl_calendar_rules *rules, const char *text, char *err,
				 size_t errlen);

/*
 * Loads every file named cn-YYYY.yaml in dir (other names are ignored) and checks it:
 * known keys only, `year` equal to the name's, real dates inside that year, no holiday
 * overlapping another, make-up days on a Saturday or Sunday outside every holiday and
 * listed once. `rules` is copied. `fallback`, may be NULL, is called (with arg) the first
 * time a query meets a year without a file. Returns 0 and *cal_r (free with
 * hl_calendar_free), or -1 with "file:line:column: reason" (or "dir: reason") in err.
 */
int hl_calendar_load(const char *dir, const struct hl_calendar_rules *rules,
		     hl_calendar_fallback_fn fallback, void *arg, struct hl_calendar **cal_r,
		     char *err, size_t errlen);

void hl_calendar_free(struct hl_calendar *cal);

/* Whether year has a calendar file. When it has not, records it as a fallback year. */
int hl_calendar_covers(struct hl_calendar *cal, int year);

/* Whether the local date is a working day (1) or a day off (0); -1 for a date that is not
 * real or outside 1970-9999. Records the year when it falls back to weekends. */
int hl_calendar_is_workday(struct hl_calendar *cal, int year, int month, int day);

/*
 * The deadline, in ms since the epoch, of a period `dur` that starts at from_ms:
 *   wall-clock (m, h, ...): from_ms + the amount, 24/7;
 *   wh: the amount counted only inside office periods of working days; a start outside
 *       them counts from the next opening; a deadline that falls exactly on a period's
 *       close is that close (10:00 + 2wh is 12:00, not 13:30);
 *   wd: the day of from_ms does not count; the deadline is the end of the Nth working day
 *       after it: the next day's local 00:00 (HL_DAY_ENDS_MIDNIGHT) or the close of that
 *       day's last office period (HL_DAY_ENDS_OFFICE_CLOSE). 0wd is the end of the day of
 *       arrival, never earlier than from_ms.
 * Example, 2026 calendar: Wed 2026-09-30 16:00 + 3wd = 2026-10-11T00:00+08:00, the end
 * of Sat 2026-10-10 (a make-up working day). Returns -1 when from_ms is not in the years
 * 1970 to 9988 (so that every deadline stays within the supported dates) or the deadline
 * would lie more than HL_CALENDAR_MAX_DAYS days after it. Records the fallback years it
 * counted in.
 */
int64_t hl_calendar_add(struct hl_calendar *cal, int64_t from_ms, struct hl_duration dur);

/* Whether hl_calendar_add(cal, from_ms, dur) counts in a year without a calendar file, so
 * that its deadline follows weekends only and may be wrong. Wall-clock durations never
 * do. Records those years as hl_calendar_add does. */
int hl_calendar_add_used_fallback(struct hl_calendar *cal, int64_t from_ms,
				  struct hl_duration dur);

/* The years loaded, ascending, and the fallback years asked about so far, ascending:
 * each writes up to max into years and returns how many there are in all. */
size_t hl_calendar_years(const struct hl_calendar *cal, int *years, size_t max);
size_t hl_calendar_fallback_years(const struct hl_calendar *cal, int *years, size_t max);

#endif
