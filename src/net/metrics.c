/* Metric records: the tab-separated log line (format and parse) and the sink
 * that keeps recent records in a ring and appends them to the metrics log. */
#include "net/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/paths.h"
#include "util/xalloc.h"

#define METRIC_COLUMNS 13
/* Longest line: four string fields at their maximum plus numbers; 1 KiB is ample. */
#define METRIC_LINE_MAX 1024

const char *tls_mode_name(enum tls_mode mode)
{
	switch (mode) {
	case TLS_MODE_NONE: return "none";
	case TLS_MODE_STARTTLS: return "starttls";
	case TLS_MODE_IMPLICIT: return "implicit";
	}
	return "unknown";
}

static int tls_mode_parse(const char *s, enum tls_mode *out)
{
	static const enum tls_mode modes[] = { TLS_MODE_NONE, TLS_MODE_STARTTLS, TLS_MODE_IMPLICIT };

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		if (strcmp(s, tls_mode_name(modes[i])) == 0) {
			*out = modes[i];
			return 0;
		}
	}
	return -1;
}

double metric_throughput(const struct metric_record *r)
{
	if (r->latency_us == 0)
		return 0.0;
	return (double)(r->bytes_in + r->bytes_out) * 1e6 / (double)r->latency_us;
}

/* Copies a field for the log: control characters (tabs and newlines above
 * all) would break the line's structure, so they become spaces. */
static void field_copy(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src[i] != '\0' && i + 1 < size; i++) {
		unsigned char ch = (unsigned char)src[i];
		dst[i] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	dst[i] = '\0';
}

static void format_time(uint64_t wall_us, char *buf, size_t size)
{
	time_t secs = (time_t)(wall_us / 1000000u);
	unsigned ms = (unsigned)(wall_us % 1000000u / 1000u);
	struct tm tm;
	size_t n;

	if (gmtime_r(&secs, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03uZ", ms);
}

void metric_format_line(const struct metric_record *r, char *buf, size_t size)
{
	char when[40], op[sizeof r->op], account[sizeof r->account], host[sizeof r->host];
	char result[sizeof r->result];

	if (size == 0)
		return;
	format_time(r->start_wall_us, when, sizeof when);
	field_copy(op, sizeof op, r->op);
	field_copy(account, sizeof account, r->account);
	field_copy(host, sizeof host, r->host);
	field_copy(result, sizeof result, r->result[0] != '\0' ? r->result : (r->ok ? "ok" : "error"));
	snprintf(buf, size,
		 "%s\t%s\t%s\t%s\t%u\t%s\t%llu.%03llu\t%llu\t%llu\t%llu\t%llu\t%.0f\t%s", when, op,
		 account, host, (unsigned)r->port, tls_mode_name(r->tls),
		 (unsigned long long)(r->latency_us / 1000u),
		 (unsigned long long)(r->latency_us % 1000u), (unsigned long long)r->bytes_out,
		 (unsigned long long)r->bytes_in, (unsigned long long)r->segs_out,
		 (unsigned long long)r->segs_in, metric_throughput(r), result);
}

const char *metric_log_header(void)
{
	return "# time\top\taccount\thost\tport\ttls\tlatency_ms\tbytes_out\tbytes_in\tsegs_out"
	       "\tsegs_in\tthroughput_Bps\tresult";
}

/* Decimal digits only (no sign, no spaces), at most 20 of them. */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10u)
			return -1;
		v = v * 10u + d;
	}
	*out = v;
	return 0;
}

/* "12.345" milliseconds -> 12345 microseconds; up to three decimals. */
static int parse_ms(const char *s, uint64_t *us)
{
	char whole[24], frac[4] = "000";
	const char *dot = strchr(s, '.');
	size_t wlen = dot != NULL ? (size_t)(dot - s) : strlen(s);
	uint64_t w, f;

	if (wlen == 0 || wlen >= sizeof whole)
		return -1;
	memcpy(whole, s, wlen);
	whole[wlen] = '\0';
	if (dot != NULL) {
		size_t flen = strlen(dot + 1);
		if (flen == 0 || flen > 3)
			return -1;
		memcpy(frac, dot + 1, flen);
	}
	if (parse_u64(whole, &w) != 0 || parse_u64(frac, &f) != 0 || w > UINT64_MAX / 1000u - 1)
		return -1;
	*us = w * 1000u + f;
	return 0;
}

static int parse_time(const char *s, uint64_t *wall_us)
{
	struct tm tm;
	unsigned ms;
	int n = 0;

	/* The shape is checked first: sscanf alone would take signs and spaces. */
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	for (size_t i = 0; i < sizeof shape; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return -1;
	}
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3uZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &n) != 7 ||
	    n != 24 || s[n] != '\0')
		return -1;
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*wall_us = (uint64_t)t * 1000000u + (uint64_t)ms * 1000u;
	return 0;
}

static int field_set(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

int metric_parse_line(const char *line, struct metric_record *r)
{
	char buf[METRIC_LINE_MAX];
	char *fields[METRIC_COLUMNS];
	size_t len = strlen(line), nf = 0;
	uint64_t port, tput;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len == 0 || len >= sizeof buf || line[0] == '#')
		return -1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (char *p = buf;;) {
		if (nf == METRIC_COLUMNS)
			return -1;
		fields[nf++] = p;
		char *tab = strchr(p, '\t');
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	if (nf != METRIC_COLUMNS)
		return -1;

	memset(r, 0, sizeof *r);
	if (parse_time(fields[0], &r->start_wall_us) != 0 || fields[1][0] == '\0' ||
	    field_set(r->op, sizeof r->op, fields[1]) != 0 ||
	    field_set(r->account, sizeof r->account, fields[2]) != 0 ||
	    field_set(r->host, sizeof r->host, fields[3]) != 0 || parse_u64(fields[4], &port) != 0 ||
	    port > 65535 || tls_mode_parse(fields[5], &r->tls) != 0 ||
	    parse_ms(fields[6], &r->latency_us) != 0 || parse_u64(fields[7], &r->bytes_out) != 0 ||
	    parse_u64(fields[8], &r->bytes_in) != 0 || parse_u64(fields[9], &r->segs_out) != 0 ||
	    parse_u64(fields[10], &r->segs_in) != 0 || parse_u64(fields[11], &tput) != 0 ||
	    fields[12][0] == '\0' || field_set(r->result, sizeof r->result, fields[12]) != 0)
		return -1;
	/* The throughput column is derived; it is recomputed, never trusted. */
	r->port = (uint16_t)port;
	r->ok = strcmp(r->result, "ok") == 0;
	return 0;
}

struct metrics_sink {
	pthread_mutex_t lock;
	struct metric_record *ring;
	size_t keep;      /* ring capacity */
	size_t count;     /* records in the ring */
	size_t next;      /* slot of the next record */
	int fd;           /* the log, or -1 */
	char *path;
	char log_error[256];   /* the first write failure; stays put once set */
};

static int open_log(struct metrics_sink *s, const char *path, struct err *e)
{
	struct stat st;

	if (paths_mkdir_parent(path, 0700, e) != 0)
		return -1;
	s->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (s->fd < 0)
		return err_set(e, ERR_IO, "cannot open the metrics log %s: %s", path, strerror(errno));
	if (fstat(s->fd, &st) == 0 && st.st_size == 0) {
		char line[512];
		int n = snprintf(line, sizeof line, "%s\n", metric_log_header());
		if (write(s->fd, line, (size_t)n) != n)
			snprintf(s->log_error, sizeof s->log_error,
				 "cannot write the metrics log %s: %s", path,
				 errno != 0 ? strerror(errno) : "short write");
	}
	return 0;
}

struct metrics_sink *metrics_sink_new(const char *log_path, size_t keep, struct err *e)
{
	struct metrics_sink *s = xcalloc(1, sizeof *s);

	pthread_mutex_init(&s->lock, NULL);
	s->keep = keep;
	s->ring = keep > 0 ? xcalloc(keep, sizeof *s->ring) : NULL;
	s->fd = -1;
	if (log_path != NULL) {
		s->path = xstrdup(log_path);
		if (open_log(s, log_path, e) != 0) {
			metrics_sink_free(s);
			return NULL;
		}
	}
	return s;
}

void metrics_sink_free(struct metrics_sink *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	pthread_mutex_destroy(&s->lock);
	free(s->ring);
	free(s->path);
	free(s);
}

void metrics_sink_add(struct metrics_sink *s, const struct metric_record *r)
{
	char line[METRIC_LINE_MAX];

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->keep > 0) {
		s->ring[s->next] = *r;
		s->next = (s->next + 1) % s->keep;
		if (s->count < s->keep)
			s->count++;
	}
	if (s->fd >= 0) {
		metric_format_line(r, line, sizeof line - 1);
		size_t len = strlen(line);
		line[len++] = '\n';
		/* One write() per line: with O_APPEND the line lands whole even when
		 * several skua processes share the log. */
		errno = 0;
		ssize_t n = write(s->fd, line, len);
		if (n != (ssize_t)len && s->log_error[0] == '\0')
			snprintf(s->log_error, sizeof s->log_error,
				 "cannot write the metrics log %s: %s", s->path,
				 n < 0 ? strerror(errno) : "short write (disk full?)");
	}
	pthread_mutex_unlock(&s->lock);
}

size_t metrics_sink_recent(struct metrics_sink *s, struct metric_record *out, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	pthread_mutex_lock(&s->lock);
	n = s->count < max ? s->count : max;
	/* The n newest records, oldest first: they start n slots before next. */
	for (size_t i = 0; i < n; i++)
		out[i] = s->ring[(s->next + s->keep - n + i) % s->keep];
	pthread_mutex_unlock(&s->lock);
	return n;
}

int metrics_sink_last(struct metrics_sink *s, struct metric_record *out)
{
	return metrics_sink_recent(s, out, 1) == 1 ? 0 : -1;
}

const char *metrics_sink_log_error(struct metrics_sink *s)
{
	const char *msg;

	if (s == NULL)
		return NULL;
	pthread_mutex_lock(&s->lock);
	msg = s->log_error[0] != '\0' ? s->log_error : NULL;
	pthread_mutex_unlock(&s->lock);
	return msg;
}
