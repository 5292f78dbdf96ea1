/* Writing a message in the full-screen client: how it starts (new, reply,
 * group reply, forward, resumed draft), the questions asked first (To,
 * Subject), sending and postponing through the account worker, and what is
 * kept when skua ends with a message unsent. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/reply.h"
#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/editor.h"
#include "ui/ui_internal.h"
#include "util/fileio.h"
#include "util/paths.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* The questions asked when a message starts, in order. */
enum {
	FLOW_NONE,
	FLOW_NEW,        /* To, Subject, then the text */
	FLOW_FORWARD,    /* To, then the text */
};

char *ui_complete_address(const char *word, size_t nth, void *ctx)
{
	struct ui *u = ctx;

	return u->addrbook != NULL ? addrbook_complete(u->addrbook, word, nth) : NULL;
}

static void edit_body(struct ui *u);

void ui_addrbook_seen(struct ui *u, const struct mail_message *m)
{
	if (u->addrbook == NULL || m == NULL)
		return;
	addrbook_add_list(u->addrbook, m->from);
	addrbook_add_list(u->addrbook, m->to);
	addrbook_add_list(u->addrbook, m->cc);
}

void ui_compose_close(struct ui *u)
{
	struct ui_compose *c = u->compose;

	if (c == NULL)
		return;
	if (u->screen == SCREEN_COMPOSE ||
	    (u->screen == SCREEN_HELP && u->help_from == SCREEN_COMPOSE))
		u->screen = c->from;
	if (u->screen == SCREEN_PAGER && u->message == NULL)
		u->screen = SCREEN_INDEX;
	if (u->screen == SCREEN_INDEX && u->folder == NULL)
		u->screen = SCREEN_FOLDERS;
	textedit_free(&c->te);
	app_outgoing_free(c->out);
	free(c);
	u->compose = NULL;
	u->dirty = 1;
}

static int is_empty(const struct app_outgoing *o)
{
	return !*o->to && !*o->cc && !*o->bcc && !*o->subject && !*o->body && o->natts == 0;
}

static void open_compose(struct ui *u, struct app_outgoing *out, int flow)
{
	struct ui_compose *c = xcalloc(1, sizeof *c);

	ui_compose_close(u);
	c->out = out;
	c->from = u->screen == SCREEN_HELP ? u->help_from : u->screen;
	if (c->from == SCREEN_STATS || c->from == SCREEN_COMPOSE)
		c->from = u->folder != NULL ? SCREEN_INDEX : SCREEN_FOLDERS;
	c->flow = flow;
	u->compose = c;
	u->screen = SCREEN_COMPOSE;
	u->dirty = 1;
}

static void subject_answered(struct ui *u, const char *answer, void *ctx)
{
	struct ui_compose *c = u->compose;

	(void)ctx;
	if (c == NULL)
		return;
	if (answer != NULL)
		app_outgoing_set(&c->out->subject, answer);
	c->flow = FLOW_NONE;
	if (answer != NULL)
		edit_body(u);
}

static void ask_subject(struct ui *u)
{
	static const struct ui_prompt_spec spec = { .done = subject_answered };

	ui_prompt_text(u, &spec, u->compose->out->subject, "Subject:");
}

/* To, Cc and Bcc share this: the field is the one being asked. */
static void address_answered(struct ui *u, const char *answer, void *ctx)
{
	struct ui_compose *c = u->compose;
	char **field;
	int flow;

	(void)ctx;
	if (c == NULL || c->asking == NULL)
		return;
	field = c->asking;
	c->asking = NULL;
	flow = c->flow;
	c->flow = FLOW_NONE;
	if (answer == NULL) {
		/* Giving up on the first question gives up on an empty message. */
		if (flow != FLOW_NONE && is_empty(c->out)) {
			ui_compose_close(u);
			ui_note(u, 0, "No message written.");
		}
		return;
	}
	app_outgoing_set(field, answer);
	if (flow == FLOW_NEW)
		ask_subject(u);
	else if (flow == FLOW_FORWARD)
		edit_body(u);
}

static void ask_address(struct ui *u, char **field, const char *question)
{
	struct ui_prompt_spec spec = { .done = address_answered,
				       .complete = ui_complete_address,
				       .complete_sep = ',',
				       .ctx = u };

	u->compose->asking = field;
	ui_prompt_text(u, &spec, *field, "%s", question);
}

static void edit_body(struct ui *u)
{
	struct ui_compose *c = u->compose;
	const char *cmd = ui_editor_command(u->app->config.editor);
	struct err e = { ERR_NONE, "" };

	if (cmd == NULL) {
		textedit_free(&c->te);
		textedit_init(&c->te, c->out->body);
		c->editing = 1;
		u->dirty = 1;
		return;
	}
	if (ui_editor_edit(cmd, &c->out->body, &e) != 0)
		ui_note(u, 1, "%s", e.msg);
	u->dirty = 1;
}

void ui_compose_edit_field(struct ui *u, enum ui_action a)
{
	struct ui_compose *c = u->compose;

	switch (a) {
	case ACT_EDIT_TO: ask_address(u, &c->out->to, "To:"); break;
	case ACT_EDIT_CC: ask_address(u, &c->out->cc, "Cc:"); break;
	case ACT_EDIT_BCC: ask_address(u, &c->out->bcc, "Bcc:"); break;
	case ACT_EDIT_SUBJECT: ask_subject(u); break;
	case ACT_EDIT_BODY: edit_body(u); break;
	default: break;
	}
}

int ui_compose_key(struct ui *u, int key)
{
	struct ui_compose *c = u->compose;
	int rows = ui_body_rows();

	if (c == NULL || !c->editing || u->screen != SCREEN_COMPOSE)
		return 0;
	switch (textedit_key(&c->te, key, COLS, rows > 1 ? rows - 1 : 1)) {
	case TEXTEDIT_DONE:
		app_outgoing_set(&c->out->body, textedit_text(&c->te));
		textedit_free(&c->te);
		c->editing = 0;
		break;
	case TEXTEDIT_IGNORED:
		beep();
		break;
	default:
		break;
	}
	u->dirty = 1;
	return 1;
}

static void sanitize(char **field, int keep_newlines)
{
	char *safe = safe_text_terminal(*field, keep_newlines);

	free(*field);
	*field = safe;
}

/* Starts writing from a received message; m is borrowed. */
static void from_message(struct ui *u, enum ui_action how, uint32_t uid,
			 const struct mail_message *m)
{
	struct err e = { ERR_NONE, "" };
	struct app_outgoing *out;
	struct reply_seed sd;
	enum reply_kind kind = how == ACT_GROUP_REPLY ? REPLY_ALL
			       : how == ACT_FORWARD ? FORWARD_INLINE
			       : how == ACT_FORWARD_ATTACHED ? FORWARD_ATTACH
							     : REPLY_SENDER;

	ui_addrbook_seen(u, m);
	if (how == ACT_RECALL) {
		out = app_outgoing_from_draft(m, u->folder, uid, &e);
		if (out == NULL) {
			ui_note(u, 1, "Cannot resume the draft: %s", e.msg);
			return;
		}
		open_compose(u, out, FLOW_NONE);
		return;
	}
	struct reply_identity me = { u->app->account->real_name, u->app->account->address, NULL, 0 };
	if (reply_seed_build(m, &me, kind, &sd, &e) != 0) {
		ui_note(u, 1, "Cannot answer this message: %s", e.msg);
		return;
	}
	out = app_outgoing_from_seed(&sd, u->folder, uid);
	reply_seed_free(&sd);
	/* Quoted text and names come from the sender: no escape sequence is
	 * drawn, edited or sent back. */
	sanitize(&out->to, 0);
	sanitize(&out->cc, 0);
	sanitize(&out->subject, 0);
	sanitize(&out->body, 1);
	if (kind == FORWARD_INLINE || kind == FORWARD_ATTACH) {
		open_compose(u, out, FLOW_FORWARD);
		ask_address(u, &out->to, "Forward to:");
	} else {
		open_compose(u, out, FLOW_NONE);
		edit_body(u);
	}
}

void ui_compose_fetched(struct ui *u, enum ui_action how, uint32_t uid, struct mail_message *m)
{
	from_message(u, how, uid, m);
	mail_message_free(m);
}

/* The Drafts folder of the folder list, or NULL. */
static const struct ui_folder *drafts_folder(struct ui *u)
{
	for (size_t i = 0; i < u->nfolders; i++)
		if (u->folders[i].flags & IMAP_FOLDER_DRAFTS)
			return &u->folders[i];
	return NULL;
}

static void recall(struct ui *u)
{
	const struct ui_folder *d = drafts_folder(u);
	struct msg_summary *m;

	if (u->screen == SCREEN_INDEX && d != NULL && u->folder != NULL &&
	    strcmp(u->folder, d->name) == 0) {
		m = ui_current(u);
		if (m == NULL) {
			ui_note(u, 0, "No postponed message here.");
			return;
		}
		if (u->fetch_id != 0)
			worker_cancel(u->worker, u->fetch_id);
		u->fetch_uid = m->uid;
		u->fetch_done = u->fetch_total = 0;
		u->fetch_for = ACT_RECALL;
		u->fetch_id = ui_post(u, worker_req_new(WORKER_REQ_FETCH, u->folder, &m->uid, 1),
				      m->uid);
		return;
	}
	if (d == NULL) {
		ui_note(u, 1, "No Drafts folder is known: set folder_drafts in the config.");
		return;
	}
	ui_open_folder(u, d->name, d->display);
	ui_note(u, 0, "Postponed messages: choose one and press R to resume it.");
}

void ui_compose_start(struct ui *u, enum ui_action how)
{
	struct msg_summary *m;

	if (u->compose != NULL) {
		u->screen = SCREEN_COMPOSE;
		ui_note(u, 0, "A message is being written already: send, postpone or discard it first.");
		return;
	}
	if (how == ACT_COMPOSE) {
		open_compose(u, app_outgoing_new(), FLOW_NEW);
		ask_address(u, &u->compose->out->to, "To:");
		return;
	}
	if (how == ACT_RECALL) {
		recall(u);
		return;
	}
	if (u->screen == SCREEN_PAGER && u->message != NULL && u->pager_uid != 0) {
		from_message(u, how, u->pager_uid, u->message);
		return;
	}
	m = ui_current(u);
	if (m == NULL || u->folder == NULL) {
		ui_note(u, 0, "No message here.");
		return;
	}
	if (u->fetch_id != 0)
		worker_cancel(u->worker, u->fetch_id);
	u->fetch_uid = m->uid;
	u->fetch_done = u->fetch_total = 0;
	u->fetch_for = how;
	u->fetch_id = ui_post(u, worker_req_new(WORKER_REQ_FETCH, u->folder, &m->uid, 1), m->uid);
}

/* What the index shows changes with what the server did. */
static void follow_send(struct ui *u, const struct app_outgoing *o)
{
	if (u->folder == NULL)
		return;
	if (o->answers_folder != NULL && strcmp(o->answers_folder, u->folder) == 0) {
		ssize_t pos = msglist_find(u->msgs, o->answers_uid);
		if (pos >= 0) {
			struct msg_summary *m = msglist_at(u->msgs, (size_t)pos);
			msglist_set_flags(u->msgs, m->uid, m->flags | MSG_ANSWERED);
		}
	}
	if (o->draft_folder != NULL && strcmp(o->draft_folder, u->folder) == 0) {
		msglist_remove_uids(u->msgs, &o->draft_uid, 1);
		screen_index_follow(u);
	}
}

void ui_compose_reply(struct ui *u, struct worker_reply *r)
{
	struct ui_compose *c = u->compose;
	int sent;

	if (c == NULL || r->id != c->busy_id)
		return;
	if (r->kind == WORKER_PROGRESS) {
		c->sent = r->done;
		c->total = r->total;
		return;
	}
	if (r->kind != WORKER_DONE && r->kind != WORKER_ERROR && r->kind != WORKER_CANCELLED)
		return;
	sent = c->busy_kind == WORKER_REQ_SEND;
	c->busy_id = 0;
	if (r->kind != WORKER_DONE) {
		/* The message stays on the screen, as it was. */
		ui_note(u, 1, "%s: %s", sent ? "Not sent" : "Not postponed", r->err.msg);
		return;
	}
	follow_send(u, c->out);
	if (sent && u->addrbook != NULL) {
		addrbook_add_list(u->addrbook, c->out->to);
		addrbook_add_list(u->addrbook, c->out->cc);
		addrbook_add_list(u->addrbook, c->out->bcc);
	}
	if (!sent)
		ui_note(u, 0, "Postponed to %s; R resumes it.", r->dest != NULL ? r->dest : "Drafts");
	else if (r->err.msg[0] != '\0')
		ui_note(u, 1, "Sent, but %s", r->err.msg);
	else
		ui_note(u, 0, "Sent%s%s.", r->dest != NULL ? "; copy in " : "",
			r->dest != NULL ? r->dest : "");
	ui_compose_close(u);
}

static void post(struct ui *u, enum worker_req_kind kind)
{
	struct ui_compose *c = u->compose;
	struct worker_req *req = worker_req_new(kind, NULL, NULL, 0);

	req->out = app_outgoing_dup(c->out);
	c->busy_kind = kind;
	c->sent = c->total = 0;
	c->busy_id = ui_post(u, req, 0);
	u->dirty = 1;
}

void ui_compose_send(struct ui *u)
{
	struct ui_compose *c = u->compose;

	if (c->busy_id != 0)
		return;
	if (!*c->out->to && !*c->out->cc && !*c->out->bcc) {
		ui_note(u, 1, "No recipient: t gives the To addresses.");
		return;
	}
	post(u, WORKER_REQ_SEND);
}

void ui_compose_postpone(struct ui *u)
{
	if (u->compose->busy_id == 0)
		post(u, WORKER_REQ_POSTPONE);
}

const char *ui_compose_busy(struct ui *u)
{
	struct ui_compose *c = u->compose;
	char done[16], total[16], cancel[16] = "";
	int key;

	if (c == NULL || c->busy_id == 0)
		return NULL;
	if (c->busy_kind != WORKER_REQ_SEND)
		return "Postponing the message to Drafts...";
	if (c->total == 0)
		return "Sending the message...";
	if (keys_of_action(SCREEN_COMPOSE, ACT_CANCEL, &key, 1) > 0)
		keys_name(key, cancel, sizeof cancel);
	draw_size(done, sizeof done, c->sent);
	draw_size(total, sizeof total, c->total);
	snprintf(c->busy_text, sizeof c->busy_text, "Sending the message: %s of %s (%zu%%)%s%s%s",
		 done, total, c->sent * 100 / c->total, cancel[0] ? ", " : "", cancel,
		 cancel[0] ? " cancels" : "");
	return c->busy_text;
}

static void quit_yes(struct ui *u, void *ctx)
{
	(void)ctx;
	u->quit = 1;
}

int ui_compose_quit(struct ui *u)
{
	if (u->compose == NULL || is_empty(u->compose->out))
		return 0;
	ui_prompt_yesno(u, quit_yes, NULL,
			"A message is being written; quit anyway (it is kept in dead.letter)?");
	return 1;
}

char *ui_compose_save_dead(struct ui *u)
{
	struct ui_compose *c = u->compose;
	struct strbuf b = STRBUF_INIT;
	struct err e = { ERR_NONE, "" };
	char *dir, *path;
	int fd;

	if (c == NULL)
		return NULL;
	if (c->editing)
		app_outgoing_set(&c->out->body, textedit_text(&c->te));
	if (is_empty(c->out))
		return NULL;
	dir = paths_state_dir();
	path = xasprintf("%s/dead.letter", dir);
	free(dir);
	strbuf_printf(&b, "To: %s\nCc: %s\nBcc: %s\nSubject: %s\n", c->out->to, c->out->cc,
		      c->out->bcc, c->out->subject);
	for (size_t i = 0; i < c->out->natts; i++)
		strbuf_printf(&b, "Attachment: %s\n",
			      c->out->atts[i].path ? c->out->atts[i].path : c->out->atts[i].name);
	strbuf_printf(&b, "\n%s\n", c->out->body);
	if (paths_mkdir_parent(path, 0700, &e) != 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
		free(path);
		path = NULL;
	} else {
		if (fileio_write_all(fd, b.s, b.len) != 0) {
			free(path);
			path = NULL;
		}
		close(fd);
	}
	strbuf_free(&b);
	return path;
}
