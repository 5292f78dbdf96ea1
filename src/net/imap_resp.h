/* One IMAP server response (a line with its literals, as read off the wire)
 * parsed into a small tree of atoms, strings and lists, for the commands skua
 * sends raw and reads itself (NOTIFY, IDLE and the watcher's commands). */
#ifndef SKUA_NET_IMAP_RESP_H
#define SKUA_NET_IMAP_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum imap_node_type {
	IMAP_NODE_ATOM,   /* also numbers, flags ("\Seen"), NIL and "*" */
	IMAP_NODE_STRING, /* quoted string or literal, unquoted */
	IMAP_NODE_LIST,   /* ( ... ), or the response itself */
	IMAP_NODE_TEXT,   /* the free text after OK/NO/BAD/BYE/PREAUTH or "+" */
};

/* Nodes live in one array; 0 as first/next means none (node 0 is the root
 * list, never anyone's child). s points into the response's own copy and is
 * NUL-terminated; a literal may hold NUL bytes itself, so len counts. */
struct imap_node {
	enum imap_node_type type;
	const char *s;
	size_t len;
	uint32_t first, next, count;
};

struct imap_resp {
	struct imap_node *nodes;
	uint32_t n;
	char *text;   /* the copy the nodes point into */
	uint32_t cap;        /* nodes allocated */
	size_t text_cap;     /* bytes allocated for text */
};

/* Parses one complete response of len bytes (CRLF at the end optional).
 * Refuses (ERR_PROTOCOL) unbalanced parentheses, lists nested deeper than
 * IMAP_RESP_MAX_DEPTH, literals longer than what follows them, bytes no
 * response may contain, and anything after the end of the response. */
#define IMAP_RESP_MAX_DEPTH 16
int imap_resp_parse(const char *buf, size_t len, struct imap_resp *r, struct err *e);
/* The same, for a reader of many responses: r (zeroed, or left by an earlier
 * call) is parsed into again, its memory reused, with lists nested up to
 * max_depth (at most IMAP_RESP_DEPTH_LIMIT). On failure r stays allocated
 * but holds no response. Free it with imap_resp_free once done. */
#define IMAP_RESP_DEPTH_LIMIT 256
int imap_resp_parse_into(const char *buf, size_t len, unsigned max_depth, struct imap_resp *r,
			 struct err *e);
void imap_resp_free(struct imap_resp *r);

/* The i-th child of list node (0-based), or NULL. */
const struct imap_node *imap_resp_child(const struct imap_resp *r, const struct imap_node *list,
					uint32_t i);
/* The node after n in its list, or NULL. */
const struct imap_node *imap_resp_next(const struct imap_resp *r, const struct imap_node *n);
/* The i-th top-level token ("*", the tag, "+", then what follows), or NULL. */
const struct imap_node *imap_resp_top(const struct imap_resp *r, uint32_t i);

/* An atom equal to word, ignoring case. */
int imap_node_is(const struct imap_node *n, const char *word);
/* An atom of 1 to 10 digits that fits 32 bits; 0 with *v set, else -1. */
int imap_node_u32(const struct imap_node *n, uint32_t *v);
/* As imap_node_u32 for 64 bits (HIGHESTMODSEQ). */
int imap_node_u64(const struct imap_node *n, uint64_t *v);
/* An astring (atom or string) without NUL bytes: its text; NULL otherwise. */
const char *imap_node_astring(const struct imap_node *n);
/* An nstring: the string, or NULL for NIL (and for anything else). */
const char *imap_node_nstring(const struct imap_node *n);

#endif
