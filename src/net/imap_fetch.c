/* FETCH: message summaries streamed in bounded chunks (sent raw, each
 * response read and parsed by skua as it arrives, so memory does not grow
 * with the folder), and whole messages streamed into a buffer by libetpan. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/imap_index.h"
#include "net/imap_internal.h"
#include "net/imap_reader.h"

/* Messages per command: big enough that round trips don't dominate, small
 * enough that a request to stop (or a UID range's gaps) wastes little. */
#define CHUNK 1000

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
	int condstore;
	struct imap_reader rd;
	struct imap_resp resp;
	struct imap_index_scratch x;
};

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

/* libetpan only hands responses to the handler when a progress function is
 * set, so one that does nothing is installed. */
static void no_progress(size_t cur, size_t max, void *ctx)
{
	(void)cur;
	(void)max;
	(void)ctx;
}

static void deliver(struct summary_ctx *c, const struct imap_summary *m)
{
	/* Responses outside the asked range are the server's "n:*" quirk or
	 * noise. */
	if (m->uid == 0 || m->uid < c->lo || m->uid > c->hi || m->uid <= c->floor)
		return;
	c->chunk_count++;
	if (m->uid > c->chunk_max)
		c->chunk_max = m->uid;
	c->done++;
	if (!c->stop && c->fn && c->fn(m, c->ctx))
		c->stop = 1;
	if (c->progress)
		c->progress(c->done, c->total > c->done ? c->total : c->done, c->ctx);
}

/* Untagged data that is no summary: what libetpan would have kept of it. */
static void untagged(struct imap_session *s, const struct imap_resp *r)
{
	struct mailimap_selection_info *si = s->imap->imap_selection_info;
	uint32_t n;

	if (si && imap_node_u32(imap_resp_top(r, 1), &n) == 0) {
		if (imap_node_is(imap_resp_top(r, 2), "EXISTS"))
			si->sel_exists = n;
		else if (imap_node_is(imap_resp_top(r, 2), "RECENT"))
			si->sel_recent = n;
	}
}

/* The text of a status response without its [CODE], sanitized. */
static const char *status_text(const struct imap_resp *r, uint32_t i, char *buf, size_t size)
{
	const struct imap_node *t = imap_resp_top(r, i);
	const char *s = t && t->type == IMAP_NODE_TEXT ? t->s : "";

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close)
			s = close[1] == ' ' ? close + 2 : close + 1;
	}
	imap_sanitize(*s ? s : "(no reason given)", buf, size);
	return buf;
}

/* Reads the responses to the FETCH just sent, up to its tagged reply. A
 * summary goes to deliver() as soon as its response is complete. */
static int read_fetch_reply(struct imap_session *s, struct summary_ctx *c, const char *what,
			    struct err *e)
{
	mailstream *st = s->imap->imap_stream;
	char tag[16], text[256];
	struct imap_summary m;

	snprintf(tag, sizeof tag, "%d", s->imap->imap_tag);
	for (;;) {
		const char *p;
		size_t len;
		struct err perr;
		int r = imap_reader_next(&c->rd, st, IMAP_INDEX_RESP_MAX, &p, &len);
		if (r == IMAP_READ_STREAM)
			return imap_fail(s, MAILIMAP_ERROR_STREAM, what, e);
		if (r == IMAP_READ_TOO_LONG) {
			imap_break(s);
			return err_set(e, ERR_PROTOCOL, "%s failed: the server sent a response longer "
				       "than skua accepts (%zu bytes)", what, IMAP_INDEX_RESP_MAX);
		}
		if (imap_resp_parse_into(p, len, IMAP_INDEX_MAX_DEPTH, &c->resp, &perr) < 0)
			return imap_fail(s, MAILIMAP_ERROR_PARSE, what, e);
		const struct imap_node *t0 = imap_resp_top(&c->resp, 0);
		const struct imap_node *t1 = imap_resp_top(&c->resp, 1);
		if (imap_node_is(t0, "*")) {
			int k = imap_index_summary(&c->resp, &c->x, &m);
			/* A FETCH without an envelope is a flag change made by
			 * another client: not a summary. */
			if (k == 1)
				deliver(c, &m);
			else if (k == 0 && imap_node_is(t1, "BYE")) {
				status_text(&c->resp, 2, text, sizeof text);
				imap_break(s);
				return err_set(e, ERR_NETWORK, "%s failed: the server closed the "
					       "connection: %s", what, text);
			} else if (k == 0)
				untagged(s, &c->resp);
			continue;
		}
		if (t0 == NULL || t0->type != IMAP_NODE_ATOM || strcmp(t0->s, tag) != 0) {
			imap_break(s);
			return err_set(e, ERR_PROTOCOL, "%s failed: the server sent an unexpected reply",
				       what);
		}
		if (imap_reader_unread(&c->rd, st) < 0) {
			imap_break(s);
			return err_set(e, ERR_PROTOCOL, "%s failed: the server sent an unexpected reply",
				       what);
		}
		if (imap_node_is(t1, "OK"))
			return 0;
		return err_set(e, ERR_PROTOCOL, "%s failed: server said: %s", what,
			       status_text(&c->resp, 2, text, sizeof text));
	}
}

/* One metered command over [a, b] (b == 0: "*"), by UID or sequence number:
 * sent raw and read by skua, as libetpan's parser costs several times what
 * the rest of the client does per message (allocations per item, every
 * string registered in a global table). */
static int fetch_chunk(struct imap_session *s, struct summary_ctx *c, int by_uid, uint32_t a,
		       uint32_t b, struct err *e)
{
	struct conn_op op;
	char cmd[160], range[32], what[260];
	int n, r, rc = 0;

	if (b == 0)
		snprintf(range, sizeof range, "%u:*", (unsigned)a);
	else if (a == b)
		snprintf(range, sizeof range, "%u", (unsigned)a);
	else
		snprintf(range, sizeof range, "%u:%u", (unsigned)a, (unsigned)b);
	n = snprintf(cmd, sizeof cmd,
		     "%sFETCH %s (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE "
		     "BODY.PEEK[HEADER.FIELDS (References)]%s)",
		     by_uid ? "UID " : "", range, c->condstore ? " MODSEQ" : "");
	c->chunk_count = 0;
	c->chunk_max = 0;
	imap_what(what, sizeof what, "fetching message headers in", s->selected);
	conn_op_begin(s->conn, &op, "imap_fetch_headers");
	r = imap_raw_send(s, 1, cmd, (size_t)n, 0);
	if (r != MAILIMAP_NO_ERROR)
		rc = imap_fail(s, r, what, e);
	else
		rc = read_fetch_reply(s, c, what, e);
	return conn_op_done(s->conn, &op, rc, e);
}

int imap_fetch_summaries(struct imap_session *s, uint32_t uid_first, uint32_t uid_last,
			 imap_summary_fn fn, imap_progress_fn progress, void *ctx, struct err *e)
{
	struct err tmp;
	struct summary_ctx c;
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
	c.condstore = imap_cap(s, "CONDSTORE");
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
			rc = fetch_chunk(s, &c, 0, seq, end, e);
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
			rc = fetch_chunk(s, &c, 1, (uint32_t)lo, (uint32_t)hi, e);
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
			rc = fetch_chunk(s, &c, 1, (uint32_t)lo, 0, e);
		}
	}
	imap_reader_free(&c.rd);
	imap_resp_free(&c.resp);
	imap_index_scratch_free(&c.x);
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
