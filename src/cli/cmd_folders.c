/* skua folders: every folder with its role and message counts. */
#include <stdio.h>
#include <stdlib.h>

#include "app/folders.h"
#include "cli/commands.h"

static const char *role_of(unsigned flags)
{
	static const unsigned order[] = { IMAP_FOLDER_DRAFTS, IMAP_FOLDER_SENT, IMAP_FOLDER_JUNK,
					  IMAP_FOLDER_TRASH, IMAP_FOLDER_ARCHIVE };

	if (flags & IMAP_FOLDER_INBOX)
		return "inbox";
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (flags & order[i])
			return app_folder_role_name(order[i]);
	return "-";
}

int cmd_folders(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	struct imap_folder *f = NULL;
	size_t n = 0;
	struct imap_session *s;

	(void)o;
	(void)argv;
	if (argc > 1)
		return err_set(e, ERR_USAGE, "usage: skua folders");
	s = app_imap_connect(a, e);
	if (s == NULL)
		return -1;
	if (app_folders_list(s, &f, &n, e) != 0) {
		imap_session_close(s);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct imap_status st = { 0 };
		struct err ignored;

		if (f[i].flags & IMAP_FOLDER_NOSELECT) {
			printf("%7s %7s  %-7s ", "-", "-", "-");
		} else if (imap_folder_status(s, f[i].name, &st, &ignored) == 0) {
			printf("%7u %7u  %-7s ", st.messages, st.unseen, role_of(f[i].flags));
		} else {
			printf("%7s %7s  %-7s ", "?", "?", role_of(f[i].flags));
		}
		cli_print_safe(f[i].display, 0);
		putchar('\n');
	}
	imap_folders_free(f, n);
	imap_session_close(s);
	return 0;
}
