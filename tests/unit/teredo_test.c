/*
 * common/teredo.c: address vectors (conformance.md section 0 and B1/B2),
 * the UDP payload parser (origin indication, authentication, trailers,
 * truncations: B3/B4) and the bubble builder; teredod's SipHash against
 * the reference vectors of the SipHash paper.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teredo.h"
#include "teredod/siphash.h"

static struct in6_addr
a6(const char *s)
{
	struct in6_addr	a;

	ck_assert_int_eq(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct in_addr
a4(const char *s)
{
	struct in_addr	a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

START_TEST(addr_vector)
{
	struct in6_addr		a = a6("2001:0000:4136:e378:8000:63bf:3fff:fdd2");
	struct in6_addr		back;
	struct teredo_addr	t;

	ck_assert_int_eq(teredo_addr_decode(&a, &t), 0);
	ck_assert_uint_eq(t.server.s_addr, a4("65.54.227.120").s_addr);
	ck_assert_uint_eq(t.client.s_addr, a4("192.0.2.45").s_addr);
	ck_assert_uint_eq(t.port, 40000);
	ck_assert_uint_eq(t.flags & TEREDO_FLAG_CONE, TEREDO_FLAG_CONE);
	teredo_addr_encode(&t, &back);
	ck_assert_mem_eq(&a, &back, 16);
}
END_TEST

START_TEST(addr_lab_vectors)
{
	struct teredo_addr	t;
	struct in6_addr		a = a6("2001:0:cb00:7101:0:63bf:f5fe:fdfc");
	struct in6_addr		b = a6("2001:0:cb00:710a:3c67:7cf7:34ff:8eeb");

	ck_assert_int_eq(teredo_addr_decode(&a, &t), 0);
	ck_assert_uint_eq(t.client.s_addr, a4("10.1.2.3").s_addr);
	ck_assert_uint_eq(t.server.s_addr, a4("203.0.113.1").s_addr);
	ck_assert_uint_eq(t.port, 40000);
	ck_assert_uint_eq(t.flags, 0);
	ck_assert_int_eq(teredo_addr_decode(&b, &t), 0);
	ck_assert_uint_eq(t.port, 33544);
	ck_assert_uint_eq(t.client.s_addr, a4("203.0.113.20").s_addr);
	ck_assert_uint_eq(t.server.s_addr, a4("203.0.113.10").s_addr);
	ck_assert_uint_eq(t.flags, 0x3c67);
}
END_TEST

START_TEST(addr_not_teredo)
{
	struct teredo_addr	t;
	struct in6_addr		a = a6("2001:db8::1"), b = a6("2001:1::1");

	ck_assert_int_eq(teredo_addr_is(&a), 0);
	ck_assert_int_eq(teredo_addr_decode(&a, &t), -1);
	ck_assert_int_eq(teredo_addr_decode(&b, &t), -1);
}
END_TEST

/* Build [origin] + IPv6(plen) + extra trailer bytes into buf. */
static size_t
mkpkt(uint8_t *buf, size_t cap, int origin, uint16_t plen, size_t extra)
{
	struct wbuf		w;
	struct ip6_hdr_info	h;
	struct teredo_origin	o = { 337, { 0 } };

	o.addr = a4("1.2.3.4");
	wbuf_init(&w, buf, cap);
	if (origin)
		ck_assert_int_eq(teredo_origin_build(&w, &o), 0);
	memset(&h, 0, sizeof(h));
	h.plen = plen;
	h.nxt = plen ? 17 : IPPROTO_NONE;
	h.hlim = 64;
	h.src = a6("2001:0:cb00:7101:0:63bf:3bea:9bea");
	h.dst = a6("2001:db8:6::2");
	ck_assert_int_eq(ip6_build(&w, &h), 0);
	wbuf_put_zero(&w, plen + extra);
	ck_assert(wbuf_ok(&w));
	return w.len;
}

START_TEST(parse_origin)
{
	uint8_t			buf[256];
	size_t			n = mkpkt(buf, sizeof(buf), 1, 20, 0);
	struct pbuf		b;
	struct teredo_pkt	p;
	const uint8_t		want[8] = { 0, 0, 0xfe, 0xae, 0xfe, 0xfd, 0xfc,
				    0xfb };

	ck_assert_mem_eq(buf, want, 8);		/* B3 vector */
	pbuf_init(&b, buf, n);
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_OK);
	ck_assert_int_eq(p.has_origin, 1);
	ck_assert_int_eq(p.has_auth, 0);
	ck_assert_uint_eq(p.origin.port, 337);
	ck_assert_uint_eq(p.origin.addr.s_addr, a4("1.2.3.4").s_addr);
	ck_assert_uint_eq(p.ip6_off, 8);
	ck_assert_uint_eq(p.ip6_len, 60);
}
END_TEST

START_TEST(parse_auth_origin)
{
	uint8_t			buf[256];
	struct wbuf		w;
	struct teredo_auth	au = { 2, 3, { 1, 2, 3, 4, 5, 6, 7, 8 }, 9 };
	const uint8_t		id[2] = { 0xaa, 0xbb }, av[3] = { 1, 1, 1 };
	struct teredo_origin	o = { 40000, { 0 } };
	struct pbuf		b;
	struct teredo_pkt	p;
	size_t			n;

	o.addr = a4("198.51.100.20");
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(teredo_auth_build(&w, &au, id, av), 0);
	ck_assert_int_eq(teredo_origin_build(&w, &o), 0);
	n = w.len;
	n += mkpkt(buf + n, sizeof(buf) - n, 0, 8, 0);
	pbuf_init(&b, buf, n);
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_OK);
	ck_assert_int_eq(p.has_auth, 1);
	ck_assert_int_eq(p.has_origin, 1);
	ck_assert_uint_eq(p.auth.id_len, 2);
	ck_assert_uint_eq(p.auth.au_len, 3);
	ck_assert_uint_eq(p.auth.confirm, 9);
	ck_assert_uint_eq(p.auth.nonce[7], 8);
	ck_assert_uint_eq(p.origin.port, 40000);
	ck_assert_uint_eq(p.ip6_off, 4 + 5 + 9 + 8);
	ck_assert_int_eq(teredo_is_bubble(&p.ip6), 0);	/* plen 8 */
}
END_TEST

START_TEST(parse_auth_empty)
{
	uint8_t			buf[128] = { 0, 1, 0, 0 };
	struct pbuf		b;
	struct teredo_pkt	p;
	size_t			n = 13;

	n += mkpkt(buf + n, sizeof(buf) - n, 1, 0, 0);
	pbuf_init(&b, buf, n);
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_OK);
	ck_assert_int_eq(p.has_auth && p.has_origin, 1);
}
END_TEST

START_TEST(parse_trailer)
{
	uint8_t			buf[256];
	size_t			n = mkpkt(buf, sizeof(buf), 0, 20, 12);
	struct pbuf		b;
	struct teredo_pkt	p;

	pbuf_init(&b, buf, n);
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_OK);
	ck_assert_uint_eq(p.ip6_len, 60);	/* B4: forward 60, not 72 */
	ck_assert_uint_eq(p.trailer_len, 12);
}
END_TEST

START_TEST(parse_truncated)
{
	const uint8_t	auth[] = { 0, 1, 5, 5, 1, 2, 3 };
	const uint8_t	origin[] = { 0, 0, 0xfe, 0xae, 0xfe };
	const uint8_t	one[] = { 0 };
	const uint8_t	unknown[48] = { 0, 7 };
	uint8_t		buf[256];
	struct pbuf	b;
	struct teredo_pkt p;
	size_t		n, i;

	pbuf_init(&b, auth, sizeof(auth));
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_ERR_AUTH);
	pbuf_init(&b, origin, sizeof(origin));
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_ERR_ORIGIN);
	pbuf_init(&b, one, sizeof(one));
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_ERR_SHORT);
	pbuf_init(&b, unknown, sizeof(unknown));
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_ERR_INDICATOR);
	/* Every prefix of a valid origin+IPv6 packet fails cleanly. */
	n = mkpkt(buf, sizeof(buf), 1, 20, 0);
	for (i = 0; i < n; i++) {
		pbuf_init(&b, buf, i);
		ck_assert_int_lt(teredo_parse(&b, &p), 0);
	}
	/* plen larger than the data; version 4. */
	n = mkpkt(buf, sizeof(buf), 0, 20, 0);
	pbuf_init(&b, buf, n - 1);
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_ERR_LEN);
	buf[0] = 0x45;
	pbuf_init(&b, buf, n);
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_ERR_VERSION);
	pbuf_init(&b, buf, 30);
	ck_assert_int_lt(teredo_parse(&b, &p), 0);
}
END_TEST

START_TEST(bubble_build)
{
	uint8_t			buf[64];
	struct wbuf		w;
	struct pbuf		b;
	struct teredo_pkt	p;
	struct in6_addr		s = a6("fe80::1:2:3:4"), d = a6("2001:0::1");

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(teredo_bubble_build(&w, &s, &d), 0);
	ck_assert_uint_eq(w.len, 40);
	pbuf_init(&b, buf, w.len);
	ck_assert_int_eq(teredo_parse(&b, &p), TEREDO_OK);
	ck_assert_int_eq(teredo_is_bubble(&p.ip6), 1);
	ck_assert_uint_eq(p.ip6.hlim, 0);
	ck_assert_mem_eq(&p.ip6.src, &s, 16);
}
END_TEST

START_TEST(siphash_vectors)
{
	struct siphash_key	k;
	uint8_t			key[16], msg[64];
	int			i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	k.k0 = k.k1 = 0;
	for (i = 0; i < 8; i++) {
		k.k0 |= (uint64_t)key[i] << (8 * i);
		k.k1 |= (uint64_t)key[8 + i] << (8 * i);
	}
	/* Appendix A of the SipHash paper, and vectors.h entries 0 and 8. */
	ck_assert_uint_eq(siphash24(&k, msg, 15), 0xa129ca6149be45e5ULL);
	ck_assert_uint_eq(siphash24(&k, msg, 0), 0x726fdb47dd0e0e31ULL);
	ck_assert_uint_eq(siphash24(&k, msg, 8), 0x93f5f5799a932462ULL);
	/*
	 * SipHash-1-3, the same key and messages: computed with a second,
	 * independent implementation that reproduces the 2-4 vectors above,
	 * and agreeing with the all-zero-key vectors published with other
	 * SipHash-1-3 implementations ("" and "siphash").
	 */
	ck_assert_uint_eq(siphash13(&k, msg, 0), 0xabac0158050fc4dcULL);
	ck_assert_uint_eq(siphash13(&k, msg, 8), 0x369095118d299a8eULL);
	ck_assert_uint_eq(siphash13(&k, msg, 12), 0x78a384b157b4d9a2ULL);
	ck_assert_uint_eq(siphash13(&k, msg, 15), 0xd320d86d2a519956ULL);
	k.k0 = k.k1 = 0;
	ck_assert_uint_eq(siphash13(&k, "", 0), 0xd1fba762150c532cULL);
	ck_assert_uint_eq(siphash13(&k, "siphash", 7), 0x8264ceeccb16bcbeULL);
}
END_TEST

static Suite *
teredo_suite(void)
{
	Suite	*s = suite_create("teredo");
	TCase	*tc = tcase_create("codec");

	tcase_add_test(tc, addr_vector);
	tcase_add_test(tc, addr_lab_vectors);
	tcase_add_test(tc, addr_not_teredo);
	tcase_add_test(tc, parse_origin);
	tcase_add_test(tc, parse_auth_origin);
	tcase_add_test(tc, parse_auth_empty);
	tcase_add_test(tc, parse_trailer);
	tcase_add_test(tc, parse_truncated);
	tcase_add_test(tc, bubble_build);
	tcase_add_test(tc, siphash_vectors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(teredo_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
