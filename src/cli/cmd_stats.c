/* skua stats: the metrics log summarised per operation. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/stats.h"
#include "cli/commands.h"
#include "net/metrics_stats.h"

static void print_table(const struct metric_summary *s, size_t n, int by_account)
{
	printf("%-20s %s%7s %6s %10s %10s %12s %12s %9s %9s %12s\n", "operation",
	       by_account ? "account              " : "", "count", "fail", "median_ms", "p95_ms",
	       "bytes_out", "bytes_in", "segs_out", "segs_in", "kB/s");
	for (size_t i = 0; i < n; i++) {
		printf("%-20s ", s[i].op);
		if (by_account)
			printf("%-20.20s ", s[i].account);
		printf("%7zu %6zu %10.2f %10.2f %12llu %12llu %9llu %9llu %12.1f\n", s[i].count,
		       s[i].failures, s[i].median_latency_us / 1000.0, s[i].p95_latency_us / 1000.0,
		       (unsigned long long)s[i].bytes_out, (unsigned long long)s[i].bytes_in,
		       (unsigned long long)s[i].segs_out, (unsigned long long)s[i].segs_in,
		       s[i].throughput_Bps / 1000.0);
	}
}

/* The original project's report: operation, time, packets, bytes,
 * throughput. A row is one real run, the one of median time, rather than a
 * median time beside mean sizes: its figures belong together, and its
 * throughput is its bytes over its time. */
static void print_report(const struct metric_summary *s, size_t n,
			 const struct metric_record *recs, size_t nrecs)
{
	printf("Each row is the run of median time of its operation; packets (TCP segments)\n"
	       "and bytes (TLS included) count both directions.\n");
	printf("%-20s %6s %12s %10s %14s %16s\n", "Operation", "Runs", "Time (ms)", "Packets",
	       "Bytes", "Throughput (B/s)");
	for (size_t i = 0; i < n; i++) {
		const struct metric_record *r = metrics_median_run(recs, nrecs, s[i].op);
		if (r == NULL)
			continue;
		printf("%-20s %6zu %12.2f %10llu %14llu %16.0f\n", r->op, s[i].count,
		       r->latency_us / 1000.0, (unsigned long long)(r->segs_out + r->segs_in),
		       (unsigned long long)(r->bytes_out + r->bytes_in), metric_throughput(r));
	}
}

int cmd_stats(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "by-account", no_argument, NULL, 'a' },
		{ "report", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int by_account = 0, report = 0, opt;
	struct metric_record *recs;
	struct metric_summary *sum = NULL;
	size_t n, nsum, skipped;
	char *path;

	(void)a;
	(void)o;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (opt == 'a')
			by_account = 1;
		else if (opt == 'r')
			report = 1;
		else
			return err_set(e, ERR_USAGE, "usage: skua stats [--by-account] [--report]");
	}
	if (optind < argc)
		return err_set(e, ERR_USAGE, "usage: skua stats [--by-account] [--report]");
	path = app_metrics_log_path();
	if (app_stats_load(path, &recs, &n, &skipped, e) != 0) {
		free(path);
		return -1;
	}
	if (n == 0) {
		printf("no metric records yet in %s\n", path);
		free(path);
		return 0;
	}
	nsum = metrics_summarize(recs, n, by_account && !report, &sum);
	if (report)
		print_report(sum, nsum, recs, n);
	else
		print_table(sum, nsum, by_account);
	printf("%zu records from %s", n, path);
	if (skipped)
		printf(" (%zu malformed lines skipped)", skipped);
	printf("\n");
	free(sum);
	free(recs);
	free(path);
	return 0;
}
