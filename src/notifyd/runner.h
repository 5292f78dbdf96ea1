/* The --exec hook: runs the user's command once per notification with the
 * type and the text as two separate arguments, through posix_spawn and never
 * a shell, with a bounded number of children and a bounded queue. */
#ifndef SKUA_NOTIFYD_RUNNER_H
#define SKUA_NOTIFYD_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "notify/notify_proto.h"
#include "util/err.h"

#define RUNNER_MAX_CHILDREN 4         /* commands running at once */
#define RUNNER_QUEUE_MAX 32           /* notifications waiting for a free slot */
#define RUNNER_CHILD_TIMEOUT_MS 30000 /* a command running longer is killed */

struct runner;

/* cmd is a program name looked up in PATH now (so that a typo fails at
 * start-up) or a path. Returns NULL with e filled when it cannot be run. */
struct runner *runner_new(const char *cmd, struct err *e);
/* Forgets the children without killing them: they finish on their own. */
void runner_free(struct runner *r);
/* Runs the command for one notification, or queues it while all slots are
 * busy; a full queue drops it with a logged reason. Copies text. */
void runner_submit(struct runner *r, enum notify_type type, const char *text, size_t len);
/* Collects every child that has ended (call after SIGCHLD) and starts queued
 * notifications in the freed slots. */
void runner_reap(struct runner *r);
/* Kills children past their time; returns the next time (monotonic us) that
 * needs a call, or 0 when none does. */
uint64_t runner_tick(struct runner *r, uint64_t now_us);
/* Drops the queue (logging how many were dropped); running children go on. */
void runner_drop_queue(struct runner *r);
/* How many children are running. */
int runner_running(const struct runner *r);

#endif
