/* The people context: started, registered, freed; see people.h. */
#include "people/people.h"

#include <stdlib.h>

#include "host/service.h"
#include "people/kdf.h"
#include "people/people_api.h"
#include "people/session_gate.h"
#include "people/sessions.h"
#include "people/users.h"

/* Logins, password changes and account creations waiting for the hashing worker, at
 * most; more get 503 at once instead of queueing behind seconds of hashing. */
#define KDF_QUEUE_MAX 16

struct hl_people *hl_people_start(struct hl_service *svc)
{
	struct hl_people *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->svc = svc;
	if (!(p->kdf = hl_kdf_start(svc->base, KDF_QUEUE_MAX)) ||
	    hl_session_gate_register(p) < 0 || hl_sessions_register(p) < 0 ||
	    hl_users_register(p) < 0) {
		hl_kdf_free(p->kdf);
		free(p);
		return NULL;
	}
	return p;
}

void hl_people_free(struct hl_people *p)
{
	if (!p)
		return;
	p->closing = 1;
	hl_kdf_free(p->kdf); /* its callbacks answer 503 now that closing is set */
	hl_sessions_cancel_waits(p);
	free(p);
}
