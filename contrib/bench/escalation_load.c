/*
 * escalation_load: fills a Redis with open tickets for `make bench-escalation` (issue 8,
 * the escalation engine), through the daemon's own Lua scripts, so that the data is what
 * production writes: lua/ticket_create.lua with the arguments core/tickets/intake.c passes, the
 * entry read from hl:intake by the consumer group `route` (XREADGROUP, as
 * core/tickets/dispatcher.c does), then lua/route_commit.lua with the arguments of a keyword
 * dispatch, its sign and answer clocks as core/time/sla.c builds them (each clock's stages:
 * warning, overdue, reminder, 督办 levels). The scripts are the very text the daemon loads
 * (keys.lua and lib.lua in front, from the generated build/gen/store/lua/NAME.lua.inc).
 * Pipelined: CHUNK creates, one XREADGROUP, then CHUNK commits, the next chunk's creates
 * sent with them.
 *
 * The tickets are hotline calls built from tests/data/tickets-sample.jsonl, varied like
 * contrib/bench/loadgen.c does (title suffix, added sentence, house number, random
 * mobile), dispatched to the sample's expected unit with the first catalogue item of
 * that unit (ITEMS, a TSV the bench script extracts from routes/catalogue.yaml: unit,
 * item, name, type, first keyword). They were created over the DAYS days before T0 (ms),
 * the newest day's with an Idempotency-Key still alive.
 *
 *  - FAR tickets have every stage 30 to 60 days after T0: nothing is due for a month;
 *  - B batches of S tickets (batch numbers O .. O+B-1, spread among the others): batch b's
 *    sign clock warns at W(b) = T0 + 1 day + b hours and is overdue at W(b) + 30 minutes;
 *    every other stage of theirs is after every batch's. So at W(b), and at W(b) + 30 min,
 *    exactly S stages fall due (the same millisecond, as midnight deadlines do).
 *
 *   escalation_load -s SOCKET -f SAMPLES -i ITEMS -T T0_MS [-n FAR] [-b B] [-S S] [-O O]
 *                   [-D DAYS] [-c CHUNK] [-x hl:]
 *
 * Prints progress to stderr and one line starting with RESULT. Exit 0 when every ticket
 * was created and dispatched, 1 otherwise.
 */
#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/keys.h"   /* -Icore: the layout key and version the daemon checks */
#include "store/layout.h"

#define SAMPLES_MAX 4096
#define ITEMS_MAX 512
#define MIN_MS 60000LL
#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL
#define CONSUMER "bench-loader"
#define COMMIT_ARGS 96

static const char create_src[] =
#include "store/lua/keys.lua.inc"
#include "store/lua/lib.lua.inc"
#include "store/lua/ticket_create.lua.inc"
	;
static const char commit_src[] =
#include "store/lua/keys.lua.inc"
#include "store/lua/lib.lua.inc"
#include "store/lua/route_commit.lua.inc"
	;

struct sample {
	char *title, *content, *address, *dept;
};

struct item {
	char *dept, *id, *name, *type, *keyword;
};

/* One ticket of a chunk, from its creation to its dispatch. */
struct ticket {
	int64_t now;
	long batch; /* -1: far */
	const struct sample *s;
	const struct item *it;
	char id[32], entry[48];
};

static struct sample samples[SAMPLES_MAX];
static size_t nsamples;
static struct item items[ITEMS_MAX];
static size_t nitems;
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static const char *prefix = "hl:";

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)((rnd() >> 32) % n);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

/* Calls fn with each line of path (its newline kept); returns 0, or -1 when the file
 * cannot be read. */
static int each_line(const char *path, void (*fn)(char *line))
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	while (getline(&line, &cap, f) > 0)
		fn(line);
	free(line);
	fclose(f);
	return 0;
}

/* A line of tickets-sample.jsonl with its expected unit, into samples. */
static void add_sample(char *line)
{
	struct json_object *o = json_tokener_parse(line), *expect;
	struct sample s = {NULL, NULL, NULL, NULL};

	if (!o || nsamples >= SAMPLES_MAX) {
		json_object_put(o);
		return;
	}
	s.title = member(o, "title");
	s.content = member(o, "content");
	s.address = member(o, "address");
	if (json_object_object_get_ex(o, "expect", &expect))
		s.dept = member(expect, "department");
	if (s.title && s.content && s.address && s.dept)
		samples[nsamples++] = s;
	json_object_put(o);
}

static int load_samples(const char *path)
{
	if (each_line(path, add_sample) < 0)
		return -1;
	if (!nsamples)
		fprintf(stderr, "escalation_load: %s: no ticket with an expected department\n", path);
	return nsamples ? 0 : -1;
}

/* unit TAB item TAB name TAB type TAB keyword, one per line, into items */
static void add_item(char *line)
{
	char *save = NULL, *v[5];
	int n = 0;

	if (nitems >= ITEMS_MAX)
		return;
	line[strcspn(line, "\n")] = '\0';
	for (char *t = strtok_r(line, "\t", &save); t && n < 5; t = strtok_r(NULL, "\t", &save))
		v[n++] = strdup(t);
	if (n == 5)
		items[nitems++] = (struct item){v[0], v[1], v[2], v[3], v[4]};
	else
		while (n > 0)
			free(v[--n]);
}

static int load_items(const char *path)
{
	return each_line(path, add_item);
}

/* The catalogue item the keyword router would give a ticket of this unit: the unit's
 * first, or for a district the first territorial one. NULL: routed by district alone. */
static const struct item *item_for(const char *dept)
{
	const char *want = strncmp(dept, "d.", 2) == 0 ? "territorial" : dept;

	for (size_t i = 0; i < nitems; i++) {
		if (strcmp(items[i].dept, want) == 0)
			return &items[i];
	}
	return NULL;
}

/* YYYYMMDD of ms in Asia/Shanghai (UTC+8 all year), as hl_time_format_date gives it. */
static void date_of(int64_t ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000 + 8 * 3600);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y%m%d", &tm);
}

/* argv building: strings are copied into a per-command text arena */
struct args {
	int argc;
	const char *argv[COMMIT_ARGS];
	size_t lens[COMMIT_ARGS];
	char text[COMMIT_ARGS][128];
};

static void arg(struct args *a, const char *s)
{
	a->argv[a->argc] = s;
	a->lens[a->argc++] = strlen(s);
}

static void arg_copy(struct args *a, const char *s)
{
	snprintf(a->text[a->argc], sizeof(a->text[0]), "%s", s);
	arg(a, a->text[a->argc]);
}

static void arg_int(struct args *a, long long v)
{
	snprintf(a->text[a->argc], sizeof(a->text[0]), "%lld", v);
	arg(a, a->text[a->argc]);
}

/* One argument by name, as lib.lua's named_args reads them (begin_named, then named per
 * argument, then end_named writes their number in front). */
static int begin_named(struct args *a)
{
	int at = a->argc;

	arg_copy(a, "0");
	return at;
}

static void named(struct args *a, const char *name, const char *value)
{
	arg(a, name);
	arg(a, value);
}

static void end_named(struct args *a, int at)
{
	snprintf(a->text[at], sizeof(a->text[0]), "%d", (a->argc - at - 1) / 2);
	a->lens[at] = strlen(a->text[at]);
}

/* EVALSHA sha 0 prefix now actor role: what hl_eval_as puts in front */
static void lead(struct args *a, const char *sha, int64_t now, const char *actor,
		 const char *role)
{
	a->argc = 0;
	arg(a, "EVALSHA");
	arg(a, sha);
	arg(a, "0");
	arg(a, prefix);
	arg_int(a, now);
	arg(a, actor);
	arg(a, role);
}

static const char *const title_suffixes[] = {"", "", "", "（再次反映）", "，请尽快处理",
					     "（第2次来电）", "，已多次反映"};
static const char *const additions[] = {"", "来电人补充：此情况已持续两周。",
					"来电人表示已向社区反映过，至今未解决。",
					"诉求：请相关部门尽快核实处理，并回复来电人。",
					"来电人情绪较急，希望3个工作日内有人联系。"};

static int append_create(redisContext *c, const char *sha, struct ticket *t, long serial,
			 int64_t t0, int64_t idem_ttl)
{
	static struct args a;
	static char title[1024], content[8192], address[512], phone[16], idem[96], hash[65],
		due[24];
	char date[16];
	unsigned p = rnd_below(1000000000u);
	int64_t age = t0 - t->now;

	lead(&a, sha, t->now, "agent", "agent");
	date_of(t->now, date, sizeof(date));
	arg_copy(&a, date);
	/* an Idempotency-Key is remembered for intake.idempotency_ttl: only the last day's */
	if (age < idem_ttl) {
		snprintf(idem, sizeof(idem), "%sidem:%016llx:bench-%ld", prefix,
			 0x5eedf00dcafe1234ull, serial);
		arg(&a, idem);
	} else {
		arg(&a, "");
	}
	for (int i = 0; i < 64; i++)
		hash[i] = "0123456789abcdef"[rnd_below(16)];
	hash[64] = '\0';
	arg(&a, hash);
	arg_int(&a, age < idem_ttl ? idem_ttl - age : idem_ttl);
	arg(&a, "");       /* rate key: none for hotline */
	arg(&a, "20");     /* intake.board_rate_limit */
	arg(&a, "600000"); /* intake.board_rate_window */
	arg(&a, "received");
	arg(&a, "hotline");
	snprintf(phone, sizeof(phone), "1%c%09u", "35789"[rnd_below(5)], p);
	arg(&a, phone);
	arg(&a, "");   /* no routing lease: on the routing stream, read below as the dispatcher does */
	arg(&a, "0");  /* related tickets since (not read without a lease) */
	arg(&a, "10"); /* and how many */
	/* the body's fields, in the order the JSON gave them (loadgen's) */
	snprintf(title, sizeof(title), "%s%s", t->s->title,
		 title_suffixes[rnd_below(sizeof(title_suffixes) / sizeof(title_suffixes[0]))]);
	snprintf(content, sizeof(content), "%s%s", t->s->content,
		 additions[rnd_below(sizeof(additions) / sizeof(additions[0]))]);
	snprintf(address, sizeof(address), "%s%u号", t->s->address, 1 + rnd_below(5000));
	arg(&a, "channel");
	arg(&a, "hotline");
	arg(&a, "title");
	arg(&a, title);
	arg(&a, "content");
	arg(&a, content);
	arg(&a, "address");
	arg(&a, address);
	arg(&a, "caller_phone");
	arg(&a, phone);
	/* the promise to the citizen: the answer limit of the default policy, 5wd */
	snprintf(due, sizeof(due), "%lld", (long long)(t->now + 7 * DAY_MS));
	arg(&a, "citizen_due_ms");
	arg(&a, due);
	return redisAppendCommandArgv(c, a.argc, a.argv, a.lens);
}

/* One clock as hl_sla_args_add writes it: name, deadline, count, then per stage its name,
 * due time and audience: warning at warn_at, overdue at the deadline, reminder and the
 * 督办 levels after `later` (the deadline, except for a batch ticket's sign clock). */
static void add_clock(struct args *a, const char *clock, int64_t deadline, int64_t warn_at,
		      int64_t later, int levels, const char *const *audiences)
{
	static const int64_t after[] = {4 * HOUR_MS, DAY_MS, 3 * DAY_MS};

	arg(a, clock);
	arg_int(a, deadline);
	arg_int(a, 3 + levels);
	arg(a, "warning");
	arg_int(a, warn_at);
	arg(a, "");
	arg(a, "overdue");
	arg_int(a, deadline);
	arg(a, "");
	arg(a, "reminder");
	arg_int(a, later + after[0]);
	arg(a, "unit_head");
	for (int l = 0; l < levels; l++) {
		char name[16];

		snprintf(name, sizeof(name), "escalation%d", l + 1);
		arg_copy(a, name);
		arg_int(a, later + after[1 + l]);
		arg(a, audiences[l]);
	}
}

static int append_commit(redisContext *c, const char *sha, const struct ticket *t, int64_t t0)
{
	static const char *const audiences[] = {"supervision_office", "leadership"};
	static struct args a;
	static char reason[512], return_until[24];
	const struct item *it = t->it;
	const char *policy = "default", *type = it ? it->type : "";
	int levels = 2;
	int64_t sign_deadline = t0 + 30 * DAY_MS + (int64_t)rnd_below(30 * 1440) * MIN_MS;
	int64_t answer_deadline = sign_deadline + 5 * DAY_MS;

	if (it && (strcmp(it->id, "water.outage") == 0 || strcmp(it->id, "power.outage") == 0 ||
		   strcmp(it->id, "gas.leak") == 0))
		policy = "utilities";
	else if (strcmp(type, "consultation") == 0)
		policy = "consultation", levels = 1;
	else if (strcmp(type, "suggestion") == 0)
		policy = "suggestion", levels = 1;
	if (it)
		snprintf(reason, sizeof(reason), "%s %s (%s), score %u: %s (title)", it->id, it->name,
			 it->type, 6 + 2 * rnd_below(8), it->keyword);
	else
		snprintf(reason, sizeof(reason), "the district of the address (%s)", t->s->dept);
	int at;

	lead(&a, sha, t->now, "dispatcher", "system");
	snprintf(return_until, sizeof(return_until), "%lld",
		 (long long)(t->now + DAY_MS)); /* return window: 1wd */
	at = begin_named(&a);
	named(&a, "mode", "dispatch");
	named(&a, "id", t->id);
	named(&a, "seq", "1");
	named(&a, "entry", t->entry);
	named(&a, "group", "route");
	named(&a, "unit", t->s->dept);
	named(&a, "item", it ? it->id : "");
	named(&a, "reason", reason);
	named(&a, "by", it ? "keyword" : "district");
	named(&a, "policy", policy);
	named(&a, "notify", "0");
	named(&a, "merge_into", "");
	named(&a, "type", type);
	named(&a, "return_until", return_until);
	end_named(&a, at);
	arg(&a, "2"); /* clocks */
	if (t->batch >= 0) { /* warning at W(b), overdue 30 min later, the rest far */
		int64_t w = t0 + DAY_MS + t->batch * HOUR_MS;

		add_clock(&a, "sign", w + 30 * MIN_MS, w, sign_deadline, levels, audiences);
	} else {
		add_clock(&a, "sign", sign_deadline, sign_deadline - 24 * MIN_MS, sign_deadline,
			  levels, audiences);
	}
	add_clock(&a, "answer", answer_deadline, answer_deadline - DAY_MS, answer_deadline, levels,
		  audiences);
	return redisAppendCommandArgv(c, a.argc, a.argv, a.lens);
}

static char *script_load(redisContext *c, const char *src)
{
	redisReply *r = redisCommand(c, "SCRIPT LOAD %s", src);
	char *sha = r && r->type == REDIS_REPLY_STRING ? strdup(r->str) : NULL;

	if (!sha)
		fprintf(stderr, "escalation_load: SCRIPT LOAD: %s\n",
			r && r->type == REDIS_REPLY_ERROR ? r->str : c->errstr);
	freeReplyObject(r);
	return sha;
}

static void usage(void)
{
	fprintf(stderr, "usage: escalation_load -s SOCKET -f SAMPLES -i ITEMS -T T0_MS [-n FAR] "
			"[-b BATCHES] [-S BATCH_SIZE] [-O FIRST_BATCH] [-D DAYS] [-c CHUNK] "
			"[-x PREFIX]\n");
	exit(2);
}

/* Reads the replies of the creates of tickets[0..n) and of the XREADGROUP after them. */
static int read_creates(redisContext *c, struct ticket *tickets, size_t n, long *errors)
{
	redisReply *r;

	for (size_t i = 0; i < n; i++) {
		if (redisGetReply(c, (void **)&r) != REDIS_OK)
			return -1;
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
		    strcmp(r->element[0]->str, "created") == 0) {
			snprintf(tickets[i].id, sizeof(tickets[i].id), "%s", r->element[1]->str);
		} else {
			if (++*errors <= 3)
				fprintf(stderr, "escalation_load: create: %s\n",
					r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
			tickets[i].id[0] = '\0';
		}
		freeReplyObject(r);
	}
	if (redisGetReply(c, (void **)&r) != REDIS_OK)
		return -1;
	/* [[stream, [[entry, [id, <id>, seq, 1]], ...]]] in the order they were added */
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
		redisReply *entries = r->element[0]->element[1];
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			if (!tickets[i].id[0])
				continue;
			tickets[i].entry[0] = '\0';
			if (k < entries->elements) {
				redisReply *e = entries->element[k++];
				redisReply *f = e->element[1];

				if (f->elements >= 2 && strcmp(f->element[1]->str, tickets[i].id) == 0)
					snprintf(tickets[i].entry, sizeof(tickets[i].entry), "%s",
						 e->element[0]->str);
			}
			if (!tickets[i].entry[0] && ++*errors <= 3)
				fprintf(stderr, "escalation_load: no routing entry for %s\n",
					tickets[i].id);
		}
	} else if (++*errors <= 3) {
		fprintf(stderr, "escalation_load: XREADGROUP: %s\n",
			r->type == REDIS_REPLY_ERROR ? r->str : "nothing read");
	}
	freeReplyObject(r);
	return 0;
}

static int read_commits(redisContext *c, const struct ticket *tickets, size_t n, long *errors)
{
	for (size_t i = 0; i < n; i++) {
		redisReply *r;

		if (!tickets[i].entry[0])
			continue;
		if (redisGetReply(c, (void **)&r) != REDIS_OK)
			return -1;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    strcmp(r->element[0]->str, "dispatched") != 0) {
			if (++*errors <= 3)
				fprintf(stderr, "escalation_load: commit %s: %s\n", tickets[i].id,
					r->type == REDIS_REPLY_ERROR ? r->str
					: r->type == REDIS_REPLY_ARRAY && r->elements
						? r->element[0]->str
						: "unexpected reply");
		}
		freeReplyObject(r);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *samples_path = NULL, *items_path = NULL;
	long far = 0, batches = 0, batch_size = 10000, first_batch = 0, chunk = 1000, days = 30;
	int64_t t0 = 0, span, idem_ttl = DAY_MS;
	int opt;

	while ((opt = getopt(argc, argv, "s:f:i:T:n:b:S:O:D:c:x:")) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 'f': samples_path = optarg; break;
		case 'i': items_path = optarg; break;
		case 'T': t0 = strtoll(optarg, NULL, 10); break;
		case 'n': far = atol(optarg); break;
		case 'b': batches = atol(optarg); break;
		case 'S': batch_size = atol(optarg); break;
		case 'O': first_batch = atol(optarg); break;
		case 'D': days = atol(optarg); break;
		case 'c': chunk = atol(optarg); break;
		case 'x': prefix = optarg; break;
		default: usage();
		}
	}
	if (!sock || !samples_path || !items_path || t0 <= 0 || far < 0 || batches < 0 ||
	    batch_size < 1 || chunk < 1 || days < 1)
		usage();
	if (load_samples(samples_path) < 0 || load_items(items_path) < 0)
		return 1;

	redisContext *c = redisConnectUnix(sock);
	if (!c || c->err) {
		fprintf(stderr, "escalation_load: %s: %s\n", sock, c ? c->errstr : "out of memory");
		return 1;
	}
	char *create_sha = script_load(c, create_src), *commit_sha = script_load(c, commit_src);
	if (!create_sha || !commit_sha)
		return 1;
	/* the routing group, as the dispatcher creates it */
	char intake[96];
	snprintf(intake, sizeof(intake), "%sintake", prefix);
	redisReply *r = redisCommand(c, "XGROUP CREATE %s route 0 MKSTREAM", intake);
	if (!r || (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9) != 0)) {
		fprintf(stderr, "escalation_load: XGROUP CREATE: %s\n", r ? r->str : c->errstr);
		return 1;
	}
	freeReplyObject(r);
	/* the layout these scripts write, as hotlined records it on an empty store */
	r = redisCommand(c, "SET %s%s %d", prefix, HL_KEY_LAYOUT, HL_STORE_LAYOUT);
	if (!r || r->type == REDIS_REPLY_ERROR) {
		fprintf(stderr, "escalation_load: SET layout: %s\n", r ? r->str : c->errstr);
		return 1;
	}
	freeReplyObject(r);

	long total = far + batches * batch_size, marked = 0, errors = 0, done = 0;
	struct ticket *cur = calloc((size_t)chunk, sizeof(*cur));
	struct ticket *next = calloc((size_t)chunk, sizeof(*next));
	size_t ncur = 0, nnext;
	double began = now_s(), shown = began;
	char count[24];

	if (!cur || !next)
		return 1;
	snprintf(count, sizeof(count), "%ld", chunk);
	span = days * DAY_MS;
	rng ^= (uint64_t)t0 * 0x9e3779b97f4a7c15ull + (uint64_t)first_batch;
	for (long i = 0;; i += chunk) {
		/* prepare and send the creates of the chunk starting at i (none past the end) */
		nnext = 0;
		for (long j = i; j < total && j < i + chunk; j++) {
			struct ticket *t = &next[nnext++];
			/* Bresenham: exactly batches * batch_size of the total are batch tickets */
			long k = total ? (long)(((__int128)j * batches * batch_size) / total) : 0;
			long k1 = total ? (long)(((__int128)(j + 1) * batches * batch_size) / total) : 0;

			memset(t, 0, sizeof(*t));
			t->now = t0 - span + (int64_t)((__int128)span * j / (total ? total : 1));
			t->batch = k1 != k ? first_batch + marked++ % batches : -1;
			t->s = &samples[rnd_below((unsigned)nsamples)];
			t->it = item_for(t->s->dept);
			if (append_create(c, create_sha, t, j, t0, idem_ttl) != REDIS_OK)
				return 1;
		}
		if (nnext) {
			const char *xr[] = {"XREADGROUP", "GROUP", "route", CONSUMER, "COUNT", count,
					    "STREAMS", intake, ">"};
			if (redisAppendCommandArgv(c, 9, xr, NULL) != REDIS_OK)
				return 1;
		}
		/* the commits of the chunk before, sent in the same write */
		for (size_t k = 0; k < ncur; k++) {
			if (cur[k].entry[0] && append_commit(c, commit_sha, &cur[k], t0) != REDIS_OK)
				return 1;
		}
		/* replies in the order sent: the creates and read, then the commits */
		if (nnext && read_creates(c, next, nnext, &errors) < 0)
			goto lost;
		if (read_commits(c, cur, ncur, &errors) < 0)
			goto lost;
		done += (long)ncur;
		struct ticket *swap = cur;
		cur = next;
		next = swap;
		ncur = nnext;
		if (now_s() - shown >= 10) {
			shown = now_s();
			fprintf(stderr, "escalation_load: %ld of %ld tickets, %.0f/s\n", done, total,
				(double)done / (shown - began));
		}
		if (!nnext)
			break;
	}
	double took = now_s() - began;
	printf("RESULT tickets=%ld far=%ld batch_tickets=%ld batches=%ld first_batch=%ld "
	       "secs=%.1f rate=%.0f errors=%ld\n",
	       done, far, marked, batches, first_batch, took, took > 0 ? (double)done / took : 0,
	       errors);
	redisFree(c);
	return errors || marked != batches * batch_size ? 1 : 0;
lost:
	fprintf(stderr, "escalation_load: Redis: %s\n", c->errstr);
	return 1;
}
