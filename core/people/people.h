/*
 * People's logins (core/README.md §9): the accounts of the people who use the API
 * through the console (agents, supervisors, unit handlers, admins) and their sessions.
 * hl_people_start registers the session gate with the HTTP server
 * (people/session_gate.h) and the endpoints:
 *   POST/GET/DELETE /v1/session, POST /v1/session/password      (people/sessions.h)
 *   GET/POST /v1/users, POST /v1/users/{login}/{disable,enable,password} (people/users.h)
 * The daemon owns what it returns. Event loop only.
 */
#ifndef HL_PEOPLE_H
#define HL_PEOPLE_H

struct hl_service;
struct hl_people;

/* Starts the hashing worker, registers the gate and the endpoints. Returns NULL when out
 * of memory (nothing registered then is used). Call sodium_init() first. */
struct hl_people *hl_people_start(struct hl_service *svc);

/* Answers what still waits (503) and frees. Call after the Redis client is freed (its
 * callbacks have run) and before the HTTP server is. */
void hl_people_free(struct hl_people *p);

#endif
