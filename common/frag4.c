/*
 * IPv4 reassembly in preallocated chunks.  See frag4.h.
 *
 * Storage.  Fragment data goes into 64-byte chunks from one arena; each
 * fragment is a chain of chunks, and the record of a fragment (offset,
 * length, next fragment) sits in a table indexed by its first chunk.  A
 * datagram keeps its fragments in a list sorted by offset: a fragment
 * overlapping any byte already received drops the datagram; it is
 * complete when the last fragment (MF clear) has fixed its length and
 * every byte up to it has arrived, and is then copied in order into one
 * output buffer.  At most FRAG4_MAX_FRAGS fragments per datagram keep
 * the sorted insert O(1).  Datagrams sit in a hash table (lookup), in
 * one list by age (oldest first: expiry and eviction never scan) and in
 * their source's list by age; sources have a table of their own.  Both
 * hashes are keyed (conf.hash_key), so a sender choosing addresses and
 * IDs cannot build long chains.
 *
 * Why nothing can pin it (issue 12 item 3).  The old rule, "when every
 * slot is busy, drop the newcomer", let 64 lone first fragments per 30 s
 * timeout (about 2 a second) stop reassembly for everybody.  Now:
 *  - A newcomer always gets in.  When the chunks or the datagrams run
 *    out, the oldest datagram is evicted ("evicted").  A site's
 *    datagram arrives in a few ms, so the oldest one is the likeliest to
 *    be a lone fragment that will never complete.  (A minimum age before
 *    eviction would bring the refusal back: the flood keeps the table
 *    full of protected entries.  Random eviction hits young datagrams as
 *    often as stale ones.)
 *  - Memory is charged per chunk actually held, not per fixed slot: a
 *    tiny lone fragment takes 64 bytes, not a 1500-byte slot, so the
 *    flood must bring the memory it takes.
 *  - One source address holds at most 1/FRAG4_SOURCE_SHARE of the
 *    chunks and of the datagrams; past that its own oldest datagram goes
 *    ("source_cap").  A flood from a few real (unspoofed) addresses then
 *    evicts only its own datagrams; it takes FRAG4_SOURCE_SHARE sources
 *    or more to push anybody else out.
 *  - The eviction is the shorter lifetime under pressure: a datagram
 *    lives until the timeout or until the flood has turned the table
 *    over, whichever comes first, without a second timer to tune.
 * The remaining bound.  Spoofed lone first fragments cannot be told from
 * a site's first fragment, so no policy does better than giving every
 * arrival the same share of the memory.  Here a datagram is evicted only
 * after max_datagrams newer datagrams, or max_bytes of newer chunks,
 * have arrived: against a flood of F new datagrams/s of B chunk bytes/s
 * it survives min(max_datagrams / F, max_bytes / B) seconds, and a site's
 * datagram whose fragments arrive within that completes.  With the
 * defaults (16384 datagrams, 1 MiB): 16 ms against 1 M minimum-size
 * fragments/s, 8 ms against 1 Gbit/s of 1480-byte fragments; fragments
 * sent back to back (microseconds apart) complete far beyond that.  The
 * bound grows linearly with FragMaxDatagrams and FragMaxBytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frag4.h"

#define FRAG4_NONE	(-1)
#define FRAG4_MAX_LEN	65535		/* IPv4 total length field */

/* One fragment, named by the first chunk of its data. */
struct frag4_rec {
	uint32_t	off, len;
	int32_t		next;		/* next fragment by offset */
};

struct frag4_dgram {
	uint32_t	src, dst;	/* network order */
	uint16_t	id;
	uint8_t		proto;
	uint8_t		nfrags;
	uint32_t	total;		/* 0 until the last fragment is seen */
	uint32_t	got;		/* bytes received */
	uint32_t	maxend;		/* highest byte received + 1 */
	uint32_t	nchunks;	/* chunks held */
	uint64_t	start_ms;
	int32_t		frags;		/* fragment list, by offset */
	int32_t		hnext;		/* hash chain, or free list */
	int32_t		older, newer;	/* age list, oldest first */
	int32_t		s_older, s_newer; /* its source's age list */
	int32_t		source;
};

struct frag4_src {
	uint32_t	addr;		/* network order */
	uint32_t	ndgrams;
	uint32_t	nchunks;
	int32_t		hnext;		/* hash chain, or free list */
	int32_t		oldest, newest;
};

struct frag4 {
	struct frag4_conf	 conf;
	size_t			 nchunks, chunks_used;
	size_t			 share_chunks, share_dgrams;
	size_t			 pending;
	uint8_t			*arena;		/* nchunks * FRAG4_CHUNK */
	int32_t			*cnext;		/* chunk chain, free list */
	struct frag4_rec	*rec;		/* by first chunk */
	int32_t			 cfree;
	struct frag4_dgram	*dg;
	int32_t			*dhash;
	int32_t			 dfree;
	struct frag4_src	*src;
	int32_t			*shash;
	int32_t			 sfree;
	uint32_t		 hmask;		/* both hashes */
	int32_t			 oldest, newest;
	uint8_t			*out;		/* reassembled payload */
	struct frag4_stats	 stats;
};

struct frag4 *
frag4_new(const struct frag4_conf *conf)
{
	struct frag4	*f;
	size_t		 i, nb, nd;

	nd = conf->max_datagrams;
	if (nd == 0 || nd > INT32_MAX / 4 || conf->max_bytes < FRAG4_MIN_BYTES ||
	    conf->max_bytes / FRAG4_CHUNK > INT32_MAX / 4) {
		errno = EINVAL;
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->conf = *conf;
	f->nchunks = conf->max_bytes / FRAG4_CHUNK;
	f->share_chunks = f->nchunks / FRAG4_SOURCE_SHARE;
	f->share_dgrams = nd / FRAG4_SOURCE_SHARE;
	if (f->share_dgrams == 0)
		f->share_dgrams = 1;
	for (nb = 1; nb < 2 * nd; nb <<= 1)
		;
	f->hmask = (uint32_t)nb - 1;
	f->arena = malloc(f->nchunks * FRAG4_CHUNK);
	f->cnext = calloc(f->nchunks, sizeof(*f->cnext));
	f->rec = calloc(f->nchunks, sizeof(*f->rec));
	f->dg = calloc(nd, sizeof(*f->dg));
	f->src = calloc(nd, sizeof(*f->src));
	f->dhash = calloc(nb, sizeof(*f->dhash));
	f->shash = calloc(nb, sizeof(*f->shash));
	f->out = malloc(FRAG4_MAX_LEN);
	if (f->arena == NULL || f->cnext == NULL || f->rec == NULL ||
	    f->dg == NULL || f->src == NULL || f->dhash == NULL ||
	    f->shash == NULL || f->out == NULL) {
		frag4_free(f);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < nb; i++)
		f->dhash[i] = f->shash[i] = FRAG4_NONE;
	for (i = 0; i < f->nchunks; i++)
		f->cnext[i] = i + 1 < f->nchunks ? (int32_t)(i + 1) : FRAG4_NONE;
	for (i = 0; i < nd; i++) {
		f->dg[i].hnext = i + 1 < nd ? (int32_t)(i + 1) : FRAG4_NONE;
		f->src[i].hnext = i + 1 < nd ? (int32_t)(i + 1) : FRAG4_NONE;
	}
	f->cfree = f->dfree = f->sfree = 0;
	f->oldest = f->newest = FRAG4_NONE;
	return f;
}

void
frag4_free(struct frag4 *f)
{
	if (f == NULL)
		return;
	free(f->arena);
	free(f->cnext);
	free(f->rec);
	free(f->dg);
	free(f->src);
	free(f->dhash);
	free(f->shash);
	free(f->out);
	free(f);
}

static uint32_t
frag4_dhash(const struct frag4 *f, uint32_t src, uint32_t dst, uint16_t id,
    uint8_t proto)
{
	uint64_t	h;

	h = inet_mix64(((uint64_t)src << 32 | dst) ^ f->conf.hash_key);
	h = inet_mix64(h ^ ((uint64_t)id << 8 | proto));
	return (uint32_t)h & f->hmask;
}

static uint32_t
frag4_shash(const struct frag4 *f, uint32_t src)
{
	return (uint32_t)inet_mix64(src ^ ~f->conf.hash_key) & f->hmask;
}

static int32_t
frag4_source_find(const struct frag4 *f, uint32_t addr)
{
	int32_t	i;

	for (i = f->shash[frag4_shash(f, addr)]; i != FRAG4_NONE;
	    i = f->src[i].hnext)
		if (f->src[i].addr == addr)
			return i;
	return FRAG4_NONE;
}

/* A source entry for addr; one is free: sources <= datagrams < pool. */
static int32_t
frag4_source_get(struct frag4 *f, uint32_t addr)
{
	struct frag4_src	*s;
	uint32_t		 b;
	int32_t			 i;

	if ((i = frag4_source_find(f, addr)) != FRAG4_NONE)
		return i;
	i = f->sfree;
	s = &f->src[i];
	f->sfree = s->hnext;
	b = frag4_shash(f, addr);
	s->addr = addr;
	s->ndgrams = s->nchunks = 0;
	s->oldest = s->newest = FRAG4_NONE;
	s->hnext = f->shash[b];
	f->shash[b] = i;
	return i;
}

static void
frag4_source_put(struct frag4 *f, int32_t i)
{
	int32_t	*pp = &f->shash[frag4_shash(f, f->src[i].addr)];

	while (*pp != i)
		pp = &f->src[*pp].hnext;
	*pp = f->src[i].hnext;
	f->src[i].hnext = f->sfree;
	f->sfree = i;
}

static void
frag4_chunks_put(struct frag4 *f, int32_t c)
{
	int32_t	next;

	for (; c != FRAG4_NONE; c = next) {
		next = f->cnext[c];
		f->cnext[c] = f->cfree;
		f->cfree = c;
		f->chunks_used--;
	}
}

static void
frag4_release(struct frag4 *f, int32_t idx)
{
	struct frag4_dgram	*d = &f->dg[idx];
	struct frag4_src	*s = &f->src[d->source];
	int32_t			*pp, r, next;

	pp = &f->dhash[frag4_dhash(f, d->src, d->dst, d->id, d->proto)];
	while (*pp != idx)
		pp = &f->dg[*pp].hnext;
	*pp = d->hnext;
	if (d->older != FRAG4_NONE)
		f->dg[d->older].newer = d->newer;
	else
		f->oldest = d->newer;
	if (d->newer != FRAG4_NONE)
		f->dg[d->newer].older = d->older;
	else
		f->newest = d->older;
	if (d->s_older != FRAG4_NONE)
		f->dg[d->s_older].s_newer = d->s_newer;
	else
		s->oldest = d->s_newer;
	if (d->s_newer != FRAG4_NONE)
		f->dg[d->s_newer].s_older = d->s_older;
	else
		s->newest = d->s_older;
	s->nchunks -= d->nchunks;
	if (--s->ndgrams == 0)
		frag4_source_put(f, d->source);
	for (r = d->frags; r != FRAG4_NONE; r = next) {
		next = f->rec[r].next;
		frag4_chunks_put(f, r);
	}
	d->hnext = f->dfree;
	f->dfree = idx;
	f->pending--;
}

/* Evict the oldest datagram but keep; -1 if there is none. */
static int
frag4_evict_oldest(struct frag4 *f, int32_t keep)
{
	int32_t	v = f->oldest;

	if (v == keep && v != FRAG4_NONE)
		v = f->dg[v].newer;
	if (v == FRAG4_NONE)
		return -1;
	frag4_release(f, v);
	f->stats.evicted++;
	return 0;
}

/* Evict source s's oldest datagram but keep; -1 if there is none. */
static int
frag4_evict_source_oldest(struct frag4 *f, int32_t s, int32_t keep)
{
	int32_t	v = f->src[s].oldest;

	if (v == keep && v != FRAG4_NONE)
		v = f->dg[v].s_newer;
	if (v == FRAG4_NONE)
		return -1;
	frag4_release(f, v);
	f->stats.source_cap++;
	return 0;
}

void
frag4_expire(struct frag4 *f, uint64_t now_ms)
{
	while (f->oldest != FRAG4_NONE &&
	    now_ms >= f->dg[f->oldest].start_ms + f->conf.timeout_ms) {
		frag4_release(f, f->oldest);
		f->stats.timeout++;
	}
}

size_t
frag4_pending(const struct frag4 *f)
{
	return f->pending;
}

size_t
frag4_held_bytes(const struct frag4 *f)
{
	return f->chunks_used * FRAG4_CHUNK;
}

const struct frag4_stats *
frag4_stats(const struct frag4 *f)
{
	return &f->stats;
}

static int32_t
frag4_find(const struct frag4 *f, const struct ip4_hdr *h)
{
	const struct frag4_dgram	*d;
	int32_t				 i;

	for (i = f->dhash[frag4_dhash(f, h->src.s_addr, h->dst.s_addr, h->id,
	    h->proto)]; i != FRAG4_NONE; i = d->hnext) {
		d = &f->dg[i];
		if (d->id == h->id && d->src == h->src.s_addr &&
		    d->dst == h->dst.s_addr && d->proto == h->proto)
			return i;
	}
	return FRAG4_NONE;
}

/*
 * A new datagram for h.  Its source first makes room within its own
 * share, then, if every datagram is in use, the oldest goes.
 */
static int32_t
frag4_create(struct frag4 *f, const struct ip4_hdr *h, uint64_t now_ms)
{
	struct frag4_dgram	*d;
	struct frag4_src	*s;
	uint32_t		 b;
	int32_t			 i, si;
	int			 gone;

	si = frag4_source_find(f, h->src.s_addr);
	while (si != FRAG4_NONE && f->src[si].ndgrams >= f->share_dgrams) {
		gone = f->src[si].ndgrams == 1;	/* the entry goes with it */
		(void)frag4_evict_source_oldest(f, si, FRAG4_NONE);
		if (gone)
			si = FRAG4_NONE;
	}
	if (f->pending == f->conf.max_datagrams)
		(void)frag4_evict_oldest(f, FRAG4_NONE);
	si = frag4_source_get(f, h->src.s_addr);
	s = &f->src[si];
	i = f->dfree;
	d = &f->dg[i];
	f->dfree = d->hnext;
	d->src = h->src.s_addr;
	d->dst = h->dst.s_addr;
	d->id = h->id;
	d->proto = h->proto;
	d->nfrags = 0;
	d->total = d->got = d->maxend = d->nchunks = 0;
	d->start_ms = now_ms;
	d->frags = FRAG4_NONE;
	d->source = si;
	b = frag4_dhash(f, d->src, d->dst, d->id, d->proto);
	d->hnext = f->dhash[b];
	f->dhash[b] = i;
	d->older = f->newest;
	d->newer = FRAG4_NONE;
	if (f->newest != FRAG4_NONE)
		f->dg[f->newest].newer = i;
	else
		f->oldest = i;
	f->newest = i;
	d->s_older = s->newest;
	d->s_newer = FRAG4_NONE;
	if (s->newest != FRAG4_NONE)
		f->dg[s->newest].s_newer = i;
	else
		s->oldest = i;
	s->newest = i;
	s->ndgrams++;
	f->pending++;
	return i;
}

static enum frag4_result
frag4_count(struct frag4 *f, enum frag4_result r)
{
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

/* Drop datagram idx (if any) for reason r. */
static enum frag4_result
frag4_drop(struct frag4 *f, int32_t idx, enum frag4_result r)
{
	if (idx != FRAG4_NONE)
		frag4_release(f, idx);
	return frag4_count(f, r);
}

/* Copy len bytes into n fresh chunks (n free), chained; the first. */
static int32_t
frag4_store(struct frag4 *f, const uint8_t *p, size_t len, size_t n)
{
	int32_t	first = f->cfree, c = FRAG4_NONE;
	size_t	k;

	for (k = 0; k < n; k++) {
		c = f->cfree;
		f->cfree = f->cnext[c];
		memcpy(f->arena + (size_t)c * FRAG4_CHUNK, p + k * FRAG4_CHUNK,
		    len - k * FRAG4_CHUNK < FRAG4_CHUNK ?
		    len - k * FRAG4_CHUNK : FRAG4_CHUNK);
		if (k + 1 == n)
			f->cnext[c] = FRAG4_NONE;
	}
	f->chunks_used += n;
	return first;
}

/* The whole payload of a complete datagram, in order, into f->out. */
static void
frag4_gather(struct frag4 *f, const struct frag4_dgram *d)
{
	int32_t	r, c;
	size_t	pos, left, n;

	for (r = d->frags; r != FRAG4_NONE; r = f->rec[r].next) {
		pos = f->rec[r].off;
		left = f->rec[r].len;
		for (c = r; left > 0; c = f->cnext[c]) {
			n = left < FRAG4_CHUNK ? left : FRAG4_CHUNK;
			memcpy(f->out + pos, f->arena + (size_t)c * FRAG4_CHUNK,
			    n);
			pos += n;
			left -= n;
		}
	}
}

enum frag4_result
frag4_input(struct frag4 *f, uint64_t now_ms, const struct ip4_hdr *h,
    const uint8_t *payload, size_t paylen, const uint8_t **out,
    size_t *outlen)
{
	struct frag4_dgram	*d;
	size_t			 off = ip4_frag_offset(h), end, need;
	int			 last = !(h->frag & IP4_MF);
	int32_t			 idx, *pp, prev, first;

	frag4_expire(f, now_ms);
	idx = frag4_find(f, h);
	end = off + paylen;
	need = (paylen + FRAG4_CHUNK - 1) / FRAG4_CHUNK;
	/* Checks that need no state come before anything is evicted. */
	if (paylen == 0 || (!last && paylen % 8 != 0))
		return frag4_drop(f, idx, FRAG4_DROP_BAD);
	if (end > FRAG4_MAX_LEN || need > f->share_chunks)
		return frag4_drop(f, idx, FRAG4_DROP_TOOBIG);
	pp = NULL;
	if (idx != FRAG4_NONE) {
		d = &f->dg[idx];
		if (last && (d->total != 0 || d->maxend > end))
			return frag4_drop(f, idx, FRAG4_DROP_BAD);
		if (d->total != 0 && end > d->total)
			return frag4_drop(f, idx, FRAG4_DROP_BAD);
		if (d->nfrags >= FRAG4_MAX_FRAGS)
			return frag4_drop(f, idx, FRAG4_DROP_BAD);
		if (d->nchunks + need > f->share_chunks)
			return frag4_drop(f, idx, FRAG4_DROP_TOOBIG);
		prev = FRAG4_NONE;
		for (pp = &d->frags; *pp != FRAG4_NONE &&
		    f->rec[*pp].off < off; pp = &f->rec[*pp].next)
			prev = *pp;
		if ((prev != FRAG4_NONE &&
		    f->rec[prev].off + f->rec[prev].len > off) ||
		    (*pp != FRAG4_NONE && f->rec[*pp].off < end))
			return frag4_drop(f, idx, FRAG4_DROP_OVERLAP);
	} else {
		idx = frag4_create(f, h, now_ms);
		d = &f->dg[idx];
		pp = &d->frags;
	}
	/* Room: first within the source's share, then in the pool. */
	while (f->src[d->source].nchunks + need > f->share_chunks)
		if (frag4_evict_source_oldest(f, d->source, idx) == -1)
			break;
	while (f->nchunks - f->chunks_used < need)
		if (frag4_evict_oldest(f, idx) == -1)
			break;
	first = frag4_store(f, payload, paylen, need);
	f->rec[first].off = (uint32_t)off;
	f->rec[first].len = (uint32_t)paylen;
	f->rec[first].next = *pp;
	*pp = first;
	d->nfrags++;
	d->nchunks += (uint32_t)need;
	f->src[d->source].nchunks += (uint32_t)need;
	d->got += (uint32_t)paylen;
	if (last)
		d->total = (uint32_t)end;
	if (end > d->maxend)
		d->maxend = (uint32_t)end;
	if (d->total == 0 || d->got < d->total) {
		f->stats.held++;
		return FRAG4_HELD;
	}
	frag4_gather(f, d);
	*out = f->out;
	*outlen = d->total;
	frag4_release(f, idx);
	f->stats.reassembled++;
	return FRAG4_DONE;
}
