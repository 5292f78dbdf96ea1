/* The watcher's IMAP commands over the raw-command path, with skua's own
 * response reader: every response is read whole (line, literals, the lines
 * after them) within fixed bounds, parsed by imap_resp, and untagged data is
 * handed on whenever it arrives, in a command's reply or between commands. */
#include "net/imap_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/imap_internal.h"
#include "net/imap_reader.h"
#include "util/xalloc.h"

/* Bounds on what one response may make skua hold. A FETCH of an envelope
 * or a STATUS line is far below them; a server going past them is broken
 * or hostile, and the session is dropped. */
#define RESP_LINE_MAX (64 * 1024)
#define RESP_MAX (1024 * 1024)
/* Responses one wait reads before it returns, so that a server that never
 * stops talking cannot keep the caller from acting on what it said. */
#define WAIT_RESPONSES_MAX 256

/* A command's own interest in untagged responses: returns 1 when it took r
 * (which then is not handed to the push callback). */
typedef int (*own_fn)(const struct imap_resp *r, void *own_ctx);

struct cmd {
	const char *op;       /* metric name */
	const char *what;     /* for messages: "NOTIFY", "STATUS of Junk" */
	own_fn own;
	void *own_ctx;
	imap_push_fn fn;
	void *ctx;
	int bye;              /* the server said BYE */
	char bye_text[200];
	char text[256];       /* the tagged reply's text, sanitized */
};

static int too_long(struct imap_session *s, struct err *e)
{
	imap_break(s);
	return err_set(e, ERR_PROTOCOL, "%s sent a response longer than skua accepts (%d bytes)",
		       conn_host(s->conn), RESP_MAX);
}

/* Reads one complete response into b. */
static int read_response(struct imap_session *s, struct strbuf *b, const char *what,
			 struct err *e)
{
	mailstream *st = s->imap->imap_stream;
	size_t line_start = 0;

	strbuf_reset(b);
	for (;;) {
		char c;
		if (mailstream_read(st, &c, 1) != 1)
			return imap_fail(s, MAILIMAP_ERROR_STREAM, what, e);
		strbuf_appendc(b, c);
		if (b->len > RESP_MAX || b->len - line_start > RESP_LINE_MAX)
			return too_long(s, e);
		if (c != '\n')
			continue;
		uint64_t lit;
		if (!imap_literal_at_end(b->s + line_start, b->len - line_start, &lit))
			return 0;
		if (lit > RESP_MAX - b->len)
			return too_long(s, e);
		while (lit > 0) {
			char chunk[4096];
			ssize_t n = mailstream_read(st, chunk, lit < sizeof chunk ? lit : sizeof chunk);
			if (n <= 0)
				return imap_fail(s, MAILIMAP_ERROR_STREAM, what, e);
			strbuf_append(b, chunk, (size_t)n);
			lit -= (size_t)n;
		}
		line_start = b->len;
	}
}

/* "[CODE n] text": n when the text starts with the code. */
static int code_u32(const char *text, const char *code, uint32_t *v)
{
	size_t n = strlen(code);
	char *end;
	unsigned long x;

	if (text[0] != '[' || strncasecmp(text + 1, code, n) != 0 || text[n + 1] != ' ')
		return -1;
	x = strtoul(text + n + 2, &end, 10);
	if (end == text + n + 2 || *end != ']' || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int code_is(const char *text, const char *code)
{
	size_t n = strlen(code);

	return text[0] == '[' && strncasecmp(text + 1, code, n) == 0 &&
	       (text[n + 1] == ']' || text[n + 1] == ' ');
}

static void status_atts(const struct imap_resp *r, const struct imap_node *list,
			struct imap_push *p)
{
	for (const struct imap_node *k = imap_resp_child(r, list, 0); k != NULL;
	     k = imap_resp_next(r, imap_resp_next(r, k))) {
		const struct imap_node *v = imap_resp_next(r, k);
		uint32_t x;
		uint64_t m;
		if (v == NULL)
			break;
		if (imap_node_is(k, "HIGHESTMODSEQ") && imap_node_u64(v, &m) == 0) {
			p->status.highestmodseq = m;
			continue;
		}
		if (imap_node_u32(v, &x) < 0)
			continue;
		if (imap_node_is(k, "MESSAGES")) {
			p->status.messages = x;
			p->have |= IMAP_HAVE_MESSAGES;
		} else if (imap_node_is(k, "UIDNEXT")) {
			p->status.uidnext = x;
			p->have |= IMAP_HAVE_UIDNEXT;
		} else if (imap_node_is(k, "UNSEEN")) {
			p->status.unseen = x;
			p->have |= IMAP_HAVE_UNSEEN;
		} else if (imap_node_is(k, "UIDVALIDITY")) {
			p->status.uidvalidity = x;
			p->have |= IMAP_HAVE_UIDVALIDITY;
		}
	}
}

static unsigned list_push_flags(const struct imap_resp *r, const struct imap_node *list)
{
	unsigned flags = 0;

	for (const struct imap_node *f = imap_resp_child(r, list, 0); f != NULL;
	     f = imap_resp_next(r, f)) {
		if (imap_node_is(f, "\\NonExistent"))
			flags |= IMAP_FOLDER_GONE | IMAP_FOLDER_NOSELECT;
		else if (imap_node_is(f, "\\Noselect"))
			flags |= IMAP_FOLDER_NOSELECT;
		else if (imap_node_is(f, "\\Subscribed"))
			flags |= IMAP_FOLDER_SUBSCRIBED;
	}
	return flags;
}

int imap_push_from_resp(const struct imap_resp *r, struct imap_push *p)
{
	const struct imap_node *t0 = imap_resp_top(r, 0), *t1 = imap_resp_top(r, 1);
	const struct imap_node *t2 = imap_resp_top(r, 2), *t3 = imap_resp_top(r, 3);
	const struct imap_node *t4 = imap_resp_top(r, 4);
	uint32_t n;

	memset(p, 0, sizeof *p);
	if (!imap_node_is(t0, "*") || t1 == NULL)
		return -1;
	if (imap_node_u32(t1, &n) == 0) {
		if (imap_node_is(t2, "EXISTS"))
			p->kind = IMAP_PUSH_EXISTS;
		else if (imap_node_is(t2, "EXPUNGE"))
			p->kind = IMAP_PUSH_EXPUNGE;
		else
			return -1;
		p->number = n;
		return 0;
	}
	if (imap_node_is(t1, "STATUS")) {
		p->folder = imap_node_astring(t2);
		if (p->folder == NULL || t3 == NULL || t3->type != IMAP_NODE_LIST)
			return -1;
		p->kind = IMAP_PUSH_STATUS;
		status_atts(r, t3, p);
		return 0;
	}
	if (imap_node_is(t1, "LIST")) {
		p->folder = imap_node_astring(t4);
		if (p->folder == NULL || t2 == NULL || t2->type != IMAP_NODE_LIST)
			return -1;
		p->kind = IMAP_PUSH_LIST;
		p->flags = list_push_flags(r, t2);
		return 0;
	}
	if (t2 == NULL || t2->type != IMAP_NODE_TEXT)
		return -1;
	p->text = t2->s;
	if (imap_node_is(t1, "BYE")) {
		p->kind = IMAP_PUSH_BYE;
		return 0;
	}
	if (imap_node_is(t1, "NO") || imap_node_is(t1, "BAD") ||
	    (imap_node_is(t1, "OK") && code_is(t2->s, "ALERT"))) {
		p->kind = IMAP_PUSH_ALERT;
		return 0;
	}
	return -1;
}

int imap_envelope_from_resp(const struct imap_resp *r, struct imap_envelope *env, char *addr,
			    size_t size)
{
	const struct imap_node *atts = imap_resp_top(r, 3), *envl = NULL;
	uint32_t seq;
	int have_uid = 0;

	memset(env, 0, sizeof *env);
	if (!imap_node_is(imap_resp_top(r, 0), "*") || imap_node_u32(imap_resp_top(r, 1), &seq) < 0 ||
	    !imap_node_is(imap_resp_top(r, 2), "FETCH") || atts == NULL ||
	    atts->type != IMAP_NODE_LIST)
		return -1;
	for (const struct imap_node *k = imap_resp_child(r, atts, 0); k != NULL;
	     k = imap_resp_next(r, imap_resp_next(r, k))) {
		const struct imap_node *v = imap_resp_next(r, k);
		if (imap_node_is(k, "UID") && imap_node_u32(v, &env->uid) == 0)
			have_uid = 1;
		else if (imap_node_is(k, "ENVELOPE") && v != NULL && v->type == IMAP_NODE_LIST)
			envl = v;
	}
	if (!have_uid || env->uid == 0 || envl == NULL)
		return -1;
	env->subject = imap_node_nstring(imap_resp_child(r, envl, 1));
	/* From: a list of (name adl mailbox host); the first one counts. */
	const struct imap_node *first = imap_resp_child(r, imap_resp_child(r, envl, 2), 0);
	if (first != NULL && first->type == IMAP_NODE_LIST) {
		const char *mbox = imap_node_nstring(imap_resp_child(r, first, 2));
		const char *host = imap_node_nstring(imap_resp_child(r, first, 3));
		env->from_name = imap_node_nstring(imap_resp_child(r, first, 0));
		if (mbox != NULL && host != NULL)
			snprintf(addr, size, "%s@%s", mbox, host);
		else if (mbox != NULL)
			snprintf(addr, size, "%s", mbox);
		else
			addr[0] = '\0';
		env->from_addr = addr[0] != '\0' ? addr : NULL;
	}
	return 0;
}

/* Hands r to the command's own handler, else to the push callback. */
static void dispatch(struct imap_session *s, const struct imap_resp *r, struct cmd *c)
{
	struct imap_push p;
	char text[200] = "";

	if (c->own != NULL && c->own(r, c->own_ctx))
		return;
	if (imap_push_from_resp(r, &p) < 0)
		return;
	if (p.text != NULL) {
		imap_sanitize(p.text, text, sizeof text);
		p.text = text;
	}
	if (p.kind == IMAP_PUSH_BYE) {
		c->bye = 1;
		snprintf(c->bye_text, sizeof c->bye_text, "%s", text);
	}
	if (c->fn != NULL)
		c->fn(&p, c->ctx);
	(void)s;
}

/* Reads responses up to the tagged one; *cond gets OK (0), NO (1) or BAD (2). */
static int read_reply(struct imap_session *s, struct cmd *c, int *cond, struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	char tag[16];
	int rc = -1;

	snprintf(tag, sizeof tag, "%d", s->imap->imap_tag);
	for (;;) {
		struct imap_resp r;
		struct err perr;
		if (read_response(s, &b, c->what, e) < 0)
			break;
		if (imap_resp_parse(b.s, b.len, &r, &perr) < 0) {
			/* The reader found its end, so an untagged response skua
			 * cannot parse is skipped safely; a tagged one is not. */
			if (b.s[0] == '*')
				continue;
			imap_break(s);
			err_set(e, ERR_PROTOCOL, "%s failed: %s", c->what, perr.msg);
			break;
		}
		const struct imap_node *t0 = imap_resp_top(&r, 0), *t1 = imap_resp_top(&r, 1);
		if (imap_node_is(t0, "*")) {
			dispatch(s, &r, c);
			imap_resp_free(&r);
			continue;
		}
		if (imap_node_is(t0, "+") || strcmp(t0->s, tag) != 0 || t1 == NULL) {
			imap_resp_free(&r);
			imap_break(s);
			err_set(e, ERR_PROTOCOL, "%s failed: the server sent an unexpected reply",
				c->what);
			break;
		}
		const struct imap_node *t2 = imap_resp_top(&r, 2);
		imap_sanitize(t2 != NULL ? t2->s : "", c->text, sizeof c->text);
		if (c->own != NULL)
			c->own(&r, c->own_ctx);   /* tagged codes such as [READ-ONLY] */
		*cond = imap_node_is(t1, "OK") ? 0 : imap_node_is(t1, "NO") ? 1 : 2;
		imap_resp_free(&r);
		rc = 0;
		break;
	}
	strbuf_free(&b);
	return rc;
}

/* Sends line as a tagged command and reads its reply: 0 for OK; -1 with e
 * for NO/BAD (ERR_PROTOCOL quoting the server) or a failure. */
static int run(struct imap_session *s, struct cmd *c, const char *line, size_t len,
	       struct err *e)
{
	struct conn_op op;
	int cond = 0, rc;

	if (imap_check_usable(s, e) < 0)
		return -1;
	conn_op_begin(s->conn, &op, c->op);
	if (imap_raw_send(s, 1, line, len, 0) != MAILIMAP_NO_ERROR)
		rc = imap_fail(s, MAILIMAP_ERROR_STREAM, c->what, e);
	else
		rc = read_reply(s, c, &cond, e);
	if (rc == 0 && cond != 0)
		rc = err_set(e, ERR_PROTOCOL, "%s failed: server said: %s", c->what,
			     c->text[0] ? c->text : "(no reason given)");
	return conn_op_done(s->conn, &op, rc, e);
}

static void cmd_init(struct cmd *c, const char *op, const char *what, imap_push_fn fn, void *ctx)
{
	memset(c, 0, sizeof *c);
	c->op = op;
	c->what = what;
	c->fn = fn;
	c->ctx = ctx;
}

int imap_watch_notify(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e)
{
	static const char line[] =
		"NOTIFY SET STATUS (mailboxes INBOX (MessageNew MessageExpunge FlagChange)) "
		"(subscribed (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange))";
	struct cmd c;

	if (imap_check_usable(s, e) < 0)
		return -1;
	if (!imap_cap(s, "NOTIFY"))
		return err_set(e, ERR_PROTOCOL, "%s does not offer NOTIFY", conn_host(s->conn));
	cmd_init(&c, "imap_notify", "NOTIFY", fn, ctx);
	return run(s, &c, line, sizeof line - 1, e);
}

struct names {
	char **v;
	size_t n;
};

static int own_lsub(const struct imap_resp *r, void *ctx)
{
	struct names *names = ctx;
	const struct imap_node *flags = imap_resp_top(r, 2);
	const char *name = imap_node_astring(imap_resp_top(r, 4));

	if (!imap_node_is(imap_resp_top(r, 0), "*") || !imap_node_is(imap_resp_top(r, 1), "LSUB"))
		return 0;
	if (name == NULL || flags == NULL || flags->type != IMAP_NODE_LIST)
		return 1;
	/* \Noselect in LSUB may only mean that a parent is not subscribed. */
	if (list_push_flags(r, flags) & IMAP_FOLDER_NOSELECT)
		return 1;
	names->v = xreallocarray(names->v, names->n + 1, sizeof *names->v);
	names->v[names->n++] = xstrdup(name);
	return 1;
}

int imap_watch_lsub(struct imap_session *s, char ***out, size_t *n, imap_push_fn fn, void *ctx,
		    struct err *e)
{
	static const char line[] = "LSUB \"\" \"*\"";
	struct names names = { NULL, 0 };
	struct cmd c;

	cmd_init(&c, "imap_lsub", "listing the subscribed folders", fn, ctx);
	c.own = own_lsub;
	c.own_ctx = &names;
	if (run(s, &c, line, sizeof line - 1, e) < 0) {
		imap_watch_names_free(names.v, names.n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	*out = names.v;
	*n = names.n;
	return 0;
}

void imap_watch_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* "VERB <folder> rest" with the folder as an IMAP string; -1 for a name no
 * IMAP string can carry. */
static int folder_line(struct imap_session *s, struct strbuf *b, const char *verb,
		       const char *folder, const char *rest)
{
	strbuf_printf(b, "%s ", verb);
	if (imap_append_astring(s, b, folder, strlen(folder)) < 0)
		return -1;
	strbuf_appends(b, rest);
	return 0;
}

static int bad_name(const char *folder, struct err *e)
{
	char shown[200];

	return err_set(e, ERR_NOTFOUND, "no folder named %s",
		       imap_folder_shown(folder, shown, sizeof shown));
}

int imap_watch_status(struct imap_session *s, const char *folder, imap_push_fn fn, void *ctx,
		      struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	struct cmd c;
	char what[300];
	int rc;

	if (folder_line(s, &b, "STATUS", folder, " (MESSAGES UIDNEXT UNSEEN UIDVALIDITY)") < 0) {
		strbuf_free(&b);
		return bad_name(folder, e);
	}
	cmd_init(&c, "imap_status", imap_what(what, sizeof what, "STATUS of", folder), fn, ctx);
	rc = run(s, &c, b.s, b.len, e);
	strbuf_free(&b);
	return rc;
}

static int own_examine(const struct imap_resp *r, void *ctx)
{
	struct imap_select_info *info = ctx;
	const struct imap_node *t1 = imap_resp_top(r, 1), *t2 = imap_resp_top(r, 2);
	uint32_t v;

	if (imap_node_is(imap_resp_top(r, 0), "*") && imap_node_u32(t1, &v) == 0 &&
	    imap_node_is(t2, "EXISTS")) {
		info->exists = v;
		return 1;
	}
	if (!imap_node_is(t1, "OK") || t2 == NULL || t2->type != IMAP_NODE_TEXT)
		return 0;
	if (code_u32(t2->s, "UIDVALIDITY", &v) == 0)
		info->uidvalidity = v;
	else if (code_u32(t2->s, "UIDNEXT", &v) == 0)
		info->uidnext = v;
	else if (code_is(t2->s, "READ-ONLY"))
		info->readonly = 1;
	else
		return 0;
	return 1;
}

int imap_watch_examine(struct imap_session *s, const char *folder, struct imap_select_info *info,
		       imap_push_fn fn, void *ctx, struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	struct cmd c;
	char what[300];
	int rc;

	memset(info, 0, sizeof *info);
	if (folder_line(s, &b, "EXAMINE", folder, "") < 0) {
		strbuf_free(&b);
		return bad_name(folder, e);
	}
	/* A failed EXAMINE leaves no folder selected (RFC 3501 6.3.2). */
	free(s->selected);
	s->selected = NULL;
	cmd_init(&c, "imap_examine", imap_what(what, sizeof what, "EXAMINE of", folder), fn, ctx);
	c.own = own_examine;
	c.own_ctx = info;
	rc = run(s, &c, b.s, b.len, e);
	strbuf_free(&b);
	if (rc == 0) {
		s->selected = xstrdup(folder);
		return 0;
	}
	if (e != NULL && e->code == ERR_PROTOCOL &&
	    (code_is(c.text, "NONEXISTENT") || code_is(c.text, "TRYCREATE")))
		return bad_name(folder, e);
	return -1;
}

int imap_watch_unselect(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e)
{
	struct cmd c;
	const char *line = imap_cap(s, "UNSELECT") ? "UNSELECT" : "CLOSE";
	int rc;

	cmd_init(&c, "imap_unselect", "leaving the folder", fn, ctx);
	rc = run(s, &c, line, strlen(line), e);
	if (rc == 0) {
		free(s->selected);
		s->selected = NULL;
	}
	return rc;
}

struct fetch_ctx {
	uint32_t first, last;
	int envelopes;        /* else only count */
	uint32_t count;
	imap_envelope_fn efn;
	void *ctx;
};

static int own_fetch(const struct imap_resp *r, void *ctx)
{
	struct fetch_ctx *f = ctx;
	struct imap_envelope env;
	char addr[512];

	if (!imap_node_is(imap_resp_top(r, 0), "*") || !imap_node_is(imap_resp_top(r, 2), "FETCH"))
		return 0;
	if (!f->envelopes) {
		const struct imap_node *atts = imap_resp_top(r, 3);
		for (const struct imap_node *k = imap_resp_child(r, atts, 0); k != NULL;
		     k = imap_resp_next(r, imap_resp_next(r, k))) {
			uint32_t uid;
			if (imap_node_is(k, "UID") && imap_node_u32(imap_resp_next(r, k), &uid) == 0 &&
			    uid >= f->first && (f->last == 0 || uid <= f->last))
				f->count++;
		}
		return 1;
	}
	/* "N:*" answers with the last message even when its UID is below N. */
	if (imap_envelope_from_resp(r, &env, addr, sizeof addr) == 0 && env.uid >= f->first &&
	    (f->last == 0 || env.uid <= f->last) && f->efn != NULL)
		f->efn(&env, f->ctx);
	return 1;
}

static int fetch(struct imap_session *s, struct fetch_ctx *f, imap_push_fn fn, void *ctx,
		 struct err *e)
{
	struct cmd c;
	char line[80], range[32];

	if (imap_check_selected(s, "fetching new messages", e) < 0)
		return -1;
	if (f->first == 0)
		f->first = 1;
	if (f->last == 0)
		snprintf(range, sizeof range, "%u:*", (unsigned)f->first);
	else
		snprintf(range, sizeof range, "%u:%u", (unsigned)f->first, (unsigned)f->last);
	snprintf(line, sizeof line, "UID FETCH %s (%s)", range, f->envelopes ? "UID ENVELOPE" : "UID");
	cmd_init(&c, f->envelopes ? "imap_fetch_envelope" : "imap_fetch_uids",
		 "fetching the new messages", fn, ctx);
	c.own = own_fetch;
	c.own_ctx = f;
	return run(s, &c, line, strlen(line), e);
}

int imap_watch_fetch_envelopes(struct imap_session *s, uint32_t first, uint32_t last,
			       imap_envelope_fn efn, imap_push_fn fn, void *ctx, struct err *e)
{
	struct fetch_ctx f = { first, last, 1, 0, efn, ctx };

	return fetch(s, &f, fn, ctx, e);
}

int imap_watch_count_uids(struct imap_session *s, uint32_t first, uint32_t last, uint32_t *count,
			  imap_push_fn fn, void *ctx, struct err *e)
{
	struct fetch_ctx f = { first, last, 0, 0, NULL, NULL };
	int rc = fetch(s, &f, fn, ctx, e);

	*count = f.count;
	return rc;
}

int imap_watch_noop(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e)
{
	struct cmd c;

	cmd_init(&c, "imap_noop", "NOOP", fn, ctx);
	return run(s, &c, "NOOP", 4, e);
}

int imap_watch_idle(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	struct conn_op op;
	struct cmd c;
	int rc = -1;

	if (imap_check_selected(s, "IDLE", e) < 0)
		return -1;
	if (!imap_cap(s, "IDLE"))
		return err_set(e, ERR_PROTOCOL, "%s does not offer IDLE", conn_host(s->conn));
	cmd_init(&c, "imap_idle", "IDLE", fn, ctx);
	conn_op_begin(s->conn, &op, c.op);
	if (imap_raw_send(s, 1, "IDLE", 4, 0) != MAILIMAP_NO_ERROR) {
		imap_fail(s, MAILIMAP_ERROR_STREAM, c.what, e);
		return conn_op_done(s->conn, &op, -1, e);
	}
	while (read_response(s, &b, c.what, e) == 0) {
		struct imap_resp r;
		struct err perr;
		if (b.s[0] == '+') {
			rc = 0;
			break;
		}
		if (b.s[0] != '*') {
			/* The tagged refusal: nothing more comes for IDLE. */
			imap_sanitize(b.s, c.text, sizeof c.text);
			err_set(e, ERR_PROTOCOL, "IDLE refused: %s", c.text);
			break;
		}
		if (imap_resp_parse(b.s, b.len, &r, &perr) == 0) {
			dispatch(s, &r, &c);
			imap_resp_free(&r);
		}
	}
	strbuf_free(&b);
	return conn_op_done(s->conn, &op, rc, e);
}

int imap_watch_idle_done(struct imap_session *s, imap_push_fn fn, void *ctx, struct err *e)
{
	struct conn_op op;
	struct cmd c;
	int cond = 0, rc;

	if (imap_check_usable(s, e) < 0)
		return -1;
	cmd_init(&c, "imap_idle_done", "ending IDLE", fn, ctx);
	conn_op_begin(s->conn, &op, c.op);
	if (imap_raw_send(s, 0, "DONE", 4, 0) != MAILIMAP_NO_ERROR)
		rc = imap_fail(s, MAILIMAP_ERROR_STREAM, c.what, e);
	else
		rc = read_reply(s, &c, &cond, e);
	if (rc == 0 && cond != 0)
		rc = err_set(e, ERR_PROTOCOL, "IDLE ended with an error: %s", c.text);
	return conn_op_done(s->conn, &op, rc, e);
}

int imap_watch_wait(struct imap_session *s, int timeout_ms, imap_push_fn fn, void *ctx,
		    struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	struct cmd c;
	int n = 0, rc;

	if (imap_check_usable(s, e) < 0)
		return -1;
	cmd_init(&c, "imap_wait", "waiting for the server", fn, ctx);
	rc = conn_wait_readable(s->conn, s->imap->imap_stream, timeout_ms, e);
	while (rc == 1) {
		struct imap_resp r;
		struct err perr;
		if (read_response(s, &b, c.what, e) < 0) {
			n = -1;
			break;
		}
		if (b.s[0] != '*') {
			imap_break(s);
			err_set(e, ERR_PROTOCOL, "%s sent a reply to no command", conn_host(s->conn));
			n = -1;
			break;
		}
		if (imap_resp_parse(b.s, b.len, &r, &perr) == 0) {
			dispatch(s, &r, &c);
			imap_resp_free(&r);
		}
		n++;
		if (c.bye) {
			imap_break(s);
			err_set(e, ERR_NETWORK, "%s closed the connection: %s", conn_host(s->conn),
				c.bye_text[0] ? c.bye_text : "(no reason given)");
			n = -1;
			break;
		}
		if (n == WAIT_RESPONSES_MAX)
			break;
		rc = conn_wait_readable(s->conn, s->imap->imap_stream, 0, e);
	}
	if (rc < 0) {
		enum err_code code = e != NULL ? e->code : ERR_NETWORK;
		imap_break(s);
		if (code == ERR_CANCELLED)
			err_set(e, ERR_CANCELLED, "waiting for new mail was cancelled");
		n = -1;
	}
	strbuf_free(&b);
	return n;
}
