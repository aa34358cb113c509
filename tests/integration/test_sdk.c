/* Integration test of the installable plugin SDK (issue 6): `make install` of the build
 * this test runs from into a temporary DESTDIR; contrib/example-plugin copied out of the
 * tree and built against the installed SDK, which it finds through pkg-config only; the
 * installed hotlined, with the installed keyword plugin and routes, loads the example and
 * the example sees a ticket dispatched to its unit. And the installed configuration
 * passes `hotlined -t` once an installer has made the tokens, and a second install keeps
 * a configuration file the operator edited. */
#include <criterion/criterion.h>
#include <hotline/plugin.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* Set by the Makefile for this file: the compiler, make and sanitizer flags of the build
 * the test runs from, so that the example plugin is built the way the daemon was. */
#ifndef HL_CC
#define HL_CC "cc"
#endif
#ifndef HL_MAKE
#define HL_MAKE "make"
#endif
#ifndef HL_SAN_FLAGS
#define HL_SAN_FLAGS ""
#endif

static struct hlt_fixture fx;
static char stage[300]; /* the DESTDIR */
static char binary[400];

/* The environment of every make and pkg-config run here: nothing of the make running
 * the tests (its jobserver, its command-line variables) leaks into them, and pkg-config
 * searches the staged install first, with its paths moved under the DESTDIR. */
static char pc_path[400], pc_sysroot[400];
static const char *const tool_env[] = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
				       "CFLAGS", "CPPFLAGS", "LDFLAGS", pc_path, pc_sysroot,
				       NULL};

static void setup(void)
{
	hlt_fixture_setup(&fx);
	snprintf(stage, sizeof(stage), "%s/stage", fx.dir);
	snprintf(binary, sizeof(binary), "%s/usr/sbin/hotlined", stage);
	snprintf(pc_path, sizeof(pc_path), "PKG_CONFIG_PATH=%s/usr/lib/pkgconfig", stage);
	snprintf(pc_sysroot, sizeof(pc_sysroot), "PKG_CONFIG_SYSROOT_DIR=%s", stage);
}

static void teardown(void)
{
	hlt_fixture_teardown(&fx);
}

/* No criterion .timeout: every wait here bounds itself (hlt_run kills what outlasts its
 * limit; the harness's waits are bounded). In criterion 2.4.1, boxfort's
 * bxfi_push_timeout loses the rest of its list when it inserts a deadline earlier than
 * one already queued: a suite with a shorter .timeout that starts while one with a
 * longer .timeout runs leaks 48 bytes in the runner, which fails the sanitized run
 * although every test passed (and the longer suite's timeout is no longer enforced). */
TestSuite(sdk, .init = setup, .fini = teardown, .timeout = HLT_SUITE_TIMEOUT);

/* Runs argv with tool_env, output to dir/<log>; returns the exit status, -1 after 30 s
 * (a compile of the example takes about a second). */
static int run(const char *const *argv, const char *log, char *log_path, size_t len)
{
	snprintf(log_path, len, "%s/%s", fx.dir, log);
	return hlt_run(argv, tool_env, NULL, log_path, 30000);
}

/* make install DESTDIR=stage PREFIX=/usr of this build, copying only (INSTALL_ONLY): the
 * other suites run the same build's files meanwhile. Returns make's output; caller frees. */
static char *install(void)
{
	char destdir[320], log[320];
	const char *argv[] = {HL_MAKE, "--no-print-directory", "-C", HL_SOURCE_DIR, "install",
			      "INSTALL_ONLY=1", "BUILD=" HL_BUILD_DIR, "PREFIX=/usr", destdir,
			      NULL};
	int status;

	snprintf(destdir, sizeof(destdir), "DESTDIR=%s", stage);
	status = run(argv, "install.log", log, sizeof(log));
	cr_assert_eq(status, 0, "make install exited %d:\n%s", status, hlt_read_file(log));
	return hlt_read_file(log);
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* The first line of a command's output, without its newline. */
static void first_line(const char *const *argv, char *buf, size_t len)
{
	char log[320];
	char *text;

	cr_assert_eq(run(argv, "query.log", log, sizeof(log)), 0, "%s failed:\n%s", argv[0],
		     hlt_read_file(log));
	text = hlt_read_file(log);
	snprintf(buf, len, "%.*s", text ? (int)strcspn(text, "\n") : 0, text ? text : "");
	free(text);
	unlink(log);
}

/* Copies contrib/example-plugin to dir/example and builds and installs it there with its
 * own Makefile, the SDK found through pkg-config. */
static void build_example(void)
{
	char example[320], log[320], include[400];
	const char *cp[] = {"cp", "-R", HL_SOURCE_DIR "/contrib/example-plugin", example, NULL};
	const char *build[] = {HL_MAKE, "--no-print-directory", "-C", example, "clean", "all",
			       "install", "CC=" HL_CC, "CFLAGS=-O2 -g " HL_SAN_FLAGS,
			       "LDFLAGS=" HL_SAN_FLAGS, NULL};
	char *text;

	snprintf(example, sizeof(example), "%s/example", fx.dir);
	cr_assert_eq(run(cp, "cp.log", log, sizeof(log)), 0, "%s", hlt_read_file(log));
	cr_assert_eq(run(build, "example.log", log, sizeof(log)), 0,
		     "the example plugin did not build:\n%s", hlt_read_file(log));
	/* The header came from the staged install, through pkg-config. */
	text = hlt_read_file(log);
	snprintf(include, sizeof(include), "-I%s/usr/include ", stage);
	cr_expect(text && strstr(text, include), "no %s in the build:\n%s", include, text);
	free(text);
}

static const char *const water_ticket =
	"{\"channel\":\"hotline\",\"title\":\"古田二路停水三天\",\"content\":\"来电人反映家中停水，"
	"已经三天没有自来水。\",\"address\":\"硚口区古田二路\",\"caller_phone\":\"13907150003\"}";

/* The /healthz entry of plugin `name`, as JSON text; caller frees. NULL when absent. */
static char *healthz_plugin(const char *name)
{
	char *body = NULL, *found = NULL;
	struct json_object *o, *list;

	cr_assert_eq(hlt_http(fx.daemon.port, "GET", "/healthz", NULL, &body), 200);
	o = json_tokener_parse(body);
	if (o && json_object_object_get_ex(o, "plugins", &list)) {
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *p = json_object_array_get_idx(list, i), *n;

			if (json_object_object_get_ex(p, "name", &n) &&
			    strcmp(json_object_get_string(n), name) == 0)
				found = strdup(json_object_to_json_string_ext(
					p, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		}
	}
	json_object_put(o);
	free(body);
	return found;
}

Test(sdk, example_plugin_builds_out_of_tree_and_loads)
{
	char plugins[2048], want[1024], got[512], so[512], id[64] = "";
	char *entry, *notices = NULL;
	const char *version[] = {"pkg-config", "--modversion", "hotline-plugin", NULL};
	const char *plugindir[] = {"pkg-config", "--variable=plugindir", "hotline-plugin", NULL};

	free(install());
	cr_assert(exists(binary), "no %s", binary);

	/* The .pc file: the ABI of the header as Version, the plugin directory under the
	 * staged prefix. */
	first_line(version, got, sizeof(got));
	snprintf(want, sizeof(want), "%d.%d", HL_ABI_MAJOR, HL_ABI_MINOR);
	cr_expect_str_eq(got, want);
	first_line(plugindir, got, sizeof(got));
	snprintf(want, sizeof(want), "%s/usr/lib/hotline/plugins", stage);
	cr_expect_str_eq(got, want);

	build_example();
	snprintf(so, sizeof(so), "%s/usr/lib/hotline/plugins/example_dept.so", stage);
	cr_assert(exists(so), "the example's make install did not put it in %s", so);

	/* The installed hotlined, with the installed keyword router and routes, and the
	 * example following the water company. */
	snprintf(plugins, sizeof(plugins),
		 "  - name: keyword\n"
		 "    file: %s/usr/lib/hotline/plugins/keyword.so\n"
		 "    options:\n"
		 "      catalogue: %s/usr/etc/hotline/routes/catalogue.yaml\n"
		 "      gazetteer: %s/usr/etc/hotline/routes/districts.yaml\n"
		 "  - name: example_dept\n"
		 "    file: %s/usr/lib/hotline/plugins/example_dept.so\n"
		 "    options:\n"
		 "      department: water\n"
		 "      notify: true\n"
		 "      summary_every: 200ms\n",
		 stage, stage, stage, stage);
	fx.daemon.binary = binary;
	hlt_fixture_start(&fx, &fx.daemon, NULL, plugins);

	/* Loaded, as ABI 1.0 (what it declares), and it found the 1.1 host functions. */
	snprintf(want, sizeof(want), "event=loaded plugin=example_dept file=%s abi=1.0", so);
	cr_expect(hlt_wait_for_text(fx.daemon.log, want, 0), "%s", hlt_read_file(fx.daemon.log));
	snprintf(want, sizeof(want), "host_abi=%d.%d", HL_ABI_MAJOR, HL_ABI_MINOR);
	cr_expect(hlt_wait_for_text(fx.daemon.log, "sub=plugin.example_dept event=ready "
						 "department=water name=\"",
				    0) &&
			  hlt_wait_for_text(fx.daemon.log, want, 0),
		  "%s", hlt_read_file(fx.daemon.log));
	entry = healthz_plugin("example_dept");
	cr_assert_not_null(entry, "example_dept is not in /healthz");
	cr_expect(strstr(entry, "\"abi\":\"1.0\"") && strstr(entry, "\"version\":\"1.0.0\""), "%s",
		  entry);
	free(entry);

	/* A ticket for the water company: routed by keyword, seen by the example. */
	hlt_create_ticket(fx.daemon.port, HLT_TOKEN_AGENT, water_ticket, id, sizeof(id));
	snprintf(want, sizeof(want),
		 "sub=plugin.example_dept event=dispatched ticket=%s department=water", id);
	cr_assert(hlt_wait_for_text(fx.daemon.log, want, 5000), "no '%s':\n%s", want,
		  hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "count=1", 0));

	/* notify (1.1): the unit is told, a notice on hl:events. */
	for (int waited = 0; waited < 2000; waited += 20) {
		free(notices);
		notices = hlt_events(&fx.redis, "audience", "unit:water", NULL);
		if (notices && strstr(notices, "from\nexample_dept\n"))
			break;
		usleep(20000);
	}
	cr_expect(notices && strstr(notices, "from\nexample_dept\n"),
		  "%s", notices);
	free(notices);

	/* Its timer runs, and fini runs at an orderly stop. */
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=summary department=water dispatched=1",
				    3000),
		  "%s", hlt_read_file(fx.daemon.log));
	cr_expect_eq(hlt_daemon_stop(&fx.daemon, SIGTERM, 5000), 0, "%s",
		     hlt_read_file(fx.daemon.log));
	cr_expect(hlt_wait_for_text(fx.daemon.log, "event=finished department=water dispatched=1",
				    0),
		  "%s", hlt_read_file(fx.daemon.log));
}

Test(sdk, installed_configuration_checks)
{
	char conf[400], yaml[450], routes[450], tool[400], log[320], path[450];
	const char *tokens[] = {tool, conf, routes, NULL};
	const char *check[] = {binary, "-t", "-c", yaml, NULL};
	const char *plugin_dir = "\nplugin_dir: /usr/lib/hotline/plugins";
	char *text, *at, *fixed = NULL;
	FILE *f;

	free(install());
	snprintf(conf, sizeof(conf), "%s/usr/etc/hotline", stage);
	snprintf(yaml, sizeof(yaml), "%s/hotlined.yaml", conf);
	snprintf(routes, sizeof(routes), "%s/routes", conf);
	snprintf(tool, sizeof(tool), "%s/usr/share/hotline/make-tokens.sh", stage);
	snprintf(path, sizeof(path), "%s/calendar", conf);
	cr_expect(exists(path) && exists(routes), "no calendar/ or routes/ in %s", conf);
	snprintf(path, sizeof(path), "%s/redis.conf", conf);
	cr_expect(exists(path));

	/* Every path in it is absolute or inside the configuration directory. */
	text = hlt_read_file(yaml);
	cr_assert_not_null(text, "no %s", yaml);
	cr_expect_null(strstr(text, "../"), "a path leaves %s:\n%s", conf, text);
	/* the console is served from where make install put its files */
	cr_expect(strstr(text, "  dir: /usr/share/hotline/console"), "console.dir:\n%s", text);
	snprintf(path, sizeof(path), "%s/usr/share/hotline/console", stage);
	cr_expect(exists(path), "no %s", path);
	/* What an installer does: make the tokens. What only a staged install needs: the
	 * plugins are under the DESTDIR, not yet in /usr. */
	cr_assert_eq(run(tokens, "tokens.log", log, sizeof(log)), 0, "%s", hlt_read_file(log));
	at = strstr(text, plugin_dir);
	cr_assert_not_null(at, "no '%s' in:\n%s", plugin_dir + 1, text);
	cr_assert(asprintf(&fixed, "%.*s\nplugin_dir: %s/usr/lib/hotline/plugins%s",
			   (int)(at - text), text, stage, at + strlen(plugin_dir)) > 0);
	free(text);
	f = fopen(yaml, "w");
	cr_assert_not_null(f);
	fputs(fixed, f);
	fclose(f);
	free(fixed);
	cr_assert_eq(run(check, "check.log", log, sizeof(log)), 0,
		     "the installed configuration does not check:\n%s", hlt_read_file(log));

	/* Installing again keeps the file the operator edited, and says so. */
	text = install();
	cr_expect(text && strstr(text, "install: kept ") && strstr(text, "/hotlined.yaml"), "%s",
		  text);
	free(text);
	text = hlt_read_file(yaml);
	cr_expect(text && strstr(text, stage), "hotlined.yaml was overwritten");
	free(text);
}
