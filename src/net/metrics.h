/* Per-operation network metrics: the record, its log line format, and the sink
 * that keeps recent records in memory and appends them to the metrics log. */
#ifndef SKUA_NET_METRICS_H
#define SKUA_NET_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum tls_mode {
	TLS_MODE_NONE = 0,      /* plain text: only when the account says so */
	TLS_MODE_STARTTLS = 1,
	TLS_MODE_IMPLICIT = 2,
};
const char *tls_mode_name(enum tls_mode mode);   /* "none", "starttls", "implicit" */

/* One operation: e.g. "tcp_connect", "tls_handshake", "imap_login", "imap_list",
 * "imap_select", "imap_fetch_headers", "imap_fetch_body", "imap_store",
 * "imap_copy", "imap_move", "imap_expunge", "imap_append", "imap_logout",
 * "smtp_connect", "smtp_ehlo", "smtp_starttls", "smtp_auth", "smtp_send",
 * "smtp_quit", "notify_send". */
struct metric_record {
	char op[32];
	char account[64];
	char host[128];
	uint16_t port;
	enum tls_mode tls;
	uint64_t start_wall_us;   /* wall clock at start, for the log timestamp */
	uint64_t latency_us;      /* monotonic clock */
	uint64_t bytes_out;       /* bytes written to the socket (TLS records included) */
	uint64_t bytes_in;        /* bytes read from the socket */
	uint64_t segs_out;        /* TCP_INFO tcpi_segs_out delta */
	uint64_t segs_in;         /* TCP_INFO tcpi_segs_in delta */
	int ok;                   /* 1 = success */
	char result[48];          /* "ok" or an err_code_name() such as "tls", "auth" */
};

/* Throughput in bytes per second over bytes in + out; 0 when latency is 0. */
double metric_throughput(const struct metric_record *r);

/* The log line (no newline), tab-separated, in this column order:
 * time (ISO 8601 UTC with milliseconds) op account host port tls latency_ms
 * bytes_out bytes_in segs_out segs_in throughput_Bps result
 * Tabs and newlines inside fields are replaced by spaces. */
void metric_format_line(const struct metric_record *r, char *buf, size_t size);
/* Parses a line written by metric_format_line; returns 0 or -1 (skip the line). */
int metric_parse_line(const char *line, struct metric_record *r);
/* The header line written at the top of a new log: "# " + column names. */
const char *metric_log_header(void);

/* Thread-safe: workers add, the UI reads. */
struct metrics_sink;

/* log_path may be NULL (memory only). The log's directory is created.
 * keep = how many recent records stay in memory. */
struct metrics_sink *metrics_sink_new(const char *log_path, size_t keep, struct err *e);
void metrics_sink_free(struct metrics_sink *s);
/* Appends to the log (one write() per line, O_APPEND) and to the ring. A log
 * write failure is remembered (metrics_sink_log_error) but never fails the caller. */
void metrics_sink_add(struct metrics_sink *s, const struct metric_record *r);
/* Copies up to max of the most recent records, oldest first; returns the count. */
size_t metrics_sink_recent(struct metrics_sink *s, struct metric_record *out, size_t max);
/* The most recent record; returns 0 if there is one. */
int metrics_sink_last(struct metrics_sink *s, struct metric_record *out);
/* NULL or a sentence about the last failure to write the log. */
const char *metrics_sink_log_error(struct metrics_sink *s);

#endif
