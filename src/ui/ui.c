/* The full-screen client. For now one screen that names the account and points
 * to the batch commands; the folder list, index and pager come next. */
#include "ui/ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "mail/safe_text.h"

static void draw(const struct app *a, const char *problem)
{
	int row = 1;

	erase();
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 1, "skua %s", PACKAGE_VERSION);
	attroff(A_REVERSE);
	if (problem != NULL) {
		char *safe = safe_text_terminal(problem, 0);
		mvprintw(++row, 2, "%s", safe);
		free(safe);
	} else {
		mvprintw(++row, 2, "Account %s <%s>", a->account->name, a->account->address);
		mvprintw(++row, 2, "IMAP %s:%u, SMTP %s:%u", a->account->imap_host,
			 a->account->imap_port, a->account->smtp_host, a->account->smtp_port);
	}
	row++;
	mvprintw(++row, 2, "The full-screen folder list, index and pager are not built yet.");
	mvprintw(++row, 2, "Meanwhile the batch commands work: skua folders, skua list, skua read,");
	mvprintw(++row, 2, "skua save, skua send, skua stats (see skua -h and skua(1)).");
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	mvprintw(LINES - 1, 1, "q:quit");
	attroff(A_REVERSE);
	refresh();
}

int ui_main(const char *config_path, const char *account)
{
	struct app a;
	struct err e = { ERR_NONE, "" };
	int loaded, ch;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "skua: the full-screen client needs a terminal; give a command "
				"for batch use (skua -h)\n");
		return ERR_USAGE;
	}
	loaded = app_open(&a, config_path, account, &e) == 0;
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	draw(&a, loaded ? NULL : e.msg);
	while ((ch = getch()) != 'q' && ch != 'Q') {
		if (ch == KEY_RESIZE || ch == ('L' & 0x1f))
			draw(&a, loaded ? NULL : e.msg);
	}
	endwin();
	if (loaded)
		app_close(&a);
	return 0;
}
