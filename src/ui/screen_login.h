/* The login screen: with no config file, a form for one account whose
 * login is tested by an account worker (the screen never waits on the
 * network) before the file is written; after a log-out, the choice of an
 * account of the file and its password, tested the same way. */
#ifndef SKUA_UI_SCREEN_LOGIN_H
#define SKUA_UI_SCREEN_LOGIN_H

#include "app/app.h"
#include "util/err.h"

/* Takes the terminal and shows the form until an account logs in and its
 * config is written to config_path (NULL: the default path); then opens *a
 * over the file just written, with the password typed as its secret for
 * this run, and returns 0 leaving the terminal to the client. Returns 1 when
 * the user quit (nothing written, the terminal restored), or -1 with e set
 * when the terminal cannot be used. account (-a), when given, is offered as
 * the account's name. */
int ui_first_run(struct app *a, const char *config_path, const char *account, struct err *e);

/* After a log-out: the accounts of the file at config_path (account chosen
 * first) and a password where the file gives none; once the login works,
 * opens *a over the file with that password and returns 0 leaving the
 * terminal to the client. Returns 1 when the user quit (the terminal
 * restored), -1 with e set when the file or the terminal cannot be used
 * (the terminal restored). */
int ui_log_in(struct app *a, const char *config_path, const char *account, struct err *e);

#endif
