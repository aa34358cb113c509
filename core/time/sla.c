/* Loading SLA policies, matching them, scheduling their stages; see sla.h. */
#include "time/sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time/calendar.h"
#include "base/decimal.h"
#include "base/duration.h"
#include "base/options.h"
#include "base/ticket.h"
#include "base/yaml_tree.h"

static const struct hl_option file_schema[] = {
	{"policies", HL_OPT_SEQUENCE, 1, NULL, "SLA policies, first match wins"},
	{"supervision", HL_OPT_SECTION, 0, NULL, "the stages of supervised cases (督办件)"},
	{NULL, 0, 0, NULL, NULL},
};

/* The stages of a supervised case's rectification deadline: the policies' stage keys,
 * without limits (the case has its own deadline). */
static const struct hl_option supervision_schema[] = {
	{"warning", HL_OPT_INT, 0, "75", "yellow at this percent of the allowed time"},
	{"reminder", HL_OPT_DURATION, 0, "1wd", "催办 this long after the deadline"},
	{"reminder_to", HL_OPT_STRING, 0, "unit_head", "who gets the reminder"},
	{"escalation", HL_OPT_SEQUENCE, 0, NULL, "督办 levels: after (delay), to (audience)"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option policy_schema[] = {
	{"name", HL_OPT_STRING, 1, NULL, "what the policy is for"},
	{"when", HL_OPT_SECTION, 0, NULL, "channel, urgency, type, item: a value or a list"},
	{"sign", HL_OPT_DURATION, 1, NULL, "limit to sign for it (签收)"},
	{"answer", HL_OPT_DURATION, 1, NULL, "limit to answer it (办结)"},
	{"callback", HL_OPT_DURATION, 0, "1wd", "limit to call the citizen back (回访)"},
	{"return_window", HL_OPT_DURATION, 0, "1wd", "how long after dispatch a unit may return it"},
	{"warning", HL_OPT_INT, 0, "75", "yellow at this percent of the allowed time"},
	{"reminder", HL_OPT_DURATION, 0, "1h", "催办 this long after a deadline"},
	{"reminder_to", HL_OPT_STRING, 0, "unit_head", "who gets the reminder"},
	{"escalation", HL_OPT_SEQUENCE, 0, NULL, "督办 levels: after (delay), to (audience)"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option level_schema[] = {
	{"after", HL_OPT_DURATION, 1, NULL, "delay after the deadline"},
	{"to", HL_OPT_STRING, 1, NULL, "unit_head, supervision_office or leadership"},
	{NULL, 0, 0, NULL, NULL},
};

static const char *const when_keys[] = {"channel", "urgency", "type", "item"};
static const char *const audiences[] = {"unit_head", "supervision_office", "leadership"};

const char *hl_sla_clock_name(enum hl_sla_clock clock)
{
	static const char *const names[] = {"sign", "answer", "callback"};

	return clock < HL_CLOCKS ? names[clock] : "?";
}

static int known_audience(const char *a)
{
	for (size_t i = 0; i < sizeof(audiences) / sizeof(audiences[0]); i++) {
		if (strcmp(a, audiences[i]) == 0)
			return 1;
	}
	return 0;
}

static int check_when(const struct hl_yaml_node *when, char *err, size_t errlen)
{
	for (size_t i = 0; i < when->count; i++) {
		const struct hl_yaml_node *k = hl_yaml_key(when, i), *v = hl_yaml_value(when, i);
		int known = 0;

		for (size_t j = 0; j < sizeof(when_keys) / sizeof(when_keys[0]); j++)
			known |= strcmp(k->text, when_keys[j]) == 0;
		if (!known)
			return hl_yaml_error(err, errlen, k,
					     "unknown key '%s' (expected channel, urgency, type or "
					     "item)",
					     k->text);
		if (v->kind == HL_YAML_MAP)
			return hl_yaml_error(err, errlen, v, "key '%s': expected a value or a list",
					     k->text);
		for (size_t j = 0; v->kind == HL_YAML_SEQ && j < v->count; j++) {
			if (v->items[j]->kind != HL_YAML_SCALAR)
				return hl_yaml_error(err, errlen, v->items[j],
						     "key '%s': expected a list of values", k->text);
		}
	}
	return 0;
}

/* The stage keys of a policy or of the supervision section (o over node): warning,
 * reminder, reminder_to, escalation. */
static int load_stages(struct hl_sla_policy *p, const struct hl_options *o,
		       const struct hl_yaml_node *node, char *err, size_t errlen)
{
	const struct hl_yaml_node *levels;

	p->reminder = hl_opt_duration(o, "reminder");
	p->reminder_audience = hl_opt_string(o, "reminder_to");
	p->warning_percent = (int)hl_opt_int(o, "warning");
	if (p->warning_percent < 1 || p->warning_percent > 99)
		return hl_yaml_error(err, errlen, hl_yaml_map_get(node, "warning"),
				     "key 'warning': expected a percent from 1 to 99");
	if (!known_audience(p->reminder_audience))
		return hl_yaml_error(err, errlen, hl_yaml_map_get(node, "reminder_to"),
				     "key 'reminder_to': expected unit_head, supervision_office "
				     "or leadership");
	levels = hl_opt_node(o, "escalation");
	for (size_t i = 0; levels && i < levels->count; i++) {
		const struct hl_yaml_node *l = levels->items[i];
		struct hl_options lo = {level_schema, l, "sla", NULL};

		if (i == HL_SLA_LEVELS_MAX)
			return hl_yaml_error(err, errlen, l, "at most %d escalation levels",
					     HL_SLA_LEVELS_MAX);
		if (l->kind != HL_YAML_MAP || hl_options_check(level_schema, l, l, err, errlen) < 0)
			return l->kind != HL_YAML_MAP
				       ? hl_yaml_error(err, errlen, l,
						       "expected a level {after: 4h, to: leadership}")
				       : -1;
		p->levels[i].after = hl_opt_duration(&lo, "after");
		p->levels[i].audience = hl_opt_string(&lo, "to");
		if (!known_audience(p->levels[i].audience))
			return hl_yaml_error(err, errlen, hl_yaml_map_get(l, "to"),
					     "key 'to': expected unit_head, supervision_office or "
					     "leadership");
		p->nlevels = i + 1;
	}
	return 0;
}

static int load_policy(struct hl_sla_policy *p, const struct hl_yaml_node *node, int last,
		       char *err, size_t errlen)
{
	struct hl_options o = {policy_schema, node, "sla", NULL};
	static const char *const clock_keys[] = {"sign", "answer", "callback"};

	if (node->kind != HL_YAML_MAP)
		return hl_yaml_error(err, errlen, node, "expected a policy (a mapping), got %s",
				     hl_yaml_kind_name(node));
	if (hl_options_check(policy_schema, node, node, err, errlen) < 0)
		return -1;
	p->name = hl_opt_string(&o, "name");
	p->when = hl_opt_node(&o, "when");
	if (p->when && check_when(p->when, err, errlen) < 0)
		return -1;
	if (last && p->when)
		return hl_yaml_error(err, errlen, hl_yaml_map_get(node, "when"),
				     "the last policy is the default: it must have no 'when'");
	for (int c = 0; c < HL_CLOCKS; c++)
		p->limit[c] = hl_opt_duration(&o, clock_keys[c]);
	p->return_window = hl_opt_duration(&o, "return_window");
	return load_stages(p, &o, node, err, errlen);
}

/* The `supervision:` section (its defaults when absent): the stages of every supervised
 * case's deadline. */
static int load_supervision(struct hl_sla *sla, const struct hl_options *top, char *err,
			    size_t errlen)
{
	const struct hl_yaml_node *node = hl_opt_node(top, "supervision");
	struct hl_options o = {supervision_schema, node, "sla", NULL};

	sla->supervision.name = "supervision";
	if (node && hl_options_check(supervision_schema, node, node, err, errlen) < 0)
		return -1;
	return load_stages(&sla->supervision, &o, node, err, errlen);
}

int hl_sla_load(const char *routes_dir, struct hl_sla **sla_r, char *err, size_t errlen)
{
	struct hl_sla *sla = calloc(1, sizeof(*sla));
	struct hl_options top;
	const struct hl_yaml_node *list;
	char path[1024];

	snprintf(path, sizeof(path), "%s/sla.yaml", routes_dir);
	if (!sla) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (hl_yaml_load_file(path, &sla->doc, err, errlen) < 0)
		goto fail;
	if (!sla->doc->root) {
		snprintf(err, errlen, "%s:1:1: the file is empty; expected 'policies:'", path);
		goto fail;
	}
	top = (struct hl_options){file_schema, sla->doc->root, "sla", NULL};
	if (hl_options_check(file_schema, sla->doc->root, sla->doc->root, err, errlen) < 0)
		goto fail;
	list = hl_opt_node(&top, "policies");
	if (!list || list->count == 0) {
		hl_yaml_error(err, errlen, sla->doc->root, "expected at least one policy");
		goto fail;
	}
	if (!(sla->policies = calloc(list->count, sizeof(*sla->policies)))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (size_t i = 0; i < list->count; i++) {
		if (load_policy(&sla->policies[i], list->items[i], i + 1 == list->count, err,
				errlen) < 0)
			goto fail;
		sla->n = i + 1;
	}
	if (load_supervision(sla, &top, err, errlen) < 0)
		goto fail;
	*sla_r = sla;
	return 0;
fail:
	hl_sla_free(sla);
	return -1;
}

void hl_sla_free(struct hl_sla *sla)
{
	if (!sla)
		return;
	free(sla->policies);
	hl_yaml_free(sla->doc);
	free(sla);
}

/* Does the value match the condition (a scalar, or a list of them; "x.*" matches x.y)? */
static int value_matches(const struct hl_yaml_node *cond, const char *value)
{
	size_t n = cond->kind == HL_YAML_SEQ ? cond->count : 1;

	for (size_t i = 0; value && i < n; i++) {
		const char *want = cond->kind == HL_YAML_SEQ ? cond->items[i]->text : cond->text;
		size_t len = strlen(want);

		if (strcmp(want, value) == 0 ||
		    (len >= 2 && strcmp(want + len - 2, ".*") == 0 &&
		     strncmp(value, want, len - 1) == 0))
			return 1;
	}
	return 0;
}

const struct hl_sla_policy *hl_sla_match(const struct hl_sla *sla, const struct hl_ticket *t,
					 const char *name)
{
	for (size_t i = 0; name && *name && i < sla->n; i++) {
		if (strcmp(sla->policies[i].name, name) == 0)
			return &sla->policies[i];
	}
	for (size_t i = 0; i < sla->n; i++) {
		const struct hl_sla_policy *p = &sla->policies[i];
		int all = 1;

		for (size_t j = 0; p->when && j < p->when->count && all; j++)
			all = value_matches(hl_yaml_value(p->when, j),
					    hl_ticket_field(t, hl_yaml_key(p->when, j)->text));
		if (all)
			return p;
	}
	return &sla->policies[sla->n - 1];
}

/* Copies src into dst of `size` bytes, cut to fit, NUL-terminated: snprintf's "%s"
 * without its cost (this runs a dozen times a dispatch). */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void stage(struct hl_sla_stage *s, enum hl_sla_clock clock, const char *name,
		  int64_t due, const char *audience)
{
	s->clock = clock;
	copy_text(s->name, sizeof(s->name), name);
	s->due_ms = due;
	s->audience = audience;
}

/* Yellow: the warning share of the allowed time, counted in the limit's own unit (working
 * hours count office time only; working days whole days), else as wall-clock time. */
static int64_t warning_at(const struct hl_sla_policy *p, struct hl_calendar *cal,
			  enum hl_sla_clock clock, int64_t start_ms, int64_t deadline,
			  int from_policy)
{
	struct hl_duration share = p->limit[clock];
	int64_t at = -1;

	share.amount = share.amount * p->warning_percent / 100;
	if (from_policy && share.unit != HL_DUR_WALL_MS && share.amount > 0)
		at = hl_calendar_add(cal, start_ms, share);
	return at >= 0 ? at : start_ms + (deadline - start_ms) * p->warning_percent / 100;
}

int hl_sla_schedule(const struct hl_sla_policy *p, struct hl_calendar *cal,
		    enum hl_sla_clock clock, int64_t start_ms, int64_t deadline,
		    int64_t *deadline_r, struct hl_sla_stage *stages)
{
	int64_t at;
	int n = 0, from_policy = deadline < 0;

	if (from_policy)
		deadline = hl_calendar_add(cal, start_ms, p->limit[clock]);
	if (deadline < 0)
		return -1;
	*deadline_r = deadline;
	stage(&stages[n++], clock, "warning",
	      warning_at(p, cal, clock, start_ms, deadline, from_policy), "");
	stage(&stages[n++], clock, "overdue", deadline, "");
	if ((at = hl_calendar_add(cal, deadline, p->reminder)) >= 0)
		stage(&stages[n++], clock, "reminder", at, p->reminder_audience);
	for (size_t i = 0; i < p->nlevels; i++) {
		char name[16] = "escalation";

		name[10] = (char)('0' + (i + 1) % 10);
		name[11] = '\0';
		if ((at = hl_calendar_add(cal, deadline, p->levels[i].after)) >= 0)
			stage(&stages[n++], clock, name, at, p->levels[i].audience);
	}
	return n;
}

void hl_sla_args_init(struct hl_sla_args *a)
{
	a->argc = 1;
	hl_decimal_write(a->text[0], 0);
	a->argv[0] = a->text[0];
}

/* Appends a string argument (copied into the next text slot when copy is set). */
static void arg(struct hl_sla_args *a, const char *value, int copy)
{
	if (copy) {
		copy_text(a->text[a->argc], sizeof(a->text[0]), value);
		value = a->text[a->argc];
	}
	a->argv[a->argc++] = value;
}

static void arg_int(struct hl_sla_args *a, long long value)
{
	hl_decimal_write(a->text[a->argc], value);
	arg(a, a->text[a->argc], 0);
}

/* Adds clock `clock` under the name `name`. */
static int add_clock(struct hl_sla_args *a, const struct hl_sla_policy *p,
		     struct hl_calendar *cal, enum hl_sla_clock clock, const char *name,
		     int64_t start_ms, int64_t deadline, int64_t *deadline_r)
{
	struct hl_sla_stage stages[HL_SLA_STAGES_MAX];
	int n = hl_sla_schedule(p, cal, clock, start_ms, deadline, deadline_r, stages);

	if (n < 0)
		return -1;
	arg(a, name, 0);
	arg_int(a, *deadline_r);
	arg_int(a, n);
	for (int i = 0; i < n; i++) {
		arg(a, stages[i].name, 1);
		arg_int(a, stages[i].due_ms);
		arg(a, stages[i].audience, 0);
	}
	hl_decimal_write(a->text[0], atoi(a->text[0]) + 1);
	return 0;
}

int hl_sla_args_add(struct hl_sla_args *a, const struct hl_sla_policy *p,
		    struct hl_calendar *cal, enum hl_sla_clock clock, int64_t start_ms,
		    int64_t deadline, int64_t *deadline_r)
{
	return add_clock(a, p, cal, clock, hl_sla_clock_name(clock), start_ms, deadline,
			 deadline_r);
}

int hl_sla_args_add_case(struct hl_sla_args *a, const struct hl_sla *sla,
			 struct hl_calendar *cal, int64_t start_ms, int64_t deadline)
{
	int64_t due;

	/* the stages of a given deadline: the clock only names them (warning_at counts the
	 * share of the time between start and deadline) */
	return add_clock(a, &sla->supervision, cal, HL_CLOCK_ANSWER, HL_SLA_CASE_CLOCK, start_ms,
			 deadline, &due);
}
