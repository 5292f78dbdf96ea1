/* Building an outgoing message: UTF-8 body as quoted-printable where needed,
 * attachments in base64 with their type from libmagic, Date, Message-ID,
 * RFC 2047/2231 encoded headers, and no Bcc header (except in drafts). */
#ifndef SKUA_MAIL_COMPOSE_H
#define SKUA_MAIL_COMPOSE_H

#include <stddef.h>

#include "util/err.h"
#include "util/strbuf.h"

struct compose_attachment {
	const char *path;          /* file to attach (when data is NULL) */
	const char *name;          /* name shown to the recipient, NULL = basename(path) */
	const char *content_type;  /* NULL = detected by libmagic */
	/* Bytes in memory instead of a file (name then required). A message/rfc822
	 * part is sent 7bit as RFC 2046 5.2.1 asks; one with 8-bit bytes, NULs or
	 * lines over 998 octets cannot be, and goes as application/octet-stream in
	 * base64 so that its bytes arrive intact over a 7-bit path. */
	const char *data;
	size_t len;
};

struct compose_draft {
	const char *from_name;     /* may be NULL */
	const char *from_addr;
	const char *to, *cc, *bcc; /* comma-separated address lists (UTF-8), may be NULL */
	const char *subject;       /* UTF-8 */
	const char *body;          /* UTF-8, LF or CRLF line ends */
	const char *in_reply_to;   /* "<id>", may be NULL */
	const char *references;    /* "<id1> <id2>", may be NULL */
	const struct compose_attachment *atts;
	size_t natts;
	/* A draft kept in the Drafts folder, not a message to send: the Bcc
	 * header stays, so that resuming the draft finds its blind copies, and
	 * no recipient is required yet. */
	int keep_bcc;
};

struct compose_result {
	struct strbuf message;     /* CRLF, 7-bit clean */
	char **rcpts;              /* envelope recipients: To + Cc + Bcc addr-specs, deduplicated */
	size_t nrcpts;
	char *message_id;          /* "<...>" */
};

/* ERR_USAGE for no recipient or a malformed address (named), ERR_IO for an
 * unreadable attachment (named). */
int compose_build(const struct compose_draft *d, struct compose_result *out, struct err *e);
void compose_result_free(struct compose_result *r);
/* The type libmagic finds in the start of the file at path, as the message
 * will carry it ("application/octet-stream" when it cannot tell or read the
 * file); caller frees. */
char *compose_file_type(const char *path);

#endif
