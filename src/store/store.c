/* The cache file: opening (and rebuilding a bad one), folder state, reading
 * a folder's chunks, and applying a resync's changes in one transaction. */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/paths.h"
#include "util/xalloc.h"

struct store {
	sqlite3 *db;
	char *path;
};

static const char *const schema =
	"CREATE TABLE IF NOT EXISTS folder (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
	" uidvalidity INTEGER NOT NULL, uidnext INTEGER NOT NULL, highestmodseq INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS chunk (folder INTEGER NOT NULL, first_uid INTEGER NOT NULL,"
	" last_uid INTEGER NOT NULL, rows INTEGER NOT NULL, data BLOB NOT NULL,"
	" PRIMARY KEY (folder, first_uid));"
	"CREATE TABLE IF NOT EXISTS body (folder INTEGER NOT NULL, uid INTEGER NOT NULL,"
	" used INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (folder, uid));"
	"CREATE INDEX IF NOT EXISTS body_used ON body (used);";

static int db_fail(struct store *st, struct err *e, const char *doing)
{
	return err_set(e, ERR_IO, "cache %s: %s: %s", st->path, doing, sqlite3_errmsg(st->db));
}

static int exec(struct store *st, const char *sql, struct err *e)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(st, e, "cannot update the cache");
	return 0;
}

/* Opens and checks the file; 1 when it is unusable and must be rebuilt. */
static int try_open(struct store *st, struct err *e)
{
	sqlite3_stmt *q = NULL;
	int version = -1, r;

	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (st->db == NULL)
			return err_set(e, ERR_IO, "cannot open the cache %s", st->path);
		return 1;
	}
	/* Another skua on the same account writes rarely and briefly. */
	sqlite3_busy_timeout(st->db, 5000);
	r = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL);
	if (r == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (version < 0)
		return 1;   /* not a database, or damaged */
	if (version == 0) {
		/* A new file, or one skua never finished creating. */
		char sql[128];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
		if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return 1;
	} else if (version != STORE_SCHEMA_VERSION) {
		return 1;
	}
	if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
		return 1;
	/* WAL with synchronous NORMAL keeps every commit whole across a
	 * crash; a power cut may lose the last ones, which a resync redoes. */
	sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	/* The tables must be there and readable: a damaged page shows here. */
	if (sqlite3_exec(st->db, "SELECT count(*) FROM folder; SELECT first_uid FROM chunk LIMIT 1",
			 NULL, NULL, NULL) != SQLITE_OK)
		return 1;
	return 0;
}

static void remove_files(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char buf[4096];

	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(buf, sizeof buf, "%s%s", path, suffix[i]);
		unlink(buf);
	}
}

struct store *store_open(const char *path, char **notice, struct err *e)
{
	struct store *st = xcalloc(1, sizeof *st);
	int r;

	*notice = NULL;
	st->path = xstrdup(path);
	if (paths_mkdir_parent(path, 0700, e) != 0) {
		store_close(st);
		return NULL;
	}
	/* Headers of private mail: the file (and SQLite's -wal and -shm,
	 * which take its mode) is the user's alone. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		fchmod(fd, 0600);   /* also one an older skua left readable */
		close(fd);
	}
	r = try_open(st, e);
	if (r == 1) {
		char why[200];
		snprintf(why, sizeof why, "%s", st->db ? sqlite3_errmsg(st->db) : "unreadable");
		sqlite3_close(st->db);
		st->db = NULL;
		remove_files(path);
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >= 0)
			close(fd);
		struct strbuf b = STRBUF_INIT;
		/* What happened first: a narrow message line cuts the end. */
		strbuf_printf(&b, "header cache rebuilt (%s): %s", why, path);
		*notice = strbuf_detach(&b, NULL);
		r = try_open(st, e);
		if (r == 1)
			err_set(e, ERR_IO, "cannot create the cache %s: %s", path,
				st->db ? sqlite3_errmsg(st->db) : "unknown error");
	}
	if (r != 0) {
		free(*notice);
		*notice = NULL;
		store_close(st);
		return NULL;
	}
	return st;
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/* The folder's row id, or 0 when it is not cached. */
static int64_t folder_id(struct store *st, const char *folder, struct store_folder_state *state,
			 struct err *e)
{
	sqlite3_stmt *q;
	int64_t id = 0;
	int r;

	if (sqlite3_prepare_v2(st->db, "SELECT id, uidvalidity, uidnext, highestmodseq FROM folder "
				       "WHERE name = ?", -1, &q, NULL) != SQLITE_OK)
		return db_fail(st, e, "cannot read the cache");
	sqlite3_bind_text(q, 1, folder, -1, SQLITE_STATIC);
	r = sqlite3_step(q);
	if (r == SQLITE_ROW) {
		id = sqlite3_column_int64(q, 0);
		if (state) {
			state->uidvalidity = (uint32_t)sqlite3_column_int64(q, 1);
			state->uidnext = (uint32_t)sqlite3_column_int64(q, 2);
			state->highestmodseq = (uint64_t)sqlite3_column_int64(q, 3);
		}
	} else if (r != SQLITE_DONE) {
		id = db_fail(st, e, "cannot read the cache");
	}
	sqlite3_finalize(q);
	return id;
}

int store_folder_state(struct store *st, const char *folder, struct store_folder_state *state,
		       struct err *e)
{
	int64_t id = folder_id(st, folder, state, e);

	return id < 0 ? -1 : id == 0 ? 1 : 0;
}

static int damaged(struct store *st, const char *folder, struct err *e)
{
	(void)st;
	return err_set(e, ERR_IO, "the cache of folder %s is damaged", folder);
}

/* Unpacks one chunk's rows, calling fn on each. */
static int read_chunk(const unsigned char *p, size_t len, int rows, store_msg_fn fn, void *ctx,
		      int *stop)
{
	const unsigned char *end = p + len;
	struct store_msg m;
	uint32_t prev = 0;

	for (int i = 0; i < rows; i++) {
		if (store_msg_unpack(&p, end, &m) < 0 || m.uid <= prev)
			return -1;
		prev = m.uid;
		if (!*stop && fn(&m, ctx))
			*stop = 1;
	}
	return p == end ? 0 : -1;
}

int store_folder_read(struct store *st, const char *folder, store_msg_fn fn, void *ctx,
		      struct err *e)
{
	sqlite3_stmt *q;
	int64_t id = folder_id(st, folder, NULL, e);
	int r, rc = 0, stop = 0;

	if (id <= 0)
		return (int)(id < 0 ? -1 : 0);
	if (sqlite3_prepare_v2(st->db, "SELECT data, rows FROM chunk WHERE folder = ? "
				       "ORDER BY first_uid", -1, &q, NULL) != SQLITE_OK)
		return db_fail(st, e, "cannot read the cache");
	sqlite3_bind_int64(q, 1, id);
	while (!stop && (r = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *data = sqlite3_column_blob(q, 0);
		size_t len = (size_t)sqlite3_column_bytes(q, 0);
		if (read_chunk(data, len, sqlite3_column_int(q, 1), fn, ctx, &stop) < 0) {
			rc = damaged(st, folder, e);
			break;
		}
	}
	if (rc == 0 && !stop && r != SQLITE_DONE)
		rc = r == SQLITE_CORRUPT || r == SQLITE_NOTADB ? damaged(st, folder, e)
							       : db_fail(st, e, "cannot read the cache");
	sqlite3_finalize(q);
	return rc;
}

int store_folder_drop(struct store *st, const char *folder, struct err *e)
{
	sqlite3_stmt *q;
	int64_t id = folder_id(st, folder, NULL, e);
	int r;

	if (id <= 0)
		return (int)(id < 0 ? -1 : 0);
	if (sqlite3_prepare_v2(st->db, "DELETE FROM chunk WHERE folder = ?1", -1, &q, NULL) != SQLITE_OK)
		return db_fail(st, e, "cannot update the cache");
	sqlite3_bind_int64(q, 1, id);
	r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return db_fail(st, e, "cannot update the cache");
	if (sqlite3_prepare_v2(st->db, "DELETE FROM body WHERE folder = ?1", -1, &q, NULL) != SQLITE_OK)
		return db_fail(st, e, "cannot update the cache");
	sqlite3_bind_int64(q, 1, id);
	r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return db_fail(st, e, "cannot update the cache");
	if (sqlite3_prepare_v2(st->db, "DELETE FROM folder WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
		return db_fail(st, e, "cannot update the cache");
	sqlite3_bind_int64(q, 1, id);
	r = sqlite3_step(q);
	sqlite3_finalize(q);
	return r == SQLITE_DONE ? 0 : db_fail(st, e, "cannot update the cache");
}

/* ---- updates ---- */

/* seq: the order of the calls, so that of two changes to one UID the
 * later wins whatever the sort does with equal keys. */
struct flag_change {
	uint32_t uid;
	unsigned flags;
	size_t seq;
};

struct add {
	struct store_msg m;
	size_t seq;
};

struct store_update {
	struct store *st;
	char *folder;
	int reset;
	uint32_t *vanished;
	size_t nvanished, capvanished;
	struct flag_change *flags;
	size_t nflags, capflags;
	struct add *adds;
	size_t nadds, capadds;
	struct arena arena;
};

struct store_update *store_update_new(struct store *st, const char *folder)
{
	struct store_update *u = xcalloc(1, sizeof *u);

	u->st = st;
	u->folder = xstrdup(folder);
	return u;
}

void store_update_free(struct store_update *u)
{
	if (u == NULL)
		return;
	free(u->folder);
	free(u->vanished);
	free(u->flags);
	free(u->adds);
	arena_free(&u->arena);
	free(u);
}

void store_update_reset(struct store_update *u)
{
	u->reset = 1;
	u->nvanished = u->nflags = u->nadds = 0;
}

void store_update_vanish(struct store_update *u, uint32_t uid)
{
	if (u->nvanished == u->capvanished) {
		u->capvanished = u->capvanished ? 2 * u->capvanished : 64;
		u->vanished = xreallocarray(u->vanished, u->capvanished, sizeof *u->vanished);
	}
	u->vanished[u->nvanished++] = uid;
}

void store_update_flags(struct store_update *u, uint32_t uid, unsigned flags)
{
	if (u->nflags == u->capflags) {
		u->capflags = u->capflags ? 2 * u->capflags : 64;
		u->flags = xreallocarray(u->flags, u->capflags, sizeof *u->flags);
	}
	u->flags[u->nflags].uid = uid;
	u->flags[u->nflags].seq = u->nflags;
	u->flags[u->nflags++].flags = flags;
}

void store_update_add(struct store_update *u, const struct store_msg *m)
{
	struct store_msg *c;

	if (u->nadds == u->capadds) {
		u->capadds = u->capadds ? 2 * u->capadds : 256;
		u->adds = xreallocarray(u->adds, u->capadds, sizeof *u->adds);
	}
	u->adds[u->nadds].seq = u->nadds;
	c = &u->adds[u->nadds++].m;
	*c = *m;
	c->from = arena_strdup(&u->arena, m->from ? m->from : "");
	c->subject = arena_strdup(&u->arena, m->subject ? m->subject : "");
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* By UID, the latest call first among equal UIDs: the one a lookup finds. */
static int cmp_flag(const void *a, const void *b)
{
	const struct flag_change *x = a, *y = b;
	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

static int cmp_add(const void *a, const void *b)
{
	const struct add *x = a, *y = b;
	if (x->m.uid != y->m.uid)
		return x->m.uid < y->m.uid ? -1 : 1;
	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* First index in a sorted array whose UID is >= uid. */
#define LOWER_BOUND(arr, n, key, field)                         \
	({                                                      \
		size_t lo_ = 0, hi_ = (n);                      \
		while (lo_ < hi_) {                             \
			size_t mid_ = (lo_ + hi_) / 2;          \
			if ((arr)[mid_] field < (key))          \
				lo_ = mid_ + 1;                 \
			else                                    \
				hi_ = mid_;                     \
		}                                               \
		lo_;                                            \
	})

struct chunk_key {
	uint32_t first, last;
};

/* Writes rows as chunks of at most STORE_CHUNK_ROWS. */
static int write_rows(struct store *st, int64_t id, const struct store_msg *rows, size_t n,
		      sqlite3_stmt *ins, struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	int rc = 0;

	for (size_t at = 0; at < n && rc == 0; at += STORE_CHUNK_ROWS) {
		size_t k = n - at < STORE_CHUNK_ROWS ? n - at : STORE_CHUNK_ROWS;
		strbuf_reset(&b);
		for (size_t i = 0; i < k; i++)
			store_msg_pack(&rows[at + i], &b);
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_int64(ins, 2, rows[at].uid);
		sqlite3_bind_int64(ins, 3, rows[at + k - 1].uid);
		sqlite3_bind_int64(ins, 4, (sqlite3_int64)k);
		sqlite3_bind_blob(ins, 5, b.s, (int)b.len, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = db_fail(st, e, "cannot write the cache");
	}
	strbuf_free(&b);
	return rc;
}

struct merge {
	struct store_msg *rows;
	size_t n, cap;
};

static void merge_push(struct merge *m, const struct store_msg *r)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : STORE_CHUNK_ROWS + 64;
		m->rows = xreallocarray(m->rows, m->cap, sizeof *m->rows);
	}
	m->rows[m->n++] = *r;
}

static int collect(const struct store_msg *m, void *ctx)
{
	merge_push(ctx, m);
	return 0;
}

/* Rewrites the chunk whose rows are old (strings in its blob) with the
 * changes falling in [lo, hi]. */
static void merge_range(struct store_update *u, struct merge *out, const struct store_msg *old,
			size_t nold, uint32_t lo, uint64_t hi)
{
	size_t a = LOWER_BOUND(u->adds, u->nadds, lo, .m.uid);
	size_t i = 0;

	out->n = 0;
	while (i < nold || (a < u->nadds && u->adds[a].m.uid <= hi)) {
		struct store_msg r;
		if (a < u->nadds && u->adds[a].m.uid <= hi &&
		    (i >= nold || u->adds[a].m.uid <= old[i].uid)) {
			r = u->adds[a].m;
			if (i < nold && old[i].uid == r.uid)
				i++;   /* replaced */
			uint32_t uid = r.uid;
			while (a < u->nadds && u->adds[a].m.uid == uid)
				a++;   /* only the latest of repeated adds */
		} else {
			r = old[i++];
		}
		size_t v = LOWER_BOUND(u->vanished, u->nvanished, r.uid, );
		if (v < u->nvanished && u->vanished[v] == r.uid)
			continue;
		size_t f = LOWER_BOUND(u->flags, u->nflags, r.uid, .uid);
		if (f < u->nflags && u->flags[f].uid == r.uid)
			r.flags = (uint16_t)u->flags[f].flags;
		merge_push(out, &r);
	}
}

static int any_in(const struct store_update *u, uint32_t lo, uint64_t hi)
{
	size_t i;

	i = LOWER_BOUND(u->adds, u->nadds, lo, .m.uid);
	if (i < u->nadds && u->adds[i].m.uid <= hi)
		return 1;
	i = LOWER_BOUND(u->vanished, u->nvanished, lo, );
	if (i < u->nvanished && u->vanished[i] <= hi)
		return 1;
	i = LOWER_BOUND(u->flags, u->nflags, lo, .uid);
	return i < u->nflags && u->flags[i].uid <= hi;
}

static int apply(struct store_update *u, int64_t id, struct err *e)
{
	struct store *st = u->st;
	sqlite3_stmt *keys = NULL, *get = NULL, *del = NULL, *ins = NULL;
	struct chunk_key *k = NULL;
	size_t nk = 0, capk = 0;
	struct merge out = { 0 }, old = { 0 };
	int rc = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT first_uid, last_uid FROM chunk WHERE folder = ? "
				       "ORDER BY first_uid", -1, &keys, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT data, rows FROM chunk WHERE folder = ? AND "
				       "first_uid = ?", -1, &get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "DELETE FROM chunk WHERE folder = ? AND first_uid = ?", -1,
			       &del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "INSERT INTO chunk (folder, first_uid, last_uid, rows, data) "
				       "VALUES (?, ?, ?, ?, ?)", -1, &ins, NULL) != SQLITE_OK) {
		rc = db_fail(st, e, "cannot update the cache");
		goto out;
	}
	sqlite3_bind_int64(keys, 1, id);
	while (sqlite3_step(keys) == SQLITE_ROW) {
		if (nk == capk) {
			capk = capk ? 2 * capk : 64;
			k = xreallocarray(k, capk, sizeof *k);
		}
		k[nk].first = (uint32_t)sqlite3_column_int64(keys, 0);
		k[nk++].last = (uint32_t)sqlite3_column_int64(keys, 1);
	}
	if (nk == 0) {
		merge_range(u, &out, NULL, 0, 1, UINT32_MAX);
		rc = write_rows(st, id, out.rows, out.n, ins, e);
		goto out;
	}
	for (size_t c = 0; c < nk && rc == 0; c++) {
		/* Chunk c owns the UIDs from its first (from 1 for the first
		 * chunk) up to the next chunk's first, the last one all above. */
		uint32_t lo = c == 0 ? 1 : k[c].first;
		uint64_t hi = c + 1 < nk ? (uint64_t)k[c + 1].first - 1 : UINT32_MAX;
		if (!any_in(u, lo, hi))
			continue;
		sqlite3_reset(get);
		sqlite3_bind_int64(get, 1, id);
		sqlite3_bind_int64(get, 2, k[c].first);
		if (sqlite3_step(get) != SQLITE_ROW) {
			rc = db_fail(st, e, "cannot read the cache");
			break;
		}
		int stop = 0;
		old.n = 0;
		/* The blob stays valid until get is reset, after the rewrite. */
		if (read_chunk(sqlite3_column_blob(get, 0), (size_t)sqlite3_column_bytes(get, 0),
			       sqlite3_column_int(get, 1), collect, &old, &stop) < 0) {
			rc = damaged(st, u->folder, e);
			break;
		}
		merge_range(u, &out, old.rows, old.n, lo, hi);
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, id);
		sqlite3_bind_int64(del, 2, k[c].first);
		if (sqlite3_step(del) != SQLITE_DONE)
			rc = db_fail(st, e, "cannot update the cache");
		else
			rc = write_rows(st, id, out.rows, out.n, ins, e);
		sqlite3_reset(get);
	}
out:
	free(k);
	free(out.rows);
	free(old.rows);
	sqlite3_finalize(keys);
	sqlite3_finalize(get);
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return rc;
}

/* The bodies of vanished messages go with them. */
static int drop_bodies(struct store_update *u, int64_t id, struct err *e)
{
	sqlite3_stmt *q;
	int rc = 0;

	if (u->nvanished == 0)
		return 0;
	if (sqlite3_prepare_v2(u->st->db, "DELETE FROM body WHERE folder = ? AND uid = ?", -1, &q,
			       NULL) != SQLITE_OK)
		return db_fail(u->st, e, "cannot update the cache");
	for (size_t i = 0; i < u->nvanished && rc == 0; i++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int64(q, 2, u->vanished[i]);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = db_fail(u->st, e, "cannot update the cache");
	}
	sqlite3_finalize(q);
	return rc;
}

int store_update_commit(struct store_update *u, const struct store_folder_state *state,
			struct err *e)
{
	struct store *st = u->st;
	sqlite3_stmt *q = NULL;
	int64_t id;
	int rc = -1;

	if (u->nvanished)
		qsort(u->vanished, u->nvanished, sizeof *u->vanished, cmp_u32);
	if (u->nflags)
		qsort(u->flags, u->nflags, sizeof *u->flags, cmp_flag);
	if (u->nadds)
		qsort(u->adds, u->nadds, sizeof *u->adds, cmp_add);
	if (exec(st, "BEGIN IMMEDIATE", e) != 0)
		return -1;
	if (u->reset && store_folder_drop(st, u->folder, e) != 0)
		goto out;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO folder (name, uidvalidity, uidnext, highestmodseq)"
				       " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET"
				       " uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4",
			       -1, &q, NULL) != SQLITE_OK) {
		db_fail(st, e, "cannot update the cache");
		goto out;
	}
	sqlite3_bind_text(q, 1, u->folder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, state->uidvalidity);
	sqlite3_bind_int64(q, 3, state->uidnext);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)state->highestmodseq);
	if (sqlite3_step(q) != SQLITE_DONE) {
		db_fail(st, e, "cannot update the cache");
		goto out;
	}
	id = folder_id(st, u->folder, NULL, e);
	if (id <= 0 || apply(u, id, e) != 0 || drop_bodies(u, id, e) != 0)
		goto out;
	rc = exec(st, "COMMIT", e);
out:
	sqlite3_finalize(q);
	if (rc != 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- bodies ---- */

/* A clock for "least recently read" that never goes back. */
static int64_t body_tick(struct store *st)
{
	sqlite3_stmt *q;
	int64_t t = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(used), 0) + 1 FROM body", -1, &q,
			       NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		t = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return t;
}

int store_body_get(struct store *st, const char *folder, uint32_t uid, struct strbuf *out,
		   struct err *e)
{
	sqlite3_stmt *q;
	int64_t id = folder_id(st, folder, NULL, e);
	int r, rc = 1;

	if (id <= 0)
		return (int)(id < 0 ? -1 : 1);
	if (sqlite3_prepare_v2(st->db, "SELECT data FROM body WHERE folder = ? AND uid = ?", -1, &q,
			       NULL) != SQLITE_OK)
		return db_fail(st, e, "cannot read the cache");
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, uid);
	r = sqlite3_step(q);
	if (r == SQLITE_ROW) {
		strbuf_append(out, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0));
		rc = 0;
	} else if (r != SQLITE_DONE) {
		rc = db_fail(st, e, "cannot read the cache");
	}
	sqlite3_finalize(q);
	if (rc == 0) {
		int64_t t = body_tick(st);
		if (sqlite3_prepare_v2(st->db, "UPDATE body SET used = ? WHERE folder = ? AND uid = ?",
				       -1, &q, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(q, 1, t);
			sqlite3_bind_int64(q, 2, id);
			sqlite3_bind_int64(q, 3, uid);
			sqlite3_step(q);   /* only the eviction order depends on it */
		}
		sqlite3_finalize(q);
	}
	return rc;
}

uint64_t store_body_bytes(struct store *st)
{
	sqlite3_stmt *q;
	uint64_t n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(sum(length(data)), 0) FROM body", -1, &q,
			       NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

int store_body_put(struct store *st, const char *folder, uint32_t uid, const char *data,
		   size_t len, uint64_t limit, struct err *e)
{
	sqlite3_stmt *q = NULL;
	int64_t id;
	int rc = -1;

	if (len > limit || len > INT32_MAX)
		return 1;
	if (exec(st, "BEGIN IMMEDIATE", e) != 0)
		return -1;
	id = folder_id(st, folder, NULL, e);
	if (id <= 0) {
		rc = id < 0 ? -1 : 1;
		goto out;
	}
	int64_t t = body_tick(st);
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO body (folder, uid, used, data) "
				       "VALUES (?, ?, ?, ?)", -1, &q, NULL) != SQLITE_OK) {
		db_fail(st, e, "cannot write the cache");
		goto out;
	}
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, uid);
	sqlite3_bind_int64(q, 3, t);
	sqlite3_bind_blob(q, 4, data, (int)len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		db_fail(st, e, "cannot write the cache");
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	/* The least recently read go first until the rest fit. */
	while (store_body_bytes(st) > limit) {
		if (exec(st, "DELETE FROM body WHERE rowid = (SELECT rowid FROM body ORDER BY used "
			     "LIMIT 1)", e) != 0)
			goto out;
	}
	rc = exec(st, "COMMIT", e);
out:
	sqlite3_finalize(q);
	if (rc < 0 || rc == 1)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
