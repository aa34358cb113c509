/* hiredis reply objects allocated from one arena per reply: the reply and everything in
 * it (elements, strings) come from a few blocks that go in one free, instead of two
 * allocations per element. A ticket read back with HGETALL is some 60 elements, and
 * malloc and free for them were a tenth of hotlined's instructions per ticket.
 *
 * The objects are ordinary redisReply structures: code that reads replies does not
 * change. They must be freed through the reader's functions (hiredis does so after a
 * reply callback returns), never with freeReplyObject. */
#ifndef HL_STORE_REPLY_ARENA_H
#define HL_STORE_REPLY_ARENA_H

#include <hiredis/read.h>

/* Reader functions; set a reader's fn to it before it reads anything (redis.c does so
 * for each connection as it is made). Event loop only, like hiredis itself. */
extern redisReplyObjectFunctions hl_reply_arena_functions;

/* Keeps a reply past its callback (store/replica_ack.c holds a write's reply until its
 * replicas confirm it): top must be the reply a callback was given (the top of its tree,
 * built by these functions), and keep is called during that callback; the reader's free
 * after the callback then leaves it, and hl_reply_arena_release frees it, once. */
struct redisReply;
void hl_reply_arena_keep(struct redisReply *top);
void hl_reply_arena_release(struct redisReply *top);

#endif
