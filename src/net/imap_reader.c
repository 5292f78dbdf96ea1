/* Whole IMAP responses off libetpan's stream, with the bytes it has buffered
 * taken in one copy and literals found from their announced sizes. */
#include "net/imap_reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

int imap_literal_at_end(const char *line, size_t len, uint64_t *size)
{
	size_t end = len, digits = 0;
	uint64_t v = 0, mul = 1;

	if (end > 0 && line[end - 1] == '\n')
		end--;
	if (end > 0 && line[end - 1] == '\r')
		end--;
	if (end == 0 || line[end - 1] != '}')
		return 0;
	end--;
	if (end > 0 && line[end - 1] == '+')
		end--;
	while (end > 0 && line[end - 1] >= '0' && line[end - 1] <= '9') {
		if (++digits > 18)
			return 0;
		v += mul * (uint64_t)(line[end - 1] - '0');
		mul *= 10;
		end--;
	}
	if (digits == 0 || end == 0 || line[end - 1] != '{')
		return 0;
	*size = v;
	return 1;
}

/* Appends what the stream has: its buffer if it holds bytes, else one read
 * of the socket (which waits for them). */
static int fill(struct imap_reader *rd, mailstream *st)
{
	size_t want = st->read_buffer_len ? st->read_buffer_len : st->buffer_max_size;
	ssize_t n;

	if (rd->start > 0) {
		memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
		rd->end -= rd->start;
		rd->scan -= rd->start;
		rd->line -= rd->start;
		rd->start = 0;
	}
	if (rd->cap - rd->end < want) {
		size_t cap = rd->cap ? rd->cap : 65536;
		while (cap - rd->end < want)
			cap *= 2;
		rd->buf = xrealloc(rd->buf, cap);
		rd->cap = cap;
	}
	/* Never more than the stream holds or one read brings: asking for more
	 * would wait for bytes the server may never send. */
	n = mailstream_read(st, rd->buf + rd->end, want);
	if (n <= 0)
		return -1;
	rd->end += (size_t)n;
	return 0;
}

int imap_reader_next(struct imap_reader *rd, mailstream *st, size_t max, const char **resp,
		     size_t *len)
{
	for (;;) {
		while (rd->scan < rd->end) {
			if (rd->literal > 0) {
				size_t avail = rd->end - rd->scan;
				size_t take = avail < rd->literal ? avail : rd->literal;
				rd->scan += take;
				rd->literal -= take;
				if (rd->literal == 0)
					rd->line = rd->scan;
				continue;
			}
			const char *nl = memchr(rd->buf + rd->scan, '\n', rd->end - rd->scan);
			if (nl == NULL) {
				rd->scan = rd->end;
				break;
			}
			size_t eol = (size_t)(nl - rd->buf) + 1;
			uint64_t lit;
			if (imap_literal_at_end(rd->buf + rd->line, eol - rd->line, &lit)) {
				if (eol - rd->start > max || lit > max - (eol - rd->start))
					return IMAP_READ_TOO_LONG;
				rd->scan = rd->line = eol;
				rd->literal = (size_t)lit;
				continue;
			}
			if (eol - rd->start > max)
				return IMAP_READ_TOO_LONG;
			*resp = rd->buf + rd->start;
			*len = eol - rd->start;
			rd->start = rd->scan = rd->line = eol;
			return IMAP_READ_OK;
		}
		if (rd->end - rd->start > max)
			return IMAP_READ_TOO_LONG;
		if (fill(rd, st) < 0)
			return IMAP_READ_STREAM;
	}
}

int imap_reader_unread(struct imap_reader *rd, mailstream *st)
{
	size_t n = rd->end - rd->start;

	if (n == 0)
		return 0;
	if (rd->literal > 0 || n > st->buffer_max_size - st->read_buffer_len)
		return -1;
	/* Ahead of anything the stream still holds: these came first. */
	memmove(st->read_buffer + n, st->read_buffer, st->read_buffer_len);
	memcpy(st->read_buffer, rd->buf + rd->start, n);
	st->read_buffer_len += n;
	rd->start = rd->end = rd->scan = rd->line = 0;
	return 0;
}

void imap_reader_free(struct imap_reader *rd)
{
	free(rd->buf);
	memset(rd, 0, sizeof *rd);
}
