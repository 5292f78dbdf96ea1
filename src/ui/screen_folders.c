/* The folder list: the account, then its folders (INBOX and the special
 * folders first, as the worker sorted them) with unread and total counts,
 * as the CONNECT request's replies bring them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/folders.h"
#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

static const unsigned role_flags[] = { IMAP_FOLDER_DRAFTS, IMAP_FOLDER_SENT, IMAP_FOLDER_JUNK,
				       IMAP_FOLDER_TRASH, IMAP_FOLDER_ARCHIVE };

/* The role a folder plays when its name does not say it, e.g. "(Trash)"
 * beside "Deleted Items". */
static const char *role_tag(const struct ui_folder *f)
{
	for (size_t i = 0; i < sizeof role_flags / sizeof role_flags[0]; i++) {
		const char *name = app_folder_role_name(role_flags[i]);
		if ((f->flags & role_flags[i]) && strcmp(f->display, name) != 0)
			return name;
	}
	return NULL;
}

static void keep_visible(struct ui *u, int rows)
{
	if (u->folder_cursor < u->folder_top)
		u->folder_top = u->folder_cursor;
	if (rows > 0 && u->folder_cursor >= u->folder_top + (size_t)rows)
		u->folder_top = u->folder_cursor - (size_t)rows + 1;
}

void screen_folders_draw(struct ui *u)
{
	int rows = ui_body_rows(), y = 1, name_w;
	char line[64];

	if (rows <= 0)
		return;
	draw_row(y, A_NORMAL);
	draw_text(y, 1, COLS - 1, "Account ", draw_attr(ROLE_HEADER));
	draw_text(y, 9, COLS - 9, u->account_label, draw_attr(ROLE_HEADER));
	y++;
	rows--;
	if (u->nfolders == 0) {
		if (rows > 0)
			draw_text(y, 3, COLS - 3,
				  u->connect_id != 0 ? "Connecting..."
						     : "No folders: not connected ($ tries again).",
				  draw_attr(ROLE_DIM));
		return;
	}
	/* Two count columns of 7, the name takes the rest. */
	name_w = COLS - 3 - 16;
	if (name_w < 8)
		name_w = COLS - 3;
	if (rows > 0) {
		draw_text(y, 3, name_w, "Folder", draw_attr(ROLE_DIM));
		if (name_w < COLS - 3) {
			snprintf(line, sizeof line, "%7s %7s", "New", "Total");
			draw_text(y, 3 + name_w, 16, line, draw_attr(ROLE_DIM));
		}
		y++;
		rows--;
	}
	keep_visible(u, rows);
	for (size_t i = u->folder_top; i < u->nfolders && rows > 0; i++, y++, rows--) {
		const struct ui_folder *f = &u->folders[i];
		int cursor = i == u->folder_cursor;
		attr_t attr = f->flags & IMAP_FOLDER_NOSELECT ? draw_attr(ROLE_DIM)
			      : f->counted > 0 && f->unseen > 0 ? draw_attr(ROLE_NEW)
								 : A_NORMAL;
		const char *tag = role_tag(f);
		int used;

		if (cursor)
			attr = draw_attr(ROLE_CURSOR);
		draw_row(y, cursor ? attr : A_NORMAL);
		used = draw_text(y, 3, name_w, f->display, attr);
		if (tag != NULL && used + 3 < name_w) {
			snprintf(line, sizeof line, " (%s)", tag);
			draw_text(y, 3 + used, name_w - used, line, cursor ? attr : draw_attr(ROLE_DIM));
		}
		if (name_w < COLS - 3 && !(f->flags & IMAP_FOLDER_NOSELECT)) {
			char unseen[16], total[16];
			if (f->counted > 0) {
				snprintf(unseen, sizeof unseen, "%u", f->unseen);
				snprintf(total, sizeof total, "%u", f->messages);
			} else {
				snprintf(unseen, sizeof unseen, "%s", f->counted < 0 ? "?" : "");
				snprintf(total, sizeof total, "%s", f->counted < 0 ? "?" : "");
			}
			snprintf(line, sizeof line, "%7s %7s", unseen, total);
			draw_text(y, 3 + name_w, 16, line, attr);
		}
	}
}

static void move_to(struct ui *u, size_t pos)
{
	if (u->nfolders == 0)
		return;
	u->folder_cursor = pos < u->nfolders ? pos : u->nfolders - 1;
	u->dirty = 1;
}

int screen_folders_action(struct ui *u, enum ui_action a)
{
	size_t page = ui_body_rows() > 3 ? (size_t)ui_body_rows() - 2 : 1;
	struct ui_folder *f;

	switch (a) {
	case ACT_DOWN: move_to(u, u->folder_cursor + 1); return 1;
	case ACT_UP: move_to(u, u->folder_cursor > 0 ? u->folder_cursor - 1 : 0); return 1;
	case ACT_PAGE_DOWN: move_to(u, u->folder_cursor + page); return 1;
	case ACT_PAGE_UP: move_to(u, u->folder_cursor > page ? u->folder_cursor - page : 0); return 1;
	case ACT_FIRST: move_to(u, 0); return 1;
	case ACT_LAST: move_to(u, u->nfolders ? u->nfolders - 1 : 0); return 1;
	case ACT_REFRESH: ui_connect(u); return 1;
	case ACT_OPEN:
		if (u->nfolders == 0)
			return 1;
		f = &u->folders[u->folder_cursor];
		if (f->flags & IMAP_FOLDER_NOSELECT)
			ui_note(u, 1, "%s holds only other folders and cannot be opened", f->display);
		else
			ui_open_folder(u, f->name, f->display);
		return 1;
	default:
		return 0;
	}
}

static void set_folders(struct ui *u, const struct imap_folder *f, size_t n)
{
	char *keep = u->folder_cursor < u->nfolders
			     ? xstrdup(u->folders[u->folder_cursor].name) : NULL;

	for (size_t i = 0; i < u->nfolders; i++) {
		free(u->folders[i].name);
		free(u->folders[i].display);
	}
	free(u->folders);
	u->folders = xcalloc(n ? n : 1, sizeof *u->folders);
	u->nfolders = n;
	u->folder_cursor = 0;
	for (size_t i = 0; i < n; i++) {
		u->folders[i].name = xstrdup(f[i].name);
		u->folders[i].display = safe_text_terminal(f[i].display, 0);
		u->folders[i].flags = f[i].flags;
		if (keep != NULL && strcmp(keep, f[i].name) == 0)
			u->folder_cursor = i;
	}
	free(keep);
}

void screen_folders_connect_reply(struct ui *u, struct worker_reply *r)
{
	switch (r->kind) {
	case WORKER_FOLDERS:
		set_folders(u, r->folders, r->nfolders);
		break;
	case WORKER_FOLDER_STATUS:
		if (r->index < u->nfolders) {
			u->folders[r->index].counted = r->status_ok ? 1 : -1;
			u->folders[r->index].messages = r->messages;
			u->folders[r->index].unseen = r->unseen;
		}
		break;
	case WORKER_DONE:
		u->connect_id = 0;
		u->connected = 1;
		break;
	case WORKER_ERROR:
		u->connect_id = 0;
		ui_note(u, 1, "%s", r->err.msg);
		break;
	case WORKER_CANCELLED:
		u->connect_id = 0;
		ui_note(u, 0, "Connecting was cancelled; $ tries again.");
		break;
	default:
		break;
	}
}
