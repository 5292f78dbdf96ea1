/* Making hostile text safe for a terminal and for a file name. */
#ifndef SKUA_MAIL_SAFE_TEXT_H
#define SKUA_MAIL_SAFE_TEXT_H

#include <stddef.h>

/* Removes escape sequences (CSI, OSC, DCS ... whole), C0 and C1 controls, DEL,
 * and bidi overrides; invalid UTF-8 becomes U+FFFD; tabs become spaces. With
 * keep_newlines, '\n' stays (CR is dropped), otherwise line breaks become spaces.
 * Caller frees. */
char *safe_text_terminal(const char *text, int keep_newlines);
/* A file name that cannot leave its directory: no '/', '\\' (both become '_'),
 * NUL, escape sequences or controls, no leading dots, blanks or dashes (so
 * never "." or ".."), no trailing dots or blanks, not "" (becomes
 * "attachment"), at most 200 bytes of UTF-8 cut on a character boundary with
 * the extension kept. Caller frees. */
char *safe_text_filename(const char *name);

#endif
