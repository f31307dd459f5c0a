/*
 * common/inet: IPv4/IPv6/ICMP/UDP parsing and building, RFC 1071
 * checksums with known vectors, RFC 1624 incremental update, extension
 * header walking, RFC 6040 ECN, the IPv4 ID generator.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "inet.h"
#include "pkt6to4.h"

/* The classic example header (checksum 0xb861). */
static const uint8_t ip4_vector[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

START_TEST(test_csum_vectors)
{
	/* RFC 1071 section 3 example: sum 0xddf2, checksum 0x220d. */
	static const uint8_t rfc[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };
	uint8_t	hdr[20];

	ck_assert_uint_eq(inet_csum(rfc, sizeof(rfc)), 0x220d);
	ck_assert_uint_eq(inet_csum(ip4_vector, 20), 0);
	memcpy(hdr, ip4_vector, 20);
	hdr[10] = hdr[11] = 0;
	ck_assert_uint_eq(inet_csum(hdr, 20), 0xb861);
	/* Odd length: the last byte is padded with zero. */
	ck_assert_uint_eq(inet_csum("\x01", 1), (uint16_t)~0x0100);
	/* Split sums equal one sum when the split is even. */
	ck_assert_uint_eq(inet_fold(inet_sum(inet_sum(0, rfc, 4), rfc + 4, 4)),
	    0x220d);
}
END_TEST

START_TEST(test_csum_incremental)
{
	uint8_t		hdr[20];
	uint16_t	c, inc;

	memcpy(hdr, ip4_vector, 20);
	/* TTL 0x40 -> 0x3f: word 0x4011 -> 0x3f11. */
	inc = inet_csum_update16(0xb861, 0x4011, 0x3f11);
	hdr[8] = 0x3f;
	hdr[10] = hdr[11] = 0;
	c = inet_csum(hdr, 20);
	ck_assert_uint_eq(inc, c);
	/* Identity change keeps the checksum. */
	ck_assert_uint_eq(inet_csum_update16(0x1234, 0xabcd, 0xabcd), 0x1234);
}
END_TEST

/*
 * inet_sum adds native words 8 bytes at a time, 64 a step: against the
 * plain RFC 1071 definition (16-bit network-order words, the odd byte as
 * a high half) at every length 0..299, every alignment 0..7 and
 * accumulators up to 2^31, through inet_sum and each implementation it
 * picks from (the AVX2 one where this CPU has AVX2).
 */
static uint32_t
sum_by_words(uint32_t acc, const uint8_t *p, size_t len)
{
	uint64_t	s = acc;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

static uint32_t
sum_folded(uint32_t (*fn)(uint32_t, const void *, size_t), uint32_t acc,
    const uint8_t *p, size_t len)
{
	uint32_t	got = fn(acc, p, len);

	while (got >> 16)
		got = (got & 0xffff) + (got >> 16);
	return got;
}

START_TEST(test_csum_wide_words)
{
	uint8_t		buf[320];
	const uint32_t	accs[] = { 0, 1, 0xffff, 0x1fffe, 0x7fffffff };
	uint32_t	(*impl[3])(uint32_t, const void *, size_t);
	size_t		len, off, i, k, n = 0, tested = 0;
	uint32_t	want, x = 0x9e3779b9;

	impl[n++] = inet_sum;
	impl[n++] = inet_sum_generic;
#ifdef INET_SUM_AVX2
	if (__builtin_cpu_supports("avx2"))
		impl[n++] = inet_sum_avx2;
#endif
	for (i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (uint8_t)(x >> 16);
	}
	buf[3] = buf[4] = 0xff;		/* carries out of every width */
	memset(buf + 100, 0xff, 150);	/* and out of every lane, long */
	for (k = 0; k < sizeof(accs) / sizeof(accs[0]); k++)
		for (off = 0; off < 8; off++)
			for (len = 0; len + off < 300; len++) {
				want = sum_by_words(accs[k], buf + off, len);
				for (i = 0; i < n; i++, tested++)
					ck_assert_uint_eq(sum_folded(impl[i],
					    accs[k], buf + off, len), want);
				ck_assert_uint_eq(inet_fold(inet_sum(accs[k],
				    buf + off, len)), (uint16_t)~want);
			}
	ck_assert_uint_ge(tested, 2 * 5 * 8 * 292);
}
END_TEST

START_TEST(test_ip4_parse_ok_and_options)
{
	uint8_t			pkt[100], opts[4] = { 1, 1, 1, 0 };
	struct pbuf		in, pay;
	struct ip4_hdr		h;
	size_t			len;

	len = tp_ip4(pkt, "198.51.100.7", "192.88.99.1", 41, 30, 0x03,
	    0x1234, 0x4000, opts, 4, (const uint8_t *)"abcdefgh", 8);
	pbuf_init(&in, pkt, len);
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_OK);
	ck_assert_uint_eq(h.hlen, 24);
	ck_assert_uint_eq(h.total_len, 32);
	ck_assert_uint_eq(h.id, 0x1234);
	ck_assert_uint_eq(h.ttl, 30);
	ck_assert_uint_eq(h.proto, 41);
	ck_assert_uint_eq(h.tos, 3);
	ck_assert(h.frag & IP4_DF);
	ck_assert(!ip4_is_fragment(&h));
	ck_assert_uint_eq(h.src.s_addr, tp_a4("198.51.100.7").s_addr);
	ck_assert_uint_eq(pay.len, 8);
	ck_assert(memcmp(pay.p, "abcdefgh", 8) == 0);
	/* Link padding after total_len is cut off. */
	pbuf_init(&in, pkt, len + 6);
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_OK);
	ck_assert_uint_eq(pay.len, 8);
}
END_TEST

START_TEST(test_ip4_parse_errors)
{
	uint8_t		pkt[100], bad_opt[4] = { 0x44, 9, 0, 0 };
	struct pbuf	in, pay;
	struct ip4_hdr	h;
	size_t		len;

	len = tp_ip4(pkt, "198.51.100.7", "192.88.99.1", 41, 30, 0, 1, 0,
	    NULL, 0, (const uint8_t *)"abcdefgh", 8);
	pbuf_init(&in, pkt, 19);
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_SHORT);
	pbuf_init(&in, pkt, len - 1);			/* truncated */
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_LEN);
	pkt[0] = 0x65;					/* version 6 */
	pbuf_init(&in, pkt, len);
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_VERSION);
	pkt[0] = 0x44;					/* IHL 4 */
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_HLEN);
	pkt[0] = 0x4f;					/* IHL 15 > len 28 */
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_HLEN);
	pkt[0] = 0x45;
	pkt[11] ^= 1;					/* checksum */
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_CSUM);
	pkt[11] ^= 1;
	tp_put16(pkt + 2, 19);				/* total < IHL */
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_LEN);
	/* An option whose length runs past the header. */
	len = tp_ip4(pkt, "198.51.100.7", "192.88.99.1", 41, 30, 0, 1, 0,
	    bad_opt, 4, NULL, 0);
	pbuf_init(&in, pkt, len);
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_OPTIONS);
	bad_opt[1] = 1;					/* length < 2 */
	len = tp_ip4(pkt, "198.51.100.7", "192.88.99.1", 41, 30, 0, 1, 0,
	    bad_opt, 4, NULL, 0);
	pbuf_init(&in, pkt, len);
	ck_assert_int_eq(ip4_parse(&in, &h, &pay), IP4_ERR_OPTIONS);
}
END_TEST

START_TEST(test_ip4_build)
{
	struct ip4_hdr	h, g;
	uint8_t		buf[20];
	struct wbuf	w;
	struct pbuf	in, pay;

	memset(&h, 0, sizeof(h));
	h.tos = 0;
	h.total_len = 0x73;
	h.id = 0;
	h.frag = IP4_DF;
	h.ttl = 64;
	h.proto = 17;
	h.src = tp_a4("192.168.0.1");
	h.dst = tp_a4("192.168.0.199");
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(ip4_build(&w, &h), 0);
	ck_assert(memcmp(buf, ip4_vector, 20) == 0);
	wbuf_init(&w, buf, 19);
	ck_assert_int_eq(ip4_build(&w, &h), -1);
	/* Round trip of a fragment header. */
	h.total_len = 20;
	h.frag = IP4_MF | 3;
	ip4_write(buf, &h);
	pbuf_init(&in, buf, 20);
	ck_assert_int_eq(ip4_parse(&in, &g, &pay), IP4_OK);
	ck_assert(ip4_is_fragment(&g));
	ck_assert_uint_eq(ip4_frag_offset(&g), 24);
}
END_TEST

/*
 * The hop a TUN write gives back (ip_hop_credit): TTL + 1 with the header
 * checksum as a fresh header would have it, for every TTL and a spread of
 * IDs (the checksum takes every value); 255 stays; IPv6 hop limit + 1.
 */
START_TEST(test_hop_credit)
{
	struct ip4_hdr	h;
	uint8_t		a[IP6_HDR_LEN], b[IP4_HDR_LEN];
	unsigned int	ttl, id;

	memset(&h, 0, sizeof(h));
	h.total_len = 0x73;
	h.proto = 41;
	h.src = tp_a4("192.88.99.2");
	h.dst = tp_a4("198.51.100.7");
	for (id = 0; id < 65536; id += 257) {
		for (ttl = 0; ttl <= 255; ttl++) {
			h.id = (uint16_t)id;
			h.frag = (id & 1) ? IP4_DF : 0;
			h.ttl = (uint8_t)ttl;
			ip4_write(a, &h);
			ip_hop_credit(a, IP4_HDR_LEN);
			h.ttl = (uint8_t)(ttl < 255 ? ttl + 1 : 255);
			ip4_write(b, &h);
			ck_assert_uint_eq(tp_csum(a, IP4_HDR_LEN, NULL, 0), 0);
			ck_assert_msg(memcmp(a, b, IP4_HDR_LEN) == 0,
			    "ttl %u id %u", ttl, id);
		}
	}
	memset(a, 0, sizeof(a));
	a[0] = 0x60;
	a[7] = 64;
	ip_hop_credit(a, sizeof(a));
	ck_assert_uint_eq(a[7], 65);
	a[7] = 255;
	ip_hop_credit(a, sizeof(a));
	ck_assert_uint_eq(a[7], 255);
	/* Too short for its header: left alone. */
	a[7] = 3;
	ip_hop_credit(a, IP6_HDR_LEN - 1);
	ck_assert_uint_eq(a[7], 3);
	b[0] = 0x45;
	b[8] = 3;
	ip_hop_credit(b, IP4_HDR_LEN - 1);
	ck_assert_uint_eq(b[8], 3);
}
END_TEST

START_TEST(test_ip6_parse_build)
{
	uint8_t			pkt[200], out[200];
	struct pbuf		in, pay;
	struct ip6_hdr_info	h;
	struct wbuf		w;
	size_t			len;

	len = tp_udp6(pkt, "2002:c633:6407::1", "2001:db8::1", 63, 0xb9, 10);
	pbuf_init(&in, pkt, len);
	ck_assert_int_eq(ip6_parse(&in, &h, &pay), IP6_OK);
	ck_assert_uint_eq(h.plen, 18);
	ck_assert_uint_eq(h.nxt, 17);
	ck_assert_uint_eq(h.hlim, 63);
	ck_assert_uint_eq(h.tclass, 0xb9);
	ck_assert_uint_eq(pay.len, 18);
	ck_assert(memcmp(&h.src, &(struct in6_addr){ .s6_addr = { 0x20, 2,
	    0xc6, 0x33, 0x64, 7, 0,0,0,0,0,0,0,0,0,1 } }, 16) == 0);
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(ip6_build(&w, &h), 0);
	ck_assert(memcmp(out, pkt, 40) == 0);
	ck_assert_uint_eq(ip6_get_tclass(pkt), 0xb9);
	ip6_set_ecn(pkt, ECN_CE);
	ck_assert_uint_eq(ip6_get_tclass(pkt), 0xbb);
	ip6_set_hlim(pkt, 9);
	ck_assert_uint_eq(ip6_get_hlim(pkt), 9);
	/* Errors. */
	pbuf_init(&in, pkt, 39);
	ck_assert_int_eq(ip6_parse(&in, &h, &pay), IP6_ERR_SHORT);
	pbuf_init(&in, pkt, len - 1);
	ck_assert_int_eq(ip6_parse(&in, &h, &pay), IP6_ERR_LEN);
	pkt[0] = 0x45;
	pbuf_init(&in, pkt, len);
	ck_assert_int_eq(ip6_parse(&in, &h, &pay), IP6_ERR_VERSION);
	pkt[0] = 0x6b;
	pkt[4] = pkt[5] = 0;				/* jumbo-like */
	ck_assert_int_eq(ip6_parse(&in, &h, &pay), IP6_ERR_LEN);
}
END_TEST

START_TEST(test_ip6_upper)
{
	/* hop-by-hop (8) -> dest opts (16) -> fragment (first) -> ICMPv6 */
	uint8_t	p[64] = {
		60, 0, 1, 4, 0, 0, 0, 0,
		44, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		58, 0, 0x00, 0x01, 0, 0, 0, 7,
		1, 4, 0xaa, 0xbb, 0, 0, 0, 0,
	};
	struct pbuf	pay, up;
	uint8_t		proto;

	pbuf_init(&pay, p, 40);
	ck_assert_int_eq(ip6_upper(0, &pay, &proto, &up), 0);
	ck_assert_uint_eq(proto, 58);
	ck_assert_uint_eq(up.len, 8);
	ck_assert_uint_eq(up.p[0], 1);
	/* Non-first fragment: upper layer not here. */
	p[27] = 0x08;
	ck_assert_int_eq(ip6_upper(0, &pay, &proto, &up), 0);
	ck_assert_uint_eq(proto, IPPROTO_FRAGMENT);
	/* Truncated extension header. */
	pbuf_init(&pay, p, 20);
	ck_assert_int_eq(ip6_upper(0, &pay, &proto, &up), -1);
	/* No extension headers. */
	pbuf_init(&pay, p + 32, 8);
	ck_assert_int_eq(ip6_upper(58, &pay, &proto, &up), 0);
	ck_assert_uint_eq(proto, 58);
	ck_assert_uint_eq(up.len, 8);
}
END_TEST

START_TEST(test_ip6_rh0)
{
	/* dest opts -> routing (type 0 or 2) -> UDP */
	uint8_t			p[32] = {
		43, 0, 1, 4, 0, 0, 0, 0,
		17, 2, 0, 1, 0, 0, 0, 0,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	struct pbuf		pay;
	struct ip6_chain	c;

	pbuf_init(&pay, p, sizeof(p));
	ck_assert_int_eq(ip6_chain_walk(60, &pay, &c), IP6_CHAIN_OK);
	ck_assert_uint_eq(c.flags, IP6_CHAIN_RH0);
	ck_assert_uint_eq(c.proto, 17);
	ck_assert_uint_eq(c.nhdrs, 2);
	p[10] = 2;					/* type 2: fine */
	ck_assert_int_eq(ip6_chain_walk(60, &pay, &c), IP6_CHAIN_OK);
	ck_assert_uint_eq(c.flags, 0);
	p[10] = 0;
	pbuf_init(&pay, p + 8, 24);
	ck_assert_int_eq(ip6_chain_walk(43, &pay, &c), IP6_CHAIN_OK);
	ck_assert_uint_eq(c.flags, IP6_CHAIN_RH0);
	ck_assert_int_eq(ip6_chain_walk(17, &pay, &c), IP6_CHAIN_OK);
	ck_assert_uint_eq(c.flags, 0);
	/* Truncated: an error, not "no RH0". */
	pbuf_init(&pay, p, 9);
	ck_assert_int_eq(ip6_chain_walk(60, &pay, &c),
	    IP6_CHAIN_ERR_TRUNCATED);
	pbuf_init(&pay, p, 10);			/* routing type cut off */
	ck_assert_int_eq(ip6_chain_walk(60, &pay, &c),
	    IP6_CHAIN_ERR_TRUNCATED);
}
END_TEST

/* n empty dest opts headers then RH0+UDP, ICMPv6 NS or UDP (end). */
static size_t
chain_pkt(uint8_t *pkt, size_t n, enum tp_chain_end end, size_t cut,
    struct pbuf *pay)
{
	size_t	len = tp_chain6(pkt, "2001:db8::1", "2001:db8::2", 64, n, end,
	    cut);

	pbuf_init(pay, pkt + 40, len - 40);
	return len;
}

/*
 * The walker finishes a chain of IP6_CHAIN_MAX (16) headers and refuses
 * a longer one or a truncated one with an error, so that no caller can
 * read "no RH0" or "not ND" from a chain it did not see to its end.
 */
START_TEST(test_ip6_chain_bound)
{
	static const size_t	ok[] = { 0, 1, 15, 16 }, bad[] = { 17, 100 };
	uint8_t			pkt[40 + 8 * 200 + 40];
	struct pbuf		pay;
	struct ip6_chain	c;
	size_t			i;

	for (i = 0; i < 4; i++) {
		chain_pkt(pkt, ok[i], TP_END_UDP, 0, &pay);
		ck_assert_int_eq(ip6_chain_walk(pkt[6], &pay, &c),
		    IP6_CHAIN_OK);
		ck_assert_uint_eq(c.proto, 17);
		ck_assert_uint_eq(c.nhdrs, ok[i]);
		ck_assert_uint_eq(c.flags, 0);
		ck_assert_uint_eq(c.upper.len, 8);
		chain_pkt(pkt, ok[i], TP_END_NS, 0, &pay);
		ck_assert_int_eq(ip6_chain_walk(pkt[6], &pay, &c),
		    IP6_CHAIN_OK);
		ck_assert_uint_eq(c.proto, 58);
		ck_assert_uint_eq(c.upper.p[0], 135);
	}
	/* RH0 as the 16th header is seen; as the 17th, the chain fails. */
	chain_pkt(pkt, 15, TP_END_RH0, 0, &pay);
	ck_assert_int_eq(ip6_chain_walk(pkt[6], &pay, &c), IP6_CHAIN_OK);
	ck_assert_uint_eq(c.flags, IP6_CHAIN_RH0);
	chain_pkt(pkt, 16, TP_END_RH0, 0, &pay);
	ck_assert_int_eq(ip6_chain_walk(pkt[6], &pay, &c),
	    IP6_CHAIN_ERR_TOO_LONG);
	for (i = 0; i < 2; i++) {
		chain_pkt(pkt, bad[i], TP_END_UDP, 0, &pay);
		ck_assert_int_eq(ip6_chain_walk(pkt[6], &pay, &c),
		    IP6_CHAIN_ERR_TOO_LONG);
		chain_pkt(pkt, bad[i], TP_END_RH0, 0, &pay);
		ck_assert_int_eq(ip6_chain_walk(pkt[6], &pay, &c),
		    IP6_CHAIN_ERR_TOO_LONG);
		chain_pkt(pkt, bad[i], TP_END_NS, 0, &pay);
		ck_assert_int_eq(ip6_chain_walk(pkt[6], &pay, &c),
		    IP6_CHAIN_ERR_TOO_LONG);
	}
	/* Truncated anywhere in the chain (the upper layer may be short). */
	for (i = 1; i <= 3 * 8 + 24 + 8; i++) {
		chain_pkt(pkt, 3, TP_END_RH0, i, &pay);
		ck_assert_int_eq(ip6_chain_walk(pkt[6], &pay, &c),
		    (i <= 8 ? IP6_CHAIN_OK : IP6_CHAIN_ERR_TRUNCATED));
	}
	/* The uniform-format headers of RFC 6564 are walked, not ends. */
	chain_pkt(pkt, 2, TP_END_RH0, 0, &pay);
	pkt[40] = 139;					/* HIP */
	ck_assert_int_eq(ip6_chain_walk(60, &pay, &c), IP6_CHAIN_OK);
	ck_assert_uint_eq(c.flags, IP6_CHAIN_RH0);
	pkt[40] = 253;
	ck_assert_int_eq(ip6_chain_walk(60, &pay, &c), IP6_CHAIN_OK);
	ck_assert_uint_eq(c.flags, IP6_CHAIN_RH0);
	/* ip6_upper agrees: -1 when the chain cannot be finished. */
	chain_pkt(pkt, 17, TP_END_UDP, 0, &pay);
	{
		struct pbuf	up;
		uint8_t		proto;

		ck_assert_int_eq(ip6_upper(pkt[6], &pay, &proto, &up), -1);
		chain_pkt(pkt, 16, TP_END_UDP, 0, &pay);
		ck_assert_int_eq(ip6_upper(pkt[6], &pay, &proto, &up), 0);
		ck_assert_uint_eq(proto, 17);
	}
}
END_TEST

START_TEST(test_ip6_upper_chain_bound)
{
	uint8_t		p[8 * 40];
	struct pbuf	pay, up;
	uint8_t		proto;
	size_t		i;

	for (i = 0; i < 40; i++) {
		memset(p + 8 * i, 0, 8);
		p[8 * i] = 60;			/* dest opts after dest opts */
	}
	pbuf_init(&pay, p, sizeof(p));
	ck_assert_int_eq(ip6_upper(60, &pay, &proto, &up), -1);
}
END_TEST

START_TEST(test_icmp6_csum)
{
	uint8_t			pkt[200];
	struct in6_addr		s = tp_a6("2002:c633:6407::1");
	struct in6_addr		d = tp_a6("2002:c058:6301::1");
	size_t			len;

	len = tp_icmp6(pkt, "2002:c633:6407::1", "2002:c058:6301::1", 64,
	    128, 0, 0x00010002, 16);
	/* A correct message sums to zero with its pseudo-header. */
	ck_assert_uint_eq(inet_csum6(&s, &d, 58, pkt + 40, len - 40), 0);
	pkt[50] ^= 0x10;
	ck_assert_uint_ne(inet_csum6(&s, &d, 58, pkt + 40, len - 40), 0);
}
END_TEST

START_TEST(test_echo_to_reply)
{
	uint8_t		pkt[200];
	size_t		len;

	len = tp_icmp6(pkt, "2002:c633:6407::1", "2002:c058:6301::1", 64,
	    128, 0, 0x00010002, 33);
	ip6_swap_addrs(pkt);
	ck_assert(tp_eq6(pkt + 8, "2002:c058:6301::1"));
	ck_assert(tp_eq6(pkt + 24, "2002:c633:6407::1"));
	ck_assert_uint_eq(tp_icmp6_csum(pkt), 0);	/* swap keeps it */
	icmp6_echo_to_reply(pkt + 40);
	ck_assert_uint_eq(pkt[40], 129);
	ck_assert_uint_eq(tp_icmp6_csum(pkt), 0);
	ck_assert_uint_eq(len, 40 + 8 + 33);
}
END_TEST

START_TEST(test_udp4_csum)
{
	/*
	 * UDP 10.0.0.1:1024 -> 10.0.0.2:53 "hi": pseudo-header and message
	 * words 0a00 0001 0a00 0002 0011 000a 0400 0035 000a 0000 6869 sum
	 * to 0x80c6, so the checksum is 0x7f39.
	 */
	uint8_t		m[10] = { 0x04, 0x00, 0x00, 0x35, 0x00, 0x0a, 0, 0,
	    'h', 'i' };
	uint16_t	c;
	struct pbuf	b, pay;
	struct udp_hdr	u;

	c = inet_csum4(tp_a4("10.0.0.1"), tp_a4("10.0.0.2"), 17, m, 10);
	ck_assert_uint_eq(c, 0x7f39);
	tp_put16(m + 6, c);
	ck_assert_uint_eq(inet_csum4(tp_a4("10.0.0.1"), tp_a4("10.0.0.2"), 17,
	    m, 10), 0);
	pbuf_init(&b, m, 10);
	ck_assert_int_eq(udp_parse(&b, &u, &pay), 0);
	ck_assert_uint_eq(u.dport, 53);
	ck_assert_uint_eq(pay.len, 2);
	m[5] = 11;				/* length beyond the data */
	pbuf_init(&b, m, 10);
	ck_assert_int_eq(udp_parse(&b, &u, &pay), -1);
}
END_TEST

START_TEST(test_ecn_decap)
{
	/* RFC 6040 figure 4 (normal mode). */
	ck_assert_int_eq(ecn_decap(ECN_NOT_ECT, ECN_NOT_ECT), ECN_NOT_ECT);
	ck_assert_int_eq(ecn_decap(ECN_ECT0, ECN_NOT_ECT), ECN_NOT_ECT);
	ck_assert_int_eq(ecn_decap(ECN_ECT0, ECN_ECT1), ECN_ECT1);
	ck_assert_int_eq(ecn_decap(ECN_CE, ECN_ECT0), ECN_CE);
	ck_assert_int_eq(ecn_decap(ECN_CE, ECN_ECT1), ECN_CE);
	ck_assert_int_eq(ecn_decap(ECN_CE, ECN_CE), ECN_CE);
	ck_assert_int_eq(ecn_decap(ECN_CE, ECN_NOT_ECT), -1);
	ck_assert_int_eq(ecn_decap(0xfc | ECN_ECT1, ECN_CE), ECN_CE);
}
END_TEST

START_TEST(test_idgen)
{
	struct ip4_idgen	g, g2;
	uint8_t			seed[IP4_IDGEN_SEED_LEN] = { 1, 2, 3 };
	struct in_addr		a = tp_a4("198.51.100.7");
	struct in_addr		b = tp_a4("203.0.113.99");
	uint16_t		a1, a2, b1, b2;

	ip4_idgen_init(&g, seed);
	a1 = ip4_idgen_next(&g, a);
	a2 = ip4_idgen_next(&g, a);
	ck_assert_uint_eq((uint16_t)(a1 + 1), a2);	/* per destination */
	b1 = ip4_idgen_next(&g, b);
	b2 = ip4_idgen_next(&g, b);
	ck_assert_uint_eq((uint16_t)(b1 + 1), b2);
	/* Another destination does not continue a's sequence. */
	ck_assert_uint_ne(b1, (uint16_t)(a2 + 1));
	/* Another key gives other values. */
	seed[0] = 9;
	ip4_idgen_init(&g2, seed);
	ck_assert_uint_ne(ip4_idgen_next(&g2, a), a1);
}
END_TEST

static Suite *
inet_suite(void)
{
	Suite	*s = suite_create("inet");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_csum_vectors);
	tcase_add_test(tc, test_csum_incremental);
	tcase_add_test(tc, test_csum_wide_words);
	tcase_add_test(tc, test_ip4_parse_ok_and_options);
	tcase_add_test(tc, test_ip4_parse_errors);
	tcase_add_test(tc, test_ip4_build);
	tcase_add_test(tc, test_hop_credit);
	tcase_add_test(tc, test_ip6_parse_build);
	tcase_add_test(tc, test_ip6_upper);
	tcase_add_test(tc, test_ip6_upper_chain_bound);
	tcase_add_test(tc, test_ip6_chain_bound);
	tcase_add_test(tc, test_ip6_rh0);
	tcase_add_test(tc, test_icmp6_csum);
	tcase_add_test(tc, test_echo_to_reply);
	tcase_add_test(tc, test_udp4_csum);
	tcase_add_test(tc, test_ecn_decap);
	tcase_add_test(tc, test_idgen);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(inet_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
