/* RESP command encoding without printf (see resp.h). hiredis 0.14's
 * redisFormatCommandArgv spends a sprintf on every argument's length header, which made
 * formatting a sixth of hotlined's instructions per ticket (BENCHMARKS.md, "Ingest and
 * routing: where the time goes"). */
#include "store/resp.h"

#include <string.h>

#include "base/decimal.h"

/* Writes c, the decimal n and CRLF at out; returns the end. */
static char *header(char *out, char c, size_t n)
{
	*out++ = c;
	out += hl_decimal_write(out, (long long)n);
	*out++ = '\r'; /* over the NUL */
	*out++ = '\n';
	return out;
}

size_t hl_resp_command_len(int argc, const size_t *lens)
{
	size_t len = 1 + hl_decimal_len((uint64_t)argc) + 2;

	for (int i = 0; i < argc; i++)
		len += 1 + hl_decimal_len(lens[i]) + 2 + lens[i] + 2;
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
