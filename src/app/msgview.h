/* What the index shows of a msglist: the messages matching a limit pattern
 * (mutt's ~f, ~s, ~N, ~F or a plain text) and found by a server search, in
 * a sort order, as an array of display positions rebuilt in one pass over
 * the list. No ncurses: the TUI and tests share it. */
#ifndef SKUA_APP_MSGVIEW_H
#define SKUA_APP_MSGVIEW_H

#include <stddef.h>
#include <sys/types.h>

#include "app/msglist.h"
#include "app/msgsort.h"
#include "util/err.h"

struct msgview;

struct msgview *msgview_new(void);
void msgview_free(struct msgview *v);
/* Sets the limit; NULL, "" or "all" shows everything. A pattern that does not
 * parse leaves the view as it was and fills e. Call msgview_update after. */
int msgview_set_limit(struct msgview *v, const char *pattern, struct err *e);
/* The limit as typed, or NULL when everything is shown. */
const char *msgview_limit(const struct msgview *v);
/* Shows only the messages whose UID is among uids (a server search's
 * answer, in any order; copied), text being what was searched for. text
 * NULL ends the search. Call msgview_update after. */
void msgview_set_search(struct msgview *v, const char *text, const uint32_t *uids, size_t n);
/* The text searched for, or NULL; how many UIDs the server found. */
const char *msgview_search(const struct msgview *v);
size_t msgview_search_count(const struct msgview *v);
/* The order of the view (MSGSORT_DATE, not reversed, at first). Call
 * msgview_update after. */
void msgview_set_sort(struct msgview *v, enum msgsort_key key, int reverse);
enum msgsort_key msgview_sort(const struct msgview *v, int *reverse);
/* In thread order, the tree drawn before the subject of view row i (box
 * drawing characters, or ASCII when ascii is 1), as mutt draws it: "" for
 * the first message of a thread and in other orders. Returns its length. */
size_t msgview_tree(const struct msgview *v, size_t i, int ascii, char *buf, size_t size);
/* 1 if m matches the limit and the search (always 1 without them). */
int msgview_matches(const struct msgview *v, const struct msg_summary *m);
/* Follows the list after it changed (a batch, a removal, a new limit). */
void msgview_update(struct msgview *v, const struct msglist *l);
size_t msgview_count(const struct msgview *v, const struct msglist *l);
/* The summary at view position i, NULL past the end. */
struct msg_summary *msgview_at(const struct msgview *v, const struct msglist *l, size_t i);
/* View position of uid, or -1 when it is not shown. */
ssize_t msgview_find(const struct msgview *v, const struct msglist *l, uint32_t uid);
/* View position of uid, else of the first shown message after it in date
 * order, else the last; -1 when nothing is shown. */
ssize_t msgview_nearest(const struct msgview *v, const struct msglist *l, uint32_t uid);
/* The first unread view position after pos, wrapping around; -1 if none. */
ssize_t msgview_next_unread(const struct msgview *v, const struct msglist *l, size_t pos);

#endif
