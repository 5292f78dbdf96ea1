/* The addresses skua has seen (in messages read) and sent to, for completing
 * recipients while composing. Kept in a text file of one "Name <addr>" per
 * line, appended to as new addresses come, so a crash loses nothing and
 * the file is easy to edit by hand. */
#ifndef SKUA_APP_ADDRBOOK_H
#define SKUA_APP_ADDRBOOK_H

#include <stddef.h>

struct addrbook;

/* Reads the book at path (NULL: memory only); a missing or unreadable file
 * gives an empty book, lines that are no address are skipped. */
struct addrbook *addrbook_load(const char *path);
void addrbook_free(struct addrbook *b);
/* $XDG_STATE_HOME/skua/addresses; caller frees. */
char *addrbook_default_path(void);

/* Adds every address of an address list (a From, To or Cc value, decoded
 * UTF-8); a known address gains the name if it had none, a new one is
 * appended to the file. Garbage in the list is ignored. */
void addrbook_add_list(struct addrbook *b, const char *list);
size_t addrbook_count(const struct addrbook *b);

/* The nth (0 first) entry completing word, as "Name <addr>" (malloc'ed),
 * or NULL when there are no more: entries whose address, or a word of
 * whose name, starts with word (ASCII case folded), the most used first. */
char *addrbook_complete(const struct addrbook *b, const char *word, size_t nth);

#endif
