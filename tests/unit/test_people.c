/* Unit tests for the pure parts of people's logins: reading the session cookie out of a
 * Cookie header and writing its Set-Cookie (core/http/cookie.c), the Origin check of the
 * session gate (core/people/session_gate.c), what a login and a person's role may be
 * (core/people/person.c), and a password's plaintext wiped from the request and its JSON
 * (core/people/people_api.c). */
#include <criterion/criterion.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <json-c/json.h>
#include <string.h>

#include "http/cookie.h"
#include "people/people_api.h"
#include "people/person.h"
#include "people/session_gate.h"

Test(cookie, finds_its_cookie_among_others)
{
	char buf[80];

	cr_expect_eq(hl_cookie_get("theme=dark; hl_session=abc123; lang=zh", "hl_session", buf,
				   sizeof(buf)),
		     6);
	cr_expect_str_eq(buf, "abc123");
	cr_expect_eq(hl_cookie_get("hl_session=first;hl_session=second", "hl_session", buf,
				   sizeof(buf)),
		     5);
	cr_expect_str_eq(buf, "first");
	cr_expect_eq(hl_cookie_get("hl_session=\"quoted\"", "hl_session", buf, sizeof(buf)), 6);
	cr_expect_str_eq(buf, "quoted");
}

Test(cookie, a_longer_or_shorter_name_is_another_cookie)
{
	char buf[80];

	cr_expect_eq(hl_cookie_get("xhl_session=a; hl_sessionx=b", "hl_session", buf, sizeof(buf)),
		     0);
	cr_expect_str_eq(buf, "");
	cr_expect_eq(hl_cookie_get("hl_session", "hl_session", buf, sizeof(buf)), 0);
	cr_expect_eq(hl_cookie_get("hl_session=", "hl_session", buf, sizeof(buf)), 0);
	cr_expect_eq(hl_cookie_get(NULL, "hl_session", buf, sizeof(buf)), 0);
	cr_expect_eq(hl_cookie_get("", "hl_session", buf, sizeof(buf)), 0);
}

Test(cookie, too_long_for_the_buffer_is_refused)
{
	char buf[4];

	cr_expect_eq(hl_cookie_get("hl_session=abcdef", "hl_session", buf, sizeof(buf)), -1);
	cr_expect_eq(hl_cookie_get("hl_session=abc", "hl_session", buf, sizeof(buf)), 3);
}

Test(cookie, the_session_cookie_has_its_flags)
{
	char buf[200];

	cr_assert_eq(hl_cookie_set_value(buf, sizeof(buf), "hl_session", "id1", 0), 0);
	cr_expect_str_eq(buf, "hl_session=id1; Path=/; HttpOnly; SameSite=Strict");
	cr_assert_eq(hl_cookie_set_value(buf, sizeof(buf), "hl_session", "id1", 1), 0);
	cr_expect_str_eq(buf, "hl_session=id1; Path=/; HttpOnly; SameSite=Strict; Secure");
	cr_assert_eq(hl_cookie_set_value(buf, sizeof(buf), "hl_session", "", 0), 0);
	cr_expect_str_eq(buf, "hl_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	cr_expect_eq(hl_cookie_set_value(buf, 20, "hl_session", "id1", 0), -1);
}

Test(origin, only_this_host_or_none)
{
	cr_expect(hl_origin_matches(NULL, "127.0.0.1:12345"));
	cr_expect(hl_origin_matches("http://127.0.0.1:12345", "127.0.0.1:12345"));
	cr_expect(hl_origin_matches("https://Hotline.Example", "hotline.example"));
	cr_expect_not(hl_origin_matches("http://evil.example", "127.0.0.1:12345"));
	cr_expect_not(hl_origin_matches("http://127.0.0.1:12345.evil", "127.0.0.1:12345"));
	cr_expect_not(hl_origin_matches("http://127.0.0.1", "127.0.0.1:12345"));
	cr_expect_not(hl_origin_matches("null", "127.0.0.1:12345"));
	cr_expect_not(hl_origin_matches("ftp://127.0.0.1:12345", "127.0.0.1:12345"));
	cr_expect_not(hl_origin_matches("http://127.0.0.1:12345", NULL));
}

Test(person, logins)
{
	cr_expect(hl_login_valid("alice"));
	cr_expect(hl_login_valid("wang.wei_2-x"));
	cr_expect(hl_login_valid("9lives"));
	cr_expect_not(hl_login_valid(""));
	cr_expect_not(hl_login_valid("Alice"));
	cr_expect_not(hl_login_valid(".alice"));
	cr_expect_not(hl_login_valid("a b"));
	cr_expect_not(hl_login_valid("王伟"));
	cr_expect_not(hl_login_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 65 */
	cr_expect(hl_login_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 64 */
}

Test(person, a_person_is_never_a_channel)
{
	cr_expect(hl_person_role_valid("agent", NULL));
	cr_expect(hl_person_role_valid("supervisor", NULL));
	cr_expect(hl_person_role_valid("admin", NULL));
	cr_expect_not(hl_person_role_valid("channel:board", NULL));
	cr_expect_not(hl_person_role_valid("root", NULL));
}

Test(person, counted_and_described)
{
	struct hl_person *p = hl_person_new("alice", "supervisor", "爱丽丝", "c", "h", 1, NULL);

	cr_assert_not_null(p);
	cr_expect_str_eq(p->who.name, "alice");
	cr_expect_str_eq(p->who.role, "supervisor");
	cr_expect_eq(p->who.kind, HL_ROLE_SUPERVISOR);
	cr_expect_eq(strlen(p->who.hash), 64);
	cr_expect(p->must_change);
	cr_expect_eq(hl_person_ref(p), p);
	hl_person_unref(p);
	cr_expect_eq(p->refs, 1);
	hl_person_unref(p);
	cr_expect_null(hl_person_new("bob", "channel:tv", "", "", "", 0, NULL));
}

Test(people_body, a_password_is_wiped_from_the_request_and_its_json)
{
	const char *text = "{\"login\":\"amy\",\"password\":\"amy's secret pass\"}";
	const char *const keys[] = {"password", NULL};
	struct evhttp_request *req = evhttp_request_new(NULL, NULL);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct json_object *body, *v;
	const char *pw;
	size_t n;

	evbuffer_add(in, text, strlen(text));
	body = hl_people_body(req);
	cr_assert_not_null(body);
	/* the bytes libevent read are zeros once parsed */
	cr_assert_null(memmem(evbuffer_pullup(in, -1), evbuffer_get_length(in), "secret", 6));
	cr_assert(json_object_object_get_ex(body, "password", &v));
	pw = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	cr_assert_str_eq(pw, "amy's secret pass");
	/* a reference of the test's keeps the object readable after the put */
	json_object_get(body);
	hl_people_put_wiped(body, keys);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(pw[i], 0, "byte %zu of the password left: %s", i, pw);
	cr_assert(json_object_object_get_ex(body, "login", &v));
	cr_assert_str_eq(json_object_get_string(v), "amy");
	json_object_put(body);
	evhttp_request_free(req);
}
