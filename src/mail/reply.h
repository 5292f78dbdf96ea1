/* Seeds of a reply, a reply-all and a forward (inline or as attachment) made
 * from a received message: recipients, Re:/Fwd: subject, quoted body,
 * In-Reply-To and References. Pure code: no network, no config. */
#ifndef SKUA_MAIL_REPLY_H
#define SKUA_MAIL_REPLY_H

#include <stddef.h>

#include "mail/message.h"
#include "util/err.h"

enum reply_kind { REPLY_SENDER, REPLY_ALL, FORWARD_INLINE, FORWARD_ATTACH };

struct reply_identity {
	const char *name;            /* may be NULL */
	const char *addr;            /* the user's address */
	const char *const *alts;     /* other addresses of the user, may be NULL */
	size_t nalts;
};

struct reply_attachment {
	char *name;                  /* UTF-8 file name */
	char *content_type;          /* "type/subtype" */
	char *data;
	size_t len;
};

struct reply_seed {
	char *to, *cc;               /* address lists ("" if none), UTF-8 names */
	char *subject, *body;        /* UTF-8, LF line ends */
	char *in_reply_to;           /* "<id>" or "" */
	char *references;            /* "<id1> <id2>" or "" */
	struct reply_attachment *atts;
	size_t natts;
};

/* The most identifiers a References header keeps: the first and the newest. */
#define REPLY_MAX_REFERENCES 20

int reply_seed_build(const struct mail_message *m, const struct reply_identity *me,
		     enum reply_kind kind, struct reply_seed *out, struct err *e);
void reply_seed_free(struct reply_seed *s);

/* "Re: subject" with any run of Re:/RE:/Re[2]:/AW:/Sv: prefixes folded into one. */
char *reply_subject(const char *subject);
/* "Fwd: subject", unless it already starts with Fwd:/Fw:. */
char *forward_subject(const char *subject);
/* A file name for a forwarded message: the subject made safe, ".eml". */
char *forward_attachment_name(const char *subject);

#endif
