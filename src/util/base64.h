/* Base64 (RFC 4648) encoding and decoding. */
#ifndef SKUA_UTIL_BASE64_H
#define SKUA_UTIL_BASE64_H

#include <stddef.h>

/* Returns a NUL-terminated string the caller frees; no line breaks. */
char *base64_encode(const void *data, size_t len);
/* Decodes ignoring whitespace; returns a buffer the caller frees (NUL-terminated
 * for convenience) or NULL on invalid input. */
unsigned char *base64_decode(const char *text, size_t len, size_t *out_len);

#endif
