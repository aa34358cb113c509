/*
 * Who is calling: bearer tokens and roles (core/README.md §9). Tokens are kept in a
 * YAML file named by the configuration (auth.tokens_file) as SHA-256 hashes only; a
 * request's token is hashed and looked up. Roles: agent, channel:board, channel:tv,
 * dept:<code>, supervisor, admin. This file also holds the policy of what each role may
 * do and see, so that the endpoints ask rather than decide.
 */
#ifndef HL_AUTH_H
#define HL_AUTH_H

#include <stddef.h>

struct hl_routes;
struct hl_yaml_doc;

enum hl_role { HL_ROLE_AGENT, HL_ROLE_CHANNEL, HL_ROLE_DEPT, HL_ROLE_SUPERVISOR, HL_ROLE_ADMIN };

/* A caller, as its token's entry (or a person's session, people/person.h) describes it.
 * Borrowed from the token table, or from the session's person. */
struct hl_principal {
	const char *name;  /* the token's name or the person's login, recorded as the actor
			      in audit trails */
	const char *role;  /* as written: "agent", "dept:water", ... */
	enum hl_role kind;
	const char *scope; /* the channel (board, tv) or department code; NULL otherwise */
	char hash[65];     /* the token's SHA-256, hex */
};

struct hl_auth {
	struct hl_yaml_doc *doc;
	size_t n;
	struct hl_principal *principals;
};

/* Loads a tokens file; dept:<code> roles must name a department of routes. Returns 0 and
 * *auth_r (free with hl_auth_free), or -1 with "file:line:column: reason" in err. */
int hl_auth_load(const char *path, const struct hl_routes *routes, struct hl_auth **auth_r,
		 char *err, size_t errlen);

void hl_auth_free(struct hl_auth *auth);

/* Sets p->kind and p->scope from p->role (scope points into p->role); a dept:<code> role
 * must name a department of routes. Returns 0, or -1 when the role is not one of them.
 * Shared by the token table and people's accounts (people/person.c). */
int hl_auth_parse_role(struct hl_principal *p, const struct hl_routes *routes);

enum hl_auth_result { HL_AUTH_OK, HL_AUTH_MISSING, HL_AUTH_MALFORMED, HL_AUTH_UNKNOWN };

/* Checks an Authorization header value (may be NULL). On HL_AUTH_OK, *who_r is the
 * caller, borrowed from auth. */
enum hl_auth_result hl_auth_check(const struct hl_auth *auth, const char *authorization,
				  const struct hl_principal **who_r);

/* Words for a failed check, for the 401 answer. */
const char *hl_auth_result_text(enum hl_auth_result r);

/* Policy. */
/* May `who` create a ticket of this channel? agents take hotline calls; a channel role
 * enters its own channel's tickets. */
int hl_may_create(const struct hl_principal *who, const char *channel);
/* May `who` read a ticket with this department (NULL or "" when not yet dispatched),
 * channel and co-handling units (comma-separated, may be NULL)? A department reads the
 * tickets it leads or co-handles (协办), a channel its own channel's. */
int hl_may_read(const struct hl_principal *who, const char *department, const char *channel,
		const char *co_units);
/* Does `who` see the citizen's phone, name and ID number whole? Agents do, and the
 * ticket's own department unless the citizen asked for confidentiality (保密). */
int hl_sees_personal_data(const struct hl_principal *who, const char *department,
			  int confidential);

#endif
