/* A network connection: socket, OpenSSL session with certificate verification,
 * cancel pipe, timeouts, and byte/segment counters. It provides the libetpan
 * low-level stream driver through which IMAP and SMTP talk, and the per-operation
 * metering that turns counters into metric records. */
#ifndef SKUA_NET_CONN_H
#define SKUA_NET_CONN_H

#include <stdint.h>

#include <libetpan/libetpan.h>

#include "net/metrics.h"
#include "util/err.h"

struct conn_params {
	const char *host;
	uint16_t port;
	enum tls_mode tls;
	const char *ca_file;         /* extra trusted CA file, or NULL; the system store is always used */
	int connect_timeout_ms;      /* 0 = 15000 */
	int io_timeout_ms;           /* inactivity timeout per read/write; 0 = 60000 */
	const char *account;         /* name used in metric records */
	struct metrics_sink *metrics;/* may be NULL */
};

struct conn;

/* TCP connect (records "tcp_connect") and, for TLS_MODE_IMPLICIT, the TLS
 * handshake with verification (records "tls_handshake"). Errors: ERR_NETWORK
 * (resolve, refused, timeout), ERR_TLS (handshake, verification: the message
 * names the cause: unknown issuer, expired, name mismatch ...). */
struct conn *conn_open(const struct conn_params *p, struct err *e);
/* Closes the socket if still open and frees. Accepts NULL. */
void conn_free(struct conn *c);

/* A new libetpan stream reading and writing through this connection. The
 * stream (and its low driver) belong to whoever gets it (mailimap/mailsmtp);
 * closing the stream closes the socket but the conn stays valid (counters,
 * last error) until conn_free. Only one stream per conn. */
mailstream *conn_stream(struct conn *c);

/* STARTTLS upgrade in place, after the server's positive reply. Refuses (ERR_TLS)
 * if the stream's read buffer holds bytes the server sent before the handshake
 * (response injection). Records "tls_handshake". */
int conn_start_tls(struct conn *c, mailstream *s, struct err *e);
int conn_is_tls(const struct conn *c);

/* The real cause of the last transport failure, e.g. "timed out after 60 s
 * waiting for imap.example.org", "connection closed by server",
 * "cancelled". "" if none. libetpan only reports "stream error". */
const char *conn_last_error(const struct conn *c);
enum err_code conn_last_error_code(const struct conn *c);

/* The socket is open and no transport failure (timeout, cancel, EOF, TLS
 * error, refused STARTTLS) was recorded: a LOGOUT/QUIT may be sent. */
int conn_is_alive(const struct conn *c);

/* For IDLE-style waits outside a libetpan call: 1 when data can be read now
 * (libetpan's buffer for s, OpenSSL's buffer, or the socket), 0 when
 * timeout_ms pass quietly, -1 on cancel (also through the tick hook) or a
 * closed connection. s may be NULL. */
int conn_wait_readable(struct conn *c, mailstream *s, int timeout_ms, struct err *e);

/* Thread-safe: makes the current and every later read/write fail with
 * ERR_CANCELLED. */
void conn_cancel(struct conn *c);

/* Called every ~100 ms while a read or write waits; returning non-zero cancels. */
typedef int (*conn_tick_fn)(void *ctx);
void conn_set_tick(struct conn *c, conn_tick_fn fn, void *ctx);

/* Metering of one operation: begin snapshots the clock, byte counters and
 * TCP_INFO; end computes the deltas and adds the record to the sink. */
struct conn_op {
	char op[32];
	uint64_t start_mono_us, start_wall_us;
	uint64_t bytes_out, bytes_in, segs_out, segs_in;
};
void conn_op_begin(struct conn *c, struct conn_op *op, const char *name);
/* From the next conn_op_begin on, an operation that reads more than bytes
 * (0: no limit) fails its read with ERR_PROTOCOL ("<host> sent more than N KB
 * in one reply"): for protocols whose replies are small, like SMTP. */
void conn_set_op_read_limit(struct conn *c, uint64_t bytes);
/* result: ERR_NONE for success. Returns the record (also sent to the sink). */
struct metric_record conn_op_end(struct conn *c, struct conn_op *op, enum err_code result);
/* conn_op_end with the outcome of a call that returned rc and filled e:
 * e's code when rc is not 0 (ERR_PROTOCOL if e has none). Returns rc. */
int conn_op_done(struct conn *c, struct conn_op *op, int rc, const struct err *e);

/* Totals since connect (socket bytes, TCP segments). */
void conn_totals(struct conn *c, uint64_t *bytes_out, uint64_t *bytes_in,
		 uint64_t *segs_out, uint64_t *segs_in);
const char *conn_host(const struct conn *c);

#endif
