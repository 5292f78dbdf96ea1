/* A one-line UTF-8 text editor with emacs-like keys, as mutt's and readline's
 * prompts have: the answer line of prompts, the header fields of compose and
 * the fields of the first-run screen. The editing is independent of the
 * screen; lineedit_draw shows it. */
#ifndef SKUA_UI_LINEEDIT_H
#define SKUA_UI_LINEEDIT_H

#include <curses.h>
#include <stddef.h>

struct lineedit {
	char *text;      /* UTF-8, NUL-terminated; owned */
	size_t len, cap;
	size_t cursor;   /* byte offset, always at a character boundary */
	char *killed;    /* the last text cut with ^K, ^U or ^W, for ^Y; owned */
	int secret;      /* draw '*' for every character (passwords) */
	/* Completion in progress (repeated Tab cycles through candidates). */
	char *comp_word; /* the word as typed before the first Tab; owned */
	size_t comp_start, comp_nth;
};

/* The nth candidate (0 first) for completing word, malloc'ed, or NULL when
 * there are no more. */
typedef char *(*lineedit_candidate_fn)(const char *word, size_t nth, void *ctx);

enum lineedit_result {
	LINEEDIT_IGNORED,   /* not an editing key: the caller may use it */
	LINEEDIT_CHANGED,   /* the text changed */
	LINEEDIT_MOVED,     /* only the cursor moved */
	LINEEDIT_ACCEPT,    /* Enter */
	LINEEDIT_ABORT,     /* ^G or Esc */
	LINEEDIT_COMPLETE,  /* Tab: the caller completes */
};

/* Starts with a copy of text (NULL = empty), the cursor at its end. Control
 * characters and escape sequences in text are dropped, so the line can
 * always be drawn as it is. */
void lineedit_init(struct lineedit *le, const char *text);
/* Frees the text; the struct can be initialised again. Secret text is
 * zeroed first. */
void lineedit_free(struct lineedit *le);
/* Replaces the text (cursor at the end), dropping control characters. */
void lineedit_set(struct lineedit *le, const char *text);
/* Replaces the bytes [from, cursor) with text and puts the cursor after it:
 * what completion does with the word before the cursor. */
void lineedit_replace_before_cursor(struct lineedit *le, size_t from, const char *text);
/* Applies a key (keys.h codes): printable characters are inserted; Left,
 * Right, ^B, ^F, Home, ^A, End and ^E move; Backspace, Delete and ^D delete a
 * character; ^K cuts to the end, ^U to the start, ^W the word before the
 * cursor; ^Y puts back what was cut. */
enum lineedit_result lineedit_key(struct lineedit *le, int key);
/* Tab: replaces the word before the cursor (the text after the last sep
 * before it, or from the start when sep is 0, leading blanks kept) with the
 * next candidate fn gives; Tabs in a row cycle through them and back to the
 * word as typed. Returns 1 if the text changed. */
int lineedit_complete(struct lineedit *le, char sep, lineedit_candidate_fn fn, void *ctx);
/* Draws the text at (y, x) in width columns with attr, scrolled so that
 * the cursor is visible, and returns the cursor's screen column. */
int lineedit_draw(const struct lineedit *le, int y, int x, int width, attr_t attr);

#endif
