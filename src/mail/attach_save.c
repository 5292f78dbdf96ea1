/* Saving attachment data: written in full to a private temporary file in the
 * target folder, synced, then hard-linked to the first free name, so that a
 * reader never sees a partial file and nothing is ever overwritten. */
#include "mail/attach_save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/safe_text.h"
#include "util/fileio.h"
#include "util/xalloc.h"

#define MAX_TRIES 10000

static int write_error(struct err *e, int errnum, const char *name, const char *dir)
{
	if (errnum == ENOSPC || errnum == EDQUOT)
		return err_set(e, ERR_IO, "disk full while saving %s to %s", name, dir);
	if (errnum == EFBIG)
		return err_set(e, ERR_IO, "file too large while saving %s to %s", name, dir);
	return err_set(e, ERR_IO, "cannot write %s to %s: %s", name, dir, strerror(errnum));
}

/* "name (k).ext"; a leading-dot-free safe name has its extension after the
 * last dot, and a name without one just gets the number. */
static char *candidate(const char *name, unsigned k)
{
	if (k == 0)
		return xstrdup(name);
	const char *dot = strrchr(name, '.');
	if (dot == NULL || dot == name)
		return xasprintf("%s (%u)", name, k);
	return xasprintf("%.*s (%u)%s", (int)(dot - name), name, k, dot);
}

/* Links the finished temporary file to a free name: link() fails with EEXIST
 * instead of replacing, which makes the choice race-free. Filesystems without
 * hard links get renameat2(RENAME_NOREPLACE), which is just as safe. */
static int place(int dfd, const char *tmpname, const char *name, char **final, int *moved)
{
	for (unsigned k = 0; k < MAX_TRIES; k++) {
		char *c = candidate(name, k);
		int r = linkat(dfd, tmpname, dfd, c, 0);
		if (r < 0 && (errno == EPERM || errno == ENOSYS || errno == EOPNOTSUPP ||
			      errno == EMLINK || errno == EXDEV)) {
			r = renameat2(dfd, tmpname, dfd, c, RENAME_NOREPLACE);
			if (r == 0)
				*moved = 1;
		}
		if (r == 0) {
			*final = c;
			return 0;
		}
		int saved = errno;
		free(c);
		if (saved != EEXIST) {
			errno = saved;
			return -1;
		}
	}
	errno = EEXIST;
	return -1;
}

int attach_save(const char *dir, const char *name, const void *data, size_t len,
		char **saved_path, struct err *e)
{
	struct stat st;
	char *safe = safe_text_filename(name ? name : "");
	char *tmppath = NULL, *final = NULL;
	const char *tmpname = NULL;
	const char *sep = *dir && dir[strlen(dir) - 1] == '/' ? "" : "/";
	int fd = -1, dfd = -1, rc = -1, moved = 0;

	if (saved_path)
		*saved_path = NULL;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		err_set(e, ERR_IO, "no folder %s", dir);
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		err_set(e, ERR_IO, "cannot open folder %s: %s", dir, strerror(errno));
		goto out;
	}
	tmppath = xasprintf("%s%s.skua-save-XXXXXX", dir, sep);
	fd = mkostemp(tmppath, O_CLOEXEC);
	if (fd < 0) {
		err_set(e, ERR_IO, "cannot create a file in %s: %s", dir, strerror(errno));
		free(tmppath);
		tmppath = NULL;
		goto out;
	}
	tmpname = strrchr(tmppath, '/') + 1;

	if (fileio_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		write_error(e, errno, safe, dir);
		goto out;
	}
	int cfd = fd;
	fd = -1;
	if (close(cfd) < 0) {
		write_error(e, errno, safe, dir);
		goto out;
	}
	if (place(dfd, tmpname, safe, &final, &moved) < 0) {
		err_set(e, ERR_IO, "cannot save %s in %s: %s", safe, dir, strerror(errno));
		goto out;
	}
	/* the new name should survive a crash too */
	fsync(dfd);
	if (saved_path)
		*saved_path = xasprintf("%s%s%s", dir, sep, final);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmpname && !moved)
		unlinkat(dfd, tmpname, 0);
	if (dfd >= 0)
		close(dfd);
	free(tmppath);
	free(final);
	free(safe);
	return rc;
}
