/* Reading a folder: summaries, one message, its attachments. */
#include "app/messages.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mail/attach_save.h"
#include "mail/mime_words.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct list_ctx {
	uint32_t uid_first;
	app_summary_fn fn;
	imap_progress_fn progress;
	void *ctx;
};

/* The fetch hands its one context to both callbacks: pass the caller's on. */
static void list_progress(size_t done, size_t total, void *ctx)
{
	struct list_ctx *lc = ctx;

	lc->progress(done, total, lc->ctx);
}

static int decode_summary(const struct imap_summary *m, void *ctx)
{
	struct list_ctx *lc = ctx;

	/* UID FETCH n:* answers with the last message even when its UID is
	 * below n. */
	if (m->uid < lc->uid_first)
		return 0;
	char *subject = mime_words_decode(m->subject ? m->subject : "");
	char *name = mime_words_decode(m->from_name ? m->from_name : "");
	struct app_summary a = {
		.uid = m->uid,
		.flags = m->flags,
		.date = m->internal_date,
		.size = m->size,
		.from = name[0] ? name : (m->from_addr ? m->from_addr : ""),
		.from_addr = m->from_addr ? m->from_addr : "",
		.subject = subject,
		.has_attachment = m->has_attachment,
	};
	thread_ids_parse(m->message_id, m->in_reply_to, m->references, &a.thread);
	int stop = lc->fn(&a, lc->ctx);

	free(subject);
	free(name);
	return stop;
}

int app_messages_list(struct imap_session *s, const char *folder, app_summary_fn fn,
		      imap_progress_fn progress, void *ctx, struct err *e)
{
	return app_messages_list_from(s, folder, 1, fn, progress, ctx, e);
}

int app_messages_list_from(struct imap_session *s, const char *folder, uint32_t uid_first,
			   app_summary_fn fn, imap_progress_fn progress, void *ctx, struct err *e)
{
	struct imap_select_info info;
	struct list_ctx lc = { uid_first ? uid_first : 1, fn, progress, ctx };

	if (imap_select(s, folder, 1, &info, e) != 0)
		return -1;
	if (info.exists == 0 || (info.uidnext != 0 && info.uidnext <= lc.uid_first))
		return 0;
	return imap_fetch_summaries(s, lc.uid_first, 0, decode_summary,
				    progress ? list_progress : NULL, &lc, e);
}

int app_messages_fetch_from(struct imap_session *s, uint32_t uid_first, app_summary_fn fn,
			    imap_progress_fn progress, void *ctx, struct err *e)
{
	struct list_ctx lc = { uid_first ? uid_first : 1, fn, progress, ctx };

	return imap_fetch_summaries(s, lc.uid_first, 0, decode_summary,
				    progress ? list_progress : NULL, &lc, e);
}

struct mail_message *app_message_read(struct imap_session *s, const char *folder, uint32_t uid,
				      struct err *e)
{
	return app_message_fetch(s, folder, uid, NULL, NULL, e);
}

struct mail_message *app_message_fetch(struct imap_session *s, const char *folder, uint32_t uid,
				       imap_progress_fn progress, void *ctx, struct err *e)
{
	struct imap_select_info info;
	struct strbuf raw = STRBUF_INIT;
	struct mail_message *m = NULL;

	if (imap_select(s, folder, 1, &info, e) != 0)
		return NULL;
	if (imap_fetch_message(s, uid, &raw, progress, ctx, e) == 0)
		m = mail_message_parse(raw.s ? raw.s : "", raw.len, e);
	strbuf_free(&raw);
	return m;
}

int app_message_save_attachments(struct imap_session *s, const char *folder, uint32_t uid,
				 const char *dir, app_saved_fn fn, void *ctx, struct err *e)
{
	struct mail_message *m;
	struct stat st;
	int saved = 0;

	/* Checked before the download so a typo costs no network time. */
	if (stat(dir, &st) != 0)
		return err_set(e, ERR_IO, "cannot save into %s: %s", dir,
			       errno == ENOENT ? "no such folder" : strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(e, ERR_IO, "cannot save into %s: not a folder", dir);
	m = app_message_read(s, folder, uid, e);
	if (m == NULL)
		return -1;
	if (m->natts == 0) {
		mail_message_free(m);
		return err_set(e, ERR_NOTFOUND, "message %u has no attachment", uid);
	}
	for (size_t i = 0; i < m->natts; i++) {
		char *data = NULL, *path = NULL;
		size_t len = 0;

		if (mail_message_attachment_data(m, i, &data, &len, e) != 0 ||
		    attach_save(dir, m->atts[i].filename, data, len, &path, e) != 0) {
			free(data);
			saved = -1;
			break;
		}
		if (fn != NULL)
			fn(path, len, ctx);
		free(path);
		free(data);
		saved++;
	}
	mail_message_free(m);
	return saved;
}
