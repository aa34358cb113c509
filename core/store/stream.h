/*
 * One consumer of a Redis stream through a consumer group: the mechanism the dispatcher
 * (the routing stream hl:intake, group "route") and the outbox (each hl:outbox:<name>,
 * group "deliver") share, and none of their policy (how much to read and when, which
 * entries to take over, what an entry means):
 *  - the group, created with its stream (XGROUP CREATE key group 0 MKSTREAM; BUSYGROUP,
 *    the group is there already, counts as success);
 *  - reading new entries through the group (XREADGROUP ... ">"): they are then pending
 *    for this consumer until the caller acknowledges them (XACK, in its own scripts);
 *  - taking over entries pending for other consumers that have been idle long enough
 *    (XAUTOCLAIM), as a scan with a cursor from the first pending entry to the last, a
 *    claim at a time; an entry deleted while pending is skipped (Redis 6.2 answers nil in
 *    its place, 7.0 lists its id apart);
 *  - NOGROUP (the stream was deleted, or its group destroyed, under a running consumer):
 *    hl_stream_ready turns 0 and the caller creates the group again before reading on;
 *  - entries ([id, [field, value, ...]]) read as an id and a field lookup.
 *
 * What taking over means for a caller (the failures behind this are the dispatcher's,
 * tickets/dispatcher.h): a claim restarts the idle time of each entry it claims, and that
 * time grows again while the claimer holds the entry unacknowledged. So a consumer claims
 * no more than it can start on at once: an entry claimed and left waiting turns idle
 * again, and another consumer's scan takes it over too (the dispatcher claims one at a
 * time, the next once the one before it is routed). An entry claimed as the consumer
 * stops is best handled all the same: left, it looks busy for min_idle_ms more. A scan
 * passes over entries not idle long enough yet; they wait for the next scan.
 *
 * Links (store/redis.h): a blocking read goes on HL_REDIS_BLOCKING, so that it never
 * holds up commands; everything else (group creation, a read that does not block,
 * claims) goes on HL_REDIS_COMMANDS.
 *
 * Ownership and calling context: struct hl_stream is the caller's (usually embedded in
 * its own struct); the Redis client is borrowed and must outlive the stream. At most one
 * group creation or read, and one claim, are in flight at a time (a second is refused);
 * their callbacks keep a pointer to the stream, so the stream must not be freed while one
 * is outstanding, unless the Redis client was freed first (hl_redis_free calls back every
 * pending command with a NULL reply). Event loop only; the callbacks run from it, never
 * from inside the call that sent the command.
 */
#ifndef HL_STREAM_H
#define HL_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct hl_redis;
struct redisReply;

/* How a command of the stream ended. */
enum hl_stream_result {
	HL_STREAM_OK,     /* answered: the group is there (creation), or the batch (read or
			     claim, maybe empty) */
	HL_STREAM_LOST,   /* no answer (a NULL reply: the connection went away or the client
			     was freed); the command may or may not have run */
	HL_STREAM_FAILED, /* Redis answered an error, logged, or NOGROUP, not logged, after
			     which hl_stream_ready is 0; or an answer of another shape */
};

/* What a read or a claim brought: slots in stream order, each an entry or, for a claim
 * on Redis 6.2, nil for an entry deleted while pending. Borrowed from the reply: valid
 * only during the callback. */
struct hl_stream_batch {
	const struct redisReply *entries; /* an array reply, or NULL for none */
};

/* One entry. Borrowed from the reply, as its batch. */
struct hl_stream_entry {
	const char *id;                   /* the stream entry id ("1700000000000-0") */
	const struct redisReply *fields;  /* field, value, ...; read with hl_stream_field */
};

/* Called once per command sent, with the result and, for a read or a claim answered
 * HL_STREAM_OK, its batch (never NULL: empty after a group creation or unless the result
 * is HL_STREAM_OK). The stream has already taken what it needs of the answer (group
 * state, cursor), and may be sent the next command from inside the callback. */
typedef void (*hl_stream_fn)(enum hl_stream_result result, const struct hl_stream_batch *batch,
			     void *arg);

/* A read that waits no time: XREADGROUP without BLOCK, on the commands link. */
#define HL_STREAM_NO_BLOCK (-1)

/* The state of one consumer. Its members are the module's: read them through the
 * functions below. */
struct hl_stream {
	struct hl_redis *redis;
	char key[160];
	char group[32];
	char consumer[128];
	const char *log_sub; /* borrowed */
	char about[96];      /* " name=value" for log lines, or "" */
	int group_ready;
	int scanning;        /* a takeover scan has entries left past `cursor` */
	char cursor[48];     /* where the scan goes on ("0-0": from the start) */
	struct hl_stream_call {
		hl_stream_fn fn; /* NULL: nothing in flight */
		void *arg;
	} reading, claiming;
};

/* Sets up a consumer `consumer` (this daemon's instance id) of `key` in `group`; sends
 * nothing yet. The strings are copied; log_sub (the log subsystem, e.g. "dispatch") is
 * borrowed and must outlive the stream; about (e.g. "plugin=webhook", may be NULL) is
 * added to each log line. Returns 0, or -1 when a name is too long. */
int hl_stream_init(struct hl_stream *s, struct hl_redis *redis, const char *key,
		   const char *group, const char *consumer, const char *log_sub, const char *about);

/* Whether the group is known to be there: created by this consumer, and no NOGROUP since.
 * A caller reads or claims only when it is, and otherwise creates it. */
int hl_stream_ready(const struct hl_stream *s);

/* Whether a group creation or a read is in flight. */
int hl_stream_reading(const struct hl_stream *s);

/* Creates the group (and the stream, when there is none), on the commands link; on
 * HL_STREAM_OK the group is ready. Returns 0 when sent (fn will be called once), -1 when
 * not (the link is not ready, or a creation or read is in flight; fn is never called). */
int hl_stream_create_group(struct hl_stream *s, hl_stream_fn fn, void *arg);

/* Reads at most `count` new entries through the group; they are then pending for this
 * consumer. block_ms >= 0 waits up to that long for entries (XREADGROUP BLOCK, on the
 * blocking link; the batch is empty when none came); HL_STREAM_NO_BLOCK answers at once,
 * on the commands link. Returns as hl_stream_create_group does. */
int hl_stream_read(struct hl_stream *s, size_t count, int64_t block_ms, hl_stream_fn fn,
		   void *arg);

/* The takeover scan: hl_stream_scan_begin starts it (again) from the first pending entry;
 * each hl_stream_claim goes on from where the one before it stopped, and
 * hl_stream_scanning is 0 once a claim has reached the end of the pending entries (or
 * after hl_stream_scan_end). */
void hl_stream_scan_begin(struct hl_stream *s);
void hl_stream_scan_end(struct hl_stream *s);
int hl_stream_scanning(const struct hl_stream *s);

/* Claims for this consumer at most `count` entries of the scan, from its cursor on, that
 * are pending (for any consumer of the group) and have been idle at least min_idle_ms
 * (XAUTOCLAIM, on the commands link); their idle time starts again, and they are pending
 * for this consumer until acknowledged. On HL_STREAM_OK the cursor has moved past them
 * (a failed claim leaves it). Returns 0 when sent (fn will be called once), -1 when not
 * (the link is not ready, or a claim is in flight; fn is never called). */
int hl_stream_claim(struct hl_stream *s, int64_t min_idle_ms, size_t count, hl_stream_fn fn,
		    void *arg);

/* The number of slots in a batch (entries, and nils for deleted ones). */
size_t hl_stream_batch_size(const struct hl_stream_batch *batch);

/* Slot i of a batch as an entry. Returns 0, or -1 when it is not one (an entry deleted
 * while pending, or an answer of another shape): skip it. */
int hl_stream_batch_entry(const struct hl_stream_batch *batch, size_t i,
			  struct hl_stream_entry *entry_r);

/* The value of an entry's field `name` (the first such field), or NULL when it has none;
 * its length in *len_r when len_r is not NULL (a value may hold NUL bytes; it is also
 * NUL-terminated). Borrowed from the reply. */
const char *hl_stream_field(const struct hl_stream_entry *entry, const char *name,
			    size_t *len_r);

#endif
