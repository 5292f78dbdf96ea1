/* A folder opened through the header cache: load, resync, fetch the new,
 * commit. The cache is written in one transaction at the end, so a run cut
 * short (a kill, a lost connection) leaves the previous state, which the
 * next open brings up to date again. */
#include "app/folder_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/paths.h"
#include "util/xalloc.h"

char *app_cache_path(const struct app *a)
{
	char *dir = paths_cache_dir();
	char *path = xasprintf("%s/%s.db", dir, a->account->name);

	free(dir);
	return path;
}

struct store *app_cache_open(struct app *a, char **notice)
{
	struct err e = { 0 };
	struct store *st;
	char *path;

	*notice = NULL;
	if (!a->config.cache)
		return NULL;
	path = app_cache_path(a);
	st = store_open(path, notice, &e);
	free(path);
	if (st == NULL)
		*notice = xasprintf("working without a cache: %s", e.msg);
	return st;
}

enum imap_resync_mode app_resync_mode(const struct app *a)
{
	switch (a->config.resync) {
	case CONF_RESYNC_QRESYNC: return IMAP_RESYNC_QRESYNC;
	case CONF_RESYNC_CONDSTORE: return IMAP_RESYNC_CONDSTORE;
	case CONF_RESYNC_FULL: return IMAP_RESYNC_FULL;
	case CONF_RESYNC_AUTO: break;
	}
	return IMAP_RESYNC_AUTO;
}

struct app_sync {
	struct store *st;
	char *folder;
	enum imap_resync_mode mode;
	struct store_folder_state state;
	int cached;               /* state is valid and the summaries were loaded */
	uint32_t *uids;           /* the cached UIDs, ascending */
	uint16_t *flags;          /* theirs as cached, not as resynced */
	size_t n, cap;
	struct store_update *up;
	const struct app_sync_ops *ops;
	void *ctx;
};

struct app_sync *app_sync_new(struct store *st, const char *folder, enum imap_resync_mode mode)
{
	struct app_sync *y = xcalloc(1, sizeof *y);

	y->st = st;
	y->folder = xstrdup(folder);
	y->mode = mode;
	return y;
}

void app_sync_free(struct app_sync *y)
{
	if (y == NULL)
		return;
	store_update_free(y->up);
	free(y->uids);
	free(y->flags);
	free(y->folder);
	free(y);
}

static void notice(struct app_sync *y, const char *text)
{
	if (y->ops->notice)
		y->ops->notice(text, y->ctx);
}

static int on_cached(const struct store_msg *m, void *ctx)
{
	struct app_sync *y = ctx;
	struct app_summary a = {
		.uid = m->uid,
		.flags = m->flags,
		.date = m->date,
		.size = m->size,
		.from = m->from,
		.from_addr = "",
		.subject = m->subject,
		.has_attachment = m->has_attachment,
		.thread = { m->thread_id, m->thread_parent, m->thread_root },
	};

	if (y->n == y->cap) {
		y->cap = y->cap ? 2 * y->cap : 4096;
		y->uids = xreallocarray(y->uids, y->cap, sizeof *y->uids);
		y->flags = xreallocarray(y->flags, y->cap, sizeof *y->flags);
	}
	y->uids[y->n] = m->uid;
	y->flags[y->n++] = m->flags;
	y->ops->summary(&a, y->ctx);
	return 0;
}

size_t app_sync_load(struct app_sync *y, const struct app_sync_ops *ops, void *ctx)
{
	struct err e = { 0 };
	int r;

	y->ops = ops;
	y->ctx = ctx;
	if (y->st == NULL)
		return 0;
	r = store_folder_state(y->st, y->folder, &y->state, &e);
	if (r == 0)
		r = store_folder_read(y->st, y->folder, on_cached, y, &e);
	if (r < 0) {
		/* A damaged folder is forgotten and fetched again whole. */
		char *text = xasprintf("header cache of this folder rebuilt: %s", e.msg);
		notice(y, text);
		free(text);
		if (y->n && ops->reset)
			ops->reset(ctx);
		y->n = 0;
		err_clear(&e);
		store_folder_drop(y->st, y->folder, &e);
		return 0;
	}
	y->cached = r == 0;
	return y->n;
}

static ssize_t find(const struct app_sync *y, uint32_t uid)
{
	size_t lo = 0, hi = y->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (y->uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < y->n && y->uids[lo] == uid ? (ssize_t)lo : -1;
}

static void on_vanished(uint32_t uid, void *ctx)
{
	struct app_sync *y = ctx;

	if (y->up)
		store_update_vanish(y->up, uid);
	y->ops->vanished(uid, y->ctx);
}

static void on_flags(uint32_t uid, unsigned flags, void *ctx)
{
	struct app_sync *y = ctx;
	ssize_t i = find(y, uid);

	/* \Recent belongs to the session that saw it first, not the message. */
	flags &= ~(unsigned)MSG_RECENT;
	/* Compared with the cache as loaded, never updated: a run cut short
	 * after the resync drops its store update, and its retry must find
	 * the same changes again to write them. */
	if (i < 0 || (y->flags[i] & ~(unsigned)MSG_RECENT) == flags)
		return;
	if (y->up)
		store_update_flags(y->up, uid, flags);
	y->ops->flags(uid, flags, y->ctx);
}

static int on_new(const struct app_summary *m, void *ctx)
{
	struct app_sync *y = ctx;
	struct store_msg sm = {
		.uid = m->uid,
		.size = m->size,
		.date = m->date,
		.flags = (uint16_t)(m->flags & ~(unsigned)MSG_RECENT),
		.has_attachment = m->has_attachment != 0,
		.from = m->from,
		.subject = m->subject,
		.thread_id = m->thread.id,
		.thread_parent = m->thread.parent,
		.thread_root = m->thread.root,
	};

	if (y->up)
		store_update_add(y->up, &sm);
	return y->ops->summary(m, y->ctx);
}

static void on_progress(size_t done, size_t total, void *ctx)
{
	struct app_sync *y = ctx;

	y->ops->progress(done, total, y->ctx);
}

int app_sync_run(struct app_sync *y, struct imap_session *s, const struct app_sync_ops *ops,
		 void *ctx, struct err *e)
{
	struct imap_select_info info;
	uint32_t from = 1;
	int reset = 0, rc;

	y->ops = ops;
	y->ctx = ctx;
	store_update_free(y->up);   /* a retry starts its changes again */
	y->up = y->st ? store_update_new(y->st, y->folder) : NULL;
	if (y->cached) {
		struct imap_resync_known k = {
			.uidvalidity = y->state.uidvalidity,
			.uidnext = y->state.uidnext,
			.highestmodseq = y->state.highestmodseq,
			.uids = y->uids,
			.nuids = y->n,
		};
		static const struct imap_resync_ops rops = { on_vanished, on_flags };
		rc = imap_resync(s, y->folder, y->mode, &k, &rops, y, &info, &reset, e);
		if (rc != 0)
			return rc;
		if (reset) {
			char shown[200];
			char *u = imap_mutf7_to_utf8(y->folder);
			snprintf(shown, sizeof shown, "%s", u);
			free(u);
			char *text = xasprintf("header cache of %s dropped: the folder was "
					       "recreated on the server (new UIDVALIDITY)", shown);
			notice(y, text);
			free(text);
			if (ops->reset)
				ops->reset(ctx);
		} else {
			from = y->state.uidnext ? y->state.uidnext : 1;
			/* A cache that stops short of its UIDNEXT still has
			 * everything below the highest UID it holds. */
			if (y->n && y->uids[y->n - 1] >= from)
				from = y->uids[y->n - 1] + 1;
		}
	} else {
		rc = imap_select(s, y->folder, 1, &info, e);
		if (rc != 0)
			return rc;
	}
	if (y->up && (!y->cached || reset))
		store_update_reset(y->up);
	rc = 0;
	if (info.exists > 0 && (info.uidnext == 0 || info.uidnext > from))
		rc = app_messages_fetch_from(s, from, on_new, ops->progress ? on_progress : NULL, y, e);
	if (rc == 0 && y->up) {
		struct store_folder_state fs = {
			.uidvalidity = info.uidvalidity,
			.uidnext = info.uidnext,
			.highestmodseq = info.highestmodseq,
		};
		struct err ce = { 0 };
		if (store_update_commit(y->up, &fs, &ce) != 0)
			notice(y, ce.msg);
	}
	return rc;
}

uint64_t app_body_cache_limit(const struct app *a)
{
	return (uint64_t)a->config.body_cache_size << 20;
}

struct mail_message *app_message_fetch_cached(struct store *st, uint64_t limit,
					      struct imap_session *s, const char *folder,
					      uint32_t uid, imap_progress_fn progress, void *ctx,
					      struct err *e)
{
	struct imap_select_info info;
	struct store_folder_state fs;
	struct strbuf raw = STRBUF_INIT;
	struct mail_message *m = NULL;
	struct err ce = { 0 };
	int cached = 0;

	if (st == NULL || limit == 0)
		return app_message_fetch(s, folder, uid, progress, ctx, e);
	if (imap_select(s, folder, 1, &info, e) != 0)
		return NULL;
	if (store_folder_state(st, folder, &fs, &ce) == 0) {
		if (fs.uidvalidity != info.uidvalidity)
			store_folder_drop(st, folder, &ce);
		else
			cached = store_body_get(st, folder, uid, &raw, &ce) == 0;
	}
	if (!cached) {
		if (imap_fetch_message(s, uid, &raw, progress, ctx, e) != 0) {
			strbuf_free(&raw);
			return NULL;
		}
		/* Kept only where the folder's own cache is (same UIDVALIDITY). */
		store_body_put(st, folder, uid, raw.s ? raw.s : "", raw.len, limit, &ce);
	}
	m = mail_message_parse(raw.s ? raw.s : "", raw.len, e);
	strbuf_free(&raw);
	return m;
}
