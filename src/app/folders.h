/* Folders as a user sees them: the list in a useful order, the special folders
 * (Sent, Trash, Drafts, Junk) found by SPECIAL-USE, config override or common
 * names, and a user-typed folder name resolved to the server's name. */
#ifndef SKUA_APP_FOLDERS_H
#define SKUA_APP_FOLDERS_H

#include <stddef.h>

#include "conf/account.h"
#include "net/imap_session.h"
#include "util/err.h"

/* LIST, sorted: INBOX, then Drafts, Sent, Junk, Trash, Archive, then the rest by
 * name. Caller frees with imap_folders_free. */
int app_folders_list(struct imap_session *s, struct imap_folder **out, size_t *n, struct err *e);

/* Gives the folders that app_folder_special finds by the account's override
 * or a common name (a server without SPECIAL-USE) their role flag, so they
 * sort and show like marked ones, then sorts f as app_folders_list does. */
void app_folders_mark_roles(const struct account *acct, struct imap_folder *f, size_t n);

/* The server name of the folder with role IMAP_FOLDER_SENT/TRASH/DRAFTS/JUNK/
 * ARCHIVE: the account's override, else the SPECIAL-USE attribute, else a
 * common name ("Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail" ...).
 * Returns NULL with ERR_NOTFOUND when there is none. Caller frees. */
char *app_folder_special(const struct account *acct, const struct imap_folder *f, size_t n,
			 unsigned role, struct err *e);

/* Resolves what a user typed ("inbox", "Sent", "Entwürfe", "[Gmail]/Sent Mail")
 * to the server's folder name: exact display name, then INBOX case-insensitive,
 * then a special-folder role name (sent, trash, drafts, junk, archive). NULL
 * with ERR_NOTFOUND otherwise. Caller frees. */
char *app_folder_resolve(const struct account *acct, const struct imap_folder *f, size_t n,
			 const char *typed, struct err *e);

/* "Sent", "Trash" ... for a role flag; NULL if it is not a role. */
const char *app_folder_role_name(unsigned role);

#endif
