/* Asking the person at the terminal for a secret, without echo. */
#ifndef SKUA_UTIL_TTY_SECRET_H
#define SKUA_UTIL_TTY_SECRET_H

/* Prints prompt on /dev/tty and reads one line with echo off (the terminal's
 * settings are restored afterwards). Returns 0 with *secret set (the caller
 * zeroes and frees it, e.g. with xfree_secret) or -1 with *secret NULL when
 * there is no terminal or the line is empty. ctx is unused; the signature is
 * that of app_ask_secret_fn. */
int tty_secret_ask(const char *prompt, char **secret, void *ctx);

#endif
