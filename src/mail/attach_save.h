/* Saving attachment data into a folder without overwriting and without partial files. */
#ifndef SKUA_MAIL_ATTACH_SAVE_H
#define SKUA_MAIL_ATTACH_SAVE_H

#include <stddef.h>

#include "util/err.h"

/* Writes data to dir/<sanitized name>, or "name (1).ext", "name (2).ext" ... if
 * taken (never overwrites, race-free: written to a temporary file in dir, then
 * linked to the free name). On any failure (disk full ...) no file is left.
 * *saved_path (may be NULL) gets the final path, caller frees. */
int attach_save(const char *dir, const char *name, const void *data, size_t len,
		char **saved_path, struct err *e);

#endif
