/* hiredis's libevent adapter, included here alone; see attach.h. */
#include "store/attach.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>

int hl_store_attach(struct redisAsyncContext *ac, struct event_base *base)
{
	return redisLibeventAttach(ac, base);
}
