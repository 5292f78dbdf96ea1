/* skua read: a message as text, headers first, attachments listed last. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/folder_sync.h"
#include "app/messages.h"
#include "app/notify.h"
#include "app/viewer.h"
#include "cli/commands.h"
#include "mail/safe_text.h"

static void header(const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	printf("%s: ", name);
	cli_print_safe(value, 0);
	putchar('\n');
}

int cmd_read(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	const char *typed;
	char *folder;
	uint32_t uid;
	struct imap_session *s;
	struct mail_message *m;

	(void)o;
	if (argc < 2 || argc > 3)
		return err_set(e, ERR_USAGE, "usage: skua read [FOLDER] UID");
	if (cli_folder_uid_args(argc, argv, 0, &typed, &uid, e) != 0)
		return -1;
	s = cli_open_folder(a, typed, &folder, e);
	if (s == NULL)
		return -1;
	/* A message read before comes from the header cache's bodies. */
	char *note = NULL;
	struct store *st = app_cache_open(a, &note);
	if (note != NULL) {
		char *safe = safe_text_terminal(note, 0);
		fprintf(stderr, "skua: note: %s\n", safe);
		free(safe);
		free(note);
	}
	m = app_message_fetch_cached(st, app_body_cache_limit(a), s, folder, uid, NULL, NULL, e);
	store_close(st);
	free(folder);
	imap_session_close(s);
	if (m == NULL)
		return -1;
	viewer_render_html(&a->mailcap, m);
	app_notify(a, NOTIFY_RECEIVED, "Email read: %s, %s", m->from, m->subject);
	header("Date", m->date);
	header("From", m->from);
	header("To", m->to);
	header("Cc", m->cc);
	header("Subject", m->subject);
	putchar('\n');
	cli_print_safe(m->body, 1);
	if (m->body[0] != '\0' && m->body[strlen(m->body) - 1] != '\n')
		putchar('\n');
	if (m->natts > 0) {
		printf("\n-- %zu attachment%s --\n", m->natts, m->natts == 1 ? "" : "s");
		for (size_t i = 0; i < m->natts; i++) {
			printf("[%zu] ", i + 1);
			cli_print_safe(m->atts[i].filename[0] ? m->atts[i].filename : "(no name)", 0);
			printf("  ");
			cli_print_safe(m->atts[i].content_type, 0);
			printf("  %zu bytes\n", m->atts[i].size);
		}
	}
	mail_message_free(m);
	return 0;
}
