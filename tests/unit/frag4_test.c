/*
 * common/frag4: in-order and out-of-order reassembly, overlaps, bounds
 * (datagrams, bytes per datagram), timeouts, inconsistent fragments.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frag4.h"
#include "pkt6to4.h"

static struct frag4_conf conf = { 64 * 1500, 64, 1000 };

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

static uint8_t data[3000];

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
	struct frag4_conf	small = { 2 * 1504, 2, 1000 };
	struct frag4		*f;
	const uint8_t		*out;
	size_t			 outlen;

	fill();
	f = frag4_new(&small);
	ck_assert_ptr_nonnull(f);
	/* 1504 bytes per slot: a datagram reaching 1505 is too big. */
	ck_assert_int_eq(feed(f, 0, 1, 1496, 9, 0, &out, &outlen),
	    FRAG4_DROP_TOOBIG);
	ck_assert_int_eq(feed(f, 0, 1, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	ck_assert_int_eq(feed(f, 0, 2, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	/* Both slots busy: a third datagram is refused, older ones kept. */
	ck_assert_int_eq(feed(f, 0, 3, 0, 8, 1, &out, &outlen),
	    FRAG4_DROP_FULL);
	ck_assert_uint_eq(frag4_pending(f), 2);
	ck_assert_uint_eq(frag4_stats(f)->full, 1);
	ck_assert_int_eq(feed(f, 0, 2, 8, 8, 0, &out, &outlen), FRAG4_DONE);
	ck_assert_int_eq(feed(f, 0, 3, 0, 8, 1, &out, &outlen), FRAG4_HELD);
	frag4_free(f);
	/* Slots below 1500 bytes are refused. */
	small.max_bytes = 2 * 1499;
	ck_assert_ptr_null(frag4_new(&small));
	small.max_datagrams = 0;
	ck_assert_ptr_null(frag4_new(&small));
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

START_TEST(test_many_datagrams)
{
	struct frag4	*f = frag4_new(&conf);
	const uint8_t	*out;
	size_t		 outlen;
	int		 i, j;

	fill();
	/* Fill every slot, then complete them in another order, twice. */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < 64; i++)
			ck_assert_int_eq(feed(f, 10, (uint16_t)(i * 257 + j), 0,
			    8, 1, &out, &outlen), FRAG4_HELD);
		ck_assert_int_eq(feed(f, 10, 9999, 0, 8, 1, &out, &outlen),
		    FRAG4_DROP_FULL);
		for (i = 63; i >= 0; i -= 2)
			ck_assert_int_eq(feed(f, 10, (uint16_t)(i * 257 + j), 8,
			    8, 0, &out, &outlen), FRAG4_DONE);
		for (i = 0; i < 64; i += 2)
			ck_assert_int_eq(feed(f, 10, (uint16_t)(i * 257 + j), 8,
			    8, 0, &out, &outlen), FRAG4_DONE);
		ck_assert_uint_eq(frag4_pending(f), 0);
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
