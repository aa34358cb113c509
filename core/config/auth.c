/* Token table, authentication and role policy; see auth.h. */
#include "config/auth.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "base/options.h"
#include "config/routes.h"
#include "base/ticket.h"
#include "base/yaml_tree.h"

static const struct hl_option token_schema[] = {
	{"name", HL_OPT_STRING, 1, NULL, "who holds the token, recorded as the actor"},
	{"role", HL_OPT_STRING, 1, NULL, "agent, channel:board, channel:tv, dept:<code>, "
					 "supervisor or admin"},
	{"sha256", HL_OPT_STRING, 1, NULL, "SHA-256 of the token, 64 hex digits"},
	{NULL, 0, 0, NULL, NULL},
};

static const struct hl_option file_schema[] = {
	{"tokens", HL_OPT_SEQUENCE, 1, NULL, "the API tokens"},
	{NULL, 0, 0, NULL, NULL},
};

int hl_auth_parse_role(struct hl_principal *p, const struct hl_routes *routes)
{
	if (strcmp(p->role, "agent") == 0)
		p->kind = HL_ROLE_AGENT;
	else if (strcmp(p->role, "supervisor") == 0)
		p->kind = HL_ROLE_SUPERVISOR;
	else if (strcmp(p->role, "admin") == 0)
		p->kind = HL_ROLE_ADMIN;
	else if (strcmp(p->role, "channel:board") == 0 || strcmp(p->role, "channel:tv") == 0) {
		p->kind = HL_ROLE_CHANNEL;
		p->scope = p->role + strlen("channel:");
	} else if (strncmp(p->role, "dept:", 5) == 0 && hl_routes_department(routes, p->role + 5)) {
		p->kind = HL_ROLE_DEPT;
		p->scope = p->role + 5;
	} else
		return -1;
	return 0;
}

static int is_hex64(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == HL_SHA256_HEX_LEN && s[n] == '\0';
}

static int load_entry(struct hl_auth *auth, const struct hl_yaml_node *entry,
		      const struct hl_routes *routes, char *err, size_t errlen)
{
	struct hl_options eo = {token_schema, entry, "tokens", NULL};
	struct hl_principal *p = &auth->principals[auth->n];

	if (entry->kind != HL_YAML_MAP)
		return hl_yaml_error(err, errlen, entry,
				     "expected a token entry (name, role, sha256), got %s",
				     hl_yaml_kind_name(entry));
	if (hl_options_check(token_schema, entry, entry, err, errlen) < 0)
		return -1;
	p->name = hl_opt_string(&eo, "name");
	p->role = hl_opt_string(&eo, "role");
	if (hl_auth_parse_role(p, routes) < 0)
		return hl_yaml_error(err, errlen, hl_yaml_map_get(entry, "role"),
				     "key 'role': expected agent, channel:board, channel:tv, "
				     "dept:<a department code of routes/departments.yaml>, "
				     "supervisor or admin, got '%s'",
				     p->role);
	if (!is_hex64(hl_opt_string(&eo, "sha256")))
		return hl_yaml_error(err, errlen, hl_yaml_map_get(entry, "sha256"),
				     "key 'sha256': expected 64 lowercase hex digits (the SHA-256 "
				     "of the token, e.g. from sha256sum), not the token itself");
	memcpy(p->hash, hl_opt_string(&eo, "sha256"), sizeof(p->hash));
	for (size_t i = 0; i < auth->n; i++) {
		if (strcmp(auth->principals[i].hash, p->hash) == 0)
			return hl_yaml_error(err, errlen, hl_yaml_map_get(entry, "sha256"),
					     "the same token is listed twice (also for '%s')",
					     auth->principals[i].name);
		if (strcmp(auth->principals[i].name, p->name) == 0)
			return hl_yaml_error(err, errlen, hl_yaml_map_get(entry, "name"),
					     "the name '%s' is listed twice: audit trails could not "
					     "tell the two apart",
					     p->name);
	}
	auth->n++;
	return 0;
}

int hl_auth_load(const char *path, const struct hl_routes *routes, struct hl_auth **auth_r,
		 char *err, size_t errlen)
{
	struct hl_auth *auth = calloc(1, sizeof(*auth));
	const struct hl_yaml_node *list;
	struct hl_options top;

	if (!auth) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (hl_yaml_load_file(path, &auth->doc, err, errlen) < 0)
		goto fail;
	if (!auth->doc->root) {
		snprintf(err, errlen, "%s:1:1: the file is empty; expected 'tokens:' and a list",
			 path);
		goto fail;
	}
	top = (struct hl_options){file_schema, auth->doc->root, "tokens", NULL};
	if (hl_options_check(file_schema, auth->doc->root, auth->doc->root, err, errlen) < 0)
		goto fail;
	list = hl_opt_node(&top, "tokens");
	auth->principals = calloc(list->count ? list->count : 1, sizeof(*auth->principals));
	if (!auth->principals) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (size_t i = 0; i < list->count; i++) {
		if (load_entry(auth, list->items[i], routes, err, errlen) < 0)
			goto fail;
	}
	*auth_r = auth;
	return 0;
fail:
	hl_auth_free(auth);
	return -1;
}

void hl_auth_free(struct hl_auth *auth)
{
	if (!auth)
		return;
	free(auth->principals);
	hl_yaml_free(auth->doc);
	free(auth);
}

enum hl_auth_result hl_auth_check(const struct hl_auth *auth, const char *authorization,
				  const struct hl_principal **who_r)
{
	char hash[HL_SHA256_HEX_LEN + 1];
	const char *token;
	size_t len;

	if (!authorization || !*authorization)
		return HL_AUTH_MISSING;
	if (strncasecmp(authorization, "Bearer ", 7) != 0)
		return HL_AUTH_MALFORMED;
	token = authorization + 7;
	while (*token == ' ')
		token++;
	len = strlen(token);
	while (len && token[len - 1] == ' ')
		len--;
	if (len == 0 || hl_sha256_hex(token, len, hash) < 0)
		return HL_AUTH_MALFORMED;
	for (size_t i = 0; i < auth->n; i++) {
		if (CRYPTO_memcmp(auth->principals[i].hash, hash, HL_SHA256_HEX_LEN) == 0) {
			*who_r = &auth->principals[i];
			return HL_AUTH_OK;
		}
	}
	return HL_AUTH_UNKNOWN;
}

const char *hl_auth_result_text(enum hl_auth_result r)
{
	switch (r) {
	case HL_AUTH_OK:
		return "ok";
	case HL_AUTH_MISSING:
		return "missing Authorization header; send 'Authorization: Bearer <token>'";
	case HL_AUTH_MALFORMED:
		return "malformed Authorization header; expected 'Bearer <token>'";
	case HL_AUTH_UNKNOWN:
		return "unknown or revoked token";
	}
	return "?";
}

int hl_may_create(const struct hl_principal *who, const char *channel)
{
	if (who->kind == HL_ROLE_AGENT)
		return strcmp(channel, "hotline") == 0;
	if (who->kind == HL_ROLE_CHANNEL)
		return strcmp(channel, who->scope) == 0;
	return 0;
}

int hl_may_read(const struct hl_principal *who, const char *department, const char *channel,
		const char *co_units)
{
	switch (who->kind) {
	case HL_ROLE_AGENT:
	case HL_ROLE_SUPERVISOR:
	case HL_ROLE_ADMIN:
		return 1;
	case HL_ROLE_DEPT:
		return (department && strcmp(department, who->scope) == 0) ||
		       hl_list_has(co_units, who->scope);
	case HL_ROLE_CHANNEL:
		return channel && strcmp(channel, who->scope) == 0;
	}
	return 0;
}

int hl_sees_personal_data(const struct hl_principal *who, const char *department,
			  int confidential)
{
	if (who->kind == HL_ROLE_AGENT)
		return 1;
	return who->kind == HL_ROLE_DEPT && !confidential && department &&
	       strcmp(department, who->scope) == 0;
}
