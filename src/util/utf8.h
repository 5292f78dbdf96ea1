/* UTF-8: one character decoded strictly, one code point encoded safely. */
#ifndef SKUA_UTIL_UTF8_H
#define SKUA_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

#define UTF8_REPLACEMENT 0xfffdu

/* Length (1-4) of the valid UTF-8 character that starts s, within n bytes,
 * and its code point in *cp (cp may be NULL); 0 when the bytes are not one:
 * overlong forms, surrogates, values above U+10FFFF and truncated sequences
 * included. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Appends cp as UTF-8. NUL, surrogates and values above U+10FFFF become
 * U+FFFD, so what comes out is always text that no NUL cuts short. */
void utf8_put(struct strbuf *b, uint32_t cp);

#endif
