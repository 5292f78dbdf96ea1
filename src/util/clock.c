/* Monotonic and wall clocks in microseconds. */
#include "util/clock.h"

#include <time.h>

static uint64_t read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t clock_mono_us(void)
{
	return read_clock(CLOCK_MONOTONIC);
}

uint64_t clock_wall_us(void)
{
	return read_clock(CLOCK_REALTIME);
}
