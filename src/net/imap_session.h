/* An IMAP session over libetpan and a metered conn: connect, STARTTLS, login,
 * and the commands skua uses. Every command is one metered operation. A session
 * is used by one thread at a time. */
#ifndef SKUA_NET_IMAP_SESSION_H
#define SKUA_NET_IMAP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "net/auth.h"
#include "net/conn.h"
#include "util/err.h"
#include "util/strbuf.h"

struct imap_session;

/* Connects per p->tls (STARTTLS refused with ERR_TLS "server offers no STARTTLS"
 * when not advertised), refreshes capabilities after TLS, logs in. A plain-text
 * login is only attempted with TLS_MODE_NONE, which the caller allows explicitly.
 * Errors: ERR_NETWORK, ERR_TLS, ERR_AUTH (server's text included), ERR_PROTOCOL. */
struct imap_session *imap_session_open(const struct conn_params *p, const struct net_auth *auth,
				       struct err *e);
/* LOGOUT if the connection is healthy (never waits on a dead one), then frees. */
void imap_session_close(struct imap_session *s);
struct conn *imap_session_conn(struct imap_session *s);
int imap_session_has_cap(struct imap_session *s, const char *cap);   /* "MOVE", "AUTH=PLAIN" ... */
/* Makes the session behave as if the server lacked cap, e.g. "MOVE" to take
 * the COPY + EXPUNGE path; for tests and for working around server bugs. */
void imap_session_disable_cap(struct imap_session *s, const char *cap);

/* Folder attributes. */
enum {
	IMAP_FOLDER_NOSELECT = 1 << 0,
	IMAP_FOLDER_INBOX = 1 << 1,
	IMAP_FOLDER_SENT = 1 << 2,
	IMAP_FOLDER_TRASH = 1 << 3,
	IMAP_FOLDER_DRAFTS = 1 << 4,
	IMAP_FOLDER_JUNK = 1 << 5,
	IMAP_FOLDER_ARCHIVE = 1 << 6,
	IMAP_FOLDER_ALL = 1 << 7,      /* Gmail's "All Mail" */
	IMAP_FOLDER_FLAGGED = 1 << 8,
	IMAP_FOLDER_HASCHILDREN = 1 << 9,
};

struct imap_folder {
	char *name;        /* as the server names it (modified UTF-7), used in commands */
	char *display;     /* UTF-8, terminal-unsafe characters not yet removed */
	char delim;        /* hierarchy delimiter, 0 if none */
	unsigned flags;
};
/* LIST "" "*" with SPECIAL-USE attributes. Caller frees with imap_folders_free. */
int imap_list_folders(struct imap_session *s, struct imap_folder **out, size_t *n, struct err *e);
void imap_folders_free(struct imap_folder *f, size_t n);

struct imap_status {
	uint32_t messages, unseen, uidnext, uidvalidity;
	uint64_t highestmodseq;   /* 0 when the server has no CONDSTORE */
};
int imap_folder_status(struct imap_session *s, const char *folder, struct imap_status *st,
		       struct err *e);

struct imap_select_info {
	uint32_t exists, uidvalidity, uidnext;
	uint64_t highestmodseq;
	int readonly;
};
/* SELECT (or EXAMINE when readonly). ERR_NOTFOUND when the folder does not exist. */
int imap_select(struct imap_session *s, const char *folder, int readonly,
		struct imap_select_info *info, struct err *e);

/* Message flags as a bitmask. */
enum {
	MSG_SEEN = 1 << 0,
	MSG_ANSWERED = 1 << 1,
	MSG_FLAGGED = 1 << 2,
	MSG_DELETED = 1 << 3,
	MSG_DRAFT = 1 << 4,
	MSG_RECENT = 1 << 5,
	MSG_FORWARDED = 1 << 6,   /* $Forwarded keyword */
};

/* One message's summary from UID FETCH (UID FLAGS INTERNALDATE RFC822.SIZE
 * ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (REFERENCES)]). Strings are raw as the server sent them (RFC 2047
 * not decoded), borrowed for the duration of the callback only; NULL if absent. */
struct imap_summary {
	uint32_t uid;
	unsigned flags;
	int64_t internal_date;     /* seconds since the epoch */
	uint32_t size;
	const char *date;          /* envelope Date header text */
	const char *subject;
	const char *from_name, *from_addr;   /* first From mailbox */
	const char *to;            /* To addresses, "Name <a@b>, ..." raw */
	const char *cc;
	const char *message_id, *in_reply_to;
	const char *references;    /* the References field as fetched ("References: <a> ..."),
				    * NULL when the message has none */
	int has_attachment;        /* from BODYSTRUCTURE */
	uint64_t modseq;
};
/* Return non-zero to stop the fetch early (the command still completes). */
typedef int (*imap_summary_fn)(const struct imap_summary *m, void *ctx);
/* Progress: done messages of total (total = size of the UID range as known). */
typedef void (*imap_progress_fn)(size_t done, size_t total, void *ctx);

/* UID FETCH uid_first:uid_last (uid_last 0 = "*") in UID chunks so memory stays
 * bounded; records "imap_fetch_headers" per chunk. */
int imap_fetch_summaries(struct imap_session *s, uint32_t uid_first, uint32_t uid_last,
			 imap_summary_fn fn, imap_progress_fn progress, void *ctx, struct err *e);

/* A fetched message may be at most this big unless the session says
 * otherwise: a server announcing or streaming more is refused (ERR_PROTOCOL,
 * "the message is larger than N MB") and the session is closed, since the
 * stream stands in the middle of the literal. */
#define IMAP_MAX_MESSAGE_SIZE_DEFAULT ((size_t)256 << 20)
void imap_session_set_max_message_size(struct imap_session *s, size_t bytes);

/* BODY.PEEK[] of one message appended to out (not marking it \Seen).
 * ERR_NOTFOUND if the UID does not exist; ERR_PROTOCOL past the size limit.
 * Records "imap_fetch_body". */
int imap_fetch_message(struct imap_session *s, uint32_t uid, struct strbuf *out,
		       imap_progress_fn progress, void *ctx, struct err *e);

/* UID STORE +FLAGS/-FLAGS.SILENT for the listed UIDs. Records "imap_store". */
int imap_store_flags(struct imap_session *s, const uint32_t *uids, size_t n, int add,
		     unsigned flags, struct err *e);
/* UID COPY. Records "imap_copy". */
int imap_copy(struct imap_session *s, const uint32_t *uids, size_t n, const char *dest,
	      struct err *e);
/* UID MOVE where offered, else UID COPY + STORE \Deleted + UID EXPUNGE of exactly
 * those UIDs (never a bare EXPUNGE). Records "imap_move". */
int imap_move(struct imap_session *s, const uint32_t *uids, size_t n, const char *dest,
	      struct err *e);
/* Where moved messages went, from the server's COPYUID (UIDPLUS): src[i]
 * is now dst[i] in the destination. n is 0 when the server said nothing. */
struct imap_moved {
	uint32_t *src, *dst;
	size_t n, cap;
	uint32_t uidvalidity;
};
/* imap_move that also fills moved (the caller frees with imap_moved_free). */
int imap_move_report(struct imap_session *s, const uint32_t *uids, size_t n, const char *dest,
		     struct imap_moved *moved, struct err *e);
void imap_moved_free(struct imap_moved *m);
/* The destination UID of src, or 0 if the server did not say. */
uint32_t imap_moved_find(const struct imap_moved *m, uint32_t src);
/* UID EXPUNGE of the listed UIDs (UIDPLUS); without UIDPLUS it refuses with
 * ERR_PROTOCOL rather than expunge other messages. Records "imap_expunge". */
int imap_expunge_uids(struct imap_session *s, const uint32_t *uids, size_t n, struct err *e);
/* APPEND with flags; *uid_out gets the APPENDUID or 0. Records "imap_append". */
int imap_append(struct imap_session *s, const char *folder, unsigned flags, const char *msg,
		size_t len, uint32_t *uid_out, struct err *e);
/* UID SEARCH with a raw IMAP search key string, e.g. "TEXT \"hello\"" (the caller
 * quotes). Caller frees *uids. Records "imap_search". */
int imap_search(struct imap_session *s, const char *criteria, uint32_t **uids, size_t *n,
		struct err *e);

/* Resynchronising a folder known from a cache. */
enum imap_resync_mode {
	IMAP_RESYNC_AUTO,       /* QRESYNC, else CONDSTORE, else FULL, as offered */
	IMAP_RESYNC_QRESYNC,    /* EXAMINE (QRESYNC ...): VANISHED and changed flags at once */
	IMAP_RESYNC_CONDSTORE,  /* FETCH (FLAGS) (CHANGEDSINCE m), UID SEARCH for expunges */
	IMAP_RESYNC_FULL,       /* FETCH (FLAGS) of every known UID */
};
/* What the cache knows of the folder. */
struct imap_resync_known {
	uint32_t uidvalidity, uidnext;
	uint64_t highestmodseq;     /* 0: none, so only FULL can work */
	const uint32_t *uids;       /* the cached UIDs, ascending */
	size_t nuids;
};
struct imap_resync_ops {
	void (*vanished)(uint32_t uid, void *ctx);   /* only UIDs of known->uids */
	/* Flags of a known UID as the server has them now (FULL reports all,
	 * the others those changed); UIDs above known->uidnext are left to
	 * the fetch of new messages. */
	void (*flags)(uint32_t uid, unsigned flags, void *ctx);
};
/* Selects folder read-only and reports what changed since known. *reset is
 * 1 when the UIDVALIDITY differs (nothing is reported: the cache is void).
 * mode AUTO (or one the server lacks) falls back to the best offered; a
 * HIGHESTMODSEQ that cannot hold every change since known's (none, lower,
 * or unmoved while messages came or went) falls back to FULL. New
 * messages are the caller's: imap_fetch_summaries from known->uidnext.
 * Records "imap_select", "imap_unselect" and "imap_enable" (QRESYNC is
 * enabled once per session, outside any folder), "imap_resync_flags",
 * "imap_search". */
int imap_resync(struct imap_session *s, const char *folder, enum imap_resync_mode mode,
		const struct imap_resync_known *known, const struct imap_resync_ops *ops,
		void *ctx, struct imap_select_info *info, int *reset, struct err *e);
/* The way imap_resync would take for mode on this session. */
enum imap_resync_mode imap_resync_mode_used(struct imap_session *s, enum imap_resync_mode mode);

/* Modified UTF-7 (RFC 3501 5.1.3) <-> UTF-8 for folder names. Caller frees. */
char *imap_mutf7_to_utf8(const char *s);
char *imap_utf8_to_mutf7(const char *s);

#endif
