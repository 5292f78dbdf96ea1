/* Folder list order, special folders and name resolution. */
#include "app/folders.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

static const struct role {
	unsigned flag;
	const char *name;
	const char *key;      /* suffix of the folder_* config key */
	/* Names used by servers without SPECIAL-USE; compared case-insensitively. */
	const char *common[6];
} roles[] = {
	{ IMAP_FOLDER_DRAFTS, "Drafts", "drafts", { "Drafts", "Draft", "[Gmail]/Drafts", "INBOX.Drafts", NULL } },
	{ IMAP_FOLDER_SENT, "Sent", "sent", { "Sent", "Sent Items", "Sent Messages", "Sent Mail",
				      "[Gmail]/Sent Mail", "INBOX.Sent" } },
	{ IMAP_FOLDER_JUNK, "Junk", "junk", { "Junk", "Spam", "Junk E-mail", "Junk Email", "[Gmail]/Spam", NULL } },
	{ IMAP_FOLDER_TRASH, "Trash", "trash", { "Trash", "Deleted Items", "Deleted Messages", "Bin",
					"[Gmail]/Trash", "INBOX.Trash" } },
	{ IMAP_FOLDER_ARCHIVE, "Archive", "archive", { "Archive", "Archives", "[Gmail]/All Mail", NULL } },
};

const char *app_folder_role_name(unsigned role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].flag == role)
			return roles[i].name;
	return NULL;
}

static int rank(const struct imap_folder *f)
{
	if (f->flags & IMAP_FOLDER_INBOX)
		return 0;
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (f->flags & roles[i].flag)
			return 1 + (int)i;
	return 100;
}

static int folder_cmp(const void *pa, const void *pb)
{
	const struct imap_folder *a = pa, *b = pb;
	int ra = rank(a), rb = rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(a->display, b->display);
}

int app_folders_list(struct imap_session *s, struct imap_folder **out, size_t *n, struct err *e)
{
	if (imap_list_folders(s, out, n, e) != 0)
		return -1;
	qsort(*out, *n, sizeof **out, folder_cmp);
	return 0;
}

void app_folders_mark_roles(const struct account *acct, struct imap_folder *f, size_t n)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		struct err ignored;
		char *name = app_folder_special(acct, f, n, roles[i].flag, &ignored);
		for (size_t j = 0; name != NULL && j < n; j++)
			if (strcmp(f[j].name, name) == 0)
				f[j].flags |= roles[i].flag;
		free(name);
	}
	qsort(f, n, sizeof *f, folder_cmp);
}

static const char *account_override(const struct account *acct, unsigned role)
{
	switch (role) {
	case IMAP_FOLDER_SENT: return acct->folder_sent;
	case IMAP_FOLDER_TRASH: return acct->folder_trash;
	case IMAP_FOLDER_DRAFTS: return acct->folder_drafts;
	case IMAP_FOLDER_JUNK: return acct->folder_junk;
	case IMAP_FOLDER_ARCHIVE: return acct->folder_archive;
	}
	return NULL;
}

static const struct imap_folder *by_display(const struct imap_folder *f, size_t n,
					    const char *name, int icase)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].flags & IMAP_FOLDER_NOSELECT)
			continue;
		if (icase ? strcasecmp(f[i].display, name) == 0 : strcmp(f[i].display, name) == 0)
			return &f[i];
	}
	return NULL;
}

char *app_folder_special(const struct account *acct, const struct imap_folder *f, size_t n,
			 unsigned role, struct err *e)
{
	const char *override = account_override(acct, role);
	const struct role *r = NULL;

	if (override != NULL) {
		const struct imap_folder *hit = by_display(f, n, override, 0);
		if (hit == NULL) {
			err_set(e, ERR_NOTFOUND, "the %s folder '%s' set in the config does not exist",
				app_folder_role_name(role), override);
			return NULL;
		}
		return xstrdup(hit->name);
	}
	for (size_t i = 0; i < n; i++)
		if ((f[i].flags & role) && !(f[i].flags & IMAP_FOLDER_NOSELECT))
			return xstrdup(f[i].name);
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].flag == role)
			r = &roles[i];
	for (size_t i = 0; r != NULL && i < sizeof r->common / sizeof r->common[0]; i++) {
		const struct imap_folder *hit;
		if (r->common[i] != NULL && (hit = by_display(f, n, r->common[i], 1)) != NULL)
			return xstrdup(hit->name);
	}
	err_set(e, ERR_NOTFOUND,
		"the server marks no folder as %s and none has a usual name; set folder_%s in the "
		"account's config",
		r ? r->name : "special", r ? r->key : "?");
	return NULL;
}

char *app_folder_resolve(const struct account *acct, const struct imap_folder *f, size_t n,
			 const char *typed, struct err *e)
{
	const struct imap_folder *hit = by_display(f, n, typed, 0);

	if (hit == NULL && strcasecmp(typed, "inbox") == 0)
		for (size_t i = 0; i < n && hit == NULL; i++)
			if (f[i].flags & IMAP_FOLDER_INBOX)
				hit = &f[i];
	if (hit != NULL)
		return xstrdup(hit->name);
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcasecmp(typed, roles[i].name) == 0) {
			struct err ignored;
			char *name = app_folder_special(acct, f, n, roles[i].flag, &ignored);
			if (name != NULL)
				return name;
		}
	/* A name differing only in case is a likely typo worth pointing out. */
	hit = by_display(f, n, typed, 1);
	if (hit != NULL)
		err_set(e, ERR_NOTFOUND, "no folder named '%s' (did you mean '%s'?)", typed,
			hit->display);
	else
		err_set(e, ERR_NOTFOUND, "no folder named '%s' (skua folders lists them)", typed);
	return NULL;
}
