/* hotlined: the 12345 citizen-hotline ticket router. Command line and process set-up. */
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/admin.h"
#include "daemon/daemon.h"
#include "daemon/health.h"
#include "daemon/metrics.h"
#include "base/log.h"
#include "host/plugin_host.h"
#include "config/routes.h"
#include "base/version.h"
#include "host/world.h"
#include "store/layout.h"

#define DEFAULT_CONFIG "/etc/hotline/hotlined.yaml"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hotlined [-c FILE] [-t | --migrate [--force]] [-V] [-h]\n"
		"  -c FILE    configuration file (default " DEFAULT_CONFIG ")\n"
		"  -t         check the configuration, routes and plugins, then exit 0 or 1\n"
		"  --migrate  upgrade the store (Redis) to this hotlined's layout, then exit 0\n"
		"             or 1; stop every hotlined of that Redis first (core/README.md §4):\n"
		"             it refuses while the store's daemon registry names any\n"
		"  --force    with --migrate: the daemons the registry names are gone (killed);\n"
		"             migrate anyway, saying which entries it ignored\n"
		"  -V         print the version and exit\n"
		"  -h         this help\n"
		"Signals: SIGHUP reloads the configuration; SIGTERM or SIGINT stop.\n");
}

/* hotlined -t: load everything a start would, report, unload. */
static int check_only(const char *path)
{
	struct event_base *base = event_base_new();
	struct hl_world *w;
	char err[1024];
	int rc = 1;

	if (!base) {
		fprintf(stderr, "hotlined: out of memory\n");
		return 1;
	}
	if (hl_world_build(path, base, NULL, 0, &w, err, sizeof(err)) < 0) {
		fprintf(stderr, "hotlined: %s\nhotlined: configuration %s test failed\n", err, path);
	} else {
		printf("hotlined: configuration %s is ok: %zu departments, %zu plugins\n", path,
		       w->routes->ndepartments, w->plugins->n);
		hl_world_unref(w);
		rc = 0;
	}
	event_base_free(base);
	return rc;
}

/* hotlined --migrate: the store of the configuration to this hotlined's layout. */
static int migrate_only(const char *path, int force)
{
	struct hl_config *cfg;
	char err[4096];
	int rc;

	if (hl_config_load(path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "hotlined: %s\n", err);
		return 1;
	}
	rc = hl_layout_migrate(cfg, force, stdout, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "hotlined: migrate: %s\n", err);
	hl_config_free(cfg);
	return rc < 0 ? 1 : 0;
}

/* The endpoints that show or steer the daemon itself. */
static int register_daemon_endpoints(struct hl_daemon *d, char *err, size_t errlen)
{
	if (hl_health_register(d) < 0 || hl_metrics_register(d) < 0 || hl_admin_register(d) < 0) {
		snprintf(err, errlen, "out of memory registering endpoints");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *config_path = DEFAULT_CONFIG;
	static const struct option longopts[] = {{"migrate", no_argument, NULL, 'm'},
						 {"force", no_argument, NULL, 'f'},
						 {NULL, 0, NULL, 0}};
	int test_only = 0, migrate = 0, force = 0, opt;
	struct event_base *base;
	struct hl_daemon d;
	char err[1024];

	while ((opt = getopt_long(argc, argv, "c:tVh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 't':
			test_only = 1;
			break;
		case 'm':
			migrate = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'V':
			printf("hotlined %s (plugin ABI %d.%d)\n", HL_VERSION, HL_ABI_MAJOR,
			       HL_ABI_MINOR);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (force && !migrate) {
		fprintf(stderr, "hotlined: --force goes only with --migrate\n");
		usage(stderr);
		return 2;
	}
	setenv("TZ", "Asia/Shanghai", 0);
	tzset();
	signal(SIGPIPE, SIG_IGN);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	if (test_only)
		return check_only(config_path);
	if (migrate)
		return migrate_only(config_path, force);

	base = event_base_new();
	if (!base) {
		fprintf(stderr, "hotlined: cannot create the event loop\n");
		return 1;
	}
	if (hl_daemon_start(&d, base, config_path, err, sizeof(err)) < 0 ||
	    register_daemon_endpoints(&d, err, sizeof(err)) < 0) {
		hl_log(HL_LOG_ERROR, "daemon", "start_failed error=\"%s\"", err);
		hl_daemon_free(&d);
		event_base_free(base);
		return 1;
	}
	event_base_dispatch(base);
	hl_daemon_free(&d);
	event_base_free(base);
	return d.exit_code;
}
