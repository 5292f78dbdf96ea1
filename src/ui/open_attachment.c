/* Opening the shown message's attachment through the user's mailcap: which
 * one is asked on the message line when there are several, as for saving;
 * a copiousoutput program's text is shown in the pager, any other program
 * gets the terminal (curses steps aside and comes back after). The data is
 * in a private temporary file that is removed after. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/viewer.h"
#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* The program's text as the pager shows it: a title naming the part. */
static char *view_title(const struct mail_attachment *a, size_t i)
{
	return xasprintf("Attachment [%zu] %s (%s)", i + 1, a->filename[0] ? a->filename : "(no name)",
			 a->content_type);
}

static void no_entry(struct ui *u, const char *type)
{
	char *safe = safe_text_terminal(type, 0);
	char key[16] = "v";
	int k;

	if (keys_of_action(SCREEN_PAGER, ACT_SAVE_ATTACHMENTS, &k, 1) > 0)
		keys_name(k, key, sizeof key);
	ui_note(u, 1, "No mailcap entry opens %s; save it with %s instead.", safe, key);
	free(safe);
}

/* The terminal goes to the program until it ends. */
static int run_on_terminal(const struct mailcap_cmd *cmd, const char *path, struct err *e)
{
	int rc;

	def_prog_mode();
	endwin();
	rc = viewer_run_terminal(cmd, path, e);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	return rc;
}

static void open_one(struct ui *u, size_t i)
{
	const struct mail_attachment *a = &u->message->atts[i];
	const struct mailcap_entry *ent;
	struct mailcap_cmd cmd;
	struct err e;
	char *data = NULL, *path, *out = NULL;
	size_t len = 0;
	int rc;

	if (mail_message_attachment_data(u->message, i, &data, &len, &e) != 0) {
		ui_note(u, 1, "%s", e.msg);
		return;
	}
	/* Written before the lookup, since a test= clause may read it. */
	path = viewer_temp_write("", data, len, &e);
	free(data);
	if (path == NULL) {
		ui_note(u, 1, "Not opened: %s.", e.msg);
		return;
	}
	ent = viewer_find(&u->app->mailcap, a->content_type, 0, path);
	if (ent == NULL) {
		no_entry(u, a->content_type);
		goto done;
	}
	/* Some programs know a file by its extension (nametemplate=). */
	if (mailcap_suffix(ent)[0] != '\0') {
		char *named = xasprintf("%s%s", path, mailcap_suffix(ent));
		if (rename(path, named) == 0) {
			free(path);
			path = named;
		} else {
			free(named);
		}
	}
	struct mailcap_subst s = { path, a->content_type, NULL, NULL, 0 };
	if (mailcap_expand(ent->view, &s, &cmd, &e) != 0) {
		ui_note(u, 1, "Not opened: %s.", e.msg);
		goto done;
	}
	if (ent->copiousoutput) {
		rc = viewer_capture(&cmd, path, VIEWER_TIMEOUT, &out, &len, &e);
		if (rc == 0) {
			char key[16] = "q";
			int k;
			if (keys_of_action(SCREEN_PAGER, ACT_BACK, &k, 1) > 0)
				keys_name(k, key, sizeof key);
			screen_pager_show_view(u, view_title(a, i), viewer_output_text(out, len));
			ui_note(u, 0, "Back to the message with %s.", key);
		}
		free(out);
	} else {
		rc = run_on_terminal(&cmd, path, &e);
		u->dirty = 1;
	}
	if (rc != 0)
		ui_note(u, 1, "The viewer failed: %s.", e.msg);
	mailcap_cmd_free(&cmd);
done:
	viewer_temp_remove(path);
	free(path);
}

static void which_answered(struct ui *u, const char *answer, void *ctx)
{
	size_t i;

	(void)ctx;
	if (answer == NULL || u->message == NULL)
		return;
	if (ui_attachment_number(u, answer, "", &i))
		open_one(u, i);
}

void ui_open_attachment(struct ui *u)
{
	static const struct ui_prompt_spec spec = { .done = which_answered };

	if (!ui_attachments_shown(u))
		return;
	if (u->message->natts == 1) {
		open_one(u, 0);
		return;
	}
	ui_prompt_text(u, &spec, "", "Open which attachment (1-%zu)?", u->message->natts);
}
