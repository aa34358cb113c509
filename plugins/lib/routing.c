/* Explanation lines and UTF-8-safe truncation for the routing code; see routing.h. */
#include "routing.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void hl_utf8_cut(char *s, size_t max)
{
	size_t n = strlen(s), lead, want;
	unsigned char c;

	if (n > max)
		n = max;
	/* Find where the last character starts and drop it when it is not whole. */
	for (lead = n; lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80; lead--)
		;
	if (lead > 0) {
		c = (unsigned char)s[lead - 1];
		want = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
		if (lead - 1 + want > n)
			n = lead - 1;
	}
	s[n] = '\0';
}

void hl_explainf(const struct hl_explain *ex, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (!ex || !ex->fn)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		hl_utf8_cut(line, sizeof(line) - 1); /* vsnprintf may have split a character */
	ex->fn(ex->arg, line);
}
