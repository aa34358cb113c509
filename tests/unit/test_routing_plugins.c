/* Unit tests for the shipped `keyword` and `district` plugins (keyword.so and district.so
 * under build/plugins, built by `make`), loaded with dlopen and driven through a small
 * fake host table: init loads and checks the routes (an unknown department code fails
 * with file:line:column), route answers, declines and explains. Skipped when the plugins
 * are not built. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <hotline/plugin.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "plugin_glue.h"
#include "config/routes.h"

static char dir[256];
static struct hl_routes *routes;
static const char *opt_catalogue, *opt_gazetteer;
static char explained[8192];

static void fake_log(struct hl_self *self, enum hl_log_level level, const char *fmt, ...)
{
	(void)self;
	(void)level;
	(void)fmt;
}

static const char *fake_opt_string(const struct hl_options *opts, const char *name)
{
	(void)opts;
	if (strcmp(name, "catalogue") == 0)
		return opt_catalogue;
	return strcmp(name, "gazetteer") == 0 ? opt_gazetteer : NULL;
}

/* A ticket is a NULL-terminated list of name, value pairs. */
static const char *fake_field(const struct hl_ticket *ticket, const char *name)
{
	const char *const *kv = (const char *const *)ticket;

	for (; kv[0]; kv += 2) {
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	}
	return NULL;
}

static const char *fake_department_name(struct hl_self *self, const char *code)
{
	const struct hl_department *d = hl_routes_department(routes, code);

	(void)self;
	return d ? d->name : NULL;
}

static void fake_explain(struct hl_decision *decision, const char *fmt, ...)
{
	va_list ap;
	size_t used = strlen(explained);

	(void)decision;
	va_start(ap, fmt);
	vsnprintf(explained + used, sizeof(explained) - used, fmt, ap);
	va_end(ap);
	strncat(explained, "\n", sizeof(explained) - 1 - strlen(explained));
}

static const struct hl_host host = {
	.abi_major = HL_ABI_MAJOR,
	.abi_minor = HL_ABI_MINOR,
	.size = sizeof(struct hl_host),
	.log = fake_log,
	.opt_string = fake_opt_string,
	.ticket_field = fake_field,
	.department_name = fake_department_name,
	.explain = fake_explain,
};

static void setup(void)
{
	char err[1024] = "";

	hlt_tmpdir(dir, sizeof(dir));
	cr_assert_eq(hl_routes_load(HL_SOURCE_DIR "/routes", &routes, err, sizeof(err)), 0, "%s",
		     err);
	opt_catalogue = HL_SOURCE_DIR "/routes/catalogue.yaml";
	opt_gazetteer = HL_SOURCE_DIR "/routes/districts.yaml";
}

static void teardown(void)
{
	hl_routes_free(routes);
	hlt_rmtree(dir);
}

TestSuite(routing_plugins, .init = setup, .fini = teardown);

struct loaded {
	void *so;
	const struct hl_plugin *p;
	void *state;
};

/* Loads build/plugins/<name>.so and runs its init; returns init's status. */
static enum hl_status load(const char *name, struct loaded *l, char *err, size_t errlen)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/plugins/%s.so", HL_BUILD_DIR, name);
	if (access(path, R_OK) != 0)
		cr_skip_test("%s is not built (make builds it)", path);
	l->so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	cr_assert(l->so, "%s", dlerror());
	l->p = dlsym(l->so, "hl_plugin");
	cr_assert(l->p);
	cr_assert_str_eq(l->p->name, name);
	l->state = NULL;
	return l->p->init(&host, NULL, NULL, &l->state, err, errlen);
}

static void unload(struct loaded *l)
{
	if (l->p->fini)
		l->p->fini(l->state);
	dlclose(l->so);
}

static enum hl_status route(const struct loaded *l, const char *const *ticket,
			    struct hl_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->size = sizeof(*d);
	explained[0] = '\0';
	return l->p->route(l->state, (const struct hl_ticket *)ticket, d, NULL);
}

Test(routing_plugins, keyword_routes_line_and_territorial_matters)
{
	struct loaded l;
	struct hl_decision d;
	char err[1024] = "";
	static const char *const leak[] = {"title", "楼道燃气味很浓", "address", "后湖", NULL};
	static const char *const noise[] = {"title", "饭店油烟直排", "address", "江汉区常青路",
					    NULL};
	static const char *const nowhere[] = {"title", "饭店油烟直排", NULL};
	static const char *const nothing[] = {"title", "你好", "content", "谢谢", NULL};

	cr_assert_eq(load("keyword", &l, err, sizeof(err)), HL_OK, "%s", err);
	cr_assert_eq(route(&l, leak, &d), HL_OK);
	cr_expect_str_eq(d.department, "gas");
	cr_expect_str_eq(d.item, "gas.leak");
	cr_expect_gt(d.score, 0);
	cr_expect(strstr(d.reason, "gas.leak"), "%s", d.reason);
	cr_expect(strstr(explained, "winner gas.leak"), "%s", explained);
	cr_assert_eq(route(&l, noise, &d), HL_OK);
	cr_expect_str_eq(d.department, "d.jianghan");
	cr_expect(strstr(explained, "address: "), "%s", explained);
	cr_expect_eq(route(&l, nowhere, &d), HL_DECLINED);
	cr_expect(strstr(explained, "no district was found"), "%s", explained);
	cr_expect_eq(route(&l, nothing, &d), HL_DECLINED);
	unload(&l);
}

Test(routing_plugins, district_is_the_fallback)
{
	struct loaded l;
	struct hl_decision d;
	char err[1024] = "";
	static const char *const here[] = {"title", "你好", "address", "汉正街", NULL};
	static const char *const set[] = {"title", "你好", "district", "d.xinzhou", NULL};
	static const char *const nowhere[] = {"title", "你好", NULL};

	cr_assert_eq(load("district", &l, err, sizeof(err)), HL_OK, "%s", err);
	cr_assert_eq(route(&l, here, &d), HL_OK);
	cr_expect_str_eq(d.department, "d.qiaokou");
	cr_expect_str_eq(d.item, "");
	cr_expect_str_eq(d.reason, "territorial: address 汉正街 -> d.qiaokou");
	cr_assert_eq(route(&l, set, &d), HL_OK);
	cr_expect_str_eq(d.department, "d.xinzhou");
	cr_expect_eq(route(&l, nowhere, &d), HL_DECLINED);
	unload(&l);
}

Test(routing_plugins, init_refuses_unknown_codes_with_their_place)
{
	struct loaded l;
	char path[512], err[1024] = "", want[600];

	hlt_write_file(dir, "catalogue.yaml",
		       "items:\n  - id: w\n    name: 停水\n    type: report\n"
		       "    department: waterworks\n    keywords: [停水]\n",
		       path, sizeof(path));
	opt_catalogue = path;
	cr_assert_eq(load("keyword", &l, err, sizeof(err)), HL_ERROR);
	snprintf(want, sizeof(want), "%s:5:17: unknown department code 'waterworks'", path);
	cr_expect(strncmp(err, want, strlen(want)) == 0, "%s", err);
	dlclose(l.so);

	hlt_write_file(dir, "districts.yaml", "districts:\n  - code: d.nowhere\n    names: [无]\n",
		       path, sizeof(path));
	opt_gazetteer = path;
	cr_assert_eq(load("district", &l, err, sizeof(err)), HL_ERROR);
	snprintf(want, sizeof(want), "%s:2:11: unknown department code 'd.nowhere'", path);
	cr_expect(strncmp(err, want, strlen(want)) == 0, "%s", err);
	dlclose(l.so);
}

/* The start of every shipped plugin's init: a host too old for the plugin is named with
 * what it lacks; one new enough gets zeroed state. */
Test(plugin_glue, state_only_for_a_host_new_enough)
{
	struct hl_host old = host, short_table = host;
	char err[256] = "";
	long *state;

	old.abi_minor = 0;
	cr_expect_null(hl_glue_state_new(&old, 1, 0, "explain", sizeof(long), err, sizeof(err)));
	cr_expect(strstr(err, "plugin ABI 1.1 or newer (explain)") && strstr(err, "has 1.0"),
		  "%s", err);
	short_table.size = HL_HOST_END(notify) - 1;
	cr_expect_null(hl_glue_state_new(&short_table, 1, HL_HOST_END(notify), "notify",
					 sizeof(long), err, sizeof(err)));
	cr_expect(strstr(err, "(notify)"), "%s", err);
	state = hl_glue_state_new(&host, 1, HL_HOST_END(notify), "notify", sizeof(long), err,
				  sizeof(err));
	cr_assert_not_null(state, "%s", err);
	cr_expect_eq(*state, 0);
	free(state);
}
