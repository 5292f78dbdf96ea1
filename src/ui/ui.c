/* The full-screen client: start-up (config, secret, worker) before the
 * screen takes the terminal, the requests to the account worker and what
 * their replies change, key dispatch to the screens, and shutdown. */
#include "ui/ui.h"

#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/loop.h"
#include "ui/screen_login.h"
#include "ui/ui_config.h"
#include "ui/ui_internal.h"
#include "util/clock.h"
#include "util/tty_secret.h"
#include "util/xalloc.h"

/* How long a note (not an error) stays on the message line. */
#define NOTE_US 5000000
/* How long the new-mail mark stays at least, whatever keys come. */
#define NEW_MAIL_SEEN_US 2000000

static void note_expired(void *ctx)
{
	struct ui *u = ctx;

	if (!u->note_error && u->note_until_us != 0 && clock_mono_us() >= u->note_until_us) {
		u->note[0] = '\0';
		u->dirty = 1;
	}
}

void ui_note(struct ui *u, int error, const char *fmt, ...)
{
	char raw[sizeof u->note];
	char *safe;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* Notes quote servers (error messages, folder names): sanitize them all. */
	safe = safe_text_terminal(raw, 0);
	snprintf(u->note, sizeof u->note, "%s", safe);
	free(safe);
	u->note_error = error;
	u->note_set_us = clock_mono_us();
	u->note_until_us = error ? 0 : u->note_set_us + NOTE_US;
	if (!error)
		loop_timer_at(u->note_until_us, note_expired, u);
	u->dirty = 1;
}

static struct ui_pending *pending_find(struct ui *u, uint64_t id)
{
	for (size_t i = 0; i < u->npending; i++)
		if (u->pending[i].id == id)
			return &u->pending[i];
	return NULL;
}

static void pending_remove(struct ui *u, uint64_t id)
{
	struct ui_pending *p = pending_find(u, id);

	if (p == NULL)
		return;
	free(p->folder);
	*p = u->pending[--u->npending];
}

uint64_t ui_post(struct ui *u, struct worker_req *req, uint32_t uid)
{
	struct ui_pending p = { 0 };

	p.kind = req->kind;
	p.uid = uid;
	p.flags = req->flags;
	p.add = req->add;
	p.folder = req->folder != NULL ? xstrdup(req->folder) : NULL;
	p.id = worker_post(u->worker, req);
	u->pending = xreallocarray(u->pending, u->npending + 1, sizeof *u->pending);
	u->pending[u->npending++] = p;
	return p.id;
}

void ui_cancel_all(struct ui *u)
{
	worker_cancel_all(u->worker);
}

void ui_connect(struct ui *u)
{
	const struct account *acct = u->app->account;

	if (u->connect_id != 0)
		return;
	u->connect_id = ui_post(u, worker_req_new(WORKER_REQ_CONNECT, NULL, NULL, 0), 0);
	char *what = xasprintf("Connecting to %.100s port %u...", acct->imap_host,
			       (unsigned)acct->imap_port);
	char *safe = safe_text_terminal(what, 0);

	snprintf(u->op, sizeof u->op, "%s", safe);
	free(safe);
	free(what);
	u->dirty = 1;
}

struct ui_folder *ui_folder_find(struct ui *u, const char *name)
{
	for (size_t i = 0; name != NULL && i < u->nfolders; i++)
		if (strcmp(u->folders[i].name, name) == 0)
			return &u->folders[i];
	return NULL;
}

void ui_open_folder(struct ui *u, const char *name, const char *display)
{
	/* The folder on screen, complete: back to it as it was ($ reloads). */
	if (u->folder != NULL && strcmp(u->folder, name) == 0 && u->open_id == 0 &&
	    !u->load_partial && u->screen == SCREEN_FOLDERS) {
		u->screen = SCREEN_INDEX;
		u->dirty = 1;
		return;
	}
	if (u->open_id != 0)
		worker_cancel(u->worker, u->open_id);
	if (u->fetch_id != 0)
		worker_cancel(u->worker, u->fetch_id);
	if (u->newer_id != 0)
		worker_cancel(u->worker, u->newer_id);
	u->fetch_id = 0;
	u->fetch_for = ACT_NONE;
	u->newer_id = 0;
	u->newer_again = 0;
	screen_pager_clear(u);
	msglist_free(u->msgs);
	u->msgs = msglist_new();
	/* As in mutt, a limit belongs to the folder it was set in; loading the
	 * same folder again keeps it. */
	if (u->folder == NULL || strcmp(u->folder, name) != 0) {
		msgview_set_limit(u->view, NULL, NULL);
		ui_search_clear(u);
	}
	msgview_update(u->view, u->msgs);
	free(u->folder);
	free(u->folder_display);
	u->folder = xstrdup(name);
	u->folder_display = xstrdup(display);
	u->cursor = u->top = 0;
	u->cursor_uid = 0;
	u->user_moved = 0;
	u->load_done = u->load_total = 0;
	u->load_partial = 0;
	u->open_id = ui_post(u, worker_req_new(WORKER_REQ_OPEN, name, NULL, 0), 0);
	u->screen = SCREEN_INDEX;
	u->dirty = 1;
}

void ui_show_help(struct ui *u)
{
	u->help_from = u->screen;
	u->help_top = 0;
	u->screen = SCREEN_HELP;
	u->dirty = 1;
}

void ui_change_flags(struct ui *u, struct msg_summary *m, unsigned flags, int add)
{
	struct worker_req *req = worker_req_new(WORKER_REQ_FLAGS, u->folder, &m->uid, 1);

	req->flags = flags;
	req->add = add;
	/* Shown at once; undone if the server refuses. */
	if (add)
		m->flags |= (uint16_t)flags;
	else
		m->flags &= (uint16_t)~flags;
	ui_post(u, req, m->uid);
	u->dirty = 1;
}

void ui_toggle_flag(struct ui *u, struct msg_summary *m, unsigned flag)
{
	if (m != NULL)
		ui_change_flags(u, m, flag, !(m->flags & flag));
}

/* Keeps the folder list's counts in step with what the index shows. */
void ui_update_folder_counts(struct ui *u)
{
	struct ui_folder *f = ui_folder_find(u, u->folder);

	if (f == NULL || u->load_partial || u->open_id != 0)
		return;
	f->messages = (uint32_t)msglist_count(u->msgs);
	f->unseen = (uint32_t)msglist_unread(u->msgs);
	f->counted = 1;
}

static void open_reply(struct ui *u, struct worker_reply *r)
{
	size_t n = msgview_count(u->view, u->msgs);
	ssize_t unread;

	switch (r->kind) {
	case WORKER_PROGRESS:
		u->load_done = r->done;
		u->load_total = r->total;
		break;
	case WORKER_SUMMARIES:
		msglist_add(u->msgs, r->batch);
		r->batch = NULL;
		screen_index_follow(u);
		break;
	case WORKER_RESET:
		/* The cached index was of a folder that no longer exists, and
		 * the UIDs a search found went with it. */
		ui_search_clear(u);
		msglist_free(u->msgs);
		u->msgs = msglist_new();
		screen_index_follow(u);
		break;
	case WORKER_VANISHED:
		msglist_remove_uids(u->msgs, r->uids, r->nuids);
		screen_index_follow(u);
		break;
	case WORKER_FLAGS_CHANGED:
		for (size_t i = 0; i < r->nuids; i++)
			msglist_set_flags(u->msgs, r->uids[i], r->uid_flags[i]);
		u->dirty = 1;
		break;
	case WORKER_NOTICE:
		ui_note(u, 0, "%s", r->err.msg);
		break;
	case WORKER_DONE:
		u->open_id = 0;
		if (!u->user_moved && n > 0) {
			/* Like mutt: the first unread message, else the newest. */
			unread = msgview_next_unread(u->view, u->msgs, n - 1);
			screen_index_set_cursor(u, unread >= 0 ? (size_t)unread : n - 1);
		}
		ui_update_folder_counts(u);
		/* Mail that came while the folder loaded may have missed the fetch. */
		if (u->newer_again) {
			u->newer_again = 0;
			ui_newmail_load(u);
		}
		break;
	case WORKER_ERROR:
		u->open_id = 0;
		u->load_partial = 1;
		ui_note(u, 1, "%s", r->err.msg);
		break;
	case WORKER_CANCELLED:
		u->open_id = 0;
		u->load_partial = 1;
		ui_note(u, 0, "Loading was cancelled: %zu of %zu messages shown; $ loads again.", n,
			u->load_total > n ? u->load_total : n);
		break;
	default:
		break;
	}
}

static void fetch_reply(struct ui *u, struct worker_reply *r)
{
	ssize_t pos;

	switch (r->kind) {
	case WORKER_PROGRESS:
		u->fetch_done = r->done;
		u->fetch_total = r->total;
		break;
	case WORKER_DONE:
		u->fetch_id = 0;
		if (u->fetch_for != ACT_NONE) {
			enum ui_action how = u->fetch_for;
			struct mail_message *m = r->message;
			u->fetch_for = ACT_NONE;
			r->message = NULL;
			ui_compose_fetched(u, how, u->fetch_uid, m);
			break;
		}
		ui_addrbook_seen(u, r->message);
		screen_pager_show(u, u->fetch_uid, r->message);
		r->message = NULL;
		pos = msglist_find(u->msgs, u->fetch_uid);
		if (pos >= 0) {
			struct msg_summary *m = msglist_at(u->msgs, (size_t)pos);
			if (!(m->flags & MSG_SEEN))
				ui_change_flags(u, m, MSG_SEEN, 1);
		}
		break;
	case WORKER_ERROR:
	case WORKER_CANCELLED:
		u->fetch_id = 0;
		u->fetch_for = ACT_NONE;
		if (r->kind == WORKER_ERROR)
			ui_note(u, 1, "%s", r->err.msg);
		else
			ui_note(u, 0, "Fetching the message was cancelled.");
		if (u->screen == SCREEN_PAGER && u->message == NULL)
			u->screen = SCREEN_INDEX;
		break;
	default:
		break;
	}
}

static void on_reply(struct ui *u, struct worker_reply *r)
{
	struct ui_pending *p = pending_find(u, r->id);
	int final = r->kind == WORKER_DONE || r->kind == WORKER_ERROR || r->kind == WORKER_CANCELLED;

	if (p != NULL) {
		switch (p->kind) {
		case WORKER_REQ_CONNECT:
			if (r->id == u->connect_id)
				screen_folders_connect_reply(u, r);
			break;
		case WORKER_REQ_OPEN:
			/* Replies of a load the user left behind are dropped. */
			if (r->id == u->open_id)
				open_reply(u, r);
			break;
		case WORKER_REQ_FETCH:
			if (r->id == u->fetch_id)
				fetch_reply(u, r);
			break;
		case WORKER_REQ_NEWER:
			if (r->id == u->newer_id)
				ui_newmail_reply(u, r);
			break;
		case WORKER_REQ_FLAGS:
		case WORKER_REQ_MOVE:
		case WORKER_REQ_COPY:
		case WORKER_REQ_EXPUNGE:
			if (final)
				ui_change_reply(u, p, r);
			break;
		case WORKER_REQ_SEARCH:
			if (r->id == u->search_id)
				ui_search_reply(u, r);
			break;
		case WORKER_REQ_SEND:
		case WORKER_REQ_POSTPONE:
			ui_compose_reply(u, r);
			break;
		case WORKER_REQ_LOGOUT:
		case WORKER_REQ_CHECK:
			break;
		}
		if (final)
			pending_remove(u, r->id);
	}
	worker_reply_free(r);
	u->dirty = 1;
}

static void loop_replies(void *ctx)
{
	struct ui *u = ctx;
	struct worker_reply *r;

	while ((r = worker_take(u->worker)) != NULL)
		on_reply(u, r);
	ui_newmail_take(u);
}

static int busy(struct ui *u)
{
	return u->connect_id != 0 || u->open_id != 0 || u->fetch_id != 0 || u->search_id != 0 ||
	       ui_compose_busy(u) != NULL;
}

static void cancel_running(struct ui *u)
{
	if (!busy(u)) {
		ui_note(u, 0, "Nothing to cancel.");
		return;
	}
	if (u->connect_id != 0)
		worker_cancel(u->worker, u->connect_id);
	if (u->open_id != 0)
		worker_cancel(u->worker, u->open_id);
	if (u->fetch_id != 0)
		worker_cancel(u->worker, u->fetch_id);
	if (u->search_id != 0)
		worker_cancel(u->worker, u->search_id);
	if (u->compose != NULL && u->compose->busy_id != 0)
		worker_cancel(u->worker, u->compose->busy_id);
	ui_note(u, 0, "Cancelling...");
}

static void loop_key(void *ctx, int key)
{
	struct ui *u = ctx;
	enum ui_action a;
	char name[16];
	int handled = 0;

	if (key == (KEY_FN | KEY_RESIZE)) {
		u->dirty = 1;
		return;
	}
	if (ui_prompt_key(u, key))
		return;
	if (ui_compose_key(u, key))
		return;
	if (u->note[0] != '\0') {
		u->note[0] = '\0';
		u->dirty = 1;
	}
	/* The new-mail mark stays until a key after it had time to be seen. */
	if (u->new_mail[0] != '\0' && clock_mono_us() - u->new_mail_us > NEW_MAIL_SEEN_US) {
		u->new_mail[0] = '\0';
		u->dirty = 1;
	}
	a = keys_lookup(u->screen, key);
	switch (a) {
	case ACT_QUIT:
		if (!ui_compose_quit(u))
			u->quit = 1;
		return;
	case ACT_COMPOSE:
	case ACT_REPLY:
	case ACT_GROUP_REPLY:
	case ACT_FORWARD:
	case ACT_FORWARD_ATTACHED:
	case ACT_RECALL:
		ui_compose_start(u, a);
		return;
	case ACT_HELP: ui_show_help(u); return;
	case ACT_STATS:
		if (u->screen != SCREEN_STATS) {
			screen_stats_open(u);
			return;
		}
		handled = screen_stats_action(u, a);
		break;
	case ACT_CANCEL: cancel_running(u); return;
	case ACT_SWITCH_ACCOUNT: ui_account_switch(u); return;
	case ACT_LOG_OUT: ui_account_log_out(u); return;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		u->dirty = 1;
		return;
	case ACT_NONE:
		break;
	default:
		switch (u->screen) {
		case SCREEN_FOLDERS: handled = screen_folders_action(u, a); break;
		case SCREEN_INDEX: handled = screen_index_action(u, a); break;
		case SCREEN_PAGER: handled = screen_pager_action(u, a); break;
		case SCREEN_HELP: handled = screen_help_action(u, a); break;
		case SCREEN_STATS: handled = screen_stats_action(u, a); break;
		case SCREEN_COMPOSE: handled = screen_compose_action(u, a); break;
		case SCREEN_LOGIN:
		case SCREEN_COUNT: break;
		}
	}
	if (!handled)
		ui_note(u, 0, "%s is not bound here; ? shows the keys of this screen.",
			keys_name(key, name, sizeof name));
}

static void resize(struct ui *u)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	u->dirty = 1;
}

static void loop_signal(void *ctx, int sig)
{
	struct ui *u = ctx;

	if (sig == SIGWINCH)
		resize(u);
	else if (sig == SIGINT && busy(u))
		cancel_running(u);
	else
		u->quit = 1;
}

static void loop_redraw(void *ctx)
{
	struct ui *u = ctx;

	if (!u->dirty)
		return;
	u->now = (int64_t)time(NULL);
	erase();
	switch (u->screen) {
	case SCREEN_FOLDERS: screen_folders_draw(u); break;
	case SCREEN_INDEX: screen_index_draw(u); break;
	case SCREEN_PAGER: screen_pager_draw(u); break;
	case SCREEN_HELP: screen_help_draw(u); break;
	case SCREEN_STATS: screen_stats_draw(u); break;
	case SCREEN_COMPOSE: screen_compose_draw(u); break;
	case SCREEN_LOGIN:
	case SCREEN_COUNT: break;
	}
	status_draw(u);
	ui_prompt_draw(u);
	/* The built-in editor's cursor, after the status lines moved it. */
	if (u->screen == SCREEN_COMPOSE && u->compose != NULL && u->compose->editing &&
	    !u->prompt.active)
		screen_compose_draw(u);
	refresh();
	u->dirty = 0;
}

static int loop_done(void *ctx)
{
	return ((struct ui *)ctx)->quit;
}

static const struct loop_ops ui_loop_ops = {
	.key = loop_key,
	.signal = loop_signal,
	.replies = loop_replies,
	.redraw = loop_redraw,
	.done = loop_done,
};

static void ui_free_state(struct ui *u)
{
	for (size_t i = 0; i < u->nfolders; i++) {
		free(u->folders[i].name);
		free(u->folders[i].display);
	}
	free(u->folders);
	for (size_t i = 0; i < u->npending; i++)
		free(u->pending[i].folder);
	free(u->pending);
	lineedit_free(&u->prompt.line);
	ui_compose_close(u);
	addrbook_free(u->addrbook);
	ui_last_move_clear(u);
	free(u->search_text);
	screen_pager_clear(u);
	screen_stats_free(u);
	msglist_free(u->msgs);
	msgview_free(u->view);
	free(u->folder);
	free(u->folder_display);
	free(u->account_label);
	free(u->account_name);
}

int ui_start_screen(struct err *e)
{
	/* The first-run screen may have taken the terminal already. */
	if (stdscr == NULL && initscr() == NULL)
		return err_set(e, ERR_INTERNAL, "cannot set up the terminal");
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	draw_init();
	return loop_signals_init(e);
}

int ui_main(const char *config_path, const char *account)
{
	struct ui u;
	struct app *a, *next;
	struct err e = { ERR_NONE, "" };
	char *label;
	int rc, stuck, fds[2];

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "skua: the full-screen client needs a terminal; give a command "
				"for batch use (skua -h)\n");
		return ERR_USAGE;
	}
	/* The app outlives this function if the worker cannot be stopped. */
	a = xcalloc(1, sizeof *a);
	rc = app_open(a, config_path, account, &e);
	if (rc == CONFIG_MISSING)
		rc = ui_first_run(a, config_path, account, &e);
	if (rc != 0) {
		free(a);
		if (rc > 0)
			return 0;
		fprintf(stderr, "skua: %s\n", e.msg);
		return e.code != ERR_NONE ? (int)e.code : ERR_CONFIG;
	}
start:
	/* Not over the screen of the first run or of a switched-from account. */
	for (size_t i = 0; stdscr == NULL && i < a->config.nwarnings; i++)
		fprintf(stderr, "skua: warning: %s\n", a->config.warnings[i]);
	/* Each account's start reads the file again: its lines replace the
	 * last account's. */
	keys_reset();
	draw_reset_colors();
	if (ui_config_apply(&a->config, &e) != 0) {
		if (stdscr != NULL && !isendwin()) {
			loop_signals_restore();
			endwin();
		}
		fprintf(stderr, "skua: %s\n", e.msg);
		app_close(a);
		free(a);
		return ERR_CONFIG;
	}
	/* A password command may ask on the terminal: before curses takes it. */
	a->ask_secret = tty_secret_ask;
	if (app_fetch_secret(a, &e) != 0) {
		fprintf(stderr, "skua: %s\n", e.msg);
		app_close(a);
		free(a);
		return e.code != ERR_NONE ? (int)e.code : ERR_AUTH;
	}
	memset(&u, 0, sizeof u);
	u.app = a;
	u.run_start_wall_us = clock_wall_us();
	label = xasprintf("%s <%s>", a->account->name, a->account->address);
	u.account_label = safe_text_terminal(label, 0);
	u.account_name = safe_text_terminal(a->account->name, 0);
	free(label);
	u.msgs = msglist_new();
	u.view = msgview_new();
	label = addrbook_default_path();
	u.addrbook = addrbook_load(label);
	free(label);
	u.worker = worker_new_account(a, &e);
	if (u.worker == NULL || ui_start_screen(&e) != 0) {
		if (!isendwin())
			endwin();
		fprintf(stderr, "skua: %s\n", e.msg);
		worker_free(u.worker);
		ui_free_state(&u);
		app_close(a);
		free(a);
		return ERR_INTERNAL;
	}
	u.screen = SCREEN_FOLDERS;
	u.dirty = 1;
	ui_connect(&u);
	ui_newmail_start(&u);
	fds[0] = worker_fd(u.worker);
	fds[1] = u.watch != NULL ? watch_thread_fd(u.watch) : -1;
	loop_run(&ui_loop_ops, &u, fds, 2);
	if (!u.switch_ready && u.login_path == NULL) {
		loop_signals_restore();
		endwin();
	}
	/* Switching and logging out are refused while a message is being
	 * written (account_switch.c), so only a quit has one to keep. */
	label = ui_compose_save_dead(&u);
	if (label != NULL)
		fprintf(stderr, "skua: the message being written was kept in %s\n", label);
	free(label);
	ui_cancel_all(&u);
	/* LOGOUT happens as the worker stops; a worker or watcher stuck in a
	 * connect keeps the app it reads, so that is not freed then. */
	stuck = ui_newmail_stop(&u) != 0;
	stuck = worker_stop(u.worker, 3000) != 0 || stuck;
	if (!stuck) {
		worker_free(u.worker);
		watch_thread_free(u.watch);
	}
	next = u.switch_ready ? u.next_app : NULL;
	if (next == NULL && u.next_app != NULL)
		app_close(u.next_app);
	if (next == NULL)
		free(u.next_app);
	ui_free_state(&u);
	if (!stuck) {
		app_close(a);
		free(a);
	}
	/* The old account's worker and watcher have stopped: the same start
	 * again, on the account switched to or logged in to. */
	rc = u.login_path != NULL ? ui_log_in_after(&next, u.login_path, u.login_account, &e) : 0;
	if (rc < 0) {
		fprintf(stderr, "skua: %s\n", e.msg);
		return e.code != ERR_NONE ? (int)e.code : ERR_CONFIG;
	}
	if (next != NULL) {
		a = next;
		goto start;
	}
	return 0;
}
