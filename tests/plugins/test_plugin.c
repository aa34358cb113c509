/*
 * Purpose-made plugins for the loader tests, one variant per -DVARIANT_* flag:
 *   GOOD           a well-behaved plugin with a required option and a timer
 *   ABI_MAJOR      built for a different ABI major (must be refused)
 *   ABI_MINOR      built for a newer ABI minor than the host's (must be refused)
 *   NO_DESCRIPTOR  exports no `hl_plugin` symbol (must be refused)
 *   INIT_FAILS     init returns HL_ERROR with a reason (must be refused, reason shown)
 *   BAD_DEFAULT    declares an option whose default does not parse (must be refused)
 * and, for the dispatcher's tests, routing plugins that take no options:
 *   ROUTE_FAILS    route returns HL_ERROR, reason "catalogue unavailable (test)"
 *   ROUTE_SLOW     route returns HL_AGAIN and answers (HL_OK, department "water") only
 *                  after 60 s, through a host timer: past any sane plugin budget
 *   ROUTE_ASYNC    route returns HL_AGAIN and answers after `delay` (default 20 ms)
 *                  through a host timer: HL_OK, department "water", item "async-test",
 *                  reason "answered later (test)"
 *   ROUTE_CRASHES  route kills the process (abort) on a ticket whose title starts with
 *                  "CRASH", and declines every other: a plugin with a fatal bug
 */
#include <hotline/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(VARIANT_ROUTE_FAILS) || defined(VARIANT_ROUTE_SLOW) || \
	defined(VARIANT_ROUTE_ASYNC) || defined(VARIANT_ROUTE_CRASHES)
#define ROUTE_VARIANT
#endif
#if defined(VARIANT_ROUTE_SLOW)
#define ANSWER_AFTER_MS 60000
#endif

#if defined(VARIANT_BAD_DEFAULT)
static const struct hl_option options[] = {
	{"window", HL_OPT_DURATION, 0, "ten minutes", "a duration with a broken default"},
	{NULL, 0, 0, NULL, NULL},
};
#elif defined(VARIANT_ROUTE_ASYNC)
static const struct hl_option options[] = {
	{"delay", HL_OPT_DURATION, 0, "20ms", "how long before the answer"},
	{NULL, 0, 0, NULL, NULL},
};
#elif defined(ROUTE_VARIANT)
static const struct hl_option options[] = {
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
#elif defined(ROUTE_VARIANT)
/* A route call answered later: kept in the state so that fini frees the ones whose timer
 * the host cancelled when it retired the plugin (ROUTE_SLOW at shutdown). */
struct answer {
	struct answer *next;
	struct state *st;
	struct hl_decision *decision;
	struct hl_route_call *call;
};

struct state {
	const struct hl_host *host;
	struct hl_self *self;
	struct answer *pending; /* returned HL_AGAIN, not answered yet (none in ROUTE_FAILS) */
	uint64_t answer_after_ms;
};

static enum hl_status test_init(const struct hl_host *host, struct hl_self *self,
				const struct hl_options *opts, void **state_r, char *err,
				size_t errlen)
{
	struct state *st = calloc(1, sizeof(*st));

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return HL_ERROR;
	}
	st->host = host;
	st->self = self;
#ifdef VARIANT_ROUTE_ASYNC
	st->answer_after_ms = (uint64_t)host->opt_duration(opts, "delay").amount;
#elif defined(ANSWER_AFTER_MS)
	(void)opts;
	st->answer_after_ms = ANSWER_AFTER_MS;
#else
	(void)opts;
#endif
	*state_r = st;
	return HL_OK;
}

static void test_fini(void *state)
{
	struct state *st = state;

	while (st->pending) {
		struct answer *a = st->pending;

		st->pending = a->next;
		free(a);
	}
	free(st);
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

#ifndef ROUTE_VARIANT
static void test_fini(void *state)
{
	free(state);
}
#endif

#if defined(VARIANT_ROUTE_FAILS)
static enum hl_status test_route(void *state, const struct hl_ticket *ticket,
				 struct hl_decision *decision, struct hl_route_call *call)
{
	(void)state;
	(void)ticket;
	(void)call;
	snprintf(decision->reason, sizeof(decision->reason), "catalogue unavailable (test)");
	return HL_ERROR;
}
#elif defined(VARIANT_ROUTE_CRASHES)
static enum hl_status test_route(void *state, const struct hl_ticket *ticket,
				 struct hl_decision *decision, struct hl_route_call *call)
{
	struct state *st = state;
	const char *title = st->host->ticket_field(ticket, "title");

	(void)decision;
	(void)call;
	if (title && strncmp(title, "CRASH", 5) == 0)
		abort();
	return HL_DECLINED;
}
#elif defined(VARIANT_ROUTE_SLOW) || defined(VARIANT_ROUTE_ASYNC)
static void answer_now(void *arg)
{
	struct answer *a = arg;
	struct answer **link = &a->st->pending;

	while (*link != a)
		link = &(*link)->next;
	*link = a->next;
	snprintf(a->decision->department, sizeof(a->decision->department), "water");
#ifdef VARIANT_ROUTE_ASYNC
	snprintf(a->decision->item, sizeof(a->decision->item), "async-test");
	snprintf(a->decision->reason, sizeof(a->decision->reason), "answered later (test)");
#endif
	a->st->host->route_done(a->call, HL_OK);
	free(a);
}

static enum hl_status test_route(void *state, const struct hl_ticket *ticket,
				 struct hl_decision *decision, struct hl_route_call *call)
{
	struct state *st = state;
	struct answer *a = malloc(sizeof(*a));

	(void)ticket;
	if (!a) {
		snprintf(decision->reason, sizeof(decision->reason), "out of memory (test)");
		return HL_ERROR;
	}
	*a = (struct answer){.next = st->pending, .st = st, .decision = decision, .call = call};
	if (!st->host->timer_start(st->self, st->answer_after_ms, answer_now, a)) {
		free(a);
		snprintf(decision->reason, sizeof(decision->reason), "cannot start a timer (test)");
		return HL_ERROR;
	}
	st->pending = a;
	return HL_AGAIN;
}
#endif

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
#ifdef ROUTE_VARIANT
	.route = test_route,
#endif
};
