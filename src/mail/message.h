/* A received message parsed for reading: decoded headers, the body rendered as
 * UTF-8 text, and the attachment list. Strings are UTF-8 but NOT yet safe for a
 * terminal (pass them through safe_text_terminal before display). */
#ifndef SKUA_MAIL_MESSAGE_H
#define SKUA_MAIL_MESSAGE_H

#include <stddef.h>

#include "util/err.h"

struct mail_attachment {
	char *filename;       /* decoded (RFC 2047/2231), as the sender named it; may be "" */
	char *content_type;   /* lower case "type/subtype" */
	size_t size;          /* decoded size in bytes */
	int inline_part;      /* Content-Disposition: inline */
};

struct mail_message {
	char *subject, *from, *to, *cc, *reply_to, *date;   /* decoded; "" if absent */
	char *bcc;                /* decoded; "" if absent (only drafts and sent copies have it) */
	char *message_id, *in_reply_to, *references;        /* raw; "" if absent */
	long long date_epoch;     /* parsed Date, 0 if none or unparsable */
	/* Rendered text, LF line ends, ending in one '\n' (or ""): text/plain
	 * preferred, else HTML as text; inline text parts of a multipart/mixed
	 * joined by a blank line; a forwarded message (message/rfc822) shown
	 * inline after a "---------- Forwarded message ----------" line with its
	 * From/Date/Subject/To/Cc, its attachments joining atts. */
	char *body;
	int body_from_html;       /* 1 if body was rendered from text/html */
	/* The HTML (UTF-8) the body was rendered from, when the body is that
	 * one text/html part alone, for a better renderer (app/viewer.c);
	 * else NULL. */
	char *html;
	struct mail_attachment *atts;
	size_t natts;
	struct mail_message_priv *priv;   /* parse tree and raw copy, for attachment data */
};

/* Parses raw RFC 5322 text (CRLF or LF). Malformed input is parsed as far as
 * possible; only data libetpan cannot read at all gives ERR_PARSE. */
struct mail_message *mail_message_parse(const char *raw, size_t len, struct err *e);
void mail_message_free(struct mail_message *m);
/* The raw message as it was parsed (NUL-terminated, *len bytes). */
const char *mail_message_raw(const struct mail_message *m, size_t *len);
/* Decoded bytes of attachment i; caller frees *data. */
int mail_message_attachment_data(const struct mail_message *m, size_t i, char **data, size_t *len,
				  struct err *e);

#endif
