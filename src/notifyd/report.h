/* skua-notifyd's two outputs: notifications on stdout, one flushed line each,
 * and its log on stderr, where refusals are rate-limited so that a flood of
 * garbage cannot flood the log. */
#ifndef SKUA_NOTIFYD_REPORT_H
#define SKUA_NOTIFYD_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "notify/notify_proto.h"

/* quiet: only errors reach stderr (see skua-notifyd(1), -q). */
void report_init(int quiet);
/* Prints "[NOTIFICATION] <ISO 8601 local time> <type>: <text>". text must have
 * passed notify_parse(), so it holds no control character. */
void report_notification(enum notify_type type, const char *text, size_t len);
/* Something a user should know that is not an error (suppressed by -q). */
void report_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A refused line or connection: at most REPORT_REFUSALS_PER_SEC a second are
 * printed, the rest counted and summed up in one line later. Suppressed by -q. */
void report_refusal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Always printed. */
void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the count of refusals held back, once their second is over; the
 * event loop calls it every turn. */
void report_flush_suppressed(void);
/* When report_flush_suppressed() has something to print: a monotonic time in
 * microseconds, or 0 when nothing is held back. */
uint64_t report_flush_due_us(void);

#define REPORT_REFUSALS_PER_SEC 50

#endif
