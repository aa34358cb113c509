/* Arena allocation of hiredis replies (see reply_arena.h). The reply at the top of a
 * tree (its read task has no parent) is allocated first, at the start of the arena's
 * first block; its elements are carved from that block and the next ones, each block
 * twice the size of the last; freeing the top reply frees the blocks. */
#include "store/reply_arena.h"

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_BLOCK 512 /* bytes after the top reply: a status, an integer, a short id */
#define ALIGN 8

struct block {
	struct block *next;
	size_t used, cap;
	unsigned char data[]; /* 8-aligned: it follows a pointer and two size_t */
};

struct arena {
	redisReply reply;     /* first: the top reply's address is the arena's */
	struct block *blocks; /* the newest first; the last is the first block, which
			       * follows the arena in the same allocation (first_block) */
	int kept;             /* hl_reply_arena_keep: the reader's next free is skipped */
};

#define FIRST_AT \
	((sizeof(struct arena) + _Alignof(struct block) - 1) & ~(_Alignof(struct block) - 1))

static struct block *first_block(struct arena *a)
{
	return (struct block *)((unsigned char *)a + FIRST_AT);
}

static struct arena *arena_new(size_t cap)
{
	struct arena *a = malloc(FIRST_AT + sizeof(struct block) + cap);

	if (!a)
		return NULL;
	memset(&a->reply, 0, sizeof(a->reply));
	a->kept = 0;
	a->blocks = first_block(a);
	*a->blocks = (struct block){NULL, 0, cap};
	return a;
}

static void *arena_alloc(struct arena *a, size_t n)
{
	struct block *b = a->blocks;
	size_t at = (b->used + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	if (at > b->cap || n > b->cap - at) {
		size_t cap = b->cap * 2 > n ? b->cap * 2 : n;

		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		*b = (struct block){a->blocks, 0, cap};
		a->blocks = b;
		at = 0;
	}
	b->used = at + n;
	return b->data + at;
}

static void arena_free(void *obj)
{
	struct arena *a = obj;

	if (!a)
		return;
	if (a->kept) { /* the reader is done with it; its keeper frees it later */
		a->kept = 0;
		return;
	}
	while (a->blocks != first_block(a)) {
		struct block *b = a->blocks;

		a->blocks = b->next;
		free(b);
	}
	free(a);
}

/* The arena of the tree task belongs to: its top task's object. */
static struct arena *arena_of(const redisReadTask *task)
{
	while (task->parent)
		task = task->parent;
	return task->obj;
}

/* A new reply object of `type` for task, linked into its parent array. */
static redisReply *reply_new(const redisReadTask *task, int type)
{
	redisReply *r;

	if (!task->parent) {
		struct arena *a = arena_new(FIRST_BLOCK);

		if (!a)
			return NULL;
		r = &a->reply;
	} else {
		redisReply *parent = task->parent->obj;

		if (!(r = arena_alloc(arena_of(task), sizeof(*r))))
			return NULL;
		memset(r, 0, sizeof(*r));
		parent->element[task->idx] = r;
	}
	r->type = type;
	return r;
}

/* Out of memory after r was made: a top reply is not the reader's yet (NULL tells it to
 * fail), so its arena is freed here; an element's goes with its top reply. */
static void *fail(const redisReadTask *task, redisReply *r)
{
	if (!task->parent)
		arena_free(r);
	return NULL;
}

static void *create_string(const redisReadTask *task, char *str, size_t len)
{
	redisReply *r = reply_new(task, task->type);
	struct arena *a;

	if (!r)
		return NULL;
	a = task->parent ? arena_of(task) : (struct arena *)r;
	if (!(r->str = arena_alloc(a, len + 1)))
		return fail(task, r);
	memcpy(r->str, str, len);
	r->str[len] = '\0';
	r->len = len;
	return r;
}

static void *create_array(const redisReadTask *task, int elements)
{
	redisReply *r = reply_new(task, REDIS_REPLY_ARRAY);
	struct arena *a;

	if (!r)
		return NULL;
	a = task->parent ? arena_of(task) : (struct arena *)r;
	if (elements > 0) {
		if (!(r->element = arena_alloc(a, (size_t)elements * sizeof(*r->element))))
			return fail(task, r);
		memset(r->element, 0, (size_t)elements * sizeof(*r->element));
	}
	r->elements = (size_t)elements;
	return r;
}

static void *create_integer(const redisReadTask *task, long long value)
{
	redisReply *r = reply_new(task, REDIS_REPLY_INTEGER);

	if (r)
		r->integer = value;
	return r;
}

static void *create_nil(const redisReadTask *task)
{
	return reply_new(task, REDIS_REPLY_NIL);
}

redisReplyObjectFunctions hl_reply_arena_functions = {
	create_string, create_array, create_integer, create_nil, arena_free,
};

void hl_reply_arena_keep(struct redisReply *top)
{
	((struct arena *)top)->kept = 1;
}

void hl_reply_arena_release(struct redisReply *top)
{
	arena_free(top);
}
