/*
 * Test harness: temporary directories and files, a real redis-server on a private unix
 * socket, a real hotlined started from the build, and a small blocking HTTP client.
 * Every wait is bounded; every child process dies with the test (PR_SET_PDEATHSIG).
 * Functions that fail the test (criterion asserts) are for the test's own thread, not
 * for threads it starts.
 * HL_SOURCE_DIR and HL_BUILD_DIR are set by the Makefile.
 */
#ifndef HL_TEST_HARNESS_H
#define HL_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Creates a fresh directory under /tmp and writes its path into buf. */
void hlt_tmpdir(char *buf, size_t len);
/* Removes a directory tree made by hlt_tmpdir. */
void hlt_rmtree(const char *dir);
/* Writes `content` to dir/name and puts the path in path_r (len bytes). */
void hlt_write_file(const char *dir, const char *name, const char *content, char *path_r,
		    size_t len);
/* Reads a whole file; the caller frees. NULL when absent. */
char *hlt_read_file(const char *path);
/* fork + exec of argv (argv[0] a path) with stdout and stderr appended to out_path
 * (NULL: /dev/null); the child dies with the test. */
pid_t hlt_spawn(const char *const *argv, const char *out_path);
/* Sleeps ms milliseconds. */
void hlt_sleep_ms(int ms);
/* Waits up to timeout_ms for `needle` to appear in the file. Returns 1 when it did. */
int hlt_wait_for_text(const char *path, const char *needle, int timeout_ms);
/* The monotonic clock in milliseconds, for measuring how long something took. */
int64_t hlt_now_ms(void);

struct hlt_redis {
	char dir[256];
	char socket[300];
	pid_t pid;
	const char *appendfsync; /* NULL: no AOF; else "always" or "everysec", AOF in dir */
	int port;                /* also listen on 127.0.0.1:port when above 0 (ha.h) */
	int replica_of;          /* start as a replica of 127.0.0.1:replica_of when above 0 */
};

/* Starts redis-server on dir/redis.sock (dir must exist; and on r->port when set) and waits
 * until it answers. */
void hlt_redis_start(struct hlt_redis *r, const char *dir);
/* Starts it without waiting (it may still be loading its AOF). DEBUG is allowed from
 * the unix socket (DEBUG POPULATE, DEBUG SLEEP). */
void hlt_redis_spawn(struct hlt_redis *r, const char *dir);
/* Stops it: SIGKILL when hard, else SHUTDOWN NOSAVE; waits for the process. */
void hlt_redis_stop(struct hlt_redis *r, int hard);
/* Runs one command over a fresh synchronous connection; returns the reply as text
 * (integers and arrays flattened, one item per line), caller frees; NULL on error. */
char *hlt_redis_cmd(const struct hlt_redis *r, const char *fmt, ...);
/* The entries of the event stream hl:events (core/README.md §4) whose field `field` is
 * `value` and, when `flag` is not NULL, whose field `flag` is "1": a unit's work queue is
 * ("unit", code, "queue"), its ledger ("unit", code, "ledger"), the notices to an
 * audience ("audience", who, NULL). As hlt_redis_cmd gives XRANGE (id, then field and
 * value, one a line), oldest first; caller frees; NULL on error. */
char *hlt_events(const struct hlt_redis *r, const char *field, const char *value,
		 const char *flag);

/* The timeout of every integration suite, in seconds. One value for all: criterion 2.4.1
 * loses a running suite's timeout (and leaks) when a suite with a shorter one starts. */
#define HLT_SUITE_TIMEOUT 120

/* The API tokens of the test configuration, one per role (tokens.yaml holds their
 * hashes). */
#define HLT_TOKEN_AGENT "test-token-agent"
#define HLT_TOKEN_BOARD "test-token-board"
#define HLT_TOKEN_TV "test-token-tv"
#define HLT_TOKEN_SUPERVISOR "test-token-supervisor"
#define HLT_TOKEN_ADMIN "test-token-admin"
#define HLT_TOKEN_WATER "test-token-dept-water"
#define HLT_TOKEN_GAS "test-token-dept-gas"

struct hlt_daemon {
	char dir[256];
	char config[300];
	char log[300];
	pid_t pid;
	int port;
	const char *extra_yaml; /* appended to the configuration's top level when set */
	const char *binary;     /* the daemon to run; NULL for the build's hotlined */
	const char *http_timeout; /* http.timeout ("1s") in the http section; NULL: default */
	const char *http_yaml;    /* more lines of the http section ("  key: value\n") */
	const char *auth_yaml;    /* more lines of the auth section ("  key: value\n") */
	const char *redis_yaml;   /* where the redis section says how to reach Redis
				     ("  sentinels: ...\n"); NULL: "  socket: <r->socket>\n" */
	const char *redis_reconnect_yaml; /* the redis section's backoff lines; NULL:
					     "  reconnect_min: 50ms\n  reconnect_max: 500ms\n" */
};

/* Writes dir/hotlined.yaml for this Redis with `plugins_yaml` as the plugins list (YAML
 * text, may be NULL for the log plugin only), and dir/tokens.yaml with the HLT_TOKEN_*
 * tokens. Leaves pid and port as they are, so that a running daemon's file can be
 * rewritten before a SIGHUP. */
void hlt_daemon_configure(struct hlt_daemon *d, const char *dir, const struct hlt_redis *r,
			  const char *plugins_yaml);
/* Starts hotlined -c d->config, appending to d->log; returns 0 once it listens (port read
 * from what this start logged), or -1 when it exited or did not listen within 5 s. */
int hlt_daemon_start(struct hlt_daemon *d);
/* Waits until /healthz says status ok (Redis ready). Returns 1 when it did. */
int hlt_daemon_wait_ready(const struct hlt_daemon *d, int timeout_ms);
/* Sends sig and waits up to timeout_ms for exit; returns the exit status, or -1 (after
 * a SIGKILL) when it did not exit in time. */
int hlt_daemon_stop(struct hlt_daemon *d, int sig, int timeout_ms);
/* hlt_daemon_start, then hlt_daemon_wait_ready for up to 5 s; fails the test, showing
 * the daemon's log, when it did not start or did not get ready. */
void hlt_daemon_start_ready(struct hlt_daemon *d);
/* A suite's end: kills the daemon if it still runs, stops Redis, removes dir. */
void hlt_teardown(struct hlt_daemon *d, struct hlt_redis *r, const char *dir);
/* The routing settings (extra_yaml) of the suites whose tests route: a plugin that has
 * not answered in 300 ms is given up on, and a dead daemon's entries are taken over after
 * 1 s. */
#define HLT_FAST_ROUTING "routing:\n  plugin_timeout: 300ms\n  reclaim_idle: 1s\n"
/* The plugins: entry of a test plugin variant built from tests/plugins/test_plugin.c. */
#define HLT_PLUGIN(variant)                                                                  \
	"  - name: " variant "\n    file: " HL_BUILD_DIR "/tests/plugins/" variant ".so\n"

/* --- a suite's fixture ----------------------------------------------------------------- */

/* How far a suite's setup goes before each test. */
enum hlt_setup {
	HLT_SETUP_REDIS,  /* the directory and Redis; each test starts its daemon (default) */
	HLT_SETUP_CONFIG, /* ... and the daemon's configuration written */
	HLT_SETUP_DAEMON, /* ... and the daemon started and ready */
};

/* What each test of an integration suite starts from: a fresh temporary directory, a
 * Redis on a private socket in it, and a daemon configured for that Redis. A suite keeps
 * one in a static, initialised with what is particular to it, e.g.
 *
 *	static struct hlt_fixture fx = {
 *		.setup = HLT_SETUP_DAEMON,
 *		.redis.appendfsync = "always",
 *		.daemon.extra_yaml = HLT_FAST_ROUTING,
 *		.plugins = HLT_PLUGIN("route_async"),
 *	};
 *	HLT_SUITE(faults, fx);
 *
 * Each criterion test runs in a process of its own, so every test sees the static as
 * initialised. */
struct hlt_fixture {
	enum hlt_setup setup;
	const char *plugins;      /* the daemon's plugins list (YAML; NULL: the log plugin) */
	char dir[256];            /* set by hlt_fixture_setup */
	struct hlt_redis redis;   /* .appendfsync may be given */
	struct hlt_daemon daemon; /* .extra_yaml, .binary, .http_timeout, .http_yaml
				     and .auth_yaml may be given */
};

/* Makes the directory and starts Redis in it, then configures (HLT_SETUP_CONFIG) or
 * configures and starts (HLT_SETUP_DAEMON) f->daemon with f->plugins. Fails the test
 * when any of it does not work. */
void hlt_fixture_setup(struct hlt_fixture *f);
/* Kills the daemon if it still runs, stops Redis, removes the directory (hlt_teardown).
 * Daemons other than f->daemon are the test's to stop. */
void hlt_fixture_teardown(struct hlt_fixture *f);
/* Configures d for the fixture's Redis with plugins (NULL: the log plugin) and d's own
 * extra_yaml, binary and http_timeout, in the fixture's directory or, when sub is not
 * NULL, in a subdirectory of that name which it makes (it must not exist yet: each
 * daemon has its own log and configuration); then hlt_daemon_start_ready(d), and waits for its dispatcher's routing stream (hl:intake,
 * made at start) to exist. d may be
 * &f->daemon or another daemon of the test, which the test then stops. */
void hlt_fixture_start(struct hlt_fixture *f, struct hlt_daemon *d, const char *sub,
		       const char *plugins);
/* Declares criterion suite `name` whose tests share `fixture` (a struct hlt_fixture):
 * set up before each test, torn down after, with the integration suites' timeout. A
 * suite that needs more (a receiver thread, derived paths) writes its own .init and
 * .fini around hlt_fixture_setup and hlt_fixture_teardown instead. The including file
 * includes <criterion/criterion.h>. */
#define HLT_SUITE(name, fixture)                                                             \
	static void name##_setup(void)                                                       \
	{                                                                                    \
		hlt_fixture_setup(&(fixture));                                               \
	}                                                                                    \
	static void name##_teardown(void)                                                    \
	{                                                                                    \
		hlt_fixture_teardown(&(fixture));                                            \
	}                                                                                    \
	TestSuite(name, .init = name##_setup, .fini = name##_teardown,                       \
		  .timeout = HLT_SUITE_TIMEOUT)

/* Runs hotlined with args (NULL-terminated) to completion, output to out_path. Returns
 * the exit status. */
int hlt_run_hotlined(const char *const *args, const char *out_path);

/* Runs argv (argv[0] found in PATH when it has no slash) to completion in directory cwd
 * (NULL: the test's), with stdout and stderr appended to out_path. env (NULL-terminated,
 * may be NULL) changes the child's environment: "NAME=value" sets, "NAME" unsets. The
 * child gets its own process group, which is killed when it outlasts timeout_ms. Returns
 * the exit status, or -1 on timeout or when it could not run. */
int hlt_run(const char *const *argv, const char *const *env, const char *cwd,
	    const char *out_path, int timeout_ms);

/* Blocking HTTP/1.1 request to 127.0.0.1:port with a 5 s timeout. Returns the status
 * (or -1), and the body in *body_r (caller frees) when body_r is not NULL. */
int hlt_http(int port, const char *method, const char *path, const char *body, char **body_r);

/* A string member of a JSON text, copied into buf ("" when absent or not a string).
 * Returns buf. */
const char *hlt_json_member(const char *json, const char *key, char *buf, size_t len);
/* POSTs body to /v1/tickets as token; fails the test, showing the answer, unless it is
 * 201. Copies the new ticket's id into id (len bytes) and returns id. */
const char *hlt_create_ticket(int port, const char *token, const char *body, char *id,
			      size_t len);
/* Moves the test clock of the daemon on port (build/tests/hotlined-testclock) forward by
 * `by` ("5m", "2wd" ...); fails the test unless it is moved. With now (len bytes), the
 * clock's new time as the daemon answers it. */
void hlt_advance_clock(int port, const char *by, char *now, size_t len);
/* POSTs body (NULL: "{}") to /v1/tickets/<id>/<step> as token. Returns the status (-1:
 * no answer), and the answer's body in *body_r (caller frees; NULL without a body) when
 * body_r is not NULL. */
int hlt_ticket_step(int port, const char *token, const char *id, const char *step,
		    const char *body, char **body_r);
/* How often `needle` stands in ticket id's audit trail as hlt_audit (store_dump.h)
 * shows it, one item a line: "action\ndispatch\n" counts dispatches. */
int hlt_audit_count(const struct hlt_redis *r, const char *id, const char *needle);
/* A ticket's field as Redis holds it, without the newline ("(nil)" when absent); the
 * caller frees. */
char *hlt_ticket_field(const struct hlt_redis *r, const char *id, const char *name);
/* Waits up to 5 s for a ticket to reach `state`. Returns 1 when it did. */
int hlt_wait_state(const struct hlt_redis *r, const char *id, const char *state);

struct hlt_response {
	int status;    /* -1 when there was no answer */
	char *headers; /* the status line and header block */
	char *body;
};

/* Like hlt_http, with the bearer token (NULL for none) and extra header lines (each
 * ending in \r\n; NULL for none; a Content-Type there replaces application/json).
 * Release r with hlt_response_free. Returns r->status. */
int hlt_request(int port, const char *method, const char *path, const char *token,
		const char *headers, const char *body, struct hlt_response *r);
/* hlt_request for its status alone (-1: no answer), the answer dropped. */
int hlt_status(int port, const char *method, const char *path, const char *token,
	       const char *body);
/* Sends raw bytes and reads the answer until the server closes or 5 s pass. */
int hlt_request_raw(int port, const char *data, size_t len, struct hlt_response *r);
/* The same, sending nparts strings one after another with gap_ms between them (headers
 * that arrive in pieces). */
int hlt_request_parts(int port, const char *const *parts, size_t nparts, int gap_ms,
		      struct hlt_response *r);
/* A response header's value (trimmed) copied into buf, or NULL when absent. */
const char *hlt_response_header(const struct hlt_response *r, const char *name, char *buf,
				size_t len);
void hlt_response_free(struct hlt_response *r);

#endif
