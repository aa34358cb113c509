/*
 * GET /v1/events/live: the event stream `events` (core/README.md §4) as server-sent
 * events, filtered by the reader's rights, for the console's live worklists.
 *
 * One tailer per daemon, not one Redis read per browser: it follows `events` with
 * XREAD BLOCK on the Redis link of its own (HL_REDIS_EVENTS, store/redis.h) from the last
 * entry it saw, and gives each entry to the streams whose caller may see it:
 *  - supervisor, admin and agent: every entry (agents take calls about any ticket and
 *    dispatch by hand);
 *  - dept:<code>: the entries whose `unit` is its code or whose `audience` is
 *    unit:<code>;
 *  - channel roles: none; they get 403.
 * Each message is `id: <stream id>`, `event: <the entry's event>`, and `data:` one line
 * of JSON {"id" (the ticket), "event", "unit", "audience", "queue", "ledger", "at" (ISO
 * 8601, +08:00), "note" (numbers masked)}: no citizen's personal data.
 *
 * A reconnect names the last id it had (Last-Event-ID, or ?last_event_id=): the entries
 * after it are replayed (XRANGE, exclusive start) before the stream goes live, and
 * every entry is sent once, in order. More than HL_LIVE_REPLAY_MAX entries, or more than
 * half of live_events.client_buffer in bytes (a replay is written faster than a browser
 * reads, and would otherwise be dropped as a client that does not read), to replay
 * give `event: reset` instead (the page reloads its lists) and the stream goes on live.
 *
 * Bounds: live_events.max_clients streams (503 beyond); a client that does not read has
 * at most live_events.client_buffer bytes queued, then it is dropped (and a write that
 * makes no progress for http.timeout drops it too); a comment line every
 * live_events.heartbeat keeps idle streams open through proxies; at each heartbeat a
 * signed-in person's session is looked up again, and a stream whose session has ended
 * (logout, the account disabled, past its absolute end) gets `event: logout` and ends,
 * so that a disabled account does not go on watching. A reload and a stop end
 * every stream cleanly (the browser reconnects, with its last id, to the new
 * configuration). Several daemons sharing a Redis each tail it. Event loop only.
 */
#ifndef HL_LIVE_EVENTS_H
#define HL_LIVE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct hl_service;
struct hl_live_events;

#define HL_LIVE_REPLAY_MAX 1000 /* entries replayed at most after a reconnect */

/* Another reader of the same tail, so that a daemon reads `events` once (the knowledge
 * base's index follows its `kb_changed` entries, tickets/kb_search.c): `ready` is called
 * once, when the tail knows where the stream ends (what is written after that will be
 * given to `entry`), and `entry` with each entry read from then on, in order: its stream
 * id, its `event`, its `id` and the value of its field `field_name` (NULL when missing);
 * the strings are borrowed for the call. Either may be NULL. One listener. */
struct hl_live_listener {
	void (*ready)(void *arg);
	void (*entry)(const char *stream_id, const char *event, const char *id,
		      const char *field, void *arg);
	const char *field_name;
	void *arg;
};
void hl_live_events_listen(struct hl_live_events *le, const struct hl_live_listener *l);

/* Registers the endpoint and starts tailing once Redis is ready. Returns NULL when out
 * of memory. */
struct hl_live_events *hl_live_events_start(struct hl_service *svc);

/* The configuration was reloaded: ends every stream (each holds the old generation) so
 * that the clients reconnect under the new one. */
void hl_live_events_reconfigured(struct hl_live_events *le);

/* Ends every stream, stops tailing; new requests get 503. Before Redis is stopped. */
void hl_live_events_stop(struct hl_live_events *le);

/* Frees it: after hl_live_events_stop and after Redis has called back what it had
 * pending, before the HTTP server is freed. */
void hl_live_events_free(struct hl_live_events *le);

/* Streams open now, and streams dropped for not reading since start. */
size_t hl_live_events_clients(const struct hl_live_events *le);
uint64_t hl_live_events_dropped(const struct hl_live_events *le);

#endif
