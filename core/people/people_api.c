/* The people endpoints' shared request helpers; see people_api.h. */
#include "people/people_api.h"

#include <json-c/json.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/counters.h"
#include "base/hex.h"
#include "base/utf8.h"
#include "host/service.h"
#include "http/http.h"

struct json_object *hl_people_body(struct evhttp_request *req)
{
	size_t len;
	const char *text = hl_http_body(req, &len);
	struct json_tokener *tok = json_tokener_new();
	struct json_object *body = NULL;

	if (text && tok) {
		body = json_tokener_parse_ex(tok, text, (int)len);
		if (json_tokener_get_error(tok) != json_tokener_success ||
		    tok->char_offset != (int)len) {
			json_object_put(body);
			body = NULL;
		}
	}
	if (tok) {
		/* the tokener gathered each string, a password too, in its own buffer */
		if (tok->pb && tok->pb->buf)
			sodium_memzero(tok->pb->buf, (size_t)tok->pb->size);
		json_tokener_free(tok);
	}
	hl_http_body_wipe(req);
	if (!body || !json_object_is_type(body, json_type_object)) {
		json_object_put(body);
		hl_http_reply_error(req, 400, "body", "expected a JSON object");
		return NULL;
	}
	return body;
}

void hl_people_put_wiped(struct json_object *body, const char *const *keys)
{
	for (; body && *keys; keys++) {
		struct json_object *v;

		if (json_object_object_get_ex(body, *keys, &v) &&
		    json_object_is_type(v, json_type_string))
			sodium_memzero((char *)json_object_get_string(v),
				       (size_t)json_object_get_string_len(v));
	}
	json_object_put(body);
}

long hl_people_chars(const char *s)
{
	size_t len = strlen(s);
	long n = 0;

	for (size_t i = 0; i < len; n++) {
		uint32_t cp;
		size_t step = hl_utf8_decode(s + i, len - i, &cp);

		if (cp == 0xFFFD && step == 1)
			return -1;
		i += step;
	}
	return n;
}

const char *hl_people_string(struct evhttp_request *req, struct json_object *body,
			     const char *key, int required, size_t max_chars)
{
	struct json_object *v;
	const char *s;
	long n;

	if (!json_object_object_get_ex(body, key, &v) || json_object_is_type(v, json_type_null)) {
		if (!required)
			return "";
		hl_http_reply_error(req, 400, key, "missing '%s'", key);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		hl_http_reply_error(req, 400, key, "'%s' must be a string", key);
		return NULL;
	}
	s = json_object_get_string(v);
	n = hl_people_chars(s);
	if (n < 0 || strlen(s) != (size_t)json_object_get_string_len(v)) {
		hl_http_reply_error(req, 400, key, "'%s' must be UTF-8 text without NUL", key);
		return NULL;
	}
	if ((size_t)n > max_chars) {
		hl_http_reply_error(req, 400, key, "'%s' is longer than %zu characters", key,
				    max_chars);
		return NULL;
	}
	return s;
}

void hl_people_random_hex(char *hex, size_t n)
{
	unsigned char bytes[64];

	randombytes_buf(bytes, n);
	hl_hex_encode(bytes, n, hex);
	sodium_memzero(bytes, sizeof(bytes));
}

void hl_people_count(struct hl_people *p, const char *outcome)
{
	hl_metrics_count(p->svc->metrics.logins, 8, outcome);
}

void hl_people_unavailable(struct evhttp_request *req)
{
	hl_http_reply_unavailable(req, NULL, "the account store (Redis) is unreachable or its "
					     "replicas did not confirm, or hotlined is stopping; "
					     "try again");
}

void hl_people_busy(struct evhttp_request *req)
{
	hl_http_reply_unavailable(req, "busy", "too many logins and password changes at once; "
					       "try again");
}
