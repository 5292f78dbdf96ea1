/* Whole reads and writes on file descriptors, across EINTR and short counts. */
#ifndef SKUA_UTIL_FILEIO_H
#define SKUA_UTIL_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes: 0, or -1 with errno set (ENOSPC when write()
 * accepts nothing). */
int fileio_write_all(int fd, const void *data, size_t len);
/* Reads until n bytes or end of file: the count read (short only at end of
 * file), or -1 with errno set. */
ssize_t fileio_read_full(int fd, void *buf, size_t n);

#endif
