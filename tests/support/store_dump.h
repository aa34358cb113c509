/*
 * A Redis store as a readable text of commands, and back: the fixtures of a store filled
 * by an older layout (tests/data/store-layout1.resp) are written by hlt_store_dump and
 * loaded into a test's private Redis by hlt_store_load.
 *
 * The text is one Redis command a line, its arguments separated by one space, an
 * argument in double quotes when it is empty or holds a space, a quote, a backslash or a
 * control byte (escaped as \" \\ \n \r \t or \xHH; UTF-8 text stays as it is). Lines
 * starting with '#' are comments. Each key is recreated by the commands of its type:
 * SET (with PX for a time to live), HSET, ZADD, XADD with the entries' own ids then XSETID,
 * XGROUP CREATE for its consumer groups; PEXPIRE for a hash, sorted set or stream with a
 * time to live. A group's pending entries cannot be recreated as pending: its last
 * delivered id is put just before its first pending entry, so that they are delivered
 * again (at least once, as a takeover would).
 */
#ifndef HLT_STORE_DUMP_H
#define HLT_STORE_DUMP_H

#include <stdio.h>

struct hlt_redis;

/* Writes every key of r that starts with `prefix`, in key order, to out. Returns the
 * number of keys, or -1 on an error (a type it does not know: list, set). */
int hlt_store_dump(const struct hlt_redis *r, const char *prefix, FILE *out);
/* Runs the commands of a file written by hlt_store_dump against r. Returns the number of
 * commands, or -1 when the file cannot be read or a command fails (the line is written to
 * stderr). */
int hlt_store_load(const struct hlt_redis *r, const char *path);

/* A ticket's timeline (layout 4: the string log:<id>, lib.lua's audit) as
 * hlt_redis_cmd showed an XRANGE of the layout-1 stream: per entry its number, then "at",
 * its value, "actor", ... one a line; `most` entries at the most (0: all). "" when it has
 * none; the caller frees. */
char *hlt_audit(const struct hlt_redis *r, const char *id, int most);
/* The number of entries of a ticket's timeline, or -1 when it cannot be read. */
int hlt_audit_entries(const struct hlt_redis *r, const char *id);

#endif
