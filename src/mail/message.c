/* A received message for reading: libetpan's MIME tree over a private copy of
 * the raw text, walked once to render the body (text/plain preferred, HTML as
 * text otherwise) and to list the attachments. */
#include "mail/message.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "mail/address.h"
#include "mail/charset.h"
#include "mail/html_text.h"
#include "mail/mail_date.h"
#include "mail/mime_params.h"
#include "mail/mime_transfer.h"
#include "mail/mime_words.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* libetpan itself copes with thousands of levels; rendering stops earlier. */
#define MAX_DEPTH 64
#define MAX_PARAMS 64

struct mail_message_priv {
	char *raw;                 /* the tree points into this copy */
	size_t raw_len;
	struct mailmime *tree;
	struct mailmime **parts;   /* the part of each attachment */
	size_t cap;
};

struct render {
	struct mail_message *m;
	struct strbuf body;
	int html;
	size_t ntext;              /* text parts in the body */
	char *html_source;         /* of the first text/html part */
};

/* The first header `name` in the header block at text, unfolded (NUL bytes
 * become blanks); NULL if absent. The block ends at an empty line or at a line
 * that is not a header. */
static char *header_get(const char *text, size_t len, const char *name)
{
	size_t nl = strlen(name);
	size_t i = 0;

	while (i < len) {
		const char *eol = memchr(text + i, '\n', len - i);
		size_t end = eol ? (size_t)(eol - text) : len;
		size_t le = end > i && text[end - 1] == '\r' ? end - 1 : end;
		if (le == i)
			return NULL;
		const char *colon = memchr(text + i, ':', le - i);
		if (colon == NULL && text[i] != ' ' && text[i] != '\t')
			return NULL;
		size_t k = colon ? (size_t)(colon - text) : i;
		while (k > i && (text[k - 1] == ' ' || text[k - 1] == '\t'))
			k--;
		if (colon && text[i] != ' ' && text[i] != '\t' && k - i == nl &&
		    strncasecmp(text + i, name, nl) == 0) {
			struct strbuf v = STRBUF_INIT;
			size_t j = (size_t)(colon - text) + 1;
			for (;;) {
				for (; j < le; j++)
					strbuf_appendc(&v, text[j] ? text[j] : ' ');
				if (end >= len)
					break;
				size_t next = end + 1;
				if (next >= len || (text[next] != ' ' && text[next] != '\t'))
					break;
				/* a continuation line: the line break disappears */
				const char *e2 = memchr(text + next, '\n', len - next);
				end = e2 ? (size_t)(e2 - text) : len;
				le = end > next && text[end - 1] == '\r' ? end - 1 : end;
				j = next;
			}
			return strbuf_detach(&v, NULL);
		}
		i = end + 1;
	}
	return NULL;
}

static char *trimmed(char *s)
{
	size_t n = strlen(s);
	size_t a = 0;

	while (a < n && isspace((unsigned char)s[a]))
		a++;
	while (n > a && isspace((unsigned char)s[n - 1]))
		n--;
	memmove(s, s + a, n - a);
	s[n - a] = '\0';
	return s;
}

static char *decode_addresses(const char *raw)
{
	struct mail_address *a;
	long n = mail_address_list_parse(raw, &a, NULL);

	if (n < 0)
		return trimmed(mime_words_decode(raw));
	struct strbuf b = STRBUF_INIT;
	for (long i = 0; i < n; i++) {
		char *f = mail_address_format(&a[i]);
		if (i > 0)
			strbuf_appends(&b, ", ");
		strbuf_appends(&b, f);
		free(f);
	}
	mail_addresses_free(a, (size_t)n);
	return strbuf_detach(&b, NULL);
}

enum hdr_kind { HDR_TEXT, HDR_ADDR, HDR_RAW };

static char *header_value(const char *text, size_t len, const char *name, enum hdr_kind kind)
{
	char *raw = header_get(text, len, name);

	if (raw == NULL)
		return xstrdup("");
	char *v;
	switch (kind) {
	case HDR_ADDR:
		v = decode_addresses(raw);
		break;
	case HDR_TEXT:
		v = trimmed(mime_words_decode(raw));
		break;
	default:
		v = trimmed(xstrdup(raw));
		/* identifiers: one blank between them, nothing else */
		for (char *p = v; *p; p++)
			if (isspace((unsigned char)*p))
				*p = ' ';
		break;
	}
	free(raw);
	return v;
}

/* Lower-case "type/subtype"; text/plain when libetpan has no type. */
static char *part_type(const struct mailmime *mm)
{
	const struct mailmime_content *ct = mm->mm_content_type;
	const char *type = "text", *sub = "plain";

	if (ct && ct->ct_type) {
		const struct mailmime_type *t = ct->ct_type;
		if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE && t->tp_data.tp_discrete_type) {
			static const char *const names[] = { "application", "text", "image",
				"audio", "video", "application" };
			const struct mailmime_discrete_type *d = t->tp_data.tp_discrete_type;
			if (d->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION && d->dt_extension)
				type = d->dt_extension;
			else if (d->dt_type >= 0 && d->dt_type <= MAILMIME_DISCRETE_TYPE_APPLICATION)
				type = names[d->dt_type];
		} else if (t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE &&
			   t->tp_data.tp_composite_type) {
			const struct mailmime_composite_type *c = t->tp_data.tp_composite_type;
			if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE)
				type = "message";
			else if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART)
				type = "multipart";
			else if (c->ct_token)
				type = c->ct_token;
		}
		if (ct->ct_subtype)
			sub = ct->ct_subtype;
	}
	char *s = xasprintf("%s/%s", type, sub);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

enum disposition { DISP_NONE, DISP_INLINE, DISP_ATTACHMENT };

struct part_info {
	char *type;
	char *filename;    /* NULL if the part names none */
	char *charset;     /* NULL if none */
	enum disposition disp;
};

static const struct mailmime_disposition *find_disposition(const struct mailmime *mm)
{
	if (mm->mm_mime_fields == NULL || mm->mm_mime_fields->fld_list == NULL)
		return NULL;
	for (clistiter *c = clist_begin(mm->mm_mime_fields->fld_list); c; c = clist_next(c)) {
		const struct mailmime_field *f = clist_content(c);
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION)
			return f->fld_data.fld_disposition;
	}
	return NULL;
}

static size_t collect_ct_params(const struct mailmime *mm, struct mime_param *p)
{
	size_t n = 0;

	if (mm->mm_content_type == NULL || mm->mm_content_type->ct_parameters == NULL)
		return 0;
	for (clistiter *c = clist_begin(mm->mm_content_type->ct_parameters); c && n < MAX_PARAMS;
	     c = clist_next(c)) {
		const struct mailmime_parameter *pa = clist_content(c);
		p[n++] = (struct mime_param){ pa->pa_name, pa->pa_value };
	}
	return n;
}

/* Broken mailers write filename=my file.pdf without quotes; libetpan then
 * keeps only "my". The raw header has the whole value (up to ';'). */
static char *unquoted_param(const struct mailmime *mm, const char *header, const char *name)
{
	if (mm->mm_mime_start == NULL)
		return NULL;
	char *hv = header_get(mm->mm_mime_start, mm->mm_length, header);
	char *res = NULL;
	size_t nl = strlen(name);

	for (char *p = hv; p && *p; p++) {
		if ((p != hv && p[-1] != ';' && p[-1] != ' ' && p[-1] != '\t') ||
		    strncasecmp(p, name, nl) != 0 || p[nl] != '=')
			continue;
		const char *v = p + nl + 1;
		if (*v == '"')
			break;
		size_t n = strcspn(v, ";");
		char *raw = trimmed(xstrndup(v, n));
		if (strchr(raw, ' '))
			res = mime_words_decode(raw);
		free(raw);
		break;
	}
	free(hv);
	return res;
}

/* The whole unquoted value if libetpan's is its first word; frees the other. */
static char *longer_name(char *parsed, char *whole)
{
	if (parsed && whole && strlen(whole) > strlen(parsed) &&
	    strncmp(whole, parsed, strlen(parsed)) == 0) {
		free(parsed);
		return whole;
	}
	free(whole);
	return parsed;
}

static void part_info_get(const struct mailmime *mm, struct part_info *pi)
{
	struct mime_param p[MAX_PARAMS];
	size_t n;

	memset(pi, 0, sizeof *pi);
	pi->type = part_type(mm);
	n = collect_ct_params(mm, p);
	pi->charset = mime_param_lookup(p, n, "charset");
	char *name = mime_param_lookup(p, n, "name");

	const struct mailmime_disposition *d = find_disposition(mm);
	if (d) {
		if (d->dsp_type && d->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_INLINE)
			pi->disp = DISP_INLINE;
		else if (d->dsp_type && d->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
			pi->disp = DISP_ATTACHMENT;
		/* unknown types are attachments (RFC 2183) */
		else if (d->dsp_type)
			pi->disp = DISP_ATTACHMENT;
		n = 0;
		for (clistiter *c = d->dsp_parms ? clist_begin(d->dsp_parms) : NULL;
		     c && n < MAX_PARAMS; c = clist_next(c)) {
			const struct mailmime_disposition_parm *dp = clist_content(c);
			if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME)
				p[n++] = (struct mime_param){ "filename", dp->pa_data.pa_filename };
			else if (dp->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER &&
				 dp->pa_data.pa_parameter)
				p[n++] = (struct mime_param){ dp->pa_data.pa_parameter->pa_name,
							      dp->pa_data.pa_parameter->pa_value };
		}
		pi->filename = mime_param_lookup(p, n, "filename");
		pi->filename = longer_name(pi->filename,
					   unquoted_param(mm, "Content-Disposition", "filename"));
	}
	name = longer_name(name, unquoted_param(mm, "Content-Type", "name"));
	if (pi->filename == NULL || pi->filename[0] == '\0') {
		free(pi->filename);
		pi->filename = name;
	} else {
		free(name);
	}
	if (pi->filename)
		trimmed(pi->filename);
}

static void part_info_free(struct part_info *pi)
{
	free(pi->type);
	free(pi->filename);
	free(pi->charset);
}

static void decode_transfer(const struct mailmime *mm, struct strbuf *out)
{
	const struct mailmime_data *d = mm->mm_data.mm_single;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT || d->dt_data.dt_text.dt_data == NULL)
		return;
	const char *s = d->dt_data.dt_text.dt_data;
	size_t n = d->dt_data.dt_text.dt_length;
	if (!d->dt_encoded)
		strbuf_append(out, s, n);
	else if (d->dt_encoding == MAILMIME_MECHANISM_BASE64)
		mime_base64_decode(out, s, n);
	else if (d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE)
		mime_qp_decode(out, s, n);
	else
		strbuf_append(out, s, n);
}

/* An HTML part without a MIME charset may name one in a <meta> tag. */
static char *html_meta_charset(const char *s, size_t n)
{
	size_t lim = n < 4096 ? n : 4096;
	static const char key[] = "charset=";

	for (size_t i = 0; i + sizeof key - 1 < lim; i++) {
		if (strncasecmp(s + i, key, sizeof key - 1) != 0)
			continue;
		size_t j = i + sizeof key - 1;
		while (j < lim && (s[j] == '"' || s[j] == '\''))
			j++;
		size_t k = j;
		while (k < lim && (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_'))
			k++;
		return k > j ? xstrndup(s + j, k - j) : NULL;
	}
	return NULL;
}

/* One blank line between parts. */
static void body_separate(struct render *r)
{
	struct strbuf *b = &r->body;

	if (b->len == 0)
		return;
	if (b->s[b->len - 1] != '\n')
		strbuf_appendc(b, '\n');
	if (b->len < 2 || b->s[b->len - 2] != '\n')
		strbuf_appendc(b, '\n');
}

static void append_text_part(struct render *r, const struct mailmime *mm, const struct part_info *pi)
{
	struct strbuf bytes = STRBUF_INIT;
	int html = strcmp(pi->type, "text/html") == 0;

	decode_transfer(mm, &bytes);
	const char *data = bytes.s ? bytes.s : "";
	char *cs = pi->charset ? xstrdup(pi->charset) : html ? html_meta_charset(data, bytes.len) : NULL;
	size_t n;
	char *text = charset_to_utf8(cs, data, bytes.len, &n);
	free(cs);
	strbuf_free(&bytes);

	/* one kind of line end */
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\r') {
			if (i + 1 < n && text[i + 1] == '\n')
				continue;
			text[o++] = '\n';
			continue;
		}
		text[o++] = text[i];
	}
	text[o] = '\0';

	body_separate(r);
	r->ntext++;
	if (html) {
		char *t = html_to_text(text, o);
		if (r->html_source == NULL)
			r->html_source = xstrndup(text, o);
		strbuf_appends(&r->body, t);
		free(t);
		r->html = 1;
	} else {
		strbuf_append(&r->body, text, o);
	}
	free(text);
}

static void add_attachment(struct render *r, struct mailmime *mm, const struct part_info *pi)
{
	struct mail_message *m = r->m;
	struct mail_message_priv *priv = m->priv;

	if (m->natts == priv->cap) {
		priv->cap = priv->cap ? priv->cap * 2 : 4;
		m->atts = xreallocarray(m->atts, priv->cap, sizeof *m->atts);
		priv->parts = xreallocarray(priv->parts, priv->cap, sizeof *priv->parts);
	}
	struct strbuf data = STRBUF_INIT;
	decode_transfer(mm, &data);
	struct mail_attachment *a = &m->atts[m->natts];
	a->filename = xstrdup(pi->filename ? pi->filename : "");
	a->content_type = xstrdup(pi->type);
	a->size = data.len;
	a->inline_part = pi->disp == DISP_INLINE;
	strbuf_free(&data);
	priv->parts[m->natts++] = mm;
}

static int is_body_text(const struct part_info *pi)
{
	if (pi->disp == DISP_ATTACHMENT)
		return 0;
	if (pi->filename && pi->filename[0] && pi->disp != DISP_INLINE)
		return 0;
	/* a multipart without a usable boundary is shown as the text it is */
	return strcmp(pi->type, "text/plain") == 0 || strcmp(pi->type, "text/html") == 0 ||
	       strcmp(pi->type, "text/enriched") == 0 || strcmp(pi->type, "text/rfc822-headers") == 0 ||
	       strncmp(pi->type, "multipart/", 10) == 0 || strncmp(pi->type, "message/", 8) == 0 ||
	       (strncmp(pi->type, "text/", 5) == 0 && pi->disp == DISP_INLINE);
}

static void leaf(struct render *r, struct mailmime *mm, int attachments_only)
{
	struct part_info pi;

	part_info_get(mm, &pi);
	if (attachments_only) {
		if (pi.disp == DISP_ATTACHMENT)
			add_attachment(r, mm, &pi);
	} else if (is_body_text(&pi)) {
		append_text_part(r, mm, &pi);
	} else {
		add_attachment(r, mm, &pi);
	}
	part_info_free(&pi);
}

/* How good a multipart/alternative branch is for a text reader. */
static int alternative_score(const struct mailmime *mm, int depth)
{
	if (depth > MAX_DEPTH)
		return 0;
	if (mm->mm_type == MAILMIME_MULTIPLE) {
		int best = 2;
		clist *l = mm->mm_data.mm_multipart.mm_mp_list;
		for (clistiter *c = l ? clist_begin(l) : NULL; c; c = clist_next(c))
			if (alternative_score(clist_content(c), depth + 1) == 4)
				best = 3;
		return best;
	}
	if (mm->mm_type != MAILMIME_SINGLE)
		return 0;
	struct part_info pi;
	part_info_get(mm, &pi);
	int score = 0;
	if (pi.disp != DISP_ATTACHMENT) {
		if (strcmp(pi.type, "text/plain") == 0)
			score = 4;
		else if (strcmp(pi.type, "text/html") == 0)
			score = 2;
		else if (strncmp(pi.type, "text/", 5) == 0)
			score = 1;
	}
	part_info_free(&pi);
	return score;
}

static void render(struct render *r, struct mailmime *mm, int depth, int attachments_only);

static void render_forwarded(struct render *r, const struct mailmime *mm)
{
	static const struct {
		const char *name;
		enum hdr_kind kind;
	} shown[] = { { "From", HDR_ADDR }, { "Date", HDR_TEXT }, { "Subject", HDR_TEXT },
		      { "To", HDR_ADDR }, { "Cc", HDR_ADDR } };
	const struct mailmime_data *d = mm->mm_body;

	body_separate(r);
	/* Text of its own: an HTML part after it is no longer the whole body. */
	r->ntext++;
	strbuf_appends(&r->body, "---------- Forwarded message ----------\n");
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT || d->dt_data.dt_text.dt_data == NULL)
		return;
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		char *v = header_value(d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length,
				       shown[i].name, shown[i].kind);
		if (*v)
			strbuf_printf(&r->body, "%s: %s\n", shown[i].name, v);
		free(v);
	}
	strbuf_appendc(&r->body, '\n');
}

static void render(struct render *r, struct mailmime *mm, int depth, int attachments_only)
{
	if (mm == NULL || depth > MAX_DEPTH)
		return;
	switch (mm->mm_type) {
	case MAILMIME_MESSAGE:
		/* a forwarded message is shown inline, headers first; its
		 * attachments join the list */
		if (depth > 0 && !attachments_only)
			render_forwarded(r, mm);
		render(r, mm->mm_data.mm_message.mm_msg_mime, depth + 1, attachments_only);
		break;
	case MAILMIME_MULTIPLE: {
		clist *l = mm->mm_data.mm_multipart.mm_mp_list;
		const char *sub = mm->mm_content_type ? mm->mm_content_type->ct_subtype : NULL;
		if (l == NULL)
			break;
		if (sub && strcasecmp(sub, "alternative") == 0) {
			struct mailmime *best = NULL;
			int best_score = -1;
			for (clistiter *c = clist_begin(l); c; c = clist_next(c)) {
				int s = alternative_score(clist_content(c), depth + 1);
				/* the last of equals is the richest, as RFC 2046 orders them */
				if (s >= best_score) {
					best_score = s;
					best = clist_content(c);
				}
			}
			for (clistiter *c = clist_begin(l); c; c = clist_next(c)) {
				struct mailmime *child = clist_content(c);
				render(r, child, depth + 1, child == best ? attachments_only : 1);
			}
		} else {
			for (clistiter *c = clist_begin(l); c; c = clist_next(c))
				render(r, clist_content(c), depth + 1, attachments_only);
		}
		break;
	}
	case MAILMIME_SINGLE:
		leaf(r, mm, attachments_only);
		break;
	default:
		break;
	}
}

struct mail_message *mail_message_parse(const char *raw, size_t len, struct err *e)
{
	struct mail_message *m = xcalloc(1, sizeof *m);
	struct mail_message_priv *priv = xcalloc(1, sizeof *priv);
	size_t idx = 0;

	m->priv = priv;
	priv->raw = xmalloc(len + 1);
	if (len)
		memcpy(priv->raw, raw, len);
	priv->raw[len] = '\0';
	priv->raw_len = len;

	int r = mailmime_parse(priv->raw, len, &idx, &priv->tree);
	if (r != MAILIMF_NO_ERROR) {
		priv->tree = NULL;
		mail_message_free(m);
		err_set(e, ERR_PARSE, "cannot parse the message (libetpan error %d)", r);
		return NULL;
	}

	const char *h = priv->raw;
	m->subject = header_value(h, len, "Subject", HDR_TEXT);
	m->from = header_value(h, len, "From", HDR_ADDR);
	m->to = header_value(h, len, "To", HDR_ADDR);
	m->cc = header_value(h, len, "Cc", HDR_ADDR);
	m->bcc = header_value(h, len, "Bcc", HDR_ADDR);
	m->reply_to = header_value(h, len, "Reply-To", HDR_ADDR);
	m->date = header_value(h, len, "Date", HDR_TEXT);
	m->message_id = header_value(h, len, "Message-ID", HDR_RAW);
	m->in_reply_to = header_value(h, len, "In-Reply-To", HDR_RAW);
	m->references = header_value(h, len, "References", HDR_RAW);
	m->date_epoch = mail_date_parse(m->date);

	struct render rd = { .m = m, .body = STRBUF_INIT };
	render(&rd, priv->tree, 0, 0);
	/* the last line break of a part belongs to the boundary after it: end
	 * every body the same way, with exactly one */
	while (rd.body.len > 0 && strchr(" \t\n", rd.body.s[rd.body.len - 1]))
		rd.body.s[--rd.body.len] = '\0';
	if (rd.body.len > 0)
		strbuf_appendc(&rd.body, '\n');
	m->body = strbuf_detach(&rd.body, NULL);
	m->body_from_html = rd.html;
	if (rd.ntext == 1 && rd.html_source != NULL)
		m->html = rd.html_source;
	else
		free(rd.html_source);
	return m;
}

const char *mail_message_raw(const struct mail_message *m, size_t *len)
{
	*len = m->priv->raw_len;
	return m->priv->raw;
}

void mail_message_free(struct mail_message *m)
{
	if (m == NULL)
		return;
	free(m->subject);
	free(m->from);
	free(m->to);
	free(m->cc);
	free(m->bcc);
	free(m->reply_to);
	free(m->date);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	free(m->body);
	free(m->html);
	for (size_t i = 0; i < m->natts; i++) {
		free(m->atts[i].filename);
		free(m->atts[i].content_type);
	}
	free(m->atts);
	if (m->priv) {
		if (m->priv->tree)
			mailmime_free(m->priv->tree);
		free(m->priv->raw);
		free(m->priv->parts);
		free(m->priv);
	}
	free(m);
}

int mail_message_attachment_data(const struct mail_message *m, size_t i, char **data, size_t *len,
				  struct err *e)
{
	*data = NULL;
	*len = 0;
	if (m == NULL || i >= m->natts)
		return err_set(e, ERR_NOTFOUND, "the message has no attachment %zu", i + 1);
	struct strbuf b = STRBUF_INIT;
	decode_transfer(m->priv->parts[i], &b);
	*data = strbuf_detach(&b, len);
	return 0;
}
