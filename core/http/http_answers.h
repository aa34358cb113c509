/*
 * Counting the answers given but not yet written out, so that a stopping daemon waits
 * until its clients have their answers (a 201 must reach the agent) and no longer.
 *
 * libevent 2.1 calls a request's completion callback only when its answer was written.
 * When the connection goes first (the client vanished, or a slow reader hit the write
 * timeout) it frees the request without a word. So answers are counted per connection,
 * and a connection's close callback takes whatever it still owed off the count.
 */
#ifndef HL_HTTP_ANSWERS_H
#define HL_HTTP_ANSWERS_H

#include <stddef.h>

struct evhttp_connection;
struct evhttp_request;
struct hl_http_answers;

/* Returns a new, empty count, or NULL when out of memory. Free with
 * hl_http_answers_free, after the evhttp server it watches has been freed. */
struct hl_http_answers *hl_http_answers_new(void);
void hl_http_answers_free(struct hl_http_answers *a);

/* Counts the answer about to be sent on req (call before evhttp_send_reply). It takes
 * the request's completion callback and its connection's close callback. Returns 0, or
 * -1 when out of memory (the answer is then not counted). */
int hl_http_answers_add(struct hl_http_answers *a, struct evhttp_request *req);

/* Stops watching conn (and takes what it owed off the count), whose close callback its
 * new owner takes: a connection turned into a stream (hl_http_stream_start). */
void hl_http_answers_forget(struct hl_http_answers *a, struct evhttp_connection *conn);

/* Answers not yet written. */
size_t hl_http_answers_unsent(const struct hl_http_answers *a);

/* Calls fn(arg) once, when no answer is left unsent: at once if none is. A later call
 * replaces an earlier one that has not run; fn NULL cancels it. */
void hl_http_answers_when_drained(struct hl_http_answers *a, void (*fn)(void *arg), void *arg);

#endif
