/* Masking phone and ID numbers; see mask.h. */
#include "mask.h"

#include <stdlib.h>
#include <string.h>

/* Whether character i of an n-character number stays visible. */
static int shown(size_t i, size_t n)
{
	return (n >= 11 && i < 3) || i + (n > 4 ? 4 : n) >= n;
}

/* Masks the n characters at s in place. */
static void mask_run(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!shown(i, n))
			s[i] = '*';
	}
}

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

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

char *hl_mask_text(const char *text)
{
	char *out = strdup(text);
	size_t i = 0;

	if (!out)
		return NULL;
	while (out[i]) {
		size_t start = i;

		while (is_digit(out[i]))
			i++;
		/* 17 digits and an X: an ID number (GB 11643) */
		if (i - start == 17 && (out[i] == 'X' || out[i] == 'x'))
			i++;
		if (i - start >= 7)
			mask_run(out + start, i - start);
		if (i == start)
			i++;
	}
	return out;
}
