/* Unit tests for the JSON writer without a DOM (core/base/json_writer.c) behind the 201
 * of POST /v1/tickets: the same bytes as json-c with hl_http_reply_json's flags for
 * Chinese text, quotes, backslashes, slashes and every control byte; a buffer too small
 * is refused, never overrun. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <string.h>

#include "base/json_writer.h"

static void expect_as_json_c(const char *const *kv, size_t n)
{
	struct json_object *o = json_object_new_object();
	struct hl_json_writer w;
	char buf[4096];
	const char *want, *got;
	size_t len = 0;

	hl_json_writer_init(&w, buf, sizeof(buf));
	for (size_t i = 0; i < n; i += 2) {
		json_object_object_add(o, kv[i], json_object_new_string(kv[i + 1]));
		hl_json_writer_string(&w, kv[i], kv[i + 1]);
	}
	want = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	got = hl_json_writer_finish(&w, &len);
	cr_assert_not_null(got);
	cr_expect_str_eq(got, want);
	cr_expect_eq(len, strlen(want));
	json_object_put(o);
}

Test(json_writer, a_201_as_json_c_writes_it)
{
	const char *const kv[] = {"id", "20261206-000042", "state", "received", "channel",
				  "hotline", "created_at", "2026-12-06T15:20:00+08:00",
				  "promised_answer_by", "2026-12-11T18:00:00+08:00"};

	expect_as_json_c(kv, 10);
	expect_as_json_c(kv, 0);
}

Test(json_writer, escapes_as_json_c_does)
{
	static char controls[32], high[128];
	const char *const kv[] = {
		"title", "江汉路“路灯”不亮/已三天\\请处理",
		"quote\"key", "a\"b\\c/d",
		"named", "\b\f\n\r\t",
		"controls", controls,
		"high", high,
		"", "",
	};

	for (int c = 1; c < 32; c++)
		controls[c - 1] = (char)c;
	for (int c = 0x20; c < 0x80; c++)
		high[c - 0x20] = (char)c; /* 0x7f included */
	high[96] = (char)0xe4; /* a lone lead byte passes as it is, as in json-c */
	expect_as_json_c(kv, 12);
}

Test(json_writer, a_buffer_too_small_is_refused_not_overrun)
{
	char buf[24];
	struct hl_json_writer w;
	size_t len = 0;

	memset(buf, '?', sizeof(buf));
	hl_json_writer_init(&w, buf, 16);
	hl_json_writer_string(&w, "id", "0123456789");
	cr_expect_null(hl_json_writer_finish(&w, &len));
	for (size_t i = 16; i < sizeof(buf); i++)
		cr_expect_eq(buf[i], '?', "wrote past the buffer at %zu", i);
	/* exactly enough: {"id":"0123"} and the NUL */
	hl_json_writer_init(&w, buf, 14);
	hl_json_writer_string(&w, "id", "0123");
	cr_expect_str_eq(hl_json_writer_finish(&w, &len), "{\"id\":\"0123\"}");
	cr_expect_eq(len, 13);
}
