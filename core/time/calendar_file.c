/*
 * One year's file of the working-day calendar (cn-YYYY.yaml; calendar.h), read and
 * checked: known keys only, `year` equal to the name's, real dates inside that year, no
 * holiday overlapping another, make-up days on a Saturday or Sunday outside every holiday
 * and listed once. Each error names file:line:column and what was expected.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/options.h"
#include "base/yaml_tree.h"
#include "time/calendar.h"
#include "time/calendar_private.h"

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
	if (!hl_cal_real_date(y, m, d))
		return hl_yaml_error(fl->err, fl->errlen, v, "key '%s': '%s' is not a real date",
				     key, t);
	if (y != fl->cy->year)
		return hl_yaml_error(fl->err, fl->errlen, v,
				     "key '%s': %s is outside the file's year %d", key, t,
				     fl->cy->year);
	*dn_r = hl_cal_day_number(y, m, d);
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
	int64_t first, last, jan1 = hl_cal_day_number(fl->cy->year, 1, 1);

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
	int64_t dn, jan1 = hl_cal_day_number(fl->cy->year, 1, 1);
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
	if (!hl_cal_is_weekend(dn))
		return hl_yaml_error(fl->err, fl->errlen, at,
				     "key 'date': %s is a %s, a working day already; a make-up "
				     "working day (调休) is a Saturday or Sunday",
				     date, weekday_names[hl_cal_weekday(dn)]);
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

int hl_cal_load_year(const char *path, int year, struct cal_year *cy, char *err,
		     size_t errlen)
{
	struct file_load *fl = calloc(1, sizeof(*fl));
	struct hl_yaml_doc *doc = NULL;
	const struct hl_yaml_node *root, *list;
	struct hl_options top = {file_schema, NULL, "calendar", NULL};
	int64_t jan1 = hl_cal_day_number(year, 1, 1);
	int ndays = (int)(hl_cal_day_number(year + 1, 1, 1) - jan1);
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
		cy->off[i] = (unsigned char)hl_cal_is_weekend(jan1 + i);
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
