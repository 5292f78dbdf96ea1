/* The skua notification protocol: one line of UTF-8 per notification, sent
 * over TCP to skua-notifyd. This header holds the line format, its encoder and
 * its strict parser; doc/NOTIFY.md and skua-notifyd(1) describe it for users.
 *
 *   line  = "SKUA1" SP [ "token=" token SP ] type [ SP text ] [ CR ] LF
 *   type  = "sent" / "received" / "newmail" / "error" / "info"
 *   token = 16 to 128 bytes of printable ASCII without space (0x21-0x7e)
 *   text  = UTF-8 without controls (C0, DEL, C1), bidi overrides or line
 *           separators
 *
 * A line is at most NOTIFY_LINE_MAX bytes, its LF included. */
#ifndef SKUA_NOTIFY_NOTIFY_PROTO_H
#define SKUA_NOTIFY_NOTIFY_PROTO_H

#include <stddef.h>

#include "notify/notify_token.h"
#include "util/err.h"
#include "util/strbuf.h"

#define NOTIFY_VERSION "SKUA1"
/* Longest line, LF included: the parser refuses longer, the encoder
 * truncates the text so that the line fits. */
#define NOTIFY_LINE_MAX 1024

enum notify_type {
	NOTIFY_SENT = 0, /* a message was sent */
	NOTIFY_RECEIVED, /* a message was fetched or read */
	NOTIFY_NEWMAIL,  /* new mail arrived in a folder */
	NOTIFY_ERROR,    /* an operation failed */
	NOTIFY_INFO,     /* anything else worth a line */
};
#define NOTIFY_TYPE_COUNT 5

/* "sent", "received", "newmail", "error", "info"; "?" for a value out of range. */
const char *notify_type_name(enum notify_type type);
/* Looks up a type by its exact name of len bytes; 0 when found, -1 otherwise. */
int notify_type_from_name(const char *name, size_t len, enum notify_type *type);

/* Whether cp may appear in a notification's text: no C0 or C1 control, DEL,
 * bidi embedding/override/isolate (they reorder what a terminal shows), or
 * U+2028/U+2029 (line breaks to some terminals and viewers). */
int notify_char_allowed(unsigned cp);

/* Appends to out the text made fit for a line, in at most max bytes: tabs, CR
 * and LF become spaces, other refused characters are removed, invalid UTF-8
 * becomes U+FFFD, and the result is cut on a character boundary. text may be
 * NULL (nothing is appended). */
void notify_sanitize_text(const char *text, size_t max, struct strbuf *out);

/* Appends one complete line (LF included) to out: the text is sanitized and
 * truncated so that the line fits NOTIFY_LINE_MAX. token may be NULL; when
 * given it must pass notify_token_check(). Returns 0, or -1 with e filled
 * (bad token, type out of range) and out unchanged. */
int notify_encode(const char *token, enum notify_type type, const char *text, struct strbuf *out,
                  struct err *e);

/* A parsed line. text points into the parsed buffer (borrowed, not
 * NUL-terminated: use text_len). */
struct notify_msg {
	enum notify_type type;
	const char *text;
	size_t text_len;
	int had_token; /* the line carried a token (checked when one is required) */
};

/* Parses one line of len bytes, without its LF (a trailing CR is allowed and
 * ignored). token is the shared secret the line must carry, or NULL when none
 * is required (a token on the line is then ignored). Returns 0 with msg filled,
 * or -1 with e filled (ERR_PARSE, or ERR_AUTH for a missing or wrong token)
 * with a reason that never quotes the line, since it may hold a secret. */
int notify_parse(const char *line, size_t len, const char *token, struct notify_msg *msg,
                 struct err *e);

#endif
