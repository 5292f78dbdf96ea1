/* Loaded summaries: items in UID order, a date-ordered index over them. */
#include "app/msglist.h"

#include <stdlib.h>
#include <string.h>

#include "mail/safe_text.h"
#include "net/imap_session.h"
#include "util/xalloc.h"

struct msglist {
	struct msg_summary *items;   /* ascending UID */
	size_t n, cap;
	uint32_t *order;             /* indexes into items, oldest first */
	struct arena arena;
};

struct msg_batch *msg_batch_new(void)
{
	return xcalloc(1, sizeof(struct msg_batch));
}

void msg_batch_free(struct msg_batch *b)
{
	if (b == NULL)
		return;
	free(b->items);
	arena_free(&b->arena);
	free(b);
}

/* Printable ASCII is what safe_text_terminal leaves as it is. */
static int plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static const char *safe_copy(struct arena *a, const char *s)
{
	if (s == NULL)
		s = "";
	/* Most senders and subjects: no conversion, no temporary copy (a warm
	 * open of 100000 messages spends most of its time here otherwise). */
	if (plain_ascii(s))
		return arena_strdup(a, s);
	char *safe = safe_text_terminal(s, 0);
	const char *out = arena_strdup(a, safe);

	free(safe);
	return out;
}

void msg_batch_add(struct msg_batch *b, uint32_t uid, unsigned flags, int64_t date,
		   uint32_t size, int has_attachment, const char *from, const char *subject)
{
	struct msg_summary *m;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->items = xreallocarray(b->items, b->cap, sizeof *b->items);
	}
	m = &b->items[b->n++];
	memset(m, 0, sizeof *m);
	m->uid = uid;
	m->flags = (uint16_t)flags;
	m->date = date;
	m->size = size;
	m->has_attachment = has_attachment != 0;
	m->from = safe_copy(&b->arena, from);
	m->subject = safe_copy(&b->arena, subject);
}

void msg_batch_set_thread(struct msg_batch *b, uint64_t id, uint64_t parent, uint64_t root)
{
	if (b->n == 0)
		return;
	b->items[b->n - 1].thread_id = id;
	b->items[b->n - 1].thread_parent = parent;
	b->items[b->n - 1].thread_root = root;
}

struct msglist *msglist_new(void)
{
	return xcalloc(1, sizeof(struct msglist));
}

void msglist_free(struct msglist *l)
{
	if (l == NULL)
		return;
	free(l->items);
	free(l->order);
	arena_free(&l->arena);
	free(l);
}

static int uid_cmp(const void *pa, const void *pb)
{
	const struct msg_summary *a = pa, *b = pb;

	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

/* Date order; equal dates keep UID order so the display is stable. */
static int date_cmp(const struct msg_summary *a, const struct msg_summary *b)
{
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

static int order_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct msg_summary *items = ctx;

	return date_cmp(&items[*(const uint32_t *)pa], &items[*(const uint32_t *)pb]);
}

static void reserve(struct msglist *l, size_t extra)
{
	if (l->n + extra <= l->cap)
		return;
	while (l->cap < l->n + extra)
		l->cap = l->cap ? l->cap * 2 : 256;
	l->items = xreallocarray(l->items, l->cap, sizeof *l->items);
	l->order = xreallocarray(l->order, l->cap, sizeof *l->order);
}

static void sort_all(struct msglist *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->order[i] = (uint32_t)i;
	qsort_r(l->order, l->n, sizeof *l->order, order_cmp, l->items);
}

/* Items first..n-1 were appended: sort their indexes and merge them into
 * the existing order, linear in the folder size. */
static void merge_tail(struct msglist *l, size_t first)
{
	size_t added = l->n - first;
	uint32_t *tail = xreallocarray(NULL, added, sizeof *tail);
	size_t i = first, j = added, k = l->n;

	for (size_t t = 0; t < added; t++)
		tail[t] = (uint32_t)(first + t);
	qsort_r(tail, added, sizeof *tail, order_cmp, l->items);
	/* Merge from the back so the order array is filled in place. */
	while (j > 0) {
		if (i > 0 && date_cmp(&l->items[l->order[i - 1]], &l->items[tail[j - 1]]) > 0)
			l->order[--k] = l->order[--i];
		else
			l->order[--k] = tail[--j];
	}
	free(tail);
}

void msglist_add(struct msglist *l, struct msg_batch *b)
{
	size_t first = l->n;
	int appended = 1;

	if (b->n > 1) {
		int sorted = 1;
		for (size_t i = 1; i < b->n && sorted; i++)
			sorted = b->items[i - 1].uid < b->items[i].uid;
		if (!sorted)
			qsort(b->items, b->n, sizeof *b->items, uid_cmp);
	}
	reserve(l, b->n);
	for (size_t i = 0; i < b->n; i++) {
		const struct msg_summary *m = &b->items[i];
		if (l->n > 0 && l->items[l->n - 1].uid >= m->uid) {
			/* Out of UID order (a refresh, new mail): place it properly. */
			struct msg_summary *hit = bsearch(m, l->items, l->n, sizeof *m, uid_cmp);
			appended = 0;
			if (hit != NULL) {
				*hit = *m;
				continue;
			}
			size_t lo = 0, hi = l->n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (l->items[mid].uid < m->uid)
					lo = mid + 1;
				else
					hi = mid;
			}
			memmove(&l->items[lo + 1], &l->items[lo], (l->n - lo) * sizeof *m);
			l->items[lo] = *m;
			l->n++;
			continue;
		}
		l->items[l->n++] = *m;
	}
	arena_adopt(&l->arena, &b->arena);
	if (appended)
		merge_tail(l, first);
	else
		sort_all(l);
	msg_batch_free(b);
}

size_t msglist_count(const struct msglist *l)
{
	return l->n;
}

struct msg_summary *msglist_at(const struct msglist *l, size_t pos)
{
	return pos < l->n ? &l->items[l->order[pos]] : NULL;
}

ssize_t msglist_find(const struct msglist *l, uint32_t uid)
{
	struct msg_summary key = { .uid = uid };
	const struct msg_summary *hit = bsearch(&key, l->items, l->n, sizeof key, uid_cmp);
	uint32_t idx;

	if (hit == NULL)
		return -1;
	idx = (uint32_t)(hit - l->items);
	for (size_t i = 0; i < l->n; i++)
		if (l->order[i] == idx)
			return (ssize_t)i;
	return -1;
}

int msglist_remove(struct msglist *l, uint32_t uid)
{
	ssize_t pos = msglist_find(l, uid);
	uint32_t idx;
	size_t k = 0;

	if (pos < 0)
		return -1;
	idx = l->order[pos];
	memmove(&l->items[idx], &l->items[idx + 1], (l->n - idx - 1) * sizeof *l->items);
	for (size_t i = 0; i < l->n; i++) {
		if (l->order[i] == idx)
			continue;
		l->order[k++] = l->order[i] > idx ? l->order[i] - 1 : l->order[i];
	}
	l->n--;
	return 0;
}

int msglist_set_flags(struct msglist *l, uint32_t uid, unsigned flags)
{
	struct msg_summary key = { .uid = uid };
	struct msg_summary *hit = bsearch(&key, l->items, l->n, sizeof key, uid_cmp);

	if (hit == NULL)
		return -1;
	hit->flags = (uint16_t)flags;
	return 0;
}

size_t msglist_remove_uids(struct msglist *l, const uint32_t *uids, size_t n)
{
	uint32_t *newidx;
	size_t k = 0, removed = 0;

	if (n == 0 || l->n == 0)
		return 0;
	/* newidx[i]: the item's index after compaction, UINT32_MAX if removed. */
	newidx = xreallocarray(NULL, l->n, sizeof *newidx);
	for (size_t i = 0; i < l->n; i++)
		newidx[i] = 0;
	for (size_t j = 0; j < n; j++) {
		struct msg_summary key = { .uid = uids[j] };
		struct msg_summary *hit = bsearch(&key, l->items, l->n, sizeof key, uid_cmp);
		if (hit != NULL && newidx[hit - l->items] != UINT32_MAX) {
			newidx[hit - l->items] = UINT32_MAX;
			removed++;
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		if (newidx[i] == UINT32_MAX)
			continue;
		l->items[k] = l->items[i];
		newidx[i] = (uint32_t)k++;
	}
	k = 0;
	for (size_t i = 0; i < l->n; i++)
		if (newidx[l->order[i]] != UINT32_MAX)
			l->order[k++] = newidx[l->order[i]];
	l->n = k;
	free(newidx);
	return removed;
}

size_t msglist_unread(const struct msglist *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += !(l->items[i].flags & MSG_SEEN);
	return n;
}

ssize_t msglist_next_unread(const struct msglist *l, size_t pos)
{
	for (size_t step = 1; step <= l->n; step++) {
		size_t p = (pos + step) % l->n;
		if (!(l->items[l->order[p]].flags & MSG_SEEN))
			return (ssize_t)p;
	}
	return -1;
}

size_t msglist_memory(const struct msglist *l)
{
	return sizeof *l + l->cap * (sizeof *l->items + sizeof *l->order) + l->arena.bytes;
}
