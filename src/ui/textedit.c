/* The built-in message editor: the text, its soft-wrapped rows, the keys. */
#include "ui/textedit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/draw.h"
#include "ui/keys.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define TAB_STOP 8

/* One character at s (len bytes left): its length, code point and width at
 * column col. Bytes that are not UTF-8 count as one column each. */
static size_t char_at(const char *s, size_t len, int col, uint32_t *cp, int *w)
{
	size_t l = utf8_decode((const unsigned char *)s, len, cp);

	if (l == 0) {
		*cp = UTF8_REPLACEMENT;
		*w = 1;
		return 1;
	}
	if (*cp == '\t') {
		*w = TAB_STOP - col % TAB_STOP;
	} else {
		*w = wcwidth((wchar_t)*cp);
		if (*w < 0)
			*w = 1;
	}
	return l;
}

static int is_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

static void reserve(struct textedit *t, size_t more)
{
	if (t->len + more + 1 <= t->cap)
		return;
	t->cap = (t->len + more + 1) * 2;
	t->s = xrealloc(t->s, t->cap);
}

void textedit_init(struct textedit *t, const char *text)
{
	struct strbuf b = STRBUF_INIT;
	size_t n = text != NULL ? strlen(text) : 0;

	memset(t, 0, sizeof *t);
	/* Quoted text comes from senders: no escape sequence gets in. */
	for (size_t off = 0; off < n;) {
		uint32_t cp;
		size_t l = utf8_decode((const unsigned char *)text + off, n - off, &cp);
		if (l == 0) {
			utf8_put(&b, UTF8_REPLACEMENT);
			off++;
			continue;
		}
		if (cp == '\r')
			;
		else if (!is_control(cp))
			strbuf_append(&b, text + off, l);
		off += l;
	}
	t->s = strbuf_detach(&b, &t->len);
	if (t->s == NULL)
		t->s = xstrdup("");
	t->cap = t->len + 1;
	t->want_col = -1;
}

void textedit_free(struct textedit *t)
{
	free(t->s);
	free(t->killed);
	free(t->rows);
	memset(t, 0, sizeof *t);
}

const char *textedit_text(const struct textedit *t)
{
	return t->s;
}

/* Rows for width: each starts where the last ended, at a '\n' + 1 or where
 * the next character would not fit. The text's end always starts or ends a
 * row, so the cursor there has a place. */
static void layout(struct textedit *t, int width)
{
	size_t off = 0;

	if (width < 1)
		width = 1;
	t->width = width;
	t->nrows = 0;
	for (;;) {
		int col = 0;
		if (t->nrows == t->caprows) {
			t->caprows = t->caprows ? 2 * t->caprows : 64;
			t->rows = xreallocarray(t->rows, t->caprows, sizeof *t->rows);
		}
		t->rows[t->nrows++] = off;
		while (off < t->len && t->s[off] != '\n') {
			uint32_t cp;
			int w;
			size_t l = char_at(t->s + off, t->len - off, col, &cp, &w);
			if (col + w > width && col > 0)
				break;
			col += w;
			off += l;
		}
		if (off >= t->len)
			return;
		if (t->s[off] == '\n')
			off++;
	}
}

/* The row holding byte offset at (a wrap point belongs to the next row). */
static size_t row_of(const struct textedit *t, size_t at)
{
	size_t lo = 0, hi = t->nrows;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (t->rows[mid] <= at)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Where row r's characters end (before its '\n', if any). */
static size_t row_end(const struct textedit *t, size_t r)
{
	size_t end = r + 1 < t->nrows ? t->rows[r + 1] : t->len;

	if (end > t->rows[r] && end <= t->len && r + 1 < t->nrows && t->s[end - 1] == '\n')
		end--;
	return end;
}

static int col_of(const struct textedit *t, size_t r, size_t at)
{
	int col = 0;

	for (size_t off = t->rows[r]; off < at && off < t->len;) {
		uint32_t cp;
		int w;
		off += char_at(t->s + off, t->len - off, col, &cp, &w);
		col += w;
	}
	return col;
}

/* The offset in row r nearest column col, not past the row's end. */
static size_t at_col(const struct textedit *t, size_t r, int col)
{
	size_t off = t->rows[r], end = row_end(t, r);
	int c = 0;

	while (off < end) {
		uint32_t cp;
		int w;
		size_t l = char_at(t->s + off, t->len - off, c, &cp, &w);
		if (c + w > col)
			break;
		c += w;
		off += l;
	}
	/* The last character of a wrapped row: the cursor after it is the
	 * next row's start, so stay before it. */
	if (off == end && end < t->len && t->s[end] != '\n' && r + 1 < t->nrows && off > t->rows[r])
		while (off > t->rows[r] && (t->s[--off] & 0xc0) == 0x80)
			;
	return off;
}

static size_t prev_char(const struct textedit *t, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && (t->s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

static size_t next_char(const struct textedit *t, size_t at)
{
	uint32_t cp;
	size_t l;

	if (at >= t->len)
		return t->len;
	l = utf8_decode((const unsigned char *)t->s + at, t->len - at, &cp);
	return at + (l ? l : 1);
}

static void insert(struct textedit *t, const char *text, size_t n)
{
	reserve(t, n);
	memmove(t->s + t->cur + n, t->s + t->cur, t->len - t->cur + 1);
	memcpy(t->s + t->cur, text, n);
	t->len += n;
	t->cur += n;
}

/* Cuts [from, to); keep puts the bytes where ^Y finds them. */
static void cut(struct textedit *t, size_t from, size_t to, int keep)
{
	if (to <= from)
		return;
	if (keep) {
		free(t->killed);
		t->killed = xmalloc(to - from + 1);
		memcpy(t->killed, t->s + from, to - from);
		t->killed[to - from] = '\0';
	}
	memmove(t->s + from, t->s + to, t->len - to + 1);
	t->len -= to - from;
	t->cur = from;
}

static size_t line_start(const struct textedit *t, size_t at)
{
	while (at > 0 && t->s[at - 1] != '\n')
		at--;
	return at;
}

static size_t line_end(const struct textedit *t, size_t at)
{
	while (at < t->len && t->s[at] != '\n')
		at++;
	return at;
}

static enum textedit_result vertical(struct textedit *t, long rows)
{
	size_t r = row_of(t, t->cur);
	long target = (long)r + rows;

	if (t->want_col < 0)
		t->want_col = col_of(t, r, t->cur);
	if (target < 0)
		target = 0;
	if (target >= (long)t->nrows)
		target = (long)t->nrows - 1;
	t->cur = at_col(t, (size_t)target, t->want_col);
	return TEXTEDIT_MOVED;
}

static enum textedit_result edit_key(struct textedit *t, int key, int height)
{
	switch (key) {
	case KEY_CTRL('X'): return TEXTEDIT_DONE;
	case KEY_FN | KEY_UP:
	case KEY_CTRL('P'): return vertical(t, -1);
	case KEY_FN | KEY_DOWN:
	case KEY_CTRL('N'): return vertical(t, 1);
	case KEY_FN | KEY_PPAGE: return vertical(t, -(long)(height > 1 ? height - 1 : 1));
	case KEY_FN | KEY_NPAGE: return vertical(t, height > 1 ? height - 1 : 1);
	}
	t->want_col = -1;
	switch (key) {
	case KEY_FN | KEY_LEFT:
	case KEY_CTRL('B'): t->cur = prev_char(t, t->cur); return TEXTEDIT_MOVED;
	case KEY_FN | KEY_RIGHT:
	case KEY_CTRL('F'): t->cur = next_char(t, t->cur); return TEXTEDIT_MOVED;
	/* Home and End go by lines as typed, not by rows on the screen. */
	case KEY_FN | KEY_HOME:
	case KEY_CTRL('A'): t->cur = line_start(t, t->cur); return TEXTEDIT_MOVED;
	case KEY_FN | KEY_END:
	case KEY_CTRL('E'): t->cur = line_end(t, t->cur); return TEXTEDIT_MOVED;
	case KEY_FN | KEY_BACKSPACE:
		if (t->cur == 0)
			return TEXTEDIT_MOVED;
		cut(t, prev_char(t, t->cur), t->cur, 0);
		return TEXTEDIT_CHANGED;
	case KEY_FN | KEY_DC:
	case KEY_CTRL('D'):
		if (t->cur >= t->len)
			return TEXTEDIT_MOVED;
		cut(t, t->cur, next_char(t, t->cur), 0);
		return TEXTEDIT_CHANGED;
	case KEY_CTRL('K'): {
		/* As in emacs: the rest of the line, or at its end the line break. */
		size_t end = line_end(t, t->cur);
		cut(t, t->cur, end > t->cur ? end : next_char(t, t->cur), 1);
		return TEXTEDIT_CHANGED;
	}
	case KEY_CTRL('U'):
		cut(t, line_start(t, t->cur), t->cur, 1);
		return TEXTEDIT_CHANGED;
	case KEY_CTRL('Y'):
		if (t->killed == NULL)
			return TEXTEDIT_MOVED;
		insert(t, t->killed, strlen(t->killed));
		return TEXTEDIT_CHANGED;
	case '\n':
	case '\t':
		insert(t, key == '\n' ? "\n" : "\t", 1);
		return TEXTEDIT_CHANGED;
	}
	if (key < 0 || (key & KEY_FN) || key > 0x10ffff || is_control((uint32_t)key) ||
	    key < 0x20 || (key >= 0xd800 && key < 0xe000))
		return TEXTEDIT_IGNORED;
	struct strbuf b = STRBUF_INIT;
	utf8_put(&b, (uint32_t)key);
	insert(t, b.s, b.len);
	strbuf_free(&b);
	return TEXTEDIT_CHANGED;
}

enum textedit_result textedit_key(struct textedit *t, int key, int width, int height)
{
	enum textedit_result res;

	if (t->nrows == 0 || t->width != width)
		layout(t, width);
	res = edit_key(t, key, height);
	if (res == TEXTEDIT_CHANGED)
		layout(t, width);
	return res;
}

void textedit_position(struct textedit *t, int width, size_t *row, size_t *col)
{
	size_t line = 1, start = line_start(t, t->cur);

	(void)width;
	for (size_t i = 0; i < start; i++)
		if (t->s[i] == '\n')
			line++;
	*row = line;
	*col = 1;
	for (size_t off = start; off < t->cur; off = next_char(t, off))
		(*col)++;
}

void textedit_draw(struct textedit *t, int y, int height, int width, attr_t attr, int *cy,
		   int *cx)
{
	size_t r;

	if (t->nrows == 0 || t->width != width)
		layout(t, width);
	r = row_of(t, t->cur);
	if (height < 1)
		height = 1;
	if (r < t->top_row)
		t->top_row = r;
	if (r >= t->top_row + (size_t)height)
		t->top_row = r - (size_t)height + 1;
	*cy = y + (int)(r - t->top_row);
	*cx = col_of(t, r, t->cur);
	for (int i = 0; i < height && t->top_row + (size_t)i < t->nrows; i++) {
		size_t row = t->top_row + (size_t)i, off = t->rows[row], end = row_end(t, row);
		int col = 0;
		/* Tabs are drawn as blanks to the next stop; the rest as it is. */
		while (off < end) {
			size_t seg = off;
			while (seg < end && t->s[seg] != '\t')
				seg++;
			if (seg > off) {
				col += draw_textn(y + i, col, width - col, t->s + off, seg - off, attr);
				off = seg;
			}
			if (off < end && t->s[off] == '\t') {
				int w = TAB_STOP - col % TAB_STOP;
				col += w;
				off++;
			}
		}
	}
}
