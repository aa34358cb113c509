/*
 * What the webhook plugin owes for an event (on_event): one delivery for each subscribing
 * unit that leads the ticket or co-handles it, its body the event and the ticket as JSON,
 * with the fields of base/mask.h's list of personal data masked as the API masks them for
 * roles that do not see personal data; put into the host's outbox, which hands each back
 * to delivery.c.
 */
#include <hotline/plugin.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* mask.h: the daemon's own masking code, linked into the plugin (a plugin links nothing
 * of the daemon): what departments receive is masked exactly as the API masks it. */
#include "base/mask.h"
#include "webhook.h"

/* The ticket fields departments receive. Those ending in _ms go as numbers; those of
 * hl_personal_fields (base/mask.h) masked; the rest as they are. */
static const char *const payload_fields[] = {
	"id", "channel", "state", "type", "urgency", "item", "district", "department",
	"co_units", "sla_policy", "master", "confidential", "reopens", "stage", "clock",
	"audience", "title", "content", "address", "caller_phone", "citizen_id_number",
	"citizen_name", "created_ms", "updated_ms", "dispatched_ms", "sign_due_ms",
	"answer_due_ms", "citizen_due_ms", "due_ms", "late_ms",
};

static void add_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

/* A field's value as departments receive it. */
static void add_field(struct json_object *t, const char *name, const char *value)
{
	size_t n = strlen(name);
	char *end;

	if (n > 3 && strcmp(name + n - 3, "_ms") == 0) {
		long long ms = strtoll(value, &end, 10);

		if (*value && !*end) {
			json_object_object_add(t, name, json_object_new_int64(ms));
			return;
		}
	}
	if (hl_field_is_personal(name)) {
		char *masked = hl_mask_field(name, value);

		if (masked) /* never the value whole */
			add_string(t, name, masked);
		free(masked);
		return;
	}
	add_string(t, name, value);
}

/* The body of one delivery; the caller frees. NULL when out of memory. */
static char *payload(const struct hl_webhook *wh, const struct hl_event *ev, const char *unit,
		     const char *role, size_t *len_r)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_object();
	const char *text;
	char *body = NULL;

	if (!o || !t) {
		json_object_put(o);
		json_object_put(t);
		return NULL;
	}
	add_string(o, "event", ev->type);
	json_object_object_add(o, "at_ms", json_object_new_int64(ev->at_ms));
	add_string(o, "ticket_id", ev->ticket_id);
	add_string(o, "recipient", unit);
	add_string(o, "role", role);
	if (ev->detail) {
		char *masked = hl_mask_text(ev->detail);

		if (masked)
			add_string(o, "detail", masked);
		free(masked);
	}
	for (size_t i = 0; i < sizeof(payload_fields) / sizeof(payload_fields[0]); i++) {
		const char *v = wh->host->ticket_field(ev->ticket, payload_fields[i]);

		if (v && *v)
			add_field(t, payload_fields[i], v);
	}
	json_object_object_add(o, "ticket", t);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text && (body = strdup(text)))
		*len_r = strlen(body);
	json_object_put(o);
	return body;
}

/* Whether `code` is in a comma-separated list. */
static int in_list(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && strncmp(p, code, n) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static void put(struct hl_webhook *wh, const struct hl_event *ev, const char *unit,
		const char *role)
{
	size_t len = 0;
	char *body;

	if (!hl_webhook_find_unit(wh, unit))
		return; /* not subscribed */
	if (!(body = payload(wh, ev, unit, role, &len)) ||
	    wh->host->outbox_put(wh->self, body, len) < 0)
		wh->host->log(wh->self, HL_LOG_ERROR, "not_queued id=%s unit=%s event=%s "
						      "reason=\"%s\"",
			      ev->ticket_id, unit, ev->type,
			      body ? "the outbox refused it" : "out of memory");
	free(body);
}

void hl_webhook_on_event(void *state, const struct hl_event *ev)
{
	struct hl_webhook *wh = state;
	const char *dept, *co;

	if (!ev->ticket || !ev->ticket_id || !hl_webhook_wanted(wh, ev->type))
		return;
	dept = wh->host->ticket_field(ev->ticket, "department");
	co = wh->host->ticket_field(ev->ticket, "co_units");
	if (dept && *dept)
		put(wh, ev, dept, "lead");
	for (const char *p = co; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char unit[HL_DEPT_CODE_MAX];

		if (len > 0 && len < sizeof(unit)) {
			memcpy(unit, p, len);
			unit[len] = '\0';
			if (!(dept && strcmp(unit, dept) == 0) && !in_list(p + len, unit))
				put(wh, ev, unit, "co_handling");
		}
		p = comma ? comma + 1 : NULL;
	}
}
