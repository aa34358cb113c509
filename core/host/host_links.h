/*
 * Where a plugin's notices (host->notify) and durable jobs (host->outbox_put, outbox_done,
 * outbox_dead) go. The host layer owns this interface so that it needs nothing of the
 * parts that serve it: the daemon owns one struct for its whole life, hands it to every
 * plugin instance it loads, fills its members as those parts start, and clears them when
 * it begins to free itself (an orderly stop leaves them: plugins may still put jobs while
 * Redis closes). A NULL notify or outbox means the call is logged and refused (put
 * fails).
 * Event loop only; the members are called from inside a plugin's call.
 */
#ifndef HL_HOST_LINKS_H
#define HL_HOST_LINKS_H

#include <stddef.h>

struct hl_outbox;
struct hl_self;

struct hl_host_links {
	/* A notice from `plugin` for `audience` about a ticket ("" for none). */
	void (*notify)(void *arg, const char *plugin, const char *audience,
		       const char *ticket_id, const char *text);
	void *notify_arg;
	/* The outbox (host/outbox.h) and its three calls; outbox is NULL while there is
	 * none. */
	struct hl_outbox *outbox;
	int (*outbox_put)(struct hl_outbox *outbox, struct hl_self *self, const void *payload, size_t len);
	void (*outbox_done)(struct hl_outbox *outbox, struct hl_self *self, const char *job_id);
	void (*outbox_dead)(struct hl_outbox *outbox, struct hl_self *self, const char *job_id,
			    const char *ticket_id, const char *reason);
};

#endif
