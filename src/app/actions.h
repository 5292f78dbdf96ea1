/* Changing messages on the server: flags, copies, moves, and delete as a
 * move to the Trash folder. Each call selects the folder read-write first, so it works
 * whatever the session had selected before. */
#ifndef SKUA_APP_ACTIONS_H
#define SKUA_APP_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "net/imap_session.h"
#include "util/err.h"

/* Adds (add = 1) or removes MSG_* flags on the listed UIDs of folder. */
int app_action_flags(struct imap_session *s, const char *folder, const uint32_t *uids, size_t n,
		     int add, unsigned flags, struct err *e);

/* Moves the listed UIDs from folder to dest (server names): UID MOVE where
 * offered, else COPY + \Deleted + UID EXPUNGE of exactly those UIDs.
 * Refuses (ERR_USAGE) when folder and dest are the same. moved (may be
 * NULL) gets where they went, as the server said (imap_moved_free). */
int app_action_move(struct imap_session *s, const char *folder, const uint32_t *uids, size_t n,
		    const char *dest, struct imap_moved *moved, struct err *e);

/* Copies the listed UIDs from folder to dest (server names) with UID COPY;
 * the originals stay. Refuses (ERR_USAGE) when folder and dest are the
 * same. */
int app_action_copy(struct imap_session *s, const char *folder, const uint32_t *uids, size_t n,
		    const char *dest, struct err *e);

/* Deletes the listed UIDs of folder for good: STORE \Deleted, then UID
 * EXPUNGE of exactly those UIDs (refused without UIDPLUS rather than a bare
 * EXPUNGE that could take other messages marked \Deleted). */
int app_action_expunge(struct imap_session *s, const char *folder, const uint32_t *uids, size_t n,
		       struct err *e);

#endif
