/*
 * Structured logging: one line per event on stderr,
 *   ts=2026-11-26T17:11:22.123+08:00 level=info sub=redis event=connected path=/run/x
 * Callers pass the subsystem and a format that starts with the event word followed by
 * key=value pairs. Line breaks in the formatted text are folded into spaces so that a
 * line is always one event. Values that may hold spaces go in double quotes.
 * Personal data (phones, ID numbers) must be masked by the caller before it gets here.
 */
#ifndef HL_LOG_H
#define HL_LOG_H

#include <stdarg.h>
#include <hotline/plugin.h>

/* Lines below this level are dropped. Default HL_LOG_INFO. */
void hl_log_set_level(enum hl_log_level level);
enum hl_log_level hl_log_get_level(void);

/* Parses "debug", "info", "warn" or "error"; returns 0, or -1 for anything else. */
int hl_log_parse_level(const char *text, enum hl_log_level *level_r);

void hl_log(enum hl_log_level level, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void hl_logv(enum hl_log_level level, const char *sub, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
