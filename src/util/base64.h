/* Base64 (RFC 4648) encoding and decoding. */
#ifndef SKUA_UTIL_BASE64_H
#define SKUA_UTIL_BASE64_H

#include <stddef.h>

#include "util/strbuf.h"

/* The value (0-63) of a base64 digit; -1 for any other byte, '=' included. */
int base64_value(unsigned char c);
/* Appends the base64 of data to out, padded, without line breaks. */
void base64_append(struct strbuf *out, const void *data, size_t len);
/* Returns a NUL-terminated string the caller frees; no line breaks. */
char *base64_encode(const void *data, size_t len);
/* Decodes ignoring whitespace; returns a buffer the caller frees (NUL-terminated
 * for convenience) or NULL on invalid input. */
unsigned char *base64_decode(const char *text, size_t len, size_t *out_len);

#endif
