/* Integration tests for GET /v1/calendar/deadline and the calendar in /healthz: real
 * redis-server, real hotlined with the shipped 2026 calendar. The worked example of
 * core/README.md §7 with its +08:00 offset, 400s naming `from` or `within`, 401 without
 * a token, a year without a file reported in the answer, the log and /healthz, and a
 * reload picking up a new calendar file. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "harness.h"

static struct hlt_fixture fx = {.setup = HLT_SETUP_CONFIG};
HLT_SUITE(calendar_api, fx);

/* GET /v1/calendar/deadline?query with token; the parsed body in *body_r (caller puts). */
static int deadline(const char *token, const char *query, struct json_object **body_r)
{
	struct hlt_response r;
	char path[512];
	int status;

	snprintf(path, sizeof(path), "/v1/calendar/deadline?%s", query);
	status = hlt_request(fx.daemon.port, "GET", path, token, NULL, NULL, &r);
	*body_r = r.body ? json_tokener_parse(r.body) : NULL;
	cr_assert_not_null(*body_r, "no JSON body for %s: %s", query, r.body);
	hlt_response_free(&r);
	return status;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "(absent)";
	return json_object_get_string(v);
}

static int fallback_of(struct json_object *o)
{
	struct json_object *v;

	cr_assert(json_object_object_get_ex(o, "fallback", &v) &&
		  json_object_is_type(v, json_type_boolean));
	return json_object_get_boolean(v);
}

/* The calendar object of /healthz as compact JSON text, e.g.
 * {"years":[2026],"fallback_years":[]} (caller frees). */
static char *health_calendar(void)
{
	struct json_object *o, *cal;
	char *body = NULL, *out;

	cr_assert_eq(hlt_http(fx.daemon.port, "GET", "/healthz", NULL, &body), 200);
	o = json_tokener_parse(body);
	cr_assert(o && json_object_object_get_ex(o, "calendar", &cal), "%s", body);
	out = strdup(json_object_to_json_string_ext(cal, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	free(body);
	return out;
}

static int current_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	localtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

Test(calendar_api, the_design_example_with_its_offset)
{
	struct json_object *o;

	hlt_daemon_start_ready(&fx.daemon);
	cr_assert_eq(deadline(HLT_TOKEN_AGENT, "from=2026-09-30T16:00:00%2B08:00&within=3wd", &o),
		     200, "%s", json_object_to_json_string(o));
	cr_expect_str_eq(str(o, "from"), "2026-09-30T16:00:00+08:00");
	cr_expect_str_eq(str(o, "within"), "3wd");
	cr_expect_str_eq(str(o, "deadline"), "2026-10-11T00:00:00+08:00");
	cr_expect_str_eq(str(o, "last_day"), "2026-10-10");
	cr_expect_not(fallback_of(o));
	json_object_put(o);

	/* Any role; a time given in UTC is answered in local time. */
	cr_assert_eq(deadline(HLT_TOKEN_WATER, "from=2026-11-27T09:00:00Z&within=2wh", &o), 200);
	cr_expect_str_eq(str(o, "from"), "2026-11-27T17:00:00+08:00");
	cr_expect_str_eq(str(o, "deadline"), "2026-11-30T10:30:00+08:00");
	cr_expect_str_eq(str(o, "last_day"), "2026-11-30");
	json_object_put(o);

	cr_assert_eq(deadline(HLT_TOKEN_BOARD, "within=30m&from=2026-11-26T23:45:00%2B08:00", &o),
		     200);
	cr_expect_str_eq(str(o, "deadline"), "2026-11-27T00:15:00+08:00");
	json_object_put(o);
}

Test(calendar_api, bad_or_missing_parameters_are_named)
{
	static const struct {
		const char *query, *field, *says;
	} bad[] = {
		{"within=3wd", "from", "from: missing"},
		{"from=2026-09-30T16:00:00%2B08:00", "within", "within: missing"},
		{"from=yesterday&within=3wd", "from", "expected an ISO 8601 date or time"},
		{"from=2026-02-30&within=3wd", "from", "is not a real date"},
		{"from=2026-09-30T16:00:00+08:00&within=3wd", "from", "written %2B"},
		{"from=9999-01-01&within=1h", "from", "outside the years"},
		{"from=2026-09-30&within=3days", "within", "expected a duration"},
		{"from=2026-09-30&within=", "within", "expected a duration"},
		{"from=2026-09-30&within=100000wd", "within", "ends more than 3660 days"},
		{"from=2026-09-30&within=3wd&from=2026-10-01", "from", "given twice"},
		{"from=2026-09-30&within=3wd&lang=zh", "lang", "unknown parameter"},
	};
	struct json_object *o;

	hlt_daemon_start_ready(&fx.daemon);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(deadline(HLT_TOKEN_AGENT, bad[i].query, &o), 400, "%s", bad[i].query);
		cr_expect_str_eq(str(o, "field"), bad[i].field, "%s", bad[i].query);
		cr_expect(strstr(str(o, "error"), bad[i].says), "%s: wanted '%s' in %s",
			  bad[i].query, bad[i].says, str(o, "error"));
		json_object_put(o);
	}
}

Test(calendar_api, needs_a_token)
{
	struct json_object *o;

	hlt_daemon_start_ready(&fx.daemon);
	cr_expect_eq(deadline(NULL, "from=2026-09-30&within=3wd", &o), 401);
	cr_expect_str_eq(str(o, "field"), "Authorization");
	json_object_put(o);
	cr_expect_eq(deadline("not-a-token", "from=2026-09-30&within=3wd", &o), 401);
	json_object_put(o);
}

Test(calendar_api, a_year_without_a_file_is_reported)
{
	struct json_object *o;
	char *cal;

	hlt_daemon_start_ready(&fx.daemon);
	cal = health_calendar();
	cr_expect(strstr(cal, "\"years\":[2026]"), "%s", cal);
	free(cal);

	cr_assert_eq(deadline(HLT_TOKEN_AGENT, "from=2027-03-01T10:00:00%2B08:00&within=2wd", &o),
		     200);
	cr_expect_str_eq(str(o, "deadline"), "2027-03-04T00:00:00+08:00");
	cr_expect(fallback_of(o));
	json_object_put(o);
	cr_expect(hlt_wait_for_text(fx.daemon.log,
				    "event=calendar_fallback year=2027 reason=\"no calendar file: "
				    "weekends only\"",
				    2000),
		  "%s", hlt_read_file(fx.daemon.log));
	cal = health_calendar();
	cr_expect(strstr(cal, "2027"), "%s", cal);
	cr_expect(strstr(cal, "\"fallback_years\":["), "%s", cal);
	cr_expect(!strstr(cal, "\"fallback_years\":[]"), "%s", cal);
	free(cal);
}

/* Rewrites the configuration to read the calendar from dir/cal instead of the shipped
 * directory. */
static void use_own_calendar_dir(char *caldir, size_t len)
{
	char *text = hlt_read_file(fx.daemon.config), *at, path[512], fixed[8192];
	const char *shipped = HL_SOURCE_DIR "/etc/calendar";

	snprintf(caldir, len, "%s/cal", fx.dir);
	cr_assert_eq(mkdir(caldir, 0755), 0);
	cr_assert(text && (at = strstr(text, shipped)), "%s", text);
	snprintf(fixed, sizeof(fixed), "%.*s%s%s", (int)(at - text), text, caldir,
		 at + strlen(shipped));
	hlt_write_file(fx.dir, "hotlined.yaml", fixed, path, sizeof(path));
	free(text);
}

Test(calendar_api, a_reload_picks_up_a_new_calendar_file)
{
	char caldir[300], path[512], want[700], *shipped, *cal;
	int year = current_year();

	use_own_calendar_dir(caldir, sizeof(caldir));
	hlt_daemon_start_ready(&fx.daemon);
	/* No file at all: the current year falls back at once, in the log and /healthz. */
	snprintf(want, sizeof(want), "event=calendar_fallback year=%d reason=", year);
	cr_expect(hlt_wait_for_text(fx.daemon.log, want, 2000), "%s", hlt_read_file(fx.daemon.log));
	cal = health_calendar();
	snprintf(want, sizeof(want), "\"fallback_years\":[%d]", year);
	cr_expect(strstr(cal, "\"years\":[]"), "%s", cal);
	cr_expect(strstr(cal, want), "%s", cal);
	free(cal);

	shipped = hlt_read_file(HL_SOURCE_DIR "/etc/calendar/cn-2026.yaml");
	cr_assert_not_null(shipped);
	hlt_write_file(caldir, "cn-2026.yaml", shipped, path, sizeof(path));
	free(shipped);
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=reloaded generation=2", 3000), "%s",
		  hlt_read_file(fx.daemon.log));
	cal = health_calendar();
	cr_expect(strstr(cal, "\"years\":[2026]"), "%s", cal);
	if (year == 2026)
		cr_expect(strstr(cal, "\"fallback_years\":[]"), "%s", cal);
	free(cal);

	/* A broken file keeps the running calendar, and says where. */
	hlt_write_file(caldir, "cn-2027.yaml", "year: 2027\nholidays: []\nworkdays:\n"
					       "  - {date: 2027-01-04, for: 元旦}\n",
		       path, sizeof(path));
	kill(fx.daemon.pid, SIGHUP);
	snprintf(want, sizeof(want), "%s:4:12: key 'date': 2027-01-04 is a Monday", path);
	cr_expect(hlt_wait_for_text(fx.daemon.log, want, 3000), "%s", hlt_read_file(fx.daemon.log));
	cal = health_calendar();
	cr_expect(strstr(cal, "\"years\":[2026]"), "%s", cal);
	free(cal);
}
