/* Monotonic and wall clocks in microseconds. */
#ifndef SKUA_UTIL_CLOCK_H
#define SKUA_UTIL_CLOCK_H

#include <stdint.h>

/* Monotonic time for measuring durations. */
uint64_t clock_mono_us(void);
/* Wall-clock time since the epoch, for timestamps in logs. */
uint64_t clock_wall_us(void);

#endif
