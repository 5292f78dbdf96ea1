/* Sanitizers for text from messages and servers: one for showing it on a
 * terminal (no escape sequences or controls survive), one for using it as a
 * file name inside a chosen folder. */
#include "mail/safe_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define TAB_WIDTH 8
#define NAME_MAX_BYTES 200
#define EXT_MAX_BYTES 32

/* Bidi embeddings, overrides and isolates reorder the text after them on
 * the screen, so that what is shown is not what the bytes say. */
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
	const unsigned char *end = p + strlen((const char *)p);
	size_t col = 0;

	strbuf_grow(&b, (size_t)(end - p));
	while (*p) {
		unsigned char c = *p;
		if (c >= 0x20 && c < 0x7f) {
			/* A run of printable ASCII goes through as it is, in one copy. */
			const unsigned char *q = p + 1;
			while (*q >= 0x20 && *q < 0x7f)
				q++;
			strbuf_append(&b, (const char *)p, (size_t)(q - p));
			col += (size_t)(q - p);
			p = q;
			continue;
		}
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
		/* A C1 control comes either as a raw byte (which never starts
		 * valid UTF-8) or as the UTF-8 encoding of U+0080-U+009F. */
		if (c >= 0x80 && c <= 0x9f) {
			p = skip_c1(c, p + 1);
			continue;
		}
		uint32_t u;
		size_t n = utf8_decode(p, (size_t)(end - p), &u);
		if (n == 0) {
			u = UTF8_REPLACEMENT;
			n = 1;
		}
		p += n;
		if (u >= 0x80 && u <= 0x9f) {
			p = skip_c1(u, p);
			continue;
		}
		if (is_bidi_control(u))
			continue;
		utf8_put(&b, u);
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
