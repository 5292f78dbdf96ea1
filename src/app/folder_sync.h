/* Opening a folder through the header cache: the cached summaries first,
 * then the server's changes (expunged messages, changed flags) and the new
 * messages, and the cache updated from them. The full-screen client's
 * worker and skua list both open folders this way. */
#ifndef SKUA_APP_FOLDER_SYNC_H
#define SKUA_APP_FOLDER_SYNC_H

#include <stdint.h>

#include "app/app.h"
#include "app/messages.h"
#include "store/store.h"

/* The account's cache ($XDG_CACHE_HOME/skua/ACCOUNT.db), or NULL when the
 * cache setting is off or the file cannot be had; *notice (caller frees)
 * then or after a rebuild says why, else it is NULL. */
struct store *app_cache_open(struct app *a, char **notice);
char *app_cache_path(const struct app *a);
enum imap_resync_mode app_resync_mode(const struct app *a);

struct app_sync_ops {
	/* A summary from the cache (phase 1) or a new one from the server. */
	int (*summary)(const struct app_summary *m, void *ctx);
	/* The cached summaries are void (UIDVALIDITY changed, damaged cache):
	 * forget them; the whole folder follows. */
	void (*reset)(void *ctx);
	void (*vanished)(uint32_t uid, void *ctx);
	void (*flags)(uint32_t uid, unsigned flags, void *ctx);   /* changed only */
	/* A sentence about the cache for the user (not terminal-safe). */
	void (*notice)(const char *text, void *ctx);
	imap_progress_fn progress;
};

struct app_sync;
/* st may be NULL: no cache, every open fetches the whole folder. st is
 * borrowed and must outlive the sync. */
struct app_sync *app_sync_new(struct store *st, const char *folder, enum imap_resync_mode mode);
void app_sync_free(struct app_sync *y);
/* Phase 1, no network: reports every cached summary. Returns how many. */
size_t app_sync_load(struct app_sync *y, const struct app_sync_ops *ops, void *ctx);
/* Phase 2: resync over s, fetch the new messages, update the cache. */
int app_sync_run(struct app_sync *y, struct imap_session *s, const struct app_sync_ops *ops,
		 void *ctx, struct err *e);

/* app_message_fetch through the body cache: the folder is selected to check
 * its UIDVALIDITY against the cache (a different one drops the folder's
 * cache), then a message read before comes from st, another is downloaded
 * and kept there within limit bytes. st NULL: app_message_fetch. */
struct mail_message *app_message_fetch_cached(struct store *st, uint64_t limit,
					      struct imap_session *s, const char *folder,
					      uint32_t uid, imap_progress_fn progress, void *ctx,
					      struct err *e);
/* The body_cache_size setting in bytes. */
uint64_t app_body_cache_limit(const struct app *a);

#endif
