/* Integration tests for hotlinectl (contrib/hotlinectl/): the built client against a real
 * hotlined and Redis. A ticket's life (submit, show, sign, answer, callback, list), server
 * errors shown as the server said them with a non-zero exit, where the URL and token come
 * from (option, environment, file), tail following new audit entries, route, deadline
 * and report, and help. The test router route_async dispatches every ticket to "water". */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define CTL HL_BUILD_DIR "/hotlinectl"

static struct hlt_fixture fx = {
	.setup = HLT_SETUP_DAEMON,
	.daemon.extra_yaml = HLT_FAST_ROUTING,
	.plugins = HLT_PLUGIN("route_async"),
};
static char url[64];
static int serial; /* numbers the runs' output files: dir/ctl-N.out, .err, .in */

static void setup(void)
{
	hlt_fixture_setup(&fx);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", fx.daemon.port);
}

static void teardown(void)
{
	hlt_fixture_teardown(&fx);
}

TestSuite(hotlinectl, .init = setup, .fini = teardown, .timeout = HLT_SUITE_TIMEOUT);

/* What one run of hotlinectl did. */
struct run {
	int status;
	char *out, *err;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Runs hotlinectl with args (NULL-terminated), HOTLINE_URL set to url (or unset when NULL)
 * and HOTLINE_TOKEN to token (or unset), HOME in the test directory (so no user's
 * configuration file is read) and extra_env (NULL-terminated, may be NULL) on top.
 * stdin is `input` when not NULL. Collects stdout and stderr apart. */
static struct run ctl_env(const char *run_url, const char *token, const char *const *extra_env,
			  const char *input, const char *const *args)
{
	char out[400], err[400], in[400], url_env[128], token_env[128], home_env[300],
		err_env[420], in_env[420];
	const char *argv[40] = {"/bin/sh", "-c",
				"if [ -n \"$CTL_IN\" ]; then exec \"$@\" 2>\"$CTL_ERR\" <\"$CTL_IN\"; "
				"else exec \"$@\" 2>\"$CTL_ERR\" </dev/null; fi",
				"sh", CTL};
	const char *env[24];
	size_t n = 5, e = 0;
	struct run r;

	serial++;
	snprintf(out, sizeof(out), "%s/ctl-%d.out", fx.dir, serial);
	snprintf(err, sizeof(err), "%s/ctl-%d.err", fx.dir, serial);
	snprintf(in, sizeof(in), "%s/ctl-%d.in", fx.dir, serial);
	for (size_t i = 0; args[i] && n < 39; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	snprintf(url_env, sizeof(url_env), "HOTLINE_URL=%s", run_url ? run_url : "");
	snprintf(token_env, sizeof(token_env), "HOTLINE_TOKEN=%s", token ? token : "");
	snprintf(home_env, sizeof(home_env), "HOME=%s", fx.dir);
	snprintf(err_env, sizeof(err_env), "CTL_ERR=%s", err);
	env[e++] = run_url ? url_env : "HOTLINE_URL";
	env[e++] = token ? token_env : "HOTLINE_TOKEN";
	env[e++] = home_env;
	env[e++] = "HOTLINE_CONFIG";
	env[e++] = "XDG_CONFIG_HOME";
	env[e++] = "COLUMNS";
	env[e++] = err_env;
	if (input) {
		char path[420];

		hlt_write_file(fx.dir, strrchr(in, '/') + 1, input, path, sizeof(path));
		snprintf(in_env, sizeof(in_env), "CTL_IN=%s", in);
		env[e++] = in_env;
	} else {
		env[e++] = "CTL_IN";
	}
	for (size_t i = 0; extra_env && extra_env[i] && e < 23; i++)
		env[e++] = extra_env[i];
	env[e] = NULL;
	r.status = hlt_run(argv, env, NULL, out, 30000);
	r.out = hlt_read_file(out);
	r.err = hlt_read_file(err);
	if (!r.out)
		r.out = strdup("");
	if (!r.err)
		r.err = strdup("");
	return r;
}

#define CTL_AS(token, ...) ctl_env(url, token, NULL, NULL, (const char *const[]){__VA_ARGS__, NULL})

/* The value in a "name   value" line of hotlinectl's field tables. */
static const char *table_value(const char *text, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	buf[0] = '\0';
	for (const char *line = text; *line;) {
		if (strncmp(line, name, n) == 0 && line[n] == ' ') {
			const char *v = line + n + strspn(line + n, " ");

			snprintf(buf, len, "%.*s", (int)strcspn(v, "\n"), v);
			break;
		}
		line += strcspn(line, "\n");
		line += *line == '\n';
	}
	return buf;
}

/* Display columns of UTF-8 text, for the scripts this test meets (CJK and fullwidth
 * characters are two); independent of the client's own code on purpose. */
static size_t columns_of(const char *s, size_t len)
{
	size_t cols = 0;

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c;
		size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

		if (n == 3 && i + 2 < len)
			cp = ((c & 0x0Fu) << 12) | (((unsigned char)s[i + 1] & 0x3Fu) << 6) |
			     ((unsigned char)s[i + 2] & 0x3Fu);
		cols += (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFF60) ? 2 : 1;
		i += n;
	}
	return cols;
}

static const char *const life_args[] = {
	"submit", "--title", "古田二路停水三天",
	"--content", "来电人反映家中停水，已经三天没有自来水。",
	"--address", "硚口区古田二路", "--phone", "139-0715-0003", NULL};

/* Submits the life_args ticket as the agent; its id in id once it is dispatched. */
static void submit_dispatched(char *id, size_t len)
{
	struct run r = ctl_env(url, HLT_TOKEN_AGENT, NULL, NULL, life_args);

	cr_assert_eq(r.status, 0, "submit: %s%s", r.out, r.err);
	table_value(r.out, "id", id, len);
	run_free(&r);
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"), "%s not routed: %s", id,
		  hlt_read_file(fx.daemon.log));
}

Test(hotlinectl, takes_a_ticket_through_its_life)
{
	char id[32], state[32], buf[128];
	struct run r = ctl_env(url, HLT_TOKEN_AGENT, NULL, NULL, life_args);

	cr_assert_eq(r.status, 0, "submit: %s%s", r.out, r.err);
	cr_expect_str_eq(r.err, "");
	table_value(r.out, "id", id, sizeof(id));
	cr_assert_eq(strlen(id), 15, "no id in:\n%s", r.out);
	cr_expect_str_eq(table_value(r.out, "state", state, sizeof(state)), "received", "%s", r.out);
	cr_expect(strstr(r.out, "promised_answer_by"), "%s", r.out);
	run_free(&r);
	cr_assert(hlt_wait_state(&fx.redis, id, "dispatched"), "not routed: %s",
		  hlt_read_file(fx.daemon.log));

	/* show: the fields, then the timeline as a table */
	r = CTL_AS(HLT_TOKEN_AGENT, "show", id);
	cr_assert_eq(r.status, 0, "show: %s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "title", buf, sizeof(buf)), "古田二路停水三天", "%s",
			 r.out);
	cr_expect_str_eq(table_value(r.out, "department", buf, sizeof(buf)), "water", "%s", r.out);
	cr_expect_str_eq(table_value(r.out, "caller_phone", buf, sizeof(buf)), "13907150003");
	cr_expect(strstr(r.out, "Timeline (2 entries):\nAT "), "%s", r.out);
	cr_expect(strstr(r.out, "  create  ") && strstr(r.out, "received -> dispatched"), "%s",
		  r.out);
	run_free(&r);

	/* the unit signs, answers; the agent calls back */
	r = CTL_AS(HLT_TOKEN_WATER, "sign", id, "--note", "已安排抢修");
	cr_assert_eq(r.status, 0, "sign: %s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "state", state, sizeof(state)), "accepted", "%s", r.out);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_WATER, "answer", id, "--answer", "已更换管道，恢复供水");
	cr_assert_eq(r.status, 0, "answer: %s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "state", state, sizeof(state)), "resolved", "%s", r.out);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "callback", id, "--satisfaction", "satisfied", "--solved",
		   "solved", "--note", "满意");
	cr_assert_eq(r.status, 0, "callback: %s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "state", state, sizeof(state)), "closed", "%s", r.out);
	run_free(&r);

	/* list --json: the server's own JSON */
	r = CTL_AS(HLT_TOKEN_AGENT, "list", "--json", "--phone", "13907150003");
	cr_assert_eq(r.status, 0, "list: %s%s", r.out, r.err);
	struct json_object *o = json_tokener_parse(r.out), *tickets, *t, *v;
	cr_assert_not_null(o, "not JSON: %s", r.out);
	cr_assert(json_object_object_get_ex(o, "tickets", &tickets));
	cr_assert_eq(json_object_array_length(tickets), 1, "%s", r.out);
	t = json_object_array_get_idx(tickets, 0);
	cr_expect(json_object_object_get_ex(t, "id", &v) &&
		  strcmp(json_object_get_string(v), id) == 0);
	cr_expect(json_object_object_get_ex(t, "state", &v) &&
		  strcmp(json_object_get_string(v), "closed") == 0, "%s", r.out);
	cr_expect(json_object_object_get_ex(o, "next_cursor", NULL));
	json_object_put(o);
	run_free(&r);

	/* the timeline now tells the whole story, with who did what */
	r = CTL_AS(HLT_TOKEN_SUPERVISOR, "show", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "Timeline (5 entries):"), "%s", r.out);
	cr_expect(strstr(r.out, "dispatched -> accepted  water-test (dept:water)  已安排抢修"), "%s",
		  r.out);
	cr_expect(strstr(r.out, "resolved -> closed") && strstr(r.out, "satisfied, solved: 满意"),
		  "%s", r.out);
	cr_expect_str_eq(table_value(r.out, "caller_phone", buf, sizeof(buf)), "139****0003",
			 "a supervisor sees it masked");
	run_free(&r);

	/* list as a table */
	r = CTL_AS(HLT_TOKEN_AGENT, "list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "ID ", 3) == 0 && strstr(r.out, id) &&
		  strstr(r.out, "古田二路停水三天"), "%s", r.out);
	run_free(&r);
}

Test(hotlinectl, shows_server_errors_as_the_server_said_them)
{
	const char *bad_phone[] = {"submit", "--title", "t", "--content", "c", "--address", "a",
				   "--phone", "123", NULL};
	const char *bad_phone_json[] = {"--json", "submit", "--title", "t", "--content", "c",
					"--address", "a", "--phone", "123", NULL};
	struct run r = ctl_env(url, HLT_TOKEN_AGENT, NULL, NULL, bad_phone);

	cr_expect_eq(r.status, 1, "exit %d", r.status);
	cr_expect_str_eq(r.out, "");
	cr_expect(strstr(r.err, "hotlinectl: submit: 400 Bad Request: caller_phone: ") &&
		  strstr(r.err, "(field: caller_phone)"), "%s", r.err);
	run_free(&r);

	/* --json: the error body as it came on stdout too, for scripts */
	r = ctl_env(url, HLT_TOKEN_AGENT, NULL, NULL, bad_phone_json);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "\"field\":\"caller_phone\""), "%s", r.out);
	cr_expect(strstr(r.err, "(field: caller_phone)"), "%s", r.err);
	run_free(&r);

	/* a step in the wrong state names the state; another unit is told nothing */
	char id[32];
	submit_dispatched(id, sizeof(id));
	r = CTL_AS(HLT_TOKEN_WATER, "answer", id, "--answer", "x");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "409 Conflict") && strstr(r.err, "(field: state)"), "%s", r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_GAS, "sign", id);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "404"), "%s", r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_WATER, "return", id);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "reason: required for return (field: reason)"), "%s", r.err);
	run_free(&r);
	r = CTL_AS("not-a-token", "list");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "401 Unauthorized") && strstr(r.err, "(field: Authorization)"),
		  "%s", r.err);
	run_free(&r);

	/* no server: exit 3; a bad command line: exit 2 */
	r = ctl_env("http://127.0.0.1:1", HLT_TOKEN_AGENT, NULL, NULL,
		    (const char *const[]){"list", NULL});
	cr_expect_eq(r.status, 3);
	cr_expect(strstr(r.err, "cannot connect to http://127.0.0.1:1"), "%s", r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "list", "--colour");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "unknown option '--colour'"), "%s", r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "frobnicate");
	cr_expect_eq(r.status, 2);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "show");
	cr_expect_eq(r.status, 2);
	run_free(&r);
}

Test(hotlinectl, takes_url_and_token_from_option_environment_or_file)
{
	char conf[400], text[300], env_conf[420];
	const char *env[] = {env_conf, NULL};
	const char *list[] = {"list", NULL};
	struct run r;

	snprintf(text, sizeof(text), "# hotlinectl\nurl = %s\ntoken = \"%s\"\n", url,
		 HLT_TOKEN_AGENT);
	hlt_write_file(fx.dir, "ctl.conf", text, conf, sizeof(conf));
	chmod(conf, 0600);
	snprintf(env_conf, sizeof(env_conf), "HOTLINE_CONFIG=%s", conf);

	/* the file alone */
	r = ctl_env(NULL, NULL, env, NULL, (const char *const[]){"config", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, url) && strstr(r.out, "ctl.conf:2") && strstr(r.out, "ctl.conf:3"),
		  "%s", r.out);
	run_free(&r);
	r = ctl_env(NULL, NULL, env, NULL, list);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);

	/* the environment beats the file, an option beats the environment */
	r = ctl_env("http://127.0.0.1:1", NULL, env, NULL, list);
	cr_expect_eq(r.status, 3, "HOTLINE_URL wins over the file");
	run_free(&r);
	r = ctl_env("http://127.0.0.1:1", NULL, env, NULL,
		    (const char *const[]){"--url", url, "list", NULL});
	cr_expect_eq(r.status, 0, "--url wins over HOTLINE_URL: %s", r.err);
	run_free(&r);
	r = ctl_env(NULL, "wrong-token", env, NULL, list);
	cr_expect_eq(r.status, 1, "HOTLINE_TOKEN wins over the file");
	run_free(&r);
	r = ctl_env(NULL, "wrong-token", env, NULL,
		    (const char *const[]){"list", "--token", HLT_TOKEN_SUPERVISOR, NULL});
	cr_expect_eq(r.status, 0, "--token wins over HOTLINE_TOKEN: %s", r.err);
	run_free(&r);

	/* a token others may read is warned about; a broken file is an error naming the line */
	chmod(conf, 0644);
	r = ctl_env(NULL, NULL, env, NULL, list);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.err, "others may read it"), "%s", r.err);
	run_free(&r);
	hlt_write_file(fx.dir, "ctl.conf", "url = http://127.0.0.1:1\ncolour = red\n", conf,
		       sizeof(conf));
	r = ctl_env(NULL, NULL, env, NULL, list);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "ctl.conf:2: unknown key 'colour'"), "%s", r.err);
	run_free(&r);
	unlink(conf);
	r = ctl_env(NULL, NULL, env, NULL, list);
	cr_expect_eq(r.status, 2, "HOTLINE_CONFIG names a file that must exist");
	run_free(&r);
}

Test(hotlinectl, submits_from_a_json_file_or_standard_input)
{
	const char *body = "{\"title\":\"光谷广场路灯不亮\",\"content\":\"晚上一片漆黑\","
			   "\"address\":\"洪山区光谷广场\",\"caller_phone\":\"13907150005\"}";
	char id1[32], id2[32];
	struct run r = ctl_env(url, HLT_TOKEN_AGENT, NULL, body,
			       (const char *const[]){"submit", "--file", "-", "--urgency", "urgent",
						     "--idempotency-key", "k-1", NULL});

	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	table_value(r.out, "id", id1, sizeof(id1));
	run_free(&r);
	/* the same key again: the same ticket, said so */
	r = ctl_env(url, HLT_TOKEN_AGENT, NULL, body,
		    (const char *const[]){"submit", "--file", "-", "--urgency", "urgent",
					  "--idempotency-key", "k-1", NULL});
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "id", id2, sizeof(id2)), id1);
	cr_expect(strstr(r.out, "Idempotency-Key made before"), "%s", r.out);
	run_free(&r);
	char *urgency = hlt_redis_cmd(&fx.redis, "HGET hl:t:%s urgency", id1);
	cr_expect(urgency && strcmp(urgency, "urgent\n") == 0, "the option overrides: %s", urgency);
	free(urgency);
	r = ctl_env(url, HLT_TOKEN_AGENT, NULL, "{\"title\":",
		    (const char *const[]){"submit", "--file", "-", NULL});
	cr_expect_eq(r.status, 2);
	run_free(&r);
}

/* The portal's token submits a board ticket with the citizen's address, as the portal
 * passes it. */
Test(hotlinectl, submits_a_board_ticket_with_the_citizens_address)
{
	const char *args[] = {"submit", "--channel", "board", "--title", "光谷广场路灯不亮",
			      "--content", "晚上一片漆黑", "--address", "洪山区光谷广场",
			      "--citizen-address", "203.0.113.7", NULL};
	struct run r = ctl_env(url, HLT_TOKEN_BOARD, NULL, NULL, args);
	char id[32];

	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "channel", id, sizeof(id)), "board", "%s", r.out);
	run_free(&r);
}

struct tail_run {
	const char *const *args;
	struct run r;
};

static void *run_tail(void *arg)
{
	struct tail_run *t = arg;

	t->r = ctl_env(url, HLT_TOKEN_SUPERVISOR, NULL, NULL, t->args);
	return NULL;
}

Test(hotlinectl, tail_follows_new_audit_entries)
{
	const char *args[] = {"tail", "--count", "3", "--for", "20s", NULL};
	struct tail_run t = {args, {0}};
	pthread_t thread;
	char id[32] = "", out[400], *answer = NULL;
	struct run r;

	/* an old ticket: not printed, it happened before tail started (times are to the
	 * second: tail starts in a later one) */
	submit_dispatched(id, sizeof(id));
	usleep(1100000);
	/* the next run's stdout; its header shows once the first poll set where it starts */
	snprintf(out, sizeof(out), "%s/ctl-%d.out", fx.dir, serial + 1);
	cr_assert_eq(pthread_create(&thread, NULL, run_tail, &t), 0);
	if (!hlt_wait_for_text(out, "AT ", 10000)) {
		pthread_join(thread, NULL);
		cr_assert_fail("tail did not start (exit %d):\n%s", t.r.status, t.r.err);
	}
	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT,
			  "{\"channel\":\"hotline\",\"title\":\"汉正街夜市噪音扰民\","
			  "\"content\":\"每晚十二点后仍有高音喇叭\",\"address\":\"硚口区汉正街\","
			  "\"caller_phone\":\"13907150009\"}",
			  id, sizeof(id));
	/* the note comes once tail has shown the dispatch: a note does not move updated_at,
	 * so tail finds it on its next sweep of the window */
	if (!hlt_wait_for_text(out, "  dispatch ", 10000)) {
		pthread_join(thread, NULL);
		cr_assert_fail("tail did not show the dispatch (exit %d):\n%s%s", t.r.status, t.r.out,
			       t.r.err);
	}
	cr_assert_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_SUPERVISOR, id, "notes",
				     "{\"note\":\"请加快处理\"}", &answer),
		     200, "%s", answer);
	free(answer);
	pthread_join(thread, NULL);
	cr_expect_eq(t.r.status, 0, "%s", t.r.err);
	cr_expect(strncmp(t.r.out, "AT ", 3) == 0, "%s", t.r.out);
	/* create, dispatch, then the note */
	char *create = strstr(t.r.out, "  create "), *dispatch = strstr(t.r.out, "  dispatch "),
	     *note = strstr(t.r.out, "请加快处理");
	cr_expect(create && dispatch && note && create < dispatch && dispatch < note, "%s", t.r.out);
	cr_expect(strstr(t.r.out, id), "%s", t.r.out);
	cr_expect(!strstr(t.r.out, "古田二路"), "nothing from before the start:\n%s", t.r.out);
	run_free(&t.r);

	/* --since: history too; --json: one entry per line, with its ticket */
	r = CTL_AS(HLT_TOKEN_SUPERVISOR, "tail", "--json", "--since", "2000-01-01", "--count", "2");
	cr_expect_eq(r.status, 0, "%s", r.err);
	size_t lines = 0;
	for (char *line = r.out; *line;) {
		size_t len = strcspn(line, "\n");
		char *one = strndup(line, len);
		struct json_object *o = json_tokener_parse(one), *v;

		cr_expect(o && json_object_object_get_ex(o, "ticket", &v) &&
			  json_object_object_get_ex(o, "action", &v), "%s", one);
		json_object_put(o);
		free(one);
		lines++;
		line += len + (line[len] == '\n');
	}
	cr_expect_eq(lines, 2, "%s", r.out);
	run_free(&r);

	/* --for bounds it when nothing happens */
	r = CTL_AS(HLT_TOKEN_SUPERVISOR, "tail", "--for", "1500ms");
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
}

Test(hotlinectl, explains_routing_counts_deadlines_and_reports)
{
	struct run r = CTL_AS(HLT_TOKEN_AGENT, "route", "--explain", "家里停水三天了", "--address",
			      "硚口区古田二路");
	char buf[128], month[8];

	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "department", buf, sizeof(buf)), "water", "%s", r.out);
	cr_expect(strstr(r.out, "PLUGIN") && strstr(r.out, "route_async"), "%s", r.out);
	run_free(&r);

	r = CTL_AS(HLT_TOKEN_AGENT, "deadline", "--from", "2026-09-30T16:00:00+08:00", "--within",
		   "3wd");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(table_value(r.out, "deadline", buf, sizeof(buf)),
			 "2026-10-11T00:00:00+08:00");
	cr_expect_str_eq(table_value(r.out, "last_day", buf, sizeof(buf)), "2026-10-10");
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "deadline", "--within", "3 weeks");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "(field: within)"), "%s", r.err);
	run_free(&r);

	/* a report over the month the ticket came in: Chinese unit names, columns aligned */
	char id[32];
	submit_dispatched(id, sizeof(id));
	snprintf(month, sizeof(month), "%.4s-%.2s", id, id + 4);
	r = CTL_AS(HLT_TOKEN_AGENT, "report", "--month", month);
	cr_expect_eq(r.status, 1, "agents may not read reports");
	cr_expect(strstr(r.err, "403 Forbidden"), "%s", r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_SUPERVISOR, "report", "--month", month);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "water") && strstr(r.out, "及时签收"), "%s", r.out);
	/* every line of the table (all but the note under it) ends in the same column */
	size_t width = 0, nlines = 0;
	for (const char *line = r.out; *line && strncmp(line, "Rates", 5) != 0;) {
		size_t len = strcspn(line, "\n"), w = columns_of(line, len);

		if (width == 0)
			width = w;
		cr_expect_eq(w, width, "line %zu is %zu columns, not %zu:\n%s", nlines, w, width,
			     r.out);
		nlines++;
		line += len + (line[len] == '\n');
	}
	cr_expect_geq(nlines, 3, "%s", r.out);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_SUPERVISOR, "report", "--month", month, "--csv");
	cr_expect_eq(r.status, 0);
	cr_expect(strncmp(r.out, "unit,name,received", 18) == 0, "%s", r.out);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_SUPERVISOR, "report", "--month", "2026-13");
	cr_expect_eq(r.status, 2);
	run_free(&r);
}

/* 1 when text has a line that starts with `start` and ends with `end`. */
static int line_ends(const char *text, const char *start, const char *end)
{
	size_t ns = strlen(start), ne = strlen(end);

	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");

		if (len >= ns + ne && strncmp(line, start, ns) == 0 &&
		    strncmp(line + len - ne, end, ne) == 0)
			return 1;
		line += len + (line[len] == '\n');
	}
	return 0;
}

/* 政策通 (issue 17): a direct answer citing an entry and a search then dispatched, both
 * submitted with hotlinectl, then report kb. The entry is written into Redis as the
 * knowledge base lays it out. */
Test(hotlinectl, cites_a_kb_entry_and_reports_kb)
{
	char id[32], buf[128], *out;
	struct run r;

	out = hlt_redis_cmd(&fx.redis, "HSET hl:kb:gs-battery-bin title %s unit cgw reviewed_at %s",
			    "废旧电池投放哪类垃圾桶", "2020-01-01");
	free(out);
	free(hlt_redis_cmd(&fx.redis, "SET hl:kbv:gs-battery-bin:1 {}"));
	free(hlt_redis_cmd(&fx.redis, "ZADD hl:kb:ids 1 gs-battery-bin"));

	r = CTL_AS(HLT_TOKEN_AGENT, "submit", "--title", "旧电池怎么扔", "--content", "咨询旧电池",
		   "--type", "咨询", "--phone", "13907150003", "--direct-answer", "投放有害垃圾桶",
		   "--kb-entry", "gs-battery-bin@1", "--kb-query", "旧电池");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "state", buf, sizeof(buf)), "resolved", "%s", r.out);
	table_value(r.out, "id", id, sizeof(id));
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "show", id);
	cr_expect(strstr(r.out, "gs-battery-bin@1") && strstr(r.out, "依据 政策通 gs-battery-bin v1"),
		  "%s", r.out);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "submit", "--title", "旧电池怎么扔", "--content", "咨询旧电池",
		   "--type", "咨询", "--phone", "13907150003", "--direct-answer", "已答复",
		   "--kb-entry", "gs-battery-bin@2");
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "(field: kb_entry)"), "%s", r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "submit", "--title", "电池回收", "--content", "哪里回收电池",
		   "--type", "咨询", "--phone", "13907150003", "--kb-query", "电池回收点");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);

	r = CTL_AS(HLT_TOKEN_SUPERVISOR, "report", "kb");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(line_ends(r.out, "direct answers (直接答复)", " 1"), "%s", r.out);
	cr_expect(line_ends(r.out, "direct-answer rate (直接答复率)", " 50.0%"), "%s", r.out);
	cr_expect(line_ends(r.out, "gaps (检索后派单)", " 1"), "%s", r.out);
	cr_expect(strstr(r.out, "gs-battery-bin") && strstr(r.out, "电池回收点") &&
			  strstr(r.out, "not_reviewed"),
		  "%s", r.out);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_SUPERVISOR, "report", "kb", "--csv");
	cr_expect_eq(r.status, 2, "%s", r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "report", "kb");
	cr_expect_eq(r.status, 1, "agents may not read reports");
	run_free(&r);
}

Test(hotlinectl, manages_peoples_accounts_with_an_admin_token)
{
	struct run r;
	char value[128];
	int port = fx.daemon.port;

	r = CTL_AS(HLT_TOKEN_ADMIN, "user", "add", "wangfang", "--name", "王芳", "--role",
		   "dept:water", "--password", "a long password");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(table_value(r.out, "role", value, sizeof(value)), "dept:water");
	cr_expect_str_eq(table_value(r.out, "must_change_password", value, sizeof(value)), "true");
	run_free(&r);
	/* the password from standard input, kept (no change at the first login) */
	r = ctl_env(url, HLT_TOKEN_ADMIN, NULL, "another long password\n",
		    (const char *const[]){"user", "add", "lina", "--name", "李娜", "--role",
					  "supervisor", "--permanent", NULL});
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	cr_assert_eq(hlt_status(port, "POST", "/v1/session", NULL,
				"{\"login\":\"lina\",\"password\":\"another long password\"}"),
		     200);
	r = CTL_AS(HLT_TOKEN_ADMIN, "user", "add", "lina", "--name", "X", "--role", "agent",
		   "--password", "a long password");
	cr_expect_eq(r.status, 1, "a second lina: %s", r.out);
	cr_expect(strstr(r.err, "409") && strstr(r.err, "login"), "%s", r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_AGENT, "user", "list");
	cr_expect_eq(r.status, 1, "an agent lists accounts");
	run_free(&r);

	r = CTL_AS(HLT_TOKEN_ADMIN, "user", "disable", "lina");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	cr_assert_eq(hlt_status(port, "POST", "/v1/session", NULL,
				"{\"login\":\"lina\",\"password\":\"another long password\"}"),
		     401);
	r = CTL_AS(HLT_TOKEN_ADMIN, "user", "list");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "LOGIN") && strstr(r.out, "ROLE"), "%s", r.out);
	cr_expect(strstr(r.out, "lina") && strstr(r.out, "李娜") && strstr(r.out, "disabled"),
		  "%s", r.out);
	cr_expect(strstr(r.out, "wangfang") && strstr(r.out, "王芳") &&
			  strstr(r.out, "must change"),
		  "%s", r.out);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_ADMIN, "user", "enable", "lina");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = CTL_AS(HLT_TOKEN_ADMIN, "user", "passwd", "lina", "--password", "short");
	cr_expect_eq(r.status, 1, "a short password");
	cr_expect(strstr(r.err, "password"), "%s", r.err);
	run_free(&r);
}

Test(hotlinectl, has_help_for_itself_and_every_command)
{
	struct run r = CTL_AS(NULL, "--help");

	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "submit") && strstr(r.out, "tail") && strstr(r.out, "HOTLINE_URL"),
		  "%s", r.out);
	run_free(&r);
	const char *commands[] = {"submit", "show", "list", "sign", "return", "approve-return",
				  "reject-return", "dispatch", "co-handle", "extend",
				  "approve-extension", "reject-extension", "answer", "callback",
				  "notes", "route", "deadline", "report", "tail", "config", "user"};
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char usage[64];

		r = CTL_AS(NULL, commands[i], "--help");
		snprintf(usage, sizeof(usage), "Usage: hotlinectl %s ", commands[i]);
		cr_expect_eq(r.status, 0, "%s --help", commands[i]);
		cr_expect(strncmp(r.out, usage, strlen(usage)) == 0, "%s", r.out);
		run_free(&r);
	}
	r = CTL_AS(NULL, "callback", "--help");
	cr_expect(strstr(r.out, "--satisfaction") && strstr(r.out, "--solved"), "%s", r.out);
	run_free(&r);
	r = ctl_env(url, NULL, NULL, NULL, (const char *const[]){NULL});
	cr_expect_eq(r.status, 2, "no command");
	run_free(&r);
}

/* hotlinectl ready (issue 18): exit 0 and "ready" while GET /readyz is 200; with Redis
 * gone, exit 1 naming what is missing, and --wait waits for its return. */
Test(hotlinectl, ready_says_whether_hotlined_can_take_tickets)
{
	struct run r = CTL_AS(NULL, "ready");
	int64_t started;

	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_str_eq(r.out, "ready\n");
	run_free(&r);
	hlt_redis_stop(&fx.redis, 1);
	r = CTL_AS(NULL, "ready", "--wait", "3");
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "hotlinectl: ready: not ready: 503") && strstr(r.err, "redis"),
		  "%s", r.err);
	run_free(&r);
	hlt_redis_start(&fx.redis, fx.dir);
	started = hlt_now_ms();
	r = CTL_AS(NULL, "ready", "--wait", "20");
	cr_expect_eq(r.status, 0, "exit %d after %lld ms: %s", r.status,
		     (long long)(hlt_now_ms() - started), r.err);
	run_free(&r);
	r = ctl_env("http://127.0.0.1:1", NULL, NULL, NULL, (const char *const[]){"ready", NULL});
	cr_expect_eq(r.status, 3, "exit %d: %s", r.status, r.err);
	run_free(&r);
}
