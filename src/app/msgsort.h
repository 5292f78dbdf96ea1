/* The index's sort orders (mutt's sort: date, from, subject, size, threads,
 * or the folder's own order), applied to an array of display positions of
 * a msglist, never to the summaries themselves. Built for 100000 messages:
 * numbers and texts sort by radix (texts 8 characters a digit, for the long
 * prefixes mailing lists share), threads through a hash table. */
#ifndef SKUA_APP_MSGSORT_H
#define SKUA_APP_MSGSORT_H

#include <stddef.h>
#include <stdint.h>

#include "app/msglist.h"

enum msgsort_key {
	MSGSORT_DATE,      /* INTERNALDATE: the list's own display order */
	MSGSORT_FROM,      /* the sender as shown, ASCII case folded */
	MSGSORT_SUBJECT,   /* the subject without Re:/Fwd: prefixes, case folded */
	MSGSORT_SIZE,
	MSGSORT_UID,       /* the folder's order of arrival ("unsorted") */
	MSGSORT_THREAD,    /* threads by References and In-Reply-To, oldest first */
};

/* "date", "from", ...; the name status lines use. */
const char *msgsort_name(enum msgsort_key k);

/* Reorders pos[0..n) (display positions of l, ascending on entry) by key;
 * equal keys keep the date order, and reverse turns the whole result
 * around. O(n) for numbers, about O(n + the characters texts share) for
 * texts. */
void msgsort_positions(const struct msglist *l, uint32_t *pos, size_t n, enum msgsort_key key,
		       int reverse);

/* Thread order of pos[0..n) (as msgsort_positions): each thread's messages
 * follow their parent, replies in date order, threads in the date order of
 * their first message (newest first when reverse). A message whose parent is
 * not among them hangs from its thread's root when that is; a loop of
 * parents is cut. When parent is not NULL, parent[i] gets the result index
 * of i's parent (-1 for the first of a thread) and more[i] is 1 when a later
 * reply to the same parent follows: what the tree column draws. O(n). */
void msgsort_threads(const struct msglist *l, uint32_t *pos, size_t n, int reverse,
		     int32_t *parent, uint8_t *more);

/* The subject as the sort compares it: past any "Re:", "Fwd:", "Fw:" and
 * "Aw:" prefixes (any ASCII case) and the blanks after them. */
const char *msgsort_subject_base(const char *subject);

#endif
