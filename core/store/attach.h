/*
 * Attaching a hiredis async context to the event loop. hiredis's libevent adapter is all
 * static functions, so it is included in this one file, for the store's two users: the
 * three links (redis.c) and the sentinels' connections (sentinel.c).
 */
#ifndef HL_ATTACH_H
#define HL_ATTACH_H

struct event_base;
struct redisAsyncContext;

/* redisLibeventAttach: returns REDIS_OK, or REDIS_ERR (already attached, out of memory). */
int hl_store_attach(struct redisAsyncContext *ac, struct event_base *base);

#endif
