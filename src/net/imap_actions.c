/* Commands that change or query messages: UID STORE, COPY, MOVE (or its
 * COPY + EXPUNGE fallback), UID EXPUNGE, APPEND and UID SEARCH. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "net/imap_internal.h"
#include "util/xalloc.h"

/* \Recent belongs to the server alone. */
#define STORABLE (MSG_SEEN | MSG_ANSWERED | MSG_FLAGGED | MSG_DELETED | MSG_DRAFT | MSG_FORWARDED)

/* NULL when flags hold nothing storable. */
static struct mailimap_flag_list *flag_list(unsigned flags)
{
	struct mailimap_flag_list *fl;

	if (!(flags & STORABLE))
		return NULL;
	fl = mailimap_flag_list_new_empty();
	if (!fl)
		return NULL;
	if (flags & MSG_SEEN)
		mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	if (flags & MSG_ANSWERED)
		mailimap_flag_list_add(fl, mailimap_flag_new_answered());
	if (flags & MSG_FLAGGED)
		mailimap_flag_list_add(fl, mailimap_flag_new_flagged());
	if (flags & MSG_DELETED)
		mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	if (flags & MSG_DRAFT)
		mailimap_flag_list_add(fl, mailimap_flag_new_draft());
	if (flags & MSG_FORWARDED)
		mailimap_flag_list_add(fl, mailimap_flag_new_flag_keyword(xstrdup("$Forwarded")));
	return fl;
}

/* What a command over a UID set needs besides the set. */
struct piece_args {
	const char *dest;   /* COPY, MOVE */
	struct imap_moved *moved;   /* COPY, MOVE: COPYUID gathered here, may be NULL */
	int add;            /* STORE: +FLAGS or -FLAGS */
	unsigned flags;     /* STORE */
};

/* One command over at most IMAP_SET_MAX_RANGES ranges of rg, from range from. */
typedef int (*piece_fn)(struct imap_session *s, const struct imap_uid_ranges *rg, size_t from,
			const struct piece_args *a, struct err *e);

/* The command over the whole set, piece by piece, as one metered operation. */
static int run_pieces(struct imap_session *s, const char *op_name, const uint32_t *uids, size_t n,
		      piece_fn fn, const struct piece_args *a, struct err *e)
{
	struct conn_op op;
	struct imap_uid_ranges rg;
	int rc = 0;

	imap_uid_ranges_build(&rg, uids, n);
	if (rg.n == 0)
		return 0;
	conn_op_begin(s->conn, &op, op_name);
	for (size_t i = 0; rc == 0 && i < rg.n; i += IMAP_SET_MAX_RANGES)
		rc = fn(s, &rg, i, a, e);
	imap_uid_ranges_free(&rg);
	return conn_op_done(s->conn, &op, rc, e);
}

static int store_piece(struct imap_session *s, const struct imap_uid_ranges *rg, size_t from,
		       const struct piece_args *a, struct err *e)
{
	struct mailimap_flag_list *fl = flag_list(a->flags);
	struct mailimap_store_att_flags *att;
	struct mailimap_set *set;
	char what[260];
	int r;

	if (!fl)
		return 0;
	att = a->add ? mailimap_store_att_flags_new_add_flags_silent(fl)
		  : mailimap_store_att_flags_new_remove_flags_silent(fl);
	set = imap_uid_ranges_set(rg, from, IMAP_SET_MAX_RANGES);
	if (!att || !set) {
		if (att)
			mailimap_store_att_flags_free(att);
		else
			mailimap_flag_list_free(fl);
		mailimap_set_free(set);
		return err_set(e, ERR_INTERNAL, "out of memory building a STORE");
	}
	r = mailimap_uid_store(s->imap, set, att);
	mailimap_store_att_flags_free(att);
	mailimap_set_free(set);
	if (r == MAILIMAP_NO_ERROR)
		return 0;
	imap_what(what, sizeof what, "changing flags in", s->selected);
	return imap_fail(s, r, what, e);
}

int imap_store_flags(struct imap_session *s, const uint32_t *uids, size_t n, int add,
		     unsigned flags, struct err *e)
{
	struct piece_args a = { .add = add, .flags = flags };
	struct err tmp;

	if (!e)
		e = &tmp;
	if (imap_check_selected(s, "changing flags", e) < 0)
		return -1;
	if (!(flags & STORABLE))
		return 0;
	return run_pieces(s, "imap_store", uids, n, store_piece, &a, e);
}

/* Adds the COPYUID pairs of one command: the two sets list the same number
 * of UIDs in matching order (RFC 4315). A reply that breaks that is
 * ignored rather than trusted halfway. */
static void note_copyuid(struct imap_moved *m, uint32_t uidvalidity, struct mailimap_set *src,
			 struct mailimap_set *dst)
{
	clistiter *si, *di;
	size_t start;
	uint64_t ns = 0, nd = 0;

	if (m == NULL || src == NULL || dst == NULL)
		return;
	for (si = clist_begin(src->set_list); si; si = clist_next(si)) {
		struct mailimap_set_item *it = clist_content(si);
		ns += it->set_last >= it->set_first ? (uint64_t)it->set_last - it->set_first + 1 : 0;
	}
	for (di = clist_begin(dst->set_list); di; di = clist_next(di)) {
		struct mailimap_set_item *it = clist_content(di);
		nd += it->set_last >= it->set_first ? (uint64_t)it->set_last - it->set_first + 1 : 0;
	}
	/* A hostile server could announce ranges of billions. */
	if (ns != nd || ns == 0 || ns > 1000000)
		return;
	start = m->n;
	if (m->n + ns > m->cap) {
		m->cap = m->n + (size_t)ns;
		m->src = xreallocarray(m->src, m->cap, sizeof *m->src);
		m->dst = xreallocarray(m->dst, m->cap, sizeof *m->dst);
	}
	for (si = clist_begin(src->set_list); si; si = clist_next(si)) {
		struct mailimap_set_item *it = clist_content(si);
		for (uint64_t u = it->set_first; u <= it->set_last && it->set_last >= it->set_first; u++)
			m->src[m->n++] = (uint32_t)u;
	}
	m->n = start;
	for (di = clist_begin(dst->set_list); di; di = clist_next(di)) {
		struct mailimap_set_item *it = clist_content(di);
		for (uint64_t u = it->set_first; u <= it->set_last && it->set_last >= it->set_first; u++)
			m->dst[m->n++] = (uint32_t)u;
	}
	m->uidvalidity = uidvalidity;
}

void imap_moved_free(struct imap_moved *m)
{
	if (m == NULL)
		return;
	free(m->src);
	free(m->dst);
	memset(m, 0, sizeof *m);
}

uint32_t imap_moved_find(const struct imap_moved *m, uint32_t src)
{
	for (size_t i = 0; m != NULL && i < m->n; i++)
		if (m->src[i] == src)
			return m->dst[i];
	return 0;
}

typedef int uidplus_fn(mailimap *, struct mailimap_set *, const char *, uint32_t *,
		       struct mailimap_set **, struct mailimap_set **);
typedef int plain_fn(mailimap *, struct mailimap_set *, const char *);

/* COPY or MOVE of set to dest: the UIDPLUS call where offered, so that the
 * server's COPYUID lands in moved, else the plain one. */
static int with_copyuid(struct imap_session *s, struct mailimap_set *set, const char *dest,
			uidplus_fn *uidplus, plain_fn *plain, struct imap_moved *moved)
{
	struct mailimap_set *src = NULL, *dst = NULL;
	uint32_t uidvalidity = 0;
	int r;

	if (!imap_cap(s, "UIDPLUS"))
		return plain(s->imap, set, dest);
	r = uidplus(s->imap, set, dest, &uidvalidity, &src, &dst);
	if (r == MAILIMAP_NO_ERROR)
		note_copyuid(moved, uidvalidity, src, dst);
	if (src)
		mailimap_set_free(src);
	if (dst)
		mailimap_set_free(dst);
	return r;
}

static int copy_piece(struct imap_session *s, const struct imap_uid_ranges *rg, size_t from,
		      const struct piece_args *a, struct err *e)
{
	const char *dest = a->dest;
	struct mailimap_set *set = imap_uid_ranges_set(rg, from, IMAP_SET_MAX_RANGES);
	char what[260];
	int r;

	if (!set)
		return err_set(e, ERR_INTERNAL, "out of memory building a COPY");
	r = with_copyuid(s, set, dest, mailimap_uidplus_uid_copy, mailimap_uid_copy, a->moved);
	mailimap_set_free(set);
	if (r == MAILIMAP_NO_ERROR)
		return 0;
	imap_what(what, sizeof what, "copying messages to", dest);
	return imap_folder_fail(s, r, what, dest, e);
}

static int expunge_piece(struct imap_session *s, const struct imap_uid_ranges *rg, size_t from,
			 const struct piece_args *a, struct err *e)
{
	struct mailimap_set *set = imap_uid_ranges_set(rg, from, IMAP_SET_MAX_RANGES);
	char what[260];
	int r;

	if (!set)
		return err_set(e, ERR_INTERNAL, "out of memory building a UID EXPUNGE");
	r = mailimap_uid_expunge(s->imap, set);
	mailimap_set_free(set);
	if (r == MAILIMAP_NO_ERROR)
		return 0;
	imap_what(what, sizeof what, "expunging messages in", s->selected);
	return imap_fail(s, r, what, e);
}

int imap_copy(struct imap_session *s, const uint32_t *uids, size_t n, const char *dest,
	      struct err *e)
{
	struct piece_args a = { .dest = dest };
	struct err tmp;

	if (!e)
		e = &tmp;
	if (imap_check_selected(s, "copying messages", e) < 0)
		return -1;
	return run_pieces(s, "imap_copy", uids, n, copy_piece, &a, e);
}

static int move_piece(struct imap_session *s, const struct imap_uid_ranges *rg, size_t from,
		      const struct piece_args *a, struct err *e)
{
	static const struct piece_args mark_deleted = { .add = 1, .flags = MSG_DELETED };
	const char *dest = a->dest;
	char what[260];
	int r;

	if (!imap_cap(s, "MOVE")) {
		/* Each step names exactly these UIDs, so messages someone else
		 * marked \Deleted stay where they are. */
		if (copy_piece(s, rg, from, a, e) < 0 ||
		    store_piece(s, rg, from, &mark_deleted, e) < 0)
			return -1;
		return expunge_piece(s, rg, from, a, e);
	}
	struct mailimap_set *set = imap_uid_ranges_set(rg, from, IMAP_SET_MAX_RANGES);
	if (!set)
		return err_set(e, ERR_INTERNAL, "out of memory building a MOVE");
	r = with_copyuid(s, set, dest, mailimap_uidplus_uid_move, mailimap_uid_move, a->moved);
	mailimap_set_free(set);
	if (r == MAILIMAP_NO_ERROR)
		return 0;
	imap_what(what, sizeof what, "moving messages to", dest);
	return imap_folder_fail(s, r, what, dest, e);
}

int imap_move(struct imap_session *s, const uint32_t *uids, size_t n, const char *dest,
	      struct err *e)
{
	return imap_move_report(s, uids, n, dest, NULL, e);
}

int imap_move_report(struct imap_session *s, const uint32_t *uids, size_t n, const char *dest,
		     struct imap_moved *moved, struct err *e)
{
	struct piece_args a = { .dest = dest, .moved = moved };
	struct err tmp;

	if (!e)
		e = &tmp;
	if (imap_check_selected(s, "moving messages", e) < 0)
		return -1;
	if (!imap_cap(s, "MOVE") && !imap_cap(s, "UIDPLUS"))
		return err_set(e, ERR_PROTOCOL,
			       "cannot move messages: %s offers neither MOVE nor UIDPLUS, and a "
			       "plain EXPUNGE could delete other messages",
			       conn_host(s->conn));
	return run_pieces(s, "imap_move", uids, n, move_piece, &a, e);
}

int imap_expunge_uids(struct imap_session *s, const uint32_t *uids, size_t n, struct err *e)
{
	struct piece_args a = { 0 };
	struct err tmp;

	if (!e)
		e = &tmp;
	if (imap_check_selected(s, "expunging messages", e) < 0)
		return -1;
	if (!imap_cap(s, "UIDPLUS"))
		return err_set(e, ERR_PROTOCOL,
			       "cannot expunge single messages: %s lacks UIDPLUS, and a plain "
			       "EXPUNGE could delete other messages",
			       conn_host(s->conn));
	return run_pieces(s, "imap_expunge", uids, n, expunge_piece, &a, e);
}

static struct mailimap_date_time *now_date(void)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return NULL;
	long off = tm.tm_gmtoff, aoff = off < 0 ? -off : off;
	/* libetpan writes the zone as the decimal number hhmm. */
	int zone = (int)(aoff / 3600 * 100 + aoff % 3600 / 60) * (off < 0 ? -1 : 1);
	return mailimap_date_time_new(tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour,
				      tm.tm_min, tm.tm_sec, zone);
}

int imap_append(struct imap_session *s, const char *folder, unsigned flags, const char *msg,
		size_t len, uint32_t *uid_out, struct err *e)
{
	struct err tmp;
	struct conn_op op;
	struct mailimap_flag_list *fl;
	struct mailimap_date_time *date;
	uint32_t uidvalidity = 0, uid = 0;
	char what[260];
	int r, rc = 0;

	if (!e)
		e = &tmp;
	if (uid_out)
		*uid_out = 0;
	if (imap_check_usable(s, e) < 0)
		return -1;
	fl = flag_list(flags);
	date = now_date();
	conn_op_begin(s->conn, &op, "imap_append");
	if (imap_cap(s, "UIDPLUS"))
		r = mailimap_uidplus_append(s->imap, folder, fl, date, msg, len, &uidvalidity, &uid);
	else
		r = mailimap_append(s->imap, folder, fl, date, msg, len);
	if (fl)
		mailimap_flag_list_free(fl);
	if (date)
		mailimap_date_time_free(date);
	if (r != MAILIMAP_NO_ERROR) {
		imap_what(what, sizeof what, "saving a message to", folder);
		rc = imap_folder_fail(s, r, what, folder, e);
	} else if (uid_out) {
		*uid_out = uid;
	}
	return conn_op_done(s->conn, &op, rc, e);
}

/* "UID SEARCH [CHARSET UTF-8] criteria", with quoted strings that hold 8-bit
 * text re-sent as literals where the server allows it. -1 if the criteria
 * could smuggle in a second command. */
static int search_command(struct imap_session *s, const char *criteria, struct strbuf *cmd)
{
	const char *p = criteria;
	int eight = 0;

	for (; *p; p++) {
		if (*p == '\r' || *p == '\n')
			return -1;
		if ((unsigned char)*p >= 0x80)
			eight = 1;
	}
	strbuf_appends(cmd, "UID SEARCH ");
	if (eight && strncasecmp(criteria, "CHARSET ", 8) != 0)
		strbuf_appends(cmd, "CHARSET UTF-8 ");
	for (p = criteria; *p;) {
		if (*p != '"') {
			strbuf_appendc(cmd, *p++);
			continue;
		}
		struct strbuf q = STRBUF_INIT;
		const char *start = p++;
		int q8 = 0;
		while (*p && *p != '"') {
			if (*p == '\\' && p[1])
				p++;
			if ((unsigned char)*p >= 0x80)
				q8 = 1;
			strbuf_appendc(&q, *p++);
		}
		if (*p == '"')
			p++;
		if (!q8 || imap_append_astring(s, cmd, q.s ? q.s : "", q.len) < 0)
			strbuf_append(cmd, start, (size_t)(p - start));
		strbuf_free(&q);
	}
	return 0;
}

int imap_search(struct imap_session *s, const char *criteria, uint32_t **uids, size_t *n,
		struct err *e)
{
	struct err tmp;
	struct conn_op op;
	struct strbuf cmd = STRBUF_INIT;
	char what[260], text[256];
	int r, cond = MAILIMAP_RESP_COND_STATE_OK, rc = 0;

	if (!e)
		e = &tmp;
	*uids = NULL;
	*n = 0;
	if (imap_check_selected(s, "searching", e) < 0)
		return -1;
	if (!criteria || !*criteria || search_command(s, criteria, &cmd) < 0) {
		strbuf_free(&cmd);
		return err_set(e, ERR_USAGE, "invalid search criteria");
	}
	imap_what(what, sizeof what, "searching in", s->selected);
	conn_op_begin(s->conn, &op, "imap_search");
	r = imap_raw_command(s, cmd.s, cmd.len, 0, &cond);
	strbuf_free(&cmd);
	if (r != MAILIMAP_NO_ERROR) {
		rc = imap_fail(s, r, what, e);
	} else if (cond != MAILIMAP_RESP_COND_STATE_OK) {
		rc = err_set(e, ERR_PROTOCOL, "%s failed: server said: %s", what,
			     imap_server_text(s, text, sizeof text));
	} else {
		/* The list belongs to libetpan until the next command. */
		const struct mailimap_response_info *ri = s->imap->imap_response_info;
		clist *res = ri ? ri->rsp_search_result : NULL;
		size_t count = res ? (size_t)clist_count(res) : 0, k = 0;
		if (count) {
			*uids = xreallocarray(NULL, count, sizeof **uids);
			for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
				const uint32_t *u = clist_content(it);
				if (u && *u)
					(*uids)[k++] = *u;
			}
		}
		*n = k;
	}
	return conn_op_done(s->conn, &op, rc, e);
}
