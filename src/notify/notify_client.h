/* The client side of the notification protocol: send one notification to
 * skua-notifyd, bounded in time and measured, without ever blocking longer
 * than the caller allows. */
#ifndef SKUA_NOTIFY_NOTIFY_CLIENT_H
#define SKUA_NOTIFY_NOTIFY_CLIENT_H

#include <stdint.h>

#include "notify/notify_proto.h"
#include "util/err.h"

/* The timeout used when a caller passes 0 or less: short enough that a user
 * never notices a notifier that is missing. */
#define NOTIFY_TIMEOUT_DEFAULT_MS 200

/* What one notify_send() did on the wire, for the caller's metric record
 * (operation "notify_send"). notify/ sits below net/ and app/, so it cannot
 * build the record itself: app/ copies these fields into one. */
struct notify_metrics {
	uint64_t start_wall_us; /* wall clock when the call started */
	uint64_t latency_us;    /* monotonic duration of the whole call */
	uint64_t bytes_out;     /* bytes of the line the kernel accepted */
	uint64_t bytes_in;      /* always 0: the daemon never answers */
	uint64_t segs_out;      /* TCP_INFO tcpi_segs_out when the socket was closed */
	uint64_t segs_in;       /* TCP_INFO tcpi_segs_in when the socket was closed */
	int ok;                 /* 1 when the whole line was handed to the kernel */
	enum err_code result;   /* ERR_NONE, or the class of the failure */
};

/* Sends one notification: connects to host:port over TCP, writes one line
 * (see notify_proto.h) and closes. It is fire-and-forget: the daemon sends
 * nothing back, so success means the kernel took the whole line, not that a
 * daemon printed it.
 *
 * host: a numeric IPv4 or IPv6 address ("127.0.0.1", "::1", "[::1]",
 *   "fe80::1%eth0") or "localhost" (taken as 127.0.0.1). Names are refused
 *   because resolving them may block for seconds, which timeout_ms could not
 *   bound.
 * token: the shared secret the daemon requires (--token-file), or NULL.
 * text: any string; it is sanitized (controls removed, tabs and line breaks
 *   made spaces, invalid UTF-8 replaced) and cut on a character boundary so
 *   that the line fits NOTIFY_LINE_MAX. NULL sends an empty text.
 * timeout_ms: bound for the whole call, connect and write; <= 0 means
 *   NOTIFY_TIMEOUT_DEFAULT_MS. When nothing listens on loopback the call
 *   returns at once (connection refused); an address that drops packets
 *   costs timeout_ms at most.
 * m: filled in every case, failure included (may be NULL).
 *
 * Never raises SIGPIPE, never prints, keeps no state between calls and is
 * safe to call from any thread. Returns 0, or -1 with e filled: ERR_CONFIG for
 * a bad host or token, ERR_NETWORK for a refused, unreachable or timed-out
 * connection. */
int notify_send(const char *host, uint16_t port, const char *token, enum notify_type type,
                const char *text, int timeout_ms, struct notify_metrics *m, struct err *e);

#endif
