/* The session's person first, the bearer token second; see caller.h. */
#include "people/caller.h"

#include <stddef.h>

#include "config/auth.h"
#include "http/http.h"
#include "people/person.h"

int hl_caller_identify(struct evhttp_request *req, const struct hl_auth *auth, int flags,
		       const struct hl_principal **who_r, struct hl_person **person_r)
{
	struct hl_person *p = hl_http_attachment(req);
	enum hl_auth_result r;

	*person_r = NULL;
	if (p) {
		if (p->must_change && !(flags & HL_CALLER_MUST_CHANGE_OK)) {
			hl_http_reply_error(req, 403, "password", "password change required");
			return -1;
		}
		*person_r = hl_person_ref(p);
		*who_r = &p->who;
		return 0;
	}
	r = hl_auth_check(auth, hl_http_header(req, "Authorization"), who_r);
	if (r != HL_AUTH_OK) {
		hl_http_set_header(req, "WWW-Authenticate", "Bearer realm=\"hotline\"");
		hl_http_reply_error(req, 401, "Authorization", "%s", hl_auth_result_text(r));
		return -1;
	}
	return 0;
}
