/* Content-Transfer-Encodings: lenient decoders for received parts and the
 * encoders for outgoing ones (quoted-printable and base64 with CRLF lines). */
#ifndef SKUA_MAIL_MIME_TRANSFER_H
#define SKUA_MAIL_MIME_TRANSFER_H

#include <stddef.h>

#include "util/strbuf.h"

/* Appends the decoded bytes of a base64 body: characters outside the alphabet
 * are skipped, padding in the middle (concatenated encodings) is accepted and a
 * truncated last group gives the bytes it holds. */
void mime_base64_decode(struct strbuf *out, const char *data, size_t len);
/* Appends the decoded bytes of a quoted-printable body: soft breaks joined,
 * trailing blanks of lines dropped, a malformed "=" escape kept as it is. */
void mime_qp_decode(struct strbuf *out, const char *data, size_t len);

/* Appends base64 in lines of 76 characters, each ended by CRLF. */
void mime_base64_encode_lines(struct strbuf *out, const void *data, size_t len);
/* Appends text (LF or CRLF line ends) as quoted-printable with CRLF line ends
 * and lines of at most 76 characters. */
void mime_qp_encode(struct strbuf *out, const char *text, size_t len);

#endif
