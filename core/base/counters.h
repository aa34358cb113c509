/*
 * This process's counters and histograms: what the endpoints and the dispatcher count as
 * they work, and GET /metrics (daemon/metrics.c) renders in Prometheus text format with
 * what Redis holds. Per process: with several hotlined on one Redis, Prometheus sums
 * them. Pure arithmetic on caller-owned structs; event loop only.
 */
#ifndef HL_COUNTERS_H
#define HL_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#define HL_METRIC_BUCKETS 13

struct hl_histogram {
	uint64_t counts[HL_METRIC_BUCKETS]; /* per upper bound of hl_metric_bounds, + inf */
	uint64_t count;
	double sum; /* seconds */
};

/* A name and its count, in a small table that grows as names appear. */
struct hl_counted {
	char name[48];
	uint64_t n;
};

#define HL_METRIC_NAMES 48

struct hl_metrics {
	struct hl_counted received[4];                  /* by channel */
	struct hl_counted transitions[HL_METRIC_NAMES]; /* by state entered */
	struct hl_counted stages[HL_METRIC_NAMES];      /* escalation stages fired, by stage */
	struct hl_counted logins[8]; /* people's logins by outcome: ok, failed, limited, busy
					(people/sessions.c) */
	struct hl_histogram ingest, routing;
};

/* The upper bounds of a histogram's buckets, in seconds (the last bucket is +Inf). */
extern const double hl_metric_bounds[HL_METRIC_BUCKETS - 1];

/* Counts one more of `name` in a table of n (a name that finds the table full is not
 * counted). */
void hl_metrics_count(struct hl_counted *table, size_t n, const char *name);
/* Adds one observation of `seconds` to h. */
void hl_metrics_observe(struct hl_histogram *h, double seconds);

#endif
