/* The floor of a folder open: a minimal IMAPS client of its own (OpenSSL and
 * nothing else) that logs in, selects a folder, fetches the index's items of
 * every message in one UID FETCH 1:*, and prints how long that took and how
 * many bytes came in. What no client can beat on the same server and link. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
/* The kernel's tcp_info has tcpi_bytes_received; glibc's has not. */
#include <linux/tcp.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* The items of skua's index fetch (src/net/imap_fetch.c, summary_fetch_type):
 * MODSEQ is asked for there when the server has CONDSTORE, as Dovecot has. */
#define ITEMS "UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE " \
	"BODY.PEEK[HEADER.FIELDS (REFERENCES)]"
#define ITEMS_CONDSTORE ITEMS " MODSEQ"

/* The first bytes of a response kept for looking at its tag and kind. */
#define HEAD_MAX 256

struct reader {
	SSL *ssl;
	char buf[1 << 16];
	size_t pos, len;
	uint64_t bytes;             /* IMAP bytes, after TLS */
};

/* The TLS context and the connection, for release() on every way out. */
static SSL_CTX *ctx;
static struct reader *conn;

static void release(void)
{
	if (conn) {
		SSL_free(conn->ssl);
		free(conn);
		conn = NULL;
	}
	SSL_CTX_free(ctx);
	ctx = NULL;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("floor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	release();
	exit(1);
}

/* OpenSSL's reason for the last failure, never NULL. */
static const char *ssl_error(void)
{
	const char *why = ERR_reason_error_string(ERR_get_error());

	return why ? why : "unknown TLS error";
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fill(struct reader *r)
{
	int n = SSL_read(r->ssl, r->buf, (int)sizeof r->buf);

	if (n <= 0)
		return -1;
	r->pos = 0;
	r->len = (size_t)n;
	r->bytes += (uint64_t)n;
	return 0;
}

/* The literal announced at the end of a line ("... {123}" or "{123+}"), or -1. */
static long long literal_at_end(const char *tail, size_t n)
{
	size_t i;
	long long v = 0, scale = 1;

	if (n < 3 || tail[n - 1] != '}')
		return -1;
	i = n - 1;
	if (i > 0 && tail[i - 1] == '+')
		i--;
	if (i == 0 || tail[i - 1] < '0' || tail[i - 1] > '9')
		return -1;
	while (i > 0 && tail[i - 1] >= '0' && tail[i - 1] <= '9') {
		if (scale > 1000000000000LL)
			return -1;
		v += (tail[i - 1] - '0') * scale;
		scale *= 10;
		i--;
	}
	return i > 0 && tail[i - 1] == '{' ? v : -1;
}

/* Reads one whole response: its lines and the literals that join them. Its
 * first bytes (literals skipped) go to head, NUL-terminated, for a look at
 * its tag and kind; the rest is read and dropped. 0, or -1 when the link ends. */
static int read_response(struct reader *r, char *head)
{
	size_t hl = 0, tl = 0;
	char tail[32];

	for (;;) {
		if (r->pos == r->len && fill(r) < 0)
			return -1;
		char *start = r->buf + r->pos;
		size_t avail = r->len - r->pos;
		char *nl = memchr(start, '\n', avail);
		size_t seg = nl ? (size_t)(nl - start) + 1 : avail;

		if (hl < HEAD_MAX) {
			size_t k = seg < HEAD_MAX - hl ? seg : HEAD_MAX - hl;
			memcpy(head + hl, start, k);
			hl += k;
		}
		/* The end of the physical line, for a literal's announcement. */
		for (size_t i = seg > sizeof tail ? seg - sizeof tail : 0; i < seg; i++) {
			if (tl == sizeof tail) {
				memmove(tail, tail + 1, sizeof tail - 1);
				tl--;
			}
			tail[tl++] = start[i];
		}
		r->pos += seg;
		if (!nl)
			continue;
		size_t end = tl;
		while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r'))
			end--;
		long long lit = literal_at_end(tail, end);
		tl = 0;
		if (lit < 0)
			break;
		while (lit > 0) {
			if (r->pos == r->len && fill(r) < 0)
				return -1;
			size_t k = r->len - r->pos;
			if ((long long)k > lit)
				k = (size_t)lit;
			r->pos += k;
			lit -= (long long)k;
		}
	}
	head[hl < HEAD_MAX ? hl : HEAD_MAX - 1] = '\0';
	return 0;
}

static void send_line(SSL *ssl, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 2)
		die("command too long");
	memcpy(line + n, "\r\n", 2);
	if (SSL_write(ssl, line, n + 2) != n + 2)
		die("cannot send: %s", ssl_error());
}

/* Reads up to the tagged completion of tag; counts the untagged FETCH
 * responses in *fetches (may be NULL); dies on NO or BAD. */
static void wait_tagged(struct reader *r, const char *tag, unsigned long *fetches, const char *what)
{
	char head[HEAD_MAX];
	size_t tn = strlen(tag);

	for (;;) {
		if (read_response(r, head) < 0)
			die("the server closed the connection during %s", what);
		if (strncmp(head, tag, tn) == 0 && head[tn] == ' ') {
			if (strncasecmp(head + tn + 1, "OK", 2) != 0)
				die("%s failed: %.200s", what, head);
			return;
		}
		if (fetches && head[0] == '*') {
			/* "* 123 FETCH (" */
			const char *p = head + 1;
			while (*p == ' ')
				p++;
			while (*p >= '0' && *p <= '9')
				p++;
			if (strncasecmp(p, " FETCH ", 7) == 0)
				(*fetches)++;
		}
	}
}

/* A quoted string for LOGIN and SELECT (RFC 3501 quoted-specials escaped). */
static void quote(char *out, size_t cap, const char *s)
{
	size_t o = 0;

	out[o++] = '"';
	for (; *s; s++) {
		if (*s == '\r' || *s == '\n')
			die("a line break in a login or folder name");
		if (o + 4 >= cap)
			die("a login or folder name is too long");
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o++] = '"';
	out[o] = '\0';
}

static int tcp_connect(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, r;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0)
		die("%s: %s", host, gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		die("cannot connect to %s port %s: %s", host, port, strerror(errno));
	return fd;
}

static uint64_t wire_bytes_in(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received)
		return 0;
	return ti.tcpi_bytes_received;
}

static void usage(void)
{
	fprintf(stderr, "usage: floor [-n] -c CAFILE -u USER -f FOLDER HOST PORT < PASSWORD\n"
			"  -n  fetch without MODSEQ (skua asks for it when the server has CONDSTORE)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ca = NULL, *user = NULL, *folder = NULL, *items = ITEMS_CONDSTORE;
	char pass[512], quser[600], qpass[1100], qfolder[1100];
	struct reader *r;
	unsigned long fetches = 0;
	double t0, t_tls, t_login, t_select, t_fetch, t_logout;
	int fd, opt;

	while ((opt = getopt(argc, argv, "c:u:f:n")) != -1) {
		switch (opt) {
		case 'c': ca = optarg; break;
		case 'u': user = optarg; break;
		case 'f': folder = optarg; break;
		case 'n': items = ITEMS; break;
		default: usage();
		}
	}
	if (!ca || !user || !folder || argc - optind != 2)
		usage();
	if (!fgets(pass, sizeof pass, stdin))
		die("no password on standard input");
	pass[strcspn(pass, "\r\n")] = '\0';
	quote(quser, sizeof quser, user);
	quote(qpass, sizeof qpass, pass);
	quote(qfolder, sizeof qfolder, folder);

	t0 = now_ms();
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		die("cannot load the CA file %s", ca);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	fd = tcp_connect(argv[optind], argv[optind + 1]);
	r = conn = calloc(1, sizeof *r);
	if (!r)
		die("out of memory");
	r->ssl = SSL_new(ctx);
	if (!r->ssl || SSL_set_fd(r->ssl, fd) != 1 ||
	    SSL_set_tlsext_host_name(r->ssl, argv[optind]) != 1 ||
	    SSL_set1_host(r->ssl, argv[optind]) != 1)
		die("cannot set up TLS");
	if (SSL_connect(r->ssl) != 1)
		die("TLS handshake with %s failed: %s", argv[optind],
		    ssl_error());
	t_tls = now_ms();

	/* Every command waits for its tagged completion: nothing is pipelined. */
	wait_tagged(r, "*", NULL, "the greeting");
	send_line(r->ssl, "A1 LOGIN %s %s", quser, qpass);
	wait_tagged(r, "A1", NULL, "LOGIN");
	t_login = now_ms();
	send_line(r->ssl, "A2 SELECT %s", qfolder);
	wait_tagged(r, "A2", NULL, "SELECT");
	t_select = now_ms();
	send_line(r->ssl, "A3 UID FETCH 1:* (%s)", items);
	wait_tagged(r, "A3", &fetches, "UID FETCH");
	t_fetch = now_ms();
	send_line(r->ssl, "A4 LOGOUT");
	wait_tagged(r, "A4", NULL, "LOGOUT");
	t_logout = now_ms();

	printf("items\t%s\n", items);
	printf("messages\t%lu\n", fetches);
	printf("tls_ms\t%.1f\nlogin_ms\t%.1f\nselect_ms\t%.1f\nfetch_ms\t%.1f\nlogout_ms\t%.1f\n",
	       t_tls - t0, t_login - t_tls, t_select - t_login, t_fetch - t_select, t_logout - t_fetch);
	printf("to_fetch_ok_ms\t%.1f\n", t_fetch - t0);
	printf("imap_bytes_in\t%llu\n", (unsigned long long)r->bytes);
	printf("wire_bytes_in\t%llu\n", (unsigned long long)wire_bytes_in(fd));
	SSL_shutdown(r->ssl);
	release();
	close(fd);
	return 0;
}
