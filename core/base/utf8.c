/* UTF-8 decoding (one malformed byte = one U+FFFD) and encoding; see utf8.h. */
#include "base/utf8.h"

size_t hl_utf8_decode(const char *s, size_t len, uint32_t *cp_r)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp, min;
	size_t n;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp_r = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2, cp = p[0] & 0x1F, min = 0x80;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3, cp = p[0] & 0x0F, min = 0x800;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4, cp = p[0] & 0x07, min = 0x10000;
	} else {
		goto bad; /* a continuation byte, C0, C1 (always overlong) or F5..FF */
	}
	if (len < n)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			goto bad;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*cp_r = cp;
	return n;
bad:
	*cp_r = HL_UTF8_REPLACEMENT;
	return 1;
}

size_t hl_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}
