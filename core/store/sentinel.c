/* Asking Redis Sentinels for the primary and following +switch-master; see sentinel.h. */
#include "store/sentinel.h"

#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "store/attach.h"

struct one {
	char addr[80]; /* "IP:port", as logged */
	char host[64];
	int port;
	int answered; /* 1, 0, or -1 before the first question */
	char error[160];
};

struct hl_sentinel {
	struct event_base *base;
	struct one *list;
	size_t n;
	char *master_name;
	int64_t timeout_ms, retry_min_ms, retry_max_ms;
	struct hl_sentinel_hooks hooks;

	/* the round: one question at a time */
	int asking;
	size_t start, asked; /* asking list[(start + asked) % n] */
	size_t named_by;     /* the sentinel whose answer was taken last */
	redisAsyncContext *qac; /* its data is s while the question is ours, NULL once done */
	struct event *qtimer;   /* the question's timeout */
	struct event *step;     /* zero-delay: the next step, outside hiredis callbacks */
	int qdone, qok;
	char qhost[64];
	int qport;
	char qerror[160];

	/* the subscription */
	redisAsyncContext *sac;
	struct event *stimer; /* connect timeout, or the delay before the next attempt */
	size_t snext;         /* the sentinel tried next */
	int subscribed;       /* index into list, or -1 */
	int64_t sbackoff_ms;
};

static struct timeval ms_tv(int64_t ms)
{
	return (struct timeval){(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
}

/* --- a round of questions ---------------------------------------------------------- */

static void ask_next(struct hl_sentinel *s);

/* The question's outcome is in qok/qhost/qerror: go on from the event loop. */
static void question_done(struct hl_sentinel *s)
{
	struct timeval now = {0, 0};

	s->qdone = 1;
	event_del(s->qtimer);
	event_add(s->step, &now);
}

/* Forgets the question's connection: its callbacks will find no owner. */
static void question_release(struct hl_sentinel *s, int free_it)
{
	redisAsyncContext *ac = s->qac;

	s->qac = NULL;
	if (!ac)
		return;
	ac->data = NULL;
	if (free_it)
		redisAsyncFree(ac);
}

static void q_reply(redisAsyncContext *ac, void *reply_p, void *privdata)
{
	struct hl_sentinel *s = ac->data;
	redisReply *reply = reply_p;

	(void)privdata;
	if (!s || !reply) /* not ours any more, or gone: the disconnect callback says why */
		return;
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
	    reply->element[0]->type == REDIS_REPLY_STRING &&
	    reply->element[1]->type == REDIS_REPLY_STRING &&
	    reply->element[0]->len < sizeof(s->qhost) && atoi(reply->element[1]->str) > 0) {
		s->qok = 1;
		snprintf(s->qhost, sizeof(s->qhost), "%s", reply->element[0]->str);
		s->qport = atoi(reply->element[1]->str);
	} else if (reply->type == REDIS_REPLY_ERROR) {
		snprintf(s->qerror, sizeof(s->qerror), "%s", reply->str);
	} else if (reply->type == REDIS_REPLY_NIL) {
		snprintf(s->qerror, sizeof(s->qerror), "it does not know master %s",
			 s->master_name);
	} else {
		snprintf(s->qerror, sizeof(s->qerror), "an answer that is not an address");
	}
	question_release(s, 0);
	redisAsyncDisconnect(ac);
	question_done(s);
}

static void q_connected(const redisAsyncContext *ac, int status)
{
	struct hl_sentinel *s = ac->data;

	if (!s)
		return;
	if (status != REDIS_OK) { /* hiredis frees the context after this */
		snprintf(s->qerror, sizeof(s->qerror), "%s", ac->errstr);
		s->qac = NULL;
		question_done(s);
		return;
	}
	if (redisAsyncCommand(s->qac, q_reply, NULL, "SENTINEL get-master-addr-by-name %s",
			      s->master_name) != REDIS_OK) {
		snprintf(s->qerror, sizeof(s->qerror), "out of memory");
		question_release(s, 0);
		redisAsyncDisconnect((redisAsyncContext *)ac);
		question_done(s);
	}
}

static void q_disconnected(const redisAsyncContext *ac, int status)
{
	struct hl_sentinel *s = ac->data;

	if (!s)
		return;
	snprintf(s->qerror, sizeof(s->qerror), "%s",
		 status != REDIS_OK ? ac->errstr : "connection closed");
	s->qac = NULL;
	question_done(s);
}

static void q_timed_out(evutil_socket_t fd, short what, void *arg)
{
	struct hl_sentinel *s = arg;

	(void)fd;
	(void)what;
	snprintf(s->qerror, sizeof(s->qerror), "no answer within %lld ms",
		 (long long)s->timeout_ms);
	question_release(s, 1);
	question_done(s);
}

/* Starts connecting to sentinel o, on the loop, with these callbacks. NULL, with why in
 * err, when it failed at once. */
static redisAsyncContext *connect_to(struct hl_sentinel *s, const struct one *o,
				     redisConnectCallback *on_connect,
				     redisDisconnectCallback *on_disconnect, char *err, size_t len)
{
	redisAsyncContext *ac = redisAsyncConnect(o->host, o->port);

	if (!ac || ac->err) {
		snprintf(err, len, "%s", ac ? ac->errstr : "out of memory");
		if (ac)
			redisAsyncFree(ac);
		return NULL;
	}
	ac->data = s;
	hl_store_attach(ac, s->base);
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	return ac;
}

static void ask_one(struct hl_sentinel *s, size_t i)
{
	struct timeval tv = ms_tv(s->timeout_ms);

	s->qdone = s->qok = 0;
	s->qerror[0] = '\0';
	s->qac = connect_to(s, &s->list[i], q_connected, q_disconnected, s->qerror,
			    sizeof(s->qerror));
	if (!s->qac) {
		question_done(s);
		return;
	}
	event_add(s->qtimer, &tv);
}

static void ask_next(struct hl_sentinel *s)
{
	if (s->asked == s->n) {
		s->asking = 0;
		s->start = 0;
		s->hooks.none(s->hooks.arg);
		return;
	}
	ask_one(s, (s->start + s->asked) % s->n);
}

static void step_fired(evutil_socket_t fd, short what, void *arg)
{
	struct hl_sentinel *s = arg;
	size_t i = (s->start + s->asked) % s->n;
	struct one *o = &s->list[i];

	(void)fd;
	(void)what;
	if (!s->asking)
		return;
	if (!s->qdone) { /* the round starts */
		ask_next(s);
		return;
	}
	if (s->qok) {
		o->answered = 1;
		o->error[0] = '\0';
		s->named_by = i;
		s->asking = 0;
		s->start = 0;
		hl_log(HL_LOG_INFO, "redis", "sentinel_named sentinel=%s primary=%s:%d", o->addr,
		       s->qhost, s->qport);
		s->hooks.found(s->hooks.arg, s->qhost, s->qport);
		return;
	}
	o->answered = 0;
	snprintf(o->error, sizeof(o->error), "%s", s->qerror);
	hl_log(HL_LOG_WARN, "redis", "sentinel_unreachable sentinel=%s error=\"%s\"", o->addr,
	       s->qerror);
	s->asked++;
	s->qdone = 0;
	ask_next(s);
}

void hl_sentinel_ask(struct hl_sentinel *s)
{
	struct timeval now = {0, 0};

	if (s->asking)
		return;
	s->asking = 1;
	s->asked = 0;
	s->qdone = 0;
	event_add(s->step, &now);
}

void hl_sentinel_cancel(struct hl_sentinel *s)
{
	s->asking = 0;
	s->qdone = 0;
	event_del(s->step);
	event_del(s->qtimer);
	question_release(s, 1);
}

void hl_sentinel_wrong_node(struct hl_sentinel *s, const char *named, const char *role)
{
	hl_log(HL_LOG_WARN, "redis", "sentinel_wrong_node sentinel=%s named=%s role=%s",
	       s->list[s->named_by].addr, named, role);
	s->list[s->named_by].answered = 0;
	snprintf(s->list[s->named_by].error, sizeof(s->list[0].error),
		 "it named %s, whose role is %s", named, role);
	s->start = (s->named_by + 1) % s->n;
}

/* --- the +switch-master subscription ----------------------------------------------- */

static void subscribe_next(evutil_socket_t fd, short what, void *arg);

/* The subscription's connection is gone (or never came): try the next sentinel, sooner
 * while some have not been tried since the last success. */
static void subscription_lost(struct hl_sentinel *s, const char *error)
{
	struct timeval tv;
	size_t i = s->snext;

	if (s->subscribed >= 0 || error[0])
		hl_log(HL_LOG_WARN, "redis", "sentinel_subscription_lost sentinel=%s error=\"%s\"",
		       s->list[i].addr, error);
	s->subscribed = -1;
	s->sac = NULL;
	s->snext = (i + 1) % s->n;
	tv = ms_tv(s->sbackoff_ms);
	s->sbackoff_ms = s->sbackoff_ms * 2 > s->retry_max_ms ? s->retry_max_ms : s->sbackoff_ms * 2;
	event_del(s->stimer);
	event_assign(s->stimer, s->base, -1, 0, subscribe_next, s);
	event_add(s->stimer, &tv);
}

static void s_message(redisAsyncContext *ac, void *reply_p, void *privdata)
{
	struct hl_sentinel *s = ac->data;
	redisReply *reply = reply_p;
	char name[128], oldh[64], newh[64];
	int oldp, newp;

	(void)privdata;
	if (!s || !reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
	    reply->element[0]->type != REDIS_REPLY_STRING)
		return;
	if (strcmp(reply->element[0]->str, "subscribe") == 0) {
		s->subscribed = (int)s->snext;
		s->sbackoff_ms = s->retry_min_ms;
		hl_log(HL_LOG_INFO, "redis", "sentinel_subscribed sentinel=%s",
		       s->list[s->snext].addr);
		return;
	}
	if (strcmp(reply->element[0]->str, "message") != 0 ||
	    reply->element[2]->type != REDIS_REPLY_STRING ||
	    sscanf(reply->element[2]->str, "%127s %63s %d %63s %d", name, oldh, &oldp, newh,
		   &newp) != 5 ||
	    strcmp(name, s->master_name) != 0)
		return;
	hl_log(HL_LOG_WARN, "redis", "sentinel_switch_master sentinel=%s from=%s:%d to=%s:%d",
	       s->list[s->snext].addr, oldh, oldp, newh, newp);
	s->hooks.switched(s->hooks.arg, newh, newp);
}

static void s_connected(const redisAsyncContext *ac, int status)
{
	struct hl_sentinel *s = ac->data;

	if (!s)
		return;
	event_del(s->stimer);
	if (status != REDIS_OK) {
		subscription_lost(s, ac->errstr);
		return;
	}
	if (redisAsyncCommand(s->sac, s_message, NULL, "SUBSCRIBE +switch-master") != REDIS_OK)
		redisAsyncDisconnect(s->sac);
}

static void s_disconnected(const redisAsyncContext *ac, int status)
{
	struct hl_sentinel *s = ac->data;

	if (!s)
		return;
	subscription_lost(s, status != REDIS_OK ? ac->errstr : "connection closed");
}

static void s_timed_out(evutil_socket_t fd, short what, void *arg)
{
	struct hl_sentinel *s = arg;
	redisAsyncContext *ac = s->sac;

	(void)fd;
	(void)what;
	ac->data = NULL;
	redisAsyncFree(ac);
	subscription_lost(s, "connect timed out");
}

static void subscribe_next(evutil_socket_t fd, short what, void *arg)
{
	struct hl_sentinel *s = arg;
	struct timeval tv = ms_tv(s->timeout_ms);
	char why[128];

	(void)fd;
	(void)what;
	s->sac = connect_to(s, &s->list[s->snext], s_connected, s_disconnected, why, sizeof(why));
	if (!s->sac) {
		subscription_lost(s, why);
		return;
	}
	event_del(s->stimer);
	event_assign(s->stimer, s->base, -1, 0, s_timed_out, s);
	event_add(s->stimer, &tv);
}

/* --- life ---------------------------------------------------------------------------- */

struct hl_sentinel *hl_sentinel_start(struct event_base *base, const struct hl_address *list,
				      size_t n, const char *master_name, int64_t timeout_ms,
				      int64_t retry_min_ms, int64_t retry_max_ms,
				      const struct hl_sentinel_hooks *hooks)
{
	struct hl_sentinel *s = calloc(1, sizeof(*s));
	struct timeval now = {0, 0};

	if (!s)
		return NULL;
	s->base = base;
	s->n = n;
	s->timeout_ms = timeout_ms;
	s->retry_min_ms = s->sbackoff_ms = retry_min_ms;
	s->retry_max_ms = retry_max_ms;
	s->hooks = *hooks;
	s->subscribed = -1;
	if (!(s->list = calloc(n, sizeof(*s->list))) || !(s->master_name = strdup(master_name)) ||
	    !(s->qtimer = event_new(base, -1, 0, q_timed_out, s)) ||
	    !(s->step = event_new(base, -1, 0, step_fired, s)) ||
	    !(s->stimer = event_new(base, -1, 0, subscribe_next, s))) {
		hl_sentinel_free(s);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct one *o = &s->list[i];
		snprintf(o->host, sizeof(o->host), "%s", list[i].host);
		o->port = list[i].port;
		snprintf(o->addr, sizeof(o->addr), strchr(o->host, ':') ? "[%s]:%d" : "%s:%d",
			 o->host, o->port);
		o->answered = -1;
	}
	event_add(s->stimer, &now);
	return s;
}

void hl_sentinel_free(struct hl_sentinel *s)
{
	if (!s)
		return;
	question_release(s, 1);
	if (s->sac) {
		redisAsyncContext *ac = s->sac;
		s->sac = NULL;
		ac->data = NULL;
		redisAsyncFree(ac);
	}
	if (s->qtimer)
		event_free(s->qtimer);
	if (s->step)
		event_free(s->step);
	if (s->stimer)
		event_free(s->stimer);
	free(s->master_name);
	free(s->list);
	free(s);
}

size_t hl_sentinel_count(const struct hl_sentinel *s)
{
	return s->n;
}

const char *hl_sentinel_addr(const struct hl_sentinel *s, size_t i)
{
	return s->list[i].addr;
}

int hl_sentinel_answered(const struct hl_sentinel *s, size_t i)
{
	return s->list[i].answered;
}

const char *hl_sentinel_error(const struct hl_sentinel *s, size_t i)
{
	return s->list[i].error;
}

const char *hl_sentinel_subscribed(const struct hl_sentinel *s)
{
	return s->subscribed >= 0 ? s->list[s->subscribed].addr : "";
}
