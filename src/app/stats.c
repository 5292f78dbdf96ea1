/* Reading the metrics log. */
#include "app/stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

int app_stats_load(const char *path, struct metric_record **recs, size_t *n, size_t *skipped,
		   struct err *e)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, count = 0, alloc = 0, bad = 0;
	struct metric_record *out = NULL;

	*recs = NULL;
	*n = 0;
	if (skipped)
		*skipped = 0;
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, ERR_IO, "cannot read the metrics log %s: %s", path, strerror(errno));
	}
	while (getline(&line, &cap, f) > 0) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			out = xreallocarray(out, alloc, sizeof *out);
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (metric_parse_line(line, &out[count]) == 0)
			count++;
		else
			bad++;
	}
	free(line);
	fclose(f);
	*recs = out;
	*n = count;
	if (skipped)
		*skipped = bad;
	return 0;
}
