/*
 * SipHash-c-d, written from the paper's description: c compression
 * rounds per 8-byte little-endian word, length byte in the top of the
 * last word, d finalization rounds.  2-4 and 1-3 below.
 */
#include "siphash.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

struct sip_state {
	uint64_t	v0, v1, v2, v3;
};

static void
sip_round(struct sip_state *s)
{
	s->v0 += s->v1; s->v1 = ROTL(s->v1, 13); s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3; s->v3 = ROTL(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = ROTL(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = ROTL(s->v1, 17); s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

static uint64_t
sip_le64(const uint8_t *p, size_t n)
{
	uint64_t	w = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

static inline uint64_t
sip_cd(const struct siphash_key *k, const void *data, size_t len,
    int crounds, int drounds)
{
	const uint8_t		*p = data;
	struct sip_state	 s;
	size_t			 off;
	uint64_t		 m;
	int			 i;

	s.v0 = k->k0 ^ 0x736f6d6570736575ULL;
	s.v1 = k->k1 ^ 0x646f72616e646f6dULL;
	s.v2 = k->k0 ^ 0x6c7967656e657261ULL;
	s.v3 = k->k1 ^ 0x7465646279746573ULL;
	for (off = 0;; off += 8) {
		if (off + 8 <= len)
			m = sip_le64(p + off, 8);
		else
			m = sip_le64(p + off, len - off) |
			    (uint64_t)(len & 0xff) << 56;
		s.v3 ^= m;
		for (i = 0; i < crounds; i++)
			sip_round(&s);
		s.v0 ^= m;
		if (off + 8 > len)
			break;
	}
	s.v2 ^= 0xff;
	for (i = 0; i < drounds; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t
siphash24(const struct siphash_key *k, const void *data, size_t len)
{
	return sip_cd(k, data, len, 2, 4);
}

uint64_t
siphash13(const struct siphash_key *k, const void *data, size_t len)
{
	return sip_cd(k, data, len, 1, 3);
}
