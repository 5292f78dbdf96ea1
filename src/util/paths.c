/* XDG base directories and directory creation. */
#include "util/paths.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : "/";
}

static char *xdg_dir(const char *var, const char *fallback)
{
	const char *base = getenv(var);

	/* The XDG spec says relative values are invalid and must be ignored. */
	if (base != NULL && base[0] == '/')
		return xasprintf("%s/skua", base);
	return xasprintf("%s/%s/skua", home_dir(), fallback);
}

char *paths_config_dir(void)
{
	return xdg_dir("XDG_CONFIG_HOME", ".config");
}

char *paths_state_dir(void)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state");
}

char *paths_cache_dir(void)
{
	return xdg_dir("XDG_CACHE_HOME", ".cache");
}

char *paths_expand_home(const char *path)
{
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
		return xasprintf("%s%s", home_dir(), path + 1);
	return xstrdup(path);
}

int paths_mkdir_p(const char *path, unsigned mode, struct err *e)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
			rc = err_set(e, ERR_IO, "cannot create directory %s: %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (rc == 0) {
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			rc = err_set(e, ERR_IO, "%s is not a directory", path);
	}
	free(p);
	return rc;
}

int paths_mkdir_parent(const char *path, unsigned mode, struct err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc;

	if (slash == NULL || slash == path)
		return 0;
	dir = xstrndup(path, (size_t)(slash - path));
	rc = paths_mkdir_p(dir, mode, e);
	free(dir);
	return rc;
}
