/* Reading a cookie from a Cookie header, writing a session cookie; see cookie.h. */
#include "http/cookie.h"

#include <stdio.h>
#include <string.h>

int hl_cookie_get(const char *header, const char *name, char *buf, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (len)
		buf[0] = '\0';
	while (p && *p) {
		size_t pair, vlen;
		const char *value;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		pair = strcspn(p, ";");
		if (pair > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			value = p + nlen + 1;
			vlen = pair - nlen - 1;
			while (vlen && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
				value++;
				vlen -= 2;
			}
			if (vlen >= len)
				return -1;
			memcpy(buf, value, vlen);
			buf[vlen] = '\0';
			return (int)vlen;
		}
		p += pair;
	}
	return 0;
}

int hl_cookie_set_value(char *buf, size_t len, const char *name, const char *value,
			int secure)
{
	int n = snprintf(buf, len, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
			 secure ? "; Secure" : "", *value ? "" : "; Max-Age=0");

	return n < 0 || (size_t)n >= len ? -1 : 0;
}
