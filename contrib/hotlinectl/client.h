/*
 * What every command shares: the connection and settings of this run, one call that
 * sends a request and reports a failure as the server stated it, and small helpers for
 * reading JSON and showing times. Output goes to stdout, messages to stderr.
 */
#ifndef HLC_CLIENT_H
#define HLC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "http.h"

struct json_object;

/* Exit statuses. */
enum {
	HLC_EXIT_OK = 0,
	HLC_EXIT_REFUSED = 1,     /* the server answered with an error (4xx, 5xx) */
	HLC_EXIT_USAGE = 2,       /* bad command line or configuration file */
	HLC_EXIT_UNREACHABLE = 3, /* no answer, or one that was not the API's */
};

struct hlc_ctx {
	struct hlc_http http;
	struct hlc_config config;
	const char *command; /* the command's name, for messages */
	int json;            /* --json: print the server's JSON as it came */
	size_t width;        /* columns tables are fitted into; 0 when unlimited */
};

/* Sends a request (see hlc_http_request) and checks the answer. Returns HLC_EXIT_OK with
 * the response in r (release with hlc_response_free) and, when json_r is not NULL, its
 * body parsed in *json_r (the caller puts it). Otherwise prints why to stderr and
 * returns the exit status: an error as the server stated it (status, error, field,
 * Retry-After) is HLC_EXIT_REFUSED, and under --json its body is also printed on stdout
 * as it came; no answer, or a 2xx that is not JSON, is HLC_EXIT_UNREACHABLE. r holds
 * nothing to free then. */
int hlc_call(struct hlc_ctx *c, const char *method, const char *path, const char *body,
	     const char *const *headers, struct hlc_response *r, struct json_object **json_r);

/* GET path for a listing: under --json its body is printed as it came and *doc_r is
 * NULL; otherwise *doc_r is the parsed body (the caller puts it) and *rows_r its member
 * `member` when that is an array, else NULL. Returns HLC_EXIT_OK, or hlc_call's failure
 * (nothing to put). */
int hlc_get_rows(struct hlc_ctx *c, const char *path, const char *member,
		 struct json_object **doc_r, struct json_object **rows_r);

/* The checking half of hlc_call, for a response already in r (from hlc_http_request). */
int hlc_check(struct hlc_ctx *c, struct hlc_response *r, struct json_object **json_r);

/* Writes a response body to stdout as it came, ending in a newline. */
void hlc_print_raw(const struct hlc_response *r);

/* Prints "hotlinectl: COMMAND: message" to stderr. */
void hlc_error(const struct hlc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, adding where help is, and returns HLC_EXIT_USAGE. */
int hlc_usage_error(const struct hlc_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A member's value as text: strings as they are, numbers and booleans written out, NULL
 * when absent or null. Borrowed from o. */
const char *hlc_str(struct json_object *o, const char *key);
/* The same, with `dflt` for absent or null. */
const char *hlc_str_or(struct json_object *o, const char *key, const char *dflt);

/* An ISO 8601 time from the server ("2026-11-26T18:27:39+08:00") for a table:
 * "2026-11-26 18:27:39", the server's local time (the offset left out). Anything else is
 * copied as it is. */
void hlc_short_time(const char *iso, char *buf, size_t len);
/* Parses "YYYY-MM-DDTHH:MM:SS" with "Z" or "+hh:mm"/"-hh:mm" into Unix seconds. Returns
 * 0, or -1 when s is not such a time. */
int hlc_iso_seconds(const char *s, int64_t *seconds_r);
/* The current local time as ISO 8601 with its offset. */
void hlc_now_iso(char *buf, size_t len);

/* A path segment escaped for a URL (an id or a unit code). The caller frees. */
char *hlc_escape(const char *segment);

#endif
