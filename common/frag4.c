/*
 * IPv4 reassembly in preallocated slots.  See frag4.h.
 *
 * Each slot owns slot_size bytes of data and a bitmap with one bit per
 * 8-byte block (fragment offsets are multiples of 8).  A fragment whose
 * blocks are already marked overlaps: the datagram is dropped.  The
 * datagram is complete when the last fragment (MF clear) has fixed its
 * length and every byte up to it has arrived.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frag4.h"

#define FRAG4_NONE	(-1)

struct frag4_slot {
	int		used;
	uint32_t	src, dst;	/* network order */
	uint16_t	id;
	uint8_t		proto;
	uint64_t	start_ms;
	size_t		total;		/* 0 until the last fragment is seen */
	size_t		got;		/* bytes received */
	size_t		maxend;		/* highest byte received + 1 */
	int32_t		hnext;		/* hash chain, or free list */
	int32_t		older, newer;	/* age list, oldest first */
	uint8_t		*data;
	uint8_t		*map;		/* one bit per 8-byte block */
};

/*
 * Slots in use sit in a hash table (lookup) and in a list by age: every
 * datagram gets the same timeout, so the expired ones are always at the
 * old end and expiry never scans.
 */
struct frag4 {
	struct frag4_conf	 conf;
	size_t			 slot_size;
	size_t			 map_size;
	size_t			 pending;
	struct frag4_slot	*slots;
	uint8_t			*arena;
	int32_t			*hash;
	uint32_t		 hmask;
	int32_t			 free;
	int32_t			 oldest, newest;
	struct frag4_stats	 stats;
};

struct frag4 *
frag4_new(const struct frag4_conf *conf)
{
	struct frag4	*f;
	size_t		 i, per, nb;

	if (conf->max_datagrams == 0 || conf->max_datagrams > INT32_MAX / 4 ||
	    conf->max_bytes / conf->max_datagrams < FRAG4_MIN_SLOT) {
		errno = EINVAL;
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->conf = *conf;
	f->slot_size = conf->max_bytes / conf->max_datagrams;
	if (f->slot_size > 65535)
		f->slot_size = 65535;
	f->slot_size &= ~(size_t)7;
	f->map_size = (f->slot_size / 8 + 7) / 8;
	per = f->slot_size + f->map_size;
	for (nb = 1; nb < 2 * conf->max_datagrams; nb <<= 1)
		;
	f->hmask = (uint32_t)nb - 1;
	f->slots = calloc(conf->max_datagrams, sizeof(*f->slots));
	f->arena = calloc(conf->max_datagrams, per);
	f->hash = calloc(nb, sizeof(*f->hash));
	if (f->slots == NULL || f->arena == NULL || f->hash == NULL) {
		frag4_free(f);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < nb; i++)
		f->hash[i] = FRAG4_NONE;
	for (i = 0; i < conf->max_datagrams; i++) {
		f->slots[i].data = f->arena + i * per;
		f->slots[i].map = f->slots[i].data + f->slot_size;
		f->slots[i].hnext = i + 1 < conf->max_datagrams ?
		    (int32_t)(i + 1) : FRAG4_NONE;
	}
	f->free = 0;
	f->oldest = f->newest = FRAG4_NONE;
	return f;
}

void
frag4_free(struct frag4 *f)
{
	if (f == NULL)
		return;
	free(f->slots);
	free(f->arena);
	free(f->hash);
	free(f);
}

static uint32_t
frag4_hash(const struct frag4 *f, uint32_t src, uint32_t dst, uint16_t id,
    uint8_t proto)
{
	uint64_t	h;

	h = ((uint64_t)src << 32 | dst) ^ ((uint64_t)id << 8 | proto);
	h *= 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(h >> 32) & f->hmask;
}

static void
frag4_release(struct frag4 *f, struct frag4_slot *s)
{
	int32_t		 idx = (int32_t)(s - f->slots), *pp;

	pp = &f->hash[frag4_hash(f, s->src, s->dst, s->id, s->proto)];
	while (*pp != idx)
		pp = &f->slots[*pp].hnext;
	*pp = s->hnext;
	if (s->older != FRAG4_NONE)
		f->slots[s->older].newer = s->newer;
	else
		f->oldest = s->newer;
	if (s->newer != FRAG4_NONE)
		f->slots[s->newer].older = s->older;
	else
		f->newest = s->older;
	s->used = 0;
	s->hnext = f->free;
	f->free = idx;
	f->pending--;
}

void
frag4_expire(struct frag4 *f, uint64_t now_ms)
{
	struct frag4_slot	*s;

	while (f->oldest != FRAG4_NONE) {
		s = &f->slots[f->oldest];
		if (now_ms < s->start_ms + f->conf.timeout_ms)
			break;
		frag4_release(f, s);
		f->stats.timeout++;
	}
}

size_t
frag4_pending(const struct frag4 *f)
{
	return f->pending;
}

const struct frag4_stats *
frag4_stats(const struct frag4 *f)
{
	return &f->stats;
}

static struct frag4_slot *
frag4_find(struct frag4 *f, const struct ip4_hdr *h, uint64_t now_ms)
{
	struct frag4_slot	*s;
	uint32_t		 b;
	int32_t			 i;

	frag4_expire(f, now_ms);
	b = frag4_hash(f, h->src.s_addr, h->dst.s_addr, h->id, h->proto);
	for (i = f->hash[b]; i != FRAG4_NONE; i = s->hnext) {
		s = &f->slots[i];
		if (s->id == h->id && s->src == h->src.s_addr &&
		    s->dst == h->dst.s_addr && s->proto == h->proto)
			return s;
	}
	if ((i = f->free) == FRAG4_NONE)
		return NULL;
	s = &f->slots[i];
	f->free = s->hnext;
	s->used = 1;
	s->src = h->src.s_addr;
	s->dst = h->dst.s_addr;
	s->id = h->id;
	s->proto = h->proto;
	s->start_ms = now_ms;
	s->total = 0;
	s->got = 0;
	s->maxend = 0;
	memset(s->map, 0, f->map_size);
	s->hnext = f->hash[b];
	f->hash[b] = i;
	s->older = f->newest;
	s->newer = FRAG4_NONE;
	if (f->newest != FRAG4_NONE)
		f->slots[f->newest].newer = i;
	else
		f->oldest = i;
	f->newest = i;
	f->pending++;
	return s;
}

/* 1 if any block in [first, last] is already marked. */
static int
frag4_map_test_set(uint8_t *map, size_t first, size_t last)
{
	size_t	i;

	for (i = first; i <= last; i++)
		if (map[i / 8] & (1u << (i % 8)))
			return 1;
	for (i = first; i <= last; i++)
		map[i / 8] |= (uint8_t)(1u << (i % 8));
	return 0;
}

static enum frag4_result
frag4_drop(struct frag4 *f, struct frag4_slot *s, enum frag4_result r)
{
	frag4_release(f, s);
	switch (r) {
	case FRAG4_DROP_OVERLAP:
		f->stats.overlap++;
		break;
	case FRAG4_DROP_TOOBIG:
		f->stats.toobig++;
		break;
	default:
		f->stats.bad++;
		break;
	}
	return r;
}

enum frag4_result
frag4_input(struct frag4 *f, uint64_t now_ms, const struct ip4_hdr *h,
    const uint8_t *payload, size_t paylen, const uint8_t **out,
    size_t *outlen)
{
	struct frag4_slot	*s;
	size_t			 off = ip4_frag_offset(h);
	int			 last = !(h->frag & IP4_MF);

	if ((s = frag4_find(f, h, now_ms)) == NULL) {
		f->stats.full++;
		return FRAG4_DROP_FULL;
	}
	if (paylen == 0 || (!last && paylen % 8 != 0))
		return frag4_drop(f, s, FRAG4_DROP_BAD);
	if (off + paylen > f->slot_size)
		return frag4_drop(f, s, FRAG4_DROP_TOOBIG);
	if (last) {
		if (s->total != 0 || s->maxend > off + paylen)
			return frag4_drop(f, s, FRAG4_DROP_BAD);
		s->total = off + paylen;
	}
	if (s->total != 0 && off + paylen > s->total)
		return frag4_drop(f, s, FRAG4_DROP_BAD);
	if (frag4_map_test_set(s->map, off / 8, (off + paylen - 1) / 8))
		return frag4_drop(f, s, FRAG4_DROP_OVERLAP);
	memcpy(s->data + off, payload, paylen);
	s->got += paylen;
	if (off + paylen > s->maxend)
		s->maxend = off + paylen;
	if (s->total == 0 || s->got < s->total) {
		f->stats.held++;
		return FRAG4_HELD;
	}
	/* Slot is released but its data stays valid until the next call. */
	frag4_release(f, s);
	f->stats.reassembled++;
	*out = s->data;
	*outlen = s->total;
	return FRAG4_DONE;
}
