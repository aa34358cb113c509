/* Integration tests: hotlined serves the console's files under /console/ (issue 15,
 * http/static_files.c) from a folder each test makes: MIME types with charset, a strong
 * ETag and 304, the security headers on every answer, HEAD, redirects of / and /console,
 * and every way out of the folder refused (.., encoded and double-encoded dots and
 * slashes, backslashes, overlong UTF-8, NUL, hidden files, a symbolic link out). And
 * Debian's JavaScript libraries under /javascript/ (console.javascript_dir), whose links
 * into console.javascript_roots are served while a link to /etc is still refused. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static struct hlt_fixture fx = {.setup = HLT_SETUP_CONFIG};
HLT_SUITE(console, fx);

#define SECRET "top-secret-outside-the-folder"
#define CSP                                                                                  \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "     \
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

static char console_dir[512];
static char extra[1024];

/* Makes fx.dir/console with a file of each type, a secret beside it, and starts the
 * daemon serving it (with `more` YAML for the console section, may be ""). */
static void start_console(const char *more)
{
	char path[600];

	snprintf(console_dir, sizeof(console_dir), "%s/console", fx.dir);
	cr_assert_eq(mkdir(console_dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/js", console_dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	hlt_write_file(console_dir, "index.html",
		       "<!doctype html><html lang=\"zh-CN\"><title>12345热线</title></html>\n",
		       path, sizeof(path));
	hlt_write_file(console_dir, "js/app.js", "export const hello = '你好';\n", path,
		       sizeof(path));
	hlt_write_file(console_dir, "style.css", "body { color: #222; }\n", path, sizeof(path));
	hlt_write_file(console_dir, "strings.json", "{\"title\":\"工单\"}\n", path, sizeof(path));
	hlt_write_file(console_dir, "logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
		       path, sizeof(path));
	hlt_write_file(console_dir, "logo.png", "\x89PNG\r\n", path, sizeof(path));
	hlt_write_file(console_dir, "favicon.ico", "ico", path, sizeof(path));
	hlt_write_file(console_dir, "font.woff2", "wOF2", path, sizeof(path));
	hlt_write_file(console_dir, ".hidden", SECRET, path, sizeof(path));
	hlt_write_file(fx.dir, "secret.txt", SECRET, path, sizeof(path));
	/* a link out of the folder, and one that stays inside */
	snprintf(path, sizeof(path), "%s/link-out.txt", console_dir);
	cr_assert_eq(symlink("../secret.txt", path), 0);
	snprintf(path, sizeof(path), "%s/link-in.css", console_dir);
	cr_assert_eq(symlink("style.css", path), 0);
	snprintf(extra, sizeof(extra), "console:\n  dir: %s\n%s", console_dir, more);
	fx.daemon.extra_yaml = extra;
	hlt_fixture_start(&fx, &fx.daemon, NULL, NULL);
}

static void expect_header(const struct hlt_response *r, const char *name, const char *want,
			  const char *path)
{
	char buf[512];
	const char *got = hlt_response_header(r, name, buf, sizeof(buf));

	cr_expect(got && strcmp(got, want) == 0, "%s: %s is '%s', not '%s'", path, name,
		  got ? got : "(absent)", want);
}

static void expect_security_headers(const struct hlt_response *r, const char *path)
{
	expect_header(r, "Content-Security-Policy", CSP, path);
	expect_header(r, "X-Content-Type-Options", "nosniff", path);
	expect_header(r, "Referrer-Policy", "no-referrer", path);
	expect_header(r, "X-Frame-Options", "DENY", path);
}

Test(console, serves_each_type_with_its_mime_type_and_the_security_headers)
{
	static const struct {
		const char *path, *type, *content;
	} files[] = {
		{"/console/", "text/html; charset=utf-8", "12345热线"},
		{"/console/index.html", "text/html; charset=utf-8", "12345热线"},
		{"/console/js/app.js", "text/javascript; charset=utf-8", "你好"},
		{"/console/style.css", "text/css; charset=utf-8", "color"},
		{"/console/strings.json", "application/json; charset=utf-8", "工单"},
		{"/console/logo.svg", "image/svg+xml; charset=utf-8", "<svg"},
		{"/console/logo.png", "image/png", "PNG"},
		{"/console/favicon.ico", "image/x-icon", "ico"},
		{"/console/font.woff2", "font/woff2", "wOF2"},
		{"/console/link-in.css", "text/css; charset=utf-8", "color"},
	};

	start_console("");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct hlt_response r;

		cr_expect_eq(hlt_request(fx.daemon.port, "GET", files[i].path, NULL, NULL, NULL, &r),
			     200, "%s: %d %s", files[i].path, r.status, r.body ? r.body : "");
		expect_header(&r, "Content-Type", files[i].type, files[i].path);
		expect_header(&r, "Cache-Control", "no-cache", files[i].path);
		expect_security_headers(&r, files[i].path);
		cr_expect(r.body && strstr(r.body, files[i].content), "%s: %s", files[i].path,
			  r.body ? r.body : "(no body)");
		hlt_response_free(&r);
	}
}

Test(console, a_strong_etag_gives_304_and_changes_with_the_file)
{
	struct hlt_response r;
	char etag[128], again[128], header[256], path[600];

	start_console("");
	cr_assert_eq(hlt_request(fx.daemon.port, "GET", "/console/style.css", NULL, NULL, NULL, &r),
		     200);
	cr_assert(hlt_response_header(&r, "ETag", etag, sizeof(etag)));
	cr_expect(etag[0] == '"' && etag[strlen(etag) - 1] == '"', "not a strong ETag: %s", etag);
	hlt_response_free(&r);

	snprintf(header, sizeof(header), "If-None-Match: %s\r\n", etag);
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", "/console/style.css", NULL, header, NULL,
				 &r),
		     304);
	cr_expect(!r.body || !r.body[0], "a 304 has no body: %s", r.body);
	expect_header(&r, "ETag", etag, "304");
	expect_security_headers(&r, "304");
	hlt_response_free(&r);

	/* HEAD: the headers, no body */
	cr_expect_eq(hlt_request(fx.daemon.port, "HEAD", "/console/style.css", NULL, NULL, NULL, &r),
		     200);
	expect_header(&r, "ETag", etag, "HEAD");
	expect_header(&r, "Content-Type", "text/css; charset=utf-8", "HEAD");
	cr_expect(!r.body || !r.body[0], "HEAD has no body: %s", r.body);
	hlt_response_free(&r);

	/* a new version of the file: a new ETag, and the old one no longer matches */
	hlt_write_file(console_dir, "style.css", "body { color: #000; }\n", path, sizeof(path));
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", "/console/style.css", NULL, header, NULL,
				 &r),
		     200);
	cr_assert(hlt_response_header(&r, "ETag", again, sizeof(again)));
	cr_expect_str_neq(again, etag);
	cr_expect(r.body && strstr(r.body, "#000"));
	hlt_response_free(&r);
}

Test(console, slash_and_console_redirect_to_the_console)
{
	static const char *const paths[] = {"/", "/console"};

	start_console("");
	for (size_t i = 0; i < 2; i++) {
		struct hlt_response r;

		cr_expect_eq(hlt_request(fx.daemon.port, "GET", paths[i], NULL, NULL, NULL, &r), 302,
			     "%s", paths[i]);
		expect_header(&r, "Location", "/console/", paths[i]);
		expect_security_headers(&r, paths[i]);
		hlt_response_free(&r);
	}
}

Test(console, no_path_leaves_the_folder)
{
	static const char *const attempts[] = {
		"/console/../hotlined.yaml",
		"/console/../secret.txt",
		"/console/js/../../secret.txt",
		"/console/%2e%2e/secret.txt",
		"/console/%2E%2E/secret.txt",
		"/console/.%2e/secret.txt",
		"/console/..%2fsecret.txt",
		"/console/%2e%2e%2fsecret.txt",
		"/console/..%2Fsecret.txt",
		"/console/..%5csecret.txt",
		"/console/..%5Csecret.txt",
		"/console/..\\secret.txt",
		"/console/%252e%252e/secret.txt",
		"/console/%252e%252e%252fsecret.txt",
		"/console/%c0%ae%c0%ae/secret.txt",
		"/console/%c0%af..%c0%afsecret.txt",
		"/console/%e0%80%ae%e0%80%ae/secret.txt",
		"/console/index.html%00.png",
		"/console/%00",
		"/console//etc/passwd",
		"/console/%2fetc/passwd",
		"/console/.hidden",
		"/console/%2ehidden",
		"/console/js/./app.js",
		"/console/link-out.txt",
		"/console/link-out.txt/",
		"/console/%",
		"/console/%zz",
	};

	start_console("");
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		struct hlt_response r;
		int status = hlt_request(fx.daemon.port, "GET", attempts[i], NULL, NULL, NULL, &r);

		cr_expect(status == 404 || status == 400, "%s: %d", attempts[i], status);
		cr_expect(!r.body || !strstr(r.body, SECRET), "%s gave the secret away",
			  attempts[i]);
		cr_expect(!r.body || !strstr(r.body, "redis:"), "%s gave the configuration away",
			  attempts[i]);
		hlt_response_free(&r);
	}
	/* the same folder still serves what is in it */
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/console/js/app.js", NULL, NULL), 200);
}

Test(console, switched_off_the_console_is_404_and_json_answers_say_nosniff)
{
	struct hlt_response r;

	start_console("  enabled: false\n");
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/console/", NULL, NULL), 404);
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/", NULL, NULL), 404);
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", "/healthz", NULL, NULL, NULL, &r), 200);
	expect_header(&r, "X-Content-Type-Options", "nosniff", "/healthz");
	hlt_response_free(&r);
	cr_expect_eq(hlt_request(fx.daemon.port, "GET", "/v1/tickets/x", NULL, NULL, NULL, &r), 401);
	expect_header(&r, "X-Content-Type-Options", "nosniff", "401");
	hlt_response_free(&r);
}

/* fx.dir/javascript as Debian lays it out: chart.js/ a link into fx.dir/nodejs (a link
 * root), a library of its own, and links that lead out to /etc and to the secret. */
static void start_javascript(void)
{
	char path[700], js[512], node[512];

	snprintf(js, sizeof(js), "%s/javascript", fx.dir);
	snprintf(node, sizeof(node), "%s/nodejs", fx.dir);
	cr_assert_eq(mkdir(js, 0755), 0);
	cr_assert_eq(mkdir(node, 0755), 0);
	snprintf(path, sizeof(path), "%s/chart.js", node);
	cr_assert_eq(mkdir(path, 0755), 0);
	hlt_write_file(node, "chart.js/chart.min.js", "var Chart = '图表';\n", path,
		       sizeof(path));
	snprintf(path, sizeof(path), "%s/d3", js);
	cr_assert_eq(mkdir(path, 0755), 0);
	hlt_write_file(js, "d3/d3.min.js", "var d3 = 3;\n", path, sizeof(path));
	hlt_write_file(fx.dir, "secret.txt", SECRET, path, sizeof(path));
	snprintf(path, sizeof(path), "%s/chart.js", js);
	cr_assert_eq(symlink("../nodejs/chart.js", path), 0);
	snprintf(path, sizeof(path), "%s/passwd.js", js);
	cr_assert_eq(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/etc", js);
	cr_assert_eq(symlink("/etc", path), 0);
	snprintf(path, sizeof(path), "%s/secret.js", js);
	cr_assert_eq(symlink("../secret.txt", path), 0);
	snprintf(extra, sizeof(extra),
		 "console:\n  javascript_dir: %s\n  javascript_roots: [nodejs]\n", js);
	fx.daemon.extra_yaml = extra;
	hlt_fixture_start(&fx, &fx.daemon, NULL, NULL);
}

Test(console, debian_javascript_served_through_its_links_into_the_link_roots)
{
	static const struct {
		const char *path, *content;
	} files[] = {
		{"/javascript/chart.js/chart.min.js", "图表"}, /* through the link into nodejs/ */
		{"/javascript/d3/d3.min.js", "d3"},
	};
	char etag[128], header[256];

	start_javascript();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct hlt_response r;

		cr_expect_eq(hlt_request(fx.daemon.port, "GET", files[i].path, NULL, NULL, NULL, &r),
			     200, "%s: %d %s", files[i].path, r.status, r.body ? r.body : "");
		expect_header(&r, "Content-Type", "text/javascript; charset=utf-8", files[i].path);
		expect_header(&r, "Cache-Control", "no-cache", files[i].path);
		expect_security_headers(&r, files[i].path);
		cr_expect(r.body && strstr(r.body, files[i].content), "%s: %s", files[i].path,
			  r.body ? r.body : "(no body)");
		if (i == 0) {
			cr_assert(hlt_response_header(&r, "ETag", etag, sizeof(etag)));
			snprintf(header, sizeof(header), "If-None-Match: %s\r\n", etag);
		}
		hlt_response_free(&r);
	}
	{
		struct hlt_response r;

		cr_expect_eq(hlt_request(fx.daemon.port, "GET", "/javascript/chart.js/chart.min.js",
					 NULL, header, NULL, &r),
			     304);
		hlt_response_free(&r);
	}
}

Test(console, debian_javascript_links_out_of_the_roots_are_refused)
{
	static const char *const attempts[] = {
		"/javascript/passwd.js",
		"/javascript/etc/passwd",
		"/javascript/etc/hostname",
		"/javascript/secret.js",
		"/javascript/../secret.txt",
		"/javascript/%2e%2e/secret.txt",
		"/javascript/chart.js/../../secret.txt",
		"/javascript/chart.js/%2e%2e/%2e%2e/secret.txt",
		"/javascript/..%2fnodejs/chart.js/chart.min.js",
	};

	start_javascript();
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		struct hlt_response r;
		int status = hlt_request(fx.daemon.port, "GET", attempts[i], NULL, NULL, NULL, &r);

		cr_expect(status == 404 || status == 400, "%s: %d", attempts[i], status);
		cr_expect(!r.body || (!strstr(r.body, SECRET) && !strstr(r.body, "root:")),
			  "%s gave a file away: %s", attempts[i], r.body);
		expect_security_headers(&r, attempts[i]);
		hlt_response_free(&r);
	}
	/* the library itself is still there */
	cr_expect_eq(hlt_status(fx.daemon.port, "GET", "/javascript/chart.js/chart.min.js", NULL,
				NULL),
		     200);
}
