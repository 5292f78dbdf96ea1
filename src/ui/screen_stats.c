/* The statistics: per account and operation the count, median and p95
 * latency, bytes, TCP segments and throughput of this run (the metrics sink)
 * and of earlier runs (the metrics log); the TLS handshake's share of the
 * time to log in; and a chart of the selected operation's recent latencies. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/stats.h"
#include "mail/safe_text.h"
#include "net/metrics_stats.h"
#include "ui/draw.h"
#include "ui/ui_internal.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* As many records as the sink keeps; older ones of this run are in the log. */
#define RECENT_MAX 4096
/* Earlier runs: only the newest records of a long log are kept in memory. */
#define LOG_MAX 50000
#define CHART_MAX_ROWS 8
#define CHART_MIN_ROWS 3

struct stats_view {
	struct metric_record *recs;   /* earlier runs first, then this run */
	size_t n, nrun;
	struct metric_summary *sum;   /* by account, then operation */
	char **op_shown, **account_shown;   /* terminal-safe */
	size_t nsum;
};

static int cmp_summary(const void *pa, const void *pb)
{
	const struct metric_summary *a = pa, *b = pb;
	int c = strcmp(a->account, b->account);

	return c != 0 ? c : strcmp(a->op, b->op);
}

static void load_log(struct ui *u)
{
	struct metric_record *recs = NULL;
	size_t n = 0, keep = 0;
	char *path;
	struct err e = { ERR_NONE, "" };

	free(u->stats_log);
	u->stats_log = NULL;
	u->nstats_log = 0;
	u->stats_log_loaded = 1;
	if (!u->app->config.metrics_log)
		return;
	path = app_metrics_log_path();
	if (app_stats_load(path, &recs, &n, NULL, &e) != 0) {
		ui_note(u, 1, "%s", e.msg);
		free(path);
		return;
	}
	free(path);
	/* This run's records are in the sink already. */
	for (size_t i = 0; i < n; i++)
		if (recs[i].start_wall_us < u->run_start_wall_us)
			recs[keep++] = recs[i];
	if (keep > LOG_MAX) {
		memmove(recs, recs + keep - LOG_MAX, LOG_MAX * sizeof *recs);
		keep = LOG_MAX;
	}
	u->stats_log = recs;
	u->nstats_log = keep;
}

static void view_gather(struct ui *u, struct stats_view *v)
{
	memset(v, 0, sizeof *v);
	v->recs = xcalloc(u->nstats_log + RECENT_MAX, sizeof *v->recs);
	if (u->nstats_log > 0)
		memcpy(v->recs, u->stats_log, u->nstats_log * sizeof *v->recs);
	if (u->app->metrics != NULL)
		v->nrun = metrics_sink_recent(u->app->metrics, v->recs + u->nstats_log, RECENT_MAX);
	v->n = u->nstats_log + v->nrun;
	v->nsum = metrics_summarize(v->recs, v->n, 1, &v->sum);
	if (v->nsum > 0)
		qsort(v->sum, v->nsum, sizeof *v->sum, cmp_summary);
	v->op_shown = xcalloc(v->nsum + 1, sizeof *v->op_shown);
	v->account_shown = xcalloc(v->nsum + 1, sizeof *v->account_shown);
	/* The log is a file anyone may have edited: its names are not trusted. */
	for (size_t i = 0; i < v->nsum; i++) {
		v->op_shown[i] = safe_text_terminal(v->sum[i].op, 0);
		v->account_shown[i] = safe_text_terminal(v->sum[i].account, 0);
	}
}

static void view_free(struct stats_view *v)
{
	for (size_t i = 0; i < v->nsum; i++) {
		free(v->op_shown[i]);
		free(v->account_shown[i]);
	}
	free(v->op_shown);
	free(v->account_shown);
	free(v->sum);
	free(v->recs);
}

static void fmt_latency(char *buf, size_t size, uint64_t us)
{
	if (us < 10000)
		snprintf(buf, size, "%.2fms", (double)us / 1000.0);
	else if (us < 1000000)
		snprintf(buf, size, "%.1fms", (double)us / 1000.0);
	else
		snprintf(buf, size, "%.2fs", (double)us / 1e6);
}

/* The summary of op for account, or NULL. */
static const struct metric_summary *find_summary(const struct stats_view *v, const char *account,
						 const char *op)
{
	for (size_t i = 0; i < v->nsum; i++)
		if (strcmp(v->sum[i].account, account) == 0 && strcmp(v->sum[i].op, op) == 0)
			return &v->sum[i];
	return NULL;
}

static uint64_t median_of(const struct stats_view *v, const char *account, const char *op)
{
	const struct metric_summary *s = find_summary(v, account, op);

	return s != NULL ? s->median_latency_us : 0;
}

/* Two lines on TLS for the selected row's account: the handshake's share of
 * the time from the TCP connect to a logged-in session (medians), and what
 * the median handshake carried. */
static int draw_tls(const struct stats_view *v, size_t sel, int y, int rows)
{
	const char *acct = v->sum[sel].account;
	const struct metric_record *run;
	struct metric_record *mine;
	size_t n = 0;
	uint64_t tcp, tls, starttls, greet, login, total;
	char a[16], b[16], c[16], d[16], f[16], in[16], out[16];
	struct strbuf line = STRBUF_INIT;

	if (rows <= 0)
		return 0;
	mine = xcalloc(v->n ? v->n : 1, sizeof *mine);
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->recs[i].account, acct) == 0)
			mine[n++] = v->recs[i];
	run = metrics_median_run(mine, n, "tls_handshake");
	if (run == NULL) {
		strbuf_printf(&line, "TLS (%s): no handshake recorded", v->account_shown[sel]);
		draw_text(y, 1, COLS - 1, line.s, draw_attr(ROLE_HEADER));
		strbuf_free(&line);
		free(mine);
		return 1;
	}
	tcp = median_of(v, acct, "tcp_connect");
	tls = median_of(v, acct, "tls_handshake");
	starttls = median_of(v, acct, "imap_starttls");
	greet = median_of(v, acct, "imap_greeting");
	login = median_of(v, acct, "imap_login");
	total = tcp + tls + starttls + greet + login;
	fmt_latency(a, sizeof a, tls + starttls);
	fmt_latency(b, sizeof b, total);
	strbuf_printf(&line, "TLS (%s): handshake %s of %s to log in (%.0f%%)", v->account_shown[sel],
		      a, b, total ? 100.0 * (double)(tls + starttls) / (double)total : 0.0);
	draw_text(y, 1, COLS - 1, line.s, draw_attr(ROLE_HEADER));
	if (rows < 2) {
		strbuf_free(&line);
		free(mine);
		return 1;
	}
	strbuf_reset(&line);
	fmt_latency(a, sizeof a, tcp);
	fmt_latency(b, sizeof b, tls);
	fmt_latency(c, sizeof c, greet);
	fmt_latency(d, sizeof d, login);
	draw_size(in, sizeof in, run->bytes_in);
	draw_size(out, sizeof out, run->bytes_out);
	/* What TLS costs first; the breakdown may be cut on a narrow screen. */
	strbuf_printf(&line, "  TLS added %llu segs out, %llu in, %s bytes out, %s in; tcp %s + tls %s",
		      (unsigned long long)run->segs_out, (unsigned long long)run->segs_in, out, in,
		      a, b);
	if (starttls) {
		fmt_latency(f, sizeof f, starttls);
		strbuf_printf(&line, " + starttls %s", f);
	}
	strbuf_printf(&line, " + greeting %s + login %s", c, d);
	draw_text(y + 1, 1, COLS - 1, line.s, A_NORMAL);
	strbuf_free(&line);
	free(mine);
	return 2;
}

static int utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* The latencies of the selected operation, newest on the right, one column
 * each, scaled to the largest; eighth blocks, or '#' and '.' without UTF-8. */
static void draw_chart(const struct stats_view *v, size_t sel, int y, int rows)
{
	static const char *const eighths[8] = { "\u2581", "\u2582", "\u2583", "\u2584",
						"\u2585", "\u2586", "\u2587", "\u2588" };
	const struct metric_summary *s = &v->sum[sel];
	int label_w = 10, width = COLS - label_w - 2, h = rows - 1, blocks = utf8_locale();
	uint64_t *lat, max = 0;
	size_t n = 0, cap;
	char a[16];
	struct strbuf line = STRBUF_INIT;

	if (h < 1 || width < 4)
		return;
	cap = (size_t)width;
	lat = xcalloc(cap, sizeof *lat);
	/* The newest width records of the operation, oldest first. */
	for (size_t i = v->n; i-- > 0 && n < cap;)
		if (strcmp(v->recs[i].op, s->op) == 0 && strcmp(v->recs[i].account, s->account) == 0)
			lat[n++] = v->recs[i].latency_us;
	for (size_t i = 0; i < n / 2; i++) {
		uint64_t t = lat[i];
		lat[i] = lat[n - 1 - i];
		lat[n - 1 - i] = t;
	}
	for (size_t i = 0; i < n; i++)
		if (lat[i] > max)
			max = lat[i];
	fmt_latency(a, sizeof a, max);
	strbuf_printf(&line, "Latency of %s (%s), the last %zu, newest right; top %s",
		      v->op_shown[sel], v->account_shown[sel], n, a);
	draw_text(y, 1, COLS - 1, line.s, draw_attr(ROLE_HEADER));
	for (int r = 0; r < h; r++) {
		int level = h - 1 - r;   /* rows above the bottom */
		strbuf_reset(&line);
		for (size_t i = 0; i < n; i++) {
			uint64_t e = max ? (lat[i] * (uint64_t)h * 8 + max - 1) / max : 0;
			int cell = e > (uint64_t)level * 8 ? (int)(e - (uint64_t)level * 8) : 0;
			if (cell > 8)
				cell = 8;
			if (cell == 0)
				strbuf_appendc(&line, ' ');
			else if (blocks)
				strbuf_appends(&line, eighths[cell - 1]);
			else
				strbuf_appendc(&line, cell >= 4 ? '#' : '.');
		}
		if (r == 0)
			draw_text(y + 1 + r, 1, label_w, a, draw_attr(ROLE_DIM));
		else if (r == h - 1)
			draw_text(y + 1 + r, 1, label_w, "0", draw_attr(ROLE_DIM));
		draw_text(y + 1 + r, label_w + 1, 1, blocks ? "\u2502" : "|", draw_attr(ROLE_DIM));
		if (line.len > 0)
			draw_text(y + 1 + r, label_w + 2, width, line.s, draw_attr(ROLE_QUOTE1));
	}
	strbuf_free(&line);
	free(lat);
}

/* Table lines: an account's header before its first operation. */
static size_t line_of(const struct stats_view *v, size_t idx)
{
	size_t line = 0;

	for (size_t i = 0; i <= idx && i < v->nsum; i++) {
		if (i == 0 || strcmp(v->sum[i].account, v->sum[i - 1].account) != 0)
			line++;
		if (i < idx)
			line++;
	}
	return line;
}

static void draw_row_of(const struct stats_view *v, size_t i, int y, int cursor)
{
	const struct metric_summary *s = &v->sum[i];
	char med[16], p95[16], in[16], out[16], rate[16], segs[48], rest[160];
	attr_t attr = cursor ? draw_attr(ROLE_CURSOR) : s->failures ? draw_attr(ROLE_ERROR) : A_NORMAL;

	fmt_latency(med, sizeof med, s->median_latency_us);
	fmt_latency(p95, sizeof p95, s->p95_latency_us);
	draw_size(in, sizeof in, s->bytes_in);
	draw_size(out, sizeof out, s->bytes_out);
	draw_size(rate, sizeof rate, (uint64_t)s->throughput_Bps);
	snprintf(segs, sizeof segs, "%llu/%llu", (unsigned long long)s->segs_in,
		 (unsigned long long)s->segs_out);
	snprintf(rest, sizeof rest, "%5zu %8s %8s %5s %5s %11s %6s/s", s->count, med, p95, in, out,
		 segs, rate);
	draw_row(y, cursor ? attr : A_NORMAL);
	draw_text(y, 2, 20, v->op_shown[i], attr);
	draw_text(y, 23, COLS - 23, rest, attr);
}

void screen_stats_draw(struct ui *u)
{
	struct stats_view v;
	int rows = ui_body_rows(), y = 1, table_rows, chart_rows, used;
	size_t lines, cur_line, k;
	char head[200];

	if (rows <= 0)
		return;
	view_gather(u, &v);
	snprintf(head, sizeof head, "Network statistics: %zu operations this run, %zu from earlier runs",
		 v.nrun, u->nstats_log);
	draw_text(y++, 1, COLS - 1, head, draw_attr(ROLE_HEADER));
	rows--;
	if (v.nsum == 0) {
		if (rows > 0)
			draw_text(y, 3, COLS - 3, "No network operation recorded yet.",
				  draw_attr(ROLE_DIM));
		view_free(&v);
		return;
	}
	if (u->stats_cursor >= v.nsum)
		u->stats_cursor = v.nsum - 1;
	lines = line_of(&v, v.nsum - 1) + 1;
	/* The table as long as it needs, the chart (a title and 3 to 8 rows) and
	 * the TLS lines (a blank and 2) under it. */
	chart_rows = 0;
	if (rows >= 10) {
		int want = rows - 3 - 1 - (int)lines;
		chart_rows = want > CHART_MAX_ROWS + 1 ? CHART_MAX_ROWS + 1
			     : want < CHART_MIN_ROWS + 1 ? CHART_MIN_ROWS + 1 : want;
	}
	table_rows = rows - chart_rows - (rows >= 10 ? 3 : 0);
	if (table_rows < 2)
		table_rows = rows;
	snprintf(head, sizeof head, "%-20s %5s %8s %8s %5s %5s %11s %8s", "operation", "count",
		 "median", "p95", "in", "out", "segs in/out", "rate");
	draw_text(y++, 2, COLS - 2, head, draw_attr(ROLE_DIM));
	table_rows--;
	cur_line = line_of(&v, u->stats_cursor);
	if (cur_line < u->stats_top + 1 && u->stats_top > 0)
		u->stats_top = cur_line > 0 ? cur_line - 1 : 0;
	if (table_rows > 0 && cur_line >= u->stats_top + (size_t)table_rows)
		u->stats_top = cur_line - (size_t)table_rows + 1;
	if (u->stats_top > lines)
		u->stats_top = 0;
	k = 0;
	used = 0;
	for (size_t i = 0; i < v.nsum && used < table_rows; i++) {
		if (i == 0 || strcmp(v.sum[i].account, v.sum[i - 1].account) != 0) {
			if (k++ >= u->stats_top) {
				char *acct = xasprintf("Account %s", v.account_shown[i][0]
								     ? v.account_shown[i] : "(none)");
				draw_text(y + used++, 1, COLS - 1, acct, draw_attr(ROLE_NEW));
				free(acct);
			}
		}
		if (used >= table_rows)
			break;
		if (k++ >= u->stats_top)
			draw_row_of(&v, i, y + used++, i == u->stats_cursor);
	}
	y += table_rows > 0 ? table_rows : 0;
	rows = ui_body_rows() - (y - 1);
	if (rows >= 3) {
		y++;
		rows--;
		used = draw_tls(&v, u->stats_cursor, y, rows > 2 ? 2 : rows);
		y += used;
		rows -= used;
	}
	if (rows >= 3)
		draw_chart(&v, u->stats_cursor, y, rows);
	view_free(&v);
}

void screen_stats_open(struct ui *u)
{
	if (u->screen != SCREEN_STATS)
		u->stats_from = u->screen;
	if (!u->stats_log_loaded)
		load_log(u);
	u->screen = SCREEN_STATS;
	u->dirty = 1;
}

static size_t summary_count(struct ui *u)
{
	struct stats_view v;
	size_t n;

	view_gather(u, &v);
	n = v.nsum;
	view_free(&v);
	return n;
}

int screen_stats_action(struct ui *u, enum ui_action a)
{
	size_t n = summary_count(u), page = ui_body_rows() > 12 ? (size_t)ui_body_rows() - 12 : 1;

	switch (a) {
	case ACT_DOWN: u->stats_cursor++; break;
	case ACT_UP: u->stats_cursor -= u->stats_cursor > 0; break;
	case ACT_PAGE_DOWN: u->stats_cursor += page; break;
	case ACT_PAGE_UP: u->stats_cursor = u->stats_cursor > page ? u->stats_cursor - page : 0; break;
	case ACT_FIRST: u->stats_cursor = 0; break;
	case ACT_LAST: u->stats_cursor = n; break;
	case ACT_REFRESH: load_log(u); break;
	case ACT_BACK:
	case ACT_STATS:
		u->screen = u->stats_from;
		break;
	default: return 0;
	}
	if (u->stats_cursor >= n)
		u->stats_cursor = n > 0 ? n - 1 : 0;
	u->dirty = 1;
	return 1;
}

void screen_stats_free(struct ui *u)
{
	free(u->stats_log);
	u->stats_log = NULL;
	u->nstats_log = 0;
}
