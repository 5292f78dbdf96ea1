/* Fuzz target: one IMAP response line (with its literals) from a server, and
 * a walk over the parsed tree as the callers do it; then the same bytes as
 * the index fetch reads them (its depth limit, a reused tree, a summary). */
#include <string.h>

#include "net/imap_index.h"
#include "net/imap_resp.h"
#include "fuzz.h"

static void walk(const struct imap_resp *r, const struct imap_node *n, int depth)
{
	uint32_t u32;
	uint64_t u64;

	for (; n; n = imap_resp_next(r, n)) {
		imap_node_is(n, "NIL");
		imap_node_u32(n, &u32);
		imap_node_u64(n, &u64);
		imap_node_astring(n);
		imap_node_nstring(n);
		if (n->type == IMAP_NODE_LIST && depth < IMAP_RESP_MAX_DEPTH + 2)
			walk(r, imap_resp_child(r, n, 0), depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_resp r = {0};
	struct err e = {0};

	if (imap_resp_parse((const char *)data, size, &r, &e) == 0) {
		walk(&r, imap_resp_top(&r, 0), 0);
		imap_resp_free(&r);
	}

	struct imap_index_scratch x = {0};
	struct imap_summary m;
	for (int pass = 0; pass < 2; pass++)
		if (imap_resp_parse_into((const char *)data, size, IMAP_INDEX_MAX_DEPTH, &r, &e) == 0 &&
		    imap_index_summary(&r, &x, &m) == 1) {
			/* every string it hands out is a C string */
			const char *s[] = { m.date, m.subject, m.from_name, m.from_addr, m.to, m.cc,
					    m.message_id, m.in_reply_to, m.references };
			for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
				if (s[i] != NULL)
					(void)strlen(s[i]);
		}
	imap_resp_free(&r);
	imap_index_scratch_free(&x);
	return 0;
}
