/* UTF-8: one character decoded strictly, one code point encoded safely. */
#include "util/utf8.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		c = s[0];
		len = 1;
	} else {
		if (s[0] >= 0xc2 && s[0] <= 0xdf) {
			c = s[0] & 0x1f;
			len = 2;
		} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
			c = s[0] & 0x0f;
			len = 3;
		} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
			c = s[0] & 0x07;
			len = 4;
		} else {
			return 0;
		}
		if (n < len)
			return 0;
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i] & 0x3f);
		}
		if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	if (cp != NULL)
		*cp = c;
	return len;
}

void utf8_put(struct strbuf *b, uint32_t cp)
{
	char u[4];

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		strbuf_appendc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		strbuf_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		strbuf_append(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		strbuf_append(b, u, 4);
	}
}
