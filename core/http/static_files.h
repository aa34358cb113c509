/*
 * Serving a folder of static files over HTTP: the console (contrib/console/) under
 * /console/, from the folder named by console.dir, and Debian's JavaScript libraries
 * (libjs-*, Chart.js for the console's charts) under /javascript/, from
 * console.javascript_dir (core/README.md §9). Pure file serving,
 * nothing of tickets: GET and HEAD, the MIME type by extension (charset=utf-8 for text),
 * a strong ETag (the SHA-256 of the bytes) with Cache-Control: no-cache so that browsers
 * revalidate and get 304 on If-None-Match, and the console's security headers
 * (Content-Security-Policy without inline script, nosniff, no referrer, no framing) on
 * every answer, errors included.
 *
 * Nothing outside the folder is ever served: the request path is refused (404) when,
 * still encoded or once decoded, it holds a backslash, a NUL or control byte, an encoded
 * '/' or '%', bytes that are not UTF-8 (overlong forms), an empty, "." or ".." segment,
 * or a segment starting with '.'; and the file's realpath must lie under the folder's
 * (a symbolic link that leads out is refused), or under one of the mount's link roots:
 * folders named in the configuration that a link in the folder may lead into (Debian's
 * /usr/share/javascript/<lib> are often links into /usr/share/nodejs/<lib>).
 *
 * Files are read at each request, not cached: the console is a few dozen small files
 * asked for by a few hundred people at most, revalidated with a 304 that costs one read
 * and one hash; a reload or a new release of the files then needs nothing. A file over
 * HL_STATIC_FILE_MAX is refused. Event loop only.
 */
#ifndef HL_STATIC_FILES_H
#define HL_STATIC_FILES_H

#include <stddef.h>

struct hl_http;
struct hl_static_files;

#define HL_STATIC_FILE_MAX (4u << 20) /* the largest file served: 4 MiB */
#define HL_STATIC_PATH_MAX 512        /* the longest path under the folder */

/* The console's Content-Security-Policy. */
#define HL_STATIC_CSP                                                                        \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "     \
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/* Serves the folder under `prefix` ("/console"): prefix/ is its index.html, prefix and,
 * when redirect_root, "/" are redirected (302) to prefix/. No folder is served until
 * hl_static_files_set_dir names one. Returns the mount (freed by hl_static_files_free,
 * before the server), or NULL when out of memory or the route table is full. */
struct hl_static_files *hl_static_files_mount(struct hl_http *h, const char *prefix,
					      int redirect_root);

/* The folder to serve from now on (copied), or NULL to serve none (404). Returns 0, or
 * -1 when out of memory (the mount then serves none). */
int hl_static_files_set_dir(struct hl_static_files *s, const char *dir);

/* The folders besides the folder itself that a symbolic link in it may lead into
 * (copied; replaces the previous ones; n 0 for none). Returns 0, or -1 when out of
 * memory (the mount then has none). */
int hl_static_files_set_link_roots(struct hl_static_files *s, char *const *roots, size_t n);

void hl_static_files_free(struct hl_static_files *s);

/* Decodes a request path under the folder (percent-encoded, without the prefix/) into
 * out, refusing every form listed above. Returns 0, or -1 when it is refused. Pure;
 * exposed for the unit test. */
int hl_static_path_decode(const char *raw, char *out, size_t outlen);

#endif
