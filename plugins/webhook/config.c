/*
 * The webhook plugin's configuration (see webhook.c for the options): the retry policy,
 * the events units are told of, the subscribing units and their URLs, and their HMAC
 * secrets from secret_file, which is checked to be readable by hotlined only and wiped
 * from memory once copied.
 */
#include <hotline/plugin.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/yaml_tree.h"
#include "webhook.h"

static const char *const default_events[] = {HL_EV_DISPATCHED, HL_EV_REOPENED, HL_EV_ESCALATED,
					     HL_EV_CLOSED, NULL};
static const char *const known_events[] = {
	HL_EV_RECEIVED, HL_EV_DISPATCHED, HL_EV_ACCEPTED, HL_EV_RETURNED, HL_EV_EXTENDED,
	HL_EV_RESOLVED, HL_EV_REOPENED,	  HL_EV_CLOSED,	  HL_EV_WARNING,  HL_EV_OVERDUE,
	HL_EV_ESCALATED, HL_EV_PENDING_MANUAL, HL_EV_MERGED, NULL};

static uint64_t wall_ms(const struct hl_host *host, const struct hl_options *opts,
			const char *name, char *err, size_t errlen, int *bad)
{
	struct hl_duration d = host->opt_duration(opts, name);

	if (d.unit != HL_DUR_WALL_MS || d.amount <= 0) {
		snprintf(err, errlen, "%s: expected a positive wall-clock duration (ms, s, m, h)",
			 name);
		*bad = 1;
	}
	return (uint64_t)d.amount;
}

struct hl_webhook_unit *hl_webhook_find_unit(const struct hl_webhook *wh, const char *code)
{
	for (size_t i = 0; i < wh->nunits; i++) {
		if (strcmp(wh->units[i].code, code) == 0)
			return &wh->units[i];
	}
	return NULL;
}

/* departments: "code=http://..." each. */
static int read_departments(struct hl_webhook *wh, char *err, size_t errlen)
{
	size_t n = wh->host->opt_list_count(wh->opts, "departments");

	if (n == 0) {
		snprintf(err, errlen, "departments: list at least one code=URL");
		return -1;
	}
	if (!(wh->units = calloc(n, sizeof(*wh->units)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *item = wh->host->opt_list_item(wh->opts, "departments", i);
		const char *eq = strchr(item, '=');
		struct hl_webhook_unit *u = &wh->units[i];
		size_t len = eq ? (size_t)(eq - item) : 0;

		if (!eq || len == 0 || len >= sizeof(u->code) || strncmp(eq + 1, "http://", 7) != 0) {
			snprintf(err, errlen, "departments: '%s': expected code=http://host[:port]/path",
				 item);
			return -1;
		}
		memcpy(u->code, item, len);
		u->code[len] = '\0';
		u->url = eq + 1;
		if (hl_webhook_find_unit(wh, u->code)) {
			snprintf(err, errlen, "departments: unit '%s' listed twice", u->code);
			return -1;
		}
		if (!wh->host->department_name(wh->self, u->code)) {
			snprintf(err, errlen, "departments: no unit '%s' in routes/departments.yaml",
				 u->code);
			return -1;
		}
		wh->nunits = i + 1;
	}
	return 0;
}

/* secret_file: a YAML mapping of unit code to secret; every listed unit needs one. */
static int read_secrets(struct hl_webhook *wh, char *err, size_t errlen)
{
	const char *path = wh->host->opt_string(wh->opts, "secret_file");
	struct hl_yaml_doc *doc = NULL;
	const struct hl_yaml_node *root;
	struct stat st;
	int rc = -1;

	if (hl_yaml_load_file(path, &doc, err, errlen) < 0)
		return -1;
	root = doc->root;
	if (!root || root->kind != HL_YAML_MAP) {
		snprintf(err, errlen, "%s: expected a mapping of unit code to secret", path);
		goto out;
	}
	for (size_t i = 0; i < root->count; i++) {
		const struct hl_yaml_node *k = hl_yaml_key(root, i), *v = hl_yaml_value(root, i);
		struct hl_webhook_unit *u = hl_webhook_find_unit(wh, k->text);

		if (v->kind != HL_YAML_SCALAR || v->text_len == 0 ||
		    v->text_len > HL_WEBHOOK_SECRET_MAX) {
			hl_yaml_error(err, errlen, v, "the secret of '%s': expected a string of 1 to "
						      "%d bytes",
				      k->text, HL_WEBHOOK_SECRET_MAX);
			goto out;
		}
		if (u) {
			memcpy(u->secret, v->text, v->text_len);
			u->secret_len = v->text_len;
		}
	}
	for (size_t i = 0; i < wh->nunits; i++) {
		if (wh->units[i].secret_len == 0) {
			snprintf(err, errlen, "%s: no secret for unit '%s'", path, wh->units[i].code);
			goto out;
		}
	}
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		wh->host->log(wh->self, HL_LOG_WARN,
			      "secret_file_readable file=%s mode=%03o reason=\"others may read the "
			      "departments' secrets; chmod 600 it\"",
			      path, (unsigned)(st.st_mode & 0777));
	rc = 0;
out:
	if (doc && doc->root) /* leave no copy of a secret behind in freed memory */
		for (size_t i = 0; doc->root->kind == HL_YAML_MAP && i < doc->root->count; i++) {
			const struct hl_yaml_node *v = hl_yaml_value(doc->root, i);

			if (v->kind == HL_YAML_SCALAR && v->text)
				OPENSSL_cleanse(v->text, v->text_len);
		}
	hl_yaml_free(doc);
	return rc;
}

static int listed(const char *const *list, const char *name)
{
	for (size_t i = 0; list[i]; i++) {
		if (strcmp(list[i], name) == 0)
			return 1;
	}
	return 0;
}

static int check_events(const struct hl_webhook *wh, char *err, size_t errlen)
{
	size_t n = wh->host->opt_list_count(wh->opts, "events");

	for (size_t i = 0; i < n; i++) {
		const char *e = wh->host->opt_list_item(wh->opts, "events", i);

		if (!listed(known_events, e)) {
			snprintf(err, errlen, "events: unknown event '%s' (known: dispatched, "
					      "accepted, returned, extended, resolved, reopened, "
					      "closed, warning, overdue, escalated, ...)",
				 e);
			return -1;
		}
	}
	return 0;
}

int hl_webhook_wanted(const struct hl_webhook *wh, const char *event)
{
	size_t n = wh->host->opt_list_count(wh->opts, "events");

	if (n == 0)
		return listed(default_events, event);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(wh->host->opt_list_item(wh->opts, "events", i), event) == 0)
			return 1;
	}
	return 0;
}

int hl_webhook_configure(struct hl_webhook *wh, char *err, size_t errlen)
{
	const struct hl_host *host = wh->host;
	const struct hl_options *opts = wh->opts;
	int bad = 0;

	wh->attempts = (int)host->opt_int(opts, "attempts");
	wh->backoff_ms = wall_ms(host, opts, "backoff", err, errlen, &bad);
	if (!bad)
		wh->backoff_max_ms = wall_ms(host, opts, "backoff_max", err, errlen, &bad);
	if (!bad)
		wh->timeout_ms = wall_ms(host, opts, "timeout", err, errlen, &bad);
	if (!bad && (wh->attempts < 1 || wh->attempts > 100)) {
		snprintf(err, errlen, "attempts: expected 1 to 100");
		bad = 1;
	}
	if (bad || check_events(wh, err, errlen) < 0 || read_departments(wh, err, errlen) < 0 ||
	    read_secrets(wh, err, errlen) < 0)
		return -1;
	return 0;
}
