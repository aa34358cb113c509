/*
 * Purpose-made plugins for the loader tests, one variant per -DVARIANT_* flag:
 *   GOOD           a well-behaved plugin with a required option and a timer
 *   ABI_MAJOR      built for a different ABI major (must be refused)
 *   ABI_MINOR      built for a newer ABI minor than the host's (must be refused)
 *   NO_DESCRIPTOR  exports no `hl_plugin` symbol (must be refused)
 *   INIT_FAILS     init returns HL_ERROR with a reason (must be refused, reason shown)
 *   BAD_DEFAULT    declares an option whose default does not parse (must be refused)
 */
#include <hotline/plugin.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef VARIANT_BAD_DEFAULT
static const struct hl_option options[] = {
	{"window", HL_OPT_DURATION, 0, "ten minutes", "a duration with a broken default"},
	{NULL, 0, 0, NULL, NULL},
};
#else
static const struct hl_option options[] = {
	{"greeting", HL_OPT_STRING, 1, NULL, "required text"},
	{"tick", HL_OPT_DURATION, 0, "1h", "when the timer fires"},
	{"count", HL_OPT_INT, 0, "3", "a number"},
	{NULL, 0, 0, NULL, NULL},
};

#endif

#ifdef VARIANT_INIT_FAILS
static enum hl_status test_init(const struct hl_host *host, struct hl_self *self,
				const struct hl_options *opts, void **state_r, char *err,
				size_t errlen)
{
	(void)host;
	(void)self;
	(void)opts;
	(void)state_r;
	snprintf(err, errlen, "street gazetteer is empty");
	return HL_ERROR;
}
#else
struct state {
	const struct hl_host *host;
	struct hl_self *self;
	int fired;
};

static void tick(void *arg)
{
	struct state *st = arg;

	st->fired++;
	st->host->log(st->self, HL_LOG_INFO, "tick fired=%d", st->fired);
}

static enum hl_status test_init(const struct hl_host *host, struct hl_self *self,
				const struct hl_options *opts, void **state_r, char *err,
				size_t errlen)
{
	struct state *st = calloc(1, sizeof(*st));
	struct hl_duration d = host->opt_duration(opts, "tick");

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return HL_ERROR;
	}
	st->host = host;
	st->self = self;
	if (d.unit != HL_DUR_WALL_MS) {
		snprintf(err, errlen, "tick must be wall-clock time");
		free(st);
		return HL_ERROR;
	}
	if (!host->timer_start(self, (uint64_t)d.amount, tick, st)) {
		snprintf(err, errlen, "cannot start a timer");
		free(st);
		return HL_ERROR;
	}
	host->log(self, HL_LOG_INFO, "init greeting=\"%s\" count=%lld",
		  host->opt_string(opts, "greeting"), (long long)host->opt_int(opts, "count"));
	*state_r = st;
	return HL_OK;
}
#endif

static void test_fini(void *state)
{
	free(state);
}

#ifdef VARIANT_NO_DESCRIPTOR
#define DESCRIPTOR_NAME hl_plugin_misspelt
#else
#define DESCRIPTOR_NAME hl_plugin
#endif

HL_PLUGIN_EXPORT const struct hl_plugin DESCRIPTOR_NAME = {
#if defined(VARIANT_ABI_MAJOR)
	.abi_major = HL_ABI_MAJOR + 1,
	.abi_minor = 0,
#elif defined(VARIANT_ABI_MINOR)
	.abi_major = HL_ABI_MAJOR,
	.abi_minor = HL_ABI_MINOR + 1,
#else
	.abi_major = HL_ABI_MAJOR,
	.abi_minor = HL_ABI_MINOR,
#endif
	.size = sizeof(struct hl_plugin),
	.name = "test",
	.version = "0.0.1",
	.options = options,
	.init = test_init,
	.fini = test_fini,
};
