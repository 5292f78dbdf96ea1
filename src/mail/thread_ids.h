/* What threading needs of a message, reduced to three 64-bit hashes: its
 * own Message-ID, its parent (the last of References, else In-Reply-To)
 * and its thread's root (the first of References). Hashes keep the index
 * small (24 bytes a message instead of three strings) and the cache simple. */
#ifndef SKUA_MAIL_THREAD_IDS_H
#define SKUA_MAIL_THREAD_IDS_H

#include <stdint.h>

struct thread_ids {
	uint64_t id, parent, root;   /* 0: none */
};

/* The hash of the first <...> in s (the whole trimmed text when it has
 * none), 0 when s holds no identifier. Never 0 otherwise. */
uint64_t thread_id_hash(const char *s);

/* The three hashes from raw header values (any may be NULL). references
 * may be the whole header field as a server sends it ("References: <a>
 * <b>" with folded lines); every <...> in it counts. A message that names
 * itself as parent or root has none. */
void thread_ids_parse(const char *message_id, const char *in_reply_to, const char *references,
		      struct thread_ids *out);

#endif
