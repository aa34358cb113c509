/*
 * The units report's figures for other endpoints (reports.c): a benchmark case
 * (supervision_cases.c) measures its progress with the same rates the report gives, from
 * the same answer of lua/report_units.lua, rather than a second computation.
 */
#ifndef HL_REPORTS_H
#define HL_REPORTS_H

struct hl_config;
struct redisReply;

/* 1 when `name` is a rate of the units report (sign_rate, return_rate, answer_rate,
 * citizen_answer_rate, reopen_rate, response_rate, resolution_rate, satisfaction_rate,
 * score), else 0. */
int hl_report_rate_known(const char *name);

/* The rate `name` of `unit`, in percent, from a reply of lua/report_units.lua (borrowed),
 * as GET /v1/reports/units gives it; -1 when the unit has nothing to divide by in it. */
double hl_report_unit_rate(const struct redisReply *reply, const char *unit, const char *name,
			   const struct hl_config *cfg);

#endif
