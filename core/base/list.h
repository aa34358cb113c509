/*
 * One intrusive doubly-linked list for every list of things in flight (jobs, timers,
 * calls): the struct that is listed embeds a struct hl_list_node, and the list is a
 * struct hl_list head. The shape is Linux's hlist (BSD's LIST_*): a node points at the
 * next node and at the pointer that points at it, so that
 *  - a zeroed head (static, calloc, `= {0}`) is an empty list: no init call to forget;
 *  - a node is taken off its list without knowing which list it is on, in O(1);
 *  - a zeroed node is "not on a list", and hl_list_remove on it does nothing.
 * Adding is at the front only (newest first): nothing here needs a tail.
 *
 * Nothing is allocated or freed here: the owner of the listed structs allocates and frees
 * them, and must take a node off its list before freeing it. Not thread-safe (all of
 * hotlined's lists live on the event loop). Walking a list while taking nodes off it
 * needs HL_LIST_EACH_SAFE, which reads the next node before the body runs: the body may
 * remove (and free) the current node, but not the next one.
 */
#ifndef HL_LIST_H
#define HL_LIST_H

#include <stddef.h>

struct hl_list_node {
	struct hl_list_node *next;
	struct hl_list_node **pprev; /* the pointer that points at this node; NULL: not listed */
};

struct hl_list {
	struct hl_list_node *first;
};

/* The struct of `type` that embeds the node `ptr` as `member`. */
#define HL_LIST_ENTRY(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* Walks the nodes of `list` front to back; `node` is a struct hl_list_node *. */
#define HL_LIST_EACH(node, list) for ((node) = (list)->first; (node); (node) = (node)->next)

/* The same, when the body may take `node` off the list (or free it); `tmp` is a second
 * struct hl_list_node * the walk uses. */
#define HL_LIST_EACH_SAFE(node, tmp, list)                                                  \
	for ((node) = (list)->first; (node) && ((tmp) = (node)->next, 1); (node) = (tmp))

static inline int hl_list_empty(const struct hl_list *list)
{
	return list->first == NULL;
}

/* The first node, or NULL when the list is empty. */
static inline struct hl_list_node *hl_list_first(const struct hl_list *list)
{
	return list->first;
}

/* Whether the node is on a list. */
static inline int hl_list_linked(const struct hl_list_node *node)
{
	return node->pprev != NULL;
}

/* Puts a node that is on no list at the front of `list`. */
static inline void hl_list_push(struct hl_list *list, struct hl_list_node *node)
{
	node->next = list->first;
	if (node->next)
		node->next->pprev = &node->next;
	list->first = node;
	node->pprev = &list->first;
}

/* Takes a node off whichever list it is on; does nothing when it is on none. The node is
 * then on no list, and may be pushed again or freed. */
static inline void hl_list_remove(struct hl_list_node *node)
{
	if (!node->pprev)
		return;
	*node->pprev = node->next;
	if (node->next)
		node->next->pprev = node->pprev;
	node->next = NULL;
	node->pprev = NULL;
}

#endif
