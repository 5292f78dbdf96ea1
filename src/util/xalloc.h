/* Allocation that cannot fail: out of memory ends the program with a message,
 * as no caller could do anything better. */
#ifndef SKUA_UTIL_XALLOC_H
#define SKUA_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray checks count * size for overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Zeroes a string that held a secret, then frees it; accepts NULL. */
void xfree_secret(char *s);

#endif
