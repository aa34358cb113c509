/*
 * A person signed in through a session: the principal (config/auth.h) their account
 * describes, with the session's own facts (its CSRF token, whether the password must
 * change). Unlike a token's principal, which the token table of a world owns, a person is
 * made for each request from what Redis holds, and counted: the gate makes it, each
 * holder (the gate, an API call, hl_call in tickets/api.h) takes a reference, and the last
 * unref frees it. Event loop only.
 */
#ifndef HL_PERSON_H
#define HL_PERSON_H

#include "config/auth.h"

struct hl_routes;

#define HL_LOGIN_MAX 64
#define HL_DISPLAY_NAME_MAX 128

struct hl_person {
	int refs;
	struct hl_principal who; /* name is login, role is role, scope within role */
	char login[HL_LOGIN_MAX + 1];
	char role[HL_LOGIN_MAX + 16];
	char display_name[HL_DISPLAY_NAME_MAX * 4 + 1]; /* UTF-8 */
	char csrf[65];         /* the session's CSRF token, hex */
	char session_hash[65]; /* SHA-256 of the session id, hex: its name in Redis */
	int must_change;       /* the password must change before anything else */
};

/* A person with one reference. The role is checked as a token's is (a dept:<code> must
 * name a department of routes). Returns NULL when a string is too long, the role is not
 * a role, or out of memory. */
struct hl_person *hl_person_new(const char *login, const char *role, const char *display_name,
				const char *csrf, const char *session_hash, int must_change,
				const struct hl_routes *routes);
struct hl_person *hl_person_ref(struct hl_person *p);
void hl_person_unref(struct hl_person *p);

/* Is login a login: 1 to 64 of a-z 0-9 . _ - , starting with a letter or digit? */
int hl_login_valid(const char *login);

/* Is role one a person may have: agent, supervisor, admin, or dept:<a department of
 * routes>? (Channel roles are for systems: tokens.) */
int hl_person_role_valid(const char *role, const struct hl_routes *routes);

#endif
