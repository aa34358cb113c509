/* The fuzz targets; see fuzz_targets.h. Besides not crashing, each checks what its parser
 * promises, and aborts when a promise is broken: a refusal always says why (the input's
 * field, the file:line:column), an accepted input is well formed. */
#include "fuzz_targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "time/calendar.h"
#include "catalogue.h"
#include "config/config.h"
#include "base/duration.h"
#include "gazetteer.h"
#include "config/routes.h"
#include "tickets/kb_index.h"
#include "tickets/kb_tokens.h"
#include "time/sla.h"
#include "tickets/ticket_input.h"
#include "base/yaml_tree.h"

void hl_fuzz_ticket_input(const uint8_t *data, size_t size)
{
	static struct hl_routes *routes;
	struct hl_ticket_input in;
	struct hl_input_error e;

	if (!routes) {
		char err[512];

		if (hl_routes_load(HL_SOURCE_DIR "/routes", &routes, err, sizeof(err)) < 0)
			abort();
	}
	memset(&e, 0, sizeof(e));
	if (hl_ticket_input_parse((const char *)data, size, routes, HL_INPUT_TICKET, &in, &e) < 0) {
		if (!e.message[0])
			abort(); /* a 400 says what was wrong (field "" is the body as a whole) */
	} else {
		for (size_t i = 0; i < in.nfields; i++)
			if (!in.fields[i].name || !in.fields[i].value)
				abort();
	}
	hl_ticket_input_free(&in);
}

/* Writes size bytes to dir/name; returns 0 or -1. */
static int write_file(const char *dir, const char *name, const uint8_t *data, size_t size,
		      char *path, size_t len)
{
	FILE *f;
	int ok;

	snprintf(path, len, "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")))
		return -1;
	ok = fwrite(data, 1, size, f) == size;
	return fclose(f) == 0 && ok ? 0 : -1;
}

void hl_fuzz_routes(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"departments.yaml", "sla.yaml", "catalogue.yaml",
					    "districts.yaml", "cn-2026.yaml"};
	char dir[] = "/tmp/hotline-fuzz-routes-XXXXXX", path[512], err[1024];
	unsigned which;
	int rc = 0;

	if (size < 1 || !mkdtemp(dir))
		return;
	which = data[0] % 5;
	err[0] = '\0';
	if (write_file(dir, names[which], data + 1, size - 1, path, sizeof(path)) == 0) {
		if (which == 0) {
			struct hl_routes *routes = NULL;

			if ((rc = hl_routes_load(dir, &routes, err, sizeof(err))) == 0)
				hl_routes_free(routes);
		} else if (which == 1) {
			struct hl_sla *sla = NULL;

			if ((rc = hl_sla_load(dir, &sla, err, sizeof(err))) == 0)
				hl_sla_free(sla);
		} else if (which == 2) {
			struct hl_catalogue *cat = NULL;

			if ((rc = hl_catalogue_load(path, NULL, &cat, err, sizeof(err))) == 0)
				hl_catalogue_free(cat);
		} else if (which == 3) {
			struct hl_gazetteer *gz = NULL;

			if ((rc = hl_gazetteer_load(path, NULL, &gz, err, sizeof(err))) == 0)
				hl_gazetteer_free(gz);
		} else {
			struct hl_calendar_rules rules;
			struct hl_calendar *cal = NULL;

			hl_calendar_rules_default(&rules);
			if ((rc = hl_calendar_load(dir, &rules, NULL, NULL, &cal, err,
						   sizeof(err))) == 0)
				hl_calendar_free(cal);
		}
		if (rc == -1 && strncmp(err, path, strlen(path)) != 0)
			abort(); /* every error starts with the file's name */
		unlink(path);
	}
	rmdir(dir);
}

void hl_fuzz_config(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/hotline-fuzz-config-XXXXXX", err[1024];
	struct hl_config *cfg = NULL;
	int fd = mkstemp(path);

	if (fd < 0)
		return;
	err[0] = '\0';
	if (write(fd, data, size) == (ssize_t)size) {
		if (hl_config_load(path, &cfg, err, sizeof(err)) == 0)
			hl_config_free(cfg);
		else if (strncmp(err, path, strlen(path)) != 0)
			abort(); /* every configuration error starts with the file's name */
	}
	close(fd);
	unlink(path);
}

void hl_fuzz_duration(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[160];
	struct hl_duration d;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (hl_duration_parse(text, &d, err, sizeof(err)) < 0 && !err[0])
		abort(); /* a refusal says why */
	free(text);
}

/* Checks a token against the text's size: within it, not empty, its kind one of three. */
static int kb_token_ok(const struct hl_kb_token *tok, void *arg)
{
	size_t size = *(const size_t *)arg;

	if (tok->start >= tok->end || tok->end > size || tok->kind < HL_KB_UNIGRAM ||
	    tok->kind > HL_KB_WORD || hl_kb_term_kind_of(tok->term) != tok->kind)
		abort();
	return 0;
}

void hl_fuzz_kb_tokens(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct hl_kb_index *idx = hl_kb_index_new();
	struct hl_kb_query q;
	struct hl_kb_hit hit;
	struct hl_kb_snippet sn;
	int n, strong = 0;

	if (!text || !idx)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	hl_kb_tokenize(text, size, HL_KB_INDEXING, kb_token_ok, &size);
	hl_kb_tokenize(text, size, HL_KB_QUERYING, kb_token_ok, &size);
	hl_kb_query_parse(text, size, &q);
	if (q.n > HL_KB_QUERY_TERMS)
		abort();
	strong = q.n > 0;
	{
		/* as a C string, the text ends at its first NUL */
		struct hl_kb_doc_fields f = {"e", text, "rsj", text, "", text, "", 1};

		if (hl_kb_index_put(idx, &f) < 0)
			goto out;
	}
	n = hl_kb_index_search(idx, &q, "2026-12-06", 0, &hit, 1);
	/* a text (without NUL, short enough to be read whole) finds itself */
	if (n < 0 || (strong && strlen(text) == size && size <= HL_KB_QUERY_BYTES && n != 1))
		abort();
	if (n == 1 && hl_kb_snippet(hit.doc, &q, &sn) == 0) {
		size_t len = strlen(sn.text), last = 0;

		for (size_t i = 0; i < sn.nseg; i++) {
			if (sn.seg[i].start < last || sn.seg[i].end <= sn.seg[i].start ||
			    sn.seg[i].end > len)
				abort();
			last = sn.seg[i].end;
		}
	}
out:
	hl_kb_index_free(idx);
	free(text);
}
