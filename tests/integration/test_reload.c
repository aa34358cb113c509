/* Integration tests for hot reload (issue 6): POST /v1/admin/reload and SIGHUP during a
 * steady stream of intake and dispatch lose and duplicate nothing; a broken file or a
 * failing plugin leaves the old configuration serving and the answer says why; fifty
 * reloads leak nothing (LeakSanitizer in the sanitizer build fails the exit status); a
 * plugin file replaced on disk runs as its new version; plugins' calls, errors and
 * timeouts are counted in /healthz. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx = {.daemon.extra_yaml = HLT_FAST_ROUTING};
HLT_SUITE(reload, fx);

#define ROUTER HLT_PLUGIN("route_async")

static int reload(char **body_r)
{
	struct hlt_response r;
	int status = hlt_request(fx.daemon.port, "POST", "/v1/admin/reload", HLT_TOKEN_ADMIN, NULL,
				 "{}", &r);

	if (body_r)
		*body_r = r.body ? strdup(r.body) : NULL;
	hlt_response_free(&r);
	return status;
}

struct stream {
	int count, created;
	char ids[400][24];
};

static void *post_stream(void *arg)
{
	struct stream *s = arg;

	for (int i = 0; i < s->count; i++) {
		struct hlt_response r;
		if (hlt_request(fx.daemon.port, "POST", "/v1/tickets", HLT_TOKEN_AGENT, NULL,
				"{\"channel\":\"hotline\",\"title\":\"停水\",\"content\":\"家中停水\","
				"\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150020\"}",
				&r) == 201) {
			struct json_object *o = json_tokener_parse(r.body), *v;
			json_object_object_get_ex(o, "id", &v);
			snprintf(s->ids[s->created++], sizeof(s->ids[0]), "%s",
				 json_object_get_string(v));
			json_object_put(o);
		}
		hlt_response_free(&r);
	}
	return NULL;
}

Test(reload, reloads_during_intake_and_dispatch_lose_and_duplicate_nothing)
{
	static struct stream s;
	pthread_t thread;

	hlt_fixture_start(&fx, &fx.daemon, NULL, ROUTER);
	s = (struct stream){.count = 300};
	pthread_create(&thread, NULL, post_stream, &s);
	for (int i = 0; i < 20; i++) {
		if (i % 2)
			kill(fx.daemon.pid, SIGHUP);
		else
			cr_expect_eq(reload(NULL), 200);
		usleep(50000);
	}
	pthread_join(thread, NULL);
	cr_assert_eq(s.created, 300, "only %d of 300 accepted", s.created);
	for (int i = 0; i < s.created; i++) {
		int dispatches;

		cr_expect(hlt_wait_state(&fx.redis, s.ids[i], "dispatched"), "%s not dispatched",
			  s.ids[i]);
		dispatches = hlt_audit_count(&fx.redis, s.ids[i], "action\ndispatch\n");
		cr_expect_eq(dispatches, 1, "%s dispatched %d times", s.ids[i], dispatches);
	}
	char *health = NULL;
	cr_assert_eq(hlt_http(fx.daemon.port, "GET", "/healthz", NULL, &health), 200);
	cr_expect(strstr(health, "\"generation\":21"), "%s", health);
	free(health);
}

Test(reload, a_broken_file_or_a_failing_plugin_keeps_the_old_configuration)
{
	char path[512], *body = NULL, *health = NULL;

	hlt_fixture_start(&fx, &fx.daemon, NULL, ROUTER);
	hlt_write_file(fx.dir, "hotlined.yaml", "redis: [\n", path, sizeof(path));
	cr_expect_eq(reload(&body), 422);
	cr_expect(strstr(body, "hotlined.yaml:2:1") || strstr(body, "hotlined.yaml:1:"), "%s",
		  body);
	free(body);
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis,
			     "  - name: init_fails\n    file: " HL_BUILD_DIR
			     "/tests/plugins/init_fails.so\n    options: {greeting: hi}\n");
	cr_expect_eq(reload(&body), 422);
	cr_expect(strstr(body, "street gazetteer is empty"), "%s", body);
	free(body);
	cr_assert_eq(hlt_http(fx.daemon.port, "GET", "/healthz", NULL, &health), 200);
	cr_expect(strstr(health, "\"generation\":1") && strstr(health, "route_async"), "%s",
		  health);
	free(health);
	cr_expect_eq(hlt_status(fx.daemon.port, "POST", "/v1/admin/reload", HLT_TOKEN_SUPERVISOR,
				"{}"),
		     403);
}

Test(reload, fifty_reloads_leak_nothing)
{
	hlt_fixture_start(&fx, &fx.daemon, NULL,
			  ROUTER "  - name: tv\n  - name: escalation\n");
	for (int i = 0; i < 50; i++)
		cr_assert_eq(reload(NULL), 200, "reload %d", i);
	/* Under AddressSanitizer a leak makes the exit status non-zero. */
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 10000), 0, "%s",
		     hlt_read_file(fx.daemon.log));
}

/* Copies a file with cp, in place when the target exists (as an operator would). */
static void copy_file(const char *from, const char *to)
{
	char command[1024];

	snprintf(command, sizeof(command), "cp '%s' '%s'", from, to);
	cr_assert_eq(system(command), 0, "%s", command);
}

Test(reload, a_plugin_file_replaced_on_disk_runs_as_its_new_version)
{
	char plugins[512], copy[300];

	snprintf(copy, sizeof(copy), "%s/department.so", fx.dir);
	copy_file(HL_BUILD_DIR "/plugins/escalation.so", copy);
	snprintf(plugins, sizeof(plugins), "  - name: department\n    file: %s\n", copy);
	hlt_fixture_start(&fx, &fx.daemon, NULL, plugins);
	cr_expect(!hlt_wait_for_text(fx.daemon.log, "sub=plugin.department event=reloaded", 0));
	/* The new version logs every event it is given; the old one logged none. */
	copy_file(HL_BUILD_DIR "/plugins/log.so", copy);
	cr_assert_eq(reload(NULL), 200);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "sub=plugin.department event=reloaded", 2000),
		  "the stale version still runs:\n%s", hlt_read_file(fx.daemon.log));
}

/* Posts a ticket and waits until /healthz shows `want`. */
static int counted(const char *want)
{
	char *health = NULL, id[32];
	int seen = 0;

	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT,
			  "{\"channel\":\"hotline\",\"title\":\"t\",\"content\":\"c\","
			  "\"address\":\"a\",\"caller_phone\":\"13907150021\"}",
			  id, sizeof(id));
	for (int waited = 0; waited < 3000 && !seen; waited += 50) {
		hlt_http(fx.daemon.port, "GET", "/healthz", NULL, &health);
		seen = health && strstr(health, want);
		free(health);
		health = NULL;
		usleep(50000);
	}
	return seen;
}

Test(reload, plugin_calls_errors_and_timeouts_are_counted)
{
	hlt_fixture_start(&fx, &fx.daemon, NULL,
			  "  - name: slow\n    file: " HL_BUILD_DIR "/tests/plugins/route_slow.so\n");
	cr_expect(counted("\"calls\":1,\"errors\":0,\"timeouts\":1"),
		  "the timeout was not counted");
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis,
			     "  - name: failing\n    file: " HL_BUILD_DIR
			     "/tests/plugins/route_fails.so\n");
	cr_assert_eq(reload(NULL), 200);
	cr_expect(counted("\"calls\":1,\"errors\":1,\"timeouts\":0"),
		  "the error was not counted");
	/* the same plugin again: it counts on from before the reload */
	cr_assert_eq(reload(NULL), 200);
	cr_expect(counted("\"calls\":2,\"errors\":2,\"timeouts\":0"),
		  "the counts went back to 0 at the reload");
}
