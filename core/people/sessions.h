/*
 * The session endpoints (the console's login; core/README.md §9):
 *   POST   /v1/session           {"login","password"} -> 200 the session (below) and the
 *                                cookie; 401 {"error":"wrong login or password"}, the same
 *                                for an unknown login, a wrong password and a disabled
 *                                account, never sooner than auth.login_floor; 429 with
 *                                Retry-After past the failure limits (auth.login_*);
 *                                403 when an Origin is sent that is not this server's
 *                                (a form of another site: login CSRF).
 *   GET    /v1/session           -> 200 the session, or 401
 *   DELETE /v1/session           -> 204, the session ended in Redis, the cookie cleared
 *   POST   /v1/session/password  {"old_password","new_password"} -> 200 the session; the
 *                                account's other sessions end, must_change_password clears;
 *                                409 when an admin's reset came while the old password
 *                                was checked (nothing written)
 * The session: {"login","display_name","role","unit" (dept roles only),"csrf",
 * "must_change_password"}. Event loop only.
 */
#ifndef HL_SESSIONS_H
#define HL_SESSIONS_H

struct json_object;
struct hl_people;
struct hl_person;

/* Registers the session endpoints. Returns 0, or -1 when out of memory. */
int hl_sessions_register(struct hl_people *p);

/* Ends the logins waiting for their floor, answering 503 (at hl_people_free). */
void hl_sessions_cancel_waits(struct hl_people *p);

/* The JSON of a session for its person (the caller owns it). */
struct json_object *hl_session_json(const struct hl_person *p, int must_change);

#endif
