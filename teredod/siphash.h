/*
 * SipHash (Aumasson and Bernstein, 2012): a keyed 64-bit PRF.  SipHash-2-4
 * authenticates the bubble nonces (so that nobody can forge a reply
 * bubble for a symmetric-NAT client without having seen our bubble).
 * SipHash-1-3, half the rounds, keys the peer hash table and the rate
 * limiters' buckets, looked up once per packet: there the key only has to
 * keep collisions from being aimed at one bucket (the trade-off Linux's
 * hsiphash and Rust's HashMap make).
 */
#ifndef TD_SIPHASH_H
#define TD_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t	k0, k1;
};

uint64_t	siphash24(const struct siphash_key *, const void *, size_t);
uint64_t	siphash13(const struct siphash_key *, const void *, size_t);

#endif /* TD_SIPHASH_H */
