/* A consumer of a Redis stream through a consumer group: group, read, takeover scan,
 * NOGROUP, entries; see stream.h. */
#include "store/stream.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "store/redis.h"

#define SCAN_START "0-0"

static int copy(char *buf, size_t len, const char *s)
{
	return (size_t)snprintf(buf, len, "%s", s) < len ? 0 : -1;
}

int hl_stream_init(struct hl_stream *s, struct hl_redis *redis, const char *key,
		   const char *group, const char *consumer, const char *log_sub, const char *about)
{
	memset(s, 0, sizeof(*s));
	s->redis = redis;
	s->log_sub = log_sub;
	strcpy(s->cursor, SCAN_START);
	if (copy(s->key, sizeof(s->key), key) < 0 || copy(s->group, sizeof(s->group), group) < 0 ||
	    copy(s->consumer, sizeof(s->consumer), consumer) < 0)
		return -1;
	if (about && about[0] &&
	    (size_t)snprintf(s->about, sizeof(s->about), " %s", about) >= sizeof(s->about))
		return -1;
	return 0;
}

int hl_stream_ready(const struct hl_stream *s)
{
	return s->group_ready;
}

int hl_stream_reading(const struct hl_stream *s)
{
	return s->reading.fn != NULL;
}

/* Takes the caller's callback off its slot (so that the callback may send the next
 * command) and calls it. */
static void answer(struct hl_stream_call *slot, enum hl_stream_result result,
		   const redisReply *entries)
{
	struct hl_stream_call call = *slot;
	struct hl_stream_batch batch = {result == HL_STREAM_OK ? entries : NULL};

	slot->fn = NULL;
	slot->arg = NULL;
	call.fn(result, &batch, call.arg);
}

/* Sends a command on a link; its answer goes to the slot's callback. Returns 0, or -1
 * when the slot is taken or the link is not ready. */
static int send_command(struct hl_stream *s, struct hl_stream_call *slot,
			enum hl_redis_link_id link, hl_redis_reply_fn done, hl_stream_fn fn, void *arg,
			int argc, const char **argv)
{
	if (slot->fn || !fn)
		return -1;
	if (hl_redis_command(s->redis, link, done, s, argc, argv, NULL) < 0)
		return -1;
	slot->fn = fn;
	slot->arg = arg;
	return 0;
}

/* An error answer: NOGROUP means the stream was deleted (or its group destroyed), and the
 * group must be created again; any other is logged. */
static void failed(struct hl_stream *s, const redisReply *reply, const char *what)
{
	if (strncmp(reply->str, "NOGROUP", 7) == 0)
		s->group_ready = 0;
	else
		hl_log(HL_LOG_WARN, s->log_sub, "%s_failed%s error=\"%s\"", what, s->about,
		       reply->str);
}

static void group_created(struct redisReply *reply, void *arg)
{
	struct hl_stream *s = arg;

	if (!reply) {
		answer(&s->reading, HL_STREAM_LOST, NULL);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR && strncmp(reply->str, "BUSYGROUP", 9) != 0) {
		hl_log(HL_LOG_WARN, s->log_sub, "group_failed%s error=\"%s\"", s->about, reply->str);
		answer(&s->reading, HL_STREAM_FAILED, NULL);
		return;
	}
	s->group_ready = 1;
	answer(&s->reading, HL_STREAM_OK, NULL);
}

int hl_stream_create_group(struct hl_stream *s, hl_stream_fn fn, void *arg)
{
	const char *argv[] = {"XGROUP", "CREATE", s->key, s->group, "0", "MKSTREAM"};

	return send_command(s, &s->reading, HL_REDIS_COMMANDS, group_created, fn, arg, 6, argv);
}

/* XREADGROUP answered: [[stream, [entries]]], or nil when nothing came. */
static void read_arrived(struct redisReply *reply, void *arg)
{
	struct hl_stream *s = arg;
	const redisReply *entries = NULL;

	if (!reply) {
		answer(&s->reading, HL_STREAM_LOST, NULL);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		failed(s, reply, "read");
		answer(&s->reading, HL_STREAM_FAILED, NULL);
		return;
	}
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0 &&
	    reply->element[0]->type == REDIS_REPLY_ARRAY && reply->element[0]->elements == 2)
		entries = reply->element[0]->element[1];
	answer(&s->reading, HL_STREAM_OK, entries);
}

int hl_stream_read(struct hl_stream *s, size_t count, int64_t block_ms, hl_stream_fn fn,
		   void *arg)
{
	char n[24], block[24];
	const char *argv[] = {"XREADGROUP", "GROUP", s->group, s->consumer, "COUNT", n,
			      "BLOCK",      block,   "STREAMS", s->key, ">"};

	snprintf(n, sizeof(n), "%zu", count);
	if (block_ms < 0) {
		const char *now[] = {argv[0], argv[1], argv[2], argv[3], argv[4],
				     argv[5], argv[8], argv[9], argv[10]};

		return send_command(s, &s->reading, HL_REDIS_COMMANDS, read_arrived, fn, arg, 9, now);
	}
	snprintf(block, sizeof(block), "%lld", (long long)block_ms);
	return send_command(s, &s->reading, HL_REDIS_BLOCKING, read_arrived, fn, arg, 11, argv);
}

void hl_stream_scan_begin(struct hl_stream *s)
{
	strcpy(s->cursor, SCAN_START);
	s->scanning = 1;
}

void hl_stream_scan_end(struct hl_stream *s)
{
	s->scanning = 0;
}

int hl_stream_scanning(const struct hl_stream *s)
{
	return s->scanning;
}

/* XAUTOCLAIM answered: [next cursor, [entries], [ids deleted meanwhile] (7.0)]. The
 * cursor is back to 0-0 once the scan has been through every pending entry. */
static void claimed(struct redisReply *reply, void *arg)
{
	struct hl_stream *s = arg;

	if (!reply) {
		answer(&s->claiming, HL_STREAM_LOST, NULL);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR)
		failed(s, reply, "claim");
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
	    reply->element[0]->type != REDIS_REPLY_STRING ||
	    reply->element[1]->type != REDIS_REPLY_ARRAY ||
	    copy(s->cursor, sizeof(s->cursor), reply->element[0]->str) < 0) {
		answer(&s->claiming, HL_STREAM_FAILED, NULL);
		return;
	}
	s->scanning = strcmp(s->cursor, SCAN_START) != 0;
	answer(&s->claiming, HL_STREAM_OK, reply->element[1]);
}

int hl_stream_claim(struct hl_stream *s, int64_t min_idle_ms, size_t count, hl_stream_fn fn,
		    void *arg)
{
	char idle[24], n[24];
	const char *argv[] = {"XAUTOCLAIM", s->key, s->group, s->consumer, idle,
			      s->cursor,    "COUNT", n};

	snprintf(idle, sizeof(idle), "%lld", (long long)min_idle_ms);
	snprintf(n, sizeof(n), "%zu", count);
	return send_command(s, &s->claiming, HL_REDIS_COMMANDS, claimed, fn, arg, 8, argv);
}

size_t hl_stream_batch_size(const struct hl_stream_batch *batch)
{
	const redisReply *e = batch->entries;

	return e && e->type == REDIS_REPLY_ARRAY ? e->elements : 0;
}

int hl_stream_batch_entry(const struct hl_stream_batch *batch, size_t i,
			  struct hl_stream_entry *entry_r)
{
	const redisReply *r;

	if (i >= hl_stream_batch_size(batch))
		return -1;
	r = batch->entries->element[i];
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY)
		return -1;
	entry_r->id = r->element[0]->str;
	entry_r->fields = r->element[1];
	return 0;
}

const char *hl_stream_field(const struct hl_stream_entry *entry, const char *name,
			    size_t *len_r)
{
	const redisReply *kv = entry->fields;

	for (size_t i = 0; i + 1 < kv->elements; i += 2) {
		const redisReply *k = kv->element[i], *v = kv->element[i + 1];

		if (k->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING &&
		    strcmp(k->str, name) == 0) {
			if (len_r)
				*len_r = v->len;
			return v->str;
		}
	}
	return NULL;
}
