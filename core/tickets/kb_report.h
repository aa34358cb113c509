/*
 * GET /v1/reports/kb: the 政策通 figures of a period for supervisors (issue 17;
 * kb_report.c, lua/report_kb.lua, core/README.md §8).
 */
#ifndef HL_KB_REPORT_H
#define HL_KB_REPORT_H

struct hl_service;

/* Adds the route (daemon.c). Returns 0, or -1. */
int hl_kb_report_register(struct hl_service *svc);

#endif
