/*
 * Reading what the Lua scripts answer (hiredis replies): elements as strings, and a
 * ticket hash (HGETALL's flat name/value list) copied into a struct hl_ticket that
 * outlives the reply, for plugins and views.
 */
#ifndef HL_REPLY_H
#define HL_REPLY_H

#include <stddef.h>

struct redisReply;
struct hl_ticket;

/* Element i of an array reply as a string ("" when missing or not a string/integer).
 * Integers are written into buf. Borrowed from reply or buf. */
const char *hl_reply_str(const struct redisReply *reply, size_t i, char *buf, size_t buflen);

/* Fills *t with a copy of a flat name/value array reply. Returns 0, or -1 when out of
 * memory or the reply is not such an array. Release with hl_ticket_release. */
int hl_ticket_from_reply(const struct redisReply *flat, struct hl_ticket *t);

/* Frees what hl_ticket_from_reply allocated, and the related tickets (each filled the
 * same way, in an array allocated with malloc) if any; t itself is not freed. */
void hl_ticket_release(struct hl_ticket *t);

#endif
