/*
 * relay6to4 verdicts on real packet bytes: every drop rule with its
 * counter, the exact encapsulated output (protocol 41, IHL 5, TTL, DF,
 * checksum, ECN, ID) and the ICMPv6 errors (conformance.md A1, A3, A4,
 * A7, A8, A17-A22, A28, A33).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay6to4/r64.h"
#include "pkt6to4.h"

#define SITE4	"198.51.100.7"
#define SITE6	"2002:c633:6407::1"
#define NATIVE	"2001:db8:6::6"
#define SRC4	"192.88.99.2"
#define ERRSRC	"2001:db8:64::1"

static struct r64	r;
static uint8_t		buf[TB_HEADROOM + TB_PKT_MAX];
static struct tb_pkt	p = { buf, sizeof(buf), NULL, 0 };
static uint8_t		in6[2000];
static const uint8_t	seed[IP4_IDGEN_SEED_LEN] = { 7 };

static void
setup_conf(struct r64_conf *c)
{
	char	err[256];

	ck_assert_int_eq(conf_defaults(r64_conf_keys, c, err, sizeof(err)), 0);
	c->source = tp_a4(SRC4);
	c->relay_addrs.n = 2;
	ck_assert_int_eq(conf_parse_prefix("192.88.99.1/32",
	    &c->relay_addrs.p[0]), 0);
	ck_assert_int_eq(conf_parse_prefix("203.0.113.10/32",
	    &c->relay_addrs.p[1]), 0);
	c->subnets.n = 1;
	ck_assert_int_eq(conf_parse_prefix("198.51.100.0/24", &c->subnets.p[0]),
	    0);
	c->native = tp_a6(ERRSRC);
}

static void
setup(void)
{
	struct r64_conf	c;

	setup_conf(&c);
	r64_init(&r, &c, seed);
}

static void
teardown(void)
{
	r64_free(&r);
}

/* hop 1: the relay is the forwarding hop (Input packet's ring). */
static enum r64_verdict
run_hop(const uint8_t *b, size_t len, uint64_t now, int hop)
{
	tunbatch_pkt_reset(&p);
	memcpy(p.data, b, len);
	p.len = len;
	return r64_process(&r, now, &p, hop);
}

static enum r64_verdict
run(const uint8_t *b, size_t len, uint64_t now)
{
	return run_hop(b, len, now, 1);
}

static uint64_t
cnt(enum r64_counter c)
{
	return r.cnt.v[c];
}

/* Check the outer header of p against the inner packet in6 of ilen. */
static struct ip4_hdr
check_encap(size_t ilen, uint8_t hlim_out)
{
	struct pbuf	b, pay;
	struct ip4_hdr	o;

	ck_assert_uint_eq(p.len, ilen + 20);
	ck_assert_uint_eq(p.data[0], 0x45);		/* IHL 5 */
	ck_assert_uint_eq(tp_csum(p.data, 20, NULL, 0), 0);
	pbuf_init(&b, p.data, p.len);
	ck_assert_int_eq(ip4_parse(&b, &o, &pay), IP4_OK);
	ck_assert_uint_eq(o.proto, 41);
	ck_assert_uint_eq(o.total_len, ilen + 20);
	ck_assert(tp_eq4(&o.src, SRC4));
	ck_assert_uint_eq(pay.len, ilen);
	ck_assert_uint_eq(pay.p[7], hlim_out);
	ck_assert(memcmp(pay.p, in6, 7) == 0);		/* only the hop limit */
	ck_assert(memcmp(pay.p + 8, in6 + 8, ilen - 8) == 0);
	return o;
}

START_TEST(test_forward_good)
{
	size_t		ilen = tp_udp6(in6, NATIVE, SITE6, 64, 0, 100);
	struct ip4_hdr	o;
	uint16_t	id1;

	/* A3/A7: hop limit 64 -> 63, TTL = configured 64, dst = V4ADDR. */
	ck_assert_int_eq(run(in6, ilen, 0), R64_V_FORWARD);
	o = check_encap(ilen, 63);
	ck_assert(tp_eq4(&o.dst, SITE4));
	ck_assert_uint_eq(o.ttl, 64);
	ck_assert_uint_eq(o.frag, 0);			/* A4: DF clear */
	ck_assert_uint_eq(o.tos, 0);
	ck_assert_uint_eq(cnt(R64_FORWARDED), 1);
	ck_assert_uint_eq(counters_drops(&r.cnt), 0);
	/* The next datagram to the same site gets the next ID. */
	id1 = o.id;
	ck_assert_int_eq(run(in6, ilen, 0), R64_V_FORWARD);
	o = check_encap(ilen, 63);
	ck_assert_uint_eq(o.id, (uint16_t)(id1 + 1));
	/* Trailing bytes beyond the payload length are not sent. */
	ck_assert_int_eq(run(in6, ilen + 3, 0), R64_V_FORWARD);
	check_encap(ilen, 63);
}
END_TEST

START_TEST(test_ttl_df_ecn_options)
{
	struct r64_conf	c;
	size_t		ilen = tp_udp6(in6, NATIVE, SITE6, 10, 0xb8 | ECN_ECT1,
	    100);
	struct ip4_hdr	o;

	r64_free(&r);
	setup_conf(&c);
	c.ttl = 100;
	c.dont_fragment = 1;
	r64_init(&r, &c, seed);
	ck_assert_int_eq(run(in6, ilen, 0), R64_V_FORWARD);
	o = check_encap(ilen, 9);
	ck_assert_uint_eq(o.ttl, 100);
	ck_assert_uint_eq(o.frag, IP4_DF);
	ck_assert_uint_eq(o.tos, 0xb8 | ECN_ECT1);	/* RFC 6040 copy */
}
END_TEST

START_TEST(test_mtu)
{
	struct pbuf		b, pay;
	struct ip6_hdr_info	i;
	size_t			ilen;
	struct ip4_hdr		o;
	int			k;

	/* A4: exactly the tunnel MTU goes out, 1500 bytes, DF clear. */
	ilen = tp_udp6(in6, NATIVE, SITE6, 64, 0, 1480 - 48);
	ck_assert_int_eq(run(in6, ilen, 0), R64_V_FORWARD);
	o = check_encap(1480, 63);
	ck_assert_uint_eq(o.total_len, 1500);
	ck_assert_uint_eq(o.frag, 0);
	/* A33: one byte more: Packet Too Big, MTU 1480, to the source. */
	ilen = tp_udp6(in6, NATIVE, SITE6, 64, 0, 1481 - 48);
	ck_assert_int_eq(run(in6, ilen, 0), R64_V_ERROR);
	pbuf_init(&b, p.data, p.len);
	ck_assert_int_eq(ip6_parse(&b, &i, &pay), IP6_OK);
	ck_assert(tp_eq6(&i.src, ERRSRC));
	ck_assert(tp_eq6(&i.dst, NATIVE));
	ck_assert_uint_eq(pay.p[0], 2);
	ck_assert_uint_eq(tp_get16(pay.p + 6), 1480);
	ck_assert_uint_eq(p.len, 1280);
	ck_assert(memcmp(pay.p + 8, in6, 1280 - 48) == 0);
	ck_assert_uint_eq(tp_icmp6_csum(p.data), 0);
	ck_assert_uint_eq(cnt(R64_DROP_TOO_BIG), 1);
	ck_assert_uint_eq(cnt(R64_PTB_SENT), 1);
	/* Rate-limited: IcmpBurst 50. */
	for (k = 0; k < 60; k++)
		run(in6, ilen, 0);
	ck_assert_uint_eq(cnt(R64_PTB_SENT), 50);
	ck_assert_uint_eq(cnt(R64_ICMP_RATELIMITED), 11);
	ck_assert_uint_eq(cnt(R64_DROP_TOO_BIG), 61);
}
END_TEST

START_TEST(test_time_exceeded)
{
	struct pbuf		b, pay;
	struct ip6_hdr_info	i;
	size_t			ilen = tp_udp6(in6, NATIVE, SITE6, 1, 0, 64);

	ck_assert_int_eq(run(in6, ilen, 0), R64_V_ERROR);
	pbuf_init(&b, p.data, p.len);
	ck_assert_int_eq(ip6_parse(&b, &i, &pay), IP6_OK);
	ck_assert(tp_eq6(&i.dst, NATIVE));
	ck_assert(tp_eq6(&i.src, ERRSRC));
	ck_assert_uint_eq(pay.p[0], 3);
	ck_assert_uint_eq(pay.p[1], 0);
	ck_assert(memcmp(pay.p + 8, in6, ilen) == 0);
	ck_assert_uint_eq(tp_icmp6_csum(p.data), 0);
	ck_assert_uint_eq(cnt(R64_DROP_HOP_LIMIT), 1);
	ck_assert_uint_eq(cnt(R64_TIME_EXCEEDED_SENT), 1);
	/* Not about an ICMPv6 error. */
	ilen = tp_icmp6(in6, NATIVE, SITE6, 1, 1, 4, 0, 48);
	ck_assert_int_eq(run(in6, ilen, 0), R64_V_DROP);
	ck_assert_uint_eq(cnt(R64_ICMP_FORBIDDEN), 1);
	/* Hop limit 2 leaves with 1. */
	ilen = tp_udp6(in6, NATIVE, SITE6, 2, 0, 64);
	ck_assert_int_eq(run(in6, ilen, 0), R64_V_FORWARD);
	check_encap(ilen, 1);
}
END_TEST

/*
 * From the TUN the kernel forwarded the packet and took the hop: the
 * relay passes the hop limit on as it came (one relay host, one hop),
 * forwards 1, and answers only 0 with Time Exceeded.
 */
START_TEST(test_kernel_took_the_hop)
{
	size_t		ilen = tp_udp6(in6, NATIVE, SITE6, 63, 0, 64);

	ck_assert_int_eq(run_hop(in6, ilen, 0, 0), R64_V_FORWARD);
	check_encap(ilen, 63);
	ilen = tp_udp6(in6, NATIVE, SITE6, 1, 0, 64);
	ck_assert_int_eq(run_hop(in6, ilen, 0, 0), R64_V_FORWARD);
	check_encap(ilen, 1);
	ck_assert_uint_eq(cnt(R64_DROP_HOP_LIMIT), 0);
	ilen = tp_udp6(in6, NATIVE, SITE6, 0, 0, 64);
	ck_assert_int_eq(run_hop(in6, ilen, 0, 0), R64_V_ERROR);
	ck_assert_uint_eq(cnt(R64_DROP_HOP_LIMIT), 1);
	ck_assert_uint_eq(cnt(R64_TIME_EXCEEDED_SENT), 1);
	ck_assert_uint_eq(cnt(R64_FORWARDED), 2);
}
END_TEST

START_TEST(test_default_error_source)
{
	struct r64_conf		c;
	size_t			ilen = tp_udp6(in6, NATIVE, SITE6, 1, 0, 8);

	r64_free(&r);
	setup_conf(&c);
	memset(&c.native, 0, sizeof(c.native));
	r64_init(&r, &c, seed);
	ck_assert_int_eq(run(in6, ilen, 0), R64_V_ERROR);
	ck_assert(tp_eq6(p.data + 8, "2002:c058:6302::1"));
}
END_TEST

static void
drop_case(const char *src, const char *dst, enum r64_counter expect)
{
	size_t		ilen = tp_udp6(in6, src, dst, 64, 0, 20);
	uint64_t	before = cnt(expect);

	ck_assert_msg(run(in6, ilen, 0) == R64_V_DROP, "%s -> %s forwarded",
	    src, dst);
	ck_assert_msg(cnt(expect) == before + 1, "%s -> %s: not %s", src, dst,
	    r64_counter_names[expect]);
}

START_TEST(test_drops)
{
	drop_case(NATIVE, "2001:db8::1", R64_DROP_DST_NOT_6TO4);
	/* A20 */
	drop_case("fe80::1", SITE6, R64_DROP_SRC_V6_INSANE);
	drop_case("ff02::1", SITE6, R64_DROP_SRC_V6_INSANE);
	drop_case("::1", SITE6, R64_DROP_SRC_V6_INSANE);
	drop_case("::ffff:198.51.100.1", SITE6, R64_DROP_SRC_V6_INSANE);
	drop_case("fec0::1", SITE6, R64_DROP_SRC_V6_INSANE);
	/* A21 */
	drop_case("2002:cb00:7163::1", SITE6, R64_DROP_SRC_6TO4);
	/* A18/A19: V4ADDR not global, anycast /24, subnet broadcast. */
	drop_case(NATIVE, "2002:7f00:0001::1", R64_DROP_DST_V4_BOGON);
	drop_case(NATIVE, "2002:0a00:0001::1", R64_DROP_DST_V4_BOGON);
	drop_case(NATIVE, "2002:c0a8:0101::1", R64_DROP_DST_V4_BOGON);
	drop_case(NATIVE, "2002:e000:0000::1", R64_DROP_DST_V4_BOGON);
	drop_case(NATIVE, "2002:f000:0001::1", R64_DROP_DST_V4_BOGON);
	drop_case(NATIVE, "2002:ffff:ffff::1", R64_DROP_DST_V4_BOGON);
	drop_case(NATIVE, "2002:c058:6305::1", R64_DROP_DST_V4_BOGON);
	drop_case(NATIVE, "2002:c058:6301::1", R64_DROP_DST_V4_BOGON);
	drop_case(NATIVE, "2002:c633:64ff::1", R64_DROP_DST_V4_BOGON);
	/* A22: one of our own addresses. */
	drop_case(NATIVE, "2002:cb00:710a::1", R64_DROP_DST_V4_OWN);
	/* A28: the source embeds one of our addresses. */
	drop_case("2001:db8:9::5efe:cb00:710a", SITE6, R64_DROP_LOOP);
	drop_case("2001:db8:9::200:5efe:c058:6302", SITE6, R64_DROP_LOOP);
	drop_case("2001:0:c058:6301::1", SITE6, R64_DROP_LOOP);
	/* RFC 5095 */
	ck_assert_int_eq(run(in6, tp_rh0_6(in6, NATIVE, SITE6, 64), 0),
	    R64_V_DROP);
	ck_assert_uint_eq(cnt(R64_DROP_RH0), 1);
	ck_assert_uint_eq(cnt(R64_FORWARDED), 0);
	/* The /4 edge passes. */
	ck_assert_int_eq(run(in6, tp_udp6(in6, NATIVE, "2002:dfff:ffff::1",
	    64, 0, 20), 0), R64_V_FORWARD);
	ck_assert_uint_eq(cnt(R64_FORWARDED), 1);
}
END_TEST

START_TEST(test_malformed_and_ipv4)
{
	uint8_t	v4[100];
	size_t	ilen = tp_udp6(in6, NATIVE, SITE6, 64, 0, 20);
	size_t	len;

	ck_assert_int_eq(run(in6, 39, 0), R64_V_DROP);
	ck_assert_int_eq(run(in6, ilen - 1, 0), R64_V_DROP);
	ck_assert_int_eq(run(in6, 0, 0), R64_V_DROP);
	ck_assert_uint_eq(cnt(R64_DROP_IP6_MALFORMED), 3);
	/* A9: an ICMPv4 error to our source (routed here) is ignored. */
	len = tp_ip4(v4, "203.0.113.1", SRC4, 1, 64, 0, 1, 0, NULL, 0,
	    (const uint8_t *)"\x03\x04\x00\x00\x00\x00\x05\xc8", 8);
	ck_assert_int_eq(run(v4, len, 0), R64_V_DROP);
	ck_assert_uint_eq(cnt(R64_DROP_IP4_IGNORED), 1);
}
END_TEST

START_TEST(test_bogon_100_64_option)
{
	struct r64_conf	c;

	ck_assert_int_eq(run(in6, tp_udp6(in6, NATIVE, "2002:6440:0001::1",
	    64, 0, 20), 0), R64_V_FORWARD);
	r64_free(&r);
	setup_conf(&c);
	c.bogon100_64 = 1;
	r64_init(&r, &c, seed);
	drop_case(NATIVE, "2002:6440:0001::1", R64_DROP_DST_V4_BOGON);
}
END_TEST

/*
 * Configuration of Output packet (r64_conf.c), through a real file:
 * the keys land in the struct, and every refusal names file:line: key.
 */
static int
conf_text(const char *text, struct r64_conf *c, char *err, size_t errlen)
{
	char	path[] = "/tmp/r64_conf_test.XXXXXX";
	size_t	len = strlen(text);
	int	fd, rc;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	memset(c, 0, sizeof(*c));
	rc = conf_load(path, r64_conf_keys, c, err, errlen);
	if (rc == 0)
		rc = r64_conf_check(path, c, err, errlen);
	unlink(path);
	return rc;
}

START_TEST(test_conf_output_packet)
{
	struct r64_conf	c;
	struct in6_addr	gw6 = tp_a6("fe80::1");
	char		err[512];

	ck_assert_int_eq(conf_text("SourceAddress 192.88.99.2\nOutput packet\nOutputInterface eth6\n"
	    "OutputGateway4 198.51.100.1\nOutputGateway6 fe80::1\n", &c, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.output, R64_OUTPUT_PACKET);
	ck_assert_str_eq(c.output_if, "eth6");
	ck_assert_uint_eq(c.output_gw4.s_addr, tp_a4("198.51.100.1").s_addr);
	ck_assert_mem_eq(&c.output_gw6, &gw6, sizeof(gw6));
	/* Without gateways: follow the default route (0.0.0.0, ::). */
	ck_assert_int_eq(conf_text("SourceAddress 192.88.99.2\nOutput packet\nOutputInterface eth6\n",
	    &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.output_gw4.s_addr, INADDR_ANY);
	ck_assert(IN6_IS_ADDR_UNSPECIFIED(&c.output_gw6));
	/* The default stays tun, without any of the keys. */
	ck_assert_int_eq(conf_text("SourceAddress 192.88.99.2\n", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.output, R64_OUTPUT_TUN);
	ck_assert_str_eq(c.output_if, "");
}
END_TEST

START_TEST(test_conf_output_refused)
{
	static const struct {
		const char	*text;
		const char	*why;
	} bad[] = {
		{ "SourceAddress 192.88.99.2\nOutput packet\n",
		    ":2: Output: packet needs OutputInterface" },
		{ "SourceAddress 192.88.99.2\nOutputInterface eth6\n",
		    ":2: OutputInterface: only with Output packet" },
		{ "SourceAddress 192.88.99.2\nOutput raw\nOutputGateway4 198.51.100.1\n",
		    ":3: OutputGateway4: only with Output packet" },
		{ "SourceAddress 192.88.99.2\nOutputGateway6 2001:db8::1\n",
		    ":2: OutputGateway6: only with Output packet" },
		{ "SourceAddress 192.88.99.2\nOutput packet\nOutputInterface abcdefghijklmnopq\n",
		    ":3: OutputInterface: interface name too long" },
		{ "SourceAddress 192.88.99.2\nOutput packet\nOutputInterface e\nOutputGateway4 224.0.0.1\n",
		    ":4: OutputGateway4: multicast" },
		{ "SourceAddress 192.88.99.2\nOutput packet\nOutputInterface e\nOutputGateway4 127.0.0.1\n",
		    ":4: OutputGateway4: not a unicast address" },
		{ "SourceAddress 192.88.99.2\nOutput packet\nOutputInterface e\nOutputGateway6 ff02::1\n",
		    ":4: OutputGateway6: not a unicast address" },
		{ "SourceAddress 192.88.99.2\nOutput packet\nOutputInterface e\nOutputGateway6 ::1\n",
		    ":4: OutputGateway6: not a unicast address" },
		{ "SourceAddress 192.88.99.2\nOutput packet\nOutputInterface e\nOutputGateway4 fe80::1\n",
		    ":4: OutputGateway4: invalid IPv4 address" },
		{ "SourceAddress 192.88.99.2\nOutput packet\nOutputInterface e\nOutputGateway6 1.2.3.4\n",
		    ":4: OutputGateway6: " },
		{ "SourceAddress 192.88.99.2\nOutput packet\nOutputInterface e\nOutputGateway6 fe80::1\n"
		    "OutputGateway6 fe80::2\n", ":5: OutputGateway6: " },
	};
	struct r64_conf	c;
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

/*
 * An extension header chain the walker cannot finish is a drop, never a
 * pass: 16 headers are walked, a 17th is refused, a truncated chain too;
 * RH0 is seen at the end of the longest chain walked.
 */
static enum r64_verdict
chain(size_t n, enum tp_chain_end end, size_t cut)
{
	return run(in6, tp_chain6(in6, NATIVE, SITE6, 64, n, end, cut), 0);
}

START_TEST(test_ext_chain_fails_closed)
{
	static const size_t	longer[] = { 17, 100 };
	size_t			i;

	ck_assert_int_eq(chain(15, TP_END_UDP, 0), R64_V_FORWARD);
	ck_assert_int_eq(chain(16, TP_END_UDP, 0), R64_V_FORWARD);
	ck_assert_uint_eq(cnt(R64_FORWARDED), 2);
	ck_assert_int_eq(chain(15, TP_END_RH0, 0), R64_V_DROP);
	ck_assert_uint_eq(cnt(R64_DROP_RH0), 1);
	ck_assert_int_eq(chain(16, TP_END_RH0, 0), R64_V_DROP);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(chain(longer[i], TP_END_UDP, 0), R64_V_DROP);
		ck_assert_int_eq(chain(longer[i], TP_END_RH0, 0), R64_V_DROP);
	}
	ck_assert_uint_eq(cnt(R64_DROP_EXT_TOO_LONG), 5);
	ck_assert_int_eq(chain(3, TP_END_UDP, 8 + 4), R64_V_DROP);
	ck_assert_int_eq(chain(3, TP_END_RH0, 8 + 22), R64_V_DROP);
	ck_assert_uint_eq(cnt(R64_DROP_EXT_TRUNCATED), 2);
	ck_assert_uint_eq(cnt(R64_DROP_RH0), 1);
	ck_assert_uint_eq(cnt(R64_FORWARDED), 2);
}
END_TEST

/*
 * From the packet ring the EtherType said IPv6: an IPv4 packet there is
 * a malformed IPv6 packet, not IPv4 routed to our source (the TUN's case).
 */
START_TEST(test_ring_not_ipv6)
{
	uint8_t	v4[64];
	size_t	len = tp_ip4(v4, SITE4, SRC4, 17, 64, 0, 1, 0, NULL, 0,
	    (const uint8_t *)"\0\0\0\0\x20\x02\0\0", 8);

	tunbatch_pkt_reset(&p);
	memcpy(p.data, v4, len);
	p.len = len;
	ck_assert_int_eq(r64_process_ring(&r, 0, &p), R64_V_DROP);
	ck_assert_uint_eq(cnt(R64_DROP_IP6_MALFORMED), 1);
	ck_assert_uint_eq(cnt(R64_DROP_IP4_IGNORED), 0);
	ck_assert_uint_eq(cnt(R64_RX), 1);
	/* From the TUN it is IPv4 to our source: ignored on purpose. */
	ck_assert_int_eq(run(v4, len, 0), R64_V_DROP);
	ck_assert_uint_eq(cnt(R64_DROP_IP4_IGNORED), 1);
	/* And IPv6 from the ring goes through the same checks. */
	tunbatch_pkt_reset(&p);
	len = tp_udp6(p.data, NATIVE, SITE6, 64, 0, 20);
	p.len = len;
	ck_assert_int_eq(r64_process_ring(&r, 0, &p), R64_V_FORWARD);
	ck_assert_uint_eq(cnt(R64_FORWARDED), 1);
}
END_TEST

static Suite *
r64_suite(void)
{
	Suite	*s = suite_create("relay6to4");
	TCase	*tc = tcase_create("verdict");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_forward_good);
	tcase_add_test(tc, test_ext_chain_fails_closed);
	tcase_add_test(tc, test_ring_not_ipv6);
	tcase_add_test(tc, test_ttl_df_ecn_options);
	tcase_add_test(tc, test_mtu);
	tcase_add_test(tc, test_time_exceeded);
	tcase_add_test(tc, test_kernel_took_the_hop);
	tcase_add_test(tc, test_default_error_source);
	tcase_add_test(tc, test_drops);
	tcase_add_test(tc, test_malformed_and_ipv4);
	tcase_add_test(tc, test_bogon_100_64_option);
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
	SRunner	*sr = srunner_create(r64_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
