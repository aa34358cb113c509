/*
 * The layout of the store: which keys there are and what they hold (core/README.md §4),
 * as one version number recorded in the store itself (HL_KEY_LAYOUT). hotlined works only
 * on a store of its own layout: at each connect, before the store is used, store/redis.c
 * asks (lua/layout_check.lua, hl_redis_require_layout) and reports any other layout as
 * refused; an empty store gets this one. A store written before the layout was recorded
 * (tickets, no layout key) is layout 1. `hotlined --migrate -c FILE` (hl_layout_migrate)
 * upgrades an older store in place.
 */
#ifndef HL_LAYOUT_H
#define HL_LAYOUT_H

#include <stddef.h>
#include <stdio.h>

struct hl_config;

/* The layout this hotlined reads and writes. A change to what a key holds, or to which
 * keys there are, is a new number with its step in layout.c.
 *   1  (not recorded in the store) the layout up to 2026-12
 *   2  a ticket's timeline is its hash's field `log`, no longer a stream of its own
 *      (HL_KEY_AUDIT)
 *   3  one event stream (HL_KEY_EVENTS) instead of the ledger, the units' work queues
 *      and the notices (HL_KEY_LEDGER, HL_KEY_DEPT, HL_KEY_NOTICES); one HL_KEY_DUE
 *      member per ticket and no HL_INDEX_DEADLINES
 *   4  a ticket's timeline is a string key of its own (HL_KEY_LOG), APPENDed, no longer
 *      its hash's field `log`
 *   5  a received ticket's HL_KEY_DUE member may be its routing lease (hand-off, issue
 *      14), which lua/due_claim.lua puts on the routing stream when it runs out (a daemon
 *      of layout 4 would drop it, and the ticket with it); nothing to convert */
#define HL_STORE_LAYOUT 5

/* The keys lua/layout_check.lua takes, in its order: the layout key, then keys only a
 * store with data has. */
#define HL_LAYOUT_CHECK_KEYS 4
#define HL_LAYOUT_KEY_LEN 128
void hl_layout_check_keys(const char *prefix, char keys[HL_LAYOUT_CHECK_KEYS][HL_LAYOUT_KEY_LEN]);

/* The command that upgrades the store, for messages: "hotlined --migrate -c <config>". */
#define HL_LAYOUT_MIGRATE_HINT "hotlined --migrate -c"

/* Upgrades the store that cfg names to HL_STORE_LAYOUT, blocking (hotlined --migrate, no
 * event loop, no daemon running on the store). Before it writes it refuses while the
 * daemon registry (HL_KEY_DAEMONS) has entries, naming each in err; with force it
 * ignores them (they are the entries of daemons killed, the operator says) and names
 * them on out. While it runs the layout key says "<from>><to>", so that a hotlined
 * started meanwhile refuses the store; each step works in batches and may be run again
 * after an interruption (it resumes: what it changed already it leaves as it is). What
 * a step cannot convert without losing something goes to HL_KEY_QUARANTINE keys, each
 * listed on out; after its last batch a step looks again for keys of the old layout
 * and converts what appeared, or fails. Writes one line per step and batch to out.
 * Returns 0 when the store is at HL_STORE_LAYOUT (already, or now), or -1 with the
 * reason in err (give it 4 KiB: it may list daemons, one a line). */
int hl_layout_migrate(const struct hl_config *cfg, int force, FILE *out, char *err,
		      size_t errlen);

#endif
