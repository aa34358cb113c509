/* Structured one-line logging to stderr; see log.h for the line format. */
#include "base/log.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static enum hl_log_level min_level = HL_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void hl_log_set_level(enum hl_log_level level)
{
	min_level = level;
}

enum hl_log_level hl_log_get_level(void)
{
	return min_level;
}

int hl_log_parse_level(const char *text, enum hl_log_level *level_r)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(text, level_names[i]) == 0) {
			*level_r = (enum hl_log_level)i;
			return 0;
		}
	}
	return -1;
}

/* Local time with milliseconds and the UTC offset, e.g. 2026-11-26T17:11:22.123+08:00. */
static void format_timestamp(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	char date[32], zone[8];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm); /* +0800 */
	snprintf(buf, len, "%s.%03d%.3s:%.2s", date, (int)(tv.tv_usec / 1000) % 1000, zone,
		 zone + 3);
}

void hl_logv(enum hl_log_level level, const char *sub, const char *fmt, va_list ap)
{
	char ts[64];
	char msg[2048];
	char line[2200];
	int n;

	if (level > HL_LOG_ERROR) /* plugins can pass any number */
		level = HL_LOG_ERROR;
	if (level < min_level)
		return;
	format_timestamp(ts, sizeof(ts));
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	/* One write per line, so that lines from concurrent writers never interleave. */
	n = snprintf(line, sizeof(line), "ts=%s level=%s sub=%s event=%s\n", ts,
		     level_names[level], sub, msg);
	if (n >= (int)sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	fwrite(line, 1, (size_t)n, stderr);
}

void hl_log(enum hl_log_level level, const char *sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hl_logv(level, sub, fmt, ap);
	va_end(ap);
}
