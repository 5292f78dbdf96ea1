/* Searching a folder on the server: a user's text becomes one UID SEARCH
 * TEXT (headers and body) whose string can never carry IMAP syntax. */
#ifndef SKUA_APP_SEARCH_H
#define SKUA_APP_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "net/imap_session.h"
#include "util/err.h"
#include "util/strbuf.h"

/* Appends the search key TEXT "text" to out, with " and \ escaped, as
 * imap_search takes it (it sends 8-bit text as a literal under CHARSET
 * UTF-8). ERR_USAGE for an empty text or one holding control characters,
 * which no IMAP string may carry quoted. */
int app_search_criteria(const char *text, struct strbuf *out, struct err *e);

/* The UIDs of folder's messages whose headers or body contain text: the
 * folder is EXAMINEd (nothing changes), then UID SEARCH. Caller frees
 * *uids. */
int app_search_text(struct imap_session *s, const char *folder, const char *text, uint32_t **uids,
		    size_t *n, struct err *e);

#endif
