/* Modified UTF-7 (RFC 3501 section 5.1.3), the encoding of IMAP folder names,
 * to and from UTF-8. Decoding is lenient and total: whatever a server sends
 * becomes valid UTF-8, with U+FFFD where the input makes no sense. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/imap_internal.h"
#include "util/base64.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Base64 with ',' where RFC 4648 has '/'. */
static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int b64_value(unsigned char c)
{
	if (c == ',')
		return 63;
	return c == '/' ? -1 : base64_value(c);
}

/* Decodes the base64 run starting at *pp (just after '&') up to and including
 * the closing '-' if any, appending UTF-8 to out. */
static void decode_run(const unsigned char **pp, struct strbuf *out)
{
	const unsigned char *p = *pp;
	const unsigned char *start = p;
	uint32_t bits = 0;
	int nbits = 0;
	uint32_t high = 0;   /* pending high surrogate */
	int bad = 0;

	for (; *p && *p != '-'; p++) {
		int v = b64_value(*p);
		if (v < 0)
			break;
		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		uint32_t unit = (bits >> nbits) & 0xFFFF;
		bits &= (1u << nbits) - 1;
		if (unit >= 0xD800 && unit <= 0xDBFF) {
			if (high)
				utf8_put(out, UTF8_REPLACEMENT);
			high = unit;
		} else if (unit >= 0xDC00 && unit <= 0xDFFF) {
			if (high)
				utf8_put(out, 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
			else
				utf8_put(out, UTF8_REPLACEMENT);
			high = 0;
		} else {
			if (high)
				utf8_put(out, UTF8_REPLACEMENT);
			high = 0;
			utf8_put(out, unit);
		}
	}
	if (high)
		utf8_put(out, UTF8_REPLACEMENT);
	/* Leftover bits must be padding zeros shorter than one base64 digit's
	 * worth of a unit; anything else, or a run cut by a foreign byte, is
	 * malformed. */
	if (p == start || nbits >= 6 || (bits & ((1u << nbits) - 1)) != 0)
		bad = 1;
	if (*p == '-')
		p++;
	else if (*p)
		bad = 1;
	if (bad)
		utf8_put(out, UTF8_REPLACEMENT);
	*pp = p;
}

char *imap_mutf7_to_utf8(const char *s)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);

	strbuf_grow(&out, (size_t)(end - p));
	while (*p) {
		if (*p == '&') {
			p++;
			if (*p == '-') {
				strbuf_appendc(&out, '&');
				p++;
			} else {
				decode_run(&p, &out);
			}
		} else if (*p < 0x80) {
			strbuf_appendc(&out, (char)*p++);
		} else {
			/* Not allowed in modified UTF-7, but some servers send raw
			 * UTF-8 names: keep valid sequences, replace the rest. */
			uint32_t cp;
			size_t n = utf8_decode(p, (size_t)(end - p), &cp);
			if (n == 0) {
				cp = UTF8_REPLACEMENT;
				n = 1;
			}
			utf8_put(&out, cp);
			p += n;
		}
	}
	return strbuf_detach(&out, NULL);
}

static void flush_units(struct strbuf *out, const uint16_t *units, size_t n)
{
	uint32_t bits = 0;
	int nbits = 0;

	strbuf_appendc(out, '&');
	for (size_t i = 0; i < n; i++) {
		bits = (bits << 16) | units[i];
		nbits += 16;
		while (nbits >= 6) {
			nbits -= 6;
			strbuf_appendc(out, b64_alphabet[(bits >> nbits) & 0x3F]);
		}
		bits &= (1u << nbits) - 1;
	}
	if (nbits > 0)
		strbuf_appendc(out, b64_alphabet[(bits << (6 - nbits)) & 0x3F]);
	strbuf_appendc(out, '-');
}

char *imap_utf8_to_mutf7(const char *s)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end;
	uint16_t *units;
	size_t nunits = 0;

	if (!s)
		return NULL;
	end = p + strlen(s);
	/* Each input byte yields at most one UTF-16 unit (a 4-byte sequence
	 * yields two), so the length bounds the pending run. */
	units = xreallocarray(NULL, (size_t)(end - p) + 1, sizeof *units);
	strbuf_grow(&out, (size_t)(end - p));
	while (*p) {
		if (*p >= 0x20 && *p <= 0x7E) {
			if (nunits) {
				flush_units(&out, units, nunits);
				nunits = 0;
			}
			if (*p == '&')
				strbuf_append(&out, "&-", 2);
			else
				strbuf_appendc(&out, (char)*p);
			p++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n == 0) {
			free(units);
			strbuf_free(&out);
			return NULL;
		}
		p += n;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			units[nunits++] = (uint16_t)(0xD800 + (cp >> 10));
			units[nunits++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
		} else {
			units[nunits++] = (uint16_t)cp;
		}
	}
	if (nunits)
		flush_units(&out, units, nunits);
	free(units);
	return strbuf_detach(&out, NULL);
}
