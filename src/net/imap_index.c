/* The index fetch's FETCH responses as summaries: flags, INTERNALDATE,
 * size, the envelope's sender, recipients and subject, the References
 * field, and whether the BODYSTRUCTURE holds an attachment, read off the
 * parsed tree. Everything here comes from the server: a missing or
 * mistyped item is skipped, never trusted. */
#include "net/imap_index.h"

#include <string.h>
#include <strings.h>

#include "util/clock.h"

/* How deep the attachment search goes into nested multiparts. */
#define MAX_BODY_DEPTH 32

void imap_index_scratch_free(struct imap_index_scratch *x)
{
	strbuf_free(&x->addr);
	strbuf_free(&x->to);
	strbuf_free(&x->cc);
}

/* An nstring's text: NULL for NIL and anything not a string. A literal may
 * hold NUL bytes: the text then ends at the first, as libetpan's did. */
static const char *nstr(const struct imap_node *n)
{
	return n != NULL && n->type == IMAP_NODE_STRING ? n->s : NULL;
}

static int list(const struct imap_node *n)
{
	return n != NULL && n->type == IMAP_NODE_LIST;
}

/* d digits at s as a number; -1 if any is not a digit. */
static int digits(const char *s, int d)
{
	int v = 0;

	for (int i = 0; i < d; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* INTERNALDATE "dd-Mon-yyyy hh:mm:ss +zzzz" (the day may be " 2" or "2") in
 * seconds since the epoch; 0 for anything else. */
static int64_t internal_date(const char *s)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int day, mon = 0, year, h, mi, sec, zone, zabs;

	if (s == NULL)
		return 0;
	if (*s == ' ')
		s++;
	if (s[0] >= '0' && s[0] <= '9' && s[1] == '-') {
		day = s[0] - '0';
		s += 1;
	} else if ((day = digits(s, 2)) >= 0) {
		s += 2;
	} else {
		return 0;
	}
	if (s[0] != '-' || s[1] == '\0' || s[2] == '\0' || s[3] == '\0' || s[4] != '-')
		return 0;
	for (int i = 0; i < 12 && mon == 0; i++)
		if (strncasecmp(s + 1, months + 3 * i, 3) == 0)
			mon = i + 1;
	s += 5;
	if (mon == 0 || (year = digits(s, 4)) < 0 || s[4] != ' ')
		return 0;
	s += 5;
	if ((h = digits(s, 2)) < 0 || s[2] != ':' || (mi = digits(s + 3, 2)) < 0 || s[5] != ':' ||
	    (sec = digits(s + 6, 2)) < 0 || s[8] != ' ')
		return 0;
	s += 9;
	if ((s[0] != '+' && s[0] != '-') || (zabs = digits(s + 1, 4)) < 0 || s[5] != '\0')
		return 0;
	if (day < 1 || day > 31 || year < 1 || h > 23 || mi > 59 || sec > 60)
		return 0;
	/* The zone is decimal hhmm: -0530 is 5 h 30 min west. */
	zone = s[0] == '-' ? -zabs : zabs;
	if (zabs > 2359 || zabs % 100 > 59)
		zabs = zone = 0;
	int64_t off = (int64_t)(zabs / 100 * 3600 + zabs % 100 * 60) * (zone < 0 ? -1 : 1);
	return clock_utc_to_epoch(year, mon, day, h, mi, sec) - off;
}

static unsigned fetch_flags(const struct imap_resp *r, const struct imap_node *l)
{
	static const struct {
		const char *name;
		unsigned flag;
	} known[] = {
		{ "\\Seen", MSG_SEEN },       { "\\Answered", MSG_ANSWERED },
		{ "\\Flagged", MSG_FLAGGED }, { "\\Deleted", MSG_DELETED },
		{ "\\Draft", MSG_DRAFT },     { "\\Recent", MSG_RECENT },
		{ "$Forwarded", MSG_FORWARDED },
	};
	unsigned flags = 0;

	if (!list(l))
		return 0;
	for (const struct imap_node *f = imap_resp_child(r, l, 0); f; f = imap_resp_next(r, f))
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			if (imap_node_is(f, known[i].name))
				flags |= known[i].flag;
	return flags;
}

static int needs_quotes(const char *s)
{
	for (; *s; s++)
		if (strchr("()<>[]:;@\\,.\"", *s))
			return 1;
	return 0;
}

static void append_phrase(struct strbuf *b, const char *name)
{
	if (!needs_quotes(name)) {
		strbuf_appends(b, name);
		return;
	}
	strbuf_appendc(b, '"');
	for (; *name; name++) {
		if (*name == '"' || *name == '\\')
			strbuf_appendc(b, '\\');
		strbuf_appendc(b, *name);
	}
	strbuf_appendc(b, '"');
}

/* An address: (name adl mailbox host); NULL fields for anything else. */
struct addr {
	const char *name, *mailbox, *host;
};

static int address(const struct imap_resp *r, const struct imap_node *n, struct addr *a)
{
	if (!list(n) || n->count < 4)
		return 0;
	const struct imap_node *name = imap_resp_child(r, n, 0);
	const struct imap_node *mailbox = imap_resp_next(r, imap_resp_next(r, name));
	a->name = nstr(name);
	a->mailbox = nstr(mailbox);
	a->host = nstr(imap_resp_next(r, mailbox));
	return 1;
}

/* An envelope address list as header text: "Name <a@b>, c@d, Group: x@y;".
 * RFC 3501 marks a group's start with a NIL host and its end with NIL
 * mailbox and host. */
static const char *format_addresses(const struct imap_resp *r, const struct imap_node *l,
				    struct strbuf *b)
{
	int sep = 0;

	strbuf_reset(b);
	if (!list(l))
		return NULL;
	for (const struct imap_node *n = imap_resp_child(r, l, 0); n; n = imap_resp_next(r, n)) {
		struct addr a;
		if (!address(r, n, &a))
			continue;
		if (!a.host) {
			if (a.mailbox) {       /* group start */
				if (sep)
					strbuf_appends(b, ", ");
				append_phrase(b, a.mailbox);
				strbuf_appendc(b, ':');
				sep = 0;
			} else {               /* group end */
				strbuf_appendc(b, ';');
				sep = 1;
			}
			continue;
		}
		if (sep)
			strbuf_appends(b, ", ");
		else if (b->len && b->s[b->len - 1] == ':')
			strbuf_appendc(b, ' ');
		sep = 1;
		if (a.name && *a.name) {
			append_phrase(b, a.name);
			strbuf_appends(b, " <");
		}
		strbuf_appends(b, a.mailbox ? a.mailbox : "");
		strbuf_appendc(b, '@');
		strbuf_appends(b, a.host);
		if (a.name && *a.name)
			strbuf_appendc(b, '>');
	}
	return b->len ? b->s : NULL;
}

static void first_from(const struct imap_resp *r, const struct imap_node *l,
		       struct imap_summary *m, struct strbuf *b)
{
	strbuf_reset(b);
	if (!list(l))
		return;
	for (const struct imap_node *n = imap_resp_child(r, l, 0); n; n = imap_resp_next(r, n)) {
		struct addr a;
		if (!address(r, n, &a) || !a.host)
			continue;
		m->from_name = a.name;
		strbuf_appends(b, a.mailbox ? a.mailbox : "");
		strbuf_appendc(b, '@');
		strbuf_appends(b, a.host);
		m->from_addr = b->s;
		return;
	}
}

/* (date subject from sender reply-to to cc bcc in-reply-to message-id) */
static void envelope(const struct imap_resp *r, const struct imap_node *env,
		     struct imap_index_scratch *x, struct imap_summary *m)
{
	const struct imap_node *f[10] = { 0 };
	const struct imap_node *n = imap_resp_child(r, env, 0);

	for (int i = 0; i < 10 && n; i++, n = imap_resp_next(r, n))
		f[i] = n;
	m->date = nstr(f[0]);
	m->subject = nstr(f[1]);
	first_from(r, f[2], m, &x->addr);
	m->to = format_addresses(r, f[5], &x->to);
	m->cc = format_addresses(r, f[6], &x->cc);
	m->in_reply_to = nstr(f[8]);
	m->message_id = nstr(f[9]);
}

/* A body parameter list ("name" "value" ...) holds name, or its RFC 2231
 * forms ("filename*", "filename*0*"). */
static int has_param(const struct imap_resp *r, const struct imap_node *l, const char *name)
{
	size_t n = strlen(name);

	if (!list(l))
		return 0;
	for (const struct imap_node *k = imap_resp_child(r, l, 0); k;
	     k = imap_resp_next(r, imap_resp_next(r, k))) {
		const char *p = nstr(k);
		if (p && strncasecmp(p, name, n) == 0 && (p[n] == '\0' || p[n] == '*'))
			return 1;
	}
	return 0;
}

static int str_is(const struct imap_node *n, const char *word)
{
	const char *s = nstr(n);

	return s != NULL && strcasecmp(s, word) == 0;
}

/* Whether a part is something a reader would call an attachment: declared
 * so, or a named non-text leaf. Inline images of a multipart/related are the
 * HTML's own pictures, and text/html siblings in an alternative are just
 * another rendering, so neither counts unless declared an attachment. */
static int body_has_attachment(const struct imap_resp *r, const struct imap_node *b,
			       int in_related, int depth)
{
	const struct imap_node *c[12] = { 0 };
	const struct imap_node *n;

	if (!list(b) || depth > MAX_BODY_DEPTH || (n = imap_resp_child(r, b, 0)) == NULL)
		return 0;
	if (list(n)) {   /* multipart: its parts, then its subtype */
		const struct imap_node *sub = n;
		while (list(sub))
			sub = imap_resp_next(r, sub);
		int related = str_is(sub, "related");
		for (; list(n); n = imap_resp_next(r, n))
			if (body_has_attachment(r, n, related, depth + 1))
				return 1;
		return 0;
	}
	/* type subtype params id description encoding size, then lines for
	 * text; envelope, body and lines for message/rfc822; then md5 and
	 * the disposition. */
	for (int i = 0; i < 12 && n; i++, n = imap_resp_next(r, n))
		c[i] = n;
	int text = str_is(c[0], "text");
	int msg = str_is(c[0], "message") && str_is(c[1], "rfc822") && list(c[7]) && list(c[8]);
	const struct imap_node *dsp = c[msg ? 11 : text ? 9 : 8];
	const struct imap_node *dsp_params = NULL;
	if (list(dsp)) {
		if (str_is(imap_resp_child(r, dsp, 0), "attachment"))
			return 1;
		dsp_params = imap_resp_child(r, dsp, 1);
	}
	if (text)
		return 0;
	if (msg)
		return !in_related;   /* a forwarded message */
	if (in_related)
		return 0;
	return has_param(r, dsp_params, "filename") || has_param(r, c[2], "name");
}

int imap_index_summary(const struct imap_resp *r, struct imap_index_scratch *x,
		       struct imap_summary *m)
{
	const struct imap_node *att = imap_resp_top(r, 3);
	uint32_t seq;
	int have_env = 0;

	memset(m, 0, sizeof *m);
	if (!imap_node_is(imap_resp_top(r, 0), "*") || imap_node_u32(imap_resp_top(r, 1), &seq) < 0 ||
	    !imap_node_is(imap_resp_top(r, 2), "FETCH") || !list(att))
		return 0;
	/* Items come in the server's order, as name-value pairs. */
	for (const struct imap_node *k = imap_resp_child(r, att, 0), *v; k;
	     k = imap_resp_next(r, v)) {
		v = imap_resp_next(r, k);
		if (v == NULL)
			break;
		if (imap_node_is(k, "UID")) {
			imap_node_u32(v, &m->uid);
		} else if (imap_node_is(k, "FLAGS")) {
			m->flags |= fetch_flags(r, v);
		} else if (imap_node_is(k, "INTERNALDATE")) {
			m->internal_date = internal_date(nstr(v));
		} else if (imap_node_is(k, "RFC822.SIZE")) {
			imap_node_u32(v, &m->size);
		} else if (imap_node_is(k, "MODSEQ")) {
			uint64_t ms;
			if (list(v) && imap_node_u64(imap_resp_child(r, v, 0), &ms) == 0 && ms)
				m->modseq = ms;
		} else if (imap_node_is(k, "BODYSTRUCTURE")) {
			m->has_attachment = body_has_attachment(r, v, 0, 0);
		} else if (k->type == IMAP_NODE_ATOM && strncasecmp(k->s, "BODY[", 5) == 0) {
			/* The References field (threading needs it; the envelope
			 * lacks it), as the server sent it, folded lines and all;
			 * NULL when the message has none. */
			if (v->type == IMAP_NODE_STRING && v->len > 0)
				m->references = v->s;
		} else if (imap_node_is(k, "ENVELOPE") && list(v)) {
			have_env = 1;
			envelope(r, v, x, m);
		}
	}
	return have_env ? 1 : 2;
}
