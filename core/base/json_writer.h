/* A JSON object of string members written straight into a buffer, for answers small
 * and fixed enough that a json-c tree (an allocation per member, a hash table, then the
 * text) is most of their cost, such as the 201 of POST /v1/tickets. Strings are escaped
 * as json-c escapes them with JSON_C_TO_STRING_NOSLASHESCAPE (hl_http_reply_json's
 * flags): the same bytes either way. Pure: no allocation, callable from anywhere. */
#ifndef HL_BASE_JSON_WRITER_H
#define HL_BASE_JSON_WRITER_H

#include <stddef.h>

struct hl_json_writer {
	char *buf; /* borrowed from the caller */
	size_t cap, len;
	int members;
	int overflow; /* set when something did not fit; the text is then unusable */
};

/* Starts an object ("{") in buf of cap bytes. */
void hl_json_writer_init(struct hl_json_writer *w, char *buf, size_t cap);

/* Appends the member "key":"value" (both UTF-8, escaped here). */
void hl_json_writer_string(struct hl_json_writer *w, const char *key, const char *value);

/* Ends the object ("}" and a NUL). Returns the text (the caller's buf) and its length in
 * *len_r, or NULL when the buffer was too small. */
const char *hl_json_writer_finish(struct hl_json_writer *w, size_t *len_r);

#endif
