/*
 * The supervision endpoints (issue 16; core/README.md §4 for their keys): programmes
 * (supervision.c), supervised cases (supervision_cases.c), accountability records
 * (accountability.c) and the summary report (supervision_report.c). Each returns 0, or -1
 * when out of memory or the route table is full.
 */
#ifndef HL_SUPERVISION_H
#define HL_SUPERVISION_H

struct hl_service;

/* Registers all of them (the daemon calls this one). */
int hl_supervision_register(struct hl_service *svc);

int hl_supervision_cases_register(struct hl_service *svc);
int hl_accountability_register(struct hl_service *svc);
int hl_supervision_report_register(struct hl_service *svc);

#endif
