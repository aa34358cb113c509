/* JSON objects of string members without a DOM (see json_writer.h). */
#include "base/json_writer.h"

#include <string.h>

static void put(struct hl_json_writer *w, const char *s, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = 1;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* A quoted JSON string: json-c's json_escape_str with NOSLASHESCAPE, which escapes the
 * quote, the backslash, \b \f \n \r \t by name and the other bytes below 0x20 as \u00xx
 * (lowercase), and leaves every other byte (UTF-8 included) as it is. */
static void put_string(struct hl_json_writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	put(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = {'\\', 0, 0, 0, 0, 0};
		size_t n = 2;

		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			if (c >= 0x20)
				continue;
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			n = 6;
		}
		put(w, run, (size_t)(s - run));
		put(w, esc, n);
		run = s + 1;
	}
	put(w, run, (size_t)(s - run));
	put(w, "\"", 1);
}

void hl_json_writer_init(struct hl_json_writer *w, char *buf, size_t cap)
{
	*w = (struct hl_json_writer){.buf = buf, .cap = cap};
	put(w, "{", 1);
}

void hl_json_writer_string(struct hl_json_writer *w, const char *key, const char *value)
{
	if (w->members++)
		put(w, ",", 1);
	put_string(w, key);
	put(w, ":", 1);
	put_string(w, value);
}

const char *hl_json_writer_finish(struct hl_json_writer *w, size_t *len_r)
{
	put(w, "}", 1);
	put(w, "", 1); /* the NUL, not counted */
	if (w->overflow)
		return NULL;
	*len_r = w->len - 1;
	return w->buf;
}
