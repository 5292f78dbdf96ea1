/* skua-notifyd's stdout (notifications) and stderr (log, with refusals
 * rate-limited). */
#include "notifyd/report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"

/* One process, one stdout and one stderr: this state is the daemon's own and
 * never shared with library code. */
static struct {
	int quiet;
	int stdout_failed;
	uint64_t window_start_us;
	unsigned in_window;
	unsigned long suppressed;
} rep;

void report_init(int quiet)
{
	memset(&rep, 0, sizeof rep);
	rep.quiet = quiet;
}

static void vlog(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "skua-notifyd: %s\n", line);
	fflush(stderr);
}

/* ISO 8601 local time with the offset written +hh:mm. */
static void format_time(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	char off[16];

	if (localtime_r(&now, &tm) == NULL) {
		snprintf(buf, size, "%s", "1970-01-01T00:00:00Z");
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	long gmtoff = tm.tm_gmtoff;
	char sign = gmtoff < 0 ? '-' : '+';
	if (gmtoff < 0)
		gmtoff = -gmtoff;
	snprintf(off, sizeof off, "%c%02ld:%02ld", sign, (gmtoff / 3600) % 100, (gmtoff / 60) % 60);
	size_t len = strlen(buf);
	snprintf(buf + len, size - len, "%s", off);
}

void report_notification(enum notify_type type, const char *text, size_t len)
{
	char when[40];

	format_time(when, sizeof when);
	printf("[NOTIFICATION] %s %s: %.*s\n", when, notify_type_name(type), (int)len, text);
	if (fflush(stdout) != 0 && !rep.stdout_failed) {
		/* Keep running: the --exec command may still be useful. */
		rep.stdout_failed = 1;
		fprintf(stderr, "skua-notifyd: cannot write notifications to stdout: %s\n",
		        strerror(errno));
	}
	clearerr(stdout);
}

void report_info(const char *fmt, ...)
{
	va_list ap;

	if (rep.quiet)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void report_flush_suppressed(void)
{
	if (rep.suppressed == 0 || clock_mono_us() - rep.window_start_us < 1000000u)
		return;
	fprintf(stderr, "skua-notifyd: %lu more refusals were not logged\n", rep.suppressed);
	fflush(stderr);
	rep.suppressed = 0;
}

uint64_t report_flush_due_us(void)
{
	return rep.suppressed == 0 ? 0 : rep.window_start_us + 1000000u;
}

void report_refusal(const char *fmt, ...)
{
	va_list ap;

	if (rep.quiet)
		return;
	uint64_t now = clock_mono_us();
	if (now - rep.window_start_us >= 1000000u) {
		report_flush_suppressed();
		rep.window_start_us = now;
		rep.in_window = 0;
	}
	if (rep.in_window >= REPORT_REFUSALS_PER_SEC) {
		rep.suppressed++;
		return;
	}
	rep.in_window++;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void report_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
