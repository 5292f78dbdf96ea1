/* A one-line UTF-8 text editor: the text, the cursor, the cut buffer. */
#include "ui/lineedit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static void reserve(struct lineedit *le, size_t extra)
{
	if (le->len + extra + 1 <= le->cap)
		return;
	size_t cap = le->cap ? le->cap : 64;
	while (cap < le->len + extra + 1)
		cap *= 2;
	if (le->secret && le->text != NULL) {
		/* realloc may leave the old bytes behind in freed memory. */
		char *text = xmalloc(cap);
		memcpy(text, le->text, le->len + 1);
		explicit_bzero(le->text, le->cap);
		free(le->text);
		le->text = text;
	} else {
		le->text = xrealloc(le->text, cap);
	}
	le->cap = cap;
}

static void wipe(char *s, size_t n)
{
	if (s != NULL)
		explicit_bzero(s, n);
}

static void end_completion(struct lineedit *le)
{
	free(le->comp_word);
	le->comp_word = NULL;
	le->comp_nth = 0;
}

void lineedit_init(struct lineedit *le, const char *text)
{
	memset(le, 0, sizeof *le);
	lineedit_set(le, text);
}

void lineedit_free(struct lineedit *le)
{
	if (le->secret) {
		wipe(le->text, le->cap);
		wipe(le->killed, le->killed ? strlen(le->killed) : 0);
	}
	free(le->text);
	free(le->killed);
	free(le->comp_word);
	memset(le, 0, sizeof *le);
}

void lineedit_set(struct lineedit *le, const char *text)
{
	char *safe = safe_text_terminal(text ? text : "", 0);
	size_t n = strlen(safe);

	if (le->secret)
		wipe(le->text, le->cap);
	le->len = 0;
	reserve(le, n);
	memcpy(le->text, safe, n);
	le->len = n;
	le->text[n] = '\0';
	le->cursor = n;
	if (le->secret)
		wipe(safe, n);
	free(safe);
	end_completion(le);
}

/* Byte offset of the character before off (a continuation byte is never a
 * start, so walking back over them finds it). */
static size_t prev_char(const struct lineedit *le, size_t off)
{
	if (off == 0)
		return 0;
	off--;
	while (off > 0 && ((unsigned char)le->text[off] & 0xc0) == 0x80)
		off--;
	return off;
}

static size_t next_char(const struct lineedit *le, size_t off)
{
	if (off >= le->len)
		return le->len;
	size_t n = utf8_decode((const unsigned char *)le->text + off, le->len - off, NULL);
	return off + (n ? n : 1);
}

static void cut(struct lineedit *le, size_t from, size_t to, int keep)
{
	if (to <= from)
		return;
	if (keep) {
		if (le->secret && le->killed)
			wipe(le->killed, strlen(le->killed));
		free(le->killed);
		le->killed = xmalloc(to - from + 1);
		memcpy(le->killed, le->text + from, to - from);
		le->killed[to - from] = '\0';
	}
	memmove(le->text + from, le->text + to, le->len - to + 1);
	le->len -= to - from;
	if (le->cursor >= to)
		le->cursor -= to - from;
	else if (le->cursor > from)
		le->cursor = from;
}

static void insert(struct lineedit *le, const char *s, size_t n)
{
	reserve(le, n);
	memmove(le->text + le->cursor + n, le->text + le->cursor, le->len - le->cursor + 1);
	memcpy(le->text + le->cursor, s, n);
	le->len += n;
	le->cursor += n;
}

void lineedit_replace_before_cursor(struct lineedit *le, size_t from, const char *text)
{
	if (from > le->cursor)
		from = le->cursor;
	cut(le, from, le->cursor, 0);
	insert(le, text, strlen(text));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

enum lineedit_result lineedit_key(struct lineedit *le, int key)
{
	size_t at = le->cursor;

	if (key != '\t')
		end_completion(le);
	switch (key) {
	case '\n': return LINEEDIT_ACCEPT;
	case KEY_CTRL('g'):
	case 27: return LINEEDIT_ABORT;
	case '\t': return LINEEDIT_COMPLETE;
	case KEY_FN | KEY_LEFT:
	case KEY_CTRL('b'): le->cursor = prev_char(le, at); break;
	case KEY_FN | KEY_RIGHT:
	case KEY_CTRL('f'): le->cursor = next_char(le, at); break;
	case KEY_FN | KEY_HOME:
	case KEY_CTRL('a'): le->cursor = 0; break;
	case KEY_FN | KEY_END:
	case KEY_CTRL('e'): le->cursor = le->len; break;
	case KEY_FN | KEY_BACKSPACE:
		cut(le, prev_char(le, at), at, 0);
		return at != le->cursor ? LINEEDIT_CHANGED : LINEEDIT_MOVED;
	case KEY_FN | KEY_DC:
	case KEY_CTRL('d'): {
		size_t n = le->len;
		cut(le, at, next_char(le, at), 0);
		return n != le->len ? LINEEDIT_CHANGED : LINEEDIT_MOVED;
	}
	case KEY_CTRL('k'): cut(le, at, le->len, 1); return LINEEDIT_CHANGED;
	case KEY_CTRL('u'): cut(le, 0, at, 1); return LINEEDIT_CHANGED;
	case KEY_CTRL('w'): {
		size_t from = at;
		while (from > 0 && is_space(le->text[from - 1]))
			from--;
		while (from > 0 && !is_space(le->text[from - 1]))
			from--;
		cut(le, from, at, 1);
		return LINEEDIT_CHANGED;
	}
	case KEY_CTRL('y'):
		if (le->killed != NULL)
			insert(le, le->killed, strlen(le->killed));
		return LINEEDIT_CHANGED;
	default:
		/* Control characters and function keys are the caller's; text
		 * typed or pasted is a code point to insert. */
		if ((key & KEY_FN) || key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0) ||
		    key > 0x10ffff || (key >= 0xd800 && key <= 0xdfff))
			return LINEEDIT_IGNORED;
		struct strbuf b = { 0 };
		utf8_put(&b, (uint32_t)key);
		insert(le, b.s, b.len);
		if (le->secret)
			wipe(b.s, b.len);
		strbuf_free(&b);
		return LINEEDIT_CHANGED;
	}
	return LINEEDIT_MOVED;
}

int lineedit_complete(struct lineedit *le, char sep, lineedit_candidate_fn fn, void *ctx)
{
	char *cand;

	if (le->comp_word == NULL) {
		size_t from = le->cursor;
		while (from > 0 && (sep == 0 || le->text[from - 1] != sep))
			from--;
		while (from < le->cursor && is_space(le->text[from]))
			from++;
		le->comp_start = from;
		le->comp_word = xmalloc(le->cursor - from + 1);
		memcpy(le->comp_word, le->text + from, le->cursor - from);
		le->comp_word[le->cursor - from] = '\0';
		le->comp_nth = 0;
	}
	cand = fn(le->comp_word, le->comp_nth, ctx);
	if (cand == NULL && le->comp_nth == 0) {
		end_completion(le);
		return 0;
	}
	if (cand == NULL) {
		/* Past the last candidate: back to what was typed, then round again. */
		lineedit_replace_before_cursor(le, le->comp_start, le->comp_word);
		le->comp_nth = 0;
		return 1;
	}
	char *safe = safe_text_terminal(cand, 0);
	lineedit_replace_before_cursor(le, le->comp_start, safe);
	free(safe);
	free(cand);
	le->comp_nth++;
	return 1;
}

int lineedit_draw(const struct lineedit *le, int y, int x, int width, attr_t attr)
{
	if (width <= 0)
		return x;
	if (le->secret) {
		size_t chars = 0, before = 0;
		for (size_t off = 0; off < le->len; off = next_char(le, off)) {
			chars++;
			if (off < le->cursor)
				before++;
		}
		size_t skip = before >= (size_t)width ? before - (size_t)width + 1 : 0;
		int col = 0;
		for (size_t i = skip; i < chars && col < width; i++, col++)
			mvaddch(y, x + col, '*' | attr);
		return x + (int)(before - skip);
	}
	/* Skip whole characters from the start until the cursor fits, one
	 * column kept for it at the end. */
	size_t start = 0;
	int cols;
	draw_fit(le->text, le->cursor, 1 << 20, &cols);
	while (cols > width - 1 && start < le->cursor) {
		start = next_char(le, start);
		draw_fit(le->text + start, le->cursor - start, 1 << 20, &cols);
	}
	draw_textn(y, x, width, le->text + start, le->len - start, attr);
	return x + cols;
}
