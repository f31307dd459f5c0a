/*
 * common/icmp6err: message layout and checksum, quoting up to 1280 bytes,
 * RFC 4443 2.4 (e) refusals, the rate limit.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "icmp6err.h"
#include "pkt6to4.h"

static uint8_t	orig[2000], out[1500];

START_TEST(test_time_exceeded_layout)
{
	struct icmp6err		e;
	struct in6_addr		src = tp_a6("2001:db8:64::1");
	size_t			olen, len;

	icmp6err_init(&e, 10, 10);
	olen = tp_udp6(orig, "2001:db8:6::6", "2002:c633:6407::1", 1, 0, 100);
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_TIME_EXCEEDED, 0,
	    0, orig, olen, out, sizeof(out), &len), ICMP6ERR_BUILT);
	ck_assert_uint_eq(len, 40 + 8 + olen);
	ck_assert_uint_eq(out[0] >> 4, 6);
	ck_assert_uint_eq(tp_get16(out + 4), 8 + olen);
	ck_assert_uint_eq(out[6], 58);
	ck_assert_uint_eq(out[7], 64);
	ck_assert(memcmp(out + 8, &src, 16) == 0);
	ck_assert(memcmp(out + 24, orig + 8, 16) == 0);	/* to orig src */
	ck_assert_uint_eq(out[40], 3);
	ck_assert_uint_eq(out[41], 0);
	ck_assert_uint_eq(tp_get16(out + 44), 0);
	ck_assert_uint_eq(tp_get16(out + 46), 0);
	ck_assert(memcmp(out + 48, orig, olen) == 0);
	ck_assert_uint_eq(tp_icmp6_csum(out), 0);
	ck_assert_uint_eq(e.built, 1);
}
END_TEST

START_TEST(test_ptb_quote_is_bounded)
{
	struct icmp6err		e;
	struct in6_addr		src = tp_a6("2001:db8:64::1");
	size_t			olen, len;

	icmp6err_init(&e, 10, 10);
	olen = tp_udp6(orig, "2001:db8:6::6", "2002:c633:6407::1", 64, 0,
	    1452);
	ck_assert_uint_eq(olen, 1500);
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_PACKET_TOO_BIG, 0,
	    1480, orig, olen, out, sizeof(out), &len), ICMP6ERR_BUILT);
	ck_assert_uint_eq(len, 1280);
	ck_assert_uint_eq(out[40], 2);
	ck_assert_uint_eq(tp_get16(out + 46), 1480);
	ck_assert(memcmp(out + 48, orig, 1280 - 48) == 0);
	ck_assert_uint_eq(tp_icmp6_csum(out), 0);
	/* A small output buffer shortens the quote further. */
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_PACKET_TOO_BIG, 0,
	    1480, orig, olen, out, 200, &len), ICMP6ERR_BUILT);
	ck_assert_uint_eq(len, 200);
	ck_assert_uint_eq(tp_icmp6_csum(out), 0);
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_PACKET_TOO_BIG, 0,
	    1480, orig, olen, out, 87, &len), ICMP6ERR_NOSPACE);
}
END_TEST

START_TEST(test_forbidden)
{
	struct icmp6err		e;
	struct in6_addr		src = tp_a6("2001:db8:64::1");
	size_t			olen, len;

	icmp6err_init(&e, 1000, 1000);
	/* (e.1) about an ICMPv6 error. */
	olen = tp_icmp6(orig, "2001:db8:6::6", "2002:c633:6407::1", 1, 1, 0,
	    0, 48);
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_TIME_EXCEEDED, 0,
	    0, orig, olen, out, sizeof(out), &len), ICMP6ERR_FORBIDDEN);
	/* ... but an informational message (echo) is fine. */
	olen = tp_icmp6(orig, "2001:db8:6::6", "2002:c633:6407::1", 1, 128, 0,
	    0, 48);
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_TIME_EXCEEDED, 0,
	    0, orig, olen, out, sizeof(out), &len), ICMP6ERR_BUILT);
	/* (e.2) multicast destination: only PTB. */
	olen = tp_udp6(orig, "2001:db8:6::6", "ff0e::1", 1, 0, 10);
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_TIME_EXCEEDED, 0,
	    0, orig, olen, out, sizeof(out), &len), ICMP6ERR_FORBIDDEN);
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_PACKET_TOO_BIG, 0,
	    1280, orig, olen, out, sizeof(out), &len), ICMP6ERR_BUILT);
	/* (e.3) multicast, unspecified, loopback, v4-mapped sources. */
	olen = tp_udp6(orig, "ff02::1", "2002:c633:6407::1", 1, 0, 10);
	ck_assert(!icmp6err_allowed(orig, olen, ICMP6_PACKET_TOO_BIG, 0));
	olen = tp_udp6(orig, "::", "2002:c633:6407::1", 1, 0, 10);
	ck_assert(!icmp6err_allowed(orig, olen, ICMP6_TIME_EXCEEDED, 0));
	olen = tp_udp6(orig, "::1", "2002:c633:6407::1", 1, 0, 10);
	ck_assert(!icmp6err_allowed(orig, olen, ICMP6_TIME_EXCEEDED, 0));
	olen = tp_udp6(orig, "::ffff:1.2.3.4", "2002:c633:6407::1", 1, 0, 10);
	ck_assert(!icmp6err_allowed(orig, olen, ICMP6_TIME_EXCEEDED, 0));
	olen = tp_udp6(orig, "::2", "2002:c633:6407::1", 1, 0, 10);
	ck_assert(icmp6err_allowed(orig, olen, ICMP6_TIME_EXCEEDED, 0));
	/* Not IPv6 at all. */
	ck_assert_int_eq(icmp6err_build(&e, 0, &src, ICMP6_TIME_EXCEEDED, 0,
	    0, orig, 39, out, sizeof(out), &len), ICMP6ERR_MALFORMED);
	ck_assert_uint_eq(e.forbidden, 2);
}
END_TEST

START_TEST(test_icmp_error_behind_ext_headers)
{
	uint8_t	pl[16 + 8] = {
	    44, 0, 1, 4, 0, 0, 0, 0,	/* hop-by-hop, PadN */
	    58, 0, 0, 0, 0, 0, 0, 0,	/* fragment header, first */
	    1, 4, 0, 0, 0, 0, 0, 0 };	/* Destination Unreachable */
	size_t	olen;

	/* hop-by-hop -> fragment -> ICMPv6 error: still an error. */
	olen = tp_ip6(orig, "2001:db8:6::6", "2002:c633:6407::1", 0, 1, 0, pl,
	    sizeof(pl));
	ck_assert(!icmp6err_allowed(orig, olen, ICMP6_TIME_EXCEEDED, 0));
	/* The same chain ending in an echo request is fine. */
	orig[56] = 128;
	ck_assert(icmp6err_allowed(orig, olen, ICMP6_TIME_EXCEEDED, 0));
	/* Truncated extension chain: we cannot tell, so we stay quiet. */
	ck_assert(!icmp6err_allowed(orig, 44, ICMP6_TIME_EXCEEDED, 0));
}
END_TEST

START_TEST(test_rate_limit)
{
	struct icmp6err		e;
	struct in6_addr		src = tp_a6("2001:db8:64::1");
	size_t			olen, len;
	int			i, built = 0;

	icmp6err_init(&e, 2, 3);
	olen = tp_udp6(orig, "2001:db8:6::6", "2002:c633:6407::1", 1, 0, 10);
	for (i = 0; i < 10; i++)
		if (icmp6err_build(&e, 1000, &src, ICMP6_TIME_EXCEEDED, 0, 0,
		    orig, olen, out, sizeof(out), &len) == ICMP6ERR_BUILT)
			built++;
	ck_assert_int_eq(built, 3);
	ck_assert_uint_eq(e.ratelimited, 7);
	/* Half a second later one more token (2 per second). */
	ck_assert_int_eq(icmp6err_build(&e, 1500, &src, ICMP6_TIME_EXCEEDED,
	    0, 0, orig, olen, out, sizeof(out), &len), ICMP6ERR_BUILT);
	ck_assert_int_eq(icmp6err_build(&e, 1500, &src, ICMP6_TIME_EXCEEDED,
	    0, 0, orig, olen, out, sizeof(out), &len), ICMP6ERR_RATELIMITED);
	/* Forbidden ones spend no token. */
	olen = tp_icmp6(orig, "2001:db8:6::6", "2002:c633:6407::1", 1, 1, 0,
	    0, 8);
	ck_assert_int_eq(icmp6err_build(&e, 2000, &src, ICMP6_TIME_EXCEEDED,
	    0, 0, orig, olen, out, sizeof(out), &len), ICMP6ERR_FORBIDDEN);
	olen = tp_udp6(orig, "2001:db8:6::6", "2002:c633:6407::1", 1, 0, 10);
	ck_assert_int_eq(icmp6err_build(&e, 2000, &src, ICMP6_TIME_EXCEEDED,
	    0, 0, orig, olen, out, sizeof(out), &len), ICMP6ERR_BUILT);
}
END_TEST

static Suite *
icmp6err_suite(void)
{
	Suite	*s = suite_create("icmp6err");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_time_exceeded_layout);
	tcase_add_test(tc, test_ptb_quote_is_bounded);
	tcase_add_test(tc, test_forbidden);
	tcase_add_test(tc, test_icmp_error_behind_ext_headers);
	tcase_add_test(tc, test_rate_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(icmp6err_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
