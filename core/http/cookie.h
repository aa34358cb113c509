/*
 * Cookies, the little the API needs of them: reading one cookie's value out of a
 * request's Cookie header (RFC 6265 §5.4: "name=value; name2=value2"), and writing the
 * Set-Cookie value of a session cookie with its flags. Pure string work, no state.
 */
#ifndef HL_COOKIE_H
#define HL_COOKIE_H

#include <stddef.h>

/* Copies the value of cookie `name` in the Cookie header `header` (may be NULL) into buf
 * (len bytes, NUL-terminated), surrounding double quotes removed. Returns the value's
 * length, 0 when the cookie is absent or empty, or -1 when it is longer than buf holds.
 * The first cookie of that name counts. */
int hl_cookie_get(const char *header, const char *name, char *buf, size_t len);

/* Writes "name=value; Path=/; HttpOnly; SameSite=Strict" (and "; Secure" when secure,
 * and "; Max-Age=0" when value is "", which clears the cookie in the browser) into buf.
 * Returns 0, or -1 when buf is too small. */
int hl_cookie_set_value(char *buf, size_t len, const char *name, const char *value,
			int secure);

#endif
