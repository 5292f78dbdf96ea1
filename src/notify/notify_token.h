/* Shared secrets for the notification protocol: their form, a constant-time
 * comparison, and reading one from a file. */
#ifndef SKUA_NOTIFY_NOTIFY_TOKEN_H
#define SKUA_NOTIFY_NOTIFY_TOKEN_H

#include <stddef.h>

#include "util/err.h"

/* A token is NOTIFY_TOKEN_MIN to NOTIFY_TOKEN_MAX bytes of printable ASCII
 * without space (0x21-0x7e). */
#define NOTIFY_TOKEN_MIN 16
#define NOTIFY_TOKEN_MAX 128

/* Checks that token has the length and characters of a token; 0 or -1 with e
 * filled (ERR_CONFIG). */
int notify_token_check(const char *token, struct err *e);
/* Compares a candidate with the secret in time that depends only on the
 * secret's length, so that timing tells nothing about how much matched.
 * Returns 1 when equal. */
int notify_token_equal(const char *secret, size_t secret_len, const char *candidate,
                       size_t candidate_len);
/* Reads a token from the first line of a file (trailing CR, LF, blanks cut).
 * Returns a string the caller frees, or NULL with e filled. A file that
 * others than its owner may read is accepted; *warn_mode is set to 1 then
 * (warn_mode may be NULL) so that the caller can say so. */
char *notify_token_read_file(const char *path, int *warn_mode, struct err *e);

#endif
