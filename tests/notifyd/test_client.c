/* notify_send() against test sockets: the line on the wire, the metrics, and
 * how long it takes when nothing listens (refused at once) or when the peer
 * never answers (bounded by the timeout). Prints the measured figures. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "notify/notify_client.h"
#include "util/strbuf.h"

static int checks, failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		int ok_ = (cond);                                                                  \
		checks++;                                                                          \
		failures += !ok_;                                                                  \
		printf("%s %d - ", ok_ ? "ok" : "not ok", checks);                                 \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
	} while (0)

/* A listening socket on loopback (IPv4 or IPv6) with the given backlog. */
static int listen_on(int family, int backlog, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&ss, 0, sizeof ss);
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *a;
	}
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, backlog) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                 : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* Accepts one connection and reads it to EOF. */
static char *receive_all(int lfd, size_t *len)
{
	struct strbuf b = STRBUF_INIT;
	char buf[2048];
	ssize_t n;

	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		strbuf_append(&b, buf, (size_t)n);
	close(fd);
	return strbuf_detach(&b, len);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_delivered(void)
{
	struct notify_metrics m;
	struct err e;
	uint16_t port;
	size_t len;

	int lfd = listen_on(AF_INET, 8, &port);
	CHECK(lfd >= 0, "a test listener");
	int rc =
	    notify_send("127.0.0.1", port, NULL, NOTIFY_SENT,
	                "Email sent successfully: to bob@example.org, subject Hi", 200, &m, &e);
	CHECK(rc == 0, "notify_send to a listener succeeds");
	char *got = receive_all(lfd, &len);
	const char *want = "SKUA1 sent Email sent successfully: to bob@example.org, subject Hi\n";
	CHECK(got != NULL && strcmp(got, want) == 0, "the line on the wire");
	CHECK(m.ok == 1 && m.result == ERR_NONE, "metrics say ok");
	CHECK(m.bytes_out == strlen(want) && m.bytes_in == 0, "bytes out %llu = line length",
	      (unsigned long long)m.bytes_out);
	CHECK(m.segs_out >= 2, "segments out counted (%llu out, %llu in)",
	      (unsigned long long)m.segs_out, (unsigned long long)m.segs_in);
	CHECK(m.start_wall_us > 0 && m.latency_us > 0 && m.latency_us < 200000, "latency %llu us",
	      (unsigned long long)m.latency_us);
	printf("# delivered on loopback: %llu us, %llu bytes, %llu segments out, %llu in\n",
	       (unsigned long long)m.latency_us, (unsigned long long)m.bytes_out,
	       (unsigned long long)m.segs_out, (unsigned long long)m.segs_in);
	free(got);

	/* Hostile text is cleaned before it leaves; localhost and a token. */
	rc = notify_send("localhost", port, "0123456789abcdef!", NOTIFY_RECEIVED,
	                 "a\x1b[31mb\tc\r\nd\xff", 200, &m, &e);
	CHECK(rc == 0, "localhost is 127.0.0.1");
	got = receive_all(lfd, &len);
	CHECK(got != NULL &&
	          strcmp(got, "SKUA1 token=0123456789abcdef! received a[31mb c  d\xef\xbf\xbd\n") ==
	              0,
	      "controls removed, token carried");
	free(got);
	close(lfd);

	lfd = listen_on(AF_INET6, 8, &port);
	if (lfd < 0) {
		printf("# no IPv6 loopback: IPv6 checks skipped\n");
		return;
	}
	rc = notify_send("[::1]", port, NULL, NOTIFY_NEWMAIL, "v6", 200, &m, &e);
	CHECK(rc == 0, "[::1] works");
	got = receive_all(lfd, &len);
	CHECK(got != NULL && strcmp(got, "SKUA1 newmail v6\n") == 0, "the line over IPv6");
	free(got);
	rc = notify_send("::1", port, NULL, NOTIFY_INFO, NULL, 200, &m, &e);
	CHECK(rc == 0, "::1 works");
	got = receive_all(lfd, &len);
	CHECK(got != NULL && strcmp(got, "SKUA1 info\n") == 0, "an empty text");
	free(got);
	close(lfd);
}

static void test_refused(void)
{
	uint64_t lat[25];
	struct notify_metrics m;
	struct err e;
	uint16_t port;
	int all_refused = 1;

	/* A port that was just free: nothing listens there. */
	int lfd = listen_on(AF_INET, 1, &port);
	close(lfd);
	for (size_t i = 0; i < sizeof lat / sizeof lat[0]; i++) {
		err_clear(&e);
		int rc = notify_send("127.0.0.1", port, NULL, NOTIFY_INFO, "x", 200, &m, &e);
		if (rc != -1 || e.code != ERR_NETWORK || strstr(e.msg, "refused") == NULL || m.ok ||
		    m.result != ERR_NETWORK)
			all_refused = 0;
		lat[i] = m.latency_us;
	}
	qsort(lat, 25, sizeof lat[0], cmp_u64);
	CHECK(all_refused, "nothing listening: connection refused (%s)", e.msg);
	CHECK(lat[24] < 50000, "refused within 50 ms (max %llu us)", (unsigned long long)lat[24]);
	printf("# no listener on 127.0.0.1 (refused): median %llu us, max %llu us over 25 calls\n",
	       (unsigned long long)lat[12], (unsigned long long)lat[24]);
	printf("# metrics of a refused call: %llu segments out, %llu in\n",
	       (unsigned long long)m.segs_out, (unsigned long long)m.segs_in);
}

static void test_black_hole(void)
{
	static const int timeouts[] = {50, 200, 0};
	struct notify_metrics m;
	struct err e;
	uint16_t port;

	/* A listener whose accept queue is full drops every new SYN: to the
	 * client it looks like a host that never answers. */
	int lfd = listen_on(AF_INET, 0, &port);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(lfd >= 0 && connect(filler, (struct sockaddr *)&a, sizeof a) == 0,
	      "a listener with a full queue");
	for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
		int t = timeouts[i] > 0 ? timeouts[i] : NOTIFY_TIMEOUT_DEFAULT_MS;
		err_clear(&e);
		int rc =
		    notify_send("127.0.0.1", port, NULL, NOTIFY_INFO, "x", timeouts[i], &m, &e);
		CHECK(rc == -1 && e.code == ERR_NETWORK && strstr(e.msg, "no connection within"),
		      "timeout %d: %s", timeouts[i], e.msg);
		CHECK(m.latency_us >= (uint64_t)t * 1000 - 1000 &&
		          m.latency_us < (uint64_t)t * 1000 + 100000,
		      "bounded by %d ms (%llu us)", t, (unsigned long long)m.latency_us);
		printf("# black hole, timeout_ms %d: returned after %llu us\n", timeouts[i],
		       (unsigned long long)m.latency_us);
	}
	close(filler);
	close(lfd);
}

static void test_refused_locally(void)
{
	struct notify_metrics m;
	struct err e;

	int rc = notify_send("example.org", 9999, NULL, NOTIFY_INFO, "x", 200, &m, &e);
	CHECK(rc == -1 && e.code == ERR_CONFIG && m.result == ERR_CONFIG,
	      "a host name is refused without DNS: %s", e.msg);
	CHECK(m.latency_us < 20000, "... at once (%llu us)", (unsigned long long)m.latency_us);
	rc = notify_send("127.0.0.1", 9999, "short", NOTIFY_INFO, "x", 200, &m, &e);
	CHECK(rc == -1 && e.code == ERR_CONFIG, "a bad token is refused: %s", e.msg);
	rc = notify_send(NULL, 9999, NULL, NOTIFY_INFO, "x", 200, NULL, &e);
	CHECK(rc == -1, "no host, no metrics struct: refused, no crash");
}

int main(void)
{
	test_delivered();
	test_refused();
	test_black_hole();
	test_refused_locally();
	printf("%d passed, %d failed\n", checks - failures, failures);
	return failures == 0 ? 0 : 1;
}
