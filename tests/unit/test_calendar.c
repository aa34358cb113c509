/* Unit tests for the working-day calendar (core/README.md §7): the worked example, every
 * 2026 holiday boundary and make-up day, `wh` across lunch, nights, weekends and
 * holidays, `wd` ending at midnight or at office close, wall-clock time across midnight, a
 * year without a file falling back to weekends, load errors with their exact
 * file:line:column, and the `calendar` section of hotlined.yaml. Local times are
 * Asia/Shanghai, set here as the daemon sets them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "time/calendar.h"
#include "config/config.h"
#include "base/duration.h"
#include "harness.h"
#include "base/timefmt.h"

#define SHIPPED HL_SOURCE_DIR "/etc/calendar"

static struct hl_calendar *cal;
static int told[8]; /* years the fallback hook was told, in order */
static size_t ntold;

static void on_fallback(int year, void *arg)
{
	(void)arg;
	if (ntold < sizeof(told) / sizeof(told[0]))
		told[ntold] = year;
	ntold++;
}

static void use_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* (Re)loads the shipped calendar with rules (NULL for the defaults). */
static void load_shipped(const struct hl_calendar_rules *rules)
{
	struct hl_calendar_rules defaults;
	char err[512] = "";

	hl_calendar_rules_default(&defaults);
	hl_calendar_free(cal);
	cal = NULL;
	ntold = 0;
	cr_assert_eq(hl_calendar_load(SHIPPED, rules ? rules : &defaults, on_fallback, NULL, &cal,
				      err, sizeof(err)),
		     0, "refused: %s", err);
}

static void setup(void)
{
	use_zone("Asia/Shanghai");
	load_shipped(NULL);
}

static void teardown(void)
{
	hl_calendar_free(cal);
	cal = NULL;
}

TestSuite(calendar, .init = setup, .fini = teardown);

static int64_t at(const char *iso)
{
	int64_t ms;
	char err[256];

	cr_assert_eq(hl_time_parse_iso(iso, &ms, err, sizeof(err)), 0, "%s", err);
	return ms;
}

static struct hl_duration dur(const char *text)
{
	struct hl_duration d;
	char err[256];

	cr_assert_eq(hl_duration_parse(text, &d, err, sizeof(err)), 0, "%s", err);
	return d;
}

/* from + within must be want (local ISO 8601), without any fallback year. */
static void expect_due(const char *from, const char *within, const char *want)
{
	int64_t due = hl_calendar_add(cal, at(from), dur(within));
	char got[HL_TIME_BUFLEN] = "(refused)";

	if (due >= 0)
		hl_time_format_iso(due, got);
	cr_expect_str_eq(got, want, "%s + %s: got %s, want %s", from, within, got, want);
	cr_expect_not(hl_calendar_add_used_fallback(cal, at(from), dur(within)),
		      "%s + %s used a fallback year", from, within);
}

static void expect_day(const char *date, int workday)
{
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);

	cr_expect_eq(hl_calendar_is_workday(cal, y, m, d), workday, "%s should be %s", date,
		     workday ? "a working day" : "a day off");
}

Test(calendar, design_example)
{
	/* core/README.md §7: Oct 1-7 off, Oct 8 and 9 working, Oct 10 a make-up day. */
	expect_due("2026-09-30T16:00:00+08:00", "3wd", "2026-10-11T00:00:00+08:00");
}

Test(calendar, every_holiday_boundary)
{
	static const struct {
		const char *before, *first_off, *last_off, *after;
	} b[] = {
		{"2025-12-31", "2026-01-01", "2026-01-03", "2026-01-04"}, /* 元旦; Jan 4 make-up */
		{"2026-02-14", "2026-02-15", "2026-02-23", "2026-02-24"}, /* 春节; Feb 14 make-up */
		{"2026-04-03", "2026-04-04", "2026-04-06", "2026-04-07"}, /* 清明节 */
		{"2026-04-30", "2026-05-01", "2026-05-05", "2026-05-06"}, /* 劳动节 */
		{"2026-06-18", "2026-06-19", "2026-06-21", "2026-06-22"}, /* 端午节 */
		{"2026-09-24", "2026-09-25", "2026-09-27", "2026-09-28"}, /* 中秋节 */
		{"2026-09-30", "2026-10-01", "2026-10-07", "2026-10-08"}, /* 国庆节 */
	};

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		expect_day(b[i].before, 1);
		expect_day(b[i].first_off, 0);
		expect_day(b[i].last_off, 0);
		expect_day(b[i].after, 1);
	}
	/* Every day inside the long holidays is off, weekdays included. */
	for (int d = 15; d <= 23; d++)
		cr_expect_eq(hl_calendar_is_workday(cal, 2026, 2, d), 0, "Feb %d", d);
	for (int d = 1; d <= 7; d++)
		cr_expect_eq(hl_calendar_is_workday(cal, 2026, 10, d), 0, "Oct %d", d);
	/* Dec 31 2025 has no file: a Wednesday, so working by the weekend rule, and said. */
	cr_expect_eq(ntold, 1);
	cr_expect_eq(told[0], 2025);
}

Test(calendar, every_make_up_day)
{
	static const char *const makeup[] = {"2026-01-04", "2026-02-14", "2026-02-28",
					     "2026-05-09", "2026-09-20", "2026-10-10"};
	/* The other day of each make-up day's weekend stays off (or is a holiday). */
	static const char *const still_off[] = {"2026-01-03", "2026-02-15", "2026-03-01",
						"2026-05-10", "2026-09-19", "2026-10-11"};
	int working = 0;

	for (size_t i = 0; i < sizeof(makeup) / sizeof(makeup[0]); i++) {
		expect_day(makeup[i], 1);
		expect_day(still_off[i], 0);
	}
	expect_day("2026-11-28", 0); /* an ordinary Saturday */
	expect_day("2026-11-29", 0); /* an ordinary Sunday */
	expect_day("2026-11-26", 1); /* an ordinary Thursday */
	/* 261 weekdays, 19 of them holidays, plus 6 make-up days. */
	for (int m = 1; m <= 12; m++) {
		for (int d = 1; d <= 31; d++)
			working += hl_calendar_is_workday(cal, 2026, m, d) == 1;
	}
	cr_expect_eq(working, 248);
	cr_expect_eq(ntold, 0, "2026 fell back");
}

Test(calendar, working_days)
{
	/* The arrival day never counts, whatever the hour. */
	expect_due("2026-09-30T00:00:00+08:00", "1wd", "2026-10-09T00:00:00+08:00");
	expect_due("2026-09-30T23:59:59+08:00", "1wd", "2026-10-09T00:00:00+08:00");
	/* Arriving on a holiday: the next working day is the first to count. */
	expect_due("2026-10-03T10:00:00+08:00", "1wd", "2026-10-09T00:00:00+08:00");
	/* Friday night into a make-up Saturday. */
	expect_due("2026-10-09T23:00:00+08:00", "1wd", "2026-10-11T00:00:00+08:00");
	expect_due("2026-10-09T23:00:00+08:00", "2wd", "2026-10-13T00:00:00+08:00");
	/* Spring Festival: Feb 14 (make-up) counts, Feb 15-23 do not. */
	expect_due("2026-02-13T10:00:00+08:00", "5wd", "2026-02-28T00:00:00+08:00");
	/* A fortnight's suggestion across an ordinary weekend. */
	expect_due("2026-11-26T10:00:00+08:00", "10wd", "2026-12-11T00:00:00+08:00");
	/* 0wd ends with the day of arrival. */
	expect_due("2026-09-30T16:00:00+08:00", "0wd", "2026-10-01T00:00:00+08:00");
}

Test(calendar, working_days_ending_at_office_close)
{
	struct hl_calendar_rules rules;

	hl_calendar_rules_default(&rules);
	rules.day_end = HL_DAY_ENDS_OFFICE_CLOSE;
	load_shipped(&rules);
	expect_due("2026-09-30T16:00:00+08:00", "3wd", "2026-10-10T17:30:00+08:00");
	expect_due("2026-02-13T10:00:00+08:00", "1wd", "2026-02-14T17:30:00+08:00");
	/* 0wd after close: the deadline is never before the start. */
	expect_due("2026-09-30T16:00:00+08:00", "0wd", "2026-09-30T17:30:00+08:00");
	expect_due("2026-09-30T18:00:00+08:00", "0wd", "2026-09-30T18:00:00+08:00");
}

Test(calendar, working_hours_inside_and_across_lunch)
{
	/* Mon 2026-11-23, office hours 09:00-12:00 and 13:30-17:30. */
	expect_due("2026-11-23T10:00:00+08:00", "2wh", "2026-11-23T12:00:00+08:00");
	expect_due("2026-11-23T11:00:00+08:00", "2wh", "2026-11-23T14:30:00+08:00");
	expect_due("2026-11-23T11:59:00+08:00", "1wh", "2026-11-23T14:29:00+08:00");
	/* Arriving at lunch, or exactly at noon: the clock starts at 13:30. */
	expect_due("2026-11-23T12:30:00+08:00", "1wh", "2026-11-23T14:30:00+08:00");
	expect_due("2026-11-23T12:00:00+08:00", "2wh", "2026-11-23T15:30:00+08:00");
	/* Ending exactly at close is close, not the next morning. */
	expect_due("2026-11-23T15:30:00+08:00", "2wh", "2026-11-23T17:30:00+08:00");
	expect_due("2026-11-23T09:00:00+08:00", "7wh", "2026-11-23T17:30:00+08:00");
	expect_due("2026-11-23T09:00:00+08:00", "8wh", "2026-11-24T10:00:00+08:00");
}

Test(calendar, working_hours_across_nights)
{
	expect_due("2026-11-24T16:30:00+08:00", "2wh", "2026-11-25T10:00:00+08:00");
	expect_due("2026-11-24T17:30:00+08:00", "1wh", "2026-11-25T10:00:00+08:00");
	expect_due("2026-11-24T22:00:00+08:00", "2wh", "2026-11-25T11:00:00+08:00");
	expect_due("2026-11-25T07:00:00+08:00", "2wh", "2026-11-25T11:00:00+08:00");
	expect_due("2026-11-25T03:00:00+08:00", "0wh", "2026-11-25T09:00:00+08:00");
	expect_due("2026-11-25T10:15:00+08:00", "0wh", "2026-11-25T10:15:00+08:00");
}

Test(calendar, working_hours_across_weekends)
{
	/* Fri 2026-11-27 17:00: half an hour on Friday, the rest on Monday. */
	expect_due("2026-11-27T17:00:00+08:00", "2wh", "2026-11-30T10:30:00+08:00");
	expect_due("2026-11-28T10:00:00+08:00", "2wh", "2026-11-30T11:00:00+08:00");
	expect_due("2026-11-29T23:59:59+08:00", "1wh", "2026-11-30T10:00:00+08:00");
}

Test(calendar, working_hours_across_holidays_and_make_up_days)
{
	/* National Day: Sep 30 17:00 + 2wh runs on Thu Oct 8. */
	expect_due("2026-09-30T17:00:00+08:00", "2wh", "2026-10-08T10:30:00+08:00");
	expect_due("2026-10-04T09:00:00+08:00", "2wh", "2026-10-08T11:00:00+08:00");
	/* Friday Oct 9 17:00 runs on into the make-up Saturday. */
	expect_due("2026-10-09T17:00:00+08:00", "2wh", "2026-10-10T10:30:00+08:00");
	/* Spring Festival: Fri Feb 13 16:00, 1.5h Friday, 7h on Saturday Feb 14 (make-up),
	 * then nothing until Tue Feb 24. */
	expect_due("2026-02-13T16:00:00+08:00", "8wh", "2026-02-14T17:00:00+08:00");
	expect_due("2026-02-13T16:00:00+08:00", "9wh", "2026-02-24T09:30:00+08:00");
	/* New Year: Wed Dec 31 2025 has no file, so start on New Year's Day itself. */
	expect_due("2026-01-01T10:00:00+08:00", "1wh", "2026-01-04T10:00:00+08:00");
}

Test(calendar, wall_clock_across_midnight_and_holidays)
{
	expect_due("2026-11-26T23:30:00+08:00", "1h", "2026-11-27T00:30:00+08:00");
	expect_due("2026-11-26T23:45:00+08:00", "30m", "2026-11-27T00:15:00+08:00");
	expect_due("2026-10-01T10:00:00+08:00", "24h", "2026-10-02T10:00:00+08:00");
	expect_due("2026-11-28T10:00:00+08:00", "1h30m", "2026-11-28T11:30:00+08:00");
	/* Into a year without a file: wall-clock time never asks the calendar. */
	expect_due("2026-12-31T23:00:00+08:00", "2h", "2027-01-01T01:00:00+08:00");
	cr_expect_eq(ntold, 0);
}

Test(calendar, custom_office_hours)
{
	struct hl_calendar_rules rules = {.nperiods = 0};
	char err[256];

	cr_assert_eq(hl_calendar_rules_add_period(&rules, "08:30-12:00", err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(hl_calendar_rules_add_period(&rules, "14:00-18:00", err, sizeof(err)), 0,
		     "%s", err);
	rules.day_end = HL_DAY_ENDS_OFFICE_CLOSE;
	load_shipped(&rules);
	expect_due("2026-09-30T16:00:00+08:00", "3wd", "2026-10-10T18:00:00+08:00");
	expect_due("2026-11-23T11:00:00+08:00", "2wh", "2026-11-23T15:00:00+08:00");

	/* Round the clock on working days. */
	rules.nperiods = 0;
	cr_assert_eq(hl_calendar_rules_add_period(&rules, "00:00-24:00", err, sizeof(err)), 0,
		     "%s", err);
	rules.day_end = HL_DAY_ENDS_MIDNIGHT;
	load_shipped(&rules);
	expect_due("2026-11-27T22:00:00+08:00", "4wh", "2026-11-30T02:00:00+08:00");
	expect_due("2026-11-27T22:00:00+08:00", "2wh", "2026-11-28T00:00:00+08:00");
}

Test(calendar, office_periods_are_checked)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{"9-12", "expected an office period such as 09:00-12:00"},
		{"09:00 - 12:00", "expected an office period"},
		{"09:00-12:60", "expected an office period"},
		{"24:00-24:00", "expected an office period"},
		{"12:00-24:30", "expected an office period"},
		{"12:00-09:00", "the office period '12:00-09:00' ends before it starts"},
		{"12:00-12:00", "ends before it starts"},
		{"11:00-13:00", "starts before the one above it ends (12:00)"},
		{"08:00-08:30", "starts before the one above it ends (12:00)"},
	};
	struct hl_calendar_rules rules = {.nperiods = 0};
	char err[256];

	cr_assert_eq(hl_calendar_rules_add_period(&rules, "09:00-12:00", err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(hl_calendar_rules_add_period(&rules, bad[i].text, err, sizeof(err)),
			     -1, "'%s' accepted", bad[i].text);
		cr_expect(strstr(err, bad[i].why), "'%s': wanted '%s' in: %s", bad[i].text,
			  bad[i].why, err);
	}
	cr_expect_eq(rules.nperiods, 1);
	cr_expect_eq(hl_calendar_rules_add_period(&rules, "12:00-13:00", err, sizeof(err)), 0,
		     "adjacent periods refused: %s", err);
}

Test(calendar, a_year_without_a_file_falls_back_to_weekends)
{
	int years[4];

	cr_expect_eq(hl_calendar_years(cal, years, 4), 1);
	cr_expect_eq(years[0], 2026);
	cr_expect_eq(hl_calendar_fallback_years(cal, years, 4), 0);
	cr_expect(hl_calendar_covers(cal, 2026));

	/* 2027 has no file: 1 January is a Friday, so a working day by weekends only. */
	expect_day("2027-01-01", 1);
	expect_day("2027-01-02", 0);
	expect_day("2027-10-01", 1);
	cr_expect_eq(hl_calendar_fallback_years(cal, years, 4), 1);
	cr_expect_eq(years[0], 2027);
	cr_expect_eq(ntold, 1, "the hook is told once per year");
	cr_expect_eq(told[0], 2027);

	/* Wed 2026-12-30 + 3wd: Thu Dec 31, Fri Jan 1 (no file), Mon Jan 4. Reported. */
	cr_expect_eq(hl_calendar_add(cal, at("2026-12-30T10:00:00+08:00"), dur("3wd")),
		     at("2027-01-05T00:00:00+08:00"));
	cr_expect(hl_calendar_add_used_fallback(cal, at("2026-12-30T10:00:00+08:00"), dur("3wd")));
	cr_expect(hl_calendar_add_used_fallback(cal, at("2027-03-01T10:00:00+08:00"), dur("2wh")));
	/* Counting that stays in 2026 does not report, even arriving next to 2025. */
	cr_expect_not(hl_calendar_add_used_fallback(cal, at("2026-12-30T10:00:00+08:00"),
						    dur("1wd")));
	cr_expect_not(hl_calendar_add_used_fallback(cal, at("2026-01-01T10:00:00+08:00"),
						    dur("1wd")));
	cr_expect_not(hl_calendar_add_used_fallback(cal, at("2026-12-31T23:00:00+08:00"),
						    dur("2h")));

	cr_expect_not(hl_calendar_covers(cal, 2028));
	cr_expect_eq(hl_calendar_fallback_years(cal, years, 4), 2);
	cr_expect_eq(years[1], 2028);
	cr_expect_eq(ntold, 2);
}

Test(calendar, days_are_local_to_the_process_zone)
{
	/* 17:00 UTC on Fri Oct 9 is 01:00 on Sat Oct 10 in Shanghai: the arrival day is the
	 * make-up Saturday, so 1wd is Mon Oct 12. */
	expect_due("2026-10-09T17:00:00Z", "1wd", "2026-10-13T00:00:00+08:00");
	/* The same instant with the process in UTC arrives on Friday: 1wd is Saturday. */
	use_zone("UTC");
	expect_due("2026-10-09T17:00:00Z", "1wd", "2026-10-11T00:00:00Z");
	expect_due("2026-09-30T16:00:00Z", "3wd", "2026-10-11T00:00:00Z");
}

Test(calendar, clocks_that_skip_or_repeat_an_hour)
{
	/* New York moves to summer time on Sun Mar 8 2026 (02:00 becomes 03:00) and back on
	 * Sun Nov 1 (02:00 comes twice): the office hours of the next Monday are still 09:00
	 * local, with the new offset, and days that are not 24 hours long still count. */
	use_zone("America/New_York");
	expect_due("2026-03-06T16:30:00-05:00", "2wh", "2026-03-09T10:00:00-04:00");
	expect_due("2026-03-08T12:00:00-04:00", "1wh", "2026-03-09T10:00:00-04:00");
	expect_due("2026-03-08T01:30:00-05:00", "1wd", "2026-03-10T00:00:00-04:00");
	expect_due("2026-10-30T16:30:00-04:00", "2wh", "2026-11-02T10:00:00-05:00");
	expect_due("2026-11-01T01:30:00-05:00", "1wd", "2026-11-03T00:00:00-05:00");
	/* A working day that is 23 hours long: the make-up Sunday Sep 20, in a zone (a POSIX
	 * rule) that moves its clocks forward at 02:00 that day. */
	use_zone("XST-8XDT,M9.3.0/2,M11.1.0/2");
	expect_due("2026-09-19T16:00:00+08:00", "1wh", "2026-09-20T10:00:00+09:00");
	expect_due("2026-09-20T11:00:00+09:00", "2wh", "2026-09-20T14:30:00+09:00");
	/* back in Shanghai with the same calendar: nothing of the other zones is remembered */
	use_zone("Asia/Shanghai");
	expect_due("2026-03-06T16:30:00+08:00", "2wh", "2026-03-09T10:00:00+08:00");
}

Test(calendar, refuses_what_it_cannot_count)
{
	cr_expect_eq(hl_calendar_add(cal, at("2026-11-26T10:00:00+08:00"), dur("5000wd")), -1);
	cr_expect_eq(hl_calendar_add(cal, at("2026-11-26T10:00:00+08:00"), dur("9999999wh")), -1);
	cr_expect_eq(hl_calendar_add(cal, at("2026-11-26T10:00:00+08:00"), dur("100000h")), -1);
	cr_expect_eq(hl_calendar_add(cal, -1, dur("1h")), -1);
	cr_expect_eq(hl_calendar_add(cal, at("9999-01-01T00:00:00Z"), dur("1h")), -1);
	cr_expect_eq(hl_calendar_is_workday(cal, 2026, 2, 29), -1);
	cr_expect_eq(hl_calendar_is_workday(cal, 2026, 13, 1), -1);
	cr_expect_eq(hl_calendar_is_workday(cal, 1969, 12, 31), -1);
}

/* Load errors: one file per case in a fresh directory, the message compared whole. */

static char dir[256];

static void files_setup(void)
{
	use_zone("Asia/Shanghai");
	hlt_tmpdir(dir, sizeof(dir));
}

static void files_teardown(void)
{
	hl_calendar_free(cal);
	cal = NULL;
	hlt_rmtree(dir);
}

TestSuite(calendar_files, .init = files_setup, .fini = files_teardown);

/* Writes text as dir/name and loads dir; the error must be "dir/name:<want>". */
static void load_bad(const char *name, const char *text, const char *want)
{
	struct hl_calendar_rules rules;
	char path[512], err[512] = "", full[1024];

	hl_calendar_rules_default(&rules);
	hlt_write_file(dir, name, text, path, sizeof(path));
	cr_expect_eq(hl_calendar_load(dir, &rules, NULL, NULL, &cal, err, sizeof(err)), -1,
		     "accepted:\n%s", text);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	cr_expect_str_eq(err, full);
	remove(path);
}

#define HEAD "year: 2026\n"

Test(calendar_files, dates_outside_the_year_or_not_real)
{
	load_bad("cn-2026.yaml",
		 HEAD "holidays:\n  - name: 元旦\n    from: 2025-12-31\n    to: 2026-01-03\n"
		      "workdays: []\n",
		 "4:11: key 'from': 2025-12-31 is outside the file's year 2026");
	load_bad("cn-2026.yaml",
		 HEAD "holidays: []\nworkdays:\n  - {date: 2027-01-02, for: 元旦}\n",
		 "4:12: key 'date': 2027-01-02 is outside the file's year 2026");
	load_bad("cn-2026.yaml",
		 HEAD "holidays:\n  - {name: 春节, from: 2026-02-15, to: 2026-02-30}\n"
		      "workdays: []\n",
		 "3:38: key 'to': '2026-02-30' is not a real date");
	load_bad("cn-2026.yaml",
		 HEAD "holidays:\n  - {name: 国庆节, from: 2026-10-1, to: 2026-10-07}\n"
		      "workdays: []\n",
		 "3:23: key 'from': expected a date such as 2026-10-01, got '2026-10-1'");
	load_bad("cn-2026.yaml",
		 HEAD "holidays:\n  - {name: 国庆节, from: 2026-10-07, to: 2026-10-01}\n"
		      "workdays: []\n",
		 "3:39: key 'to': 2026-10-01 is before 'from' 2026-10-07");
}

Test(calendar_files, make_up_days_must_be_weekends_outside_holidays_once)
{
	load_bad("cn-2026.yaml",
		 HEAD "holidays: []\nworkdays:\n  - {date: 2026-10-12, for: 国庆节}\n",
		 "4:12: key 'date': 2026-10-12 is a Monday, a working day already; a make-up "
		 "working day (调休) is a Saturday or Sunday");
	load_bad("cn-2026.yaml",
		 HEAD "holidays:\n  - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}\n"
		      "workdays:\n  - {date: 2026-10-03, for: 国庆节}\n",
		 "5:12: key 'date': 2026-10-03 is a day off of holiday 国庆节 (line 3), so it "
		 "cannot be a make-up working day");
	load_bad("cn-2026.yaml",
		 HEAD "holidays: []\nworkdays:\n  - {date: 2026-10-10, for: 国庆节}\n"
		      "  - {date: 2026-10-10, for: 国庆节}\n",
		 "5:12: key 'date': 2026-10-10 is listed twice (first at line 4)");
}

Test(calendar_files, overlapping_holidays)
{
	load_bad("cn-2026.yaml",
		 HEAD "holidays:\n"
		      "  - {name: 中秋节, from: 2026-09-25, to: 2026-10-01}\n"
		      "  - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}\n"
		      "workdays: []\n",
		 "4:23: holiday 国庆节 (2026-10-01 to 2026-10-07) overlaps 中秋节 (2026-09-25 to "
		 "2026-10-01, line 3)");
}

Test(calendar_files, structure)
{
	load_bad("cn-2026.yaml", "year: 2027\nholidays: []\nworkdays: []\n",
		 "1:7: key 'year': expected 2026, the year in the file's name, got '2027'");
	load_bad("cn-2026.yaml", HEAD "holiday: []\nworkdays: []\n",
		 "2:1: unknown key 'holiday' (expected one of: year, holidays, workdays)");
	load_bad("cn-2026.yaml", HEAD "holidays: []\n",
		 "1:1: missing required key 'workdays' (a sequence: make-up working days (调休): "
		 "date, for)");
	load_bad("cn-2026.yaml", HEAD "holidays:\n  - 国庆节\nworkdays: []\n",
		 "3:5: expected a holiday (a mapping with name, from and to), got a scalar");
	load_bad("cn-2026.yaml",
		 HEAD "holidays:\n  - {name: 国庆节, from: 2026-10-01}\nworkdays: []\n",
		 "3:5: missing required key 'to' (a string: its last day off, YYYY-MM-DD)");
	load_bad("cn-2026.yaml",
		 HEAD "holidays: []\nworkdays:\n  - {date: 2026-10-10, for: \"\"}\n",
		 "4:29: key 'for': expected the holiday it makes up for, got ''");
	load_bad("cn-2026.yaml", "",
		 "1:1: the file is empty; expected year, holidays and workdays");
	load_bad("cn-2026.yaml", HEAD "holidays: [\nworkdays: []\n",
		 "4:1: did not find expected ',' or ']' while parsing a flow sequence");
}

Test(calendar_files, other_names_are_ignored_and_a_missing_directory_is_an_error)
{
	struct hl_calendar_rules rules;
	char path[512], err[512] = "", want[600];
	int years[4];

	hl_calendar_rules_default(&rules);
	hlt_write_file(dir, "README.md", "not a calendar\n", path, sizeof(path));
	hlt_write_file(dir, "cn-2027.yaml.bak", "nonsense: [\n", path, sizeof(path));
	hlt_write_file(dir, "cn-2027.yml", "nonsense: [\n", path, sizeof(path));
	hlt_write_file(dir, "cn-2028.yaml",
		       "year: 2028\nholidays:\n  - {name: 元旦, from: 2028-01-01, to: 2028-01-01}\n"
		       "workdays: []\n",
		       path, sizeof(path));
	cr_assert_eq(hl_calendar_load(dir, &rules, NULL, NULL, &cal, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_eq(hl_calendar_years(cal, years, 4), 1);
	cr_expect_eq(years[0], 2028);
	cr_expect_eq(hl_calendar_is_workday(cal, 2028, 1, 1), 0); /* a Saturday anyway */
	cr_expect_eq(hl_calendar_is_workday(cal, 2028, 1, 3), 1);
	hl_calendar_free(cal);
	cal = NULL;

	snprintf(path, sizeof(path), "%s/none", dir);
	cr_expect_eq(hl_calendar_load(path, &rules, NULL, NULL, &cal, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot open the calendar directory: No such file or "
				     "directory",
		 path);
	cr_expect_str_eq(err, want);
}

Test(calendar_files, an_empty_directory_counts_weekends_only)
{
	struct hl_calendar_rules rules;
	char err[512] = "";
	int years[4];

	hl_calendar_rules_default(&rules);
	ntold = 0;
	cr_assert_eq(hl_calendar_load(dir, &rules, on_fallback, NULL, &cal, err, sizeof(err)), 0,
		     "%s", err);
	cr_expect_eq(hl_calendar_years(cal, years, 4), 0);
	cr_expect_eq(hl_calendar_is_workday(cal, 2026, 10, 1), 1); /* National Day, a Thursday */
	cr_expect_eq(hl_calendar_is_workday(cal, 2026, 10, 10), 0); /* a make-up Saturday */
	cr_expect_eq(hl_calendar_fallback_years(cal, years, 4), 1);
	cr_expect_eq(years[0], 2026);
	cr_expect_eq(ntold, 1);
	cr_expect(hl_calendar_add_used_fallback(cal, at("2026-09-30T16:00:00+08:00"), dur("3wd")));
	cr_expect_eq(hl_calendar_add(cal, at("2026-09-30T16:00:00+08:00"), dur("3wd")),
		     at("2026-10-06T00:00:00+08:00"));
}

/* The `calendar` section of hotlined.yaml. */

static struct hl_config *config_from(const char *section, char *err, size_t errlen)
{
	struct hl_config *cfg = NULL;
	char text[2048], path[512];

	snprintf(text, sizeof(text),
		 "redis:\n  socket: /tmp/r.sock\nroutes: routes\nauth:\n  tokens_file: t\n%s",
		 section);
	hlt_write_file(dir, "hotlined.yaml", text, path, sizeof(path));
	if (hl_config_load(path, &cfg, err, errlen) < 0)
		return NULL;
	return cfg;
}

static void config_bad(const char *section, const char *want)
{
	char err[512] = "", full[1024];
	struct hl_config *cfg = config_from(section, err, sizeof(err));

	cr_expect_null(cfg, "accepted:\n%s", section);
	hl_config_free(cfg);
	snprintf(full, sizeof(full), "%s/hotlined.yaml:%s", dir, want);
	cr_expect_str_eq(err, full);
}

Test(calendar_files, configuration_section)
{
	char err[512] = "", want[300];
	struct hl_config *cfg = config_from("", err, sizeof(err));

	cr_assert_not_null(cfg, "%s", err);
	snprintf(want, sizeof(want), "%s/calendar", dir);
	cr_expect_str_eq(cfg->calendar_dir, want);
	cr_expect_eq(cfg->calendar_rules.nperiods, 2);
	cr_expect_eq(cfg->calendar_rules.periods[0].start_min, 9 * 60);
	cr_expect_eq(cfg->calendar_rules.periods[1].end_min, 17 * 60 + 30);
	cr_expect_eq(cfg->calendar_rules.day_end, HL_DAY_ENDS_MIDNIGHT);
	hl_config_free(cfg);

	cfg = config_from("calendar:\n  dir: /srv/cal\n  office_hours: [\"08:30-12:00\", "
			  "\"14:00-18:00\"]\n  day_ends: office_close\n",
			  err, sizeof(err));
	cr_assert_not_null(cfg, "%s", err);
	cr_expect_str_eq(cfg->calendar_dir, "/srv/cal");
	cr_expect_eq(cfg->calendar_rules.nperiods, 2);
	cr_expect_eq(cfg->calendar_rules.periods[0].start_min, 8 * 60 + 30);
	cr_expect_eq(cfg->calendar_rules.periods[1].start_min, 14 * 60);
	cr_expect_eq(cfg->calendar_rules.periods[1].end_min, 18 * 60);
	cr_expect_eq(cfg->calendar_rules.day_end, HL_DAY_ENDS_OFFICE_CLOSE);
	hl_config_free(cfg);

	config_bad("calendar:\n  office_hours: [\"9-12\"]\n",
		   "7:18: key 'office_hours': expected an office period such as 09:00-12:00 "
		   "(24:00 may end one), got '9-12'");
	config_bad("calendar:\n  office_hours:\n    - 09:00-12:00\n    - 11:00-13:00\n",
		   "9:7: key 'office_hours': the office period '11:00-13:00' starts before the "
		   "one above it ends (12:00); list the periods in the order of the day, without "
		   "overlaps");
	config_bad("calendar:\n  office_hours: []\n",
		   "7:17: key 'office_hours': expected at least one office period such as "
		   "09:00-12:00");
	config_bad("calendar:\n  day_ends: noon\n",
		   "7:13: key 'day_ends': expected midnight or office_close, got 'noon'");
	config_bad("calendar:\n  folder: x\n",
		   "7:3: unknown key 'folder' (expected one of: dir, office_hours, day_ends)");
}
