/* The built-in editor for a message's text, used when no external editor is
 * set: UTF-8 text with soft-wrapped rows (wide characters and tabs measured
 * in columns), cursor keys by row, emacs-like cut and yank, and pasted text
 * taken as typed. The text holds no control character but '\n' and '\t'. */
#ifndef SKUA_UI_TEXTEDIT_H
#define SKUA_UI_TEXTEDIT_H

#include <curses.h>
#include <stddef.h>

struct textedit {
	char *s;              /* owned, NUL-terminated */
	size_t len, cap;
	size_t cur;           /* byte offset, at a character boundary */
	char *killed;         /* the last cut, for ^Y; owned */
	int want_col;         /* the column Up and Down keep, -1 for none */
	size_t top_row;       /* the first row shown */
	/* Row starts for the width last laid out (rebuilt after each change). */
	size_t *rows;
	size_t nrows, caprows;
	int width;
};

enum textedit_result {
	TEXTEDIT_IGNORED,     /* no editing key */
	TEXTEDIT_CHANGED,
	TEXTEDIT_MOVED,
	TEXTEDIT_DONE,        /* ^X: editing ends */
};

/* Starts with a copy of text (NULL: empty) without its control characters,
 * the cursor at the start. */
void textedit_init(struct textedit *t, const char *text);
void textedit_free(struct textedit *t);
/* The text (borrowed). */
const char *textedit_text(const struct textedit *t);
/* Applies a key (ui/keys.h codes); height is the rows shown, for paging. */
enum textedit_result textedit_key(struct textedit *t, int key, int width, int height);
/* Draws rows [y, y + height) of width columns and returns the cursor's
 * screen position in *cy, *cx. */
void textedit_draw(struct textedit *t, int y, int height, int width, attr_t attr, int *cy,
		   int *cx);
/* The cursor's row and column within the text, counted from 1, for the
 * status line. */
void textedit_position(struct textedit *t, int width, size_t *row, size_t *col);

#endif
