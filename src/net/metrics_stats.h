/* Summaries of metric records per operation (and account): count, median and
 * 95th-percentile latency, bytes, segments, throughput. */
#ifndef SKUA_NET_METRICS_STATS_H
#define SKUA_NET_METRICS_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "net/metrics.h"

struct metric_summary {
	char op[32];
	char account[64];       /* "" when grouped over all accounts */
	size_t count;
	size_t failures;
	uint64_t median_latency_us;
	uint64_t p95_latency_us;  /* nearest-rank */
	uint64_t bytes_out, bytes_in;   /* totals */
	uint64_t segs_out, segs_in;     /* totals */
	double throughput_Bps;    /* total bytes / total latency */
};

/* Groups records by op (and by account if by_account); summaries sorted by op
 * then account. Caller frees *out. Returns the number of summaries. */
size_t metrics_summarize(const struct metric_record *recs, size_t n, int by_account,
			 struct metric_summary **out);
/* The run of op that took the median time (nearest rank, as in the
 * summaries): among its successful records, or all of them when none
 * succeeded; the earlier record on equal times. NULL when op has none. */
const struct metric_record *metrics_median_run(const struct metric_record *recs, size_t n,
					       const char *op);
/* Median and nearest-rank percentile of values (sorted in place). */
uint64_t metrics_percentile(uint64_t *values, size_t n, double pct);

#endif
