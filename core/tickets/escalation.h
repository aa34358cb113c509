/*
 * The escalation engine (core/README.md §7): a timer that claims the stages fallen due
 * in hl:due with one Lua step (lua/due_claim.lua; each stage fires exactly once across
 * every daemon sharing the Redis), and tells the plugins (warning, overdue, escalated),
 * so that the `escalation` plugin can notify each stage's audience. Stages that fell due
 * while no daemon ran fire at the first sweep after a start, marked late.
 */
#ifndef HL_ESCALATION_H
#define HL_ESCALATION_H

#include <stdint.h>

struct hl_service;
struct hl_escalation;

/* Starts sweeping every `interval_ms`. NULL when out of memory. */
struct hl_escalation *hl_escalation_start(struct hl_service *svc, int64_t interval_ms);

/* Stops sweeping; a claim in flight still completes. */
void hl_escalation_stop(struct hl_escalation *e);

void hl_escalation_free(struct hl_escalation *e);

#endif
