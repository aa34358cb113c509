/*
 * Who makes a request: the person whose session the gate (people/session_gate.h) attached
 * to it, else the bearer token's principal (config/auth.h). Every endpoint that
 * authenticates asks here (tickets/api.c's hl_call_begin, and people's own), so that a
 * session works wherever a token does. Event loop only, during the handler's call.
 */
#ifndef HL_CALLER_H
#define HL_CALLER_H

struct evhttp_request;
struct hl_auth;
struct hl_principal;
struct hl_person;

enum hl_caller_flags {
	HL_CALLER_ANY = 0,
	/* the session endpoints: a person whose password must change may still use them */
	HL_CALLER_MUST_CHANGE_OK = 1,
};

/* Finds who makes req: on success returns 0 with *who_r, and *person_r a reference to the
 * session's person (the caller unrefs it; *who_r points into it) or NULL for a token,
 * whose principal auth owns. Otherwise answers 401 (no or a bad token) or 403 (the
 * person must change their password first) and returns -1. */
int hl_caller_identify(struct evhttp_request *req, const struct hl_auth *auth, int flags,
		       const struct hl_principal **who_r, struct hl_person **person_r);

#endif
