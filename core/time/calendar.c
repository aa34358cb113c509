/*
 * The working-day calendar as loaded (calendar.h): the directory of year files, which days
 * are off (and the years asked about that have no file: the fallback years), and the
 * office-hour rules. One year's file is read and checked in calendar_file.c; deadlines
 * are counted in calendar_deadline.c.
 */
#include "time/calendar.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time/calendar_private.h"

static const struct cal_year *find_year(const struct hl_calendar *cal, int year)
{
	for (size_t i = 0; i < cal->nyears; i++) {
		if (cal->years[i].year == year)
			return &cal->years[i];
	}
	return NULL;
}

static void note_fallback(struct hl_calendar *cal, int year)
{
	unsigned bit;

	if (year < YEAR_MIN || year > YEAR_MAX)
		return;
	bit = (unsigned)(year - YEAR_MIN);
	if (cal->asked[bit / 8] & (1u << (bit % 8)))
		return;
	cal->asked[bit / 8] |= (unsigned char)(1u << (bit % 8));
	if (cal->fallback)
		cal->fallback(year, cal->arg);
}

int hl_cal_day_off(struct hl_calendar *cal, int64_t dn, int *fallback)
{
	const struct cal_year *cy;
	int y, m, d;

	hl_cal_civil_date(dn, &y, &m, &d);
	cy = find_year(cal, y);
	if (cy)
		return cy->off[dn - hl_cal_day_number(y, 1, 1)];
	note_fallback(cal, y);
	if (fallback)
		*fallback = 1;
	return hl_cal_is_weekend(dn);
}

void hl_calendar_rules_default(struct hl_calendar_rules *rules)
{
	*rules = (struct hl_calendar_rules){
		.periods = {{9 * 60, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}},
		.nperiods = 2,
		.day_end = HL_DAY_ENDS_MIDNIGHT,
	};
}

/* Reads "HH:MM" at *p into minutes after midnight; 24:00 only when end. */
static int read_clock(const char **p, int end, int *min_r)
{
	const char *s = *p;
	int h, m;

	if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == ':' &&
	      s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9'))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && (!end || m != 0)))
		return -1;
	*min_r = h * 60 + m;
	*p = s + 5;
	return 0;
}

int hl_calendar_rules_add_period(struct hl_calendar_rules *rules, const char *text, char *err,
				 size_t errlen)
{
	struct hl_office_period per;
	const char *p = text;

	if (read_clock(&p, 0, &per.start_min) < 0 || *p++ != '-' ||
	    read_clock(&p, 1, &per.end_min) < 0 || *p != '\0') {
		snprintf(err, errlen,
			 "expected an office period such as 09:00-12:00 (24:00 may end one), got "
			 "'%s'",
			 text);
		return -1;
	}
	if (per.end_min <= per.start_min) {
		snprintf(err, errlen, "the office period '%s' ends before it starts", text);
		return -1;
	}
	if (rules->nperiods > 0 && per.start_min < rules->periods[rules->nperiods - 1].end_min) {
		const struct hl_office_period *prev = &rules->periods[rules->nperiods - 1];

		snprintf(err, errlen,
			 "the office period '%s' starts before the one above it ends (%02d:%02d); "
			 "list the periods in the order of the day, without overlaps",
			 text, prev->end_min / 60, prev->end_min % 60);
		return -1;
	}
	if (rules->nperiods == HL_CALENDAR_PERIODS_MAX) {
		snprintf(err, errlen, "at most %d office periods", HL_CALENDAR_PERIODS_MAX);
		return -1;
	}
	rules->periods[rules->nperiods++] = per;
	return 0;
}

/* The year of a file named cn-YYYY.yaml, or 0 for any other name. */
static int year_of_name(const char *name)
{
	static const char prefix[] = "cn-", suffix[] = ".yaml";

	if (strlen(name) != sizeof(prefix) - 1 + 4 + sizeof(suffix) - 1 ||
	    strncmp(name, prefix, sizeof(prefix) - 1) != 0 ||
	    strcmp(name + sizeof(prefix) - 1 + 4, suffix) != 0)
		return 0;
	for (int i = 0; i < 4; i++) {
		if (name[3 + i] < '0' || name[3 + i] > '9')
			return 0;
	}
	return atoi(name + 3);
}

static int compare_years(const void *a, const void *b)
{
	const struct cal_year *x = a, *y = b;

	return (x->year > y->year) - (x->year < y->year);
}

/* Lists the calendar files of dir into cal->years (years only, ascending). */
static int list_files(const char *dir, struct hl_calendar *cal, char *err, size_t errlen)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t cap = 0;
	int rc = -1;

	if (!dh) {
		snprintf(err, errlen, "%s: cannot open the calendar directory: %s", dir,
			 strerror(errno));
		return -1;
	}
	while ((de = readdir(dh))) {
		int year = year_of_name(de->d_name);

		if (!year)
			continue;
		if (year < YEAR_MIN) {
			snprintf(err, errlen, "%s/%s: years before %d are not supported", dir,
				 de->d_name, YEAR_MIN);
			goto out;
		}
		if (cal->nyears == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct cal_year *years = realloc(cal->years, ncap * sizeof(*years));

			if (!years) {
				snprintf(err, errlen, "%s: out of memory", dir);
				goto out;
			}
			cal->years = years;
			cap = ncap;
		}
		cal->years[cal->nyears++].year = year;
	}
	if (cal->nyears > 0) /* an empty directory leaves cal->years NULL */
		qsort(cal->years, cal->nyears, sizeof(*cal->years), compare_years);
	rc = 0;
out:
	closedir(dh);
	return rc;
}

int hl_calendar_load(const char *dir, const struct hl_calendar_rules *rules,
		     hl_calendar_fallback_fn fallback, void *arg, struct hl_calendar **cal_r,
		     char *err, size_t errlen)
{
	struct hl_calendar *cal = calloc(1, sizeof(*cal));

	if (!cal) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	cal->rules = *rules;
	cal->fallback = fallback;
	cal->arg = arg;
	if (list_files(dir, cal, err, errlen) < 0)
		goto fail;
	for (size_t i = 0; i < cal->nyears; i++) {
		int year = cal->years[i].year;
		char *path;
		int rc;

		if (asprintf(&path, "%s/cn-%04d.yaml", dir, year) < 0) {
			snprintf(err, errlen, "%s: out of memory", dir);
			goto fail;
		}
		rc = hl_cal_load_year(path, year, &cal->years[i], err, errlen);
		free(path);
		if (rc < 0)
			goto fail;
	}
	*cal_r = cal;
	return 0;
fail:
	hl_calendar_free(cal);
	return -1;
}

void hl_calendar_free(struct hl_calendar *cal)
{
	if (!cal)
		return;
	free(cal->years);
	free(cal);
}

int hl_calendar_covers(struct hl_calendar *cal, int year)
{
	if (find_year(cal, year))
		return 1;
	note_fallback(cal, year);
	return 0;
}

int hl_calendar_is_workday(struct hl_calendar *cal, int year, int month, int day)
{
	if (year < YEAR_MIN || year > YEAR_MAX || !hl_cal_real_date(year, month, day))
		return -1;
	return !hl_cal_day_off(cal, hl_cal_day_number(year, month, day), NULL);
}

size_t hl_calendar_years(const struct hl_calendar *cal, int *years, size_t max)
{
	for (size_t i = 0; i < cal->nyears && i < max; i++)
		years[i] = cal->years[i].year;
	return cal->nyears;
}

size_t hl_calendar_fallback_years(const struct hl_calendar *cal, int *years, size_t max)
{
	size_t n = 0;

	for (unsigned bit = 0; bit <= YEAR_MAX - YEAR_MIN; bit++) {
		if (!(cal->asked[bit / 8] & (1u << (bit % 8))))
			continue;
		if (n < max)
			years[n] = YEAR_MIN + (int)bit;
		n++;
	}
	return n;
}
