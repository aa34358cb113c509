/*
 * Every Redis key name the daemon uses, in one place (core/README.md §4). A key is the
 * configured prefix (default "hl:") followed by one of these names. Keys that hold a
 * ticket id are built inside the Lua scripts, which generate the ids. The scripts spell
 * no name themselves: the build makes these lines into a Lua prelude put in front of
 * every script (keys-to-lua.awk: HL_KEY_TICKET is KEY.ticket there, HL_INDEX_STATE is
 * INDEX.state), and tests/scripts/check-lua-keys.sh fails on a script that spells one.
 * So a name is written once, here, as #define HL_KEY_<NAME> "<text>" on one line.
 */
#ifndef HL_KEYS_H
#define HL_KEYS_H

#include <stdio.h>

#define HL_KEY_LAYOUT "layout"   /* string: the version of this store's layout, the keys and
				    what they hold (store/layout.h); set on an empty store by
				    lua/layout_check.lua, by hotlined --migrate (layout.c) */
#define HL_KEY_DAEMONS "daemons" /* hash: instance id -> JSON of the running hotlined
				    (pid, version, node, tag, lapse_ms, lease_ms, seen_ms
				    and since_ms on Redis's clock ...;
				    lua/daemon_register.lua, refreshed every
				    routing.heartbeat by lua/daemon_heartbeat.lua, removed
				    by lua/daemon_takeover.lua when it is gone);
				    hotlined --migrate refuses while it has entries
				    (store/layout.c) */
#define HL_KEY_DAEMON_TAGS "daemon-tags" /* string: the counter of the lease holder tags
					    lua/daemon_register.lua hands out (a tag is
					    its value in base 36); purely new in layout 5 */
#define HL_KEY_OPS "ops"         /* stream: daemon lifecycle (connected, reloaded, rejoined,
				    stopped; taken_over, with who took over and what:
				    lua/daemon_takeover.lua) */
#define HL_KEY_TICKET "t:"       /* + id: hash of the ticket's fields and state (layouts 2
				    and 3 kept its timeline there too, field `log`, which
				    the migration to 4 moves to HL_KEY_LOG) */
#define HL_KEY_LOG "log:"        /* + id: string, the ticket's timeline, length-prefixed
				    entries APPENDed by lua/lib.lua's audit (and
				    due_claim.lua), read by lua/ticket_get.lua; layout 4
				    (lua/migrate_log.lua moves it out of the hash) */
#define HL_KEY_AUDIT "audit:"    /* + id: layout 1 only, a stream: the ticket's timeline,
				    which layouts 2 and 3 keep in the ticket hash's field
				    `log`; read by the migration (lua/migrate_audit.lua) */
#define HL_KEY_QUARANTINE "quarantine:" /* + the old key's name without the prefix
					  (audit:<id>, due, log:<id>): what hotlined --migrate
					  found it could not convert without losing
					  something, kept as it was for an operator
					  (lua/migrate_audit.lua: a timeline, renamed
					  whole; lua/migrate_due.lua: a sorted set of
					  hl:due members; lua/migrate_log.lua: a
					  timeline string); nothing reads it */
#define HL_KEY_INTAKE "intake"   /* stream: ids of received tickets waiting to be routed
				    (an entry is deleted once its routing is committed) */
#define HL_KEY_SEQ "seq:"        /* + YYYYMMDD: the day's ticket counter */
#define HL_KEY_IDEM "idem:"      /* + caller's token hash (16 hex) + ":" + Idempotency-Key:
				    "id body-sha256" */
#define HL_KEY_RATE "rate:board:" /* + citizen address: board tickets in the window */
#define HL_KEY_INDEX "idx:"      /* + an HL_INDEX_* name below: a sorted set of ids */
#define HL_KEY_DEPT "dept:"      /* + unit code: layouts 1 and 2 only, a stream: the unit's
				    work queue, which layout 3 keeps on HL_KEY_EVENTS
				    (entries with queue 1); read by the migration
				    (lua/migrate_events.lua) */
#define HL_KEY_NOTICES "notices" /* layouts 1 and 2 only, a stream: notices for supervisors
				    and dispatchers, which layout 3 keeps on HL_KEY_EVENTS
				    (entries with an audience); read by the migration */
#define HL_KEY_EVENTS "events"   /* stream: the one record of what happened to tickets, each
				    entry self-describing (at, id, event, unit, queue,
				    ledger, audience, note, the event's fields; core/README.md
				    §4), its ids carrying the daemon's time; not capped (the
				    reports need its history). Written by lua/lib.lua's
				    event() (ticket_step, route_commit, due_claim,
				    outbox_dead, event_notice), read by the reports
				    (report_units.lua, report_tickets.lua) and by whatever
				    follows a unit's queue or the notices */
#define HL_KEY_PRESENCE "presence:" /* + id: hash, who has the ticket open now: the
				    viewer's name -> "expires_ms|typing|since_ms|role|display
				    name"; fields past their expiry are removed at each call,
				    the key expires by itself when nobody calls. Ephemeral (no
				    layout change: it holds nothing a restart needs). Written
				    and read by presence.lua (tickets/presence.c) */
#define HL_GROUP_ROUTE "route"   /* consumer group of the daemons routing hl:intake */
#define HL_KEY_OUTBOX "outbox:"  /* + plugin instance name: stream, the jobs of the
				    plugin's durable outbox (outbox.h); entries are
				    deleted when done, never trimmed */
#define HL_KEY_OUTBOX_LEASE "outbox-lease:" /* + plugin instance name: the instance id of
					       the daemon delivering that outbox, with a
					       time to live (lua/outbox_lease.lua) */
#define HL_KEY_DEADLETTER "deadletter" /* stream: outbox jobs a plugin gave up on
					  (lua/outbox_dead.lua uses it as KEY.deadletter) */
#define HL_GROUP_DELIVER "deliver" /* consumer group of each hl:outbox:<name> stream */
#define HL_KEY_LEDGER "ledger"   /* layouts 1 and 2 only, a stream: the accountability
				    ledger, which layout 3 keeps on HL_KEY_EVENTS (entries
				    with ledger 1); read by the migration and by
				    lua/layout_check.lua (a store of layout 1 has it) */
#define HL_KEY_DUE "due"         /* sorted set: one member per ticket (or supervised case,
				    its C... id, case_create.lua) with a running clock,
				    its id, scored by when its soonest next stage falls due
				    (or earlier: a stopped clock leaves it); written by
				    lua/lib.lua's schedule_from (ticket_step, route_commit)
				    and due_claim.lua, which claims it; read by the watch
				    list (ticket_list.lua's due_soon). Layouts 1 and 2 had a
				    member per clock, "id|clock|stage|audience" */

/* People's accounts and sessions (core/people/, core/README.md §4 and §9). Added in
 * layout 4 without a new layout: no older code reads or writes them. */
#define HL_KEY_USER "user:"      /* + login: hash of a person's account: login,
				    display_name, role, hash (argon2id, libsodium's
				    crypto_pwhash_str), disabled, must_change, created_at,
				    created_by, updated_at, updated_by; written by
				    lua/user_write.lua, lua/session_create.lua (a rehash) */
#define HL_KEY_USERS "users"     /* set: every login with an account (lua/user_write.lua;
				    read by lua/user_list.lua) */
#define HL_KEY_USER_SESSIONS "user-sessions:" /* + login: set of the SHA-256 (hex) of the
						 account's session ids, so that disabling
						 it or a new password ends them all
						 (lua/session_create.lua adds and prunes,
						 lua/user_write.lua, lua/session_end.lua) */
#define HL_KEY_SESSION "session:" /* + SHA-256 (hex) of a session id (the id itself is
				     never stored): hash of login, csrf, created_ms,
				     ends_ms (the absolute expiry); PEXPIRE is the idle
				     expiry, refreshed at each use (lua/session_get.lua) */
#define HL_KEY_LOGIN_RATE "rate:login:" /* + "acct:" login or "ip:" client address:
					   login attempts in the window that have
					   not succeeded (INCR before the password
					   is checked, lua/login_load.lua; taken
					   back by lua/login_ok.lua) */
#define HL_KEY_USER_LOG "user-log" /* stream: every change to an account (created,
				      disabled, enabled, password, password_changed) with
				      who made it: at, actor, role, action, login,
				      new_role; capped at about 100000 entries
				      (lua/user_write.lua) */
/* Supervision (issue 16, core/README.md §4): TV-inquiry programmes (电视问政), supervised
 * cases (督办件) and accountability records (问责). Their ids are a letter, the day and
 * the day's number from HL_KEY_SEQ + the letter and day ("seq:C20261206"): P20261206-001,
 * C20261206-0001, A20261206-0001 (lib.lua's day_id). A case's timeline is HL_KEY_LOG +
 * its id, written by lib.lua's audit as a ticket's is. */
#define HL_KEY_PROGRAMME "programme:" /* + id: hash, one show: date, title, units, notes,
					 problems (a JSON list of texts); written once by
					 lua/programme_create.lua */
#define HL_KEY_CASE "case:"           /* + id: hash, a supervised case: kind, source, units,
					 deadline, state and its steps' times; written by
					 lua/case_create.lua and lua/case_step.lua */
#define HL_KEY_ACCOUNTABILITY "accountability:" /* + id: hash, one accountability record,
						   written once by
						   lua/accountability_create.lua and
						   never changed */
#define HL_KEY_SUPERSEDED "accountability-superseded" /* hash: a superseded record's id ->
							 the id of the record that
							 corrects it (the old record
							 itself is never changed);
							 lua/accountability_create.lua */

/* The knowledge base (政策通, issue 17, core/README.md §4): policy entries agents answer
 * consultations from, with their history. Added in layout 5 without a new layout: no
 * older code reads or writes them. An entry's id is a slug ([a-z0-9-], at most 48) other
 * than "ids" (tickets/kb_input.c refuses it: HL_KEY_KB_IDS is HL_KEY_KB + "ids"). */
#define HL_KEY_KB "kb:"          /* + id: hash, the entry's current version: id, title,
				    questions and tags (JSON arrays of texts), answer, unit,
				    source, effective_from, effective_until ("" open-ended),
				    reviewed_at, version, updated_ms, updated_by; written by
				    lua/kb_write.lua, read by lua/kb_get.lua */
#define HL_KEY_KB_IDS "kb:ids"   /* sorted set: every entry's id, scored by its updated_ms
				    (lua/kb_write.lua; read by lua/kb_get.lua) */
#define HL_KEY_KB_VERSION "kbv:" /* + id + ":" + version: string, the whole entry at that
				    version as JSON (the hash's fields, questions and tags as
				    arrays), written once by lua/kb_write.lua, never changed */

/* The indexes, each HL_KEY_INDEX + one of these names: sorted sets of ticket ids, written
 * by the Lua scripts (lua/lib.lua's move_state, ticket_create, ticket_step, route_commit,
 * due_claim), read by ticket_list.lua (GET /v1/tickets), route_load.lua (related tickets),
 * metrics.lua and the reports. Scored by the ticket's creation time (ms) unless said. */
#define HL_INDEX_ALL "all"             /* every ticket */
#define HL_INDEX_PHONE "phone:"        /* + normalised caller phone */
#define HL_INDEX_ADDR "addr:"          /* + the address as given */
#define HL_INDEX_STATE "state:"        /* + state */
#define HL_INDEX_CHANNEL "channel:"    /* + channel: hotline, board, tv */
#define HL_INDEX_DEPT "dept:"          /* + unit code: the unit leads or co-handles it */
#define HL_INDEX_OVERDUE "overdue"     /* tickets a clock of which is late, scored by when
					  it went late */
#define HL_INDEX_DEADLINES "deadlines" /* layouts 1 and 2 only: "id|clock" of every running
					  clock by its deadline, which layout 3 derives
					  from hl:due (ticket_list.lua's due_soon); deleted
					  by the migration (store/layout.c) */

/* The supervision indexes (lua/programme_create.lua, case_create.lua, case_step.lua,
 * accountability_create.lua; read by supervision_list.lua, supervision_get.lua and
 * report_supervision.lua). */
#define HL_INDEX_PROGRAMMES "programmes"           /* programme ids by the show's date (ms) */
#define HL_INDEX_PROGRAMME_TICKETS "programme:"    /* + programme id: the tv tickets naming
						      it, by creation (ticket_create.lua) */
#define HL_INDEX_PROGRAMME_CASES "programme-cases:" /* + programme id: the cases whose
							source it is, by creation */
#define HL_INDEX_CASES "cases"                     /* case ids by creation */
#define HL_INDEX_CASE_UNIT "case-unit:"            /* + unit code: cases it leads or
						      co-handles, by creation */
#define HL_INDEX_CASE_STATE "case-state:"          /* + state: open, rectifying, rectified,
						      closed; by creation */
#define HL_INDEX_CASE_KIND "case-kind:"            /* + kind: problem, monthly, benchmark */
#define HL_INDEX_ACCOUNTABILITY "accountability"   /* record ids by decision date (ms) */
#define HL_INDEX_ACCOUNTABILITY_UNIT "accountability-unit:" /* + the person's unit code */

/* Writes prefix + name into buf. */
static inline void hl_key(char *buf, size_t len, const char *prefix, const char *name)
{
	snprintf(buf, len, "%s%s", prefix, name);
}

#endif
