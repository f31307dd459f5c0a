/*
 * relay4to6 verdicts on real packet bytes: every drop rule with its
 * counter, and the exact output of forwarded packets, echo replies and
 * Time Exceeded errors (conformance.md A2-A4, A11, A13, A16-A21, A25,
 * A29-A32).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay4to6/r46.h"
#include "sixtofour.h"
#include "pkt6to4.h"

#define SITE4	"198.51.100.7"
#define SITE6	"2002:c633:6407::1"
#define NATIVE	"2001:db8:6::6"
#define ANY4	"192.88.99.1"
#define UNI4	"203.0.113.10"

static struct r46	r;
static uint8_t		buf[TB_HEADROOM + TB_PKT_MAX];
static struct tb_pkt	p = { buf, sizeof(buf), NULL, 0 };
static uint8_t		in6[2000], pkt[2000];
static const uint8_t	seed[IP4_IDGEN_SEED_LEN] = { 42 };

static void
setup_conf(struct r46_conf *c)
{
	char	err[256];

	ck_assert_int_eq(conf_defaults(r46_conf_keys, c, err, sizeof(err)), 0);
	c->unicast = tp_a4(UNI4);
	c->subnets.n = 1;
	ck_assert_int_eq(conf_parse_prefix("203.0.113.0/24", &c->subnets.p[0]),
	    0);
	c->frag_timeout = 1;
}

static void
setup(void)
{
	struct r46_conf	c;

	setup_conf(&c);
	ck_assert_int_eq(r46_init(&r, &c, seed), 0);
}

static void
teardown(void)
{
	r46_free(&r);
}

static enum r46_verdict
run(const uint8_t *b, size_t len, uint64_t now)
{
	tunbatch_pkt_reset(&p);
	memcpy(p.data, b, len);
	p.len = len;
	return r46_process(&r, now, &p);
}

/* Outer IPv4 (src -> dst, proto 41) around an inner packet. */
static size_t
encap(const char *src, const char *dst, uint8_t tos, const uint8_t *inner,
    size_t ilen)
{
	return tp_ip4(pkt, src, dst, 41, 50, tos, 0x1111, 0, NULL, 0, inner,
	    ilen);
}

static uint64_t
cnt(enum r46_counter c)
{
	return r.cnt.v[c];
}

START_TEST(test_forward_good)
{
	size_t	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 100);
	size_t	len = encap(SITE4, ANY4, 0, in6, ilen);

	ck_assert_int_eq(run(pkt, len, 0), R46_V_FORWARD);
	ck_assert_uint_eq(p.len, ilen);
	ck_assert_uint_eq(p.data[7], 9);		/* hop limit 10 -> 9 */
	in6[7] = 9;
	ck_assert(memcmp(p.data, in6, ilen) == 0);	/* otherwise identical */
	ck_assert_uint_eq(cnt(R46_FORWARDED), 1);
	ck_assert_uint_eq(counters_drops(&r.cnt), 0);
	/* A13: the unicast equivalent address gets the same processing. */
	in6[7] = 10;
	len = encap(SITE4, UNI4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_FORWARD);
	in6[7] = 9;
	ck_assert(memcmp(p.data, in6, ilen) == 0);
	/* Link padding after the IPv4 total length is ignored. */
	in6[7] = 10;
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len + 4, 0), R46_V_FORWARD);
	ck_assert_uint_eq(p.len, ilen);
	ck_assert_uint_eq(cnt(R46_FORWARDED), 3);
}
END_TEST

START_TEST(test_ipv4_options)
{
	uint8_t	opts[8] = { 0x01, 0x07, 0x07, 0x04, 0, 0, 0, 0 };
	size_t	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	size_t	len;

	/* A2: IHL 7 (NOP, then a record route option of 7 bytes). */
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 1, 0, opts, 8, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_FORWARD);
	ck_assert_uint_eq(p.len, ilen);
	in6[7] = 9;
	ck_assert(memcmp(p.data, in6, ilen) == 0);
	/* A malformed option list is refused, never mis-parsed. */
	opts[1] = 0x44;
	opts[2] = 12;
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 1, 0, opts, 8, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_IP4_OPTIONS), 1);
}
END_TEST

START_TEST(test_outer_malformed)
{
	size_t	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	size_t	len = encap(SITE4, ANY4, 0, in6, ilen);

	pkt[10] ^= 0xff;
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_IP4_CHECKSUM), 1);
	pkt[10] ^= 0xff;
	ck_assert_int_eq(run(pkt, len - 1, 0), R46_V_DROP);
	ck_assert_int_eq(run(pkt, 10, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_IP4_MALFORMED), 2);
	ck_assert_int_eq(run(in6, ilen, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_NOT_IP4), 1);
	len = tp_ip4(pkt, SITE4, ANY4, 17, 50, 0, 1, 0, NULL, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_NOT_PROTO41), 1);
	ck_assert_uint_eq(cnt(R46_FORWARDED), 0);
}
END_TEST

/* Outer and inner source both carry v4 (A17/A18): expect a counter. */
static void
src_case(const char *v4, enum r46_counter expect)
{
	struct in6_addr	s6;
	char		s6txt[INET6_ADDRSTRLEN];
	size_t		ilen, len;
	uint64_t	before = cnt(expect);

	sixtofour_addr(tp_a4(v4), &s6);
	inet_ntop(AF_INET6, &s6, s6txt, sizeof(s6txt));
	ilen = tp_udp6(in6, s6txt, NATIVE, 10, 0, 20);
	len = encap(v4, ANY4, 0, in6, ilen);
	run(pkt, len, 0);
	ck_assert_msg(cnt(expect) == before + 1, "%s: counter %s", v4,
	    r46_counter_names[expect]);
}

START_TEST(test_src_bogons)
{
	static const char *const bad[] = { "0.1.2.3", "10.0.0.1",
	    "127.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.1.1",
	    "224.0.0.0", "240.0.0.1", "255.255.255.255" };
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		src_case(bad[i], R46_DROP_SRC_V4_BOGON);
	src_case("203.0.113.255", R46_DROP_SRC_V4_BROADCAST);
	/* Edges that pass. */
	src_case("223.255.255.255", R46_FORWARDED);
	src_case("100.64.0.1", R46_FORWARDED);
	src_case("203.0.113.254", R46_FORWARDED);
	ck_assert_uint_eq(cnt(R46_FORWARDED), 3);
}
END_TEST

START_TEST(test_bogon_100_64_option)
{
	struct r46_conf	c;

	r46_free(&r);
	setup_conf(&c);
	c.bogon100_64 = 1;
	ck_assert_int_eq(r46_init(&r, &c, seed), 0);
	src_case("100.64.0.1", R46_DROP_SRC_V4_BOGON);
	src_case("100.128.0.1", R46_FORWARDED);
}
END_TEST

START_TEST(test_outer_dst)
{
	size_t	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	size_t	len;

	len = encap(SITE4, "198.51.100.99", 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_DST_V4_NOT_OWN), 1);
	len = encap(SITE4, "10.1.1.1", 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	len = encap(SITE4, "255.255.255.255", 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	len = encap(SITE4, "203.0.113.255", 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_DST_V4_BOGON), 3);
}
END_TEST

START_TEST(test_slides_case_anycast_source)
{
	/* Another relay's traffic: outer source 192.88.99.1 itself. */
	size_t	ilen = tp_udp6(in6, "2002:c058:6301::5", NATIVE, 10, 0, 20);
	size_t	len = encap(ANY4, ANY4, 0, in6, ilen);

	ck_assert_int_eq(run(pkt, len, 0), R46_V_FORWARD);
	ck_assert_uint_eq(p.len, ilen);
	ck_assert_uint_eq(cnt(R46_FORWARDED), 1);
	/* Its echo request to our /48 is answered, not dropped. */
	ilen = tp_icmp6(in6, "2002:c058:6301::5", "2002:c058:6301::1", 64,
	    128, 0, 0x10001, 8);
	len = encap(ANY4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_REPLY);
	ck_assert_uint_eq(counters_drops(&r.cnt), 0);
}
END_TEST

START_TEST(test_inner_source)
{
	size_t	ilen, len;

	/* A16: V4ADDR of the inner source must be the outer source. */
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	len = encap("198.51.100.8", ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_SRC_V4_MISMATCH), 1);
	ilen = tp_udp6(in6, "2001:db8::1", NATIVE, 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	/* A25: ND from a link-local source never gets through. */
	ilen = tp_icmp6(in6, "fe80::2", "ff02::1", 255, 134, 0, 0, 8);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_SRC_NOT_6TO4), 2);
	/* Not IPv6 inside, or a payload length beyond the data. */
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	in6[0] = 0x45;
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	in6[0] = 0x60;
	len = encap(SITE4, ANY4, 0, in6, ilen - 1);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	len = encap(SITE4, ANY4, 0, in6, 39);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_IP6_MALFORMED), 3);
}
END_TEST

START_TEST(test_inner_destination)
{
	static const char *const insane[] = { "fe80::1", "ff02::1",
	    "::ffff:1.2.3.4", "::1", "::", "fec0::1" };
	size_t	i, ilen, len;

	/* A21: no 6to4 <-> 6to4 relaying. */
	ilen = tp_udp6(in6, SITE6, "2002:cb00:7163::1", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_DST_6TO4), 1);
	/* A20 */
	for (i = 0; i < sizeof(insane) / sizeof(insane[0]); i++) {
		ilen = tp_udp6(in6, SITE6, insane[i], 10, 0, 20);
		len = encap(SITE4, ANY4, 0, in6, ilen);
		ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	}
	ck_assert_uint_eq(cnt(R46_DROP_DST_V6_INSANE), 6);
	/* A25: ND messages to a global address. */
	ilen = tp_icmp6(in6, SITE6, NATIVE, 255, 135, 0, 0, 16);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ilen = tp_icmp6(in6, SITE6, NATIVE, 255, 137, 0, 0, 32);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_ND), 2);
	/* A29: a destination embedding our address (ISATAP, Teredo). */
	ilen = tp_udp6(in6, SITE6, "2001:db8:9::200:5efe:c058:6301", 10, 0,
	    20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ilen = tp_udp6(in6, SITE6, "2001:0:cb00:710a::1", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_LOOP), 2);
	/* RFC 5095: Type 0 Routing Header. */
	ilen = tp_rh0_6(in6, SITE6, NATIVE, 10);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_RH0), 1);
	ck_assert_uint_eq(cnt(R46_FORWARDED), 0);
}
END_TEST

/*
 * An extension header chain the walker cannot finish is a drop, never a
 * pass: 16 headers are walked, a 17th is refused, a truncated chain too;
 * RH0 and ND are seen at the end of the longest chain walked.
 */
static enum r46_verdict
chain(size_t n, enum tp_chain_end end, size_t cut)
{
	size_t	ilen = tp_chain6(in6, SITE6, NATIVE, 10, n, end, cut);

	return run(pkt, encap(SITE4, ANY4, 0, in6, ilen), 0);
}

START_TEST(test_ext_chain_fails_closed)
{
	static const size_t	longer[] = { 17, 100 };
	size_t			i;

	ck_assert_int_eq(chain(15, TP_END_UDP, 0), R46_V_FORWARD);
	ck_assert_int_eq(chain(16, TP_END_UDP, 0), R46_V_FORWARD);
	ck_assert_uint_eq(cnt(R46_FORWARDED), 2);
	ck_assert_int_eq(chain(15, TP_END_RH0, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_RH0), 1);
	ck_assert_int_eq(chain(15, TP_END_NS, 0), R46_V_DROP);
	ck_assert_int_eq(chain(16, TP_END_NS, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_ND), 2);
	/* RH0 as the 17th header: the chain is too long to trust. */
	ck_assert_int_eq(chain(16, TP_END_RH0, 0), R46_V_DROP);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(chain(longer[i], TP_END_UDP, 0), R46_V_DROP);
		ck_assert_int_eq(chain(longer[i], TP_END_RH0, 0), R46_V_DROP);
		ck_assert_int_eq(chain(longer[i], TP_END_NS, 0), R46_V_DROP);
	}
	ck_assert_uint_eq(cnt(R46_DROP_EXT_TOO_LONG), 7);
	/* Truncated: the third of 3 headers cut short, RH0 cut short. */
	ck_assert_int_eq(chain(3, TP_END_UDP, 8 + 4), R46_V_DROP);
	ck_assert_int_eq(chain(3, TP_END_RH0, 8 + 22), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_EXT_TRUNCATED), 2);
	ck_assert_uint_eq(cnt(R46_DROP_RH0), 1);
	ck_assert_uint_eq(cnt(R46_DROP_ND), 2);
	ck_assert_uint_eq(cnt(R46_FORWARDED), 2);
}
END_TEST

START_TEST(test_time_exceeded)
{
	struct pbuf		b, pay, ipay;
	struct ip4_hdr		o;
	struct ip6_hdr_info	i;
	size_t			ilen = tp_udp6(in6, SITE6, NATIVE, 1, 0, 100);
	size_t			len = encap(SITE4, ANY4, 0, in6, ilen);

	ck_assert_int_eq(run(pkt, len, 0), R46_V_REPLY);
	/* Outer: ours -> the site, protocol 41, fresh header, no DF. */
	pbuf_init(&b, p.data, p.len);
	ck_assert_int_eq(ip4_parse(&b, &o, &pay), IP4_OK);
	ck_assert_uint_eq(o.src.s_addr, tp_a4(ANY4).s_addr);
	ck_assert_uint_eq(o.dst.s_addr, tp_a4(SITE4).s_addr);
	ck_assert_uint_eq(o.proto, 41);
	ck_assert_uint_eq(o.ttl, 64);
	ck_assert_uint_eq(o.frag, 0);
	ck_assert_uint_eq(o.hlen, 20);
	/* Inner: ICMPv6 Time Exceeded, code 0, quoting the packet. */
	ck_assert_int_eq(ip6_parse(&pay, &i, &ipay), IP6_OK);
	ck_assert(memcmp(&i.dst, in6 + 8, 16) == 0);
	ck_assert(tp_eq6(&i.src, "2002:c058:6301::1"));
	ck_assert_uint_eq(i.nxt, 58);
	ck_assert_uint_eq(ipay.p[0], 3);
	ck_assert_uint_eq(ipay.p[1], 0);
	ck_assert(memcmp(ipay.p + 8, in6, ilen) == 0);
	ck_assert_uint_eq(tp_icmp6_csum(pay.p), 0);
	ck_assert_uint_eq(cnt(R46_DROP_HOP_LIMIT), 1);
	ck_assert_uint_eq(cnt(R46_TIME_EXCEEDED_SENT), 1);
	/* Hop limit 0 too; hop limit 2 is forwarded with 1. */
	in6[7] = 0;
	len = encap(SITE4, UNI4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_REPLY);
	ck_assert(tp_eq4(p.data + 12, UNI4));
	in6[7] = 2;
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_FORWARD);
	ck_assert_uint_eq(p.data[7], 1);
}
END_TEST

START_TEST(test_time_exceeded_rules)
{
	size_t	ilen, len;
	int	k;

	/* Never about an ICMPv6 error. */
	ilen = tp_icmp6(in6, SITE6, NATIVE, 1, 1, 0, 0, 48);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_ICMP_FORBIDDEN), 1);
	/* Rate-limited (IcmpBurst 50 by default). */
	ilen = tp_udp6(in6, SITE6, NATIVE, 1, 0, 10);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	for (k = 0; k < 60; k++)
		run(pkt, len, 5);
	ck_assert_uint_eq(cnt(R46_TIME_EXCEEDED_SENT), 50);
	ck_assert_uint_eq(cnt(R46_ICMP_RATELIMITED), 10);
	ck_assert_uint_eq(cnt(R46_DROP_HOP_LIMIT), 61);
}
END_TEST

START_TEST(test_ecn)
{
	size_t	ilen, len;

	/* RFC 6040: outer CE onto an ECT(0) inner packet -> CE. */
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0xb8 | ECN_ECT0, 20);
	len = encap(SITE4, ANY4, ECN_CE, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_FORWARD);
	ck_assert_uint_eq(ip6_get_tclass(p.data), 0xb8 | ECN_CE);
	ck_assert_uint_eq(cnt(R46_ECN_CE), 1);
	/* Outer ECT(1) does not change an inner ECT(0). */
	len = encap(SITE4, ANY4, ECN_ECT1, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_FORWARD);
	ck_assert_uint_eq(ip6_get_tclass(p.data), 0xb8 | ECN_ECT0);
	/* Outer CE onto not-ECT: drop. */
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0xb8, 20);
	len = encap(SITE4, ANY4, ECN_CE, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_ECN), 1);
}
END_TEST

START_TEST(test_echo_reply)
{
	struct pbuf		b, pay, ipay;
	struct ip4_hdr		o;
	struct ip6_hdr_info	i;
	size_t			ilen, len;

	/* A11: echo to 2002:c058:6301::1 answered, encapsulated back. */
	ilen = tp_icmp6(in6, SITE6, "2002:c058:6301::1", 5, 128, 0,
	    0x12340001, 32);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_REPLY);
	pbuf_init(&b, p.data, p.len);
	ck_assert_int_eq(ip4_parse(&b, &o, &pay), IP4_OK);
	ck_assert_uint_eq(o.src.s_addr, tp_a4(ANY4).s_addr);
	ck_assert_uint_eq(o.dst.s_addr, tp_a4(SITE4).s_addr);
	ck_assert_uint_eq(o.proto, 41);
	ck_assert_int_eq(ip6_parse(&pay, &i, &ipay), IP6_OK);
	ck_assert(tp_eq6(&i.src, "2002:c058:6301::1"));
	ck_assert(tp_eq6(&i.dst, SITE6));
	ck_assert_uint_eq(i.hlim, 64);
	ck_assert_uint_eq(ipay.len, ilen - 40);
	ck_assert_uint_eq(ipay.p[0], 129);
	ck_assert(memcmp(ipay.p + 4, in6 + 44, ilen - 44) == 0);
	ck_assert_uint_eq(tp_icmp6_csum(pay.p), 0);
	ck_assert_uint_eq(cnt(R46_ECHO_REPLIED), 1);
	/* Any address of the /48, and the unicast address's /48. */
	ilen = tp_icmp6(in6, SITE6, "2002:c058:6301:1::c058:6301", 5, 128, 0,
	    1, 0);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_REPLY);
	ilen = tp_icmp6(in6, SITE6, "2002:cb00:710a::1", 5, 128, 0, 1, 0);
	len = encap(SITE4, UNI4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_REPLY);
	ck_assert(tp_eq4(p.data + 12, UNI4));
	/* Other traffic to us, or a bad checksum: dropped. */
	ilen = tp_udp6(in6, SITE6, "2002:c058:6301::1", 5, 0, 8);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ilen = tp_icmp6(in6, SITE6, "2002:c058:6301::1", 5, 129, 0, 1, 0);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_LOCAL_NOT_ECHO), 2);
	ilen = tp_icmp6(in6, SITE6, "2002:c058:6301::1", 5, 128, 0, 1, 8);
	in6[50] ^= 1;
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_LOCAL_MALFORMED), 1);
}
END_TEST

START_TEST(test_echo_from_native_via_relay)
{
	struct pbuf		b, ipay;
	struct ip6_hdr_info	i;
	size_t			ilen, len;

	/* Another relay encapsulates a native ping to us from 192.88.99.x. */
	ilen = tp_icmp6(in6, NATIVE, "2002:c058:6301::1", 60, 128, 0,
	    0x00050006, 20);
	len = encap("192.88.99.7", ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_FORWARD);
	/* Answered natively: plain IPv6, no outer header. */
	pbuf_init(&b, p.data, p.len);
	ck_assert_int_eq(ip6_parse(&b, &i, &ipay), IP6_OK);
	ck_assert(tp_eq6(&i.src, "2002:c058:6301::1"));
	ck_assert(tp_eq6(&i.dst, NATIVE));
	ck_assert_uint_eq(ipay.p[0], 129);
	ck_assert_uint_eq(tp_icmp6_csum(p.data), 0);
	ck_assert_uint_eq(cnt(R46_ECHO_REPLIED), 1);
	ck_assert_uint_eq(cnt(R46_FORWARDED), 0);
	/* From an ordinary IPv4 source it is not 6to4 traffic: dropped. */
	len = encap(SITE4, ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	/* Nor is native traffic to anything but our /48. */
	ilen = tp_udp6(in6, NATIVE, "2001:db8::5", 10, 0, 8);
	len = encap("192.88.99.7", ANY4, 0, in6, ilen);
	ck_assert_int_eq(run(pkt, len, 0), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_SRC_NOT_6TO4), 2);
}
END_TEST

START_TEST(test_fragments)
{
	size_t	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 1400);
	size_t	len;

	/* A4/A32: two fragments of a 1468-byte IPv6 packet. */
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 77, IP4_MF, NULL, 0, in6,
	    1000);
	ck_assert_int_eq(run(pkt, len, 100), R46_V_HELD);
	ck_assert_uint_eq(cnt(R46_FRAG_HELD), 1);
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 77, 1000 / 8, NULL, 0,
	    in6 + 1000, ilen - 1000);
	ck_assert_int_eq(run(pkt, len, 100), R46_V_FORWARD);
	ck_assert_uint_eq(p.len, ilen);
	in6[7] = 9;
	ck_assert(memcmp(p.data, in6, ilen) == 0);
	ck_assert_uint_eq(cnt(R46_FRAG_REASSEMBLED), 1);
	/* A lone fragment expires (FragTimeout 1 s here). */
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 78, IP4_MF, NULL, 0, in6,
	    1000);
	ck_assert_int_eq(run(pkt, len, 200), R46_V_HELD);
	r46_tick(&r, 1100);
	ck_assert_uint_eq(cnt(R46_DROP_FRAG_TIMEOUT), 0);
	r46_tick(&r, 1200);
	ck_assert_uint_eq(cnt(R46_DROP_FRAG_TIMEOUT), 1);
	/* Overlap. */
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 79, IP4_MF, NULL, 0, in6,
	    1000);
	ck_assert_int_eq(run(pkt, len, 300), R46_V_HELD);
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 79, 992 / 8, NULL, 0,
	    in6 + 992, ilen - 992);
	ck_assert_int_eq(run(pkt, len, 300), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_FRAG_OVERLAP), 1);
	/* A fragment of a bogon source never reaches reassembly. */
	len = tp_ip4(pkt, "10.0.0.1", ANY4, 41, 50, 0, 80, IP4_MF, NULL, 0,
	    in6, 1000);
	ck_assert_int_eq(run(pkt, len, 300), R46_V_DROP);
	ck_assert_uint_eq(cnt(R46_DROP_SRC_V4_BOGON), 1);
	ck_assert_uint_eq(frag4_pending(r.frag), 0);
}
END_TEST

/*
 * Configuration of Output packet (r46_conf.c), through a real file:
 * the keys land in the struct, and every refusal names file:line: key.
 */
static int
conf_text(const char *text, struct r46_conf *c, char *err, size_t errlen)
{
	char	path[] = "/tmp/r46_conf_test.XXXXXX";
	size_t	len = strlen(text);
	int	fd, rc;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	memset(c, 0, sizeof(*c));
	rc = conf_load(path, r46_conf_keys, c, err, errlen);
	if (rc == 0)
		rc = r46_conf_check(path, c, err, errlen);
	unlink(path);
	return rc;
}

START_TEST(test_conf_output_packet)
{
	struct r46_conf	c;
	struct in6_addr	gw6 = tp_a6("fe80::1");
	char		err[512];

	ck_assert_int_eq(conf_text("Output packet\nOutputInterface eth6\n"
	    "OutputGateway4 198.51.100.1\nOutputGateway6 fe80::1\n", &c, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.output, R46_OUTPUT_PACKET);
	ck_assert_str_eq(c.output_if, "eth6");
	ck_assert_uint_eq(c.output_gw4.s_addr, tp_a4("198.51.100.1").s_addr);
	ck_assert_mem_eq(&c.output_gw6, &gw6, sizeof(gw6));
	/* Without gateways: follow the default route (0.0.0.0, ::). */
	ck_assert_int_eq(conf_text("Output packet\nOutputInterface eth6\n",
	    &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.output_gw4.s_addr, INADDR_ANY);
	ck_assert(IN6_IS_ADDR_UNSPECIFIED(&c.output_gw6));
	/* The default stays tun, without any of the keys. */
	ck_assert_int_eq(conf_text("", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.output, R46_OUTPUT_TUN);
	ck_assert_str_eq(c.output_if, "");
}
END_TEST

START_TEST(test_conf_output_refused)
{
	static const struct {
		const char	*text;
		const char	*why;
	} bad[] = {
		{ "Output packet\n",
		    ":1: Output: packet needs OutputInterface" },
		{ "OutputInterface eth6\n",
		    ":1: OutputInterface: only with Output packet" },
		{ "Output raw\nOutputGateway4 198.51.100.1\n",
		    ":2: OutputGateway4: only with Output packet" },
		{ "OutputGateway6 2001:db8::1\n",
		    ":1: OutputGateway6: only with Output packet" },
		{ "Output packet\nOutputInterface abcdefghijklmnopq\n",
		    ":2: OutputInterface: interface name too long" },
		{ "Output packet\nOutputInterface e\nOutputGateway4 224.0.0.1\n",
		    ":3: OutputGateway4: multicast" },
		{ "Output packet\nOutputInterface e\nOutputGateway4 127.0.0.1\n",
		    ":3: OutputGateway4: not a unicast address" },
		{ "Output packet\nOutputInterface e\nOutputGateway6 ff02::1\n",
		    ":3: OutputGateway6: not a unicast address" },
		{ "Output packet\nOutputInterface e\nOutputGateway6 ::1\n",
		    ":3: OutputGateway6: not a unicast address" },
		{ "Output packet\nOutputInterface e\nOutputGateway4 fe80::1\n",
		    ":3: OutputGateway4: invalid IPv4 address" },
		{ "Output packet\nOutputInterface e\nOutputGateway6 1.2.3.4\n",
		    ":3: OutputGateway6: " },
		{ "Output packet\nOutputInterface e\nOutputGateway6 fe80::1\n"
		    "OutputGateway6 fe80::2\n", ":4: OutputGateway6: " },
	};
	struct r46_conf	c;
	char		err[512];
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(conf_text(bad[i].text, &c, err, sizeof(err)),
		    -1);
		ck_assert_msg(strstr(err, bad[i].why) != NULL,
		    "case %zu: '%s' lacks '%s'", i, err, bad[i].why);
	}
}
END_TEST

static Suite *
r46_suite(void)
{
	Suite	*s = suite_create("relay4to6");
	TCase	*tc = tcase_create("verdict");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_forward_good);
	tcase_add_test(tc, test_ipv4_options);
	tcase_add_test(tc, test_outer_malformed);
	tcase_add_test(tc, test_src_bogons);
	tcase_add_test(tc, test_bogon_100_64_option);
	tcase_add_test(tc, test_outer_dst);
	tcase_add_test(tc, test_slides_case_anycast_source);
	tcase_add_test(tc, test_inner_source);
	tcase_add_test(tc, test_inner_destination);
	tcase_add_test(tc, test_ext_chain_fails_closed);
	tcase_add_test(tc, test_time_exceeded);
	tcase_add_test(tc, test_time_exceeded_rules);
	tcase_add_test(tc, test_ecn);
	tcase_add_test(tc, test_echo_reply);
	tcase_add_test(tc, test_echo_from_native_via_relay);
	tcase_add_test(tc, test_fragments);
	suite_add_tcase(s, tc);
	tc = tcase_create("conf");
	tcase_add_test(tc, test_conf_output_packet);
	tcase_add_test(tc, test_conf_output_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(r46_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
