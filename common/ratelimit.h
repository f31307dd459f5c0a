/*
 * Token bucket on a caller-supplied millisecond clock, so that the same code
 * runs under a fake clock in unit tests.  No syscalls.
 */
#ifndef JF_RATELIMIT_H
#define JF_RATELIMIT_H

#include <stdint.h>

struct tbucket {
	uint64_t	last_ms;
	uint64_t	tokens_milli;	/* tokens * 1000, to keep fractions */
	uint32_t	rate;		/* tokens per second */
	uint32_t	burst;		/* bucket size in tokens */
};

void	tbucket_init(struct tbucket *, uint32_t rate, uint32_t burst);
/* 1 if a token was taken, 0 if the bucket is empty. */
int	tbucket_take(struct tbucket *, uint64_t now_ms);

#endif /* JF_RATELIMIT_H */
