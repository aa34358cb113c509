/*
 * SLA policies (routes/sla.yaml, core/README.md §7): which time limits hold for a
 * ticket, matched by channel, urgency, type and catalogue item (first match wins; the
 * last policy matches everything), and the stages each limit brings: warning (yellow,
 * at a share of the allowed time), overdue (red, at the deadline), reminder (催办, a delay
 * after it) and each escalation level (督办, a delay after it, to an audience). Pure: the
 * deadlines come from the working-day calendar.
 */
#ifndef HL_SLA_H
#define HL_SLA_H

#include <stddef.h>
#include <stdint.h>
#include <hotline/plugin.h>

struct hl_calendar;
struct hl_ticket;
struct hl_yaml_doc;

#define HL_SLA_LEVELS_MAX 4
#define HL_SLA_STAGES_MAX (3 + HL_SLA_LEVELS_MAX)

/* The clocks a ticket runs against. */
enum hl_sla_clock { HL_CLOCK_SIGN, HL_CLOCK_ANSWER, HL_CLOCK_CALLBACK, HL_CLOCKS };

struct hl_sla_level {
	struct hl_duration after; /* after the deadline */
	const char *audience;     /* unit_head, supervision_office, leadership; borrowed */
};

struct hl_sla_policy {
	const char *name;                     /* borrowed from the document */
	const struct hl_yaml_node *when;      /* the match, or NULL for every ticket */
	struct hl_duration limit[HL_CLOCKS];  /* sign (签收), answer (办结), callback (回访) */
	struct hl_duration return_window;     /* a unit may ask to return this long after dispatch */
	int warning_percent;                  /* yellow at this share of the allowed time */
	struct hl_duration reminder;          /* 催办 after the deadline */
	const char *reminder_audience;
	size_t nlevels;
	struct hl_sla_level levels[HL_SLA_LEVELS_MAX]; /* 督办 */
};

struct hl_sla {
	struct hl_yaml_doc *doc;
	size_t n;
	struct hl_sla_policy *policies;
	/* The stages of supervised cases (督办件, issue 16), from the file's `supervision:`
	 * section: warning, reminder, reminder_to, escalation; no limits (a case has its
	 * deadline) and no `when`. */
	struct hl_sla_policy supervision;
};

/* One stage to fire: the clock, its name ("warning", "overdue", "reminder",
 * "escalation1", ...), when, and for whom. */
struct hl_sla_stage {
	enum hl_sla_clock clock;
	char name[16];
	int64_t due_ms;
	const char *audience; /* borrowed from the policy; "" for warning and overdue */
};

/* Loads <routes_dir>/sla.yaml. Returns 0 and *sla_r (free with hl_sla_free), or -1 with
 * "file:line:column: reason" in err. The last policy must have no `when`. */
int hl_sla_load(const char *routes_dir, struct hl_sla **sla_r, char *err, size_t errlen);

void hl_sla_free(struct hl_sla *sla);

/* The policy named `name` when there is one (a plugin asked for it, e.g. "tv"), else the
 * first matching the ticket's channel, urgency, type and item. Never NULL. */
const struct hl_sla_policy *hl_sla_match(const struct hl_sla *sla, const struct hl_ticket *t,
					 const char *name);

/* The name of a clock: "sign", "answer", "callback". */
const char *hl_sla_clock_name(enum hl_sla_clock clock);

/* The deadline of `clock` started at start_ms (the policy's limit, or `deadline` when it
 * is not -1: an extension), and its stages in due order into stages (room for
 * HL_SLA_STAGES_MAX). Returns the number of stages, or -1 when the calendar cannot
 * compute it. */
int hl_sla_schedule(const struct hl_sla_policy *p, struct hl_calendar *cal,
		    enum hl_sla_clock clock, int64_t start_ms, int64_t deadline,
		    int64_t *deadline_r, struct hl_sla_stage *stages);

/* Script arguments that (re)schedule clocks, as lua/lib.lua's schedule_from reads them:
 * a count, then per clock its name, deadline and stages (name, due, audience). */
#define HL_SLA_ARGS_MAX (1 + HL_CLOCKS * (3 + 3 * HL_SLA_STAGES_MAX))
struct hl_sla_args {
	int argc;
	const char *argv[HL_SLA_ARGS_MAX];
	char text[HL_SLA_ARGS_MAX][24]; /* numbers and names the argv point to */
};

/* Empty: schedules nothing (argc 1, the count 0). */
void hl_sla_args_init(struct hl_sla_args *a);

/* Adds a clock (see hl_sla_schedule for start_ms and deadline). Returns 0 and the
 * deadline in *deadline_r, or -1 when it cannot be computed (nothing added). */
int hl_sla_args_add(struct hl_sla_args *a, const struct hl_sla_policy *p,
		    struct hl_calendar *cal, enum hl_sla_clock clock, int64_t start_ms,
		    int64_t deadline, int64_t *deadline_r);

/* The name of a supervised case's one clock, its rectification deadline (整改时限). */
#define HL_SLA_CASE_CLOCK "rectify"

/* Room in argv for hl_sla_args_add_case's one clock (with the count). */
#define HL_SLA_CASE_ARGS_MAX (1 + 3 + 3 * HL_SLA_STAGES_MAX)

/* Adds a supervised case's clock (HL_SLA_CASE_CLOCK): the stages of sla's supervision
 * section for `deadline`, started at start_ms. Returns 0, or -1 when the calendar cannot
 * compute them (nothing added). */
int hl_sla_args_add_case(struct hl_sla_args *a, const struct hl_sla *sla,
			 struct hl_calendar *cal, int64_t start_ms, int64_t deadline);

#endif
