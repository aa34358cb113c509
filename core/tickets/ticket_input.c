/* Parsing and checking a new ticket's JSON body; see ticket_input.h. */
#include "tickets/ticket_input.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/routes.h"

enum field_kind {
	F_LINE,     /* one line of text */
	F_TEXT,     /* text that may span lines */
	F_CHANNEL,
	F_TYPE,
	F_URGENCY,
	F_CONTACT,
	F_PHONE,
	F_ID_NUMBER,
	F_DISTRICT,
	F_COORDINATES,
	F_ATTACHMENTS,
	F_BOOL,
	F_KB_ENTRY, /* "<id>@<version>": the knowledge-base entry a direct answer cites */
};

struct field_spec {
	const char *name;
	enum field_kind kind;
	size_t max; /* characters, for text */
};

static const struct field_spec specs[] = {
	{"channel", F_CHANNEL, 0},
	{"title", F_LINE, HL_TITLE_MAX},
	{"content", F_TEXT, HL_CONTENT_MAX},
	{"address", F_LINE, HL_ADDRESS_MAX},
	{"district", F_DISTRICT, 0},
	{"coordinates", F_COORDINATES, 0},
	{"caller_phone", F_PHONE, 0},
	{"type", F_TYPE, 0},
	{"urgency", F_URGENCY, 0},
	{"citizen_name", F_LINE, HL_NAME_MAX},
	{"citizen_id_number", F_ID_NUMBER, 0},
	{"contact_preference", F_CONTACT, 0},
	{"confidential", F_BOOL, 0},
	{"attachments", F_ATTACHMENTS, 0},
	{"direct_answer", F_TEXT, HL_ANSWER_MAX},
	{"programme", F_LINE, 40}, /* a tv ticket's TV-inquiry programme (supervision.c) */
	{"kb_entry", F_KB_ENTRY, 0},           /* issue 17: the 政策通 entry cited */
	{"kb_query", F_LINE, HL_KB_QUERY_MAX}, /* issue 17: the agent's last search */
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

/* A word and the code stored for it: clients may send either. */
struct code_word {
	const char *code, *word;
};

static const struct code_word channels[] = {
	{"hotline", "12345热线"}, {"board", "城市留言板"}, {"tv", "电视问政"}, {NULL, NULL}};
static const struct code_word types[] = {
	{"consultation", "咨询"}, {"request", "求助"},    {"complaint", "投诉"},
	{"report", "举报"},       {"suggestion", "建议"}, {"praise", "表扬"},
	{NULL, NULL}};
static const struct code_word urgencies[] = {{"normal", "一般"}, {"urgent", "紧急"}, {NULL, NULL}};
static const struct code_word contacts[] = {
	{"phone", "电话回复"}, {"sms", "短信回复"}, {"no_contact", "无需回复"}, {NULL, NULL}};

int hl_input_fail(struct hl_input_error *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->field, sizeof(e->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *json_type_words(const struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

/* Code points in valid UTF-8 (json-c has validated it). */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static int is_blank(const char *s)
{
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	}
	return 1;
}

/* Checks a text value: a string, not blank, no NUL or control characters (line breaks
 * and tabs only where multi-line), at most max characters. */
static int check_text(const struct field_spec *sp, struct json_object *v,
		      struct hl_input_error *e)
{
	const char *s;
	size_t len, chars;

	if (!json_object_is_type(v, json_type_string))
		return hl_input_fail(e, sp->name, "expected a string, got %s", json_type_words(v));
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int line_break = c == '\n' || c == '\r' || c == '\t';

		if (c < 0x20 && !(line_break && sp->kind == F_TEXT))
			return hl_input_fail(e, sp->name,
					     "contains a control character (code %u) at byte %zu",
					     c, i);
		if (c == 0x7f)
			return hl_input_fail(
			    e, sp->name, "contains a control character (code 127) at byte %zu", i);
	}
	if (is_blank(s))
		return hl_input_fail(e, sp->name, "is empty");
	chars = utf8_chars(s, len);
	if (chars > sp->max)
		return hl_input_fail(e, sp->name, "is %zu characters long; at most %zu are allowed",
				     chars, sp->max);
	return 0;
}

/* Maps a code or its Chinese word to the code. */
static const char *code_of(const struct code_word *table, const char *text)
{
	for (; table->code; table++) {
		if (strcmp(text, table->code) == 0 || strcmp(text, table->word) == 0)
			return table->code;
	}
	return NULL;
}

static int check_code(const struct field_spec *sp, struct json_object *v,
		      const struct code_word *table, const char **code_r, struct hl_input_error *e)
{
	char known[256] = "";
	size_t used = 0;

	if (json_object_is_type(v, json_type_string) &&
	    (*code_r = code_of(table, json_object_get_string(v))))
		return 0;
	for (const struct code_word *t = table; t->code && used < sizeof(known); t++) {
		int n = snprintf(known + used, sizeof(known) - used, "%s%s (%s)", used ? ", " : "",
				 t->code, t->word);
		used += n > 0 ? (size_t)n : 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return hl_input_fail(e, sp->name, "expected a string, one of %s; got %s", known,
				     json_type_words(v));
	return hl_input_fail(e, sp->name, "expected one of %s", known);
}

int hl_phone_normalize(const char *text, char *out, size_t outlen)
{
	char digits[32];
	size_t n = 0;
	const char *p = text;

	if (strncmp(p, "+86", 3) == 0)
		p += 3;
	else if (strncmp(p, "0086", 4) == 0)
		p += 4;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof(digits))
				return -1;
			digits[n++] = *p;
		} else if (*p != ' ' && *p != '-') {
			return -1;
		}
	}
	digits[n] = '\0';
	if (!((n == 11 && digits[0] == '1') ||              /* mobile */
	      (n >= 10 && n <= 12 && digits[0] == '0' && digits[1] != '0') || /* area code */
	      ((n == 7 || n == 8) && digits[0] >= '2')))    /* local landline */
		return -1;
	if (n + 1 > outlen)
		return -1;
	memcpy(out, digits, n + 1);
	return 0;
}

int hl_id_number_valid(const char *text)
{
	static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0;

	if (strlen(text) != 18)
		return 0;
	for (int i = 0; i < 17; i++) {
		if (text[i] < '0' || text[i] > '9')
			return 0;
		sum += (text[i] - '0') * weights[i];
	}
	return check[sum % 11] == (text[17] == 'x' ? 'X' : text[17]);
}

/* A district, by its department code (d.jianghan), its full name (江汉区人民政府) or the
 * start of it (江汉区) when that names one district alone. */
static const char *district_code(const struct hl_routes *routes, const char *text)
{
	const char *found = NULL;
	size_t len = strlen(text);

	for (size_t i = 0; routes && i < routes->ndepartments; i++) {
		const struct hl_department *d = &routes->departments[i];

		if (d->kind != HL_DEPT_DISTRICT)
			continue;
		if (strcmp(text, d->code) == 0 || strcmp(text, d->name) == 0)
			return d->code;
		if (len >= 6 && strncmp(text, d->name, len) == 0) {
			if (found)
				return NULL;
			found = d->code;
		}
	}
	return found;
}

static void add(struct hl_ticket_input *in, const char *name, const char *value, size_t len)
{
	in->fields[in->nfields++] = (struct hl_input_field){name, value, len};
}

static int number_in(struct json_object *v, double lo, double hi, double *out)
{
	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_double(v);
	return isfinite(*out) && *out >= lo && *out <= hi ? 0 : -1;
}

static int take_coordinates(struct hl_ticket_input *in, struct json_object *v,
			    struct hl_input_error *e)
{
	struct json_object *lat, *lng;
	double la, ln;

	if (!json_object_is_type(v, json_type_object))
		return hl_input_fail(e, "coordinates",
				     "expected an object {\"lat\": …, \"lng\": …}, got %s",
				     json_type_words(v));
	json_object_object_foreach(v, key, val)
	{
		(void)val;
		if (strcmp(key, "lat") != 0 && strcmp(key, "lng") != 0)
			return hl_input_fail(e, "coordinates",
					     "unknown key '%s'; expected lat and lng", key);
	}
	if (!json_object_object_get_ex(v, "lat", &lat) || number_in(lat, -90, 90, &la) < 0)
		return hl_input_fail(e, "coordinates.lat",
				     "expected a latitude, a number from -90 to 90");
	if (!json_object_object_get_ex(v, "lng", &lng) || number_in(lng, -180, 180, &ln) < 0)
		return hl_input_fail(e, "coordinates.lng",
				     "expected a longitude, a number from -180 to 180");
	snprintf(in->lat_buf, sizeof(in->lat_buf), "%.7f", la);
	snprintf(in->lng_buf, sizeof(in->lng_buf), "%.7f", ln);
	add(in, "lat", in->lat_buf, strlen(in->lat_buf));
	add(in, "lng", in->lng_buf, strlen(in->lng_buf));
	return 0;
}

static int is_url(const char *s, size_t len)
{
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return 0;
	if (len <= 8 || len > HL_URL_MAX_BYTES)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 0;
	}
	return 1;
}

static int take_attachments(struct hl_ticket_input *in, struct json_object *v,
			    struct hl_input_error *e)
{
	size_t n;
	const char *text;

	if (!json_object_is_type(v, json_type_array))
		return hl_input_fail(e, "attachments", "expected an array of URLs, got %s",
				     json_type_words(v));
	n = json_object_array_length(v);
	if (n > HL_ATTACHMENTS_MAX)
		return hl_input_fail(e, "attachments", "has %zu URLs; at most %d are allowed", n,
				     HL_ATTACHMENTS_MAX);
	for (size_t i = 0; i < n; i++) {
		struct json_object *u = json_object_array_get_idx(v, i);

		if (!json_object_is_type(u, json_type_string) ||
		    !is_url(json_object_get_string(u), (size_t)json_object_get_string_len(u)))
			return hl_input_fail(
			    e, "attachments",
			    "item %zu: expected an http:// or https:// URL of at most %d "
			    "bytes without spaces",
			    i, HL_URL_MAX_BYTES);
	}
	text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!(in->attachments_json = strdup(text)))
		return hl_input_fail(e, "attachments", "out of memory");
	add(in, "attachments", in->attachments_json, strlen(in->attachments_json));
	return 0;
}

int hl_kb_id_valid(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= HL_KB_ID_MAX &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == n && strcmp(id, "ids") != 0;
}

int hl_kb_entry_parse(const char *text, char *id, size_t idlen, long *version)
{
	const char *at = strchr(text, '@'), *v;
	size_t n = at ? (size_t)(at - text) : 0;
	long ver = 0;

	if (n == 0 || n >= idlen)
		return -1;
	memcpy(id, text, n);
	id[n] = '\0';
	if (!hl_kb_id_valid(id))
		return -1;
	v = at + 1;
	if (*v < '1' || *v > '9' || strlen(v) > 9 || strspn(v, "0123456789") != strlen(v))
		return -1;
	for (; *v; v++)
		ver = ver * 10 + (*v - '0');
	*version = ver;
	return 0;
}

static const struct field_spec *spec_of(const char *name)
{
	for (size_t i = 0; i < NSPECS; i++) {
		if (strcmp(specs[i].name, name) == 0)
			return &specs[i];
	}
	return NULL;
}

int hl_ticket_input_known(const char *name)
{
	return spec_of(name) != NULL;
}

/* Checks one field and adds what it stores. */
static int take(struct hl_ticket_input *in, const struct field_spec *sp, struct json_object *v,
		const struct hl_routes *routes, struct hl_input_error *e)
{
	const char *code;

	if (json_object_is_type(v, json_type_string) &&
	    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
		return hl_input_fail(e, sp->name, "contains a NUL character (\\u0000)");

	switch (sp->kind) {
	case F_LINE:
	case F_TEXT:
		if (check_text(sp, v, e) < 0)
			return -1;
		add(in, sp->name, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		if (strcmp(sp->name, "direct_answer") == 0)
			in->answered_on_call = 1;
		return 0;
	case F_CHANNEL:
	case F_TYPE:
	case F_URGENCY:
	case F_CONTACT: {
		const struct code_word *table = sp->kind == F_CHANNEL   ? channels
						: sp->kind == F_TYPE    ? types
						: sp->kind == F_URGENCY ? urgencies
									: contacts;
		if (check_code(sp, v, table, &code, e) < 0)
			return -1;
		if (sp->kind == F_CHANNEL)
			in->channel = code;
		else if (sp->kind == F_TYPE)
			in->type = code;
		add(in, sp->name, code, strlen(code));
		return 0;
	}
	case F_PHONE:
		if (!json_object_is_type(v, json_type_string))
			return hl_input_fail(e, sp->name, "expected a string, got %s",
					     json_type_words(v));
		if (hl_phone_normalize(json_object_get_string(v), in->phone_buf,
				       sizeof(in->phone_buf)) < 0)
			return hl_input_fail(
			    e, sp->name,
			    "is not a phone number: expected a mobile number "
			    "(1xxxxxxxxxx) or a landline with its area code (027-xxxxxxxx)");
		in->phone = in->phone_buf;
		add(in, sp->name, in->phone_buf, strlen(in->phone_buf));
		return 0;
	case F_ID_NUMBER:
		if (!json_object_is_type(v, json_type_string) ||
		    !hl_id_number_valid(json_object_get_string(v)))
			return hl_input_fail(
			    e, sp->name,
			    "is not a resident ID number (18 characters, the last a "
			    "check digit or X)");
		memcpy(in->id_buf, json_object_get_string(v), 18);
		if (in->id_buf[17] == 'x') /* stored as issued: X */
			in->id_buf[17] = 'X';
		add(in, sp->name, in->id_buf, 18);
		return 0;
	case F_DISTRICT:
		if (!json_object_is_type(v, json_type_string))
			return hl_input_fail(e, sp->name, "expected a string, got %s",
					     json_type_words(v));
		if (!(code = district_code(routes, json_object_get_string(v))))
			return hl_input_fail(
			    e, sp->name,
			    "is not a district of the department list: give its code "
			    "(d.jianghan) or name (江汉区)");
		add(in, sp->name, code, strlen(code));
		return 0;
	case F_COORDINATES:
		return take_coordinates(in, v, e);
	case F_ATTACHMENTS:
		return take_attachments(in, v, e);
	case F_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return hl_input_fail(e, sp->name, "expected true or false, got %s",
					     json_type_words(v));
		if (json_object_get_boolean(v))
			add(in, sp->name, "1", 1);
		return 0;
	case F_KB_ENTRY: {
		char id[HL_KB_ID_MAX + 1];
		long version;

		if (!json_object_is_type(v, json_type_string) ||
		    hl_kb_entry_parse(json_object_get_string(v), id, sizeof(id), &version) < 0)
			return hl_input_fail(e, sp->name,
					     "expected \"<id>@<version>\": an entry id of 1 to %d "
					     "characters a-z, 0-9 and '-', '@' and a version from 1 "
					     "(sb-card-lost@2)",
					     HL_KB_ID_MAX);
		add(in, sp->name, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		return 0;
	}
	}
	return hl_input_fail(e, sp->name, "internal error: unhandled field kind");
}

static int has(const struct hl_ticket_input *in, const char *name)
{
	for (size_t i = 0; i < in->nfields; i++) {
		if (strcmp(in->fields[i].name, name) == 0)
			return 1;
	}
	return 0;
}

int hl_input_parse_object(const char *body, size_t len, struct json_object **doc_r,
			  struct hl_input_error *e)
{
	struct json_tokener *tok = json_tokener_new_ex(16);
	struct json_object *doc;
	enum json_tokener_error jerr;
	size_t offset;

	if (!tok)
		return hl_input_fail(e, "", "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	offset = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* a bare number or literal (123, null) ends only where the input does */
		doc = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		offset = len;
		if (jerr != json_tokener_success) {
			json_tokener_free(tok);
			return hl_input_fail(e, "",
					     "the JSON body ends too early (after %zu bytes)", len);
		}
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(doc);
		if (jerr == json_tokener_error_parse_utf8_string)
			return hl_input_fail(e, "", "the body is not valid UTF-8 (near byte %zu)",
					     offset);
		return hl_input_fail(e, "", "the body is not valid JSON: %s (near byte %zu)",
				     json_tokener_error_desc(jerr), offset);
	}
	for (; offset < len; offset++) {
		char c = body[offset];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			json_object_put(doc);
			return hl_input_fail(
			    e, "", "the body has text after its JSON value (at byte %zu)", offset);
		}
	}
	if (!json_object_is_type(doc, json_type_object)) {
		hl_input_fail(e, "", "expected a JSON object, got %s", json_type_words(doc));
		json_object_put(doc);
		return -1;
	}
	*doc_r = doc;
	return 0;
}

int hl_ticket_type_needs_place(const char *type)
{
	/* what a unit must go to see or fix; an untyped ticket may be any of them */
	return !type || (strcmp(type, "consultation") != 0 && strcmp(type, "suggestion") != 0 &&
			 strcmp(type, "praise") != 0);
}

static int parse_input(const char *body, size_t len, const struct hl_routes *routes,
		       enum hl_input_purpose purpose, struct hl_ticket_input *in,
		       struct hl_input_error *e)
{
	if (hl_input_parse_object(body, len, &in->doc, e) < 0)
		return -1;
	json_object_object_foreach(in->doc, key, val)
	{
		const struct field_spec *sp = spec_of(key);

		if (!sp)
			return hl_input_fail(
			    e, key,
			    "unknown field; known fields: channel, title, content, address, "
			    "district, coordinates, caller_phone, type, urgency, "
			    "citizen_name, citizen_id_number, contact_preference, "
			    "confidential, attachments, direct_answer, programme, kb_entry, "
			    "kb_query");
		if (json_object_is_type(val, json_type_null) && sp->kind != F_CHANNEL)
			continue; /* an optional field given as null is absent */
		if (take(in, sp, val, routes, e) < 0)
			return -1;
	}
	if (!in->channel)
		return hl_input_fail(e, "channel",
				     "is required: hotline (12345热线), board (城市留言板) or "
				     "tv (电视问政)");
	if (purpose == HL_INPUT_DRAFT) {
		/* a draft being typed: what there is so far, as long as it can be routed */
		if (!has(in, "title") && !has(in, "content"))
			return hl_input_fail(e, "content", "title or content is required");
		return 0;
	}
	if (!has(in, "title"))
		return hl_input_fail(e, "title", "is required");
	if (!has(in, "content"))
		return hl_input_fail(e, "content", "is required");
	if (hl_ticket_type_needs_place(in->type) && !has(in, "address") &&
	    !has(in, "district") && !has(in, "lat"))
		return hl_input_fail(e, "address",
				     "one of address, district or coordinates is required (only a "
				     "consultation, suggestion or praise may have no place)");
	if (strcmp(in->channel, "hotline") == 0 && !in->phone)
		return hl_input_fail(e, "caller_phone", "is required for a hotline ticket");
	if (in->answered_on_call && strcmp(in->channel, "hotline") != 0)
		return hl_input_fail(e, "direct_answer",
				     "only a hotline ticket can be answered on the call");
	if (has(in, "kb_entry") && !in->answered_on_call)
		return hl_input_fail(e, "kb_entry",
				     "only a direct answer (direct_answer) cites a knowledge-base "
				     "entry");
	if (has(in, "programme") && strcmp(in->channel, "tv") != 0)
		return hl_input_fail(e, "programme",
				     "only a tv ticket names a TV-inquiry programme");
	return 0;
}

int hl_ticket_input_parse(const char *body, size_t len, const struct hl_routes *routes,
			  enum hl_input_purpose purpose, struct hl_ticket_input *in,
			  struct hl_input_error *e)
{
	memset(in, 0, sizeof(*in));
	memset(e, 0, sizeof(*e));
	if (parse_input(body, len, routes, purpose, in, e) == 0)
		return 0;
	hl_ticket_input_free(in); /* a refused input is empty */
	memset(in, 0, sizeof(*in));
	return -1;
}

void hl_ticket_input_free(struct hl_ticket_input *in)
{
	json_object_put(in->doc);
	free(in->attachments_json);
	in->doc = NULL;
	in->attachments_json = NULL;
	in->nfields = 0;
}
