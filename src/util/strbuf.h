/* A growable byte buffer, always NUL-terminated so it can be used as a string. */
#ifndef SKUA_UTIL_STRBUF_H
#define SKUA_UTIL_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;     /* NULL until the first append; s[len] == '\0' after it */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

/* Makes room for extra more bytes; afterwards s is allocated and terminated. */
void strbuf_grow(struct strbuf *b, size_t extra);
void strbuf_append(struct strbuf *b, const void *data, size_t len);
void strbuf_appends(struct strbuf *b, const char *s);
void strbuf_appendc(struct strbuf *b, char c);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *b);
/* Hands the string to the caller (who frees it) and leaves b empty; never NULL. */
char *strbuf_detach(struct strbuf *b, size_t *len);
void strbuf_free(struct strbuf *b);

#endif
