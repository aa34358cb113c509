/*
 * GET /metrics: this process's counters (base/counters.h) and what Redis holds, in
 * Prometheus text format.
 * main.c registers it once the daemon has started (daemon.c knows nothing of it).
 */
#ifndef HL_METRICS_H
#define HL_METRICS_H

struct hl_daemon;

/* Returns 0, or -1 when out of memory. The daemon must outlive the HTTP server. */
int hl_metrics_register(struct hl_daemon *d);

#endif
