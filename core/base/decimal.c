/* Integers in decimal without printf (see decimal.h). */
#include "base/decimal.h"

size_t hl_decimal_len(uint64_t n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

size_t hl_decimal_write(char *out, long long v)
{
	/* the magnitude as unsigned: -LLONG_MIN does not fit a long long */
	uint64_t n = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t sign = v < 0, d = hl_decimal_len(n);

	if (sign)
		out[0] = '-';
	out[sign + d] = '\0';
	for (size_t i = sign + d; i > sign; i--) {
		out[i - 1] = (char)('0' + n % 10);
		n /= 10;
	}
	return sign + d;
}
