/*
 * The accounts of people, for admins (the admin role, by token or session):
 *   GET  /v1/users                  -> {"users":[{"login","display_name","role","disabled",
 *                                      "must_change_password","created_at"}]}
 *   POST /v1/users                  {"login","display_name","role","password",
 *                                      "temporary" (default true)} -> 201 the account;
 *                                      409 when the login exists
 *   POST /v1/users/{login}/disable  -> 200 the login; its sessions end
 *   POST /v1/users/{login}/enable   -> 200
 *   POST /v1/users/{login}/password {"password","temporary" (default true)} -> 200; its
 *                                      sessions end
 * A temporary password must be changed at the next login (POST /v1/session/password).
 * Every change goes on the stream user-log with the admin who made it
 * (lua/user_write.lua). Event loop only.
 */
#ifndef HL_USERS_H
#define HL_USERS_H

struct hl_people;

/* Registers the account endpoints. Returns 0, or -1 when out of memory. */
int hl_users_register(struct hl_people *p);

#endif
