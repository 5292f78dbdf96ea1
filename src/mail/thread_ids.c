/* Message-ID hashing: FNV-1a over the identifier between < and >. */
#include "mail/thread_ids.h"

#include <string.h>

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	/* 0 means "none". */
	return h != 0 ? h : 1;
}

/* The next <...> from *p on: its inside in *start and *len; 0 at the end. */
static int next_bracketed(const char **p, const char **start, size_t *len)
{
	const char *open = strchr(*p, '<'), *close;

	if (open == NULL)
		return 0;
	close = strchr(open + 1, '>');
	if (close == NULL)
		return 0;
	*start = open + 1;
	*len = (size_t)(close - open - 1);
	*p = close + 1;
	return 1;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

uint64_t thread_id_hash(const char *s)
{
	const char *p = s, *start;
	size_t len;

	if (s == NULL)
		return 0;
	if (next_bracketed(&p, &start, &len))
		return len > 0 ? fnv1a(start, len) : 0;
	/* Some clients write the identifier bare. */
	while (blank(*s))
		s++;
	len = strlen(s);
	while (len > 0 && blank(s[len - 1]))
		len--;
	return len > 0 ? fnv1a(s, len) : 0;
}

void thread_ids_parse(const char *message_id, const char *in_reply_to, const char *references,
		      struct thread_ids *out)
{
	const char *p = references, *start;
	size_t len;

	out->id = thread_id_hash(message_id);
	out->parent = out->root = 0;
	while (p != NULL && next_bracketed(&p, &start, &len)) {
		if (len == 0)
			continue;
		uint64_t h = fnv1a(start, len);
		if (out->root == 0)
			out->root = h;
		out->parent = h;
	}
	if (out->parent == 0)
		out->parent = out->root = thread_id_hash(in_reply_to);
	if (out->id != 0 && out->parent == out->id)
		out->parent = 0;
	if (out->id != 0 && out->root == out->id)
		out->root = 0;
}
