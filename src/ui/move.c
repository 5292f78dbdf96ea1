/* Moving messages between folders: delete as a move to Trash (or for good
 * inside Trash), save to a folder asked for with Tab completion of the
 * folder names, copy, undo of the last move, and what the replies change
 * (the index, the folder counts, the message line). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* The answer y to "delete for good?": the message asked about, if it is
 * still in the open folder. */
static void expunge_confirmed(struct ui *u, void *ctx)
{
	(void)ctx;
	ssize_t pos = u->msgs != NULL ? msglist_find(u->msgs, u->confirm_uid) : -1;
	struct msg_summary *m = pos >= 0 ? msglist_at(u->msgs, (size_t)pos) : NULL;

	if (m == NULL || m->mark || u->folder == NULL)
		return;
	m->mark = 1;
	ui_post(u, worker_req_new(WORKER_REQ_EXPUNGE, u->folder, &m->uid, 1), m->uid);
	ui_note(u, 0, "Deleting...");
	if (u->screen == SCREEN_PAGER) {
		u->screen = SCREEN_INDEX;
		u->dirty = 1;
	}
}

void ui_last_move_clear(struct ui *u)
{
	free(u->last_move.from);
	free(u->last_move.to);
	memset(&u->last_move, 0, sizeof u->last_move);
}

void ui_undo(struct ui *u)
{
	struct ui_last_move *lm = &u->last_move;
	struct worker_req *req;
	struct ui_folder *f;

	if (lm->from == NULL) {
		ui_note(u, 0, "Nothing to undo.");
		return;
	}
	if (lm->uid == 0) {
		f = ui_folder_find(u, lm->to);
		ui_note(u, 1, "Cannot undo: the server did not say where the message went in %s "
			      "(no UIDPLUS).", f != NULL ? f->display : lm->to);
		ui_last_move_clear(u);
		return;
	}
	req = worker_req_new(WORKER_REQ_MOVE, lm->to, &lm->uid, 1);
	req->dest = xstrdup(lm->from);
	uint64_t id = ui_post(u, req, lm->uid);
	for (size_t i = 0; i < u->npending; i++)
		if (u->pending[i].id == id)
			u->pending[i].undo = 1;
	ui_last_move_clear(u);
	ui_note(u, 0, "Undoing...");
}

int ui_delete(struct ui *u, struct msg_summary *m)
{
	struct ui_folder *f = ui_folder_find(u, u->folder);

	if (m->mark)
		return 0;
	if (f != NULL && (f->flags & IMAP_FOLDER_TRASH)) {
		/* Inside Trash nothing is left to move it to: deleting is for good,
		 * so it is asked first. */
		u->confirm_uid = m->uid;
		ui_prompt_yesno(u, expunge_confirmed, NULL, "Delete \"%s\" from %s for good?",
				m->subject != NULL ? m->subject : "", f->display);
		return 0;
	}
	m->mark = 1;
	ui_post(u, worker_req_new(WORKER_REQ_MOVE, u->folder, &m->uid, 1), m->uid);
	u->dirty = 1;
	return 1;
}
/* A copy answered: the destination counts one more. */
static void copy_done(struct ui *u, const struct ui_pending *p, struct worker_reply *r)
{
	ssize_t pos = u->msgs != NULL ? msglist_find(u->msgs, p->uid) : -1;
	struct msg_summary *m = pos >= 0 ? msglist_at(u->msgs, (size_t)pos) : NULL;
	struct ui_folder *dst = ui_folder_find(u, r->dest);

	if (dst != NULL && dst->counted > 0) {
		dst->messages++;
		dst->unseen += m != NULL && !(m->flags & MSG_SEEN);
	}
	ui_note(u, 0, "Copied to %s.", dst != NULL ? dst->display : r->dest);
}

/* The message leaves the index and its folder's counts; 1 if it was
 * unread. m is gone afterwards. */
static int take_out(struct ui *u, const struct msg_summary *m, struct ui_folder *src)
{
	int unread = !(m->flags & MSG_SEEN);

	msglist_remove(u->msgs, m->uid);
	screen_index_follow(u);
	if (src != NULL && src->counted > 0 && src->messages > 0) {
		src->messages--;
		src->unseen -= unread && src->unseen > 0;
	}
	return unread;
}

/* A flag change, a copy or a move in the open folder, answered. */
void ui_change_reply(struct ui *u, const struct ui_pending *p, struct worker_reply *r)
{
	int here = u->folder != NULL && p->folder != NULL && strcmp(u->folder, p->folder) == 0;
	ssize_t pos = here ? msglist_find(u->msgs, p->uid) : -1;
	struct msg_summary *m = pos >= 0 ? msglist_at(u->msgs, (size_t)pos) : NULL;
	struct ui_folder *src, *dst;

	if (r->kind == WORKER_DONE && p->kind == WORKER_REQ_EXPUNGE) {
		if (m != NULL)
			take_out(u, m, ui_folder_find(u, p->folder));
		ui_note(u, 0, "Deleted for good.");
	} else if (r->kind == WORKER_DONE && p->kind == WORKER_REQ_MOVE) {
		src = ui_folder_find(u, p->folder);
		dst = ui_folder_find(u, r->dest);
		if (m != NULL) {
			int unread = take_out(u, m, src);
			if (dst != NULL && dst->counted > 0) {
				dst->messages++;
				dst->unseen += unread;
			}
		}
		if (p->undo) {
			ui_note(u, 0, "Moved back to %s.", dst != NULL ? dst->display : r->dest);
			/* Back under a new UID: the open folder loads it as new mail. */
			if (u->folder != NULL && strcmp(u->folder, r->dest) == 0)
				ui_newmail_load(u);
		} else {
			char key[16] = "";
			int k;
			ui_last_move_clear(u);
			u->last_move.from = xstrdup(p->folder);
			u->last_move.to = xstrdup(r->dest);
			u->last_move.uid = r->dest_uid;
			if (keys_of_action(u->screen, ACT_UNDO, &k, 1) > 0)
				keys_name(k, key, sizeof key);
			ui_note(u, 0, "Moved to %s.%s%s%s", dst != NULL ? dst->display : r->dest,
				key[0] ? " " : "", key, key[0] ? " undoes it." : "");
		}
	} else if (r->kind == WORKER_DONE && p->kind == WORKER_REQ_COPY) {
		copy_done(u, p, r);
	} else if (r->kind == WORKER_DONE) {
		ui_update_folder_counts(u);
	} else if (r->kind == WORKER_ERROR || r->kind == WORKER_CANCELLED) {
		if (m != NULL && (p->kind == WORKER_REQ_MOVE || p->kind == WORKER_REQ_EXPUNGE))
			m->mark = 0;
		if (m != NULL && p->kind == WORKER_REQ_FLAGS) {
			if (p->add)
				m->flags &= (uint16_t)~p->flags;
			else
				m->flags |= (uint16_t)p->flags;
		}
		if (r->kind == WORKER_ERROR)
			ui_note(u, 1, "%s", r->err.msg);
	}
	u->dirty = 1;
}

/* Folders a message can go to: selectable, and not the open one. */
static int destination(const struct ui *u, const struct ui_folder *f)
{
	return !(f->flags & IMAP_FOLDER_NOSELECT) &&
	       (u->folder == NULL || strcmp(f->name, u->folder) != 0);
}

/* The nth folder whose name as shown starts with word (ASCII case
 * ignored), in the folder list's order. */
static char *complete_folder(const char *word, size_t nth, void *ctx)
{
	struct ui *u = ctx;
	size_t len = strlen(word);

	for (size_t i = 0; i < u->nfolders; i++) {
		const struct ui_folder *f = &u->folders[i];
		if (!destination(u, f) || strncasecmp(f->display, word, len) != 0)
			continue;
		if (nth-- == 0)
			return xstrdup(f->display);
	}
	return NULL;
}

/* The folder the answer names: its name as shown or on the server, else
 * the only one it names without regard to ASCII case. */
static struct ui_folder *answered_folder(struct ui *u, const char *answer)
{
	struct ui_folder *hit = NULL;
	size_t hits = 0;

	for (size_t i = 0; i < u->nfolders; i++)
		if (strcmp(u->folders[i].display, answer) == 0 ||
		    strcmp(u->folders[i].name, answer) == 0)
			return &u->folders[i];
	for (size_t i = 0; i < u->nfolders; i++)
		if (strcasecmp(u->folders[i].display, answer) == 0) {
			hit = &u->folders[i];
			hits++;
		}
	return hits == 1 ? hit : NULL;
}

/* After the message left the view: the next one, in the pager as in the
 * index, as delete does. */
static void step_after_move(struct ui *u)
{
	if (u->screen != SCREEN_PAGER) {
		screen_index_set_cursor(u, u->cursor + 1);
		return;
	}
	if (u->cursor + 1 < msgview_count(u->view, u->msgs)) {
		screen_index_set_cursor(u, u->cursor + 1);
		screen_pager_open(u);
	} else {
		u->screen = SCREEN_INDEX;
		u->dirty = 1;
	}
}

static void folder_answered(struct ui *u, const char *answer, void *ctx)
{
	(void)ctx;
	ssize_t pos = u->msgs != NULL ? msglist_find(u->msgs, u->move_uid) : -1;
	struct msg_summary *m = pos >= 0 ? msglist_at(u->msgs, (size_t)pos) : NULL;
	struct ui_folder *f;
	struct worker_req *req;

	if (answer == NULL || answer[0] == '\0') {
		ui_note(u, 0, "Not done.");
		return;
	}
	if (m == NULL || u->folder == NULL) {
		ui_note(u, 0, "The message is gone from this folder.");
		return;
	}
	f = answered_folder(u, answer);
	if (f == NULL) {
		ui_note(u, 1, "No folder named %s; Tab completes the names.", answer);
		return;
	}
	if (!destination(u, f)) {
		ui_note(u, 1, "%s", (f->flags & IMAP_FOLDER_NOSELECT)
					   ? "That folder cannot hold messages."
					   : "The message is already in that folder.");
		return;
	}
	if (m->mark) {
		ui_note(u, 0, "The message is being moved already.");
		return;
	}
	req = worker_req_new(u->move_copy ? WORKER_REQ_COPY : WORKER_REQ_MOVE, u->folder, &m->uid, 1);
	req->dest = xstrdup(f->name);
	if (!u->move_copy)
		m->mark = 1;
	ui_post(u, req, m->uid);
	if (u->move_copy) {
		ui_note(u, 0, "Copying to %s...", f->display);
		return;
	}
	/* Shown at once as leaving, like a delete; a refusal brings it back. */
	if (u->cursor_uid == m->uid)
		step_after_move(u);
	u->dirty = 1;
}

void ui_move_ask(struct ui *u, struct msg_summary *m, int copy)
{
	struct ui_prompt_spec spec = { .done = folder_answered, .complete = complete_folder, .ctx = u };

	if (m == NULL)
		return;
	if (u->nfolders == 0) {
		ui_note(u, 1, "The folder list has not arrived yet.");
		return;
	}
	u->move_uid = m->uid;
	u->move_copy = copy;
	ui_prompt_text(u, &spec, "", copy ? "Copy to folder:" : "Move to folder:");
}
