/* Unit tests for duration parsing (core/README.md §7 units) and the other value
 * parsers used by configuration: sizes, addresses, integers, booleans. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/duration.h"
#include "base/options.h"

static struct hl_duration parse_ok(const char *text)
{
	struct hl_duration d;
	char err[256] = "";

	cr_assert_eq(hl_duration_parse(text, &d, err, sizeof(err)), 0, "'%s' refused: %s", text,
		     err);
	return d;
}

static void parse_bad(const char *text, const char *why)
{
	struct hl_duration d;
	char err[256] = "";

	cr_assert_eq(hl_duration_parse(text, &d, err, sizeof(err)), -1, "'%s' accepted", text);
	cr_assert(strstr(err, "expected a duration such as 30m, 2h, 1h30m, 2wh or 5wd"),
		  "no expectation in: %s", err);
	cr_assert(strstr(err, why), "'%s': wanted '%s' in: %s", text, why, err);
}

Test(duration, wall_clock_units)
{
	struct hl_duration d = parse_ok("30m");
	cr_expect_eq(d.unit, HL_DUR_WALL_MS);
	cr_expect_eq(d.amount, 30 * 60 * 1000);
	cr_expect_eq(parse_ok("2h").amount, 2 * 3600 * 1000);
	cr_expect_eq(parse_ok("24h").amount, 24 * 3600 * 1000);
	cr_expect_eq(parse_ok("45s").amount, 45 * 1000);
	cr_expect_eq(parse_ok("500ms").amount, 500);
	cr_expect_eq(parse_ok("0s").amount, 0);
}

Test(duration, compound_wall_clock)
{
	cr_expect_eq(parse_ok("1h30m").amount, 90 * 60 * 1000);
	cr_expect_eq(parse_ok("1m30s").amount, 90 * 1000);
	cr_expect_eq(parse_ok("2h0m5s250ms").amount, 2 * 3600000 + 5000 + 250);
}

Test(duration, working_hours_count_minutes)
{
	struct hl_duration d = parse_ok("2wh");
	cr_expect_eq(d.unit, HL_DUR_WORK_MINUTES);
	cr_expect_eq(d.amount, 120);
}

Test(duration, working_days)
{
	struct hl_duration d = parse_ok("5wd");
	cr_expect_eq(d.unit, HL_DUR_WORK_DAYS);
	cr_expect_eq(d.amount, 5);
	cr_expect_eq(parse_ok("15wd").amount, 15);
}

Test(duration, refuses_malformed)
{
	parse_bad("", "empty");
	parse_bad("30", "no unit");
	parse_bad("m", "a whole number must come first");
	parse_bad("-5m", "a whole number must come first");
	parse_bad(" 5m", "a whole number must come first");
	parse_bad("5 m", "unknown unit");
	parse_bad("1.5h", "unknown unit");
	parse_bad("3d", "unknown unit");
	parse_bad("3wdx", "unknown unit");
	parse_bad("30M", "unknown unit");
}

Test(duration, refuses_bad_combinations)
{
	parse_bad("2wh30m", "cannot be combined");
	parse_bad("1h2wd", "cannot be combined");
	parse_bad("1m1h", "largest to smallest");
	parse_bad("1h1h", "largest to smallest");
}

Test(duration, refuses_overflow)
{
	parse_bad("99999999999999999999h", "too large");
	parse_bad("9223372036854775807h", "too large");
}

Test(values, sizes)
{
	uint64_t n;
	char err[200];

	cr_assert_eq(hl_parse_size("65536", &n, err, sizeof(err)), 0);
	cr_expect_eq(n, 65536);
	cr_assert_eq(hl_parse_size("64KiB", &n, err, sizeof(err)), 0);
	cr_expect_eq(n, 65536);
	cr_assert_eq(hl_parse_size("1MiB", &n, err, sizeof(err)), 0);
	cr_expect_eq(n, 1048576);
	cr_expect_eq(hl_parse_size("64KB", &n, err, sizeof(err)), -1);
	cr_expect(strstr(err, "expected a size such as 65536, 64KiB"));
	cr_expect_eq(hl_parse_size("", &n, err, sizeof(err)), -1);
	cr_expect_eq(hl_parse_size("99999999999GiB", &n, err, sizeof(err)), -1);
}

Test(values, addresses)
{
	struct hl_address a;
	char err[200];

	cr_assert_eq(hl_parse_address("127.0.0.1:12345", &a, err, sizeof(err)), 0);
	cr_expect_str_eq(a.host, "127.0.0.1");
	cr_expect_eq(a.port, 12345);
	cr_assert_eq(hl_parse_address("[::1]:80", &a, err, sizeof(err)), 0);
	cr_expect_str_eq(a.host, "::1");
	cr_expect_eq(hl_parse_address("localhost:80", &a, err, sizeof(err)), -1);
	cr_expect(strstr(err, "expected an IP address and port"));
	cr_expect_eq(hl_parse_address("127.0.0.1", &a, err, sizeof(err)), -1);
	cr_expect_eq(hl_parse_address("127.0.0.1:65536", &a, err, sizeof(err)), -1);
	cr_expect_eq(hl_parse_address("127.0.0.1:-1", &a, err, sizeof(err)), -1);
}

Test(values, integers_and_booleans)
{
	int64_t i;
	int b;
	char err[200];

	cr_assert_eq(hl_parse_int("-42", &i, err, sizeof(err)), 0);
	cr_expect_eq(i, -42);
	cr_expect_eq(hl_parse_int("42x", &i, err, sizeof(err)), -1);
	cr_expect_eq(hl_parse_int("99999999999999999999", &i, err, sizeof(err)), -1);
	cr_expect(strstr(err, "out of range"));
	cr_assert_eq(hl_parse_bool("true", &b, err, sizeof(err)), 0);
	cr_expect_eq(b, 1);
	cr_expect_eq(hl_parse_bool("yes", &b, err, sizeof(err)), -1);
	cr_expect(strstr(err, "expected true or false"));
}
