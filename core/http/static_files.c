/* Static files under a prefix, read per request, confined to their folder; see
 * static_files.h. */
#include "http/static_files.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/log.h"
#include "base/utf8.h"
#include "http/http.h"

struct hl_static_files {
	char *prefix;      /* "/console" */
	char *dir;         /* the folder, as configured; NULL: none served */
	char location[80]; /* prefix + "/", where redirects lead */
	char **link_roots; /* where a link in the folder may lead besides the folder */
	size_t nlink_roots;
};

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{"html", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"json", "application/json; charset=utf-8"},
	{"map", "application/json; charset=utf-8"},
	{"txt", "text/plain; charset=utf-8"},
	{"svg", "image/svg+xml; charset=utf-8"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"ico", "image/x-icon"},
	{"woff2", "font/woff2"},
};

static const char *mime_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && !strchr(dot, '/')) {
		for (size_t i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++) {
			if (strcmp(dot + 1, mime_types[i].ext) == 0)
				return mime_types[i].type;
		}
	}
	return "application/octet-stream";
}

/* The headers every answer of the mount carries, errors included. */
static void security_headers(struct evhttp_request *req)
{
	hl_http_set_header(req, "Content-Security-Policy", HL_STATIC_CSP);
	hl_http_set_header(req, "X-Content-Type-Options", "nosniff");
	hl_http_set_header(req, "Referrer-Policy", "no-referrer");
	hl_http_set_header(req, "X-Frame-Options", "DENY");
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hl_static_path_decode(const char *raw, char *out, size_t outlen)
{
	size_t n = 0, at = 0;
	const char *seg;

	for (const char *p = raw; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '%') {
			int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);

			if (lo < 0)
				return -1;
			c = (unsigned char)(hi * 16 + lo);
			p += 2;
			/* an encoded separator or escape means to hide something */
			if (c == '/' || c == '%')
				return -1;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return -1;
		if (n + 1 >= outlen)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	/* well-formed UTF-8 only: an overlong "/" or "." (C0 AF, C0 AE) is refused */
	while (at < n) {
		uint32_t cp;
		size_t len = hl_utf8_decode(out + at, n - at, &cp);

		if (cp == HL_UTF8_REPLACEMENT && len == 1 && (unsigned char)out[at] >= 0x80)
			return -1;
		at += len;
	}
	/* every segment a name: not empty, not "." or "..", no hidden file */
	for (seg = out; *seg;) {
		size_t len = strcspn(seg, "/");

		if (len == 0 || seg[0] == '.')
			return -1;
		seg += len;
		if (*seg == '/' && *++seg == '\0')
			break; /* a last "/" names the folder's index.html */
	}
	return 0;
}

static void reply_error(struct evhttp_request *req, int code, const char *message,
			const char *what)
{
	security_headers(req);
	hl_http_reply_error(req, code, "path", "%s%s", message, what);
}

/* Reads at most HL_STATIC_FILE_MAX bytes of the regular file at path into a new buffer
 * (*len_r bytes). Returns NULL (errno set) when it cannot. */
static char *read_file(const char *path, size_t *len_r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	char *data = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENOENT;
		goto fail;
	}
	if ((uintmax_t)st.st_size > HL_STATIC_FILE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	if (!(data = malloc((size_t)st.st_size + 1)))
		goto fail;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* shrank while read: serve what there is */
		got += (size_t)n;
	}
	close(fd);
	*len_r = got;
	return data;
fail:
	free(data);
	close(fd);
	return NULL;
}

/* Does the If-None-Match list name etag (or "*")? */
static int etag_matches(const char *if_none_match, const char *etag)
{
	const char *p = if_none_match;
	size_t elen = strlen(etag);

	while (p && *p) {
		p += strspn(p, " \t,");
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' ||
						    p[elen] == ' ' || p[elen] == '\t'))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

/* Does the resolved path `real` lie strictly under the folder `dir` (resolved here)? */
static int lies_under(const char *real, const char *dir)
{
	char root[PATH_MAX];
	size_t rootlen;

	if (!realpath(dir, root))
		return 0;
	rootlen = strlen(root);
	if (rootlen == 1)
		return 0; /* "/" contains everything: never a confinement */
	return strncmp(real, root, rootlen) == 0 && real[rootlen] == '/';
}

/* Is the resolved file inside the folder, or inside one of the link roots? */
static int confined(const struct hl_static_files *s, const char *real)
{
	if (lies_under(real, s->dir))
		return 1;
	for (size_t i = 0; i < s->nlink_roots; i++) {
		if (lies_under(real, s->link_roots[i]))
			return 1;
	}
	return 0;
}

static void serve(struct hl_static_files *s, struct evhttp_request *req, const char *raw)
{
	char rel[HL_STATIC_PATH_MAX + 16], joined[PATH_MAX + HL_STATIC_PATH_MAX + 32];
	char real[PATH_MAX], digest[HL_SHA256_HEX_LEN + 1], etag[40];
	struct evbuffer *body;
	size_t len = 0;
	char *data;

	if (!s->dir) {
		reply_error(req, 404, "the console is not served here (console.dir)", "");
		return;
	}
	if (hl_static_path_decode(raw ? raw : "", rel, HL_STATIC_PATH_MAX) < 0) {
		reply_error(req, 404, "no such file: ", "(a path that leaves the folder)");
		return;
	}
	if (!rel[0] || rel[strlen(rel) - 1] == '/')
		strcat(rel, "index.html");
	snprintf(joined, sizeof(joined), "%s/%s", s->dir, rel);
	if (!realpath(joined, real)) {
		reply_error(req, 404, "no such file: ", rel);
		return;
	}
	if (!confined(s, real)) {
		hl_log(HL_LOG_WARN, "http", "static_refused reason=outside_folder path=\"%s\"", rel);
		reply_error(req, 404, "no such file: ", rel);
		return;
	}
	if (!(data = read_file(real, &len))) {
		if (errno == EFBIG)
			hl_log(HL_LOG_WARN, "http", "static_refused reason=too_large path=\"%s\"", rel);
		reply_error(req, 404, "no such file: ", rel);
		return;
	}
	if (hl_sha256_hex(data, len, digest) < 0) {
		free(data);
		reply_error(req, 500, "internal error hashing the file", "");
		return;
	}
	snprintf(etag, sizeof(etag), "\"%.32s\"", digest);
	security_headers(req);
	hl_http_set_header(req, "ETag", etag);
	hl_http_set_header(req, "Cache-Control", "no-cache");
	if (etag_matches(hl_http_header(req, "If-None-Match"), etag)) {
		free(data);
		hl_http_reply(req, 304, NULL);
		return;
	}
	hl_http_set_header(req, "Content-Type", mime_type(rel));
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		/* evhttp would send the body even so: the length alone */
		char length[24];

		snprintf(length, sizeof(length), "%zu", len);
		hl_http_set_header(req, "Content-Length", length);
		free(data);
		hl_http_reply(req, 200, NULL);
		return;
	}
	body = evbuffer_new();
	if (!body || evbuffer_add(body, data, len) < 0) {
		free(data);
		if (body)
			evbuffer_free(body);
		reply_error(req, 500, "out of memory", "");
		return;
	}
	free(data);
	hl_http_reply(req, 200, body);
	evbuffer_free(body);
}

static void get_file(struct evhttp_request *req, const char *param, void *arg)
{
	serve(arg, req, param);
}

static void redirect(struct evhttp_request *req, const char *param, void *arg)
{
	struct hl_static_files *s = arg;

	(void)param;
	if (!s->dir) {
		reply_error(req, 404, "the console is not served here (console.dir)", "");
		return;
	}
	security_headers(req);
	hl_http_set_header(req, "Location", s->location);
	hl_http_set_header(req, "Cache-Control", "no-cache");
	hl_http_reply(req, 302, NULL);
}

struct hl_static_files *hl_static_files_mount(struct hl_http *h, const char *prefix,
					      int redirect_root)
{
	struct hl_static_files *s = calloc(1, sizeof(*s));
	char rest[96];
	int methods = EVHTTP_REQ_GET | EVHTTP_REQ_HEAD;

	if (!s || strlen(prefix) + 4 > sizeof(rest) || !(s->prefix = strdup(prefix))) {
		free(s);
		return NULL;
	}
	snprintf(s->location, sizeof(s->location), "%s/", prefix);
	snprintf(rest, sizeof(rest), "%s/**", prefix);
	if (hl_http_route_ungated(h, prefix, methods, redirect, s) < 0 ||
	    hl_http_route_ungated(h, rest, methods, get_file, s) < 0 ||
	    (redirect_root && hl_http_route_ungated(h, "/", methods, redirect, s) < 0)) {
		hl_static_files_free(s);
		return NULL;
	}
	return s;
}

int hl_static_files_set_dir(struct hl_static_files *s, const char *dir)
{
	free(s->dir);
	s->dir = NULL;
	if (dir && !(s->dir = strdup(dir)))
		return -1;
	return 0;
}

static void free_link_roots(struct hl_static_files *s)
{
	for (size_t i = 0; i < s->nlink_roots; i++)
		free(s->link_roots[i]);
	free(s->link_roots);
	s->link_roots = NULL;
	s->nlink_roots = 0;
}

int hl_static_files_set_link_roots(struct hl_static_files *s, char *const *roots, size_t n)
{
	free_link_roots(s);
	if (n == 0)
		return 0;
	if (!(s->link_roots = calloc(n, sizeof(char *))))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!(s->link_roots[i] = strdup(roots[i]))) {
			free_link_roots(s);
			return -1;
		}
		s->nlink_roots = i + 1;
	}
	return 0;
}

void hl_static_files_free(struct hl_static_files *s)
{
	if (!s)
		return;
	free_link_roots(s);
	free(s->prefix);
	free(s->dir);
	free(s);
}
