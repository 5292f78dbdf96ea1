/* skua list: one line per message of a folder, opened through the header
 * cache as the full-screen client opens it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/folder_sync.h"
#include "app/messages.h"
#include "cli/commands.h"
#include "mail/safe_text.h"
#include "util/arena.h"
#include "util/xalloc.h"

#define LIST_USAGE "usage: skua list [--no-cache] [FOLDER]"

/* Flag letters in mutt's spirit: N new, r replied, ! flagged, D deleted. */
static void flag_letters(unsigned flags, char out[5])
{
	out[0] = (flags & MSG_SEEN) ? '-' : 'N';
	out[1] = (flags & MSG_ANSWERED) ? 'r' : '-';
	out[2] = (flags & MSG_FLAGGED) ? '!' : '-';
	out[3] = (flags & MSG_DELETED) ? 'D' : '-';
	out[4] = '\0';
}

static int print_summary(const struct app_summary *m, void *ctx)
{
	char date[32] = "-", flags[5];
	time_t t = (time_t)m->date;
	struct tm tm;

	(void)ctx;
	if (m->date > 0 && localtime_r(&t, &tm) != NULL)
		strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
	flag_letters(m->flags, flags);
	printf("%u\t%s\t%s\t%u\t%s\t", m->uid, date, flags, m->size, m->has_attachment ? "@" : "-");
	cli_print_safe(m->from, 0);
	putchar('\t');
	cli_print_safe(m->subject, 0);
	putchar('\n');
	return 0;
}

/* The folder as the cache and the resync leave it, printed at the end. */
struct rows {
	struct app_summary *v;    /* ascending UID */
	size_t n, cap;
	struct arena arena;
};

static int add_row(const struct app_summary *m, void *ctx)
{
	struct rows *r = ctx;
	struct app_summary *d;

	if (r->n && r->v[r->n - 1].uid >= m->uid)
		return 0;   /* the server's "n:*" repeat */
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 4096;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	d = &r->v[r->n++];
	*d = *m;
	d->from = arena_strdup(&r->arena, m->from ? m->from : "");
	d->from_addr = "";
	d->subject = arena_strdup(&r->arena, m->subject ? m->subject : "");
	return 0;
}

/* A vanished row keeps its place (the array stays sorted) with this mark. */
#define GONE (~0u)

static struct app_summary *find_row(struct rows *r, uint32_t uid)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->v[lo].uid == uid && r->v[lo].flags != GONE ? &r->v[lo] : NULL;
}

static void reset_rows(void *ctx)
{
	struct rows *r = ctx;

	r->n = 0;
}

static void vanish_row(uint32_t uid, void *ctx)
{
	struct app_summary *m = find_row(ctx, uid);

	if (m)
		m->flags = GONE;
}

static void flag_row(uint32_t uid, unsigned flags, void *ctx)
{
	struct app_summary *m = find_row(ctx, uid);

	if (m)
		m->flags = flags;
}

static void print_notice(const char *text, void *ctx)
{
	char *safe = safe_text_terminal(text, 0);

	(void)ctx;
	fprintf(stderr, "skua: note: %s\n", safe);
	free(safe);
}

int cmd_list(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "no-cache", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct app_sync_ops ops = {
		.summary = add_row,
		.reset = reset_rows,
		.vanished = vanish_row,
		.flags = flag_row,
		.notice = print_notice,
	};
	struct rows rows = { 0 };
	struct store *st = NULL;
	struct app_sync *y;
	struct imap_session *s;
	char *folder, *note = NULL;
	int use_cache = 1, opt, rc;

	(void)o;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (opt != 'n')
			return err_set(e, ERR_USAGE, LIST_USAGE);
		use_cache = 0;
	}
	if (argc - optind > 1)
		return err_set(e, ERR_USAGE, LIST_USAGE);
	s = cli_open_folder(a, optind < argc ? argv[optind] : NULL, &folder, e);
	if (s == NULL)
		return -1;
	if (use_cache)
		st = app_cache_open(a, &note);
	if (note) {
		print_notice(note, NULL);
		free(note);
	}
	if (st == NULL) {
		/* Without a cache the lines go out as they arrive. */
		rc = app_messages_list(s, folder, print_summary, NULL, NULL, e);
	} else {
		y = app_sync_new(st, folder, app_resync_mode(a));
		app_sync_load(y, &ops, &rows);
		rc = app_sync_run(y, s, &ops, &rows, e);
		app_sync_free(y);
		for (size_t i = 0; rc == 0 && i < rows.n; i++)
			if (rows.v[i].flags != GONE)
				print_summary(&rows.v[i], NULL);
	}
	free(rows.v);
	arena_free(&rows.arena);
	store_close(st);
	free(folder);
	imap_session_close(s);
	return rc;
}
