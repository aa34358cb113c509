/* Integration tests: a real redis-server on a private unix socket and a real hotlined,
 * talked to over HTTP and signals. Every wait is bounded. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hotline/plugin.h>

#include "harness.h"

static struct hlt_fixture fx = {.setup = HLT_SETUP_CONFIG};
HLT_SUITE(daemon, fx);

/* Waits until exactly one daemon is registered in hl:daemons. */
static int registered_within(int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		char *count = hlt_redis_cmd(&fx.redis, "HLEN hl:daemons");
		int registered = count && strcmp(count, "1\n") == 0;
		free(count);
		if (registered)
			return 1;
		usleep(20000);
	}
	return 0;
}

static char *healthz(void)
{
	char *body = NULL;

	cr_assert_eq(hlt_http(fx.daemon.port, "GET", "/healthz", NULL, &body), 200);
	return body;
}

Test(daemon, healthz_reports_redis_and_plugins)
{
	char *body;

	hlt_daemon_start_ready(&fx.daemon);
	body = healthz();
	cr_expect(strstr(body, "\"status\":\"ok\""), "%s", body);
	cr_expect(strstr(body, "\"commands\":{\"state\":\"ready\""), "%s", body);
	cr_expect(strstr(body, "\"blocking\":{\"state\":\"ready\""), "%s", body);
	cr_expect(strstr(body, "\"plugins\":[{\"name\":\"log\""), "%s", body);
	char abi[32];
	snprintf(abi, sizeof(abi), "\"abi\":\"%d.%d\"", HL_ABI_MAJOR, HL_ABI_MINOR);
	cr_expect(strstr(body, abi), "%s", body);
	cr_expect(strstr(body, "\"generation\":1"), "%s", body);
	cr_expect(strstr(body, "\"departments\":37"), "%s", body);
	free(body);
	/* The daemon registered itself with the Lua script loaded at connect. */
	char *reg = hlt_redis_cmd(&fx.redis, "HKEYS hl:daemons");
	cr_assert_not_null(reg);
	cr_expect(strstr(reg, ":"), "no daemon registered: %s", reg);
	free(reg);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "sub=plugin.log event=started", 1000),
		  "the log plugin was not told of the start");
}

Test(daemon, errors_are_json)
{
	char *body = NULL;

	hlt_daemon_start_ready(&fx.daemon);
	cr_expect_eq(hlt_http(fx.daemon.port, "GET", "/nothing-here", NULL, &body), 404);
	cr_expect(strstr(body, "{\"error\":\"no such endpoint: /nothing-here\"}"), "%s", body);
	free(body);
	cr_expect_eq(hlt_http(fx.daemon.port, "DELETE", "/healthz", NULL, &body), 405);
	cr_expect(strstr(body, "method not allowed on /healthz; allowed: GET"), "%s", body);
	free(body);
}

Test(daemon, sigterm_stops_cleanly)
{
	char *ops;

	hlt_daemon_start_ready(&fx.daemon);
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0, "exit status\n%s",
		     hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "sub=plugin.log event=stopping", 0));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "sub=daemon event=stopped", 0));
	/* It took itself out of the registry before closing Redis. */
	ops = hlt_redis_cmd(&fx.redis, "HLEN hl:daemons");
	cr_expect_str_eq(ops, "0\n");
	free(ops);
	ops = hlt_redis_cmd(&fx.redis, "XRANGE hl:ops - +");
	cr_expect(strstr(ops, "event\nstopped\n"), "%s", ops);
	free(ops);
}

Test(daemon, sigint_stops_cleanly)
{
	hlt_daemon_start_ready(&fx.daemon);
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGINT, 5000), 0);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "sub=daemon event=stopped", 0));
}

Test(daemon, sighup_switches_to_a_good_configuration)
{
	char *body;

	hlt_daemon_start_ready(&fx.daemon);
	/* Same daemon, new plugin options: the log plugin now logs only reloads, at warn. */
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis,
			     "  - name: log\n    options: {level: warn, events: [reloaded]}\n");
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=reloaded generation=2", 3000), "%s",
		  hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "level=warn sub=plugin.log event=reloaded", 0),
		  "the new plugin instance did not run with the new options");
	body = healthz();
	cr_expect(strstr(body, "\"generation\":2"), "%s", body);
	cr_expect(strstr(body, "\"reloads_failed\":0"), "%s", body);
	free(body);
	/* The registry shows the generation the daemon runs now. */
	body = hlt_redis_cmd(&fx.redis, "HVALS hl:daemons");
	cr_expect(strstr(body, "\"generation\":2"), "%s", body);
	free(body);
	cr_expect(!hlt_wait_for_text(fx.daemon.log, "restart_needed", 0), "nothing needs a restart");
}

Test(daemon, sighup_says_which_changes_need_a_restart)
{
	char *text, *fixed, path[512];

	hlt_daemon_start_ready(&fx.daemon);
	text = hlt_read_file(fx.daemon.config);
	cr_assert_not_null(text);
	cr_assert(asprintf(&fixed, "http:\n  timeout: 5s\n%s", strstr(text, "http:\n") + 6) > 0);
	hlt_write_file(fx.dir, "hotlined.yaml", fixed, path, sizeof(path));
	free(fixed);
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=reloaded generation=2", 3000), "%s",
		  hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=restart_needed key=http.timeout", 0), "%s",
		  hlt_read_file(fx.daemon.log));
	cr_expect(!hlt_wait_for_text(fx.daemon.log, "restart_needed key=http.listen", 0));
	/* back to what it runs with: nothing to restart for (compared with the start, not
	 * with the file loaded last) */
	hlt_write_file(fx.dir, "hotlined.yaml", text, path, sizeof(path));
	free(text);
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=reloaded generation=3", 3000), "%s",
		  hlt_read_file(fx.daemon.log));
	text = hlt_read_file(fx.daemon.log);
	char *first = text ? strstr(text, "restart_needed") : NULL;
	cr_expect(first && !strstr(first + 1, "restart_needed"), "warned again on going back: %s",
		  text);
	free(text);
}

Test(daemon, sighup_with_broken_yaml_keeps_the_old_configuration)
{
	char path[512], *body;

	hlt_daemon_start_ready(&fx.daemon);
	hlt_write_file(fx.dir, "hotlined.yaml", "redis:\n  socket: [unclosed\nroutes: r\n", path,
		       sizeof(path));
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=reload_failed generation=1", 3000), "%s",
		  hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "action=kept_running error=\"", 0));
	char want[600];
	snprintf(want, sizeof(want), "error=\"%s:3:", path);
	cr_expect(hlt_wait_for_text(fx.daemon.log, want, 0), "no file:line:column in\n%s",
		  hlt_read_file(fx.daemon.log));
	body = healthz();
	cr_expect(strstr(body, "\"status\":\"ok\""), "%s", body);
	cr_expect(strstr(body, "\"generation\":1"), "%s", body);
	cr_expect(strstr(body, "\"reloads_failed\":1"), "%s", body);
	cr_expect(strstr(body, "\"last_reload_error\":\""), "%s", body);
	free(body);
}

Test(daemon, sighup_with_failing_plugin_keeps_the_old_configuration)
{
	char *body;

	hlt_daemon_start_ready(&fx.daemon);
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis,
			     "  - name: log\n  - name: init_fails\n    file: " HL_BUILD_DIR
			     "/tests/plugins/init_fails.so\n    options: {greeting: hi}\n");
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=reload_failed", 3000), "%s",
		  hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "init failed: street gazetteer is empty", 0));
	body = healthz();
	cr_expect(strstr(body, "\"generation\":1"), "%s", body);
	cr_expect(strstr(body, "\"plugins\":[{\"name\":\"log\""), "%s", body);
	cr_expect(!strstr(body, "init_fails\",\"file"), "%s", body);
	free(body);
	/* A good file afterwards switches as usual. */
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis, NULL);
	kill(fx.daemon.pid, SIGHUP);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=reloaded generation=2", 3000));
}

Test(daemon, refuses_to_start_with_a_bad_plugin)
{
	hlt_daemon_configure(&fx.daemon, fx.dir, &fx.redis,
			     "  - name: abi_major\n    file: " HL_BUILD_DIR
			     "/tests/plugins/abi_major.so\n");
	cr_assert_eq(hlt_daemon_start(&fx.daemon), -1, "hotlined started anyway");
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=start_failed", 0));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "abi_major.so): built for plugin ABI 2.0", 0),
		  "%s", hlt_read_file(fx.daemon.log));
}

Test(daemon, config_test_mode)
{
	char out[512], path[512];
	const char *args[] = {"-t", "-c", fx.daemon.config, NULL};

	snprintf(out, sizeof(out), "%s/t.out", fx.dir);
	cr_expect_eq(hlt_run_hotlined(args, out), 0, "%s", hlt_read_file(out));
	cr_expect(hlt_wait_for_text(out, "is ok: 37 departments, 1 plugins", 0), "%s",
		  hlt_read_file(out));

	hlt_write_file(fx.dir, "hotlined.yaml",
		       "redis:\n  socket: /x\nroutes: " HL_SOURCE_DIR "/routes\n"
		       "http:\n  max_body: huge\nauth:\n  tokens_file: t\n",
		       path, sizeof(path));
	snprintf(out, sizeof(out), "%s/t2.out", fx.dir);
	cr_expect_eq(hlt_run_hotlined(args, out), 1);
	char want[600];
	snprintf(want, sizeof(want), "%s:5:13: key 'max_body': expected a size", path);
	cr_expect(hlt_wait_for_text(out, want, 0), "%s", hlt_read_file(out));
	cr_expect(hlt_wait_for_text(out, "test failed", 0));
}

Test(daemon, reconnects_after_redis_restarts)
{
	char *body;

	hlt_daemon_start_ready(&fx.daemon);
	hlt_redis_stop(&fx.redis, 1);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=disconnected link=commands", 3000));
	body = healthz();
	cr_expect(strstr(body, "\"status\":\"degraded\""), "%s", body);
	free(body);
	hlt_redis_start(&fx.redis, fx.dir);
	/* Backoff is capped at 500 ms in the test configuration. */
	cr_assert(hlt_daemon_wait_ready(&fx.daemon, 3000), "%s", hlt_read_file(fx.daemon.log));
	body = healthz();
	cr_expect(strstr(body, "\"commands\":{\"state\":\"ready\",\"reconnects\":1"), "%s",
		  body);
	free(body);
	/* Scripts were loaded again on the new server: the registration ran there. */
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=ready link=commands", 0));
	cr_expect(registered_within(2000), "the daemon did not register in Redis");
}

Test(daemon, lost_scripts_are_reloaded)
{
	char *body;

	hlt_daemon_start_ready(&fx.daemon);
	body = hlt_redis_cmd(&fx.redis, "SCRIPT FLUSH");
	free(body);
	body = hlt_redis_cmd(&fx.redis, "DEL hl:daemons");
	free(body);
	/* A reload registers again through the flushed script: NOSCRIPT, resent, loaded. */
	kill(fx.daemon.pid, SIGHUP);
	cr_assert(hlt_wait_for_text(fx.daemon.log, "event=noscript script=daemon_register", 3000),
		  "%s", hlt_read_file(fx.daemon.log));
	cr_expect(registered_within(2000), "the daemon did not register in Redis");
	cr_expect(!hlt_wait_for_text(fx.daemon.log, "register_failed", 0));
	/* Reloading scripts on a live connection is not a reconnect. The link is "loading"
	 * until every script is loaded again (dozens of them, each with lib.lua): wait for
	 * that, as a client would, before reading its counters. */
	cr_assert(hlt_daemon_wait_ready(&fx.daemon, 3000), "%s", hlt_read_file(fx.daemon.log));
	body = healthz();
	cr_expect(strstr(body, "\"commands\":{\"state\":\"ready\",\"reconnects\":0"), "%s",
		  body);
	free(body);
}
