/* Sanitizers for text from messages and servers: one for showing it on a
 * terminal (no escape sequences or controls survive), one for using it as a
 * file name inside a chosen folder. */
#include "mail/safe_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

#define REPLACEMENT 0xfffdu
#define TAB_WIDTH 8
#define NAME_MAX_BYTES 200
#define EXT_MAX_BYTES 32

/* Decodes one UTF-8 character at p; *len gets its length. Invalid sequences
 * give REPLACEMENT with length 1, so every byte is looked at. */
static uint32_t utf8_next(const unsigned char *p, size_t *len)
{
	unsigned char c = p[0];

	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf && (p[1] & 0xc0) == 0x80) {
		*len = 2;
		return ((uint32_t)(c & 0x1f) << 6) | (p[1] & 0x3f);
	}
	if (c >= 0xe0 && c <= 0xef && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
		uint32_t u = ((uint32_t)(c & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) |
			     (p[2] & 0x3f);
		if (u < 0x800 || (u >= 0xd800 && u <= 0xdfff))
			return REPLACEMENT;
		*len = 3;
		return u;
	}
	if (c >= 0xf0 && c <= 0xf4 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    (p[3] & 0xc0) == 0x80) {
		uint32_t u = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3f) << 12) |
			     ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
		if (u < 0x10000 || u > 0x10ffff)
			return REPLACEMENT;
		*len = 4;
		return u;
	}
	return REPLACEMENT;
}

static void put_utf8(struct strbuf *b, uint32_t u)
{
	char s[4];

	if (u < 0x80) {
		strbuf_appendc(b, (char)u);
	} else if (u < 0x800) {
		s[0] = (char)(0xc0 | (u >> 6));
		s[1] = (char)(0x80 | (u & 0x3f));
		strbuf_append(b, s, 2);
	} else if (u < 0x10000) {
		s[0] = (char)(0xe0 | (u >> 12));
		s[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		s[2] = (char)(0x80 | (u & 0x3f));
		strbuf_append(b, s, 3);
	} else {
		s[0] = (char)(0xf0 | (u >> 18));
		s[1] = (char)(0x80 | ((u >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((u >> 6) & 0x3f));
		s[3] = (char)(0x80 | (u & 0x3f));
		strbuf_append(b, s, 4);
	}
}

/* A "control" as a terminal sees one: C1 arrives either as a raw byte in a
 * place UTF-8 does not allow (decoded here as REPLACEMENT, so the raw byte is
 * checked by the caller) or as the UTF-8 encoding of U+0080-U+009F. */
static int is_bidi_control(uint32_t u)
{
	return (u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069);
}

/* Skips a control string (OSC, DCS, SOS, PM, APC) whose introducer ended at
 * p; it ends at BEL or ST (ESC \, raw 0x9c, or UTF-8 U+009C). A line break
 * also ends it here, so that one stray introducer cannot hide the rest of a
 * message body: the point is that nothing of it reaches the terminal. */
static const unsigned char *skip_string(const unsigned char *p)
{
	while (*p) {
		if (*p == 0x07 || *p == 0x9c)
			return p + 1;
		if (p[0] == 0x1b && p[1] == '\\')
			return p + 2;
		if (p[0] == 0xc2 && p[1] == 0x9c)
			return p + 2;
		if (*p == '\n')
			return p;
		p++;
	}
	return p;
}

/* Skips CSI parameters and intermediates up to and including the final byte;
 * anything else ends the sequence without being eaten. */
static const unsigned char *skip_csi(const unsigned char *p)
{
	while (*p >= 0x20 && *p <= 0x3f)
		p++;
	while (*p >= 0x20 && *p <= 0x2f)
		p++;
	if (*p >= 0x40 && *p <= 0x7e)
		p++;
	return p;
}

/* Skips what follows a C1 introducer (given as its code 0x80-0x9f). */
static const unsigned char *skip_c1(uint32_t c1, const unsigned char *p)
{
	switch (c1) {
	case 0x9b:
		return skip_csi(p);
	case 0x90: /* DCS */
	case 0x98: /* SOS */
	case 0x9d: /* OSC */
	case 0x9e: /* PM */
	case 0x9f: /* APC */
		return skip_string(p);
	default:
		return p;
	}
}

/* Skips an escape sequence whose ESC is at p[-1]. */
static const unsigned char *skip_escape(const unsigned char *p)
{
	if (*p == '\0')
		return p;
	switch (*p) {
	case '[':
		return skip_csi(p + 1);
	case ']':
	case 'P':
	case 'X':
	case '^':
	case '_':
		return skip_string(p + 1);
	default:
		break;
	}
	/* nF sequences: intermediates, then one final byte */
	while (*p >= 0x20 && *p <= 0x2f)
		p++;
	if (*p >= 0x30 && *p <= 0x7e)
		p++;
	return p;
}

char *safe_text_terminal(const char *text, int keep_newlines)
{
	struct strbuf b = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	size_t col = 0;

	strbuf_grow(&b, strlen((const char *)p));
	strbuf_append(&b, "", 0); /* strbuf_grow leaves a new buffer unterminated */
	while (*p) {
		unsigned char c = *p;
		if (c == 0x1b) {
			p = skip_escape(p + 1);
			continue;
		}
		if (c == '\n') {
			if (keep_newlines) {
				strbuf_appendc(&b, '\n');
				col = 0;
			} else {
				strbuf_appendc(&b, ' ');
				col++;
			}
			p++;
			continue;
		}
		if (c == '\t') {
			do {
				strbuf_appendc(&b, ' ');
				col++;
			} while (col % TAB_WIDTH != 0);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			p++;
			continue;
		}
		if (c >= 0x80 && c <= 0x9f) {
			/* a raw C1 byte can never start valid UTF-8 */
			p = skip_c1(c, p + 1);
			continue;
		}
		size_t n;
		uint32_t u = utf8_next(p, &n);
		p += n;
		if (u >= 0x80 && u <= 0x9f) {
			p = skip_c1(u, p);
			continue;
		}
		if (is_bidi_control(u))
			continue;
		put_utf8(&b, u);
		col++;
	}
	return strbuf_detach(&b, NULL);
}

/* Length of the extension (".pdf") at the end of name[0..len), 0 if none
 * worth keeping. */
static size_t extension_len(const char *name, size_t len)
{
	const char *dot = NULL;

	for (size_t i = len; i > 0; i--) {
		if (name[i - 1] == '.') {
			dot = name + i - 1;
			break;
		}
	}
	if (dot == NULL || dot == name)
		return 0;
	size_t n = (size_t)(name + len - dot);
	return n > 1 && n <= EXT_MAX_BYTES ? n : 0;
}

static void trim_trailing(struct strbuf *b)
{
	while (b->len > 0 && (b->s[b->len - 1] == '.' || b->s[b->len - 1] == ' '))
		b->s[--b->len] = '\0';
}

char *safe_text_filename(const char *name)
{
	char *clean = safe_text_terminal(name, 0);
	const char *p = clean;
	struct strbuf b = STRBUF_INIT;

	/* no hidden files, no "." or "..", nothing that reads as an option */
	while (*p == '.' || *p == ' ' || *p == '-')
		p++;
	for (; *p; p++)
		strbuf_appendc(&b, *p == '/' || *p == '\\' ? '_' : *p);
	free(clean);
	trim_trailing(&b);

	if (b.len > NAME_MAX_BYTES) {
		size_t ext = extension_len(b.s, b.len);
		char *e = xstrndup(b.s + b.len - ext, ext);
		size_t keep = NAME_MAX_BYTES - ext;
		/* cut at the start of a UTF-8 character */
		while (keep > 0 && ((unsigned char)b.s[keep] & 0xc0) == 0x80)
			keep--;
		b.len = keep;
		b.s[keep] = '\0';
		trim_trailing(&b);
		if (b.len == 0)
			strbuf_appends(&b, "attachment");
		strbuf_appends(&b, e);
		free(e);
	}
	if (b.len == 0)
		strbuf_appends(&b, "attachment");
	return strbuf_detach(&b, NULL);
}
