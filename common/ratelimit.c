/*
 * Token bucket.  Refill is computed lazily from the elapsed time, so an idle
 * bucket costs nothing and a clock that goes backwards (fake clocks in
 * tests) simply refills nothing.
 */
#include "ratelimit.h"

void
tbucket_init(struct tbucket *b, uint32_t rate, uint32_t burst)
{
	b->rate = rate;
	b->burst = burst > 0 ? burst : 1;
	b->tokens_milli = (uint64_t)b->burst * 1000;
	b->last_ms = 0;
}

int
tbucket_take(struct tbucket *b, uint64_t now_ms)
{
	uint64_t	cap = (uint64_t)b->burst * 1000;

	if (now_ms > b->last_ms) {
		uint64_t add = (now_ms - b->last_ms) * b->rate;

		b->tokens_milli = (add >= cap - b->tokens_milli) ? cap :
		    b->tokens_milli + add;
		b->last_ms = now_ms;
	}
	if (b->tokens_milli < 1000)
		return 0;
	b->tokens_milli -= 1000;
	return 1;
}
