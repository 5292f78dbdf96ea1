/* Helpers shared by the batch commands: safe printing, arguments, folders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/folders.h"
#include "cli/commands.h"
#include "conf/account.h"
#include "mail/safe_text.h"
#include "util/xalloc.h"

void cli_print_safe(const char *text, int keep_newlines)
{
	char *safe = safe_text_terminal(text ? text : "", keep_newlines);

	fputs(safe, stdout);
	free(safe);
}

int cli_parse_uid(const char *s, uint32_t *uid, struct err *e)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '1' || s[0] > '9' || *end != '\0' || errno != 0 || v > 0xffffffffUL)
		return err_set(e, ERR_USAGE, "'%s' is not a message UID (skua list shows them)", s);
	*uid = (uint32_t)v;
	return 0;
}

int cli_folder_uid_args(int argc, char **argv, int extra, const char **folder, uint32_t *uid,
			struct err *e)
{
	int nargs = argc - 1 - extra;

	if (nargs < 1 || nargs > 2)
		return err_set(e, ERR_USAGE, "expected [FOLDER] UID");
	*folder = nargs == 2 ? argv[1] : NULL;
	return cli_parse_uid(argv[nargs], uid, e);
}

struct imap_session *cli_open_folder(struct app *a, const char *typed, char **folder,
				     struct err *e)
{
	struct imap_folder *f = NULL;
	size_t n = 0;
	struct imap_session *s = app_imap_connect(a, e);

	*folder = NULL;
	if (s == NULL)
		return NULL;
	if (app_folders_list(s, &f, &n, e) == 0)
		*folder = app_folder_resolve(a->account, f, n, typed ? typed : "INBOX", e);
	imap_folders_free(f, n);
	if (*folder == NULL) {
		imap_session_close(s);
		return NULL;
	}
	return s;
}
