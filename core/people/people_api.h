/*
 * What the people endpoints (sessions.c, users.c, session_gate.c) share: the people
 * context the daemon owns (people/people.h starts and frees it), and the helpers of
 * their requests: the JSON body and its strings, random tokens, the 503 answer, the
 * login counters. Event loop only.
 */
#ifndef HL_PEOPLE_API_H
#define HL_PEOPLE_API_H

#include <stddef.h>

#include "base/list.h"

struct evhttp_request;
struct json_object;
struct hl_service;
struct hl_kdf;

#define HL_SESSION_COOKIE "hl_session"
#define HL_PASSWORD_MIN 10 /* characters of a password a person chooses */

struct hl_people {
	struct hl_service *svc;
	struct hl_kdf *kdf;   /* the password-hashing worker (people/kdf.h) */
	struct hl_list waits; /* logins waiting out their floor (sessions.c) */
	int closing;          /* hl_people_free has begun: answer 503, start nothing */
};

/* The request body as a JSON object (the caller puts it, hl_people_put_wiped when it
 * holds a password), or NULL after answering 400. The body's bytes are wiped once parsed
 * (http/http.h's hl_http_body_wipe): the people endpoints' bodies carry passwords. */
struct json_object *hl_people_body(struct evhttp_request *req);

/* The string member `key` of body, or NULL after answering 400 naming it: absent and
 * required, not a string, longer than max_chars characters (UTF-8), or not UTF-8. An
 * absent optional member is "". */
const char *hl_people_string(struct evhttp_request *req, struct json_object *body,
			     const char *key, int required, size_t max_chars);

/* Puts body (may be NULL) after overwriting its string members named in keys
 * (NULL-terminated) with zeros: json-c frees without clearing, and they held passwords. */
void hl_people_put_wiped(struct json_object *body, const char *const *keys);

/* The number of characters (code points) of a UTF-8 string, or -1 when it is not UTF-8. */
long hl_people_chars(const char *s);

/* Fills hex (2 * n + 1 bytes) with n random bytes in hex (libsodium's randombytes_buf). */
void hl_people_random_hex(char *hex, size_t n);

/* Answers 503 with Retry-After: Redis cannot be reached, or hotlined is stopping. */
void hl_people_unavailable(struct evhttp_request *req);

/* Answers 503 with Retry-After: the hashing worker's queue is full (people/kdf.h). */
void hl_people_busy(struct evhttp_request *req);

/* Counts a login outcome in /metrics (hotline_logins_total). */
void hl_people_count(struct hl_people *p, const char *outcome);

#endif
