/*
 * bgpglue probe packets: the 4to6 probe is a valid IPv4/protocol-41
 * packet whose inner IPv6 source is the 6to4 address of the outer source,
 * with correct checksums (checked with common/inet.h); the 6to4 matcher
 * accepts exactly our nonce in protocol 41 to our address.  The Teredo
 * client->native probe is a valid Teredo datagram to teredod whose IPv6
 * source embeds the mapping it comes from; injected probes (ProbeInterface)
 * are whole packets with their checksums.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "inet.h"
#include "teredo.h"
#include "pbuf.h"
#include "bgpglue/probe.h"

static void
cfg4to6(struct probe_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = PROBE_4TO6;
	inet_pton(AF_INET, "198.18.0.11", &c->src4);
	inet_pton(AF_INET, "192.88.99.1", &c->target4);
	inet_pton(AF_INET6, "2001:db8:46::11", &c->ret6);
	c->port = 3560;
}

START_TEST(test_4to6_packet)
{
	struct probe_cfg	c;
	uint8_t			pkt[256];
	struct pbuf		b, p4, p6, pu;
	struct ip4_hdr		h4;
	struct ip6_hdr_info	h6;
	struct udp_hdr		u;
	struct in6_addr		want;
	int			len;

	cfg4to6(&c);
	len = probe_build(&c, 0x1122334455667788ULL, pkt, sizeof(pkt));
	ck_assert_int_eq(len, 20 + 40 + 8 + 12);
	pbuf_init(&b, pkt, (size_t)len);
	ck_assert_int_eq(ip4_parse(&b, &h4, &p4), IP4_OK);	/* checksum */
	ck_assert_uint_eq(h4.proto, 41);
	ck_assert_uint_eq(h4.src.s_addr, c.src4.s_addr);
	ck_assert_uint_eq(h4.dst.s_addr, c.target4.s_addr);
	ck_assert_int_eq(ip6_parse(&p4, &h6, &p6), IP6_OK);
	inet_pton(AF_INET6, "2002:c612:b::1", &want);
	ck_assert_mem_eq(&h6.src, &want, 16);
	ck_assert_mem_eq(&h6.dst, &c.ret6, 16);
	ck_assert_uint_eq(h6.nxt, IPPROTO_UDP);
	ck_assert_uint_eq(inet_csum6(&h6.src, &h6.dst, IPPROTO_UDP, p6.p,
	    pbuf_left(&p6)), 0);
	ck_assert_int_eq(udp_parse(&p6, &u, &pu), 0);
	ck_assert_uint_eq(u.dport, 3560);
	/* What comes back to the UDP socket is the payload. */
	ck_assert(probe_match(&c, pu.p, pbuf_left(&pu),
	    0x1122334455667788ULL));
	ck_assert(!probe_match(&c, pu.p, pbuf_left(&pu),
	    0x1122334455667789ULL));
	ck_assert(!probe_match(&c, pu.p, pbuf_left(&pu) - 1,
	    0x1122334455667788ULL));
	ck_assert_int_eq(probe_build(&c, 1, pkt, 50), -1);	/* too small */
}
END_TEST

/* What relay6to4 sends back: IPv4(41) to src4 / IPv6 to 2002:src4::1. */
static int
encap6to4(const struct probe_cfg *c, uint64_t nonce, const char *dst6s,
    uint16_t dport, uint8_t *pkt, size_t cap)
{
	uint8_t			payload[32];
	struct wbuf		w;
	struct ip4_hdr		h4;
	struct ip6_hdr_info	h6;
	struct udp_hdr		u;
	int			plen;
	uint8_t			*udp;

	plen = probe_build(c, nonce, payload, sizeof(payload));
	ck_assert_int_eq(plen, 12);
	wbuf_init(&w, pkt, cap);
	memset(&h4, 0, sizeof(h4));
	h4.total_len = (uint16_t)(20 + 40 + 8 + plen);
	h4.ttl = 64;
	h4.proto = 41;
	inet_pton(AF_INET, "192.88.99.2", &h4.src);
	h4.dst = c->src4;
	ck_assert_int_eq(ip4_build(&w, &h4), 0);
	memset(&h6, 0, sizeof(h6));
	h6.plen = (uint16_t)(8 + plen);
	h6.nxt = IPPROTO_UDP;
	h6.hlim = 63;
	inet_pton(AF_INET6, "2001:db8:5::1", &h6.src);
	inet_pton(AF_INET6, dst6s, &h6.dst);
	ck_assert_int_eq(ip6_build(&w, &h6), 0);
	udp = w.p + w.len;
	memset(&u, 0, sizeof(u));
	u.sport = 3561;
	u.dport = dport;
	u.len = (uint16_t)(8 + plen);
	udp_build(&w, &u);
	wbuf_put(&w, payload, (size_t)plen);
	ck_assert(wbuf_ok(&w));
	wbuf_set_n16(udp + 6, inet_csum6(&h6.src, &h6.dst, IPPROTO_UDP, udp,
	    8 + (size_t)plen));
	return (int)w.len;
}

START_TEST(test_6to4_match)
{
	struct probe_cfg	c;
	uint8_t			pkt[256];
	int			len;

	memset(&c, 0, sizeof(c));
	c.mode = PROBE_6TO4;
	inet_pton(AF_INET, "198.18.5.1", &c.src4);
	c.port = 3560;
	len = encap6to4(&c, 42, "2002:c612:501::1", 3560, pkt, sizeof(pkt));
	ck_assert(probe_match(&c, pkt, (size_t)len, 42));
	ck_assert(!probe_match(&c, pkt, (size_t)len, 43));
	ck_assert(!probe_match(&c, pkt, (size_t)len - 1, 42));
	/* Another 6to4 destination, another port: not ours. */
	len = encap6to4(&c, 42, "2002:c612:502::1", 3560, pkt, sizeof(pkt));
	ck_assert(!probe_match(&c, pkt, (size_t)len, 42));
	len = encap6to4(&c, 42, "2002:c612:501::1", 9, pkt, sizeof(pkt));
	ck_assert(!probe_match(&c, pkt, (size_t)len, 42));
	/* A broken IPv4 checksum is refused. */
	len = encap6to4(&c, 42, "2002:c612:501::1", 3560, pkt, sizeof(pkt));
	pkt[10] ^= 0xff;
	ck_assert(!probe_match(&c, pkt, (size_t)len, 42));
}
END_TEST

/* teredod's indirect bubble: IPv6, no payload, to the probed address. */
START_TEST(test_teredo_match)
{
	struct probe_cfg	c;
	struct teredo_addr	ta;
	struct ip6_hdr_info	h6;
	struct wbuf		w;
	uint8_t			pkt[64];
	uint64_t		nonce = 0xabcdef0123ULL;

	memset(&c, 0, sizeof(c));
	c.mode = PROBE_TEREDO;
	inet_pton(AF_INET, "198.18.6.2", &c.src4);
	memset(&ta, 0, sizeof(ta));
	ta.server = c.src4;
	ta.client = c.src4;
	ta.port = (uint16_t)(1024 + nonce % 64000);
	memset(&h6, 0, sizeof(h6));
	h6.nxt = 59;
	h6.hlim = 255;
	inet_pton(AF_INET6, "fe80::8000:5445:5245:444f", &h6.src);
	teredo_addr_encode(&ta, &h6.dst);
	wbuf_init(&w, pkt, sizeof(pkt));
	ck_assert_int_eq(ip6_build(&w, &h6), 0);
	ck_assert(probe_match(&c, pkt, w.len, nonce));
	ck_assert(!probe_match(&c, pkt, w.len, nonce + 1));
	ck_assert(!probe_match(&c, pkt, w.len - 1, nonce));
	/* The payload of the native probe is the nonce, like the others. */
	ck_assert_int_eq(probe_build(&c, nonce, pkt, sizeof(pkt)), 12);
}
END_TEST

/* IPv6 UDP probe to dst6 from c->ret6, checksum valid; its payload. */
static void
check_ip6_udp(const struct probe_cfg *c, struct pbuf *b,
    const struct in6_addr *src6, const struct in6_addr *dst6,
    uint64_t nonce)
{
	struct ip6_hdr_info	h6;
	struct pbuf		p6, pu;
	struct udp_hdr		u;

	ck_assert_int_eq(ip6_parse(b, &h6, &p6), IP6_OK);
	ck_assert_mem_eq(&h6.src, src6, 16);
	ck_assert_mem_eq(&h6.dst, dst6, 16);
	ck_assert_uint_eq(h6.nxt, IPPROTO_UDP);
	ck_assert_uint_eq(h6.hlim, 64);
	ck_assert_uint_eq(inet_csum6(&h6.src, &h6.dst, IPPROTO_UDP, p6.p,
	    pbuf_left(&p6)), 0);
	ck_assert_int_eq(udp_parse(&p6, &u, &pu), 0);
	ck_assert_uint_eq(u.dport, c->port);
	ck_assert(probe_match(&(struct probe_cfg){ .mode = PROBE_4TO6 },
	    pu.p, pbuf_left(&pu), nonce));
}

static void
cfg_teredo_c2n(struct probe_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = PROBE_TEREDO_C2N;
	inet_pton(AF_INET, "198.18.6.2", &c->src4);
	inet_pton(AF_INET, "198.18.6.1", &c->target4);
	inet_pton(AF_INET6, "2001:db8:7::1", &c->ret6);
	c->port = 3560;
	c->c2n_port = 40001;
}

/*
 * Teredo client->native: through the kernel, the UDP payload is the IPv6
 * packet from the Teredo address (server and client src4, port c2n_port)
 * to ret6; injected, the same behind IPv4 (DF clear) and UDP 3544 with
 * both checksums right.  What comes back on [ret6]:port is the payload.
 */
START_TEST(test_teredo_c2n_packet)
{
	struct probe_cfg	c;
	struct teredo_addr	ta;
	struct in6_addr		src6;
	uint8_t			pkt[256];
	struct pbuf		b, p4, pu;
	struct ip4_hdr		h4;
	struct udp_hdr		u;
	uint64_t		nonce = 0x5566778899aabbccULL;
	int			len;

	cfg_teredo_c2n(&c);
	memset(&ta, 0, sizeof(ta));
	ta.server = c.src4;
	ta.client = c.src4;
	ta.port = 40001;
	teredo_addr_encode(&ta, &src6);

	len = probe_build(&c, nonce, pkt, sizeof(pkt));
	ck_assert_int_eq(len, 40 + 8 + 12);
	pbuf_init(&b, pkt, (size_t)len);
	check_ip6_udp(&c, &b, &src6, &c.ret6, nonce);

	strcpy(c.ifname, "eth0");
	len = probe_build(&c, nonce, pkt, sizeof(pkt));
	ck_assert_int_eq(len, 20 + 8 + 40 + 8 + 12);
	pbuf_init(&b, pkt, (size_t)len);
	ck_assert_int_eq(ip4_parse(&b, &h4, &p4), IP4_OK);
	ck_assert_uint_eq(h4.proto, IPPROTO_UDP);
	ck_assert_uint_eq(h4.src.s_addr, c.src4.s_addr);
	ck_assert_uint_eq(h4.dst.s_addr, c.target4.s_addr);
	ck_assert_uint_eq(h4.frag & IP4_DF, 0);
	ck_assert_uint_eq(inet_csum4(h4.src, h4.dst, IPPROTO_UDP, p4.p,
	    pbuf_left(&p4)), 0);
	ck_assert_int_eq(udp_parse(&p4, &u, &pu), 0);
	ck_assert_uint_eq(u.sport, 40001);
	ck_assert_uint_eq(u.dport, TEREDO_PORT);
	check_ip6_udp(&c, &pu, &src6, &c.ret6, nonce);

	/* The matcher takes our payload only. */
	ck_assert(!probe_match(&c, pkt, (size_t)len, nonce));
	ck_assert_int_eq(probe_build(&c, nonce, pkt, 60), -1);
}
END_TEST

/* Injected native probes: whole IPv6 packets from ret6. */
START_TEST(test_inject_ip6)
{
	struct probe_cfg	c;
	struct teredo_addr	ta;
	struct in6_addr		dst6;
	uint8_t			pkt[256];
	struct pbuf		b;
	uint64_t		nonce = 77777;
	int			len;

	memset(&c, 0, sizeof(c));
	c.mode = PROBE_6TO4;
	inet_pton(AF_INET, "198.18.5.1", &c.src4);
	inet_pton(AF_INET6, "2001:db8:5::1", &c.ret6);
	c.port = 3560;
	strcpy(c.ifname, "eth1");
	len = probe_build(&c, nonce, pkt, sizeof(pkt));
	ck_assert_int_eq(len, 40 + 8 + 12);
	ck_assert_uint_eq(ip_version(pkt, (size_t)len), 6);
	inet_pton(AF_INET6, "2002:c612:501::1", &dst6);
	pbuf_init(&b, pkt, (size_t)len);
	check_ip6_udp(&c, &b, &c.ret6, &dst6, nonce);

	c.mode = PROBE_TEREDO;
	len = probe_build(&c, nonce, pkt, sizeof(pkt));
	ck_assert_int_eq(len, 40 + 8 + 12);
	memset(&ta, 0, sizeof(ta));
	ta.server = c.src4;
	ta.client = c.src4;
	ta.port = (uint16_t)(1024 + nonce % 64000);
	teredo_addr_encode(&ta, &dst6);
	pbuf_init(&b, pkt, (size_t)len);
	check_ip6_udp(&c, &b, &c.ret6, &dst6, nonce);

	/* 4to6 is a whole packet either way. */
	cfg4to6(&c);
	strcpy(c.ifname, "eth0");
	ck_assert_int_eq(probe_build(&c, 1, pkt, sizeof(pkt)),
	    20 + 40 + 8 + 12);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("bgpglue_probe");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 nf;

	tcase_add_test(tc, test_4to6_packet);
	tcase_add_test(tc, test_6to4_match);
	tcase_add_test(tc, test_teredo_match);
	tcase_add_test(tc, test_teredo_c2n_packet);
	tcase_add_test(tc, test_inject_ip6);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
