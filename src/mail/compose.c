/* Building an outgoing message with our own writer: every header is encoded
 * and folded here (libetpan's builder writes raw UTF-8 headers, gets half-hour
 * zones wrong and seeds nothing), the output is CRLF, 7-bit and has no Bcc. */
#include "mail/compose.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <magic.h>

#include "mail/address.h"
#include "mail/charset.h"
#include "mail/mime_transfer.h"
#include "mail/mime_words.h"
#include "mail/safe_text.h"
#include "util/fileio.h"
#include "util/xalloc.h"

#define LINE_SOFT_MAX 78
#define LINE_HARD_MAX 998
#define BODY_LINE_MAX 76
#define READ_CHUNK (57 * 16384)   /* whole base64 lines per chunk */
#define MAGIC_SAMPLE (1024 * 1024)

static int random_bytes(unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

static int random_hex(char *out, size_t nbytes, struct err *e)
{
	unsigned char buf[32];
	static const char hex[] = "0123456789abcdef";

	if (nbytes > sizeof buf || random_bytes(buf, nbytes) < 0)
		return err_set(e, ERR_INTERNAL, "cannot get random bytes from the system");
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return 0;
}

/* "Mon, 1 Jan 2024 10:00:00 +0530": the zone from tm_gmtoff, in hours and
 * minutes (libetpan computes it as a decimal fraction). */
static void format_date(struct strbuf *b, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	localtime_r(&t, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	strbuf_printf(b, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday % 7],
		      tm.tm_mday, mons[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		      tm.tm_sec, sign, off / 3600, off % 3600 / 60);
}

/* Appends "Name: value" CRLF, folding at blanks outside quoted strings where
 * a line would pass 78 characters; -1 if a line stays above 998. */
static int put_header(struct strbuf *out, const char *name, const char *value)
{
	size_t col = strlen(name) + 2;
	int ok = 1;
	const char *p = value;

	strbuf_printf(out, "%s: ", name);
	while (*p) {
		/* the next unit: leading blanks, then up to the next blank outside quotes */
		const char *u = p;
		while (*u == ' ')
			u++;
		const char *end = u;
		int quote = 0;
		while (*end && (quote || *end != ' ')) {
			if (*end == '\\' && quote && end[1])
				end++;
			else if (*end == '"')
				quote = !quote;
			end++;
		}
		size_t lead = (size_t)(u - p), n = (size_t)(end - u);
		if (lead > 0 && n > 0 && col + lead + n > LINE_SOFT_MAX && col > strlen(name) + 2) {
			strbuf_append(out, "\r\n", 2);
			col = 0;
		}
		strbuf_append(out, p, lead + n);
		col += lead + n;
		if (col > LINE_HARD_MAX)
			ok = 0;
		p = end;
	}
	strbuf_append(out, "\r\n", 2);
	return ok ? 0 : -1;
}

/* A header value that was folded already (CRLF SP inside). */
static void put_folded(struct strbuf *out, const char *name, const char *value)
{
	strbuf_printf(out, "%s: %s\r\n", name, value);
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

struct addr_list {
	struct mail_address *a;
	size_t n;
};

static int parse_list(const char *text, const char *field, struct addr_list *l, struct err *e)
{
	char *bad = NULL;
	long n = mail_address_list_parse(text ? text : "", &l->a, &bad);

	l->n = 0;
	if (n < 0) {
		char *shown = safe_text_terminal(bad ? bad : "", 0);
		err_set(e, ERR_USAGE, "bad address \"%s\" in %s", shown, field);
		free(shown);
		free(bad);
		return -1;
	}
	l->n = (size_t)n;
	for (size_t i = 0; i < l->n; i++) {
		if (!is_ascii(l->a[i].addr)) {
			char *shown = safe_text_terminal(l->a[i].addr, 0);
			err_set(e, ERR_USAGE,
				"address %s in %s is not ASCII, which skua cannot send yet", shown,
				field);
			free(shown);
			return -1;
		}
	}
	return 0;
}

static char *format_addr(const char *name, const char *addr)
{
	if (name == NULL || *name == '\0')
		return xstrdup(addr);
	char *phrase = mime_words_encode_phrase(name);
	char *s = *phrase ? xasprintf("%s <%s>", phrase, addr) : xstrdup(addr);
	free(phrase);
	return s;
}

static int put_address_header(struct strbuf *out, const char *field, const struct addr_list *l,
			      struct err *e)
{
	struct strbuf v = STRBUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		char *f = format_addr(l->a[i].name, l->a[i].addr);
		if (i > 0)
			strbuf_appends(&v, ", ");
		strbuf_appends(&v, f);
		free(f);
	}
	int r = put_header(out, field, v.s ? v.s : "");
	strbuf_free(&v);
	if (r < 0)
		return err_set(e, ERR_USAGE, "an address in %s is too long for a mail header", field);
	return 0;
}

static void add_rcpts(struct compose_result *r, const struct addr_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k;
		for (k = 0; k < r->nrcpts; k++)
			if (strcasecmp(r->rcpts[k], l->a[i].addr) == 0)
				break;
		if (k < r->nrcpts)
			continue;
		r->rcpts = xreallocarray(r->rcpts, r->nrcpts + 1, sizeof *r->rcpts);
		r->rcpts[r->nrcpts++] = xstrdup(l->a[i].addr);
	}
}

/* Message identifiers: printable ASCII tokens only, so that nothing a reply
 * copies from a hostile message can break the header. */
static char *clean_ids(const char *s)
{
	struct strbuf b = STRBUF_INIT;

	while (s && *s) {
		while (*s && ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f))
			s++;
		const char *t = s;
		int ok = 1;
		while (*s && !isspace((unsigned char)*s)) {
			if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
				ok = 0;
			s++;
		}
		if (s > t && ok) {
			if (b.len)
				strbuf_appendc(&b, ' ');
			strbuf_append(&b, t, (size_t)(s - t));
		}
	}
	return strbuf_detach(&b, NULL);
}

/* The body as UTF-8 with LF line ends and a final LF. */
static char *clean_body(const char *body, size_t *len)
{
	size_t n;
	const char *in = body ? body : "";
	char *s = charset_to_utf8("utf-8", in, strlen(in), &n);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		s[o++] = s[i] == '\r' ? '\n' : s[i];
	}
	s[o] = '\0';
	if (o > 0 && s[o - 1] != '\n') {
		s = xrealloc(s, o + 2);
		s[o++] = '\n';
		s[o] = '\0';
	}
	*len = o;
	return s;
}

static int body_needs_qp(const char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			col = 0;
			continue;
		}
		if (c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
		if (++col > BODY_LINE_MAX)
			return 1;
	}
	return 0;
}

static void put_body_part(struct strbuf *out, const char *body)
{
	size_t n;
	char *s = clean_body(body, &n);

	strbuf_appends(out, "Content-Type: text/plain; charset=utf-8\r\n");
	if (body_needs_qp(s, n)) {
		strbuf_appends(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		mime_qp_encode(out, s, n);
	} else {
		strbuf_appends(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\n')
				strbuf_append(out, "\r\n", 2);
			else
				strbuf_appendc(out, s[i]);
		}
	}
	free(s);
}

static int valid_type(const char *t)
{
	static const char tspecials[] = "()<>@,;:\\\"/[]?= ";
	int slash = 0;
	size_t n = 0;

	for (; *t; t++, n++) {
		unsigned char c = (unsigned char)*t;
		if (c == '/' && n > 0 && !slash && t[1]) {
			slash = 1;
			continue;
		}
		if (c <= 0x20 || c >= 0x7f || strchr(tspecials, c))
			return 0;
	}
	return slash && n < 128;
}

static char *lower_dup(const char *s)
{
	char *d = xstrdup(s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* "type/subtype" with a charset for text, from libmagic; never fails. */
static char *detect_type(const void *sample, size_t n)
{
	char *type = NULL;
	magic_t m = magic_open(MAGIC_MIME_TYPE);

	if (m && magic_load(m, NULL) == 0) {
		const char *t = magic_buffer(m, sample, n);
		if (t && valid_type(t) && strcmp(t, "application/x-empty") != 0)
			type = lower_dup(t);
		if (type && strncmp(type, "text/", 5) == 0 && magic_setflags(m, MAGIC_MIME_ENCODING) == 0) {
			const char *enc = magic_buffer(m, sample, n);
			if (enc && (strcmp(enc, "us-ascii") == 0 || strcmp(enc, "utf-8") == 0 ||
				    strcmp(enc, "iso-8859-1") == 0)) {
				char *t2 = xasprintf("%s; charset=%s", type, enc);
				free(type);
				type = t2;
			}
		}
	}
	if (m)
		magic_close(m);
	return type ? type : xstrdup("application/octet-stream");
}

char *compose_file_type(const char *path)
{
	char *buf, *type;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return xstrdup("application/octet-stream");
	buf = xmalloc(MAGIC_SAMPLE);
	n = fileio_read_full(fd, buf, MAGIC_SAMPLE);
	close(fd);
	type = n >= 0 ? detect_type(buf, (size_t)n) : xstrdup("application/octet-stream");
	free(buf);
	return type;
}

/* Printable ASCII stand-in for a file name, for readers without RFC 2231. */
static char *ascii_name(const char *name)
{
	struct strbuf b = STRBUF_INIT;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80) {
			while ((p[1] & 0xc0) == 0x80)
				p++;
			strbuf_appendc(&b, '_');
		} else if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '/') {
			strbuf_appendc(&b, '_');
		} else {
			strbuf_appendc(&b, (char)*p);
		}
	}
	if (b.len == 0)
		strbuf_appends(&b, "attachment");
	return strbuf_detach(&b, NULL);
}

static int attr_char(unsigned char c)
{
	return isalnum(c) || strchr("!#$&+-.^_`|~", c) != NULL;
}

/* Content-Disposition with filename="ascii" and, for other names, RFC 2231
 * filename*0*=utf-8''... segments short enough for 78-character lines. */
static void put_disposition(struct strbuf *out, const char *name, const char *fallback)
{
	static const char hex[] = "0123456789ABCDEF";

	strbuf_printf(out, "Content-Disposition: attachment;\r\n filename=\"%s\"", fallback);
	if (is_ascii(name) && strcmp(name, fallback) == 0) {
		strbuf_appends(out, "\r\n");
		return;
	}
	struct strbuf enc = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (attr_char(*p)) {
			strbuf_appendc(&enc, (char)*p);
		} else {
			char t[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			strbuf_append(&enc, t, 3);
		}
	}
	const size_t seg = 50;
	if (enc.len <= seg) {
		strbuf_printf(out, ";\r\n filename*=utf-8''%s\r\n", enc.s);
	} else {
		size_t i = 0;
		for (int k = 0; i < enc.len; k++) {
			size_t n = enc.len - i < seg ? enc.len - i : seg;
			/* never split a %XX escape */
			if (i + n < enc.len) {
				if (enc.s[i + n - 1] == '%')
					n -= 1;
				else if (n >= 2 && enc.s[i + n - 2] == '%')
					n -= 2;
			}
			strbuf_printf(out, ";\r\n filename*%d*=%s%.*s", k, k == 0 ? "utf-8''" : "",
				      (int)n, enc.s + i);
			i += n;
		}
		strbuf_appends(out, "\r\n");
	}
	strbuf_free(&enc);
}

/* 1 if data can be sent 7bit: ASCII without NUL or bare CR, lines <= 998. */
static int seven_bit_lines(const char *data, size_t len)
{
	size_t line = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == 0 || c >= 0x80)
			return 0;
		if (c == '\r') {
			if (i + 1 >= len || data[i + 1] != '\n')
				return 0;
			continue;
		}
		if (c == '\n') {
			line = 0;
			continue;
		}
		if (++line > 998)
			return 0;
	}
	return 1;
}

static int put_memory_attachment(struct strbuf *out, const char *boundary,
				 const struct compose_attachment *a)
{
	int rfc822 = a->content_type && strcasecmp(a->content_type, "message/rfc822") == 0;
	int seven = rfc822 && seven_bit_lines(a->data, a->len);
	char *type;
	if (rfc822)
		type = xstrdup(seven ? "message/rfc822" : "application/octet-stream");
	else if (a->content_type && valid_type(a->content_type))
		type = lower_dup(a->content_type);
	else
		type = detect_type(a->data, a->len < MAGIC_SAMPLE ? a->len : MAGIC_SAMPLE);
	char *name = safe_text_filename(a->name ? a->name : "attachment");
	char *fallback = ascii_name(name);

	strbuf_printf(out, "--%s\r\nContent-Type: %s;\r\n name=\"%s\"\r\n", boundary, type, fallback);
	put_disposition(out, name, fallback);
	if (seven) {
		strbuf_appends(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		strbuf_grow(out, a->len + a->len / 32 + 4);
		for (size_t i = 0; i < a->len; i++) {
			if (a->data[i] == '\n' && (i == 0 || a->data[i - 1] != '\r'))
				strbuf_appendc(out, '\r');
			strbuf_appendc(out, a->data[i]);
		}
		if (a->len > 0 && a->data[a->len - 1] != '\n')
			strbuf_appends(out, "\r\n");
	} else {
		strbuf_appends(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		strbuf_grow(out, (a->len + 2) / 3 * 4 + (a->len / 57 + 1) * 2 + 64);
		mime_base64_encode_lines(out, a->data, a->len);
	}
	free(type);
	free(name);
	free(fallback);
	return 0;
}

static int put_attachment(struct strbuf *out, const char *boundary,
			  const struct compose_attachment *a, struct err *e)
{
	if (a->data)
		return put_memory_attachment(out, boundary, a);
	int fd = open(a->path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return err_set(e, ERR_IO, "cannot read attachment %s: %s", a->path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_IO, "cannot read attachment %s: not a regular file", a->path);
	}
	char *buf = xmalloc(READ_CHUNK);
	ssize_t n = fileio_read_full(fd, buf, READ_CHUNK);
	if (n < 0) {
		int saved = errno;
		free(buf);
		close(fd);
		return err_set(e, ERR_IO, "cannot read attachment %s: %s", a->path, strerror(saved));
	}

	char *type = a->content_type && valid_type(a->content_type)
			     ? lower_dup(a->content_type)
			     : detect_type(buf, (size_t)n < MAGIC_SAMPLE ? (size_t)n : MAGIC_SAMPLE);
	const char *base = strrchr(a->path, '/');
	char *name = safe_text_filename(a->name ? a->name : base ? base + 1 : a->path);
	char *fallback = ascii_name(name);

	strbuf_printf(out, "--%s\r\nContent-Type: %s;\r\n name=\"%s\"\r\n", boundary, type, fallback);
	put_disposition(out, name, fallback);
	strbuf_appends(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	/* room for the whole encoding up front: no copy while growing */
	size_t total = (size_t)st.st_size;
	strbuf_grow(out, (total + 2) / 3 * 4 + (total / 57 + 1) * 2 + 64);

	int rc = 0;
	while (n > 0) {
		mime_base64_encode_lines(out, buf, (size_t)n);
		if (n < READ_CHUNK)
			break;
		n = fileio_read_full(fd, buf, READ_CHUNK);
		if (n < 0) {
			rc = err_set(e, ERR_IO, "cannot read attachment %s: %s", a->path,
				     strerror(errno));
			break;
		}
	}
	free(buf);
	free(type);
	free(name);
	free(fallback);
	close(fd);
	return rc;
}

static int build(const struct compose_draft *d, struct compose_result *out, struct err *e,
		 struct addr_list *lists)
{
	struct addr_list *from = &lists[0], *to = &lists[1], *cc = &lists[2], *bcc = &lists[3];
	struct strbuf *b = &out->message;
	char hex[65];

	if (parse_list(d->from_addr, "From", from, e) < 0)
		return -1;
	if (from->n != 1)
		return err_set(e, ERR_USAGE, "the sender needs exactly one address");
	if (parse_list(d->to, "To", to, e) < 0 || parse_list(d->cc, "Cc", cc, e) < 0 ||
	    parse_list(d->bcc, "Bcc", bcc, e) < 0)
		return -1;
	add_rcpts(out, to);
	add_rcpts(out, cc);
	add_rcpts(out, bcc);
	if (out->nrcpts == 0 && !d->keep_bcc)
		return err_set(e, ERR_USAGE, "no recipient: To, Cc and Bcc are all empty");

	const char *from_addr = from->a[0].addr;
	if (random_hex(hex, 16, e) < 0)
		return -1;
	out->message_id = xasprintf("<%s@%s>", hex, strrchr(from_addr, '@') + 1);

	struct strbuf date = STRBUF_INIT;
	format_date(&date, time(NULL));
	put_header(b, "Date", date.s);
	strbuf_free(&date);

	char *f = format_addr(d->from_name && *d->from_name ? d->from_name : from->a[0].name,
			      from_addr);
	int r = put_header(b, "From", f);
	free(f);
	if (r < 0)
		return err_set(e, ERR_USAGE, "the sender name is too long for a mail header");
	if (to->n && put_address_header(b, "To", to, e) < 0)
		return -1;
	if (cc->n && put_address_header(b, "Cc", cc, e) < 0)
		return -1;
	if (d->keep_bcc && bcc->n && put_address_header(b, "Bcc", bcc, e) < 0)
		return -1;
	char *subj = mime_words_encode(d->subject ? d->subject : "", "Subject");
	put_folded(b, "Subject", subj);
	free(subj);
	put_header(b, "Message-ID", out->message_id);
	const char *idh[2][2] = { { "In-Reply-To", d->in_reply_to }, { "References", d->references } };
	for (int i = 0; i < 2; i++) {
		char *ids = clean_ids(idh[i][1]);
		if (*ids && put_header(b, idh[i][0], ids) < 0) {
			free(ids);
			return err_set(e, ERR_USAGE, "the %s header has an identifier too long to send",
				       idh[i][0]);
		}
		free(ids);
	}
	strbuf_appends(b, "MIME-Version: 1.0\r\n");

	if (d->natts == 0) {
		put_body_part(b, d->body);
		return 0;
	}
	char boundary[80];
	if (random_hex(hex, 24, e) < 0)
		return -1;
	/* "=_" never occurs in base64 or quoted-printable output */
	snprintf(boundary, sizeof boundary, "=_skua_%s", hex);
	strbuf_printf(b, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", boundary);
	strbuf_printf(b, "--%s\r\n", boundary);
	put_body_part(b, d->body);
	for (size_t i = 0; i < d->natts; i++)
		if (put_attachment(b, boundary, &d->atts[i], e) < 0)
			return -1;
	strbuf_printf(b, "--%s--\r\n", boundary);
	return 0;
}

int compose_build(const struct compose_draft *d, struct compose_result *out, struct err *e)
{
	struct addr_list lists[4];

	memset(out, 0, sizeof *out);
	memset(lists, 0, sizeof lists);
	int r = build(d, out, e, lists);
	for (int i = 0; i < 4; i++)
		mail_addresses_free(lists[i].a, lists[i].n);
	if (r < 0) {
		compose_result_free(out);
		memset(out, 0, sizeof *out);
	}
	return r;
}

void compose_result_free(struct compose_result *r)
{
	if (r == NULL)
		return;
	strbuf_free(&r->message);
	for (size_t i = 0; i < r->nrcpts; i++)
		free(r->rcpts[i]);
	free(r->rcpts);
	free(r->message_id);
	r->rcpts = NULL;
	r->nrcpts = 0;
	r->message_id = NULL;
}
