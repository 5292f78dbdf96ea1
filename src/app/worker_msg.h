/* Every message between the full-screen client and an account worker, in one
 * place. The UI posts requests (worker_post takes ownership and gives each an
 * id); the worker answers with replies naming that id: any number of progress
 * and data replies, then exactly one final reply, WORKER_DONE, WORKER_ERROR
 * or WORKER_CANCELLED. A reply belongs to whoever took it from the reply
 * queue, who frees it with worker_reply_free (a payload pointer set to NULL
 * first is kept). Strings marked terminal-safe have been through
 * safe_text_terminal; the others have not. */
#ifndef SKUA_APP_WORKER_MSG_H
#define SKUA_APP_WORKER_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "app/msglist.h"
#include "app/outgoing.h"
#include "mail/message.h"
#include "net/imap_session.h"
#include "util/err.h"

/* Summaries travel in batches of this many, so the index can draw while a
 * big folder loads. */
#define WORKER_BATCH 500
/* Summaries from the header cache are all there at once: bigger batches,
 * since each costs the index one merge linear in the folder's size. */
#define WORKER_CACHE_BATCH 10000

enum worker_req_kind {
	WORKER_REQ_CONNECT,  /* log in, list the folders, then each one's STATUS counts */
	WORKER_REQ_OPEN,     /* folder: the cached summaries at once, then the resync's
			      * changes and the new summaries (app/folder_sync.h) */
	WORKER_REQ_NEWER,    /* folder, uids[0]: stream the summaries from that UID on */
	WORKER_REQ_FETCH,    /* folder, uids[0]: fetch the message and parse it */
	WORKER_REQ_FLAGS,    /* folder, uids: add (add = 1) or remove flags */
	WORKER_REQ_MOVE,     /* folder, uids to dest; dest NULL: the Trash folder */
	WORKER_REQ_COPY,     /* folder, uids to dest (not NULL); the originals stay */
	WORKER_REQ_SEARCH,   /* folder, text: UID SEARCH TEXT; DONE carries the UIDs */
	WORKER_REQ_EXPUNGE,  /* folder, uids: \Deleted and UID EXPUNGE of exactly those */
	WORKER_REQ_SEND,     /* out: submit it, copy to Sent, mark the answered, drop the draft */
	WORKER_REQ_POSTPONE, /* out: store it in Drafts, drop the draft it replaces */
	WORKER_REQ_LOGOUT,   /* LOGOUT and close; a later request connects again */
	WORKER_REQ_CHECK,    /* log in to IMAP, then to SMTP (connect, EHLO, AUTH), and
			      * log out of both: the first-run screen's test */
};

struct worker_req {
	uint64_t id;               /* set by worker_post */
	enum worker_req_kind kind;
	char *folder;              /* server name of the folder worked on */
	char *dest;                /* MOVE, COPY: server name of the destination, or NULL */
	char *text;                /* SEARCH: what to search for, as the user typed it */
	uint32_t *uids;
	size_t nuids;
	unsigned flags;            /* FLAGS: MSG_* */
	int add;                   /* FLAGS: 1 adds, 0 removes */
	struct app_outgoing *out;  /* SEND, POSTPONE: the message, owned */
	struct worker_req *next;   /* the queue's link */
};

/* A request of kind with copies of folder (may be NULL) and of the n uids. */
struct worker_req *worker_req_new(enum worker_req_kind kind, const char *folder,
				  const uint32_t *uids, size_t n);
void worker_req_free(struct worker_req *r);
/* "connect", "open folder", ... for messages. */
const char *worker_req_kind_name(enum worker_req_kind kind);

enum worker_reply_kind {
	WORKER_PROGRESS,       /* done of total: messages for OPEN, bytes for FETCH */
	WORKER_FOLDERS,        /* CONNECT: the folder list, sorted, before any counts */
	WORKER_FOLDER_STATUS,  /* CONNECT: the counts of folders[index] of that list */
	WORKER_SUMMARIES,      /* OPEN, NEWER: up to WORKER_BATCH summaries */
	WORKER_RESET,          /* OPEN: the summaries sent so far are void (new UIDVALIDITY) */
	WORKER_VANISHED,       /* OPEN: uids were expunged by another client */
	WORKER_FLAGS_CHANGED,  /* OPEN: uids[i] has flags uid_flags[i] now */
	WORKER_NOTICE,         /* OPEN: a sentence about the cache in err.msg, not final */
	WORKER_DONE,           /* final */
	WORKER_ERROR,          /* final: err says what failed and why */
	WORKER_CANCELLED,      /* final */
};

struct worker_reply {
	uint64_t id;                  /* of the request answered */
	enum worker_reply_kind kind;
	/* PROGRESS */
	size_t done, total;
	/* FOLDERS: display names not terminal-safe; free with imap_folders_free */
	struct imap_folder *folders;
	size_t nfolders;
	/* FOLDER_STATUS; status_ok 0 when the server refused STATUS */
	size_t index;
	uint32_t messages, unseen;
	int status_ok;
	/* SUMMARIES: strings terminal-safe (msg_batch_add) */
	struct msg_batch *batch;
	/* DONE of FETCH: strings not terminal-safe */
	struct mail_message *message;
	/* VANISHED, FLAGS_CHANGED (uid_flags only for the latter: MSG_*), DONE
	 * of SEARCH (the UIDs found, in the server's order) */
	uint32_t *uids;
	unsigned *uid_flags;
	size_t nuids;
	/* DONE of MOVE and COPY: server name of the folder the messages went
	 * to, and the first message's UID there (0 if the server did not say);
	 * DONE of SEND: the Sent folder (NULL when no copy was stored) and in
	 * err.msg what went wrong after sending, if anything; DONE of
	 * POSTPONE: the Drafts folder */
	char *dest;
	uint32_t dest_uid;
	/* ERROR (and CANCELLED, whose message says so): not terminal-safe */
	struct err err;
	struct worker_reply *next;    /* the queue's link */
};

struct worker_reply *worker_reply_new(uint64_t id, enum worker_reply_kind kind);
/* Frees the reply and every payload still attached. Accepts NULL. */
void worker_reply_free(struct worker_reply *r);
/* Frees the payloads only (a final reply that turned into an error). */
void worker_reply_clear_payload(struct worker_reply *r);

#endif
