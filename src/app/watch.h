/* The new-mail watcher: on a connection of its own (never the one commands
 * use) it learns of new mail in INBOX and the subscribed folders through IMAP
 * NOTIFY, else IDLE on INBOX, else polling; it reports each arrival with its
 * senders and subjects, tells skua-notifyd, and reconnects with backoff when
 * the connection drops. One thread runs it; any thread may stop it. */
#ifndef SKUA_APP_WATCH_H
#define SKUA_APP_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "util/err.h"

/* Envelopes reported per event: the newest ones when more arrive at once. */
#define WATCH_MESSAGES_MAX 20
/* Backoff between reconnection attempts: 1 s, doubling up to this. */
#define WATCH_RETRY_MAX_S 60

enum watch_mode {
	WATCH_MODE_NONE = 0,
	WATCH_MODE_NOTIFY,
	WATCH_MODE_IDLE,
	WATCH_MODE_POLL,
};

/* One new message. Text is decoded to UTF-8 but comes from a message, so it
 * is not yet safe for a terminal. */
struct watch_message {
	uint32_t uid;
	char *from;      /* "Name <addr>", or the address or the name alone; "" if none */
	char *subject;   /* "" if none */
};

/* Something changed in a watched folder. Borrowed for the callback. */
struct watch_event {
	const char *folder;        /* the server's name, for commands */
	const char *folder_shown;  /* UTF-8, not yet terminal-safe */
	uint32_t messages;         /* messages in the folder now */
	uint32_t unseen;           /* unseen messages, UINT32_MAX when not known */
	uint32_t uidvalidity;
	/* Messages that arrived since the last event; 0 when only the counts
	 * changed (messages read or removed elsewhere). */
	uint32_t new_count;
	const struct watch_message *msgs;   /* the newest new ones, by UID */
	size_t n_msgs;                      /* at most WATCH_MESSAGES_MAX */
};

enum watch_state {
	WATCH_CONNECTING,
	WATCH_ACTIVE,     /* watching; the text says how and what */
	WATCH_RETRYING,   /* connection failed or lost; next try in retry_s */
	WATCH_STOPPED,
};

struct watch_status {
	enum watch_state state;
	enum watch_mode mode;
	int retry_s;
	/* One sentence: "watching 3 folders with NOTIFY", "connection lost:
	 * connection closed by imap.example.org; reconnecting in 2 s". */
	const char *text;
};

/* Both run on the watcher's thread and may call watch_stop. */
struct watch_callbacks {
	void (*event)(const struct watch_event *ev, void *ctx);
	void (*status)(const struct watch_status *st, void *ctx);   /* may be NULL */
	void *ctx;
};

struct watch;

/* a is borrowed and must outlive the watcher. Its secret must be fetched
 * already (app_fetch_secret) when the watcher runs on a thread of its own, so
 * that nothing prompts from there. cb is copied. */
struct watch *watch_new(struct app *a, const struct watch_callbacks *cb, struct err *e);
/* Accepts NULL. The watcher must not be running. */
void watch_free(struct watch *w);

/* Watches until watch_stop, then returns 0. Failures of the network are
 * reported through the status callback and retried with backoff; it returns
 * -1 with e set only for what a retry cannot fix: the login or the server's
 * certificate refused on the first attempt, or the new_mail_watch mode the
 * config asks for missing on the server. Every wait is bounded and ends at
 * once on watch_stop, except a connection attempt in progress, which ends
 * within the account's connect_timeout. */
int watch_run(struct watch *w, struct err *e);

/* Thread-safe: makes watch_run return soon (also before it started). Not
 * async-signal-safe: call it from a thread that waits for signals. */
void watch_stop(struct watch *w);

/* "NOTIFY", "IDLE", "polling". */
const char *watch_mode_name(enum watch_mode mode);

#endif
