/* Metering of a connection: socket bytes counted at OpenSSL's BIO, TCP
 * segments from TCP_INFO, and the per-operation records built from them.
 * The records of a connection add up to its totals up to the close. */
#include "net/conn_internal.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
/* glibc's netinet/tcp.h has a tcp_info without the segment counters, and
 * the two headers conflict: the kernel's is the one to use. */
#include <linux/tcp.h>

#include "util/clock.h"

long conn_meter_bio_cb(BIO *b, int oper, const char *argp, size_t len, int argi, long argl,
		       int ret, size_t *processed)
{
	struct conn *c = (struct conn *)BIO_get_callback_arg(b);

	(void)argp;
	(void)len;
	(void)argi;
	(void)argl;
	if (c == NULL || ret <= 0 || processed == NULL)
		return ret;
	if (oper == (BIO_CB_READ | BIO_CB_RETURN))
		c->wire_in += *processed;
	else if (oper == (BIO_CB_WRITE | BIO_CB_RETURN))
		c->wire_out += *processed;
	return ret;
}

static int read_tcp_info(int fd, uint64_t *segs_out, uint64_t *segs_in)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return -1;
	/* An older kernel fills a shorter struct: never read past what it wrote. */
	if (len < offsetof(struct tcp_info, tcpi_segs_in) + sizeof ti.tcpi_segs_in)
		return -1;
	*segs_out = ti.tcpi_segs_out;
	*segs_in = ti.tcpi_segs_in;
	return 0;
}

/* Segment counters now (or at close, or 0 before connect). */
static void conn_meter_segs(struct conn *c, uint64_t *segs_out, uint64_t *segs_in)
{
	if (read_tcp_info(c->fd, segs_out, segs_in) == 0)
		return;
	*segs_out = c->have_final ? c->final_segs_out : 0;
	*segs_in = c->have_final ? c->final_segs_in : 0;
}

void conn_meter_final(struct conn *c)
{
	if (read_tcp_info(c->fd, &c->final_segs_out, &c->final_segs_in) == 0)
		c->have_final = 1;
}

void conn_set_op_read_limit(struct conn *c, uint64_t bytes)
{
	c->op_read_limit = bytes;
}

void conn_op_begin(struct conn *c, struct conn_op *op, const char *name)
{
	memset(op, 0, sizeof *op);
	snprintf(op->op, sizeof op->op, "%s", name);
	op->start_wall_us = clock_wall_us();
	/* An operation counts from where the previous one ended: segments
	 * arrive between operations too (a greeting before it is read, session
	 * tickets, unsolicited lines), and so could bytes read by a call that
	 * no operation wraps. Nothing is lost; it goes to the next operation. */
	op->bytes_out = c->mark_bytes_out;
	op->bytes_in = c->mark_bytes_in;
	op->segs_out = c->mark_segs_out;
	op->segs_in = c->mark_segs_in;
	c->op_read_base = c->app_in;
	op->start_mono_us = clock_mono_us();
}

static uint64_t delta(uint64_t end, uint64_t start)
{
	return end >= start ? end - start : 0;
}

struct metric_record conn_op_end(struct conn *c, struct conn_op *op, enum err_code result)
{
	struct metric_record r;
	uint64_t segs_out, segs_in;

	memset(&r, 0, sizeof r);
	r.latency_us = delta(clock_mono_us(), op->start_mono_us);
	conn_meter_segs(c, &segs_out, &segs_in);
	snprintf(r.op, sizeof r.op, "%s", op->op);
	snprintf(r.account, sizeof r.account, "%s", c->account);
	snprintf(r.host, sizeof r.host, "%s", c->host);
	r.port = c->port;
	r.tls = c->tls;
	r.start_wall_us = op->start_wall_us;
	r.bytes_out = delta(c->wire_out, op->bytes_out);
	r.bytes_in = delta(c->wire_in, op->bytes_in);
	r.segs_out = delta(segs_out, op->segs_out);
	r.segs_in = delta(segs_in, op->segs_in);
	c->mark_bytes_out = c->wire_out;
	c->mark_bytes_in = c->wire_in;
	c->mark_segs_out = segs_out;
	c->mark_segs_in = segs_in;
	r.ok = result == ERR_NONE;
	snprintf(r.result, sizeof r.result, "%s", err_code_name(result));
	if (c->metrics != NULL)
		metrics_sink_add(c->metrics, &r);
	return r;
}

int conn_op_done(struct conn *c, struct conn_op *op, int rc, const struct err *e)
{
	enum err_code code = ERR_NONE;

	if (rc != 0)
		code = e != NULL && e->code != ERR_NONE ? e->code : ERR_PROTOCOL;
	conn_op_end(c, op, code);
	return rc;
}

void conn_totals(struct conn *c, uint64_t *bytes_out, uint64_t *bytes_in, uint64_t *segs_out,
		 uint64_t *segs_in)
{
	uint64_t so, si;

	conn_meter_segs(c, &so, &si);
	if (bytes_out != NULL)
		*bytes_out = c->wire_out;
	if (bytes_in != NULL)
		*bytes_in = c->wire_in;
	if (segs_out != NULL)
		*segs_out = so;
	if (segs_in != NULL)
		*segs_in = si;
}
