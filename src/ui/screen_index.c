/* The index: one row per message of the open folder, oldest first unless
 * sorted otherwise, with flags, date, sender, size, attachment mark, the
 * thread tree in thread order, and subject; the cursor stays on its message
 * while batches arrive and messages go. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

struct msg_summary *ui_current(struct ui *u)
{
	return u->msgs != NULL ? msgview_at(u->view, u->msgs, u->cursor) : NULL;
}

void screen_index_set_cursor(struct ui *u, size_t pos)
{
	size_t n = u->msgs != NULL ? msgview_count(u->view, u->msgs) : 0;
	struct msg_summary *m;

	u->cursor = n == 0 ? 0 : pos < n ? pos : n - 1;
	m = ui_current(u);
	u->cursor_uid = m != NULL ? m->uid : 0;
	u->dirty = 1;
}

void screen_index_follow(struct ui *u)
{
	size_t n;
	ssize_t pos;

	if (u->msgs == NULL)
		return;
	/* New messages obey the limit: the view follows every change. */
	msgview_update(u->view, u->msgs);
	n = msgview_count(u->view, u->msgs);
	if (n == 0) {
		u->cursor = 0;
		u->cursor_uid = 0;
		return;
	}
	/* While the folder loads, the cursor waits on the newest message until
	 * the user moves it. */
	if (u->open_id != 0 && !u->user_moved) {
		screen_index_set_cursor(u, n - 1);
		return;
	}
	pos = u->cursor_uid != 0 ? msgview_find(u->view, u->msgs, u->cursor_uid) : -1;
	screen_index_set_cursor(u, pos >= 0 ? (size_t)pos : u->cursor);
}

static void keep_visible(struct ui *u, size_t rows)
{
	if (u->cursor < u->top)
		u->top = u->cursor;
	if (rows > 0 && u->cursor >= u->top + rows)
		u->top = u->cursor - rows + 1;
	/* After a resize or removals, fill the screen rather than leave a gap. */
	size_t n = msgview_count(u->view, u->msgs);
	if (u->top > 0 && (u->top >= n || n - u->top < rows))
		u->top = n > rows ? n - rows : 0;
}

static void draw_message(struct ui *u, int y, size_t pos, const struct msg_summary *m,
			 int cursor)
{
	char tree[128];
	char flags[5], date[24], size[16];
	int x = 1, from_w, w = COLS;
	attr_t attr = A_NORMAL;

	flags[0] = m->flags & MSG_SEEN ? ' ' : 'N';
	flags[1] = m->flags & MSG_ANSWERED ? 'r' : ' ';
	flags[2] = m->flags & MSG_FLAGGED ? '!' : ' ';
	flags[3] = (m->flags & MSG_DELETED) || m->mark ? 'D' : ' ';
	flags[4] = '\0';
	draw_date(date, sizeof date, m->date, u->now);
	draw_size(size, sizeof size, m->size);
	if (m->mark)
		attr = draw_attr(ROLE_DIM);
	else if (m->flags & MSG_FLAGGED)
		attr = draw_attr(ROLE_FLAGGED);
	else if (!(m->flags & MSG_SEEN))
		attr = draw_attr(ROLE_NEW);
	if (cursor)
		attr = draw_attr(ROLE_CURSOR);
	draw_row(y, cursor ? attr : A_NORMAL);
	draw_text(y, x, 4, flags, attr);
	x += 5;
	if (w >= 50) {
		draw_text(y, x, 10, date, attr);
		x += 11;
	}
	from_w = w >= 120 ? 28 : w >= 100 ? 22 : w >= 60 ? 18 : 0;
	if (from_w > 0) {
		draw_text(y, x, from_w, m->from, attr);
		x += from_w + 1;
		char right[24];
		snprintf(right, sizeof right, "%5s", size);
		draw_text(y, x, 5, right, attr);
		x += 6;
	}
	draw_text(y, x, 1, m->has_attachment ? "@" : " ", attr);
	x += 2;
	/* Thread order: the tree before the subject, in ASCII where the
	 * terminal's locale has no box drawing characters. */
	if (x < w && msgview_tree(u->view, pos, MB_CUR_MAX == 1, tree, sizeof tree) > 0)
		x += draw_text(y, x, w - x, tree, attr);
	if (x < w)
		draw_text(y, x, w - x, m->subject, attr);
}

void screen_index_draw(struct ui *u)
{
	int rows = ui_body_rows();
	size_t n = u->msgs != NULL ? msgview_count(u->view, u->msgs) : 0;

	if (rows <= 0)
		return;
	if (n == 0) {
		const char *what = u->open_id != 0 ? "Loading..." : "No messages in this folder.";
		draw_text(2, 3, COLS - 3, what, draw_attr(ROLE_DIM));
		return;
	}
	keep_visible(u, (size_t)rows);
	for (int i = 0; i < rows && u->top + (size_t)i < n; i++) {
		size_t pos = u->top + (size_t)i;
		draw_message(u, 1 + i, pos, msgview_at(u->view, u->msgs, pos), pos == u->cursor);
	}
}

static void limit_done(struct ui *u, const char *answer, void *ctx)
{
	struct err e = { 0 };
	uint32_t uid = u->cursor_uid;
	ssize_t pos;

	(void)ctx;
	if (answer == NULL)
		return;
	if (msgview_set_limit(u->view, answer, &e) < 0) {
		ui_note(u, 1, "%s", e.msg);
		return;
	}
	/* "all" shows all: a server search ends with the limit. */
	if (msgview_limit(u->view) == NULL)
		ui_search_clear(u);
	msgview_update(u->view, u->msgs);
	/* The cursor stays on its message when it still matches, else on the
	 * next one shown. */
	pos = msgview_nearest(u->view, u->msgs, uid);
	u->top = 0;
	screen_index_set_cursor(u, pos >= 0 ? (size_t)pos : 0);
	if (msgview_count(u->view, u->msgs) == 0)
		ui_note(u, 0, "No message matches %s.", msgview_limit(u->view));
}

void screen_index_limit(struct ui *u)
{
	struct ui_prompt_spec spec = { .done = limit_done };
	const char *now = msgview_limit(u->view);

	ui_prompt_text(u, &spec, now != NULL ? now : "", "Limit to messages matching:");
}

static void move_to(struct ui *u, size_t pos)
{
	if (u->open_id != 0)
		u->user_moved = 1;
	screen_index_set_cursor(u, pos);
}

int screen_index_action(struct ui *u, enum ui_action a)
{
	size_t page = ui_body_rows() > 1 ? (size_t)ui_body_rows() - 1 : 1;
	size_t n = u->msgs != NULL ? msgview_count(u->view, u->msgs) : 0;
	struct msg_summary *m = ui_current(u);
	ssize_t next;

	switch (a) {
	case ACT_DOWN: move_to(u, u->cursor + 1); return 1;
	case ACT_UP: move_to(u, u->cursor > 0 ? u->cursor - 1 : 0); return 1;
	case ACT_PAGE_DOWN:
		move_to(u, u->cursor + page);
		u->top = u->cursor;
		return 1;
	case ACT_PAGE_UP:
		move_to(u, u->cursor > page ? u->cursor - page : 0);
		return 1;
	case ACT_FIRST: move_to(u, 0); return 1;
	case ACT_LAST: move_to(u, n ? n - 1 : 0); return 1;
	case ACT_BACK:
	case ACT_FOLDERS:
		u->screen = SCREEN_FOLDERS;
		u->dirty = 1;
		return 1;
	case ACT_REFRESH:
		if (u->folder != NULL) {
			char *name = xstrdup(u->folder), *display = xstrdup(u->folder_display);
			ui_open_folder(u, name, display);
			free(name);
			free(display);
		}
		return 1;
	case ACT_OPEN:
		if (m != NULL)
			screen_pager_open(u);
		return 1;
	case ACT_NEXT_UNREAD:
		next = n ? msgview_next_unread(u->view, u->msgs, u->cursor) : -1;
		if (next < 0)
			ui_note(u, 0, "No unread messages.");
		else
			move_to(u, (size_t)next);
		return 1;
	case ACT_DELETE:
		if (m != NULL && ui_delete(u, m))
			move_to(u, u->cursor + 1);
		return 1;
	case ACT_LIMIT:
		screen_index_limit(u);
		return 1;
	case ACT_SAVE_MESSAGE:
	case ACT_COPY_MESSAGE:
		ui_move_ask(u, m, a == ACT_COPY_MESSAGE);
		return 1;
	case ACT_SEARCH:
		ui_search_ask(u);
		return 1;
	case ACT_SORT:
	case ACT_SORT_REVERSE:
		ui_sort_ask(u, a == ACT_SORT_REVERSE);
		return 1;
	case ACT_FLAG:
		ui_toggle_flag(u, m, MSG_FLAGGED);
		return 1;
	case ACT_UNDO:
		ui_undo(u);
		return 1;
	case ACT_TOGGLE_NEW:
		ui_toggle_flag(u, m, MSG_SEEN);
		return 1;
	default:
		return 0;
	}
}
