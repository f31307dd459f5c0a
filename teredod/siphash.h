/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit PRF.  It keys
 * the peer hash table (so that nobody can aim collisions at one bucket)
 * and authenticates the bubble nonces (so that nobody can forge a reply
 * bubble for a symmetric-NAT client without having seen our bubble).
 */
#ifndef TD_SIPHASH_H
#define TD_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t	k0, k1;
};

uint64_t	siphash24(const struct siphash_key *, const void *, size_t);

#endif /* TD_SIPHASH_H */
