/* mailcap files (RFC 1524): which program shows a content type, and the
 * command for one file with its %s, %t and %{param} filled in. Pure code:
 * reading the files and running the programs is app/viewer.c's job. */
#ifndef SKUA_MAIL_MAILCAP_H
#define SKUA_MAIL_MAILCAP_H

#include <stddef.h>

#include "util/err.h"

struct mailcap_entry {
	char *type;          /* lower case "text/html"; a subtype "*" (or none) fits any */
	char *view;          /* the view command as written, its % sequences unexpanded */
	char *test;          /* test= command, or NULL */
	char *nametemplate;  /* nametemplate=, or NULL */
	int copiousoutput;   /* prints text to be shown in a pager */
	int needsterminal;   /* interactive: runs on the terminal */
};

struct mailcap {
	struct mailcap_entry *entries; /* in file order: the first that fits wins */
	size_t n;
};

/* Adds the entries of one file's text (LF or CRLF; "\" at a line's end
 * continues it; "#" lines are comments). A line that is no entry (no type,
 * or no view command) is skipped, as other mail readers do. */
void mailcap_parse(struct mailcap *mc, const char *text, size_t len);
/* Frees the entries and zeroes *mc; accepts a zeroed mailcap. */
void mailcap_clear(struct mailcap *mc);

/* Ask for entries that fit with these flags. */
#define MAILCAP_COPIOUS 1u  /* copiousoutput only */

/* The next entry at or after *pos for type ("text/html"; case-insensitive)
 * that has the flags asked for; *pos moves past it, so a caller whose test=
 * fails asks again. NULL when none is left, and always for a type that is
 * not a plain "token/token" (a sender's odd type never picks a program). */
const struct mailcap_entry *mailcap_next(const struct mailcap *mc, const char *type,
					 unsigned flags, size_t *pos);

/* What a command's % sequences stand for. */
struct mailcap_subst {
	const char *file;       /* %s: our temporary file; NULL: the data goes to standard input */
	const char *type;       /* %t */
	const char *const *param_names;  /* %{name}; compared case-insensitively */
	const char *const *param_values;
	size_t nparams;
};

/* A command ready to run: argv when the command needs no shell (only plain
 * words), else the line for /bin/sh -c in argv[0..2]. */
struct mailcap_cmd {
	char **argv;            /* NULL-terminated */
	int use_shell;          /* argv is { "/bin/sh", "-c", line } */
	int input_on_stdin;     /* the command has no %s: feed it the file */
};

/* Expands command (an entry's view or test) for s. Every value put in must
 * be made of letters, digits and "._+-/" (the type also of nothing else;
 * a missing %{param} is empty): anything else, which could only come from a
 * sender, fails with ERR_PARSE and nothing is run. In a shell line a value
 * is single-quoted where the command has it outside quotes. */
int mailcap_expand(const char *command, const struct mailcap_subst *s, struct mailcap_cmd *out,
		   struct err *e);
void mailcap_cmd_free(struct mailcap_cmd *c);

/* The file name suffix nametemplate asks for (".html" of "%s.html"), only
 * when it is made of letters, digits, "." "_" "-"; else "". Points into e. */
const char *mailcap_suffix(const struct mailcap_entry *e);

#endif
