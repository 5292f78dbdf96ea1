/* The persistent header cache of one account: an SQLite file (WAL mode) with
 * each folder's UIDVALIDITY, HIGHESTMODSEQ and UIDNEXT and its message
 * summaries, packed in chunks of a few thousand so a warm open reads a few
 * dozen blobs instead of 100000 rows. Used by one thread at a time. */
#ifndef SKUA_STORE_STORE_H
#define SKUA_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/strbuf.h"

/* Bumped whenever the file layout or the packed record changes: a file of
 * another version is discarded and rebuilt. */
#define STORE_SCHEMA_VERSION 3

/* One cached summary. from and subject are decoded UTF-8, not yet
 * terminal-safe (the cache is never trusted more than the server). */
struct store_msg {
	uint32_t uid;
	uint32_t size;
	int64_t date;
	uint16_t flags;           /* MSG_* */
	uint8_t has_attachment;
	const char *from;
	const char *subject;
	/* Threading: hashes of the Message-ID, the parent's and the root's
	 * (mail/thread_ids.h), 0 for none. */
	uint64_t thread_id, thread_parent, thread_root;
};

/* The ONE pair that knows the packed record: every field of struct
 * store_msg goes through here, so a new field is added in these two
 * functions (and STORE_SCHEMA_VERSION bumped). unpack leaves the strings
 * pointing into the packed bytes; returns -1 on a malformed record. */
void store_msg_pack(const struct store_msg *m, struct strbuf *out);
int store_msg_unpack(const unsigned char **p, const unsigned char *end, struct store_msg *m);

struct store_folder_state {
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint64_t highestmodseq;   /* 0 without CONDSTORE */
};

struct store;

/* Opens (creating it and its folder) the cache file at path. A file that is
 * not a database, corrupt, or of another schema version is removed and
 * created again; *notice (caller frees) then gets a sentence saying so,
 * else NULL. Fails (ERR_IO) only when no cache can be had at all. */
struct store *store_open(const char *path, char **notice, struct err *e);
void store_close(struct store *st);

/* 0 with *state filled, 1 when the folder is not cached, -1 on error. */
int store_folder_state(struct store *st, const char *folder, struct store_folder_state *state,
		       struct err *e);
/* Calls fn for each cached summary of folder in ascending UID order (the
 * strings are valid during the call only). fn returning non-zero stops.
 * A malformed chunk fails with ERR_IO "the cache of FOLDER is damaged". */
typedef int (*store_msg_fn)(const struct store_msg *m, void *ctx);
int store_folder_read(struct store *st, const char *folder, store_msg_fn fn, void *ctx,
		      struct err *e);
/* Forgets everything cached for folder. */
int store_folder_drop(struct store *st, const char *folder, struct err *e);

/* Changes to one folder, gathered and written in one transaction at
 * commit, so an interrupted resync leaves the previous state whole. */
struct store_update;
struct store_update *store_update_new(struct store *st, const char *folder);
void store_update_free(struct store_update *u);
/* The folder's contents are replaced rather than changed (UIDVALIDITY
 * changed, or a first fetch). */
void store_update_reset(struct store_update *u);
void store_update_vanish(struct store_update *u, uint32_t uid);
void store_update_flags(struct store_update *u, uint32_t uid, unsigned flags);
/* Adds (or replaces) a summary; its strings are copied. */
void store_update_add(struct store_update *u, const struct store_msg *m);
/* Applies everything and records state, all or nothing. */
int store_update_commit(struct store_update *u, const struct store_folder_state *state,
			struct err *e);

/* Bodies (whole raw messages) cached on first read, in the folder's
 * cache; they go with the folder (a drop, a new UIDVALIDITY) and with their
 * message (vanished). 0 with the bytes appended to out, 1 when not cached,
 * -1 on error. */
int store_body_get(struct store *st, const char *folder, uint32_t uid, struct strbuf *out,
		   struct err *e);
/* Keeps a body, then forgets the least recently read ones until all the
 * account's bodies fit in limit bytes. A body bigger than limit, or of a
 * folder not cached, is not kept (returns 1). */
int store_body_put(struct store *st, const char *folder, uint32_t uid, const char *data,
		   size_t len, uint64_t limit, struct err *e);
/* Bytes of bodies cached, for tests and the stats. */
uint64_t store_body_bytes(struct store *st);

/* Rows per chunk. */
#define STORE_CHUNK_ROWS 2048

#endif
