/*
 * GET /healthz: the daemon's state, its Redis links, plugins, calendar and outbox.
 * main.c registers it once the daemon has started (daemon.c knows nothing of it).
 */
#ifndef HL_HEALTH_H
#define HL_HEALTH_H

struct hl_daemon;

/* Returns 0, or -1 when out of memory. The daemon must outlive the HTTP server. */
int hl_health_register(struct hl_daemon *d);

#endif
