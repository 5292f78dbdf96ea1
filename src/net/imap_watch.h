/* The IMAP commands a new-mail watcher needs, sent raw and read by skua itself
 * so that data the server pushes at any time (RFC 5465 NOTIFY's STATUS and
 * LIST, IDLE's EXISTS) is never lost between libetpan's typed calls: NOTIFY
 * SET, IDLE/DONE, STATUS, EXAMINE/UNSELECT, a small UID FETCH of envelopes,
 * NOOP, and a bounded, cancellable wait for what the server pushes. */
#ifndef SKUA_NET_IMAP_WATCH_H
#define SKUA_NET_IMAP_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "net/imap_resp.h"
#include "net/imap_session.h"
#include "util/err.h"

enum imap_push_kind {
	IMAP_PUSH_EXISTS,   /* number: messages in the selected folder */
	IMAP_PUSH_EXPUNGE,  /* number: sequence number of the removed message */
	IMAP_PUSH_STATUS,   /* folder, status, have */
	IMAP_PUSH_LIST,     /* folder, flags: created, renamed, (un)subscribed or deleted */
	IMAP_PUSH_BYE,      /* text: the server is closing the connection */
	IMAP_PUSH_ALERT,    /* text: an untagged NO/BAD or [ALERT] the user may want to see */
};

/* Which fields of a STATUS push the server sent. */
enum {
	IMAP_HAVE_MESSAGES = 1 << 0,
	IMAP_HAVE_UIDNEXT = 1 << 1,
	IMAP_HAVE_UNSEEN = 1 << 2,
	IMAP_HAVE_UIDVALIDITY = 1 << 3,
};

/* LIST push flags beyond IMAP_FOLDER_*: the folder no longer exists
 * (\NonExistent); the folder is subscribed (\Subscribed). */
#define IMAP_FOLDER_GONE (1u << 31)
#define IMAP_FOLDER_SUBSCRIBED (1u << 30)

/* One piece of untagged data. Strings are borrowed for the callback only;
 * folder is the server's name (modified UTF-7), text is sanitized. */
struct imap_push {
	enum imap_push_kind kind;
	uint32_t number;
	const char *folder;
	struct imap_status status;
	unsigned have;
	unsigned flags;    /* LIST: IMAP_FOLDER_* bits, IMAP_FOLDER_GONE */
	const char *text;
};

/* Called for every untagged response the watcher cares about, also those
 * that arrive in the middle of a command's reply. */
typedef void (*imap_push_fn)(const struct imap_push *p, void *ctx);

/* Interprets one parsed untagged response; 0 with *p filled, -1 when it is
 * none of the kinds above (or malformed). p's strings point into r. */
int imap_push_from_resp(const struct imap_resp *r, struct imap_push *p);

/* A new message's envelope; raw strings as the server sent them (RFC 2047
 * not decoded, not sanitized), borrowed for the callback; NULL when absent. */
struct imap_envelope {
	uint32_t uid;
	const char *subject;
	const char *from_name;
	const char *from_addr;    /* mailbox@host */
};
typedef void (*imap_envelope_fn)(const struct imap_envelope *env, void *ctx);

/* Reads "* N FETCH (... UID u ... ENVELOPE (...))"; 0 with *env filled (from
 * the buffer addr of size bytes for the address), else -1. */
int imap_envelope_from_resp(const struct imap_resp *r, struct imap_envelope *env, char *addr,
			    size_t size);

/* NOTIFY SET STATUS for INBOX and the subscribed folders: new, expunged and
 * flag changes, and folder names and subscriptions. The server answers with
 * a STATUS of each such folder at once (the baseline), then pushes STATUS
 * and LIST responses as things change, as long as no folder is selected.
 * ERR_PROTOCOL when the server offers no NOTIFY or refuses the command. */
int imap_watch_notify(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e);

/* LSUB "" "*": the server names of the subscribed folders, in *names
 * (caller frees with imap_watch_names_free). */
int imap_watch_lsub(struct imap_session *s, char ***names, size_t *n, imap_push_fn fn, void *ctx,
		    struct err *e);
void imap_watch_names_free(char **names, size_t n);

/* STATUS folder (MESSAGES UIDNEXT UNSEEN UIDVALIDITY); the answer arrives
 * through fn as an IMAP_PUSH_STATUS like a pushed one. */
int imap_watch_status(struct imap_session *s, const char *folder, imap_push_fn fn, void *ctx,
		      struct err *e);

/* EXAMINE folder (read-only: nothing is marked \Seen or loses \Recent).
 * ERR_NOTFOUND when the folder is gone. */
int imap_watch_examine(struct imap_session *s, const char *folder, struct imap_select_info *info,
		       imap_push_fn fn, void *ctx, struct err *e);
/* Leaves the selected folder: UNSELECT, else CLOSE (which, after EXAMINE,
 * expunges nothing). */
int imap_watch_unselect(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e);

/* UID FETCH first:last (UID ENVELOPE) on the selected folder, last 0 = "*".
 * Messages below first (which "N:*" returns when N is past the end) are
 * skipped. Records "imap_fetch_envelope". */
int imap_watch_fetch_envelopes(struct imap_session *s, uint32_t first, uint32_t last,
			       imap_envelope_fn efn, imap_push_fn fn, void *ctx, struct err *e);

/* UID FETCH first:last (UID): how many messages that range holds. */
int imap_watch_count_uids(struct imap_session *s, uint32_t first, uint32_t last, uint32_t *count,
			  imap_push_fn fn, void *ctx, struct err *e);

/* NOOP: keeps the connection alive and proves it is. */
int imap_watch_noop(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e);

/* IDLE on the selected folder: returns once the server said "+" (pushes
 * already sent with it go to fn). imap_watch_wait then reads what comes;
 * imap_watch_idle_done sends DONE and reads the rest of the reply. */
int imap_watch_idle(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e);
int imap_watch_idle_done(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e);

/* Waits up to timeout_ms for pushed data and hands every complete response
 * that is there to fn (data already in libetpan's or OpenSSL's buffers
 * counts, so nothing waits on bytes that were read earlier). Returns the
 * number of responses read (0 when the wait timed out), or -1 when the
 * connection failed, the server said BYE, or the wait was cancelled with
 * conn_cancel (ERR_CANCELLED). */
int imap_watch_wait(struct imap_session *s, int timeout_ms, imap_push_fn fn, void *ctx,
		    struct err *e);

#endif
