/* skua watch: new mail as it arrives, one line per message on stdout and the
 * watcher's state on stderr, until SIGINT or SIGTERM (or the first arrival
 * with --once). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/watch.h"
#include "cli/commands.h"
#include "mail/safe_text.h"

struct watch_cli {
	struct watch *w;
	int once;
};

/* The signals are blocked everywhere and taken here, where watch_stop may be
 * called (it is not async-signal-safe). */
struct signal_waiter {
	sigset_t set;
	struct watch *w;
	atomic_int done;
};

static void on_event(const struct watch_event *ev, void *ctx)
{
	struct watch_cli *c = ctx;

	if (ev->new_count == 0)
		return;
	for (size_t i = 0; i < ev->n_msgs; i++) {
		const struct watch_message *m = &ev->msgs[i];
		fputs("new\t", stdout);
		cli_print_safe(ev->folder_shown, 0);
		printf("\t%u\t", (unsigned)m->uid);
		cli_print_safe(m->from, 0);
		putchar('\t');
		cli_print_safe(m->subject, 0);
		putchar('\n');
	}
	if (ev->new_count > ev->n_msgs) {
		fputs("more\t", stdout);
		cli_print_safe(ev->folder_shown, 0);
		printf("\t%u\n", (unsigned)(ev->new_count - ev->n_msgs));
	}
	fflush(stdout);
	if (c->once)
		watch_stop(c->w);
}

static void on_status(const struct watch_status *st, void *ctx)
{
	char *safe = safe_text_terminal(st->text, 0);

	(void)ctx;
	fprintf(stderr, "skua watch: %s\n", safe);
	free(safe);
}

static void *wait_signals(void *arg)
{
	struct signal_waiter *sw = arg;
	int sig;

	for (;;) {
		if (sigwait(&sw->set, &sig) != 0)
			continue;
		if (atomic_load(&sw->done))
			return NULL;
		watch_stop(sw->w);
	}
}

int cmd_watch(struct app *a, const struct cli_options *o, int argc, char **argv, struct err *e)
{
	struct watch_cli c = { NULL, 0 };
	struct watch_callbacks cb = { on_event, on_status, &c };
	struct signal_waiter sw;
	pthread_t thread;
	int rc;

	(void)o;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0)
			c.once = 1;
		else
			return err_set(e, ERR_USAGE, "usage: skua watch [--once]");
	}
	/* Before the signals are blocked: a password command asking on the
	 * terminal must stay interruptible. */
	if (app_fetch_secret(a, e) < 0)
		return -1;
	c.w = watch_new(a, &cb, e);
	if (c.w == NULL)
		return -1;
	sigemptyset(&sw.set);
	sigaddset(&sw.set, SIGINT);
	sigaddset(&sw.set, SIGTERM);
	sw.w = c.w;
	atomic_init(&sw.done, 0);
	/* Left blocked afterwards: a late signal then cannot kill the exit. */
	pthread_sigmask(SIG_BLOCK, &sw.set, NULL);
	/* A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal is dropped rather than waited for. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (pthread_create(&thread, NULL, wait_signals, &sw) != 0) {
		watch_free(c.w);
		return err_set(e, ERR_INTERNAL, "cannot start a thread to wait for signals");
	}
	rc = watch_run(c.w, e);
	atomic_store(&sw.done, 1);
	pthread_kill(thread, SIGTERM);
	pthread_join(thread, NULL);
	watch_free(c.w);
	return rc;
}
