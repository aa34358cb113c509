/*
 * Every Redis key name the daemon uses, in one place (core/README.md §4). A key is the
 * configured prefix (default "hl:") followed by one of these names. Keys that hold a
 * ticket id are built inside the Lua scripts, which generate the ids; lua/lib.lua spells
 * the same names and must be kept in step with this file.
 */
#ifndef HL_KEYS_H
#define HL_KEYS_H

#include <stdio.h>

#define HL_KEY_DAEMONS "daemons" /* hash: instance id -> JSON of the running hotlined */
#define HL_KEY_OPS "ops"         /* stream: daemon lifecycle (connected, reloaded, stopped) */
#define HL_KEY_TICKET "t:"       /* + id: hash of the ticket's fields and state */
#define HL_KEY_AUDIT "audit:"    /* + id: stream, the ticket's timeline */
#define HL_KEY_INTAKE "intake"   /* stream: ids of received tickets waiting to be routed
				    (an entry is deleted once its routing is committed) */
#define HL_KEY_SEQ "seq:"        /* + YYYYMMDD: the day's ticket counter */
#define HL_KEY_IDEM "idem:"      /* + caller's token hash (16 hex) + ":" + Idempotency-Key:
				    "id body-sha256" */
#define HL_KEY_RATE "rate:board:" /* + citizen address: board tickets in the window */
#define HL_KEY_INDEX "idx:"      /* + all | phone:<n> | addr:<address> | state:<s> |
				    channel:<c> | dept:<code>: sorted sets of ids scored by
				    creation time (ms); overdue (by when they went late);
				    deadlines ("id|clock" by deadline) */
#define HL_KEY_DEPT "dept:"      /* + unit code: stream, the unit's work queue */
#define HL_KEY_NOTICES "notices" /* stream: notices for supervisors and dispatchers */
#define HL_GROUP_ROUTE "route"   /* consumer group of the daemons routing hl:intake */
#define HL_KEY_OUTBOX "outbox:"  /* + plugin instance name: stream, the jobs of the
				    plugin's durable outbox (outbox.h); entries are
				    deleted when done, never trimmed */
#define HL_KEY_OUTBOX_LEASE "outbox-lease:" /* + plugin instance name: the instance id of
					       the daemon delivering that outbox, with a
					       time to live (lua/outbox_lease.lua) */
#define HL_KEY_DEADLETTER "deadletter" /* stream: outbox jobs a plugin gave up on
					  (lua/outbox_dead.lua spells it too) */
#define HL_GROUP_DELIVER "deliver" /* consumer group of each hl:outbox:<name> stream */

/* Writes prefix + name into buf. */
static inline void hl_key(char *buf, size_t len, const char *prefix, const char *name)
{
	snprintf(buf, len, "%s%s", prefix, name);
}

#endif
