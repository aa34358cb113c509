/* Integration tests for the operators' endpoints (issue 7): GET /metrics in the
 * Prometheus text format, checked by promtool, with the figures a ticket's life moves;
 * GET /readyz ready with Redis and not without. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx = {
	.setup = HLT_SETUP_DAEMON,
	.plugins = HLT_PLUGIN("route_async"),
};
HLT_SUITE(metrics, fx);

Test(metrics, prometheus_text_that_promtool_accepts)
{
	char *text = NULL, *answer = NULL, path[512], command[1200], id[32];

	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT,
			  "{\"channel\":\"hotline\",\"title\":\"停水\",\"content\":\"家中停水\","
			  "\"address\":\"硚口区\",\"caller_phone\":\"13907150030\"}",
			  id, sizeof(id));
	for (int waited = 0; waited < 3000; waited += 50) {
		free(text);
		text = NULL;
		cr_assert_eq(hlt_http(fx.daemon.port, "GET", "/metrics", NULL, &text), 200);
		if (strstr(text, "hotline_open_tickets{department=\"water\",state=\"dispatched\"} 1"))
			break;
		usleep(50000);
	}
	cr_expect(strstr(text, "hotline_tickets_received_total{channel=\"hotline\"} 1"), "%s",
		  text);
	cr_expect(strstr(text, "hotline_transitions_total{state=\"dispatched\"} 1"), "%s", text);
	/* signing moves the ticket; a note does not, and is no transition */
	cr_expect_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_WATER, id, "sign", NULL, &answer),
		     200, "%s", answer);
	free(answer);
	cr_expect_eq(hlt_ticket_step(fx.daemon.port, HLT_TOKEN_WATER, id, "notes",
				     "{\"note\":\"已联系水务站\"}", &answer),
		     200, "%s", answer);
	free(answer);
	free(text);
	cr_assert_eq(hlt_http(fx.daemon.port, "GET", "/metrics", NULL, &text), 200);
	cr_expect(strstr(text, "hotline_transitions_total{state=\"accepted\"} 1\n"), "%s", text);
	cr_expect(strstr(text, "hotline_open_tickets{department=\"water\",state=\"accepted\"} 1"),
		  "%s", text);
	cr_expect(strstr(text, "hotline_ingest_request_duration_seconds_count 1"), "%s", text);
	cr_expect(strstr(text, "hotline_plugin_calls_total{plugin=\"route_async\"} 1"), "%s",
		  text);
	cr_expect(strstr(text, "hotline_calendar_fallback 0"), "%s", text);
	cr_expect(strstr(text, "hotline_live_streams 0\n"), "%s", text);
	cr_expect(strstr(text, "hotline_live_streams_dropped_total 0\n"), "%s", text);
	cr_expect(strstr(text, "hotline_redis_reconnects_total{link=\"events\"}"), "%s", text);
	hlt_write_file(fx.dir, "metrics.txt", text, path, sizeof(path));
	snprintf(command, sizeof(command), "promtool check metrics < '%s' > '%s.out' 2>&1", path,
		 path);
	cr_expect_eq(system(command), 0, "promtool: %s.out", path);
	free(text);
}

Test(metrics, readyz_follows_redis)
{
	char *body = NULL;

	cr_expect_eq(hlt_http(fx.daemon.port, "GET", "/readyz", NULL, &body), 200, "%s", body);
	free(body);
	hlt_redis_stop(&fx.redis, 1);
	int status = 0;
	for (int waited = 0; waited < 3000 && status != 503; waited += 50) {
		status = hlt_http(fx.daemon.port, "GET", "/readyz", NULL, &body);
		if (status != 503) {
			free(body);
			usleep(50000);
		}
	}
	cr_expect_eq(status, 503);
	cr_expect(body && strstr(body, "redis"), "%s", body);
	free(body);
}

/* The man pages render without a warning (man -l, as an operator reads them). */
Test(metrics, man_pages_render_cleanly)
{
	static const char *const pages[] = {"hotlined.8", "hotlined.yaml.5", "hotlinectl.1"};

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char command[1024], path[600], *warnings;

		snprintf(path, sizeof(path), "%s/man-%zu.err", fx.dir, i);
		snprintf(command, sizeof(command),
			 "MANWIDTH=80 man --warnings -l '" HL_SOURCE_DIR "/contrib/man/%s' "
			 "> /dev/null 2> '%s'",
			 pages[i], path);
		cr_expect_eq(system(command), 0, "%s", pages[i]);
		warnings = hlt_read_file(path);
		cr_expect(warnings && !*warnings, "%s: %s", pages[i], warnings);
		free(warnings);
	}
}
