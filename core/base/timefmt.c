/* ISO 8601 and ticket-date formatting and parsing; see timefmt.h. */
#include "base/timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void local_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);

	localtime_r(&t, tm);
}

/* Writes v as `width` digits, zero-padded, at p; returns the end. */
static char *put_digits(char *p, long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* Years strftime's %Y writes as four digits; the others go through strftime (the
 * hand-written path below gives the same text for these, without its cost, which
 * every ticket pays three times). */
static int four_digit_year(const struct tm *tm)
{
	return tm->tm_year >= 1000 - 1900 && tm->tm_year <= 9999 - 1900;
}

void hl_time_format_iso(int64_t ms, char buf[HL_TIME_BUFLEN])
{
	struct tm tm;
	long off;
	char *p = buf;

	local_tm(ms, &tm);
	off = tm.tm_gmtoff;
	if (!four_digit_year(&tm)) {
		if (off == 0) {
			strftime(buf, HL_TIME_BUFLEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
			return;
		}
		strftime(buf, HL_TIME_BUFLEN, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf + strlen(buf), HL_TIME_BUFLEN - strlen(buf), "%c%02ld:%02ld",
			 off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60);
		return;
	}
	p = put_digits(p, tm.tm_year + 1900L, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	if (off == 0) {
		*p++ = 'Z';
	} else {
		*p++ = off < 0 ? '-' : '+';
		p = put_digits(p, labs(off) / 3600 % 100, 2);
		*p++ = ':';
		p = put_digits(p, labs(off) % 3600 / 60, 2);
	}
	*p = '\0';
}

void hl_time_format_date(int64_t ms, char buf[HL_TIME_BUFLEN])
{
	struct tm tm;
	char *p = buf;

	local_tm(ms, &tm);
	if (!four_digit_year(&tm)) {
		strftime(buf, HL_TIME_BUFLEN, "%Y%m%d", &tm);
		return;
	}
	p = put_digits(p, tm.tm_year + 1900L, 4);
	p = put_digits(p, tm.tm_mon + 1, 2);
	p = put_digits(p, tm.tm_mday, 2);
	*p = '\0';
}

/* Reads exactly n digits at *p. */
static int digits(const char **p, int n, int *value)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*value = v;
	return 0;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* Parses the zone suffix at p: "", "Z", "+HH:MM", "+HHMM", "+HH". */
static int parse_zone(const char *p, int *has_zone, long *offset_s)
{
	int sign, hh, mm = 0;

	*has_zone = 0;
	*offset_s = 0;
	if (*p == '\0')
		return 0;
	*has_zone = 1;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &hh) < 0)
		return -1;
	if (*p == ':')
		p++;
	if (*p && digits(&p, 2, &mm) < 0)
		return -1;
	if (*p || hh > 23 || mm > 59)
		return -1;
	*offset_s = sign * (hh * 3600L + mm * 60L);
	return 0;
}

int hl_time_parse_iso(const char *text, int64_t *ms_r, char *err, size_t errlen)
{
	const char *p = text;
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, s = 0, ms = 0, has_zone;
	long offset_s;
	time_t t;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &s))
				goto bad;
			if (*p == '.' || *p == ',') {
				int scale = 100;

				if (!isdigit((unsigned char)*++p))
					goto bad;
				for (; isdigit((unsigned char)*p); p++, scale /= 10)
					ms += (*p - '0') * scale;
			}
		}
	}
	if (parse_zone(p, &has_zone, &offset_s) < 0)
		goto bad;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
	    mi > 59 || s > 59) {
		snprintf(err, errlen, "'%s' is not a real date and time", text);
		return -1;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	if (has_zone) {
		t = timegm(&tm) - offset_s;
	} else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	*ms_r = (int64_t)t * 1000 + ms;
	return 0;
bad:
	snprintf(err, errlen,
		 "expected an ISO 8601 date or time such as 2026-11-26 or "
		 "2026-11-26T09:30:00+08:00, got '%s'",
		 text);
	return -1;
}
