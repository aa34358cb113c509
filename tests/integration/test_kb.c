/* Integration tests for the knowledge base (政策通, issue 17) over HTTP with a real Redis:
 * entries created and edited into versions that stay readable, each role's rights (a unit
 * writes its own entries only, an agent reads), bad bodies and queries that are 400s and
 * write nothing, search with its snippet and expired entries, and two daemons sharing a
 * Redis: an edit on one is found by a search on the other. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx = {.setup = HLT_SETUP_DAEMON};
HLT_SUITE(kb, fx);

static struct json_object *call_on(int port, const char *method, const char *path,
				   const char *token, const char *body, int want)
{
	struct hlt_response r;
	struct json_object *o;
	int status = hlt_request(port, method, path, token, NULL, body, &r);

	cr_assert_eq(status, want, "%s %s: %d, not %d: %s", method, path, status, want, r.body);
	o = r.body ? json_tokener_parse(r.body) : NULL;
	hlt_response_free(&r);
	return o;
}

static struct json_object *call(const char *method, const char *path, const char *token,
				const char *body, int want)
{
	return call_on(fx.daemon.port, method, path, token, body, want);
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static int64_t num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* An entry's body: id, title, unit, answer; until (JSON) its effective_until. */
static const char *entry_body(char *buf, size_t len, const char *id, const char *title,
			      const char *unit, const char *answer, const char *until)
{
	snprintf(buf, len,
		 "{\"id\":\"%s\",\"title\":\"%s\",\"questions\":[\"自来水怎么过户\",\"水表户名怎么改\"],"
		 "\"answer\":\"%s\",\"unit\":\"%s\",\"tags\":[\"水费\",\"过户\"],"
		 "\"source\":\"《武汉市城市供水用水条例》\",\"effective_from\":\"2020-01-01\","
		 "\"effective_until\":%s,\"reviewed_at\":\"2026-10-01\"}",
		 id, title, answer, unit, until ? until : "null");
	return buf;
}

/* The knowledge base's keys and the event stream's length, as one text: a bad request
 * must leave both as they were (the daemon's own keys may change meanwhile). */
static char *store_state(void)
{
	char *keys = hlt_redis_cmd(&fx.redis, "KEYS hl:kb*");
	char *events = hlt_redis_cmd(&fx.redis, "XLEN hl:events");
	size_t len = strlen(keys ? keys : "") + 64;
	char *both = malloc(len);

	snprintf(both, len, "keys=%s events=%s", keys ? keys : "?", events ? events : "?");
	free(keys);
	free(events);
	return both;
}

/* Searches q (already URL-encoded) on port as an agent; returns the answer. */
static struct json_object *search_on(int port, const char *q)
{
	char path[512];

	snprintf(path, sizeof(path), "/v1/kb/search?q=%s", q);
	return call_on(port, "GET", path, HLT_TOKEN_AGENT, NULL, 200);
}

/* The id of result i of a search answer, or "". */
static const char *result_id(struct json_object *o, size_t i)
{
	struct json_object *results = member(o, "results");

	if (!results || json_object_array_length(results) <= i)
		return "";
	return str(json_object_array_get_idx(results, i), "id");
}

/* Waits up to 10 s (a sanitized build on a busy machine) for the daemon on port to have
 * loaded its index (503 until then). */
static void wait_index(int port)
{
	for (int i = 0; i < 500; i++) {
		if (hlt_status(port, "GET", "/v1/kb/search?q=x", HLT_TOKEN_AGENT, NULL) == 200)
			return;
		usleep(20000);
	}
	cr_assert_fail("the knowledge base did not load");
}

Test(kb, create_edit_versions_and_rights)
{
	char body[2048];
	struct json_object *o, *v;

	/* a unit creates its own entry: version 1, audited */
	o = call("POST", "/v1/kb/entries", HLT_TOKEN_WATER,
		 entry_body(body, sizeof(body), "water-transfer", "水表过户办理", "water",
			    "带房产证到营业厅办理过户", NULL),
		 201);
	cr_assert_eq(num(o, "version"), 1);
	cr_assert_str_eq(str(o, "updated_by"), "water-test");
	cr_assert_str_eq(str(o, "unit"), "water");
	cr_assert_not_null(str(o, "unit_name"));
	cr_assert_eq(json_object_array_length(member(o, "questions")), 2);
	cr_assert(json_object_is_type(member(o, "effective_until"), json_type_null));
	json_object_put(o);
	/* the same id again is a 409 */
	json_object_put(call("POST", "/v1/kb/entries", HLT_TOKEN_SUPERVISOR, body, 409));
	/* another unit may neither create for water nor edit water's entry */
	json_object_put(call("POST", "/v1/kb/entries", HLT_TOKEN_GAS,
			     entry_body(body, sizeof(body), "gas-water", "燃气", "water", "答复",
					NULL),
			     403));
	json_object_put(call("PUT", "/v1/kb/entries/water-transfer", HLT_TOKEN_GAS,
			     entry_body(body, sizeof(body), "water-transfer", "水表过户办理", "gas",
					"改成燃气的", NULL),
			     403));
	/* an agent reads but does not write */
	json_object_put(call("PUT", "/v1/kb/entries/water-transfer", HLT_TOKEN_AGENT,
			     entry_body(body, sizeof(body), "water-transfer", "水表过户办理",
					"water", "新答复", NULL),
			     403));
	o = call("GET", "/v1/kb/entries/water-transfer", HLT_TOKEN_AGENT, NULL, 200);
	cr_assert_str_eq(str(o, "answer"), "带房产证到营业厅办理过户");
	json_object_put(o);
	/* the unit edits: version 2; the supervisor edits: version 3, naming the version */
	o = call("PUT", "/v1/kb/entries/water-transfer", HLT_TOKEN_WATER,
		 entry_body(body, sizeof(body), "water-transfer", "水表过户办理", "water",
			    "带不动产权证书和身份证到营业厅办理过户，不收费", NULL),
		 200);
	cr_assert_eq(num(o, "version"), 2);
	json_object_put(o);
	snprintf(body, sizeof(body),
		 "{\"version\":2,\"title\":\"二手房水表过户\",\"answer\":\"营业厅或公众号办理\","
		 "\"unit\":\"water\"}");
	o = call("PUT", "/v1/kb/entries/water-transfer", HLT_TOKEN_SUPERVISOR, body, 200);
	cr_assert_eq(num(o, "version"), 3);
	cr_assert_str_eq(str(o, "updated_by"), "supervisor-test");
	json_object_put(o);
	/* editing version 2 again is stale: 409 naming version */
	o = call("PUT", "/v1/kb/entries/water-transfer", HLT_TOKEN_SUPERVISOR, body, 409);
	cr_assert_str_eq(str(o, "field"), "version");
	json_object_put(o);
	/* the same body without version changes nothing: still 3 */
	snprintf(body, sizeof(body),
		 "{\"title\":\"二手房水表过户\",\"answer\":\"营业厅或公众号办理\",\"unit\":\"water\"}");
	o = call("PUT", "/v1/kb/entries/water-transfer", HLT_TOKEN_SUPERVISOR, body, 200);
	cr_assert_eq(num(o, "version"), 3);
	json_object_put(o);
	/* every version stays readable, newest first */
	o = call("GET", "/v1/kb/entries/water-transfer/versions", HLT_TOKEN_AGENT, NULL, 200);
	v = member(o, "versions");
	cr_assert_eq(json_object_array_length(v), 3);
	cr_assert_eq(num(json_object_array_get_idx(v, 0), "version"), 3);
	cr_assert_str_eq(str(json_object_array_get_idx(v, 2), "answer"), "带房产证到营业厅办理过户");
	cr_assert_str_eq(str(json_object_array_get_idx(v, 2), "updated_by"), "water-test");
	json_object_put(o);
	o = call("GET", "/v1/kb/entries/water-transfer/versions/2", HLT_TOKEN_BOARD, NULL, 200);
	cr_assert_eq(num(o, "version"), 2);
	cr_assert_str_eq(str(o, "answer"), "带不动产权证书和身份证到营业厅办理过户，不收费");
	json_object_put(o);
	json_object_put(call("GET", "/v1/kb/entries/water-transfer/versions/4", HLT_TOKEN_AGENT,
			     NULL, 404));
	json_object_put(call("GET", "/v1/kb/entries/nothing-here", HLT_TOKEN_AGENT, NULL, 404));
	json_object_put(call("PUT", "/v1/kb/entries/nothing-here", HLT_TOKEN_SUPERVISOR,
			     entry_body(body, sizeof(body), "nothing-here", "无", "water", "无",
					NULL),
			     404));
	/* the list */
	o = call("GET", "/v1/kb/entries", HLT_TOKEN_AGENT, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "entries")), 1);
	cr_assert_str_eq(str(json_object_array_get_idx(member(o, "entries"), 0), "title"),
			 "二手房水表过户");
	cr_assert_null(member(json_object_array_get_idx(member(o, "entries"), 0), "questions"),
		       "a summary has no lists");
	cr_assert_not_null(str(json_object_array_get_idx(member(o, "entries"), 0), "updated_at"));
	json_object_put(o);
	/* the event stream has one kb_changed per version */
	{
		char *events = hlt_events(&fx.redis, "event", "kb_changed", NULL);
		int n = 0;

		for (const char *p = events; (p = strstr(p, "kb_changed")); p++)
			n++;
		cr_assert_eq(n, 3, "%s", events);
		free(events);
	}
	/* no token: 401 */
	cr_assert_eq(hlt_status(fx.daemon.port, "GET", "/v1/kb/entries", NULL, NULL), 401);
}

Test(kb, bad_input_is_400_naming_the_field_and_writes_nothing)
{
	static const struct {
		const char *body, *field;
	} bad[] = {
	    {"{\"id\":\"a\",\"answer\":\"答\",\"unit\":\"water\"}", "title"},
	    {"{\"id\":\"a\",\"title\":\"  \",\"answer\":\"答\",\"unit\":\"water\"}", "title"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"unit\":\"water\"}", "answer"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"answer\":\"答\"}", "unit"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"nowhere\"}", "unit"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\","
	     "\"effective_from\":\"2026-01-01\",\"effective_until\":\"2025-12-31\"}",
	     "effective_until"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\","
	     "\"effective_from\":\"2026-02-30\"}",
	     "effective_from"},
	    {"{\"id\":\"A B\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\"}", "id"},
	    {"{\"id\":\"ids\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\"}", "id"},
	    {"{\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\"}", "id"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\","
	     "\"questions\":\"不是列表\"}",
	     "questions"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\","
	     "\"tags\":[1]}",
	     "tags"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\",\"colour\":1}",
	     "colour"},
	    {"{\"id\":\"a\",\"title\":\"题\",\"answer\":\"答\",\"unit\":\"water\",\"version\":1}",
	     "version"},
	};
	char *before = store_state(), *after;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_object *o =
		    call("POST", "/v1/kb/entries", HLT_TOKEN_SUPERVISOR, bad[i].body, 400);

		cr_assert_str_eq(str(o, "field"), bad[i].field, "%s: %s", bad[i].body,
				 json_object_to_json_string(o));
		json_object_put(o);
	}
	json_object_put(call("POST", "/v1/kb/entries", HLT_TOKEN_SUPERVISOR, "{\"id\":", 400));
	after = store_state();
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	/* queries */
	wait_index(fx.daemon.port);
	{
		static const char *const queries[] = {"/v1/kb/search", "/v1/kb/search?q=",
						      "/v1/kb/search?q=%20%20",
						      "/v1/kb/search?q=a&limit=0",
						      "/v1/kb/search?q=a&include_expired=yes"};
		static const char *const fields[] = {"q", "q", "q", "limit", "include_expired"};

		for (size_t i = 0; i < 5; i++) {
			struct json_object *o = call("GET", queries[i], HLT_TOKEN_AGENT, NULL, 400);

			cr_assert_str_eq(str(o, "field"), fields[i], "%s", queries[i]);
			json_object_put(o);
		}
	}
	/* a query of 10,000 characters is cut, not a crash (10,000 Chinese characters do
	 * not fit the request line's limit: the unit test cuts those) */
	{
		size_t n = 5000, len = strlen("/v1/kb/search?q=");
		char *path = malloc(len + 2 * n + 1);
		struct json_object *o;

		memcpy(path, "/v1/kb/search?q=", len);
		for (size_t i = 0; i < n; i++)
			memcpy(path + len + 2 * i, "a+", 2);
		path[len + 2 * n] = '\0';
		o = call("GET", path, HLT_TOKEN_AGENT, NULL, 200);
		cr_assert_eq(strlen(str(o, "q")), 200);
		json_object_put(o);
		free(path);
	}
}

Test(kb, search_ranks_marks_and_leaves_out_the_expired)
{
	char body[2048];
	struct json_object *o, *snippet;
	int marked = 0;

	json_object_put(call("POST", "/v1/kb/entries", HLT_TOKEN_SUPERVISOR,
			     entry_body(body, sizeof(body), "water-transfer", "二手房水表过户",
					"water", "持不动产权证书到水务集团营业厅办理过户", NULL),
			     201));
	json_object_put(call("POST", "/v1/kb/entries", HLT_TOKEN_SUPERVISOR,
			     "{\"id\":\"gas-open\",\"title\":\"燃气开户\",\"questions\":[\"新房怎么开通天然气\"],"
			     "\"answer\":\"带房产证到燃气营业厅申请开户，预约上门通气\",\"unit\":\"gas\"}",
			     201));
	json_object_put(call("POST", "/v1/kb/entries", HLT_TOKEN_SUPERVISOR,
			     entry_body(body, sizeof(body), "water-old", "旧版水表过户规定", "water",
					"已废止的过户办法", "\"2020-12-31\""),
			     201));
	wait_index(fx.daemon.port);
	/* traditional characters fold: 過戶 finds 过户 */
	o = search_on(fx.daemon.port, "%E6%B0%B4%E8%A1%A8%E9%81%8E%E6%88%B6"); /* 水表過戶 */
	cr_assert_str_eq(result_id(o, 0), "water-transfer", "%s", json_object_to_json_string(o));
	cr_assert_eq(json_object_array_length(member(o, "results")), 1,
		     "the expired entry is left out: %s", json_object_to_json_string(o));
	snippet = member(json_object_array_get_idx(member(o, "results"), 0), "snippet");
	cr_assert(json_object_is_type(snippet, json_type_array));
	for (size_t i = 0; i < json_object_array_length(snippet); i++) {
		struct json_object *seg = json_object_array_get_idx(snippet, i);

		if (member(seg, "hit")) {
			marked = 1;
			cr_assert(strstr("过户水表", str(seg, "text")) || strstr(str(seg, "text"), "过户"),
				  "%s", str(seg, "text"));
		}
	}
	cr_assert(marked, "%s", json_object_to_json_string(snippet));
	cr_assert_not_null(str(json_object_array_get_idx(member(o, "results"), 0), "unit_name"));
	json_object_put(o);
	o = call("GET", "/v1/kb/search?q=%E6%B0%B4%E8%A1%A8%E8%BF%87%E6%88%B7&include_expired=true",
		 HLT_TOKEN_AGENT, NULL, 200);
	cr_assert_eq(json_object_array_length(member(o, "results")), 2);
	cr_assert(json_object_get_boolean(
	    member(json_object_array_get_idx(member(o, "results"), 1), "expired")));
	json_object_put(o);
	o = search_on(fx.daemon.port, "%E5%A4%A9%E7%84%B6%E6%B0%94"); /* 天然气 */
	cr_assert_str_eq(result_id(o, 0), "gas-open");
	json_object_put(o);
}

Test(kb, an_edit_on_one_daemon_is_found_on_the_other)
{
	struct hlt_daemon second = {0};
	char body[2048];
	struct json_object *o;
	int found = 0;

	json_object_put(call("POST", "/v1/kb/entries", HLT_TOKEN_SUPERVISOR,
			     entry_body(body, sizeof(body), "water-transfer", "二手房水表过户",
					"water", "到营业厅办理过户", NULL),
			     201));
	hlt_fixture_start(&fx, &second, "second", NULL);
	/* the second daemon loaded what was there at its start */
	wait_index(second.port);
	o = search_on(second.port, "%E8%BF%87%E6%88%B7"); /* 过户 */
	cr_assert_str_eq(result_id(o, 0), "water-transfer");
	json_object_put(o);
	/* an edit and a new entry on the first reach the second through the event stream */
	json_object_put(call("PUT", "/v1/kb/entries/water-transfer", HLT_TOKEN_WATER,
			     entry_body(body, sizeof(body), "water-transfer", "二手房水表过户",
					"water", "可在水务集团微信公众号上申请更名", NULL),
			     200));
	json_object_put(call("POST", "/v1/kb/entries", HLT_TOKEN_SUPERVISOR,
			     "{\"id\":\"gas-open\",\"title\":\"燃气开户\",\"answer\":\"带房产证到燃气营业厅\","
			     "\"unit\":\"gas\"}",
			     201));
	for (int i = 0; i < 500 && found < 2; i++) { /* 10 s at most */
		found = 0;
		o = search_on(second.port, "%E5%85%AC%E4%BC%97%E5%8F%B7%E6%9B%B4%E5%90%8D"); /* 公众号更名 */
		found += !strcmp(result_id(o, 0), "water-transfer") &&
			 num(json_object_array_get_idx(member(o, "results"), 0), "version") == 2;
		json_object_put(o);
		o = search_on(second.port, "%E7%87%83%E6%B0%94%E5%BC%80%E6%88%B7"); /* 燃气开户 */
		found += !strcmp(result_id(o, 0), "gas-open");
		json_object_put(o);
		if (found < 2)
			usleep(20000);
	}
	cr_assert_eq(found, 2, "the second daemon's index did not follow the edit");
	hlt_daemon_stop(&second, SIGTERM, 5000);
}

/* Runs hotlinectl as token with args (NULL-terminated) against the fixture's daemon;
 * returns its exit status and its output (stdout and stderr) in *out_r (caller frees). */
static int ctl(const char *token, const char *const *args, char **out_r)
{
	char url[64], out[400], home[300];
	const char *argv[16] = {HL_BUILD_DIR "/hotlinectl", "--url", url, "--token", token};
	const char *env[] = {home, "HOTLINE_CONFIG", "HOTLINE_URL", "HOTLINE_TOKEN", NULL};
	static int serial;
	size_t n = 5;
	int status;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", fx.daemon.port);
	snprintf(out, sizeof(out), "%s/ctl-%d.out", fx.dir, ++serial);
	snprintf(home, sizeof(home), "HOME=%s", fx.dir);
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	status = hlt_run(argv, env, NULL, out, 30000);
	*out_r = hlt_read_file(out);
	if (!*out_r)
		*out_r = strdup("");
	return status;
}

#define FIXTURE HL_SOURCE_DIR "/tests/data/kb-fixture/entries.yaml"

Test(kb, hotlinectl_imports_exports_searches_and_shows)
{
	char *out, dir[400], file[450];
	struct json_object *o;

	/* import: created; again: unchanged; an agent cannot */
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, (const char *const[]){"kb", "import", FIXTURE, NULL},
			 &out), 0, "%s", out);
	cr_assert(strstr(out, "created 11, new versions 0, unchanged 0"), "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, (const char *const[]){"kb", "import", FIXTURE, NULL},
			 &out), 0, "%s", out);
	cr_assert(strstr(out, "created 0, new versions 0, unchanged 11"), "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_AGENT, (const char *const[]){"kb", "import", FIXTURE, NULL}, &out),
		     1, "%s", out);
	free(out);
	/* a bad file names its place */
	{
		char path[400];

		hlt_write_file(fx.dir, "bad.yaml", "entries:\n  - id: x\n    colour: red\n", path,
			       sizeof(path));
		cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, (const char *const[]){"kb", "import", path, NULL},
				 &out), 2, "%s", out);
		cr_assert(strstr(out, "bad.yaml:3:5"), "%s", out);
		free(out);
	}
	/* show, and a version */
	cr_assert_eq(ctl(HLT_TOKEN_AGENT, (const char *const[]){"kb", "show", "garbage-battery", NULL},
			 &out), 0, "%s", out);
	cr_assert(strstr(out, "有害垃圾"), "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_AGENT,
			 (const char *const[]){"kb", "show", "garbage-battery", "--version", "2", NULL},
			 &out), 1, "%s", out);
	free(out);
	/* search: the matched terms marked */
	wait_index(fx.daemon.port);
	cr_assert_eq(ctl(HLT_TOKEN_AGENT, (const char *const[]){"kb", "search", "旧电池扔哪里", NULL},
			 &out), 0, "%s", out);
	cr_assert(strncmp(out, "1. 废旧电池", strlen("1. 废旧电池")) == 0, "%s", out);
	cr_assert(strstr(out, "【电池】"), "%s", out);
	free(out);
	/* export into a folder, one file per unit, which imports back unchanged */
	snprintf(dir, sizeof(dir), "%s/export", fx.dir);
	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_eq(ctl(HLT_TOKEN_AGENT, (const char *const[]){"kb", "export", dir, NULL}, &out), 0,
		     "%s", out);
	free(out);
	snprintf(file, sizeof(file), "%s/rsj.yaml", dir);
	out = hlt_read_file(file);
	cr_assert(out && strstr(out, "sb-card-lost") && strstr(out, "sb-retire-move"), "%s", out);
	free(out);
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR, (const char *const[]){"kb", "import", dir, NULL}, &out),
		     0, "%s", out);
	cr_assert(strstr(out, "created 0, new versions 0, unchanged 11"), "%s", out);
	free(out);
	/* several paths at once (routes/kb/ *.yaml): files and folders alike */
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR,
			 (const char *const[]){"kb", "import", file, FIXTURE, dir, NULL}, &out),
		     0, "%s", out);
	cr_assert(strstr(out, "created 0, new versions 0, unchanged 24"), "%s", out);
	free(out);
	o = call("GET", "/v1/kb/entries/sb-card-lost", HLT_TOKEN_AGENT, NULL, 200);
	cr_assert_eq(num(o, "version"), 1);
	json_object_put(o);
}

Test(kb, the_shipped_set_imports_whole)
{
	struct stat st;
	char *out;
	struct json_object *o;

	if (stat(HL_SOURCE_DIR "/routes/kb", &st) != 0)
		cr_skip_test("routes/kb/ is not there yet");
	/* as make run does it (contrib/run.sh): the folder, with the supervisor's token */
	cr_assert_eq(ctl(HLT_TOKEN_SUPERVISOR,
			 (const char *const[]){"kb", "import", HL_SOURCE_DIR "/routes/kb", NULL}, &out),
		     0, "%s", out);
	cr_assert(strstr(out, "created ") && strstr(out, ", new versions 0, unchanged 0"), "%s",
		  out);
	cr_assert_geq(atoi(out + strlen("created ")), 60, "%s", out);
	free(out);
	wait_index(fx.daemon.port);
	o = search_on(fx.daemon.port, "%E7%A4%BE%E4%BF%9D%E5%8D%A1%E4%B8%A2%E4%BA%86"); /* 社保卡丢了 */
	cr_assert_str_eq(result_id(o, 0), "sb-card-lost", "%s", json_object_to_json_string(o));
	json_object_put(o);
}
