/*
 * POST /v1/admin/reload (admin only): reloads the configuration as SIGHUP does and
 * answers whether it switched and, if not, why.
 * main.c registers it once the daemon has started (daemon.c knows nothing of it).
 */
#ifndef HL_ADMIN_H
#define HL_ADMIN_H

struct hl_daemon;

/* Returns 0, or -1 when out of memory. The daemon must outlive the HTTP server. */
int hl_admin_register(struct hl_daemon *d);

#endif
