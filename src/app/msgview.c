/* The index's view of a msglist: a limit pattern parsed once into terms, the
 * UIDs a server search found, a sort order, and the display positions of the
 * messages shown, found in one pass and sorted (app/msgsort.c). */
#include "app/msgview.h"

#include <stdlib.h>
#include <string.h>

#include "net/imap_session.h"
#include "util/xalloc.h"

/* The date order, nothing hidden: the view is the list itself. */
#define IDENTITY(v) ((v)->limit == NULL && (v)->search == NULL && (v)->sort == MSGSORT_DATE && \
		     !(v)->reverse)

enum term_kind { TERM_TEXT, TERM_FROM, TERM_SUBJECT, TERM_NEW, TERM_FLAGGED };

struct term {
	enum term_kind kind;
	char *text;          /* lower-case ASCII, other bytes as typed */
	size_t len;
};

struct msgview {
	char *limit;         /* as typed; NULL: everything */
	struct term *terms;
	size_t nterms;
	char *search;        /* the server search's text; NULL: none */
	uint32_t *found;     /* its UIDs, ascending */
	size_t nfound;
	enum msgsort_key sort;
	int reverse;
	uint32_t *pos;       /* list positions of the messages shown, in view order */
	uint32_t *inv;       /* inv[list position]: view position + 1, 0 if hidden */
	int32_t *tparent;    /* thread order: each row's parent row, -1 for none */
	uint8_t *tmore;      /* ... and whether a later reply to that parent follows */
	size_t n, cap;
};

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* ASCII letters compare without case; every other byte, so every UTF-8
 * sequence, compares exactly. */
static int contains(const char *hay, const char *needle, size_t len)
{
	const unsigned char *h = (const unsigned char *)hay, *n = (const unsigned char *)needle;

	if (len == 0)
		return 1;
	if (h == NULL)
		return 0;
	for (; *h != '\0'; h++) {
		if (fold(*h) != n[0])
			continue;
		size_t i = 1;
		while (i < len && h[i] != '\0' && fold(h[i]) == n[i])
			i++;
		if (i == len)
			return 1;
	}
	return 0;
}

static void free_terms(struct term *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].text);
	free(t);
}

static char *folded(const char *s, size_t len)
{
	char *r = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		r[i] = (char)fold((unsigned char)s[i]);
	r[len] = '\0';
	return r;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The argument of ~f or ~s: a word, or a "quoted string" with \" and \\. */
static const char *parse_arg(const char *p, char **out, size_t *len, struct err *e, char op)
{
	struct { char *s; size_t n; } b = { xmalloc(strlen(p) + 1), 0 };

	p = skip_space(p);
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0') {
				free(b.s);
				err_set(e, ERR_USAGE, "missing closing quote after ~%c", op);
				return NULL;
			}
			if (*p == '\\' && p[1] != '\0')
				p++;
			b.s[b.n++] = (char)fold((unsigned char)*p);
		}
		p++;
	} else {
		while (*p != '\0' && *p != ' ' && *p != '\t')
			b.s[b.n++] = (char)fold((unsigned char)*p++);
	}
	if (b.n == 0) {
		free(b.s);
		err_set(e, ERR_USAGE, "~%c needs a text", op);
		return NULL;
	}
	b.s[b.n] = '\0';
	*out = b.s;
	*len = b.n;
	return p;
}

static int parse(const char *pattern, struct term **out, size_t *nout, struct err *e)
{
	const char *p = skip_space(pattern);
	struct term *t = NULL;
	size_t n = 0;

	if (*p != '~') {
		/* Plain text, as mutt's simple search: sender or subject. */
		size_t len = strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		t = xmalloc(sizeof *t);
		t->kind = TERM_TEXT;
		t->text = folded(p, len);
		t->len = len;
		*out = t;
		*nout = 1;
		return 0;
	}
	while (*(p = skip_space(p)) != '\0') {
		struct term term = { TERM_TEXT, NULL, 0 };
		char op = p[0] == '~' ? p[1] : '\0';

		switch (op) {
		case 'f': term.kind = TERM_FROM; break;
		case 's': term.kind = TERM_SUBJECT; break;
		case 'N': term.kind = TERM_NEW; break;
		case 'F': term.kind = TERM_FLAGGED; break;
		default:
			free_terms(t, n);
			return err_set(e, ERR_USAGE, "unknown pattern at \"%.20s\" (try ~f, ~s, ~N or ~F)", p);
		}
		p += 2;
		if (term.kind == TERM_FROM || term.kind == TERM_SUBJECT) {
			p = parse_arg(p, &term.text, &term.len, e, op);
			if (p == NULL) {
				free_terms(t, n);
				return -1;
			}
		}
		t = xrealloc(t, (n + 1) * sizeof *t);
		t[n++] = term;
	}
	*out = t;
	*nout = n;
	return 0;
}

struct msgview *msgview_new(void)
{
	return xcalloc(1, sizeof(struct msgview));
}

void msgview_free(struct msgview *v)
{
	if (v == NULL)
		return;
	free(v->limit);
	free_terms(v->terms, v->nterms);
	free(v->search);
	free(v->found);
	free(v->pos);
	free(v->inv);
	free(v->tparent);
	free(v->tmore);
	free(v);
}

int msgview_set_limit(struct msgview *v, const char *pattern, struct err *e)
{
	struct term *t = NULL;
	size_t n = 0;
	const char *p = pattern != NULL ? skip_space(pattern) : "";

	if (*p != '\0' && strcmp(p, "all") != 0 && parse(p, &t, &n, e) < 0)
		return -1;
	free(v->limit);
	free_terms(v->terms, v->nterms);
	v->limit = n > 0 ? xstrdup(p) : NULL;
	v->terms = t;
	v->nterms = n;
	v->n = 0;
	return 0;
}

const char *msgview_limit(const struct msgview *v)
{
	return v->limit;
}

static int cmp_uid(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

void msgview_set_search(struct msgview *v, const char *text, const uint32_t *uids, size_t n)
{
	free(v->search);
	free(v->found);
	v->search = text != NULL ? xstrdup(text) : NULL;
	v->found = NULL;
	v->nfound = 0;
	if (text == NULL || n == 0)
		return;
	v->found = xreallocarray(NULL, n, sizeof *v->found);
	memcpy(v->found, uids, n * sizeof *uids);
	/* Servers answer in any order; bsearch needs one. */
	qsort(v->found, n, sizeof *v->found, cmp_uid);
	v->nfound = n;
}

const char *msgview_search(const struct msgview *v)
{
	return v->search;
}

size_t msgview_search_count(const struct msgview *v)
{
	return v->nfound;
}

void msgview_set_sort(struct msgview *v, enum msgsort_key key, int reverse)
{
	v->sort = key;
	v->reverse = reverse != 0;
}

enum msgsort_key msgview_sort(const struct msgview *v, int *reverse)
{
	if (reverse != NULL)
		*reverse = v->reverse;
	return v->sort;
}

int msgview_matches(const struct msgview *v, const struct msg_summary *m)
{
	if (v->search != NULL &&
	    (v->nfound == 0 ||
	     bsearch(&m->uid, v->found, v->nfound, sizeof *v->found, cmp_uid) == NULL))
		return 0;
	for (size_t i = 0; i < v->nterms; i++) {
		const struct term *t = &v->terms[i];
		int ok;

		switch (t->kind) {
		case TERM_TEXT:
			ok = contains(m->from, t->text, t->len) || contains(m->subject, t->text, t->len);
			break;
		case TERM_FROM: ok = contains(m->from, t->text, t->len); break;
		case TERM_SUBJECT: ok = contains(m->subject, t->text, t->len); break;
		case TERM_NEW: ok = !(m->flags & MSG_SEEN); break;
		default: ok = (m->flags & MSG_FLAGGED) != 0; break;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

void msgview_update(struct msgview *v, const struct msglist *l)
{
	size_t n = msglist_count(l);

	v->n = 0;
	if (IDENTITY(v))
		return;
	if (v->cap < n) {
		free(v->pos);
		free(v->inv);
		free(v->tparent);
		free(v->tmore);
		v->cap = n + n / 4 + 16;
		v->pos = xreallocarray(NULL, v->cap, sizeof *v->pos);
		v->inv = xreallocarray(NULL, v->cap, sizeof *v->inv);
		v->tparent = NULL;
		v->tmore = NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (msgview_matches(v, msglist_at(l, i)))
			v->pos[v->n++] = (uint32_t)i;
	if (v->sort == MSGSORT_THREAD) {
		/* The tree's arrays only for the order that draws one. */
		if (v->tparent == NULL) {
			v->tparent = xreallocarray(NULL, v->cap, sizeof *v->tparent);
			v->tmore = xreallocarray(NULL, v->cap, sizeof *v->tmore);
		}
		msgsort_threads(l, v->pos, v->n, v->reverse, v->tparent, v->tmore);
	} else {
		msgsort_positions(l, v->pos, v->n, v->sort, v->reverse);
	}
	if (v->cap > 0)
		memset(v->inv, 0, v->cap * sizeof *v->inv);
	for (size_t i = 0; i < v->n; i++)
		v->inv[v->pos[i]] = (uint32_t)i + 1;
}

size_t msgview_count(const struct msgview *v, const struct msglist *l)
{
	return IDENTITY(v) ? msglist_count(l) : v->n;
}

struct msg_summary *msgview_at(const struct msgview *v, const struct msglist *l, size_t i)
{
	if (IDENTITY(v))
		return msglist_at(l, i);
	return i < v->n ? msglist_at(l, v->pos[i]) : NULL;
}

/* Levels deeper than this draw as this deep: the subject keeps some room. */
#define TREE_DEPTH_MAX 16

size_t msgview_tree(const struct msgview *v, size_t i, int ascii, char *buf, size_t size)
{
	const char *more = ascii ? "| " : "\u2502 ", *none = "  ";
	const char *tee = ascii ? "|->" : "\u251c\u2500>", *elbow = ascii ? "`->" : "\u2514\u2500>";
	int32_t up[TREE_DEPTH_MAX];
	size_t depth = 0, len = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (v->sort != MSGSORT_THREAD || v->tparent == NULL || i >= v->n || v->tparent[i] < 0)
		return 0;
	/* The ancestors below the thread's first message, nearest first. */
	for (int32_t a = v->tparent[i]; a >= 0 && v->tparent[a] >= 0; a = v->tparent[a])
		if (depth < TREE_DEPTH_MAX)
			up[depth++] = a;
	while (depth > 0) {
		const char *piece = v->tmore[up[--depth]] ? more : none;
		size_t n = strlen(piece);
		if (len + n + 1 > size)
			break;
		memcpy(buf + len, piece, n + 1);
		len += n;
	}
	const char *last = v->tmore[i] ? tee : elbow;
	if (len + strlen(last) + 1 <= size) {
		memcpy(buf + len, last, strlen(last) + 1);
		len += strlen(last);
	}
	return len;
}

/* The view position of list position p, or -1 when it is hidden. */
static ssize_t view_of(const struct msgview *v, size_t p)
{
	if (IDENTITY(v))
		return (ssize_t)p;
	/* inv covers the list as of the last update; a later list is longer
	 * only until the next one. */
	if (p >= v->cap || v->inv[p] == 0 || v->inv[p] > v->n)
		return -1;
	return (ssize_t)v->inv[p] - 1;
}

ssize_t msgview_find(const struct msgview *v, const struct msglist *l, uint32_t uid)
{
	ssize_t p = msglist_find(l, uid);

	return p < 0 ? -1 : view_of(v, (size_t)p);
}

ssize_t msgview_nearest(const struct msgview *v, const struct msglist *l, uint32_t uid)
{
	size_t n = msgview_count(v, l), total = msglist_count(l);
	ssize_t p = msglist_find(l, uid);

	if (n == 0)
		return -1;
	if (p < 0)
		return (ssize_t)n - 1;
	/* The message itself, else the first shown after it in date order. */
	for (size_t q = (size_t)p; q < total; q++) {
		ssize_t at = view_of(v, q);
		if (at >= 0)
			return at;
	}
	return (ssize_t)n - 1;
}

ssize_t msgview_next_unread(const struct msgview *v, const struct msglist *l, size_t pos)
{
	size_t n = msgview_count(v, l);

	for (size_t k = 1; k <= n; k++) {
		const struct msg_summary *m = msgview_at(v, l, (pos + k) % n);
		if (!(m->flags & MSG_SEEN))
			return (ssize_t)((pos + k) % n);
	}
	return -1;
}
