/* Editing a message's text in the user's own editor. */
#ifndef SKUA_UI_EDITOR_H
#define SKUA_UI_EDITOR_H

#include "util/err.h"

/* The editor to run: configured, else $VISUAL, else $EDITOR; NULL when none
 * is set (the built-in editor serves then). */
const char *ui_editor_command(const char *configured);
/* Runs command on a private copy of *text, which is replaced by what the
 * editor saved when it exits with status 0; otherwise *text is kept and e
 * says why. The screen is restored either way. */
int ui_editor_edit(const char *command, char **text, struct err *e);

#endif
