/* Unit tests for the plugin loader with real .so files built for the purpose
 * (tests/plugins/test_plugin.c): each refusal names the file and why, options are
 * checked against the plugin's table before init, timers belong to the host. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "harness.h"
#include "host/plugin_host.h"
#include "host/plugin_loader.h"

static char dir[256];
static struct event_base *base;

static void setup(void)
{
	hlt_tmpdir(dir, sizeof(dir));
	base = event_base_new();
}

static void teardown(void)
{
	cr_expect_eq(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 0,
		     "events left behind");
	event_base_free(base);
	hlt_rmtree(dir);
}

TestSuite(plugins, .init = setup, .fini = teardown);

/* A configuration whose plugins list is `plugins` (YAML, two-space indented items). */
static struct hl_config *config_with(const char *plugins)
{
	char text[2048], path[512], err[1024] = "";
	struct hl_config *cfg;

	snprintf(text, sizeof(text),
		 "redis:\n  socket: /tmp/r.sock\nroutes: r\n"
		 "plugin_dir: %s/tests/plugins\nplugins:\n%sauth:\n  tokens_file: t\n",
		 HL_BUILD_DIR, plugins);
	hlt_write_file(dir, "hotlined.yaml", text, path, sizeof(path));
	cr_assert_eq(hl_config_load(path, &cfg, err, sizeof(err)), 0, "%s", err);
	return cfg;
}

static void refused(const char *plugins, const char *where, const char *what)
{
	struct hl_config *cfg = config_with(plugins);
	struct hl_plugin_set *set = NULL;
	char err[1024] = "", prefix[600];

	cr_assert_eq(hl_plugins_load(cfg, NULL, base, NULL, &set, err, sizeof(err)), -1, "loaded:\n%s",
		     plugins);
	snprintf(prefix, sizeof(prefix), "%s/hotlined.yaml:%s: ", dir, where);
	cr_assert(strncmp(err, prefix, strlen(prefix)) == 0, "wanted position %s in: %s", where,
		  err);
	cr_assert(strstr(err, what), "wanted '%s' in: %s", what, err);
	hl_config_free(cfg);
}

Test(plugins, good_plugin_loads_and_gets_its_options)
{
	struct hl_config *cfg = config_with("  - name: good\n    options:\n"
					    "      greeting: 你好\n      tick: 20ms\n");
	struct hl_plugin_set *set;
	char err[1024] = "";
	struct timeval guard = {2, 0};

	cr_assert_eq(hl_plugins_load(cfg, NULL, base, NULL, &set, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(set->n, 1);
	cr_expect_str_eq(set->plugins[0]->name, "good");
	cr_expect_str_eq(hl_opt_string(&set->plugins[0]->options, "greeting"), "你好");
	cr_expect_eq(hl_opt_int(&set->plugins[0]->options, "count"), 3, "default applies");
	cr_expect_eq(hl_plugin_pending_timers(set->plugins[0]), 1);
	/* The plugin's 20 ms timer fires on the loop, bounded by a 2 s guard. */
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	cr_expect_eq(hl_plugin_pending_timers(set->plugins[0]), 0, "timer did not fire");
	hl_plugins_free(set);
	hl_config_free(cfg);
}

Test(plugins, pending_timers_cancelled_on_unload)
{
	struct hl_config *cfg = config_with("  - name: good\n    options: {greeting: hi}\n");
	struct hl_plugin_set *set;
	char err[1024] = "";

	cr_assert_eq(hl_plugins_load(cfg, NULL, base, NULL, &set, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(hl_plugin_pending_timers(set->plugins[0]), 1, "the 1h timer is pending");
	hl_plugins_free(set); /* teardown checks that no event is left on the base */
	hl_config_free(cfg);
}

Test(plugins, wrong_abi_major_refused)
{
	char want[512];

	snprintf(want, sizeof(want),
		 "plugin 'abi_major' (" HL_BUILD_DIR "/tests/plugins/abi_major.so): built for "
		 "plugin ABI %d.0, this hotlined has ABI %d.%d (major differs)",
		 HL_ABI_MAJOR + 1, HL_ABI_MAJOR, HL_ABI_MINOR);
	refused("  - name: abi_major\n", "6:5", want);
}

Test(plugins, newer_abi_minor_refused)
{
	char want[256];

	snprintf(want, sizeof(want), "built for plugin ABI %d.%d, newer than this hotlined's ABI %d.%d",
		 HL_ABI_MAJOR, HL_ABI_MINOR + 1, HL_ABI_MAJOR, HL_ABI_MINOR);
	refused("  - name: abi_minor\n", "6:5", want);
}

Test(plugins, missing_descriptor_refused)
{
	refused("  - name: no_descriptor\n", "6:5",
		"no_descriptor.so): does not export the descriptor symbol 'hl_plugin'");
}

Test(plugins, failed_init_refused_with_its_reason)
{
	refused("  - name: init_fails\n    options: {greeting: hi}\n", "6:5",
		"plugin 'init_fails' (" HL_BUILD_DIR
		"/tests/plugins/init_fails.so): init failed: street gazetteer is empty");
}

Test(plugins, bad_default_in_option_table_refused)
{
	refused("  - name: bad_default\n", "6:5",
		"option 'window' has a bad default: expected a duration");
}

Test(plugins, missing_file_refused)
{
	refused("  - name: nowhere\n", "6:5", "nowhere.so): cannot load:");
}

Test(plugins, options_checked_before_init)
{
	refused("  - name: good\n    options:\n      greeting: hi\n      tik: 5m\n", "9:7",
		"unknown key 'tik' (expected one of: greeting, tick, count) (options of plugin "
		"'good')");
	refused("  - name: good\n    options:\n      greeting: hi\n      tick: soon\n", "9:13",
		"key 'tick': expected a duration");
	refused("  - name: good\n", "6:5", "missing required key 'greeting'");
	refused("  - name: log\n    file: " HL_BUILD_DIR "/plugins/log.so\n    options:\n"
		"      events: started\n",
		"9:15",
		"key 'events': expected a list of strings, got a scalar");
}

Test(plugins, all_or_nothing)
{
	/* The good plugin loads first, then the set is refused: it must be retired again
	 * (fini, timers cancelled: teardown checks the base is empty, ASan checks leaks). */
	refused("  - name: good\n    options: {greeting: hi}\n"
		"  - name: init_fails\n    options: {greeting: hi}\n",
		"8:5",
		"init failed");
}

static void setup_capturing_stderr(void)
{
	setup();
	cr_redirect_stderr();
}

Test(plugins, log_plugin_logs_the_events_it_is_given, .init = setup_capturing_stderr)
{
	struct hl_config *cfg;
	struct hl_plugin_set *set;
	char err[1024] = "", text[512], path[512], logged[8192];
	size_t n;

	snprintf(text, sizeof(text),
		 "redis:\n  socket: /tmp/r.sock\nroutes: r\nplugin_dir: %s/plugins\n"
		 "plugins:\n  - name: log\n    options: {level: warn, events: [reloaded]}\n"
		 "auth:\n  tokens_file: t\n",
		 HL_BUILD_DIR);
	hlt_write_file(dir, "hotlined.yaml", text, path, sizeof(path));
	cr_assert_eq(hl_config_load(path, &cfg, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hl_plugins_load(cfg, NULL, base, NULL, &set, err, sizeof(err)), 0, "%s", err);
	hl_plugins_emit(set, HL_EV_STARTED, NULL, NULL, "not in events: not logged");
	hl_plugins_emit(set, HL_EV_RELOADED, NULL, NULL, "generation 2");
	hl_plugins_free(set);
	hl_config_free(cfg);
	fflush(stderr);
	fclose(stderr); /* ends the pipe, so that the read below sees its end */
	n = fread(logged, 1, sizeof(logged) - 1, cr_get_redirected_stderr());
	logged[n] = '\0';
	cr_expect(strstr(logged, "level=warn sub=plugin.log event=reloaded ticket=- "),
		  "%s", logged);
	cr_expect(strstr(logged, "detail=\"generation 2\""), "%s", logged);
	cr_expect(!strstr(logged, "not in events"), "%s", logged);
}
