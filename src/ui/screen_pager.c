/* The pager: the chosen headers, the decoded body with quote levels in their
 * own colours, the attachment list; scrolling, and the next or previous
 * message without going back to the index. Text is sanitized once per
 * message and wrapped once per width. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct layout {
	struct strbuf text;
	struct pager_line *lines;
	size_t n, cap;
	int width;
};

static void add_line(struct layout *l, size_t off, size_t len, enum draw_role role,
		     size_t name_len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 128;
		l->lines = xreallocarray(l->lines, l->cap, sizeof *l->lines);
	}
	l->lines[l->n++] = (struct pager_line){ off, len, (unsigned short)role,
						(unsigned short)(name_len > 0xffff ? 0 : name_len) };
}

/* Appends one logical line (terminal-safe, no '\n') and wraps it at the
 * last blank that fits, or anywhere in a word longer than the width. */
static void add_text(struct layout *l, const char *s, size_t len, enum draw_role role,
		     size_t name_len)
{
	size_t base = l->text.len, pos = 0;

	strbuf_append(&l->text, s, len);
	strbuf_appendc(&l->text, '\n');
	if (len == 0) {
		add_line(l, base, 0, role, 0);
		return;
	}
	while (pos < len) {
		const char *p = l->text.s + base + pos;
		size_t fit = draw_fit(p, len - pos, l->width, NULL), take = fit;
		if (fit == 0) {
			/* A wide character on a screen one column wide: it goes alone. */
			fit = take = draw_fit(p, len - pos, 2, NULL);
			if (fit == 0)
				fit = take = len - pos;
		}
		if (pos + fit < len) {
			for (size_t i = fit; i > fit / 2; i--)
				if (p[i - 1] == ' ') {
					take = i;
					break;
				}
		}
		add_line(l, base + pos, take, role, pos == 0 ? name_len : 0);
		pos += take;
	}
}

static void add_header(struct layout *l, const char *name, const char *value)
{
	char *safe;
	struct strbuf b = STRBUF_INIT;

	if (value == NULL || value[0] == '\0')
		return;
	safe = safe_text_terminal(value, 0);
	strbuf_printf(&b, "%s: %s", name, safe);
	add_text(l, b.s, b.len, ROLE_NORMAL, strlen(name) + 1);
	strbuf_free(&b);
	free(safe);
}

/* The body lines of text, sanitized, quote levels in their colours. */
static void add_body(struct layout *l, const char *text)
{
	char *body = safe_text_terminal(text != NULL ? text : "", 1);

	for (const char *p = body; *p != '\0';) {
		const char *end = strchr(p, '\n');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		add_text(l, p, len, draw_line_role(p, len), 0);
		p += len + (end != NULL);
	}
	free(body);
}

static void layout_done(struct ui *u, struct layout *l, int width)
{
	free(u->pager_text);
	free(u->lines);
	u->pager_text = strbuf_detach(&l->text, NULL);
	u->lines = l->lines;
	u->nlines = l->n;
	u->lines_width = width;
}

static void layout_message(struct ui *u, int width)
{
	const struct mail_message *m = u->message;
	struct layout l = { STRBUF_INIT, NULL, 0, 0, width > 0 ? width : 1 };

	if (u->pager_view != NULL) {
		char *title = safe_text_terminal(u->pager_view_title, 0);
		add_text(&l, title, strlen(title), ROLE_HEADER, 0);
		add_text(&l, "", 0, ROLE_NORMAL, 0);
		add_body(&l, u->pager_view);
		free(title);
		layout_done(u, &l, width);
		return;
	}
	add_header(&l, "Date", m->date);
	add_header(&l, "From", m->from);
	add_header(&l, "To", m->to);
	add_header(&l, "Cc", m->cc);
	add_header(&l, "Reply-To", m->reply_to);
	add_header(&l, "Subject", m->subject);
	add_text(&l, "", 0, ROLE_NORMAL, 0);
	add_body(&l, m->body);
	if (m->natts > 0) {
		add_text(&l, "", 0, ROLE_NORMAL, 0);
		add_text(&l, "Attachments:", 12, ROLE_HEADER, 0);
		for (size_t i = 0; i < m->natts; i++) {
			char size[16];
			char *name = safe_text_terminal(m->atts[i].filename[0] ? m->atts[i].filename
										: "(no name)", 0);
			char *type = safe_text_terminal(m->atts[i].content_type, 0);
			struct strbuf b = STRBUF_INIT;
			draw_size(size, sizeof size, m->atts[i].size);
			strbuf_printf(&b, "[%zu] %s  %s  %s", i + 1, name, type, size);
			add_text(&l, b.s, b.len, ROLE_ATTACHMENT, 0);
			strbuf_free(&b);
			free(name);
			free(type);
		}
	}
	layout_done(u, &l, width);
}

static void close_view(struct ui *u)
{
	free(u->pager_view);
	free(u->pager_view_title);
	u->pager_view = u->pager_view_title = NULL;
}

void screen_pager_show_view(struct ui *u, char *title, char *text)
{
	close_view(u);
	u->pager_view = text;
	u->pager_view_title = title;
	u->pager_top = 0;
	layout_message(u, COLS - 1);
	u->dirty = 1;
}

void screen_pager_clear(struct ui *u)
{
	close_view(u);
	mail_message_free(u->message);
	u->message = NULL;
	free(u->pager_text);
	u->pager_text = NULL;
	free(u->lines);
	u->lines = NULL;
	u->nlines = 0;
	u->pager_uid = 0;
	u->pager_top = 0;
}

void screen_pager_show(struct ui *u, uint32_t uid, struct mail_message *m)
{
	screen_pager_clear(u);
	u->message = m;
	u->pager_uid = uid;
	layout_message(u, COLS - 1);
	u->dirty = 1;
}

void screen_pager_open(struct ui *u)
{
	struct msg_summary *m = ui_current(u);
	struct worker_req *req;

	if (m == NULL || u->folder == NULL)
		return;
	if (u->fetch_id != 0)
		worker_cancel(u->worker, u->fetch_id);
	screen_pager_clear(u);
	req = worker_req_new(WORKER_REQ_FETCH, u->folder, &m->uid, 1);
	u->fetch_uid = m->uid;
	u->fetch_for = ACT_NONE;
	u->fetch_done = u->fetch_total = 0;
	u->fetch_id = ui_post(u, req, m->uid);
	u->screen = SCREEN_PAGER;
	u->dirty = 1;
}

void screen_pager_draw(struct ui *u)
{
	int rows = ui_body_rows();

	if (rows <= 0)
		return;
	if (u->message == NULL) {
		draw_text(2, 3, COLS - 3, u->fetch_id != 0 ? "Fetching the message..." : "No message.",
			  draw_attr(ROLE_DIM));
		return;
	}
	if (u->lines_width != COLS - 1) {
		/* The terminal was resized: wrap again, keeping the top line's text. */
		size_t off = u->pager_top < u->nlines ? u->lines[u->pager_top].off : 0;
		layout_message(u, COLS - 1);
		u->pager_top = 0;
		while (u->pager_top + 1 < u->nlines && u->lines[u->pager_top + 1].off <= off)
			u->pager_top++;
	}
	for (int i = 0; i < rows && u->pager_top + (size_t)i < u->nlines; i++) {
		const struct pager_line *l = &u->lines[u->pager_top + (size_t)i];
		const char *s = u->pager_text + l->off;
		int used = 0;
		if (l->name_len > 0)
			used = draw_textn(1 + i, 0, COLS - 1, s, l->name_len, draw_attr(ROLE_HEADER));
		draw_textn(1 + i, used, COLS - 1 - used, s + l->name_len, l->len - l->name_len,
			   draw_attr(l->role));
	}
}

static size_t max_top(struct ui *u)
{
	size_t rows = ui_body_rows() > 0 ? (size_t)ui_body_rows() : 1;

	return u->nlines > rows ? u->nlines - rows : 0;
}

static void scroll_to(struct ui *u, size_t top)
{
	size_t max = max_top(u);

	u->pager_top = top > max ? max : top;
	u->dirty = 1;
}

/* The message of the pager in the list, or NULL once it is gone. */
static struct msg_summary *shown(struct ui *u)
{
	ssize_t pos = u->pager_uid != 0 ? msglist_find(u->msgs, u->pager_uid) : -1;

	return pos >= 0 ? msglist_at(u->msgs, (size_t)pos) : NULL;
}

static void step(struct ui *u, int forward)
{
	size_t n = msgview_count(u->view, u->msgs);

	if (forward ? u->cursor + 1 >= n : u->cursor == 0) {
		ui_note(u, 0, forward ? "This is the last message." : "This is the first message.");
		return;
	}
	screen_index_set_cursor(u, forward ? u->cursor + 1 : u->cursor - 1);
	screen_pager_open(u);
}

int screen_pager_action(struct ui *u, enum ui_action a)
{
	size_t page = ui_body_rows() > 2 ? (size_t)ui_body_rows() - 2 : 1;
	struct msg_summary *m = shown(u);
	ssize_t next;

	switch (a) {
	case ACT_DOWN: scroll_to(u, u->pager_top + 1); return 1;
	case ACT_UP: scroll_to(u, u->pager_top > 0 ? u->pager_top - 1 : 0); return 1;
	case ACT_PAGE_DOWN:
		if (u->message != NULL && u->pager_top >= max_top(u))
			step(u, 1);
		else
			scroll_to(u, u->pager_top + page);
		return 1;
	case ACT_PAGE_UP: scroll_to(u, u->pager_top > page ? u->pager_top - page : 0); return 1;
	case ACT_FIRST: scroll_to(u, 0); return 1;
	case ACT_LAST: scroll_to(u, max_top(u)); return 1;
	case ACT_NEXT_MESSAGE: step(u, 1); return 1;
	case ACT_PREV_MESSAGE: step(u, 0); return 1;
	case ACT_NEXT_UNREAD:
		next = msgview_count(u->view, u->msgs) ? msgview_next_unread(u->view, u->msgs, u->cursor) : -1;
		if (next < 0) {
			ui_note(u, 0, "No unread messages.");
		} else {
			screen_index_set_cursor(u, (size_t)next);
			screen_pager_open(u);
		}
		return 1;
	case ACT_BACK:
		if (u->pager_view != NULL && u->message != NULL) {
			/* From an attachment's text back to its message. */
			close_view(u);
			u->pager_top = 0;
			layout_message(u, COLS - 1);
			u->dirty = 1;
			return 1;
		}
		/* fall through */
	case ACT_FOLDERS:
		/* Whatever the fetch still brings is dropped: the message the
		 * user walked away from is not shown, nor marked as read. */
		if (u->fetch_id != 0)
			worker_cancel(u->worker, u->fetch_id);
		u->fetch_id = 0;
		u->screen = a == ACT_BACK ? SCREEN_INDEX : SCREEN_FOLDERS;
		u->dirty = 1;
		return 1;
	case ACT_DELETE:
		if (m == NULL)
			return 1;
		if (!ui_delete(u, m))
			return 1;
		if (u->cursor + 1 < msgview_count(u->view, u->msgs)) {
			screen_index_set_cursor(u, u->cursor + 1);
			screen_pager_open(u);
		} else {
			u->screen = SCREEN_INDEX;
			u->dirty = 1;
		}
		return 1;
	case ACT_SAVE_ATTACHMENTS:
		ui_save_attachments(u);
		return 1;
	case ACT_SAVE_MESSAGE:
	case ACT_COPY_MESSAGE:
		ui_move_ask(u, m, a == ACT_COPY_MESSAGE);
		return 1;
	case ACT_OPEN_ATTACHMENT:
		ui_open_attachment(u);
		return 1;
	case ACT_UNDO:
		ui_undo(u);
		return 1;
	case ACT_FLAG:
		ui_toggle_flag(u, m, MSG_FLAGGED);
		return 1;
	case ACT_TOGGLE_NEW:
		ui_toggle_flag(u, m, MSG_SEEN);
		return 1;
	default:
		return 0;
	}
}
