/* Flags, copies and moves on the server. */
#include "app/actions.h"

#include <string.h>


int app_action_flags(struct imap_session *s, const char *folder, const uint32_t *uids, size_t n,
		     int add, unsigned flags, struct err *e)
{
	struct imap_select_info info;

	if (n == 0)
		return 0;
	if (imap_select(s, folder, 0, &info, e) != 0)
		return -1;
	if (info.readonly)
		return err_set(e, ERR_PROTOCOL, "the server opens %s read-only, so flags cannot change",
			       folder);
	return imap_store_flags(s, uids, n, add, flags, e);
}

int app_action_expunge(struct imap_session *s, const char *folder, const uint32_t *uids, size_t n,
		       struct err *e)
{
	struct imap_select_info info;

	if (n == 0)
		return 0;
	if (!imap_session_has_cap(s, "UIDPLUS"))
		return err_set(e, ERR_PROTOCOL,
			       "the server cannot expunge single messages (no UIDPLUS), so nothing "
			       "was deleted");
	if (imap_select(s, folder, 0, &info, e) != 0)
		return -1;
	if (info.readonly)
		return err_set(e, ERR_PROTOCOL,
			       "the server opens %s read-only, so nothing can be deleted from it",
			       folder);
	if (imap_store_flags(s, uids, n, 1, MSG_DELETED, e) != 0)
		return -1;
	return imap_expunge_uids(s, uids, n, e);
}

int app_action_move(struct imap_session *s, const char *folder, const uint32_t *uids, size_t n,
		    const char *dest, struct imap_moved *moved, struct err *e)
{
	struct imap_select_info info;

	if (strcmp(folder, dest) == 0)
		return err_set(e, ERR_USAGE, "the message is already in that folder");
	if (n == 0)
		return 0;
	if (imap_select(s, folder, 0, &info, e) != 0)
		return -1;
	if (info.readonly)
		return err_set(e, ERR_PROTOCOL,
			       "the server opens %s read-only, so nothing can be moved out of it",
			       folder);
	return imap_move_report(s, uids, n, dest, moved, e);
}

int app_action_copy(struct imap_session *s, const char *folder, const uint32_t *uids, size_t n,
		    const char *dest, struct err *e)
{
	struct imap_select_info info;

	if (strcmp(folder, dest) == 0)
		return err_set(e, ERR_USAGE, "the message is already in that folder");
	if (n == 0)
		return 0;
	/* COPY changes nothing in the source: read-only is enough. */
	if (imap_select(s, folder, 1, &info, e) != 0)
		return -1;
	return imap_copy(s, uids, n, dest, e);
}
