/* Unit tests for the RESP command encoder (core/store/resp.c) that replaced hiredis's
 * redisFormatCommandArgv in store/redis.c: the same bytes as hiredis for every length
 * of header (0, 9, 10, 99, 100, … bytes), binary arguments, and no byte past the length
 * it announces. */
#include <criterion/criterion.h>
#include <hiredis/hiredis.h>
#include <stdlib.h>
#include <string.h>

#include "store/resp.h"

static void expect_as_hiredis(int argc, const char **argv, const size_t *lens)
{
	char *want = NULL;
	long long wlen = redisFormatCommandArgv(&want, argc, argv, lens);
	size_t len = hl_resp_command_len(argc, lens);
	char *got = malloc(len + 1);

	cr_assert(wlen > 0 && got);
	got[len] = '?';
	cr_expect_eq(len, (size_t)wlen, "length %zu, hiredis %lld", len, wlen);
	cr_expect_eq(hl_resp_write_command(got, argc, argv, lens), len);
	cr_expect(memcmp(got, want, len) == 0, "not the bytes hiredis writes");
	cr_expect_eq(got[len], '?', "wrote past the length");
	free(got);
	redisFreeCommand(want);
}

Test(resp, a_command_as_hiredis_writes_it)
{
	const char *argv[] = {"EVALSHA", "0123456789abcdef0123456789abcdef01234567", "1", "k",
			      "标题：路灯不亮", ""};
	size_t lens[6];

	for (int i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	expect_as_hiredis(6, argv, lens);
	expect_as_hiredis(1, argv, lens);
}

Test(resp, every_width_of_length_and_binary_bytes)
{
	static char big[123456];
	const size_t sizes[] = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10000, 123456};
	const char *argv[13];
	size_t lens[13];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7); /* NULs, CR and LF among them */
	for (int i = 0; i < 13; i++) {
		argv[i] = big;
		lens[i] = sizes[i];
	}
	expect_as_hiredis(13, argv, lens);
}

Test(resp, argument_counts_of_every_width)
{
	static const char *argv[1000];
	static size_t lens[1000];

	for (int i = 0; i < 1000; i++) {
		argv[i] = "x";
		lens[i] = 1;
	}
	expect_as_hiredis(9, argv, lens);
	expect_as_hiredis(10, argv, lens);
	expect_as_hiredis(100, argv, lens);
	expect_as_hiredis(1000, argv, lens);
}
