/* One FETCH response of the index fetch (UID FLAGS INTERNALDATE RFC822.SIZE
 * ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (References)] [MODSEQ]),
 * parsed by imap_resp, turned into a struct imap_summary. Pure: the unit tests and the fuzz target feed it. */
#ifndef SKUA_NET_IMAP_INDEX_H
#define SKUA_NET_IMAP_INDEX_H

#include <stdint.h>

#include "net/imap_resp.h"
#include "net/imap_session.h"
#include "util/strbuf.h"

/* Lists a FETCH response of the index may nest: a BODYSTRUCTURE nests one
 * level per MIME level plus a few; servers stop far below (Dovecot at 100
 * MIME levels). Deeper is refused as hostile. */
#define IMAP_INDEX_MAX_DEPTH 240
/* Bytes one response may take, literals included: a FETCH of an envelope is
 * about a kilobyte; a To list of thousands of addresses stays far below. */
#define IMAP_INDEX_RESP_MAX ((size_t)4 << 20)

/* The buffers the summary's address strings live in, reused from message
 * to message. Zero it before the first use; imap_index_scratch_free. */
struct imap_index_scratch {
	struct strbuf addr, to, cc;
};
void imap_index_scratch_free(struct imap_index_scratch *x);

/* Fills m from r when r is "* n FETCH (...)": 1 when it carries an
 * ENVELOPE (a summary; its strings point into r and x, valid until either
 * changes), 2 for a FETCH without one (a flag change another client made),
 * 0 when r is no FETCH. The envelope's nstrings are NULL for NIL; a string
 * holding a NUL ends there, as C strings do. */
int imap_index_summary(const struct imap_resp *r, struct imap_index_scratch *x,
		       struct imap_summary *m);

#endif
