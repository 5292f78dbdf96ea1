/* skua list: one line per message of a folder. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/messages.h"
#include "cli/commands.h"

/* Flag letters in mutt's spirit: N new, r replied, ! flagged, D deleted. */
static void flag_letters(unsigned flags, char out[5])
{
	out[0] = (flags & MSG_SEEN) ? '-' : 'N';
	out[1] = (flags & MSG_ANSWERED) ? 'r' : '-';
	out[2] = (flags & MSG_FLAGGED) ? '!' : '-';
	out[3] = (flags & MSG_DELETED) ? 'D' : '-';
	out[4] = '\0';
}

static int print_summary(const struct app_summary *m, void *ctx)
{
	char date[32] = "-", flags[5];
	time_t t = (time_t)m->date;
	struct tm tm;

	(void)ctx;
	if (m->date > 0 && localtime_r(&t, &tm) != NULL)
		strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
	flag_letters(m->flags, flags);
	printf("%u\t%s\t%s\t%u\t%s\t", m->uid, date, flags, m->size, m->has_attachment ? "@" : "-");
	cli_print_safe(m->from, 0);
	putchar('\t');
	cli_print_safe(m->subject, 0);
	putchar('\n');
	return 0;
}

int cmd_list(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	char *folder;
	struct imap_session *s;
	int rc;

	(void)o;
	if (argc > 2)
		return err_set(e, ERR_USAGE, "usage: skua list [FOLDER]");
	s = cli_open_folder(a, argc == 2 ? argv[1] : NULL, &folder, e);
	if (s == NULL)
		return -1;
	rc = app_messages_list(s, folder, print_summary, NULL, NULL, e);
	free(folder);
	imap_session_close(s);
	return rc;
}
