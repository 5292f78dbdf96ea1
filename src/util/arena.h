/* A string arena: many small strings allocated in large blocks and freed all
 * at once, so a folder of 100000 message summaries costs two allocations per
 * 64 KB instead of two per message. Strings never move once stored. */
#ifndef SKUA_UTIL_ARENA_H
#define SKUA_UTIL_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;   /* the block being filled; older ones follow */
	size_t bytes;               /* total allocated, for memory accounting */
};

#define ARENA_INIT { NULL, 0 }

/* A copy of the len bytes at s, NUL-terminated, valid until arena_free. */
const char *arena_strndup(struct arena *a, const char *s, size_t len);
const char *arena_strdup(struct arena *a, const char *s);
/* Moves every block of src into dst; src is left empty. Strings stay where
 * they are, so pointers into src remain valid and now belong to dst. */
void arena_adopt(struct arena *dst, struct arena *src);
void arena_free(struct arena *a);

#endif
