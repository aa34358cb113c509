/* A Redis store as a readable text of commands, and back (store_dump.h). */
#include "store_dump.h"

#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static redisContext *connect_to(const struct hlt_redis *r)
{
	struct timeval tv = {5, 0};
	redisContext *c = redisConnectUnixWithTimeout(r->socket, tv);

	if (c && c->err) {
		redisFree(c);
		c = NULL;
	}
	return c;
}

/* One argument, quoted when it must be. */
static void put_arg(FILE *out, const char *s, size_t len)
{
	int quote = len == 0;

	for (size_t i = 0; i < len && !quote; i++) {
		unsigned char ch = (unsigned char)s[i];
		quote = ch <= ' ' || ch == '"' || ch == '\\' || ch == 0x7f;
	}
	if (!quote) {
		fwrite(s, 1, len, out);
		return;
	}
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		switch (ch) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (ch < ' ' || ch == 0x7f)
				fprintf(out, "\\x%02x", ch);
			else
				fputc(ch, out);
		}
	}
	fputc('"', out);
}

static void put_word(FILE *out, const char *s)
{
	fputc(' ', out);
	put_arg(out, s, strlen(s));
}

static void put_reply_str(FILE *out, const redisReply *e)
{
	fputc(' ', out);
	put_arg(out, e->str ? e->str : "", e->str ? e->len : 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct field {
	const redisReply *name, *value;
};

static int cmp_field(const void *a, const void *b)
{
	return strcmp(((const struct field *)a)->name->str, ((const struct field *)b)->name->str);
}

/* The member `name` of a flat name/value array reply, or NULL. */
static const redisReply *member(const redisReply *r, const char *name)
{
	if (!r || r->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < r->elements; i += 2)
		if (r->element[i]->str && strcmp(r->element[i]->str, name) == 0)
			return r->element[i + 1];
	return NULL;
}

/* The stream id just before `id` ("ms-seq"), into buf. */
static void id_before(const char *id, char *buf, size_t len)
{
	uint64_t ms = 0, seq = 0;

	sscanf(id, "%" SCNu64 "-%" SCNu64, &ms, &seq);
	if (seq > 0)
		snprintf(buf, len, "%" PRIu64 "-%" PRIu64, ms, seq - 1);
	else if (ms > 0)
		snprintf(buf, len, "%" PRIu64 "-%" PRIu64, ms - 1, UINT64_MAX);
	else
		snprintf(buf, len, "0-0");
}

static int dump_stream(redisContext *c, const char *key, FILE *out)
{
	redisReply *entries = redisCommand(c, "XRANGE %s - +", key);
	redisReply *info = redisCommand(c, "XINFO STREAM %s", key);
	redisReply *groups = redisCommand(c, "XINFO GROUPS %s", key);
	const redisReply *last = member(info, "last-generated-id");
	int rc = -1;

	if (!entries || entries->type != REDIS_REPLY_ARRAY || !last || !groups ||
	    groups->type != REDIS_REPLY_ARRAY)
		goto out;
	if (entries->elements == 0) { /* an empty stream is made by an entry then deleted */
		fputs("XADD", out);
		put_word(out, key);
		fputs(" 0-1 _ _\nXDEL", out);
		put_word(out, key);
		fputs(" 0-1\n", out);
	}
	for (size_t i = 0; i < entries->elements; i++) {
		const redisReply *e = entries->element[i], *fields = e->element[1];
		fputs("XADD", out);
		put_word(out, key);
		put_reply_str(out, e->element[0]);
		for (size_t k = 0; k < fields->elements; k++)
			put_reply_str(out, fields->element[k]);
		fputc('\n', out);
	}
	fputs("XSETID", out);
	put_word(out, key);
	put_reply_str(out, last);
	fputc('\n', out);
	for (size_t g = 0; g < groups->elements; g++) {
		const redisReply *grp = groups->element[g];
		const redisReply *name = member(grp, "name");
		const redisReply *delivered = member(grp, "last-delivered-id");
		const redisReply *pending = member(grp, "pending");
		char from[64];

		snprintf(from, sizeof(from), "%s", delivered->str);
		if (pending && pending->integer > 0) {
			redisReply *p = redisCommand(c, "XPENDING %s %s - + 1", key, name->str);
			if (p && p->type == REDIS_REPLY_ARRAY && p->elements == 1) {
				id_before(p->element[0]->element[0]->str, from, sizeof(from));
				fprintf(out, "# %s: %lld pending with group %s, delivered again\n",
					key, pending->integer, name->str);
			}
			if (p)
				freeReplyObject(p);
		}
		fputs("XGROUP CREATE", out);
		put_word(out, key);
		put_reply_str(out, name);
		put_word(out, from);
		fputc('\n', out);
	}
	rc = 0;
out:
	if (entries)
		freeReplyObject(entries);
	if (info)
		freeReplyObject(info);
	if (groups)
		freeReplyObject(groups);
	return rc;
}

static int dump_key(redisContext *c, const char *key, FILE *out)
{
	redisReply *type = redisCommand(c, "TYPE %s", key);
	redisReply *ttl = redisCommand(c, "PTTL %s", key);
	redisReply *v = NULL;
	long long px = ttl && ttl->type == REDIS_REPLY_INTEGER ? ttl->integer : -1;
	int rc = -1;

	if (!type || type->type != REDIS_REPLY_STATUS)
		goto out;
	if (strcmp(type->str, "string") == 0) {
		v = redisCommand(c, "GET %s", key);
		if (!v || v->type != REDIS_REPLY_STRING)
			goto out;
		fputs("SET", out);
		put_word(out, key);
		put_reply_str(out, v);
		if (px > 0)
			fprintf(out, " PX %lld", px);
		fputc('\n', out);
		rc = 0;
		goto out;
	} else if (strcmp(type->str, "hash") == 0) {
		v = redisCommand(c, "HGETALL %s", key);
		if (!v || v->type != REDIS_REPLY_ARRAY)
			goto out;
		/* by field name: a hash's own order changes when it is loaded again */
		size_t nf = v->elements / 2;
		struct field *by_name = calloc(nf + 1, sizeof(*by_name));
		for (size_t i = 0; i < nf; i++) {
			by_name[i].name = v->element[2 * i];
			by_name[i].value = v->element[2 * i + 1];
		}
		qsort(by_name, nf, sizeof(*by_name), cmp_field);
		fputs("HSET", out);
		put_word(out, key);
		for (size_t i = 0; i < nf; i++) {
			put_reply_str(out, by_name[i].name);
			put_reply_str(out, by_name[i].value);
		}
		free(by_name);
		fputc('\n', out);
	} else if (strcmp(type->str, "zset") == 0) {
		v = redisCommand(c, "ZRANGE %s 0 -1 WITHSCORES", key);
		if (!v || v->type != REDIS_REPLY_ARRAY)
			goto out;
		for (size_t i = 0; i + 1 < v->elements; i += 2) {
			fputs("ZADD", out);
			put_word(out, key);
			put_reply_str(out, v->element[i + 1]);
			put_reply_str(out, v->element[i]);
			fputc('\n', out);
		}
	} else if (strcmp(type->str, "stream") == 0) {
		if (dump_stream(c, key, out) < 0)
			goto out;
	} else {
		fprintf(stderr, "hlt_store_dump: %s is a %s\n", key, type->str);
		goto out;
	}
	if (px > 0) {
		fputs("PEXPIRE", out);
		put_word(out, key);
		fprintf(out, " %lld\n", px);
	}
	rc = 0;
out:
	if (type)
		freeReplyObject(type);
	if (ttl)
		freeReplyObject(ttl);
	if (v)
		freeReplyObject(v);
	return rc;
}

int hlt_store_dump(const struct hlt_redis *r, const char *prefix, FILE *out)
{
	redisContext *c = connect_to(r);
	char cursor[32] = "0", pattern[256];
	char **keys = NULL;
	size_t n = 0;
	int rc = -1;

	if (!c)
		return -1;
	snprintf(pattern, sizeof(pattern), "%s*", prefix);
	do {
		redisReply *s = redisCommand(c, "SCAN %s MATCH %s COUNT 1000", cursor, pattern);
		if (!s || s->type != REDIS_REPLY_ARRAY || s->elements != 2) {
			if (s)
				freeReplyObject(s);
			goto out;
		}
		snprintf(cursor, sizeof(cursor), "%s", s->element[0]->str);
		for (size_t i = 0; i < s->element[1]->elements; i++) {
			keys = realloc(keys, (n + 1) * sizeof(*keys));
			keys[n++] = strdup(s->element[1]->element[i]->str);
		}
		freeReplyObject(s);
	} while (strcmp(cursor, "0") != 0);
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (dump_key(c, keys[i], out) < 0)
			goto out;
	rc = (int)n;
out:
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	redisFree(c);
	return rc;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Splits one line into arguments (in place: they point into `line`). Returns their
 * number, or -1 on a malformed quote. */
static int split(char *line, char **argv, size_t *lens, int max)
{
	int argc = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		if (argc == max)
			return -1;
		if (*p == '"') {
			char *w = ++p;
			argv[argc] = w;
			while (*p != '"') {
				if (!*p)
					return -1;
				if (*p == '\\') {
					p++;
					switch (*p) {
					case 'n': *w++ = '\n'; p++; break;
					case 'r': *w++ = '\r'; p++; break;
					case 't': *w++ = '\t'; p++; break;
					case 'x':
						if (hexval(p[1]) < 0 || hexval(p[2]) < 0)
							return -1;
						*w++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
						p += 3;
						break;
					case '\0': return -1;
					default: *w++ = *p++;
					}
				} else {
					*w++ = *p++;
				}
			}
			lens[argc] = (size_t)(w - argv[argc]);
			argc++;
			p++;
		} else {
			argv[argc] = p;
			while (*p && *p != ' ' && *p != '\n')
				p++;
			lens[argc] = (size_t)(p - argv[argc]);
			argc++;
			if (*p)
				*p++ = '\0';
		}
	}
	return argc;
}

int hlt_store_load(const struct hlt_redis *r, const char *path)
{
	enum { MAX_ARGS = 4096 };
	FILE *f = fopen(path, "r");
	redisContext *c = f ? connect_to(r) : NULL;
	char *line = NULL, **argv = calloc(MAX_ARGS, sizeof(*argv));
	size_t cap = 0, *lens = calloc(MAX_ARGS, sizeof(*lens));
	int n = 0;

	if (!f || !c || !argv || !lens) {
		n = -1;
		goto out;
	}
	while (getline(&line, &cap, f) > 0) {
		char *copy;
		int argc;
		redisReply *reply;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		copy = strdup(line);
		argc = split(line, argv, lens, MAX_ARGS);
		reply = argc > 0 ? redisCommandArgv(c, argc, (const char **)argv, lens) : NULL;
		if (!reply || reply->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "hlt_store_load: %s: %s", reply ? reply->str : "malformed",
				copy);
			if (reply)
				freeReplyObject(reply);
			free(copy);
			n = -1;
			goto out;
		}
		freeReplyObject(reply);
		free(copy);
		n++;
	}
out:
	free(line);
	free(argv);
	free(lens);
	if (c)
		redisFree(c);
	if (f)
		fclose(f);
	return n;
}

/* Decodes a timeline (lua/lib.lua's audit: entries of seven fields, each "<len>:<bytes>")
 * into text; returns the number of entries, or -1 when it is damaged. */
static int decode_audit(const char *s, size_t len, int most, char **out)
{
	static const char *const names[] = {"at", "actor", "role", "action", "from", "to",
					    "note"};
	size_t pos = 0, used = 0, cap = len * 2 + 256;
	int n = 0;

	*out = calloc(1, cap);
	while (pos < len && (most == 0 || n < most)) {
		used += (size_t)snprintf(*out + used, cap - used, "%d\n", n + 1);
		for (int k = 0; k < 7; k++) {
			char *end;
			unsigned long flen = strtoul(s + pos, &end, 10);
			if (end == s + pos || *end != ':' || (size_t)(end + 1 - s) + flen > len)
				return -1;
			used += (size_t)snprintf(*out + used, cap - used, "%s\n%.*s\n", names[k],
						 (int)flen, end + 1);
			pos = (size_t)(end + 1 - s) + flen;
		}
		n++;
	}
	return n;
}

static redisReply *get_audit(const struct hlt_redis *r, const char *id)
{
	redisContext *c = connect_to(r);
	redisReply *v = c ? redisCommand(c, "GET hl:log:%s", id) : NULL;

	if (c)
		redisFree(c);
	return v;
}

char *hlt_audit(const struct hlt_redis *r, const char *id, int most)
{
	redisReply *v = get_audit(r, id);
	char *out = NULL;

	if (v && v->type == REDIS_REPLY_STRING && decode_audit(v->str, v->len, most, &out) < 0) {
		free(out);
		out = strdup("(damaged timeline)");
	}
	if (v)
		freeReplyObject(v);
	return out ? out : strdup("");
}

int hlt_audit_entries(const struct hlt_redis *r, const char *id)
{
	redisReply *v = get_audit(r, id);
	char *out = NULL;
	int n = v && v->type == REDIS_REPLY_NIL ? 0 : -1;

	if (v && v->type == REDIS_REPLY_STRING)
		n = decode_audit(v->str, v->len, 0, &out);
	free(out);
	if (v)
		freeReplyObject(v);
	return n;
}
