/* Monotonic and wall clocks in microseconds, and civil UTC time in seconds
 * since the epoch. */
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

int64_t clock_utc_to_epoch(int64_t year, int month, int day, int hour, int min, int sec)
{
	/* Days counted in 400-year eras (146097 days each) of years that start
	 * in March, so that the leap day comes last. */
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;

	return days * 86400 + hour * 3600 + min * 60 + sec;
}
