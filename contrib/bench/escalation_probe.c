/*
 * escalation_probe: the measurements of `make bench-escalation` (issue 8, the escalation
 * engine) on a Redis filled by escalation_load. One mode per run:
 *
 *   sweep   -s SOCKET -t NOW [-n CALLS]
 *           CALLS sweeps with nothing due: lua/due_claim.lua called exactly as
 *           core/tickets/escalation.c does (EVALSHA, prefix, now, "escalation", "system", 64),
 *           one after the other; the time of each (send to reply) and Redis's own time for
 *           them (INFO commandstats, cmdstat_evalsha).
 *   claim   -s SOCKET -t NOW -e EXPECT
 *           one sweep when stages are due, as the daemon runs it: claims of 64 one after
 *           the other while a claim comes back full; the whole and the longest claim (Redis
 *           runs nothing else meanwhile), and how many stages fired.
 *   fire    -s SOCKET -p PORT -k ADMIN_TOKEN -t MOMENT -a ADVANCED_MS -g STAGE -e EXPECT
 *           [-w WAIT_S]
 *           with hotlined (tests/hotlined-testclock, test_clock: true) running on that
 *           Redis: moves the daemon's clock to MOMENT (POST /v1/test/clock; ADVANCED_MS is
 *           how far it was moved before), then reads the event stream (hl:events, whose
 *           ledger entries the firing writes) until EXPECT
 *           entries of STAGE due at MOMENT are there: how late each fired (its `at`, the
 *           daemon's now when it claimed, minus its due time).
 *   memory  -s SOCKET -n TICKETS -m USED_BEFORE [-c SAMPLE]
 *           where Redis's memory goes: used_memory now minus before, per ticket, and the
 *           shares of hl:due, the other big keys (exact, MEMORY USAGE SAMPLES 0) and of the
 *           per-ticket keys (a random SAMPLE of tickets).
 *
 * Common: [-x hl:] the key prefix. Each mode prints one line starting with RESULT.
 * Exit 0, or 1 when a step failed or the counts were not what was expected.
 */
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CLAIM_MOST 64        /* core/tickets/escalation.c */
#define FIELDS_PER_STAGE 7   /* what due_claim.lua returns per stage */
#define LEDGER_COUNT "10000" /* ledger entries per XRANGE */

static const char due_claim_src[] =
#include "store/lua/keys.lua.inc"
#include "store/lua/lib.lua.inc"
#include "store/lua/due_claim.lua.inc"
	;

static const char *prefix = "hl:";
static redisContext *rc;
static char sha[48];

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* the q-quantile (0..1) of sorted v[0..n), nearest rank */
static int64_t quantile(const int64_t *v, size_t n, double q)
{
	size_t k;

	if (!n)
		return 0;
	k = (size_t)(q * (double)n + 0.999999);
	return v[k ? k - 1 : 0];
}

static void die(const char *what, const redisReply *r)
{
	fprintf(stderr, "escalation_probe: %s: %s\n", what,
		r && r->type == REDIS_REPLY_ERROR ? r->str
		: rc && rc->err			  ? rc->errstr
						  : "unexpected reply");
	exit(1);
}

static redisReply *command(const char *what, int argc, const char **argv)
{
	redisReply *r = redisCommandArgv(rc, argc, argv, NULL);

	if (!r || r->type == REDIS_REPLY_ERROR)
		die(what, r);
	return r;
}

/* cmdstat_evalsha of INFO commandstats: calls and usec so far */
static void evalsha_stats(long long *calls, long long *usec)
{
	redisReply *r = redisCommand(rc, "INFO commandstats");
	const char *p;

	*calls = *usec = 0;
	if (!r || r->type != REDIS_REPLY_STRING)
		die("INFO commandstats", r);
	if ((p = strstr(r->str, "cmdstat_evalsha:")))
		sscanf(p, "cmdstat_evalsha:calls=%lld,usec=%lld", calls, usec);
	freeReplyObject(r);
}

static long long info_number(const char *section, const char *field)
{
	redisReply *r = redisCommand(rc, "INFO %s", section);
	char key[64];
	const char *p;
	long long v = -1;

	if (!r || r->type != REDIS_REPLY_STRING)
		die("INFO", r);
	snprintf(key, sizeof(key), "\n%s:", field);
	if ((p = strstr(r->str, key)))
		v = atoll(p + strlen(key));
	freeReplyObject(r);
	return v;
}

static void load_script(void)
{
	redisReply *r = redisCommand(rc, "SCRIPT LOAD %s", due_claim_src);

	if (!r || r->type != REDIS_REPLY_STRING)
		die("SCRIPT LOAD", r);
	snprintf(sha, sizeof(sha), "%s", r->str);
	freeReplyObject(r);
}

/* One claim as core/tickets/escalation.c sends it; returns the stages it fired, *us its time,
 * *more whether the claim was full (more may be due). */
static size_t claim_once(int64_t now, int64_t *us, int *more)
{
	char nows[24], most[16];
	const char *argv[] = {"EVALSHA", sha, "0", prefix, nows, "escalation", "system", most};
	redisReply *r;
	int64_t t;
	size_t n;

	snprintf(nows, sizeof(nows), "%lld", (long long)now);
	snprintf(most, sizeof(most), "%d", CLAIM_MOST);
	t = mono_us();
	r = command("due_claim", 8, argv);
	*us = mono_us() - t;
	if (r->type != REDIS_REPLY_ARRAY)
		die("due_claim", r);
	n = r->elements / FIELDS_PER_STAGE; /* after the leading "more" flag */
	*more = r->elements > 0 && r->element[0]->type == REDIS_REPLY_STRING &&
		strcmp(r->element[0]->str, "1") == 0;
	freeReplyObject(r);
	return n;
}

static int mode_sweep(int64_t now, long calls)
{
	int64_t *us = calloc((size_t)calls, sizeof(*us)), total = 0;
	long long c0, u0, c1, u1;
	size_t fired = 0;
	int more;

	if (!us)
		return 1;
	evalsha_stats(&c0, &u0);
	for (long i = 0; i < calls; i++) {
		fired += claim_once(now, &us[i], &more);
		total += us[i];
	}
	evalsha_stats(&c1, &u1);
	qsort(us, (size_t)calls, sizeof(*us), cmp64);
	printf("RESULT calls=%ld fired=%zu client_p50_us=%lld client_p99_us=%lld "
	       "client_mean_us=%.1f redis_us_per_call=%.2f\n",
	       calls, fired, (long long)quantile(us, (size_t)calls, 0.5),
	       (long long)quantile(us, (size_t)calls, 0.99), (double)total / (double)calls,
	       c1 > c0 ? (double)(u1 - u0) / (double)(c1 - c0) : 0.0);
	free(us);
	return fired ? 1 : 0;
}

static int mode_claim(int64_t now, long expect)
{
	long long c0, u0, c1, u1;
	int64_t start = mono_us(), longest = 0, us;
	size_t fired = 0, calls = 0;
	int more;

	evalsha_stats(&c0, &u0);
	do {
		fired += claim_once(now, &us, &more);
		calls++;
		if (us > longest)
			longest = us;
	} while (more);
	us = mono_us() - start;
	evalsha_stats(&c1, &u1);
	printf("RESULT fired=%zu calls=%zu total_ms=%.1f longest_call_ms=%.2f redis_ms=%.1f "
	       "us_per_stage=%.1f\n",
	       fired, calls, (double)us / 1000, (double)longest / 1000,
	       (double)(u1 - u0) / 1000, fired ? (double)(u1 - u0) / (double)fired : 0.0);
	return (long)fired == expect ? 0 : 1;
}

/* POST /v1/test/clock {"advance":"<ms>ms"} to 127.0.0.1:port; 0 when answered 200 */
static int advance_clock(int port, const char *token, int64_t ms)
{
	struct sockaddr_in a = {0};
	char body[64], req[512], res[1024];
	int fd = socket(AF_INET, SOCK_STREAM, 0), len, got = 0;
	ssize_t k;

	if (fd < 0)
		return -1;
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(body, sizeof(body), "{\"advance\":\"%lldms\"}", (long long)ms);
	len = snprintf(req, sizeof(req),
		       "POST /v1/test/clock HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		       "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
		       "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		       port, token, strlen(body), body);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || write(fd, req, (size_t)len) != len) {
		close(fd);
		return -1;
	}
	while (got < (int)sizeof(res) - 1 && (k = read(fd, res + got, sizeof(res) - 1 - (size_t)got)) > 0)
		got += (int)k;
	res[got] = '\0';
	close(fd);
	if (strncmp(res, "HTTP/1.1 200", 12) != 0) {
		fprintf(stderr, "escalation_probe: test clock: %.200s\n", res);
		return -1;
	}
	return 0;
}

static const char *entry_field(const redisReply *f, const char *name)
{
	for (size_t i = 0; i + 1 < f->elements; i += 2) {
		if (strcmp(f->element[i]->str, name) == 0)
			return f->element[i + 1]->str;
	}
	return NULL;
}

static int mode_fire(int port, const char *token, int64_t moment, int64_t advanced,
		     const char *stage, long expect, int wait_s)
{
	char ledger[96], from[64], due[24];
	const char *top_argv[] = {"XREVRANGE", ledger, "+", "-", "COUNT", "1"};
	redisReply *r;
	int64_t *late = calloc((size_t)expect + 1, sizeof(*late)), amount, t0, last_us = 0;
	size_t n = 0, others = 0;
	long long c0, u0, c1, u1;

	if (!late)
		return 1;
	snprintf(ledger, sizeof(ledger), "%sevents", prefix); /* the ledger's entries */
	snprintf(due, sizeof(due), "%lld", (long long)moment);
	r = command("XREVRANGE", 6, top_argv);
	snprintf(from, sizeof(from), "-");
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1)
		snprintf(from, sizeof(from), "(%s", r->element[0]->element[0]->str);
	freeReplyObject(r);
	evalsha_stats(&c0, &u0);
	amount = moment - (real_ms() + advanced);
	if (amount < 0) {
		fprintf(stderr, "escalation_probe: the daemon's clock is past %lld already\n",
			(long long)moment);
		return 1;
	}
	t0 = mono_us();
	if (advance_clock(port, token, amount) < 0)
		return 1;
	while ((long)n < expect && mono_us() - t0 < (int64_t)wait_s * 1000000) {
		const char *argv[] = {"XRANGE", ledger, from, "+", "COUNT", LEDGER_COUNT};

		r = command("XRANGE", 6, argv);
		for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
			const redisReply *e = r->element[i], *f = e->element[1];
			const char *ev = entry_field(f, "event"), *d = entry_field(f, "due_ms"),
				   *at = entry_field(f, "at");

			snprintf(from, sizeof(from), "(%s", e->element[0]->str);
			if (ev && d && at && strcmp(ev, stage) == 0 && strcmp(d, due) == 0 &&
			    (long)n < expect) {
				late[n++] = atoll(at) - moment;
				last_us = mono_us() - t0;
			} else {
				others++;
			}
		}
		if (r->elements == 0)
			usleep(20000);
		freeReplyObject(r);
	}
	evalsha_stats(&c1, &u1);
	qsort(late, n, sizeof(*late), cmp64);
	printf("RESULT stage=%s fired=%zu other_ledger=%zu late_min_ms=%lld late_p50_ms=%lld "
	       "late_p99_ms=%lld late_max_ms=%lld first_to_last_ms=%lld last_seen_ms=%.0f "
	       "redis_evalsha_ms=%.1f evalsha_calls=%lld advanced=%lld\n",
	       stage, n, others, (long long)(n ? late[0] : 0), (long long)quantile(late, n, 0.5),
	       (long long)quantile(late, n, 0.99), (long long)(n ? late[n - 1] : 0),
	       (long long)(n ? late[n - 1] - late[0] : 0),
	       (double)last_us / 1000, (double)(u1 - u0) / 1000, c1 - c0,
	       (long long)(advanced + amount));
	free(late);
	return (long)n == expect ? 0 : 1;
}

static long long usage_of(const char *key)
{
	redisReply *r = redisCommand(rc, "MEMORY USAGE %s SAMPLES 0", key);
	long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : 0;

	if (!r)
		die("MEMORY USAGE", r);
	freeReplyObject(r);
	return v;
}

/* MEMORY USAGE summed over the keys matching pattern (SCAN); *count gets their number */
static long long usage_matching(const char *pattern, long long *count)
{
	char cursor[32] = "0";
	long long sum = 0;

	*count = 0;
	do {
		redisReply *r = redisCommand(rc, "SCAN %s MATCH %s COUNT 20000", cursor, pattern);
		redisReply *keys;

		if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2)
			die("SCAN", r);
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		keys = r->element[1];
		for (size_t i = 0; i < keys->elements; i++)
			redisAppendCommand(rc, "MEMORY USAGE %s SAMPLES 0", keys->element[i]->str);
		for (size_t i = 0; i < keys->elements; i++) {
			redisReply *u;

			if (redisGetReply(rc, (void **)&u) != REDIS_OK)
				die("MEMORY USAGE", NULL);
			if (u->type == REDIS_REPLY_INTEGER) {
				sum += u->integer;
				(*count)++;
			}
			freeReplyObject(u);
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	return sum;
}

static char *encoding_of(const char *key)
{
	redisReply *r = redisCommand(rc, "OBJECT ENCODING %s", key);
	char *s = strdup(r && r->type == REDIS_REPLY_STRING ? r->str : "-");

	freeReplyObject(r);
	return s;
}

static int mode_memory(long tickets, long long before, long sample)
{
	char key[256];
	long long used = info_number("memory", "used_memory");
	long long rss = info_number("memory", "used_memory_rss");
	long long due, deadlines, all, state, intake, ledger, notices, dept, idem, ndept, nidem;
	double t_hash = 0, t_audit = 0, t_phone = 0, t_addr = 0;
	long got = 0;
	redisReply *r;
	char *enc_hash = NULL, *enc_audit = NULL;
	long long zcard_due;

#define BIG(var, name)                                                                       \
	do {                                                                                 \
		snprintf(key, sizeof(key), "%s%s", prefix, name);                            \
		var = usage_of(key);                                                         \
	} while (0)
	BIG(due, "due");
	BIG(deadlines, "idx:deadlines");
	BIG(all, "idx:all");
	BIG(state, "idx:state:dispatched");
	BIG(intake, "intake");
	BIG(ledger, "events"); /* layout 3: the ledger, the units' queues and the notices */
	notices = 0;           /* on hl:events since layout 3 */
	snprintf(key, sizeof(key), "%sdue", prefix);
	r = redisCommand(rc, "ZCARD %s", key);
	zcard_due = r && r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
	freeReplyObject(r);
	snprintf(key, sizeof(key), "%s*dept:*", prefix);
	dept = usage_matching(key, &ndept);
	snprintf(key, sizeof(key), "%sidem:*", prefix);
	idem = usage_matching(key, &nidem);

	/* the per-ticket keys of a random sample: hash, audit trail, phone and address index */
	snprintf(key, sizeof(key), "%sidx:all", prefix);
	r = redisCommand(rc, "ZRANDMEMBER %s %ld", key, sample);
	if (!r || r->type != REDIS_REPLY_ARRAY)
		die("ZRANDMEMBER", r);
	for (size_t i = 0; i < r->elements; i++) {
		const char *id = r->element[i]->str;
		redisReply *h = redisCommand(rc, "HMGET %st:%s caller_phone address", prefix, id);
		char k2[512];

		if (!h || h->type != REDIS_REPLY_ARRAY || h->elements != 2)
			die("HMGET", h);
		snprintf(k2, sizeof(k2), "%st:%s", prefix, id);
		t_hash += (double)usage_of(k2);
		if (!enc_hash)
			enc_hash = encoding_of(k2);
		snprintf(k2, sizeof(k2), "%slog:%s", prefix, id);
		t_audit += (double)usage_of(k2);
		if (!enc_audit)
			enc_audit = encoding_of(k2);
		for (int j = 0; j < 2; j++) {
			redisReply *z;

			if (h->element[j]->type != REDIS_REPLY_STRING)
				continue;
			snprintf(k2, sizeof(k2), "%sidx:%s:%s", prefix, j ? "addr" : "phone",
				 h->element[j]->str);
			z = redisCommand(rc, "ZCARD %s", k2);
			if (z && z->type == REDIS_REPLY_INTEGER && z->integer > 0)
				*(j ? &t_addr : &t_phone) += (double)usage_of(k2) / (double)z->integer;
			freeReplyObject(z);
		}
		freeReplyObject(h);
		got++;
	}
	freeReplyObject(r);
	if (!got || tickets <= 0)
		die("no tickets to sample", NULL);
	double per = (double)(used - before) / (double)tickets;
	double hash = t_hash / (double)got, audit = t_audit / (double)got;
	double phone = t_phone / (double)got, addr = t_addr / (double)got;
	double n = (double)tickets;
	double known = hash + audit + phone + addr +
		       (double)(due + deadlines + all + state + intake + ledger + notices + dept +
				idem) /
			       n;

	printf("RESULT tickets=%ld used_before=%lld used_after=%lld rss=%lld per_ticket_b=%.0f "
	       "hash_b=%.0f audit_b=%.0f phone_idx_b=%.0f addr_idx_b=%.0f due_b=%.1f "
	       "deadlines_b=%.1f all_b=%.1f state_b=%.1f dept_b=%.1f intake_b=%.1f ledger_b=%.1f "
	       "notices_b=%.1f idem_b=%.1f other_b=%.0f due_total=%lld due_members=%lld "
	       "dept_keys=%lld idem_keys=%lld hash_encoding=%s audit_encoding=%s "
	       "ratio_to_hash=%.2f\n",
	       tickets, before, used, rss, per, hash, audit, phone, addr, (double)due / n,
	       (double)deadlines / n, (double)all / n, (double)state / n, (double)dept / n,
	       (double)intake / n, (double)ledger / n, (double)notices / n, (double)idem / n,
	       per - known, due, zcard_due, ndept, nidem, enc_hash ? enc_hash : "-",
	       enc_audit ? enc_audit : "-", hash > 0 ? per / hash : 0.0);
	free(enc_hash);
	free(enc_audit);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: escalation_probe sweep  -s SOCKET -t NOW [-n CALLS]\n"
		"       escalation_probe claim  -s SOCKET -t NOW -e EXPECT\n"
		"       escalation_probe fire   -s SOCKET -p PORT -k TOKEN -t MOMENT -a ADVANCED "
		"-g STAGE -e EXPECT [-w WAIT_S]\n"
		"       escalation_probe memory -s SOCKET -n TICKETS -m USED_BEFORE [-c SAMPLE]\n"
		"       (all: [-x PREFIX])\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode, *sock = NULL, *token = NULL, *stage = "overdue";
	long calls = 1000, expect = -1, tickets = 0, sample = 2000;
	int64_t now = 0, advanced = 0;
	long long before = 0;
	int port = 0, wait_s = 60, opt, rcode;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "s:t:n:e:p:k:a:g:w:m:x:c:")) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 't': now = strtoll(optarg, NULL, 10); break;
		case 'n': calls = tickets = atol(optarg); break;
		case 'e': expect = atol(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 'k': token = optarg; break;
		case 'a': advanced = strtoll(optarg, NULL, 10); break;
		case 'g': stage = optarg; break;
		case 'w': wait_s = atoi(optarg); break;
		case 'm': before = atoll(optarg); break;
		case 'x': prefix = optarg; break;
		case 'c': sample = atol(optarg); break;
		default: usage();
		}
	}
	if (!sock)
		usage();
	rc = redisConnectUnix(sock);
	if (!rc || rc->err) {
		fprintf(stderr, "escalation_probe: %s: %s\n", sock, rc ? rc->errstr : "out of memory");
		return 1;
	}
	if (strcmp(mode, "sweep") == 0 && calls > 0) {
		load_script();
		rcode = mode_sweep(now ? now : real_ms(), calls);
	} else if (strcmp(mode, "claim") == 0 && now > 0 && expect >= 0) {
		load_script();
		rcode = mode_claim(now, expect);
	} else if (strcmp(mode, "fire") == 0 && port > 0 && token && now > 0 && expect > 0) {
		rcode = mode_fire(port, token, now, advanced, stage, expect, wait_s);
	} else if (strcmp(mode, "memory") == 0 && tickets > 0) {
		rcode = mode_memory(tickets, before, sample);
	} else {
		usage();
	}
	redisFree(rc);
	return rcode;
}
