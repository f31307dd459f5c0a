/*
 * common/frag4: in-order and out-of-order reassembly, overlaps, bounds
 * (datagrams, bytes per datagram), timeouts, inconsistent fragments; and
 * under a flood of lone fragments (issue 12 item 3): eviction of the
 * oldest, per-source share, memory bound, lifetime under pressure, and a
 * site's datagram completing while many sources flood.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frag4.h"
#include "pkt6to4.h"

static struct frag4_conf conf = { 64 * 1500, 64, 1000, 0 };

static struct ip4_hdr
hdr(uint16_t id, unsigned int off, int mf)
{
	struct ip4_hdr	h;

	memset(&h, 0, sizeof(h));
	h.id = id;
	h.frag = (uint16_t)((off / 8) | (mf ? IP4_MF : 0));
	h.proto = 41;
	h.src = tp_a4("198.51.100.7");
	h.dst = tp_a4("192.88.99.1");
	return h;
}

static uint8_t data[8192];
static uint8_t flood[1480];

/* Global-looking IPv4 sources for the flood (a small LCG, repeatable). */
static uint32_t	lcg = 12345;

static uint32_t
rnd(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return lcg >> 8;
}

static struct in_addr
rnd_src(void)
{
	struct in_addr	a;

	/* 20.0.0.0 - 219.255.255.255: not 10/8, 127/8, 0/8 or multicast. */
	a.s_addr = htonl((20u << 24) + rnd() % (200u << 24));
	return a;
}

/* One lone first fragment from a random source: never completes. */
static enum frag4_result
feed_flood(struct frag4 *f, uint64_t now, size_t len)
{
	struct ip4_hdr	h = hdr((uint16_t)rnd(), 0, 1);
	const uint8_t	*out;
	size_t		 outlen;

	h.src = rnd_src();
	return frag4_input(f, now, &h, flood, len, &out, &outlen);
}

static enum frag4_result
feed_src(struct frag4 *f, uint64_t now, const char *src, uint16_t id,
    unsigned int off, size_t len, int mf)
{
	struct ip4_hdr	h = hdr(id, off, mf);
	const uint8_t	*out;
	size_t		 outlen;

	h.src = tp_a4(src);
	return frag4_input(f, now, &h, data + off, len, &out, &outlen);
}

static void
fill(void)
{
	size_t	i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
}

static enum frag4_result
feed(struct frag4 *f, uint64_t now, uint16_t id, unsigned int off,
    size_t len, int mf, const uint8_t **out, size_t *outlen)
{
	struct ip4_hdr	h = hdr(id, off, mf);

	return frag4_input(f, now, &h, data + off, len, out, outlen);
}

START_TEST(test_in_and_out_of_order)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;

	fill();
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(feed(f, 0, 1, 0, 1000, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_uint_eq(frag4_pending(f), 1);
	ck_assert_int_eq(feed(f, 0, 1, 1000, 300, 0, &out, &outlen),
	    FRAG4_DONE);
	ck_assert_uint_eq(outlen, 1300);
	ck_assert(memcmp(out, data, 1300) == 0);
	ck_assert_uint_eq(frag4_pending(f), 0);
	/* Last first, then the middle, then the head. */
	ck_assert_int_eq(feed(f, 0, 2, 800, 100, 0, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 400, 400, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 0, 400, 1, &out, &outlen), FRAG4_DONE);
	ck_assert_uint_eq(outlen, 900);
	ck_assert(memcmp(out, data, 900) == 0);
	ck_assert_uint_eq(frag4_stats(f)->reassembled, 2);
	frag4_free(f);
}
END_TEST

START_TEST(test_interleaved_ids)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;
	struct ip4_hdr	 h;

	fill();
	ck_assert_int_eq(feed(f, 0, 7, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 8, 0, 16, 1, &out, &outlen), FRAG4_HELD);
	/* Same id, other source: a third datagram. */
	h = hdr(7, 8, 0);
	h.src = tp_a4("203.0.113.99");
	ck_assert_int_eq(frag4_input(f, 0, &h, data, 8, &out, &outlen),
	    FRAG4_HELD);
	ck_assert_uint_eq(frag4_pending(f), 3);
	ck_assert_int_eq(feed(f, 0, 8, 16, 4, 0, &out, &outlen), FRAG4_DONE);
	ck_assert_uint_eq(outlen, 20);
	ck_assert_int_eq(feed(f, 0, 7, 8, 8, 0, &out, &outlen), FRAG4_DONE);
	ck_assert_uint_eq(outlen, 16);
	ck_assert(memcmp(out, data, 16) == 0);
	frag4_free(f);
}
END_TEST

START_TEST(test_overlap_drops_datagram)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;

	fill();
	ck_assert_int_eq(feed(f, 0, 3, 0, 800, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 3, 792, 16, 1, &out, &outlen),
	    FRAG4_DROP_OVERLAP);
	ck_assert_uint_eq(frag4_pending(f), 0);
	/* The rest of it then starts a new datagram that never completes. */
	ck_assert_int_eq(feed(f, 0, 3, 808, 100, 0, &out, &outlen),
	    FRAG4_HELD);
	/* Exact duplicates are overlaps too. */
	ck_assert_int_eq(feed(f, 0, 4, 0, 80, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 4, 0, 80, 1, &out, &outlen),
	    FRAG4_DROP_OVERLAP);
	ck_assert_uint_eq(frag4_stats(f)->overlap, 2);
	frag4_free(f);
}
END_TEST

START_TEST(test_bad_fragments)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;

	fill();
	/* Non-last fragment not a multiple of 8. */
	ck_assert_int_eq(feed(f, 0, 5, 0, 801, 1, &out, &outlen),
	    FRAG4_DROP_BAD);
	/* Empty fragment. */
	ck_assert_int_eq(feed(f, 0, 5, 0, 0, 1, &out, &outlen),
	    FRAG4_DROP_BAD);
	/* Two last fragments. */
	ck_assert_int_eq(feed(f, 0, 6, 800, 10, 0, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 6, 400, 10, 0, &out, &outlen),
	    FRAG4_DROP_BAD);
	/* Data beyond the end set by the last fragment. */
	ck_assert_int_eq(feed(f, 0, 9, 0, 16, 0, &out, &outlen), FRAG4_DONE);
	ck_assert_int_eq(feed(f, 0, 10, 80, 8, 0, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 10, 88, 8, 1, &out, &outlen),
	    FRAG4_DROP_BAD);
	/* A last fragment ending before data already received. */
	ck_assert_int_eq(feed(f, 0, 11, 80, 8, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 11, 0, 16, 0, &out, &outlen),
	    FRAG4_DROP_BAD);
	ck_assert_uint_eq(frag4_pending(f), 0);
	frag4_free(f);
}
END_TEST

START_TEST(test_bounds)
{
	struct frag4_conf	small = { FRAG4_MIN_BYTES, 2, 1000, 0 };
	struct frag4		*f;
	struct ip4_hdr		 h;
	const uint8_t		*out;
	size_t			 outlen;

	fill();
	f = frag4_new(&small);
	ck_assert_ptr_nonnull(f);
	/* A source's share is 1/8 of 16 KiB: 2048 bytes, 32 chunks. */
	ck_assert_int_eq(feed(f, 0, 1, 0, 2048 + 8, 1, &out, &outlen),
	    FRAG4_DROP_TOOBIG);
	ck_assert_int_eq(feed(f, 0, 1, 0, 1496, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 1, 1496, 600, 0, &out, &outlen),
	    FRAG4_DROP_TOOBIG);
	ck_assert_uint_eq(frag4_pending(f), 0);
	/* 1500 bytes fit in 8 fragments (the RFC 4213 minimum and more). */
	ck_assert_int_eq(feed(f, 0, 2, 0, 184, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 184, 184, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 368, 184, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 552, 184, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 736, 184, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 920, 184, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 1104, 184, 1, &out, &outlen),
	    FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 1288, 212, 0, &out, &outlen),
	    FRAG4_DONE);
	ck_assert_uint_eq(outlen, 1500);
	ck_assert(memcmp(out, data, 1500) == 0);
	/* Beyond the IPv4 length field. */
	h = hdr(3, 65528, 0);
	ck_assert_int_eq(frag4_input(f, 0, &h, data, 8, &out, &outlen),
	    FRAG4_DROP_TOOBIG);
	ck_assert_uint_eq(frag4_stats(f)->toobig, 3);
	frag4_free(f);
	/* Less memory than FRAG4_MIN_BYTES, or no datagrams: refused. */
	small.max_bytes = FRAG4_MIN_BYTES - 1;
	ck_assert_ptr_null(frag4_new(&small));
	small.max_bytes = FRAG4_MIN_BYTES;
	small.max_datagrams = 0;
	ck_assert_ptr_null(frag4_new(&small));
}
END_TEST

/* More than FRAG4_MAX_FRAGS fragments: the datagram is dropped. */
START_TEST(test_too_many_fragments)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;
	unsigned int	 i;

	fill();
	for (i = 0; i < FRAG4_MAX_FRAGS; i++)
		ck_assert_int_eq(feed(f, 0, 1, i * 8, 8, 1, &out, &outlen),
		    FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 1, i * 8, 8, 0, &out, &outlen),
	    FRAG4_DROP_BAD);
	ck_assert_uint_eq(frag4_pending(f), 0);
	frag4_free(f);
}
END_TEST

START_TEST(test_timeout)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;

	fill();
	ck_assert_int_eq(feed(f, 1000, 1, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	frag4_expire(f, 1999);
	ck_assert_uint_eq(frag4_pending(f), 1);
	frag4_expire(f, 2000);
	ck_assert_uint_eq(frag4_pending(f), 0);
	ck_assert_uint_eq(frag4_stats(f)->timeout, 1);
	/* The tail after expiry starts over and waits again. */
	ck_assert_int_eq(feed(f, 2001, 1, 8, 8, 0, &out, &outlen), FRAG4_HELD);
	/* Expiry also happens on input: the old one goes, a new one fits. */
	ck_assert_int_eq(feed(f, 5000, 1, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_uint_eq(frag4_stats(f)->timeout, 2);
	ck_assert_uint_eq(frag4_pending(f), 1);
	frag4_free(f);
}
END_TEST

static const char *const srcs[8] = {
	"198.51.100.7", "198.51.100.8", "203.0.113.9", "203.0.113.10",
	"192.0.2.11", "192.0.2.12", "100.64.0.13", "8.8.4.14"
};

START_TEST(test_many_datagrams)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;
	int		 i, j;

	fill();
	/* Fill every datagram (8 sources, their share each), then
	 * complete them in another order, twice. */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < 64; i++)
			ck_assert_int_eq(feed_src(f, 10, srcs[i % 8],
			    (uint16_t)(i * 257 + j), 0, 8, 1), FRAG4_HELD);
		ck_assert_uint_eq(frag4_pending(f), 64);
		ck_assert_uint_eq(frag4_stats(f)->evicted, 0);
		ck_assert_uint_eq(frag4_stats(f)->source_cap, 0);
		for (i = 63; i >= 0; i -= 2)
			ck_assert_int_eq(feed_src(f, 10, srcs[i % 8],
			    (uint16_t)(i * 257 + j), 8, 8, 0), FRAG4_DONE);
		for (i = 0; i < 64; i += 2)
			ck_assert_int_eq(feed_src(f, 10, srcs[i % 8],
			    (uint16_t)(i * 257 + j), 8, 8, 0), FRAG4_DONE);
		ck_assert_uint_eq(frag4_pending(f), 0);
		ck_assert_uint_eq(frag4_held_bytes(f), 0);
	}
	ck_assert_uint_eq(frag4_stats(f)->reassembled, 128);
	/* Expiry takes the oldest first, and only those. */
	ck_assert_int_eq(feed(f, 100, 1, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 600, 2, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	frag4_expire(f, 1100);
	ck_assert_uint_eq(frag4_pending(f), 1);
	ck_assert_int_eq(feed(f, 1200, 2, 8, 8, 0, &out, &outlen), FRAG4_DONE);
	frag4_free(f);
}
END_TEST

/* After every packet: within FragMaxDatagrams and FragMaxBytes (a plain
 * test first: ck_assert per packet is slow on a loaded machine). */
#define CK_BOUND(f, c) do {						\
	if (frag4_pending(f) > (c)->max_datagrams ||			\
	    frag4_held_bytes(f) > (c)->max_bytes)			\
		ck_abort_msg("out of bounds: %zu datagrams, %zu bytes",	\
		    frag4_pending(f), frag4_held_bytes(f));		\
} while (0)

/*
 * The issue: lone first fragments from many spoofed sources keep the
 * table full, while a site sends 2-fragment datagrams whose halves arrive
 * a few packets apart.  Every one of the site's datagrams completes.  The
 * old code refused them all once the flood had filled its slots.
 */
START_TEST(test_flood_many_sources)
{
	struct frag4_conf	 c = { 64 * 1024, 256, 30000, 0x5eed };
	struct frag4		*f = frag4_new(&c);
	const uint8_t		*out;
	size_t			 outlen;
	uint64_t		 now = 0;
	int			 round, k;

	fill();
	ck_assert_ptr_nonnull(f);
	for (k = 0; k < 5000; k++) {
		ck_assert_int_eq(feed_flood(f, now, 8 + 8 * (rnd() % 185)),
		    FRAG4_HELD);
		CK_BOUND(f, &c);
	}
	for (round = 0; round < 300; round++) {
		uint16_t	id = (uint16_t)(1000 + round);

		ck_assert_int_eq(feed(f, now, id, 0, 1000, 1, &out, &outlen),
		    FRAG4_HELD);
		/* Up to 20 of the largest fragments in between. */
		for (k = 0; k < round % 21; k++)
			(void)feed_flood(f, now, 8 + 8 * (rnd() % 185));
		ck_assert_int_eq(feed(f, now + 3, id, 1000, 300, 0, &out,
		    &outlen), FRAG4_DONE);
		ck_assert_uint_eq(outlen, 1300);
		ck_assert(memcmp(out, data, 1300) == 0);
		for (k = 0; k < 300; k++) {
			(void)feed_flood(f, now, k % 2 ? 8 : 1480);
			CK_BOUND(f, &c);
		}
		now += 5;
	}
	ck_assert_uint_eq(frag4_stats(f)->reassembled, 300);
	ck_assert_uint_gt(frag4_stats(f)->evicted, 90000);
	ck_assert_uint_eq(frag4_stats(f)->source_cap, 0);
	frag4_free(f);
}
END_TEST

/*
 * The bound is exact: with the table full of lone fragments, a new
 * datagram is evicted by the max_datagrams-th newer one, and not before;
 * the oldest always goes first, and a datagram is never evicted to make
 * room for its own fragment.
 */
START_TEST(test_eviction_order)
{
	struct frag4_conf	 c = { 64 * 1024, 256, 30000, 7 };
	struct frag4		*f = frag4_new(&c);
	const uint8_t		*out;
	size_t			 outlen;
	int			 k;

	fill();
	for (k = 0; k < 256; k++)
		ck_assert_int_eq(feed_flood(f, 0, 8), FRAG4_HELD);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 0);
	/* 255 newer ones: still there, and it is now the oldest. */
	ck_assert_int_eq(feed(f, 1, 1, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 1);
	for (k = 0; k < 255; k++)
		ck_assert_int_eq(feed_flood(f, 2, 8), FRAG4_HELD);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 256);
	ck_assert_int_eq(feed(f, 3, 1, 8, 8, 0, &out, &outlen), FRAG4_DONE);
	ck_assert_uint_eq(outlen, 16);
	/* The 256th newer one evicts it: its tail then starts over. */
	ck_assert_int_eq(feed(f, 4, 2, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	for (k = 0; k < 256; k++)
		ck_assert_int_eq(feed_flood(f, 5, 8), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 6, 2, 8, 8, 0, &out, &outlen), FRAG4_HELD);
	/* Memory runs out first with large fragments (1024 chunks, 24 per
	 * 1480 bytes): 30 of them in between are fine, 60 are not. */
	ck_assert_int_eq(feed(f, 7, 3, 0, 1000, 1, &out, &outlen), FRAG4_HELD);
	for (k = 0; k < 30; k++)
		ck_assert_int_eq(feed_flood(f, 7, 1480), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 7, 3, 1000, 8, 0, &out, &outlen), FRAG4_DONE);
	ck_assert_int_eq(feed(f, 8, 4, 0, 1000, 1, &out, &outlen), FRAG4_HELD);
	for (k = 0; k < 60; k++)
		ck_assert_int_eq(feed_flood(f, 8, 1480), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 8, 4, 1000, 8, 0, &out, &outlen), FRAG4_HELD);
	CK_BOUND(f, &c);
	frag4_free(f);
}
END_TEST

/* Memory full, the oldest datagram's next fragment: the next oldest goes,
 * not the datagram the fragment is for. */
START_TEST(test_eviction_keeps_current)
{
	struct frag4_conf	 c = { FRAG4_MIN_BYTES, 64, 30000, 1 };
	struct frag4		*f = frag4_new(&c);	/* 256 chunks */
	const uint8_t		*out;
	size_t			 outlen;
	int			 k;

	fill();
	ck_assert_int_eq(feed(f, 0, 1, 0, 512, 1, &out, &outlen), FRAG4_HELD);
	for (k = 0; k < 10; k++)
		ck_assert_int_eq(feed_flood(f, 1, 1480), FRAG4_HELD);
	for (k = 0; k < 8; k++)
		ck_assert_int_eq(feed_flood(f, 1, 8), FRAG4_HELD);
	ck_assert_uint_eq(frag4_held_bytes(f), FRAG4_MIN_BYTES);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 0);
	ck_assert_int_eq(feed(f, 2, 1, 512, 512, 1, &out, &outlen),
	    FRAG4_HELD);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 1);
	ck_assert_int_eq(feed(f, 2, 1, 1024, 8, 0, &out, &outlen), FRAG4_DONE);
	ck_assert_uint_eq(outlen, 1032);
	ck_assert(memcmp(out, data, 1032) == 0);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 1);
	frag4_free(f);
}
END_TEST

/*
 * A source holds at most 1/8 of the datagrams and of the memory: a flood
 * from a few real addresses evicts only its own datagrams, and a site's
 * datagram begun before it completes after any amount of it.
 */
START_TEST(test_source_cap)
{
	struct frag4	*f = frag4_new(&conf);	/* 64, 96000 bytes */
	int		 k, a;

	fill();
	ck_assert_int_eq(feed_src(f, 0, "198.51.100.7", 1, 0, 1000, 1),
	    FRAG4_HELD);
	/* One source: 8 datagrams of 64 at most. */
	for (k = 0; k < 1000; k++)
		ck_assert_int_eq(feed_src(f, 1, "203.0.113.66", (uint16_t)k, 0,
		    8, 1), FRAG4_HELD);
	ck_assert_uint_eq(frag4_pending(f), 1 + 8);
	ck_assert_uint_eq(frag4_stats(f)->source_cap, 1000 - 8);
	/* Seven sources, large fragments: 1/8 of 1500 chunks each (187,
	 * 7 fragments of 24 chunks). */
	for (a = 0; a < 7; a++)
		for (k = 0; k < 100; k++) {
			ck_assert_int_eq(feed_src(f, 2, srcs[a + 1],
			    (uint16_t)k, 0, 1480, 1), FRAG4_HELD);
			ck_assert_uint_le(frag4_held_bytes(f),
			    (16 + 8 + 7 * 7 * 24) * 64);
		}
	ck_assert_uint_eq(frag4_held_bytes(f), (16 + 8 + 7 * 7 * 24) * 64);
	ck_assert_uint_eq(frag4_pending(f), 1 + 8 + 7 * 7);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 0);
	ck_assert_int_eq(feed_src(f, 3, "198.51.100.7", 1, 1000, 300, 0),
	    FRAG4_DONE);
	/* A source at its share of memory still gets a new datagram in: its
	 * own oldest goes, nobody else's. */
	k = (int)frag4_stats(f)->source_cap;
	ck_assert_int_eq(feed_src(f, 4, srcs[3], 7777, 0, 1480, 1), FRAG4_HELD);
	ck_assert_uint_eq(frag4_stats(f)->source_cap, (uint64_t)k + 1);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 0);
	frag4_free(f);
}
END_TEST

/* Random fragments from few and many sources: within the bounds after
 * every packet, and nothing left behind (no chunk leaks). */
START_TEST(test_memory_bound)
{
	struct frag4_conf	 c = { FRAG4_MIN_BYTES * 2, 40, 100, 99 };
	struct frag4		*f = frag4_new(&c);
	struct ip4_hdr		 h;
	const uint8_t		*out;
	size_t			 outlen, len;
	uint64_t		 now = 0;
	int			 k;

	fill();
	for (k = 0; k < 50000; k++) {
		h = hdr((uint16_t)(rnd() % 16), (rnd() % 64) * 8, rnd() % 4 != 0);
		if (rnd() % 2)
			h.src = rnd_src();
		len = 8 * (1 + rnd() % 64);
		(void)frag4_input(f, now, &h, data, len, &out, &outlen);
		CK_BOUND(f, &c);
		now += rnd() % 2;
	}
	ck_assert_uint_gt(frag4_stats(f)->reassembled, 0);
	ck_assert_uint_gt(frag4_stats(f)->evicted, 0);
	ck_assert_uint_gt(frag4_stats(f)->source_cap, 0);
	ck_assert_uint_gt(frag4_stats(f)->overlap, 0);
	frag4_expire(f, now + 100);
	ck_assert_uint_eq(frag4_pending(f), 0);
	ck_assert_uint_eq(frag4_held_bytes(f), 0);
	/* Every chunk is usable again: 8 sources fill the pool, each with
	 * its share (64 chunks), and nothing is evicted. */
	outlen = frag4_stats(f)->evicted + frag4_stats(f)->source_cap;
	for (k = 0; k < 8; k++) {
		ck_assert_int_eq(feed_src(f, now, srcs[k], 1, 0, 2048, 1),
		    FRAG4_HELD);
		ck_assert_int_eq(feed_src(f, now, srcs[k], 1, 2048, 2048, 1),
		    FRAG4_HELD);
	}
	ck_assert_uint_eq(frag4_held_bytes(f), c.max_bytes);
	ck_assert_uint_eq(frag4_stats(f)->evicted + frag4_stats(f)->source_cap,
	    outlen);
	frag4_free(f);
}
END_TEST

/*
 * Under pressure a datagram lives shorter than the timeout: evicted as
 * soon as the table has turned over; without pressure the timer still
 * takes the rest.
 */
START_TEST(test_timeout_under_pressure)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;
	int		 k;

	fill();
	ck_assert_int_eq(feed(f, 0, 1, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	for (k = 0; k < 64; k++)
		ck_assert_int_eq(feed_flood(f, 10, 8), FRAG4_HELD);
	/* Gone after 10 ms, not 1000. */
	ck_assert_uint_eq(frag4_stats(f)->evicted, 1);
	ck_assert_uint_eq(frag4_stats(f)->timeout, 0);
	ck_assert_int_eq(feed(f, 11, 1, 8, 8, 0, &out, &outlen), FRAG4_HELD);
	ck_assert_uint_eq(frag4_stats(f)->evicted, 2);
	frag4_expire(f, 1009);
	ck_assert_uint_eq(frag4_pending(f), 64);
	frag4_expire(f, 1010);
	ck_assert_uint_eq(frag4_stats(f)->timeout, 63);
	frag4_expire(f, 1011);
	ck_assert_uint_eq(frag4_stats(f)->timeout, 64);
	ck_assert_uint_eq(frag4_pending(f), 0);
	frag4_free(f);
}
END_TEST

static Suite *
frag4_suite(void)
{
	Suite	*s = suite_create("frag4");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_in_and_out_of_order);
	tcase_add_test(tc, test_interleaved_ids);
	tcase_add_test(tc, test_overlap_drops_datagram);
	tcase_add_test(tc, test_bad_fragments);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_many_datagrams);
	tcase_add_test(tc, test_too_many_fragments);
	tcase_add_test(tc, test_flood_many_sources);
	tcase_add_test(tc, test_eviction_order);
	tcase_add_test(tc, test_eviction_keeps_current);
	tcase_add_test(tc, test_source_cap);
	tcase_add_test(tc, test_memory_bound);
	tcase_add_test(tc, test_timeout_under_pressure);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(frag4_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
