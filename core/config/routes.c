/* Loading and checking the department list under routes/; see routes.h. */
#include "config/routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/options.h"

static const struct hl_option file_schema[] = {
	{"departments", HL_OPT_SEQUENCE, 1, NULL, "the units tickets are dispatched to"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option department_schema[] = {
	{"code", HL_OPT_STRING, 1, NULL, "stable code: lower-case letters, digits, '.', '_', '-'"},
	{"name", HL_OPT_STRING, 1, NULL, "the unit's full name"},
	{"kind", HL_OPT_STRING, 1, NULL, "municipal, enterprise or district"},
	{"duty", HL_OPT_STRING, 0, NULL, "the matters it answers for"},
	{"contact", HL_OPT_STRING, 0, NULL, "how to reach its 12345 desk"},
	{NULL, 0, 0, NULL, NULL},
};

static const char *const kind_names[] = {"municipal", "enterprise", "district"};

static int valid_code(const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n >= 64 || code[0] < 'a' || code[0] > 'z')
		return 0;
	for (const char *p = code; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return 0;
	}
	return 1;
}

static int load_department(struct hl_routes *routes, const struct hl_yaml_node *entry,
			   char *err, size_t errlen)
{
	struct hl_options o = {department_schema, entry, "routes", NULL};
	struct hl_department *d = &routes->departments[routes->ndepartments];
	const char *kind;
	size_t k;

	if (entry->kind != HL_YAML_MAP)
		return hl_yaml_error(err, errlen, entry, "expected a department (a mapping with code, "
							 "name and kind), got %s",
				     hl_yaml_kind_name(entry));
	if (hl_options_check(department_schema, entry, entry, err, errlen) < 0)
		return -1;
	d->code = hl_opt_string(&o, "code");
	d->name = hl_opt_string(&o, "name");
	d->duty = hl_opt_string(&o, "duty");
	d->contact = hl_opt_string(&o, "contact");
	kind = hl_opt_string(&o, "kind");
	if (!valid_code(d->code))
		return hl_yaml_error(err, errlen, hl_yaml_map_get(entry, "code"),
				     "key 'code': expected lower-case letters, digits, '.', '_' or "
				     "'-', starting with a letter, got '%s'",
				     d->code);
	for (k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++) {
		if (strcmp(kind, kind_names[k]) == 0)
			break;
	}
	if (k == sizeof(kind_names) / sizeof(kind_names[0]))
		return hl_yaml_error(err, errlen, hl_yaml_map_get(entry, "kind"),
				     "key 'kind': expected municipal, enterprise or district, got "
				     "'%s'",
				     kind);
	d->kind = (enum hl_dept_kind)k;
	const struct hl_department *dup = hl_routes_department(routes, d->code);
	if (dup)
		return hl_yaml_error(err, errlen, hl_yaml_map_get(entry, "code"),
				     "department code '%s' is used twice", d->code);
	routes->ndepartments++;
	return 0;
}

int hl_routes_load(const char *dir, struct hl_routes **routes_r, char *err, size_t errlen)
{
	struct hl_routes *routes = calloc(1, sizeof(*routes));
	char *path = NULL;
	const struct hl_yaml_node *root, *list;

	if (!routes || asprintf(&path, "%s/departments.yaml", dir) < 0) {
		free(routes);
		snprintf(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	if (hl_yaml_load_file(path, &routes->departments_doc, err, errlen) < 0)
		goto fail;
	root = routes->departments_doc->root;
	if (!root) {
		snprintf(err, errlen, "%s:1:1: the file is empty; expected 'departments:'", path);
		goto fail;
	}
	if (hl_options_check(file_schema, root, root, err, errlen) < 0)
		goto fail;
	list = hl_yaml_map_get(root, "departments");
	if (list->count == 0) {
		hl_yaml_error(err, errlen, list, "expected at least one department");
		goto fail;
	}
	routes->departments = calloc(list->count, sizeof(*routes->departments));
	if (!routes->departments) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (size_t i = 0; i < list->count; i++) {
		if (load_department(routes, list->items[i], err, errlen) < 0)
			goto fail;
	}
	free(path);
	*routes_r = routes;
	return 0;
fail:
	free(path);
	hl_routes_free(routes);
	return -1;
}

void hl_routes_free(struct hl_routes *routes)
{
	if (!routes)
		return;
	free(routes->departments);
	hl_yaml_free(routes->departments_doc);
	free(routes);
}

const struct hl_department *hl_routes_department(const struct hl_routes *routes,
						 const char *code)
{
	for (size_t i = 0; i < routes->ndepartments; i++) {
		if (strcmp(routes->departments[i].code, code) == 0)
			return &routes->departments[i];
	}
	return NULL;
}
