/* Base64 (RFC 4648) encoding and decoding. */
#include "util/base64.h"

#include <stdlib.h>

#include "util/xalloc.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

void base64_append(struct strbuf *out, const void *data, size_t len)
{
	const unsigned char *in = data;
	char q[4];

	strbuf_grow(out, (len + 2) / 3 * 4);
	for (size_t i = 0; i < len; i += 3) {
		size_t k = len - i;
		unsigned v = (unsigned)in[i] << 16;
		if (k > 1)
			v |= (unsigned)in[i + 1] << 8;
		if (k > 2)
			v |= in[i + 2];
		q[0] = alphabet[v >> 18 & 63];
		q[1] = alphabet[v >> 12 & 63];
		q[2] = k > 1 ? alphabet[v >> 6 & 63] : '=';
		q[3] = k > 2 ? alphabet[v & 63] : '=';
		strbuf_append(out, q, 4);
	}
}

char *base64_encode(const void *data, size_t len)
{
	struct strbuf b = STRBUF_INIT;

	base64_append(&b, data, len);
	return strbuf_detach(&b, NULL);
}

unsigned char *base64_decode(const char *text, size_t len, size_t *out_len)
{
	unsigned char *out = xmalloc(len / 4 * 3 + 4);
	unsigned acc = 0;
	int bits = 0, pad = 0;
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		int v = base64_value((unsigned char)c);
		if (v < 0 || pad) {
			free(out);
			return NULL;
		}
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
}
