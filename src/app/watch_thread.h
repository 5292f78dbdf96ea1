/* The new-mail watcher (app/watch.h) on a thread of its own, for the
 * full-screen client: its events and status changes are copied into a queue
 * and a pipe turns readable, so the UI's poll() loop takes them like the
 * worker's replies and nothing in the UI waits on the network. */
#ifndef SKUA_APP_WATCH_THREAD_H
#define SKUA_APP_WATCH_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/watch.h"
#include "util/err.h"

enum watch_note_kind {
	WATCH_NOTE_EVENT,    /* new mail or changed counts in a folder */
	WATCH_NOTE_STATUS,   /* connecting, watching, reconnecting */
	WATCH_NOTE_ENDED,    /* watch_run returned: err says why when it failed */
};

/* One item of the queue, owned by whoever took it (watch_note_free). Text is
 * copied as the watcher gave it: not yet terminal-safe. */
struct watch_note {
	enum watch_note_kind kind;
	/* EVENT */
	char *folder;                /* the server's name */
	char *folder_shown;
	uint32_t messages, unseen;   /* unseen UINT32_MAX when not known */
	uint32_t new_count;
	struct watch_message *msgs;  /* the newest new ones */
	size_t n_msgs;
	/* STATUS */
	enum watch_state state;
	char *text;
	/* ENDED */
	int failed;
	struct err err;
	struct watch_note *next;
};

struct watch_thread;

/* Starts watching for a's account (whose secret must be fetched already). a
 * is borrowed and must outlive the thread. */
struct watch_thread *watch_thread_new(struct app *a, struct err *e);
/* Readable when notes wait; take until NULL after each wake-up. */
int watch_thread_fd(const struct watch_thread *t);
struct watch_note *watch_thread_take(struct watch_thread *t);
void watch_note_free(struct watch_note *n);
/* Stops the watcher (watch_stop) and waits up to timeout_ms for its thread.
 * Returns 0 once it ended, -1 if it is still stuck in a connection attempt:
 * it is then detached, keeps its memory and still reads the app, and
 * watch_thread_free leaves it alone. */
int watch_thread_stop(struct watch_thread *t, int timeout_ms);
/* watch_thread_stop with 3 s if not stopped yet, then frees (unless stuck).
 * Accepts NULL. */
void watch_thread_free(struct watch_thread *t);

#endif
