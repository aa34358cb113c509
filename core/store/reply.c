/* Strings and tickets out of hiredis replies; see reply.h. */
#include "store/reply.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ticket.h"

const char *hl_reply_str(const struct redisReply *reply, size_t i, char *buf, size_t buflen)
{
	const struct redisReply *e;

	if (!reply || reply->type != REDIS_REPLY_ARRAY || i >= reply->elements)
		return "";
	e = reply->element[i];
	if (e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS)
		return e->str;
	if (e->type == REDIS_REPLY_INTEGER) {
		snprintf(buf, buflen, "%lld", e->integer);
		return buf;
	}
	return "";
}

int hl_ticket_from_reply(const struct redisReply *flat, struct hl_ticket *t)
{
	struct hl_ticket_field local[64] = {{NULL, NULL}}, *fields = local;
	size_t n;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!flat || flat->type != REDIS_REPLY_ARRAY || flat->elements % 2)
		return -1;
	n = flat->elements / 2;
	for (size_t i = 0; i < flat->elements; i++) {
		if (flat->element[i]->type != REDIS_REPLY_STRING)
			return -1;
	}
	if (n > sizeof(local) / sizeof(local[0]) && !(fields = malloc(n * sizeof(*fields))))
		return -1;
	for (size_t i = 0; i < n; i++)
		fields[i] = (struct hl_ticket_field){flat->element[2 * i]->str,
						     flat->element[2 * i + 1]->str};
	rc = hl_ticket_copy(fields, n, t);
	if (fields != local)
		free(fields);
	return rc;
}

void hl_ticket_release(struct hl_ticket *t)
{
	struct hl_ticket *related = (struct hl_ticket *)t->related;

	for (size_t i = 0; i < t->nrelated; i++)
		hl_ticket_release(&related[i]);
	free(related);
	free((void *)t->fields);
	memset(t, 0, sizeof(*t));
}
