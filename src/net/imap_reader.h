/* A reader of whole IMAP responses (a line, its literals and the lines after
 * them) off libetpan's stream, many at a time: what the stream has buffered
 * is taken in one copy and cut into responses, so a big reply costs no
 * per-byte calls. Bounded: a response longer than the caller's limit is
 * refused before it is read. */
#ifndef SKUA_NET_IMAP_READER_H
#define SKUA_NET_IMAP_READER_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

struct imap_reader {
	char *buf;
	size_t cap;
	size_t start, end;   /* bytes read and not yet handed out: [start, end) */
	size_t scan;         /* where the search for the response's end goes on */
	size_t line;         /* start of the line being searched */
	size_t literal;      /* bytes of a literal still to come */
};

enum {
	IMAP_READ_OK = 0,
	IMAP_READ_STREAM = -1,    /* the stream failed (see the connection's error) */
	IMAP_READ_TOO_LONG = -2,  /* the response would pass max bytes */
};

/* The next response, CRLF included, in *resp and *len: valid until the next
 * call. Zero the reader before the first call. */
int imap_reader_next(struct imap_reader *rd, mailstream *st, size_t max, const char **resp,
		     size_t *len);
/* Hands bytes read past the last response back to the stream, so that
 * libetpan reads them with its next command. -1 if they do not fit (the
 * caller then drops the connection, whose position is lost). */
int imap_reader_unread(struct imap_reader *rd, mailstream *st);
void imap_reader_free(struct imap_reader *rd);

/* A literal announced at the end of the line [line, line + len) ("{123}" or
 * "{123+}", then CRLF or LF): 1 with its size, else 0. Sizes past what any
 * caller accepts stay past it: the digits are capped, not wrapped. */
int imap_literal_at_end(const char *line, size_t len, uint64_t *size);

#endif
