/* Inside of struct conn, shared by conn.c (socket, driver, waits), conn_tls.c
 * (handshake and verification) and conn_meter.c (counters, TCP_INFO, records).
 * Not for use outside these three files. */
#ifndef SKUA_NET_CONN_INTERNAL_H
#define SKUA_NET_CONN_INTERNAL_H

#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "net/conn.h"

struct conn {
	int fd;                      /* -1 once closed */
	SSL_CTX *ctx;
	SSL *ssl;                    /* set once a handshake succeeded or is under way */
	int tls_up;                  /* a TLS handshake completed on this connection */
	int cancel_rd, cancel_wr;    /* cancel pipe: never drained, so a cancel sticks */
	atomic_int cancelled;

	char *host;
	uint16_t port;
	enum tls_mode tls;
	char *ca_file;
	int connect_timeout_ms, io_timeout_ms;
	char *account;
	struct metrics_sink *metrics;

	conn_tick_fn tick;
	void *tick_ctx;

	mailstream_low *low;         /* the live stream's low driver, or NULL */

	/* Socket bytes (TLS records included) and plaintext bytes. */
	uint64_t wire_in, wire_out, app_in, app_out;
	/* TCP_INFO taken just before close(), so the last operation has figures. */
	uint64_t final_segs_in, final_segs_out;
	int have_final;
	/* Counters at the end of the last operation: the next one counts from
	 * there, so nothing that happens between operations is lost. */
	uint64_t mark_bytes_in, mark_bytes_out, mark_segs_in, mark_segs_out;

	/* Filled by the verify callback to explain a certificate failure. */
	char peer_names[160];
	char peer_not_after[32];

	char last_error[300];
	enum err_code last_code;

	/* Plaintext bytes one operation may read (0: no limit) and app_in when
	 * it began: a server streaming an endless reply is cut off. */
	uint64_t op_read_limit, op_read_base;
};

/* Records the real cause of a transport failure; returns -1. */
int conn_fail(struct conn *c, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Waits until fd is ready for events, the cancel pipe fires, the tick hook
 * cancels or timeout_ms pass without readiness. doing completes the timeout
 * message: "timed out after 60 s <doing> <host>". 0 = ready, -1 = failed. */
int conn_wait(struct conn *c, short events, int timeout_ms, const char *doing);

/* conn_tls.c: handshake on c->fd with verification. On failure the message
 * names the cause and c->last_error holds it too. */
int conn_tls_handshake(struct conn *c, struct err *e);
/* One non-blocking close_notify, then frees the SSL objects. */
void conn_tls_shutdown(struct conn *c);

/* conn.c: brackets an OpenSSL call with SIGPIPE blocked for this thread (and
 * a SIGPIPE it raised swallowed), as OpenSSL's socket BIO writes with write(2)
 * and a peer reset must not kill the program. */
struct sigpipe_guard {
	sigset_t old;
	int was_pending;
};
void conn_sigpipe_block(struct sigpipe_guard *g);
void conn_sigpipe_restore(struct sigpipe_guard *g);

/* conn_meter.c */
long conn_meter_bio_cb(BIO *b, int oper, const char *argp, size_t len, int argi, long argl,
		       int ret, size_t *processed);
/* Takes the final TCP_INFO snapshot; call right before close(fd). */
void conn_meter_final(struct conn *c);

#endif
