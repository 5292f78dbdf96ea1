/* Folder-level IMAP commands: LIST with SPECIAL-USE attributes, STATUS and
 * SELECT/EXAMINE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/imap_internal.h"
#include "util/xalloc.h"

static const struct {
	const char *attr;   /* without the backslash */
	unsigned flag;
} folder_attrs[] = {
	{ "Sent", IMAP_FOLDER_SENT },
	{ "Trash", IMAP_FOLDER_TRASH },
	{ "Drafts", IMAP_FOLDER_DRAFTS },
	{ "Junk", IMAP_FOLDER_JUNK },
	{ "Archive", IMAP_FOLDER_ARCHIVE },
	{ "All", IMAP_FOLDER_ALL },
	{ "Flagged", IMAP_FOLDER_FLAGGED },
	{ "HasChildren", IMAP_FOLDER_HASCHILDREN },
	{ "Noselect", IMAP_FOLDER_NOSELECT },
	{ "NonExistent", IMAP_FOLDER_NOSELECT },
};

static unsigned list_flags(const struct mailimap_mailbox_list *mb)
{
	const struct mailimap_mbx_list_flags *f = mb->mb_flag;
	unsigned flags = 0;

	if (!f)
		return 0;
	if (f->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    f->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		flags |= IMAP_FOLDER_NOSELECT;
	for (clistiter *it = f->mbf_oflags ? clist_begin(f->mbf_oflags) : NULL; it;
	     it = clist_next(it)) {
		const struct mailimap_mbx_list_oflag *o = clist_content(it);
		if (!o || o->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT || !o->of_flag_ext)
			continue;
		for (size_t i = 0; i < sizeof folder_attrs / sizeof folder_attrs[0]; i++)
			if (strcasecmp(o->of_flag_ext, folder_attrs[i].attr) == 0)
				flags |= folder_attrs[i].flag;
	}
	return flags;
}

/* Far above any real account; a server listing more (or streaming a LIST
 * without end, which libetpan would gather whole in memory) is refused. */
#define MAX_FOLDERS 100000
#define MAX_LIST_BYTES ((uint64_t)32 << 20)

int imap_list_folders(struct imap_session *s, struct imap_folder **out, size_t *n, struct err *e)
{
	struct err tmp;
	struct conn_op op;
	clist *list = NULL;
	struct imap_folder *v = NULL;
	size_t count = 0;
	int r;

	if (!e)
		e = &tmp;
	*out = NULL;
	*n = 0;
	if (imap_check_usable(s, e) < 0)
		return -1;
	conn_set_op_read_limit(s->conn, MAX_LIST_BYTES);
	conn_op_begin(s->conn, &op, "imap_list");
	r = mailimap_list(s->imap, "", "*", &list);
	conn_set_op_read_limit(s->conn, 0);
	if (r == MAILIMAP_NO_ERROR && clist_count(list) > MAX_FOLDERS) {
		mailimap_list_result_free(list);
		return conn_op_done(s->conn, &op,
				    err_set(e, ERR_PROTOCOL, "listing the folders failed: the server "
					    "listed more than %d folders", MAX_FOLDERS), e);
	}
	if (r != MAILIMAP_NO_ERROR) {
		if (list)
			mailimap_list_result_free(list);
		return conn_op_done(s->conn, &op, imap_fail(s, r, "listing the folders", e), e);
	}
	v = xreallocarray(NULL, (size_t)clist_count(list) + 1, sizeof *v);
	for (clistiter *it = clist_begin(list); it; it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);
		if (!mb || !mb->mb_name)
			continue;
		struct imap_folder *f = &v[count++];
		f->name = xstrdup(mb->mb_name);
		f->delim = mb->mb_delimiter;
		f->flags = list_flags(mb);
		if (strcasecmp(mb->mb_name, "INBOX") == 0) {
			f->flags |= IMAP_FOLDER_INBOX;
			f->display = xstrdup("INBOX");
		} else {
			f->display = imap_mutf7_to_utf8(mb->mb_name);
		}
	}
	mailimap_list_result_free(list);
	if (count == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = count;
	return conn_op_done(s->conn, &op, 0, e);
}

void imap_folders_free(struct imap_folder *f, size_t n)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].display);
	}
	free(f);
}

static int folder_no(struct imap_session *s, int r, const char *verb, const char *folder,
		     struct err *e)
{
	char shown[200], what[300];

	snprintf(what, sizeof what, "%s of %s", verb, imap_folder_shown(folder, shown, sizeof shown));
	return imap_folder_fail(s, r, what, folder, e);
}

static uint64_t status_modseq(const struct mailimap_status_info *si)
{
	const struct mailimap_extension_data *x = si->st_ext_data;

	if (x && x->ext_extension == &mailimap_extension_condstore &&
	    x->ext_type == MAILIMAP_CONDSTORE_TYPE_STATUS_INFO && x->ext_data) {
		const struct mailimap_condstore_status_info *c = x->ext_data;
		return c->cs_highestmodseq_value;
	}
	return 0;
}

int imap_folder_status(struct imap_session *s, const char *folder, struct imap_status *st,
		       struct err *e)
{
	struct err tmp;
	struct conn_op op;
	struct mailimap_status_att_list *atts;
	struct mailimap_mailbox_data_status *res = NULL;
	int r, condstore;

	if (!e)
		e = &tmp;
	memset(st, 0, sizeof *st);
	if (imap_check_usable(s, e) < 0)
		return -1;
	condstore = imap_cap(s, "CONDSTORE");
	atts = mailimap_status_att_list_new_empty();
	if (!atts)
		return err_set(e, ERR_INTERNAL, "out of memory building STATUS");
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UNSEEN);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDNEXT);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDVALIDITY);
	if (condstore)
		mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_HIGHESTMODSEQ);

	conn_op_begin(s->conn, &op, "imap_status");
	r = mailimap_status(s->imap, folder, atts, &res);
	mailimap_status_att_list_free(atts);
	if (r != MAILIMAP_NO_ERROR) {
		if (res)
			mailimap_mailbox_data_status_free(res);
		return conn_op_done(s->conn, &op, folder_no(s, r, "STATUS", folder, e), e);
	}
	for (clistiter *it = res && res->st_info_list ? clist_begin(res->st_info_list) : NULL; it;
	     it = clist_next(it)) {
		const struct mailimap_status_info *si = clist_content(it);
		if (!si)
			continue;
		switch (si->st_att) {
		case MAILIMAP_STATUS_ATT_MESSAGES: st->messages = si->st_value; break;
		case MAILIMAP_STATUS_ATT_UNSEEN: st->unseen = si->st_value; break;
		case MAILIMAP_STATUS_ATT_UIDNEXT: st->uidnext = si->st_value; break;
		case MAILIMAP_STATUS_ATT_UIDVALIDITY: st->uidvalidity = si->st_value; break;
		default:
			if (status_modseq(si))
				st->highestmodseq = status_modseq(si);
			break;
		}
	}
	if (res)
		mailimap_mailbox_data_status_free(res);
	return conn_op_done(s->conn, &op, 0, e);
}

int imap_select(struct imap_session *s, const char *folder, int readonly,
		struct imap_select_info *info, struct err *e)
{
	struct err tmp;
	struct conn_op op;
	uint64_t modseq = 0;
	int r;

	if (!e)
		e = &tmp;
	memset(info, 0, sizeof *info);
	if (imap_check_usable(s, e) < 0)
		return -1;
	/* A SELECT that fails leaves no folder selected (RFC 3501 6.3.1). */
	free(s->selected);
	s->selected = NULL;
	conn_op_begin(s->conn, &op, "imap_select");
	if (imap_cap(s, "CONDSTORE"))
		r = readonly ? mailimap_examine_condstore(s->imap, folder, &modseq)
			     : mailimap_select_condstore(s->imap, folder, &modseq);
	else
		r = readonly ? mailimap_examine(s->imap, folder) : mailimap_select(s->imap, folder);
	if (r != MAILIMAP_NO_ERROR)
		return conn_op_done(s->conn, &op,
				   folder_no(s, r, readonly ? "EXAMINE" : "SELECT", folder, e), e);
	const struct mailimap_selection_info *si = s->imap->imap_selection_info;
	if (si) {
		info->exists = si->sel_exists;
		info->uidvalidity = si->sel_uidvalidity;
		info->uidnext = si->sel_uidnext;
		info->readonly = readonly || si->sel_perm == MAILIMAP_MAILBOX_READONLY;
	}
	info->highestmodseq = modseq;
	s->selected = xstrdup(folder);
	return conn_op_done(s->conn, &op, 0, e);
}
