/*
 * The Lua scripts that make each state change one atomic step in Redis. Their sources
 * live in core/store/lua/ (one .lua file each; every script starts with the key names of
 * keys.h, as the build writes them in Lua, and the ticket scripts then with lua/lib.lua) and
 * are compiled into the daemon (the supervision scripts with lua/supervision_lib.lua
 * after lib.lua); hl_redis loads them at every connect and calls them by SHA.
 */
#ifndef HL_SCRIPTS_H
#define HL_SCRIPTS_H

#include <stddef.h>

enum hl_script_id {
	HL_SCRIPT_DAEMON_REGISTER, /* lua/daemon_register.lua */
	HL_SCRIPT_DAEMON_HEARTBEAT, /* lua/daemon_heartbeat.lua (tickets/heartbeat.c) */
	HL_SCRIPT_DAEMON_TAKEOVER, /* lua/daemon_takeover.lua (tickets/heartbeat.c) */
	HL_SCRIPT_TICKET_CREATE,   /* lua/ticket_create.lua */
	HL_SCRIPT_TICKET_GET,      /* lua/ticket_get.lua */
	HL_SCRIPT_TICKET_LIST,     /* lua/ticket_list.lua */
	HL_SCRIPT_ROUTE_LOAD,      /* lua/route_load.lua */
	HL_SCRIPT_ROUTE_COMMIT,    /* lua/route_commit.lua */
	HL_SCRIPT_TICKET_STEP,     /* lua/ticket_step.lua */
	HL_SCRIPT_DUE_CLAIM,       /* lua/due_claim.lua */
	HL_SCRIPT_REPORT_UNITS,    /* lua/report_units.lua */
	HL_SCRIPT_REPORT_TICKETS,  /* lua/report_tickets.lua */
	HL_SCRIPT_REPORT_KB,       /* lua/report_kb.lua (tickets/kb_report.c, issue 17) */
	HL_SCRIPT_METRICS,         /* lua/metrics.lua */
	HL_SCRIPT_OUTBOX_LEASE,    /* lua/outbox_lease.lua */
	HL_SCRIPT_OUTBOX_DONE,     /* lua/outbox_done.lua */
	HL_SCRIPT_OUTBOX_DEAD,     /* lua/outbox_dead.lua */
	HL_SCRIPT_LAYOUT_CHECK,    /* lua/layout_check.lua (store/layout.h) */
	HL_SCRIPT_MIGRATE_AUDIT,   /* lua/migrate_audit.lua (store/layout.c, layout 1 -> 2) */
	HL_SCRIPT_MIGRATE_EVENTS,  /* lua/migrate_events.lua (store/layout.c, layout 2 -> 3) */
	HL_SCRIPT_MIGRATE_DUE,     /* lua/migrate_due.lua (store/layout.c, layout 2 -> 3) */
	HL_SCRIPT_MIGRATE_LOG,     /* lua/migrate_log.lua (store/layout.c, layout 3 -> 4) */
	HL_SCRIPT_EVENT_NOTICE,    /* lua/event_notice.lua (host->notify) */
	HL_SCRIPT_LOGIN_LOAD,      /* lua/login_load.lua (people/sessions.c) */
	HL_SCRIPT_LOGIN_OK,        /* lua/login_ok.lua (people/sessions.c) */
	HL_SCRIPT_SESSION_CREATE,  /* lua/session_create.lua (people/sessions.c) */
	HL_SCRIPT_SESSION_GET,     /* lua/session_get.lua (people/session_gate.c) */
	HL_SCRIPT_SESSION_END,     /* lua/session_end.lua (people/sessions.c) */
	HL_SCRIPT_USER_WRITE,      /* lua/user_write.lua (people/users.c, sessions.c) */
	HL_SCRIPT_USER_LIST,       /* lua/user_list.lua (people/users.c) */
	HL_SCRIPT_PRESENCE,        /* lua/presence.lua (tickets/presence.c) */
	/* supervision (issue 16): lib.lua, then lua/supervision_lib.lua, then each */
	HL_SCRIPT_PROGRAMME_CREATE,      /* lua/programme_create.lua */
	HL_SCRIPT_CASE_CREATE,           /* lua/case_create.lua */
	HL_SCRIPT_CASE_STEP,             /* lua/case_step.lua */
	HL_SCRIPT_ACCOUNTABILITY_CREATE, /* lua/accountability_create.lua */
	HL_SCRIPT_SUPERVISION_GET,       /* lua/supervision_get.lua */
	HL_SCRIPT_SUPERVISION_LIST,      /* lua/supervision_list.lua */
	HL_SCRIPT_REPORT_SUPERVISION,    /* lua/report_supervision.lua */
	/* the knowledge base (issue 17): lib.lua, then each */
	HL_SCRIPT_KB_WRITE,              /* lua/kb_write.lua (tickets/kb_api.c) */
	HL_SCRIPT_KB_GET,                /* lua/kb_get.lua (tickets/kb_api.c, kb_search.c) */
	HL_SCRIPT_COUNT
};

/* What a script writes, which says whether a write waits for its replicas
 * (redis.min_replicas_ack, store/replica_ack.h, core/README.md §10). */
enum hl_script_writes {
	HL_WRITES_NOTHING,   /* reads only: never waits, never refused */
	HL_WRITES_PASSING,   /* writes what may be lost in a failover at no one's cost (a
				session's idle expiry, presence, login counters, the daemons'
				registry, the outbox's leases, layout migrations, which run
				again): never waits, never refused */
	HL_WRITES_WORK,      /* the daemon's own work on the record (routing, stages, a
				plugin's notice): its reply waits for the replicas' WAIT while
				they are there, and comes whatever WAIT answers; never refused:
				a replica down must not stop deadlines or routing */
	HL_WRITES_RECORDS,   /* writes the record for a client (tickets, steps, cases,
				entries, accounts, logout): its reply waits for the replicas'
				WAIT, becomes a NOTREPLICATED error when they do not confirm, and
				the write is refused while they are known missing */
};

struct hl_script {
	const char *name;
	enum hl_script_writes writes;
	const char *source;
};

extern const struct hl_script hl_scripts[HL_SCRIPT_COUNT];

/* An argument by name, for the scripts that read theirs with lib.lua's named_args
 * (route_load, route_commit, ticket_step): the name the script looks for, and its value. The caller
 * keeps both strings alive until the script is sent. */
struct hl_script_arg {
	const char *name;
	const char *value;
};

/* Room in argv for n named arguments. */
#define HL_SCRIPT_ARGS_NAMED(n) (1 + 2 * (n))

/* Writes n named arguments into argv as named_args reads them: how many there are (as
 * text, into count, which must stay alive as the values do), then each name and value.
 * Returns the number of argv filled, HL_SCRIPT_ARGS_NAMED(n), or -1 when room is smaller
 * (nothing written). */
int hl_script_args_named(const char **argv, size_t room, char count[16],
			 const struct hl_script_arg *args, size_t n);

#endif
