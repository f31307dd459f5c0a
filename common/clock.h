/* Monotonic milliseconds; the hot paths read it once per batch. */
#ifndef JF_CLOCK_H
#define JF_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
clock_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif /* JF_CLOCK_H */
