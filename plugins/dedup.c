/*
 * The `dedup` plugin (并单): folds a ticket into an open ticket that reports the same
 * matter. Its review hook looks at the tickets the host says are related (same caller
 * phone or same address) and picks the most similar one that is open, on the same
 * catalogue item as the decision, created within `window` of this one, and whose title and
 * content are at least `threshold` percent alike (plugins/lib/similar.h). The decision is
 * then to merge into that ticket, or into its master when it was itself merged. The host
 * checks again, atomically, that the master is still open when it commits the merge.
 */
#include <hotline/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_glue.h"
#include "similar.h"

static const struct hl_option dedup_options[] = {
	{"window", HL_OPT_DURATION, 0, "24h",
	 "how far apart two reports may be created, wall-clock (ms, s, m, h); capped by "
	 "routing.related_window"},
	{"threshold", HL_OPT_INT, 0, "60", "least text similarity to merge, percent, 1 to 100"},
	{NULL, 0, 0, NULL, NULL},
};

struct dedup_state {
	const struct hl_host *host;
	int64_t window_ms;
	int threshold;
};

/* A related ticket as weighed against the one being routed. */
struct candidate {
	const char *id;
	const char *master; /* the ticket it was merged into, or "" */
	int64_t created_ms; /* -1 when unknown */
	int similarity;     /* percent */
};

static enum hl_status dedup_init(const struct hl_host *host, struct hl_self *self,
				 const struct hl_options *opts, void **state_r, char *err,
				 size_t errlen)
{
	struct hl_duration window = host->opt_duration(opts, "window");
	int64_t threshold = host->opt_int(opts, "threshold");
	struct dedup_state *st;

	(void)self;
	if (window.unit != HL_DUR_WALL_MS) {
		snprintf(err, errlen,
			 "window must be wall-clock time (ms, s, m, h): working hours (wh) and "
			 "working days (wd) do not say how far apart two reports were made");
		return HL_ERROR;
	}
	if (window.amount <= 0) {
		snprintf(err, errlen, "window must be longer than zero");
		return HL_ERROR;
	}
	if (threshold < 1 || threshold > 100) {
		snprintf(err, errlen, "threshold %lld is not a percent from 1 to 100",
			 (long long)threshold);
		return HL_ERROR;
	}
	st = hl_glue_state_new(host, 1, 0, "related tickets, explain", sizeof(*st), err, errlen);
	if (!st)
		return HL_ERROR;
	st->host = host;
	st->window_ms = window.amount;
	st->threshold = (int)threshold;
	*state_r = st;
	return HL_OK;
}

/* A ticket's field, or "" when it has none. */
static const char *field(const struct dedup_state *st, const struct hl_ticket *t,
			 const char *name)
{
	const char *value = st->host->ticket_field(t, name);

	return value ? value : "";
}

/* A ticket's title and content as one text, which the caller frees; NULL when out of
 * memory. */
static char *text_of(const struct dedup_state *st, const struct hl_ticket *t)
{
	const char *title = field(st, t, "title"), *content = field(st, t, "content");
	size_t len = strlen(title) + 1 + strlen(content) + 1;
	char *text = malloc(len);

	if (text)
		snprintf(text, len, "%s\n%s", title, content);
	return text;
}

/* Parses a time in Unix milliseconds; -1 when it is missing or not a number. */
static int64_t parse_ms(const char *text)
{
	char *end;
	long long ms = strtoll(text, &end, 10);

	return end == text || *end != '\0' || ms < 0 ? -1 : (int64_t)ms;
}

static int is_open(const char *state)
{
	return strcmp(state, "merged") != 0 && strcmp(state, "resolved") != 0 &&
	       strcmp(state, "closed") != 0;
}

/* The state of the related ticket with this id, or NULL when it is not among them. */
static const char *related_state(const struct dedup_state *st, const struct hl_ticket *ticket,
				 const char *id)
{
	size_t n = st->host->related_count(ticket);

	for (size_t i = 0; i < n; i++) {
		const struct hl_ticket *r = st->host->related(ticket, i);

		if (strcmp(field(st, r, "id"), id) == 0)
			return field(st, r, "state");
	}
	return NULL;
}

/* The ticket a candidate would be merged into: its master when it was merged. */
static const char *target_of(const struct candidate *c)
{
	return c->master[0] ? c->master : c->id;
}

/* Whether candidate c (related ticket r) may not be merged into: 1 with a short phrase
 * saying why in `why`, or 0. */
static int rejected(const struct dedup_state *st, const struct hl_ticket *ticket,
		    const struct hl_ticket *r, const struct candidate *c, const char *item,
		    int64_t created_ms, char *why, size_t whylen)
{
	const char *state = field(st, r, "state"), *r_item = field(st, r, "item");
	const char *master_state = c->master[0] ? related_state(st, ticket, c->master) : NULL;
	int64_t apart = created_ms > c->created_ms ? created_ms - c->created_ms
						   : c->created_ms - created_ms;

	if (strcmp(state, "merged") == 0 && c->master[0] == '\0')
		snprintf(why, whylen, "merged, but names no master");
	else if (strcmp(state, "merged") != 0 && !is_open(state))
		snprintf(why, whylen, "not open (state %s)", state);
	else if (strcmp(r_item, item) != 0)
		snprintf(why, whylen, "item '%s', not '%s'", r_item, item);
	else if (c->created_ms < 0)
		snprintf(why, whylen, "no creation time");
	else if (apart > st->window_ms)
		snprintf(why, whylen, "created %lld min apart, window %lld min",
			 (long long)(apart / 60000), (long long)(st->window_ms / 60000));
	else if (c->similarity < st->threshold)
		snprintf(why, whylen, "below the threshold of %d%%", st->threshold);
	else if (strcmp(target_of(c), field(st, ticket, "id")) == 0)
		snprintf(why, whylen, "its master is this ticket");
	else if (strlen(target_of(c)) >= HL_TICKET_ID_MAX)
		snprintf(why, whylen, "id of %s too long", target_of(c));
	else if (master_state && !is_open(master_state))
		snprintf(why, whylen, "its master %s is not open (state %s)", c->master,
			 master_state);
	else
		return 0;
	return 1;
}

static enum hl_status dedup_review(void *state_p, const struct hl_ticket *ticket,
				   struct hl_decision *decision, struct hl_route_call *call)
{
	const struct dedup_state *st = state_p;
	const struct hl_host *host = st->host;
	size_t n = host->related_count(ticket);
	int64_t created_ms = parse_ms(field(st, ticket, "created_ms"));
	struct candidate best = {.similarity = -1};
	char *text;

	(void)call;
	if (decision->merge_into[0]) {
		host->explain(decision, "already merging into %s", decision->merge_into);
		return HL_DECLINED;
	}
	if (decision->item[0] == '\0' || n == 0) {
		host->explain(decision, "%s", n == 0 ? "no related tickets"
						     : "no catalogue item to compare on");
		return HL_DECLINED;
	}
	if (created_ms < 0)
		created_ms = host->now_ms();
	if (!(text = text_of(st, ticket)))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const struct hl_ticket *r = host->related(ticket, i);
		char *r_text = text_of(st, r), why[HL_REASON_MAX];
		struct candidate c = {
			.id = field(st, r, "id"),
			.master = field(st, r, "master"),
			.created_ms = parse_ms(field(st, r, "created_ms")),
			.similarity = r_text ? hl_similar_percent(text, r_text) : -1,
		};

		free(r_text);
		if (c.similarity < 0) {
			free(text);
			goto oom;
		}
		if (rejected(st, ticket, r, &c, decision->item, created_ms, why, sizeof(why))) {
			host->explain(decision, "%s: %d%% similar, rejected: %s", c.id,
				      c.similarity, why);
			continue;
		}
		host->explain(decision, "%s: %d%% similar, same item, open: candidate for %s", c.id,
			      c.similarity, target_of(&c));
		if (c.similarity > best.similarity ||
		    (c.similarity == best.similarity && c.created_ms > best.created_ms))
			best = c;
	}
	free(text);
	if (!best.id) {
		host->explain(decision, "no duplicate among %zu related tickets", n);
		return HL_DECLINED;
	}
	snprintf(decision->merge_into, sizeof(decision->merge_into), "%s", target_of(&best));
	snprintf(decision->reason, sizeof(decision->reason),
		 "duplicate of %s%s%s: %d%% similar (threshold %d%%), item %s", best.id,
		 best.master[0] ? ", merged into " : "", best.master, best.similarity,
		 st->threshold, decision->item);
	host->explain(decision, "merge into %s: the most similar candidate",
		      decision->merge_into);
	return HL_OK;
oom:
	snprintf(decision->reason, sizeof(decision->reason), "dedup: out of memory");
	return HL_ERROR;
}

HL_PLUGIN_EXPORT const struct hl_plugin hl_plugin = {
	HL_PLUGIN_HEADER,
	.name = "dedup",
	.version = "1.0.0",
	.description = "merges a report into an open one on the same matter (并单)",
	.options = dedup_options,
	.init = dedup_init,
	.review = dedup_review,
	.fini = hl_glue_state_free,
};
