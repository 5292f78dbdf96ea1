/* The index's order: one key answers mutt's sort question (d, f, s, z, t,
 * u), the view sorts its positions, and the cursor stays on its message. */
#include <stdio.h>

#include "ui/ui_internal.h"

static const struct sort_answer {
	int key;
	enum msgsort_key sort;
} answers[] = {
	{ 'd', MSGSORT_DATE }, { 'f', MSGSORT_FROM }, { 's', MSGSORT_SUBJECT },
	{ 'z', MSGSORT_SIZE }, { 't', MSGSORT_THREAD }, { 'u', MSGSORT_UID },
};

static void sort_key(struct ui *u, int key, void *ctx)
{
	int reverse = ctx != NULL;
	char name[16];
	ssize_t pos;

	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		if (answers[i].key != key)
			continue;
		msgview_set_sort(u->view, answers[i].sort, reverse);
		if (u->msgs != NULL) {
			msgview_update(u->view, u->msgs);
			pos = u->cursor_uid != 0 ? msgview_find(u->view, u->msgs, u->cursor_uid) : -1;
			screen_index_set_cursor(u, pos >= 0 ? (size_t)pos : 0);
		}
		ui_note(u, 0, "Sorted by %s%s.", msgsort_name(answers[i].sort),
			reverse ? ", reversed" : "");
		return;
	}
	ui_note(u, 1, "%s is none of d, f, s, z, t or u: the order stays.",
		keys_name(key, name, sizeof name));
}

void ui_sort_ask(struct ui *u, int reverse)
{
	/* The context only carries the direction: any non-NULL pointer. */
	struct ui_prompt_spec spec = { .key = sort_key, .ctx = reverse ? (void *)u : NULL };

	ui_prompt_choice(u, &spec, "%s (d)ate/(f)rom/(s)ubject/si(z)e/(t)hreads/(u)nsorted?",
			 reverse ? "Reverse sort" : "Sort");
}
