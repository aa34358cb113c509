/*
 * The knowledge base (政策通, issue 17): hotlinectl kb SUBCOMMAND
 *   import PATH...       each entry of each YAML file (or of every .yaml file of a folder,
 *                        in name order) is created (POST /v1/kb/entries), or, when its id
 *                        exists, edited (PUT): a new version only when it differs
 *   export [DIR|-]       every entry as YAML: on stdout (- or nothing), or into DIR as
 *                        one file per unit, <unit>.yaml
 *   search TEXT          GET /v1/kb/search: the best entries with their snippets, the
 *                        matched terms in 【】 (--limit N, --include-expired)
 *   show ID              an entry (--version N: that version)
 * The files are the shipped set's format (routes/kb/, core/tickets/kb_yaml.h).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/tickets/kb_yaml.h" /* the files' format, one module with the tests' */
#include "args.h"
#include "commands.h"
#include "table.h"

#define PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static const struct hlc_opt kb_opts[] = {
	{"limit", HLC_VALUE, "N", "search: how many results (1-50, default 10)", HLC_NOWHERE,
	 NULL},
	{"include-expired", HLC_FLAG, NULL, "search: entries past effective_until too",
	 HLC_NOWHERE, NULL},
	{"version", HLC_VALUE, "N", "show: that version of the entry", HLC_NOWHERE, NULL},
	{NULL, 0, NULL, NULL, 0, NULL},
};

/* ---- import -------------------------------------------------------------------------- */

/* Creates or edits one entry. Returns an exit status; counts what happened. */
static int import_entry(struct hlc_ctx *c, struct json_object *entry, int counts[3])
{
	const char *id = hlc_str(entry, "id"), *body = json_object_to_json_string_ext(entry, PLAIN);
	char path[256], *esc;
	struct hlc_response r;
	struct json_object *o = NULL;
	int rc, status;

	status = hlc_http_request(&c->http, "POST", "/v1/kb/entries", body, NULL, &r);
	if (status == 409) {
		long before;

		hlc_response_free(&r);
		if (!(esc = hlc_escape(id)))
			return HLC_EXIT_UNREACHABLE;
		snprintf(path, sizeof(path), "/v1/kb/entries/%s", esc);
		free(esc);
		if ((rc = hlc_call(c, "GET", path, NULL, NULL, &r, &o)))
			return rc;
		before = json_object_get_int64(json_object_object_get(o, "version"));
		json_object_put(o);
		hlc_response_free(&r);
		if ((rc = hlc_call(c, "PUT", path, body, NULL, &r, &o)))
			return rc;
		counts[json_object_get_int64(json_object_object_get(o, "version")) != before ? 1
											      : 2]++;
	} else {
		if ((rc = hlc_check(c, &r, &o))) {
			fprintf(stderr, "hotlinectl: kb import: %s was not imported\n", id ? id : "an entry");
			return rc;
		}
		counts[0]++;
	}
	json_object_put(o);
	hlc_response_free(&r);
	return HLC_EXIT_OK;
}

/* Imports a file, or every .yaml file of a folder. */
static int import_path(struct hlc_ctx *c, const char *path, int counts[3])
{
	struct json_object *entries;
	char err[512];
	int rc = HLC_EXIT_OK;

	if (hl_kb_yaml_read_path(path, &entries, err, sizeof(err)) < 0) {
		hlc_error(c, "%s", err);
		return HLC_EXIT_USAGE;
	}
	for (size_t i = 0; rc == HLC_EXIT_OK && i < json_object_array_length(entries); i++)
		rc = import_entry(c, json_object_array_get_idx(entries, i), counts);
	json_object_put(entries);
	return rc;
}

static int run_import(struct hlc_ctx *c, const struct hlc_args *a)
{
	int counts[3] = {0, 0, 0}, rc = HLC_EXIT_OK;

	for (size_t i = 1; rc == HLC_EXIT_OK && i < a->npositional; i++)
		rc = import_path(c, a->positional[i], counts);
	printf("created %d, new versions %d, unchanged %d\n", counts[0], counts[1], counts[2]);
	return rc;
}

/* ---- export -------------------------------------------------------------------------- */

/* Every entry whole (the list gives summaries): one GET each. Returns an exit status. */
static int fetch_all(struct hlc_ctx *c, struct json_object **entries_r)
{
	struct hlc_response r;
	struct json_object *list, *rows, *out;
	int rc;

	if ((rc = hlc_call(c, "GET", "/v1/kb/entries", NULL, NULL, &r, &list)))
		return rc;
	hlc_response_free(&r);
	out = json_object_new_array();
	rows = json_object_object_get(list, "entries");
	for (size_t i = 0; rows && i < json_object_array_length(rows); i++) {
		char path[256], *esc = hlc_escape(hlc_str(json_object_array_get_idx(rows, i), "id"));
		struct json_object *e;

		if (!esc) {
			rc = HLC_EXIT_UNREACHABLE;
			break;
		}
		snprintf(path, sizeof(path), "/v1/kb/entries/%s", esc);
		free(esc);
		if ((rc = hlc_call(c, "GET", path, NULL, NULL, &r, &e)))
			break;
		hlc_response_free(&r);
		json_object_array_add(out, e);
	}
	json_object_put(list);
	if (rc) {
		json_object_put(out);
		return rc;
	}
	*entries_r = out;
	return HLC_EXIT_OK;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(hlc_str_or(*(struct json_object *const *)a, "id", ""),
		      hlc_str_or(*(struct json_object *const *)b, "id", ""));
}

static int run_export(struct hlc_ctx *c, const char *dir)
{
	struct json_object *entries, *units;
	int rc = fetch_all(c, &entries);

	if (rc)
		return rc;
	json_object_array_sort(entries, by_id);
	if (!dir || strcmp(dir, "-") == 0) {
		rc = hl_kb_yaml_write(stdout, entries) < 0 ? HLC_EXIT_USAGE : HLC_EXIT_OK;
		json_object_put(entries);
		return rc;
	}
	units = json_object_new_object(); /* unit -> its entries */
	for (size_t i = 0; i < json_object_array_length(entries); i++) {
		struct json_object *e = json_object_array_get_idx(entries, i), *list;
		const char *unit = hlc_str_or(e, "unit", "none");

		if (!json_object_object_get_ex(units, unit, &list)) {
			list = json_object_new_array();
			json_object_object_add(units, unit, list);
		}
		json_object_array_add(list, json_object_get(e));
	}
	json_object_object_foreach(units, unit, list)
	{
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.yaml", dir, unit);
		if (!(f = fopen(path, "w")) || hl_kb_yaml_write(f, list) < 0 || fclose(f) != 0) {
			hlc_error(c, "%s: cannot write", path);
			rc = HLC_EXIT_USAGE;
			break;
		}
		printf("%s: %zu entries\n", path, json_object_array_length(list));
	}
	json_object_put(units);
	json_object_put(entries);
	return rc;
}

/* ---- search and show ----------------------------------------------------------------- */

static int run_search(struct hlc_ctx *c, const struct hlc_args *a, const char *q)
{
	char path[4096] = "/v1/kb/search";
	struct hlc_response r;
	struct json_object *o, *results;
	int rc;

	if (hlc_query_add(path, sizeof(path), "q", q) < 0 ||
	    (hlc_arg(a, "limit") && hlc_query_add(path, sizeof(path), "limit", hlc_arg(a, "limit")) < 0) ||
	    (hlc_arg_given(a, "include-expired") &&
	     hlc_query_add(path, sizeof(path), "include_expired", "true") < 0))
		return hlc_usage_error(c, "the question is too long");
	if ((rc = hlc_call(c, "GET", path, NULL, NULL, &r, c->json ? NULL : &o)))
		return rc;
	if (c->json) {
		hlc_print_raw(&r);
		hlc_response_free(&r);
		return HLC_EXIT_OK;
	}
	results = json_object_object_get(o, "results");
	if (!results || !json_object_array_length(results))
		printf("nothing found\n");
	for (size_t i = 0; results && i < json_object_array_length(results); i++) {
		struct json_object *hit = json_object_array_get_idx(results, i);
		struct json_object *snippet = json_object_object_get(hit, "snippet");

		printf("%zu. %s  %s v%s  %s%s  (%s)\n   ", i + 1, hlc_str_or(hit, "title", ""),
		       hlc_str_or(hit, "id", ""), hlc_str_or(hit, "version", "?"),
		       hlc_str_or(hit, "unit_name", ""),
		       json_object_get_boolean(json_object_object_get(hit, "expired")) ? " 已过期" : "",
		       hlc_str_or(hit, "score", ""));
		for (size_t k = 0; snippet && k < json_object_array_length(snippet); k++) {
			struct json_object *seg = json_object_array_get_idx(snippet, k);
			int marked = json_object_get_boolean(json_object_object_get(seg, "hit"));

			printf(marked ? "【%s】" : "%s", hlc_str_or(seg, "text", ""));
		}
		printf("\n");
	}
	json_object_put(o);
	hlc_response_free(&r);
	return HLC_EXIT_OK;
}

static int run_show(struct hlc_ctx *c, const struct hlc_args *a, const char *id)
{
	static const char *const shown[] = {"id",	     "title",	       "version", "unit",
					    "unit_name",     "questions",      "answer",  "tags",
					    "source",	     "effective_from", "effective_until",
					    "reviewed_at",   "updated_at",     "updated_by", NULL};
	const char *version = hlc_arg(a, "version");
	char path[256], *esc = hlc_escape(id);
	struct hlc_response r;
	struct json_object *o;
	int rc;

	if (!esc)
		return HLC_EXIT_UNREACHABLE;
	if (version && strspn(version, "0123456789") != strlen(version)) {
		free(esc);
		return hlc_usage_error(c, "--version takes a number");
	}
	snprintf(path, sizeof(path), "/v1/kb/entries/%s%s%s", esc, version ? "/versions/" : "",
		 version ? version : "");
	free(esc);
	if ((rc = hlc_call(c, "GET", path, NULL, NULL, &r, c->json ? NULL : &o)))
		return rc;
	return hlc_print_answer(c, &r, c->json ? NULL : o, shown, NULL);
}

static int run_kb(struct hlc_ctx *c, const struct hlc_command *cmd, const struct hlc_args *a)
{
	const char *sub = a->npositional ? a->positional[0] : "";
	const char *arg = a->npositional > 1 ? a->positional[1] : NULL;

	(void)cmd;
	if (!strcmp(sub, "import") && arg)
		return run_import(c, a);
	if (a->npositional > 2)
		return hlc_usage_error(c, "too many arguments");
	if (!strcmp(sub, "export"))
		return run_export(c, arg);
	if (!strcmp(sub, "search") && arg)
		return run_search(c, a, arg);
	if (!strcmp(sub, "show") && arg)
		return run_show(c, a, arg);
	return hlc_usage_error(c, "%s", *sub ? "unknown subcommand, or its argument missing"
					     : "which subcommand? see --help");
}

const struct hlc_command hlc_kb_command = {
	"kb", "import PATH... | export [DIR|-] | search TEXT | show ID [--version N]",
	"the knowledge base (政策通): import, export, search, show",
	"import: each entry of the YAML files or folders (routes/kb/) created, or edited when its "
	"id exists (a new version only when it differs; a supervisor's token, or the unit's for "
	"its own entries). export: every entry as YAML, on stdout or one file per unit into DIR. "
	"search: GET /v1/kb/search, the matched terms in 【】. show: an entry, or --version N.",
	kb_opts, run_kb, 0};
