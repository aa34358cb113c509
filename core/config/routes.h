/*
 * The city's routing data under routes/ (core/README.md §6). So far: the department
 * list (routes/departments.yaml), the units that tickets are dispatched to. Loaded and
 * checked as a whole; immutable once loaded; a reload loads a new set beside the old.
 */
#ifndef HL_ROUTES_H
#define HL_ROUTES_H

#include <stddef.h>

#include "base/yaml_tree.h"

enum hl_dept_kind { HL_DEPT_MUNICIPAL, HL_DEPT_ENTERPRISE, HL_DEPT_DISTRICT };

struct hl_department {
	const char *code;    /* stable code, e.g. "water", "d.jianghan"; borrowed */
	const char *name;    /* 武汉市水务集团有限公司 */
	enum hl_dept_kind kind;
	const char *duty;    /* what it answers for, may be NULL */
	const char *contact; /* may be NULL */
};

struct hl_routes {
	struct hl_yaml_doc *departments_doc;
	size_t ndepartments;
	struct hl_department *departments;
};

/* Loads <dir>/departments.yaml. Returns 0 and *routes_r (free with hl_routes_free), or -1
 * with "file:line:column: reason" in err. */
int hl_routes_load(const char *dir, struct hl_routes **routes_r, char *err, size_t errlen);

void hl_routes_free(struct hl_routes *routes);

/* The department with this code, or NULL. Borrowed from routes. */
const struct hl_department *hl_routes_department(const struct hl_routes *routes,
						 const char *code);

#endif
