/* Unit tests for routes/sla.yaml's supervision section (issue 16): the stages of a
 * supervised case's rectification deadline, their defaults, the shipped file's values,
 * errors at file:line:column, and the script arguments of a case's one clock. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "time/calendar.h"
#include "time/sla.h"

static char dir[256];
static struct hl_calendar *cal;

static void setup(void)
{
	struct hl_calendar_rules rules;
	char err[512] = "";

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	hlt_tmpdir(dir, sizeof(dir));
	hl_calendar_rules_default(&rules);
	cr_assert_eq(hl_calendar_load(HL_SOURCE_DIR "/etc/calendar", &rules, NULL, NULL, &cal, err,
				      sizeof(err)),
		     0, "%s", err);
}

static void teardown(void)
{
	hl_calendar_free(cal);
	hlt_rmtree(dir);
}

TestSuite(sla, .init = setup, .fini = teardown);

#define ONE_POLICY "policies:\n  - name: default\n    sign: 2wh\n    answer: 5wd\n"

static struct hl_sla *load(const char *text, char *err, size_t len)
{
	struct hl_sla *sla = NULL;
	char path[512];

	hlt_write_file(dir, "sla.yaml", text, path, sizeof(path));
	if (hl_sla_load(dir, &sla, err, len) < 0)
		return NULL;
	return sla;
}

Test(sla, the_supervision_section_and_its_defaults)
{
	char err[512] = "";
	struct hl_sla *sla = load(ONE_POLICY, err, sizeof(err));

	cr_assert(sla, "%s", err);
	cr_expect_eq(sla->supervision.warning_percent, 75);
	cr_expect_str_eq(sla->supervision.reminder_audience, "unit_head");
	cr_expect_eq(sla->supervision.nlevels, 0);
	hl_sla_free(sla);

	cr_assert_eq(hl_sla_load(HL_SOURCE_DIR "/routes", &sla, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(sla->supervision.warning_percent, 80);
	cr_expect_eq(sla->supervision.nlevels, 2);
	cr_expect_str_eq(sla->supervision.levels[1].audience, "leadership");
	hl_sla_free(sla);
}

Test(sla, supervision_errors_name_file_line_and_column)
{
	char err[512] = "", want[600];

	cr_assert_null(load(ONE_POLICY "supervision:\n  warning: 100\n", err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/sla.yaml:6:12: ", dir);
	cr_expect(strncmp(err, want, strlen(want)) == 0 && strstr(err, "percent"), "%s", err);
	cr_assert_null(load(ONE_POLICY "supervision:\n  escalation:\n    - {after: 1wd, to: mayor}\n",
			    err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/sla.yaml:7:24: ", dir);
	cr_expect(strncmp(err, want, strlen(want)) == 0 && strstr(err, "leadership"), "%s", err);
	cr_assert_null(load(ONE_POLICY "supervision:\n  sign: 2h\n", err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/sla.yaml:6:3: ", dir);
	cr_expect(strncmp(err, want, strlen(want)) == 0, "%s", err);
}

Test(sla, a_case_clock_is_its_deadline_with_the_sections_stages)
{
	char err[512] = "";
	struct hl_sla *sla = load(ONE_POLICY "supervision:\n  warning: 50\n  reminder: 2h\n"
					     "  escalation:\n    - {after: 4h, to: leadership}\n",
				  err, sizeof(err));
	struct hl_sla_args a;
	const int64_t start = 1796569200000LL, deadline = start + 10 * 3600 * 1000LL;

	cr_assert(sla, "%s", err);
	hl_sla_args_init(&a);
	cr_assert_eq(hl_sla_args_add_case(&a, sla, cal, start, deadline), 0);
	/* 1 clock: rectify, its deadline, 4 stages (name, due, audience) */
	cr_assert_eq(a.argc, 1 + 3 + 4 * 3);
	cr_expect_str_eq(a.argv[0], "1");
	cr_expect_str_eq(a.argv[1], HL_SLA_CASE_CLOCK);
	cr_expect_eq(atoll(a.argv[2]), deadline);
	cr_expect_str_eq(a.argv[4], "warning");
	cr_expect_eq(atoll(a.argv[5]), start + 5 * 3600 * 1000LL);
	cr_expect_str_eq(a.argv[7], "overdue");
	cr_expect_eq(atoll(a.argv[8]), deadline);
	cr_expect_str_eq(a.argv[10], "reminder");
	cr_expect_eq(atoll(a.argv[11]), deadline + 2 * 3600 * 1000LL);
	cr_expect_str_eq(a.argv[13], "escalation1");
	cr_expect_str_eq(a.argv[15], "leadership");
	hl_sla_free(sla);
}
