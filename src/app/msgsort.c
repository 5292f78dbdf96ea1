/* Sorting display positions: a stable LSD radix sort for the numeric keys,
 * a most-significant-first radix sort with 8-character digits for the
 * texts, which reads each shared prefix once rather than once per
 * comparison, and threads through a hash table of Message-ID hashes. */
#include "app/msgsort.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

const char *msgsort_name(enum msgsort_key k)
{
	switch (k) {
	case MSGSORT_DATE: return "date";
	case MSGSORT_FROM: return "from";
	case MSGSORT_SUBJECT: return "subject";
	case MSGSORT_SIZE: return "size";
	case MSGSORT_UID: return "unsorted";
	case MSGSORT_THREAD: return "threads";
	}
	return "?";
}

static int fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* s starts with the ASCII word w (lower case) whatever its case. */
static int starts_folded(const char *s, const char *w)
{
	for (; *w != '\0'; s++, w++)
		if (fold((unsigned char)*s) != *w)
			return 0;
	return 1;
}

const char *msgsort_subject_base(const char *subject)
{
	static const char *const prefixes[] = { "re:", "fwd:", "fw:", "aw:" };
	const char *p = subject != NULL ? subject : "";
	int again = 1;

	while (again) {
		again = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		/* Most subjects start with none of them: one test. */
		int c = fold((unsigned char)*p);
		if (c != 'r' && c != 'f' && c != 'a')
			break;
		for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
			if (starts_folded(p, prefixes[i])) {
				p += strlen(prefixes[i]);
				again = 1;
				break;
			}
		}
	}
	return p;
}

/* Two passes of 16 bits; stable, so equal keys keep the order they came in
 * (the date order). */
static void radix_sort(uint32_t *pos, uint32_t *keys, size_t n)
{
	uint32_t *tpos = xreallocarray(NULL, n, sizeof *tpos);
	uint32_t *tkeys = xreallocarray(NULL, n, sizeof *tkeys);
	size_t *count = xmalloc(65537 * sizeof *count);

	for (int shift = 0; shift < 32; shift += 16) {
		for (size_t i = 0; i < 65537; i++)
			count[i] = 0;
		for (size_t i = 0; i < n; i++)
			count[((keys[i] >> shift) & 0xffff) + 1]++;
		for (size_t i = 1; i < 65537; i++)
			count[i] += count[i - 1];
		for (size_t i = 0; i < n; i++) {
			size_t at = count[(keys[i] >> shift) & 0xffff]++;
			tpos[at] = pos[i];
			tkeys[at] = keys[i];
		}
		for (size_t i = 0; i < n; i++) {
			pos[i] = tpos[i];
			keys[i] = tkeys[i];
		}
	}
	free(count);
	free(tkeys);
	free(tpos);
}

struct skey {
	uint64_t key;              /* 8 characters from the current depth on */
	const unsigned char *s;
	uint32_t pos;
};

/* 8 characters of s, folded, as one big-endian number, NULs past its end. */
static uint64_t prefix_key(const unsigned char *s)
{
	uint64_t k = 0;
	int i = 0;

	for (; i < 8 && s[i] != '\0'; i++)
		k = k << 8 | (uint64_t)fold(s[i]);
	/* Shifting a 64-bit number by 64 is undefined: an empty text is 0. */
	return i == 0 ? 0 : i == 8 ? k : k << (8 * (8 - i));
}

/* Full comparison from character d on; equal texts keep the date order. */
static int cmp_from(const struct skey *a, const struct skey *b, size_t d)
{
	for (;; d++) {
		int x = fold(a->s[d]), y = fold(b->s[d]);
		if (x != y)
			return x < y ? -1 : 1;
		if (x == 0)
			break;
	}
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int less_key(const struct skey *a, const struct skey *b)
{
	return a->key != b->key ? a->key < b->key : a->pos < b->pos;
}

/* By key, then position (so the result is what a stable sort gives), in
 * place: the libc's qsort allocates and calls back for each comparison. */
static void quick_keys(struct skey *k, size_t n)
{
	while (n > 16) {
		struct skey p = k[n / 2], t;
		size_t i = 0, j = n - 1;
		for (;;) {
			while (less_key(&k[i], &p))
				i++;
			while (less_key(&p, &k[j]))
				j--;
			if (i >= j)
				break;
			t = k[i];
			k[i++] = k[j];
			k[j--] = t;
		}
		/* Recurse into the smaller side, loop on the larger. */
		if (j + 1 < n - j - 1) {
			quick_keys(k, j + 1);
			k += j + 1;
			n -= j + 1;
		} else {
			quick_keys(k + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct skey t = k[i];
		size_t j = i;
		for (; j > 0 && less_key(&t, &k[j - 1]); j--)
			k[j] = k[j - 1];
		k[j] = t;
	}
}

/* Stable, 16 bits a pass; tmp holds n. Four passes: the result is in k. */
static void radix_keys(struct skey *k, struct skey *tmp, size_t n, size_t *count)
{
	struct skey *from = k, *to = tmp;

	for (int shift = 0; shift < 64; shift += 16) {
		for (size_t i = 0; i < 65537; i++)
			count[i] = 0;
		for (size_t i = 0; i < n; i++)
			count[((from[i].key >> shift) & 0xffff) + 1]++;
		for (size_t i = 1; i < 65537; i++)
			count[i] += count[i - 1];
		for (size_t i = 0; i < n; i++)
			to[count[(from[i].key >> shift) & 0xffff]++] = from[i];
		struct skey *t = from;
		from = to;
		to = t;
	}
}

/* k[0..n) share their first depth characters and come in date order:
 * sort them by the next 8 (a radix sort for many, a comparison sort for
 * some, stable either way), then each run that shares those too and goes
 * on, 8 deeper. A MSD radix sort with 8-character digits: texts that
 * share long prefixes, as mailing lists' do, cost one pass per 8. */
/* a and b are equal from character d on, ASCII case folded. */
static int same_from(const unsigned char *a, const unsigned char *b, size_t d)
{
	for (a += d, b += d; fold(*a) == fold(*b); a++, b++)
		if (*a == '\0')
			return 1;
	return 0;
}

static void sort_run(struct skey *k, struct skey *tmp, size_t n, size_t depth, size_t *count)
{
	size_t same = 1;

	/* A thread's subject, a frequent sender: a run of one text, read once
	 * to its end rather than 8 characters a pass. It is in date order. */
	while (same < n && same_from(k[0].s, k[same].s, depth))
		same++;
	if (same == n)
		return;
	if (n < 16) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && cmp_from(&k[j - 1], &k[j], depth) > 0; j--) {
				struct skey t = k[j - 1];
				k[j - 1] = k[j];
				k[j] = t;
			}
		return;
	}
	for (size_t i = 0; i < n; i++)
		k[i].key = prefix_key(k[i].s + depth);
	if (n >= 4096)
		radix_keys(k, tmp, n, count);
	else
		quick_keys(k, n);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && k[j].key == k[i].key)
			j++;
		/* A key ending in NUL holds whole texts: the run is equal texts,
		 * in date order already. */
		if (j - i > 1 && (k[i].key & 0xff) != 0)
			sort_run(k + i, tmp, j - i, depth + 8, count);
		i = j;
	}
}

static void text_sort(const struct msglist *l, uint32_t *pos, size_t n, enum msgsort_key key)
{
	struct skey *k = xreallocarray(NULL, n, sizeof *k);
	struct skey *tmp = xreallocarray(NULL, n, sizeof *tmp);
	size_t *count = xmalloc(65537 * sizeof *count);

	for (size_t i = 0; i < n; i++) {
		const struct msg_summary *m = msglist_at(l, pos[i]);
		const char *s = key == MSGSORT_FROM ? m->from : msgsort_subject_base(m->subject);
		k[i].s = (const unsigned char *)(s != NULL ? s : "");
		k[i].pos = pos[i];
	}
	sort_run(k, tmp, n, 0, count);
	for (size_t i = 0; i < n; i++)
		pos[i] = k[i].pos;
	free(count);
	free(tmp);
	free(k);
}

/* Message-ID hash -> index, open addressing; the first message with an
 * identifier keeps it. */
struct id_table {
	uint64_t *keys;
	int32_t *vals;
	size_t mask;
};

static void table_init(struct id_table *t, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	t->keys = xcalloc(size, sizeof *t->keys);
	t->vals = xreallocarray(NULL, size, sizeof *t->vals);
	t->mask = size - 1;
}

static void table_put(struct id_table *t, uint64_t key, int32_t val)
{
	size_t i = (size_t)(key ^ key >> 29) & t->mask;

	while (t->keys[i] != 0 && t->keys[i] != key)
		i = (i + 1) & t->mask;
	if (t->keys[i] == 0) {
		t->keys[i] = key;
		t->vals[i] = val;
	}
}

static int32_t table_get(const struct id_table *t, uint64_t key)
{
	size_t i = (size_t)(key ^ key >> 29) & t->mask;

	if (key == 0)
		return -1;
	while (t->keys[i] != 0) {
		if (t->keys[i] == key)
			return t->vals[i];
		i = (i + 1) & t->mask;
	}
	return -1;
}

void msgsort_threads(const struct msglist *l, uint32_t *pos, size_t n, int reverse,
		     int32_t *parent, uint8_t *more)
{
	struct id_table t;
	int32_t *par, *first, *last, *next, *roots, *vindex;
	uint8_t *state;
	uint32_t *out;
	size_t nroots = 0, k = 0;

	if (n == 0)
		return;
	table_init(&t, n);
	par = xreallocarray(NULL, n, sizeof *par);
	first = xreallocarray(NULL, n, sizeof *first);
	last = xreallocarray(NULL, n, sizeof *last);
	next = xreallocarray(NULL, n, sizeof *next);
	roots = xreallocarray(NULL, n, sizeof *roots);
	vindex = xreallocarray(NULL, n, sizeof *vindex);
	state = xcalloc(n, 1);
	out = xreallocarray(NULL, n, sizeof *out);
	for (size_t i = 0; i < n; i++)
		table_put(&t, msglist_at(l, pos[i])->thread_id, (int32_t)i);
	for (size_t i = 0; i < n; i++) {
		const struct msg_summary *m = msglist_at(l, pos[i]);
		int32_t p = table_get(&t, m->thread_parent);
		if (p < 0 || p == (int32_t)i)
			p = table_get(&t, m->thread_root);
		par[i] = p == (int32_t)i ? -1 : p;
		first[i] = last[i] = next[i] = -1;
	}
	/* Cut loops of parents: walk up from each message, marking the path;
	 * meeting the path again means a loop, cut where it closes. */
	for (size_t i = 0; i < n; i++) {
		int32_t at = (int32_t)i;
		size_t depth = 0;
		/* roots is free until the children are linked: the path. */
		while (at >= 0 && state[at] == 0) {
			state[at] = 1;
			roots[depth++] = at;
			at = par[at];
		}
		if (at >= 0 && state[at] == 1)
			par[at] = -1;
		while (depth > 0)
			state[roots[--depth]] = 2;
	}
	/* Children in date order, since positions come in date order. */
	for (size_t i = 0; i < n; i++) {
		int32_t p = par[i];
		if (p < 0) {
			roots[nroots++] = (int32_t)i;
			continue;
		}
		if (last[p] < 0)
			first[p] = (int32_t)i;
		else
			next[last[p]] = (int32_t)i;
		last[p] = (int32_t)i;
	}
	for (size_t r = 0; r < nroots; r++) {
		int32_t root = roots[reverse ? nroots - 1 - r : r], at = root;
		for (;;) {
			vindex[at] = (int32_t)k;
			out[k] = pos[at];
			if (parent != NULL) {
				parent[k] = at == root ? -1 : vindex[par[at]];
				more[k] = at != root && next[at] >= 0;
			}
			k++;
			if (first[at] >= 0) {
				at = first[at];
				continue;
			}
			while (at != root && next[at] < 0)
				at = par[at];
			if (at == root)
				break;
			at = next[at];
		}
	}
	memcpy(pos, out, n * sizeof *pos);
	free(out);
	free(state);
	free(vindex);
	free(roots);
	free(next);
	free(last);
	free(first);
	free(par);
	free(t.vals);
	free(t.keys);
}

void msgsort_positions(const struct msglist *l, uint32_t *pos, size_t n, enum msgsort_key key,
		       int reverse)
{
	if (n > 1 && (key == MSGSORT_SIZE || key == MSGSORT_UID)) {
		uint32_t *keys = xreallocarray(NULL, n, sizeof *keys);
		for (size_t i = 0; i < n; i++) {
			const struct msg_summary *m = msglist_at(l, pos[i]);
			keys[i] = key == MSGSORT_SIZE ? m->size : m->uid;
		}
		radix_sort(pos, keys, n);
		free(keys);
	} else if (n > 1 && (key == MSGSORT_FROM || key == MSGSORT_SUBJECT)) {
		text_sort(l, pos, n, key);
	} else if (key == MSGSORT_THREAD) {
		/* Reversing threads keeps each thread's replies in order. */
		msgsort_threads(l, pos, n, reverse, NULL, NULL);
		return;
	}
	if (reverse)
		for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
			uint32_t t = pos[i];
			pos[i] = pos[j - 1];
			pos[j - 1] = t;
		}
}
