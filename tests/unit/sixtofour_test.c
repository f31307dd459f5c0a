/*
 * common/sixtofour: the 2002:V4ADDR::/48 mapping vectors, the RFC 3964
 * 5.3.1 bogon table with its edges, 192.88.99.0/24 and 100.64/10, the
 * RFC 3964 5.3.2 IPv6 list, and RFC 6324 embedded-address detection.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sixtofour.h"
#include "pkt6to4.h"

START_TEST(test_mapping_vectors)
{
	struct in6_addr	a, b;
	char		buf[INET6_ADDRSTRLEN];

	sixtofour_addr(tp_a4("192.0.2.42"), &a);
	b = tp_a6("2002:c000:022a::c000:022a");
	ck_assert(memcmp(&a, &b, 16) == 0);
	ck_assert_uint_eq(sixtofour_v4(&b).s_addr, tp_a4("192.0.2.42").s_addr);
	a = tp_a6("2002:c633:6407::");
	ck_assert(sixtofour_is_6to4(&a));
	ck_assert_uint_eq(sixtofour_v4(&a).s_addr,
	    tp_a4("198.51.100.7").s_addr);
	sixtofour_prefix(tp_a4("198.51.100.7"), &b);
	ck_assert(memcmp(&a, &b, 16) == 0);
	sixtofour_prefix(tp_a4("192.88.99.1"), &b);
	inet_ntop(AF_INET6, &b, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2002:c058:6301::");
	a = tp_a6("2001:db8::1");
	ck_assert(!sixtofour_is_6to4(&a));
	a = tp_a6("2003::1");
	ck_assert(!sixtofour_is_6to4(&a));
	/* A1: 2002:0a00:0001:: embeds 10.0.0.1, which is not global. */
	a = tp_a6("2002:0a00:0001::");
	ck_assert(sixtofour_v4_bogon(sixtofour_v4(&a), 0));
}
END_TEST

static int
bogon(const char *v4, unsigned int flags)
{
	return sixtofour_v4_bogon(tp_a4(v4), flags);
}

START_TEST(test_bogons)
{
	static const char *const bad[] = {
		"0.0.0.0", "0.255.255.255", "10.0.0.1", "10.255.255.255",
		"127.0.0.1", "172.16.0.0", "172.31.255.255", "192.168.1.1",
		"169.254.0.1", "224.0.0.0", "239.255.255.255", "240.0.0.1",
		"255.255.255.255", "192.88.99.0", "192.88.99.1", "192.88.99.5",
		"192.88.99.255",
	};
	static const char *const good[] = {
		"1.0.0.0", "9.255.255.255", "11.0.0.0", "126.255.255.255",
		"128.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255",
		"192.169.0.0", "169.253.255.255", "169.255.0.0",
		"223.255.255.255", "192.88.98.255", "192.88.100.0",
		"198.51.100.7", "203.0.113.10", "100.64.0.1", "100.127.255.255",
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(bogon(bad[i], 0), "%s should be a bogon", bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(!bogon(good[i], 0), "%s should pass", good[i]);
}
END_TEST

START_TEST(test_bogon_options)
{
	ck_assert(bogon("100.64.0.0", SIXTOFOUR_BOGON_100_64));
	ck_assert(bogon("100.127.255.255", SIXTOFOUR_BOGON_100_64));
	ck_assert(!bogon("100.63.255.255", SIXTOFOUR_BOGON_100_64));
	ck_assert(!bogon("100.128.0.0", SIXTOFOUR_BOGON_100_64));
	/* The anycast /24 is allowed where a relay may be the source. */
	ck_assert(!sixtofour_v4_bogon_noanycast(tp_a4("192.88.99.1"), 0));
	ck_assert(sixtofour_v4_bogon_noanycast(tp_a4("10.1.2.3"), 0));
	ck_assert(sixtofour_v4_is_anycast24(tp_a4("192.88.99.200")));
	ck_assert(!sixtofour_v4_is_anycast24(tp_a4("192.88.98.1")));
}
END_TEST

START_TEST(test_v6_sanity)
{
	static const char *const bad[] = {
		"::", "::1", "::ffff:1.2.3.4", "::1.2.3.4", "0:ffff::1",
		"fe80::1", "febf:ffff::1", "fec0::1", "feff::1", "ff02::1",
		"ff0e::1",
	};
	static const char *const good[] = {
		"1::1", "2001:db8::1", "2002:c633:6407::1", "fe7f::1",
		"fd00::1", "fc00::1", "fbff::1", "2002:c058:6301::1",
	};
	struct in6_addr	a;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = tp_a6(bad[i]);
		ck_assert_msg(sixtofour_v6_insane(&a), "%s should fail", bad[i]);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		a = tp_a6(good[i]);
		ck_assert_msg(!sixtofour_v6_insane(&a), "%s should pass",
		    good[i]);
	}
	a = tp_a6("fe80::2");
	ck_assert(sixtofour_v6_linklocal(&a));
	a = tp_a6("fec0::2");
	ck_assert(!sixtofour_v6_linklocal(&a));
}
END_TEST

static int
embeds(const char *v6, const char *v4)
{
	struct in6_addr	a = tp_a6(v6);

	return sixtofour_embeds_v4(&a, tp_a4(v4));
}

START_TEST(test_embedded_forms)
{
	/* 6to4 */
	ck_assert(embeds("2002:cb00:710a::1", "203.0.113.10"));
	ck_assert(!embeds("2002:cb00:710b::1", "203.0.113.10"));
	/* ISATAP ::0:5efe:V4 and ::200:5efe:V4 under any prefix (A28/A29) */
	ck_assert(embeds("2001:db8:9::5efe:cb00:710a", "203.0.113.10"));
	ck_assert(embeds("2001:db8:9::200:5efe:c058:6301", "192.88.99.1"));
	ck_assert(!embeds("2001:db8:9::300:5efe:c058:6301", "192.88.99.1"));
	ck_assert(!embeds("2001:db8:9::5eff:c058:6301", "192.88.99.1"));
	ck_assert(!embeds("2001:db8:9::5efe:c058:6302", "192.88.99.1"));
	/* Teredo: server 192.88.99.1, or client (complemented) 203.0.113.10 */
	ck_assert(embeds("2001:0:c058:6301::1", "192.88.99.1"));
	ck_assert(embeds("2001:0:4136:e378:8000:63bf:34ff:8ef5",
	    "203.0.113.10"));
	ck_assert(!embeds("2001:0:4136:e378:8000:63bf:34ff:8ef5",
	    "192.88.99.1"));
	ck_assert(!embeds("2001:1:c058:6301::1", "192.88.99.1"));
	/* Native address with nothing embedded. */
	ck_assert(!embeds("2001:db8:6::6", "192.88.99.1"));
}
END_TEST

START_TEST(test_embeds_any)
{
	struct in_addr	own[2] = { tp_a4("192.88.99.1"),
	    tp_a4("203.0.113.10") };
	struct in6_addr	a = tp_a6("2001:db8::5efe:cb00:710a");

	ck_assert(sixtofour_embeds_any(&a, own, 2));
	ck_assert(!sixtofour_embeds_any(&a, own, 1));
	ck_assert(!sixtofour_embeds_any(&a, own, 0));
}
END_TEST

START_TEST(test_subnet_bcasts)
{
	struct conf_prefix	sub[4];
	struct in_addr		b[4];

	ck_assert_int_eq(conf_parse_prefix("203.0.113.0/24", &sub[0]), 0);
	ck_assert_int_eq(conf_parse_prefix("2001:db8::/32", &sub[1]), 0);
	ck_assert_int_eq(conf_parse_prefix("198.51.100.128/25", &sub[2]), 0);
	ck_assert_int_eq(conf_parse_prefix("192.0.2.7/32", &sub[3]), 0);
	/* IPv6 prefixes are skipped; /32 is its own "broadcast". */
	ck_assert_uint_eq(sixtofour_subnet_bcasts(sub, 4, b, 4), 3);
	ck_assert_uint_eq(b[0].s_addr, tp_a4("203.0.113.255").s_addr);
	ck_assert_uint_eq(b[1].s_addr, tp_a4("198.51.100.255").s_addr);
	ck_assert_uint_eq(b[2].s_addr, tp_a4("192.0.2.7").s_addr);
	/* Never more than max. */
	ck_assert_uint_eq(sixtofour_subnet_bcasts(sub, 4, b, 1), 1);
	ck_assert(sixtofour_v4_listed(b, 3, tp_a4("198.51.100.255")));
	ck_assert(!sixtofour_v4_listed(b, 3, tp_a4("198.51.100.254")));
	ck_assert(!sixtofour_v4_listed(b, 0, tp_a4("203.0.113.255")));
}
END_TEST

static Suite *
sixtofour_suite(void)
{
	Suite	*s = suite_create("sixtofour");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_mapping_vectors);
	tcase_add_test(tc, test_bogons);
	tcase_add_test(tc, test_bogon_options);
	tcase_add_test(tc, test_v6_sanity);
	tcase_add_test(tc, test_embedded_forms);
	tcase_add_test(tc, test_embeds_any);
	tcase_add_test(tc, test_subnet_bcasts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(sixtofour_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
