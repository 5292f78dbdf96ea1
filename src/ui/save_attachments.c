/* Saving the shown message's attachments from the pager: which one (or all)
 * and into which folder are asked on the message line, the folder with
 * directory completion; files are written through attach_save, so nothing
 * is overwritten ("name (1).ext") and nothing lands outside the folder. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mail/attach_save.h"
#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/paths.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* The attachment asked for between the two questions: its index, or
 * SAVE_ALL. The message itself is the pager's, u->message. */
#define SAVE_ALL ((size_t)-1)

/* Tab in the folder question: folders only. */
static char *complete_dir(const char *word, size_t nth, void *ctx)
{
	(void)ctx;
	return ui_complete_path(word, nth, 1);
}

/* Saves attachment i into dir; 0, or -1 with the error noted. */
static int save_one(struct ui *u, size_t i, const char *dir, char **path)
{
	struct err e;
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = mail_message_attachment_data(u->message, i, &data, &len, &e);
	if (rc == 0)
		rc = attach_save(dir, u->message->atts[i].filename, data, len, path, &e);
	free(data);
	if (rc != 0)
		ui_note(u, 1, "%s", e.msg);
	return rc;
}

static void folder_answered(struct ui *u, const char *answer, void *ctx)
{
	(void)ctx;
	struct stat st;
	char *dir, *path = NULL;
	char size[16];

	if (answer == NULL || u->message == NULL) {
		ui_note(u, 0, "Not saved.");
		return;
	}
	dir = paths_expand_home(answer[0] ? answer : ".");
	/* Checked first, so that a typo says so instead of a file error. */
	if (stat(dir, &st) != 0) {
		ui_note(u, 1, "Not saved: cannot use %s: %s.", dir,
			errno == ENOENT ? "no such folder" : strerror(errno));
		free(dir);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		ui_note(u, 1, "Not saved: %s is not a folder.", dir);
		free(dir);
		return;
	}
	if (u->save_which != SAVE_ALL) {
		if (save_one(u, u->save_which, dir, &path) == 0) {
			draw_size(size, sizeof size, u->message->atts[u->save_which].size);
			ui_note(u, 0, "Saved %s (%s).", path, size);
		}
		free(path);
		free(dir);
		return;
	}
	size_t saved = 0;
	for (size_t i = 0; i < u->message->natts; i++) {
		if (save_one(u, i, dir, &path) != 0)
			break;
		free(path);
		path = NULL;
		saved++;
	}
	if (saved == u->message->natts)
		ui_note(u, 0, "Saved %zu attachment%s in %s.", saved, saved == 1 ? "" : "s", dir);
	free(dir);
}

static void ask_folder(struct ui *u)
{
	static const struct ui_prompt_spec spec = { .done = folder_answered,
						    .complete = complete_dir };
	const char *def = u->app->config.save_dir;
	char *initial = xasprintf("%s%s", def ? def : "",
				  def && def[0] && def[strlen(def) - 1] != '/' ? "/" : "");
	const char *what = u->save_which == SAVE_ALL ? "all attachments"
			   : u->message->atts[u->save_which].filename[0]
				   ? u->message->atts[u->save_which].filename
				   : "the attachment";

	ui_prompt_text(u, &spec, initial, "Save %s in:", what);
	free(initial);
}

static void which_answered(struct ui *u, const char *answer, void *ctx)
{
	(void)ctx;
	if (answer == NULL || u->message == NULL) {
		ui_note(u, 0, "Not saved.");
		return;
	}
	if (strcmp(answer, "*") == 0 || strcmp(answer, "a") == 0) {
		u->save_which = SAVE_ALL;
		ask_folder(u);
		return;
	}
	if (ui_attachment_number(u, answer, ", or * for all", &u->save_which))
		ask_folder(u);
}

int ui_attachments_shown(struct ui *u)
{
	if (u->message == NULL) {
		ui_note(u, 1, "The message is not shown yet.");
		return 0;
	}
	if (u->message->natts == 0) {
		ui_note(u, 1, "This message has no attachment.");
		return 0;
	}
	return 1;
}

int ui_attachment_number(struct ui *u, const char *answer, const char *others, size_t *i)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(answer, &end, 10);
	if (answer[0] == '\0' || *end != '\0' || errno != 0 || n < 1 || n > u->message->natts) {
		ui_note(u, 1, "There is no attachment %s: 1 to %zu%s.", answer, u->message->natts,
			others);
		return 0;
	}
	*i = (size_t)n - 1;
	return 1;
}

void ui_save_attachments(struct ui *u)
{
	static const struct ui_prompt_spec spec = { .done = which_answered };

	if (!ui_attachments_shown(u))
		return;
	if (u->message->natts == 1) {
		u->save_which = 0;
		ask_folder(u);
		return;
	}
	ui_prompt_text(u, &spec, "*", "Save which attachment (1-%zu, * for all)?",
		       u->message->natts);
}
