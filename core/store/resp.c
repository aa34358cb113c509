/* RESP command encoding without printf (see resp.h). hiredis 0.14's
 * redisFormatCommandArgv spends a sprintf on every argument's length header, which made
 * formatting a sixth of hotlined's instructions per ticket (BENCHMARKS.md, "Ingest and
 * routing: where the time goes"). */
#include "store/resp.h"

#include <string.h>

/* Decimal digits of n. */
static size_t digits(size_t n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Writes c, the decimal n and CRLF at out; returns the end. */
static char *header(char *out, char c, size_t n)
{
	size_t d = digits(n);

	*out++ = c;
	for (size_t i = d; i > 0; i--) {
		out[i - 1] = (char)('0' + n % 10);
		n /= 10;
	}
	out += d;
	*out++ = '\r';
	*out++ = '\n';
	return out;
}

size_t hl_resp_command_len(int argc, const size_t *lens)
{
	size_t len = 1 + digits((size_t)argc) + 2;

	for (int i = 0; i < argc; i++)
		len += 1 + digits(lens[i]) + 2 + lens[i] + 2;
	return len;
}

size_t hl_resp_write_command(char *out, int argc, const char *const *argv, const size_t *lens)
{
	char *p = header(out, '*', (size_t)argc);

	for (int i = 0; i < argc; i++) {
		p = header(p, '$', lens[i]);
		memcpy(p, argv[i], lens[i]);
		p += lens[i];
		*p++ = '\r';
		*p++ = '\n';
	}
	return (size_t)(p - out);
}
