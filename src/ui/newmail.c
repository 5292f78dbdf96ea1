/* New mail while the client runs: the watcher (app/watch.h) on its own
 * thread and connection; its notes update the folder list's counts, load the
 * new messages into the open folder through the account worker, mark the
 * status bar, ring the bell if asked, and put its connection's state on the
 * message line. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/safe_text.h"
#include "ui/ui_internal.h"
#include "util/clock.h"

/* A note younger than this is not replaced by a new-mail sentence. */
#define NOTE_FRESH_US 2000000

void ui_newmail_start(struct ui *u)
{
	struct err e = { ERR_NONE, "" };

	u->watch = watch_thread_new(u->app, &e);
	if (u->watch == NULL)
		ui_note(u, 1, "New mail is not watched: %s", e.msg);
}

int ui_newmail_stop(struct ui *u)
{
	return u->watch != NULL ? watch_thread_stop(u->watch, 3000) : 0;
}

static uint32_t highest_uid(const struct msglist *l)
{
	uint32_t max = 0;
	size_t n = l != NULL ? msglist_count(l) : 0;

	for (size_t i = 0; i < n; i++) {
		const struct msg_summary *m = msglist_at(l, i);
		if (m->uid > max)
			max = m->uid;
	}
	return max;
}

void ui_newmail_load(struct ui *u)
{
	uint32_t from;

	if (u->folder == NULL)
		return;
	/* One at a time: a second arrival during a load is picked up after it. */
	if (u->open_id != 0 || u->newer_id != 0) {
		u->newer_again = 1;
		return;
	}
	from = highest_uid(u->msgs) + 1;
	u->newer_id = ui_post(u, worker_req_new(WORKER_REQ_NEWER, u->folder, &from, 1), 0);
}

void ui_newmail_reply(struct ui *u, struct worker_reply *r)
{
	switch (r->kind) {
	case WORKER_SUMMARIES:
		msglist_add(u->msgs, r->batch);
		r->batch = NULL;
		screen_index_follow(u);
		break;
	case WORKER_DONE:
	case WORKER_ERROR:
	case WORKER_CANCELLED:
		u->newer_id = 0;
		if (r->kind == WORKER_ERROR)
			ui_note(u, 1, "%s", r->err.msg);
		if (r->kind == WORKER_DONE)
			ui_update_folder_counts(u);
		if (u->newer_again && r->kind == WORKER_DONE) {
			u->newer_again = 0;
			ui_newmail_load(u);
		}
		break;
	default:
		break;
	}
	u->dirty = 1;
}

static void on_event(struct ui *u, const struct watch_note *n)
{
	struct ui_folder *f = ui_folder_find(u, n->folder);
	const struct watch_message *last = n->n_msgs > 0 ? &n->msgs[n->n_msgs - 1] : NULL;
	char *shown;

	if (f != NULL) {
		f->messages = n->messages;
		if (n->unseen != UINT32_MAX)
			f->unseen = n->unseen;
		f->counted = f->counted < 0 && n->unseen == UINT32_MAX ? -1 : 1;
	}
	u->dirty = 1;
	if (n->new_count == 0)
		return;
	if (u->folder != NULL && strcmp(u->folder, n->folder) == 0)
		ui_newmail_load(u);
	shown = safe_text_terminal(f != NULL ? f->display : n->folder_shown, 0);
	snprintf(u->new_mail, sizeof u->new_mail, "New mail in %s", shown);
	free(shown);
	u->new_mail_us = clock_mono_us();
	/* An error on the message line matters more than a sender's name, and
	 * so does what the user's last action just said: the status bar has
	 * the new-mail mark anyway. */
	if (u->note[0] == '\0' ||
	    (!u->note_error && clock_mono_us() - u->note_set_us > NOTE_FRESH_US)) {
		if (last != NULL)
			ui_note(u, 0, "New mail in %s from %s: %s", n->folder_shown,
				last->from[0] ? last->from : "(unknown sender)",
				last->subject[0] ? last->subject : "(no subject)");
		else
			ui_note(u, 0, "%u new messages in %s", n->new_count, n->folder_shown);
	}
	if (u->app->config.bell_on_new_mail)
		beep();
}

static void on_status(struct ui *u, const struct watch_note *n)
{
	enum watch_state before = u->watch_state;

	u->watch_state = n->state;
	if (n->state == WATCH_RETRYING)
		ui_note(u, 1, "New mail: %s", n->text);
	else if (n->state == WATCH_ACTIVE && before == WATCH_RETRYING)
		ui_note(u, 0, "New mail: %s", n->text);
}

void ui_newmail_take(struct ui *u)
{
	struct watch_note *n;

	if (u->watch == NULL)
		return;
	while ((n = watch_thread_take(u->watch)) != NULL) {
		switch (n->kind) {
		case WATCH_NOTE_EVENT: on_event(u, n); break;
		case WATCH_NOTE_STATUS: on_status(u, n); break;
		case WATCH_NOTE_ENDED:
			if (n->failed)
				ui_note(u, 1, "New mail is not watched: %s", n->err.msg);
			break;
		}
		watch_note_free(n);
	}
}
