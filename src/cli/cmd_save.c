/* skua save: every attachment of a message into a directory, never overwriting. */
#include <stdio.h>
#include <stdlib.h>

#include "app/messages.h"
#include "cli/commands.h"


static void saved(const char *path, size_t size, void *ctx)
{
	(void)ctx;
	cli_print_safe(path, 0);
	printf("\t%zu bytes\n", size);
}

int cmd_save(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	const char *typed;
	char *folder;
	uint32_t uid;
	struct imap_session *s;
	int rc;

	(void)o;
	if (argc < 3 || argc > 4)
		return err_set(e, ERR_USAGE, "usage: skua save [FOLDER] UID DIR");
	if (cli_folder_uid_args(argc, argv, 1, &typed, &uid, e) != 0)
		return -1;
	s = cli_open_folder(a, typed, &folder, e);
	if (s == NULL)
		return -1;
	rc = app_message_save_attachments(s, folder, uid, argv[argc - 1], saved, NULL, e);
	free(folder);
	imap_session_close(s);
	return rc < 0 ? -1 : 0;
}
