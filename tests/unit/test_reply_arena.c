/* Unit tests for the arena-allocated hiredis replies (core/store/reply_arena.c): the
 * same trees as hiredis's own reader builds, for every kind of reply, nested, large
 * (more than the first block) and fed a byte at a time; a protocol error in the middle
 * of an array frees what was built (the sanitizer run of make check sees a leak). */
#include <criterion/criterion.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/reply_arena.h"

static void expect_same(const redisReply *got, const redisReply *want, const char *path)
{
	cr_assert_not_null(got, "%s: missing", path);
	cr_assert_eq(got->type, want->type, "%s: type", path);
	switch (want->type) {
	case REDIS_REPLY_INTEGER:
		cr_expect_eq(got->integer, want->integer, "%s", path);
		break;
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		cr_assert_eq(got->len, want->len, "%s: len", path);
		cr_expect(memcmp(got->str, want->str, want->len + 1) == 0, "%s: bytes", path);
		break;
	case REDIS_REPLY_ARRAY:
		cr_assert_eq(got->elements, want->elements, "%s: elements", path);
		for (size_t i = 0; i < want->elements; i++) {
			char sub[256];

			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			expect_same(got->element[i], want->element[i], sub);
		}
		break;
	}
}

/* Reads one reply from text with both readers (ours fed `step` bytes at a time) and
 * compares them. */
static void expect_as_hiredis(const char *text, size_t len, size_t step)
{
	redisReader *ours = redisReaderCreate(), *theirs = redisReaderCreate();
	void *got = NULL, *want = NULL;

	cr_assert(ours && theirs);
	ours->fn = &hl_reply_arena_functions;
	ours->maxbuf = 0;
	cr_assert_eq(redisReaderFeed(theirs, text, len), REDIS_OK);
	cr_assert_eq(redisReaderGetReply(theirs, &want), REDIS_OK);
	cr_assert_not_null(want);
	for (size_t at = 0; at < len && !got; at += step) {
		cr_assert_eq(redisReaderFeed(ours, text + at, at + step > len ? len - at : step),
			     REDIS_OK);
		cr_assert_eq(redisReaderGetReply(ours, &got), REDIS_OK);
	}
	expect_same(got, want, "reply");
	hl_reply_arena_functions.freeObject(got);
	freeReplyObject(want);
	redisReaderFree(ours);
	redisReaderFree(theirs);
}

static void expect_text_as_hiredis(const char *text)
{
	expect_as_hiredis(text, strlen(text), strlen(text));
	expect_as_hiredis(text, strlen(text), 1);
}

Test(reply_arena, every_kind_as_hiredis)
{
	expect_text_as_hiredis("+OK\r\n");
	expect_text_as_hiredis("-NOSCRIPT No matching script\r\n");
	expect_text_as_hiredis(":-1234567890123\r\n");
	expect_text_as_hiredis("$-1\r\n");
	expect_text_as_hiredis("$0\r\n\r\n");
	expect_text_as_hiredis("$12\r\n路灯不亮\r\n");
	expect_text_as_hiredis("*0\r\n");
	expect_text_as_hiredis("*-1\r\n");
	expect_text_as_hiredis("*5\r\n$7\r\ncreated\r\n:42\r\n$-1\r\n*2\r\n*0\r\n*1\r\n+x\r\n"
			       "-ERR deep\r\n");
	expect_as_hiredis("$3\r\na\0b\r\n", 9, 1);
}

Test(reply_arena, a_large_reply_over_many_blocks)
{
	size_t cap = 1 << 20, used;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	used = (size_t)snprintf(text, cap, "*3\r\n*400\r\n");
	for (int i = 0; i < 400; i++)
		used += (size_t)snprintf(text + used, cap - used, "$%d\r\n%0*d\r\n", i + 1, i + 1, 0);
	used += (size_t)snprintf(text + used, cap - used, "$9000\r\n");
	memset(text + used, 'x', 9000);
	used += 9000;
	used += (size_t)snprintf(text + used, cap - used, "\r\n:7\r\n");
	expect_as_hiredis(text, used, used);
	expect_as_hiredis(text, used, 7);
	free(text);
}

Test(reply_arena, a_protocol_error_inside_an_array_frees_it)
{
	redisReader *ours = redisReaderCreate();
	void *got = NULL;
	static const char text[] = "*3\r\n$3\r\nabc\r\n*2\r\n:1\r\n?bad\r\n";

	ours->fn = &hl_reply_arena_functions;
	cr_assert_eq(redisReaderFeed(ours, text, sizeof(text) - 1), REDIS_OK);
	cr_expect_eq(redisReaderGetReply(ours, &got), REDIS_ERR);
	cr_expect_null(got);
	redisReaderFree(ours);
}

/* A kept reply outlives the reader's free (as hiredis frees it after its callback) and
 * is freed once by its release: the sanitizer run sees a use after free or a leak. */
Test(reply_arena, a_kept_reply_outlives_the_readers_free)
{
	redisReader *ours = redisReaderCreate();
	void *got = NULL;
	redisReply *r;
	static const char text[] = "*2\r\n$7\r\ncreated\r\n$14\r\n20261206-00001\r\n";

	ours->fn = &hl_reply_arena_functions;
	cr_assert_eq(redisReaderFeed(ours, text, sizeof(text) - 1), REDIS_OK);
	cr_assert_eq(redisReaderGetReply(ours, &got), REDIS_OK);
	r = got;
	hl_reply_arena_keep(r);
	hl_reply_arena_functions.freeObject(r); /* hiredis, after the callback */
	cr_expect_str_eq(r->element[1]->str, "20261206-00001");
	hl_reply_arena_release(r);
	redisReaderFree(ours);
}
