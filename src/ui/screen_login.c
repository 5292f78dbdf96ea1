/* The login screen: on the first run the account form (line editors for the
 * text, choices for the provider and TLS modes), after a log-out the choice
 * of the config's account and its password; its own turn of the event loop,
 * the login test on an account worker of its own, on the first run the
 * question whether to keep the password in the file, and the hand-over to
 * the client. */
#include "ui/screen_login.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "app/setup.h"
#include "app/worker.h"
#include "conf/preset.h"
#include "mail/safe_text.h"
#include "ui/draw.h"
#include "ui/loop.h"
#include "ui/ui_internal.h"
#include "util/tty_secret.h"
#include "util/xalloc.h"

enum field_kind { FIELD_TEXT, FIELD_SECRET, FIELD_CHOICE };

static const struct form_field {
	const char *label;
	enum field_kind kind;
	const char *help;
} form[SETUP_FIELD_COUNT] = {
	[SETUP_ACCOUNT] = { "Account name", FIELD_TEXT,
			    "A short name for -a (optional: the address's user part)" },
	[SETUP_REAL_NAME] = { "Your name", FIELD_TEXT, "The name in From: (optional)" },
	[SETUP_ADDRESS] = { "Address", FIELD_TEXT, "Your e-mail address, also the login name" },
	[SETUP_PASSWORD] = { "Password", FIELD_SECRET,
			     "Not shown; kept in the file only if you say so" },
	[SETUP_PROVIDER] = { "Provider", FIELD_CHOICE,
			     "Left and Right choose; other: type the servers below" },
	[SETUP_IMAP_HOST] = { "IMAP server", FIELD_TEXT, "The host name of the IMAP server" },
	[SETUP_IMAP_PORT] = { "IMAP port", FIELD_TEXT, "993 with implicit TLS, 143 with STARTTLS" },
	[SETUP_IMAP_TLS] = { "IMAP TLS", FIELD_CHOICE,
			     "implicit: TLS from the start; starttls: upgraded" },
	[SETUP_SMTP_HOST] = { "SMTP server", FIELD_TEXT, "The host name of the submission server" },
	[SETUP_SMTP_PORT] = { "SMTP port", FIELD_TEXT, "465 with implicit TLS, 587 with STARTTLS" },
	[SETUP_SMTP_TLS] = { "SMTP TLS", FIELD_CHOICE,
			     "implicit: TLS from the start; starttls: upgraded" },
	[SETUP_CA_FILE] = { "CA file", FIELD_TEXT,
			    "A PEM file of a private CA to trust too (optional)" },
};

static const char *const provider_names[] = { "gmail", "outlook", "fastmail", "local", "other" };
static const enum conf_provider provider_ids[] = { CONF_PROVIDER_GMAIL, CONF_PROVIDER_OUTLOOK,
						   CONF_PROVIDER_FASTMAIL, CONF_PROVIDER_LOCAL,
						   CONF_PROVIDER_CUSTOM };
#define PROVIDER_OTHER 4
static const char *const tls_names[] = { "implicit", "starttls" };
static const char *const imap_ports[] = { "993", "143" };
static const char *const smtp_ports[] = { "465", "587" };

#define FORM_TOP 5
#define VALUE_COL 17

struct login {
	/* After a log-out: the config's accounts to choose from (the account
	 * field is a choice), and no file to write. */
	int existing;
	struct config cfg;

	struct lineedit text[SETUP_FIELD_COUNT];   /* the text fields */
	int choice[SETUP_FIELD_COUNT];             /* the choice fields: an index */
	int focus;
	int focus_y;                /* the focused field's row, as last drawn */
	int provider_chosen;        /* the user picked one: the address no longer guesses */
	const char *path;           /* where the file goes; NULL: the default */
	char *path_shown;           /* terminal-safe */

	/* The test in flight: its own app (what the form said when it started)
	 * and account worker; the app is written once the login worked. */
	struct app *check_app;
	struct worker *check;
	uint64_t check_id;
	/* Tests the user stopped: a worker may sit in a connect or a read until
	 * its timeout, so the form goes on at once and each is freed once its
	 * final reply came. */
	struct stopped_check {
		struct worker *w;
		struct app *app;
	} *stopped;
	size_t nstopped;
	int asking_store;           /* logged in: keep the password in the file? */
	int asking_quit;
	struct ui help;             /* help's state, when shown (help.screen) */

	char note[512];             /* terminal-safe */
	int note_error;
	int dirty, quit, done;
	int fds[1];
	struct app *out;
};

static void note(struct login *l, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct login *l, int error, const char *fmt, ...)
{
	char raw[sizeof l->note];
	char *safe;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* Errors quote servers and file names. */
	safe = safe_text_terminal(raw, 0);
	snprintf(l->note, sizeof l->note, "%s", safe);
	free(safe);
	l->note_error = error;
	l->dirty = 1;
}

static int is_other(const struct login *l)
{
	return l->choice[SETUP_PROVIDER] == PROVIDER_OTHER;
}

static const struct account *chosen_account(const struct login *l)
{
	return &l->cfg.accounts[l->choice[SETUP_ACCOUNT]];
}

static int visible(const struct login *l, int f)
{
	if (l->existing)
		return f == SETUP_ACCOUNT ||
		       (f == SETUP_PASSWORD && !account_has_secret_source(chosen_account(l)));
	return is_other(l) || f < SETUP_IMAP_HOST || f > SETUP_SMTP_TLS;
}

static enum field_kind kind_of(const struct login *l, int f)
{
	return l->existing && f == SETUP_ACCOUNT ? FIELD_CHOICE : form[f].kind;
}

static int last_field(const struct login *l)
{
	int f = SETUP_FIELD_COUNT - 1;

	while (f > 0 && !visible(l, f))
		f--;
	return f;
}

static size_t nchoices(const struct login *l, int f)
{
	if (f == SETUP_ACCOUNT)
		return l->cfg.naccounts;
	return f == SETUP_PROVIDER ? sizeof provider_names / sizeof provider_names[0] : 2;
}

static const char *choice_name(const struct login *l, int f, int i)
{
	if (f == SETUP_ACCOUNT)
		return l->cfg.accounts[i].name;
	return f == SETUP_PROVIDER ? provider_names[i] : tls_names[i];
}

/* Leaving the address: a known provider's domain picks its preset, until the
 * user chooses one. */
static void guess_provider(struct login *l)
{
	enum conf_provider p = setup_guess_provider(l->text[SETUP_ADDRESS].text);

	if (l->provider_chosen)
		return;
	for (size_t i = 0; i < nchoices(l, SETUP_PROVIDER); i++)
		if (provider_ids[i] == p)
			l->choice[SETUP_PROVIDER] = (int)i;
}

static void move_focus(struct login *l, int step)
{
	int f = l->focus;

	if (f == SETUP_ADDRESS)
		guess_provider(l);
	do
		f = (f + step + SETUP_FIELD_COUNT) % SETUP_FIELD_COUNT;
	while (!visible(l, f));
	l->focus = f;
	l->dirty = 1;
}

static void set_choice(struct login *l, int f, int i)
{
	struct lineedit *port = f == SETUP_IMAP_TLS   ? &l->text[SETUP_IMAP_PORT]
				: f == SETUP_SMTP_TLS ? &l->text[SETUP_SMTP_PORT]
						      : NULL;
	const char *const *ports = f == SETUP_IMAP_TLS ? imap_ports : smtp_ports;

	/* A port still at the old mode's usual number follows the mode. */
	if (port != NULL && strcmp(port->text, ports[l->choice[f]]) == 0)
		lineedit_set(port, ports[i]);
	l->choice[f] = i;
	if (f == SETUP_PROVIDER)
		l->provider_chosen = 1;
	l->dirty = 1;
}

/* Left, Right and Space step through the choices; a letter picks the next
 * one starting with it. */
static void choice_key(struct login *l, int key)
{
	int f = l->focus, n = (int)nchoices(l, f), c = l->choice[f];

	if (key == (KEY_FN | KEY_RIGHT) || key == ' ') {
		set_choice(l, f, (c + 1) % n);
		return;
	}
	if (key == (KEY_FN | KEY_LEFT)) {
		set_choice(l, f, (c + n - 1) % n);
		return;
	}
	for (int i = 1; i <= n; i++)
		if (key > 0 && key < 128 && choice_name(l, f, (c + i) % n)[0] == key) {
			set_choice(l, f, (c + i) % n);
			return;
		}
	beep();
}

static void check_free(struct worker *w, struct app *a)
{
	/* After its final reply the worker is idle and logged out of both
	 * servers, so stopping it does not wait on the network. */
	worker_free(w);
	if (a != NULL)
		app_close(a);
	free(a);
}

static void check_end(struct login *l)
{
	check_free(l->check, l->check_app);
	l->check = NULL;
	l->check_app = NULL;
	l->check_id = 0;
	l->fds[0] = -1;
	l->asking_store = 0;
}

static void check_stop(struct login *l)
{
	worker_cancel(l->check, l->check_id);
	l->stopped = xreallocarray(l->stopped, l->nstopped + 1, sizeof *l->stopped);
	l->stopped[l->nstopped++] = (struct stopped_check){ l->check, l->check_app };
	l->check = NULL;
	l->check_app = NULL;
	l->check_id = 0;
	l->fds[0] = -1;
	note(l, 0, "The test was stopped.");
}

static int is_final(const struct worker_reply *r)
{
	return r->kind == WORKER_DONE || r->kind == WORKER_ERROR || r->kind == WORKER_CANCELLED;
}

/* Frees the stopped tests that have ended; each turn of the loop looks. */
static void reap_stopped(struct login *l)
{
	struct worker_reply *r;

	for (size_t i = 0; i < l->nstopped;) {
		struct stopped_check *c = &l->stopped[i];
		int ended = 0;
		while ((r = worker_take(c->w)) != NULL) {
			ended |= is_final(r);
			worker_reply_free(r);
		}
		if (!ended) {
			i++;
			continue;
		}
		check_free(c->w, c->app);
		*c = l->stopped[--l->nstopped];
	}
}

/* The first run: an app over the form's values. */
static int open_new(struct login *l, struct err *e)
{
	const char *values[SETUP_FIELD_COUNT];
	int bad = l->focus;

	if (l->focus == SETUP_ADDRESS)
		guess_provider(l);
	for (int f = 0; f < SETUP_FIELD_COUNT; f++)
		values[f] = form[f].kind == FIELD_CHOICE ? choice_name(l, f, l->choice[f])
							 : l->text[f].text;
	l->check_app = xcalloc(1, sizeof *l->check_app);
	if (setup_open(l->check_app, values, l->path, &bad, e) != 0) {
		free(l->check_app);
		l->check_app = NULL;
		if (bad >= 0 && bad < SETUP_FIELD_COUNT && visible(l, bad))
			l->focus = bad;
		return -1;
	}
	return 0;
}

/* After a log-out: an app over the file for the account chosen, with the
 * password typed, or the one its password command prints. */
static int open_existing(struct login *l, struct err *e)
{
	struct app *a = xcalloc(1, sizeof *a);
	int rc = 0;

	if (app_open(a, l->path, chosen_account(l)->name, e) != 0) {
		free(a);
		return -1;
	}
	if (!account_has_secret_source(a->account)) {
		if (l->text[SETUP_PASSWORD].len == 0)
			rc = err_set(e, ERR_AUTH, "the password is missing");
		else
			a->secret = xstrdup(l->text[SETUP_PASSWORD].text);
	} else {
		/* A password command may ask on the terminal (gpg, pass): the
		 * screen steps aside for it, as it does at start. */
		def_prog_mode();
		endwin();
		rc = app_fetch_secret(a, e);
		reset_prog_mode();
		clearok(curscr, TRUE);
		refresh();
	}
	if (rc != 0) {
		app_close(a);
		free(a);
		return -1;
	}
	l->check_app = a;
	return 0;
}

static void check_start(struct login *l)
{
	struct err e = { ERR_NONE, "" };
	const struct account *acct;

	if (l->check != NULL)
		return;
	if ((l->existing ? open_existing(l, &e) : open_new(l, &e)) != 0) {
		note(l, 1, "%s", e.msg);
		return;
	}
	l->check = worker_new_account(l->check_app, &e);
	if (l->check == NULL) {
		check_end(l);
		note(l, 1, "%s", e.msg);
		return;
	}
	l->check_id = worker_post(l->check, worker_req_new(WORKER_REQ_CHECK, NULL, NULL, 0));
	l->fds[0] = worker_fd(l->check);
	acct = l->check_app->account;
	note(l, 0, "Testing the login: IMAP %s:%u, SMTP %s:%u (^G stops)", acct->imap_host,
	     (unsigned)acct->imap_port, acct->smtp_host, (unsigned)acct->smtp_port);
}

/* The login worked and the user answered: write the file, then open the
 * client's app over it with the password typed. */
static void save(struct login *l, int with_password)
{
	struct err e = { ERR_NONE, "" };
	struct app *a = l->out;

	l->asking_store = 0;
	if (setup_write(l->check_app, with_password, &e) != 0 ||
	    app_open(a, l->path, NULL, &e) != 0) {
		check_end(l);
		note(l, 1, "%s", e.msg);
		return;
	}
	a->secret = xstrdup(l->check_app->secret);
	check_end(l);
	l->done = 1;
}

static void check_reply(struct login *l, struct worker_reply *r)
{
	if (r->id != l->check_id || !is_final(r))
		return;
	if (r->kind == WORKER_DONE && l->existing) {
		/* The file is there already: the app tested is the client's. */
		struct app *a = l->check_app;
		l->check_app = NULL;
		check_end(l);
		*l->out = *a;
		free(a);
		l->done = 1;
		return;
	}
	if (r->kind == WORKER_DONE) {
		l->asking_store = 1;
		/* The file's name is on the form, and too long for this line. */
		note(l, 0, "Logged in. Keep the password in the config file? (y/N)");
		return;
	}
	check_end(l);
	if (r->kind == WORKER_CANCELLED) {
		note(l, 0, "The test was stopped.");
		return;
	}
	/* Where the fix most likely is. */
	if (r->err.code == ERR_AUTH && visible(l, SETUP_PASSWORD))
		l->focus = SETUP_PASSWORD;
	else if (r->err.code == ERR_TLS && visible(l, SETUP_CA_FILE))
		l->focus = SETUP_CA_FILE;
	note(l, 1, "%s", r->err.msg);
}

static void login_replies(void *ctx)
{
	struct login *l = ctx;
	struct worker_reply *r;

	while (l->check != NULL && (r = worker_take(l->check)) != NULL) {
		check_reply(l, r);
		worker_reply_free(r);
	}
	reap_stopped(l);
}

static void help_key(struct login *l, int key)
{
	enum ui_action a = keys_lookup(SCREEN_HELP, key);

	if (a == ACT_QUIT)
		l->asking_quit = 1;
	if (a == ACT_QUIT || !screen_help_action(&l->help, a))
		l->help.screen = SCREEN_LOGIN;
	l->dirty = 1;
}

/* Keys of the form itself: the fields' text and choices. */
static void field_key(struct login *l, int key)
{
	if (l->check != NULL) {
		note(l, 0, "Testing the login (^G stops)");
		return;
	}
	if (kind_of(l, l->focus) == FIELD_CHOICE) {
		choice_key(l, key);
		return;
	}
	if (lineedit_key(&l->text[l->focus], key) == LINEEDIT_IGNORED)
		beep();
	l->dirty = 1;
}

static void login_key(void *ctx, int key)
{
	struct login *l = ctx;

	if (key == (KEY_FN | KEY_RESIZE)) {
		l->dirty = 1;
		return;
	}
	if (l->help.screen == SCREEN_HELP) {
		help_key(l, key);
		return;
	}
	if (l->asking_quit) {
		l->asking_quit = 0;
		l->quit = key == 'y' || key == 'Y';
		l->dirty = 1;
		return;
	}
	if (l->asking_store) {
		/* No is the default: the file then holds no secret. */
		save(l, key == 'y' || key == 'Y');
		return;
	}
	if (!l->note_error && l->check == NULL)
		l->note[0] = '\0';
	switch (keys_lookup(SCREEN_LOGIN, key)) {
	case ACT_NEXT_FIELD: move_focus(l, 1); break;
	case ACT_PREV_FIELD: move_focus(l, -1); break;
	case ACT_SUBMIT:
		if (l->focus == last_field(l))
			check_start(l);
		else
			move_focus(l, 1);
		break;
	case ACT_LOG_IN: check_start(l); break;
	case ACT_CANCEL:
		if (l->check != NULL)
			check_stop(l);
		else
			note(l, 0, "Nothing to stop.");
		break;
	case ACT_QUIT: l->asking_quit = 1; break;
	case ACT_HELP:
		l->help.screen = SCREEN_HELP;
		l->help.help_from = SCREEN_LOGIN;
		l->help.help_top = 0;
		break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	default: field_key(l, key); break;
	}
	l->dirty = 1;
}

static void login_signal(void *ctx, int sig)
{
	struct login *l = ctx;
	struct winsize ws;

	if (sig == SIGWINCH) {
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
	} else if (sig == SIGINT && l->check != NULL) {
		check_stop(l);
	} else {
		l->quit = 1;
	}
	l->dirty = 1;
}

static void draw_choices(const struct login *l, int f, int y, attr_t attr)
{
	int x = VALUE_COL;

	for (size_t i = 0; i < nchoices(l, f) && x < COLS; i++) {
		char item[80];
		int sel = (int)i == l->choice[f];
		/* Account names come from the file: letters, digits and ._@+- only. */
		snprintf(item, sizeof item, "%s%s%s ", sel ? "[" : " ", choice_name(l, f, (int)i),
			 sel ? "]" : " ");
		x += draw_text(y, x, COLS - x, item, sel ? attr | A_BOLD : attr);
	}
}

/* What a preset provider's hidden server fields would hold. */
static const char *preset_value(const struct login *l, int f, char *buf, size_t size)
{
	const struct preset *p = preset_find(provider_ids[l->choice[SETUP_PROVIDER]]);

	if (p == NULL)
		return "";
	switch (f) {
	case SETUP_IMAP_HOST: return p->imap_host;
	case SETUP_SMTP_HOST: return p->smtp_host;
	case SETUP_IMAP_PORT: snprintf(buf, size, "%u", (unsigned)p->imap_port); return buf;
	case SETUP_SMTP_PORT: snprintf(buf, size, "%u", (unsigned)p->smtp_port); return buf;
	case SETUP_IMAP_TLS: return account_tls_name(p->imap_tls);
	case SETUP_SMTP_TLS: return account_tls_name(p->smtp_tls);
	default: return "";
	}
}

/* Draws the form; returns the cursor's column on the focused row, or -1
 * when it is a choice. */
static int draw_form(struct login *l)
{
	int cursor = -1, bottom = LINES - 3, y = FORM_TOP, x;
	char buf[16];

	draw_text(2, 2, COLS - 2,
		  l->existing ? "Logged out. Log in to an account of the config file."
			      : "Welcome to skua. Set up an account; its login is tested before "
				"it is saved.",
		  draw_attr(ROLE_NORMAL));
	x = 2 + draw_text(3, 2, COLS - 2, "Config file: ", draw_attr(ROLE_NORMAL));
	draw_text(3, x, COLS - x, l->path_shown, draw_attr(ROLE_HEADER));
	for (int f = 0; f < SETUP_FIELD_COUNT && y < bottom; f++, y++) {
		int focus = f == l->focus;
		attr_t attr = draw_attr(visible(l, f) ? ROLE_NORMAL : ROLE_DIM);

		/* After a log-out only the account and its password are asked. */
		if (l->existing && !visible(l, f)) {
			y--;
			continue;
		}
		if (focus)
			l->focus_y = y;

		draw_text(y, 2, VALUE_COL - 3, form[f].label, focus ? draw_attr(ROLE_HEADER) : attr);
		if (focus)
			draw_text(y, 0, 1, ">", draw_attr(ROLE_HEADER));
		if (!visible(l, f))
			draw_text(y, VALUE_COL, COLS - VALUE_COL, preset_value(l, f, buf, sizeof buf),
				  attr);
		else if (kind_of(l, f) == FIELD_CHOICE)
			draw_choices(l, f, y, attr);
		else if (focus)
			cursor = lineedit_draw(&l->text[f], y, VALUE_COL, COLS - VALUE_COL - 1,
					       draw_attr(ROLE_CURSOR));
		else
			lineedit_draw(&l->text[f], y, VALUE_COL, COLS - VALUE_COL - 1, attr);
	}
	if (y + 1 < bottom)
		draw_text(y + 1, 2, COLS - 2,
			  !l->existing                ? form[l->focus].help
			  : l->focus == SETUP_ACCOUNT ? "Left and Right choose"
						      : "Not shown; kept for this run only",
			  draw_attr(ROLE_DIM));
	return cursor;
}

static void login_redraw(void *ctx)
{
	struct login *l = ctx;
	char hints[256];
	int cursor = -1;

	if (!l->dirty)
		return;
	erase();
	if (LINES < 3) {
		refresh();
		return;
	}
	status_hints(l->help.screen == SCREEN_HELP ? SCREEN_HELP : SCREEN_LOGIN, hints,
		     sizeof hints);
	draw_row(0, draw_attr(ROLE_TITLE));
	draw_text(0, 1, COLS - 1, hints, draw_attr(ROLE_TITLE));
	if (l->help.screen == SCREEN_HELP)
		screen_help_draw(&l->help);
	else
		cursor = draw_form(l);
	draw_row(LINES - 2, draw_attr(ROLE_STATUS));
	draw_text(LINES - 2, 1, COLS - 2,
		  l->existing ? "skua | logged out" : "skua | first run: no config file yet",
		  draw_attr(ROLE_STATUS));
	if (l->asking_quit)
		draw_text(LINES - 1, 0, COLS,
			  l->existing ? "Quit skua? (y/n)" : "Quit without saving an account? (y/n)",
			  draw_attr(ROLE_NORMAL));
	else
		draw_text(LINES - 1, 0, COLS, l->note,
			  draw_attr(l->note_error ? ROLE_ERROR : ROLE_NORMAL));
	if (cursor >= 0 && !l->asking_quit && !l->asking_store && l->help.screen != SCREEN_HELP) {
		move(l->focus_y, cursor < COLS ? cursor : COLS - 1);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
	l->dirty = 0;
}

static int login_done(void *ctx)
{
	const struct login *l = ctx;

	return l->quit || l->done;
}

static const struct loop_ops login_ops = {
	.key = login_key,
	.signal = login_signal,
	.replies = login_replies,
	.redraw = login_redraw,
	.done = login_done,
};

static void login_init(struct login *l, const char *config_path, const char *account)
{
	char *path = config_path != NULL ? xstrdup(config_path) : config_default_path();

	memset(l, 0, sizeof *l);
	l->path = config_path;
	l->path_shown = safe_text_terminal(path, 0);
	free(path);
	for (int f = 0; f < SETUP_FIELD_COUNT; f++)
		lineedit_init(&l->text[f], NULL);
	l->text[SETUP_PASSWORD].secret = 1;
	if (account != NULL)
		lineedit_set(&l->text[SETUP_ACCOUNT], account);
	lineedit_set(&l->text[SETUP_IMAP_PORT], imap_ports[0]);
	lineedit_set(&l->text[SETUP_SMTP_PORT], smtp_ports[0]);
	l->choice[SETUP_PROVIDER] = PROVIDER_OTHER;
	l->focus = account != NULL ? SETUP_REAL_NAME : SETUP_ACCOUNT;
	l->help.screen = SCREEN_LOGIN;
	l->fds[0] = -1;
	l->dirty = 1;
}

/* Frees the form; the password's editor wipes its text. Tests still running
 * are cancelled; a worker stuck in a connect keeps its app. */
static void login_free(struct login *l)
{
	if (l->check != NULL)
		check_stop(l);
	for (size_t i = 0; i < l->nstopped; i++)
		if (worker_stop(l->stopped[i].w, 3000) == 0)
			check_free(l->stopped[i].w, l->stopped[i].app);
	free(l->stopped);
	for (int f = 0; f < SETUP_FIELD_COUNT; f++)
		lineedit_free(&l->text[f]);
	free(l->path_shown);
	config_free(&l->cfg);
}

static int login_run(struct login *l, struct app *a, struct err *e)
{
	if (ui_start_screen(e) != 0) {
		if (!isendwin())
			endwin();
		login_free(l);
		return -1;
	}
	l->out = a;
	loop_run(&login_ops, l, l->fds, 1);
	login_free(l);
	if (l->done)
		return 0;
	loop_signals_restore();
	endwin();
	return 1;
}

int ui_first_run(struct app *a, const char *config_path, const char *account, struct err *e)
{
	struct login l;

	login_init(&l, config_path, account);
	return login_run(&l, a, e);
}

int ui_log_in(struct app *a, const char *config_path, const char *account, struct err *e)
{
	struct login l;
	int rc;

	login_init(&l, config_path, NULL);
	rc = config_load(config_path, &l.cfg, e);
	if (rc == 0 && l.cfg.naccounts == 0)
		rc = err_set(e, ERR_CONFIG, "%s defines no account", config_path);
	if (rc != 0) {
		login_free(&l);
		return -1;
	}
	l.existing = 1;
	for (size_t i = 0; account != NULL && i < l.cfg.naccounts; i++)
		if (strcmp(l.cfg.accounts[i].name, account) == 0)
			l.choice[SETUP_ACCOUNT] = (int)i;
	l.focus = visible(&l, SETUP_PASSWORD) ? SETUP_PASSWORD : SETUP_ACCOUNT;
	return login_run(&l, a, e);
}
