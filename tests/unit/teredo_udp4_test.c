/*
 * teredod's IPv4+UDP envelope (teredod/udp4.c), used by Input packet and
 * Output packet: what td_udp4_write builds is what a kernel would send
 * (checked field by field and with an independent checksum), parses back,
 * and every rule of td_udp4_parse refuses its bad case with its counter.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "teredod/udp4.h"
#include "teredod/verdict.h"

#define PAYLOAD	61	/* odd: the checksum's last byte is padded */
#define PORT	3544

static uint8_t		 pkt[TD_UDP4_HDR + PAYLOAD + 8];
static struct in_addr	 relay, client;

static struct in_addr
a4(const char *s)
{
	struct in_addr	a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* RFC 768 the slow way: 16-bit words, end-around carry, complemented. */
static uint16_t
ref_udp_csum(const uint8_t *ip, size_t udplen)
{
	uint32_t	s = 0;
	size_t		i;

	for (i = 12; i < 20; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	s += 17 + (uint32_t)udplen;
	for (i = 0; i < udplen; i++)
		s += i % 2 ? ip[20 + i] : (uint32_t)ip[20 + i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
setup(void)
{
	size_t	i;

	relay = a4("203.0.113.30");
	client = a4("198.51.100.20");
	for (i = 0; i < PAYLOAD; i++)
		pkt[TD_UDP4_HDR + i] = (uint8_t)(i * 7 + 1);
	/* From the client to the relay, as the ring would see it. */
	td_udp4_write(pkt, PAYLOAD, client, 40000, relay, PORT, 0x1234);
}

static int
parse(enum td_csum_state cs, struct td_udp4_in *in)
{
	return td_udp4_parse(pkt, TD_UDP4_HDR + PAYLOAD, cs, relay, PORT, in);
}

START_TEST(write_fields)
{
	uint16_t	c;

	td_udp4_write(pkt, PAYLOAD, relay, PORT, client, 40000, 0xbeef);
	ck_assert_uint_eq(pkt[0], 0x45);
	ck_assert_uint_eq(pkt[2] << 8 | pkt[3], TD_UDP4_HDR + PAYLOAD);
	ck_assert_uint_eq(pkt[4] << 8 | pkt[5], 0xbeef);
	ck_assert_uint_eq(pkt[6] << 8 | pkt[7], 0);	/* DF clear, no MF */
	ck_assert_uint_eq(pkt[8], 64);
	ck_assert_uint_eq(pkt[9], 17);
	ck_assert_mem_eq(pkt + 12, &relay, 4);
	ck_assert_mem_eq(pkt + 16, &client, 4);
	ck_assert_uint_eq(inet_csum(pkt, 20), 0);
	ck_assert_uint_eq(pkt[20] << 8 | pkt[21], PORT);
	ck_assert_uint_eq(pkt[22] << 8 | pkt[23], 40000);
	ck_assert_uint_eq(pkt[24] << 8 | pkt[25], 8 + PAYLOAD);
	c = (uint16_t)(pkt[26] << 8 | pkt[27]);
	pkt[26] = pkt[27] = 0;
	ck_assert_uint_eq(c, ref_udp_csum(pkt, 8 + PAYLOAD));
}
END_TEST

START_TEST(parse_good)
{
	struct td_udp4_in	in;

	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), 0);
	ck_assert_uint_eq(in.src.s_addr, client.s_addr);
	ck_assert_uint_eq(in.sport, 40000);
	ck_assert_uint_eq(in.len, PAYLOAD);
	ck_assert_ptr_eq(in.payload, pkt + TD_UDP4_HDR);
	/* Link padding after the datagram is cut off by the IPv4 length. */
	ck_assert_int_eq(td_udp4_parse(pkt, sizeof(pkt), TD_CSUM_CHECK, relay,
	    PORT, &in), 0);
	ck_assert_uint_eq(in.len, PAYLOAD);
}
END_TEST

START_TEST(parse_checksum)
{
	struct td_udp4_in	in;

	pkt[TD_UDP4_HDR + 5] ^= 0x40;
	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), D_RX_UDP_CSUM);
	/* Vouched for by the NIC or a local sender: not ours to check. */
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), 0);
	ck_assert_int_eq(parse(TD_CSUM_LOCAL, &in), 0);
	/* Zero: no checksum, legal over IPv4. */
	pkt[26] = pkt[27] = 0;
	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), 0);
}
END_TEST

START_TEST(parse_ipv4_rules)
{
	struct td_udp4_in	in;
	uint8_t			save[TD_UDP4_HDR];

	memcpy(save, pkt, sizeof(save));
	pkt[10] ^= 1;					/* header checksum */
	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), D_RX_BAD_IPV4);
	memcpy(pkt, save, sizeof(save));
	pkt[0] = 0x65;					/* version */
	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), D_RX_BAD_IPV4);
	memcpy(pkt, save, sizeof(save));
	ck_assert_int_eq(td_udp4_parse(pkt, 30, TD_CSUM_CHECK, relay, PORT,
	    &in), D_RX_BAD_IPV4);			/* shorter than total */
	ck_assert_int_eq(td_udp4_parse(pkt, 19, TD_CSUM_CHECK, relay, PORT,
	    &in), D_RX_BAD_IPV4);
	ck_assert_int_eq(td_udp4_parse(pkt, TD_UDP4_HDR + PAYLOAD,
	    TD_CSUM_CHECK, a4("203.0.113.31"), PORT, &in), D_RX_BAD_IPV4);
}
END_TEST

/* Fields changed with the header checksum redone: only the rule fires. */
static void
set_ip(size_t off, uint8_t v)
{
	pkt[off] = v;
	pkt[10] = pkt[11] = 0;
	wbuf_set_n16(pkt + 10, inet_csum(pkt, 20));
}

START_TEST(parse_fragment_proto_src)
{
	struct td_udp4_in	in;

	set_ip(6, 0x20);				/* MF */
	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), D_RX_BAD_IPV4);
	set_ip(6, 0x40);				/* DF alone: fine */
	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), 0);
	set_ip(7, 0x01);				/* offset 8 */
	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), D_RX_BAD_IPV4);
	set_ip(7, 0);
	set_ip(9, 6);					/* TCP */
	ck_assert_int_eq(parse(TD_CSUM_CHECK, &in), D_RX_BAD_IPV4);
	set_ip(9, 17);
	set_ip(12, 224);				/* multicast source */
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), D_RX_BAD_IPV4_SRC);
	set_ip(12, 127);
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), D_RX_BAD_IPV4_SRC);
	set_ip(12, 0);
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), D_RX_BAD_IPV4_SRC);
	set_ip(12, 255);
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), D_RX_BAD_IPV4_SRC);
}
END_TEST

START_TEST(parse_udp_rules)
{
	struct td_udp4_in	in;

	pkt[23] ^= 1;					/* another port */
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), D_RX_BAD_UDP);
	pkt[23] ^= 1;
	pkt[25] = (uint8_t)(8 + PAYLOAD + 1);		/* beyond the packet */
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), D_RX_BAD_UDP);
	pkt[25] = 7;					/* under its header */
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), D_RX_BAD_UDP);
	pkt[25] = 8 + 10;		/* shorter than IPv4 says: its length */
	ck_assert_int_eq(parse(TD_CSUM_VALID, &in), 0);
	ck_assert_uint_eq(in.len, 10);
}
END_TEST

/*
 * IPv6 payloads: the outer checksum taken from the inner one (TCP,
 * ICMPv6, UDP) must equal the one summed over every byte, for odd and
 * even lengths; UDP without a checksum and other payloads are summed.
 */
static void
inner6(uint8_t *p, size_t plen, uint8_t nxt, int with_csum)
{
	struct in6_addr	src, dst;
	size_t		i, field = nxt == IPPROTO_TCP ? 16 :
			    nxt == IPPROTO_UDP ? 6 : 2;

	inet_pton(AF_INET6, "2001:0:cb00:7101:0:63bf:39cc:9beb", &src);
	inet_pton(AF_INET6, "2001:db8:6::2", &dst);
	memset(p, 0, IP6_HDR_LEN);
	p[0] = 0x60;
	p[1] = 0x0a;
	p[4] = (uint8_t)(plen >> 8);
	p[5] = (uint8_t)plen;
	p[6] = nxt;
	p[7] = 57;
	memcpy(p + 8, &src, 16);
	memcpy(p + 24, &dst, 16);
	for (i = 0; i < plen; i++)
		p[IP6_HDR_LEN + i] = (uint8_t)(i * 13 + nxt);
	p[IP6_HDR_LEN + field] = p[IP6_HDR_LEN + field + 1] = 0;
	if (nxt == IPPROTO_UDP) {
		p[IP6_HDR_LEN + 4] = (uint8_t)(plen >> 8);
		p[IP6_HDR_LEN + 5] = (uint8_t)plen;
	}
	if (with_csum)
		wbuf_set_n16(p + IP6_HDR_LEN + field, inet_csum6(&src, &dst,
		    nxt, p + IP6_HDR_LEN, plen));
}

START_TEST(write_csum_from_inner)
{
	static uint8_t	buf[TD_UDP4_HDR + 1500];
	static const uint8_t nxts[] = { IPPROTO_TCP, IPPROTO_ICMPV6,
	    IPPROTO_UDP };
	static const size_t lens[] = { 20, 21, 60, 1239, 1240 };
	size_t		i, j, len;
	uint16_t	c;
	int		zero;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 5; j++)
			for (zero = 0; zero < 2; zero++) {
				len = IP6_HDR_LEN + lens[j];
				inner6(buf + TD_UDP4_HDR, lens[j], nxts[i],
				    !zero);
				td_udp4_write(buf, len, relay, PORT, client,
				    40000, 1);
				c = (uint16_t)(buf[26] << 8 | buf[27]);
				if (zero && nxts[i] != IPPROTO_UDP)
					continue;	/* bad inner: see below */
				buf[26] = buf[27] = 0;
				ck_assert_msg(c == ref_udp_csum(buf, 8 + len) ||
				    (c == 0xffff &&
				    ref_udp_csum(buf, 8 + len) == 0),
				    "nxt %u len %zu zero %d: %04x", nxts[i],
				    len, zero, c);
				/* What was written parses back. */
				buf[26] = (uint8_t)(c >> 8);
				buf[27] = (uint8_t)c;
				{
					struct td_udp4_in in;

					ck_assert_int_eq(td_udp4_parse(buf,
					    TD_UDP4_HDR + len, TD_CSUM_CHECK,
					    client, 40000, &in), 0);
				}
			}
}
END_TEST

/* A corrupt inner TCP checksum makes the outer one fail at the client. */
START_TEST(write_bad_inner_fails_outer)
{
	static uint8_t		buf[TD_UDP4_HDR + 200];
	struct td_udp4_in	in;

	inner6(buf + TD_UDP4_HDR, 100, IPPROTO_TCP, 1);
	buf[TD_UDP4_HDR + IP6_HDR_LEN + 30] ^= 0x11;	/* after its checksum */
	td_udp4_write(buf, IP6_HDR_LEN + 100, relay, PORT, client, 40000, 1);
	ck_assert_int_eq(td_udp4_parse(buf, TD_UDP4_HDR + IP6_HDR_LEN + 100,
	    TD_CSUM_CHECK, client, 40000, &in), D_RX_UDP_CSUM);
}
END_TEST

static Suite *
udp4_suite(void)
{
	Suite	*s = suite_create("teredo_udp4");
	TCase	*tc = tcase_create("udp4");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, write_fields);
	tcase_add_test(tc, write_csum_from_inner);
	tcase_add_test(tc, write_bad_inner_fails_outer);
	tcase_add_test(tc, parse_good);
	tcase_add_test(tc, parse_checksum);
	tcase_add_test(tc, parse_ipv4_rules);
	tcase_add_test(tc, parse_fragment_proto_src);
	tcase_add_test(tc, parse_udp_rules);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(udp4_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
