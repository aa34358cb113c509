/* Working-day calendar files and deadline arithmetic; see calendar.h. */
#include "time/calendar.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/options.h"
#include "base/yaml_tree.h"

#define YEAR_MIN 1970
#define YEAR_MAX 9999
#define DAY_MS 86400000LL

struct cal_year {
	int year;
	unsigned char off[366]; /* by day of the year, 0 for 1 January: 1 when a day off */
};

/* A local day's midnight and length, as mktime gives them. */
struct day_span {
	int64_t dn;        /* the local day */
	int64_t midnight;  /* ms */
	int64_t length;    /* ms to the next midnight; 0 when not filled in */
};

#define DAY_CACHE 64
#define ZONE_MAX 128

struct hl_calendar {
	/* Days looked up lately, by day number modulo DAY_CACHE, valid for the zone named
	 * (TZ, as it was when they were filled in). For dates past the zone file's last
	 * transition (Asia/Shanghai's was in 1991) glibc re-reads the zone's rule at every
	 * mktime and localtime_r, which made them most of what a dispatch cost. */
	struct day_span days[DAY_CACHE];
	char zone[ZONE_MAX];
	struct hl_calendar_rules rules;
	hl_calendar_fallback_fn fallback;
	void *arg;
	size_t nyears;
	struct cal_year *years; /* ascending */
	unsigned char asked[(YEAR_MAX - YEAR_MIN + 1 + 7) / 8]; /* fallback years, a bit each */
};

static const struct hl_option file_schema[] = {
	{"year", HL_OPT_INT, 1, NULL, "the year the file covers, as in its name"},
	{"holidays", HL_OPT_SEQUENCE, 1, NULL, "public holidays: name, from, to (inclusive)"},
	{"workdays", HL_OPT_SEQUENCE, 1, NULL, "make-up working days (调休): date, for"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option holiday_schema[] = {
	{"name", HL_OPT_STRING, 1, NULL, "the holiday, e.g. 国庆节"},
	{"from", HL_OPT_STRING, 1, NULL, "its first day off, YYYY-MM-DD"},
	{"to", HL_OPT_STRING, 1, NULL, "its last day off, YYYY-MM-DD"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option workday_schema[] = {
	{"date", HL_OPT_STRING, 1, NULL, "the Saturday or Sunday worked, YYYY-MM-DD"},
	{"for", HL_OPT_STRING, 1, NULL, "the holiday it makes up for"},
	{NULL, 0, 0, NULL, NULL},
};

static const char *const weekday_names[] = {"Sunday",	"Monday", "Tuesday", "Wednesday",
					    "Thursday", "Friday", "Saturday"};

/* Civil dates, proleptic Gregorian. A day number counts days from 1970-01-01. */

/* Howard Hinnant's days_from_civil. */
static int64_t day_number(int year, int month, int day)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* Howard Hinnant's civil_from_days. */
static void civil_date(int64_t dn, int *year, int *month, int *day)
{
	int64_t z = dn + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (*month <= 2));
}

/* Whether the date exists (no 30 February): it survives the round trip. */
static int real_date(int year, int month, int day)
{
	int y, m, d;

	if (month < 1 || month > 12 || day < 1 || day > 31)
		return 0;
	civil_date(day_number(year, month, day), &y, &m, &d);
	return y == year && m == month && d == day;
}

/* 0 for Sunday ... 6 for Saturday; day 0 was a Thursday. */
static int weekday(int64_t dn)
{
	return (int)((dn % 7 + 11) % 7);
}

static int is_weekend(int64_t dn)
{
	int wd = weekday(dn);

	return wd == 0 || wd == 6;
}

/* The time of local day dn at `min` minutes after its midnight (1440 is the next day's
 * 00:00); mktime settles clocks that skip or repeat an hour. */
static int64_t mktime_ms(int64_t dn, int min)
{
	struct tm tm = {0};
	int y, m, d;

	civil_date(dn, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_min = min;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* Local day dn's span, from the cache (emptied when TZ has changed since it was filled). */
static const struct day_span *day_span(struct hl_calendar *cal, int64_t dn)
{
	const char *zone = getenv("TZ");
	struct day_span *e = &cal->days[(uint64_t)dn % DAY_CACHE];

	if (!zone)
		zone = "\n(unset)"; /* /etc/localtime, unlike TZ="" (UTC); no TZ has a newline */
	if (strncmp(zone, cal->zone, sizeof(cal->zone)) != 0) {
		memset(cal->days, 0, sizeof(cal->days));
		snprintf(cal->zone, sizeof(cal->zone), "%s", zone);
	}
	if (!e->length || e->dn != dn) {
		e->dn = dn;
		e->midnight = mktime_ms(dn, 0);
		e->length = mktime_ms(dn + 1, 0) - e->midnight;
	}
	return e;
}

/* The local day of a time in range (in_range): guessed from the day the cache holds for
 * its UTC day, checked against the spans of that day and its neighbours. */
static int64_t local_day(struct hl_calendar *cal, int64_t ms)
{
	int64_t guess = ms >= 0 ? ms / DAY_MS : (ms - DAY_MS + 1) / DAY_MS;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	for (int64_t dn = guess - 1; dn <= guess + 1; dn++) {
		const struct day_span *e = day_span(cal, dn);

		if (e->midnight <= ms && ms < e->midnight + e->length)
			return dn;
	}
	localtime_r(&t, &tm);
	return day_number(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The time of local day dn at `min` minutes after its midnight (1440 is the next day's
 * 00:00): from the day's span when it is a plain 24-hour day, else from mktime. */
static int64_t local_time(struct hl_calendar *cal, int64_t dn, int min)
{
	const struct day_span *e = day_span(cal, dn);

	if (e->length == DAY_MS)
		return e->midnight + (int64_t)min * 60000;
	return mktime_ms(dn, min);
}

/* Times a computation may start at: the deadline stays within the years supported. */
static int in_range(int64_t ms)
{
	return ms >= day_number(YEAR_MIN, 1, 1) * DAY_MS &&
	       ms < (day_number(YEAR_MAX, 1, 1) - HL_CALENDAR_MAX_DAYS - 1) * DAY_MS;
}

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

/* 1 when local day dn is a day off. Sets *fallback (when not NULL) and records the year
 * when it has no file. */
static int day_off(struct hl_calendar *cal, int64_t dn, int *fallback)
{
	const struct cal_year *cy;
	int y, m, d;

	civil_date(dn, &y, &m, &d);
	cy = find_year(cal, y);
	if (cy)
		return cy->off[dn - day_number(y, 1, 1)];
	note_fallback(cal, y);
	if (fallback)
		*fallback = 1;
	return is_weekend(dn);
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

/* Loading a file. */

struct file_load {
	struct cal_year *cy;
	char *err;
	size_t errlen;
	/* The entry that made each day a holiday or a make-up day, for messages. */
	const struct hl_yaml_node *holiday_of[366], *workday_of[366];
};

/* Reads key's value, a YYYY-MM-DD date of the file's year, into its day number. */
static int read_date(struct file_load *fl, const struct hl_yaml_node *entry, const char *key,
		     int64_t *dn_r)
{
	const struct hl_yaml_node *v = hl_yaml_map_get(entry, key);
	const char *t = v->text;
	int y, m, d;

	for (int i = 0; i < 10; i++) {
		int dash = i == 4 || i == 7;

		if (dash ? t[i] != '-' : !(t[i] >= '0' && t[i] <= '9'))
			return hl_yaml_error(fl->err, fl->errlen, v,
					     "key '%s': expected a date such as %d-10-01, got '%s'",
					     key, fl->cy->year, t);
	}
	if (t[10] != '\0')
		return hl_yaml_error(fl->err, fl->errlen, v,
				     "key '%s': expected a date such as %d-10-01, got '%s'", key,
				     fl->cy->year, t);
	y = atoi(t);
	m = atoi(t + 5);
	d = atoi(t + 8);
	if (!real_date(y, m, d))
		return hl_yaml_error(fl->err, fl->errlen, v, "key '%s': '%s' is not a real date",
				     key, t);
	if (y != fl->cy->year)
		return hl_yaml_error(fl->err, fl->errlen, v,
				     "key '%s': %s is outside the file's year %d", key, t,
				     fl->cy->year);
	*dn_r = day_number(y, m, d);
	return 0;
}

static int check_entry(struct file_load *fl, const struct hl_yaml_node *entry,
		       const struct hl_option *schema, const char *what)
{
	if (entry->kind != HL_YAML_MAP)
		return hl_yaml_error(fl->err, fl->errlen, entry, "expected %s, got %s", what,
				     hl_yaml_kind_name(entry));
	if (hl_options_check(schema, entry, entry, fl->err, fl->errlen) < 0)
		return -1;
	for (const struct hl_option *o = schema; o->name; o++) {
		const struct hl_yaml_node *v = hl_yaml_map_get(entry, o->name);

		if (v->text_len == 0)
			return hl_yaml_error(fl->err, fl->errlen, v,
					     "key '%s': expected %s, got ''", o->name, o->help);
	}
	return 0;
}

static const char *text_of(const struct hl_yaml_node *entry, const char *key)
{
	return hl_yaml_map_get(entry, key)->text;
}

static int load_holiday(struct file_load *fl, const struct hl_yaml_node *entry)
{
	int64_t first, last, jan1 = day_number(fl->cy->year, 1, 1);

	if (check_entry(fl, entry, holiday_schema,
			"a holiday (a mapping with name, from and to)") < 0 ||
	    read_date(fl, entry, "from", &first) < 0 || read_date(fl, entry, "to", &last) < 0)
		return -1;
	if (last < first)
		return hl_yaml_error(fl->err, fl->errlen, hl_yaml_map_get(entry, "to"),
				     "key 'to': %s is before 'from' %s", text_of(entry, "to"),
				     text_of(entry, "from"));
	for (int64_t dn = first; dn <= last; dn++) {
		const struct hl_yaml_node *other = fl->holiday_of[dn - jan1];

		if (other)
			return hl_yaml_error(fl->err, fl->errlen, hl_yaml_map_get(entry, "from"),
					     "holiday %s (%s to %s) overlaps %s (%s to %s, "
					     "line %u)",
					     text_of(entry, "name"), text_of(entry, "from"),
					     text_of(entry, "to"), text_of(other, "name"),
					     text_of(other, "from"), text_of(other, "to"),
					     other->line);
		fl->holiday_of[dn - jan1] = entry;
		fl->cy->off[dn - jan1] = 1;
	}
	return 0;
}

static int load_workday(struct file_load *fl, const struct hl_yaml_node *entry)
{
	int64_t dn, jan1 = day_number(fl->cy->year, 1, 1);
	const struct hl_yaml_node *at, *holiday, *earlier;
	const char *date;

	if (check_entry(fl, entry, workday_schema,
			"a make-up working day (a mapping with date and for)") < 0 ||
	    read_date(fl, entry, "date", &dn) < 0)
		return -1;
	at = hl_yaml_map_get(entry, "date");
	date = at->text;
	holiday = fl->holiday_of[dn - jan1];
	earlier = fl->workday_of[dn - jan1];
	if (!is_weekend(dn))
		return hl_yaml_error(fl->err, fl->errlen, at,
				     "key 'date': %s is a %s, a working day already; a make-up "
				     "working day (调休) is a Saturday or Sunday",
				     date, weekday_names[weekday(dn)]);
	if (holiday)
		return hl_yaml_error(fl->err, fl->errlen, at,
				     "key 'date': %s is a day off of holiday %s (line %u), so it "
				     "cannot be a make-up working day",
				     date, text_of(holiday, "name"), holiday->line);
	if (earlier)
		return hl_yaml_error(fl->err, fl->errlen, at,
				     "key 'date': %s is listed twice (first at line %u)", date,
				     earlier->line);
	fl->workday_of[dn - jan1] = entry;
	fl->cy->off[dn - jan1] = 0;
	return 0;
}

static int load_file(const char *path, int year, struct cal_year *cy, char *err,
		     size_t errlen)
{
	struct file_load *fl = calloc(1, sizeof(*fl));
	struct hl_yaml_doc *doc = NULL;
	const struct hl_yaml_node *root, *list;
	struct hl_options top = {file_schema, NULL, "calendar", NULL};
	int64_t jan1 = day_number(year, 1, 1);
	int ndays = (int)(day_number(year + 1, 1, 1) - jan1);
	int rc = -1;

	if (!fl) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	fl->cy = cy;
	fl->err = err;
	fl->errlen = errlen;
	cy->year = year;
	for (int i = 0; i < ndays; i++)
		cy->off[i] = (unsigned char)is_weekend(jan1 + i);
	if (hl_yaml_load_file(path, &doc, err, errlen) < 0)
		goto out;
	root = doc->root;
	if (!root) {
		snprintf(err, errlen,
			 "%s:1:1: the file is empty; expected year, holidays and workdays", path);
		goto out;
	}
	if (hl_options_check(file_schema, root, root, err, errlen) < 0)
		goto out;
	top.node = root;
	if (hl_opt_int(&top, "year") != year) {
		hl_yaml_error(err, errlen, hl_yaml_map_get(root, "year"),
			      "key 'year': expected %d, the year in the file's name, got '%s'",
			      year, hl_yaml_map_get(root, "year")->text);
		goto out;
	}
	list = hl_opt_node(&top, "holidays");
	for (size_t i = 0; list && i < list->count; i++) {
		if (load_holiday(fl, list->items[i]) < 0)
			goto out;
	}
	list = hl_opt_node(&top, "workdays");
	for (size_t i = 0; list && i < list->count; i++) {
		if (load_workday(fl, list->items[i]) < 0)
			goto out;
	}
	rc = 0;
out:
	hl_yaml_free(doc);
	free(fl);
	return rc;
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
		rc = load_file(path, year, &cal->years[i], err, errlen);
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
	if (year < YEAR_MIN || year > YEAR_MAX || !real_date(year, month, day))
		return -1;
	return !day_off(cal, day_number(year, month, day), NULL);
}

/* Counts `minutes` of office time from from_ms. */
static int64_t add_work_minutes(struct hl_calendar *cal, int64_t from_ms, int64_t minutes,
				int *fallback)
{
	const struct hl_calendar_rules *r = &cal->rules;
	int64_t dn = local_day(cal, from_ms), left;

	if (minutes > HL_CALENDAR_MAX_DAYS * (DAY_MS / 60000))
		return -1;
	left = minutes * 60000;
	for (int i = 0; i <= HL_CALENDAR_MAX_DAYS; i++, dn++) {
		/* A day whose office hours are over (the day of arrival) is not asked about. */
		if (local_time(cal, dn, r->periods[r->nperiods - 1].end_min) <= from_ms ||
		    day_off(cal, dn, fallback))
			continue;
		for (size_t p = 0; p < r->nperiods; p++) {
			int64_t open = local_time(cal, dn, r->periods[p].start_min);
			int64_t close = local_time(cal, dn, r->periods[p].end_min);
			int64_t start = open > from_ms ? open : from_ms;

			if (close <= start)
				continue;
			if (left <= close - start)
				return start + left;
			left -= close - start;
		}
	}
	return -1;
}

/* The end of the Nth working day after the day of from_ms. */
static int64_t add_work_days(struct hl_calendar *cal, int64_t from_ms, int64_t n,
			     int *fallback)
{
	const struct hl_calendar_rules *r = &cal->rules;
	int64_t dn = local_day(cal, from_ms), end;
	int64_t counted = 0;

	for (int i = 0; counted < n; i++) {
		if (i == HL_CALENDAR_MAX_DAYS)
			return -1;
		dn++;
		if (!day_off(cal, dn, fallback))
			counted++;
	}
	if (r->day_end == HL_DAY_ENDS_MIDNIGHT)
		end = local_time(cal, dn + 1, 0);
	else
		end = local_time(cal, dn, r->periods[r->nperiods - 1].end_min);
	return end > from_ms ? end : from_ms;
}

static int64_t deadline(struct hl_calendar *cal, int64_t from_ms, struct hl_duration dur,
			int *fallback)
{
	if (!in_range(from_ms) || dur.amount < 0)
		return -1;
	switch (dur.unit) {
	case HL_DUR_WORK_MINUTES:
		return add_work_minutes(cal, from_ms, dur.amount, fallback);
	case HL_DUR_WORK_DAYS:
		return add_work_days(cal, from_ms, dur.amount, fallback);
	default:
		return dur.amount > HL_CALENDAR_MAX_DAYS * DAY_MS ? -1 : from_ms + dur.amount;
	}
}

int64_t hl_calendar_add(struct hl_calendar *cal, int64_t from_ms, struct hl_duration dur)
{
	return deadline(cal, from_ms, dur, NULL);
}

int hl_calendar_add_used_fallback(struct hl_calendar *cal, int64_t from_ms,
				  struct hl_duration dur)
{
	int fallback = 0;

	deadline(cal, from_ms, dur, &fallback);
	return fallback;
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
