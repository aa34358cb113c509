/* Unit tests for bearer tokens and roles (core/config/auth.c, core/base/digest.c): the tokens file
 * loaded against the shipped department list, bad files refused at their exact
 * file:line:column, Authorization headers checked, and the policy of what each role may
 * create, read and see. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config/auth.h"
#include "base/digest.h"
#include "harness.h"
#include "config/routes.h"

static char dir[256];
static struct hl_routes *routes;

static void setup(void)
{
	char err[1024] = "";

	hlt_tmpdir(dir, sizeof(dir));
	cr_assert_eq(hl_routes_load(HL_SOURCE_DIR "/routes", &routes, err, sizeof(err)), 0, "%s",
		     err);
}

static void teardown(void)
{
	hl_routes_free(routes);
	routes = NULL;
	hlt_rmtree(dir);
}

TestSuite(auth, .init = setup, .fini = teardown);

/* The SHA-256 of token as hex, in a rotating static buffer (several may be live). */
static const char *hash_of(const char *token)
{
	static char bufs[8][HL_SHA256_HEX_LEN + 1];
	static unsigned next;
	char *h = bufs[next++ % 8];

	cr_assert_eq(hl_sha256_hex(token, strlen(token), h), 0);
	return h;
}

static struct hl_auth *load_ok(const char *text)
{
	char path[512], err[1024] = "";
	struct hl_auth *auth = NULL;

	hlt_write_file(dir, "tokens.yaml", text, path, sizeof(path));
	cr_assert_eq(hl_auth_load(path, routes, &auth, err, sizeof(err)), 0, "refused: %s\n%s",
		     err, text);
	cr_assert_not_null(auth);
	return auth;
}

/* Loads text and expects it refused with "<path>:<where>: ..." containing `what`. */
static void load_bad(const char *text, const char *where, const char *what)
{
	char path[512], err[1024] = "", prefix[600];
	struct hl_auth *auth = NULL;

	hlt_write_file(dir, "tokens.yaml", text, path, sizeof(path));
	cr_assert_eq(hl_auth_load(path, routes, &auth, err, sizeof(err)), -1, "accepted:\n%s",
		     text);
	snprintf(prefix, sizeof(prefix), "%s:%s: ", path, where);
	cr_assert(strncmp(err, prefix, strlen(prefix)) == 0, "wanted position %s in: %s", where,
		  err);
	cr_assert(strstr(err, what), "wanted '%s' in: %s", what, err);
}

/* One token of each role the tests use. */
static struct hl_auth *load_all_roles(void)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "tokens:\n"
		 "  - name: agent-1\n    role: agent\n    sha256: %s\n"
		 "  - name: board-1\n    role: channel:board\n    sha256: %s\n"
		 "  - name: tv-1\n    role: \"channel:tv\"\n    sha256: %s\n"
		 "  - name: water-1\n    role: dept:water\n    sha256: %s\n"
		 "  - name: jianghan-1\n    role: dept:d.jianghan\n    sha256: %s\n"
		 "  - name: super-1\n    role: supervisor\n    sha256: %s\n"
		 "  - name: admin-1\n    role: admin\n    sha256: %s\n",
		 hash_of("tok-agent"), hash_of("tok-board"), hash_of("tok-tv"),
		 hash_of("tok-water"), hash_of("tok-jianghan"), hash_of("tok-super"),
		 hash_of("tok-admin"));
	return load_ok(text);
}

static const struct hl_principal *who(const struct hl_auth *auth, const char *token)
{
	const struct hl_principal *p = NULL;
	char header[256];

	snprintf(header, sizeof(header), "Bearer %s", token);
	cr_assert_eq(hl_auth_check(auth, header, &p), HL_AUTH_OK, "token %s not known", token);
	cr_assert_not_null(p);
	return p;
}

Test(auth, sha256_known_vectors)
{
	char h[HL_SHA256_HEX_LEN + 1];

	cr_assert_eq(hl_sha256_hex("abc", 3, h), 0);
	cr_expect_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cr_assert_eq(hl_sha256_hex("", 0, h), 0);
	cr_expect_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* only len bytes count */
	cr_assert_eq(hl_sha256_hex("abcdef", 3, h), 0);
	cr_expect_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(auth, loads_every_role)
{
	struct hl_auth *auth = load_all_roles();
	const struct hl_principal *p;

	cr_assert_eq(auth->n, 7);
	p = who(auth, "tok-agent");
	cr_expect_str_eq(p->name, "agent-1");
	cr_expect_str_eq(p->role, "agent");
	cr_expect_eq(p->kind, HL_ROLE_AGENT);
	cr_expect_null(p->scope);
	cr_expect_str_eq(p->hash, hash_of("tok-agent"));
	p = who(auth, "tok-board");
	cr_expect_eq(p->kind, HL_ROLE_CHANNEL);
	cr_expect_str_eq(p->scope, "board");
	p = who(auth, "tok-tv");
	cr_expect_eq(p->kind, HL_ROLE_CHANNEL);
	cr_expect_str_eq(p->scope, "tv");
	p = who(auth, "tok-water");
	cr_expect_str_eq(p->name, "water-1");
	cr_expect_eq(p->kind, HL_ROLE_DEPT);
	cr_expect_str_eq(p->scope, "water");
	p = who(auth, "tok-jianghan");
	cr_expect_str_eq(p->scope, "d.jianghan");
	cr_expect_eq(who(auth, "tok-super")->kind, HL_ROLE_SUPERVISOR);
	cr_expect_null(who(auth, "tok-super")->scope);
	cr_expect_eq(who(auth, "tok-admin")->kind, HL_ROLE_ADMIN);
	hl_auth_free(auth);
}

Test(auth, empty_token_list_loads)
{
	struct hl_auth *auth = load_ok("tokens: []\n");
	const struct hl_principal *p = NULL;

	cr_expect_eq(auth->n, 0);
	cr_expect_eq(hl_auth_check(auth, "Bearer anything", &p), HL_AUTH_UNKNOWN);
	hl_auth_free(auth);
}

Test(auth, check_good_token)
{
	struct hl_auth *auth = load_all_roles();
	const struct hl_principal *p = NULL;

	cr_expect_eq(hl_auth_check(auth, "Bearer tok-water", &p), HL_AUTH_OK);
	cr_assert_not_null(p);
	cr_expect_str_eq(p->name, "water-1");
	/* the scheme is case-insensitive; spaces around the token are not part of it */
	p = NULL;
	cr_expect_eq(hl_auth_check(auth, "bearer tok-agent", &p), HL_AUTH_OK);
	cr_expect(p && strcmp(p->name, "agent-1") == 0);
	p = NULL;
	cr_expect_eq(hl_auth_check(auth, "BEARER   tok-board  ", &p), HL_AUTH_OK);
	cr_expect(p && strcmp(p->name, "board-1") == 0);
	hl_auth_free(auth);
}

Test(auth, check_missing_header)
{
	struct hl_auth *auth = load_all_roles();
	const struct hl_principal *p = NULL;

	cr_expect_eq(hl_auth_check(auth, NULL, &p), HL_AUTH_MISSING);
	cr_expect_eq(hl_auth_check(auth, "", &p), HL_AUTH_MISSING);
	cr_expect_null(p);
	hl_auth_free(auth);
}

Test(auth, check_malformed_header)
{
	struct hl_auth *auth = load_all_roles();
	const struct hl_principal *p = NULL;

	cr_expect_eq(hl_auth_check(auth, "Basic xxx", &p), HL_AUTH_MALFORMED);
	cr_expect_eq(hl_auth_check(auth, "Basic dG9rLWFnZW50", &p), HL_AUTH_MALFORMED);
	cr_expect_eq(hl_auth_check(auth, "tok-agent", &p), HL_AUTH_MALFORMED);
	cr_expect_eq(hl_auth_check(auth, "Bearer", &p), HL_AUTH_MALFORMED);
	cr_expect_eq(hl_auth_check(auth, "Bearer ", &p), HL_AUTH_MALFORMED);
	cr_expect_eq(hl_auth_check(auth, "Bearer    ", &p), HL_AUTH_MALFORMED);
	cr_expect_eq(hl_auth_check(auth, "Bearertok-agent", &p), HL_AUTH_MALFORMED);
	cr_expect_null(p);
	hl_auth_free(auth);
}

Test(auth, check_unknown_token)
{
	struct hl_auth *auth = load_all_roles();
	const struct hl_principal *p = NULL;

	cr_expect_eq(hl_auth_check(auth, "Bearer tok-nobody", &p), HL_AUTH_UNKNOWN);
	cr_expect_eq(hl_auth_check(auth, "Bearer tok-agen", &p), HL_AUTH_UNKNOWN);
	cr_expect_eq(hl_auth_check(auth, "Bearer tok-agentx", &p), HL_AUTH_UNKNOWN);
	cr_expect_eq(hl_auth_check(auth, "Bearer TOK-AGENT", &p), HL_AUTH_UNKNOWN);
	/* the hash itself is not a token */
	char header[128];
	snprintf(header, sizeof(header), "Bearer %s", hash_of("tok-agent"));
	cr_expect_eq(hl_auth_check(auth, header, &p), HL_AUTH_UNKNOWN);
	cr_expect_null(p);
	hl_auth_free(auth);
}

Test(auth, result_texts)
{
	cr_expect_str_eq(hl_auth_result_text(HL_AUTH_OK), "ok");
	cr_expect(strstr(hl_auth_result_text(HL_AUTH_MISSING), "missing Authorization header"));
	cr_expect(strstr(hl_auth_result_text(HL_AUTH_MALFORMED), "expected 'Bearer <token>'"));
	cr_expect(strstr(hl_auth_result_text(HL_AUTH_UNKNOWN), "unknown or revoked token"));
}

/* A one-entry tokens file; the role value stands at 3:11 and the hash at 4:13. */
static void one_entry(const char *role, const char *sha256, char *buf, size_t len)
{
	snprintf(buf, len, "tokens:\n  - name: a\n    role: %s\n    sha256: %s\n", role, sha256);
}

Test(auth, unknown_role_refused)
{
	char text[512];

	one_entry("operator", hash_of("t"), text, sizeof(text));
	load_bad(text, "3:11",
		 "key 'role': expected agent, channel:board, channel:tv, dept:<a department code "
		 "of routes/departments.yaml>, supervisor or admin, got 'operator'");
	one_entry("channel:email", hash_of("t"), text, sizeof(text));
	load_bad(text, "3:11", "got 'channel:email'");
	one_entry("Agent", hash_of("t"), text, sizeof(text));
	load_bad(text, "3:11", "got 'Agent'");
	one_entry("\"\"", hash_of("t"), text, sizeof(text));
	load_bad(text, "3:11", "got ''");
}

Test(auth, dept_role_needs_a_known_department)
{
	char text[512];

	one_entry("dept:nobody", hash_of("t"), text, sizeof(text));
	load_bad(text, "3:11", "got 'dept:nobody'");
	one_entry("\"dept:\"", hash_of("t"), text, sizeof(text));
	load_bad(text, "3:11", "got 'dept:'");
	one_entry("dept:Water", hash_of("t"), text, sizeof(text));
	load_bad(text, "3:11", "got 'dept:Water'");
}

Test(auth, sha256_must_be_64_lowercase_hex)
{
	char text[512], upper[HL_SHA256_HEX_LEN + 1], longer[HL_SHA256_HEX_LEN + 2];
	const char *h = hash_of("t");
	const char *what = "key 'sha256': expected 64 lowercase hex digits (the SHA-256 of the "
			   "token, e.g. from sha256sum), not the token itself";

	one_entry("agent", "test-token-agent", text, sizeof(text));
	load_bad(text, "4:13", what);
	snprintf(text, sizeof(text), "tokens:\n  - name: a\n    role: agent\n    sha256: %.63s\n",
		 h);
	load_bad(text, "4:13", what);
	snprintf(longer, sizeof(longer), "%s0", h);
	one_entry("agent", longer, text, sizeof(text));
	load_bad(text, "4:13", what);
	for (int i = 0; i <= HL_SHA256_HEX_LEN; i++)
		upper[i] = (char)(h[i] >= 'a' && h[i] <= 'f' ? h[i] - 'a' + 'A' : h[i]);
	one_entry("agent", upper, text, sizeof(text));
	load_bad(text, "4:13", what);
	snprintf(longer, sizeof(longer), "%.63sg", h);
	one_entry("agent", longer, text, sizeof(text));
	load_bad(text, "4:13", what);
}

Test(auth, same_hash_twice_refused)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "tokens:\n"
		 "  - name: first\n    role: agent\n    sha256: %s\n"
		 "  - name: other\n    role: supervisor\n    sha256: %s\n"
		 "  - name: second\n    role: dept:water\n    sha256: %s\n",
		 hash_of("same"), hash_of("different"), hash_of("same"));
	load_bad(text, "10:13", "the same token is listed twice (also for 'first')");
}

Test(auth, same_name_twice_refused)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "tokens:\n"
		 "  - name: desk\n    role: agent\n    sha256: %s\n"
		 "  - name: desk\n    role: supervisor\n    sha256: %s\n",
		 hash_of("one"), hash_of("two"));
	load_bad(text, "5:11", "the name 'desk' is listed twice");
}

Test(auth, missing_key_refused)
{
	char text[512];

	snprintf(text, sizeof(text), "tokens:\n  - name: a\n    role: agent\n");
	load_bad(text, "2:5", "missing required key 'sha256'");
	snprintf(text, sizeof(text), "tokens:\n  - role: agent\n    sha256: %s\n", hash_of("t"));
	load_bad(text, "2:5", "missing required key 'name'");
	snprintf(text, sizeof(text), "tokens:\n  - name: a\n    sha256: %s\n", hash_of("t"));
	load_bad(text, "2:5", "missing required key 'role'");
	load_bad("tokns: []\n", "1:1", "unknown key 'tokns' (expected one of: tokens)");
	load_bad("other: 1\n", "1:1", "unknown key 'other'");
}

Test(auth, other_bad_files)
{
	char text[512];

	load_bad("", "1:1", "the file is empty");
	load_bad("tokens:\n  - agent\n", "2:5", "expected a token entry (name, role, sha256)");
	snprintf(text, sizeof(text), "tokens:\n  - name: a\n    role: agent\n    sha256: %s\n"
				     "    note: x\n",
		 hash_of("t"));
	load_bad(text, "5:5", "unknown key 'note'");

	char err[1024] = "";
	struct hl_auth *auth = NULL;
	cr_expect_eq(hl_auth_load("/nonexistent/tokens.yaml", routes, &auth, err, sizeof(err)), -1);
	cr_expect(strstr(err, "/nonexistent/tokens.yaml"), "%s", err);
	hl_auth_free(NULL);
}

Test(auth, may_create)
{
	struct hl_auth *auth = load_all_roles();
	const struct hl_principal *agent = who(auth, "tok-agent"), *board = who(auth, "tok-board"),
				  *tv = who(auth, "tok-tv"), *water = who(auth, "tok-water"),
				  *super = who(auth, "tok-super");

	cr_expect_eq(hl_may_create(agent, "hotline"), 1);
	cr_expect_eq(hl_may_create(agent, "board"), 0);
	cr_expect_eq(hl_may_create(agent, "tv"), 0);
	cr_expect_eq(hl_may_create(board, "board"), 1);
	cr_expect_eq(hl_may_create(board, "hotline"), 0);
	cr_expect_eq(hl_may_create(board, "tv"), 0);
	cr_expect_eq(hl_may_create(tv, "tv"), 1);
	cr_expect_eq(hl_may_create(tv, "board"), 0);
	cr_expect_eq(hl_may_create(water, "hotline"), 0);
	cr_expect_eq(hl_may_create(water, "board"), 0);
	cr_expect_eq(hl_may_create(super, "hotline"), 0);
	cr_expect_eq(hl_may_create(super, "board"), 0);
	hl_auth_free(auth);
}

Test(auth, may_read)
{
	struct hl_auth *auth = load_all_roles();
	const struct hl_principal *agent = who(auth, "tok-agent"), *board = who(auth, "tok-board"),
				  *water = who(auth, "tok-water"), *super = who(auth, "tok-super"),
				  *admin = who(auth, "tok-admin");

	cr_expect_eq(hl_may_read(agent, "water", "hotline", NULL), 1);
	cr_expect_eq(hl_may_read(agent, NULL, "board", NULL), 1);
	cr_expect_eq(hl_may_read(super, "gas", "tv", NULL), 1);
	cr_expect_eq(hl_may_read(super, NULL, "hotline", NULL), 1);
	cr_expect_eq(hl_may_read(admin, "", "hotline", NULL), 1);

	cr_expect_eq(hl_may_read(water, "water", "hotline", NULL), 1);
	cr_expect_eq(hl_may_read(water, "water", "board", NULL), 1);
	cr_expect_eq(hl_may_read(water, "gas", "hotline", NULL), 0);
	/* A co-handling unit (协办) reads the ticket too; a near-miss code does not. */
	cr_expect_eq(hl_may_read(water, "gas", "hotline", "power,water"), 1);
	cr_expect_eq(hl_may_read(water, "gas", "hotline", "waterworks,power"), 0);
	cr_expect_eq(hl_may_read(water, "waterworks", "hotline", NULL), 0);
	cr_expect_eq(hl_may_read(water, NULL, "hotline", NULL), 0);
	cr_expect_eq(hl_may_read(water, "", "hotline", NULL), 0);

	cr_expect_eq(hl_may_read(board, NULL, "board", NULL), 1);
	cr_expect_eq(hl_may_read(board, "water", "board", NULL), 1);
	cr_expect_eq(hl_may_read(board, "water", "hotline", NULL), 0);
	cr_expect_eq(hl_may_read(board, NULL, "tv", NULL), 0);
	cr_expect_eq(hl_may_read(board, NULL, NULL, NULL), 0);
	hl_auth_free(auth);
}

Test(auth, sees_personal_data)
{
	struct hl_auth *auth = load_all_roles();
	const struct hl_principal *agent = who(auth, "tok-agent"), *board = who(auth, "tok-board"),
				  *water = who(auth, "tok-water"), *super = who(auth, "tok-super");

	cr_expect_eq(hl_sees_personal_data(agent, "water", 0), 1);
	cr_expect_eq(hl_sees_personal_data(agent, "water", 1), 1);
	cr_expect_eq(hl_sees_personal_data(agent, NULL, 1), 1);

	cr_expect_eq(hl_sees_personal_data(water, "water", 0), 1);
	cr_expect_eq(hl_sees_personal_data(water, "water", 1), 0,
		     "保密 (confidential) hides it from the department");
	cr_expect_eq(hl_sees_personal_data(water, "gas", 0), 0);
	cr_expect_eq(hl_sees_personal_data(water, NULL, 0), 0);
	cr_expect_eq(hl_sees_personal_data(water, "", 0), 0);

	cr_expect_eq(hl_sees_personal_data(board, NULL, 0), 0);
	cr_expect_eq(hl_sees_personal_data(board, "water", 0), 0);
	cr_expect_eq(hl_sees_personal_data(super, "water", 0), 0);
	cr_expect_eq(hl_sees_personal_data(super, NULL, 0), 0);
	hl_auth_free(auth);
}
