/* A strict little parser for one IMAP response: atoms (with bracketed
 * sections such as BODY[HEADER.FIELDS (FROM)]), quoted strings, literals,
 * lists, and the free text of status responses. Everything it reads comes
 * from a server and is treated as hostile. */
#include "net/imap_resp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

struct parser {
	const char *buf;   /* the response, read from here */
	size_t len, pos;
	struct imap_resp *r;
	unsigned max_depth;
};

static int bad(struct err *e, const char *what)
{
	return err_set(e, ERR_PROTOCOL, "the server sent a malformed response (%s)", what);
}

static uint32_t add_node(struct parser *p, enum imap_node_type type, uint32_t parent,
			 uint32_t *last_child)
{
	struct imap_resp *r = p->r;
	uint32_t i = r->n;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->nodes = xreallocarray(r->nodes, r->cap, sizeof *r->nodes);
	}
	memset(&r->nodes[i], 0, sizeof r->nodes[i]);
	r->nodes[i].type = type;
	r->n++;
	if (i != 0) {
		if (last_child[0] != 0)
			r->nodes[last_child[0]].next = i;
		else
			r->nodes[parent].first = i;
		last_child[0] = i;
		r->nodes[parent].count++;
	}
	return i;
}

static int is_atom_char(unsigned char c)
{
	return c > ' ' && c != 0x7f && c != '(' && c != ')' && c != '"';
}

/* An atom; a '[' opens a section that may hold spaces and parentheses up to
 * its ']'. Terminates it in the copy. */
static int parse_atom(struct parser *p, struct imap_node *n, struct err *e)
{
	size_t start = p->pos;
	int depth = 0;

	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->buf[p->pos];
		if (depth > 0) {
			if (c == '\r' || c == '\n' || c == '\0')
				return bad(e, "unterminated section");
			if (c == '[')
				depth++;
			else if (c == ']')
				depth--;
		} else if (c == '[') {
			depth++;
		} else if (!is_atom_char(c)) {
			break;
		}
		p->pos++;
	}
	if (depth > 0)
		return bad(e, "unterminated section");
	if (p->pos == start)
		return bad(e, "unexpected character");
	n->s = p->r->text + start;
	n->len = p->pos - start;
	/* The separator is read from buf, so the copy can lose it. */
	p->r->text[p->pos] = '\0';
	return 0;
}

static int parse_quoted(struct parser *p, struct imap_node *n, struct err *e)
{
	char *out = p->r->text + p->pos + 1;

	n->s = out;
	p->pos++;
	while (p->pos < p->len) {
		/* A run of ordinary characters is in the copy already, where it
		 * stays until an escape has shifted the output. */
		size_t run = p->pos;
		while (run < p->len && p->buf[run] != '"' && p->buf[run] != '\\' &&
		       p->buf[run] != '\r' && p->buf[run] != '\n' && p->buf[run] != '\0')
			run++;
		if (out != p->r->text + p->pos)
			memmove(out, p->buf + p->pos, run - p->pos);
		out += run - p->pos;
		p->pos = run;
		if (p->pos >= p->len)
			break;
		char c = p->buf[p->pos++];
		if (c == '"') {
			n->len = (size_t)(out - n->s);
			*out = '\0';
			return 0;
		}
		if (c == '\\') {
			if (p->pos >= p->len)
				break;
			c = p->buf[p->pos++];
		}
		if (c == '\r' || c == '\n' || c == '\0')
			return bad(e, "line break in a quoted string");
		*out++ = c;
	}
	return bad(e, "unterminated quoted string");
}

static int parse_literal(struct parser *p, struct imap_node *n, struct err *e)
{
	size_t size = 0, digits = 0;

	p->pos++;
	while (p->pos < p->len && p->buf[p->pos] >= '0' && p->buf[p->pos] <= '9') {
		if (++digits > 10)
			return bad(e, "literal size too long");
		size = size * 10 + (size_t)(p->buf[p->pos++] - '0');
	}
	if (digits == 0)
		return bad(e, "literal without a size");
	if (p->pos < p->len && p->buf[p->pos] == '+')
		p->pos++;
	if (p->pos >= p->len || p->buf[p->pos] != '}')
		return bad(e, "unterminated literal size");
	p->pos++;
	if (p->pos < p->len && p->buf[p->pos] == '\r')
		p->pos++;
	if (p->pos >= p->len || p->buf[p->pos] != '\n')
		return bad(e, "literal size not followed by a line break");
	p->pos++;
	if (size > p->len - p->pos)
		return bad(e, "literal longer than the response");
	n->s = p->r->text + p->pos;
	n->len = size;
	p->pos += size;
	/* Its terminator takes the place of what follows, which therefore must
	 * be a separator (as the grammar wants anyway). */
	if (p->pos < p->len && p->buf[p->pos] != ' ' && p->buf[p->pos] != ')')
		return bad(e, "literal not followed by a space");
	p->r->text[p->pos] = '\0';
	return 0;
}

/* The rest of the line as one text node. */
static void parse_text(struct parser *p, uint32_t parent, uint32_t *last_child)
{
	uint32_t i = add_node(p, IMAP_NODE_TEXT, parent, last_child);
	struct imap_node *n = &p->r->nodes[i];

	if (p->pos < p->len && p->buf[p->pos] == ' ')
		p->pos++;
	n->s = p->r->text + p->pos;
	n->len = p->len - p->pos;
	p->r->text[p->len] = '\0';   /* the line break is not part of it */
	p->pos = p->len;
}

static int top_is_status(const struct imap_resp *r)
{
	const struct imap_node *first = imap_resp_top(r, 0);
	const struct imap_node *second = imap_resp_top(r, 1);

	if (first != NULL && r->nodes[0].count == 1 && imap_node_is(first, "+"))
		return 1;
	if (second == NULL || r->nodes[0].count != 2)
		return 0;
	return imap_node_is(second, "OK") || imap_node_is(second, "NO") ||
	       imap_node_is(second, "BAD") || imap_node_is(second, "BYE") ||
	       imap_node_is(second, "PREAUTH");
}

static int parse_all(struct parser *p, struct err *e)
{
	uint32_t stack[IMAP_RESP_DEPTH_LIMIT + 1], last[IMAP_RESP_DEPTH_LIMIT + 1];
	int depth = 0;

	stack[0] = add_node(p, IMAP_NODE_LIST, 0, NULL);
	last[0] = 0;
	while (p->pos < p->len) {
		char c = p->buf[p->pos];
		uint32_t i;

		if (c == ' ') {
			p->pos++;
			continue;
		}
		if (depth == 0 && top_is_status(p->r)) {
			for (size_t k = p->pos; k < p->len; k++)
				if (p->buf[k] == '\0' || p->buf[k] == '\r' || p->buf[k] == '\n')
					return bad(e, "control character in the text");
			parse_text(p, stack[0], &last[0]);
			break;
		}
		if (c == '(') {
			if (depth >= (int)p->max_depth)
				return bad(e, "lists nested too deeply");
			i = add_node(p, IMAP_NODE_LIST, stack[depth], &last[depth]);
			stack[++depth] = i;
			last[depth] = 0;
			p->pos++;
			continue;
		}
		if (c == ')') {
			if (depth == 0)
				return bad(e, "unbalanced parenthesis");
			depth--;
			p->pos++;
			continue;
		}
		i = add_node(p, c == '"' || c == '{' ? IMAP_NODE_STRING : IMAP_NODE_ATOM, stack[depth],
			     &last[depth]);
		int rc = c == '"' ? parse_quoted(p, &p->r->nodes[i], e)
			 : c == '{' ? parse_literal(p, &p->r->nodes[i], e)
				    : parse_atom(p, &p->r->nodes[i], e);
		if (rc < 0)
			return -1;
	}
	if (depth != 0)
		return bad(e, "unbalanced parenthesis");
	if (p->r->nodes[0].count == 0)
		return bad(e, "empty response");
	/* "+" alone or "* OK" without text still get their (empty) text node. */
	if (top_is_status(p->r)) {
		p->pos = p->len;
		parse_text(p, stack[0], &last[0]);
	}
	return 0;
}

int imap_resp_parse_into(const char *buf, size_t len, unsigned max_depth, struct imap_resp *r,
			 struct err *e)
{
	struct parser p = { buf, len, 0, r, max_depth };

	if (max_depth > IMAP_RESP_DEPTH_LIMIT)
		p.max_depth = IMAP_RESP_DEPTH_LIMIT;
	r->n = 0;
	if (len >= 1 && buf[len - 1] == '\n')
		p.len--;
	if (p.len >= 1 && buf[p.len - 1] == '\r')
		p.len--;
	if (r->text == NULL || r->text_cap < len + 1) {
		free(r->text);
		r->text_cap = len + 1 > 4096 ? len + 1 : 4096;
		r->text = xmalloc(r->text_cap);
	}
	memcpy(r->text, buf, len);
	r->text[len] = '\0';
	if (parse_all(&p, e) < 0) {
		r->n = 0;
		return -1;
	}
	return 0;
}

int imap_resp_parse(const char *buf, size_t len, struct imap_resp *r, struct err *e)
{
	memset(r, 0, sizeof *r);
	if (imap_resp_parse_into(buf, len, IMAP_RESP_MAX_DEPTH, r, e) < 0) {
		imap_resp_free(r);
		return -1;
	}
	return 0;
}

void imap_resp_free(struct imap_resp *r)
{
	if (r == NULL)
		return;
	free(r->nodes);
	free(r->text);
	memset(r, 0, sizeof *r);
}

const struct imap_node *imap_resp_child(const struct imap_resp *r, const struct imap_node *list,
					uint32_t i)
{
	const struct imap_node *n;

	if (list == NULL || list->type != IMAP_NODE_LIST || list->first == 0)
		return NULL;
	n = &r->nodes[list->first];
	while (i-- > 0 && n != NULL)
		n = imap_resp_next(r, n);
	return n;
}

const struct imap_node *imap_resp_next(const struct imap_resp *r, const struct imap_node *n)
{
	return n != NULL && n->next != 0 ? &r->nodes[n->next] : NULL;
}

const struct imap_node *imap_resp_top(const struct imap_resp *r, uint32_t i)
{
	return r->n > 0 ? imap_resp_child(r, &r->nodes[0], i) : NULL;
}

int imap_node_is(const struct imap_node *n, const char *word)
{
	return n != NULL && n->type == IMAP_NODE_ATOM && strcasecmp(n->s, word) == 0;
}

int imap_node_u64(const struct imap_node *n, uint64_t *v)
{
	uint64_t x = 0;

	if (n == NULL || n->type != IMAP_NODE_ATOM || n->len == 0 || n->len > 19)
		return -1;
	for (size_t i = 0; i < n->len; i++) {
		if (n->s[i] < '0' || n->s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(n->s[i] - '0');
	}
	*v = x;
	return 0;
}

int imap_node_u32(const struct imap_node *n, uint32_t *v)
{
	uint64_t x;

	if (n == NULL || n->len > 10 || imap_node_u64(n, &x) < 0 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

const char *imap_node_astring(const struct imap_node *n)
{
	if (n == NULL || (n->type != IMAP_NODE_ATOM && n->type != IMAP_NODE_STRING))
		return NULL;
	if (memchr(n->s, '\0', n->len) != NULL)
		return NULL;
	return n->s;
}

const char *imap_node_nstring(const struct imap_node *n)
{
	if (n == NULL || imap_node_is(n, "NIL"))
		return NULL;
	return n->type == IMAP_NODE_STRING ? imap_node_astring(n) : NULL;
}
