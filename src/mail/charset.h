/* Conversion of any charset to UTF-8. */
#ifndef SKUA_MAIL_CHARSET_H
#define SKUA_MAIL_CHARSET_H

#include <stddef.h>

/* Converts data in charset (NULL or unknown: guess UTF-8, else windows-1252) to
 * UTF-8. Common mislabels are read as what they usually are (ISO-8859-1 as
 * windows-1252, Shift_JIS as CP932, us-ascii with 8-bit bytes as UTF-8 or
 * windows-1252). Invalid sequences and NUL bytes become U+FFFD. Never fails;
 * result NUL-terminated, caller frees. */
char *charset_to_utf8(const char *charset, const char *data, size_t len, size_t *out_len);
/* 1 if the bytes are valid UTF-8. */
int charset_is_utf8(const char *data, size_t len);

#endif
