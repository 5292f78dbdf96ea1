/* Drawing helpers shared by the screens: colours and attributes by role
 * (plain attributes only when NO_COLOR is set or the terminal has no
 * colours), UTF-8 text measured in terminal columns with wcwidth so wide
 * (CJK) characters align, and the compact number, size and date formats. */
#ifndef SKUA_UI_DRAW_H
#define SKUA_UI_DRAW_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

enum draw_role {
	ROLE_NORMAL,
	ROLE_TITLE,      /* the top line */
	ROLE_STATUS,     /* the status bar */
	ROLE_CURSOR,     /* the selected row */
	ROLE_ERROR,
	ROLE_NEW,        /* unread messages, folders with unread mail */
	ROLE_HEADER,     /* header names in the pager, the account line */
	ROLE_DIM,        /* folders that cannot be opened, pending rows */
	ROLE_FLAGGED,
	ROLE_QUOTE1,
	ROLE_QUOTE2,
	ROLE_QUOTE3,
	ROLE_QUOTE4,
	ROLE_ATTACHMENT,
	ROLE_COUNT,
};

/* After initscr: colours unless NO_COLOR is set and non-empty, with the
 * colours chosen by draw_set_color in place of the defaults. */
void draw_init(void);

/* A role's name in color lines ("status", "quote1"), NULL past the last;
 * the role named name (case-insensitive), or -1. */
const char *draw_role_name(enum draw_role role);
int draw_role_by_name(const char *name);
/* The eight curses colour names by number ("black" ... "white"), NULL past. */
const char *draw_color_name(int i);
#define DRAW_COLOR_BAD (-2)
/* A colour: "default" (-1), the eight names (0-7), "bright" + a name (8-15),
 * "colorN" (0-255); DRAW_COLOR_BAD for anything else. */
int draw_color_parse(const char *name);
/* Before draw_init: role takes fg and bg (numbers of draw_color_parse). */
void draw_set_color(enum draw_role role, int fg, int bg);
/* Forgets the chosen colours (for tests). */
void draw_reset_colors(void);
attr_t draw_attr(enum draw_role role);
/* The quote role for a quote depth of 1 or more (cycling). */
enum draw_role draw_quote_role(int depth);
/* The role of a body line of len bytes: its quote level's ("> > text" and
 * ">> text" are both depth 2), or ROLE_NORMAL. */
enum draw_role draw_line_role(const char *line, size_t len);

/* Columns the UTF-8 text takes (characters without a width count as one). */
int draw_width(const char *text);
/* Draws text at (y, x) in at most width columns with attr, cutting at a
 * character boundary (a wide character that does not fit is left out), and
 * returns the columns used. text must be terminal-safe already. */
int draw_text(int y, int x, int width, const char *text, attr_t attr);
/* draw_text for the first len bytes of text. */
int draw_textn(int y, int x, int width, const char *text, size_t len, attr_t attr);
/* How many bytes of the len at text fit in width columns, whole characters
 * only; *cols gets the columns they take. */
size_t draw_fit(const char *text, size_t len, int width, int *cols);
/* Blanks a whole row with attr. */
void draw_row(int y, attr_t attr);

/* "999", "1.2K", "34K", "5.6M", "2.1G": at most 5 columns. */
void draw_size(char *buf, size_t size, uint64_t bytes);
/* "14:05" today, "24 Nov" this year, "2023-11-24" before: at most 10 columns. */
void draw_date(char *buf, size_t size, int64_t epoch, int64_t now);

#endif
