/* FETCH: message summaries streamed in bounded chunks, and whole messages
 * streamed into a buffer. libetpan hands each FETCH response to a handler and
 * frees it right after, so memory does not grow with the folder. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/imap_internal.h"
#include "util/clock.h"

/* Messages per command: big enough that round trips don't dominate, small
 * enough that libetpan's per-command response buffer stays around 1 MB. */
#define CHUNK 1000
#define MAX_BODY_DEPTH 32

struct summary_ctx {
	imap_summary_fn fn;
	imap_progress_fn progress;
	void *ctx;
	uint32_t lo, hi;          /* UIDs accepted for the current command */
	uint32_t floor;           /* sequence mode: UIDs at or below were seen */
	uint32_t chunk_max;       /* highest UID of the current command */
	size_t chunk_count;
	size_t done, total;
	int stop;
	struct strbuf addr, to, cc, refs;
};

static int64_t date_to_epoch(const struct mailimap_date_time *d)
{
	int zone, zabs;

	if (!d || d->dt_month < 1 || d->dt_month > 12 || d->dt_day < 1 || d->dt_day > 31 ||
	    d->dt_year < 1 || d->dt_year > 9999 || d->dt_hour < 0 || d->dt_hour > 23 ||
	    d->dt_min < 0 || d->dt_min > 59 || d->dt_sec < 0 || d->dt_sec > 60)
		return 0;
	/* The zone is written as decimal hhmm: -0530 arrives as -530. */
	zone = d->dt_zone;
	zabs = zone < 0 ? -zone : zone;
	if (zabs > 2359 || zabs % 100 > 59)
		zabs = zone = 0;
	int64_t off = (int64_t)(zabs / 100 * 3600 + zabs % 100 * 60) * (zone < 0 ? -1 : 1);
	return clock_utc_to_epoch(d->dt_year, d->dt_month, d->dt_day, d->dt_hour, d->dt_min,
				  d->dt_sec) - off;
}

static unsigned fetch_flags(const struct mailimap_msg_att_dynamic *dyn)
{
	unsigned flags = 0;

	if (!dyn || !dyn->att_list)
		return 0;
	for (clistiter *it = clist_begin(dyn->att_list); it; it = clist_next(it)) {
		const struct mailimap_flag_fetch *ff = clist_content(it);
		if (!ff)
			continue;
		if (ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT) {
			flags |= MSG_RECENT;
			continue;
		}
		if (!ff->fl_flag)
			continue;
		switch (ff->fl_flag->fl_type) {
		case MAILIMAP_FLAG_SEEN: flags |= MSG_SEEN; break;
		case MAILIMAP_FLAG_ANSWERED: flags |= MSG_ANSWERED; break;
		case MAILIMAP_FLAG_FLAGGED: flags |= MSG_FLAGGED; break;
		case MAILIMAP_FLAG_DELETED: flags |= MSG_DELETED; break;
		case MAILIMAP_FLAG_DRAFT: flags |= MSG_DRAFT; break;
		case MAILIMAP_FLAG_KEYWORD:
			if (ff->fl_flag->fl_data.fl_keyword &&
			    strcasecmp(ff->fl_flag->fl_data.fl_keyword, "$Forwarded") == 0)
				flags |= MSG_FORWARDED;
			break;
		default: break;
		}
	}
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

/* An envelope address list as header text: "Name <a@b>, c@d, Group: x@y;".
 * RFC 3501 marks a group's start with a NIL host and its end with NIL
 * mailbox and host. */
static const char *format_addresses(clist *list, struct strbuf *b)
{
	int sep = 0;

	strbuf_reset(b);
	if (!list)
		return NULL;
	for (clistiter *it = clist_begin(list); it; it = clist_next(it)) {
		const struct mailimap_address *a = clist_content(it);
		if (!a)
			continue;
		if (!a->ad_host_name) {
			if (a->ad_mailbox_name) {       /* group start */
				if (sep)
					strbuf_appends(b, ", ");
				append_phrase(b, a->ad_mailbox_name);
				strbuf_appendc(b, ':');
				sep = 0;
			} else {                        /* group end */
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
		if (a->ad_personal_name && *a->ad_personal_name) {
			append_phrase(b, a->ad_personal_name);
			strbuf_appends(b, " <");
		}
		strbuf_appends(b, a->ad_mailbox_name ? a->ad_mailbox_name : "");
		strbuf_appendc(b, '@');
		strbuf_appends(b, a->ad_host_name);
		if (a->ad_personal_name && *a->ad_personal_name)
			strbuf_appendc(b, '>');
	}
	return b->len ? b->s : NULL;
}

static void first_from(const struct mailimap_env_from *from, struct imap_summary *m,
		       struct strbuf *b)
{
	strbuf_reset(b);
	if (!from || !from->frm_list)
		return;
	for (clistiter *it = clist_begin(from->frm_list); it; it = clist_next(it)) {
		const struct mailimap_address *a = clist_content(it);
		if (!a || !a->ad_host_name)
			continue;
		m->from_name = a->ad_personal_name;
		strbuf_appends(b, a->ad_mailbox_name ? a->ad_mailbox_name : "");
		strbuf_appendc(b, '@');
		strbuf_appends(b, a->ad_host_name);
		m->from_addr = b->s;
		return;
	}
}

static const char *param_value(const struct mailimap_body_fld_param *p, const char *name)
{
	if (!p || !p->pa_list)
		return NULL;
	for (clistiter *it = clist_begin(p->pa_list); it; it = clist_next(it)) {
		const struct mailimap_single_body_fld_param *sp = clist_content(it);
		if (!sp || !sp->pa_name)
			continue;
		/* RFC 2231 names ("filename*", "filename*0*") count too. */
		size_t n = strlen(name);
		if (strncasecmp(sp->pa_name, name, n) == 0 &&
		    (sp->pa_name[n] == '\0' || sp->pa_name[n] == '*'))
			return sp->pa_value ? sp->pa_value : "";
	}
	return NULL;
}

/* Whether a part is something a reader would call an attachment: declared
 * so, or a named non-text leaf. Inline images of a multipart/related are the
 * HTML's own pictures, and text/html siblings in an alternative are just
 * another rendering, so neither counts unless declared an attachment. */
static int body_has_attachment(const struct mailimap_body *b, int in_related, int depth)
{
	if (!b || depth > MAX_BODY_DEPTH)
		return 0;
	if (b->bd_type == MAILIMAP_BODY_MPART) {
		const struct mailimap_body_type_mpart *mp = b->bd_data.bd_body_mpart;
		if (!mp || !mp->bd_list)
			return 0;
		int related = mp->bd_media_subtype && strcasecmp(mp->bd_media_subtype, "related") == 0;
		for (clistiter *it = clist_begin(mp->bd_list); it; it = clist_next(it))
			if (body_has_attachment(clist_content(it), related, depth + 1))
				return 1;
		return 0;
	}
	const struct mailimap_body_type_1part *p = b->bd_data.bd_body_1part;
	if (!p)
		return 0;
	const struct mailimap_body_fld_dsp *dsp = p->bd_ext_1part ? p->bd_ext_1part->bd_disposition
								  : NULL;
	if (dsp && dsp->dsp_type && strcasecmp(dsp->dsp_type, "attachment") == 0)
		return 1;
	if (p->bd_type == MAILIMAP_BODY_TYPE_1PART_TEXT)
		return 0;
	if (p->bd_type == MAILIMAP_BODY_TYPE_1PART_MSG)
		return !in_related;   /* a forwarded message */
	if (in_related)
		return 0;
	const struct mailimap_body_type_basic *basic = p->bd_data.bd_type_basic;
	if (dsp && param_value(dsp->dsp_attributes, "filename"))
		return 1;
	return basic && basic->bd_fields && param_value(basic->bd_fields->bd_parameter, "name");
}

static uint64_t item_modseq(const struct mailimap_extension_data *x)
{
	if (x && x->ext_extension == &mailimap_extension_condstore &&
	    x->ext_type == MAILIMAP_CONDSTORE_TYPE_FETCH_DATA && x->ext_data)
		return ((const struct mailimap_condstore_fetch_mod_resp *)x->ext_data)->cs_modseq_value;
	return 0;
}

static void summary_handler(struct mailimap_msg_att *att, void *vctx)
{
	struct summary_ctx *c = vctx;
	struct imap_summary m;
	int have_env = 0;

	if (!att || !att->att_list)
		return;
	memset(&m, 0, sizeof m);
	/* Items come in the server's order: look each one up. */
	for (clistiter *it = clist_begin(att->att_list); it; it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);
		if (!item)
			continue;
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			m.flags |= fetch_flags(item->att_data.att_dyn);
			continue;
		}
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_EXTENSION) {
			uint64_t ms = item_modseq(item->att_data.att_extension_data);
			if (ms)
				m.modseq = ms;
			continue;
		}
		const struct mailimap_msg_att_static *st = item->att_data.att_static;
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC || !st)
			continue;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			m.uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_INTERNALDATE:
			m.internal_date = date_to_epoch(st->att_data.att_internal_date);
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			m.size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODYSTRUCTURE:
			m.has_attachment = body_has_attachment(st->att_data.att_bodystructure, 0, 0);
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION: {
			/* The References field; the bytes are libetpan's until the
			 * handler returns, and need a NUL. */
			const struct mailimap_msg_att_body_section *sec = st->att_data.att_body_section;
			strbuf_reset(&c->refs);
			if (sec && sec->sec_body_part && sec->sec_length > 0) {
				strbuf_append(&c->refs, sec->sec_body_part, sec->sec_length);
				m.references = c->refs.s;
			}
			break;
		}
		case MAILIMAP_MSG_ATT_ENVELOPE: {
			const struct mailimap_envelope *env = st->att_data.att_env;
			if (!env)
				break;
			have_env = 1;
			m.date = env->env_date;
			m.subject = env->env_subject;
			first_from(env->env_from, &m, &c->addr);
			m.to = format_addresses(env->env_to ? env->env_to->to_list : NULL, &c->to);
			m.cc = format_addresses(env->env_cc ? env->env_cc->cc_list : NULL, &c->cc);
			m.message_id = env->env_message_id;
			m.in_reply_to = env->env_in_reply_to;
			break;
		}
		default:
			break;
		}
	}
	/* Unsolicited FETCH responses (flag changes by another client) carry
	 * no envelope; responses outside the asked range are the server's
	 * "n:*" quirk or noise. */
	if (!have_env || m.uid == 0 || m.uid < c->lo || m.uid > c->hi || m.uid <= c->floor)
		return;
	c->chunk_count++;
	if (m.uid > c->chunk_max)
		c->chunk_max = m.uid;
	c->done++;
	if (!c->stop && c->fn && c->fn(&m, c->ctx))
		c->stop = 1;
	if (c->progress)
		c->progress(c->done, c->total > c->done ? c->total : c->done, c->ctx);
}

/* libetpan only hands responses to the handler when a progress function is
 * set, so one that does nothing is installed. */
static void no_progress(size_t cur, size_t max, void *ctx)
{
	(void)cur;
	(void)max;
	(void)ctx;
}

static struct mailimap_fetch_type *summary_fetch_type(int condstore)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();

	if (!ft)
		return NULL;
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_flags());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_internaldate());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_envelope());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_bodystructure());
	/* Threading needs References, which the envelope lacks. */
	clist *names = clist_new();
	char *name = strdup("References");
	if (names && name && clist_append(names, name) == 0) {
		struct mailimap_header_list *hl = mailimap_header_list_new(names);
		struct mailimap_section *sec = hl ? mailimap_section_new_header_fields(hl) : NULL;
		struct mailimap_fetch_att *fa = sec ? mailimap_fetch_att_new_body_peek_section(sec)
						    : NULL;
		if (fa)
			mailimap_fetch_type_new_fetch_att_list_add(ft, fa);
		else if (sec)
			mailimap_section_free(sec);
		else if (hl)
			mailimap_header_list_free(hl);
		if (!hl) {
			clist_free(names);
			free(name);
		}
	} else {
		if (names)
			clist_free(names);
		free(name);
	}
	if (condstore)
		mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_modseq());
	return ft;
}

/* One metered command over [a, b] (b == 0: "*"), by UID or sequence number. */
static int fetch_chunk(struct imap_session *s, struct summary_ctx *c,
		       struct mailimap_fetch_type *ft, int by_uid, uint32_t a, uint32_t b,
		       struct err *e)
{
	struct conn_op op;
	struct mailimap_set *set = mailimap_set_new_interval(a, b);
	clist *result = NULL;
	int r, rc = 0;

	if (!set)
		return err_set(e, ERR_INTERNAL, "out of memory building a FETCH");
	c->chunk_count = 0;
	c->chunk_max = 0;
	conn_op_begin(s->conn, &op, "imap_fetch_headers");
	r = by_uid ? mailimap_uid_fetch(s->imap, set, ft, &result)
		   : mailimap_fetch(s->imap, set, ft, &result);
	mailimap_set_free(set);
	if (result)
		mailimap_fetch_list_free(result);
	if (r != MAILIMAP_NO_ERROR) {
		char what[260];
		imap_what(what, sizeof what, "fetching message headers in", s->selected);
		rc = imap_fail(s, r, what, e);
	}
	return conn_op_done(s->conn, &op, rc, e);
}

int imap_fetch_summaries(struct imap_session *s, uint32_t uid_first, uint32_t uid_last,
			 imap_summary_fn fn, imap_progress_fn progress, void *ctx, struct err *e)
{
	struct err tmp;
	struct summary_ctx c;
	struct mailimap_fetch_type *ft;
	const struct mailimap_selection_info *si;
	int rc = 0;

	if (!e)
		e = &tmp;
	if (imap_check_selected(s, "fetching headers", e) < 0)
		return -1;
	if (uid_first == 0)
		uid_first = 1;
	if (uid_last != 0 && uid_last < uid_first)
		return 0;
	memset(&c, 0, sizeof c);
	c.fn = fn;
	c.progress = progress;
	c.ctx = ctx;
	ft = summary_fetch_type(imap_cap(s, "CONDSTORE"));
	if (!ft)
		return err_set(e, ERR_INTERNAL, "out of memory building a FETCH");
	mailimap_set_msg_att_handler(s->imap, summary_handler, &c);
	mailimap_set_progress_callback(s->imap, NULL, no_progress, NULL);
	si = s->imap->imap_selection_info;

	if (uid_first == 1 && uid_last == 0) {
		/* The whole folder: sequence numbers are dense and stay put, as
		 * no EXPUNGE may arrive during FETCH (RFC 3501 7.4.1), so every
		 * chunk is full and none is wasted on gaps in the UID space. */
		uint32_t seq = 1;
		c.lo = 1;
		c.hi = UINT32_MAX;
		while (rc == 0 && !c.stop && si && seq <= si->sel_exists) {
			uint32_t end = si->sel_exists - seq < CHUNK ? si->sel_exists : seq + CHUNK - 1;
			c.total = si->sel_exists;
			rc = fetch_chunk(s, &c, ft, 0, seq, end, e);
			/* UIDs grow with sequence numbers: anything at or below
			 * what was seen is a repeat. */
			if (c.chunk_max > c.floor)
				c.floor = c.chunk_max;
			seq = end + 1;
			si = s->imap->imap_selection_info;
		}
	} else {
		/* A UID range may be sparse: walk it in spans that adapt to how
		 * many messages the last span held, so gaps cost few commands
		 * and dense stretches stay near CHUNK messages per command. */
		uint32_t end = uid_last;
		uint64_t lo = uid_first, span = CHUNK;
		/* Without UIDNEXT the walk covers the whole UID space; the
		 * spans grow quickly over the empty part. */
		if (end == 0)
			end = !si || si->sel_uidnext == 0 ? UINT32_MAX - 1 : si->sel_uidnext - 1;
		c.total = end >= uid_first ? (size_t)(end - uid_first) + 1 : 0;
		if (si && si->sel_exists && c.total > si->sel_exists)
			c.total = si->sel_exists;
		while (rc == 0 && !c.stop && end && lo <= end) {
			uint64_t hi = lo + span - 1;
			if (hi > end)
				hi = end;
			c.lo = (uint32_t)lo;
			c.hi = (uint32_t)hi;
			rc = fetch_chunk(s, &c, ft, 1, (uint32_t)lo, (uint32_t)hi, e);
			if (c.chunk_count > 2 * CHUNK && span > 1)
				span /= 2;
			else if (c.chunk_count < CHUNK / 2)
				span *= c.chunk_count ? (CHUNK / c.chunk_count > 4 ? 4 : 2) : 4;
			if (span > UINT32_MAX)
				span = UINT32_MAX;
			lo = hi + 1;
		}
		if (rc == 0 && !c.stop && uid_last == 0 && lo <= UINT32_MAX) {
			/* Mail that arrived after UIDNEXT was read. */
			c.lo = (uint32_t)lo;
			c.hi = UINT32_MAX;
			rc = fetch_chunk(s, &c, ft, 1, (uint32_t)lo, 0, e);
		}
	}
	if (s->imap) {
		mailimap_set_msg_att_handler(s->imap, NULL, NULL);
		mailimap_set_progress_callback(s->imap, NULL, NULL, NULL);
	}
	mailimap_fetch_type_free(ft);
	strbuf_free(&c.addr);
	strbuf_free(&c.to);
	strbuf_free(&c.cc);
	strbuf_free(&c.refs);
	return rc;
}

struct body_ctx {
	struct imap_session *s;
	struct strbuf *out;
	uint32_t uid;
	int found;
	int too_big;           /* the server announced or sent more than the limit */
	size_t streamed;
	imap_progress_fn progress;
	void *ctx;
};

static bool body_chunk(int type, struct mailimap_msg_att_body_section *sec, const char *bytes,
		       size_t len, void *vctx)
{
	struct body_ctx *c = vctx;

	(void)sec;
	if (type == MAILIMAP_MSG_ATT_BODY_SECTION && bytes && len) {
		if (len > c->s->max_message_size - c->streamed) {
			c->too_big = 1;
			return false;   /* libetpan stops reading the literal */
		}
		strbuf_append(c->out, bytes, len);
		c->streamed += len;
	}
	return true;
}

static void body_att(struct mailimap_msg_att *att, void *vctx)
{
	struct body_ctx *c = vctx;
	const struct mailimap_msg_att_body_section *body = NULL;
	uint32_t uid = 0;

	if (!att || !att->att_list)
		return;
	for (clistiter *it = clist_begin(att->att_list); it; it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);
		if (!item || item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC || !item->att_data.att_static)
			continue;
		const struct mailimap_msg_att_static *st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			uid = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION)
			body = st->att_data.att_body_section;
	}
	if (uid != c->uid || !body || c->too_big)
		return;
	if (c->streamed == 0 && body->sec_length > c->s->max_message_size) {
		c->too_big = 1;
		return;
	}
	c->found = 1;
	/* Bodies libetpan did not stream arrive whole. */
	if (c->streamed == 0 && body->sec_body_part && body->sec_length)
		strbuf_append(c->out, body->sec_body_part, body->sec_length);
}

static void body_progress(size_t cur, size_t max, void *vctx)
{
	struct body_ctx *c = vctx;

	/* The announced literal size comes before the bytes: a hostile
	 * {100000000000} is refused at once, not after the download. Every
	 * later read fails, which ends the FETCH without waiting for the rest. */
	if (max > c->s->max_message_size || cur > c->s->max_message_size) {
		if (!c->too_big)
			conn_cancel(c->s->conn);
		c->too_big = 1;
		return;
	}
	if (c->progress)
		c->progress(cur, max, c->ctx);
}

int imap_fetch_message(struct imap_session *s, uint32_t uid, struct strbuf *out,
		       imap_progress_fn progress, void *ctx, struct err *e)
{
	struct err tmp;
	struct conn_op op;
	struct body_ctx c;
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *result = NULL;
	size_t old_len = out->len;
	char shown[200], what[260];
	int r, rc = 0;

	if (!e)
		e = &tmp;
	if (imap_check_selected(s, "fetching a message", e) < 0)
		return -1;
	imap_folder_shown(s->selected, shown, sizeof shown);
	if (uid == 0)
		return err_set(e, ERR_NOTFOUND, "no message with UID 0 in %s", shown);
	memset(&c, 0, sizeof c);
	c.s = s;
	c.out = out;
	c.uid = uid;
	c.progress = progress;
	c.ctx = ctx;
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	set = mailimap_set_new_single(uid);
	if (!ft || !set) {
		mailimap_fetch_type_free(ft);
		mailimap_set_free(set);
		return err_set(e, ERR_INTERNAL, "out of memory building a FETCH");
	}
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(
		ft, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));

	mailimap_set_msg_att_handler(s->imap, body_att, &c);
	mailimap_set_msg_body_handler(s->imap, body_chunk, &c);
	mailimap_set_progress_callback(s->imap, body_progress, no_progress, &c);
	conn_op_begin(s->conn, &op, "imap_fetch_body");
	r = mailimap_uid_fetch(s->imap, set, ft, &result);
	if (s->imap) {
		mailimap_set_msg_att_handler(s->imap, NULL, NULL);
		mailimap_set_msg_body_handler(s->imap, NULL, NULL);
		mailimap_set_progress_callback(s->imap, NULL, NULL, NULL);
	}
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (result)
		mailimap_fetch_list_free(result);
	if (c.too_big) {
		/* Mid-literal or cancelled: the stream's position is lost. */
		imap_break(s);
		if (s->max_message_size >= (1 << 20))
			rc = err_set(e, ERR_PROTOCOL, "message %u in %s was not fetched: the message "
				     "is larger than %zu MB", (unsigned)uid, shown,
				     s->max_message_size >> 20);
		else
			rc = err_set(e, ERR_PROTOCOL, "message %u in %s was not fetched: the message "
				     "is larger than %zu bytes", (unsigned)uid, shown,
				     s->max_message_size);
	} else if (r != MAILIMAP_NO_ERROR) {
		snprintf(what, sizeof what, "fetching message %u in %s", (unsigned)uid, shown);
		rc = imap_fail(s, r, what, e);
	} else if (!c.found) {
		rc = err_set(e, ERR_NOTFOUND, "no message with UID %u in %s", (unsigned)uid, shown);
	}
	if (rc < 0 && out->s) {
		out->len = old_len;
		out->s[old_len] = '\0';
	}
	return conn_op_done(s->conn, &op, rc, e);
}

unsigned imap_msg_flags(const struct mailimap_msg_att_dynamic *dyn)
{
	return fetch_flags(dyn);
}
