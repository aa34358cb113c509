/* Unit tests for the body of POST /v1/tickets (core/tickets/ticket_input.c): good hotline and
 * board tickets stored as the fields the ticket hash receives, and every refusal naming
 * the field to blame; also the phone normaliser and the resident ID number check. The
 * district names are resolved against the shipped department list under routes/. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config/routes.h"
#include "tickets/ticket_input.h"

static struct hl_routes *routes;

static void setup(void)
{
	char err[1024] = "";

	cr_assert_eq(hl_routes_load(HL_SOURCE_DIR "/routes", &routes, err, sizeof(err)), 0, "%s",
		     err);
}

static void teardown(void)
{
	hl_routes_free(routes);
	routes = NULL;
}

TestSuite(ticket_input, .init = setup, .fini = teardown);

/* The stored value of a field as a C string, or NULL when the field is not stored. */
static const char *field(const struct hl_ticket_input *in, const char *name)
{
	static char buf[4096];

	for (size_t i = 0; i < in->nfields; i++) {
		if (strcmp(in->fields[i].name, name) == 0) {
			cr_assert_lt(in->fields[i].len, sizeof(buf));
			memcpy(buf, in->fields[i].value, in->fields[i].len);
			buf[in->fields[i].len] = '\0';
			return buf;
		}
	}
	return NULL;
}

static void parse_ok(const char *body, struct hl_ticket_input *in)
{
	struct hl_input_error e;

	cr_assert_eq(hl_ticket_input_parse(body, strlen(body), routes, HL_INPUT_TICKET, in, &e), 0,
		     "refused (%s: %s):\n%s", e.field, e.message, body);
}

/* Parses len bytes and expects a refusal blaming `want_field`, with `what` in the
 * message. */
static void parse_bad_len(const char *body, size_t len, const char *want_field,
			  const char *what)
{
	struct hl_ticket_input in;
	struct hl_input_error e;

	cr_assert_eq(hl_ticket_input_parse(body, len, routes, HL_INPUT_TICKET, &in, &e), -1,
		     "accepted:\n%.*s", (int)len, body);
	cr_expect_str_eq(e.field, want_field, "wrong field for %.*s (message: %s)", (int)len, body,
			 e.message);
	cr_expect(strstr(e.message, what), "wanted '%s' in: %s", what, e.message);
	cr_expect_eq(in.nfields, 0, "a refused input still holds %zu fields", in.nfields);
	hl_ticket_input_free(&in);
}

static void parse_bad(const char *body, const char *want_field, const char *what)
{
	parse_bad_len(body, strlen(body), want_field, what);
}

/* A good hotline ticket with `extra` (starting with ", ") spliced in before the end. */
static void hotline_with(const char *extra, char *buf, size_t len)
{
	snprintf(buf, len,
		 "{\"channel\": \"hotline\", \"title\": \"停水\", \"content\": \"三天没水\", "
		 "\"address\": \"江汉路1号\", \"caller_phone\": \"13812345678\"%s}",
		 extra);
}

static void hotline_bad(const char *extra, const char *want_field, const char *what)
{
	char body[8192];

	hotline_with(extra, body, sizeof(body));
	parse_bad(body, want_field, what);
}

static void hotline_good(const char *extra)
{
	char body[8192];
	struct hl_ticket_input in;

	hotline_with(extra, body, sizeof(body));
	parse_ok(body, &in);
	hl_ticket_input_free(&in);
}

Test(ticket_input, good_hotline_ticket_fields_stored)
{
	struct hl_ticket_input in;

	parse_ok("{\"channel\": \"12345热线\", \"title\": \"小区停水三天\", "
		 "\"content\": \"自来水停了三天，\\n无人处理\", \"address\": \"江汉路1号\", "
		 "\"district\": \"江汉区\", \"coordinates\": {\"lat\": 30.58, \"lng\": 114.27}, "
		 "\"caller_phone\": \"138-1234-5678\", \"type\": \"投诉\", \"urgency\": \"urgent\", "
		 "\"citizen_name\": \"张三丰\", \"citizen_id_number\": \"11010519491231002X\", "
		 "\"contact_preference\": \"短信回复\", \"confidential\": true, "
		 "\"attachments\": [\"https://files.example.cn/a/1.jpg\", "
		 "\"http://files.example.cn/b.png\"]}",
		 &in);
	cr_expect_str_eq(in.channel, "hotline");
	cr_expect_str_eq(in.phone, "13812345678");
	cr_expect_eq(in.answered_on_call, 0);
	cr_expect_str_eq(field(&in, "channel"), "hotline");
	cr_expect_str_eq(field(&in, "title"), "小区停水三天");
	cr_expect_str_eq(field(&in, "content"), "自来水停了三天，\n无人处理");
	cr_expect_str_eq(field(&in, "address"), "江汉路1号");
	cr_expect_str_eq(field(&in, "district"), "d.jianghan");
	cr_expect_str_eq(field(&in, "lat"), "30.5800000");
	cr_expect_str_eq(field(&in, "lng"), "114.2700000");
	cr_expect_null(field(&in, "coordinates"));
	cr_expect_str_eq(field(&in, "caller_phone"), "13812345678");
	cr_expect_str_eq(field(&in, "type"), "complaint");
	cr_expect_str_eq(field(&in, "urgency"), "urgent");
	cr_expect_str_eq(field(&in, "citizen_name"), "张三丰");
	cr_expect_str_eq(field(&in, "citizen_id_number"), "11010519491231002X");
	cr_expect_str_eq(field(&in, "contact_preference"), "sms");
	cr_expect_str_eq(field(&in, "confidential"), "1");
	cr_expect_str_eq(field(&in, "attachments"), "[\"https://files.example.cn/a/1.jpg\","
						    "\"http://files.example.cn/b.png\"]");
	cr_expect_null(field(&in, "direct_answer"));
	cr_expect_eq(in.nfields, 15);
	hl_ticket_input_free(&in);
}

Test(ticket_input, codes_accepted_as_well_as_words)
{
	struct hl_ticket_input in;

	parse_ok("{\"channel\": \"hotline\", \"title\": \"t\", \"content\": \"c\", "
		 "\"district\": \"d.hongshan\", \"caller_phone\": \"027-87654321\", "
		 "\"type\": \"consultation\", \"urgency\": \"一般\"}",
		 &in);
	cr_expect_str_eq(field(&in, "district"), "d.hongshan");
	cr_expect_str_eq(field(&in, "caller_phone"), "02787654321");
	cr_expect_str_eq(field(&in, "type"), "consultation");
	cr_expect_str_eq(field(&in, "urgency"), "normal");
	hl_ticket_input_free(&in);
}

Test(ticket_input, district_by_full_name_and_unique_prefix)
{
	struct hl_ticket_input in;

	parse_ok("{\"channel\": \"board\", \"title\": \"t\", \"content\": \"c\", "
		 "\"district\": \"东湖新技术开发区管理委员会\"}",
		 &in);
	cr_expect_str_eq(field(&in, "district"), "d.donghu");
	hl_ticket_input_free(&in);
	parse_ok("{\"channel\": \"board\", \"title\": \"t\", \"content\": \"c\", "
		 "\"district\": \"硚口\"}",
		 &in);
	cr_expect_str_eq(field(&in, "district"), "d.qiaokou");
	hl_ticket_input_free(&in);
	/* one character is too short to name a district, even when only one starts so */
	parse_bad("{\"channel\": \"board\", \"title\": \"t\", \"content\": \"c\", "
		  "\"district\": \"硚\"}",
		  "district", "is not a district");
	/* 东湖 starts two districts' names: ambiguous, so refused */
	parse_bad("{\"channel\": \"board\", \"title\": \"t\", \"content\": \"c\", "
		  "\"district\": \"东湖\"}",
		  "district", "is not a district");
}

Test(ticket_input, confidential_false_not_stored)
{
	struct hl_ticket_input in;
	char body[1024];

	hotline_with(", \"confidential\": false", body, sizeof(body));
	parse_ok(body, &in);
	cr_expect_null(field(&in, "confidential"));
	cr_expect_eq(in.nfields, 5);
	hl_ticket_input_free(&in);
}

Test(ticket_input, good_board_ticket_without_phone)
{
	struct hl_ticket_input in;

	parse_ok("{\"channel\": \"城市留言板\", \"title\": \"路灯不亮\", \"content\": \"晚上很黑\", "
		 "\"coordinates\": {\"lat\": -30, \"lng\": 114}}",
		 &in);
	cr_expect_str_eq(in.channel, "board");
	cr_expect_null(in.phone);
	cr_expect_str_eq(field(&in, "channel"), "board");
	cr_expect_null(field(&in, "caller_phone"));
	cr_expect_str_eq(field(&in, "lat"), "-30.0000000");
	cr_expect_str_eq(field(&in, "lng"), "114.0000000");
	cr_expect_null(field(&in, "address"));
	hl_ticket_input_free(&in);
}

Test(ticket_input, direct_answer_marks_answered_on_call)
{
	struct hl_ticket_input in;
	char body[1024];

	hotline_with(", \"direct_answer\": \"已告知\\n停水通知\"", body, sizeof(body));
	parse_ok(body, &in);
	cr_expect_eq(in.answered_on_call, 1);
	cr_expect_str_eq(field(&in, "direct_answer"), "已告知\n停水通知");
	hl_ticket_input_free(&in);
}

Test(ticket_input, direct_answer_refused_for_board)
{
	parse_bad("{\"channel\": \"board\", \"title\": \"t\", \"content\": \"c\", "
		  "\"address\": \"a\", \"direct_answer\": \"已答复\"}",
		  "direct_answer", "only a hotline ticket");
}

/* Issue 17: a direct answer may cite the 政策通 entry it came from, as "<id>@<version>"
 * (the version's existence is the create script's to check); the agent's last search is
 * kept whatever the outcome. */
Test(ticket_input, kb_entry_with_a_direct_answer_is_stored)
{
	struct hl_ticket_input in;
	char body[1024];

	hotline_with(", \"direct_answer\": \"带身份证到社保窗口补办\", "
		     "\"kb_entry\": \"sb-card-lost@12\", \"kb_query\": \"社保卡丢了\"",
		     body, sizeof(body));
	parse_ok(body, &in);
	cr_expect_eq(in.answered_on_call, 1);
	cr_expect_str_eq(field(&in, "kb_entry"), "sb-card-lost@12");
	cr_expect_str_eq(field(&in, "kb_query"), "社保卡丢了");
	hl_ticket_input_free(&in);
}

Test(ticket_input, kb_entry_needs_a_direct_answer)
{
	hotline_bad(", \"kb_entry\": \"sb-card-lost@1\"", "kb_entry",
		    "only a direct answer (direct_answer)");
	/* null is absent: nothing to cite, nothing refused */
	hotline_good(", \"kb_entry\": null");
}

Test(ticket_input, kb_entry_must_be_id_at_version)
{
	static const char *const bad[] = {
		"\"sb-card-lost\"",       /* no version */
		"\"sb-card-lost@\"",      /* empty version */
		"\"@3\"",                 /* no id */
		"\"sb-card-lost@0\"",     /* versions start at 1 */
		"\"sb-card-lost@01\"",    /* no leading zero */
		"\"sb-card-lost@-1\"",
		"\"sb-card-lost@1@2\"",
		"\"sb-card-lost@1234567890\"", /* more than 9 digits */
		"\"SB-Card@1\"",          /* ids are lower case */
		"\"sb card@1\"",
		"\"社保卡@1\"",
		"\"sb:card@1\"",          /* no key separator smuggled into kbv:<id>:<v> */
		"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@1\"", /* 49 characters */
		"3",
		"[\"sb-card-lost@1\"]",
	};
	char extra[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(extra, sizeof(extra),
			 ", \"direct_answer\": \"已答复\", \"kb_entry\": %s", bad[i]);
		hotline_bad(extra, "kb_entry", "expected \"<id>@<version>\"");
	}
	/* 48 characters is the longest id */
	hotline_good(", \"direct_answer\": \"已答复\", "
		     "\"kb_entry\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@999999999\"");
}

Test(ticket_input, kb_entry_parse_splits_id_and_version)
{
	char id[HL_KB_ID_MAX + 1] = "unchanged";
	long version = -1;

	cr_assert_eq(hl_kb_entry_parse("gs-battery-bin@7", id, sizeof(id), &version), 0);
	cr_expect_str_eq(id, "gs-battery-bin");
	cr_expect_eq(version, 7);
	cr_expect_eq(hl_kb_entry_parse("gs-battery-bin", id, sizeof(id), &version), -1);
	/* an id longer than the caller's buffer is refused, not cut */
	cr_expect_eq(hl_kb_entry_parse("abcdef@1", id, 4, &version), -1);
}

Test(ticket_input, kb_query_is_one_line_of_at_most_200_characters)
{
	char extra[1024], query[700];
	size_t used = 0;

	for (int i = 0; i < 200; i++) /* 200 characters of 3 bytes each */
		used += (size_t)snprintf(query + used, sizeof(query) - used, "查");
	snprintf(extra, sizeof(extra), ", \"kb_query\": \"%s\"", query);
	hotline_good(extra);
	snprintf(extra, sizeof(extra), ", \"kb_query\": \"%s查\"", query);
	hotline_bad(extra, "kb_query", "201 characters long; at most 200");
	hotline_bad(", \"kb_query\": \"社保卡\\n丢了\"", "kb_query", "control character");
	hotline_bad(", \"kb_query\": \"  \"", "kb_query", "is empty");
	hotline_bad(", \"kb_query\": 5", "kb_query", "expected a string");
	/* a search kept on a dispatched ticket: a gap in the knowledge base */
	hotline_good(", \"kb_query\": \"旧电池扔哪个桶\"");
}

Test(ticket_input, malformed_json)
{
	parse_bad("{\"channel\": \"hotline\",}", "", "not valid JSON");
	parse_bad("{'channel': 'hotline'}", "", "not valid JSON");
	parse_bad("{\"channel\": \"hotline\"", "", "ends too early");
	parse_bad("", "", "ends too early");
}

Test(ticket_input, invalid_utf8_refused)
{
	parse_bad("{\"channel\": \"hotline\", \"title\": \"\xff\"}", "", "not valid UTF-8");
	/* a truncated three-byte sequence (the first two bytes of 武) */
	parse_bad("{\"title\": \"\xe6\xad\"}", "", "not valid UTF-8");
}

/* json-c's strict mode refuses what follows the value itself, pointing at it; a NUL
 * byte, which ends json-c's reading, is caught after it. */
Test(ticket_input, trailing_garbage_refused)
{
	char body[1024], at[64];
	struct hl_ticket_input in;

	hotline_with("", body, sizeof(body));
	snprintf(at, sizeof(at), "(near byte %zu)", strlen(body) + 1);
	strcat(body, " x");
	parse_bad(body, "", at);
	hotline_with("", body, sizeof(body));
	snprintf(at, sizeof(at), "(near byte %zu)", strlen(body));
	strcat(body, "{}");
	parse_bad(body, "", at);
	parse_bad("{} []", "", "not valid JSON: unexpected character (near byte 3)");
	parse_bad("123 x", "", "not valid JSON");
	/* trailing white space is fine */
	hotline_with("", body, sizeof(body));
	strcat(body, " \r\n");
	parse_ok(body, &in);
	hl_ticket_input_free(&in);
}

Test(ticket_input, non_object_body_refused)
{
	parse_bad("[1, 2]", "", "expected a JSON object, got an array");
	parse_bad("\"text\"", "", "expected a JSON object, got a string");
	parse_bad("null", "", "expected a JSON object, got null");
	parse_bad("true", "", "expected a JSON object, got a boolean");
	parse_bad(" [] ", "", "expected a JSON object, got an array");
}

/* A bare number or literal is complete at the end of the body, not cut short. */
Test(ticket_input, bare_scalar_body_refused_as_non_object)
{
	parse_bad("123", "", "expected a JSON object, got a number");
	parse_bad("12.5\n", "", "expected a JSON object, got a number");
	parse_bad("null", "", "expected a JSON object, got null");
	parse_bad("false", "", "expected a JSON object, got a boolean");
	/* while a cut literal is still too short */
	parse_bad("nul", "", "ends too early (after 3 bytes)");
	parse_bad("  ", "", "ends too early (after 2 bytes)");
}

Test(ticket_input, body_with_nul_byte_refused)
{
	static const char body[] = "{\"channel\": \"board\"}\0{}";

	parse_bad_len(body, sizeof(body) - 1, "", "text after its JSON value (at byte 20)");
}

Test(ticket_input, unknown_field_named)
{
	hotline_bad(", \"titel\": \"x\"", "titel", "unknown field; known fields: channel, title");
}

Test(ticket_input, missing_required_fields)
{
	parse_bad("{\"title\": \"t\", \"content\": \"c\", \"address\": \"a\", "
		  "\"caller_phone\": \"13812345678\"}",
		  "channel", "is required");
	parse_bad("{\"channel\": \"hotline\", \"content\": \"c\", \"address\": \"a\", "
		  "\"caller_phone\": \"13812345678\"}",
		  "title", "is required");
	parse_bad("{\"channel\": \"hotline\", \"title\": \"t\", \"address\": \"a\", "
		  "\"caller_phone\": \"13812345678\"}",
		  "content", "is required");
	parse_bad("{}", "channel", "is required");
}

Test(ticket_input, needs_address_district_or_coordinates)
{
	parse_bad("{\"channel\": \"hotline\", \"title\": \"t\", \"content\": \"c\", "
		  "\"caller_phone\": \"13812345678\"}",
		  "address", "one of address, district or coordinates is required");
}

Test(ticket_input, a_consultation_suggestion_or_praise_needs_no_place)
{
	static const char *const types[] = {"consultation", "咨询", "suggestion", "praise"};
	char body[256];

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct hl_ticket_input in;

		snprintf(body, sizeof(body),
			 "{\"channel\": \"hotline\", \"title\": \"社保卡丢了怎么补\", "
			 "\"content\": \"c\", \"caller_phone\": \"13812345678\", \"type\": \"%s\"}",
			 types[i]);
		parse_ok(body, &in);
		cr_expect_null(field(&in, "address"));
		hl_ticket_input_free(&in);
	}
	/* the types a unit must go and see still need one, and so does an untyped ticket */
	parse_bad("{\"channel\": \"hotline\", \"title\": \"t\", \"content\": \"c\", "
		  "\"caller_phone\": \"13812345678\", \"type\": \"投诉\"}",
		  "address", "one of address, district or coordinates is required");
	cr_expect(hl_ticket_type_needs_place(NULL));
	cr_expect(hl_ticket_type_needs_place("request"));
	cr_expect_not(hl_ticket_type_needs_place("consultation"));
}

Test(ticket_input, a_draft_needs_only_a_title_or_a_content)
{
	static const char draft[] = "{\"channel\": \"hotline\", \"content\": \"家里停水三天了\"}";
	struct hl_ticket_input in;
	struct hl_input_error e;

	cr_expect_eq(hl_ticket_input_parse(draft, strlen(draft), routes, HL_INPUT_DRAFT, &in, &e),
		     0, "%s: %s", e.field, e.message);
	hl_ticket_input_free(&in);
	/* the same body is not a ticket: it lacks a title, a place and the phone */
	cr_expect_eq(hl_ticket_input_parse(draft, strlen(draft), routes, HL_INPUT_TICKET, &in, &e),
		     -1);
	hl_ticket_input_free(&in);
	/* a draft's fields are still checked, and one with neither is refused */
	static const char bad_phone[] = "{\"channel\": \"hotline\", \"title\": \"t\", "
					"\"caller_phone\": \"12\"}";
	cr_expect_eq(hl_ticket_input_parse(bad_phone, strlen(bad_phone), routes, HL_INPUT_DRAFT,
					   &in, &e),
		     -1);
	cr_expect_str_eq(e.field, "caller_phone");
	hl_ticket_input_free(&in);
	static const char empty[] = "{\"channel\": \"hotline\", \"address\": \"江汉路1号\"}";
	cr_expect_eq(hl_ticket_input_parse(empty, strlen(empty), routes, HL_INPUT_DRAFT, &in, &e),
		     -1);
	cr_expect_str_eq(e.field, "content");
	hl_ticket_input_free(&in);
}

Test(ticket_input, hotline_needs_caller_phone)
{
	parse_bad("{\"channel\": \"hotline\", \"title\": \"t\", \"content\": \"c\", "
		  "\"address\": \"a\"}",
		  "caller_phone", "is required for a hotline ticket");
}

Test(ticket_input, unknown_channel)
{
	parse_bad("{\"channel\": \"email\"}", "channel", "expected one of hotline (12345热线)");
	parse_bad("{\"channel\": 1}", "channel", "got a number");
	parse_bad("{\"channel\": null}", "channel", "got null");
}

Test(ticket_input, wrong_types)
{
	parse_bad("{\"channel\": \"hotline\", \"title\": 42}", "title",
		  "expected a string, got a number");
	hotline_bad(", \"confidential\": \"true\"", "confidential",
		    "expected true or false, got a string");
	hotline_bad(", \"confidential\": 1", "confidential",
		    "expected true or false, got a number");
	hotline_bad(", \"caller_phone\": 13812345678", "caller_phone", "got a number");
	hotline_bad(", \"attachments\": \"https://a.example/x\"", "attachments",
		    "expected an array of URLs, got a string");
	hotline_bad(", \"coordinates\": [30, 114]", "coordinates", "got an array");
	hotline_bad(", \"district\": {}", "district", "got an object");
	hotline_bad(", \"type\": [\"投诉\"]", "type", "got an array");
}

Test(ticket_input, blank_title_refused)
{
	parse_bad("{\"channel\": \"hotline\", \"title\": \"\"}", "title", "is empty");
	parse_bad("{\"channel\": \"hotline\", \"title\": \"   \"}", "title", "is empty");
	parse_bad("{\"channel\": \"hotline\", \"content\": \" \\n\\t \"}", "content", "is empty");
}

/* A hotline body whose title is n copies of `ch`. */
static void title_of(const char *ch, size_t n, char *buf, size_t len)
{
	char title[4096] = "";

	for (size_t i = 0; i < n; i++)
		strcat(title, ch);
	snprintf(buf, len,
		 "{\"channel\": \"hotline\", \"title\": \"%s\", \"content\": \"c\", "
		 "\"address\": \"a\", \"caller_phone\": \"13812345678\"}",
		 title);
}

Test(ticket_input, title_length_counted_in_characters)
{
	char body[8192];
	struct hl_ticket_input in;

	title_of("汉", 200, body, sizeof(body)); /* 600 bytes, 200 characters */
	parse_ok(body, &in);
	cr_expect_eq(strlen(field(&in, "title")), 600);
	hl_ticket_input_free(&in);
	title_of("汉", 201, body, sizeof(body));
	parse_bad(body, "title", "is 201 characters long; at most 200 are allowed");
	title_of("a", 200, body, sizeof(body));
	parse_ok(body, &in);
	hl_ticket_input_free(&in);
	title_of("a", 201, body, sizeof(body));
	parse_bad(body, "title", "is 201 characters long");
}

Test(ticket_input, name_length_limit)
{
	char name[512] = "", extra[600];

	for (int i = 0; i < HL_NAME_MAX; i++)
		strcat(name, "张");
	snprintf(extra, sizeof(extra), ", \"citizen_name\": \"%s\"", name);
	hotline_good(extra);
	snprintf(extra, sizeof(extra), ", \"citizen_name\": \"%s张\"", name);
	hotline_bad(extra, "citizen_name", "is 51 characters long; at most 50");
}

Test(ticket_input, control_characters)
{
	parse_bad("{\"channel\": \"hotline\", \"title\": \"第一行\\n第二行\"}", "title",
		  "contains a control character (code 10) at byte 9");
	parse_bad("{\"channel\": \"hotline\", \"title\": \"a\\u0001b\"}", "title",
		  "control character (code 1)");
	parse_bad("{\"channel\": \"hotline\", \"title\": \"a\\u0000b\"}", "title",
		  "contains a NUL character");
	parse_bad("{\"channel\": \"hotline\", \"title\": \"a\\u007fb\"}", "title",
		  "control character (code 127)");
	parse_bad("{\"channel\": \"hotline\", \"title\": \"a\\tb\"}", "title",
		  "control character (code 9)");
	hotline_bad(", \"address\": \"江汉路\\n1号\"", "address", "control character (code 10)");
	hotline_bad(", \"citizen_name\": \"张\\r三\"", "citizen_name", "control character");
	/* content may span lines, but not hold other control characters */
	parse_bad("{\"channel\": \"hotline\", \"content\": \"a\\u0007b\"}", "content",
		  "control character (code 7)");
	struct hl_ticket_input in;
	parse_ok("{\"channel\": \"board\", \"title\": \"t\", \"content\": \"第一行\\r\\n第二行\\t!\", "
		 "\"address\": \"a\"}",
		 &in);
	cr_expect_str_eq(field(&in, "content"), "第一行\r\n第二行\t!");
	hl_ticket_input_free(&in);
}

Test(ticket_input, bad_phone_numbers)
{
	hotline_bad(", \"caller_phone\": \"123\"", "caller_phone", "is not a phone number");
	hotline_bad(", \"caller_phone\": \"abc\"", "caller_phone", "is not a phone number");
	hotline_bad(", \"caller_phone\": \"\"", "caller_phone", "is not a phone number");
	hotline_bad(", \"caller_phone\": \"23812345678\"", "caller_phone", "is not a phone number");
}

Test(ticket_input, phone_with_country_code_and_spaces)
{
	struct hl_ticket_input in;

	parse_ok("{\"channel\": \"hotline\", \"title\": \"t\", \"content\": \"c\", "
		 "\"address\": \"a\", \"caller_phone\": \"+86 138 1234 5678\"}",
		 &in);
	cr_expect_str_eq(in.phone, "13812345678");
	cr_expect_str_eq(field(&in, "caller_phone"), "13812345678");
	hl_ticket_input_free(&in);
}

Test(ticket_input, board_ticket_may_give_a_phone)
{
	struct hl_ticket_input in;

	parse_ok("{\"channel\": \"board\", \"title\": \"t\", \"content\": \"c\", "
		 "\"address\": \"a\", \"caller_phone\": \"0086-13812345678\"}",
		 &in);
	cr_expect_str_eq(in.phone, "13812345678");
	hl_ticket_input_free(&in);
	parse_bad("{\"channel\": \"board\", \"title\": \"t\", \"content\": \"c\", "
		  "\"address\": \"a\", \"caller_phone\": \"12\"}",
		  "caller_phone", "is not a phone number");
}

Test(ticket_input, bad_id_numbers)
{
	/* the check character of 42010219900307123? is 2, not 4 */
	hotline_bad(", \"citizen_id_number\": \"420102199003071234\"", "citizen_id_number",
		    "is not a resident ID number");
	hotline_bad(", \"citizen_id_number\": \"11010519491231002\"", "citizen_id_number",
		    "is not a resident ID number");
	hotline_bad(", \"citizen_id_number\": \"11010519491231002X0\"", "citizen_id_number",
		    "is not a resident ID number");
	hotline_bad(", \"citizen_id_number\": 110105194912310020", "citizen_id_number",
		    "is not a resident ID number");
	hotline_good(", \"citizen_id_number\": \"420102199003071232\"");
}

Test(ticket_input, bad_coordinates)
{
	hotline_bad(", \"coordinates\": {\"lat\": 91, \"lng\": 114}", "coordinates.lat",
		    "expected a latitude, a number from -90 to 90");
	hotline_bad(", \"coordinates\": {\"lat\": -90.5, \"lng\": 114}", "coordinates.lat",
		    "expected a latitude");
	hotline_bad(", \"coordinates\": {\"lat\": \"30\", \"lng\": 114}", "coordinates.lat",
		    "expected a latitude");
	hotline_bad(", \"coordinates\": {\"lng\": 114}", "coordinates.lat", "expected a latitude");
	hotline_bad(", \"coordinates\": {\"lat\": 30, \"lng\": 180.01}", "coordinates.lng",
		    "expected a longitude, a number from -180 to 180");
	hotline_bad(", \"coordinates\": {\"lat\": 30}", "coordinates.lng", "expected a longitude");
	hotline_bad(", \"coordinates\": {\"lat\": 30, \"lng\": 114, \"alt\": 20}", "coordinates",
		    "unknown key 'alt'; expected lat and lng");
	hotline_good(", \"coordinates\": {\"lat\": 90, \"lng\": -180}");
}

/* ", \"attachments\": [...]" with n good URLs. */
static void attachments_of(int n, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, ", \"attachments\": [");

	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s\"https://a.cn/%d\"",
					 i ? ", " : "", i);
	snprintf(buf + used, len - used, "]");
}

Test(ticket_input, bad_attachments)
{
	char extra[4096];

	hotline_bad(", \"attachments\": [\"https://a.example/1.jpg\", \"ftp://a.example/2.jpg\"]",
		    "attachments", "item 1: expected an http:// or https:// URL");
	hotline_bad(", \"attachments\": [\"/uploads/1.jpg\"]", "attachments", "item 0");
	hotline_bad(", \"attachments\": [\"https://a.example/a b.jpg\"]", "attachments",
		    "without spaces");
	hotline_bad(", \"attachments\": [\"https://\"]", "attachments", "item 0");
	hotline_bad(", \"attachments\": [42]", "attachments", "item 0");
	attachments_of(21, extra, sizeof(extra));
	hotline_bad(extra, "attachments", "has 21 URLs; at most 20 are allowed");
	attachments_of(20, extra, sizeof(extra));
	hotline_good(extra);
}

Test(ticket_input, empty_attachment_list_stored_as_empty_array)
{
	struct hl_ticket_input in;
	char body[1024];

	hotline_with(", \"attachments\": []", body, sizeof(body));
	parse_ok(body, &in);
	cr_expect_str_eq(field(&in, "attachments"), "[]");
	hl_ticket_input_free(&in);
}

Test(ticket_input, unknown_district)
{
	hotline_bad(", \"district\": \"朝阳区\"", "district",
		    "is not a district of the department list");
	hotline_bad(", \"district\": \"water\"", "district", "is not a district");
	hotline_bad(", \"district\": \"\"", "district", "is not a district");
}

Test(ticket_input, unknown_codes_for_type_urgency_contact)
{
	hotline_bad(", \"type\": \"抱怨\"", "type", "expected one of consultation (咨询)");
	hotline_bad(", \"urgency\": \"high\"", "urgency", "normal (一般), urgent (紧急)");
	hotline_bad(", \"contact_preference\": \"email\"", "contact_preference",
		    "phone (电话回复), sms (短信回复), no_contact (无需回复)");
}

Test(ticket_input, null_optional_field_is_absent)
{
	struct hl_ticket_input in;

	parse_ok("{\"channel\": \"hotline\", \"title\": \"t\", \"content\": \"c\", "
		 "\"address\": null, \"district\": \"d.wuchang\", "
		 "\"caller_phone\": \"13812345678\", "
		 "\"citizen_name\": null, \"confidential\": null, \"attachments\": null, "
		 "\"coordinates\": null, \"direct_answer\": null}",
		 &in);
	cr_expect_null(field(&in, "address"));
	cr_expect_null(field(&in, "citizen_name"));
	cr_expect_null(field(&in, "confidential"));
	cr_expect_null(field(&in, "attachments"));
	cr_expect_null(field(&in, "lat"));
	cr_expect_eq(in.answered_on_call, 0);
	cr_expect_eq(in.nfields, 5);
	hl_ticket_input_free(&in);
	/* a null required field is as good as missing */
	parse_bad("{\"channel\": \"hotline\", \"title\": null, \"content\": \"c\", "
		  "\"address\": \"a\", \"caller_phone\": \"13812345678\"}",
		  "title", "is required");
	parse_bad("{\"channel\": \"hotline\", \"title\": \"t\", \"content\": \"c\", "
		  "\"address\": \"a\", \"caller_phone\": null}",
		  "caller_phone", "is required for a hotline ticket");
}

Test(ticket_input, refused_input_may_be_freed_twice_safely)
{
	struct hl_ticket_input in;
	struct hl_input_error e;
	const char *body = "{\"channel\": \"hotline\", \"attachments\": [\"https://a.cn/1\"], "
			   "\"title\": 1}";

	cr_assert_eq(hl_ticket_input_parse(body, strlen(body), routes, HL_INPUT_TICKET, &in, &e), -1);
	cr_expect_str_eq(e.field, "title");
	cr_expect_null(in.channel);
	cr_expect_null(in.attachments_json);
	hl_ticket_input_free(&in);
	hl_ticket_input_free(&in);
}

Test(phone, normalize_accepts)
{
	char out[24];
	static const char *const good[][2] = {
		{"13812345678", "13812345678"},     {"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},   {"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},  {"008613812345678", "13812345678"},
		{"027-87654321", "02787654321"},    {"0710-1234567", "07101234567"},
		{"87654321", "87654321"},           {"2345678", "2345678"},
		{"010 12345678", "01012345678"},
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(out, 0, sizeof(out));
		cr_expect_eq(hl_phone_normalize(good[i][0], out, sizeof(out)), 0, "'%s' refused",
			     good[i][0]);
		cr_expect_str_eq(out, good[i][1], "'%s'", good[i][0]);
	}
}

Test(phone, normalize_refuses)
{
	char out[24];
	static const char *const bad[] = {
		"",
		"123",
		"abc",
		"1381234567",       /* 10 digits, starting with 1 */
		"138123456789",     /* 12 digits */
		"23812345678",      /* 11 digits, neither mobile nor area code */
		"00123456789",      /* 00 is not an area code */
		"1234567",          /* a local number does not start with 0 or 1 */
		"0123456",          /* nor with 0 */
		"138.1234.5678",
		"(027)87654321",
		"+1 138 1234 5678",
		"13812345678x",
		"123456789012345678901234567890123",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(hl_phone_normalize(bad[i], out, sizeof(out)), -1, "'%s' accepted",
			     bad[i]);
}

Test(phone, normalize_respects_output_size)
{
	char out[12];

	cr_expect_eq(hl_phone_normalize("13812345678", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "13812345678");
	cr_expect_eq(hl_phone_normalize("13812345678", out, 11), -1);
}

Test(id_number, checksum)
{
	/* 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167;
	 * 167 mod 11 = 2, and position 2 of "10X98765432" is X */
	cr_expect_eq(hl_id_number_valid("11010519491231002X"), 1);
	cr_expect_eq(hl_id_number_valid("11010519491231002x"), 1);
	cr_expect_eq(hl_id_number_valid("420106198805120017"), 1);
	cr_expect_eq(hl_id_number_valid("420102199003071232"), 1);
	cr_expect_eq(hl_id_number_valid("420102199003071234"), 0);
	cr_expect_eq(hl_id_number_valid("110105194912310021"), 0);
	cr_expect_eq(hl_id_number_valid("420106198805120018"), 0);
	cr_expect_eq(hl_id_number_valid("42010619880512001X"), 0);
}

Test(id_number, shape)
{
	cr_expect_eq(hl_id_number_valid(""), 0);
	cr_expect_eq(hl_id_number_valid("11010519491231002"), 0);
	cr_expect_eq(hl_id_number_valid("11010519491231002X1"), 0);
	cr_expect_eq(hl_id_number_valid("1101051949123100AX"), 0);
	cr_expect_eq(hl_id_number_valid("X10105194912310020"), 0);
	cr_expect_eq(hl_id_number_valid("11010519491231002Y"), 0);
}

Test(ticket_input, nul_inside_a_phone_is_refused)
{
	struct hl_ticket_input in;
	struct hl_input_error e;
	const char body[] = "{\"channel\":\"hotline\",\"title\":\"t\",\"content\":\"c\","
			    "\"address\":\"a\",\"caller_phone\":\"13907150001\\u0000; DROP\"}";

	cr_expect_eq(hl_ticket_input_parse(body, sizeof(body) - 1, NULL, HL_INPUT_TICKET, &in, &e),
		     -1);
	cr_expect_str_eq(e.field, "caller_phone");
	hl_ticket_input_free(&in);
}
