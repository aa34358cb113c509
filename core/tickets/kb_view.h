/*
 * The knowledge base's entries as the API gives them (政策通, issue 17), from what Redis
 * holds (lua/kb_get.lua, kb_write.lua): a current version's hash or a version's JSON
 * copy become one shape,
 *   {"id", "title", "questions": [..], "answer", "unit", "unit_name", "tags": [..],
 *    "source", "effective_from", "effective_until", "reviewed_at" (dates YYYY-MM-DD, null
 *    when not set), "version": n, "updated_ms": n, "updated_at" (ISO 8601, +08:00),
 *    "updated_by"};
 * and a hash becomes the search index's fields (kb_index.h). Pure.
 */
#ifndef HL_KB_VIEW_H
#define HL_KB_VIEW_H

#include "tickets/kb_index.h"

struct json_object;
struct redisReply;
struct hl_routes;

/* The value of field `name` of an HGETALL reply, or NULL. Borrowed from the reply. */
const char *hl_kb_hash_get(const struct redisReply *hash, const char *name);

/* The entry of an HGETALL reply (NULL when empty or out of memory). The caller owns it. */
struct json_object *hl_kb_entry_from_hash(const struct redisReply *hash,
					  const struct hl_routes *routes);

/* The entry of a version's JSON copy (NULL when it does not parse). The caller owns it. */
struct json_object *hl_kb_entry_from_json(const char *text, const struct hl_routes *routes);

/* The index's fields of an HGETALL reply: strings borrowed from the reply but questions
 * and tags, joined into *joined_r (two strings in one allocation, which the caller frees).
 * Returns 0, or -1 when the hash is empty or out of memory. */
int hl_kb_fields_from_hash(const struct redisReply *hash, struct hl_kb_doc_fields *f,
			   char **joined_r);

#endif
