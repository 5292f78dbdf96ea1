/* Reading a folder: message summaries with decoded headers, one message parsed
 * for reading, and its attachments saved to a folder. */
#ifndef SKUA_APP_MESSAGES_H
#define SKUA_APP_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "mail/message.h"
#include "mail/thread_ids.h"
#include "net/imap_session.h"
#include "util/err.h"

/* A summary with UTF-8 strings (RFC 2047 decoded, not yet terminal-safe),
 * borrowed for the duration of the callback. */
struct app_summary {
	uint32_t uid;
	unsigned flags;            /* MSG_* */
	int64_t date;              /* INTERNALDATE, seconds since the epoch */
	uint32_t size;
	const char *from;          /* display name, else address */
	const char *from_addr;
	const char *subject;
	int has_attachment;
	struct thread_ids thread;  /* hashes of Message-ID, parent and root (mail/thread_ids.h) */
};
typedef int (*app_summary_fn)(const struct app_summary *m, void *ctx);

/* Selects folder (server name) read-only and streams every summary to fn. */
int app_messages_list(struct imap_session *s, const char *folder, app_summary_fn fn,
		      imap_progress_fn progress, void *ctx, struct err *e);
/* The same for the messages with a UID of uid_first or more only (new mail
 * in a folder already listed); none when the folder's UIDNEXT says so. */
int app_messages_list_from(struct imap_session *s, const char *folder, uint32_t uid_first,
			   app_summary_fn fn, imap_progress_fn progress, void *ctx, struct err *e);
/* The summaries from uid_first on of the folder the session has selected
 * (no SELECT of its own: the resync of app/folder_sync.c made it). */
int app_messages_fetch_from(struct imap_session *s, uint32_t uid_first, app_summary_fn fn,
			    imap_progress_fn progress, void *ctx, struct err *e);

/* Fetches and parses one message (without setting \Seen). Caller frees with
 * mail_message_free. */
struct mail_message *app_message_read(struct imap_session *s, const char *folder, uint32_t uid,
				      struct err *e);

/* app_message_read with progress (bytes received of the message size) while
 * the body downloads. */
struct mail_message *app_message_fetch(struct imap_session *s, const char *folder, uint32_t uid,
				       imap_progress_fn progress, void *ctx, struct err *e);

/* Called for each attachment saved (path is the final file). */
typedef void (*app_saved_fn)(const char *path, size_t size, void *ctx);
/* Saves every attachment of the message into dir (never overwriting: see
 * attach_save). Returns the count saved, or -1 at the first failure (files
 * already saved stay). ERR_NOTFOUND when the message has no attachment. */
int app_message_save_attachments(struct imap_session *s, const char *folder, uint32_t uid,
				 const char *dir, app_saved_fn fn, void *ctx, struct err *e);

#endif
