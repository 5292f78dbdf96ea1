/* The new-mail watcher: per connection it picks NOTIFY, IDLE or polling,
 * keeps each watched folder's UIDNEXT across reconnections (so mail that
 * arrived while the server was away is still reported), fetches the new
 * messages' envelopes and reports them. */
#include "app/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app/folders.h"
#include "app/notify.h"
#include "mail/mime_words.h"
#include "net/imap_watch.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* Under NOTIFY a NOOP after this much silence finds a dead connection. */
#define KEEPALIVE_MS (5 * 60 * 1000)
/* IDLE is renewed well before the 30 minutes servers allow (RFC 2177). */
#define IDLE_RESTART_MS (5 * 60 * 1000)
/* A session that lived this long resets the backoff. */
#define STABLE_SESSION_US (30ull * 1000000ull)
/* Notifications sent per event; a line for the rest. */
#define NOTIFY_PER_EVENT 5
/* Rounds of fetching per wake-up before waiting again. */
#define CATCHUP_ROUNDS 5
/* Folders the watcher keeps track of; a server naming more (under NOTIFY it
 * may name any) gets the rest ignored rather than skua's memory. */
#define FOLDERS_MAX 10000
/* Folders whose new messages are no news: copies, drafts, virtual views. */
#define EXCLUDED_ROLES                                                                      \
	(IMAP_FOLDER_SENT | IMAP_FOLDER_DRAFTS | IMAP_FOLDER_TRASH | IMAP_FOLDER_JUNK |     \
	 IMAP_FOLDER_ARCHIVE | IMAP_FOLDER_ALL | IMAP_FOLDER_FLAGGED)

struct wfolder {
	char *name, *shown;
	unsigned flags;        /* IMAP_FOLDER_* from LIST */
	int watched;
	int known;             /* uidvalidity and uidnext are a baseline */
	int pending;           /* UIDNEXT moved: fetch what is new */
	int needs_status;      /* newly watched: ask for a baseline */
	int had_status;        /* a STATUS came since the flag was cleared */
	uint32_t uidvalidity, uidnext, messages, unseen;
};

/* The envelopes of one fetch: the newest WATCH_MESSAGES_MAX, in UID order. */
struct collect {
	struct watch_message m[WATCH_MESSAGES_MAX];
	size_t n;
	uint32_t count, max_uid;
};

struct watch {
	struct app *a;
	struct watch_callbacks cb;
	pthread_mutex_t lock;
	struct imap_session *s;   /* under lock: what watch_stop cancels */
	atomic_int stop;
	int wake[2];              /* watch_stop writes here to end a backoff sleep */
	struct wfolder *f;
	size_t nf;
	enum watch_mode mode;
	uint32_t idle_exists;     /* INBOX's EXISTS under IDLE */
	struct collect *col;      /* the fetch in progress */
	int fatal;                /* the session's error is not for retrying */
	int active;               /* this session reached WATCH_ACTIVE */
	int ever_active;
};

const char *watch_mode_name(enum watch_mode mode)
{
	switch (mode) {
	case WATCH_MODE_NOTIFY: return "NOTIFY";
	case WATCH_MODE_IDLE: return "IDLE";
	case WATCH_MODE_POLL: return "polling";
	case WATCH_MODE_NONE: break;
	}
	return "none";
}

static void status(struct watch *w, enum watch_state state, int retry_s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void status(struct watch *w, enum watch_state state, int retry_s, const char *fmt, ...)
{
	struct watch_status st;
	char text[700];
	va_list ap;

	if (w->cb.status == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	st.state = state;
	st.mode = w->mode;
	st.retry_s = retry_s;
	st.text = text;
	w->cb.status(&st, w->cb.ctx);
}

static int is_inbox(const char *name)
{
	return strcasecmp(name, "INBOX") == 0;
}

static int name_eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0 || (is_inbox(a) && is_inbox(b));
}

static struct wfolder *find(struct watch *w, const char *name)
{
	for (size_t i = 0; i < w->nf; i++)
		if (name_eq(w->f[i].name, name))
			return &w->f[i];
	return NULL;
}

static struct wfolder *find_or_add(struct watch *w, const char *name)
{
	struct wfolder *f = find(w, name);

	if (f != NULL)
		return f;
	w->f = xreallocarray(w->f, w->nf + 1, sizeof *w->f);
	f = &w->f[w->nf++];
	memset(f, 0, sizeof *f);
	f->name = xstrdup(is_inbox(name) ? "INBOX" : name);
	f->shown = is_inbox(name) ? xstrdup("INBOX") : imap_mutf7_to_utf8(name);
	f->unseen = UINT32_MAX;
	if (is_inbox(name))
		f->flags |= IMAP_FOLDER_INBOX;
	return f;
}

static size_t count_watched(const struct watch *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nf; i++)
		n += w->f[i].watched != 0;
	return n;
}

static int has_name(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (name_eq(names[i], name))
			return 1;
	return 0;
}

/* LIST (with the roles) and, unless only INBOX is watched, LSUB: the watched
 * folders are INBOX and the subscribed ones without an excluded role. */
static int refresh_folders(struct watch *w, struct imap_session *s, struct err *e)
{
	struct imap_folder *f = NULL;
	char **subs = NULL;
	size_t n = 0, nsubs = 0;

	if (app_folders_list(s, &f, &n, e) < 0)
		return -1;
	app_folders_mark_roles(w->a->account, f, n);
	if (w->mode != WATCH_MODE_IDLE && imap_watch_lsub(s, &subs, &nsubs, NULL, NULL, e) < 0) {
		imap_folders_free(f, n);
		return -1;
	}
	for (size_t i = 0; i < w->nf; i++)
		w->f[i].watched = 0;
	for (size_t i = 0; i < n; i++) {
		struct wfolder *wf = find_or_add(w, f[i].name);
		int inbox = (f[i].flags & IMAP_FOLDER_INBOX) || is_inbox(f[i].name);
		wf->flags = f[i].flags;
		if (!inbox && f[i].display != NULL) {
			free(wf->shown);
			wf->shown = xstrdup(f[i].display);
		}
		if (f[i].flags & (IMAP_FOLDER_NOSELECT | EXCLUDED_ROLES))
			continue;
		wf->watched = inbox || (w->mode != WATCH_MODE_IDLE && has_name(subs, nsubs, f[i].name));
	}
	imap_folders_free(f, n);
	imap_watch_names_free(subs, nsubs);
	/* Servers need not LIST INBOX among the others; it is watched anyway. */
	find_or_add(w, "INBOX")->watched = 1;
	return 0;
}

static void free_messages(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->m[i].from);
		free(c->m[i].subject);
	}
	c->n = 0;
}

/* Tells skua-notifyd (before the callback, which may stop the watcher) and
 * then the callback. */
static void emit(struct watch *w, const struct wfolder *f, uint32_t new_count,
		 const struct collect *c)
{
	struct watch_event ev;
	size_t from = c != NULL && c->n > NOTIFY_PER_EVENT ? c->n - NOTIFY_PER_EVENT : 0;

	for (size_t i = from; c != NULL && i < c->n; i++) {
		const struct watch_message *m = &c->m[i];
		if (m->from[0] != '\0')
			app_notify(w->a, NOTIFY_NEWMAIL, "New mail in %s from %s: %s", f->shown, m->from,
				   m->subject);
		else
			app_notify(w->a, NOTIFY_NEWMAIL, "New mail in %s: %s", f->shown, m->subject);
	}
	if (c != NULL && new_count > c->n - from)
		app_notify(w->a, NOTIFY_NEWMAIL, "%u new messages in %s", (unsigned)new_count,
			   f->shown);
	memset(&ev, 0, sizeof ev);
	ev.folder = f->name;
	ev.folder_shown = f->shown;
	ev.messages = f->messages;
	ev.unseen = f->unseen;
	ev.uidvalidity = f->uidvalidity;
	ev.new_count = new_count;
	ev.msgs = c != NULL ? c->m : NULL;
	ev.n_msgs = c != NULL ? c->n : 0;
	if (w->cb.event != NULL)
		w->cb.event(&ev, w->cb.ctx);
}

/* A STATUS, pushed or asked for. The first one of a folder is its baseline. */
static void on_status(struct watch *w, const struct imap_push *p)
{
	struct wfolder *f = find(w, p->folder);
	int counts_changed;

	if (f == NULL && w->mode == WATCH_MODE_NOTIFY && w->nf < FOLDERS_MAX) {
		/* Created since the LIST; the server only reports INBOX and
		 * subscribed folders. */
		f = find_or_add(w, p->folder);
		f->watched = 1;
	}
	if (f == NULL || !f->watched || !(p->have & IMAP_HAVE_UIDNEXT))
		return;
	f->had_status = 1;
	if (f->known && f->uidvalidity == 0 && (p->have & IMAP_HAVE_UIDVALIDITY))
		f->uidvalidity = p->status.uidvalidity;
	if (!f->known || ((p->have & IMAP_HAVE_UIDVALIDITY) &&
			  p->status.uidvalidity != f->uidvalidity)) {
		f->known = 1;
		f->pending = 0;
		f->uidvalidity = p->status.uidvalidity;
		f->uidnext = p->status.uidnext;
		f->messages = p->status.messages;
		f->unseen = (p->have & IMAP_HAVE_UNSEEN) ? p->status.unseen : UINT32_MAX;
		return;
	}
	counts_changed = ((p->have & IMAP_HAVE_MESSAGES) && p->status.messages != f->messages) ||
			 ((p->have & IMAP_HAVE_UNSEEN) && p->status.unseen != f->unseen);
	if (p->have & IMAP_HAVE_MESSAGES)
		f->messages = p->status.messages;
	if (p->have & IMAP_HAVE_UNSEEN)
		f->unseen = p->status.unseen;
	if (p->status.uidnext > f->uidnext)
		f->pending = 1;
	else if (counts_changed)
		emit(w, f, 0, NULL);
}

static void on_list(struct watch *w, const struct imap_push *p)
{
	struct wfolder *f = find(w, p->folder);

	if (f == NULL && w->nf >= FOLDERS_MAX)
		return;
	if (f == NULL) {
		/* Created while watched: every message in it is new, so its
		 * baseline is empty and takes the UIDVALIDITY it gets first. */
		f = find_or_add(w, p->folder);
		f->known = 1;
		f->uidnext = 1;
	}

	if (p->flags & IMAP_FOLDER_GONE) {
		f->watched = f->known = f->pending = 0;
		return;
	}
	if (is_inbox(f->name))
		return;
	if ((p->flags & IMAP_FOLDER_SUBSCRIBED) && !(p->flags & IMAP_FOLDER_NOSELECT) &&
	    !(f->flags & EXCLUDED_ROLES)) {
		if (!f->watched)
			f->needs_status = 1;
		f->watched = 1;
	} else if (!(p->flags & IMAP_FOLDER_SUBSCRIBED)) {
		f->watched = f->pending = 0;
	}
}

static void on_push(const struct imap_push *p, void *ctx)
{
	struct watch *w = ctx;
	struct wfolder *inbox;

	switch (p->kind) {
	case IMAP_PUSH_STATUS:
		on_status(w, p);
		break;
	case IMAP_PUSH_LIST:
		on_list(w, p);
		break;
	case IMAP_PUSH_EXISTS:
		/* Only IDLE keeps a folder selected; EXAMINE takes its own. */
		if (w->mode != WATCH_MODE_IDLE || (inbox = find(w, "INBOX")) == NULL)
			break;
		if (p->number > w->idle_exists)
			inbox->pending = 1;
		w->idle_exists = p->number;
		break;
	case IMAP_PUSH_EXPUNGE:
		if (w->mode == WATCH_MODE_IDLE && w->idle_exists > 0)
			w->idle_exists--;
		break;
	case IMAP_PUSH_ALERT:
		status(w, WATCH_ACTIVE, 0, "the server says: %s", p->text);
		/* Dovecot's "NOTIFY error, some events may have got lost". */
		for (size_t i = 0; w->mode == WATCH_MODE_NOTIFY && i < w->nf; i++)
			w->f[i].needs_status = w->f[i].watched;
		break;
	case IMAP_PUSH_BYE:
		break;
	}
}

static char *from_text(const struct imap_envelope *env)
{
	char *name = env->from_name != NULL ? mime_words_decode(env->from_name) : NULL;
	char *out;

	if (name != NULL && name[0] != '\0' && env->from_addr != NULL)
		out = xasprintf("%s <%s>", name, env->from_addr);
	else if (name != NULL && name[0] != '\0')
		return name;
	else
		out = xstrdup(env->from_addr != NULL ? env->from_addr : "");
	free(name);
	return out;
}

static void on_envelope(const struct imap_envelope *env, void *ctx)
{
	struct watch *w = ctx;
	struct collect *c = w->col;

	if (c == NULL)
		return;
	c->count++;
	if (env->uid > c->max_uid)
		c->max_uid = env->uid;
	if (c->n == WATCH_MESSAGES_MAX) {
		free(c->m[0].from);
		free(c->m[0].subject);
		memmove(&c->m[0], &c->m[1], (WATCH_MESSAGES_MAX - 1) * sizeof c->m[0]);
		c->n--;
	}
	c->m[c->n].uid = env->uid;
	c->m[c->n].from = from_text(env);
	c->m[c->n].subject = env->subject != NULL ? mime_words_decode(env->subject) : xstrdup("");
	c->n++;
}

/* What arrived in f since its UIDNEXT: EXAMINE (unless IDLE holds INBOX
 * selected), fetch the newest envelopes, count the rest, report. */
static int fetch_new(struct watch *w, struct imap_session *s, struct wfolder *f, struct err *e)
{
	struct imap_select_info info = { 0 };
	struct collect c;
	uint32_t lo = f->uidnext, from, new_count;
	int idle = w->mode == WATCH_MODE_IDLE;
	int rc;

	f->pending = 0;
	if (!idle) {
		if (imap_watch_examine(s, f->name, &info, on_push, w, e) < 0) {
			if (e->code != ERR_NOTFOUND)
				return -1;
			f->watched = f->known = 0;
			return 0;
		}
		f->messages = info.exists;
		if (f->uidvalidity == 0)
			f->uidvalidity = info.uidvalidity;
		if (info.uidvalidity != 0 && info.uidvalidity != f->uidvalidity) {
			/* Renumbered: old UIDs mean nothing; start again from here. */
			f->uidvalidity = info.uidvalidity;
			f->uidnext = info.uidnext;
			return imap_watch_unselect(s, on_push, w, e);
		}
		if (info.uidnext != 0 && info.uidnext <= lo)
			return imap_watch_unselect(s, on_push, w, e);
	}
	memset(&c, 0, sizeof c);
	from = lo;
	if (info.uidnext > lo && info.uidnext - lo > WATCH_MESSAGES_MAX)
		from = info.uidnext - WATCH_MESSAGES_MAX;
	w->col = &c;
	rc = imap_watch_fetch_envelopes(s, from, 0, on_envelope, on_push, w, e);
	w->col = NULL;
	new_count = c.count;
	if (rc == 0 && from > lo) {
		uint32_t older = 0;
		rc = imap_watch_count_uids(s, lo, from - 1, &older, on_push, w, e);
		new_count += older;
	}
	if (rc == 0) {
		if (c.max_uid >= f->uidnext)
			f->uidnext = c.max_uid + 1;
		if (info.uidnext > f->uidnext)
			f->uidnext = info.uidnext;
		if (idle)
			f->messages = w->idle_exists;
		if (new_count > 0)
			emit(w, f, new_count, &c);
	}
	free_messages(&c);
	if (rc < 0 || idle)
		return rc;
	if (imap_watch_unselect(s, on_push, w, e) < 0)
		return -1;
	/* Dovecot drops NOTIFY events of the selected folder: whatever came in
	 * meanwhile shows in a fresh STATUS. */
	return w->mode == WATCH_MODE_NOTIFY ? imap_watch_status(s, f->name, on_push, w, e) : 0;
}

static int process(struct watch *w, struct imap_session *s, struct err *e)
{
	for (int round = 0; round < CATCHUP_ROUNDS && !atomic_load(&w->stop); round++) {
		int did = 0;
		for (size_t i = 0; i < w->nf; i++) {
			if (!w->f[i].needs_status)
				continue;
			w->f[i].needs_status = 0;
			did = 1;
			if (imap_watch_status(s, w->f[i].name, on_push, w, e) < 0 &&
			    e->code != ERR_PROTOCOL && e->code != ERR_NOTFOUND)
				return -1;
		}
		/* Index, not pointer: a push may add folders and move the array. */
		for (size_t i = 0; i < w->nf; i++) {
			if (!w->f[i].pending || !w->f[i].watched || !w->f[i].known)
				continue;
			did = 1;
			if (fetch_new(w, s, &w->f[i], e) < 0)
				return -1;
		}
		if (!did)
			break;
	}
	return 0;
}

static int choose_mode(struct watch *w, struct imap_session *s, struct err *e)
{
	const char *host = w->a->account->imap_host;
	int notify = imap_session_has_cap(s, "NOTIFY"), idle = imap_session_has_cap(s, "IDLE");

	switch (w->a->config.new_mail_watch) {
	case CONF_WATCH_NOTIFY:
		if (!notify)
			return err_set(e, ERR_PROTOCOL,
				       "new_mail_watch is notify, but %s does not offer NOTIFY", host);
		w->mode = WATCH_MODE_NOTIFY;
		break;
	case CONF_WATCH_IDLE:
		if (!idle)
			return err_set(e, ERR_PROTOCOL,
				       "new_mail_watch is idle, but %s does not offer IDLE", host);
		w->mode = WATCH_MODE_IDLE;
		break;
	case CONF_WATCH_POLL:
		w->mode = WATCH_MODE_POLL;
		break;
	case CONF_WATCH_AUTO:
		w->mode = notify ? WATCH_MODE_NOTIFY : idle ? WATCH_MODE_IDLE : WATCH_MODE_POLL;
		break;
	}
	return 0;
}

static int status_all(struct watch *w, struct imap_session *s, struct err *e)
{
	for (size_t i = 0; i < w->nf && !atomic_load(&w->stop); i++) {
		if (!w->f[i].watched)
			continue;
		if (imap_watch_status(s, w->f[i].name, on_push, w, e) < 0) {
			if (e->code == ERR_PROTOCOL || e->code == ERR_NOTFOUND)
				continue;   /* that folder only; the others still count */
			return -1;
		}
	}
	return 0;
}

/* STATUS of each watched folder that has no baseline yet (known = 0), or,
 * with again, that got no STATUS since had_status was cleared. */
static int status_missing(struct watch *w, struct imap_session *s, int again, struct err *e)
{
	for (size_t i = 0; i < w->nf && !atomic_load(&w->stop); i++) {
		struct wfolder *f = &w->f[i];
		if (!f->watched || (again ? f->had_status : f->known))
			continue;
		if (imap_watch_status(s, f->name, on_push, w, e) < 0 &&
		    e->code != ERR_PROTOCOL && e->code != ERR_NOTFOUND)
			return -1;
	}
	return 0;
}

/* NOTIFY with its baselines on both sides. Dovecot answers the STATUS
 * indicator only for mailboxes that exist already (not for an INBOX its
 * first session creates), so a baseline left to the first pushed STATUS
 * would swallow the mail that caused it: baselines are asked for before
 * NOTIFY, and a folder NOTIFY said nothing of is asked again after it, so
 * mail delivered in between is found too. */
static int notify_set(struct watch *w, struct imap_session *s, struct err *e)
{
	if (status_missing(w, s, 0, e) < 0)
		return -1;
	for (size_t i = 0; i < w->nf; i++)
		w->f[i].had_status = 0;
	if (imap_watch_notify(s, on_push, w, e) < 0)
		return -1;
	return status_missing(w, s, 1, e);
}

/* Sets the watch up on a fresh session, then waits and reports until the
 * connection fails or the watcher is stopped. */
static int session(struct watch *w, struct imap_session *s, struct err *e)
{
	struct imap_select_info info;
	int poll_ms = w->a->config.poll_interval * 1000;
	int n;

	w->active = 0;
	if (choose_mode(w, s, e) < 0) {
		w->fatal = 1;
		return -1;
	}
	if (refresh_folders(w, s, e) < 0)
		return -1;
	switch (w->mode) {
	case WATCH_MODE_NOTIFY:
		if (notify_set(w, s, e) < 0)
			return -1;
		n = (int)count_watched(w);
		status(w, WATCH_ACTIVE, 0, "watching %d folder%s with NOTIFY", n, n == 1 ? "" : "s");
		break;
	case WATCH_MODE_IDLE:
		if (imap_watch_status(s, "INBOX", on_push, w, e) < 0 ||
		    imap_watch_examine(s, "INBOX", &info, on_push, w, e) < 0)
			return -1;
		w->idle_exists = info.exists;
		status(w, WATCH_ACTIVE, 0, "watching INBOX with IDLE");
		break;
	default:
		if (status_all(w, s, e) < 0)
			return -1;
		n = (int)count_watched(w);
		status(w, WATCH_ACTIVE, 0, "polling %d folder%s every %d s", n, n == 1 ? "" : "s",
		       w->a->config.poll_interval);
		break;
	}
	w->active = w->ever_active = 1;
	for (;;) {
		if (process(w, s, e) < 0)
			return -1;
		if (atomic_load(&w->stop))
			return 0;
		switch (w->mode) {
		case WATCH_MODE_NOTIFY:
			n = imap_watch_wait(s, KEEPALIVE_MS, on_push, w, e);
			if (n == 0)
				n = imap_watch_noop(s, on_push, w, e);
			break;
		case WATCH_MODE_IDLE:
			n = imap_watch_idle(s, on_push, w, e);
			if (n == 0)
				n = imap_watch_wait(s, IDLE_RESTART_MS, on_push, w, e);
			if (n >= 0)
				n = imap_watch_idle_done(s, on_push, w, e);
			break;
		default:
			/* Waiting on the socket rather than sleeping notices a
			 * server that hangs up, and watch_stop ends it. */
			n = imap_watch_wait(s, poll_ms, on_push, w, e);
			if (n >= 0)
				n = status_all(w, s, e);
			break;
		}
		if (n < 0)
			return -1;
	}
}

/* Waits ms unless watch_stop comes first. */
static void sleep_ms(struct watch *w, int ms)
{
	uint64_t deadline = clock_mono_us() + (uint64_t)ms * 1000u;

	while (!atomic_load(&w->stop)) {
		uint64_t now = clock_mono_us();
		if (now >= deadline)
			return;
		struct pollfd p = { .fd = w->wake[0], .events = POLLIN };
		if (poll(&p, 1, (int)((deadline - now + 999) / 1000)) < 0 && errno != EINTR)
			return;
	}
}

static void publish(struct watch *w, struct imap_session *s)
{
	pthread_mutex_lock(&w->lock);
	w->s = s;
	if (s != NULL && atomic_load(&w->stop))
		conn_cancel(imap_session_conn(s));
	pthread_mutex_unlock(&w->lock);
}

static int is_final(enum err_code code)
{
	return code == ERR_AUTH || code == ERR_TLS || code == ERR_CONFIG;
}

int watch_run(struct watch *w, struct err *e)
{
	const char *host = w->a->account->imap_host;
	struct err tmp;
	int delay = 1;

	if (e == NULL)
		e = &tmp;
	while (!atomic_load(&w->stop)) {
		struct err se;
		const char *what;
		err_clear(&se);
		status(w, WATCH_CONNECTING, 0, "connecting to %s", host);
		struct imap_session *s = app_imap_connect(w->a, &se);
		if (s == NULL) {
			if (atomic_load(&w->stop))
				break;
			if (!w->ever_active && is_final(se.code)) {
				*e = se;
				status(w, WATCH_STOPPED, 0, "stopped: %s", se.msg);
				return -1;
			}
			what = "cannot connect";
		} else {
			uint64_t start = clock_mono_us();
			publish(w, s);
			w->fatal = 0;
			int rc = session(w, s, &se);
			publish(w, NULL);
			imap_session_close(s);
			if (rc == 0 || atomic_load(&w->stop))
				break;
			if (w->fatal) {
				*e = se;
				status(w, WATCH_STOPPED, 0, "stopped: %s", se.msg);
				return -1;
			}
			if (clock_mono_us() - start >= STABLE_SESSION_US)
				delay = 1;
			what = w->active ? "connection lost" : "cannot watch";
		}
		status(w, WATCH_RETRYING, delay, "%s: %s; reconnecting in %d s", what,
		       se.msg[0] ? se.msg : "unknown error", delay);
		sleep_ms(w, delay * 1000);
		delay = delay * 2 > WATCH_RETRY_MAX_S ? WATCH_RETRY_MAX_S : delay * 2;
	}
	status(w, WATCH_STOPPED, 0, "stopped");
	return 0;
}

void watch_stop(struct watch *w)
{
	atomic_store(&w->stop, 1);
	pthread_mutex_lock(&w->lock);
	if (w->s != NULL)
		conn_cancel(imap_session_conn(w->s));
	pthread_mutex_unlock(&w->lock);
	/* Full pipe: a byte is already waiting, which is all it takes. */
	ssize_t r = write(w->wake[1], "x", 1);
	(void)r;
}

struct watch *watch_new(struct app *a, const struct watch_callbacks *cb, struct err *e)
{
	struct watch *w = xcalloc(1, sizeof *w);

	if (pipe2(w->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		err_set(e, ERR_INTERNAL, "cannot create a pipe for the new-mail watcher: %s",
			strerror(errno));
		free(w);
		return NULL;
	}
	w->a = a;
	w->cb = *cb;
	pthread_mutex_init(&w->lock, NULL);
	atomic_init(&w->stop, 0);
	return w;
}

void watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->nf; i++) {
		free(w->f[i].name);
		free(w->f[i].shown);
	}
	free(w->f);
	close(w->wake[0]);
	close(w->wake[1]);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
