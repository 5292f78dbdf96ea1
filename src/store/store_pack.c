/* The packed form of one cached summary: fixed-width little-endian numbers,
 * then each string as a 16-bit length, its bytes and a NUL. */
#include "store/store.h"

#include <string.h>

#define STR_MAX 0xffff

static void put_le(struct strbuf *out, uint64_t v, int bytes)
{
	unsigned char b[8];

	for (int i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	strbuf_append(out, b, (size_t)bytes);
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_str(struct strbuf *out, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	/* A longer subject is cut at a character boundary rather than dropped. */
	if (n > STR_MAX) {
		n = STR_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	put_le(out, n, 2);
	strbuf_append(out, s ? s : "", n);
	strbuf_appendc(out, '\0');
}

static int get_str(const unsigned char **p, const unsigned char *end, const char **s)
{
	size_t n;

	if (end - *p < 2)
		return -1;
	n = (size_t)get_le(*p, 2);
	if ((size_t)(end - *p) < 2 + n + 1 || (*p)[2 + n] != '\0' ||
	    memchr(*p + 2, '\0', n) != NULL)
		return -1;
	*s = (const char *)*p + 2;
	*p += 2 + n + 1;
	return 0;
}

/* uid 4, size 4, date 8, flags 2, attachment 1, thread id, parent, root 8 each */
#define FIXED 43

void store_msg_pack(const struct store_msg *m, struct strbuf *out)
{
	put_le(out, m->uid, 4);
	put_le(out, m->size, 4);
	put_le(out, (uint64_t)m->date, 8);
	put_le(out, m->flags, 2);
	put_le(out, m->has_attachment, 1);
	put_le(out, m->thread_id, 8);
	put_le(out, m->thread_parent, 8);
	put_le(out, m->thread_root, 8);
	put_str(out, m->from);
	put_str(out, m->subject);
}

int store_msg_unpack(const unsigned char **p, const unsigned char *end, struct store_msg *m)
{
	const unsigned char *q = *p;

	if (end - q < FIXED)
		return -1;
	m->uid = (uint32_t)get_le(q, 4);
	m->size = (uint32_t)get_le(q + 4, 4);
	m->date = (int64_t)get_le(q + 8, 8);
	m->flags = (uint16_t)get_le(q + 16, 2);
	m->has_attachment = q[18] != 0;
	m->thread_id = get_le(q + 19, 8);
	m->thread_parent = get_le(q + 27, 8);
	m->thread_root = get_le(q + 35, 8);
	q += FIXED;
	if (m->uid == 0 || get_str(&q, end, &m->from) < 0 || get_str(&q, end, &m->subject) < 0)
		return -1;
	*p = q;
	return 0;
}
