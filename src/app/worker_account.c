/* The account worker: runs the UI's requests over one IMAP session that only
 * this thread touches. A cancel interrupts the session's conn, which leaves
 * the protocol state unknown, so the session is dropped and the next request
 * logs in again; a connection that died while idle is retried once. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "app/actions.h"
#include "app/folder_sync.h"
#include "app/folders.h"
#include "app/messages.h"
#include "app/notify.h"
#include "app/search.h"
#include "app/viewer.h"
#include "app/worker.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* Progress replies at most this often, so a fast fetch does not flood the UI. */
#define PROGRESS_US 100000

struct account_worker {
	struct app *app;
	struct imap_session *s;
	atomic_int conn_cancelled;     /* the cancel hook hit s's conn */
	int fresh;                     /* s was opened by the request being run */
	struct imap_folder *folders;   /* the last LIST, to find Trash */
	size_t nfolders;
	struct store *store;           /* the header cache, opened at the first OPEN */
	int store_tried;
	struct app_sync *sync;         /* the OPEN being run, kept across its retry */
	uint64_t sync_id;
};

static void cancel_conn(void *arg)
{
	struct account_worker *x = arg;

	atomic_store(&x->conn_cancelled, 1);
	conn_cancel(imap_session_conn(x->s));
}

static void drop_session(struct account_worker *x, struct worker *w)
{
	if (x->s == NULL)
		return;
	worker_set_cancel_hook(w, NULL, NULL);
	imap_session_close(x->s);
	x->s = NULL;
}

static int ensure_session(struct account_worker *x, struct worker *w, struct err *e)
{
	if (x->s != NULL &&
	    (atomic_load(&x->conn_cancelled) || !conn_is_alive(imap_session_conn(x->s))))
		drop_session(x, w);
	if (x->s == NULL) {
		x->s = app_imap_connect(x->app, e);
		if (x->s == NULL)
			return -1;
		x->fresh = 1;
		atomic_store(&x->conn_cancelled, 0);
		/* A cancel that came during the connect takes effect here. */
		worker_set_cancel_hook(w, cancel_conn, x);
	}
	if (worker_cancelled(w))
		return err_set(e, ERR_CANCELLED, "cancelled");
	return 0;
}

static struct imap_folder *folders_copy(const struct imap_folder *f, size_t n)
{
	struct imap_folder *c = xcalloc(n ? n : 1, sizeof *c);

	for (size_t i = 0; i < n; i++) {
		c[i] = f[i];
		c[i].name = xstrdup(f[i].name);
		c[i].display = xstrdup(f[i].display);
	}
	return c;
}

static int list_folders(struct account_worker *x, struct err *e)
{
	struct imap_folder *f = NULL;
	size_t n = 0;

	if (app_folders_list(x->s, &f, &n, e) != 0)
		return -1;
	app_folders_mark_roles(x->app->account, f, n);
	imap_folders_free(x->folders, x->nfolders);
	x->folders = f;
	x->nfolders = n;
	return 0;
}

static int run_connect(struct account_worker *x, struct worker *w, const struct worker_req *req,
		       struct err *e)
{
	struct worker_reply *r;

	if (list_folders(x, e) != 0)
		return -1;
	r = worker_reply_new(req->id, WORKER_FOLDERS);
	r->folders = folders_copy(x->folders, x->nfolders);
	r->nfolders = x->nfolders;
	worker_reply_post(w, r);
	for (size_t i = 0; i < x->nfolders; i++) {
		struct imap_status st;
		struct err ignored;

		if (x->folders[i].flags & IMAP_FOLDER_NOSELECT)
			continue;
		if (worker_cancelled(w))
			return err_set(e, ERR_CANCELLED, "cancelled");
		r = worker_reply_new(req->id, WORKER_FOLDER_STATUS);
		r->index = i;
		if (imap_folder_status(x->s, x->folders[i].name, &st, &ignored) == 0) {
			r->status_ok = 1;
			r->messages = st.messages;
			r->unseen = st.unseen;
		} else if (!conn_is_alive(imap_session_conn(x->s))) {
			/* A refused STATUS is one folder's problem; a dead
			 * connection is everyone's. */
			worker_reply_free(r);
			*e = ignored;
			return -1;
		}
		worker_reply_post(w, r);
	}
	return 0;
}

struct open_ctx {
	struct worker *w;
	uint64_t id;
	struct msg_batch *batch;
	size_t batch_max;
	size_t count;
	uint64_t last_progress;
	uint32_t *vanished;            /* changes not yet posted */
	size_t nvanished, capvanished;
	uint32_t *changed;
	unsigned *changed_flags;
	size_t nchanged, capchanged;
};

static void flush_changes(struct open_ctx *c)
{
	struct worker_reply *r;

	if (c->nvanished) {
		r = worker_reply_new(c->id, WORKER_VANISHED);
		r->uids = c->vanished;
		r->nuids = c->nvanished;
		worker_reply_post(c->w, r);
		c->vanished = NULL;
		c->nvanished = c->capvanished = 0;
	}
	if (c->nchanged) {
		r = worker_reply_new(c->id, WORKER_FLAGS_CHANGED);
		r->uids = c->changed;
		r->uid_flags = c->changed_flags;
		r->nuids = c->nchanged;
		worker_reply_post(c->w, r);
		c->changed = NULL;
		c->changed_flags = NULL;
		c->nchanged = c->capchanged = 0;
	}
}

static void flush_batch(struct open_ctx *c)
{
	struct worker_reply *r;

	flush_changes(c);
	if (c->batch == NULL || c->batch->n == 0)
		return;
	r = worker_reply_new(c->id, WORKER_SUMMARIES);
	r->batch = c->batch;
	c->batch = NULL;
	worker_reply_post(c->w, r);
}

static int on_summary(const struct app_summary *m, void *ctx)
{
	struct open_ctx *c = ctx;

	/* Changes go first, so the index never shows a stale state after a
	 * newer one. */
	flush_changes(c);
	if (c->batch == NULL)
		c->batch = msg_batch_new();
	msg_batch_add(c->batch, m->uid, m->flags, m->date, m->size, m->has_attachment, m->from,
		      m->subject);
	msg_batch_set_thread(c->batch, m->thread.id, m->thread.parent, m->thread.root);
	c->count++;
	if (c->batch->n >= (c->batch_max ? c->batch_max : WORKER_BATCH))
		flush_batch(c);
	return 0;
}

static void on_reset(void *ctx)
{
	struct open_ctx *c = ctx;

	msg_batch_free(c->batch);
	c->batch = NULL;
	c->nvanished = c->nchanged = 0;
	worker_reply_post(c->w, worker_reply_new(c->id, WORKER_RESET));
}

static void on_vanished(uint32_t uid, void *ctx)
{
	struct open_ctx *c = ctx;

	if (c->nvanished == c->capvanished) {
		c->capvanished = c->capvanished ? 2 * c->capvanished : 256;
		c->vanished = xreallocarray(c->vanished, c->capvanished, sizeof *c->vanished);
	}
	c->vanished[c->nvanished++] = uid;
}

static void on_flags(uint32_t uid, unsigned flags, void *ctx)
{
	struct open_ctx *c = ctx;

	if (c->nchanged == c->capchanged) {
		c->capchanged = c->capchanged ? 2 * c->capchanged : 256;
		c->changed = xreallocarray(c->changed, c->capchanged, sizeof *c->changed);
		c->changed_flags = xreallocarray(c->changed_flags, c->capchanged,
						 sizeof *c->changed_flags);
	}
	c->changed[c->nchanged] = uid;
	c->changed_flags[c->nchanged++] = flags;
}

static void on_notice(const char *text, void *ctx)
{
	struct open_ctx *c = ctx;
	struct worker_reply *r = worker_reply_new(c->id, WORKER_NOTICE);

	err_set(&r->err, ERR_NONE, "%s", text);
	worker_reply_post(c->w, r);
}

static void on_progress(size_t done, size_t total, void *ctx)
{
	struct open_ctx *c = ctx;
	uint64_t now = clock_mono_us();
	struct worker_reply *r;

	if (done < total && now - c->last_progress < PROGRESS_US)
		return;
	c->last_progress = now;
	r = worker_reply_new(c->id, WORKER_PROGRESS);
	r->done = done;
	r->total = total;
	worker_reply_post(c->w, r);
}

static void open_ctx_free(struct open_ctx *c)
{
	msg_batch_free(c->batch);
	free(c->vanished);
	free(c->changed);
	free(c->changed_flags);
}

static const struct app_sync_ops sync_ops = {
	.summary = on_summary,
	.reset = on_reset,
	.vanished = on_vanished,
	.flags = on_flags,
	.notice = on_notice,
	.progress = on_progress,
};

/* Phase 1 of an OPEN, before any network: the cached index goes to the UI
 * at once. */
static void open_from_cache(struct account_worker *x, struct worker *w,
			    const struct worker_req *req)
{
	struct open_ctx c = { .w = w, .id = req->id, .batch_max = WORKER_CACHE_BATCH };

	if (x->sync_id == req->id && x->sync != NULL)
		return;   /* the retry of a request already drawn */
	if (!x->store_tried) {
		char *note = NULL;
		x->store_tried = 1;
		x->store = app_cache_open(x->app, &note);
		if (note) {
			on_notice(note, &c);
			free(note);
		}
	}
	app_sync_free(x->sync);
	x->sync = app_sync_new(x->store, req->folder, app_resync_mode(x->app));
	x->sync_id = req->id;
	app_sync_load(x->sync, &sync_ops, &c);
	flush_batch(&c);
	open_ctx_free(&c);
}

static int run_open(struct account_worker *x, struct worker *w, const struct worker_req *req,
		    struct err *e)
{
	struct open_ctx c = { .w = w, .id = req->id };
	int rc;

	if (req->folder == NULL)
		return err_set(e, ERR_INTERNAL, "opening a folder needs its name");
	if (req->kind == WORKER_REQ_NEWER)
		rc = req->nuids == 1 ? app_messages_list_from(x->s, req->folder, req->uids[0],
							      on_summary, on_progress, &c, e)
				     : err_set(e, ERR_INTERNAL, "loading new messages needs a UID");
	else
		rc = app_sync_run(x->sync, x->s, &sync_ops, &c, e);
	/* What arrived before a failure or a cancel is still worth showing. */
	flush_batch(&c);
	open_ctx_free(&c);
	return rc;
}

static int run_fetch(struct account_worker *x, struct worker *w, const struct worker_req *req,
		     struct worker_reply *final, struct err *e)
{
	struct open_ctx c = { .w = w, .id = req->id };

	if (req->folder == NULL || req->nuids != 1)
		return err_set(e, ERR_INTERNAL, "fetching a message needs a folder and one UID");
	final->message = app_message_fetch_cached(x->store, app_body_cache_limit(x->app), x->s,
						  req->folder, req->uids[0], on_progress, &c, e);
	if (final->message == NULL)
		return -1;
	/* Here, off the UI thread: the program may take a while. */
	viewer_render_html(&x->app->mailcap, final->message);
	/* As `skua read` does: the notifier hears of every message read. */
	app_notify(x->app, NOTIFY_RECEIVED, "Email read: %s, %s", final->message->from,
		   final->message->subject);
	return 0;
}

static int run_move(struct account_worker *x, const struct worker_req *req,
		    struct worker_reply *final, struct err *e)
{
	char *dest;

	if (req->folder == NULL)
		return err_set(e, ERR_INTERNAL, "moving needs the source folder");
	if (req->dest != NULL) {
		dest = xstrdup(req->dest);
	} else {
		if (x->folders == NULL && list_folders(x, e) != 0)
			return -1;
		dest = app_folder_special(x->app->account, x->folders, x->nfolders,
					  IMAP_FOLDER_TRASH, e);
		if (dest == NULL)
			return -1;
	}
	struct imap_moved moved = { 0 };
	if (app_action_move(x->s, req->folder, req->uids, req->nuids, dest, &moved, e) != 0) {
		imap_moved_free(&moved);
		free(dest);
		return -1;
	}
	final->dest = dest;
	final->dest_uid = req->nuids > 0 ? imap_moved_find(&moved, req->uids[0]) : 0;
	imap_moved_free(&moved);
	return 0;
}

static int run_copy(struct account_worker *x, const struct worker_req *req,
		    struct worker_reply *final, struct err *e)
{
	if (req->folder == NULL || req->dest == NULL)
		return err_set(e, ERR_INTERNAL, "copying needs the source and the destination");
	if (app_action_copy(x->s, req->folder, req->uids, req->nuids, req->dest, e) != 0)
		return -1;
	final->dest = xstrdup(req->dest);
	return 0;
}

static int run_search(struct account_worker *x, const struct worker_req *req,
		      struct worker_reply *final, struct err *e)
{
	if (req->folder == NULL || req->text == NULL)
		return err_set(e, ERR_INTERNAL, "searching needs the folder and a text");
	return app_search_text(x->s, req->folder, req->text, &final->uids, &final->nuids, e);
}


struct send_ctx {
	struct account_worker *x;
	struct worker *w;
	uint64_t id;
	uint64_t last_progress;
};

static void cancel_smtp(void *arg)
{
	conn_cancel(smtp_session_conn(arg));
}

/* The cancel key reaches the submission connection while it is open, the
 * IMAP one (for the Sent copy) again after. */
static void send_session(struct smtp_session *smtp, void *ctx)
{
	struct send_ctx *c = ctx;

	if (smtp != NULL)
		worker_set_cancel_hook(c->w, cancel_smtp, smtp);
	else if (c->x->s != NULL)
		worker_set_cancel_hook(c->w, cancel_conn, c->x);
	else
		worker_set_cancel_hook(c->w, NULL, NULL);
}

static void send_progress(size_t sent, size_t total, void *ctx)
{
	struct send_ctx *c = ctx;
	uint64_t now = clock_mono_us();
	struct worker_reply *r;

	if (sent < total && now - c->last_progress < PROGRESS_US)
		return;
	c->last_progress = now;
	r = worker_reply_new(c->id, WORKER_PROGRESS);
	r->done = sent;
	r->total = total;
	worker_reply_post(c->w, r);
}

static int run_send(struct account_worker *x, struct worker *w, const struct worker_req *req,
		    struct worker_reply *final, struct err *e)
{
	struct app_send_report report;
	struct err ie = { ERR_NONE, "" };
	struct send_ctx c = { x, w, req->id, 0 };
	const struct app_send_watch watch = { send_session, send_progress, &c };

	if (req->out == NULL)
		return err_set(e, ERR_INTERNAL, "sending needs a message");
	/* The mail leaves even when the IMAP server is away: only its copy in
	 * Sent needs the session. */
	if (ensure_session(x, w, &ie) != 0 && ie.code == ERR_CANCELLED)
		return err_set(e, ERR_CANCELLED, "cancelled");
	if (worker_cancelled(w))
		return err_set(e, ERR_CANCELLED, "cancelled");
	if (app_outgoing_send(x->app, x->s, req->out, &watch, &report, e) != 0)
		return -1;
	final->dest = report.sent_folder;
	report.sent_folder = NULL;
	if (report.warning != NULL)
		err_set(&final->err, ERR_NONE, "%s", report.warning);
	app_send_report_free(&report);
	return 0;
}

static int run_request(struct account_worker *x, struct worker *w, const struct worker_req *req,
		       struct worker_reply *final, struct err *e)
{
	if (req->kind == WORKER_REQ_OPEN && req->folder != NULL)
		open_from_cache(x, w, req);
	if (req->kind == WORKER_REQ_SEND)
		return run_send(x, w, req, final, e);
	if (ensure_session(x, w, e) != 0)
		return -1;
	switch (req->kind) {
	case WORKER_REQ_CONNECT:
		return run_connect(x, w, req, e);
	case WORKER_REQ_OPEN:
	case WORKER_REQ_NEWER:
		return run_open(x, w, req, e);
	case WORKER_REQ_FETCH:
		return run_fetch(x, w, req, final, e);
	case WORKER_REQ_FLAGS:
		if (req->folder == NULL)
			return err_set(e, ERR_INTERNAL, "changing flags needs the folder");
		return app_action_flags(x->s, req->folder, req->uids, req->nuids, req->add,
					req->flags, e);
	case WORKER_REQ_MOVE:
		return run_move(x, req, final, e);
	case WORKER_REQ_COPY:
		return run_copy(x, req, final, e);
	case WORKER_REQ_SEARCH:
		return run_search(x, req, final, e);
	case WORKER_REQ_EXPUNGE:
		if (req->folder == NULL)
			return err_set(e, ERR_INTERNAL, "deleting needs the folder");
		return app_action_expunge(x->s, req->folder, req->uids, req->nuids, e);
	case WORKER_REQ_POSTPONE:
		if (req->out == NULL)
			return err_set(e, ERR_INTERNAL, "postponing needs a message");
		return app_outgoing_postpone(x->app, x->s, req->out, &final->dest, e);
	case WORKER_REQ_SEND:
	case WORKER_REQ_LOGOUT:
	case WORKER_REQ_CHECK:
		break;
	}
	return 0;
}

/* A new IMAP login (not a kept session, which would prove nothing about the
 * password just typed), then SMTP: its connect, EHLO and AUTH are the
 * submission server's whole login. Both are closed again, so a stopped
 * worker has nothing left to log out of. */
static int run_check(struct account_worker *x, struct worker *w, struct err *e)
{
	struct smtp_session *smtp;
	int rc;

	drop_session(x, w);
	rc = ensure_session(x, w, e);
	drop_session(x, w);
	if (rc != 0)
		return -1;
	smtp = app_smtp_connect(x->app, e);
	if (smtp == NULL)
		return -1;
	smtp_session_close(smtp);
	if (worker_cancelled(w))
		return err_set(e, ERR_CANCELLED, "cancelled");
	return 0;
}

static int account_run(void *ctx, struct worker *w, const struct worker_req *req,
		       struct worker_reply *final, struct err *e)
{
	struct account_worker *x = ctx;
	int rc;

	if (req->kind == WORKER_REQ_LOGOUT) {
		drop_session(x, w);
		return 0;
	}
	if (req->kind == WORKER_REQ_CHECK)
		return run_check(x, w, e);
	x->fresh = 0;
	rc = run_request(x, w, req, final, e);
	/* A server that closed an idle connection shows up on the first command
	 * after the pause; every request here may safely run twice (a repeated
	 * move finds no message left to move; a copy is repeated only if the
	 * connection died after the server had done it), so one retry on a new
	 * session. */
	if (rc != 0 && !x->fresh && e->code == ERR_NETWORK && !worker_cancelled(w) &&
	    req->kind != WORKER_REQ_CONNECT && req->kind != WORKER_REQ_SEND) {
		drop_session(x, w);
		worker_reply_clear_payload(final);
		err_clear(e);
		rc = run_request(x, w, req, final, e);
	}
	if (rc != 0 && x->s != NULL &&
	    (atomic_load(&x->conn_cancelled) || !conn_is_alive(imap_session_conn(x->s))))
		drop_session(x, w);
	app_sync_free(x->sync);
	x->sync = NULL;
	x->sync_id = 0;
	return rc;
}

static void account_stop(void *ctx)
{
	struct account_worker *x = ctx;

	/* The hook is no longer needed: nothing can be cancelled after this. */
	if (x->s != NULL) {
		imap_session_close(x->s);
		x->s = NULL;
	}
}

static void account_free(void *ctx)
{
	struct account_worker *x = ctx;

	imap_folders_free(x->folders, x->nfolders);
	app_sync_free(x->sync);
	store_close(x->store);
	free(x);
}

static const struct worker_ops account_ops = {
	.run = account_run,
	.stop = account_stop,
	.free = account_free,
};

struct worker *worker_new_account(struct app *a, struct err *e)
{
	struct account_worker *x = xcalloc(1, sizeof *x);

	x->app = a;
	atomic_init(&x->conn_cancelled, 0);
	return worker_new(&account_ops, x, e);
}
