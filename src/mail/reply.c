/* Seeds of replies and forwards: recipients from address lists, folded
 * Re:/Fwd: prefixes, quoting, and threading headers (RFC 5322 3.6.4). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/address.h"
#include "mail/reply.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Length of one reply prefix at s ("Re:", "RE :", "Re[2]:", "AW:", "Sv:"), 0 if none. */
static size_t reply_prefix(const char *s)
{
	static const char *const words[] = { "re", "aw", "sv", "antw" };
	for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
		size_t n = strlen(words[w]);
		if (strncasecmp(s, words[w], n) != 0)
			continue;
		const char *p = s + n;
		if (*p == '[') {
			p++;
			if (!isdigit((unsigned char)*p))
				continue;
			while (isdigit((unsigned char)*p))
				p++;
			if (*p++ != ']')
				continue;
		}
		while (*p == ' ')
			p++;
		if (*p == ':')
			return (size_t)(p + 1 - s);
	}
	return 0;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

char *reply_subject(const char *subject)
{
	const char *s = skip_blanks(subject ? subject : "");
	size_t n;
	while ((n = reply_prefix(s)) > 0)
		s = skip_blanks(s + n);
	struct strbuf b = STRBUF_INIT;
	strbuf_printf(&b, "Re: %s", s);
	return strbuf_detach(&b, NULL);
}

char *forward_subject(const char *subject)
{
	const char *s = skip_blanks(subject ? subject : "");
	if (strncasecmp(s, "fwd:", 4) == 0 || strncasecmp(s, "fw:", 3) == 0)
		return xstrdup(s);
	struct strbuf b = STRBUF_INIT;
	strbuf_printf(&b, "Fwd: %s", s);
	return strbuf_detach(&b, NULL);
}

char *forward_attachment_name(const char *subject)
{
	struct strbuf b = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)skip_blanks(subject ? subject : "");
	size_t chars = 0;

	for (; *p && chars < 60; p++) {
		if (*p >= 0x80) {          /* keep UTF-8 letters whole */
			strbuf_appendc(&b, (char)*p);
			while ((p[1] & 0xc0) == 0x80)
				strbuf_appendc(&b, (char)*++p);
		} else if (isalnum(*p) || strchr("-_.,()+=@ ", *p)) {
			if (*p == '.' && b.len == 0)
				continue;  /* no hidden file */
			strbuf_appendc(&b, (char)*p);
		} else if (b.len > 0 && b.s[b.len - 1] != '_') {
			strbuf_appendc(&b, '_');
		} else {
			continue;
		}
		chars++;
	}
	while (b.len > 0 && strchr(" _.", b.s[b.len - 1]))
		b.s[--b.len] = '\0';
	if (b.len == 0)
		strbuf_appends(&b, "forwarded message");
	strbuf_appends(&b, ".eml");
	return strbuf_detach(&b, NULL);
}

/* The "<...>" identifiers of a header, in order. */
static size_t msg_ids(const char *s, char ***out)
{
	size_t n = 0, cap = 0;
	char **v = NULL;

	while (s && (s = strchr(s, '<')) != NULL) {
		const char *end = strchr(s, '>');
		if (end == NULL)
			break;
		const char *lt = memchr(s + 1, '<', (size_t)(end - s - 1));
		if (lt) {   /* "<<id>": start again at the inner one */
			s = lt;
			continue;
		}
		if (end > s + 1) {
			if (n == cap)
				v = xreallocarray(v, cap = cap ? cap * 2 : 8, sizeof *v);
			size_t len = (size_t)(end - s + 1);
			v[n] = xmalloc(len + 1);
			memcpy(v[n], s, len);
			v[n++][len] = '\0';
		}
		s = end + 1;
	}
	*out = v;
	return n;
}

static void free_ids(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void threading(const struct mail_message *m, struct reply_seed *out)
{
	char **own, **refs;
	size_t nown = msg_ids(m->message_id, &own);
	size_t nrefs = msg_ids(*m->references ? m->references : m->in_reply_to, &refs);

	if (nown > 0) {
		refs = xreallocarray(refs, nrefs + 1, sizeof *refs);
		refs[nrefs++] = xstrdup(own[0]);
	}
	out->in_reply_to = xstrdup(nown > 0 ? own[0] : "");
	/* keep the thread's root and the newest ones (RFC 5322 3.6.4) */
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0; i < nrefs; i++) {
		if (nrefs > REPLY_MAX_REFERENCES && i > 0 && i < nrefs - (REPLY_MAX_REFERENCES - 1))
			continue;
		if (b.len)
			strbuf_appendc(&b, ' ');
		strbuf_appends(&b, refs[i]);
	}
	out->references = strbuf_detach(&b, NULL);
	free_ids(own, nown);
	free_ids(refs, nrefs);
}

static int is_mine(const struct reply_identity *me, const char *addr)
{
	if (me->addr && strcasecmp(me->addr, addr) == 0)
		return 1;
	for (size_t i = 0; i < me->nalts; i++)
		if (me->alts[i] && strcasecmp(me->alts[i], addr) == 0)
			return 1;
	return 0;
}

struct alist {
	struct mail_address *a;
	size_t n;
};

static int parse_into(const char *text, const char *what, struct alist *l, struct err *e)
{
	char *bad = NULL;
	l->a = NULL;
	l->n = 0;
	if (text == NULL || *skip_blanks(text) == '\0')
		return 0;
	long n = mail_address_list_parse(text, &l->a, &bad);
	if (n < 0) {
		err_set(e, ERR_PARSE, "the %s header of the message has a bad address: %s", what,
			bad ? bad : text);
		free(bad);
		return -1;
	}
	l->n = (size_t)n;
	return 0;
}

static int listed(const struct mail_address *a, size_t n, const char *addr)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(a[i].addr, addr) == 0)
			return 1;
	return 0;
}

/* Formats the addresses of l not in skip (nor mine when drop_mine, nor twice). */
static void append_list(struct strbuf *b, struct mail_address **seen, size_t *nseen,
			const struct alist *l, const struct reply_identity *me, int drop_mine)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct mail_address *a = &l->a[i];
		if ((drop_mine && is_mine(me, a->addr)) || listed(*seen, *nseen, a->addr))
			continue;
		*seen = xreallocarray(*seen, *nseen + 1, sizeof **seen);
		(*seen)[(*nseen)++] = *a;   /* borrowed: l owns the strings */
		char *f = mail_address_format(a);
		if (b->len)
			strbuf_appends(b, ", ");
		strbuf_appends(b, f);
		free(f);
	}
}

static int recipients(const struct mail_message *m, const struct reply_identity *me, int all,
		      struct reply_seed *out, struct err *e)
{
	struct alist rt, from, to, cc;
	struct mail_address *seen = NULL;
	size_t nseen = 0;
	int rc = -1;

	memset(&rt, 0, sizeof rt);
	memset(&from, 0, sizeof from);
	memset(&to, 0, sizeof to);
	memset(&cc, 0, sizeof cc);
	if (parse_into(m->reply_to, "Reply-To", &rt, e) < 0 ||
	    parse_into(m->from, "From", &from, e) < 0 || parse_into(m->to, "To", &to, e) < 0 ||
	    parse_into(m->cc, "Cc", &cc, e) < 0)
		goto out;

	const struct alist *target = rt.n > 0 ? &rt : &from;
	/* replying to one's own message goes to its recipients, as mutt does */
	int own = target->n > 0;
	for (size_t i = 0; i < target->n; i++)
		if (!is_mine(me, target->a[i].addr))
			own = 0;
	struct strbuf tb = STRBUF_INIT, cb = STRBUF_INIT;
	if (own && to.n > 0) {
		append_list(&tb, &seen, &nseen, &to, me, 0);
		target = &to;
	} else {
		append_list(&tb, &seen, &nseen, target, me, 0);
	}
	if (all) {
		if (target != &to)
			append_list(&cb, &seen, &nseen, &to, me, 1);
		append_list(&cb, &seen, &nseen, &cc, me, 1);
	}
	if (tb.len == 0) {
		strbuf_free(&tb);
		strbuf_free(&cb);
		err_set(e, ERR_USAGE, "the message has no sender to reply to");
		goto out;
	}
	out->to = strbuf_detach(&tb, NULL);
	out->cc = strbuf_detach(&cb, NULL);
	rc = 0;
out:
	free(seen);
	mail_addresses_free(rt.a, rt.n);
	mail_addresses_free(from.a, from.n);
	mail_addresses_free(to.a, to.n);
	mail_addresses_free(cc.a, cc.n);
	return rc;
}

/* The sender's display name, else the address, for the attribution line. */
static char *sender_name(const struct mail_message *m)
{
	struct mail_address *a = NULL;
	long n = *m->from ? mail_address_list_parse(m->from, &a, NULL) : -1;
	char *r;
	if (n > 0)
		r = xstrdup(*a[0].name ? a[0].name : a[0].addr);
	else
		r = xstrdup(*m->from ? m->from : "someone");
	if (n > 0)
		mail_addresses_free(a, (size_t)n);
	return r;
}

static void quote_body(struct strbuf *b, const char *body)
{
	const char *p = body ? body : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		/* mutt's indent_string "> "; an empty line gets no trailing blank */
		strbuf_appends(b, len ? "> " : ">");
		strbuf_append(b, p, len);
		strbuf_appendc(b, '\n');
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void forward_block(struct strbuf *b, const struct mail_message *m)
{
	strbuf_appends(b, "---------- Forwarded message ----------\n");
	strbuf_printf(b, "From: %s\n", m->from);
	if (*m->date)
		strbuf_printf(b, "Date: %s\n", m->date);
	strbuf_printf(b, "Subject: %s\n", m->subject);
	if (*m->to)
		strbuf_printf(b, "To: %s\n", m->to);
	if (*m->cc)
		strbuf_printf(b, "Cc: %s\n", m->cc);
	strbuf_appendc(b, '\n');
	strbuf_appends(b, m->body);
}

static struct reply_attachment *add_att(struct reply_seed *s)
{
	s->atts = xreallocarray(s->atts, s->natts + 1, sizeof *s->atts);
	struct reply_attachment *a = &s->atts[s->natts++];
	memset(a, 0, sizeof *a);
	return a;
}

int reply_seed_build(const struct mail_message *m, const struct reply_identity *me,
		     enum reply_kind kind, struct reply_seed *out, struct err *e)
{
	struct strbuf b = STRBUF_INIT;

	memset(out, 0, sizeof *out);
	if (kind == REPLY_SENDER || kind == REPLY_ALL) {
		if (recipients(m, me, kind == REPLY_ALL, out, e) < 0)
			return -1;
		out->subject = reply_subject(m->subject);
		threading(m, out);
		char *who = sender_name(m);
		if (*m->date)
			strbuf_printf(&b, "On %s, %s wrote:\n", m->date, who);
		else
			strbuf_printf(&b, "%s wrote:\n", who);
		free(who);
		quote_body(&b, m->body);
		strbuf_appendc(&b, '\n');
		out->body = strbuf_detach(&b, NULL);
		return 0;
	}

	out->to = xstrdup("");
	out->cc = xstrdup("");
	out->subject = forward_subject(m->subject);
	out->in_reply_to = xstrdup("");
	out->references = xstrdup("");
	if (kind == FORWARD_ATTACH) {
		size_t len;
		const char *raw = mail_message_raw(m, &len);
		struct reply_attachment *a = add_att(out);
		a->name = forward_attachment_name(m->subject);
		a->content_type = xstrdup("message/rfc822");
		a->data = xmalloc(len + 1);
		memcpy(a->data, raw, len);
		a->data[len] = '\0';
		a->len = len;
		out->body = xstrdup("");
		return 0;
	}
	strbuf_appendc(&b, '\n');
	forward_block(&b, m);
	out->body = strbuf_detach(&b, NULL);
	for (size_t i = 0; i < m->natts; i++) {
		char *data;
		size_t len;
		if (mail_message_attachment_data(m, i, &data, &len, e) < 0) {
			reply_seed_free(out);
			return -1;
		}
		struct reply_attachment *a = add_att(out);
		a->name = xstrdup(*m->atts[i].filename ? m->atts[i].filename : "attachment");
		a->content_type = xstrdup(m->atts[i].content_type);
		a->data = data;
		a->len = len;
	}
	return 0;
}

void reply_seed_free(struct reply_seed *s)
{
	if (s == NULL)
		return;
	free(s->to);
	free(s->cc);
	free(s->subject);
	free(s->body);
	free(s->in_reply_to);
	free(s->references);
	for (size_t i = 0; i < s->natts; i++) {
		free(s->atts[i].name);
		free(s->atts[i].content_type);
		free(s->atts[i].data);
	}
	free(s->atts);
	memset(s, 0, sizeof *s);
}
