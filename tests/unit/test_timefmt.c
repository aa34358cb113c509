/* Unit tests for the time formats (core/base/timefmt.c): ISO 8601 with the zone's offset and
 * the local ticket date, both in Asia/Shanghai, and the parser of the ISO forms clients
 * send, with its refusals of impossible dates and trailing junk. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/timefmt.h"

static void shanghai(void)
{
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
}

TestSuite(timefmt, .init = shanghai);

/* 2026-11-26T09:38:53Z, 17:38:53 in Shanghai. */
#define T0 INT64_C(1795685933000)

static int64_t parse_ok(const char *text)
{
	int64_t ms = -1;
	char err[256] = "";

	cr_assert_eq(hl_time_parse_iso(text, &ms, err, sizeof(err)), 0, "'%s' refused: %s", text,
		     err);
	return ms;
}

static void parse_bad(const char *text, const char *what)
{
	int64_t ms = 12345;
	char err[256] = "";

	cr_assert_eq(hl_time_parse_iso(text, &ms, err, sizeof(err)), -1, "'%s' accepted as %lld",
		     text, (long long)ms);
	cr_expect(strstr(err, what), "'%s': wanted '%s' in: %s", text, what, err);
	cr_expect(strstr(err, text), "'%s' not quoted in: %s", text, err);
	cr_expect_eq(ms, 12345, "'%s' wrote a result although refused", text);
}

Test(timefmt, epoch_constant_is_what_the_tests_think)
{
	time_t t = (time_t)(T0 / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	cr_assert_eq(tm.tm_year, 2026 - 1900);
	cr_assert_eq(tm.tm_mon, 10);
	cr_assert_eq(tm.tm_mday, 26);
	cr_assert_eq(tm.tm_hour, 9);
	cr_assert_eq(tm.tm_min, 38);
	cr_assert_eq(tm.tm_sec, 53);
}

Test(timefmt, iso_has_the_plus_eight_offset)
{
	char buf[HL_TIME_BUFLEN];

	hl_time_format_iso(T0, buf);
	cr_expect_str_eq(buf, "2026-11-26T17:38:53+08:00");
	/* milliseconds are dropped, not rounded */
	hl_time_format_iso(T0 + 999, buf);
	cr_expect_str_eq(buf, "2026-11-26T17:38:53+08:00");
	hl_time_format_iso(0, buf);
	cr_expect_str_eq(buf, "1970-01-01T08:00:00+08:00");
}

Test(timefmt, negative_times_round_down)
{
	char buf[HL_TIME_BUFLEN];

	hl_time_format_iso(-1, buf);
	cr_expect_str_eq(buf, "1970-01-01T07:59:59+08:00");
	hl_time_format_iso(-1000, buf);
	cr_expect_str_eq(buf, "1970-01-01T07:59:59+08:00");
	hl_time_format_iso(-1001, buf);
	cr_expect_str_eq(buf, "1970-01-01T07:59:58+08:00");
}

Test(timefmt, utc_written_with_z)
{
	char buf[HL_TIME_BUFLEN];

	setenv("TZ", "UTC", 1);
	tzset();
	hl_time_format_iso(T0, buf);
	cr_expect_str_eq(buf, "2026-11-26T09:38:53Z");
	setenv("TZ", "America/New_York", 1);
	tzset();
	hl_time_format_iso(T0, buf);
	cr_expect_str_eq(buf, "2026-11-26T04:38:53-05:00");
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	hl_time_format_iso(T0, buf);
	cr_expect_str_eq(buf, "2026-11-26T15:08:53+05:30");
}

Test(timefmt, date_of_a_time)
{
	char buf[HL_TIME_BUFLEN];

	hl_time_format_date(T0, buf);
	cr_expect_str_eq(buf, "20261126");
}

Test(timefmt, date_rolls_over_at_local_midnight)
{
	char buf[HL_TIME_BUFLEN];
	int64_t midnight = parse_ok("2026-11-26T16:00:00Z");

	hl_time_format_date(midnight - 1, buf);
	cr_expect_str_eq(buf, "20261126");
	hl_time_format_iso(midnight - 1, buf);
	cr_expect_str_eq(buf, "2026-11-26T23:59:59+08:00");
	hl_time_format_date(midnight, buf);
	cr_expect_str_eq(buf, "20261127");
	hl_time_format_iso(midnight, buf);
	cr_expect_str_eq(buf, "2026-11-27T00:00:00+08:00");
	/* and the UTC date is still the 26th */
	cr_expect_eq(midnight, parse_ok("2026-11-27"));
}

Test(timefmt, parse_date_alone_is_local_midnight)
{
	cr_expect_eq(parse_ok("2026-11-26"), INT64_C(1795622400000)); /* 2026-11-25T16:00Z */
	cr_expect_eq(parse_ok("1970-01-02"), INT64_C(57600000));
}

Test(timefmt, parse_zones)
{
	cr_expect_eq(parse_ok("2026-11-26T09:38:53Z"), T0);
	cr_expect_eq(parse_ok("2026-11-26T09:38:53z"), T0);
	cr_expect_eq(parse_ok("2026-11-26T17:38:53+08:00"), T0);
	cr_expect_eq(parse_ok("2026-11-26T17:38:53+0800"), T0);
	cr_expect_eq(parse_ok("2026-11-26T17:38:53+08"), T0);
	cr_expect_eq(parse_ok("2026-11-26T04:38:53-05:00"), T0);
	cr_expect_eq(parse_ok("2026-11-26T15:08:53+05:30"), T0);
	/* no zone: local, i.e. +08:00 here */
	cr_expect_eq(parse_ok("2026-11-26T17:38:53"), T0);
}

Test(timefmt, parse_without_seconds)
{
	cr_expect_eq(parse_ok("2026-11-26T17:38"), T0 - 53000);
	cr_expect_eq(parse_ok("2026-11-26T09:38Z"), T0 - 53000);
}

Test(timefmt, parse_fraction)
{
	cr_expect_eq(parse_ok("2026-11-26T17:38:53.5"), T0 + 500);
	cr_expect_eq(parse_ok("2026-11-26T17:38:53.5+08:00"), T0 + 500);
	cr_expect_eq(parse_ok("2026-11-26T09:38:53.25Z"), T0 + 250);
	cr_expect_eq(parse_ok("2026-11-26T09:38:53.123Z"), T0 + 123);
	cr_expect_eq(parse_ok("2026-11-26T09:38:53.123999Z"), T0 + 123);
	cr_expect_eq(parse_ok("2026-11-26T09:38:53,007Z"), T0 + 7);
}

Test(timefmt, parse_space_instead_of_t)
{
	cr_expect_eq(parse_ok("2026-11-26 17:38:53"), T0);
	cr_expect_eq(parse_ok("2026-11-26 17:38:53+08:00"), T0);
	cr_expect_eq(parse_ok("2026-11-26t17:38:53"), T0);
}

Test(timefmt, parse_leap_day)
{
	cr_expect_eq(parse_ok("2028-02-29T00:00:00Z") - parse_ok("2028-02-28T00:00:00Z"),
		     INT64_C(86400000));
	cr_expect_eq(parse_ok("2000-02-29T00:00:00Z"), INT64_C(951782400000));
	parse_bad("2026-02-29", "is not a real date and time");
	parse_bad("2100-02-29", "is not a real date and time");
}

Test(timefmt, refuses_impossible_dates_and_times)
{
	parse_bad("2026-02-30", "is not a real date and time");
	parse_bad("2026-04-31", "is not a real date and time");
	parse_bad("2026-13-01", "is not a real date and time");
	parse_bad("2026-00-10", "is not a real date and time");
	parse_bad("2026-11-00", "is not a real date and time");
	parse_bad("2026-11-26T25:00", "is not a real date and time");
	parse_bad("2026-11-26T24:00:00", "is not a real date and time");
	parse_bad("2026-11-26T12:60", "is not a real date and time");
	parse_bad("2026-11-26T12:00:60", "is not a real date and time");
	parse_bad("1969-12-31", "is not a real date and time");
}

Test(timefmt, refuses_garbage)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"yesterday",
		"26-11-2026",
		"2026/11/26",
		"2026-1-26",
		"2026-11-6",
		"20261126",
		"2026-11-26T",
		"2026-11-26T9:30",
		"2026-11-26T09",
		"2026-11-26T09:30:5",
		"2026-11-26T09:30:00.",
		"2026-11-26T09:30:00.Z",
		"1795685933000",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i], "expected an ISO 8601 date or time such as 2026-11-26 or "
				  "2026-11-26T09:30:00+08:00, got '");
}

Test(timefmt, refuses_trailing_junk)
{
	static const char *const bad[] = {
		"2026-11-26x",
		"2026-11-26 ",
		"2026-11-26T09:30:00 ",
		"2026-11-26T09:30:00Zx",
		"2026-11-26T09:30:00ZZ",
		"2026-11-26T09:30:00+08:00x",
		"2026-11-26T09:30:00+08:000",
		"2026-11-26T09:30:00+8",
		"2026-11-26T09:30:00+24:00",
		"2026-11-26T09:30:00+08:60",
		"2026-11-26T09:30:00 CST",
		"2026-11-26T09:30.5",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i], "expected an ISO 8601 date or time");
}

Test(timefmt, error_message_fits_small_buffers)
{
	int64_t ms;
	char err[16];

	memset(err, 'x', sizeof(err));
	cr_assert_eq(hl_time_parse_iso("nonsense", &ms, err, sizeof(err)), -1);
	cr_expect_eq(strlen(err), sizeof(err) - 1);
}

Test(timefmt, format_then_parse_round_trips)
{
	static const int64_t times[] = {
		0,
		T0,
		T0 + 86400000LL * 200, /* mid-2027 */
		INT64_C(951782400000), /* 2000-02-29 */
		INT64_C(4102444799000), /* 2099-12-31T23:59:59Z */
		INT64_C(1795622400000),
	};
	char buf[HL_TIME_BUFLEN];

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		hl_time_format_iso(times[i], buf);
		cr_expect_eq(parse_ok(buf), times[i], "%s", buf);
	}
	/* every hour of a day, through local midnight */
	for (int64_t t = T0 - 86400000LL; t < T0 + 86400000LL; t += 3600000LL + 1000) {
		hl_time_format_iso(t, buf);
		cr_expect_eq(parse_ok(buf), t, "%s", buf);
	}
}

Test(timefmt, round_trips_in_other_zones)
{
	static const char *const zones[] = {"UTC", "America/New_York", "Asia/Kolkata"};
	char buf[HL_TIME_BUFLEN];

	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (int64_t t = T0; t < T0 + 400LL * 86400000; t += 7LL * 86400000 + 3601000) {
			hl_time_format_iso(t, buf);
			cr_expect_eq(parse_ok(buf), t, "%s in %s", buf, zones[z]);
		}
	}
}

/* The formatting written by hand (no strftime) gives strftime's text, in zones east and
 * west, with half and three-quarter hour offsets, across a clock change, and for years
 * of fewer than four digits (which still go through strftime). */
Test(timefmt, formatted_as_strftime_formats)
{
	static const char *const zones[] = {"Asia/Shanghai", "UTC", "America/St_Johns",
					    "Asia/Kathmandu", "America/New_York",
					    "XST-8XDT,M9.3.0/2,M11.1.0/2"};
	static const int64_t times[] = {0, 1, -1, 999, 1000, 1773000000123LL, 1789948800000LL,
					-62135596800000LL + 86400000LL * 400, 253402300799000LL,
					1772953200000LL, 1772956800000LL, 1800000000000LL};

	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
			int64_t ms = times[i];
			time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
			struct tm tm;
			char want[64], date[64], got[HL_TIME_BUFLEN], got_date[HL_TIME_BUFLEN];
			long off;

			localtime_r(&t, &tm);
			off = tm.tm_gmtoff;
			strftime(want, sizeof(want), off ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%dT%H:%M:%SZ",
				 &tm);
			if (off)
				snprintf(want + strlen(want), sizeof(want) - strlen(want),
					 "%c%02ld:%02ld", off < 0 ? '-' : '+', labs(off) / 3600,
					 labs(off) % 3600 / 60);
			strftime(date, sizeof(date), "%Y%m%d", &tm);
			hl_time_format_iso(ms, got);
			hl_time_format_date(ms, got_date);
			cr_expect_str_eq(got, want, "%s %lld", zones[z], (long long)ms);
			cr_expect_str_eq(got_date, date, "%s %lld", zones[z], (long long)ms);
		}
	}
}
