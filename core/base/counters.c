/* Counting by name and observing into histograms; see counters.h. */
#include "base/counters.h"

#include <stdio.h>
#include <string.h>

const double hl_metric_bounds[HL_METRIC_BUCKETS - 1] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
						     0.05,   0.1,   0.25,   0.5,   1,    2.5};

void hl_metrics_count(struct hl_counted *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (table[i].name[0] == '\0')
			snprintf(table[i].name, sizeof(table[i].name), "%s", name);
		if (strcmp(table[i].name, name) == 0) {
			table[i].n++;
			return;
		}
	}
}

void hl_metrics_observe(struct hl_histogram *h, double seconds)
{
	size_t b = 0;

	while (b < HL_METRIC_BUCKETS - 1 && seconds > hl_metric_bounds[b])
		b++;
	h->counts[b]++;
	h->count++;
	h->sum += seconds;
}
