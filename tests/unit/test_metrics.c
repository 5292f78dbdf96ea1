/* Unit tests of src/net/metrics*: the log line format and parser, the sink
 * (ring, log file, write failures) and the summary arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "net/metrics.h"
#include "net/metrics_stats.h"

static struct metric_record sample(const char *op, const char *account, uint64_t latency_us,
				   int ok)
{
	struct metric_record r;

	memset(&r, 0, sizeof r);
	snprintf(r.op, sizeof r.op, "%s", op);
	snprintf(r.account, sizeof r.account, "%s", account);
	snprintf(r.host, sizeof r.host, "imap.example.org");
	r.port = 993;
	r.tls = TLS_MODE_IMPLICIT;
	r.start_wall_us = 1795435200123000u;   /* 2026-11-23T12:00:00.123Z */
	r.latency_us = latency_us;
	r.bytes_out = 100;
	r.bytes_in = 900;
	r.segs_out = 3;
	r.segs_in = 4;
	r.ok = ok;
	snprintf(r.result, sizeof r.result, "%s", ok ? "ok" : "tls");
	return r;
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == c;
	return n;
}

static void test_format_and_parse_round_trip(void **state)
{
	struct metric_record r = sample("imap_fetch_headers", "work", 12345, 1), back;
	char line[1024];
	(void)state;

	metric_format_line(&r, line, sizeof line);
	assert_string_equal(line, "2026-11-23T12:00:00.123Z\timap_fetch_headers\twork\t"
				  "imap.example.org\t993\timplicit\t12.345\t100\t900\t3\t4\t81004\tok");
	assert_int_equal(metric_parse_line(line, &back), 0);
	assert_string_equal(back.op, r.op);
	assert_string_equal(back.account, r.account);
	assert_string_equal(back.host, r.host);
	assert_int_equal(back.port, 993);
	assert_int_equal(back.tls, TLS_MODE_IMPLICIT);
	assert_int_equal(back.start_wall_us, r.start_wall_us);
	assert_int_equal(back.latency_us, 12345);
	assert_int_equal(back.bytes_out, 100);
	assert_int_equal(back.bytes_in, 900);
	assert_int_equal(back.segs_out, 3);
	assert_int_equal(back.segs_in, 4);
	assert_int_equal(back.ok, 1);
	assert_string_equal(back.result, "ok");

	/* A failure with an empty account, a sub-millisecond latency and a
	 * trailing newline as read from the file. */
	r = sample("tls_handshake", "", 7, 0);
	r.tls = TLS_MODE_STARTTLS;
	metric_format_line(&r, line, sizeof line);
	strcat(line, "\n");
	assert_int_equal(metric_parse_line(line, &back), 0);
	assert_string_equal(back.account, "");
	assert_int_equal(back.latency_us, 7);
	assert_int_equal(back.tls, TLS_MODE_STARTTLS);
	assert_int_equal(back.ok, 0);
	assert_string_equal(back.result, "tls");
}

static void test_fields_with_tabs_and_newlines(void **state)
{
	struct metric_record r = sample("smtp_send", "my\taccount", 1000, 1), back;
	char line[1024];
	(void)state;

	snprintf(r.host, sizeof r.host, "evil\nhost\r\x1b[31m");
	metric_format_line(&r, line, sizeof line);
	assert_int_equal(count_char(line, '\t'), 12);
	assert_null(strchr(line, '\n'));
	assert_null(strchr(line, '\r'));
	assert_null(strchr(line, '\x1b'));
	assert_int_equal(metric_parse_line(line, &back), 0);
	assert_string_equal(back.account, "my account");
	assert_string_equal(back.host, "evil host  [31m");
}

static void test_malformed_lines(void **state)
{
	static const char *bad[] = {
		"",
		"\n",
		"# time\top\taccount",
		"garbage",
		/* 12 columns */
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.000\t1\t2\t3\t4\t5",
		/* 14 columns */
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.000\t1\t2\t3\t4\t5\tok\tx",
		/* port out of range, negative counter, bad tls, bad time, bad latency */
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t70000\timplicit\t1.000\t1\t2\t3\t4\t5\tok",
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.000\t-1\t2\t3\t4\t5\tok",
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t993\tssl\t1.000\t1\t2\t3\t4\t5\tok",
		"2026-11-23 09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.000\t1\t2\t3\t4\t5\tok",
		"2026-13-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.000\t1\t2\t3\t4\t5\tok",
		"+026-11-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.000\t1\t2\t3\t4\t5\tok",
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.0001\t1\t2\t3\t4\t5\tok",
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\tx\t1\t2\t3\t4\t5\tok",
		/* empty op, empty result, counter overflow */
		"2026-11-23T09:20:00.123Z\t\tacct\thost\t993\timplicit\t1.000\t1\t2\t3\t4\t5\tok",
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.000\t1\t2\t3\t4\t5\t",
		"2026-11-23T09:20:00.123Z\top\tacct\thost\t993\timplicit\t1.000\t99999999999999999999\t2\t3\t4\t5\tok",
	};
	struct metric_record r;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (metric_parse_line(bad[i], &r) != -1)
			fail_msg("accepted malformed line %zu: %s", i, bad[i]);
	}
	/* An op longer than the record's field is refused, not truncated. */
	char line[256];
	snprintf(line, sizeof line,
		 "2026-11-23T09:20:00.123Z\t%s\tacct\thost\t993\timplicit\t1.000\t1\t2\t3\t4\t5\tok",
		 "an_operation_name_much_longer_than_32");
	assert_int_equal(metric_parse_line(line, &r), -1);
}

static void test_header_and_throughput(void **state)
{
	struct metric_record r = sample("x", "a", 500000, 1);
	const char *h = metric_log_header();
	(void)state;

	assert_memory_equal(h, "# time\top\t", 10);
	assert_int_equal(count_char(h, '\t'), 12);
	/* 1000 bytes in half a second. */
	assert_true(metric_throughput(&r) > 1999.9 && metric_throughput(&r) < 2000.1);
	r.latency_us = 0;
	assert_true(metric_throughput(&r) == 0.0);
	assert_string_equal(tls_mode_name(TLS_MODE_NONE), "none");
}

static void test_percentile_edges(void **state)
{
	uint64_t one[] = { 42 };
	uint64_t two[] = { 30, 10 };
	uint64_t twenty[20];
	(void)state;

	assert_int_equal(metrics_percentile(one, 0, 50), 0);
	assert_int_equal(metrics_percentile(one, 1, 50), 42);
	assert_int_equal(metrics_percentile(one, 1, 95), 42);
	/* Nearest rank of 2: the median is the lower value, p95 the higher. */
	assert_int_equal(metrics_percentile(two, 2, 50), 10);
	assert_int_equal(metrics_percentile(two, 2, 95), 30);
	/* 1..20 shuffled: rank ceil(0.95 * 20) = 19, ceil(0.5 * 20) = 10. */
	for (int i = 0; i < 20; i++)
		twenty[i] = (uint64_t)((i * 7) % 20 + 1);
	assert_int_equal(metrics_percentile(twenty, 20, 95), 19);
	assert_int_equal(metrics_percentile(twenty, 20, 50), 10);
	assert_int_equal(metrics_percentile(twenty, 20, 100), 20);
	assert_int_equal(metrics_percentile(twenty, 20, 0), 1);
	assert_int_equal(twenty[0], 1);   /* sorted in place */
}

static void test_summarize_groups(void **state)
{
	struct metric_record recs[25];
	struct metric_summary *s;
	size_t n;
	(void)state;

	/* 20 imap_select on two accounts, latencies 1..20 ms, one failure at
	 * 100 ms that must not count in the percentiles. */
	for (int i = 0; i < 20; i++)
		recs[i] = sample("imap_select", i % 2 ? "home" : "work", (uint64_t)(i + 1) * 1000, 1);
	recs[20] = sample("imap_select", "work", 100000, 0);
	recs[21] = sample("smtp_send", "home", 4000, 1);
	recs[22] = sample("imap_login", "work", 2000, 1);
	recs[23] = sample("imap_login", "work", 6000, 1);
	recs[24] = sample("tcp_connect", "home", 0, 0);

	n = metrics_summarize(recs, 25, 0, &s);
	assert_int_equal(n, 4);
	assert_string_equal(s[0].op, "imap_login");
	assert_string_equal(s[1].op, "imap_select");
	assert_string_equal(s[2].op, "smtp_send");
	assert_string_equal(s[3].op, "tcp_connect");
	assert_string_equal(s[1].account, "");
	assert_int_equal(s[1].count, 21);
	assert_int_equal(s[1].failures, 1);
	assert_int_equal(s[1].p95_latency_us, 19000);
	assert_int_equal(s[1].median_latency_us, 10000);
	assert_int_equal(s[1].bytes_out, 2100);
	assert_int_equal(s[1].bytes_in, 18900);
	assert_int_equal(s[1].segs_out, 63);
	assert_int_equal(s[1].segs_in, 84);
	/* 21000 bytes over 210 ms + 100 ms. */
	assert_true(s[1].throughput_Bps > 67741.9 && s[1].throughput_Bps < 67742.0);
	assert_int_equal(s[0].median_latency_us, 2000);
	assert_int_equal(s[0].p95_latency_us, 6000);
	/* Only failures: latency over all of them; zero latency: no throughput. */
	assert_int_equal(s[3].failures, 1);
	assert_true(s[3].throughput_Bps == 0.0);
	free(s);

	n = metrics_summarize(recs, 25, 1, &s);
	assert_int_equal(n, 5);
	assert_string_equal(s[1].op, "imap_select");
	assert_string_equal(s[1].account, "home");
	assert_int_equal(s[1].count, 10);
	assert_int_equal(s[1].median_latency_us, 10000);   /* 2,4..20 ms: rank 5 */
	assert_int_equal(s[1].p95_latency_us, 20000);
	assert_string_equal(s[2].account, "work");
	assert_int_equal(s[2].count, 11);
	assert_int_equal(s[2].failures, 1);
	free(s);

	assert_int_equal(metrics_summarize(recs, 0, 0, &s), 0);
	assert_null(s);
}

/* The report's rows are real runs: the one at the summaries' median time. */
static void test_median_run(void **state)
{
	static const uint64_t ms[] = { 5, 1, 3, 9, 2 };
	struct metric_record recs[8];
	struct metric_summary *s;
	const struct metric_record *run;
	(void)state;

	/* imap_fetch: 5, 1, 3 ms ok, a failure at 9 ms, 2 ms ok, and 3 ms ok on
	 * another account: the median of 1, 2, 3, 3, 5 is the first 3 ms run;
	 * the failure does not count. */
	for (size_t i = 0; i < 5; i++) {
		recs[i] = sample("imap_fetch", "work", ms[i] * 1000, i != 3);
		recs[i].bytes_in = 1000 * (i + 1);
	}
	recs[5] = sample("smtp_send", "work", 7000, 0);
	recs[6] = sample("smtp_send", "work", 4000, 0);
	recs[7] = sample("imap_fetch", "home", 3000, 1);
	run = metrics_median_run(recs, 8, "imap_fetch");
	assert_non_null(run);
	assert_ptr_equal(run, &recs[2]);
	assert_int_equal(run->bytes_in, 3000);
	assert_int_equal(metrics_summarize(recs, 8, 0, &s), 2);
	assert_int_equal(s[0].median_latency_us, run->latency_us);
	free(s);
	/* Only failures: the median over all of them. */
	run = metrics_median_run(recs, 8, "smtp_send");
	assert_ptr_equal(run, &recs[6]);
	assert_null(metrics_median_run(recs, 8, "imap_login"));
	assert_null(metrics_median_run(recs, 0, "imap_fetch"));
}

static void test_sink_ring(void **state)
{
	struct metrics_sink *s = metrics_sink_new(NULL, 3, NULL);
	struct metric_record out[5], last;
	(void)state;

	assert_non_null(s);
	assert_int_equal(metrics_sink_last(s, &last), -1);
	for (int i = 0; i < 5; i++) {
		struct metric_record r = sample("op", "a", (uint64_t)i, 1);
		metrics_sink_add(s, &r);
	}
	assert_int_equal(metrics_sink_recent(s, out, 5), 3);
	assert_int_equal(out[0].latency_us, 2);
	assert_int_equal(out[2].latency_us, 4);
	assert_int_equal(metrics_sink_recent(s, out, 2), 2);
	assert_int_equal(out[0].latency_us, 3);
	assert_int_equal(out[1].latency_us, 4);
	assert_int_equal(metrics_sink_last(s, &last), 0);
	assert_int_equal(last.latency_us, 4);
	assert_null(metrics_sink_log_error(s));
	metrics_sink_free(s);
	metrics_sink_free(NULL);

	s = metrics_sink_new(NULL, 0, NULL);   /* no memory ring at all */
	struct metric_record r = sample("op", "a", 1, 1);
	metrics_sink_add(s, &r);
	assert_int_equal(metrics_sink_recent(s, out, 5), 0);
	metrics_sink_free(s);
}

static void test_sink_log_file(void **state)
{
	char dir[] = "/tmp/skua-metrics-XXXXXX";
	char path[256], line[1024];
	struct stat st;
	struct err e;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/state/skua/metrics.log", dir);
	for (int round = 0; round < 2; round++) {
		struct metrics_sink *s = metrics_sink_new(path, 10, &e);
		assert_non_null(s);
		struct metric_record r = sample("imap_login", "work", 5000 + (uint64_t)round, 1);
		metrics_sink_add(s, &r);
		assert_null(metrics_sink_log_error(s));
		metrics_sink_free(s);
	}
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(line, sizeof line, "%s/state", dir);
	assert_int_equal(stat(line, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int n = 0, headers = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		struct metric_record r;
		if (line[0] == '#') {
			headers++;
			continue;
		}
		assert_int_equal(metric_parse_line(line, &r), 0);
		assert_int_equal(r.latency_us, 5000 + (uint64_t)n);
		n++;
	}
	fclose(f);
	assert_int_equal(headers, 1);
	assert_int_equal(n, 2);
	unlink(path);
	snprintf(line, sizeof line, "%s/state/skua", dir);
	rmdir(line);
	snprintf(line, sizeof line, "%s/state", dir);
	rmdir(line);
	rmdir(dir);
}

static void test_sink_log_failures(void **state)
{
	struct metrics_sink *s;
	struct err e;
	(void)state;

	/* A full disk is remembered, never fatal. */
	s = metrics_sink_new("/dev/full", 4, &e);
	assert_non_null(s);
	struct metric_record r = sample("op", "a", 1, 1);
	metrics_sink_add(s, &r);
	assert_non_null(metrics_sink_log_error(s));
	assert_non_null(strstr(metrics_sink_log_error(s), "No space left"));
	assert_int_equal(metrics_sink_recent(s, &r, 1), 1);
	metrics_sink_free(s);

	/* A directory that cannot be created fails the sink with ERR_IO. */
	s = metrics_sink_new("/dev/null/sub/metrics.log", 4, &e);
	assert_null(s);
	assert_int_equal(e.code, ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_and_parse_round_trip),
		cmocka_unit_test(test_fields_with_tabs_and_newlines),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_header_and_throughput),
		cmocka_unit_test(test_percentile_edges),
		cmocka_unit_test(test_summarize_groups),
		cmocka_unit_test(test_median_run),
		cmocka_unit_test(test_sink_ring),
		cmocka_unit_test(test_sink_log_file),
		cmocka_unit_test(test_sink_log_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
