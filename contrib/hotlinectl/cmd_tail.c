/*
 * tail: follows the audit trail live, one line per entry as it is written.
 *
 * hotlined has no streaming endpoint, and GET /v1/tickets filters on when a ticket was
 * created, not on when it last changed. So tail follows a window: the newest --window
 * tickets (creation order, narrowed by the filters), listed every --interval. A ticket
 * that is new in the window, or whose updated_at moved, is read whole (GET
 * /v1/tickets/{id}) and the audit entries not printed yet are printed, oldest first.
 * Notes and deadline stages do not move updated_at, so every fifth poll reads every
 * ticket of the window. What happens to a ticket older than the window is not seen: a
 * unit following its own work narrows the window with --department.
 *
 * Only entries written after tail started are printed (by the server's clock, its Date
 * header), unless --since is given: then every entry of the tickets created since then.
 * It stops at Ctrl-C (a second one kills it at once), after --count entries, or after
 * --for. The server going away is reported once and polling goes on.
 */
#include <json-c/json.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "width.h"

#define SWEEP_EVERY 5 /* polls between reads of every ticket in the window */
#define UNKNOWN_COUNT SIZE_MAX

struct followed {
	char id[32];
	char updated[48];
	size_t printed; /* audit entries already printed or older than the start */
};

struct fresh {
	int64_t at;
	size_t order; /* ties keep the order they were read in */
	const char *id;
	struct json_object *entry;
};

struct tail {
	struct followed *tickets;
	size_t n;
	int64_t start; /* entries before this (Unix seconds) are history; INT64_MIN: none */
	struct fresh *fresh;
	size_t nfresh, capfresh;
	size_t printed, count; /* entries printed, and the most to print (0: no limit) */
	int lost;              /* the server is not answering; said once */
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static const struct hlc_opt tail_opts[] = {
	{"window", HLC_VALUE, "N", "follow the N newest tickets (1-200, default 50)", HLC_NOWHERE,
	 NULL},
	{"department", HLC_VALUE, "CODE", "only tickets a unit leads or co-handles", HLC_STRING,
	 "department"},
	{"state", HLC_VALUE, "STATE", "only tickets in this state", HLC_STRING, "state"},
	{"channel", HLC_VALUE, "CHANNEL", "only tickets of this channel", HLC_STRING, "channel"},
	{"since", HLC_VALUE, "TIME", "also print what tickets created since TIME went through",
	 HLC_STRING, "since"},
	{"interval", HLC_VALUE, "SECONDS", "time between polls (default 1)", HLC_NOWHERE, NULL},
	{"count", HLC_VALUE, "N", "stop after N entries", HLC_NOWHERE, NULL},
	{"for", HLC_VALUE, "DURATION", "stop after this long: 30s, 5m, 1h", HLC_NOWHERE, NULL},
	{NULL, 0, NULL, NULL, 0, NULL},
};

/* "90", "90s", "5m", "1h", "1.5" in seconds. Returns -1 when it is none of those. */
static double seconds_of(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return -1;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		return v;
	if (strcmp(end, "ms") == 0)
		return v / 1000;
	if (strcmp(end, "m") == 0)
		return v * 60;
	if (strcmp(end, "h") == 0)
		return v * 3600;
	return -1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct followed *find(struct tail *t, const char *id)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->tickets[i].id, id) == 0)
			return &t->tickets[i];
	}
	return NULL;
}

static int add_fresh(struct tail *t, const char *id, struct json_object *entry)
{
	int64_t at;

	if (t->nfresh == t->capfresh) {
		size_t cap = t->capfresh ? t->capfresh * 2 : 64;
		struct fresh *grown = realloc(t->fresh, cap * sizeof(*grown));

		if (!grown)
			return -1;
		t->fresh = grown;
		t->capfresh = cap;
	}
	if (hlc_iso_seconds(hlc_str_or(entry, "at", ""), &at) < 0)
		at = INT64_MAX;
	t->fresh[t->nfresh] = (struct fresh){at, t->nfresh, id, json_object_get(entry)};
	t->nfresh++;
	return 0;
}

/* Reads one ticket and queues the entries of its timeline not printed yet. Returns -1
 * when the server did not answer; a ticket it refuses to show (gone from this role's
 * view) is skipped. */
static int read_ticket(struct hlc_ctx *c, struct tail *t, struct followed *f)
{
	struct hlc_response r;
	struct json_object *o, *audit;
	char path[128], *id = hlc_escape(f->id);
	size_t n;

	snprintf(path, sizeof(path), "/v1/tickets/%s", id ? id : "");
	free(id);
	hlc_http_request(&c->http, "GET", path, NULL, NULL, &r);
	if (r.status == 0 || r.status == 503) {
		hlc_response_free(&r);
		return -1;
	}
	o = r.status == 200 && r.body ? json_tokener_parse(r.body) : NULL;
	hlc_response_free(&r);
	if (!o || !json_object_object_get_ex(o, "audit", &audit) ||
	    !json_object_is_type(audit, json_type_array)) {
		json_object_put(o);
		return 0;
	}
	n = json_object_array_length(audit);
	if (f->printed == UNKNOWN_COUNT) { /* first sight: what came before the start is history */
		f->printed = 0;
		while (f->printed < n) {
			int64_t at;
			const char *when = hlc_str_or(json_object_array_get_idx(audit, f->printed),
						      "at", "");

			if (hlc_iso_seconds(when, &at) == 0 && at >= t->start)
				break;
			f->printed++;
		}
	}
	for (size_t i = f->printed; i < n; i++)
		add_fresh(t, f->id, json_object_array_get_idx(audit, i));
	if (n > f->printed)
		f->printed = n;
	json_object_put(o);
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct fresh *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The widths of tail's columns; the note follows, whole. */
static const struct {
	const char *header;
	size_t cols;
} columns[] = {{"AT", 19}, {"TICKET", 15}, {"ACTION", 19}, {"STATE", 24}, {"BY", 20}};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* Writes one line: the cells padded to their columns (wider ones pushing the rest right,
 * never cut), then the last text, without trailing spaces. */
static void print_line(const char *const *cells, const char *last)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		return;
	for (size_t i = 0; i < NCOLUMNS; i++) {
		char *clean = hlc_printable(cells[i], 0);
		char *fitted = clean ? hlc_fit(clean, columns[i].cols, 0) : NULL;

		fprintf(f, "%s  ", fitted ? fitted : cells[i]);
		free(fitted);
		free(clean);
	}
	{
		char *clean = hlc_printable(last, 0);

		fputs(clean ? clean : last, f);
		free(clean);
	}
	fclose(f);
	while (len > 0 && line[len - 1] == ' ')
		line[--len] = '\0';
	puts(line);
	free(line);
}

static void print_header(void)
{
	const char *cells[NCOLUMNS];

	for (size_t i = 0; i < NCOLUMNS; i++)
		cells[i] = columns[i].header;
	print_line(cells, "NOTE");
}

static void print_entry(const struct hlc_ctx *c, const struct fresh *e)
{
	char at[40], states[80], by[160], *note;
	const char *cells[NCOLUMNS];

	if (c->json) {
		struct json_object *copy = json_object_new_object();

		json_object_object_add(copy, "ticket", json_object_new_string(e->id));
		json_object_object_foreach(e->entry, key, val)
			json_object_object_add(copy, key, json_object_get(val));
		printf("%s\n", json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN |
									   JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(copy);
		return;
	}
	hlc_short_time(hlc_str_or(e->entry, "at", ""), at, sizeof(at));
	hlc_audit_states(e->entry, states, sizeof(states));
	hlc_audit_by(e->entry, by, sizeof(by));
	cells[0] = at;
	cells[1] = e->id;
	cells[2] = hlc_str_or(e->entry, "action", "");
	cells[3] = states;
	cells[4] = by;
	note = hlc_audit_note(e->entry);
	print_line(cells, note ? note : "");
	free(note);
}

/* Prints what this poll found, oldest first, up to --count. Returns 1 when the count is
 * reached. */
static int flush(const struct hlc_ctx *c, struct tail *t)
{
	int done = 0;

	if (t->nfresh > 1)
		qsort(t->fresh, t->nfresh, sizeof(t->fresh[0]), by_time);
	for (size_t i = 0; i < t->nfresh; i++) {
		if (!done)
			print_entry(c, &t->fresh[i]);
		if (!done && ++t->printed == t->count)
			done = 1;
		json_object_put(t->fresh[i].entry);
	}
	t->nfresh = 0;
	fflush(stdout);
	return done;
}

/* The server's clock, from a Date header, in Unix seconds; else ours. */
static int64_t server_time(const char *date)
{
	struct tm tm = {0};
	const char *end = date[0] ? strptime(date, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;

	return end && !*end ? (int64_t)timegm(&tm) : (int64_t)time(NULL);
}

/* One poll: lists the window, reads the tickets that changed (all of them on a sweep).
 * Returns HLC_EXIT_OK, -1 when the server is not answering (to be tried again), or the
 * exit status of a refusal. */
static int poll_once(struct hlc_ctx *c, struct tail *t, const char *path, int sweep, int first)
{
	struct hlc_response r;
	struct json_object *o, *list;
	struct followed *next;
	size_t n;
	int rc;

	hlc_http_request(&c->http, "GET", path, NULL, NULL, &r);
	if ((r.status == 0 || r.status == 503) && !first) {
		if (!t->lost)
			hlc_error(c, "%s; trying again every interval",
				  r.status ? "the server is unavailable (503)" : r.error);
		t->lost = 1;
		hlc_response_free(&r);
		return -1;
	}
	if (first && t->start != INT64_MIN)
		t->start = server_time(r.date);
	rc = hlc_check(c, &r, &o);
	if (rc)
		return rc;
	hlc_response_free(&r);
	if (t->lost)
		hlc_error(c, "the server answers again");
	t->lost = 0;
	if (!json_object_object_get_ex(o, "tickets", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		json_object_put(o);
		return HLC_EXIT_OK;
	}
	n = json_object_array_length(list);
	next = calloc(n ? n : 1, sizeof(*next));
	if (!next) {
		json_object_put(o);
		return HLC_EXIT_UNREACHABLE;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *k = json_object_array_get_idx(list, i);
		const char *id = hlc_str_or(k, "id", ""), *updated = hlc_str_or(k, "updated_at", "");
		struct followed *old = find(t, id);
		int changed = !old || strcmp(old->updated, updated) != 0;

		snprintf(next[i].id, sizeof(next[i].id), "%s", id);
		snprintf(next[i].updated, sizeof(next[i].updated), "%s", updated);
		next[i].printed = old ? old->printed : UNKNOWN_COUNT;
		if ((changed || sweep) && read_ticket(c, t, &next[i]) < 0) {
			/* try this one again next time */
			snprintf(next[i].updated, sizeof(next[i].updated), "?");
		}
	}
	free(t->tickets);
	t->tickets = next;
	t->n = n;
	json_object_put(o);
	return HLC_EXIT_OK;
}

static int run_tail(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	const char *window = hlc_arg(a, "window"), *interval_text = hlc_arg(a, "interval"),
		   *count_text = hlc_arg(a, "count"), *for_text = hlc_arg(a, "for");
	double interval = interval_text ? seconds_of(interval_text) : 1, limit = -1, began;
	struct tail t = {.start = hlc_arg_given(a, "since") ? INT64_MIN : 0};
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
	char path[1024], *end;
	long w = window ? strtol(window, &end, 10) : 50;
	int rc = HLC_EXIT_OK;

	if (a->npositional)
		return hlc_usage_error(c, "unexpected argument '%s'", a->positional[0]);
	if (window && (*end || w < 1 || w > 200))
		return hlc_usage_error(c, "--window: expected 1 to 200, got '%s'", window);
	if (interval < 0.1)
		return hlc_usage_error(c, "--interval: expected seconds, at least 0.1");
	if (count_text) {
		long n = strtol(count_text, &end, 10);

		if (*end || n < 1)
			return hlc_usage_error(c, "--count: expected a positive number, got '%s'",
					       count_text);
		t.count = (size_t)n;
	}
	if (for_text && (limit = seconds_of(for_text)) < 0)
		return hlc_usage_error(c, "--for: expected a duration such as 30s, 5m or 1h, got '%s'",
				       for_text);
	snprintf(path, sizeof(path), "/v1/tickets?limit=%ld", w);
	if (hlc_args_to_query(a, cmd->opts, path, sizeof(path)) < 0)
		return hlc_usage_error(c, "the filters are too long");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "hotlinectl: tail: following the %ld newest tickets%s every %g s; Ctrl-C "
			"stops\n",
		w, hlc_arg_given(a, "department") || hlc_arg_given(a, "state") ||
			   hlc_arg_given(a, "channel") || hlc_arg_given(a, "since")
		       ? " that match"
		       : "",
		interval);
	began = now_s();
	for (unsigned poll = 0; !stopping; poll++) {
		double next = began + interval * (poll + 1), left;
		struct timespec ts;

		rc = poll_once(c, &t, path, poll % SWEEP_EVERY == SWEEP_EVERY - 1, poll == 0);
		if (rc > 0)
			break;
		rc = HLC_EXIT_OK;
		/* the header comes once the first poll has set where tail starts */
		if (poll == 0 && !c->json)
			print_header();
		if (flush(c, &t))
			break;
		if (limit >= 0 && next > began + limit)
			next = began + limit;
		left = next - now_s();
		if (left > 0) {
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL); /* a signal cuts it short */
		}
		if (limit >= 0 && now_s() >= began + limit)
			break;
	}
	for (size_t i = 0; i < t.nfresh; i++)
		json_object_put(t.fresh[i].entry);
	free(t.fresh);
	free(t.tickets);
	return rc;
}

const struct hlc_command hlc_tail_command = {
	"tail",
	"[--window N] [--department CODE] [--since TIME] [--count N] [--for DURATION]",
	"follow the audit trail live",
	"There is no streaming endpoint: tail polls GET /v1/tickets every --interval and reads "
	"the timelines of the newest --window tickets that changed, printing each new audit "
	"entry once, oldest first (--json: one JSON object per line, the server's entry with "
	"its ticket id). A ticket older than the window is not followed; narrow the window with "
	"--department, --state or --channel. Notes and deadline stages show within five polls. "
	"Stops at Ctrl-C, after --count entries or after --for.",
	tail_opts,
	run_tail,
	0,
};
