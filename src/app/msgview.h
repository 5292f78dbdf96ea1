/* What the index shows of a msglist: the messages matching a limit pattern
 * (mutt's ~f, ~s, ~N, ~F or a plain text), as an array of display positions
 * rebuilt in one pass over the list. No ncurses: the TUI and tests share it. */
#ifndef SKUA_APP_MSGVIEW_H
#define SKUA_APP_MSGVIEW_H

#include <stddef.h>
#include <sys/types.h>

#include "app/msglist.h"
#include "util/err.h"

struct msgview;

struct msgview *msgview_new(void);
void msgview_free(struct msgview *v);
/* Sets the limit; NULL, "" or "all" shows everything. A pattern that does not
 * parse leaves the view as it was and fills e. Call msgview_update after. */
int msgview_set_limit(struct msgview *v, const char *pattern, struct err *e);
/* The limit as typed, or NULL when everything is shown. */
const char *msgview_limit(const struct msgview *v);
/* 1 if m matches the limit (always 1 without one). */
int msgview_matches(const struct msgview *v, const struct msg_summary *m);
/* Follows the list after it changed (a batch, a removal, a new limit). */
void msgview_update(struct msgview *v, const struct msglist *l);
size_t msgview_count(const struct msgview *v, const struct msglist *l);
/* The summary at view position i, NULL past the end. */
struct msg_summary *msgview_at(const struct msgview *v, const struct msglist *l, size_t i);
/* View position of uid, or -1 when it is not shown. */
ssize_t msgview_find(const struct msgview *v, const struct msglist *l, uint32_t uid);
/* View position of uid, else of the first shown message after it, else the
 * last; -1 when nothing is shown. */
ssize_t msgview_nearest(const struct msgview *v, const struct msglist *l, uint32_t uid);
/* The first unread view position after pos, wrapping around; -1 if none. */
ssize_t msgview_next_unread(const struct msgview *v, const struct msglist *l, size_t pos);

#endif
