/* Routing accuracy over the labelled sample tickets (tests/data/tickets-sample.jsonl):
 * every ticket goes through exactly what the daemon runs with the shipped routes, the
 * keyword plugin's catalogue routing and then the district plugin's fallback, on the
 * shipped routes/catalogue.yaml and routes/districts.yaml; the share sent to the expected
 * department must reach 85%. Prints the figure, per half of the file (odd and even
 * lines), every misrouted ticket, and how often the ticket type is right too. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "gazetteer.h"
#include "config/routes.h"

static struct hl_routes *routes;
static struct hl_gazetteer *gz;
static struct hl_catalogue *cat;

static enum hl_unit_kind unit_kind(void *arg, const char *code)
{
	const struct hl_department *d = hl_routes_department(arg, code);

	if (!d)
		return HL_UNIT_UNKNOWN;
	return d->kind == HL_DEPT_DISTRICT ? HL_UNIT_DISTRICT : HL_UNIT_LINE;
}

static void setup(void)
{
	char err[1024] = "";
	struct hl_unit_check check;

	cr_assert_eq(hl_routes_load(HL_SOURCE_DIR "/routes", &routes, err, sizeof(err)), 0, "%s",
		     err);
	check = (struct hl_unit_check){unit_kind, routes};
	cr_assert_eq(hl_gazetteer_load(HL_SOURCE_DIR "/routes/districts.yaml", &check, &gz, err,
				       sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(hl_catalogue_load(HL_SOURCE_DIR "/routes/catalogue.yaml", &check, &cat, err,
				       sizeof(err)),
		     0, "%s", err);
}

static void teardown(void)
{
	hl_catalogue_free(cat);
	hl_gazetteer_free(gz);
	hl_routes_free(routes);
}

TestSuite(routing_accuracy, .init = setup, .fini = teardown);

static const char *field(json_object *o, const char *name)
{
	json_object *v;

	return json_object_object_get_ex(o, name, &v) ? json_object_get_string(v) : NULL;
}

/* The keyword plugin, then the district plugin, as the routing pass runs them. */
static const char *route(const struct hl_ticket_text *t, struct hl_route_answer *a)
{
	int rc = hl_catalogue_route(cat, gz, t, a, NULL);

	if (rc == 0)
		rc = hl_gazetteer_route(gz, t, a, NULL);
	cr_assert_geq(rc, 0, "out of memory");
	return rc == 1 ? a->department : "(manual)";
}

Test(routing_accuracy, sample_tickets)
{
	FILE *f = fopen(HL_SOURCE_DIR "/tests/data/tickets-sample.jsonl", "r");
	int total[2] = {0, 0}, right[2] = {0, 0}, line = 0, typed = 0;
	char *buf = NULL;
	size_t cap = 0;

	cr_assert(f, "no sample tickets");
	while (getline(&buf, &cap, f) > 0) {
		json_object *o = json_tokener_parse(buf), *expect;
		struct hl_ticket_text t;
		struct hl_route_answer a;
		const char *want, *got;
		int half = ++line % 2;

		cr_assert(o, "line %d is not JSON", line);
		cr_assert(json_object_object_get_ex(o, "expect", &expect), "line %d", line);
		t = (struct hl_ticket_text){field(o, "title"), field(o, "content"),
					    field(o, "address"), field(o, "district")};
		want = field(expect, "department");
		got = route(&t, &a);
		total[half]++;
		if (strcmp(want, got) == 0)
			right[half]++;
		if (strcmp(got, "(manual)") && strcmp(a.type, field(expect, "type")) == 0)
			typed++;
		else
			printf("misrouted line %d: want %s, got %s (%s) - %s\n", line, want, got,
			       strcmp(got, "(manual)") ? a.item : "", t.title);
		json_object_put(o);
	}
	free(buf);
	fclose(f);
	printf("routing accuracy: %d/%d = %.1f%% (odd lines %d/%d, even lines %d/%d)\n",
	       right[0] + right[1], total[0] + total[1],
	       100.0 * (right[0] + right[1]) / (total[0] + total[1]), right[1], total[1], right[0],
	       total[0]);
	printf("ticket type right: %d/%d\n", typed, total[0] + total[1]);
	cr_assert_eq(total[0] + total[1], 120);
	cr_assert_geq((right[0] + right[1]) * 100, 85 * (total[0] + total[1]),
		      "accuracy below 85%%");
}
