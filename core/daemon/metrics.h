/*
 * The daemon's own counters and histograms for GET /metrics (Prometheus text format,
 * metrics.c renders them with what Redis holds: open and overdue tickets). Per process:
 * with several hotlined on one Redis, Prometheus sums them. Event loop only.
 */
#ifndef HL_METRICS_H
#define HL_METRICS_H

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
	struct hl_histogram ingest, routing;
};

void hl_metrics_count(struct hl_counted *table, size_t n, const char *name);
void hl_metrics_observe(struct hl_histogram *h, double seconds);

#endif
