/* Unit tests for the one hex encoder (core/base/hex.c), behind token hashes and webhook
 * signatures: lowercase, two digits a byte, high nibble first, NUL-terminated, and not a
 * byte written past 2 * len + 1. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/hex.h"

Test(hex, two_lowercase_digits_a_byte)
{
	const unsigned char bytes[] = {0x00, 0x01, 0x0f, 0x10, 0x7f, 0x80, 0xab, 0xfe, 0xff};
	char out[2 * sizeof(bytes) + 2];

	memset(out, '?', sizeof(out));
	hl_hex_encode(bytes, sizeof(bytes), out);
	cr_expect_str_eq(out, "00010f107f80abfeff");
	cr_expect_eq(out[2 * sizeof(bytes) + 1], '?', "wrote past the NUL");
}

Test(hex, nothing_is_the_empty_string)
{
	char out[2] = {'?', '?'};

	hl_hex_encode("", 0, out);
	cr_expect_eq(out[0], '\0');
	cr_expect_eq(out[1], '?', "wrote past the NUL");
}
