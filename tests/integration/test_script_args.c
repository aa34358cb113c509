/* Named script arguments (store/scripts.h, lib.lua's named_args) against a real Redis:
 * route_load and route_commit refuse an argument missing, unknown or without a value
 * before they write anything, so that one cannot shift into another's place unnoticed;
 * and hl_script_args_named lays them out as named_args reads them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "store/scripts.h"

static struct hlt_fixture fx;
HLT_SUITE(script_args, fx);

/* EVAL of a script with the leading arguments lib.lua reads, then the words of `rest`
 * (no % in it). Returns the reply as text; the caller frees. */
static char *eval(enum hl_script_id script, const char *rest)
{
	char fmt[512];
	char *text;

	snprintf(fmt, sizeof(fmt), "EVAL %%s 0 hl: 1700000000000 dispatcher system %s", rest);
	text = hlt_redis_cmd(&fx.redis, fmt, hl_scripts[script].source);

	cr_assert(text, "no answer from Redis");
	return text;
}

static void expect_refused(enum hl_script_id script, const char *rest, const char *why)
{
	char *text = eval(script, rest);

	cr_expect(strstr(text, why), "%s %s: %s", hl_scripts[script].name, rest, text);
	free(text);
}

Test(script_args, route_load_refuses_what_does_not_line_up)
{
	char *text;

	expect_refused(HL_SCRIPT_ROUTE_LOAD, "5 id 1 seq 1 entry 1-1 group route since 0",
		       "missing argument most");
	expect_refused(HL_SCRIPT_ROUTE_LOAD,
		       "6 id 1 seq 1 entry 1-1 group route since 0 limit 10",
		       "unknown argument limit");
	expect_refused(HL_SCRIPT_ROUTE_LOAD, "6 id 1 seq 1 entry 1-1 group route since 0 most",
		       "has no value");
	expect_refused(HL_SCRIPT_ROUTE_LOAD, "id 1", "not the number of pairs");
	/* in any order, by name: a ticket that is not there is a stale entry ({}) */
	text = eval(HL_SCRIPT_ROUTE_LOAD, "6 most 10 since 0 group route entry 1-1 seq 1 id 1");
	cr_expect_str_eq(text, "", "%s", text);
	free(text);
}

Test(script_args, route_commit_refuses_what_does_not_line_up)
{
	char *keys;

	/* one left out: positional arguments would each have shifted by one */
	expect_refused(HL_SCRIPT_ROUTE_COMMIT,
		       "13 mode dispatch id 1 seq 1 entry 1-1 group route unit water item x "
		       "reason r by keyword policy default notify 0 merge_into m type t 0",
		       "missing argument return_until");
	expect_refused(HL_SCRIPT_ROUTE_COMMIT,
		       "13 mode dispatch id 1 seq 1 entry 1-1 group route unit water item x "
		       "reason r by keyword policy default notify 0 type t return_until 0 0",
		       "missing argument merge_into");
	keys = hlt_redis_cmd(&fx.redis, "DBSIZE");
	cr_expect_str_eq(keys, "0\n", "a refused commit wrote %s keys", keys);
	free(keys);
}

Test(script_args, laid_out_as_named_args_reads_them)
{
	const struct hl_script_arg args[] = {{"id", "7"}, {"seq", "2"}};
	const char *argv[HL_SCRIPT_ARGS_NAMED(2)];
	char count[16];

	cr_assert_eq(hl_script_args_named(argv, 5, count, args, 2), 5);
	cr_expect_str_eq(argv[0], "2");
	cr_expect_str_eq(argv[1], "id");
	cr_expect_str_eq(argv[2], "7");
	cr_expect_str_eq(argv[3], "seq");
	cr_expect_str_eq(argv[4], "2");
	cr_expect_eq(hl_script_args_named(argv, 4, count, args, 2), -1, "no room");
}
