/* Requests, errors as the server said them, and small helpers; see client.h. */
#include "client.h"

#include <event2/http.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "hotlinectl: <command>: <message>" on stderr, without the newline. */
static void vsay(const struct hlc_ctx *c, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vsay(const struct hlc_ctx *c, const char *fmt, va_list ap)
{
	fprintf(stderr, "hotlinectl: ");
	if (c && c->command)
		fprintf(stderr, "%s: ", c->command);
	vfprintf(stderr, fmt, ap);
}

void hlc_error(const struct hlc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(c, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int hlc_usage_error(const struct hlc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(c, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'hotlinectl %s%s--help'.\n", c && c->command ? c->command : "",
		c && c->command ? " " : "");
	return HLC_EXIT_USAGE;
}

void hlc_print_raw(const struct hlc_response *r)
{
	if (!r->body)
		return;
	fwrite(r->body, 1, r->len, stdout);
	if (r->len == 0 || r->body[r->len - 1] != '\n')
		fputc('\n', stdout);
}

/* The server's error, as it said it: status, its message, the field it names. */
static void report_refusal(const struct hlc_ctx *c, const struct hlc_response *r)
{
	struct json_object *o = r->body ? json_tokener_parse(r->body) : NULL;
	const char *message = o ? hlc_str(o, "error") : NULL, *field = o ? hlc_str(o, "field") : NULL;
	char retry[64] = "";

	if (r->retry_after[0])
		snprintf(retry, sizeof(retry), " (retry after %s s)", r->retry_after);
	if (message) {
		fprintf(stderr, "hotlinectl: %s: %d %s: %s", c->command, r->status, r->reason,
			message);
		if (field)
			fprintf(stderr, " (field: %s)", field);
		fprintf(stderr, "%s\n", retry);
	} else {
		/* not the API's JSON (a proxy's page, say): its first line, shortened */
		const char *body = r->body ? r->body : "";
		int n = (int)strcspn(body, "\r\n");

		fprintf(stderr, "hotlinectl: %s: %d %s%s%s%.*s%s\n", c->command, r->status,
			r->reason, retry, n ? ": " : "", n > 200 ? 200 : n, body,
			n > 200 ? "..." : "");
	}
	if (r->status == 401 && !c->config.token[0])
		fprintf(stderr, "hotlinectl: no token was given: use --token, HOTLINE_TOKEN or "
				"'token = ...' in the configuration file\n");
	json_object_put(o);
}

int hlc_call(struct hlc_ctx *c, const char *method, const char *path, const char *body,
	     const char *const *headers, struct hlc_response *r, struct json_object **json_r)
{
	hlc_http_request(&c->http, method, path, body, headers, r);
	return hlc_check(c, r, json_r);
}

int hlc_get_rows(struct hlc_ctx *c, const char *path, const char *member,
		 struct json_object **doc_r, struct json_object **rows_r)
{
	struct hlc_response r;
	int rc = hlc_call(c, "GET", path, NULL, NULL, &r, c->json ? NULL : doc_r);

	*rows_r = NULL;
	if (c->json || rc)
		*doc_r = NULL;
	if (rc)
		return rc;
	if (c->json)
		hlc_print_raw(&r);
	else if (!json_object_object_get_ex(*doc_r, member, rows_r) ||
		 !json_object_is_type(*rows_r, json_type_array))
		*rows_r = NULL;
	hlc_response_free(&r);
	return HLC_EXIT_OK;
}

int hlc_check(struct hlc_ctx *c, struct hlc_response *r, struct json_object **json_r)
{
	int status = r->status;
	struct json_object *o;

	if (json_r)
		*json_r = NULL;
	if (status == 0) {
		hlc_error(c, "%s", r->error);
		hlc_response_free(r);
		return HLC_EXIT_UNREACHABLE;
	}
	if (status < 200 || status > 299) {
		if (c->json && r->body && r->len)
			hlc_print_raw(r);
		report_refusal(c, r);
		hlc_response_free(r);
		return HLC_EXIT_REFUSED;
	}
	if (!json_r)
		return HLC_EXIT_OK;
	o = json_tokener_parse(r->body ? r->body : "");
	if (!o) {
		hlc_error(c, "%s answered %d with something that is not JSON (%s)", c->http.url,
			  status, r->content_type[0] ? r->content_type : "no Content-Type");
		hlc_response_free(r);
		return HLC_EXIT_UNREACHABLE;
	}
	*json_r = o;
	return HLC_EXIT_OK;
}

const char *hlc_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

const char *hlc_str_or(struct json_object *o, const char *key, const char *dflt)
{
	const char *v = hlc_str(o, key);

	return v ? v : dflt;
}

void hlc_short_time(const char *iso, char *buf, size_t len)
{
	int64_t ignored;

	if (hlc_iso_seconds(iso, &ignored) == 0)
		snprintf(buf, len, "%.10s %.8s", iso, iso + 11);
	else
		snprintf(buf, len, "%s", iso);
}

int hlc_iso_seconds(const char *s, int64_t *seconds_r)
{
	struct tm tm = {0};
	int offset = 0, n = 0, oh, om;
	const char *zone;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19)
		return -1;
	zone = s + n;
	if (strcmp(zone, "Z") == 0) {
		offset = 0;
	} else if ((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 6 &&
		   sscanf(zone + 1, "%2d:%2d", &oh, &om) == 2) {
		offset = (oh * 60 + om) * 60 * (zone[0] == '-' ? -1 : 1);
	} else {
		return -1;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*seconds_r = (int64_t)timegm(&tm) - offset;
	return 0;
}

void hlc_now_iso(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	char zone[8];

	localtime_r(&now, &tm);
	strftime(zone, sizeof(zone), "%z", &tm); /* +0800 */
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%.3s:%.2s", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zone, zone + 3);
}

char *hlc_escape(const char *segment)
{
	return evhttp_uriencode(segment, -1, 0);
}
