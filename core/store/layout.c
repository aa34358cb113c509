/* The store's layout version and its migration; see layout.h. Over 600 lines (680): the
 * version check, the guard against running daemons and one function per layout step
 * share the blocking connection and the batch-and-recheck helpers; a step that converts
 * data again should move the steps (to_layout2 ... to_layout5) into a file of their own. */
#include "store/layout.h"

#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Where a step writes what it did: the output, its name for the lines it writes, and
 * how many keys or members it put in quarantine (HL_KEY_QUARANTINE). */
struct report {
	FILE *out;
	const char *what;
	long long quarantined;
};

/* Runs a migration script (EVAL of its source) with keys, then the extra ARGV after
 * them. Its answer is an integer, which goes to *n_r, or an array of that integer
 * followed by (quarantine key, reason) pairs, each written to rep as one line.
 * Returns 0, or -1 with err. */
static int run_script(redisContext *c, enum hl_script_id script, size_t nkeys,
		      const char *const *keys, size_t nextra, const char *const *extra,
		      long long *n_r, struct report *rep, char *err, size_t errlen)
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
	} else if (done && done->type == REDIS_REPLY_ARRAY && done->elements % 2 == 1 &&
		   done->element[0]->type == REDIS_REPLY_INTEGER) {
		*n_r = done->element[0]->integer;
		for (size_t i = 1; i + 1 < done->elements; i += 2) {
			fprintf(rep->out, "migrate: %s: quarantined: %s (%s)\n", rep->what,
				done->element[i]->str ? done->element[i]->str : "?",
				done->element[i + 1]->str ? done->element[i + 1]->str : "?");
			rep->quarantined++;
		}
		rc = 0;
	} else if (done && done->type != REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "%s: an answer of an unexpected type %d",
			 hl_scripts[script].name, done->type);
	} else {
		snprintf(err, errlen, "%s", done && done->str ? done->str : c->errstr);
	}
	if (done)
		freeReplyObject(done);
	return rc;
}

/* How many times a step scans the store again for keys of the old layout that appeared
 * while it ran (written by a hotlined of that layout that should not be running) before
 * it gives up with an error instead of writing the new layout's number. */
#define RECHECKS 5

/* Scans (scan_keys) with fn again and again until a pass finds nothing of the old layout
 * (fn adds what it finds to *found), at most RECHECKS passes: what keeps appearing is
 * being written by a hotlined of layout `old` that should not be running. `stale` names
 * it, and `where` where it was looked for, in the error. Returns 0, or -1 with err. */
static int scan_until_none(redisContext *c, const char *zset, const char *pattern,
			   const char *type,
			   int (*fn)(redisContext *, const redisReply *, void *, char *, size_t),
			   void *arg, long long *found, const struct report *rep, int old,
			   const char *stale, const char *where, char *err, size_t errlen)
{
	for (int pass = 1;; pass++) {
		if (pass > RECHECKS) {
			snprintf(err, errlen,
				 "%s (%s) keep appearing: a hotlined of layout %d is writing to "
				 "this store; stop it and run again",
				 stale, where, old);
			return -1;
		}
		if (pass > 2)
			fprintf(rep->out, "migrate: %s: %lld more appeared meanwhile: again\n",
				rep->what, *found);
		*found = 0;
		if (scan_keys(c, zset, pattern, type, fn, arg, err, errlen) < 0)
			return -1;
		if (*found == 0)
			return 0;
	}
}

/* Keys converted a SCAN page at a time, each page one migration script taking the keys
 * (and the prefix as its one argument), which converts or quarantines each in the same
 * step: the steps to layouts 2 and 4. */
struct key_batches {
	const char *prefix;
	struct report rep;
	enum hl_script_id script;
	const char *verb;  /* for the batch lines: converted, moved */
	int every_key_old; /* each key the scan finds is of the old layout (else: those the
			      script converted or quarantined) */
	long long total, batches, found;
};

static int key_batch(redisContext *c, const redisReply *keys, void *arg, char *err,
		     size_t errlen)
{
	struct key_batches *b = arg;
	const char **names = calloc(keys->elements, sizeof(*names));
	long long n = 0, quarantined = b->rep.quarantined;
	int rc;

	if (!names) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < keys->elements; i++)
		names[i] = keys->element[i]->str;
	rc = run_script(c, b->script, keys->elements, names, 1, &b->prefix, &n, &b->rep, err,
			errlen);
	free(names);
	if (rc < 0)
		return -1;
	b->total += n;
	b->found += b->every_key_old ? (long long)keys->elements
				     : n + (b->rep.quarantined - quarantined);
	b->batches++;
	fprintf(b->rep.out, "migrate: %s: batch %lld: %lld %s (%lld in all)\n", b->rep.what,
		b->batches, n, b->verb, b->total);
	return 0;
}

/* Layout 2: each ticket's timeline is its hash's field `log` instead of a stream of its
 * own (HL_KEY_AUDIT; lua/lib.lua's audit). Converts the streams left, up to 500 keys a
 * batch (a SCAN page), each batch one script (lua/migrate_audit.lua); a converted stream
 * is deleted in the same step, so the step resumes where it stopped. A timeline that
 * cannot be converted whole (no ticket, an unknown field) is renamed into quarantine
 * (HL_KEY_QUARANTINE) and listed. After the last batch the store is scanned again, and
 * converted again, until a scan finds no timeline left (at most RECHECKS times). */
static int to_layout2(redisContext *c, const char *prefix, FILE *out, char *err, size_t errlen)
{
	char pattern[128];
	struct key_batches b = {prefix, {out, "timelines", 0}, HL_SCRIPT_MIGRATE_AUDIT,
				"converted", 1, 0, 0, 0};

	snprintf(pattern, sizeof(pattern), "%s%s*", prefix, HL_KEY_AUDIT);
	if (scan_until_none(c, NULL, pattern, "stream", key_batch, &b, &b.found, &b.rep, 1,
			    "timelines of layout 1", pattern, err, errlen) < 0)
		return -1;
	fprintf(out, "migrate: timelines: %lld moved into their tickets, %lld quarantined\n",
		b.total, b.rep.quarantined);
	return 0;
}

/* Layout 3, too: hl:due holds one member per ticket (its id) instead of one per running
 * clock ("id|clock|stage|audience"), and there is no idx:deadlines (lua/lib.lua). The old
 * members, found by ZSCAN a page at a time, are converted by lua/migrate_due.lua, each
 * removed in the step that converts it; idx:deadlines is deleted at the end. So the step
 * resumes where it stopped. A member that is not of the old form goes to quarantine, and
 * the set is scanned again until no old member is left (at most RECHECKS times). */
struct due_batches {
	const char *prefix;
	struct report rep;
	long long total, found;
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
	rc = run_script(c, HL_SCRIPT_MIGRATE_DUE, 0, NULL, n, members, &done, &b->rep, err,
			errlen);
	free(members);
	b->total += done;
	b->found += (long long)(n - 1);
	return rc;
}

static int to_one_due_member(redisContext *c, const char *prefix, FILE *out, char *err,
			     size_t errlen)
{
	char due[HL_LAYOUT_KEY_LEN], deadlines[HL_LAYOUT_KEY_LEN], pattern[8] = "*|*";
	struct due_batches b = {prefix, {out, "due", 0}, 0, 0};
	redisReply *r;

	hl_key(due, sizeof(due), prefix, HL_KEY_DUE);
	snprintf(deadlines, sizeof(deadlines), "%s%s%s", prefix, HL_KEY_INDEX, HL_INDEX_DEADLINES);
	if (scan_until_none(c, due, pattern, NULL, due_batch, &b, &b.found, &b.rep, 2,
			    "members of layout 2", due, err, errlen) < 0)
		return -1;
	r = redisCommand(c, "DEL %s", deadlines);
	if (!r || r->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "DEL %s: %s", deadlines, r && r->str ? r->str : c->errstr);
		if (r)
			freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	fprintf(out, "migrate: due: %lld stages waiting became one member per ticket%s\n", b.total,
		b.rep.quarantined ? ", some quarantined" : "");
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

/* The old event streams now in the store into s (its names freed first): the ledger and
 * the notices, whether they exist or not, then every units' queue; *left_r is how many
 * of them exist. Returns 0, or -1 with err. */
static int old_streams(redisContext *c, const char *prefix, struct stream_names *s,
		       long long *left_r, char *err, size_t errlen)
{
	char pattern[128];
	redisReply *r;

	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	s->n = 0;
	for (int i = 0; i < 2; i++) {
		char key[HL_LAYOUT_KEY_LEN];
		hl_key(key, sizeof(key), prefix, i == 0 ? HL_KEY_LEDGER : HL_KEY_NOTICES);
		if (!(s->names[s->n] = strdup(key))) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		s->n++;
	}
	snprintf(pattern, sizeof(pattern), "%s%s*", prefix, HL_KEY_DEPT);
	if (scan_keys(c, NULL, pattern, "stream", add_names, s, err, errlen) < 0)
		return -1;
	r = redisCommand(c, "EXISTS %s %s", s->names[0], s->names[1]);
	if (!r || r->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "EXISTS: %s", r && r->str ? r->str : c->errstr);
		if (r)
			freeReplyObject(r);
		return -1;
	}
	*left_r = r->integer + (long long)(s->n - 2);
	freeReplyObject(r);
	return 0;
}

/* Merges the old streams (old_streams) into the event stream until none is left: after
 * the last batch it looks again, and merges what appeared meanwhile, at most RECHECKS
 * times. */
static int to_layout3(redisContext *c, const char *prefix, FILE *out, char *err, size_t errlen)
{
	static struct stream_names s; /* --migrate runs once per process */
	const char *extra[] = {prefix, EVENTS_BATCH};
	long long total = 0, batches = 0, n, left = 0;
	size_t queues = 0;
	int rc = -1;

	s.n = 0;
	for (int round = 0;; round++) {
		if (old_streams(c, prefix, &s, &left, err, errlen) < 0)
			goto out;
		if (round > 0 && left == 0)
			break;
		if (round == RECHECKS) {
			snprintf(err, errlen,
				 "entries of layout 2 (%s, %s, %s*) keep appearing: a hotlined of "
				 "layout 2 is writing to this store; stop it and run again",
				 s.names[0], s.names[1], HL_KEY_DEPT);
			goto out;
		}
		if (round == 0)
			queues = s.n - 2;
		else
			fprintf(out, "migrate: events: %lld old streams written meanwhile: again\n",
				left);
		for (n = 1; n > 0;) {
			struct report rep = {out, "events", 0};
			if (run_script(c, HL_SCRIPT_MIGRATE_EVENTS, s.n,
				       (const char *const *)s.names, 2, extra, &n, &rep, err,
				       errlen) < 0)
				goto out;
			total += n;
			if (n > 0)
				fprintf(out,
					"migrate: events: batch %lld: %lld moved (%lld in all)\n",
					++batches, n, total);
		}
	}
	fprintf(out, "migrate: events: %lld entries of the ledger, %zu units' queues and the "
		     "notices merged into one stream\n",
		total, queues);
	rc = to_one_due_member(c, prefix, out, err, errlen);
out:
	for (size_t i = 0; i < s.n; i++)
		free(s.names[i]);
	s.n = 0;
	return rc;
}

/* Layout 4: each ticket's timeline is a string key of its own (HL_KEY_LOG, APPENDed by
 * lua/lib.lua's audit) instead of its hash's field `log`. The ticket hashes are scanned
 * 500 a batch (a SCAN page), each batch one script (lua/migrate_log.lua) that moves the
 * field of those that have one and deletes it in the same step, so the step resumes
 * where it stopped. After the last batch the store is scanned again, and moved again,
 * until a scan finds no field left (at most RECHECKS times). */
static int to_layout4(redisContext *c, const char *prefix, FILE *out, char *err, size_t errlen)
{
	char pattern[128];
	struct key_batches b = {prefix, {out, "timelines", 0}, HL_SCRIPT_MIGRATE_LOG, "moved",
				0, 0, 0, 0};

	snprintf(pattern, sizeof(pattern), "%s%s*", prefix, HL_KEY_TICKET);
	if (scan_until_none(c, NULL, pattern, "hash", key_batch, &b, &b.found, &b.rep, 3,
			    "ticket hashes with a field log", pattern, err, errlen) < 0)
		return -1;
	fprintf(out, "migrate: timelines: %lld moved out of their tickets into %s<id>, %lld "
		     "quarantined\n",
		b.total, HL_KEY_LOG, b.rep.quarantined);
	return 0;
}

/* Layout 5: what changed is what a daemon does with a received ticket's hl:due member
 * (a routing lease: put on the routing stream, not dropped); layout 4's data means the
 * same in layout 5, so the step only records the number, after the check that no
 * daemon of layout 4 runs. */
static int to_layout5(redisContext *c, const char *prefix, FILE *out, char *err, size_t errlen)
{
	(void)c;
	(void)prefix;
	(void)err;
	(void)errlen;
	fprintf(out, "migrate: routing leases: nothing to convert\n");
	return 0;
}

static const struct step steps[] = {
	{1, to_layout2},
	{2, to_layout3},
	{3, to_layout4},
	{4, to_layout5},
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

/* When a registry entry was last seen, in Asia/Shanghai local time (UTC+8 all year
 * since 1991: written without the zone database, so the same on every host). */
static void format_seen(long long ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;

	if (ms <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S +08:00", &tm))
		snprintf(buf, len, "unknown");
}

/* One registry entry ("instance pid P, version V, last seen T") into buf. */
static void describe_daemon(const char *instance, const char *json, char *buf, size_t len)
{
	struct json_object *o = json_tokener_parse(json), *v;
	long long pid = -1, seen = 0;
	const char *version = "?";
	char when[48];

	if (o && json_object_object_get_ex(o, "pid", &v))
		pid = json_object_get_int64(v);
	if (o && json_object_object_get_ex(o, "seen_ms", &v))
		seen = json_object_get_int64(v);
	if (o && json_object_object_get_ex(o, "version", &v) && json_object_get_string(v))
		version = json_object_get_string(v);
	format_seen(seen, when, sizeof(when));
	snprintf(buf, len, "%s (pid %lld, version %s, last seen %s)", instance, pid, version,
		 when);
	json_object_put(o);
}

/* The daemon registry (HL_KEY_DAEMONS) must be empty before a migration writes: a
 * hotlined of the old layout never reads HL_KEY_LAYOUT, so one left running would go on
 * writing what the new layout does not read. An orderly stop removes a daemon's entry; a
 * killed one leaves it, which force (the operator's word that it is gone) lets pass,
 * naming what it ignored. Returns 0, or -1 with the entries and what to do in err. */
static int no_daemons(redisContext *c, const char *prefix, int force, FILE *out, char *err,
		      size_t errlen)
{
	char key[HL_LAYOUT_KEY_LEN], line[512];
	redisReply *r;
	size_t used = 0, shown = 0, n;
	int rc = -1;

	hl_key(key, sizeof(key), prefix, HL_KEY_DAEMONS);
	r = redisCommand(c, "HGETALL %s", key);
	if (!r || r->type != REDIS_REPLY_ARRAY) {
		snprintf(err, errlen, "HGETALL %s: %s", key, r && r->str ? r->str : c->errstr);
		goto out;
	}
	n = r->elements / 2;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (force) {
		for (size_t i = 0; i + 1 < r->elements; i += 2) {
			describe_daemon(r->element[i]->str, r->element[i + 1]->str, line,
					sizeof(line));
			fprintf(out, "migrate: --force: ignoring %s in %s\n", line, key);
		}
		rc = 0;
		goto out;
	}
	used = (size_t)snprintf(err, errlen,
				"%zu hotlined registered in %s, which may still run on this store "
				"and write the old layout:",
				n, key);
	for (size_t i = 0; i + 1 < r->elements && used < errlen; i += 2) {
		describe_daemon(r->element[i]->str, r->element[i + 1]->str, line, sizeof(line));
		if (used + strlen(line) + 400 > errlen)
			break;
		used += (size_t)snprintf(err + used, errlen - used, "\n  %s", line);
		shown++;
	}
	if (shown < n && used < errlen)
		used += (size_t)snprintf(err + used, errlen - used, "\n  and %zu more (HGETALL %s)",
					 n - shown, key);
	if (used < errlen)
		snprintf(err + used, errlen - used,
			 "\nstop them first (an orderly stop removes its entry); if they are gone "
			 "(killed, so that their entries stayed), run again with: hotlined "
			 "--migrate --force -c FILE");
out:
	if (r)
		freeReplyObject(r);
	return rc;
}

int hl_layout_migrate(const struct hl_config *cfg, int force, FILE *out, char *err,
		      size_t errlen)
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
	/* a store at this layout is left as it is, whoever runs on it; any other is
	 * written, and no daemon may run on it meanwhile (an empty store too: a hotlined of
	 * layout 1 that registered there would fill it with layout 1) */
	if ((found < HL_STORE_LAYOUT || resuming) && no_daemons(c, prefix, force, out, err,
								 errlen) < 0)
		goto out;
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
