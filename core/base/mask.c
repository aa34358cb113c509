/* Masking phone and ID numbers, names and free text, field by field; see mask.h. */
#include "base/mask.h"

#include <stdlib.h>
#include <string.h>

/* Whether character i of an n-character number stays visible. */
static int shown(size_t i, size_t n)
{
	return (n >= 11 && i < 3) || i + (n > 4 ? 4 : n) >= n;
}

/* Masks the n characters at s in place. */
void hl_mask_number(const char *value, char *out, size_t outlen)
{
	size_t n = strlen(value), i;

	if (outlen == 0)
		return;
	/* masked as the whole value is, even when out has room for its start only */
	for (i = 0; i < n && i + 1 < outlen; i++)
		out[i] = shown(i, n) ? value[i] : '*';
	out[i] = '\0';
}

void hl_mask_name(const char *name, char *out, size_t outlen)
{
	size_t first = 0, used, chars = 0;

	if (outlen == 0)
		return;
	if (name[0]) /* the first character, whole: its UTF-8 continuation bytes follow */
		for (first = 1; ((unsigned char)name[first] & 0xC0) == 0x80; first++)
			;
	used = first < outlen ? first : 0;
	memcpy(out, name, used);
	for (const char *p = name + first; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	for (; chars > 0 && used + 1 < outlen; chars--)
		out[used++] = '*';
	out[used] = '\0';
}

/* Bytes of the digit at s: 1 for 0-9, 3 for a full-width ０-９ (U+FF10-FF19), else 0. */
static size_t digit_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] >= '0' && u[0] <= '9')
		return 1;
	if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99)
		return 3;
	return 0;
}

static int is_separator(char c)
{
	return c == ' ' || c == '-' || c == '.';
}

/* Measures the number starting at s: digits, each pair of groups joined by at most one
 * separator, and an ID number's final X. Returns its bytes; *digits_r counts digits and
 * *grouped_r says whether separators joined groups. */
static size_t number_at(const char *s, size_t *digits_r, int *grouped_r)
{
	size_t i = 0, digits = 0, d;

	*grouped_r = 0;
	for (;;) {
		while ((d = digit_len(s + i)) > 0) {
			i += d;
			digits++;
		}
		if (is_separator(s[i]) && digit_len(s + i + 1) > 0) {
			i++;
			*grouped_r = 1;
		} else {
			break;
		}
	}
	if (digits == 17 && (s[i] == 'X' || s[i] == 'x')) { /* GB 11643 */
		i++;
		digits++;
	}
	*digits_r = digits;
	return i;
}

char *hl_mask_text(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	const char *p = text;

	if (!out)
		return NULL;
	while (*p) {
		size_t digits = 0;
		int grouped = 0;
		size_t len = digit_len(p) ? number_at(p, &digits, &grouped) : 0;

		if (len == 0) {
			*o++ = *p++;
			continue;
		}
		/* A grouped number needs a phone's or an ID's length, so that dates such as
		 * 2026-09-30 stay readable. */
		if (digits < (grouped ? 10u : 7u)) {
			memcpy(o, p, len);
			o += len;
			p += len;
			continue;
		}
		for (size_t k = 0; len > 0;) {
			size_t d = digit_len(p);

			if (d == 0) { /* a separator, or the final X */
				*o++ = is_separator(*p) ? *p : (shown(k++, digits) ? *p : '*');
				p++;
				len--;
				continue;
			}
			if (shown(k++, digits)) {
				memcpy(o, p, d);
				o += d;
			} else {
				*o++ = '*';
			}
			p += d;
			len -= d;
		}
	}
	*o = '\0';
	return out;
}

const struct hl_personal_field hl_personal_fields[] = {
	{"caller_phone", HL_MASK_NUMBER},
	{"citizen_id_number", HL_MASK_NUMBER},
	{"citizen_name", HL_MASK_NAME},
	{"title", HL_MASK_TEXT},
	{"content", HL_MASK_TEXT},
	{"address", HL_MASK_TEXT},
	{"direct_answer", HL_MASK_TEXT},
	{"kb_query", HL_MASK_TEXT}, /* the agent's last 政策通 search: may quote the caller */
	{"person_name", HL_MASK_NAME}, /* the person of an accountability record (问责) */
	{NULL, HL_MASK_NONE},
};

enum hl_mask_kind hl_field_masking(const char *name)
{
	for (const struct hl_personal_field *f = hl_personal_fields; f->name; f++) {
		if (strcmp(f->name, name) == 0)
			return f->kind;
	}
	return HL_MASK_NONE;
}

int hl_field_is_personal(const char *name)
{
	return hl_field_masking(name) != HL_MASK_NONE;
}

char *hl_mask_field(const char *name, const char *value)
{
	/* a masked number or name is never longer than the value */
	size_t size = strlen(value) + 1;
	char *out;

	switch (hl_field_masking(name)) {
	case HL_MASK_TEXT:
		return hl_mask_text(value);
	case HL_MASK_NUMBER:
		if ((out = malloc(size)))
			hl_mask_number(value, out, size);
		return out;
	case HL_MASK_NAME:
		if ((out = malloc(size)))
			hl_mask_name(value, out, size);
		return out;
	case HL_MASK_NONE:
		break;
	}
	return strdup(value);
}
