/* Unit tests for the decimal writer (core/base/decimal.c) behind the Redis commands and
 * the SLA clocks' arguments: the same text as "%lld" at every width and both ends of the
 * range, a NUL after it and nothing written past it. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/decimal.h"

static void expect_as_printf(long long v)
{
	char want[32], got[HL_DECIMAL_MAX + 1];
	int n = snprintf(want, sizeof(want), "%lld", v);

	memset(got, '?', sizeof(got));
	cr_expect_eq(hl_decimal_write(got, v), (size_t)n, "%s", want);
	cr_expect_str_eq(got, want);
	cr_expect_eq(got[HL_DECIMAL_MAX], '?');
	if (v >= 0)
		cr_expect_eq(hl_decimal_len((unsigned long long)v), (size_t)n, "%s", want);
}

Test(decimal, as_printf_at_every_width)
{
	long long p = 1;

	expect_as_printf(0);
	for (int i = 0; i < 18; i++, p *= 10) {
		expect_as_printf(p - 1);
		expect_as_printf(p);
		expect_as_printf(p + 1);
		expect_as_printf(-p);
		expect_as_printf(-p - 1);
	}
	expect_as_printf(1796659200000LL); /* a deadline in ms */
	expect_as_printf(LLONG_MAX);
	expect_as_printf(LLONG_MIN);
	expect_as_printf(LLONG_MIN + 1);
	cr_expect_eq(hl_decimal_len(UINT64_MAX), 20);
}
