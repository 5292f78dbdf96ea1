/* Tab completion of paths in questions (a folder to save into, a file to
 * attach), as typed: "~/" stays as the user wrote it. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/ui_internal.h"
#include "util/paths.h"
#include "util/xalloc.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *ui_complete_path(const char *word, size_t nth, int dirs_only)
{
	const char *slash = strrchr(word, '/');
	char *typed_dir = slash ? xstrndup(word, (size_t)(slash - word) + 1) : xstrdup("");
	const char *prefix = slash ? slash + 1 : word;
	char *dir = paths_expand_home(typed_dir[0] ? typed_dir : "./");
	char **names = NULL, *out = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(dir);
	struct dirent *ent;

	while (d != NULL && (ent = readdir(d)) != NULL) {
		struct stat st;
		char *full;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		/* Hidden folders only when asked for with a leading dot. */
		if (ent->d_name[0] == '.' && prefix[0] != '.')
			continue;
		if (strncmp(ent->d_name, prefix, strlen(prefix)) != 0)
			continue;
		full = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", ent->d_name);
		if (stat(full, &st) == 0 && (S_ISDIR(st.st_mode) || !dirs_only)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = xreallocarray(names, cap, sizeof *names);
			}
			/* A folder ends in "/", so that Tab goes one level deeper. */
			names[n++] = xasprintf("%s%s", ent->d_name, S_ISDIR(st.st_mode) ? "/" : "");
		}
		free(full);
	}
	if (d != NULL)
		closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	if (nth < n)
		out = xasprintf("%s%s", typed_dir, names[nth]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	free(typed_dir);
	return out;
}

