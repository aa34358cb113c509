/* Display width of UTF-8 text, fitting and wrapping it to columns; see width.h. */
#include "width.h"

#include <stdlib.h>
#include <string.h>

struct range {
	uint32_t lo, hi;
};

/* Unicode's East Asian Width W and F ranges (EastAsianWidth.txt), merged where they
 * touch; the emoji blocks are taken whole. Sorted, for the binary search. */
static const struct range wide[] = {
	{0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
	{0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
	{0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
	{0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
	{0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
	{0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
	{0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
	{0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
	{0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
	{0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
	{0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
	{0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
	{0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
	{0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B},
	{0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F64F},
	{0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F900, 0x1F9FF}, {0x1FA70, 0x1FAFF},
	{0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

/* Combining marks (Mn, Me) of the scripts a hotline meets, and zero-width characters:
 * ZWSP/ZWJ/ZWNJ, direction marks, word joiner, BOM, variation selectors, the Hangul
 * medial vowels and final consonants that join the syllable before them. */
static const struct range zero[] = {
	{0x0300, 0x036F},   {0x0483, 0x0489},   {0x0591, 0x05BD},   {0x05BF, 0x05BF},
	{0x05C1, 0x05C2},   {0x05C4, 0x05C5},   {0x05C7, 0x05C7},   {0x0610, 0x061A},
	{0x064B, 0x065F},   {0x0670, 0x0670},   {0x06D6, 0x06DC},   {0x06DF, 0x06E4},
	{0x06E7, 0x06E8},   {0x06EA, 0x06ED},   {0x0E31, 0x0E31},   {0x0E34, 0x0E3A},
	{0x0E47, 0x0E4E},   {0x0F71, 0x0F7E},   {0x1160, 0x11FF},   {0x1AB0, 0x1AFF},
	{0x1DC0, 0x1DFF},   {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x2064},
	{0x20D0, 0x20FF},   {0x302A, 0x302D},   {0x3099, 0x309A},   {0xFE00, 0xFE0F},
	{0xFE20, 0xFE2F},   {0xFEFF, 0xFEFF},   {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
	{0xE0100, 0xE01EF},
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	if (cp < r[0].lo || cp > r[n - 1].hi)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > r[mid].hi)
			lo = mid + 1;
		else if (cp < r[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

int hlc_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return -1;
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero, sizeof(zero) / sizeof(zero[0])))
		return 0;
	if (in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])))
		return 2;
	return 1;
}

size_t hlc_width_n(const char *s, size_t len)
{
	size_t cols = 0, i = 0;

	while (i < len) {
		uint32_t cp;
		int w;

		i += hl_utf8_decode(s + i, len - i, &cp);
		w = hlc_cp_width(cp);
		if (w > 0)
			cols += (size_t)w;
	}
	return cols;
}

size_t hlc_width(const char *s)
{
	return hlc_width_n(s, strlen(s));
}

size_t hlc_fit_bytes(const char *s, size_t cols, size_t *width_r)
{
	size_t len = strlen(s), i = 0, used = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = hl_utf8_decode(s + i, len - i, &cp);
		int w = hlc_cp_width(cp);
		size_t add = w > 0 ? (size_t)w : 0;

		if (add > 0 && used + add > cols)
			break;
		used += add;
		i += n;
	}
	if (width_r)
		*width_r = used;
	return i;
}

char *hlc_fit(const char *s, size_t cols, int flags)
{
	size_t width = hlc_width(s), keep = strlen(s), pad = 0, ell = 0;
	char *out, *p;

	if (width > cols && (flags & HLC_FIT_CUT)) {
		size_t room = cols > strlen(HLC_ELLIPSIS) ? cols - strlen(HLC_ELLIPSIS) : 0;

		ell = cols < strlen(HLC_ELLIPSIS) ? cols : strlen(HLC_ELLIPSIS);
		keep = hlc_fit_bytes(s, room, &width);
		width += ell;
	}
	if (width < cols)
		pad = cols - width;
	out = malloc(keep + ell + pad + 1);
	if (!out)
		return NULL;
	p = out;
	if (flags & HLC_FIT_RIGHT) {
		memset(p, ' ', pad);
		p += pad;
	}
	memcpy(p, s, keep);
	p += keep;
	memcpy(p, HLC_ELLIPSIS, ell);
	p += ell;
	if (!(flags & HLC_FIT_RIGHT)) {
		memset(p, ' ', pad);
		p += pad;
	}
	*p = '\0';
	return out;
}

size_t hlc_wrap_next(const char *s, size_t cols, size_t *skip_r)
{
	size_t len = strlen(s), i = 0, used = 0, brk = 0;

	*skip_r = 0;
	if (cols == 0)
		cols = 1;
	while (i < len) {
		uint32_t cp;
		size_t n = hl_utf8_decode(s + i, len - i, &cp);
		int w = hlc_cp_width(cp);
		size_t add = w > 0 ? (size_t)w : 0;

		if (cp == '\n') {
			*skip_r = 1;
			return i;
		}
		if (cp == ' ' && i > 0)
			brk = i; /* the line may end before this space */
		if (add > 0 && used + add > cols && i > 0) {
			size_t end = cp == ' ' ? i : brk ? brk : i;
			size_t next = end;

			while (s[next] == ' ')
				next++;
			/* a break at spaces also swallows a newline right after them */
			if (s[next] == '\n' && next > end)
				next++;
			*skip_r = next - end;
			return end;
		}
		used += add;
		i += n;
	}
	return i;
}

char *hlc_printable(const char *s, int keep_newlines)
{
	size_t len = strlen(s), i = 0;
	/* U+FFFD takes 3 bytes where a malformed byte took 1 */
	char *out = malloc(len * 3 + 1), *p = out;

	if (!out)
		return NULL;
	while (i < len) {
		uint32_t cp;
		size_t n = hl_utf8_decode(s + i, len - i, &cp);

		if (cp == HL_UTF8_REPLACEMENT && n == 1 && (unsigned char)s[i] >= 0x80) {
			p += hl_utf8_encode(HL_UTF8_REPLACEMENT, p);
		} else if (hlc_cp_width(cp) < 0) {
			*p++ = cp == '\n' && keep_newlines ? '\n' : ' ';
		} else {
			memcpy(p, s + i, n);
			p += n;
		}
		i += n;
	}
	*p = '\0';
	return out;
}
