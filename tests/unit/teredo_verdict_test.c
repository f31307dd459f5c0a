/*
 * teredod verdicts, one test per rule of verdict.h, on real packet bytes:
 * native -> Teredo (B5, B8-B10, B12, B33, RFC 5991 flags) and Teredo ->
 * native (B4, B21, B22, B25, B27, B28), nonce epochs, LocalSubnet
 * broadcasts both ways (B9: "the host's directed broadcasts").
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sixtofour.h"
#include "teredo.h"
#include "teredod/peers.h"
#include "teredod/verdict.h"
#include "pkt6to4.h"

#define NOW	5000000ULL

static struct td_policy	pol;

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

static void
setup(void)
{
	memset(&pol, 0, sizeof(pol));
	pol.bind_addr = a4("203.0.113.20");
	pol.bind_port = 3545;
	pol.mtu = 1280;
	pol.nonce_key.k0 = 0x1234;
	pol.nonce_key.k1 = 0x5678;
}

/* IPv6 packet src -> dst, plen bytes of payload, into buf at off. */
static size_t
pkt6(uint8_t *buf, size_t cap, const char *src, const char *dst,
    uint16_t plen, uint8_t nxt, uint8_t hlim)
{
	struct wbuf		w;
	struct ip6_hdr_info	h;

	memset(&h, 0, sizeof(h));
	h.plen = plen;
	h.nxt = nxt;
	h.hlim = hlim;
	h.src = a6(src);
	h.dst = a6(dst);
	wbuf_init(&w, buf, cap);
	ck_assert_int_eq(ip6_build(&w, &h), 0);
	wbuf_put_zero(&w, plen);
	ck_assert(wbuf_ok(&w));
	return w.len;
}

/* C = 198.51.100.20:40000 via server 203.0.113.1 (conformance.md 0). */
#define C	"2001:0:cb00:7101:0:63bf:39cc:9beb"
#define C_RND	"2001:0:cb00:7101:3c0f:63bf:39cc:9beb"
#define N	"2001:db8:6::2"

static enum tx_action
tx(const char *src, const char *dst, uint16_t plen, enum td_counter *c)
{
	uint8_t			buf[2000];
	size_t			n = pkt6(buf, sizeof(buf), src, dst, plen, 17, 64);
	struct tx_verdict	v;

	tx_classify(&pol, buf, n, &v);
	*c = v.counter;
	return v.act;
}

START_TEST(tx_rules)
{
	enum td_counter	c;
	uint8_t		junk[30] = { 0x60 };
	struct tx_verdict v;

	ck_assert_int_eq(tx(N, C, 20, &c), TX_PEER);
	ck_assert_int_eq(tx(N, C_RND, 20, &c), TX_PEER);	/* B2 */
	ck_assert_int_eq(tx(N, "2001:0:4136:e378:8000:63bf:3fff:fdd2", 20,
	    &c), TX_PEER);					/* B12 */
	ck_assert_int_eq(tx(N, "2001:db8:1::2", 20, &c), TX_UNREACH);
	ck_assert_int_eq(c, D_TX_NOT_TEREDO);			/* B8 */
	ck_assert_int_eq(tx(N, "2001:0:cb00:7101:0:63bf:f5fe:fdfc", 20, &c),
	    TX_DROP);
	ck_assert_int_eq(c, D_TX_CLIENT_BOGON);			/* B9 */
	ck_assert_int_eq(tx(N, "2001:0:0a00:0001:0:63bf:39cc:9beb", 20, &c),
	    TX_DROP);
	ck_assert_int_eq(c, D_TX_SERVER_BOGON);			/* B10 */
	ck_assert_int_eq(tx(N, "2001:0:cb00:7101:0:f226:34ff:8eeb", 20, &c),
	    TX_DROP);
	ck_assert_int_eq(c, D_TX_OWN_ADDR);			/* B33 */
	ck_assert_int_eq(tx(N, "2001:0:cb00:7101:0:63bf:3fa7:9cff", 20, &c),
	    TX_DROP);					/* client 192.88.99.0 */
	ck_assert_int_eq(c, D_TX_CLIENT_BOGON);
	ck_assert_int_eq(tx(N, C, 1360, &c), TX_PTB);		/* B5 */
	ck_assert_int_eq(c, D_TX_TOO_BIG);
	ck_assert_int_eq(tx(N, C, 1240, &c), TX_PEER);		/* exactly 1280 */
	ck_assert_int_eq(tx(N, "ff0e::1", 20, &c), TX_DROP);
	ck_assert_int_eq(c, D_TX_DST_MULTICAST);
	ck_assert_int_eq(tx(C_RND, C, 20, &c), TX_DROP);	/* hairpin */
	ck_assert_int_eq(c, D_TX_BAD_SRC);
	ck_assert_int_eq(tx("fe80::1", C, 20, &c), TX_DROP);
	ck_assert_int_eq(tx("::", C, 20, &c), TX_DROP);
	tx_classify(&pol, junk, sizeof(junk), &v);
	ck_assert_int_eq(v.act, TX_DROP);
	ck_assert_int_eq(v.counter, D_TX_MALFORMED);
}
END_TEST

static void
rx(const uint8_t *buf, size_t n, const char *from, uint16_t port,
    struct rx_verdict *v)
{
	rx_classify(&pol, buf, n, a4(from), port, NOW, v);
}

START_TEST(rx_rules)
{
	uint8_t			buf[2000];
	size_t			n;
	struct rx_verdict	v;

	n = pkt6(buf, sizeof(buf), C, N, 20, 17, 64);
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.act, RX_FORWARD);
	ck_assert_int_eq(v.map_match, 1);
	ck_assert_int_eq(rx_peer_check(&v, NULL, a4("198.51.100.20"), 40000),
	    0);
	/* B22: wrong IPv4 or port, no trusted entry. */
	rx(buf, n, "198.51.100.21", 40000, &v);
	ck_assert_int_eq(v.map_match, 0);
	ck_assert_int_eq(rx_peer_check(&v, NULL, a4("198.51.100.21"), 40000),
	    D_RX_MISMATCH);
	rx(buf, n, "198.51.100.20", 40001, &v);
	ck_assert_int_eq(rx_peer_check(&v, NULL, a4("198.51.100.20"), 40001),
	    D_RX_MISMATCH);
	/* B4: trailer allowed, only 40 + plen forwarded. */
	rx(buf, n + 12, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.act, RX_FORWARD);
	ck_assert_uint_eq(v.pkt.ip6_len, 60);
	rx(buf, n - 1, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.counter, D_RX_PLEN);
	rx(buf, 39, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.counter, D_RX_SHORT);
	n = pkt6(buf, sizeof(buf), "2001:db8::5", N, 20, 17, 64);
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.counter, D_RX_SRC_NOT_TEREDO);
	n = pkt6(buf, sizeof(buf), C, "ff02::1", 0, 59, 1);	/* B28 */
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.counter, D_RX_DST_MULTICAST);
	n = pkt6(buf, sizeof(buf), C, C_RND, 20, 17, 64);	/* B25 */
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.counter, D_RX_DST_TEREDO);
	n = pkt6(buf, sizeof(buf), C, "fe80::1", 20, 17, 64);
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.counter, D_RX_DST_NOT_SERVED);
	n = pkt6(buf, sizeof(buf), C, "::1", 20, 17, 64);
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.counter, D_RX_DST_NOT_SERVED);
	n = pkt6(buf, sizeof(buf), C, "fd00::1", 20, 17, 64);
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.counter, D_RX_DST_NOT_SERVED);
}
END_TEST

/* The Teredo address of client:port via server, as text, into out. */
static const char *
tad(char *out, const char *client, uint16_t port, const char *server)
{
	struct teredo_addr	ta;
	struct in6_addr		a;

	memset(&ta, 0, sizeof(ta));
	ta.client = a4(client);
	ta.port = port;
	ta.server = a4(server);
	teredo_addr_encode(&ta, &a);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, &a, out,
	    INET6_ADDRSTRLEN));
	return out;
}

/* LocalSubnet 203.0.113.0/24 and 192.0.2.0/25, as relay_open does. */
static void
local_subnets(void)
{
	struct conf_prefix	sub[2];

	ck_assert_int_eq(conf_parse_prefix("203.0.113.0/24", &sub[0]), 0);
	ck_assert_int_eq(conf_parse_prefix("192.0.2.0/25", &sub[1]), 0);
	pol.nbcast = sixtofour_subnet_bcasts(sub, 2, pol.bcast, CONF_LIST_MAX);
	ck_assert_uint_eq(pol.nbcast, 2);
}

START_TEST(tx_local_broadcast)
{
	char		d[INET6_ADDRSTRLEN];
	enum td_counter	c;

	/* Without LocalSubnet the relay cannot know 203.0.113.255 is one. */
	ck_assert_int_eq(tx(N, tad(d, "203.0.113.255", 40000, "203.0.113.1"),
	    20, &c), TX_PEER);
	local_subnets();
	ck_assert_int_eq(tx(N, tad(d, "203.0.113.255", 40000, "203.0.113.1"),
	    20, &c), TX_DROP);
	ck_assert_int_eq(c, D_TX_CLIENT_BCAST);
	ck_assert_int_eq(tx(N, tad(d, "192.0.2.127", 40000, "203.0.113.1"),
	    20, &c), TX_DROP);
	ck_assert_int_eq(c, D_TX_CLIENT_BCAST);
	ck_assert_int_eq(tx(N, tad(d, "198.51.100.20", 40000, "203.0.113.255"),
	    20, &c), TX_DROP);
	ck_assert_int_eq(c, D_TX_SERVER_BCAST);
	ck_assert_int_eq(tx(N, tad(d, "198.51.100.20", 40000, "192.0.2.127"),
	    20, &c), TX_DROP);
	ck_assert_int_eq(c, D_TX_SERVER_BCAST);
	/* Both: the client is checked first (RFC 4380 5.4.1). */
	ck_assert_int_eq(tx(N, tad(d, "203.0.113.255", 40000, "192.0.2.127"),
	    20, &c), TX_DROP);
	ck_assert_int_eq(c, D_TX_CLIENT_BCAST);
	/* A bogon stays a bogon; the broadcast is only the next check. */
	ck_assert_int_eq(tx(N, tad(d, "10.0.0.255", 40000, "203.0.113.255"),
	    20, &c), TX_DROP);
	ck_assert_int_eq(c, D_TX_CLIENT_BOGON);
	/* Neighbours of a broadcast, and 192.0.2.255 (not the /25's), pass. */
	ck_assert_int_eq(tx(N, tad(d, "203.0.113.254", 40000, "203.0.113.1"),
	    20, &c), TX_PEER);
	ck_assert_int_eq(tx(N, tad(d, "192.0.2.128", 40000, "192.0.2.126"),
	    20, &c), TX_PEER);
	ck_assert_int_eq(tx(N, tad(d, "192.0.2.255", 40000, "203.0.113.1"),
	    20, &c), TX_PEER);
	ck_assert_int_eq(tx(N, C, 20, &c), TX_PEER);
}
END_TEST

START_TEST(rx_local_broadcast)
{
	uint8_t			buf[200];
	char			s[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct in6_addr		src, nonce;
	struct rx_verdict	v;
	size_t			n;

	local_subnets();
	/* A consistent mapping that is our subnet's broadcast. */
	n = pkt6(buf, sizeof(buf), tad(s, "203.0.113.255", 40000,
	    "203.0.113.1"), N, 20, 17, 64);
	rx(buf, n, "203.0.113.255", 40000, &v);
	ck_assert_int_eq(v.act, RX_DROP);
	ck_assert_int_eq(v.counter, D_RX_SRC_BCAST);
	/* A server that is one. */
	n = pkt6(buf, sizeof(buf), tad(s, "198.51.100.20", 40000,
	    "192.0.2.127"), N, 20, 17, 64);
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.act, RX_DROP);
	ck_assert_int_eq(v.counter, D_RX_SRC_BCAST);
	/* A nonce bubble from a broadcast: it would become the mapping. */
	src = a6(C);
	td_nonce_addr(&pol, &src, NOW, &nonce);
	inet_ntop(AF_INET6, &nonce, dst, sizeof(dst));
	n = pkt6(buf, sizeof(buf), C, dst, 0, 59, 0);
	rx(buf, n, "198.51.100.20", 50000, &v);
	ck_assert_int_eq(v.act, RX_BUBBLE);			/* control */
	ck_assert_int_eq(v.nonce_ok, 1);
	rx(buf, n, "203.0.113.255", 50000, &v);
	ck_assert_int_eq(v.act, RX_DROP);
	ck_assert_int_eq(v.counter, D_RX_SRC_BCAST);
	/* Data from the broadcast with a plain client address. */
	n = pkt6(buf, sizeof(buf), C, N, 20, 17, 64);
	rx(buf, n, "192.0.2.127", 40000, &v);
	ck_assert_int_eq(v.act, RX_DROP);
	ck_assert_int_eq(v.counter, D_RX_SRC_BCAST);
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(v.act, RX_FORWARD);			/* control */
}
END_TEST

START_TEST(rx_trusted_mapping)
{
	uint8_t			buf[200];
	size_t			n = pkt6(buf, sizeof(buf), C, N, 8, 17, 64);
	struct rx_verdict	v;
	struct peer		p;

	memset(&p, 0, sizeof(p));
	p.state = PEER_TRUSTED;
	p.map_addr = a4("198.51.100.20").s_addr;
	p.map_port = 50000;			/* learnt from a nonce bubble */
	rx(buf, n, "198.51.100.20", 50000, &v);
	ck_assert_int_eq(v.map_match, 0);
	ck_assert_int_eq(rx_peer_check(&v, &p, a4("198.51.100.20"), 50000),
	    0);
	ck_assert_int_eq(rx_peer_check(&v, &p, a4("198.51.100.20"), 50001),
	    D_RX_MISMATCH);
	p.state = PEER_PENDING;			/* not trusted: no */
	ck_assert_int_eq(rx_peer_check(&v, &p, a4("198.51.100.20"), 50000),
	    D_RX_MISMATCH);
}
END_TEST

START_TEST(rx_bubble_nonce)
{
	uint8_t			buf[200];
	char			dst[INET6_ADDRSTRLEN];
	struct in6_addr		c = a6(C), nonce;
	struct rx_verdict	v;
	size_t			n;

	/* B27: symmetric NAT reply from :50000 to our nonce address. */
	td_nonce_addr(&pol, &c, NOW - 1000, &nonce);
	inet_ntop(AF_INET6, &nonce, dst, sizeof(dst));
	ck_assert_uint_eq(nonce.s6_addr[0], 0xfe);
	n = pkt6(buf, sizeof(buf), C, dst, 0, 59, 0);
	rx(buf, n, "198.51.100.20", 50000, &v);
	ck_assert_int_eq(v.act, RX_BUBBLE);			/* B17 */
	ck_assert_int_eq(v.nonce_ok, 1);
	ck_assert_int_eq(rx_peer_check(&v, NULL, a4("198.51.100.20"), 50000),
	    0);
	/* Forged nonce: dropped, whatever the source. */
	buf[39] ^= 1;
	rx(buf, n, "198.51.100.20", 50000, &v);
	ck_assert_int_eq(v.act, RX_BUBBLE);
	ck_assert_int_eq(v.nonce_ok, 0);
	ck_assert_int_eq(rx_peer_check(&v, NULL, a4("198.51.100.20"), 50000),
	    D_RX_BAD_NONCE);
	/* The nonce is per client: C's nonce does not vouch for another. */
	n = pkt6(buf, sizeof(buf), C_RND, dst, 0, 59, 0);
	rx(buf, n, "198.51.100.20", 50000, &v);
	ck_assert_int_eq(v.nonce_ok, 0);
	/* A bubble with a matching mapping needs no nonce. */
	n = pkt6(buf, sizeof(buf), C, "fe80::1", 0, 59, 0);
	rx(buf, n, "198.51.100.20", 40000, &v);
	ck_assert_int_eq(rx_peer_check(&v, NULL, a4("198.51.100.20"), 40000),
	    0);
}
END_TEST

START_TEST(nonce_epochs)
{
	struct in6_addr	c = a6(C), n0, n1;

	td_nonce_addr(&pol, &c, NOW, &n0);
	ck_assert_int_eq(td_nonce_check(&pol, &c, &n0, NOW), 1);
	ck_assert_int_eq(td_nonce_check(&pol, &c, &n0,
	    NOW + TD_NONCE_EPOCH_MS), 1);
	ck_assert_int_eq(td_nonce_check(&pol, &c, &n0,
	    NOW + 2 * TD_NONCE_EPOCH_MS + TD_NONCE_EPOCH_MS), 0);
	pol.nonce_key.k0++;			/* another relay, another key */
	td_nonce_addr(&pol, &c, NOW, &n1);
	ck_assert_int_ne(memcmp(&n0, &n1, 16), 0);
}
END_TEST

/* IPv6 + routing header (type rtype, 1 address) + 8 bytes of UDP. */
static size_t
pkt_rh(uint8_t *buf, size_t cap, const char *src, const char *dst,
    uint8_t rtype)
{
	size_t	n = pkt6(buf, cap, src, dst, 24 + 8, IPPROTO_ROUTING, 64);

	buf[40] = 17;		/* next header UDP */
	buf[41] = 2;		/* 24 bytes */
	buf[42] = rtype;
	buf[43] = 1;		/* segments left */
	return n;
}

START_TEST(rh0_both_ways)
{
	uint8_t			buf[200];
	size_t			n;
	struct tx_verdict	tv;
	struct rx_verdict	rv;

	n = pkt_rh(buf, sizeof(buf), N, C, 0);
	tx_classify(&pol, buf, n, &tv);
	ck_assert_int_eq(tv.act, TX_DROP);
	ck_assert_int_eq(tv.counter, D_TX_RH0);
	n = pkt_rh(buf, sizeof(buf), N, C, 2);		/* type 2: fine */
	tx_classify(&pol, buf, n, &tv);
	ck_assert_int_eq(tv.act, TX_PEER);
	n = pkt_rh(buf, sizeof(buf), C, N, 0);
	rx(buf, n, "198.51.100.20", 40000, &rv);
	ck_assert_int_eq(rv.act, RX_DROP);
	ck_assert_int_eq(rv.counter, D_RX_RH0);
	n = pkt_rh(buf, sizeof(buf), C, N, 2);
	rx(buf, n, "198.51.100.20", 40000, &rv);
	ck_assert_int_eq(rv.act, RX_FORWARD);
}
END_TEST

/*
 * An extension header chain the walker cannot finish is a drop, never a
 * pass, both ways: 16 headers are walked, a 17th is refused, a truncated
 * chain too; RH0 is seen at the end of the longest chain walked.
 */
static void
chain_both(size_t n, enum tp_chain_end end, size_t cut, int pass,
    enum td_counter txc, enum td_counter rxc)
{
	uint8_t			buf[2000];
	size_t			len;
	struct tx_verdict	tv;
	struct rx_verdict	rv;

	len = tp_chain6(buf, N, C, 64, n, end, cut);
	tx_classify(&pol, buf, len, &tv);
	ck_assert_int_eq(tv.act, (pass ? TX_PEER : TX_DROP));
	if (!pass)
		ck_assert_int_eq(tv.counter, txc);
	len = tp_chain6(buf, C, N, 64, n, end, cut);
	rx(buf, len, "198.51.100.20", 40000, &rv);
	ck_assert_int_eq(rv.act, (pass ? RX_FORWARD : RX_DROP));
	if (!pass)
		ck_assert_int_eq(rv.counter, rxc);
}

START_TEST(ext_chain_fails_closed)
{
	chain_both(15, TP_END_UDP, 0, 1, 0, 0);
	chain_both(16, TP_END_UDP, 0, 1, 0, 0);
	chain_both(15, TP_END_RH0, 0, 0, D_TX_RH0, D_RX_RH0);
	chain_both(16, TP_END_RH0, 0, 0, D_TX_EXT_TOO_LONG, D_RX_EXT_TOO_LONG);
	chain_both(17, TP_END_UDP, 0, 0, D_TX_EXT_TOO_LONG, D_RX_EXT_TOO_LONG);
	chain_both(17, TP_END_RH0, 0, 0, D_TX_EXT_TOO_LONG, D_RX_EXT_TOO_LONG);
	chain_both(100, TP_END_UDP, 0, 0, D_TX_EXT_TOO_LONG,
	    D_RX_EXT_TOO_LONG);
	chain_both(100, TP_END_RH0, 0, 0, D_TX_EXT_TOO_LONG,
	    D_RX_EXT_TOO_LONG);
	chain_both(3, TP_END_UDP, 8 + 4, 0, D_TX_EXT_TRUNCATED,
	    D_RX_EXT_TRUNCATED);
	chain_both(3, TP_END_RH0, 8 + 22, 0, D_TX_EXT_TRUNCATED,
	    D_RX_EXT_TRUNCATED);
}
END_TEST

static Suite *
verdict_suite(void)
{
	Suite	*s = suite_create("teredo_verdict");
	TCase	*tc = tcase_create("verdict");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, tx_rules);
	tcase_add_test(tc, rx_rules);
	tcase_add_test(tc, rx_trusted_mapping);
	tcase_add_test(tc, rx_bubble_nonce);
	tcase_add_test(tc, nonce_epochs);
	tcase_add_test(tc, rh0_both_ways);
	tcase_add_test(tc, tx_local_broadcast);
	tcase_add_test(tc, rx_local_broadcast);
	tcase_add_test(tc, ext_chain_fails_closed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(verdict_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
