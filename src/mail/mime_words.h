/* RFC 2047 encoded words and RFC 2231 parameter values. */
#ifndef SKUA_MAIL_MIME_WORDS_H
#define SKUA_MAIL_MIME_WORDS_H

#include <stddef.h>

#include "util/strbuf.h"

/* Decodes encoded words in a header value to UTF-8; raw 8-bit bytes outside them
 * are taken as UTF-8 if valid, else ISO-8859-1. Never fails; caller frees. */
char *mime_words_decode(const char *text);
/* Encodes a UTF-8 header value for a header named header_name (for line length):
 * ASCII text stays as is, other words become =?UTF-8?Q?...?= / B words of at most
 * 75 characters, folded with CRLF SP. Caller frees. */
char *mime_words_encode(const char *utf8, const char *header_name);
/* Encodes a display name for an address: quoted if it has specials, encoded
 * words if not ASCII. Caller frees. */
char *mime_words_encode_phrase(const char *utf8);
/* Decodes an RFC 2231 extended value "charset'lang'%XX..." to UTF-8; caller frees. */
char *mime_rfc2231_decode(const char *value);
/* Where the data of "charset'lang'data" starts (value itself without the two
 * quotes); the charset goes to charset[size], "" when absent or too long. */
const char *mime_rfc2231_split(const char *value, char *charset, size_t size);
/* Appends s with %XX escapes decoded (a malformed escape stays as it is). */
void mime_percent_decode(struct strbuf *out, const char *s, size_t n);

#endif
