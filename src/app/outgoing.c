/* A message being written: its owned parts, how it is seeded from a reply
 * or a resumed draft, and sending or postponing it on the worker's session. */
#include "app/outgoing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/actions.h"
#include "app/folders.h"
#include "util/xalloc.h"

struct app_outgoing *app_outgoing_new(void)
{
	struct app_outgoing *o = xcalloc(1, sizeof *o);

	o->to = xstrdup("");
	o->cc = xstrdup("");
	o->bcc = xstrdup("");
	o->subject = xstrdup("");
	o->body = xstrdup("");
	o->in_reply_to = xstrdup("");
	o->references = xstrdup("");
	return o;
}

static void att_clear(struct app_outgoing_att *t)
{
	free(t->path);
	free(t->name);
	free(t->content_type);
	free(t->data);
}

void app_outgoing_free(struct app_outgoing *o)
{
	if (o == NULL)
		return;
	free(o->to);
	free(o->cc);
	free(o->bcc);
	free(o->subject);
	free(o->body);
	free(o->in_reply_to);
	free(o->references);
	for (size_t i = 0; i < o->natts; i++)
		att_clear(&o->atts[i]);
	free(o->atts);
	free(o->answers_folder);
	free(o->draft_folder);
	free(o);
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct app_outgoing *app_outgoing_dup(const struct app_outgoing *o)
{
	struct app_outgoing *d = xcalloc(1, sizeof *d);

	d->to = xstrdup(o->to);
	d->cc = xstrdup(o->cc);
	d->bcc = xstrdup(o->bcc);
	d->subject = xstrdup(o->subject);
	d->body = xstrdup(o->body);
	d->in_reply_to = xstrdup(o->in_reply_to);
	d->references = xstrdup(o->references);
	d->answers_folder = dup_or_null(o->answers_folder);
	d->answers_uid = o->answers_uid;
	d->draft_folder = dup_or_null(o->draft_folder);
	d->draft_uid = o->draft_uid;
	d->atts = o->natts ? xcalloc(o->natts, sizeof *d->atts) : NULL;
	d->natts = o->natts;
	for (size_t i = 0; i < o->natts; i++) {
		const struct app_outgoing_att *s = &o->atts[i];
		struct app_outgoing_att *t = &d->atts[i];
		t->path = dup_or_null(s->path);
		t->name = dup_or_null(s->name);
		t->content_type = dup_or_null(s->content_type);
		if (s->data != NULL) {
			t->data = xmalloc(s->len + 1);
			memcpy(t->data, s->data, s->len);
			t->data[s->len] = '\0';
		}
		t->len = s->len;
		t->size = s->size;
	}
	return d;
}

void app_outgoing_set(char **field, const char *value)
{
	char *copy = xstrdup(value != NULL ? value : "");

	free(*field);
	*field = copy;
}

static struct app_outgoing_att *att_add(struct app_outgoing *o)
{
	o->atts = xreallocarray(o->atts, o->natts + 1, sizeof *o->atts);
	memset(&o->atts[o->natts], 0, sizeof o->atts[0]);
	return &o->atts[o->natts++];
}

int app_outgoing_attach_file(struct app_outgoing *o, const char *path, struct err *e)
{
	struct stat st;
	const char *base;
	FILE *f;

	if (stat(path, &st) != 0)
		return err_set(e, ERR_IO, "cannot attach %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, ERR_USAGE, "cannot attach %s: not a regular file", path);
	/* Found unreadable now rather than when the message is sent. */
	f = fopen(path, "rb");
	if (f == NULL)
		return err_set(e, ERR_IO, "cannot attach %s: %s", path, strerror(errno));
	fclose(f);
	base = strrchr(path, '/');
	base = base != NULL && base[1] != '\0' ? base + 1 : path;
	struct app_outgoing_att *t = att_add(o);
	t->path = xstrdup(path);
	t->name = xstrdup(base);
	t->size = (uint64_t)st.st_size;
	/* Found now, so the compose screen shows what will be sent. */
	t->content_type = compose_file_type(path);
	return 0;
}

void app_outgoing_attach_data(struct app_outgoing *o, const char *name, const char *content_type,
			      char *data, size_t len)
{
	struct app_outgoing_att *t = att_add(o);

	t->name = xstrdup(name != NULL && *name ? name : "attachment");
	t->content_type = content_type != NULL && *content_type ? xstrdup(content_type) : NULL;
	t->data = data != NULL ? data : xstrdup("");
	t->len = data != NULL ? len : 0;
	t->size = t->len;
}

void app_outgoing_detach(struct app_outgoing *o, size_t i)
{
	if (i >= o->natts)
		return;
	att_clear(&o->atts[i]);
	memmove(&o->atts[i], &o->atts[i + 1], (o->natts - i - 1) * sizeof o->atts[0]);
	o->natts--;
}

struct app_outgoing *app_outgoing_from_seed(const struct reply_seed *sd, const char *folder,
					    uint32_t uid)
{
	struct app_outgoing *o = app_outgoing_new();

	app_outgoing_set(&o->to, sd->to);
	app_outgoing_set(&o->cc, sd->cc);
	app_outgoing_set(&o->subject, sd->subject);
	app_outgoing_set(&o->body, sd->body);
	app_outgoing_set(&o->in_reply_to, sd->in_reply_to);
	app_outgoing_set(&o->references, sd->references);
	for (size_t i = 0; i < sd->natts; i++) {
		char *copy = xmalloc(sd->atts[i].len + 1);
		memcpy(copy, sd->atts[i].data, sd->atts[i].len);
		copy[sd->atts[i].len] = '\0';
		app_outgoing_attach_data(o, sd->atts[i].name, sd->atts[i].content_type, copy,
					 sd->atts[i].len);
	}
	if (folder != NULL && *sd->in_reply_to) {
		o->answers_folder = xstrdup(folder);
		o->answers_uid = uid;
	}
	return o;
}

struct app_outgoing *app_outgoing_from_draft(const struct mail_message *m, const char *folder,
					     uint32_t uid, struct err *e)
{
	struct app_outgoing *o = app_outgoing_new();

	app_outgoing_set(&o->to, m->to);
	app_outgoing_set(&o->cc, m->cc);
	app_outgoing_set(&o->bcc, m->bcc);
	app_outgoing_set(&o->subject, m->subject);
	app_outgoing_set(&o->body, m->body);
	app_outgoing_set(&o->in_reply_to, m->in_reply_to);
	app_outgoing_set(&o->references, m->references);
	for (size_t i = 0; i < m->natts; i++) {
		char *data;
		size_t len;
		if (mail_message_attachment_data(m, i, &data, &len, e) != 0) {
			app_outgoing_free(o);
			return NULL;
		}
		app_outgoing_attach_data(o, m->atts[i].filename, m->atts[i].content_type, data, len);
	}
	o->draft_folder = xstrdup(folder);
	o->draft_uid = uid;
	return o;
}

/* The compose_draft view of o; atts has room for o->natts entries and must
 * live as long as the view. */
static struct compose_draft draft_view(const struct app_outgoing *o, struct compose_attachment *atts)
{
	for (size_t i = 0; i < o->natts; i++) {
		const struct app_outgoing_att *t = &o->atts[i];
		atts[i] = (struct compose_attachment){
			.path = t->path,
			.name = t->name,
			.content_type = t->content_type,
			.data = t->path != NULL ? NULL : t->data,
			.len = t->len,
		};
	}
	return (struct compose_draft){
		.to = *o->to ? o->to : NULL,
		.cc = *o->cc ? o->cc : NULL,
		.bcc = *o->bcc ? o->bcc : NULL,
		.subject = o->subject,
		.body = o->body,
		.in_reply_to = *o->in_reply_to ? o->in_reply_to : NULL,
		.references = *o->references ? o->references : NULL,
		.atts = atts,
		.natts = o->natts,
	};
}

/* Appends "; what: why" to *warning. */
static void add_warning(char **warning, const char *what, const char *why)
{
	char *w = *warning != NULL ? xasprintf("%s; %s: %s", *warning, what, why)
				   : xasprintf("%s: %s", what, why);

	free(*warning);
	*warning = w;
}

static int remove_draft(struct imap_session *s, const struct app_outgoing *o, struct err *e)
{
	if (o->draft_folder == NULL || o->draft_uid == 0)
		return 0;
	return app_action_expunge(s, o->draft_folder, &o->draft_uid, 1, e);
}

int app_outgoing_send(struct app *a, struct imap_session *s, const struct app_outgoing *o,
		      const struct app_send_watch *watch, struct app_send_report *report,
		      struct err *e)
{
	struct compose_attachment *atts = xcalloc(o->natts + 1, sizeof *atts);
	struct compose_draft d = draft_view(o, atts);
	struct err we = { ERR_NONE, "" };
	int rc = app_send_on(a, s, &d, watch, report, e);

	free(atts);
	if (rc != 0)
		return rc;
	if (s == NULL)
		return 0;
	if (o->answers_folder != NULL &&
	    app_action_flags(s, o->answers_folder, &o->answers_uid, 1, 1, MSG_ANSWERED, &we) != 0)
		add_warning(&report->warning, "the message answered was not marked", we.msg);
	err_clear(&we);
	if (remove_draft(s, o, &we) != 0)
		add_warning(&report->warning, "the draft was not removed", we.msg);
	return 0;
}

int app_outgoing_postpone(struct app *a, struct imap_session *s, const struct app_outgoing *o,
			  char **folder, struct err *e)
{
	struct compose_attachment *atts = xcalloc(o->natts + 1, sizeof *atts);
	struct compose_draft d = draft_view(o, atts);
	struct compose_result msg;
	struct imap_folder *f = NULL;
	size_t n = 0;
	char *drafts = NULL;
	int rc = -1;

	*folder = NULL;
	d.from_addr = a->account->address;
	d.from_name = a->account->real_name;
	d.keep_bcc = 1;
	if (compose_build(&d, &msg, e) != 0) {
		free(atts);
		return -1;
	}
	free(atts);
	if (app_folders_list(s, &f, &n, e) == 0 &&
	    (drafts = app_folder_special(a->account, f, n, IMAP_FOLDER_DRAFTS, e)) != NULL &&
	    imap_append(s, drafts, MSG_DRAFT | MSG_SEEN, msg.message.s, msg.message.len, NULL, e) ==
		    0) {
		struct err we = { ERR_NONE, "" };
		/* The new copy is safe on the server: the old one may go. A
		 * failure leaves two drafts, never none. */
		remove_draft(s, o, &we);
		*folder = drafts;
		drafts = NULL;
		rc = 0;
	}
	free(drafts);
	imap_folders_free(f, n);
	compose_result_free(&msg);
	return rc;
}
