/* Reading the metrics log back for `skua stats` and the stats screen. */
#ifndef SKUA_APP_STATS_H
#define SKUA_APP_STATS_H

#include <stddef.h>

#include "net/metrics.h"
#include "util/err.h"

/* Reads every well-formed record of the log at path (malformed lines are
 * skipped and counted in *skipped, which may be NULL). A missing log is not an
 * error: 0 records. Caller frees *recs. */
int app_stats_load(const char *path, struct metric_record **recs, size_t *n, size_t *skipped,
		   struct err *e);

#endif
