/* A signed-in person, counted; logins and roles checked; see person.h. */
#include "people/person.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"

static int copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

struct hl_person *hl_person_new(const char *login, const char *role, const char *display_name,
				const char *csrf, const char *session_hash, int must_change,
				const struct hl_routes *routes)
{
	struct hl_person *p = calloc(1, sizeof(*p));
	char tag[HL_LOGIN_MAX + 16];

	if (!p || copy(p->login, sizeof(p->login), login) < 0 ||
	    copy(p->role, sizeof(p->role), role) < 0 ||
	    copy(p->display_name, sizeof(p->display_name), display_name) < 0 ||
	    copy(p->csrf, sizeof(p->csrf), csrf) < 0 ||
	    copy(p->session_hash, sizeof(p->session_hash), session_hash) < 0)
		goto fail;
	p->refs = 1;
	p->must_change = must_change;
	p->who.name = p->login;
	p->who.role = p->role;
	if (!hl_person_role_valid(role, routes) || hl_auth_parse_role(&p->who, routes) < 0)
		goto fail;
	/* the principal's hash keys its Idempotency-Keys (idem:<hash>:<key>): a person's own,
	 * apart from every token's */
	snprintf(tag, sizeof(tag), "person:%s", login);
	if (hl_sha256_hex(tag, strlen(tag), p->who.hash) < 0)
		goto fail;
	return p;
fail:
	free(p);
	return NULL;
}

struct hl_person *hl_person_ref(struct hl_person *p)
{
	p->refs++;
	return p;
}

void hl_person_unref(struct hl_person *p)
{
	if (p && --p->refs == 0)
		free(p);
}

int hl_login_valid(const char *login)
{
	size_t n = strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789._-");

	return n >= 1 && n <= HL_LOGIN_MAX && login[n] == '\0' &&
	       strchr("abcdefghijklmnopqrstuvwxyz0123456789", login[0]);
}

int hl_person_role_valid(const char *role, const struct hl_routes *routes)
{
	struct hl_principal p = {.role = role};

	if (strncmp(role, "channel:", 8) == 0)
		return 0;
	return hl_auth_parse_role(&p, routes) == 0;
}
