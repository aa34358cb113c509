/* The store's layout version and its migration; see layout.h. */
#include "store/layout.h"

#include <hiredis/hiredis.h>
#include <stdlib.h>
#include <string.h>

#include "base/options.h"
#include "config/config.h"
#include "store/keys.h"
#include "store/scripts.h"

void hl_layout_check_keys(const char *prefix, char keys[HL_LAYOUT_CHECK_KEYS][HL_LAYOUT_KEY_LEN])
{
	char index_all[64];

	snprintf(index_all, sizeof(index_all), "%s%s", HL_KEY_INDEX, HL_INDEX_ALL);
	hl_key(keys[0], HL_LAYOUT_KEY_LEN, prefix, HL_KEY_LAYOUT);
	hl_key(keys[1], HL_LAYOUT_KEY_LEN, prefix, index_all);
	hl_key(keys[2], HL_LAYOUT_KEY_LEN, prefix, HL_KEY_LEDGER);
	hl_key(keys[3], HL_LAYOUT_KEY_LEN, prefix, HL_KEY_INTAKE);
}

/* One step of the migration, from layout `from` to from + 1. Runs in batches; may be run
 * again after an interruption. Returns 0, or -1 with err. */
struct step {
	int from;
	int (*run)(redisContext *c, const char *prefix, FILE *out, char *err, size_t errlen);
};

/* Calls fn with each page of the keys of type `type` matching pattern (SCAN, 500 a page)
 * or, with zset, of the members of that sorted set matching it (ZSCAN: the page is
 * member, score pairs; type is not used), until fn fails or the scan ends. Returns 0, or
 * -1 with err. */
static int scan_keys(redisContext *c, const char *zset, const char *pattern, const char *type,
		     int (*fn)(redisContext *c, const redisReply *keys, void *arg, char *err,
			       size_t errlen),
		     void *arg, char *err, size_t errlen)
{
	char cursor[32] = "0";

	do {
		redisReply *scan =
			zset ? redisCommand(c, "ZSCAN %s %s MATCH %s COUNT 500", zset, cursor, pattern)
			     : redisCommand(c, "SCAN %s MATCH %s COUNT 500 TYPE %s", cursor, pattern,
					    type);
		int rc;

		if (!scan || scan->type != REDIS_REPLY_ARRAY || scan->elements != 2) {
			snprintf(err, errlen, "SCAN: %s", scan && scan->str ? scan->str : c->errstr);
			if (scan)
				freeReplyObject(scan);
			return -1;
		}
		snprintf(cursor, sizeof(cursor), "%s", scan->element[0]->str);
		rc = scan->element[1]->elements > 0 ? fn(c, scan->element[1], arg, err, errlen) : 0;
		freeReplyObject(scan);
		if (rc < 0)
			return -1;
	} while (strcmp(cursor, "0") != 0);
	return 0;
}

/* Runs a migration script (EVAL of its source) with keys, then the extra ARGV after
 * them; its integer answer goes to *n_r. Returns 0, or -1 with err. */
static int run_script(redisContext *c, enum hl_script_id script, size_t nkeys,
		      const char *const *keys, size_t nextra, const char *const *extra,
		      long long *n_r, char *err, size_t errlen)
{
	size_t argc = 3 + nkeys + nextra;
	const char **argv = calloc(argc, sizeof(*argv));
	char nk[24];
	redisReply *done;
	int rc = -1;

	if (!argv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(nk, sizeof(nk), "%zu", nkeys);
	argv[0] = "EVAL";
	argv[1] = hl_scripts[script].source;
	argv[2] = nk;
	for (size_t i = 0; i < nkeys; i++)
		argv[3 + i] = keys[i];
	for (size_t i = 0; i < nextra; i++)
		argv[3 + nkeys + i] = extra[i];
	done = redisCommandArgv(c, (int)argc, argv, NULL);
	free(argv);
	if (done && done->type == REDIS_REPLY_INTEGER) {
		*n_r = done->integer;
		rc = 0;
	} else {
		snprintf(err, errlen, "%s", done && done->str ? done->str : c->errstr);
	}
	if (done)
		freeReplyObject(done);
	return rc;
}

/* Layout 2: each ticket's timeline is its hash's field `log` instead of a stream of its
 * own (HL_KEY_AUDIT; lua/lib.lua's audit). Converts the streams left, up to 500 keys a
 * batch (a SCAN page), each batch one script (lua/migrate_audit.lua); a converted stream
 * is deleted in the same step, so the step resumes where it stopped. */
struct audit_batches {
	const char *prefix;
	FILE *out;
	long long total, batches;
};

static int audit_batch(redisContext *c, const redisReply *keys, void *arg, char *err,
		       size_t errlen)
{
	struct audit_batches *b = arg;
	const char **names = calloc(keys->elements, sizeof(*names));
	long long n = 0;
	int rc;

	if (!names) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < keys->elements; i++)
		names[i] = keys->element[i]->str;
	rc = run_script(c, HL_SCRIPT_MIGRATE_AUDIT, keys->elements, names, 1, &b->prefix, &n,
			err, errlen);
	free(names);
	if (rc < 0)
		return -1;
	b->total += n;
	b->batches++;
	fprintf(b->out, "migrate: timelines: batch %lld: %lld converted (%lld in all)\n",
		b->batches, n, b->total);
	return 0;
}

static int to_layout2(redisContext *c, const char *prefix, FILE *out, char *err, size_t errlen)
{
	char pattern[128];
	struct audit_batches b = {prefix, out, 0, 0};

	snprintf(pattern, sizeof(pattern), "%s%s*", prefix, HL_KEY_AUDIT);
	if (scan_keys(c, NULL, pattern, "stream", audit_batch, &b, err, errlen) < 0)
		return -1;
	fprintf(out, "migrate: timelines: %lld moved into their tickets\n", b.total);
	return 0;
}

/* Layout 3, too: hl:due holds one member per ticket (its id) instead of one per running
 * clock ("id|clock|stage|audience"), and there is no idx:deadlines (lua/lib.lua). The old
 * members, found by ZSCAN a page at a time, are converted by lua/migrate_due.lua, each
 * removed in the step that converts it; idx:deadlines is deleted at the end. So the step
 * resumes where it stopped. */
struct due_batches {
	const char *prefix;
	long long total;
};

static int due_batch(redisContext *c, const redisReply *page, void *arg, char *err,
		     size_t errlen)
{
	struct due_batches *b = arg;
	const char **members = calloc(page->elements / 2 + 1, sizeof(*members));
	size_t n = 0;
	long long done = 0;
	int rc;

	if (!members) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	members[n++] = b->prefix;
	for (size_t i = 0; i + 1 < page->elements; i += 2) /* member, score */
		members[n++] = page->element[i]->str;
	rc = run_script(c, HL_SCRIPT_MIGRATE_DUE, 0, NULL, n, members, &done, err, errlen);
	free(members);
	b->total += done;
	return rc;
}

static int to_one_due_member(redisContext *c, const char *prefix, FILE *out, char *err,
			     size_t errlen)
{
	char due[HL_LAYOUT_KEY_LEN], deadlines[HL_LAYOUT_KEY_LEN], pattern[8] = "*|*";
	struct due_batches b = {prefix, 0};
	redisReply *r;

	hl_key(due, sizeof(due), prefix, HL_KEY_DUE);
	snprintf(deadlines, sizeof(deadlines), "%s%s%s", prefix, HL_KEY_INDEX, HL_INDEX_DEADLINES);
	if (scan_keys(c, due, pattern, NULL, due_batch, &b, err, errlen) < 0)
		return -1;
	r = redisCommand(c, "DEL %s", deadlines);
	if (!r || r->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "DEL %s: %s", deadlines, r && r->str ? r->str : c->errstr);
		if (r)
			freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	fprintf(out, "migrate: due: %lld stages waiting became one member per ticket\n", b.total);
	return 0;
}

/* Layout 3: the ledger, the units' work queues and the notices are one event stream
 * (HL_KEY_EVENTS; lua/lib.lua's event). The old streams are the ledger, the notices and
 * every hl:dept:<code> stream; lua/migrate_events.lua moves up to EVENTS_BATCH of their
 * entries a batch, merged in id order, deleting each from its old stream in the same
 * step, so that the step resumes where it stopped. */
#define EVENTS_BATCH "2000"
#define EVENTS_MAX_STREAMS 4096 /* units' queues and the two others */

struct stream_names {
	char *names[EVENTS_MAX_STREAMS];
	size_t n;
};

static int add_names(redisContext *c, const redisReply *keys, void *arg, char *err,
		     size_t errlen)
{
	struct stream_names *s = arg;

	(void)c;
	for (size_t i = 0; i < keys->elements; i++) {
		if (s->n == EVENTS_MAX_STREAMS || !(s->names[s->n] = strdup(keys->element[i]->str))) {
			snprintf(err, errlen, "more than %d units' queues, or out of memory",
				 EVENTS_MAX_STREAMS - 2);
			return -1;
		}
		s->n++;
	}
	return 0;
}

static int to_layout3(redisContext *c, const char *prefix, FILE *out, char *err, size_t errlen)
{
	static struct stream_names s; /* --migrate runs once per process */
	char pattern[128];
	const char *extra[] = {prefix, EVENTS_BATCH};
	long long total = 0, batches = 0, n = 1;
	int rc = -1;

	s.n = 0;
	for (int i = 0; i < 2; i++) {
		char key[HL_LAYOUT_KEY_LEN];
		hl_key(key, sizeof(key), prefix, i == 0 ? HL_KEY_LEDGER : HL_KEY_NOTICES);
		if (!(s.names[s.n] = strdup(key))) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		s.n++;
	}
	snprintf(pattern, sizeof(pattern), "%s%s*", prefix, HL_KEY_DEPT);
	if (scan_keys(c, NULL, pattern, "stream", add_names, &s, err, errlen) < 0)
		goto out;
	while (n > 0) {
		if (run_script(c, HL_SCRIPT_MIGRATE_EVENTS, s.n, (const char *const *)s.names, 2,
			       extra, &n, err, errlen) < 0)
			goto out;
		total += n;
		if (n > 0)
			fprintf(out, "migrate: events: batch %lld: %lld moved (%lld in all)\n",
				++batches, n, total);
	}
	fprintf(out, "migrate: events: %lld entries of the ledger, %zu units' queues and the "
		     "notices merged into one stream\n",
		total, s.n - 2);
	rc = to_one_due_member(c, prefix, out, err, errlen);
out:
	for (size_t i = 0; i < s.n; i++)
		free(s.names[i]);
	s.n = 0;
	return rc;
}

static const struct step steps[] = {
	{1, to_layout2},
	{2, to_layout3},
};

static redisContext *connect_to(const struct hl_config *cfg, char *err, size_t errlen)
{
	int64_t ms = cfg->redis_connect_timeout_ms;
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
	redisContext *c;

	if (cfg->redis_socket) {
		c = redisConnectUnixWithTimeout(cfg->redis_socket, tv);
	} else {
		struct hl_address a;
		if (hl_opt_address(&cfg->redis, "address", &a) < 0) {
			snprintf(err, errlen, "redis.address is not an address");
			return NULL;
		}
		c = redisConnectWithTimeout(a.host, a.port, tv);
	}
	if (!c || c->err) {
		snprintf(err, errlen, "cannot connect to Redis: %s", c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, (struct timeval){60, 0});
	return c;
}

/* The layout the store has: its key, or 1 for a store with data and no key, or 0 for an
 * empty store. A migration under way ("1>2") is its `from`, with *to_r its `to`
 * (else 0). */
static int layout_found(redisContext *c, const char *prefix, int *to_r, char *err,
			size_t errlen)
{
	char keys[HL_LAYOUT_CHECK_KEYS][HL_LAYOUT_KEY_LEN];
	redisReply *r;
	int found = -1;

	hl_layout_check_keys(prefix, keys);
	*to_r = 0;
	r = redisCommand(c, "GET %s", keys[0]);
	if (r && r->type == REDIS_REPLY_STRING) {
		char *end, *end2;
		long v = strtol(r->str, &end, 10), to = *end == '>' ? strtol(end + 1, &end2, 10) : 0;
		if (end != r->str && v > 0 && (*end == '\0' || (to == v + 1 && !*end2))) {
			found = (int)v;
			*to_r = (int)to;
		} else {
			snprintf(err, errlen, "%s holds '%s', not a layout", keys[0], r->str);
		}
	} else if (r && r->type == REDIS_REPLY_NIL) {
		freeReplyObject(r);
		r = redisCommand(c, "EXISTS %s %s %s", keys[1], keys[2], keys[3]);
		if (r && r->type == REDIS_REPLY_INTEGER)
			found = r->integer > 0 ? 1 : 0;
		else
			snprintf(err, errlen, "EXISTS: %s", r ? r->str : c->errstr);
	} else {
		snprintf(err, errlen, "GET %s: %s", keys[0], r && r->str ? r->str : c->errstr);
	}
	if (r)
		freeReplyObject(r);
	return found;
}

static int set_layout(redisContext *c, const char *key, const char *value, char *err,
		      size_t errlen)
{
	redisReply *r = redisCommand(c, "SET %s %s", key, value);
	int ok = r && r->type == REDIS_REPLY_STATUS;

	if (!ok)
		snprintf(err, errlen, "SET %s: %s", key, r && r->str ? r->str : c->errstr);
	if (r)
		freeReplyObject(r);
	return ok ? 0 : -1;
}

int hl_layout_migrate(const struct hl_config *cfg, FILE *out, char *err, size_t errlen)
{
	const char *prefix = hl_opt_string(&cfg->redis, "prefix");
	char keys[HL_LAYOUT_CHECK_KEYS][HL_LAYOUT_KEY_LEN], value[32];
	redisContext *c = connect_to(cfg, err, errlen);
	int found, to, resuming, rc = -1;

	if (!c)
		return -1;
	hl_layout_check_keys(prefix, keys);
	found = layout_found(c, prefix, &to, err, errlen);
	if (found < 0)
		goto out;
	resuming = to > 0;
	if (to > HL_STORE_LAYOUT) {
		snprintf(err, errlen,
			 "a migration to layout %d is under way, newer than this hotlined's %d: "
			 "run the hotlined that started it",
			 to, HL_STORE_LAYOUT);
		goto out;
	}
	if (found == 0) {
		fprintf(out, "migrate: the store is empty: layout %d\n", HL_STORE_LAYOUT);
		snprintf(value, sizeof(value), "%d", HL_STORE_LAYOUT);
		rc = set_layout(c, keys[0], value, err, errlen);
		goto out;
	}
	if (found > HL_STORE_LAYOUT) {
		snprintf(err, errlen,
			 "the store has layout %d, newer than this hotlined's %d: run a newer "
			 "hotlined", found, HL_STORE_LAYOUT);
		goto out;
	}
	if (found == HL_STORE_LAYOUT && !resuming)
		fprintf(out, "migrate: the store has layout %d already\n", found);
	for (; found < HL_STORE_LAYOUT; found++) {
		const struct step *s = NULL;
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			if (steps[i].from == found && steps[i].run)
				s = &steps[i];
		if (!s) {
			snprintf(err, errlen, "no migration from layout %d", found);
			goto out;
		}
		fprintf(out, "migrate: layout %d -> %d%s\n", found, found + 1,
			resuming ? " (resuming)" : "");
		snprintf(value, sizeof(value), "%d>%d", found, found + 1);
		if (set_layout(c, keys[0], value, err, errlen) < 0 ||
		    s->run(c, prefix, out, err, errlen) < 0)
			goto out;
		snprintf(value, sizeof(value), "%d", found + 1);
		if (set_layout(c, keys[0], value, err, errlen) < 0)
			goto out;
		resuming = 0;
	}
	/* a store found at its layout with a mark of a step under way: the step had ended */
	snprintf(value, sizeof(value), "%d", HL_STORE_LAYOUT);
	rc = set_layout(c, keys[0], value, err, errlen);
	if (rc == 0)
		fprintf(out, "migrate: done: layout %d\n", HL_STORE_LAYOUT);
out:
	redisFree(c);
	return rc;
}
