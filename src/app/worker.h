/* A worker thread with a request queue and a reply queue. The account worker
 * (worker_new_account) owns one IMAP session: libetpan sessions are never
 * shared between threads, and the UI never waits on the network. The UI
 * polls worker_fd, which turns readable when replies wait, and takes them
 * with worker_take. The messages themselves are in app/worker_msg.h. */
#ifndef SKUA_APP_WORKER_H
#define SKUA_APP_WORKER_H

#include <stdint.h>

#include "app/app.h"
#include "app/worker_msg.h"
#include "util/err.h"

struct worker;

/* What a worker runs; everything here is called on the worker thread. */
struct worker_ops {
	/* Runs req. Data and progress replies go out through worker_reply_post;
	 * payloads of the final reply (message, dest) are set on final. Returns
	 * 0 for WORKER_DONE, or -1 with e set: the worker then sends
	 * WORKER_CANCELLED if the request was cancelled (or e says ERR_CANCELLED),
	 * else WORKER_ERROR. */
	int (*run)(void *ctx, struct worker *w, const struct worker_req *req,
		   struct worker_reply *final, struct err *e);
	/* The thread is about to end: close connections. May be NULL. */
	void (*stop)(void *ctx);
	/* Frees ctx after the thread ended. May be NULL. */
	void (*free)(void *ctx);
};

/* Starts a thread running ops over ctx (which the worker owns from now on,
 * also on failure). */
struct worker *worker_new(const struct worker_ops *ops, void *ctx, struct err *e);

/* The account worker: connects with app_imap_connect on first need and again
 * after a cancel or a lost connection. a is borrowed and must outlive the
 * worker; its secret must be fetched already (app_fetch_secret), so the
 * worker never prompts. */
struct worker *worker_new_account(struct app *a, struct err *e);

/* Queues req (the worker owns it now) and returns its id (never 0). */
uint64_t worker_post(struct worker *w, struct worker_req *req);
/* Cancels request id: a queued one is dropped, a running one is interrupted
 * (the cancel hook runs, e.g. conn_cancel). Either way it gets its final
 * reply, WORKER_CANCELLED unless it finished first. Unknown ids are ignored. */
void worker_cancel(struct worker *w, uint64_t id);
/* Cancels the running request and every queued one. */
void worker_cancel_all(struct worker *w);

/* Readable when replies wait. */
int worker_fd(const struct worker *w);
/* The next reply, or NULL. Take until NULL after each wake-up: the fd is
 * only signalled when the queue turns non-empty. */
struct worker_reply *worker_take(struct worker *w);

/* Cancels everything, lets the thread close its connections, and waits up to
 * timeout_ms for it. Returns 0 once it ended, -1 if it is still stuck (in a
 * DNS lookup or a TCP connect, which cannot be interrupted): it is then
 * detached and keeps its memory, and worker_free leaves it alone. */
int worker_stop(struct worker *w, int timeout_ms);
/* worker_stop with 3 s if not stopped yet, then frees (unless stuck).
 * Replies not taken are freed. Accepts NULL. */
void worker_free(struct worker *w);

/* For ops->run, on the worker thread: */
/* Sends a data or progress reply; r->id must be the request's id. */
void worker_reply_post(struct worker *w, struct worker_reply *r);
/* 1 once the running request was cancelled. */
int worker_cancelled(struct worker *w);
/* fn(arg) is called (under the worker's lock, from the cancelling thread) to
 * interrupt the running request, e.g. conn_cancel on the session's conn. It
 * stays set across requests until replaced; set NULL before freeing what arg
 * points to. If the running request is already cancelled, fn runs at once. */
void worker_set_cancel_hook(struct worker *w, void (*fn)(void *), void *arg);

#endif
