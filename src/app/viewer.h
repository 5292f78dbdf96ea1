/* Showing a part through the user's mailcap: reading the mailcap files,
 * private temporary files for the data, running the programs (bounded in
 * time and output when their output is read), and an HTML body rendered by
 * the first copiousoutput entry for text/html. */
#ifndef SKUA_APP_VIEWER_H
#define SKUA_APP_VIEWER_H

#include <stddef.h>

#include "mail/mailcap.h"
#include "mail/message.h"
#include "util/err.h"

/* Seconds a program whose output is read (copiousoutput, test=) may run. */
#define VIEWER_TIMEOUT 10
/* Output read from one program, at most: one that writes more is killed,
 * and that is a failure like any other. */
#define VIEWER_MAX_OUTPUT (8u * 1024 * 1024)

/* Adds the entries of each file of $MAILCAPS (a ':' list), or when it is
 * unset of ~/.mailcap, /etc/mailcap, /usr/etc/mailcap and
 * /usr/local/etc/mailcap (RFC 1524's path). Files that are missing or
 * unreadable are skipped. */
void viewer_load_mailcap(struct mailcap *mc);

/* Writes data into a new file, mode 0600, in a new directory of our own
 * (mode 0700) under $TMPDIR or /tmp, named by us ("part" + suffix, suffix
 * from mailcap_suffix), never by the sender. Returns the path (the caller
 * removes it with viewer_temp_remove and frees it), or NULL with e set. */
char *viewer_temp_write(const char *suffix, const void *data, size_t len, struct err *e);
/* Removes the file and its directory; accepts NULL. */
void viewer_temp_remove(const char *path);

/* The first entry for type with flags whose test= command, if any, exits 0
 * (run for file, bounded by VIEWER_TIMEOUT). NULL when none fits. */
const struct mailcap_entry *viewer_find(const struct mailcap *mc, const char *type, unsigned flags,
					const char *file);

/* Runs cmd with file as its standard input when cmd reads it there (else
 * /dev/null), and collects its standard output: up to VIEWER_MAX_OUTPUT
 * bytes, for up to timeout seconds, after which it and what it started are
 * killed (its own process group). 0 with *out (caller frees) when it exited with status 0; -1 with
 * e set otherwise. */
int viewer_capture(const struct mailcap_cmd *cmd, const char *file, int timeout, char **out,
		   size_t *len, struct err *e);
/* Runs cmd on the terminal (standard input from file when cmd reads it
 * there) and waits for it; the caller has given the terminal up. 0 when it
 * exited with status 0, else -1 with e set. */
int viewer_run_terminal(const struct mailcap_cmd *cmd, const char *file, struct err *e);

/* A program's output as text to show: NUL bytes dropped, CR LF made LF,
 * ending in one line break. Invalid UTF-8 and escapes are left to the
 * terminal sanitizer, which all text passes before it is shown. Caller
 * frees. */
char *viewer_output_text(const char *s, size_t len);

/* When m's body is the text of one HTML part alone and mc has a
 * copiousoutput entry for text/html, replaces the body with that program's
 * output (UTF-8 input, %{charset} utf-8); on any failure the built-in
 * rendering stays. Returns 1 when the body was replaced. */
int viewer_render_html(const struct mailcap *mc, struct mail_message *m);

#endif
