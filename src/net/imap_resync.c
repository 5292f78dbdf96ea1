/* Resynchronising a cached folder: QRESYNC (one EXAMINE brings VANISHED and
 * the changed flags), else CONDSTORE (CHANGEDSINCE plus a UID SEARCH for
 * expunges), else a FETCH of every known UID's flags (RFC 7162, RFC 3501). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/imap_internal.h"
#include "util/xalloc.h"

/* Known UIDs per FLAGS command on the full path: the reply of one command
 * sits whole in libetpan's buffer. */
#define FULL_SPAN 5000

struct resync {
	struct imap_session *s;
	const struct imap_resync_known *k;
	const struct imap_resync_ops *ops;
	void *ctx;
	uint8_t *present;      /* FULL: which known UIDs the server still has */
};

/* Index of uid in the known UIDs, or -1. */
static ssize_t known_index(const struct imap_resync_known *k, uint32_t uid)
{
	size_t lo = 0, hi = k->nuids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->nuids && k->uids[lo] == uid ? (ssize_t)lo : -1;
}

/* UID and flags of a FETCH response; 0 when it has no UID or no FLAGS. */
static int att_flags(const struct mailimap_msg_att *att, uint32_t *uid, unsigned *flags)
{
	int have_flags = 0;

	*uid = 0;
	*flags = 0;
	if (!att || !att->att_list)
		return 0;
	for (clistiter *it = clist_begin(att->att_list); it; it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);
		if (!item)
			continue;
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			*flags |= imap_msg_flags(item->att_data.att_dyn);
			have_flags = 1;
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC && item->att_data.att_static &&
			   item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_UID) {
			*uid = item->att_data.att_static->att_data.att_uid;
		}
	}
	return *uid != 0 && have_flags;
}

static void report_flags(struct resync *r, const struct mailimap_msg_att *att)
{
	uint32_t uid;
	unsigned flags;
	ssize_t i;

	if (!att_flags(att, &uid, &flags) || (i = known_index(r->k, uid)) < 0)
		return;
	if (r->present)
		r->present[i] = 1;
	r->ops->flags(uid, flags, r->ctx);
}

static void flags_handler(struct mailimap_msg_att *att, void *ctx)
{
	report_flags(ctx, att);
}

static void no_progress(size_t cur, size_t max, void *ctx)
{
	(void)cur;
	(void)max;
	(void)ctx;
}

/* Reports every known UID in [first, last] as vanished. */
static void vanish_range(struct resync *r, uint32_t first, uint32_t last)
{
	const struct imap_resync_known *k = r->k;
	size_t lo = 0, hi = k->nuids;

	if (last < first) {
		uint32_t t = first;
		first = last;
		last = t;
	}
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->uids[mid] < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < k->nuids && k->uids[lo] <= last; lo++)
		r->ops->vanished(k->uids[lo], r->ctx);
}

/* Whether the server's HIGHESTMODSEQ can stand for every change since the
 * cached one. It cannot when there is none (NOMODSEQ), when it is below the
 * cached one, or when it has not moved although messages came or went (each
 * new message and each expunge takes a modseq above the old highest). Then
 * QRESYNC and CHANGEDSINCE answer with nothing while the folder did change:
 * a server that rebuilt its index counts modseqs anew (Dovecot keeps a
 * maildir's UIDs and UIDVALIDITY in dovecot-uidlist, not its modseqs), and
 * only the flags of every known UID tell what changed. */
static int modseq_trusted(const struct imap_select_info *info, const struct imap_resync_known *k)
{
	if (info->highestmodseq == 0 || info->highestmodseq < k->highestmodseq)
		return 0;
	if (info->highestmodseq > k->highestmodseq)
		return 1;
	return (k->uidnext == 0 || info->uidnext == 0 || info->uidnext == k->uidnext) &&
	       info->exists == k->nuids;
}

static int enable_qresync(struct imap_session *s, struct err *e)
{
	struct conn_op op;
	struct mailimap_capability_data *caps, *result = NULL;
	int r, on = 0;

	/* ENABLE is valid only in the authenticated state (RFC 5161): a
	 * session with a folder selected leaves it first, where UNSELECT
	 * (RFC 3691) allows; else QRESYNC stays off and CONDSTORE serves. */
	if (s->imap->imap_state == MAILIMAP_STATE_SELECTED) {
		int cond = MAILIMAP_RESP_COND_STATE_OK;
		if (!imap_cap(s, "UNSELECT"))
			return 0;
		conn_op_begin(s->conn, &op, "imap_unselect");
		r = imap_raw_command(s, "UNSELECT", 8, 0, &cond);
		if (r != MAILIMAP_NO_ERROR)
			return conn_op_done(s->conn, &op, imap_fail(s, r, "UNSELECT", e), e);
		if (cond != MAILIMAP_RESP_COND_STATE_OK)
			return conn_op_done(s->conn, &op, 0, e);   /* QRESYNC stays off */
		s->imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
		free(s->selected);
		s->selected = NULL;
		conn_op_done(s->conn, &op, 0, e);
	}
	caps = mailimap_capability_data_new(clist_new());
	if (!caps || !caps->cap_list)
		return err_set(e, ERR_INTERNAL, "out of memory building ENABLE");
	clist_append(caps->cap_list, mailimap_capability_new(MAILIMAP_CAPABILITY_NAME, NULL,
							      xstrdup("QRESYNC")));
	conn_op_begin(s->conn, &op, "imap_enable");
	r = mailimap_enable(s->imap, caps, &result);
	mailimap_capability_data_free(caps);
	for (clistiter *it = result && result->cap_list ? clist_begin(result->cap_list) : NULL; it;
	     it = clist_next(it)) {
		const struct mailimap_capability *c = clist_content(it);
		if (c && c->cap_type == MAILIMAP_CAPABILITY_NAME && c->cap_data.cap_name &&
		    strcasecmp(c->cap_data.cap_name, "QRESYNC") == 0)
			on = 1;
	}
	if (result)
		mailimap_capability_data_free(result);
	if (r != MAILIMAP_NO_ERROR)
		return conn_op_done(s->conn, &op, imap_fail(s, r, "ENABLE QRESYNC", e), e);
	s->qresync_enabled = on;
	return conn_op_done(s->conn, &op, 0, e);
}

/* EXAMINE "folder" (QRESYNC (uidvalidity modseq)), sent raw because
 * libetpan's call leaves out the parentheses RFC 4466 wants. *trusted is 0
 * (and nothing reported) when the answer cannot hold every change. */
static int examine_qresync(struct resync *rs, const char *folder, struct imap_select_info *info,
			   int *reset, int *trusted, struct err *e)
{
	struct imap_session *s = rs->s;
	struct conn_op op;
	struct strbuf cmd = STRBUF_INIT;
	char what[260];
	int r, cond = MAILIMAP_RESP_COND_STATE_OK, rc = 0;
	uint64_t modseq = 0;

	strbuf_appends(&cmd, "EXAMINE ");
	if (imap_append_astring(s, &cmd, folder, strlen(folder)) < 0) {
		strbuf_free(&cmd);
		return err_set(e, ERR_USAGE, "the folder name cannot be sent to the server");
	}
	strbuf_printf(&cmd, " (QRESYNC (%u %llu))", (unsigned)rs->k->uidvalidity,
		      (unsigned long long)rs->k->highestmodseq);
	imap_what(what, sizeof what, "opening", folder);
	free(s->selected);
	s->selected = NULL;
	/* Untagged EXISTS, UIDVALIDITY and UIDNEXT land in the selection info. */
	if (s->imap->imap_selection_info)
		mailimap_selection_info_free(s->imap->imap_selection_info);
	s->imap->imap_selection_info = mailimap_selection_info_new();
	conn_op_begin(s->conn, &op, "imap_select");
	r = imap_raw_command(s, cmd.s, cmd.len, 0, &cond);
	strbuf_free(&cmd);
	if (r != MAILIMAP_NO_ERROR)
		return conn_op_done(s->conn, &op, imap_fail(s, r, what, e), e);
	if (cond != MAILIMAP_RESP_COND_STATE_OK) {
		rc = imap_folder_fail(s, MAILIMAP_ERROR_EXTENSION, what, folder, e);
		return conn_op_done(s->conn, &op, rc, e);
	}
	s->imap->imap_state = MAILIMAP_STATE_SELECTED;
	s->selected = xstrdup(folder);
	const struct mailimap_selection_info *si = s->imap->imap_selection_info;
	if (si) {
		info->exists = si->sel_exists;
		info->uidvalidity = si->sel_uidvalidity;
		info->uidnext = si->sel_uidnext;
	}
	info->readonly = 1;
	struct mailimap_response_info *ri = s->imap->imap_response_info;
	for (clistiter *it = ri && ri->rsp_extension_list ? clist_begin(ri->rsp_extension_list) : NULL;
	     it; it = clist_next(it)) {
		const struct mailimap_extension_data *x = clist_content(it);
		if (!x || !x->ext_data)
			continue;
		if (x->ext_extension == &mailimap_extension_condstore &&
		    x->ext_type == MAILIMAP_CONDSTORE_TYPE_RESP_TEXT_CODE) {
			const struct mailimap_condstore_resptextcode *c = x->ext_data;
			if (c->cs_type == MAILIMAP_CONDSTORE_RESPTEXTCODE_HIGHESTMODSEQ)
				modseq = c->cs_data.cs_modseq_value;
		}
	}
	info->highestmodseq = modseq;
	if (info->uidvalidity != rs->k->uidvalidity) {
		*reset = 1;
		return conn_op_done(s->conn, &op, 0, e);
	}
	*trusted = modseq_trusted(info, rs->k);
	if (!*trusted)
		return conn_op_done(s->conn, &op, 0, e);
	/* The reply's data belongs to libetpan until the next command. */
	for (clistiter *it = ri && ri->rsp_extension_list ? clist_begin(ri->rsp_extension_list) : NULL;
	     it; it = clist_next(it)) {
		const struct mailimap_extension_data *x = clist_content(it);
		if (!x || !x->ext_data || x->ext_extension != &mailimap_extension_qresync ||
		    x->ext_type != MAILIMAP_QRESYNC_TYPE_VANISHED)
			continue;
		const struct mailimap_qresync_vanished *v = x->ext_data;
		if (!v->qr_known_uids || !v->qr_known_uids->set_list)
			continue;
		for (clistiter *j = clist_begin(v->qr_known_uids->set_list); j; j = clist_next(j)) {
			const struct mailimap_set_item *item = clist_content(j);
			if (item)
				vanish_range(rs, item->set_first,
					     item->set_last ? item->set_last : UINT32_MAX);
		}
	}
	for (clistiter *it = ri && ri->rsp_fetch_list ? clist_begin(ri->rsp_fetch_list) : NULL; it;
	     it = clist_next(it))
		report_flags(rs, clist_content(it));
	return conn_op_done(s->conn, &op, 0, e);
}

/* UID FETCH first:last (FLAGS) [(CHANGEDSINCE modseq)], one metered command. */
static int fetch_flags_range(struct resync *rs, uint32_t first, uint32_t last, uint64_t modseq,
			     struct err *e)
{
	struct imap_session *s = rs->s;
	struct conn_op op;
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	struct mailimap_set *set = mailimap_set_new_interval(first, last);
	clist *result = NULL;
	int r, rc = 0;

	if (!ft || !set) {
		mailimap_fetch_type_free(ft);
		mailimap_set_free(set);
		return err_set(e, ERR_INTERNAL, "out of memory building a FETCH");
	}
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_flags());
	mailimap_set_msg_att_handler(s->imap, flags_handler, rs);
	mailimap_set_progress_callback(s->imap, NULL, no_progress, NULL);
	conn_op_begin(s->conn, &op, "imap_resync_flags");
	r = modseq ? mailimap_uid_fetch_changedsince(s->imap, set, ft, modseq, &result)
		   : mailimap_uid_fetch(s->imap, set, ft, &result);
	if (s->imap) {
		mailimap_set_msg_att_handler(s->imap, NULL, NULL);
		mailimap_set_progress_callback(s->imap, NULL, NULL, NULL);
	}
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (result)
		mailimap_fetch_list_free(result);
	if (r != MAILIMAP_NO_ERROR) {
		char what[260];
		imap_what(what, sizeof what, "fetching flags in", s->selected);
		rc = imap_fail(s, r, what, e);
	}
	return conn_op_done(s->conn, &op, rc, e);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The known UIDs a UID SEARCH no longer finds have been expunged. */
static int find_expunged(struct resync *rs, const struct imap_select_info *info, struct err *e)
{
	const struct imap_resync_known *k = rs->k;
	uint32_t *uids = NULL;
	size_t n = 0, j = 0;
	char crit[64];

	/* Nothing new and as many messages as known: nothing left. */
	if (info->uidnext == k->uidnext && info->exists == k->nuids)
		return 0;
	if (k->nuids == 0)
		return 0;
	snprintf(crit, sizeof crit, "UID %u:%u", (unsigned)k->uids[0],
		 (unsigned)k->uids[k->nuids - 1]);
	if (imap_search(rs->s, crit, &uids, &n, e) != 0)
		return -1;
	if (n)
		qsort(uids, n, sizeof *uids, cmp_u32);
	for (size_t i = 0; i < k->nuids; i++) {
		while (j < n && uids[j] < k->uids[i])
			j++;
		if (j >= n || uids[j] != k->uids[i])
			rs->ops->vanished(k->uids[i], rs->ctx);
	}
	free(uids);
	return 0;
}

/* The flags of every known UID in spans; those the server does not answer
 * for are gone. The folder is selected. */
static int resync_full(struct resync *rs, struct err *e)
{
	const struct imap_resync_known *known = rs->k;
	int rc = 0;

	rs->present = xcalloc(known->nuids, 1);
	for (size_t i = 0; rc == 0 && i < known->nuids; i += FULL_SPAN) {
		size_t end = i + FULL_SPAN < known->nuids ? i + FULL_SPAN : known->nuids;
		rc = fetch_flags_range(rs, known->uids[i], known->uids[end - 1], 0, e);
	}
	for (size_t i = 0; rc == 0 && i < known->nuids; i++)
		if (!rs->present[i])
			rs->ops->vanished(known->uids[i], rs->ctx);
	free(rs->present);
	rs->present = NULL;
	return rc;
}

enum imap_resync_mode imap_resync_mode_used(struct imap_session *s, enum imap_resync_mode mode)
{
	int qresync = imap_cap(s, "QRESYNC") && imap_cap(s, "ENABLE");
	int condstore = imap_cap(s, "CONDSTORE") || qresync;

	if (mode == IMAP_RESYNC_FULL)
		return IMAP_RESYNC_FULL;
	if ((mode == IMAP_RESYNC_AUTO || mode == IMAP_RESYNC_QRESYNC) && qresync)
		return IMAP_RESYNC_QRESYNC;
	return condstore ? IMAP_RESYNC_CONDSTORE : IMAP_RESYNC_FULL;
}

int imap_resync(struct imap_session *s, const char *folder, enum imap_resync_mode mode,
		const struct imap_resync_known *known, const struct imap_resync_ops *ops,
		void *ctx, struct imap_select_info *info, int *reset, struct err *e)
{
	struct err tmp;
	struct resync rs = { s, known, ops, ctx, NULL };
	int rc = 0;

	if (!e)
		e = &tmp;
	*reset = 0;
	memset(info, 0, sizeof *info);
	if (imap_check_usable(s, e) < 0)
		return -1;
	mode = imap_resync_mode_used(s, mode);
	if (known->highestmodseq == 0)
		mode = IMAP_RESYNC_FULL;
	if (mode == IMAP_RESYNC_QRESYNC && !s->qresync_enabled) {
		if (enable_qresync(s, e) != 0)
			return -1;
		if (!s->qresync_enabled)
			mode = IMAP_RESYNC_CONDSTORE;
	}
	if (mode == IMAP_RESYNC_QRESYNC) {
		int trusted = 1;
		if (examine_qresync(&rs, folder, info, reset, &trusted, e) != 0)
			return -1;
		if (*reset || trusted || known->nuids == 0)
			return 0;
		return resync_full(&rs, e);
	}

	if (imap_select(s, folder, 1, info, e) != 0)
		return -1;
	if (info->uidvalidity != known->uidvalidity) {
		*reset = 1;
		return 0;
	}
	if (known->nuids == 0)
		return 0;
	uint32_t last = known->uids[known->nuids - 1];
	if (mode == IMAP_RESYNC_CONDSTORE && modseq_trusted(info, known)) {
		if (info->highestmodseq != known->highestmodseq)
			rc = fetch_flags_range(&rs, known->uids[0], last, known->highestmodseq, e);
		return rc == 0 ? find_expunged(&rs, info, e) : rc;
	}
	return resync_full(&rs, e);
}
