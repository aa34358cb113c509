/*
 * The knowledge base (政策通, issue 17; core/README.md §2, §4): policy entries that agents
 * answer consultations from, kept in Redis with their history, searched in memory.
 *   GET /v1/kb/search?q=&limit=&include_expired=true   (kb_search.c)
 *   POST /v1/kb/entries, PUT|GET /v1/kb/entries/{id}, GET /v1/kb/entries,
 *   GET /v1/kb/entries/{id}/versions[/{n}]             (kb_api.c)
 * Each daemon keeps every current entry in a search index (kb_index.h): built at start
 * from Redis, once the tail of the event stream (live_events.h, the one tail of the
 * daemon) knows where the stream ends, then kept current from the stream's `kb_changed`
 * entries, whichever daemon wrote them; this daemon's own writes are put at once. Event
 * loop only.
 */
#ifndef HL_KB_H
#define HL_KB_H

struct hl_service;
struct hl_live_events;
struct hl_kb;
struct redisReply;

/* Registers GET /v1/kb/search and follows `live`'s tail (kb_search.c). Returns NULL when
 * out of memory. The daemon then registers the entry endpoints (hl_kb_api_register). */
struct hl_kb *hl_kb_start(struct hl_service *svc, struct hl_live_events *live);

/* Stops asking Redis; searches answer 503. Before Redis is stopped. */
void hl_kb_stop(struct hl_kb *kb);

/* Frees it: after hl_kb_stop and after Redis has called back what it had pending. */
void hl_kb_free(struct hl_kb *kb);

/* Puts an entry's current hash (an HGETALL reply) in the index, unless it holds that
 * version or a newer one already (kb_api.c, after a write). */
void hl_kb_put_hash(struct hl_kb *kb, const struct redisReply *hash);

/* The service kb serves (for kb_api.c's handlers). */
struct hl_service *hl_kb_service(const struct hl_kb *kb);

/* The entry endpoints (kb_api.c), which put their writes into kb's index. Returns 0, or
 * -1 when out of memory. */
int hl_kb_api_register(struct hl_service *svc, struct hl_kb *kb);

#endif
