/* The one list of personal ticket fields (hl_personal_fields, core/base/mask.c) and the
 * places that mask by it: the ticket view for a role that does not see personal data
 * (hl_ticket_view), the webhook plugin's payload and the log plugin's lines (webhook.so
 * and log.so under build/plugins, loaded with dlopen and driven through a small fake
 * host). A ticket is made with every field of the list carrying a phone number; each place
 * must show each field exactly as hl_mask_field says, and the number nowhere whole. A
 * place that kept a list of its own (the view and the webhook once disagreed on
 * direct_answer) fails here. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <hotline/plugin.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "base/mask.h"
#include "base/ticket.h"
#include "config/auth.h"
#include "tickets/api.h"

#define PHONE "13907150001"
#define ID_NUMBER "42010219900101123X"

/* The test ticket: plain fields, then every field of hl_personal_fields. */
#define PLAIN_FIELDS 6
#define MAX_FIELDS 64
static struct hl_ticket_field fields[MAX_FIELDS];
static struct hl_ticket ticket;

static char dir[256], secret_file[512];
static char logged[4096];     /* the fake host's log, one line after another */
static char *outbox;          /* the last payload put into the fake outbox */

static void make_ticket(void)
{
	static const struct hl_ticket_field plain[PLAIN_FIELDS] = {
		{"id", "20260101-000001"}, {"channel", "hotline"},
		{"state", "dispatched"},   {"department", "water"},
		{"type", "report"},	   {"created_ms", "1767225600000"},
	};
	size_t n = 0;

	for (; n < PLAIN_FIELDS; n++)
		fields[n] = plain[n];
	for (const struct hl_personal_field *f = hl_personal_fields; f->name; f++) {
		const char *value = "回电" PHONE "，身份证" ID_NUMBER "，张三丰";

		cr_assert_lt(n, MAX_FIELDS);
		if (f->kind == HL_MASK_NUMBER)
			value = strcmp(f->name, "citizen_id_number") == 0 ? ID_NUMBER : PHONE;
		else if (f->kind == HL_MASK_NAME)
			value = "张三丰";
		fields[n++] = (struct hl_ticket_field){f->name, value};
	}
	ticket = (struct hl_ticket){.nfields = n, .fields = fields};
}

/* Expects the JSON member `name` of o to be `value` masked as the list says. */
static void expect_masked(struct json_object *o, const char *where, const char *name,
			  const char *value)
{
	struct json_object *v;
	char *want = hl_mask_field(name, value);

	cr_assert_not_null(want);
	cr_assert(json_object_object_get_ex(o, name, &v), "%s: no %s", where, name);
	cr_expect_str_eq(json_object_get_string(v), want, "%s: %s", where, name);
	free(want);
}

/* Expects the text to carry neither the phone nor the ID number whole. */
static void expect_nothing_whole(const char *text, const char *where)
{
	cr_expect(!strstr(text, PHONE), "%s carries the phone whole: %s", where, text);
	cr_expect(!strstr(text, ID_NUMBER), "%s carries the ID number whole: %s", where, text);
}

/* --- the fake host ------------------------------------------------------------------ */

static void fake_log(struct hl_self *self, enum hl_log_level level, const char *fmt, ...)
{
	size_t used = strlen(logged);
	va_list ap;

	(void)self;
	(void)level;
	va_start(ap, fmt);
	vsnprintf(logged + used, sizeof(logged) - used, fmt, ap);
	va_end(ap);
	strncat(logged, "\n", sizeof(logged) - 1 - strlen(logged));
}

static const char *fake_opt_string(const struct hl_options *opts, const char *name)
{
	(void)opts;
	if (strcmp(name, "secret_file") == 0)
		return secret_file;
	return strcmp(name, "level") == 0 ? "info" : NULL;
}

static int64_t fake_opt_int(const struct hl_options *opts, const char *name)
{
	(void)opts;
	return strcmp(name, "attempts") == 0 ? 5 : 0;
}

static struct hl_duration fake_opt_duration(const struct hl_options *opts, const char *name)
{
	(void)opts;
	(void)name;
	return (struct hl_duration){1000, HL_DUR_WALL_MS};
}

static size_t fake_opt_list_count(const struct hl_options *opts, const char *name)
{
	(void)opts;
	return strcmp(name, "departments") == 0 ? 1 : 0;
}

static const char *fake_opt_list_item(const struct hl_options *opts, const char *name,
				      size_t i)
{
	(void)opts;
	return strcmp(name, "departments") == 0 && i == 0 ? "water=http://127.0.0.1:9/hook"
							   : NULL;
}

static int64_t fake_now_ms(void)
{
	return 1767225600000;
}

static const char *fake_department_name(struct hl_self *self, const char *code)
{
	(void)self;
	return strcmp(code, "water") == 0 ? "武汉市水务局" : NULL;
}

static int fake_outbox_put(struct hl_self *self, const void *payload, size_t len)
{
	(void)self;
	free(outbox);
	outbox = strndup(payload, len);
	return 0;
}

static const struct hl_host host = {
	.abi_major = HL_ABI_MAJOR,
	.abi_minor = HL_ABI_MINOR,
	.size = sizeof(struct hl_host),
	.log = fake_log,
	.opt_string = fake_opt_string,
	.opt_int = fake_opt_int,
	.opt_duration = fake_opt_duration,
	.opt_list_count = fake_opt_list_count,
	.opt_list_item = fake_opt_list_item,
	.ticket_field = hl_ticket_field,
	.now_ms = fake_now_ms,
	.department_name = fake_department_name,
	.outbox_put = fake_outbox_put,
};

static void setup(void)
{
	char path[512];

	hlt_tmpdir(dir, sizeof(dir));
	hlt_write_file(dir, "secrets.yaml", "water: water-secret-for-tests\n", path,
		       sizeof(path));
	chmod(path, 0600);
	snprintf(secret_file, sizeof(secret_file), "%s", path);
	logged[0] = '\0';
	outbox = NULL;
	make_ticket();
}

static void teardown(void)
{
	free(outbox);
	hlt_rmtree(dir);
}

TestSuite(personal_fields, .init = setup, .fini = teardown);

/* Loads build/plugins/<name>.so, runs its init with the fake host and tells it of a
 * dispatched event of the test ticket; then finishes it. */
static void tell_plugin(const char *name)
{
	struct hl_event ev = {.size = sizeof(ev), .type = HL_EV_DISPATCHED,
			      .ticket_id = "20260101-000001", .ticket = &ticket,
			      .detail = "派单给武汉市水务局", .at_ms = 1767225600000};
	const struct hl_plugin *p;
	char path[512], err[512] = "";
	void *so, *state = NULL;

	snprintf(path, sizeof(path), "%s/plugins/%s.so", HL_BUILD_DIR, name);
	if (access(path, R_OK) != 0)
		cr_skip_test("%s is not built (make builds it)", path);
	so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	cr_assert(so, "%s", dlerror());
	p = dlsym(so, "hl_plugin");
	cr_assert(p && p->init && p->on_event && p->fini);
	cr_assert_eq(p->init(&host, NULL, NULL, &state, err, sizeof(err)), HL_OK, "%s: %s",
		     name, err);
	p->on_event(state, &ev);
	p->fini(state);
	dlclose(so);
}

/* --- the tests ---------------------------------------------------------------------- */

Test(personal_fields, the_list_and_how_each_kind_is_masked)
{
	char *m;

	cr_expect_eq(hl_field_masking("caller_phone"), HL_MASK_NUMBER);
	cr_expect_eq(hl_field_masking("citizen_id_number"), HL_MASK_NUMBER);
	cr_expect_eq(hl_field_masking("citizen_name"), HL_MASK_NAME);
	cr_expect_eq(hl_field_masking("content"), HL_MASK_TEXT);
	/* an agent's answer on the call may repeat the caller's number */
	cr_expect_eq(hl_field_masking("direct_answer"), HL_MASK_TEXT);
	cr_expect(hl_field_is_personal("direct_answer"));
	/* the agent's last knowledge-base search is typed from the caller's words */
	cr_expect_eq(hl_field_masking("kb_query"), HL_MASK_TEXT);
	cr_expect_eq(hl_field_masking("kb_entry"), HL_MASK_NONE);
	cr_expect(!hl_field_is_personal("department"));
	cr_expect_eq(hl_field_masking("id"), HL_MASK_NONE);

	cr_expect_str_eq(m = hl_mask_field("caller_phone", PHONE), "139****0001");
	free(m);
	cr_expect_str_eq(m = hl_mask_field("citizen_id_number", ID_NUMBER), "420***********123X");
	free(m);
	cr_expect_str_eq(m = hl_mask_field("citizen_name", "张三丰"), "张**");
	free(m);
	cr_expect_str_eq(m = hl_mask_field("direct_answer", "已告知，回电" PHONE),
			 "已告知，回电139****0001");
	free(m);
	cr_expect_str_eq(m = hl_mask_field("department", "water"), "water");
	free(m);
}

Test(personal_fields, the_ticket_view_masks_by_the_list)
{
	struct hl_principal supervisor = {.name = "sup", .role = "supervisor",
					  .kind = HL_ROLE_SUPERVISOR};
	struct hl_principal agent = {.name = "agent", .role = "agent", .kind = HL_ROLE_AGENT};
	struct json_object *masked = hl_ticket_view(&supervisor, &ticket, NULL);
	struct json_object *whole = hl_ticket_view(&agent, &ticket, NULL);

	cr_assert(masked && whole);
	for (size_t i = PLAIN_FIELDS; i < ticket.nfields; i++) {
		struct json_object *v;

		expect_masked(masked, "the masked view", fields[i].name, fields[i].value);
		cr_assert(json_object_object_get_ex(whole, fields[i].name, &v));
		cr_expect_str_eq(json_object_get_string(v), fields[i].value,
				 "the agent's view masks %s", fields[i].name);
	}
	expect_masked(masked, "the masked view", "department", "water");
	expect_nothing_whole(json_object_to_json_string(masked), "the masked view");
	json_object_put(masked);
	json_object_put(whole);
}

Test(personal_fields, the_webhook_payload_masks_by_the_list)
{
	struct json_object *body, *t;
	size_t personal = 0;

	tell_plugin("webhook");
	cr_assert_not_null(outbox, "nothing was put in the outbox; log:\n%s", logged);
	expect_nothing_whole(outbox, "the webhook payload");
	body = json_tokener_parse(outbox);
	cr_assert(body && json_object_object_get_ex(body, "ticket", &t), "%s", outbox);
	json_object_object_foreach(t, name, v)
	{
		const char *value = hl_ticket_field(&ticket, name);

		cr_assert_not_null(value, "%s is not a field of the ticket", name);
		if (json_object_is_type(v, json_type_string))
			expect_masked(t, "the webhook payload", name, value);
		personal += hl_field_is_personal(name);
	}
	/* the phone, the ID number, the name and free text all go, masked */
	cr_expect_geq(personal, 6, "%s", outbox);
	json_object_put(body);
}

Test(personal_fields, the_log_plugin_masks_by_the_list)
{
	char *title = hl_mask_field("title", hl_ticket_field(&ticket, "title"));
	char want[512];

	tell_plugin("log");
	snprintf(want, sizeof(want), "title=\"%s\"", title);
	cr_expect(strstr(logged, want), "no %s in the log:\n%s", want, logged);
	expect_nothing_whole(logged, "the log");
	free(title);
}
