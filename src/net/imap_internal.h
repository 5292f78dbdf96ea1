/* What the imap_*.c files share and nothing else sees: the session object,
 * the error policy, metering helpers, raw commands and UID sets. */
#ifndef SKUA_NET_IMAP_INTERNAL_H
#define SKUA_NET_IMAP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

#include "net/conn.h"
#include "net/imap_session.h"
#include "util/err.h"
#include "util/strbuf.h"

struct imap_session {
	struct conn *conn;
	mailimap *imap;
	int broken;            /* transport lost or protocol position unknown */
	char *selected;        /* folder currently selected, NULL if none */
	char **disabled_caps;  /* capabilities to ignore (tests force fallbacks) */
	size_t n_disabled;
	size_t max_message_size;  /* bytes of one fetched message, see imap_session.h */
	int qresync_enabled;      /* ENABLE QRESYNC succeeded on this connection */
};

/* Refuses (ERR_NETWORK) to run a command on a session already broken. */
int imap_check_usable(struct imap_session *s, struct err *e);
/* As imap_check_usable, and refuses (ERR_INTERNAL) without a selected
 * folder; what names the command: "fetching headers needs a selected folder". */
int imap_check_selected(struct imap_session *s, const char *what, struct err *e);

/* Turns a failed libetpan call into e. Transport and parse failures break the
 * session (the stream is closed at once, so nothing waits on it later); a
 * server NO/BAD keeps it and quotes the server's sanitized text. what names
 * the command for the message, e.g. "SELECT of Sent". Returns -1. */
int imap_fail(struct imap_session *s, int r, const char *what, struct err *e);
/* Closes the stream without LOGOUT and marks the session broken. */
void imap_break(struct imap_session *s);
/* The server's text of the last tagged reply, control characters removed and
 * cut to a sensible length, in buf. */
const char *imap_server_text(struct imap_session *s, char *buf, size_t size);
/* The resp-text-code atom of the last reply (e.g. "NONEXISTENT"), or NULL. */
const char *imap_resp_code(struct imap_session *s);
/* Copies src into buf with control characters turned into spaces. */
void imap_sanitize(const char *src, char *buf, size_t size);

/* Sends "<tag> cmd\r\n" (no trailing space, unlike mailimap_custom_command)
 * and parses the reply. secret hides the line from libetpan's logger.
 * Returns a libetpan code; *cond gets MAILIMAP_RESP_COND_STATE_OK/NO/BAD.
 * Untagged data lands in imap->imap_response_info as for typed commands. */
int imap_raw_command(struct imap_session *s, const char *cmd, size_t len, int secret,
		     int *cond);
/* The two halves, for exchanges with continuations: sends one line (with
 * the next tag when tagged, else as a continuation) and flushes; parses the
 * reply whose first line mailimap_read_line() has read. libetpan codes. */
int imap_raw_send(struct imap_session *s, int tagged, const char *line, size_t len, int secret);
int imap_raw_reply(struct imap_session *s, int *cond);
/* Appends an IMAP quoted string, or a literal when needed (only as a
 * LITERAL+ non-synchronizing one, which needs no round trip). Returns -1 for
 * input no IMAP string can carry (NUL, CR or LF without LITERAL+). */
int imap_append_astring(struct imap_session *s, struct strbuf *b, const char *str, size_t len);

/* UID sets. The UIDs are sorted and deduplicated into ranges ("1:5,7"). A
 * set is cut into pieces of at most IMAP_SET_MAX_RANGES ranges so that no
 * command line grows past what servers accept. */
#define IMAP_SET_MAX_RANGES 400
struct imap_uid_ranges {
	uint32_t (*r)[2];
	size_t n;
};
void imap_uid_ranges_build(struct imap_uid_ranges *rg, const uint32_t *uids, size_t n);
void imap_uid_ranges_free(struct imap_uid_ranges *rg);
/* libetpan set of ranges [from, from + count). Caller frees with mailimap_set_free. */
struct mailimap_set *imap_uid_ranges_set(const struct imap_uid_ranges *rg, size_t from,
					 size_t count);

/* MSG_* flags of a FETCH response's FLAGS item. */
unsigned imap_msg_flags(const struct mailimap_msg_att_dynamic *dyn);

/* Capabilities from the cache, minus the ones disabled for tests. */
int imap_cap(struct imap_session *s, const char *name);

/* A folder name for messages: decoded to UTF-8 and sanitized, in buf. */
const char *imap_folder_shown(const char *folder, char *buf, size_t size);
/* "doing FOLDER" for error messages, the folder shown as by
 * imap_folder_shown, in buf: imap_what(buf, n, "copying messages to", dest). */
const char *imap_what(char *buf, size_t size, const char *doing, const char *folder);
/* A failed command naming folder: ERR_NOTFOUND when the folder is missing,
 * else as imap_fail. */
int imap_folder_fail(struct imap_session *s, int r, const char *what, const char *folder,
		     struct err *e);

#endif
