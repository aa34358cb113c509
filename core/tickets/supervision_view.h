/*
 * What the supervision endpoints (supervision.c, supervision_cases.c, accountability.c,
 * supervision_report.c) share: the JSON view of a record as Redis holds it, who may see
 * what of it, the answers of the scripts that create records, and the period of a query.
 */
#ifndef HL_SUPERVISION_VIEW_H
#define HL_SUPERVISION_VIEW_H

#include <stdint.h>

struct evhttp_request;
struct hl_call;
struct hl_principal;
struct hl_service;
struct hl_sv_fields;
struct json_object;
struct redisReply;

/* A record's flat HGETALL (borrowed) as JSON: list fields (units, co_units, tickets,
 * stems_from) as arrays, problems as its list, times (*_ms) as numbers with an ISO 8601
 * twin (created_ms -> created_at), counts as numbers; the accountable person's name
 * (person_name, a personal field of base/mask.c) masked unless who is a supervisor. The
 * caller owns the result. */
struct json_object *hl_sv_record_json(const struct redisReply *flat,
				      const struct hl_principal *who);

/* A field of a flat HGETALL, or NULL. Borrowed from the reply. */
const char *hl_sv_field(const struct redisReply *flat, const char *name);

/* May who see a case whose lead unit and co-units (commas) are these? Supervisors and
 * admins see every case; a unit its own (lead or co-unit); nobody else any. */
int hl_sv_case_readable(const struct hl_principal *who, const char *lead, const char *co);

/* Answers 403 and returns 0 unless who is a supervisor (what = "record programmes"...). */
int hl_sv_supervisor_only(struct evhttp_request *req, const struct hl_principal *who,
			  const char *what);
/* Answers 403 and returns 0 unless who is a supervisor, an admin or a unit (dept:). */
int hl_sv_reader(struct evhttp_request *req, const struct hl_principal *who, const char *what);

/* Answers a create script's reply ({'created', id} | {'denied', why} | {'bad', field, why})
 * with 201 {"id": ...}, 403 or 400 naming the field; Redis errors as hl_reply_redis_error.
 * `what` names the record for the log ("programme"). */
void hl_sv_reply_created(struct hl_call *c, const struct redisReply *reply, const char *what);

/* argv for a create script: `fixed` (n of them) then the field/value pairs of f. argv
 * must have room for n + 2 * f->n. Returns the count. */
int hl_sv_args(const char **argv, const char *const *fixed, int n, const struct hl_sv_fields *f);

/* The query string's parameters: each must be one of names (NULL-ended), given once;
 * its value (at most 63 bytes) goes into values[i] for names[i] ("" when absent). Returns
 * 0, or -1 after a 400 naming the parameter. */
#define HL_SV_QUERY_VALUE 64
int hl_sv_query(struct evhttp_request *req, const char *const *names,
		char (*values)[HL_SV_QUERY_VALUE]);

/* The period of a list or report from the query's from and to (ISO 8601; a `to` that is a
 * date alone is the end of that day; "" when absent), as ms text for ZRANGEBYSCORE:
 * "-inf" and "+inf" when absent. Returns 0, or -1 after a 400 naming the parameter. */
int hl_sv_period(struct evhttp_request *req, const char *from_text, const char *to_text,
		 char from[24], char to[24]);

#endif
