/* Monotonic and wall clocks in microseconds, and civil UTC time in seconds
 * since the epoch. */
#ifndef SKUA_UTIL_CLOCK_H
#define SKUA_UTIL_CLOCK_H

#include <stdint.h>

/* Monotonic time for measuring durations. */
uint64_t clock_mono_us(void);
/* Wall-clock time since the epoch, for timestamps in logs. */
uint64_t clock_wall_us(void);
/* Seconds since 1970-01-01 00:00 UTC of a UTC date and time in the proleptic
 * Gregorian calendar (month 1-12). No range checks: the caller validates. */
int64_t clock_utc_to_epoch(int64_t year, int month, int day, int hour, int min, int sec);

#endif
