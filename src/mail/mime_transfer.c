/* Content-Transfer-Encodings. The decoders are our own rather than
 * libetpan's because libetpan turns a malformed "=ZZ" into a NUL byte and
 * decodes base64 after a padding "=" into garbage. */
#include "mail/mime_transfer.h"

#include <string.h>

#include "util/base64.h"

#define QP_LINE_MAX 76
#define B64_LINE_BYTES 57   /* 76 characters of base64 */

static void b64_flush(struct strbuf *out, const unsigned char *q, int n)
{
	unsigned char o[3];

	if (n < 2)
		return;
	o[0] = (unsigned char)((q[0] << 2) | (q[1] >> 4));
	o[1] = (unsigned char)((q[1] << 4) | (n > 2 ? q[2] >> 2 : 0));
	o[2] = (unsigned char)((n > 2 ? q[2] << 6 : 0) | (n > 3 ? q[3] : 0));
	strbuf_append(out, o, (size_t)n - 1);
}

void mime_base64_decode(struct strbuf *out, const char *data, size_t len)
{
	unsigned char q[4];
	int n = 0;

	strbuf_grow(out, len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == '=') {
			b64_flush(out, q, n);
			n = 0;
			continue;
		}
		int v = base64_value(c);
		if (v < 0)
			continue;
		q[n++] = (unsigned char)v;
		if (n == 4) {
			b64_flush(out, q, 4);
			n = 0;
		}
	}
	b64_flush(out, q, n);
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void mime_qp_decode(struct strbuf *out, const char *data, size_t len)
{
	size_t i = 0;

	strbuf_grow(out, len);
	while (i < len) {
		/* one line at a time, so trailing blanks can be dropped */
		const char *nl = memchr(data + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - data) : len;
		size_t stop = end;
		if (stop > i && data[stop - 1] == '\r')
			stop--;
		while (stop > i && (data[stop - 1] == ' ' || data[stop - 1] == '\t'))
			stop--;

		int soft = 0;
		size_t j = i;
		while (j < stop) {
			unsigned char c = (unsigned char)data[j];
			if (c != '=') {
				strbuf_appendc(out, (char)c);
				j++;
				continue;
			}
			if (j + 1 == stop) {
				soft = 1;
				j++;
				continue;
			}
			int hi = j + 2 < stop ? hex_value((unsigned char)data[j + 1]) : -1;
			int lo = j + 2 < stop ? hex_value((unsigned char)data[j + 2]) : -1;
			if (hi >= 0 && lo >= 0) {
				strbuf_appendc(out, (char)(hi << 4 | lo));
				j += 3;
			} else {
				strbuf_appendc(out, '=');
				j++;
			}
		}
		if (nl == NULL)
			break;
		if (!soft) {
			size_t eol = end > i && data[end - 1] == '\r' ? end - 1 : end;
			strbuf_append(out, data + eol, end + 1 - eol);
		}
		i = end + 1;
	}
}

void mime_base64_encode_lines(struct strbuf *out, const void *data, size_t len)
{
	const unsigned char *p = data;

	strbuf_grow(out, (len + 2) / 3 * 4 + (len / B64_LINE_BYTES + 1) * 2);
	while (len > 0) {
		size_t line = len < B64_LINE_BYTES ? len : B64_LINE_BYTES;
		base64_append(out, p, line);
		strbuf_append(out, "\r\n", 2);
		p += line;
		len -= line;
	}
}

/* Whether byte i of the text is the last one of its line. */
static int at_line_end(const char *text, size_t len, size_t i)
{
	if (i + 1 >= len || text[i + 1] == '\n')
		return 1;
	return text[i + 1] == '\r' && (i + 2 >= len || text[i + 2] == '\n');
}

void mime_qp_encode(struct strbuf *out, const char *text, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	strbuf_grow(out, len + len / 8 + 4);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		if (c == '\n') {
			strbuf_append(out, "\r\n", 2);
			col = 0;
			continue;
		}
		char tok[3];
		size_t n;
		int literal = (c >= 33 && c <= 126 && c != '=') ||
			      ((c == ' ' || c == '\t') && !at_line_end(text, len, i));
		/* "From " and a lone "." at the start of a line upset some transports */
		if (col == 0 && (c == '.' || (c == 'F' && len - i >= 5 && memcmp(text + i, "From ", 5) == 0)))
			literal = 0;
		if (literal) {
			tok[0] = (char)c;
			n = 1;
		} else {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 15];
			n = 3;
		}
		/* leave room for the "=" of a soft break unless the line ends here */
		size_t room = at_line_end(text, len, i) ? QP_LINE_MAX : QP_LINE_MAX - 1;
		if (col + n > room) {
			strbuf_append(out, "=\r\n", 3);
			col = 0;
		}
		strbuf_append(out, tok, n);
		col += n;
	}
	if (len == 0 || text[len - 1] != '\n')
		strbuf_append(out, "\r\n", 2);
}
