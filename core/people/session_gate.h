/*
 * The session gate (http/http.h's gate): a request that carries the session cookie and no
 * bearer token is held while its session is looked up in Redis (lua/session_get.lua, one
 * call, which also restarts the idle expiry). An unknown or expired session is a 401 that
 * clears the cookie; a state-changing request (POST, PUT, PATCH, DELETE) must carry the
 * session's CSRF token in X-CSRF-Token, and an Origin header, when present, must be the
 * request's own Host, else 403 and the handler never runs (nothing is written). Otherwise
 * the handler runs with the session's person attached (people/person.h), which
 * people/caller.h gives the endpoints. Event loop only.
 */
#ifndef HL_SESSION_GATE_H
#define HL_SESSION_GATE_H

#include <stddef.h>

/* The name of a session in Redis: the SHA-256 (hex) of its id (the cookie's value). */
void hl_session_hash(const char *id, char out[65]);

/* Is the request's Origin (may be NULL: no header) acceptable for its Host (may be NULL)?
 * NULL origin: yes. Otherwise it must be http:// or https:// followed by exactly Host
 * (case-insensitive). Pure, for the unit tests. */
int hl_origin_matches(const char *origin, const char *host);

struct evhttp_request;

/* The Origin check of a request: 0 when its Origin is acceptable for its Host (above), or
 * -1 after answering 403 naming the field Origin. The gate's, for state-changing cookie
 * requests, and the login's (sessions.c): a form posted from another site must not sign
 * the victim's browser in as the attacker (login CSRF). */
int hl_origin_check(struct evhttp_request *req);

struct hl_people;

/* Registers the gate with the HTTP server. Returns 0, or -1 when out of memory. */
int hl_session_gate_register(struct hl_people *p);

#endif
