/* XDG base directories and directory creation. */
#ifndef SKUA_UTIL_PATHS_H
#define SKUA_UTIL_PATHS_H

#include "util/err.h"

/* $XDG_CONFIG_HOME/skua (default ~/.config/skua); caller frees. */
char *paths_config_dir(void);
/* $XDG_STATE_HOME/skua (default ~/.local/state/skua); caller frees. */
char *paths_state_dir(void);
/* $XDG_CACHE_HOME/skua (default ~/.cache/skua); caller frees. */
char *paths_cache_dir(void);
/* Expands a leading "~/" with $HOME; caller frees. */
char *paths_expand_home(const char *path);
/* mkdir -p with the given mode for the created components. */
int paths_mkdir_p(const char *path, unsigned mode, struct err *e);
/* paths_mkdir_p for the folder a file path lies in (none for "name" or "/name"). */
int paths_mkdir_parent(const char *path, unsigned mode, struct err *e);

#endif
