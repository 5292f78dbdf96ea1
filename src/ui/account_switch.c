/* Switching accounts: a question with the config's account names (Tab
 * completes), the chosen account's app opened and its password had while
 * the current one still runs (so a mistake leaves it running), then the
 * loop ends and ui_main stops this account's worker and watcher and starts
 * the client on the new one. Logging out: the same stop, then the login
 * screen (ui/screen_login.c) for an account of the file. */
#include <stdlib.h>
#include <string.h>

#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/screen_login.h"
#include "ui/ui_internal.h"
#include "util/tty_secret.h"
#include "util/xalloc.h"

static char *account_candidate(const char *word, size_t nth, void *ctx)
{
	const struct config *c = &((struct ui *)ctx)->app->config;
	size_t n = strlen(word), seen = 0;

	for (size_t i = 0; i < c->naccounts; i++)
		if (strncmp(c->accounts[i].name, word, n) == 0 && seen++ == nth)
			return xstrdup(c->accounts[i].name);
	return NULL;
}

static void drop_next(struct ui *u)
{
	if (u->next_app != NULL)
		app_close(u->next_app);
	free(u->next_app);
	u->next_app = NULL;
}

/* The loop ends without another redraw: say it now, as the old account's
 * connections close. */
static void ready(struct ui *u)
{
	char *what = xasprintf("Switching to account %s...", u->next_app->account->name);
	char *safe = safe_text_terminal(what, 0);

	move(LINES - 1, 0);
	clrtoeol();
	draw_text(LINES - 1, 0, COLS, safe, draw_attr(ROLE_NORMAL));
	refresh();
	free(safe);
	free(what);
	u->switch_ready = 1;
	u->quit = 1;
}

static void password_typed(struct ui *u, const char *answer, void *ctx)
{
	(void)ctx;
	if (u->next_app == NULL)
		return;
	if (answer == NULL || *answer == '\0') {
		drop_next(u);
		ui_note(u, 0, "Not switched.");
		return;
	}
	u->next_app->secret = xstrdup(answer);
	ready(u);
}

static void account_chosen(struct ui *u, const char *answer, void *ctx)
{
	struct err e = { ERR_NONE, "" };
	int rc;

	(void)ctx;
	if (answer == NULL || *answer == '\0')
		return;
	if (strcmp(answer, u->app->account->name) == 0) {
		ui_note(u, 0, "Already on account %s.", u->account_name);
		return;
	}
	drop_next(u);
	u->next_app = xcalloc(1, sizeof *u->next_app);
	/* The file again, as a start would read it. */
	if (app_open(u->next_app, u->app->config.path, answer, &e) != 0) {
		free(u->next_app);
		u->next_app = NULL;
		ui_note(u, 1, "%s", e.msg);
		return;
	}
	if (!account_has_secret_source(u->next_app->account)) {
		struct ui_prompt_spec spec = { .done = password_typed, .secret = 1 };
		ui_prompt_text(u, &spec, NULL, "Password for %s:", u->next_app->account->login);
		return;
	}
	/* A password command may ask on the terminal (gpg, pass): the screen
	 * steps aside for it, as it does at start. */
	u->next_app->ask_secret = tty_secret_ask;
	def_prog_mode();
	endwin();
	rc = app_fetch_secret(u->next_app, &e);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (rc != 0) {
		drop_next(u);
		ui_note(u, 1, "%s", e.msg);
		return;
	}
	ready(u);
}

static void log_out_confirmed(struct ui *u, void *ctx)
{
	(void)ctx;
	u->login_path = xstrdup(u->app->config.path);
	u->login_account = xstrdup(u->app->account->name);
	u->quit = 1;
}

void ui_account_log_out(struct ui *u)
{
	if (u->compose != NULL) {
		ui_note(u, 0, "A message is being written: send it, postpone it or discard it first.");
		return;
	}
	ui_prompt_yesno(u, log_out_confirmed, NULL, "Log out of %s?", u->account_name);
}

int ui_log_in_after(struct app **next, char *path, char *account, struct err *e)
{
	struct app *a = xcalloc(1, sizeof *a);
	int rc = ui_log_in(a, path, account, e);

	free(path);
	free(account);
	*next = rc == 0 ? a : NULL;
	if (rc != 0)
		free(a);
	return rc < 0 ? -1 : 0;
}

void ui_account_switch(struct ui *u)
{
	struct ui_prompt_spec spec = { .done = account_chosen, .complete = account_candidate,
				       .ctx = u };

	/* The message is the account's (its From, its Drafts): it goes first. */
	if (u->compose != NULL) {
		ui_note(u, 0, "A message is being written: send it, postpone it or discard it first.");
		return;
	}
	if (u->app->config.naccounts < 2) {
		ui_note(u, 0, "%s has no other account.", u->app->config.path);
		return;
	}
	ui_prompt_text(u, &spec, NULL, "Switch to account:");
}
