/* String arena: bump allocation in blocks, freed all at once. */
#include "util/arena.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define ARENA_BLOCK 65536

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

static struct arena_block *block_new(size_t size)
{
	struct arena_block *b = xmalloc(sizeof *b + size);

	b->next = NULL;
	b->used = 0;
	b->size = size;
	return b;
}

const char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	struct arena_block *b = a->head;
	char *out;

	if (b == NULL || b->size - b->used < len + 1) {
		/* A string bigger than a block gets a block of its own behind the
		 * current one, so the space left in the current one is not wasted. */
		size_t size = len + 1 > ARENA_BLOCK / 4 ? len + 1 : ARENA_BLOCK;
		struct arena_block *nb = block_new(size);
		a->bytes += sizeof *nb + size;
		if (b != NULL && size != ARENA_BLOCK) {
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	out = b->data + b->used;
	memcpy(out, s, len);
	out[len] = '\0';
	b->used += len + 1;
	return out;
}

const char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_adopt(struct arena *dst, struct arena *src)
{
	struct arena_block *tail;

	if (src->head == NULL)
		return;
	/* src's blocks go behind dst's head so dst keeps filling its own. */
	for (tail = src->head; tail->next != NULL; tail = tail->next)
		;
	if (dst->head == NULL) {
		dst->head = src->head;
	} else {
		tail->next = dst->head->next;
		dst->head->next = src->head;
	}
	dst->bytes += src->bytes;
	src->head = NULL;
	src->bytes = 0;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b != NULL) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->bytes = 0;
}
