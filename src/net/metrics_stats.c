/* Summaries of metric records: per operation (and account) counts, failures,
 * nearest-rank median and 95th percentile latency, byte/segment totals and
 * throughput. Latency percentiles use the successful operations only, so a
 * few timeouts do not pass for the server's speed; with no success at all
 * they fall back to every record. */
#include "net/metrics_stats.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t metrics_percentile(uint64_t *values, size_t n, double pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	qsort(values, n, sizeof *values, cmp_u64);
	if (!(pct > 0.0))
		return values[0];
	if (pct >= 100.0)
		return values[n - 1];
	/* Nearest rank: the smallest value with at least pct% of values <= it. */
	double r = pct * (double)n / 100.0 - 1e-9;
	rank = (size_t)r;
	if ((double)rank < r)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return values[rank - 1];
}

struct group_key {
	const struct metric_record *rec;
	size_t index;
};

static int cmp_records(const struct metric_record *a, const struct metric_record *b, int by_account)
{
	int c = strcmp(a->op, b->op);

	if (c != 0 || !by_account)
		return c;
	return strcmp(a->account, b->account);
}

static int cmp_keys(const void *pa, const void *pb, void *ctx)
{
	const struct group_key *a = pa, *b = pb;
	int c = cmp_records(a->rec, b->rec, *(const int *)ctx);

	if (c != 0)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

static void summarize_group(const struct group_key *keys, size_t n, int by_account,
			    struct metric_summary *out)
{
	uint64_t *lat = xcalloc(n, sizeof *lat);
	uint64_t total_latency = 0;
	size_t nlat = 0;

	memset(out, 0, sizeof *out);
	memcpy(out->op, keys[0].rec->op, sizeof out->op);
	out->op[sizeof out->op - 1] = '\0';
	if (by_account) {
		memcpy(out->account, keys[0].rec->account, sizeof out->account);
		out->account[sizeof out->account - 1] = '\0';
	}
	out->count = n;
	for (size_t i = 0; i < n; i++) {
		const struct metric_record *r = keys[i].rec;
		if (!r->ok)
			out->failures++;
		else
			lat[nlat++] = r->latency_us;
		out->bytes_out += r->bytes_out;
		out->bytes_in += r->bytes_in;
		out->segs_out += r->segs_out;
		out->segs_in += r->segs_in;
		total_latency += r->latency_us;
	}
	if (nlat == 0) {
		for (size_t i = 0; i < n; i++)
			lat[nlat++] = keys[i].rec->latency_us;
	}
	out->median_latency_us = metrics_percentile(lat, nlat, 50.0);
	out->p95_latency_us = metrics_percentile(lat, nlat, 95.0);
	out->throughput_Bps = total_latency == 0 ? 0.0
		: (double)(out->bytes_in + out->bytes_out) * 1e6 / (double)total_latency;
	free(lat);
}

size_t metrics_summarize(const struct metric_record *recs, size_t n, int by_account,
			 struct metric_summary **out)
{
	struct group_key *keys;
	struct metric_summary *sums;
	size_t nsum = 0;

	*out = NULL;
	if (n == 0)
		return 0;
	keys = xcalloc(n, sizeof *keys);
	for (size_t i = 0; i < n; i++) {
		keys[i].rec = &recs[i];
		keys[i].index = i;
	}
	qsort_r(keys, n, sizeof *keys, cmp_keys, &by_account);
	sums = xcalloc(n, sizeof *sums);
	for (size_t start = 0; start < n;) {
		size_t end = start + 1;
		while (end < n && cmp_records(keys[start].rec, keys[end].rec, by_account) == 0)
			end++;
		summarize_group(keys + start, end - start, by_account, &sums[nsum++]);
		start = end;
	}
	free(keys);
	*out = xreallocarray(sums, nsum, sizeof *sums);
	return nsum;
}

static int cmp_by_latency(const void *pa, const void *pb, void *ctx)
{
	const struct metric_record *recs = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	uint64_t x = recs[a].latency_us, y = recs[b].latency_us;

	if (x != y)
		return (x > y) - (x < y);
	return (a > b) - (a < b);
}

const struct metric_record *metrics_median_run(const struct metric_record *recs, size_t n,
					       const char *op)
{
	size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
	size_t m = 0;
	const struct metric_record *run = NULL;

	for (size_t i = 0; i < n; i++)
		if (recs[i].ok && strcmp(recs[i].op, op) == 0)
			idx[m++] = i;
	if (m == 0)
		for (size_t i = 0; i < n; i++)
			if (strcmp(recs[i].op, op) == 0)
				idx[m++] = i;
	if (m > 0) {
		qsort_r(idx, m, sizeof *idx, cmp_by_latency, (void *)recs);
		/* Nearest rank for 50%: the ceil(m / 2)-th smallest. */
		run = &recs[idx[(m + 1) / 2 - 1]];
	}
	free(idx);
	return run;
}
