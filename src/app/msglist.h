/* The loaded messages of one folder as the index shows them: summaries that
 * arrive in batches from a worker, kept in UID order for lookups, and a
 * date order (oldest first, as mutt shows a folder) for display. Built for
 * 100000 messages: well under 1 KB per message, and a batch merges in
 * linear time. */
#ifndef SKUA_APP_MSGLIST_H
#define SKUA_APP_MSGLIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/arena.h"

/* One message. from and subject are terminal-safe UTF-8 (passed through
 * safe_text_terminal when the batch was built), owned by the batch's or the
 * list's arena. */
struct msg_summary {
	uint32_t uid;
	uint32_t size;           /* RFC822.SIZE */
	int64_t date;            /* INTERNALDATE, seconds since the epoch */
	uint16_t flags;          /* MSG_* of net/imap_session.h */
	uint8_t has_attachment;
	uint8_t mark;            /* free for the list's user, e.g. "a request is running" */
	const char *from;
	const char *subject;
	/* Threading hashes of Message-ID, parent and root (mail/thread_ids.h). */
	uint64_t thread_id, thread_parent, thread_root;
};

/* Summaries on their way from a worker to the list. */
struct msg_batch {
	struct msg_summary *items;
	size_t n, cap;
	struct arena arena;
};

struct msg_batch *msg_batch_new(void);
void msg_batch_free(struct msg_batch *b);
/* Copies from and subject (raw UTF-8, may be NULL) through
 * safe_text_terminal into the batch. */
void msg_batch_add(struct msg_batch *b, uint32_t uid, unsigned flags, int64_t date,
		   uint32_t size, int has_attachment, const char *from, const char *subject);
/* Sets the threading hashes of the summary added last. */
void msg_batch_set_thread(struct msg_batch *b, uint64_t id, uint64_t parent, uint64_t root);

struct msglist;

struct msglist *msglist_new(void);
void msglist_free(struct msglist *l);
/* Merges the batch's summaries (a UID already present is replaced) and takes
 * its strings; frees the batch. */
void msglist_add(struct msglist *l, struct msg_batch *b);
size_t msglist_count(const struct msglist *l);
/* The summary at display position pos (0 = oldest), NULL past the end. The
 * pointer stays valid until the list changes. */
struct msg_summary *msglist_at(const struct msglist *l, size_t pos);
/* Display position of uid, or -1. */
ssize_t msglist_find(const struct msglist *l, uint32_t uid);
/* Removes uid; returns 0, or -1 if it is not in the list. */
int msglist_remove(struct msglist *l, uint32_t uid);
/* Removes every listed UID present, in one pass over the list (a resync
 * may report thousands); returns how many were removed. */
size_t msglist_remove_uids(struct msglist *l, const uint32_t *uids, size_t n);
/* Sets the flags of uid (a change another client made); 0, or -1 if absent. */
int msglist_set_flags(struct msglist *l, uint32_t uid, unsigned flags);
/* Messages without MSG_SEEN. */
size_t msglist_unread(const struct msglist *l);
/* The first unread position after pos, wrapping around; -1 if none. */
ssize_t msglist_next_unread(const struct msglist *l, size_t pos);
/* Bytes the list holds (items, order, strings), for the memory benchmark. */
size_t msglist_memory(const struct msglist *l);

#endif
